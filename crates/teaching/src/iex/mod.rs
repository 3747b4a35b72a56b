//! # An interactive shell per chapter: what IEx is to the book
//!
//! The scenes replay the book's IEx sessions as fixed scripts on a paused clock. This module
//! is the other half of the IEx habit: a prompt on a live node, in real time, where a reader
//! pokes a running application: says something through a server, kills it, watches its
//! supervisor start a new one, asks the supervisor what it has, waits for a timer.
//!
//! Each chapter crate builds an [`Iex`] (its application, its commands) and its binary runs
//! it: `cargo run -p super-duper` gives
//!
//! ```text
//! >>>> Starting Super-duper Super-visor <<<<
//! Starting superdave
//! Starting superman
//! Starting supermario
//! Interactive shell: super_duper on a live node (help lists the commands; exit or Ctrl-D leaves)
//! iex(1)> die superman
//! :ok
//! Mayday! Mayday! superman going down...
//!
//! [error] GenServer :superman terminating
//! ** (panic) Boom
//! ...
//! Starting superman
//! iex(2)> tree
//! ```
//!
//! ## How it works
//!
//! - **Commands.** A shell has the chapter's [`Command`]s and every shell's own: `help`,
//!   `exit`, `self`, `wait`, `flush`, `send`, `whereis`, `Process.alive?`, `Process.info`,
//!   `Process.exit`, `Process.monitor`, `Process.flag`, `Process.registered`,
//!   `which_children`, `count_children`, `terminate_child`, `restart_child`, `delete_child`,
//!   `tree` and `observe`. Words are split on spaces, commas and parentheses, so `say superman`
//!   and `say(:superman)` are one command; `calc = start 10` binds the pid a command returns
//!   to a variable later commands take wherever a pid goes.
//! - **The shell process.** Commands run one at a time in a process of the node, as IEx
//!   evaluates in its own: `start_link` links to it, `self` is it, `flush` empties its
//!   mailbox. A linked process that crashes takes it down; the shell prints IEx's
//!   `** (EXIT from #PID<...>) shell process exited with reason: ...` and the next command
//!   runs in a new one. A command that panics does the same: the shell itself never does.
//! - **Errors.** An unknown command, a wrong number of arguments, a name nobody registered,
//!   a pid that has exited: each is one line, `** (Kind) message`, and the prompt comes back.
//! - **Output.** Everything goes through the node's console ([`otp_core::Console`]), so a
//!   command's answer, a crash report and a timer's `IO.puts` keep their order. At a terminal
//!   rustyline prints it above the line being typed.
//! - **Leaving.** `exit` (or `q`, or Ctrl-D) stops the applications in reverse start order,
//!   each supervisor stopping its children in reverse order, then every process left, as
//!   the BEAM's `q()` does. Ctrl-C at the prompt clears the line; while a command runs it
//!   kills the shell process, and the prompt comes back with a new one.
//! - **Time.** [`Iex::main`] runs on tokio's real clock: `wait 5s` waits five seconds, and a
//!   timer fires when it is due. [`Iex::transcript`] runs the same engine under a paused
//!   clock for tests: `wait 5s` is over at once, in order, and every run prints the same.
//! - **Input.** At a terminal: rustyline, with line editing, history (up arrow) and tab
//!   completion of commands, registered names and variables. Piped or scripted input is read
//!   line by line and echoed after the prompt, so the output reads as a transcript. `observe`,
//!   the live tree, needs a terminal and says so when there is none.
//!
//! ```
//! use teaching::iex::{Command, Iex, Reply};
//!
//! let iex = Iex::new("demo").command(Command::new(
//!     "double",
//!     "<n>",
//!     "twice n",
//!     |ctx, args| async move { Ok(Reply::value(&(2 * ctx.integer(&args[0])?))) },
//! ));
//! let out = iex.transcript("double 21\nsay hello\ndouble\nProcess.exit nobody kill\nexit");
//! assert_eq!(
//!     out,
//!     "Interactive shell: demo on a live node (help lists the commands; exit or Ctrl-D leaves)\n\
//!      iex(1)> double 21\n\
//!      42\n\
//!      iex(2)> say hello\n\
//!      ** (UndefinedFunctionError) unknown command say: type help for the list\n\
//!      iex(3)> double\n\
//!      ** (ArgumentError) double takes 1 argument (double <n>), got 0\n\
//!      iex(4)> Process.exit nobody kill\n\
//!      ** (ArgumentError) no process is registered as :nobody\n\
//!      iex(5)> exit\n"
//! );
//! ```

mod builtins;
mod command;
mod context;
mod engine;
mod input;
mod observe;
mod parse;

