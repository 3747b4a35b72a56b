//! The read-eval-print loop: the session's state, the shell process that runs commands, the
//! output path, and the ordered shutdown.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use otp_core::application::Application;
use otp_core::{Atom, Console, ExitReason, Mailbox, Node, Pid, process};
use tokio::sync::{Mutex as AsyncMutex, mpsc, oneshot};

use super::command::{Args, BoxFuture, Command, Reply, ShellError};
use super::context::Ctx;
use super::input::{Input, Read};
use super::parse;
use super::{AppStart, Iex};

/// How long the live shell lets asynchronous output (a crash report, a restart) arrive after a
/// command before it prints the next prompt.
const LIVE_SETTLE_MS: u64 = 20;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Plain data behind these locks; a panic elsewhere leaves it usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Where the console's text goes.
pub(crate) enum Sink {
    /// Left in the console's buffer: a test reads the whole transcript at the end.
    Keep,
    /// Standard output (input piped in).
    Stdout,
    /// rustyline's printer, which prints above the line being typed.
    Printer(Box<dyn rustyline::ExternalPrinter + Send>),
}

/// The shell's output: everything goes through the node's console (so a command's output, a
/// crash report and a timer's `IO.puts` keep their order), then to the sink.
pub(crate) struct Output {
    pub(crate) console: Console,
    sink: Mutex<Sink>,
    /// While the live view owns the screen, output waits in the console.
    held: AtomicBool,
}

impl Output {
    pub(crate) fn new(console: Console, sink: Sink) -> Arc<Output> {
        Arc::new(Output {
            console,
            sink: Mutex::new(sink),
            held: AtomicBool::new(false),
        })
    }

    /// Moves what the console holds to the sink.
    pub(crate) fn flush(&self) {
        if self.held.load(Ordering::Acquire) {
            return;
        }
        let mut sink = lock(&self.sink);
        let write = |text: &str, sink: &mut Sink| match sink {
            Sink::Keep => {}
            Sink::Stdout => {
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
            }
            Sink::Printer(printer) => {
                let _ = printer.print(text.to_string());
            }
        };
        if matches!(*sink, Sink::Keep) {
            return;
        }
        let text = self.console.take();
        if !text.is_empty() {
            write(&text, &mut sink);
        }
    }

    pub(crate) fn hold(&self, on: bool) {
        self.held.store(on, Ordering::Release);
    }
}

/// One shell session: what commands share.
pub(crate) struct Session {
    pub(crate) node: Node,
    pub(crate) console: Console,
    pub(crate) output: Arc<Output>,
    pub(crate) root: Option<Atom>,
    pub(crate) terminal: bool,
    pub(crate) commands: Vec<Command>,
    bindings: Mutex<HashMap<String, Pid>>,
    current: Mutex<String>,
}

impl Session {
    pub(crate) fn binding(&self, name: &str) -> Option<Pid> {
        lock(&self.bindings).get(name).cloned()
    }

    pub(crate) fn current_command(&self) -> String {
        lock(&self.current).clone()
    }

    /// Words worth completing: commands, registered names, variables.
    fn completions(&self) -> Vec<String> {
        let mut words: Vec<String> = self
            .commands
            .iter()
            .flat_map(|c| std::iter::once(c.name.clone()).chain(c.aliases.iter().cloned()))
            .collect();
        words.extend(
            self.node
                .registered()
                .iter()
                .map(|a| a.as_str().to_string()),
        );
        words.extend(lock(&self.bindings).keys().cloned());
        words.sort();
        words.dedup();
        words
    }
}

type Job = Box<dyn FnOnce(Arc<AsyncMutex<Mailbox<Atom>>>) -> BoxFuture<()> + Send>;

/// The shell process: it runs one command at a time, and its mailbox is the shell's.
struct Evaluator {
    pid: Pid,
    jobs: mpsc::UnboundedSender<Job>,
    /// Set once its exit has been reported (or was the shell's own doing).
    reported: Arc<AtomicBool>,
}

/// IEx's words for an exit reason (`Exception.format_exit/1`).
pub(crate) fn exit_line(pid: &Pid, reason: &ExitReason) -> String {
    format!(
        "** (EXIT from {pid}) shell process exited with reason: {}",
        crate::shell::describe_exit(reason)
    )
}

