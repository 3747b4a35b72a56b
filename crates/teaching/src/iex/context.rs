//! What a command sees of the shell: the node, the console, the shell's variables, and the
//! helpers that turn typed words into pids, names, numbers and supervisors.

use std::fmt::Display;
use std::sync::Arc;

use otp_core::dynamic_supervisor::{DynamicSupervisor, DynamicSupervisorRef};
use otp_core::gen_server::{GenServer, ServerRef};
use otp_core::supervisor::{Supervisor, SupervisorRef};
use otp_core::{Atom, Mailbox, Node, Pid};
use tokio::sync::Mutex as AsyncMutex;

use super::command::ShellError;
use super::engine::Session;
use super::parse;

/// A command's handle on the shell. Commands run in the shell process, as IEx evaluates
/// expressions in its own process: `start_link` links to the shell, `self` is the shell.
#[derive(Clone)]
pub struct Ctx {
    pub(crate) session: Arc<Session>,
    pub(crate) mailbox: Arc<AsyncMutex<Mailbox<Atom>>>,
}

/// A supervisor a command was given: either kind.
#[derive(Clone, Debug)]
pub enum Sup {
    /// A Supervisor.
    Supervisor(SupervisorRef),
    /// A DynamicSupervisor.
    Dynamic(DynamicSupervisorRef),
}

