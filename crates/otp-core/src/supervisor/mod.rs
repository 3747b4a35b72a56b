//! Supervisor: starts children in order, restarts them by strategy, gives up past the restart
//! intensity, and stops them in reverse order.
//!
//! | Elixir                                      | Rust                                            |
//! |---------------------------------------------|-------------------------------------------------|
//! | `Supervisor.start_link(children, opts)`     | [`start_link`]`(children, Options::new()...)`    |
//! | `strategy: :one_for_all`                    | `Options::new().strategy(Strategy::OneForAll)`  |
//! | `max_restarts: 3, max_seconds: 5`           | `.max_restarts(3).max_seconds(5)` (the defaults)|
//! | `name: SuperDuper.Supervisor`               | `.name("SuperDuper.Supervisor")`                |
//! | `%{id: x, start: {M, :start_link, [a]}}`    | [`ChildSpec::new`]`("x", \|\| ...)`              |
//! | `restart: :transient`, `shutdown: 1000`     | `.restart(Restart::Transient).shutdown(Shutdown::Timeout(1000))` |
//! | `M.child_spec(arg)` (from `use GenServer`)  | [`GenServer::child_spec`]`(arg)`                |
//! | `Supervisor.which_children(sup)`            | [`which_children`]`(sup)`                        |
//! | `Supervisor.count_children(sup)`            | [`count_children`]`(sup)`                        |
//! | `Supervisor.start_child(sup, spec)`         | [`start_child`]`(sup, spec)`                     |
//! | `Supervisor.terminate_child(sup, id)`       | [`terminate_child`]`(sup, id)`                   |
//! | `Supervisor.restart_child(sup, id)`         | [`restart_child`]`(sup, id)`                     |
//! | `Supervisor.delete_child(sup, id)`          | [`delete_child`]`(sup, id)`                      |
//! | `Supervisor.stop(sup, reason, timeout)`     | [`stop`]`(sup, reason, timeout)`                 |
//!
//! The supervisor is a GenServer that traps exits. It starts its children one at a time, in
//! order, each start finishing before the next begins; if one fails, those already started are
//! stopped in reverse order and `start_link` returns [`StartError::ChildFailed`] naming it.
//! When a child exits, [`core::after_exit`] decides its fate and [`core::plan`] which children
//! a restart touches; more than `max_restarts` restarts within `max_seconds` and the supervisor
//! stops all its children and exits with `:shutdown`, leaving the decision to its own
//! supervisor. Stopping a child means a `:shutdown` exit signal, then a kill once its shutdown
//! time is up (`brutal_kill` kills at once): `terminate` runs only in children that trap exits,
//! as on the BEAM.
//!
//! Supervisor reports (child terminated, restarting, shut down after too many restarts) go to
//! `tracing` at `DEBUG` under `otp::sasl`, quiet by default as Elixir's SASL reports are.
//!
//! ```
//! use otp_core::supervisor::{self, ChildSpec, Options, Strategy};
//! use otp_core::{Mailbox, Node, process};
//!
//! fn worker(name: &'static str) -> ChildSpec {
//!     ChildSpec::new(name, move || async move {
//!         let pid = process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid();
//!         process::register(name, pid.clone()).unwrap();
//!         Ok(pid)
//!     })
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! Node::new().run(async {
//!     let sup = supervisor::start_link(
//!         vec![worker("a"), worker("b")],
//!         Options::new().strategy(Strategy::OneForOne),
//!     )
//!     .await
//!     .unwrap();
//!     let before = process::whereis(&"a".into()).unwrap();
//!     process::exit(&before, otp_core::ExitReason::Kill);
//!     before.wait_exit().await;
//!     // The supervisor noticed and started a new `a`.
//!     let children = supervisor::which_children(&sup).await.unwrap();
//!     assert_eq!(children.len(), 2);
//!     assert_eq!(supervisor::count_children(&sup).await.unwrap().active, 2);
//! }).await.unwrap();
//! # });
//! ```

pub mod core;
pub(crate) mod observe;

use std::fmt;
use std::time::Duration;

use tokio::sync::oneshot;

pub use self::core::Strategy;
use self::core::{AfterExit, Intensity, after_exit, duplicate_id, plan};
use self::observe::{ChildSnapshot, OBSERVE_TIMEOUT_MS, Snapshot, intensity_numbers};

pub use crate::child_spec::{
    ChildPid, ChildSpec, ChildType, Extra, Restart, Shutdown, StartFuture,
};
use crate::exit::{Atom, ExitReason};
use crate::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Info, Init, ServerRef, StartError,
    StopError, ToServer,
};
use crate::name::Name;
use crate::pid::Pid;
use crate::process::{self, Timeout};

/// A running supervisor.
pub type SupervisorRef = ServerRef<Supervisor>;

/// Options of [`start_link`] (Elixir's keyword list).
#[derive(Clone, Debug)]
pub struct Options {
    strategy: Strategy,
    max_restarts: u32,
    max_seconds: u64,
    name: Option<Name>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            strategy: Strategy::OneForOne,
            max_restarts: 3,
            max_seconds: 5,
            name: None,
        }
    }
}

