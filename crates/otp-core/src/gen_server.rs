//! GenServer: the generic server behaviour, with every callback and response tuple of OTP.
//!
//! A server is a type implementing [`GenServer`]: the type is the server's state (Elixir's
//! `state` argument), its associated types are the messages it takes, and its methods are the
//! callbacks. Each callback returns a value that reads like Elixir's response tuple, without the
//! state: the state is `self`, which the callback changes in place. (Taking `&mut self` rather
//! than returning a new state is what lets `terminate` and the crash report see the state as it
//! was when a callback panicked, as Elixir's immutable state allows.)
//!
//! | Elixir                                          | Rust                                      |
//! |-------------------------------------------------|-------------------------------------------|
//! | `{:ok, state}`                                  | `Init::Ok(state)`                         |
//! | `{:ok, state, timeout \| :hibernate \| {:continue, c}}` | `Init::OkThen(state, Then::...)`  |
//! | `:ignore`                                       | `Init::Ignore`                            |
//! | `{:stop, reason}` (from init)                   | `Init::Stop(reason)`                      |
//! | `{:reply, reply, state}`                        | `CallResult::Reply(reply)`                |
//! | `{:reply, reply, state, then}`                  | `CallResult::ReplyThen(reply, then)`      |
//! | `{:noreply, state}`                             | `CallResult::NoReply` / `CastResult::NoReply` |
//! | `{:noreply, state, then}`                       | `CallResult::NoReplyThen(then)` / `CastResult::NoReplyThen(then)` |
//! | `{:stop, reason, reply, state}`                 | `CallResult::StopReply(reason, reply)`    |
//! | `{:stop, reason, state}`                        | `CallResult::Stop(reason)` / `CastResult::Stop(reason)` |
//! | `timeout` (ms)                                  | `Then::Timeout(ms)`                       |
//! | `:hibernate`                                    | `Then::Hibernate`                         |
//! | `{:continue, c}`                                | `Then::Continue(c)`                       |
//!
//! | Elixir                               | Rust                                            |
//! |--------------------------------------|-------------------------------------------------|
//! | `GenServer.start_link(M, arg, opts)` | [`start_link`]`::<M>(arg, opts)`                |
//! | `GenServer.start(M, arg, opts)`      | [`start`]`::<M>(arg, opts)`                     |
//! | `GenServer.call(server, msg)`        | [`call`]`(server, msg)` (5000 ms)               |
//! | `GenServer.call(server, msg, t)`     | [`call_timeout`]`(server, msg, t)`              |
//! | `GenServer.cast(server, msg)`        | [`cast`]`(server, msg)`                         |
//! | `send(server, msg)`                  | [`send`]`(server, msg)` (to `handle_info`)      |
//! | `GenServer.reply(from, reply)`       | [`reply`]`(from.defer(), reply)`                |
//! | `GenServer.stop(server, reason, t)`  | [`stop`]`(server, reason, t)`                   |
//! | `GenServer.whereis(name)`            | [`whereis`]`::<M>(name)`                        |
//! | `:sys.get_state(server)`             | [`get_state`]`(server)`                         |
//!
//! ```
//! use std::convert::Infallible;
//! use otp_core::gen_server::{self, CallResult, CastResult, Caller, GenServer, Init, Options};
//! use otp_core::Node;
//!
//! /// A counter: the state is the count.
//! #[derive(Debug)]
//! struct Counter(i64);
//!
//! #[derive(Debug)]
//! enum Call { Value }
//! #[derive(Debug)]
//! enum Cast { Add(i64) }
//!
//! impl GenServer for Counter {
//!     type Arg = i64;
//!     type Call = Call;
//!     type Reply = i64;
//!     type Cast = Cast;
//!     type Info = Infallible;
//!     type Continue = Infallible;
//!
//!     async fn init(start: i64) -> Init<Self> {
//!         Init::Ok(Counter(start))
//!     }
//!
//!     async fn handle_call(&mut self, Call::Value: Call, _from: &Caller<i64>) -> CallResult<Self> {
//!         CallResult::Reply(self.0)
//!     }
//!
//!     async fn handle_cast(&mut self, Cast::Add(n): Cast) -> CastResult<Self> {
//!         self.0 += n;
//!         CastResult::NoReply
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! Node::new().run(async {
//!     let counter = gen_server::start_link::<Counter>(10, Options::new()).await.unwrap();
//!     gen_server::cast(&counter, Cast::Add(5));
//!     assert_eq!(gen_server::call(&counter, Call::Value).await, Ok(15));
//! }).await.unwrap();
//! # });
//! ```

use std::any::type_name;
use std::fmt;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::oneshot;

use crate::exit::ExitReason;
use crate::name::Name;
use crate::node::lock;
use crate::panic::catch_unwind;
use crate::pid::Pid;
use crate::process::{
    self, Addr, AnyMessage, Down, Mailbox, Received, SendError, SpawnOpts, Timeout, with_timeout,
};

/// The default timeout of [`call`]: 5000 ms, as in OTP.
pub const DEFAULT_CALL_TIMEOUT: Timeout = Timeout::millis(5000);

// ---------------------------------------------------------------------------------------------
// Response types

/// What `init` returns.
#[derive(Debug)]
pub enum Init<S: GenServer> {
    /// `{:ok, state}`: the server starts with this state.
    Ok(S),
    /// `{:ok, state, timeout | :hibernate | {:continue, c}}`.
    OkThen(S, Then<S::Continue>),
    /// `:ignore`: the server does not start; `start_link` returns [`StartError::Ignore`].
    Ignore,
    /// `{:stop, reason}`: the server does not start; `start_link` returns
    /// [`StartError::Stop`] with the reason.
    Stop(ExitReason),
}

/// The optional last element of a response tuple: what the server does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Then<C> {
    /// `timeout`: if no message arrives within this many milliseconds, `handle_info` receives
    /// [`Info::Timeout`]. Any message cancels it.
    Timeout(u64),
    /// `:hibernate`: the server releases what memory it can while it waits. On the BEAM this
    /// garbage-collects the process and drops its stack; a tokio task parked on its mailbox has
    /// no stack to drop, so here it releases the mailbox's spare capacity.
    Hibernate,
    /// `{:continue, c}`: `handle_continue(c)` runs next, before any message already waiting.
    Continue(C),
}

/// What `handle_call` returns.
#[derive(Debug)]
pub enum CallResult<S: GenServer> {
    /// `{:reply, reply, state}`.
    Reply(S::Reply),
    /// `{:reply, reply, state, timeout | :hibernate | {:continue, c}}`.
    ReplyThen(S::Reply, Then<S::Continue>),
    /// `{:noreply, state}`: no reply now; reply later with [`reply`] through
    /// [`Caller::defer`].
    NoReply,
    /// `{:noreply, state, timeout | :hibernate | {:continue, c}}`.
    NoReplyThen(Then<S::Continue>),
    /// `{:stop, reason, reply, state}`: `terminate` runs, then the reply is sent, then the server
    /// exits with `reason`.
    StopReply(ExitReason, S::Reply),
    /// `{:stop, reason, state}`: `terminate` runs and the server exits with `reason`; the caller
    /// gets the exit reason as its error.
    Stop(ExitReason),
}

/// What `handle_cast`, `handle_info` and `handle_continue` return.
#[derive(Debug)]
pub enum CastResult<S: GenServer> {
    /// `{:noreply, state}`.
    NoReply,
    /// `{:noreply, state, timeout | :hibernate | {:continue, c}}`.
    NoReplyThen(Then<S::Continue>),
    /// `{:stop, reason, state}`: `terminate` runs and the server exits with `reason`.
    Stop(ExitReason),
}

/// What `handle_info` receives: every message that is not a call or a cast.
#[derive(Debug)]
pub enum Info<I> {
    /// A plain message: sent with [`send`], or by a timer.
    Msg(I),
    /// `{:EXIT, from, reason}`: an exit signal from a linked process other than the parent,
    /// when the server traps exits.
    Exit {
        /// The process that exited.
        from: Pid,
        /// Its reason.
        reason: ExitReason,
    },
    /// `{:DOWN, ref, :process, pid, reason}` from a monitor.
    Down(Down),
    /// `:timeout`: the idle timeout set by a `Then::Timeout` ran out.
    Timeout,
}

// ---------------------------------------------------------------------------------------------
// The behaviour

/// The GenServer behaviour. The implementing type is the server's state.
///
/// Every callback but `init` has a default, as `use GenServer` gives Elixir modules:
/// `handle_call`, `handle_cast` and `handle_continue` stop the server with a reason naming the
/// missing callback; `handle_info` logs the unexpected message and carries on; `terminate` does
/// nothing; `format_status` prints the state with `Debug`.
///
/// A server that takes no calls (or casts, or plain messages, or continues) declares that type
/// as [`std::convert::Infallible`]: nobody can then send it one.
pub trait GenServer: Sized + Send + fmt::Debug + 'static {
    /// The argument `init` receives.
    type Arg: Send + 'static;
    /// The requests `handle_call` answers.
    type Call: Send + fmt::Debug + 'static;
    /// What `handle_call` replies.
    type Reply: Send + 'static;
    /// The messages `handle_cast` handles.
    type Cast: Send + fmt::Debug + 'static;
    /// The plain messages `handle_info` handles (besides exits, downs and timeouts).
    type Info: Send + fmt::Debug + 'static;
    /// The terms `handle_continue` receives.
    type Continue: Send + fmt::Debug + 'static;

    /// `init/1`: builds the state. Runs inside the new process; `start_link` waits for it.
    fn init(arg: Self::Arg) -> impl Future<Output = Init<Self>> + Send;

    /// `handle_call/3`: answers a request. `from` identifies the caller; keep
    /// [`Caller::defer`] to reply later, from this or any other process.
    fn handle_call(
        &mut self,
        msg: Self::Call,
        from: &Caller<Self::Reply>,
    ) -> impl Future<Output = CallResult<Self>> + Send {
        let _ = (msg, from);
        async { CallResult::Stop(ExitReason::custom("no handle_call/3 clause was provided")) }
    }

    /// `handle_cast/2`: handles a message that needs no reply.
    fn handle_cast(&mut self, msg: Self::Cast) -> impl Future<Output = CastResult<Self>> + Send {
        let _ = msg;
        async { CastResult::Stop(ExitReason::custom("no handle_cast/2 clause was provided")) }
    }

    /// `handle_info/2`: handles every other message.
    fn handle_info(
        &mut self,
        msg: Info<Self::Info>,
    ) -> impl Future<Output = CastResult<Self>> + Send {
        async move {
            tracing::error!(
                target: "otp::gen_server",
                "{} {} received unexpected message in handle_info/2: {}",
                Self::module(),
                process::self_pid(),
                format_info(&msg)
            );
            CastResult::NoReply
        }
    }

    /// `handle_continue/2`: runs after a callback returned `Then::Continue(c)`.
    fn handle_continue(
        &mut self,
        c: Self::Continue,
    ) -> impl Future<Output = CastResult<Self>> + Send {
        let _ = c;
        async {
            CastResult::Stop(ExitReason::custom(
                "no handle_continue/2 clause was provided",
            ))
        }
    }

    /// `terminate/2`: runs before the server exits after a stop result, a panic in a callback,
    /// [`stop`], or an exit signal from its parent while trapping exits. It never runs after
    /// `kill`, nor after an exit signal that is not trapped.
    fn terminate(&mut self, reason: &ExitReason) -> impl Future<Output = ()> + Send {
        let _ = reason;
        async {}
    }

    /// `format_status/1`: the state as crash reports print it.
    fn format_status(&self) -> String {
        format!("{self:?}")
    }

    /// The server's module name, as `which_children` and log lines show it.
    fn module() -> &'static str {
        type_name::<Self>()
    }
}