fn spawn_evaluator(session: &Arc<Session>) -> Evaluator {
    let (tx, mut rx) = mpsc::unbounded_channel::<Job>();
    let addr = session.node.spawn(move |inbox: Mailbox<Atom>| async move {
        let inbox = Arc::new(AsyncMutex::new(inbox));
        while let Some(job) = rx.recv().await {
            job(inbox.clone()).await;
        }
    });
    let pid = addr.pid();
    let reported = Arc::new(AtomicBool::new(false));
    // IEx reports a shell process's death when it happens, even between two inputs.
    let (watched, flag, console) = (pid.clone(), reported.clone(), session.console.clone());
    tokio::spawn(async move {
        let reason = watched.wait_exit().await;
        if !flag.swap(true, Ordering::AcqRel) {
            console.println(exit_line(&watched, &reason));
        }
    });
    Evaluator {
        pid,
        jobs: tx,
        reported,
    }
}

pub(crate) struct Engine {
    session: Arc<Session>,
    evaluator: Option<Evaluator>,
    realtime: bool,
}

enum Outcome {
    Continue,
    Exit,
}

impl Engine {
    pub(crate) fn new(
        iex: &Iex,
        node: Node,
        output: Arc<Output>,
        terminal: bool,
        realtime: bool,
    ) -> Engine {
        let session = Arc::new(Session {
            node,
            console: output.console.clone(),
            output,
            root: iex.root.clone(),
            terminal,
            commands: iex.all_commands(),
            bindings: Mutex::new(HashMap::new()),
            current: Mutex::new(String::new()),
        });
        Engine {
            session,
            evaluator: None,
            realtime,
        }
    }

    fn say(&self, line: impl std::fmt::Display) {
        self.session.console.println(line);
    }

    /// Lets what a command set going happen: under a paused clock, until every process is
    /// idle (the clock only moves then); live, for a moment.
    async fn settle(&self) {
        let ms = if self.realtime { LIVE_SETTLE_MS } else { 1 };
        tokio::time::sleep(Duration::from_millis(ms)).await;
        self.session.output.flush();
    }

    /// Runs the whole session: the applications, the banner, the loop, the shutdown.
    pub(crate) async fn run(mut self, iex: &Iex, input: &mut Input) -> bool {
        let mut apps: Vec<Application> = Vec::new();
        let mut started = true;
        for (name, start) in &iex.applications {
            let start: AppStart = start.clone();
            match start(self.session.node.clone()).await {
                Ok(app) => apps.push(app),
                Err(e) => {
                    self.say(ShellError::exit(format!(
                        "the application {name} did not start: {e}"
                    )));
                    started = false;
                    break;
                }
            }
        }
        if started {
            self.say(iex.banner());
            self.settle().await;
            self.repl(input).await;
        }
        self.shutdown(apps).await;
        started
    }

    async fn repl(&mut self, input: &mut Input) {
        let mut n = 1;
        loop {
            let prompt = format!("iex({n})> ");
            let line = match input.read(&prompt, self.session.completions()).await {
                Read::Line(line) => line,
                // Ctrl-C clears the line being typed; Ctrl-D (end of input) leaves.
                Read::Interrupted => continue,
                Read::Eof => return,
            };
            if input.echoes() {
                self.say(format!("{prompt}{line}"));
            }
            if line.trim().is_empty() {
                self.session.output.flush();
                continue;
            }
            n += 1;
            let outcome = self.eval(&line).await;
            self.settle().await;
            if let Outcome::Exit = outcome {
                return;
            }
        }
    }

    async fn eval(&mut self, line: &str) -> Outcome {
        let words = match parse::words(line) {
            Ok(words) => words,
            Err(e) => {
                self.say(ShellError::new("SyntaxError", e.to_string()));
                return Outcome::Continue;
            }
        };
        let mut words: Vec<parse::Word> = words;
        let binding = if words.len() >= 2
            && words[1].text == "="
            && !words[0].quoted
            && parse::is_variable(&words[0].text)
        {
            let var = words[0].text.clone();
            words.drain(..2);
            Some(var)
        } else {
            None
        };
        let Some(first) = words.first() else {
            self.say(ShellError::new(
                "SyntaxError",
                "nothing after `=`: write name = command ...",
            ));
            return Outcome::Continue;
        };
        let name = first.text.clone();
        let Some(command) = self
            .session
            .commands
            .iter()
            .find(|c| c.answers_to(&name))
            .cloned()
        else {
            self.say(ShellError::new(
                "UndefinedFunctionError",
                format!("unknown command {name}: type help for the list"),
            ));
            return Outcome::Continue;
        };
        let args = Args {
            words: words[1..].iter().map(|w| w.text.clone()).collect(),
        };
        if let Err(e) = command.check_arity(args.len()) {
            self.say(e);
            return Outcome::Continue;
        }
        if command.name == "exit" {
            return Outcome::Exit;
        }
        *lock(&self.session.current) = command.name.clone();
        let Some(Ok(pid)) = self.in_shell(command, args).await else {
            return Outcome::Continue;
        };
        if let Some(var) = binding {
            match pid {
                Some(pid) => {
                    lock(&self.session.bindings).insert(var, pid);
                }
                None => self.say(ShellError::new(
                    "MatchError",
                    format!("{name} returns no pid to bind to {var}"),
                )),
            }
        }
        Outcome::Continue
    }