impl Options {
    /// `strategy: :one_for_one, max_restarts: 3, max_seconds: 5`, no name.
    ///
    /// ```
    /// use otp_core::supervisor::Options;
    ///
    /// // Elixir: strategy: :one_for_one, max_restarts: 3, max_seconds: 5
    /// assert_eq!(
    ///     format!("{:?}", Options::new()),
    ///     "Options { strategy: OneForOne, max_restarts: 3, max_seconds: 5, name: None }"
    /// );
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The restart strategy.
    ///
    /// ```
    /// use otp_core::supervisor::{self, ChildSpec, Options, Strategy};
    /// use otp_core::{ExitReason, Mailbox, Node, Pid, process};
    ///
    /// fn worker(id: &'static str) -> ChildSpec {
    ///     ChildSpec::new(id, || async {
    ///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    ///     })
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: Supervisor.start_link(children, strategy: :one_for_all)
    ///         let opts = Options::new().strategy(Strategy::OneForAll);
    ///         let sup = supervisor::start_link(vec![worker("a"), worker("b")], opts).await.unwrap();
    ///         let pids = || async {
    ///             let children = supervisor::which_children(&sup).await.unwrap();
    ///             children.iter().filter_map(|c| c.pid.pid().cloned()).collect::<Vec<Pid>>()
    ///         };
    ///         let before = pids().await;
    ///         process::exit(&before[0], ExitReason::Kill);
    ///         before[0].wait_exit().await;
    ///         // One child died; both were started again.
    ///         let after = pids().await;
    ///         assert!(after.iter().all(|pid| !before.contains(pid)));
    ///         assert_eq!(after.len(), 2);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// At most this many restarts within `max_seconds` (3 by default).
    ///
    /// ```
    /// use otp_core::supervisor::{self, ChildSpec, Options};
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// fn worker(id: &'static str) -> ChildSpec {
    ///     ChildSpec::new(id, || async {
    ///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    ///     })
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // The supervisor's exit must not take this process down with it.
    ///         process::trap_exit(true);
    ///         // Elixir: Supervisor.start_link(children, strategy: :one_for_one, max_restarts: 1)
    ///         let sup = supervisor::start_link(vec![worker("a")], Options::new().max_restarts(1))
    ///             .await
    ///             .unwrap();
    ///         for _ in 0..2 {
    ///             let children = supervisor::which_children(&sup).await.unwrap();
    ///             let child = children[0].pid.pid().unwrap().clone();
    ///             process::exit(&child, ExitReason::Kill);
    ///             child.wait_exit().await;
    ///         }
    ///         // A second restart within 5 seconds: the supervisor gives up.
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
    /// use otp_core::supervisor::{self, ChildSpec, Options};
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// fn worker(id: &'static str) -> ChildSpec {
    ///     ChildSpec::new(id, || async {
    ///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    ///     })
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: max_restarts: 1, max_seconds: 1
    ///         let opts = Options::new().max_restarts(1).max_seconds(1);
    ///         let sup = supervisor::start_link(vec![worker("a")], opts).await.unwrap();
    ///         for _ in 0..3 {
    ///             let children = supervisor::which_children(&sup).await.unwrap();
    ///             let child = children[0].pid.pid().unwrap().clone();
    ///             process::exit(&child, ExitReason::Kill);
    ///             child.wait_exit().await;
    ///             // Two seconds apart, no two restarts share a one-second window.
    ///             process::sleep(2000).await;
    ///         }
    ///         assert!(sup.is_alive());
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn max_seconds(mut self, s: u64) -> Self {
        self.max_seconds = s;
        self
    }

    /// Registers the supervisor under a name.
    ///
    /// ```
    /// use otp_core::supervisor::{self, Options};
    /// use otp_core::{Name, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: Supervisor.start_link([], name: MyApp.Supervisor)
    ///         let sup = supervisor::start_link(vec![], Options::new().name("MyApp.Supervisor"))
    ///             .await
    ///             .unwrap();
    ///         assert_eq!(process::whereis(&Name::local("MyApp.Supervisor")), Some(sup.pid()));
    ///         // The name works wherever the supervisor is expected.
    ///         assert_eq!(supervisor::which_children("MyApp.Supervisor").await, Ok(vec![]));
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

/// One entry of [`which_children`]: `{id, pid, type, modules}`.
#[derive(Clone, PartialEq, Eq)]
pub struct ChildInfo {
    /// The child's id (`:undefined` for a dynamic supervisor's children).
    pub id: Option<Atom>,
    /// Its pid, `:undefined` or `:restarting`.
    pub pid: ChildPid,
    /// Worker or supervisor.
    pub kind: ChildType,
    /// Its modules.
    pub modules: Vec<&'static str>,
}

impl fmt::Debug for ChildInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = match &self.id {
            Some(id) => id.to_string(),
            None => ":undefined".to_string(),
        };
        write!(
            f,
            "{{{id}, {:?}, {}, [{}]}}",
            self.pid,
            self.kind,
            self.modules.join(", ")
        )
    }
}

/// What [`count_children`] reports: `%{specs, active, supervisors, workers}`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Child specs held.
    pub specs: usize,
    /// Children running.
    pub active: usize,
    /// Specs of supervisor children.
    pub supervisors: usize,
    /// Specs of worker children.
    pub workers: usize,
}

