//! DynamicSupervisor: a supervisor whose children are started on demand, one_for_one, and
//! stopped all at once.
//!
//! | Elixir                                             | Rust                                   |
//! |----------------------------------------------------|----------------------------------------|
//! | `DynamicSupervisor.start_link(strategy: :one_for_one, name: N)` | [`start_link`]`(Options::new().name(N))` |
//! | `max_children: 100`                                | `.max_children(100)`                    |
//! | `extra_arguments: [a]`                             | `.extra_arguments(a)` (and [`ChildSpec::with_extra`]) |
//! | `DynamicSupervisor.start_child(sup, spec)`         | [`start_child`]`(sup, spec)`            |
//! | `DynamicSupervisor.terminate_child(sup, pid)`      | [`terminate_child`]`(sup, &pid)`        |
//! | `DynamicSupervisor.which_children(sup)`            | [`which_children`]`(sup)`               |
//! | `DynamicSupervisor.count_children(sup)`            | [`count_children`]`(sup)`               |
//! | `DynamicSupervisor.stop(sup, reason, timeout)`     | [`stop`]`(sup, reason, timeout)`        |
//!
//! Children are independent: when the supervisor stops, every child gets its exit signal at
//! once and the supervisor waits for all of them together, each against its own shutdown time,
//! so stopping many children with slow `terminate`s takes about as long as one. (Elixir 1.14's
//! DynamicSupervisor stops them concurrently too, but its shutdown loop is quadratic in the
//! number of children; here it is linear.)
//!
//! ```
//! use otp_core::dynamic_supervisor::{self, Options};
//! use otp_core::supervisor::ChildSpec;
//! use otp_core::{Mailbox, Node, process};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! Node::new().run(async {
//!     let sup = dynamic_supervisor::start_link(Options::new().max_children(2)).await.unwrap();
//!     let idle = || ChildSpec::new("idle", || async {
//!         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
//!     });
//!     let a = dynamic_supervisor::start_child(&sup, idle()).await.unwrap();
//!     dynamic_supervisor::start_child(&sup, idle()).await.unwrap();
//!     assert!(dynamic_supervisor::start_child(&sup, idle()).await.is_err(), "max_children");
//!     dynamic_supervisor::terminate_child(&sup, &a).await.unwrap();
//!     assert_eq!(dynamic_supervisor::count_children(&sup).await.unwrap().active, 1);
//! }).await.unwrap();
//! # });
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::exit::{Atom, ExitReason};
use crate::gen_server::{
    self, CallResult, Caller, CastResult, GenServer, Info, Init, ServerRef, StartError, StopError,
    ToServer,
};
use crate::name::Name;
use crate::pid::Pid;
use crate::process::{self, Timeout};
use crate::supervisor::core::{AfterExit, Intensity, Strategy, after_exit};
use crate::supervisor::observe::{self, ChildSnapshot, Snapshot};
use crate::supervisor::{
    ChildInfo, ChildPid, ChildSpec, ChildType, Counts, Extra, Shutdown, SupervisorError,
};

/// A running dynamic supervisor.
pub type DynamicSupervisorRef = ServerRef<DynamicSupervisor>;

/// Options of [`start_link`].
#[derive(Clone)]
pub struct Options {
    max_children: Option<usize>,
    max_restarts: u32,
    max_seconds: u64,
    extra: Extra,
    name: Option<Name>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_children: None,
            max_restarts: 3,
            max_seconds: 5,
            extra: None,
            name: None,
        }
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("max_children", &self.max_children)
            .field("max_restarts", &self.max_restarts)
            .field("max_seconds", &self.max_seconds)
            .field("extra_arguments", &self.extra.is_some())
            .field("name", &self.name)
            .finish()
    }
}

