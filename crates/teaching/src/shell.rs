//! A shell for scenes: what IEx is to the book's listings.
//!
//! A scene is an `async fn(Shell)`: it types expressions into a shell, as a reader types them
//! into IEx. [`play`] runs it for a reader (printing as it goes), [`capture`] runs it for a test
//! (returning everything it printed). Both give the scene a fresh [`Node`], a paused tokio clock
//! (a five-minute timer fires at once, in order, and every run prints the same pids) and the
//! console logger, so crash reports appear in the output where Elixir's Logger would print them.
//!
//! ```
//! use otp_core::process;
//! use teaching::{Shell, show};
//!
//! async fn scene(sh: Shell) {
//!     sh.section("Processes");
//!     sh.run(|sh| async move {
//!         show!(sh, process::self_pid());
//!         show!(sh, 40 + 2);
//!     })
//!     .await;
//! }
//!
//! let out = teaching::capture(scene);
//! assert_eq!(out, "## Processes\n> process::self_pid()\n#PID<0.100.0>\n> 40 + 2\n42\n");
//! ```
//!
//! The shell is itself a process, which lives from one [`Shell::run`] to the next as IEx's
//! does. A process linked to it that crashes takes it down, as a crashing `start_link`ed server
//! takes IEx's shell down; `run` then prints IEx's message (`** (EXIT from #PID<...>) shell
//! process exited with reason: ...`) and the next `run` starts a new shell process, with a new
//! pid.

use std::fmt::{Debug, Display};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::observer::{self, Root, SupervisorView};
use otp_core::process::{Addr, Mailbox, Received};
use otp_core::{Console, ExitReason, Name, Node, Pid};

/// The scene's handle on its shell: the node, the console, and a way to run code in a shell
/// process.
#[derive(Clone)]
pub struct Shell {
    node: Node,
    console: Console,
    /// The shell process [`Shell::run`] sends its work to, while it lives, and whether its
    /// death has been reported.
    process: Arc<Mutex<Option<ShellProcess>>>,
    /// The trees [`Shell::tree`] took, when the scene runs under [`record_trees`].
    trees: Option<Arc<Mutex<Vec<TreeShot>>>>,
}

/// A supervision tree at one point of a scene, as [`Shell::tree`] took it for the chapters'
/// diagrams.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeShot {
    /// What the moment is: `after superman's crash`.
    pub caption: String,
    /// The tree, or why there is none (the supervisor is gone, say).
    pub tree: Result<SupervisorView, String>,
}

/// The shell process, and whether its death has been reported.
type ShellProcess = (Addr<Job>, Arc<AtomicBool>);

/// Work for the shell process: one IEx input.
type Job = Box<dyn FnOnce() -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

impl Shell {
    /// The scene's node.
    ///
    /// ```
    /// use otp_core::{Mailbox, process};
    /// use teaching::Shell;
    ///
    /// async fn scene(sh: Shell) {
    ///     sh.run(|_sh| async {
    ///         process::spawn(|_inbox: Mailbox<()>| std::future::pending());
    ///     })
    ///     .await;
    ///     // The scene's node: the shell process and the process it spawned.
    ///     sh.say(sh.node().process_count());
    /// }
    ///
    /// assert_eq!(teaching::capture(scene), "2\n");
    /// ```
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// The console the scene prints to.
    ///
    /// ```
    /// use teaching::Shell;
    ///
    /// async fn scene(sh: Shell) {
    ///     sh.console().write("no newline, ");
    ///     sh.console().println("then one");
    /// }
    ///
    /// assert_eq!(teaching::capture(scene), "no newline, then one\n");
    /// ```
    pub fn console(&self) -> &Console {
        &self.console
    }

    /// Prints a line.
    ///
    /// ```
    /// use teaching::Shell;
    ///
    /// async fn scene(sh: Shell) {
    ///     sh.say("The server keeps the count.");
    /// }
    ///
    /// assert_eq!(teaching::capture(scene), "The server keeps the count.\n");
    /// ```
    pub fn say(&self, line: impl Display) {
        self.console.println(line);
    }