impl fmt::Debug for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "%{{active: {}, specs: {}, supervisors: {}, workers: {}}}",
            self.active, self.specs, self.supervisors, self.workers
        )
    }
}

/// The errors of the supervisor API, one per OTP return value.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SupervisorError {
    /// No child has that id: `{:error, :not_found}`.
    #[error("not found")]
    NotFound,
    /// The child is running: `{:error, :running}`.
    #[error("the child is running")]
    Running,
    /// The child's restart is pending: `{:error, :restarting}`.
    #[error("the child is restarting")]
    Restarting,
    /// A child with that id is running: `{:error, {:already_started, pid}}`.
    #[error("already started: {0}")]
    AlreadyStarted(Pid),
    /// A child with that id exists but is not running: `{:error, :already_present}`.
    #[error("already present")]
    AlreadyPresent,
    /// Too many children (a dynamic supervisor's `max_children`): `{:error, :max_children}`.
    #[error("max children reached")]
    MaxChildren,
    /// The child's start function failed (`Start(StartError::Ignore)` is `:ignore`).
    #[error("the child did not start: {0}")]
    Start(StartError),
    /// The supervisor could not be reached.
    #[error("the supervisor could not be reached: {0}")]
    Call(CallError),
}

impl From<CallError> for SupervisorError {
    fn from(e: CallError) -> Self {
        SupervisorError::Call(e)
    }
}

// ---------------------------------------------------------------------------------------------
// The supervisor process

/// The supervisor's state: a GenServer that traps exits. Use [`start_link`] and the functions
/// of this module rather than its messages.
pub struct Supervisor {
    strategy: Strategy,
    intensity: Intensity,
    children: Vec<Child>,
    /// Restarts since it started, for observers.
    restarts: u64,
}

struct Child {
    spec: ChildSpec,
    pid: ChildPid,
    /// How many times this child was restarted, for observers.
    restarts: u64,
}

impl fmt::Debug for Supervisor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<String> = self
            .children
            .iter()
            .map(|c| c.spec.id.to_string())
            .collect();
        write!(
            f,
            "Supervisor({:?}, children: [{}])",
            self.strategy,
            ids.join(", ")
        )
    }
}

/// Requests to a supervisor. Not for use outside the runtime: call the module's functions.
#[doc(hidden)]
pub enum Request {
    WhichChildren,
    CountChildren,
    StartChild(ChildSpec),
    TerminateChild(Atom),
    RestartChild(Atom),
    DeleteChild(Atom),
    Observe,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Request::WhichChildren => f.write_str(":which_children"),
            Request::CountChildren => f.write_str(":count_children"),
            Request::StartChild(spec) => write!(f, "{{:start_child, {spec:?}}}"),
            Request::TerminateChild(id) => write!(f, "{{:terminate_child, {id}}}"),
            Request::RestartChild(id) => write!(f, "{{:restart_child, {id}}}"),
            Request::DeleteChild(id) => write!(f, "{{:delete_child, {id}}}"),
            Request::Observe => f.write_str(":observe"),
        }
    }
}

/// Replies of a supervisor. Not for use outside the runtime.
#[doc(hidden)]
pub enum Response {
    Children(Vec<ChildInfo>),
    Counts(Counts),
    Started(Result<Pid, SupervisorError>),
    Done(Result<(), SupervisorError>),
    Observed(observe::Snapshot),
}

/// The supervisor's own messages. Not for use outside the runtime.
#[doc(hidden)]
#[derive(Debug)]
pub enum Retry {
    TryAgain(Atom),
}

/// What `init` receives. Not for use outside the runtime.
#[doc(hidden)]
pub struct Args {
    children: Vec<ChildSpec>,
    opts: Options,
    error: Option<oneshot::Sender<StartError>>,
}

impl GenServer for Supervisor {
    type Arg = Args;
    type Call = Request;
    type Reply = Response;
    type Cast = std::convert::Infallible;
    type Info = Retry;
    type Continue = std::convert::Infallible;

    async fn init(args: Args) -> Init<Self> {
        process::trap_exit(true);
        let mut sup = Supervisor {
            strategy: args.opts.strategy,
            intensity: Intensity::new(
                args.opts.max_restarts,
                Duration::from_secs(args.opts.max_seconds),
            ),
            children: Vec::with_capacity(args.children.len()),
            restarts: 0,
        };
        for spec in args.children {
            match start_child_process(&spec).await {
                Ok(pid) => sup.children.push(Child {
                    spec,
                    pid: ChildPid::Pid(pid),
                    restarts: 0,
                }),
                Err(StartError::Ignore) if spec.restart == Restart::Temporary => {}
                Err(StartError::Ignore) => sup.children.push(Child {
                    spec,
                    pid: ChildPid::Undefined,
                    restarts: 0,
                }),
                Err(e) => {
                    report_start_error(&spec, &e);
                    sup.stop_all().await;
                    let reason = ExitReason::shutdown_with("failed_to_start_child");
                    if let Some(tx) = args.error {
                        let _ = tx.send(StartError::ChildFailed {
                            id: spec.id.clone(),
                            reason: Box::new(e),
                        });
                    }
                    return Init::Stop(reason);
                }
            }
        }
        Init::Ok(sup)
    }