// ---------------------------------------------------------------------------------------------
// Callers and replies

/// `from` in `handle_call`: who is waiting for the reply.
///
/// Returning `CallResult::Reply` answers it. To answer later, take the reply handle with
/// [`Caller::defer`], return `CallResult::NoReply`, and pass the handle to [`reply`] when the
/// answer is ready; any process may do it.
pub struct Caller<R> {
    slot: Mutex<Option<ReplyTo<R>>>,
    pid: Option<Pid>,
}

/// A deferred reply, taken from a [`Caller`]: pass it to [`reply`].
pub struct ReplyTo<R> {
    tx: oneshot::Sender<R>,
    caller: Option<Pid>,
}

impl<R> Caller<R> {
    /// The calling process (`nil` when the call came from outside any process).
    pub fn pid(&self) -> Option<&Pid> {
        self.pid.as_ref()
    }

    /// Takes the reply handle, to answer later with [`reply`]. A second `defer` returns `None`.
    pub fn defer(&self) -> Option<ReplyTo<R>> {
        lock(&self.slot).take()
    }

    fn answer(&self, value: R) {
        if let Some(to) = lock(&self.slot).take() {
            let _ = to.tx.send(value);
        }
    }
}

impl<R> fmt::Debug for Caller<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pid {
            Some(p) => write!(f, "Caller({p})"),
            None => f.write_str("Caller(outside any process)"),
        }
    }
}