    /// The shell process, started anew if the last one died.
    fn evaluator(&mut self) -> &Evaluator {
        let alive = self.evaluator.as_ref().is_some_and(|e| e.pid.is_alive());
        if !alive {
            self.evaluator = Some(spawn_evaluator(&self.session));
        }
        self.evaluator
            .as_ref()
            .expect("an evaluator was just made if there was none")
    }

    /// Runs a command in the shell process and prints its answer there, the moment it has
    /// one, so that it comes before whatever the command set going prints (a crash report
    /// after `divide calc 0`), as in IEx. Gives the pid the command returned, if any, or
    /// `Err` after an error; `None` if the shell process died first (its exit is reported as
    /// IEx reports it).
    async fn in_shell(
        &mut self,
        command: Command,
        args: Args,
    ) -> Option<Result<Option<Pid>, ShellError>> {
        let session = self.session.clone();
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |mailbox| {
            Box::pin(async move {
                let console = session.console.clone();
                let ctx = Ctx { session, mailbox };
                let answer = match (command.handler)(ctx, args).await {
                    Ok(Reply { text, pid }) => {
                        if let Some(text) = text {
                            console.println(text);
                        }
                        Ok(pid)
                    }
                    Err(e) => {
                        console.println(&e);
                        Err(e)
                    }
                };
                let _ = tx.send(answer);
            })
        });
        let evaluator = self.evaluator();
        let (pid, reported) = (evaluator.pid.clone(), evaluator.reported.clone());
        // A send fails only if the process has just died; the answer below says so.
        let _ = evaluator.jobs.send(job);
        let mut rx = rx;
        if self.realtime {
            // Ctrl-C while a command runs (a long wait, a call that hangs) kills the shell
            // process, as IEx's break menu does, and the prompt comes back with a new one.
            tokio::select! {
                answer = &mut rx => return self.answered(answer, &pid, &reported).await,
                _ = tokio::signal::ctrl_c() => {
                    if self.session.terminal {
                        // The terminal echoed ^C where the cursor was.
                        self.say("");
                    }
                    let target = pid.clone();
                    let _ = self
                        .session
                        .node
                        .run(async move { process::exit(&target, ExitReason::Kill) })
                        .await;
                }
            }
        }
        let answer = rx.await;
        self.answered(answer, &pid, &reported).await
    }

    /// The command's answer, or the report of the shell process's death.
    async fn answered(
        &self,
        answer: Result<Result<Option<Pid>, ShellError>, oneshot::error::RecvError>,
        pid: &Pid,
        reported: &AtomicBool,
    ) -> Option<Result<Option<Pid>, ShellError>> {
        match answer {
            Ok(result) => Some(result),
            Err(_) => {
                let reason = pid.wait_exit().await;
                if !reported.swap(true, Ordering::AcqRel) {
                    self.say(exit_line(pid, &reason));
                }
                None
            }
        }
    }

    /// The BEAM's `q()`: the applications stop in reverse start order (each supervisor
    /// stopping its children in reverse order), then the shell process and whatever else still
    /// runs on the node.
    async fn shutdown(&mut self, apps: Vec<Application>) {
        for app in apps.iter().rev() {
            app.stop().await;
        }
        let evaluator = self.evaluator.take();
        // Exit signals come from a process: a last one, which leaves with the others.
        let _ = self
            .session
            .node
            .run(async move {
                let me = process::self_pid();
                if let Some(evaluator) = evaluator {
                    evaluator.reported.store(true, Ordering::Release);
                    process::exit(&evaluator.pid, ExitReason::Shutdown);
                    evaluator.pid.wait_exit().await;
                }
                for pid in process::current_node().processes().into_iter().rev() {
                    if pid != me {
                        process::exit(&pid, ExitReason::Kill);
                        pid.wait_exit().await;
                    }
                }
            })
            .await;
        self.settle().await;
    }
}