    async fn handle_call(&mut self, msg: Request, _from: &Caller<Response>) -> CallResult<Self> {
        let reply = match msg {
            Request::WhichChildren => Response::Children(self.which_children()),
            Request::CountChildren => Response::Counts(self.count_children()),
            Request::StartChild(spec) => Response::Started(self.start_new_child(spec).await),
            Request::TerminateChild(id) => Response::Done(self.terminate_child(&id).await),
            Request::RestartChild(id) => Response::Started(self.restart_child(&id).await),
            Request::DeleteChild(id) => Response::Done(self.delete_child(&id)),
            Request::Observe => Response::Observed(self.snapshot()),
        };
        CallResult::Reply(reply)
    }

    async fn handle_info(&mut self, msg: Info<Retry>) -> CastResult<Self> {
        match msg {
            Info::Exit { from, reason } => match self.find_pid(&from) {
                Some(i) => self.child_exited(i, reason).await,
                // Not a child (any more): an exit from a child already stopped, or a stray link.
                None => CastResult::NoReply,
            },
            Info::Msg(Retry::TryAgain(id)) => match self.find_id(&id) {
                Some(i) if self.children[i].pid == ChildPid::Restarting => self.restart(i).await,
                _ => CastResult::NoReply,
            },
            Info::Down(_) | Info::NodeDown(_) | Info::Timeout => CastResult::NoReply,
        }
    }

    async fn terminate(&mut self, _reason: &ExitReason) {
        self.stop_all().await;
    }

    fn module() -> &'static str {
        "Supervisor"
    }
}

impl Supervisor {
    fn find_pid(&self, pid: &Pid) -> Option<usize> {
        self.children
            .iter()
            .position(|c| c.pid.pid().is_some_and(|p| p == pid))
    }

    fn find_id(&self, id: &Atom) -> Option<usize> {
        self.children.iter().position(|c| &c.spec.id == id)
    }

    fn which_children(&self) -> Vec<ChildInfo> {
        self.children
            .iter()
            .rev()
            .map(|c| ChildInfo {
                id: Some(c.spec.id.clone()),
                pid: c.pid.clone(),
                kind: c.spec.kind,
                modules: c.spec.modules.clone(),
            })
            .collect()
    }

    fn count_children(&self) -> Counts {
        let supervisors = self
            .children
            .iter()
            .filter(|c| c.spec.kind == ChildType::Supervisor)
            .count();
        Counts {
            specs: self.children.len(),
            active: self
                .children
                .iter()
                .filter(|c| c.pid.pid().is_some_and(Pid::is_alive))
                .count(),
            supervisors,
            workers: self.children.len() - supervisors,
        }
    }

    async fn start_new_child(&mut self, spec: ChildSpec) -> Result<Pid, SupervisorError> {
        if let Some(i) = self.find_id(&spec.id) {
            return Err(match &self.children[i].pid {
                ChildPid::Pid(p) => SupervisorError::AlreadyStarted(p.clone()),
                _ => SupervisorError::AlreadyPresent,
            });
        }
        match start_child_process(&spec).await {
            Ok(pid) => {
                self.children.push(Child {
                    spec,
                    pid: ChildPid::Pid(pid.clone()),
                    restarts: 0,
                });
                Ok(pid)
            }
            Err(StartError::Ignore) => {
                if spec.restart != Restart::Temporary {
                    self.children.push(Child {
                        spec,
                        pid: ChildPid::Undefined,
                        restarts: 0,
                    });
                }
                Err(SupervisorError::Start(StartError::Ignore))
            }
            Err(StartError::AlreadyStarted(pid)) => Err(SupervisorError::AlreadyStarted(pid)),
            Err(e) => Err(SupervisorError::Start(e)),
        }
    }

    async fn terminate_child(&mut self, id: &Atom) -> Result<(), SupervisorError> {
        let i = self.find_id(id).ok_or(SupervisorError::NotFound)?;
        if let ChildPid::Pid(pid) = &self.children[i].pid {
            shutdown(pid, &self.children[i].spec).await;
        }
        if self.children[i].spec.restart == Restart::Temporary {
            self.children.remove(i);
        } else {
            self.children[i].pid = ChildPid::Undefined;
        }
        Ok(())
    }

    async fn restart_child(&mut self, id: &Atom) -> Result<Pid, SupervisorError> {
        let i = self.find_id(id).ok_or(SupervisorError::NotFound)?;
        match &self.children[i].pid {
            ChildPid::Pid(_) => Err(SupervisorError::Running),
            ChildPid::Restarting => Err(SupervisorError::Restarting),
            ChildPid::Undefined => match start_child_process(&self.children[i].spec).await {
                Ok(pid) => {
                    self.children[i].pid = ChildPid::Pid(pid.clone());
                    Ok(pid)
                }
                Err(e) => Err(SupervisorError::Start(e)),
            },
        }
    }

    fn delete_child(&mut self, id: &Atom) -> Result<(), SupervisorError> {
        let i = self.find_id(id).ok_or(SupervisorError::NotFound)?;
        match self.children[i].pid {
            ChildPid::Pid(_) => Err(SupervisorError::Running),
            ChildPid::Restarting => Err(SupervisorError::Restarting),
            ChildPid::Undefined => {
                self.children.remove(i);
                Ok(())
            }
        }
    }