use std::future::Future;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use otp_core::application::Application;
use otp_core::gen_server::StartError;
use otp_core::{Atom, Console, Node, Pid};

pub use builtins::supervisor_error;
pub use command::{Args, Command, Reply, ShellError};
pub use context::{Ctx, Sup};

use command::BoxFuture;
use engine::{Engine, Output, Sink};
use input::Input;

/// Starts an application on the shell's node.
pub(crate) type AppStart =
    Arc<dyn Fn(Node) -> BoxFuture<Result<Application, StartError>> + Send + Sync>;

/// A shell: its name, the applications it starts, its commands.
pub struct Iex {
    name: String,
    commands: Vec<Command>,
    pub(crate) applications: Vec<(String, AppStart)>,
    pub(crate) root: Option<Atom>,
}

impl Iex {
    /// A shell named `name`, with only the commands every shell has.
    ///
    /// ```
    /// use teaching::iex::Iex;
    ///
    /// let out = Iex::new("bare").transcript("self\nwhereis nobody");
    /// assert!(out.contains("iex(1)> self\n#PID<0.100.0>\niex(2)> whereis nobody\nnil\n"));
    /// ```
    pub fn new(name: &str) -> Self {
        Iex {
            name: name.to_string(),
            commands: Vec::new(),
            applications: Vec::new(),
            root: None,
        }
    }

    /// Adds a command. A chapter's commands come first in `help`, and one named as a
    /// built-in command takes its place.
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let hi = Command::new("hi", "", "greets", |_ctx, _args| async { Ok(Reply::text("hello")) });
    /// let out = Iex::new("demo").command(hi).transcript("help");
    /// assert!(out.contains("\n  hi  "));
    /// ```
    pub fn command(mut self, command: Command) -> Self {
        self.commands.push(command);
        self
    }

    /// An application the shell starts before its first prompt and stops when it leaves:
    /// `start` starts its top process, as [`Application::start`] takes it (a supervisor,
    /// usually, started by an application master). Several applications start in order and
    /// stop in reverse order.
    ///
    /// ```
    /// use otp_core::supervisor::{self, Options};
    /// use teaching::iex::Iex;
    ///
    /// let iex = Iex::new("demo").application("demo", || async {
    ///     supervisor::start_link(vec![], Options::new().name("Demo.Supervisor"))
    ///         .await
    ///         .map(|sup| sup.pid())
    /// });
    /// let out = iex.transcript("whereis Demo.Supervisor\nexit");
    /// assert!(out.contains("iex(1)> whereis Demo.Supervisor\n#PID<0.101.0>\n"));
    /// assert!(out.ends_with("iex(2)> exit\n\n[notice] Application demo exited: :stopped\n"));
    /// ```
    pub fn application<F, Fut>(mut self, name: &str, start: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Pid, StartError>> + Send + 'static,
    {
        let start = Arc::new(start);
        let app_name = name.to_string();
        let starter: AppStart = Arc::new(move |node: Node| {
            let start = start.clone();
            let app_name = app_name.clone();
            Box::pin(async move { Application::start(&node, app_name, move || start()).await })
        });
        self.applications.push((name.to_string(), starter));
        self
    }

    /// The supervisor `tree`, `observe`, `which_children` and their kin act on when they are
    /// given none: usually the application's top supervisor.
    ///
    /// ```
    /// use otp_core::supervisor::{self, Options};
    /// use teaching::iex::Iex;
    ///
    /// let iex = Iex::new("demo")
    ///     .application("demo", || async {
    ///         supervisor::start_link(vec![], Options::new().name("Demo.Supervisor"))
    ///             .await
    ///             .map(|sup| sup.pid())
    ///     })
    ///     .root("Demo.Supervisor");
    /// let out = iex.transcript("count_children");
    /// assert!(out.contains("%{active: 0, specs: 0, supervisors: 0, workers: 0}"));
    /// ```
    pub fn root(mut self, name: &str) -> Self {
        self.root = Some(Atom::new(name));
        self
    }

    pub(crate) fn all_commands(&self) -> Vec<Command> {
        let mut all = self.commands.clone();
        all.extend(builtins::commands());
        all
    }

    pub(crate) fn banner(&self) -> String {
        format!(
            "Interactive shell: {} on a live node (help lists the commands; exit or Ctrl-D leaves)",
            self.name
        )
    }

    /// Runs the shell for a reader, in real time: rustyline at a terminal, or standard input
    /// line by line when it is piped (each line echoed after its prompt). Returns when the
    /// reader leaves (`exit`, Ctrl-D, the end of the input), after the ordered shutdown; a
    /// failure to start the applications is a failure exit code. Log lines follow `RUST_LOG`
    /// (Elixir's Logger levels by default). While a command runs, Ctrl-C kills the shell
    /// process (a long `wait`, a call that hangs) and the prompt comes back.
    ///
    /// A chapter's whole binary (its `src/main.rs`):
    ///
    /// ```no_run
    /// fn main() -> std::process::ExitCode {
    ///     teaching::iex::Iex::new("demo").main()
    /// }
    /// ```
    pub fn main(self) -> ExitCode {
        let console = Console::capture();
        install_logger(&console);
        let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
        let (mut input, sink) = if terminal {
            match input::Terminal::start() {
                Ok((reader, printer)) => (Input::Terminal(reader), Sink::Printer(printer)),
                Err(e) => {
                    eprintln!("no line editor ({e}): reading plain lines");
                    (Input::stdin_lines(), Sink::Stdout)
                }
            }
        } else {
            (Input::stdin_lines(), Sink::Stdout)
        };
        let output = Output::new(console.clone(), sink);
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => {
                eprintln!("cannot start the runtime: {e}");
                return ExitCode::FAILURE;
            }
        };
        // What processes print while the reader is at the prompt appears at once.
        let stop = Arc::new(AtomicBool::new(false));
        let pump = {
            let (output, stop) = (output.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Acquire) {
                    std::thread::sleep(Duration::from_millis(50));
                    output.flush();
                }
            })
        };
        let started = runtime.block_on(async {
            let node = Node::with_console(console);
            let engine = Engine::new(&self, node, output.clone(), terminal, true);
            engine.run(&self, &mut input).await
        });
        stop.store(true, Ordering::Release);
        let _ = pump.join();
        output.flush();
        if started {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }

    /// Runs the shell on `script` (one command per line, as a reader would type them) under
    /// a paused clock, and returns everything it printed: each prompt with its input, the
    /// answers, crash reports and log lines, in order. The end of the script leaves the shell
    /// as Ctrl-D does. For tests: every run prints the same, and `wait 5m` costs nothing.
    ///
    /// ```
    /// use teaching::iex::Iex;
    ///
    /// let out = Iex::new("demo").transcript("wait 5m\nflush");
    /// assert!(out.contains("iex(1)> wait 5m\n:ok\niex(2)> flush\n:ok\n"));
    /// ```
    pub fn transcript(self, script: &str) -> String {
        otp_core::logger::init_console();
        let console = Console::capture();
        let output = Output::new(console.clone(), Sink::Keep);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("a current-thread runtime can always be built");
        runtime.block_on(async {
            let node = Node::with_console(console.clone());
            let engine = Engine::new(&self, node, output, false, false);
            engine.run(&self, &mut Input::script(script)).await;
        });
        console.contents()
    }
}