impl<R> ReplyTo<R> {
    /// The process waiting for the reply.
    pub fn caller(&self) -> Option<&Pid> {
        self.caller.as_ref()
    }
}

impl<R> fmt::Debug for ReplyTo<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.caller {
            Some(p) => write!(f, "ReplyTo({p})"),
            None => f.write_str("ReplyTo(outside any process)"),
        }
    }
}

/// `GenServer.reply/2`: answers a deferred call. Returns `false` if the caller stopped waiting
/// (it timed out, or exited). A late reply never reaches a caller that gave up.
pub fn reply<R>(to: ReplyTo<R>, value: R) -> bool {
    to.tx.send(value).is_ok()
}

// ---------------------------------------------------------------------------------------------
// Handles and destinations

/// The messages a GenServer's mailbox holds. Not for use outside the runtime.
#[doc(hidden)]
pub enum GenMsg<S: GenServer> {
    Call(S::Call, oneshot::Sender<S::Reply>, Option<Pid>),
    Cast(S::Cast),
    Info(S::Info),
    Stop(ExitReason),
    Sys(SysFn<S>),
}

#[doc(hidden)]
pub type SysFn<S> = Box<dyn FnOnce(&mut S) + Send>;

/// A typed handle to a running GenServer of type `S`: what [`start_link`] returns.
///
/// It prints as the server's pid. Calls and casts through it cost no lookup.
pub struct ServerRef<S: GenServer> {
    addr: Addr<GenMsg<S>>,
}

impl<S: GenServer> Clone for ServerRef<S> {
    fn clone(&self) -> Self {
        ServerRef {
            addr: self.addr.clone(),
        }
    }
}

impl<S: GenServer> ServerRef<S> {
    /// The server's pid.
    pub fn pid(&self) -> Pid {
        self.addr.pid()
    }

    /// `true` until the server has exited.
    pub fn is_alive(&self) -> bool {
        self.addr.is_alive()
    }

    /// A handle to the process `pid` if it is a GenServer of type `S`.
    pub fn from_pid(pid: &Pid) -> Option<Self> {
        Addr::from_pid(pid).map(|addr| ServerRef { addr })
    }

    fn push(&self, msg: GenMsg<S>) -> Result<(), SendError> {
        self.addr
            .shared
            .push(Received::Msg(msg))
            .map_err(|_| SendError::NoProc)
    }
}

impl<S: GenServer> PartialEq for ServerRef<S> {
    fn eq(&self, other: &Self) -> bool {
        self.addr == other.addr
    }
}

impl<S: GenServer> Eq for ServerRef<S> {}

impl<S: GenServer> Hash for ServerRef<S> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.pid().hash(state)
    }
}

impl<S: GenServer> fmt::Display for ServerRef<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.addr, f)
    }
}

impl<S: GenServer> fmt::Debug for ServerRef<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.addr, f)
    }
}

impl<S: GenServer> From<&ServerRef<S>> for Pid {
    fn from(s: &ServerRef<S>) -> Pid {
        s.pid()
    }
}

impl<S: GenServer> From<ServerRef<S>> for Pid {
    fn from(s: ServerRef<S>) -> Pid {
        s.pid()
    }
}

impl<S: GenServer> crate::timer::Target<S::Info> for ServerRef<S> {
    fn deliver(&self, msg: S::Info) -> bool {
        self.push(GenMsg::Info(msg)).is_ok()
    }
}