    /// A child exited on its own: decide, by its restart type and the reason, what follows.
    async fn child_exited(&mut self, i: usize, reason: ExitReason) -> CastResult<Self> {
        let restart = self.children[i].spec.restart;
        if !reason.is_clean() || restart == Restart::Permanent {
            report(&self.children[i].spec, "child_terminated", &reason);
        }
        match after_exit(restart, &reason) {
            AfterExit::Remove => {
                self.children.remove(i);
                CastResult::NoReply
            }
            AfterExit::KeepStopped => {
                self.children[i].pid = ChildPid::Undefined;
                CastResult::NoReply
            }
            AfterExit::Restart => {
                self.children[i].pid = ChildPid::Undefined;
                self.restart(i).await
            }
        }
    }

    /// Restarts child `i` by the strategy, within the restart intensity.
    async fn restart(&mut self, i: usize) -> CastResult<Self> {
        if !self.intensity.add(tokio::time::Instant::now()) {
            let spec = &self.children[i].spec;
            report(
                spec,
                "shutdown",
                &ExitReason::custom("reached_max_restart_intensity"),
            );
            if spec.restart == Restart::Temporary {
                self.children.remove(i);
            }
            return CastResult::Stop(ExitReason::Shutdown);
        }
        self.restarts += 1;
        let restarts: Vec<Restart> = self.children.iter().map(|c| c.spec.restart).collect();
        let plan = plan(self.strategy, &restarts, i);
        for &j in &plan.stop {
            if let ChildPid::Pid(pid) = &self.children[j].pid {
                shutdown(pid, &self.children[j].spec).await;
            }
            self.children[j].pid = ChildPid::Undefined;
        }
        // Start the group in start order; ids are stable across the removal below.
        let to_start: Vec<Atom> = plan
            .start
            .iter()
            .map(|&j| self.children[j].spec.id.clone())
            .collect();
        let mut position = 0;
        self.children.retain(|_| {
            let keep = !plan.remove.contains(&position);
            position += 1;
            keep
        });
        for id in to_start {
            let Some(j) = self.find_id(&id) else { continue };
            match start_child_process(&self.children[j].spec).await {
                Ok(pid) => {
                    self.children[j].pid = ChildPid::Pid(pid);
                    self.children[j].restarts += 1;
                }
                Err(StartError::Ignore) => self.children[j].pid = ChildPid::Undefined,
                Err(e) => {
                    report_start_error(&self.children[j].spec, &e);
                    self.children[j].pid = ChildPid::Restarting;
                    // Leave the mailbox a chance (a stop request, say) before trying again.
                    gen_server::send(gen_server::self_ref::<Supervisor>(), Retry::TryAgain(id));
                    break;
                }
            }
        }
        CastResult::NoReply
    }

    /// Stops every running child, one at a time, in reverse start order.
    async fn stop_all(&mut self) {
        for child in self.children.iter_mut().rev() {
            if let ChildPid::Pid(pid) = &child.pid {
                shutdown(pid, &child.spec).await;
                child.pid = ChildPid::Undefined;
            }
        }
    }
}

/// Calls a child's start function (in the supervisor's process, so `start_link` links to it).
async fn start_child_process(spec: &ChildSpec) -> Result<Pid, StartError> {
    let result = spec.start(&None).await;
    if let Ok(pid) = &result {
        tracing::debug!(
            target: "otp::sasl::progress",
            "Child {} of Supervisor {} started\nPid: {pid}\nRestart: {}\nShutdown: {}\nType: {}",
            spec.id,
            supervisor_label(),
            spec.restart,
            spec.shutdown,
            spec.kind
        );
    }
    result
}

/// Stops a child: a `:shutdown` exit signal, then a kill once its shutdown time is up
/// (`brutal_kill` kills at once). Returns its exit reason.
pub(crate) async fn shutdown(pid: &Pid, spec: &ChildSpec) -> ExitReason {
    shutdown_with(pid, spec.shutdown).await
}

pub(crate) async fn shutdown_with(pid: &Pid, how: Shutdown) -> ExitReason {
    // Unlinked first, so that the child's exit does not come back as an exit message.
    process::unlink(pid);
    match how {
        Shutdown::BrutalKill => {
            process::exit(pid, ExitReason::Kill);
            pid.wait_exit().await
        }
        Shutdown::Infinity => {
            process::exit(pid, ExitReason::Shutdown);
            pid.wait_exit().await
        }
        Shutdown::Timeout(ms) => {
            process::exit(pid, ExitReason::Shutdown);
            match tokio::time::timeout(Duration::from_millis(ms), pid.wait_exit()).await {
                Ok(reason) => reason,
                Err(_) => {
                    process::exit(pid, ExitReason::Kill);
                    pid.wait_exit().await
                }
            }
        }
    }
}