impl Options {
    /// `strategy: :one_for_one` (the only strategy), no limit on children, 3 restarts in 5 s.
    ///
    /// ```
    /// use otp_core::dynamic_supervisor::Options;
    ///
    /// // Elixir: DynamicSupervisor.start_link(strategy: :one_for_one)
    /// assert_eq!(
    ///     format!("{:?}", Options::new()),
    ///     "Options { max_children: None, max_restarts: 3, max_seconds: 5, extra_arguments: false, name: None }"
    /// );
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// At most this many children, counting those being restarted.
    ///
    /// ```
    /// use otp_core::dynamic_supervisor::{self, Options};
    /// use otp_core::supervisor::{ChildSpec, SupervisorError};
    /// use otp_core::{Mailbox, Node, process};
    ///
    /// fn worker() -> ChildSpec {
    ///     ChildSpec::new("worker", || async {
    ///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    ///     })
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: DynamicSupervisor.start_link(strategy: :one_for_one, max_children: 1)
    ///         let sup = dynamic_supervisor::start_link(Options::new().max_children(1)).await.unwrap();
    ///         dynamic_supervisor::start_child(&sup, worker()).await.unwrap();
    ///         // Elixir: {:error, :max_children}
    ///         let full = dynamic_supervisor::start_child(&sup, worker()).await;
    ///         assert_eq!(full, Err(SupervisorError::MaxChildren));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn max_children(mut self, n: usize) -> Self {
        self.max_children = Some(n);
        self
    }

    /// At most this many restarts within `max_seconds` (3 by default).
    ///
    /// ```
    /// use otp_core::dynamic_supervisor::{self, Options};
    /// use otp_core::supervisor::ChildSpec;
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// fn worker() -> ChildSpec {
    ///     ChildSpec::new("worker", || async {
    ///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    ///     })
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // The supervisor's exit must not take this process down with it.
    ///         process::trap_exit(true);
    ///         // Elixir: DynamicSupervisor.start_link(strategy: :one_for_one, max_restarts: 0)
    ///         let sup = dynamic_supervisor::start_link(Options::new().max_restarts(0)).await.unwrap();
    ///         let child = dynamic_supervisor::start_child(&sup, worker()).await.unwrap();
    ///         process::exit(&child, ExitReason::Kill);
    ///         // No restart allowed at all: the first crash ends the supervisor.
    ///         assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn max_restarts(mut self, n: u32) -> Self {
        self.max_restarts = n;
        self
    }

    /// The window of the restart intensity, in seconds (5 by default).
    ///
    /// ```
    /// use otp_core::dynamic_supervisor::{self, Options};
    /// use otp_core::supervisor::ChildSpec;
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// fn worker() -> ChildSpec {
    ///     ChildSpec::new("worker", || async {
    ///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    ///     })
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: max_restarts: 1, max_seconds: 1
    ///         let opts = Options::new().max_restarts(1).max_seconds(1);
    ///         let sup = dynamic_supervisor::start_link(opts).await.unwrap();
    ///         dynamic_supervisor::start_child(&sup, worker()).await.unwrap();
    ///         for _ in 0..3 {
    ///             let children = dynamic_supervisor::which_children(&sup).await.unwrap();
    ///             let child = children[0].pid.pid().unwrap().clone();
    ///             process::exit(&child, ExitReason::Kill);
    ///             child.wait_exit().await;
    ///             // Two seconds apart, no two restarts share a one-second window.
    ///             process::sleep(2000).await;
    ///         }
    ///         assert_eq!(dynamic_supervisor::count_children(&sup).await.unwrap().active, 1);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn max_seconds(mut self, s: u64) -> Self {
        self.max_seconds = s;
        self
    }

    /// Arguments handed to every child's start function before its own (specs made with
    /// [`ChildSpec::with_extra`] receive them).
    ///
    /// ```
    /// use otp_core::dynamic_supervisor::{self, Options};
    /// use otp_core::supervisor::ChildSpec;
    /// use otp_core::{Console, Mailbox, Node, io, process};
    ///
    /// /// What every child of this supervisor is given.
    /// struct Config {
    ///     greeting: &'static str,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let console = Console::capture();
    /// Node::with_console(console.clone())
    ///     .run(async {
    ///         // Elixir: DynamicSupervisor.start_link(strategy: :one_for_one, extra_arguments: [config])
    ///         let opts = Options::new().extra_arguments(Config { greeting: "hello" });
    ///         let sup = dynamic_supervisor::start_link(opts).await.unwrap();
    ///         let greeter = ChildSpec::with_extra("greeter", |config: &Config| {
    ///             io::puts(format!("{}, says the greeter", config.greeting));
    ///             async {
    ///                 Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    ///             }
    ///         });
    ///         dynamic_supervisor::start_child(&sup, greeter).await.unwrap();
    ///     })
    ///     .await
    ///     .unwrap();
    /// assert_eq!(console.contents(), "hello, says the greeter\n");
    /// # });
    /// ```
    pub fn extra_arguments<E: Send + Sync + 'static>(mut self, extra: E) -> Self {
        self.extra = Some(Arc::new(extra));
        self
    }

    /// Registers the supervisor under a name.
    ///
    /// ```
    /// use otp_core::dynamic_supervisor::{self, Options};
    /// use otp_core::supervisor::ChildSpec;
    /// use otp_core::{Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: DynamicSupervisor.start_link(strategy: :one_for_one, name: Rooms)
    ///         dynamic_supervisor::start_link(Options::new().name("Rooms")).await.unwrap();
    ///         let room = ChildSpec::new("room", || async {
    ///             Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    ///         });
    ///         // Elixir: DynamicSupervisor.start_child(Rooms, spec)
    ///         dynamic_supervisor::start_child("Rooms", room).await.unwrap();
    ///         assert_eq!(dynamic_supervisor::count_children("Rooms").await.unwrap().active, 1);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn name(mut self, name: impl Into<Name>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// The dynamic supervisor's state: a GenServer that traps exits. Use [`start_link`] and the
