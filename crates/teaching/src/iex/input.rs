//! Where input lines come from: a terminal (rustyline: editing, history, completion), piped
//! standard input, or a script a test hands over.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};
use tokio::sync::{mpsc, oneshot};

/// What reading a line gave.
pub(crate) enum Read {
    Line(String),
    /// Ctrl-C: the line typed so far is dropped.
    Interrupted,
    /// Ctrl-D, or the end of piped input.
    Eof,
}

pub(crate) enum Input {
    /// A test's lines.
    Script(VecDeque<String>),
    /// Piped standard input, read on a thread of its own.
    Lines(mpsc::UnboundedReceiver<String>),
    /// A terminal.
    Terminal(Terminal),
}

impl Input {
    pub(crate) fn script(text: &str) -> Input {
        Input::Script(text.lines().map(str::to_string).collect())
    }

    /// Standard input, line by line, from a thread (reading blocks).
    pub(crate) fn stdin_lines() -> Input {
        let (tx, rx) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Input::Lines(rx)
    }

    /// Whether the shell must print the input after the prompt (a terminal shows what was
    /// typed; a script or a pipe does not).
    pub(crate) fn echoes(&self) -> bool {
        !matches!(self, Input::Terminal(_))
    }

    pub(crate) async fn read(&mut self, prompt: &str, completions: Vec<String>) -> Read {
        match self {
            Input::Script(lines) => match lines.pop_front() {
                Some(line) => Read::Line(line),
                None => Read::Eof,
            },
            Input::Lines(rx) => match rx.recv().await {
                Some(line) => Read::Line(line),
                None => Read::Eof,
            },
            Input::Terminal(t) => t.read(prompt, completions).await,
        }
    }
}

/// The words the completer offers, refreshed before every prompt.
#[derive(Clone, Default)]
struct Words(Arc<Mutex<Vec<String>>>);

struct ShellHelper {
    words: Words,
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        let start = before
            .rfind(|c: char| c.is_whitespace() || c == '(' || c == ',')
            .map(|i| i + 1)
            .unwrap_or(0);
        let prefix = &before[start..];
        let bare = prefix.strip_prefix(':').unwrap_or(prefix);
        let words = self.words.0.lock().unwrap_or_else(|e| e.into_inner());
        let candidates = words
            .iter()
            .filter(|w| w.starts_with(bare))
            .map(|w| Pair {
                display: w.clone(),
                replacement: if prefix.starts_with(':') {
                    format!(":{w}")
                } else {
                    w.clone()
                },
            })
            .collect();
        Ok((start, candidates))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
}
impl Highlighter for ShellHelper {}
impl Validator for ShellHelper {}
impl Helper for ShellHelper {}

type Request = (String, Vec<String>, oneshot::Sender<Read>);

/// rustyline on a thread of its own (reading a line blocks), asked for one line at a time.
pub(crate) struct Terminal {
    requests: std::sync::mpsc::Sender<Request>,
}

impl Terminal {
    /// Starts the line editor; returns it and the printer that writes above the line being
    /// typed.
    pub(crate) fn start()
    -> Result<(Terminal, Box<dyn rustyline::ExternalPrinter + Send>), ReadlineError> {
        let words = Words::default();
        let mut editor: Editor<ShellHelper, DefaultHistory> = Editor::new()?;
        editor.set_helper(Some(ShellHelper {
            words: words.clone(),
        }));
        let printer = editor.create_external_printer()?;
        let (tx, rx) = std::sync::mpsc::channel::<Request>();
        std::thread::spawn(move || {
            while let Ok((prompt, completions, reply)) = rx.recv() {
                *words.0.lock().unwrap_or_else(|e| e.into_inner()) = completions;
                let read = match editor.readline(&prompt) {
                    Ok(line) => {
                        if !line.trim().is_empty() {
                            let _ = editor.add_history_entry(line.as_str());
                        }
                        Read::Line(line)
                    }
                    Err(ReadlineError::Interrupted) => Read::Interrupted,
                    Err(_) => Read::Eof,
                };
                if reply.send(read).is_err() {
                    break;
                }
            }
        });
        Ok((Terminal { requests: tx }, Box::new(printer)))
    }

    async fn read(&mut self, prompt: &str, completions: Vec<String>) -> Read {
        let (tx, rx) = oneshot::channel();
        if self
            .requests
            .send((prompt.to_string(), completions, tx))
            .is_err()
        {
            return Read::Eof;
        }
        rx.await.unwrap_or(Read::Eof)
    }
}