/// Where a call, cast or message goes: a handle, a pid, or a name.
pub enum Dest<S: GenServer> {
    /// A handle.
    Ref(ServerRef<S>),
    /// A pid, checked to be a GenServer of type `S`.
    Pid(Pid),
    /// A name, looked up at each use.
    Name(Name),
}

impl<S: GenServer> Clone for Dest<S> {
    fn clone(&self) -> Self {
        match self {
            Dest::Ref(r) => Dest::Ref(r.clone()),
            Dest::Pid(p) => Dest::Pid(p.clone()),
            Dest::Name(n) => Dest::Name(n.clone()),
        }
    }
}

impl<S: GenServer> fmt::Display for Dest<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dest::Ref(r) => write!(f, "{r}"),
            Dest::Pid(p) => write!(f, "{p}"),
            Dest::Name(n) => write!(f, "{n}"),
        }
    }
}

impl<S: GenServer> fmt::Debug for Dest<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<S: GenServer> From<ServerRef<S>> for Dest<S> {
    fn from(r: ServerRef<S>) -> Self {
        Dest::Ref(r)
    }
}

impl<S: GenServer> From<&ServerRef<S>> for Dest<S> {
    fn from(r: &ServerRef<S>) -> Self {
        Dest::Ref(r.clone())
    }
}

impl<S: GenServer> From<Pid> for Dest<S> {
    fn from(p: Pid) -> Self {
        Dest::Pid(p)
    }
}

impl<S: GenServer> From<&Pid> for Dest<S> {
    fn from(p: &Pid) -> Self {
        Dest::Pid(p.clone())
    }
}

impl<S: GenServer> From<Name> for Dest<S> {
    fn from(n: Name) -> Self {
        Dest::Name(n)
    }
}

impl<S: GenServer> From<&Name> for Dest<S> {
    fn from(n: &Name) -> Self {
        Dest::Name(n.clone())
    }
}

impl<S: GenServer> From<&str> for Dest<S> {
    fn from(n: &str) -> Self {
        Dest::Name(Name::from(n))
    }
}

impl<S: GenServer> From<&String> for Dest<S> {
    fn from(n: &String) -> Self {
        Dest::Name(Name::from(n))
    }
}

impl<S: GenServer> From<crate::exit::Atom> for Dest<S> {
    fn from(n: crate::exit::Atom) -> Self {
        Dest::Name(Name::Local(n))
    }
}

impl<S: GenServer> From<&crate::exit::Atom> for Dest<S> {
    fn from(n: &crate::exit::Atom) -> Self {
        Dest::Name(Name::Local(n.clone()))
    }
}

/// Why [`whereis`] found no server of the wanted type.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum WhereisError {
    /// No live process has the name.
    #[error("no process is registered under {0}")]
    NotFound(Name),
    /// The name is held by a process of another kind.
    #[error(
        "{name} is held by {holder}, which is not a GenServer of type {expected} (its messages are {actual})"
    )]
    WrongKind {
        /// The name.
        name: Name,
        /// The process holding it.
        holder: Pid,
        /// The server type asked for.
        expected: &'static str,
        /// The message type of the process found.
        actual: &'static str,
    },
}

/// `GenServer.whereis/1`, typed: the server of type `S` registered under `name`.
///
/// # Panics
/// For a local or global name, outside a process.
pub fn whereis<S: GenServer>(name: impl Into<Name>) -> Result<ServerRef<S>, WhereisError> {
    let name = name.into();
    let pid = process::whereis(&name).ok_or_else(|| WhereisError::NotFound(name.clone()))?;
    ServerRef::from_pid(&pid).ok_or_else(|| WhereisError::WrongKind {
        expected: type_name::<S>(),
        actual: pid.cell.message_type_name(),
        name,
        holder: pid,
    })
}

/// The calling process as a GenServer of type `S` (a server's own `self()`, typed, for timers
/// and for handing itself to others).
///
/// # Panics
/// Outside a GenServer of type `S`.
pub fn self_ref<S: GenServer>() -> ServerRef<S> {
    let me = process::self_pid();
    ServerRef::from_pid(&me).unwrap_or_else(|| {
        panic!(
            "self_ref::<{}> called from {me}, which is not a GenServer of that type",
            type_name::<S>()
        )
    })
}

fn resolve<S: GenServer>(dest: &Dest<S>) -> Result<ServerRef<S>, CallError> {
    let pid = match dest {
        Dest::Ref(r) => return Ok(r.clone()),
        Dest::Pid(p) => p.clone(),
        Dest::Name(name) => process::whereis(name).ok_or(CallError::NoProc)?,
    };
    ServerRef::from_pid(&pid).ok_or_else(|| CallError::WrongKind {
        pid: pid.clone(),
        expected: type_name::<S>(),
    })
}

// ---------------------------------------------------------------------------------------------
// Starting

/// Options for [`start`] and [`start_link`] (Elixir's `opts`).
#[derive(Clone, Default)]
pub struct Options {
    name: Option<Name>,
    timeout: Option<Timeout>,
}

impl Options {
    /// No name, no init timeout.
    pub fn new() -> Self {
        Self::default()
    }