/// functions of this module.
pub struct DynamicSupervisor {
    max_children: Option<usize>,
    intensity: Intensity,
    extra: Extra,
    /// Children by pid number: pids grow, so this is start order.
    children: BTreeMap<u64, DynChild>,
    /// Restarts since it started, for observers.
    restarts: u64,
}

struct DynChild {
    spec: ChildSpec,
    pid: ChildPid,
    /// How many times this child was restarted, for observers.
    restarts: u64,
}

impl fmt::Debug for DynamicSupervisor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DynamicSupervisor(children: {})", self.children.len())
    }
}

/// Requests to a dynamic supervisor. Not for use outside the runtime.
#[doc(hidden)]
pub enum Request {
    WhichChildren,
    CountChildren,
    StartChild(ChildSpec),
    TerminateChild(Pid),
    Observe,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Request::WhichChildren => f.write_str(":which_children"),
            Request::CountChildren => f.write_str(":count_children"),
            Request::StartChild(spec) => write!(f, "{{:start_child, {spec:?}}}"),
            Request::TerminateChild(pid) => write!(f, "{{:terminate_child, {pid}}}"),
            Request::Observe => f.write_str(":observe"),
        }
    }
}

/// Replies of a dynamic supervisor. Not for use outside the runtime.
#[doc(hidden)]
pub enum Response {
    Children(Vec<ChildInfo>),
    Counts(Counts),
    Started(Result<Pid, SupervisorError>),
    Done(Result<(), SupervisorError>),
    Observed(Snapshot),
}

/// The dynamic supervisor's own messages. Not for use outside the runtime.
#[doc(hidden)]
#[derive(Debug)]
pub enum Retry {
    TryAgain(u64),
}

impl GenServer for DynamicSupervisor {
    type Arg = Options;
    type Call = Request;
    type Reply = Response;
    type Cast = std::convert::Infallible;
    type Info = Retry;
    type Continue = std::convert::Infallible;

    async fn init(opts: Options) -> Init<Self> {
        process::trap_exit(true);
        Init::Ok(DynamicSupervisor {
            max_children: opts.max_children,
            intensity: Intensity::new(opts.max_restarts, Duration::from_secs(opts.max_seconds)),
            extra: opts.extra,
            children: BTreeMap::new(),
            restarts: 0,
        })
    }