fn report(spec: &ChildSpec, context: &str, reason: &ExitReason) {
    tracing::debug!(
        target: "otp::sasl",
        "Child {} of Supervisor {} {}\n** (exit) {}\nRestart: {}\nShutdown: {}\nType: {}",
        spec.id,
        supervisor_label(),
        match context {
            "shutdown" => "caused shutdown",
            "child_terminated" => "terminated",
            other => other,
        },
        reason,
        spec.restart,
        spec.shutdown,
        spec.kind
    );
}

fn report_start_error(spec: &ChildSpec, error: &StartError) {
    tracing::debug!(
        target: "otp::sasl",
        "Child {} of Supervisor {} failed to start\n** (exit) {error}",
        spec.id,
        supervisor_label()
    );
}

/// How a supervisor's reports name it: by its registered name if it has one, as OTP's
/// reports do (`SuperDuper.Supervisor`), else by its pid.
pub(crate) fn supervisor_label() -> String {
    let me = process::self_pid();
    crate::process::registered_name(&me).map_or_else(|| me.to_string(), |name| name.to_string())
}

// ---------------------------------------------------------------------------------------------
// The API

/// `Supervisor.start_link/2`: starts a supervisor linked to the calling process, which starts
/// `children` in order.
///
/// Two children with the same id are refused before anything starts, the supervisor included:
/// [`StartError::DuplicateChildName`], Elixir's
/// `{:error, {:start_spec, {:duplicate_child_name, id}}}`.
///
/// ```
/// use otp_core::gen_server::StartError;
/// use otp_core::supervisor::{self, ChildSpec, Options};
/// use otp_core::{ExitReason, Mailbox, Node, process};
///
/// fn worker(id: &'static str) -> ChildSpec {
///     ChildSpec::new(id, || async {
///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///     })
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         // Elixir: {:ok, sup} = Supervisor.start_link(children, strategy: :one_for_one)
///         let sup = supervisor::start_link(vec![worker("a"), worker("b")], Options::new())
///             .await
///             .unwrap();
///         assert_eq!(supervisor::count_children(&sup).await.unwrap().active, 2);
///
///         // A child that cannot start stops those started before it, and the supervisor.
///         let broken = ChildSpec::new("db", || async {
///             Err(StartError::Stop(ExitReason::custom("no_database")))
///         });
///         let failed = supervisor::start_link(vec![worker("c"), broken], Options::new()).await;
///         assert_eq!(
///             failed.unwrap_err(),
///             StartError::ChildFailed {
///                 id: "db".into(),
///                 reason: Box::new(StartError::Stop(ExitReason::custom("no_database"))),
///             }
///         );
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// Outside a process.
pub async fn start_link(
    children: Vec<ChildSpec>,
    opts: Options,
) -> Result<SupervisorRef, StartError> {
    // As OTP's check of the child specs: two children with one id start nothing.
    let ids: Vec<Atom> = children.iter().map(|c| c.id.clone()).collect();
    if let Some(id) = duplicate_id(&ids) {
        return Err(StartError::DuplicateChildName(id));
    }
    let (tx, rx) = oneshot::channel();
    let mut gs_opts = gen_server::Options::new();
    if let Some(name) = &opts.name {
        gs_opts = gs_opts.name(name.clone());
    }
    let args = Args {
        children,
        opts,
        error: Some(tx),
    };
    match gen_server::start_link::<Supervisor>(args, gs_opts).await {
        Ok(sup) => Ok(sup),
        Err(StartError::Stop(reason)) => {
            let mut rx = rx;
            Err(rx.try_recv().unwrap_or(StartError::Stop(reason)))
        }
        Err(e) => Err(e),
    }
}

/// A child spec for a supervisor started with the children `children` returns (called again at
/// each restart, as Elixir's `init/1` is): type supervisor, shutdown infinity.
///
/// ```
/// use otp_core::supervisor::{self, ChildSpec, Options, Strategy};
/// use otp_core::{Mailbox, Node, process};
///
/// fn worker(id: &'static str) -> ChildSpec {
///     ChildSpec::new(id, || async {
///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///     })
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
/// .run(async {
///     // Elixir: children = [Cache, %{id: Workers, type: :supervisor, start: ...}]
///     let workers = supervisor::child_spec(
///         "Workers",
///         Options::new().strategy(Strategy::OneForAll),
///         || vec![worker("a"), worker("b")],
///     );
///     let sup = supervisor::start_link(vec![worker("cache"), workers], Options::new())
///         .await
///         .unwrap();
///     let children = supervisor::which_children(&sup).await.unwrap();
///     assert_eq!(
///         format!("{children:?}"),
///         "[{Workers, #PID<0.103.0>, :supervisor, [Supervisor]}, {:cache, #PID<0.102.0>, :worker, []}]"
///     );
///     let nested = supervisor::which_children(children[0].pid.pid().unwrap().clone()).await;
///     assert_eq!(nested.unwrap().len(), 2);
/// })
/// .await
/// .unwrap();
/// # });
/// ```
pub fn child_spec<F>(id: impl Into<Atom>, opts: Options, children: F) -> ChildSpec
where
    F: Fn() -> Vec<ChildSpec> + Send + Sync + 'static,
{
    ChildSpec::new(id, move || {
        let kids = children();
        let opts = opts.clone();
        async move { start_link(kids, opts).await.map(|s| s.pid()) }
    })
    .kind(ChildType::Supervisor)
    .modules(["Supervisor"])
}

