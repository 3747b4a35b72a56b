//! Starting a server: [`Options`], [`start_link`], [`start`] and [`start_on`]. A start
//! creates the server's process, registers its name and runs `init` as that process from the
//! starter's own task (`process::poll_as`); the server loop ([`super::server_loop`]) gets what is
//! left. When `init` has to wait, or the name is a via name, the start waits for the server's
//! answer instead. Also the implementation of [`StartLinked`] for every server, which the
//! default `child_spec` uses.
//!
//! Uses the server loop, the handle, the behaviour, start errors, names, the node and
//! `process`'s spawning.

use std::fmt;

use crate::child_spec::StartError;
use crate::exit::ExitReason;
use crate::name::Name;
use crate::node::Node;
use crate::pid::Pid;
use crate::process::{self, Mailbox, SpawnOpts, Timeout, with_timeout};

use super::behaviour::{GenServer, StartLinked};
use super::handle::{GenMsg, ServerRef};
use super::server_loop::{Begin, init_future, run_server};

/// Options for [`start`] and [`start_link`] (Elixir's `opts`).
#[derive(Clone, Default)]
pub struct Options {
    name: Option<Name>,
    timeout: Option<Timeout>,
}

impl Options {
    /// No name, no init timeout.
    ///
    /// ```
    /// use otp_core::gen_server::Options;
    ///
    /// // Elixir: GenServer.start_link(M, arg, [])
    /// let opts = Options::new();
    /// assert_eq!(format!("{opts:?}"), "Options { name: None, timeout: None }");
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// `name: name`: registers the server under a local, global or via name.
    ///
    /// ```
    /// use otp_core::gen_server::{self, GenServer, Init, Options};
    /// use otp_core::{Name, Node, process};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Debug)]
    /// struct Idle;
    ///
    /// impl GenServer for Idle {
    ///     type Arg = ();
    ///     type Call = Infallible;
    ///     type Reply = ();
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::Ok(Idle)
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: GenServer.start_link(Idle, nil, name: :idle)
    ///         let idle =
    ///             gen_server::start_link::<Idle>((), Options::new().name("idle")).await.unwrap();
    ///         assert_eq!(process::whereis(&Name::local("idle")), Some(idle.pid()));
    ///         // Elixir: name: {:global, :idle}
    ///         let global = Options::new().name(Name::global("idle"));
    ///         let other = gen_server::start_link::<Idle>((), global).await.unwrap();
    ///         assert_eq!(process::whereis(&Name::global("idle")), Some(other.pid()));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn name(mut self, name: impl Into<Name>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// `timeout: t`: how long `init` may take; the server is killed and the start fails with
    /// [`StartError::Timeout`] after that. Infinity by default.
    ///
    /// ```
    /// use otp_core::gen_server::{self, GenServer, Init, Options, StartError};
    /// use otp_core::{Node, process};
    /// use std::convert::Infallible;
    ///
    /// /// Takes `ms` milliseconds to start.
    /// #[derive(Debug)]
    /// struct SlowStart;
    ///
    /// impl GenServer for SlowStart {
    ///     type Arg = u64;
    ///     type Call = Infallible;
    ///     type Reply = ();
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///     async fn init(ms: u64) -> Init<Self> {
    ///         process::sleep(ms).await;
    ///         Init::Ok(SlowStart)
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: GenServer.start_link(SlowStart, 10_000, timeout: 1000)
    ///         let late =
    ///             gen_server::start_link::<SlowStart>(10_000, Options::new().timeout(1000)).await;
    ///         assert_eq!(late.unwrap_err(), StartError::Timeout);
    ///         let quick = gen_server::start_link::<SlowStart>(10, Options::new().timeout(1000)).await;
    ///         assert!(quick.is_ok());
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
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

/// `GenServer.start_link/3`: starts a server linked to the calling process and waits for its
/// `init`.
///
/// A failed start leaves nothing behind: it returns once the process is gone and its name is
/// free again, and a caller that traps exits finds no `{:EXIT, pid, reason}` from it in its
/// mailbox, however `init` failed (a stop, an exit or a panic in it, `:ignore`, a kill before it
/// answered, the start's timeout). OTP 26 and later behave this way (proc_lib consumes the
/// message); OTP 25 left the message in the mailbox.
///
/// One difference from the BEAM: when `init` returns [`Init::Stop`](crate::gen_server::Init)
/// or panics, the server unlinks itself before it exits, so a caller that does not trap exits
/// gets the error and lives on. On the BEAM the link would take that caller down with the
/// reason (IEx prints `** (EXIT from #PID<...>) shell process exited with reason: ...`).
///
/// ```
/// use otp_core::gen_server::{self, GenServer, Init, Options, StartError};
/// use otp_core::{Node, process};
/// use std::convert::Infallible;
///
/// #[derive(Debug)]
/// struct Idle;
///
/// impl GenServer for Idle {
///     type Arg = ();
///     type Call = Infallible;
///     type Reply = ();
///     type Cast = Infallible;
///     type Info = Infallible;
///     type Continue = Infallible;
///     async fn init(_: ()) -> Init<Self> {
///         Init::Ok(Idle)
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         // Elixir: {:ok, pid} = GenServer.start_link(Idle, nil, name: :idle)
///         let idle =
///             gen_server::start_link::<Idle>((), Options::new().name("idle")).await.unwrap();
///         assert!(process::is_linked(&process::self_pid(), &idle.pid()));
///         // Elixir: {:error, {:already_started, pid}}
///         let again = gen_server::start_link::<Idle>((), Options::new().name("idle")).await;
///         assert_eq!(again.unwrap_err(), StartError::AlreadyStarted(idle.pid()));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// Outside a process (a linked server needs a process to link to; use [`start`] or
/// [`crate::node::Node::run`]), or outside a tokio runtime.
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
/// As in gen_server, a server started this way is its own parent: its starter's exit does not
/// stop it, and should the server link to its starter and trap exits, that exit reaches
/// `handle_info` as [`Info::Exit`](crate::gen_server::Info::Exit) like any other.
///
/// ```
/// use otp_core::gen_server::{self, GenServer, Init, Options};
/// use otp_core::{ExitReason, Node, process};
/// use std::convert::Infallible;
///
/// #[derive(Debug)]
/// struct Idle;
///
/// impl GenServer for Idle {
///     type Arg = ();
///     type Call = Infallible;
///     type Reply = ();
///     type Cast = Infallible;
///     type Info = Infallible;
///     type Continue = Infallible;
///     async fn init(_: ()) -> Init<Self> {
///         Init::Ok(Idle)
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         // Elixir: {:ok, pid} = GenServer.start(Idle, nil)
///         let idle = gen_server::start::<Idle>((), Options::new()).await.unwrap();
///         assert!(!process::is_linked(&process::self_pid(), &idle.pid()));
///         // Its death does not reach the process that started it.
///         process::exit(&idle.pid(), ExitReason::Kill);
///         assert_eq!(idle.pid().wait_exit().await, ExitReason::Killed);
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// Outside a process.
pub async fn start<S: GenServer>(arg: S::Arg, opts: Options) -> Result<ServerRef<S>, StartError> {
    let parent = process::self_pid();
    do_start::<S>(arg, opts, Some(parent), false).await
}

/// Starts an unlinked server on `node` from anywhere, inside a process or not.
///
/// ```
/// use otp_core::Node;
/// use otp_core::gen_server::{self, CallResult, Caller, CastResult, GenServer, Init, Options};
/// use std::convert::Infallible;
///
/// #[derive(Debug)]
/// struct Counter(i64);
///
/// #[derive(Debug)]
/// struct Get;
///
/// #[derive(Debug)]
/// struct Add(i64);
///
/// impl GenServer for Counter {
///     type Arg = i64;
///     type Call = Get;
///     type Reply = i64;
///     type Cast = Add;
///     type Info = Infallible;
///     type Continue = Infallible;
///
///     async fn init(start: i64) -> Init<Self> {
///         Init::Ok(Counter(start))
///     }
///
///     async fn handle_call(&mut self, Get: Get, _from: &Caller<i64>) -> CallResult<Self> {
///         CallResult::Reply(self.0)
///     }
///
///     async fn handle_cast(&mut self, Add(n): Add) -> CastResult<Self> {
///         self.0 += n;
///         CastResult::NoReply
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// // No process needed: a program's main task can start, call and cast.
/// let counter = gen_server::start_on::<Counter>(&node, 41, Options::new()).await.unwrap();
/// gen_server::cast(&counter, Add(1));
/// assert_eq!(gen_server::call(&counter, Get).await, Ok(42));
/// # });
/// ```
pub async fn start_on<S: GenServer>(
    node: &Node,
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
    node: &Node,
    arg: S::Arg,
    opts: Options,
    parent: Option<Pid>,
    link: bool,
) -> Result<ServerRef<S>, StartError> {
    if let Some(name) = opts.name.as_ref().filter(|n| n.is_reserved()) {
        return Err(StartError::InvalidName(name.clone()));
    }
    let shared = process::create::<GenMsg<S>>(node, parent.clone());
    #[cfg(feature = "dist")]
    if S::remote().is_some() {
        // A server that opts in reads the terms other nodes send it.
        shared.set_term_sink(super::remote::read_message::<S>);
    }
    // The name is registered by the new process itself, before its init (see `run_server`).
    let mailbox = Mailbox::new(shared.clone());
    // The parent of a server is the process that linked to it at its start: its exit stops the
    // server. Started without a link (`GenServer.start`), the server is its own parent, as in
    // gen_server: an exit from its starter is an ordinary `{:EXIT, pid, reason}` should it link
    // to the starter later. (The starter is still its ancestor, as `Process.info` shows.)
    let loop_parent = if link { parent } else { None };
    let spawn_opts = SpawnOpts {
        link,
        reports_own_crash: true,
        ..SpawnOpts::default()
    };
    let (addr, _) = process::prepare(&shared, spawn_opts);
    let pid = addr.pid();
    let mut init = init_future::<S>(arg);
    // The starter would only wait while the new process registers its name and runs `init`:
    // it takes those first steps itself, as the new process (see `process::poll_as`), and
    // skips two trips through the scheduler when `init` needs no waiting, as most do. What is
    // left goes to the server's own task: the state, when `init` returned `{:ok, state}` (the
    // starter then frees `init`'s box itself, see `Begin`), or else `init`'s box, still waiting
    // or holding its outcome. A via name is the exception: its registry's callbacks are the
    // user's code, run in the server's task.
    let started = match opts.name.as_ref() {
        Some(Name::Via(_)) => false,
        Some(name) => {
            process::register_name(node, name, &pid).is_ok()
                && init.as_mut().poll_as_starter(&shared)
        }
        None => init.as_mut().poll_as_starter(&shared),
    };
    let body = run_server::<S, _>(mailbox, Begin::of(init), loop_parent, opts.name.clone());
    process::launch(shared, body, spawn_opts);
    if started {
        return Ok(ServerRef { addr });
    }
    let timeout = opts.timeout.unwrap_or(Timeout::Infinity);
    // As proc_lib's sync_start does since OTP 26: a failed start returns once the process is
    // gone, its name free, and without its `{:EXIT, pid, reason}` in a trapping caller's
    // mailbox. The server says how its start went through its own core (`run_server`), which
    // answers once it has started or, when it has not, once it is gone.
    let failed = match with_timeout(timeout, pid.core().wait_started()).await {
        Some(Ok(())) => return Ok(ServerRef { addr }),
        // The server unlinked itself and has exited. Only `run_server` gives the error, always
        // a `StartError`.
        Some(Err((Some(error), reason))) => match error.downcast::<StartError>() {
            Ok(error) => *error,
            Err(_) => StartError::Stop(reason),
        },
        // Gone without an answer: killed while in init, say.
        Some(Err((None, reason))) => StartError::Stop(reason),
        None => {
            if link {
                process::unlink_pair(&process::self_pid(), &pid);
            }
            process::exit_from(&pid, &pid, ExitReason::Kill);
            pid.wait_exit().await;
            StartError::Timeout
        }
    };
    if link {
        process::unlink_flush(&pid);
    }
    Err(failed)
}

/// The start of a default child spec (see [`GenServer::child_spec`]): every server starts
/// this way.
impl<S: GenServer> StartLinked<S::Arg> for S {
    async fn start_linked(arg: S::Arg) -> Result<Pid, StartError> {
        start_link::<S>(arg, Options::new()).await.map(|s| s.pid())
    }
}