    /// Prints a section heading (`## title`), as the book's sections divide a chapter.
    ///
    /// ```
    /// use teaching::Shell;
    ///
    /// async fn scene(sh: Shell) {
    ///     sh.section("Links");
    /// }
    ///
    /// assert_eq!(teaching::capture(scene), "## Links\n");
    /// ```
    pub fn section(&self, title: impl Display) {
        self.console.println(format!("## {title}"));
    }

    /// Prints what a reader would type (`> input`).
    ///
    /// ```
    /// use teaching::Shell;
    ///
    /// async fn scene(sh: Shell) {
    ///     // A line typed at the prompt that gives no value worth printing.
    ///     sh.input("Process.sleep(100)");
    ///     sh.sleep(100).await;
    /// }
    ///
    /// assert_eq!(teaching::capture(scene), "> Process.sleep(100)\n");
    /// ```
    pub fn input(&self, input: impl Display) {
        self.console.println(format!("> {input}"));
    }

    /// Prints an input and the value it gave, as IEx echoes each result. The [`show!`] macro
    /// writes the input for you.
    ///
    /// [`show!`]: crate::show
    ///
    /// ```
    /// use teaching::Shell;
    ///
    /// async fn scene(sh: Shell) {
    ///     // What `show!(sh, 1 + 1)` writes for you.
    ///     sh.show("1 + 1", &2);
    /// }
    ///
    /// assert_eq!(teaching::capture(scene), "> 1 + 1\n2\n");
    /// ```
    pub fn show(&self, input: &str, value: &dyn Debug) {
        self.input(input);
        self.value(value);
    }

    /// Prints a value as IEx echoes a result (see [`inspect`]).
    ///
    /// ```
    /// use otp_core::ExitReason;
    /// use teaching::Shell;
    ///
    /// async fn scene(sh: Shell) {
    ///     sh.value(&ExitReason::custom("boom"));
    ///     sh.value(&Some("text"));
    /// }
    ///
    /// assert_eq!(teaching::capture(scene), ":boom\nSome(\"text\")\n");
    /// ```
    pub fn value(&self, value: &dyn Debug) {
        self.console.println(inspect(value));
    }

