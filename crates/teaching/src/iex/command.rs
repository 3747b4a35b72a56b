//! A command of the shell: its name, usage, help line and what it does.

use std::fmt::{self, Debug};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use otp_core::Pid;

use super::context::Ctx;
use super::parse;

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

type Handler = Arc<dyn Fn(Ctx, Args) -> BoxFuture<Result<Reply, ShellError>> + Send + Sync>;

/// One command of a shell: `say <name>`, what it does in one line, and the code that runs it
/// in the shell process.
///
/// The usage line is the command's arity: each `<word>` is a required argument and each
/// `[<word>]` an optional one, and the shell answers a wrong number of arguments with an
/// error before the command runs, so a command can index its arguments without checking.
///
/// ```
/// use teaching::iex::{Command, Iex, Reply};
///
/// let greet = Command::new("greet", "<name>", "says hello", |_ctx, args| async move {
///     Ok(Reply::text(format!("hello, {}", &args[0])))
/// });
/// let out = Iex::new("demo").command(greet).transcript("greet world\ngreet");
/// assert!(out.contains("iex(1)> greet world\nhello, world\n"));
/// assert!(out.contains(
///     "** (ArgumentError) greet takes 1 argument (greet <name>), got 0\n"
/// ));
/// ```
#[derive(Clone)]
pub struct Command {
    pub(crate) name: String,
    pub(crate) aliases: Vec<String>,
    pub(crate) usage: String,
    pub(crate) help: String,
    pub(crate) arity: (usize, usize),
    pub(crate) handler: Handler,
}

impl Command {
    /// A command named `name`, taking the arguments `usage` lists, described by `help` (one
    /// line), run by `f` in the shell process.
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let add = Command::new("add", "<a> <b>", "adds two integers", |ctx, args| async move {
    ///     Ok(Reply::value(&(ctx.integer(&args[0])? + ctx.integer(&args[1])?)))
    /// });
    /// let out = Iex::new("demo").command(add).transcript("add 40 2\nadd 1 one");
    /// assert!(out.contains("iex(1)> add 40 2\n42\n"));
    /// assert!(out.contains("** (ArgumentError) expected an integer, got: one\n"));
    /// ```
    pub fn new<F, Fut>(name: &str, usage: &str, help: &str, f: F) -> Self
    where
        F: Fn(Ctx, Args) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Reply, ShellError>> + Send + 'static,
    {
        Command {
            name: name.to_string(),
            aliases: Vec::new(),
            usage: usage.to_string(),
            help: help.to_string(),
            arity: parse::arity(usage),
            handler: Arc::new(move |ctx, args| Box::pin(f(ctx, args))),
        }
    }

    /// Another name for the command, such as its Elixir spelling (`SuperDuper.say`).
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let hi = Command::new("hi", "", "greets", |_ctx, _args| async { Ok(Reply::text("hi")) })
    ///     .alias("Greeter.hi");
    /// let out = Iex::new("demo").command(hi).transcript("Greeter.hi()");
    /// assert!(out.contains("iex(1)> Greeter.hi()\nhi\n"));
    /// ```
    pub fn alias(mut self, alias: &str) -> Self {
        self.aliases.push(alias.to_string());
        self
    }

    /// The command's name.
    ///
    /// ```
    /// use teaching::iex::{Command, Reply};
    ///
    /// let hi = Command::new("hi", "", "greets", |_ctx, _args| async { Ok(Reply::none()) });
    /// assert_eq!(hi.name(), "hi");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn answers_to(&self, word: &str) -> bool {
        self.name == word || self.aliases.iter().any(|a| a == word)
    }

    /// `name usage`, as help and arity errors print it.
    pub(crate) fn synopsis(&self) -> String {
        if self.usage.is_empty() {
            self.name.clone()
        } else {
            format!("{} {}", self.name, self.usage)
        }
    }

    /// The one-line arity error, if `n` arguments do not fit.
    pub(crate) fn check_arity(&self, n: usize) -> Result<(), ShellError> {
        let (min, max) = self.arity;
        if (min..=max).contains(&n) {
            return Ok(());
        }
        let wanted = match (min, max) {
            (0, 0) => "no arguments".to_string(),
            (1, 1) => "1 argument".to_string(),
            (a, b) if a == b => format!("{a} arguments"),
            (a, b) => format!("{a} to {b} arguments"),
        };
        Err(ShellError::argument(format!(
            "{} takes {wanted} ({}), got {n}",
            self.name,
            self.synopsis()
        )))
    }
}

impl Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Command({})", self.synopsis())
    }
}

/// A command's arguments, as typed (quotes removed). Index them: `&args[0]`.
#[derive(Clone, Debug, Default)]
pub struct Args {
    pub(crate) words: Vec<String>,
}