impl std::fmt::Debug for Iex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Iex({}, {} commands)", self.name, self.commands.len())
    }
}

/// Routes log lines to the shell's console (those from outside any process too), filtered by
/// `RUST_LOG` when it is set.
fn install_logger(console: &Console) {
    use tracing_subscriber::layer::SubscriberExt;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("trace"));
    let subscriber = tracing_subscriber::registry()
        .with(filter)
        .with(otp_core::logger::ConsoleLayer::new().with_fallback(console.clone()));
    // Only the first subscriber of a program counts; a second shell in one program keeps it.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// Replaces every pid in a transcript by its order of first appearance: `#PID<0.101.0>`
/// becomes `#PID<#1>`, the next new pid `#PID<#2>`, and a pid seen again keeps its number,
/// so a snapshot shows which pids are the same and which are new without the numbers.
///
/// ```
/// let text = "#PID<0.101.0> then #PID<0.105.0>, again #PID<0.101.0>";
/// assert_eq!(teaching::iex::redact_pids(text), "#PID<#1> then #PID<#2>, again #PID<#1>");
/// // Only pids: a placeholder such as #PID<0.N.0> stays as it is.
/// assert_eq!(teaching::iex::redact_pids("#PID<0.N.0>"), "#PID<0.N.0>");
/// ```
pub fn redact_pids(text: &str) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("#PID<") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find('>').filter(|&end| {
            let mut parts = after[5..end].split('.');
            let mut digits = || {
                parts
                    .next()
                    .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            };
            digits() && digits() && digits() && parts.next().is_none()
        });
        match end {
            Some(end) => {
                let pid = &after[..=end];
                let n = match seen.iter().position(|p| p == pid) {
                    Some(i) => i + 1,
                    None => {
                        seen.push(pid.to_string());
                        seen.len()
                    }
                };
                out.push_str(&format!("#PID<#{n}>"));
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("#PID<");
                rest = &after[5..];
            }
        }
    }
    out.push_str(rest);
    out
}