    /// `name: name`: registers the server under a local, global or via name.
    pub fn name(mut self, name: impl Into<Name>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// `timeout: t`: how long `init` may take; the server is killed and the start fails with
    /// [`StartError::Timeout`] after that. Infinity by default.
    pub fn timeout(mut self, t: impl Into<Timeout>) -> Self {
        self.timeout = Some(t.into());
        self
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("name", &self.name)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Why a server did not start.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StartError {
    /// `init` returned `Stop(reason)` or panicked: `{:error, reason}`.
    #[error("init failed: {0}")]
    Stop(ExitReason),
    /// `init` returned `Ignore`: `:ignore`.
    #[error("init returned ignore")]
    Ignore,
    /// The name is taken: `{:error, {:already_started, pid}}`.
    #[error("already started: {0}")]
    AlreadyStarted(Pid),
    /// `init` took longer than the `timeout` option: `{:error, :timeout}`.
    #[error("init timed out")]
    Timeout,
}

/// `GenServer.start_link/3`: starts a server linked to the calling process and waits for its
/// `init`.
///
/// A failed start leaves nothing behind: the process is gone, its name is free again, and the
/// caller gets the error without an exit signal (OTP 26 and later behave this way; OTP 25 also
/// sent the caller the exit signal).
///
/// # Panics
/// Outside a process (a linked server needs a process to link to; use [`start`] or
/// [`crate::Node::run`]), or outside a tokio runtime.
pub async fn start_link<S: GenServer>(
    arg: S::Arg,
    opts: Options,
) -> Result<ServerRef<S>, StartError> {
    let parent = process::self_pid();
    do_start::<S>(arg, opts, Some(parent), true).await
}

/// `GenServer.start/3`: like [`start_link`], without the link. Works outside any process when
/// given a node through [`start_on`].
///
/// # Panics
/// Outside a process.
pub async fn start<S: GenServer>(arg: S::Arg, opts: Options) -> Result<ServerRef<S>, StartError> {
    let parent = process::self_pid();
    do_start::<S>(arg, opts, Some(parent), false).await
}

/// Starts an unlinked server on `node` from anywhere, inside a process or not.
pub async fn start_on<S: GenServer>(
    node: &crate::Node,
    arg: S::Arg,
    opts: Options,
) -> Result<ServerRef<S>, StartError> {
    let parent = process::current();
    let node = node.clone();
    start_with_node::<S>(&node, arg, opts, parent, false).await
}

async fn do_start<S: GenServer>(
    arg: S::Arg,
    opts: Options,
    parent: Option<Pid>,
    link: bool,
) -> Result<ServerRef<S>, StartError> {
    let node = parent
        .as_ref()
        .map(Pid::node)
        .unwrap_or_else(process::current_node);
    start_with_node::<S>(&node, arg, opts, parent, link).await
}

async fn start_with_node<S: GenServer>(
    node: &crate::Node,
    arg: S::Arg,
    opts: Options,
    parent: Option<Pid>,
    link: bool,
) -> Result<ServerRef<S>, StartError> {
    let shared = process::create::<GenMsg<S>>(node, parent.clone());
    let pid = Pid {
        cell: shared.clone(),
    };
    if let Some(name) = &opts.name {
        match process::register_name(node, name, &pid) {
            Ok(()) => {}
            Err(process::RegisterError::Taken { holder, .. }) => {
                return Err(StartError::AlreadyStarted(holder));
            }
            Err(other) => return Err(StartError::Stop(ExitReason::custom(other.to_string()))),
        }
    }
    let (ack_tx, ack_rx) = oneshot::channel();
    let mailbox = Mailbox::new(shared.clone());
    let body = run_server::<S>(mailbox, arg, ack_tx, parent, opts.name.clone());
    let spawn_opts = SpawnOpts {
        link,
        reports_own_crash: true,
        ..SpawnOpts::default()
    };
    let (addr, _) = process::start(shared, body, spawn_opts);
    let timeout = opts.timeout.unwrap_or(Timeout::Infinity);
    match with_timeout(timeout, ack_rx).await {
        Some(Ok(Ok(()))) => Ok(ServerRef { addr }),
        Some(Ok(Err(e))) => {
            // The server unlinked itself and is exiting: wait until it is gone, so that its
            // name is free when this returns.
            addr.pid().wait_exit().await;
            Err(e)
        }
        Some(Err(_)) => Err(StartError::Stop(addr.pid().wait_exit().await)),
        None => {
            if link {
                process::unlink_pair(&process::self_pid(), &addr.pid());
            }
            process::exit_from(&addr.pid(), &addr.pid(), ExitReason::Kill);
            addr.pid().wait_exit().await;
            Err(StartError::Timeout)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Calls, casts, messages, stop

/// Why a call failed: Elixir's `exit` reasons of `GenServer.call`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CallError {
    /// `:noproc`: the server is not alive, or no process has the name. Returned at once.
    #[error(
        "no process: the process is not alive or there's no process currently associated with the given name"
    )]
    NoProc,
    /// `:timeout`: no reply in time. Nothing is left behind: a late reply is dropped.
    #[error("time out: no reply within the timeout")]
    Timeout,
    /// `:calling_self`: a server called itself, which could only deadlock.
    #[error("process attempted to call itself")]
    CallingSelf,
    /// The server exited before replying; its exit reason.
    #[error("the server exited: {0}")]
    Exit(ExitReason),
    /// The destination is a process of another kind.
    #[error("{pid} is not a GenServer of type {expected}")]
    WrongKind {
        /// The process found.
        pid: Pid,
        /// The server type asked for.
        expected: &'static str,
    },
}

/// `GenServer.call/2`: sends a request and waits at most 5000 ms for the reply.
pub async fn call<S: GenServer>(
    server: impl Into<Dest<S>>,
    msg: S::Call,
) -> Result<S::Reply, CallError> {
    call_timeout(server, msg, DEFAULT_CALL_TIMEOUT).await
}

/// `GenServer.call/3`: sends a request and waits at most `timeout` (milliseconds, a
/// [`Duration`], or [`Timeout::Infinity`]) for the reply.
pub async fn call_timeout<S: GenServer>(
    server: impl Into<Dest<S>>,
    msg: S::Call,
    timeout: impl Into<Timeout>,
) -> Result<S::Reply, CallError> {
    let server = resolve(&server.into())?;
    let me = process::current();
    if let Some(me) = &me
        && *me == server.pid()
    {
        return Err(CallError::CallingSelf);
    }
    let (tx, rx) = oneshot::channel();
    server
        .push(GenMsg::Call(msg, tx, me))
        .map_err(|_| CallError::NoProc)?;
    let timeout = timeout.into();
    let deadline = timeout
        .as_duration()
        .map(|d| tokio::time::Instant::now() + d);
    let waited = match deadline {
        None => Some(rx.await),
        Some(deadline) => tokio::time::timeout_at(deadline, rx).await.ok(),
    };
    match waited {
        Some(Ok(reply)) => Ok(reply),
        Some(Err(_)) => {
            // The reply handle was dropped: the server is exiting (or dropped the request).
            // Wait for its exit, within what is left of the timeout.
            let pid = server.pid();
            let exit = match deadline {
                None => Some(pid.wait_exit().await),
                Some(deadline) => tokio::time::timeout_at(deadline, pid.wait_exit())
                    .await
                    .ok(),
            };
            Err(exit.map(CallError::Exit).unwrap_or(CallError::Timeout))
        }
        None => Err(CallError::Timeout),
    }
}

/// `GenServer.cast/2`: sends a request that needs no reply. Never fails: a cast to a dead
/// server or an unknown name is dropped, as in OTP.
pub fn cast<S: GenServer>(server: impl Into<Dest<S>>, msg: S::Cast) {
    deliver(server.into(), GenMsg::Cast(msg));
}

/// `send(server, msg)`: a plain message, which the server receives in `handle_info` as
/// [`Info::Msg`]. Dropped if the server is gone.
pub fn send<S: GenServer>(server: impl Into<Dest<S>>, msg: S::Info) {
    deliver(server.into(), GenMsg::Info(msg));
}

fn deliver<S: GenServer>(dest: Dest<S>, msg: GenMsg<S>) {
    match dest {
        Dest::Name(Name::Via(via)) => {
            let _ = via.0.send(AnyMessage::from_fn(
                move |pid| match ServerRef::<S>::from_pid(pid) {
                    Some(server) => server.push(msg),
                    None => Err(process::wrong_type::<GenMsg<S>>(pid)),
                },
            ));
        }
        dest => {
            if let Ok(server) = resolve(&dest) {
                let _ = server.push(msg);
            }
        }
    }
}

/// Why [`stop`] did not see the server stop as asked.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StopError {
    /// The server was not alive.
    #[error("no process")]
    NoProc,
    /// The server did not exit in time.
    #[error("the server did not stop within the timeout")]
    Timeout,
    /// The server exited with another reason (its `terminate` panicked, say).
    #[error("the server exited with {0}")]
    Exit(ExitReason),
    /// The destination is a process of another kind.
    #[error("{pid} is not a GenServer of type {expected}")]
    WrongKind {
        /// The process found.
        pid: Pid,
        /// The server type asked for.
        expected: &'static str,
    },
}

/// `GenServer.stop/3`: asks the server to exit with `reason`; `terminate` runs; returns once
/// the server is gone (or the timeout runs out).
pub async fn stop<S: GenServer>(
    server: impl Into<Dest<S>>,
    reason: ExitReason,
    timeout: impl Into<Timeout>,
) -> Result<(), StopError> {
    let server = resolve(&server.into()).map_err(|e| match e {
        CallError::WrongKind { pid, expected } => StopError::WrongKind { pid, expected },
        _ => StopError::NoProc,
    })?;
    server
        .push(GenMsg::Stop(reason.clone()))
        .map_err(|_| StopError::NoProc)?;
    match with_timeout(timeout.into(), server.pid().wait_exit()).await {
        Some(exit) if exit == reason => Ok(()),
        Some(other) => Err(StopError::Exit(other)),
        None => Err(StopError::Timeout),
    }
}

/// `:sys.get_state/1`: a copy of the server's state, taken between two messages.
pub async fn get_state<S: GenServer + Clone>(server: impl Into<Dest<S>>) -> Result<S, CallError> {
    inspect(server, |s: &S| s.clone()).await
}

/// Runs `f` on the server's state between two messages and returns what it returns: a
/// read-only window on the state for tests and tools (what `:sys.get_state` is for).
pub async fn inspect<S: GenServer, R: Send + 'static>(
    server: impl Into<Dest<S>>,
    f: impl FnOnce(&S) -> R + Send + 'static,
) -> Result<R, CallError> {
    let server = resolve(&server.into())?;
    let (tx, rx) = oneshot::channel();
    server
        .push(GenMsg::Sys(Box::new(move |s: &mut S| {
            let _ = tx.send(f(s));
        })))
        .map_err(|_| CallError::NoProc)?;
    match tokio::time::timeout(Duration::from_millis(5000), rx).await {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(_)) => Err(CallError::Exit(server.pid().wait_exit().await)),
        Err(_) => Err(CallError::Timeout),
    }
}