impl Args {
    /// How many arguments were given.
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let count = Command::new("count", "[<a>] [<b>]", "counts its arguments", |_ctx, args| async move {
    ///     Ok(Reply::value(&args.len()))
    /// });
    /// let out = Iex::new("demo").command(count).transcript("count x y");
    /// assert!(out.contains("iex(1)> count x y\n2\n"));
    /// ```
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// `true` when no argument was given.
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let none = Command::new("none", "[<a>]", "says whether it got nothing", |_ctx, args| async move {
    ///     Ok(Reply::value(&args.is_empty()))
    /// });
    /// let out = Iex::new("demo").command(none).transcript("none");
    /// assert!(out.contains("iex(1)> none\ntrue\n"));
    /// ```
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The argument at `i`, if there is one.
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let opt = Command::new("opt", "[<a>]", "echoes its argument or a default", |_ctx, args| async move {
    ///     Ok(Reply::text(args.get(0).unwrap_or("default")))
    /// });
    /// let out = Iex::new("demo").command(opt).transcript("opt\nopt given");
    /// assert!(out.contains("iex(1)> opt\ndefault\niex(2)> opt given\ngiven\n"));
    /// ```
    pub fn get(&self, i: usize) -> Option<&str> {
        self.words.get(i).map(String::as_str)
    }
}

impl std::ops::Index<usize> for Args {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        &self.words[i]
    }
}

/// What a command answers: a value printed as IEx prints results, and optionally a pid a
/// reader can bind with `name = command ...`.
#[derive(Clone, Debug, Default)]
pub struct Reply {
    pub(crate) text: Option<String>,
    pub(crate) pid: Option<Pid>,
}

impl Reply {
    /// Prints nothing (the command printed what it had to say).
    ///
    /// ```
    /// use teaching::iex::Reply;
    /// assert_eq!(format!("{:?}", Reply::none()), "Reply { text: None, pid: None }");
    /// ```
    pub fn none() -> Self {
        Reply::default()
    }

    /// Prints `:ok`.
    ///
    /// ```
    /// use teaching::iex::Reply;
    /// assert_eq!(Reply::ok().to_string(), ":ok");
    /// ```
    pub fn ok() -> Self {
        Reply::text(":ok")
    }

    /// Prints `text` as it is.
    ///
    /// ```
    /// use teaching::iex::Reply;
    /// assert_eq!(Reply::text("{:error, :not_found}").to_string(), "{:error, :not_found}");
    /// ```
    pub fn text(text: impl Into<String>) -> Self {
        Reply {
            text: Some(text.into()),
            pid: None,
        }
    }

    /// Prints a value as IEx echoes one (see [`crate::inspect`]).
    ///
    /// ```
    /// use teaching::iex::Reply;
    /// assert_eq!(Reply::value(&vec![1, 2]).to_string(), "[1, 2]");
    /// ```
    pub fn value(value: &dyn Debug) -> Self {
        Reply::text(crate::inspect(value))
    }

    /// Prints a pid, which `name = ...` binds.
    ///
    /// ```
    /// use teaching::iex::{Command, Iex, Reply};
    ///
    /// let me = Command::new("me", "", "the shell's pid", |_ctx, _args| async {
    ///     Ok(Reply::pid(otp_core::process::self_pid()))
    /// });
    /// let out = Iex::new("demo").command(me).transcript("shell = me\nProcess.alive? shell");
    /// assert!(out.contains("iex(1)> shell = me\n#PID<0.100.0>\niex(2)> Process.alive? shell\ntrue\n"));
    /// ```
    pub fn pid(pid: Pid) -> Self {
        Reply {
            text: Some(pid.to_string()),
            pid: Some(pid),
        }
    }

    /// Prints `{:ok, #PID<...>}`, as `start_link` returns; `name = ...` binds the pid.
    ///
    /// ```
    /// use otp_core::{Mailbox, process};
    /// use teaching::iex::Reply;
    ///
    /// let out = teaching::capture(|sh| async move {
    ///     sh.run(|sh| async move {
    ///         let pid = process::spawn(|_inbox: Mailbox<()>| async {}).pid();
    ///         sh.say(Reply::ok_pid(pid));
    ///     })
    ///     .await;
    /// });
    /// assert_eq!(out, "{:ok, #PID<0.101.0>}\n");
    /// ```
    pub fn ok_pid(pid: Pid) -> Self {
        Reply {
            text: Some(format!("{{:ok, {pid}}}")),
            pid: Some(pid),
        }
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text.as_deref().unwrap_or(""))
    }
}

/// A command's error, printed on one line as `** (Kind) message`, as IEx prints an
/// exception; the prompt comes back after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellError {
    kind: &'static str,
    message: String,
}

impl ShellError {
    /// An error of a kind of its own: `ShellError::new("exit", "...")` prints
    /// `** (exit) ...`.
    ///
    /// ```
    /// use teaching::iex::ShellError;
    /// let e = ShellError::new("exit", "the supervisor is gone");
    /// assert_eq!(e.to_string(), "** (exit) the supervisor is gone");
    /// ```
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        ShellError {
            kind,
            message: message.into().replace('\n', " "),
        }
    }

    /// A bad argument: `** (ArgumentError) ...`.
    ///
    /// ```
    /// use teaching::iex::ShellError;
    /// let e = ShellError::argument("no process is registered as :batman");
    /// assert_eq!(e.to_string(), "** (ArgumentError) no process is registered as :batman");
    /// ```
    pub fn argument(message: impl Into<String>) -> Self {
        ShellError::new("ArgumentError", message)
    }

    /// A call that failed: `** (exit) ...`, as IEx prints a `GenServer.call` that exited.
    ///
    /// ```
    /// use teaching::iex::ShellError;
    /// let e = ShellError::exit("no reply within the timeout");
    /// assert_eq!(e.to_string(), "** (exit) no reply within the timeout");
    /// ```
    pub fn exit(message: impl Into<String>) -> Self {
        ShellError::new("exit", message)
    }
}

impl fmt::Display for ShellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "** ({}) {}", self.kind, self.message)
    }
}

impl std::error::Error for ShellError {}