    async fn handle_call(&mut self, msg: Request, _from: &Caller<Response>) -> CallResult<Self> {
        let reply = match msg {
            Request::WhichChildren => Response::Children(
                self.children
                    .values()
                    .map(|c| ChildInfo {
                        id: None,
                        pid: c.pid.clone(),
                        kind: c.spec.kind,
                        modules: c.spec.modules.clone(),
                    })
                    .collect(),
            ),
            Request::CountChildren => {
                let supervisors = self
                    .children
                    .values()
                    .filter(|c| c.spec.kind == ChildType::Supervisor)
                    .count();
                Response::Counts(Counts {
                    specs: self.children.len(),
                    active: self
                        .children
                        .values()
                        .filter(|c| c.pid.pid().is_some_and(Pid::is_alive))
                        .count(),
                    supervisors,
                    workers: self.children.len() - supervisors,
                })
            }
            Request::StartChild(spec) => Response::Started(self.start_child(spec).await),
            Request::TerminateChild(pid) => Response::Done(self.terminate_child(&pid).await),
            Request::Observe => Response::Observed(self.snapshot()),
        };
        CallResult::Reply(reply)
    }

    async fn handle_info(&mut self, msg: Info<Retry>) -> CastResult<Self> {
        match msg {
            Info::Exit { from, reason } => {
                let Some(child) = self.children.remove(&from.id()) else {
                    return CastResult::NoReply;
                };
                match after_exit(child.spec.restart, &reason) {
                    AfterExit::Remove | AfterExit::KeepStopped => CastResult::NoReply,
                    AfterExit::Restart => self.restart(from.id(), child).await,
                }
            }
            Info::Msg(Retry::TryAgain(key)) => match self.children.remove(&key) {
                Some(child) if child.pid == ChildPid::Restarting => self.restart(key, child).await,
                Some(child) => {
                    self.children.insert(key, child);
                    CastResult::NoReply
                }
                None => CastResult::NoReply,
            },
            Info::Down(_) | Info::NodeDown(_) | Info::Timeout => CastResult::NoReply,
        }
    }

    async fn terminate(&mut self, _reason: &ExitReason) {
        let children = std::mem::take(&mut self.children);
        shutdown_all(children.into_values().collect()).await;
    }

    fn module() -> &'static str {
        "DynamicSupervisor"
    }
}

impl DynamicSupervisor {
    async fn start_child(&mut self, spec: ChildSpec) -> Result<Pid, SupervisorError> {
        if self
            .max_children
            .is_some_and(|max| self.children.len() >= max)
        {
            return Err(SupervisorError::MaxChildren);
        }
        match spec.start(&self.extra).await {
            Ok(pid) => {
                self.children.insert(
                    pid.id(),
                    DynChild {
                        spec,
                        pid: ChildPid::Pid(pid.clone()),
                        restarts: 0,
                    },
                );
                Ok(pid)
            }
            Err(StartError::AlreadyStarted(pid)) => Err(SupervisorError::AlreadyStarted(pid)),
            Err(e) => Err(SupervisorError::Start(e)),
        }
    }

    fn snapshot(&self) -> Snapshot {
        let (max_restarts, max_seconds, recent_restarts) =
            observe::intensity_numbers(&self.intensity, tokio::time::Instant::now());
        Snapshot {
            strategy: Strategy::OneForOne,
            max_restarts,
            max_seconds,
            max_children: self.max_children,
            restarts: self.restarts,
            recent_restarts,
            children: self
                .children
                .values()
                .map(|c| ChildSnapshot {
                    id: None,
                    pid: c.pid.clone(),
                    kind: c.spec.kind,
                    restart: c.spec.restart,
                    restarts: c.restarts,
                })
                .collect(),
        }
    }

    async fn terminate_child(&mut self, pid: &Pid) -> Result<(), SupervisorError> {
        // Keyed by pid number; the whole pid (node included) must match.
        let key = pid.id();
        let matches = match self.children.get(&key) {
            Some(child) => child.pid.pid().is_none_or(|p| p == pid),
            None => false,
        };
        if !matches {
            return Err(SupervisorError::NotFound);
        }
        let child = self
            .children
            .remove(&key)
            .ok_or(SupervisorError::NotFound)?;
        if let ChildPid::Pid(p) = &child.pid {
            crate::supervisor::shutdown(p, &child.spec).await;
        }
        Ok(())
    }