async fn request(
    sup: impl ToServer<Supervisor>,
    req: Request,
) -> Result<Response, SupervisorError> {
    Ok(gen_server::call_timeout(sup, req, Timeout::Infinity).await?)
}

/// `Supervisor.which_children/1`: every child as `{id, pid, type, modules}`, newest first.
///
/// ```
/// use otp_core::supervisor::{self, ChildSpec, Options};
/// use otp_core::{Mailbox, Node, process};
///
/// fn worker(id: &'static str) -> ChildSpec {
///     ChildSpec::new(id, || async {
///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///     })
///     .modules(["Worker"])
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let sup = supervisor::start_link(vec![worker("a"), worker("b")], Options::new())
///             .await
///             .unwrap();
///         // Elixir: Supervisor.which_children(sup)
///         let children = supervisor::which_children(&sup).await.unwrap();
///         assert_eq!(
///             format!("{children:?}"),
///             "[{:b, #PID<0.103.0>, :worker, [Worker]}, {:a, #PID<0.102.0>, :worker, [Worker]}]"
///         );
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn which_children(
    sup: impl ToServer<Supervisor>,
) -> Result<Vec<ChildInfo>, SupervisorError> {
    match request(sup, Request::WhichChildren).await? {
        Response::Children(c) => Ok(c),
        _ => unreachable!("the supervisor answers which_children with its children"),
    }
}

/// `Supervisor.count_children/1`.
///
/// ```
/// use otp_core::supervisor::{self, ChildSpec, Options};
/// use otp_core::{Mailbox, Node, process};
///
/// fn worker(id: &'static str) -> ChildSpec {
///     ChildSpec::new(id, || async {
///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///     })
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let sup = supervisor::start_link(vec![worker("a"), worker("b")], Options::new())
///             .await
///             .unwrap();
///         supervisor::terminate_child(&sup, "a").await.unwrap();
///         // Elixir: Supervisor.count_children(sup)
///         let counts = supervisor::count_children(&sup).await.unwrap();
///         assert_eq!(format!("{counts:?}"), "%{active: 1, specs: 2, supervisors: 0, workers: 2}");
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn count_children(sup: impl ToServer<Supervisor>) -> Result<Counts, SupervisorError> {
    match request(sup, Request::CountChildren).await? {
        Response::Counts(c) => Ok(c),
        _ => unreachable!("the supervisor answers count_children with counts"),
    }
}

/// `Supervisor.start_child/2`: adds a child and starts it. `AlreadyStarted(pid)` if a child
/// with that id runs, `AlreadyPresent` if one exists that does not; `Start(Ignore)` if its
/// start function ignored the start (the spec is kept, not running, as OTP's
/// `{:ok, :undefined}`), `Start(e)` if it failed.
///
/// ```
/// use otp_core::supervisor::{self, ChildSpec, Options, SupervisorError};
/// use otp_core::{Mailbox, Node, process};
///
/// fn worker(id: &'static str) -> ChildSpec {
///     ChildSpec::new(id, || async {
///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///     })
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let sup = supervisor::start_link(vec![], Options::new()).await.unwrap();
///         // Elixir: {:ok, pid} = Supervisor.start_child(sup, spec)
///         let pid = supervisor::start_child(&sup, worker("late")).await.unwrap();
///         // Elixir: {:error, {:already_started, pid}}
///         let again = supervisor::start_child(&sup, worker("late")).await;
///         assert_eq!(again, Err(SupervisorError::AlreadyStarted(pid)));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn start_child(
    sup: impl ToServer<Supervisor>,
    spec: ChildSpec,
) -> Result<Pid, SupervisorError> {
    match request(sup, Request::StartChild(spec)).await? {
        Response::Started(r) => r,
        _ => unreachable!("the supervisor answers start_child with a start result"),
    }
}

/// `Supervisor.terminate_child/2`: stops a child by id, keeping its spec (a temporary child's
/// spec is removed). `NotFound` for an unknown id.
///
/// ```
/// use otp_core::supervisor::{self, ChildSpec, Options, SupervisorError};
/// use otp_core::{ExitReason, Mailbox, Node, process};
///
/// fn worker(id: &'static str) -> ChildSpec {
///     ChildSpec::new(id, || async {
///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///     })
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let sup = supervisor::start_link(vec![worker("a")], Options::new()).await.unwrap();
///         let children = supervisor::which_children(&sup).await.unwrap();
///         let a = children[0].pid.pid().unwrap().clone();
///         // Elixir: Supervisor.terminate_child(sup, :a)
///         assert_eq!(supervisor::terminate_child(&sup, "a").await, Ok(()));
///         assert_eq!(a.exit_reason(), Some(ExitReason::Shutdown));
///         assert_eq!(
///             format!("{:?}", supervisor::which_children(&sup).await.unwrap()),
///             "[{:a, :undefined, :worker, []}]"
///         );
///         let unknown = supervisor::terminate_child(&sup, "z").await;
///         assert_eq!(unknown, Err(SupervisorError::NotFound));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn terminate_child(
    sup: impl ToServer<Supervisor>,
    id: impl Into<Atom>,
) -> Result<(), SupervisorError> {
    match request(sup, Request::TerminateChild(id.into())).await? {
        Response::Done(r) => r,
        _ => unreachable!("the supervisor answers terminate_child with a result"),
    }
}