// ---------------------------------------------------------------------------------------------
// The server loop

/// What the loop was handling, for the crash report's "Last message".
#[derive(Clone, Copy)]
enum Kind<'a> {
    Call(Option<&'a Pid>),
    Cast,
    Info,
    Continue,
    Stop,
}

/// How one step of the loop ended.
enum Step<C> {
    Go(Option<Then<C>>),
    Exit(ExitReason),
}

/// The crash report's memory of the message being handled. A callback takes its message by
/// value, so the message is gone once the callback panics; the report can only print what was
/// written down before. Formatting every message costs time, so it is done only when a `tracing`
/// subscriber is installed (checked once when the server starts), into one reused buffer.
struct LastMessage {
    on: bool,
    text: String,
}

impl LastMessage {
    fn record(&mut self, msg: &dyn fmt::Debug) {
        if self.on {
            use fmt::Write as _;
            self.text.clear();
            let _ = write!(self.text, "{msg:?}");
        }
    }

    fn record_text(&mut self, text: impl FnOnce() -> String) {
        if self.on {
            self.text = text();
        }
    }
}

/// Formats an `Info` as Elixir prints the message behind it.
fn format_info<I: fmt::Debug>(info: &Info<I>) -> String {
    match info {
        Info::Msg(m) => format!("{m:?}"),
        Info::Exit { from, reason } => format!("{{:EXIT, {from}, {reason}}}"),
        Info::Down(d) => d.to_string(),
        Info::Timeout => ":timeout".to_string(),
    }
}

