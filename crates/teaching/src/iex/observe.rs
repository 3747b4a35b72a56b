//! `observe`: the supervision tree, live, in the terminal, as Erlang's `:observer` shows it.
//!
//! The shell process refreshes the tree four times a second ([`otp_core::observer`]); a thread
//! of its own draws it with ratatui and reads the keyboard. The arrow keys select a process
//! and `k` kills it, as `:observer`'s "Kill process" does, so a reader watches its supervisor
//! restart it (and its siblings, under one_for_all) as it happens. What processes print
//! meanwhile (crash reports, restarts) shows in the lower pane and is printed in full once the
//! view is left, so nothing is lost.

use std::io::{self, Stdout};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use otp_core::{ExitReason, observer, process};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::command::{Args, Reply, ShellError};
use super::context::Ctx;
use super::parse;

/// How often the view asks the supervisors again.
const REFRESH_MS: u64 = 250;

/// What the drawing thread shows.
struct Frame {
    title: String,
    tree: String,
    log: String,
}

pub(crate) async fn observe(ctx: &Ctx, args: &Args) -> Result<Reply, ShellError> {
    if !ctx.is_terminal() {
        return Ok(Reply::text(
            "observe needs a terminal (stdin and stdout are not both one here); \
             tree prints the supervision tree once",
        ));
    }
    // Resolved again at every refresh: a named supervisor that is restarted is followed.
    let word = args.get(0).map(str::to_string);
    ctx.supervisor(word.as_deref())?;
    let output = ctx.session.output.clone();
    output.hold(true);
    let quit = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<Frame>();
    // The pid numbers the reader asks to kill.
    let (kill_tx, kills) = mpsc::channel::<u64>();
    let ui = {
        let quit = quit.clone();
        std::thread::spawn(move || draw_until_quit(rx, &kill_tx, &quit))
    };
    let console = ctx.session.console.clone();
    let label = word.clone().unwrap_or_else(|| {
        ctx.session
            .root
            .as_ref()
            .map(|r| r.to_string())
            .unwrap_or_default()
    });
    while !quit.load(Ordering::Acquire) {
        let tree = match ctx.supervisor(word.as_deref()) {
            Ok(sup) => match observer::supervision_tree(sup.pid()).await {
                Ok(view) => view.to_string(),
                Err(e) => e.to_string(),
            },
            Err(e) => e.to_string(),
        };
        let frame = Frame {
            title: format!(
                " observe {label}: up/down select, k kills the selected process, q or Esc goes back "
            ),
            tree,
            log: console.contents(),
        };
        if tx.send(frame).is_err() {
            break;
        }
        for _ in 0..5 {
            while let Ok(n) = kills.try_recv() {
                if let Some(pid) = ctx.node().process(n) {
                    process::exit(&pid, ExitReason::Kill);
                }
            }
            if quit.load(Ordering::Acquire) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(REFRESH_MS / 5)).await;
        }
    }
    drop(tx);
    let drawn = ui.join();
    output.hold(false);
    match drawn {
        Ok(Ok(())) => Ok(Reply::none()),
        Ok(Err(e)) => Err(ShellError::new(
            "observe",
            format!("the terminal failed: {e}"),
        )),
        Err(_) => Err(ShellError::new("observe", "the view stopped unexpectedly")),
    }
}

type Screen = Terminal<CrosstermBackend<Stdout>>;

/// The pid number of the process a line of the tree is about (the first pid on it).
fn pid_on(line: &str) -> Option<u64> {
    let start = line.find("#PID<")?;
    let end = start + line[start..].find('>')?;
    parse::pid_number(&line[start..=end])
}

fn draw_until_quit(
    frames: mpsc::Receiver<Frame>,
    kills: &mpsc::Sender<u64>,
    quit: &AtomicBool,
) -> io::Result<()> {
    enable_raw_mode()?;
    let result = (|| {
        execute!(io::stdout(), EnterAlternateScreen)?;
        let mut screen: Screen = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        let mut shown: Option<Frame> = None;
        // The selected process, by position among the lines that show one.
        let mut selected: usize = 0;
        loop {
            loop {
                match frames.try_recv() {
                    Ok(frame) => shown = Some(frame),
                    Err(mpsc::TryRecvError::Empty) => break,
                    Err(mpsc::TryRecvError::Disconnected) => return Ok(()),
                }
            }
            let pids: Vec<u64> = shown
                .as_ref()
                .map(|f| f.tree.lines().filter_map(pid_on).collect())
                .unwrap_or_default();
            selected = selected.min(pids.len().saturating_sub(1));
            if let Some(frame) = &shown {
                let current = pids.get(selected).copied();
                screen.draw(|f| draw(f, frame, current))?;
            }
            if event::poll(Duration::from_millis(50))?
                && let Event::Key(key) = event::read()?
                && key.kind == KeyEventKind::Press
            {
                let ctrl_c =
                    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
                match key.code {
                    _ if ctrl_c => return Ok(()),
                    KeyCode::Char('q') | KeyCode::Esc => return Ok(()),
                    KeyCode::Up => selected = selected.saturating_sub(1),
                    KeyCode::Down => selected += 1,
                    KeyCode::Char('k') => {
                        if let Some(&n) = pids.get(selected) {
                            let _ = kills.send(n);
                        }
                    }
                    _ => {}
                }
            }
        }
    })();
    quit.store(true, Ordering::Release);
    // Give the terminal back whatever happened above.
    let left = execute!(io::stdout(), LeaveAlternateScreen);
    let raw = disable_raw_mode();
    result.and(left).and(raw)
}

fn style_of(line: &str) -> Style {
    let text = line.trim_start_matches(|c: char| " │├└─".contains(c));
    if text.starts_with("Supervisor ") || text.starts_with("DynamicSupervisor ") {
        Style::default()
            .fg(Color::Cyan)
            .add_modifier(Modifier::BOLD)
    } else if text.contains(":undefined :") || text.contains(":restarting") {
        Style::default().fg(Color::Red)
    } else if text.contains("restarts: 0") || !text.contains("restarts: ") {
        Style::default()
    } else {
        Style::default().fg(Color::Yellow)
    }
}

fn draw(f: &mut ratatui::Frame<'_>, frame: &Frame, selected: Option<u64>) {
    let [top, bottom] =
        Layout::vertical([Constraint::Min(5), Constraint::Length(12)]).areas(f.area());
    let tree: Vec<Line> = frame
        .tree
        .lines()
        .map(|l| {
            let style = style_of(l);
            let style = if selected.is_some() && pid_on(l) == selected {
                style.add_modifier(Modifier::REVERSED)
            } else {
                style
            };
            Line::styled(l.to_string(), style)
        })
        .collect();
    f.render_widget(
        Paragraph::new(Text::from(tree)).block(
            Block::default()
                .borders(Borders::ALL)
                .title(frame.title.as_str()),
        ),
        top,
    );
    let height = bottom.height.saturating_sub(2) as usize;
    let lines: Vec<&str> = frame.log.lines().filter(|l| !l.is_empty()).collect();
    let tail: Vec<Line> = lines[lines.len().saturating_sub(height)..]
        .iter()
        .map(|l| Line::raw(l.to_string()))
        .collect();
    f.render_widget(
        Paragraph::new(Text::from(tail)).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" printed meanwhile (shown in full at the prompt) "),
        ),
        bottom,
    );
}