/// `Supervisor.restart_child/2`: starts a stopped child again from its spec. `Running` if it
/// runs, `Restarting` if a restart is pending, `NotFound` for an unknown id.
///
/// ```
/// use otp_core::supervisor::{self, ChildSpec, Options, SupervisorError};
/// use otp_core::{Mailbox, Node, process};
///
/// fn worker(id: &'static str) -> ChildSpec {
///     ChildSpec::new(id, || async {
///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///     })
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let sup = supervisor::start_link(vec![worker("a")], Options::new()).await.unwrap();
///         let running = supervisor::restart_child(&sup, "a").await;
///         assert_eq!(running, Err(SupervisorError::Running));
///         supervisor::terminate_child(&sup, "a").await.unwrap();
///         // Elixir: {:ok, pid} = Supervisor.restart_child(sup, :a)
///         let pid = supervisor::restart_child(&sup, "a").await.unwrap();
///         assert!(pid.is_alive());
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn restart_child(
    sup: impl ToServer<Supervisor>,
    id: impl Into<Atom>,
) -> Result<Pid, SupervisorError> {
    match request(sup, Request::RestartChild(id.into())).await? {
        Response::Started(r) => r,
        _ => unreachable!("the supervisor answers restart_child with a start result"),
    }
}

/// `Supervisor.delete_child/2`: forgets a stopped child's spec. `Running` if it runs,
/// `Restarting` if a restart is pending, `NotFound` for an unknown id.
///
/// ```
/// use otp_core::supervisor::{self, ChildSpec, Options, SupervisorError};
/// use otp_core::{Mailbox, Node, process};
///
/// fn worker(id: &'static str) -> ChildSpec {
///     ChildSpec::new(id, || async {
///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///     })
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let sup = supervisor::start_link(vec![worker("a")], Options::new()).await.unwrap();
///         assert_eq!(supervisor::delete_child(&sup, "a").await, Err(SupervisorError::Running));
///         supervisor::terminate_child(&sup, "a").await.unwrap();
///         // Elixir: Supervisor.delete_child(sup, :a)
///         assert_eq!(supervisor::delete_child(&sup, "a").await, Ok(()));
///         assert_eq!(supervisor::count_children(&sup).await.unwrap().specs, 0);
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn delete_child(
    sup: impl ToServer<Supervisor>,
    id: impl Into<Atom>,
) -> Result<(), SupervisorError> {
    match request(sup, Request::DeleteChild(id.into())).await? {
        Response::Done(r) => r,
        _ => unreachable!("the supervisor answers delete_child with a result"),
    }
}

/// `Supervisor.stop/3`: stops the supervisor: its children are stopped in reverse start order,
/// then it exits with `reason`.
///
/// ```
/// use otp_core::supervisor::{self, ChildSpec, Options};
/// use otp_core::{ExitReason, Mailbox, Node, Pid, process};
///
/// fn worker(id: &'static str) -> ChildSpec {
///     ChildSpec::new(id, || async {
///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
///     })
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let sup = supervisor::start_link(vec![worker("a"), worker("b")], Options::new())
///             .await
///             .unwrap();
///         let children = supervisor::which_children(&sup).await.unwrap();
///         let pids: Vec<Pid> = children.iter().filter_map(|c| c.pid.pid().cloned()).collect();
///         // Elixir: Supervisor.stop(sup)
///         assert_eq!(supervisor::stop(&sup, ExitReason::Normal, 5000).await, Ok(()));
///         assert!(pids.iter().all(|pid| pid.exit_reason() == Some(ExitReason::Shutdown)));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn stop(
    sup: impl ToServer<Supervisor>,
    reason: ExitReason,
    timeout: impl Into<Timeout>,
) -> Result<(), StopError> {
    gen_server::stop(sup, reason, timeout).await
}

// ---------------------------------------------------------------------------------------------
// For observers

impl Supervisor {
    fn snapshot(&self) -> Snapshot {
        let (max_restarts, max_seconds, recent_restarts) =
            intensity_numbers(&self.intensity, tokio::time::Instant::now());
        Snapshot {
            strategy: self.strategy,
            max_restarts,
            max_seconds,
            max_children: None,
            restarts: self.restarts,
            recent_restarts,
            children: self
                .children
                .iter()
                .map(|c| ChildSnapshot {
                    id: Some(c.spec.id.clone()),
                    pid: c.pid.clone(),
                    kind: c.spec.kind,
                    restart: c.spec.restart,
                    restarts: c.restarts,
                })
                .collect(),
        }
    }
}

/// Asks a supervisor for its snapshot.
pub(crate) async fn snapshot(sup: impl ToServer<Supervisor>) -> Result<Snapshot, SupervisorError> {
    let timeout = Timeout::After(Duration::from_millis(OBSERVE_TIMEOUT_MS));
    match gen_server::call_timeout(sup, Request::Observe, timeout).await? {
        Response::Observed(s) => Ok(s),
        _ => unreachable!("the supervisor answers an observer with a snapshot"),
    }
}