/// How Elixir's `Exception.format_exit/1` prints a stop reason.
fn format_stop(reason: &ExitReason) -> String {
    match reason {
        ExitReason::Panic(message) => format!("** (panic) {message}"),
        ExitReason::Killed => "** (stop) killed".to_string(),
        ExitReason::NoProc => "** (stop) no process".to_string(),
        other => format!("** (stop) {other}"),
    }
}

struct Ctx<'a> {
    label: &'a str,
    last: LastMessage,
}

impl Ctx<'_> {
    fn report<S: GenServer>(&self, state: &S, reason: &ExitReason, kind: Kind<'_>) {
        if reason.is_clean() {
            return;
        }
        let last = match kind {
            Kind::Call(Some(from)) => format!("Last message (from {from}): {}", self.last.text),
            Kind::Call(None) => format!("Last message: {}", self.last.text),
            Kind::Cast => format!("Last message: {{:\"$gen_cast\", {}}}", self.last.text),
            Kind::Info | Kind::Stop => format!("Last message: {}", self.last.text),
            Kind::Continue => format!("Last message: {{:continue, {}}}", self.last.text),
        };
        tracing::error!(
            target: "otp::gen_server",
            "GenServer {} terminating\n{}\n{}\nState: {}",
            self.label,
            format_stop(reason),
            last,
            state.format_status()
        );
    }

    /// Runs `terminate`, then reports. Returns the reason the server exits with: the given one,
    /// or a panic from `terminate` itself.
    async fn terminate<S: GenServer>(
        &self,
        state: &mut S,
        reason: ExitReason,
        kind: Kind<'_>,
    ) -> ExitReason {
        let reason = match catch_unwind(state.terminate(&reason)).await {
            Ok(()) => reason,
            Err(message) => ExitReason::panic(message),
        };
        self.report(state, &reason, kind);
        reason
    }

    async fn after_noreply<S: GenServer>(
        &self,
        state: &mut S,
        result: Result<CastResult<S>, String>,
        kind: Kind<'_>,
    ) -> Step<S::Continue> {
        match result {
            Ok(CastResult::NoReply) => Step::Go(None),
            Ok(CastResult::NoReplyThen(then)) => Step::Go(Some(then)),
            Ok(CastResult::Stop(reason)) => Step::Exit(self.terminate(state, reason, kind).await),
            Err(message) => Step::Exit(
                self.terminate(state, ExitReason::panic(message), kind)
                    .await,
            ),
        }
    }

    async fn call<S: GenServer>(
        &mut self,
        state: &mut S,
        msg: S::Call,
        tx: oneshot::Sender<S::Reply>,
        caller: Option<Pid>,
    ) -> Step<S::Continue> {
        self.last.record(&msg);
        let from = Caller {
            slot: Mutex::new(Some(ReplyTo {
                tx,
                caller: caller.clone(),
            })),
            pid: caller,
        };
        let result = catch_unwind(state.handle_call(msg, &from)).await;
        let kind = Kind::Call(from.pid.as_ref());
        match result {
            Ok(CallResult::Reply(r)) => {
                from.answer(r);
                Step::Go(None)
            }
            Ok(CallResult::ReplyThen(r, then)) => {
                from.answer(r);
                Step::Go(Some(then))
            }
            Ok(CallResult::NoReply) => Step::Go(None),
            Ok(CallResult::NoReplyThen(then)) => Step::Go(Some(then)),
            Ok(CallResult::StopReply(reason, r)) => {
                let reason = self.terminate(state, reason, kind).await;
                from.answer(r);
                Step::Exit(reason)
            }
            Ok(CallResult::Stop(reason)) => Step::Exit(self.terminate(state, reason, kind).await),
            Err(message) => Step::Exit(
                self.terminate(state, ExitReason::panic(message), kind)
                    .await,
            ),
        }
    }

    async fn cast<S: GenServer>(&mut self, state: &mut S, msg: S::Cast) -> Step<S::Continue> {
        self.last.record(&msg);
        let result = catch_unwind(state.handle_cast(msg)).await;
        self.after_noreply(state, result, Kind::Cast).await
    }

    async fn info<S: GenServer>(&mut self, state: &mut S, msg: Info<S::Info>) -> Step<S::Continue> {
        self.last.record_text(|| format_info(&msg));
        let result = catch_unwind(state.handle_info(msg)).await;
        self.after_noreply(state, result, Kind::Info).await
    }

    async fn continue_<S: GenServer>(
        &mut self,
        state: &mut S,
        c: S::Continue,
    ) -> Step<S::Continue> {
        self.last.record(&c);
        let result = catch_unwind(state.handle_continue(c)).await;
        self.after_noreply(state, result, Kind::Continue).await
    }
}