    /// Runs `f` in the shell process and returns its result. The shell process lives from one
    /// `run` to the next, as IEx's does, so a server `start_link`ed in one step is still linked
    /// to the shell in the next; if it has died, a new one starts, with a new pid. If the shell
    /// process dies before `f` finishes (a linked process crashed, say), prints IEx's
    /// `** (EXIT from #PID<...>) shell process exited with reason: ...` line and returns `None`.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, process};
    /// use teaching::Shell;
    ///
    /// async fn scene(sh: Shell) {
    ///     let first = sh.run(|_sh| async { process::self_pid() }).await;
    ///     // A linked process that dies takes the shell with it, as in IEx...
    ///     let lost = sh
    ///         .run(|_sh| async {
    ///             process::spawn_link(|_inbox: Mailbox<()>| async {
    ///                 process::exit_self(ExitReason::custom("boom")).await;
    ///             });
    ///             std::future::pending::<()>().await
    ///         })
    ///         .await;
    ///     assert!(lost.is_none());
    ///     // ...and the next input runs in a new shell.
    ///     let second = sh.run(|_sh| async { process::self_pid() }).await;
    ///     assert_ne!(first, second);
    /// }
    ///
    /// assert_eq!(
    ///     teaching::capture(scene),
    ///     "** (EXIT from #PID<0.100.0>) shell process exited with reason: :boom\n"
    /// );
    /// ```
    pub async fn run<T, F, Fut>(&self, f: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(Shell) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
    {
        let (shell, reported) = self.shell_process();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let sh = self.clone();
        let job: Job = Box::new(move || {
            Box::pin(async move {
                let out = f(sh).await;
                let _ = tx.send(out);
            })
        });
        shell.send(job);
        match rx.await {
            Ok(value) => Some(value),
            Err(_) => {
                let reason = shell.pid().wait_exit().await;
                if !reported.swap(true, Ordering::AcqRel) {
                    self.report_exit(&shell.pid(), &reason);
                }
                None
            }
        }
    }

    /// The live shell process, started if there is none. A watcher reports the shell's death
    /// when it happens, as IEx does, even between two runs.
    fn shell_process(&self) -> ShellProcess {
        // A poisoned lock only means a scene panicked mid-update; the slot is still usable.
        let mut current = self.process.lock().unwrap_or_else(|e| e.into_inner());
        match &*current {
            Some((shell, reported)) if shell.is_alive() => (shell.clone(), reported.clone()),
            _ => {
                let shell = self.node.spawn(|mut inbox: Mailbox<Job>| async move {
                    loop {
                        if let Received::Msg(job) = inbox.receive().await {
                            job().await;
                        }
                    }
                });
                let reported = Arc::new(AtomicBool::new(false));
                let (sh, pid, flag) = (self.clone(), shell.pid(), reported.clone());
                tokio::spawn(async move {
                    let reason = pid.wait_exit().await;
                    if !flag.swap(true, Ordering::AcqRel) {
                        sh.report_exit(&pid, &reason);
                    }
                });
                *current = Some((shell.clone(), reported.clone()));
                (shell, reported)
            }
        }
    }

    fn report_exit(&self, pid: &Pid, reason: &ExitReason) {
        self.console.println(format!(
            "** (EXIT from {pid}) shell process exited with reason: {}",
            describe_exit(reason)
        ));
    }

    /// Like [`Shell::run`], in a shell process of its own whose mailbox takes messages of type
    /// `M`: what IEx's `flush` and `receive` read in the book's sessions. (Exit and down messages
    /// arrive in any mailbox.) The process ends when `f` does.
    ///
    /// ```
    /// use otp_core::Mailbox;
    /// use teaching::{Shell, show};
    ///
    /// async fn scene(sh: Shell) {
    ///     sh.run_with_mailbox(|sh, mut inbox: Mailbox<&'static str>| async move {
    ///         // iex> send(self(), :hello)
    ///         // iex> flush()
    ///         inbox.addr().send("hello");
    ///         show!(sh, inbox.flush());
    ///     })
    ///     .await;
    /// }
    ///
    /// assert_eq!(teaching::capture(scene), "> inbox.flush()\n[Msg(\"hello\")]\n");
    /// ```
    pub async fn run_with_mailbox<M, T, F, Fut>(&self, f: F) -> Option<T>
    where
        M: Send + 'static,
        T: Send + 'static,
        F: FnOnce(Shell, Mailbox<M>) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
    {
        let sh = self.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let shell = self.node.spawn(move |inbox: Mailbox<M>| async move {
            let out = f(sh, inbox).await;
            let _ = tx.send(out);
        });
        match rx.await {
            Ok(value) => Some(value),
            Err(_) => {
                let reason = shell.pid().wait_exit().await;
                self.report_exit(&shell.pid(), &reason);
                None
            }
        }
    }

    /// Takes the supervision tree under `root` (a supervisor's pid, handle or local name) at this
    /// point of the scene, with a caption, for the chapters' diagrams
    /// (otp-core's [`observer::supervision_tree`]). Prints nothing, and does nothing at all
    /// unless the scene runs under [`record_trees`], so the scene's output stays the IEx
    /// session's.
    ///
    /// ```
    /// use otp_core::supervisor::{self, ChildSpec, Options};
    /// use otp_core::{Mailbox, process};
    /// use teaching::Shell;
    ///
    /// async fn scene(sh: Shell) {
    ///     sh.run(|_sh| async {
    ///         let idle = ChildSpec::new("idle", || async {
    ///             Ok(process::spawn_link(|_: Mailbox<()>| std::future::pending()).pid())
    ///         });
    ///         supervisor::start_link(vec![idle], Options::new().name("Demo.Supervisor")).await
    ///     })
    ///     .await;
    ///     sh.tree("started", "Demo.Supervisor").await;
    ///     sh.tree("no such supervisor", "Nobody").await;
    /// }
    ///
    /// assert_eq!(teaching::capture(scene), "");
    /// let shots = teaching::record_trees(scene);
    /// assert_eq!(shots[0].caption, "started");
    /// let tree = shots[0].tree.as_ref().unwrap();
    /// assert_eq!(tree.children.len(), 1);
    /// assert_eq!(shots[1].tree, Err("no process is registered as Nobody".to_string()));
    /// ```
    pub async fn tree(&self, caption: impl Into<String>, root: impl Into<Root>) {
        let Some(trees) = &self.trees else { return };
        let caption = caption.into();
        let pid = match root.into() {
            Root::Pid(pid) => Ok(pid),
            Root::Name(Name::Local(atom)) => self
                .node
                .whereis(atom.clone())
                .ok_or_else(|| format!("no process is registered as {}", atom.as_str())),
            Root::Name(other) => Err(format!("{other} is not a local name")),
        };
        let tree = match pid {
            Ok(pid) => observer::supervision_tree(pid)
                .await
                .map_err(|e| e.to_string()),
            Err(why) => Err(why),
        };
        // A poisoned lock only means another shot panicked mid-push; the list is still usable.
        let mut trees = trees.lock().unwrap_or_else(|e| e.into_inner());
        trees.push(TreeShot { caption, tree });
    }

    /// Lets time pass on the scene's (paused) clock, as the transcripts' `Process.sleep` does,
    /// so timers due in the meantime fire and their output appears.
    ///
    /// ```
    /// use otp_core::{Mailbox, Received, io, process, timer};
    /// use teaching::Shell;
    ///
    /// async fn scene(sh: Shell) {
    ///     sh.run(|_sh| async {
    ///         let printer = process::spawn(|mut inbox: Mailbox<&'static str>| async move {
    ///             while let Received::Msg(text) = inbox.receive().await {
    ///                 io::puts(text);
    ///             }
    ///         });
    ///         timer::send_after(&printer, "Alarm triggered!", 5 * 60 * 1000);
    ///     })
    ///     .await;
    ///     sh.say("(five minutes pass, at once)");
    ///     sh.sleep(5 * 60 * 1000 + 1).await;
    /// }
    ///
    /// assert_eq!(teaching::capture(scene), "(five minutes pass, at once)\nAlarm triggered!\n");
    /// ```
    pub async fn sleep(&self, ms: u64) {
        otp_core::process::sleep(ms).await
    }
}

/// Prints a value as IEx does: on one line, or pretty-printed over several when it is longer
/// than 80 columns.
///
/// ```
/// ///
/// assert_eq!(teaching::inspect(&vec![1, 2, 3]), "[1, 2, 3]");
/// let long: Vec<String> = (0..20).map(|n| format!("item {n}")).collect();
/// assert!(teaching::inspect(&long).starts_with("[\n    \"item 0\",\n"));
/// ```
pub fn inspect(value: &dyn Debug) -> String {
    let line = format!("{value:?}");
    if line.len() > 80 {
        format!("{value:#?}")
    } else {
        line
    }
}

/// How IEx describes a shell's exit reason (Elixir's `Exception.format_exit/1`): `shutdown`,
/// `normal` and `killed` are written out without a colon; other terms as inspected.
pub(crate) fn describe_exit(reason: &ExitReason) -> String {
    match reason {
        ExitReason::Panic(message) => {
            format!("an exception was raised:\n    ** (panic) {message}")
        }
        ExitReason::Normal => "normal".to_string(),
        ExitReason::Shutdown => "shutdown".to_string(),
        ExitReason::ShutdownWith(term) => format!("shutdown: {term}"),
        ExitReason::Killed | ExitReason::Kill => "killed".to_string(),
        ExitReason::NoProc => "no process".to_string(),
        other => other.to_string(),
    }
}

// ANCHOR: show
/// Prints an expression and its value in a scene: `show!(sh, expr)` prints `> expr` on one
/// line, then evaluates it (so whatever it prints, a crash report say, comes after the input,
/// as in IEx), then prints the value's `Debug` form, and evaluates to the value.
#[macro_export]
macro_rules! show {
    ($sh:expr, $e:expr) => {{
        $sh.input($crate::one_line(stringify!($e)));
        let value = $e;
        $sh.value(&value);
        value
    }};
}
// ANCHOR_END: show

/// Joins a source fragment that `stringify!` spread over several lines into one line.
///
/// ```
/// ///
/// let spread = "gen_server::call(\n    &counter,\n    Get\n)";
/// assert_eq!(teaching::one_line(spread), "gen_server::call( &counter, Get )");
/// ```
pub fn one_line(source: &str) -> String {
    source.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("a current-thread runtime can always be built")
}

fn run_scene<F, Fut>(console: Console, trees: Option<Arc<Mutex<Vec<TreeShot>>>>, scene: F)
where
    F: FnOnce(Shell) -> Fut,
    Fut: Future<Output = ()>,
{
    otp_core::logger::init_console();
    let node = Node::with_console(console.clone());
    let shell = Shell {
        node: node.clone(),
        console,
        process: Arc::new(Mutex::new(None)),
        trees,
    };
    runtime().block_on(async move {
        scene(shell).await;
        // Let whatever the scene set going (log lines, exits) finish before the output is read.
        for _ in 0..16 {
            tokio::task::yield_now().await;
        }
    });
}

/// Runs a scene for a reader: everything it prints goes to standard output.
///
/// ```
/// use otp_core::process;
/// use teaching::{Shell, show};
///
/// async fn scene(sh: Shell) {
///     sh.run(|sh| async move {
///         show!(sh, process::self_pid());
///     })
///     .await;
/// }
///
/// // Prints "> process::self_pid()" and "#PID<0.100.0>" on standard output.
/// teaching::play(scene);
/// ```
pub fn play<F, Fut>(scene: F)
where
    F: FnOnce(Shell) -> Fut,
    Fut: Future<Output = ()>,
{
    run_scene(Console::stdout(), None, scene)
}

/// Runs a scene for a test and returns everything it printed.
///
/// ```
/// use otp_core::process;
/// use teaching::{Shell, show};
///
/// async fn scene(sh: Shell) {
///     sh.run(|sh| async move {
///         show!(sh, process::self_pid());
///     })
///     .await;
/// }
///
/// // Every run prints the same pids: a fresh node for each scene.
/// assert_eq!(teaching::capture(scene), "> process::self_pid()\n#PID<0.100.0>\n");
/// assert_eq!(teaching::capture(scene), teaching::capture(scene));
/// ```
pub fn capture<F, Fut>(scene: F) -> String
where
    F: FnOnce(Shell) -> Fut,
    Fut: Future<Output = ()>,
{
    let console = Console::capture();
    run_scene(console.clone(), None, scene);
    console.contents()
}

/// Runs a scene for its diagrams: what it prints is dropped, and every tree it takes with
/// [`Shell::tree`] is returned, in order.
///
/// ```
/// use teaching::Shell;
///
/// async fn scene(sh: Shell) {
///     sh.say("no supervisor here");
/// }
///
/// assert!(teaching::record_trees(scene).is_empty());
/// ```
pub fn record_trees<F, Fut>(scene: F) -> Vec<TreeShot>
where
    F: FnOnce(Shell) -> Fut,
    Fut: Future<Output = ()>,
{
    let trees = Arc::new(Mutex::new(Vec::new()));
    run_scene(Console::capture(), Some(trees.clone()), scene);
    let shots = trees.lock().unwrap_or_else(|e| e.into_inner());
    shots.clone()
}