impl Sup {
    /// The supervisor's pid.
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let which = Command::new("sup_pid", "", "the default supervisor's pid", |ctx, _args| async move {
    ///     Ok(Reply::pid(ctx.supervisor(None)?.pid()))
    /// });
    /// let iex = Iex::new("demo")
    ///     .application("demo", || async {
    ///         otp_core::supervisor::start_link(vec![], otp_core::supervisor::Options::new().name("Demo.Sup"))
    ///             .await
    ///             .map(|s| s.pid())
    ///     })
    ///     .root("Demo.Sup")
    ///     .command(which);
    /// assert!(iex.transcript("sup_pid").contains("iex(1)> sup_pid\n#PID<0.101.0>\n"));
    /// ```
    pub fn pid(&self) -> Pid {
        match self {
            Sup::Supervisor(s) => s.pid(),
            Sup::Dynamic(d) => d.pid(),
        }
    }
}

impl Ctx {
    /// The node the shell runs on.
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let count = Command::new("count", "", "how many processes run", |ctx, _args| async move {
    ///     Ok(Reply::value(&ctx.node().process_count()))
    /// });
    /// // Just the shell process.
    /// assert!(Iex::new("demo").command(count).transcript("count").contains("count\n1\n"));
    /// ```
    pub fn node(&self) -> &Node {
        &self.session.node
    }

    /// Prints a line (on the node's console, in order with everything the processes print).
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let two = Command::new("two", "", "prints two lines", |ctx, _args| async move {
    ///     ctx.say("one");
    ///     Ok(Reply::text("two"))
    /// });
    /// assert!(Iex::new("demo").command(two).transcript("two").contains("two\none\ntwo\n"));
    /// ```
    pub fn say(&self, line: impl Display) {
        self.session.console.println(line);
    }

    /// The pid a word names: a pid as typed (`#PID<0.105.0>`, `<0.105.0>`, `0.105.0`), a
    /// variable bound with `name = ...`, `self` (the shell process), or a registered name
    /// (`superman` or `:superman`).
    /// The process may have exited (see [`Ctx::live_pid`]); an unregistered name is an error.
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let pid = Command::new("pid", "<name>", "the pid of a name", |ctx, args| async move {
    ///     Ok(Reply::pid(ctx.pid(&args[0])?))
    /// });
    /// let out = Iex::new("demo").command(pid).transcript("me = self\npid me\npid nobody");
    /// assert!(out.contains("iex(2)> pid me\n#PID<0.100.0>\n"));
    /// assert!(out.contains("** (ArgumentError) no process is registered as :nobody\n"));
    /// ```
    pub fn pid(&self, word: &str) -> Result<Pid, ShellError> {
        if word == "self" {
            // Commands run in the shell process: IEx's self().
            return Ok(otp_core::process::self_pid());
        }
        if let Some(n) = parse::pid_number(word) {
            return self.node().process(n).ok_or_else(|| {
                ShellError::argument(format!("#PID<0.{n}.0> is not alive (or never was)"))
            });
        }
        if let Some(pid) = self.session.binding(word) {
            return Ok(pid);
        }
        let atom = Atom::new(parse::atom_text(word));
        match self.node().whereis(atom.clone()) {
            Some(pid) if pid.is_alive() => Ok(pid),
            _ => Err(ShellError::argument(format!(
                "no process is registered as {atom}"
            ))),
        }
    }

    /// Like [`Ctx::pid`], for a process that must be alive: a pid that has exited is an error
    /// that says how it exited.
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let poke = Command::new("poke", "<pid>", "needs a live process", |ctx, args| async move {
    ///     ctx.live_pid(&args[0])?;
    ///     Ok(Reply::ok())
    /// });
    /// let out = Iex::new("demo").command(poke).transcript("me = self\nProcess.exit me kill\npoke me");
    /// assert!(out.contains("** (ArgumentError) #PID<0.100.0> is not alive: it exited with :killed\n"));
    /// ```
    pub fn live_pid(&self, word: &str) -> Result<Pid, ShellError> {
        let pid = self.pid(word)?;
        match pid.exit_reason() {
            None => Ok(pid),
            Some(reason) => Err(ShellError::argument(format!(
                "{pid} is not alive: it exited with {reason}"
            ))),
        }
    }

    /// A live GenServer of type `S` by pid, variable or name; a process of another kind is an
    /// error naming the module expected.
    ///
    /// ```
    /// use otp_core::supervisor::Supervisor;
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let sup = Command::new("sup", "<pid>", "a supervisor", |ctx, args| async move {
    ///     Ok(Reply::pid(ctx.server::<Supervisor>(&args[0])?.pid()))
    /// });
    /// let out = Iex::new("demo").command(sup).transcript("me = self\nsup me");
    /// assert!(out.contains("** (ArgumentError) #PID<0.100.0> is not a Supervisor\n"));
    /// ```
    pub fn server<S: GenServer>(&self, word: &str) -> Result<ServerRef<S>, ShellError> {
        let pid = self.live_pid(word)?;
        ServerRef::<S>::from_pid(&pid)
            .ok_or_else(|| ShellError::argument(format!("{pid} is not a {}", S::module())))
    }

    /// The supervisor a command acts on: the one `word` names, or the shell's default (its
    /// application's top supervisor, see [`super::Iex::root`]) when `word` is `None`.
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let which = Command::new("which", "[<sup>]", "a supervisor's pid", |ctx, args| async move {
    ///     Ok(Reply::pid(ctx.supervisor(args.get(0))?.pid()))
    /// });
    /// let out = Iex::new("demo").command(which).transcript("which");
    /// assert!(out.contains(
    ///     "** (ArgumentError) this shell has no default supervisor: name one (which <sup>)\n"
    /// ));
    /// ```
    pub fn supervisor(&self, word: Option<&str>) -> Result<Sup, ShellError> {
        let pid = match (word, &self.session.root) {
            (Some(word), _) => self.live_pid(word)?,
            (None, Some(root)) => self.live_pid(root.as_str())?,
            (None, None) => {
                return Err(ShellError::argument(format!(
                    "this shell has no default supervisor: name one ({} <sup>)",
                    self.session.current_command()
                )));
            }
        };
        if let Some(s) = ServerRef::<Supervisor>::from_pid(&pid) {
            Ok(Sup::Supervisor(s))
        } else if let Some(d) = ServerRef::<DynamicSupervisor>::from_pid(&pid) {
            Ok(Sup::Dynamic(d))
        } else {
            Err(ShellError::argument(format!("{pid} is not a supervisor")))
        }
    }

    /// An atom as typed: `superman` and `:superman` are both `:superman`.
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let atom = Command::new("atom", "<word>", "the atom", |ctx, args| async move {
    ///     Ok(Reply::value(&ctx.atom(&args[0])))
    /// });
    /// let out = Iex::new("demo").command(atom).transcript("atom :superman\natom SuperDuper.Supervisor");
    /// assert!(out.contains("atom :superman\n:superman\n"));
    /// assert!(out.contains("atom SuperDuper.Supervisor\nSuperDuper.Supervisor\n"));
    /// ```
    pub fn atom(&self, word: &str) -> Atom {
        Atom::new(parse::atom_text(word))
    }

    /// An integer (`_` allowed between digits, as in Elixir).
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let double = Command::new("double", "<n>", "twice n", |ctx, args| async move {
    ///     Ok(Reply::value(&(2 * ctx.integer(&args[0])?)))
    /// });
    /// assert!(Iex::new("demo").command(double).transcript("double 1_000").contains("2000\n"));
    /// ```
    pub fn integer(&self, word: &str) -> Result<i64, ShellError> {
        parse::integer(word)
            .ok_or_else(|| ShellError::argument(format!("expected an integer, got: {word}")))
    }

    /// Milliseconds from `300000`, `300_000`, `500ms`, `5s` or `5m`.
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let ms = Command::new("ms", "<time>", "in milliseconds", |ctx, args| async move {
    ///     Ok(Reply::value(&ctx.duration_ms(&args[0])?))
    /// });
    /// let out = Iex::new("demo").command(ms).transcript("ms 5m\nms soon");
    /// assert!(out.contains("ms 5m\n300000\n"));
    /// assert!(out.contains("** (ArgumentError) expected a time such as 500, 500ms, 5s or 2m, got: soon\n"));
    /// ```
    pub fn duration_ms(&self, word: &str) -> Result<u64, ShellError> {
        parse::duration_ms(word).ok_or_else(|| {
            ShellError::argument(format!(
                "expected a time such as 500, 500ms, 5s or 2m, got: {word}"
            ))
        })
    }

    /// `true` when the shell reads from a terminal and prints to one (the live view needs
    /// both); `false` when its input is piped or scripted.
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let tty = Command::new("tty", "", "reads a terminal?", |ctx, _args| async move {
    ///     Ok(Reply::value(&ctx.is_terminal()))
    /// });
    /// assert!(Iex::new("demo").command(tty).transcript("tty").contains("tty\nfalse\n"));
    /// ```
    pub fn is_terminal(&self) -> bool {
        self.session.terminal
    }
}