async fn fail_start(
    me: &Pid,
    parent: &Option<Pid>,
    name: &Option<Name>,
    ack: oneshot::Sender<Result<(), StartError>>,
    error: StartError,
) {
    if let Some(parent) = parent {
        process::unlink_pair(me, parent);
    }
    if let Some(Name::Via(via)) = name {
        via.0.unregister();
    }
    let _ = ack.send(Err(error));
}

async fn run_server<S: GenServer>(
    mut mailbox: Mailbox<GenMsg<S>>,
    arg: S::Arg,
    ack: oneshot::Sender<Result<(), StartError>>,
    parent: Option<Pid>,
    name: Option<Name>,
) -> ExitReason {
    let me = mailbox.pid();
    let (mut state, mut then) = match catch_unwind(S::init(arg)).await {
        Ok(Init::Ok(state)) => (state, None),
        Ok(Init::OkThen(state, then)) => (state, Some(then)),
        Ok(Init::Ignore) => {
            fail_start(&me, &parent, &name, ack, StartError::Ignore).await;
            return ExitReason::Normal;
        }
        Ok(Init::Stop(reason)) => {
            fail_start(&me, &parent, &name, ack, StartError::Stop(reason.clone())).await;
            return reason;
        }
        Err(message) => {
            let reason = ExitReason::panic(&message);
            fail_start(&me, &parent, &name, ack, StartError::Stop(reason.clone())).await;
            return reason;
        }
    };
    let label = name
        .as_ref()
        .map(|n| n.to_string())
        .unwrap_or_else(|| me.to_string());
    let mut ctx = Ctx {
        label: &label,
        last: LastMessage {
            on: tracing::dispatcher::get_default(|d| !d.is::<tracing::subscriber::NoSubscriber>()),
            text: String::new(),
        },
    };
    let _ = ack.send(Ok(()));
    let core = me.cell.core();

    loop {
        // A continue runs before any message already waiting.
        let idle = match then.take() {
            Some(Then::Continue(c)) => match ctx.continue_(&mut state, c).await {
                Step::Go(next) => {
                    then = next;
                    continue;
                }
                Step::Exit(reason) => return reason,
            },
            Some(Then::Timeout(ms)) => Some(Duration::from_millis(ms)),
            Some(Then::Hibernate) => {
                mailbox.shrink();
                None
            }
            None => None,
        };
        if core.exit_pending() {
            // An exit signal has come in: yield so that the runner stops this process now,
            // however many messages are waiting.
            tokio::task::yield_now().await;
        }
        let received = match idle {
            None => mailbox.receive().await,
            Some(d) => match tokio::time::timeout(d, mailbox.receive()).await {
                Ok(received) => received,
                Err(_) => match ctx.info(&mut state, Info::Timeout).await {
                    Step::Go(next) => {
                        then = next;
                        continue;
                    }
                    Step::Exit(reason) => return reason,
                },
            },
        };
        let step = match received {
            Received::Msg(GenMsg::Call(msg, tx, caller)) => {
                ctx.call(&mut state, msg, tx, caller).await
            }
            Received::Msg(GenMsg::Cast(msg)) => ctx.cast(&mut state, msg).await,
            Received::Msg(GenMsg::Info(msg)) => ctx.info(&mut state, Info::Msg(msg)).await,
            Received::Msg(GenMsg::Stop(reason)) => {
                ctx.last.record_text(|| "{:system, :terminate}".to_string());
                Step::Exit(ctx.terminate(&mut state, reason, Kind::Stop).await)
            }
            Received::Msg(GenMsg::Sys(f)) => match catch_unwind(async { f(&mut state) }).await {
                Ok(()) => Step::Go(None),
                Err(message) => {
                    ctx.last.record_text(|| "{:system, :inspect}".to_string());
                    let reason = ExitReason::panic(message);
                    Step::Exit(ctx.terminate(&mut state, reason, Kind::Stop).await)
                }
            },
            Received::Exit { from, reason } if parent.as_ref() == Some(&from) => {
                // The parent is going down and this server traps exits: terminate, then follow.
                ctx.last
                    .record_text(|| format!("{{:EXIT, {from}, {reason}}}"));
                Step::Exit(ctx.terminate(&mut state, reason, Kind::Info).await)
            }
            Received::Exit { from, reason } => {
                ctx.info(&mut state, Info::Exit { from, reason }).await
            }
            Received::Down(down) => ctx.info(&mut state, Info::Down(down)).await,
        };
        match step {
            Step::Go(next) => then = next,
            Step::Exit(reason) => return reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_reasons_print_like_elixir() {
        assert_eq!(
            format_stop(&ExitReason::custom("we_broke_something")),
            "** (stop) :we_broke_something"
        );
        assert_eq!(format_stop(&ExitReason::Killed), "** (stop) killed");
        assert_eq!(format_stop(&ExitReason::panic("Boom")), "** (panic) Boom");
    }

    #[test]
    fn info_prints_like_the_message_elixir_saw() {
        assert_eq!(format_info::<u8>(&Info::Timeout), ":timeout");
        assert_eq!(format_info(&Info::Msg("tick")), "\"tick\"");
    }

    #[test]
    fn infallible_is_a_fine_message_type() {
        fn takes<T: Send + fmt::Debug + 'static>() {}
        takes::<std::convert::Infallible>();
    }
}