    async fn restart(&mut self, key: u64, child: DynChild) -> CastResult<Self> {
        if !self.intensity.add(tokio::time::Instant::now()) {
            tracing::debug!(
                target: "otp::sasl",
                "DynamicSupervisor {} caused shutdown\n** (exit) :reached_max_restart_intensity",
                crate::supervisor::supervisor_label()
            );
            return CastResult::Stop(ExitReason::Shutdown);
        }
        self.restarts += 1;
        match child.spec.start(&self.extra).await {
            Ok(pid) => {
                self.children.insert(
                    pid.id(),
                    DynChild {
                        spec: child.spec,
                        pid: ChildPid::Pid(pid),
                        restarts: child.restarts + 1,
                    },
                );
            }
            Err(StartError::Ignore) => {}
            Err(_) => {
                self.children.insert(
                    key,
                    DynChild {
                        spec: child.spec,
                        pid: ChildPid::Restarting,
                        restarts: child.restarts,
                    },
                );
                gen_server::send(
                    gen_server::self_ref::<DynamicSupervisor>(),
                    Retry::TryAgain(key),
                );
            }
        }
        CastResult::NoReply
    }
}

/// Stops all children at once: every one gets its signal first, then the supervisor waits for
/// them together, each against its own deadline. Linear in the number of children.
async fn shutdown_all(children: Vec<DynChild>) {
    let started = tokio::time::Instant::now();
    let mut waiting = Vec::with_capacity(children.len());
    for child in children {
        let ChildPid::Pid(pid) = child.pid else {
            continue;
        };
        process::unlink(&pid);
        let signal = match child.spec.shutdown {
            Shutdown::BrutalKill => ExitReason::Kill,
            _ => ExitReason::Shutdown,
        };
        process::exit(&pid, signal);
        waiting.push((pid, child.spec.shutdown));
    }
    for (pid, shutdown) in waiting {
        match shutdown {
            Shutdown::Timeout(ms) => {
                let deadline = started + Duration::from_millis(ms);
                if tokio::time::timeout_at(deadline, pid.wait_exit())
                    .await
                    .is_err()
                {
                    process::exit(&pid, ExitReason::Kill);
                    pid.wait_exit().await;
                }
            }
            Shutdown::BrutalKill | Shutdown::Infinity => {
                pid.wait_exit().await;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The API

/// `DynamicSupervisor.start_link/1`: starts a dynamic supervisor linked to the calling process,
/// with no children.
///
/// ```
/// use otp_core::dynamic_supervisor::{self, Options};
/// use otp_core::{Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         // Elixir: {:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one)
///         let sup = dynamic_supervisor::start_link(Options::new()).await.unwrap();
///         assert!(process::is_linked(&process::self_pid(), &sup.pid()));
///         assert_eq!(dynamic_supervisor::which_children(&sup).await, Ok(vec![]));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// Outside a process.
pub async fn start_link(opts: Options) -> Result<DynamicSupervisorRef, StartError> {
    let mut gs_opts = gen_server::Options::new();
    if let Some(name) = &opts.name {
        gs_opts = gs_opts.name(name.clone());
    }
    gen_server::start_link::<DynamicSupervisor>(opts, gs_opts).await
}

/// A child spec for a dynamic supervisor started with `opts`: type supervisor, shutdown
/// infinity, as a dynamic supervisor in an application's supervision tree usually is.
///
/// ```
/// use otp_core::dynamic_supervisor;
/// use otp_core::supervisor::{self, ChildSpec};
/// use otp_core::{Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         // Elixir: children = [{DynamicSupervisor, strategy: :one_for_one, name: Rooms}]
///         let rooms = dynamic_supervisor::Options::new().name("Rooms");
///         let children = vec![dynamic_supervisor::child_spec("Rooms", rooms)];
///         let sup = supervisor::start_link(children, supervisor::Options::new()).await.unwrap();
///         assert_eq!(
///             format!("{:?}", supervisor::which_children(&sup).await.unwrap()),
///             "[{Rooms, #PID<0.102.0>, :supervisor, [DynamicSupervisor]}]"
///         );
///         let room = ChildSpec::new("room", || async {
///             Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///         });
///         dynamic_supervisor::start_child("Rooms", room).await.unwrap();
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn child_spec(id: impl Into<Atom>, opts: Options) -> ChildSpec {
    ChildSpec::new(id, move || {
        let opts = opts.clone();
        async move { start_link(opts).await.map(|s| s.pid()) }
    })
    .kind(ChildType::Supervisor)
    .modules(["DynamicSupervisor"])
}

/// Asks a dynamic supervisor for its snapshot, for [`crate::observer`].
pub(crate) async fn snapshot(
    sup: impl ToServer<DynamicSupervisor>,
) -> Result<Snapshot, SupervisorError> {
    let timeout = Timeout::After(Duration::from_millis(observe::OBSERVE_TIMEOUT_MS));
    match gen_server::call_timeout(sup, Request::Observe, timeout).await? {
        Response::Observed(s) => Ok(s),
        _ => unreachable!("the dynamic supervisor answers an observer with a snapshot"),
    }
}

async fn request(
    sup: impl ToServer<DynamicSupervisor>,
    req: Request,
) -> Result<Response, SupervisorError> {
    Ok(gen_server::call_timeout(sup, req, Timeout::Infinity).await?)
}

/// `DynamicSupervisor.start_child/2`: starts a child. `MaxChildren` if the supervisor is full
/// (children being restarted count), `Start(StartError::Ignore)` if the start was ignored
/// (Elixir's `:ignore`; nothing is kept), `AlreadyStarted(pid)` or `Start(e)` if it failed.
///
/// ```
/// use otp_core::dynamic_supervisor::{self, Options};
/// use otp_core::gen_server::StartError;
/// use otp_core::supervisor::{ChildSpec, SupervisorError};
/// use otp_core::{Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let sup = dynamic_supervisor::start_link(Options::new()).await.unwrap();
///         let room = ChildSpec::new("room", || async {
///             Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///         });
///         // Elixir: {:ok, pid} = DynamicSupervisor.start_child(sup, spec)
///         let pid = dynamic_supervisor::start_child(&sup, room).await.unwrap();
///         assert!(pid.is_alive());
///         // Elixir: :ignore
///         let nothing = ChildSpec::new("nothing", || async { Err(StartError::Ignore) });
///         let ignored = dynamic_supervisor::start_child(&sup, nothing).await;
///         assert_eq!(ignored, Err(SupervisorError::Start(StartError::Ignore)));
///         assert_eq!(dynamic_supervisor::count_children(&sup).await.unwrap().specs, 1);
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn start_child(
    sup: impl ToServer<DynamicSupervisor>,
    spec: ChildSpec,
) -> Result<Pid, SupervisorError> {
    match request(sup, Request::StartChild(spec)).await? {
        Response::Started(r) => r,
        _ => unreachable!("the dynamic supervisor answers start_child with a start result"),
    }
}

/// `DynamicSupervisor.terminate_child/2`: stops a child by pid and forgets it. `NotFound` if
/// the pid is not one of its children.
///
/// ```
/// use otp_core::dynamic_supervisor::{self, Options};
/// use otp_core::supervisor::{ChildSpec, SupervisorError};
/// use otp_core::{ExitReason, Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let sup = dynamic_supervisor::start_link(Options::new()).await.unwrap();
///         let room = ChildSpec::new("room", || async {
///             Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///         });
///         let pid = dynamic_supervisor::start_child(&sup, room).await.unwrap();
///         // Elixir: DynamicSupervisor.terminate_child(sup, pid)
///         assert_eq!(dynamic_supervisor::terminate_child(&sup, &pid).await, Ok(()));
///         assert_eq!(pid.exit_reason(), Some(ExitReason::Shutdown));
///         // Elixir: {:error, :not_found}
///         let again = dynamic_supervisor::terminate_child(&sup, &pid).await;
///         assert_eq!(again, Err(SupervisorError::NotFound));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn terminate_child(
    sup: impl ToServer<DynamicSupervisor>,
    pid: &Pid,
) -> Result<(), SupervisorError> {
    match request(sup, Request::TerminateChild(pid.clone())).await? {
        Response::Done(r) => r,
        _ => unreachable!("the dynamic supervisor answers terminate_child with a result"),
    }
}

/// `DynamicSupervisor.which_children/1`: `{:undefined, pid, type, modules}` for every child,
/// in start order.
///
/// ```
/// use otp_core::dynamic_supervisor::{self, Options};
/// use otp_core::supervisor::ChildSpec;
/// use otp_core::{Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
/// .run(async {
///     let sup = dynamic_supervisor::start_link(Options::new()).await.unwrap();
///     let room = || {
///         ChildSpec::new("room", || async {
///             Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///         })
///         .modules(["Room"])
///     };
///     dynamic_supervisor::start_child(&sup, room()).await.unwrap();
///     dynamic_supervisor::start_child(&sup, room()).await.unwrap();
///     // Elixir: DynamicSupervisor.which_children(sup)
///     let children = dynamic_supervisor::which_children(&sup).await.unwrap();
///     assert_eq!(
///         format!("{children:?}"),
///         "[{:undefined, #PID<0.102.0>, :worker, [Room]}, {:undefined, #PID<0.103.0>, :worker, [Room]}]"
///     );
/// })
/// .await
/// .unwrap();
/// # });
/// ```
pub async fn which_children(
    sup: impl ToServer<DynamicSupervisor>,
) -> Result<Vec<ChildInfo>, SupervisorError> {
    match request(sup, Request::WhichChildren).await? {
        Response::Children(c) => Ok(c),
        _ => unreachable!("the dynamic supervisor answers which_children with its children"),
    }
}

/// `DynamicSupervisor.count_children/1`.
///
/// ```
/// use otp_core::dynamic_supervisor::{self, Options};
/// use otp_core::supervisor::ChildSpec;
/// use otp_core::{Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let sup = dynamic_supervisor::start_link(Options::new()).await.unwrap();
///         let room = ChildSpec::new("room", || async {
///             Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///         });
///         dynamic_supervisor::start_child(&sup, room).await.unwrap();
///         // Elixir: DynamicSupervisor.count_children(sup)
///         let counts = dynamic_supervisor::count_children(&sup).await.unwrap();
///         assert_eq!(format!("{counts:?}"), "%{active: 1, specs: 1, supervisors: 0, workers: 1}");
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn count_children(
    sup: impl ToServer<DynamicSupervisor>,
) -> Result<Counts, SupervisorError> {
    match request(sup, Request::CountChildren).await? {
        Response::Counts(c) => Ok(c),
        _ => unreachable!("the dynamic supervisor answers count_children with counts"),
    }
}

/// `DynamicSupervisor.stop/3`: stops every child at once, then the supervisor.
///
/// ```
/// use otp_core::dynamic_supervisor::{self, Options};
/// use otp_core::supervisor::ChildSpec;
/// use otp_core::{ExitReason, Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let sup = dynamic_supervisor::start_link(Options::new()).await.unwrap();
///         let room = || {
///             ChildSpec::new("room", || async {
///                 Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///             })
///         };
///         let a = dynamic_supervisor::start_child(&sup, room()).await.unwrap();
///         let b = dynamic_supervisor::start_child(&sup, room()).await.unwrap();
///         // Elixir: DynamicSupervisor.stop(sup)
///         assert_eq!(dynamic_supervisor::stop(&sup, ExitReason::Normal, 5000).await, Ok(()));
///         assert_eq!(a.exit_reason(), Some(ExitReason::Shutdown));
///         assert_eq!(b.exit_reason(), Some(ExitReason::Shutdown));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn stop(
    sup: impl ToServer<DynamicSupervisor>,
    reason: ExitReason,
    timeout: impl Into<Timeout>,
) -> Result<(), StopError> {
    gen_server::stop(sup, reason, timeout).await
}
