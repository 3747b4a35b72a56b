//! Observer: a live supervision tree as plain data, and as text.
//!
//! Erlang's `:observer` draws an application's supervision tree and shows, for every process,
//! what it is and how it is doing. [`supervision_tree`] takes the same look from code: given a
//! [`Supervisor`](crate::supervisor) or a [`DynamicSupervisor`](crate::dynamic_supervisor) (by
//! pid, name or handle), it asks each supervisor of the tree about itself and its children and
//! returns a [`SupervisorView`]: plain data, safe to keep, compare, print or turn into a
//! diagram.
//!
//! | what you see                                   | field                                     |
//! |------------------------------------------------|-------------------------------------------|
//! | a supervisor's pid and registered name         | [`SupervisorView::pid`], [`SupervisorView::registered_name`] |
//! | Supervisor or DynamicSupervisor                | [`SupervisorView::kind`]                  |
//! | `strategy`, `max_restarts`, `max_seconds`      | [`SupervisorView::strategy`], [`SupervisorView::max_restarts`], [`SupervisorView::max_seconds`] |
//! | restarts so far, and those that still count    | [`SupervisorView::restarts`], [`SupervisorView::recent_restarts`] |
//! | a child's `{id, pid, type}` (as `which_children`) | [`ChildView::id`], [`ChildView::pid`], [`ChildView::child_type`] |
//! | its restart type and restart count             | [`ChildView::restart`], [`ChildView::restarts`] |
//! | its mailbox and registered name                | [`ChildView::message_queue_len`], [`ChildView::registered_name`] |
//! | a child that is itself a supervisor            | [`ChildView::supervisor`], the same view one level down |
//!
//! A child's restart count is the number of times its supervisor started it again after it,
//! or a sibling its strategy ties it to, exited: the restarts the supervisor's restart
//! intensity counts. Starting a child by hand with `restart_child` is not one of them.
//!
//! [`SupervisorView`] prints as a tree, one line per process, in a form meant to stay stable
//! (tests may snapshot it):
//!
//! ```
//! use otp_core::observer;
//! use otp_core::supervisor::{self, ChildSpec, Options, Strategy};
//! use otp_core::{ExitReason, Mailbox, Node, process};
//!
//! fn worker(name: &'static str) -> ChildSpec {
//!     ChildSpec::new(name, move || async move {
//!         let pid = process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid();
//!         process::register(name, pid.clone()).unwrap();
//!         Ok(pid)
//!     })
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
//! Node::new()
//!     .run(async {
//!         let pair = supervisor::child_spec("Pair", Options::new().strategy(Strategy::OneForAll), || {
//!             vec![worker("left"), worker("right")]
//!         });
//!         let opts = Options::new().name("Demo.Supervisor");
//!         supervisor::start_link(vec![worker("cache"), pair], opts).await.unwrap();
//!         // Crash one of the pair: one_for_all restarts both.
//!         let left = process::whereis(&"left".into()).unwrap();
//!         process::exit(&left, ExitReason::Kill);
//!         left.wait_exit().await;
//!         process::sleep(1).await;
//!
//!         let tree = observer::supervision_tree("Demo.Supervisor").await.unwrap();
//!         assert_eq!(tree.children[1].supervisor.as_ref().unwrap().restarts, 1);
//!         assert_eq!(
//!             tree.to_string(),
//!             "Demo.Supervisor #PID<0.101.0>\n\
//!              Supervisor :one_for_one, max 3 restarts in 5 s, restarts: 0 (0 in the last 5 s)\n\
//!              ├── :cache #PID<0.102.0> :worker :permanent, restarts: 0, queue: 0\n\
//!              └── Pair #PID<0.103.0> :supervisor :permanent, restarts: 0, queue: 0\n    \
//!                  Supervisor :one_for_all, max 3 restarts in 5 s, restarts: 1 (1 in the last 5 s)\n    \
//!                  ├── :left #PID<0.106.0> :worker :permanent, restarts: 1, queue: 0\n    \
//!                  └── :right #PID<0.107.0> :worker :permanent, restarts: 1, queue: 0\n"
//!         );
//!     })
//!     .await
//!     .unwrap();
//! # });
//! ```
//!
//! A child whose registered name is its id (a GenServer started with `name: id`, as most
//! are) prints no `name:`; any other registered name is printed after its queue length.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::dynamic_supervisor::{self, DynamicSupervisor};
use crate::exit::Atom;
use crate::gen_server::{CallError, GenServer, ServerRef};
use crate::name::Name;
use crate::pid::Pid;
use crate::process;
use crate::supervisor::observe::{self, Snapshot};
use crate::supervisor::{ChildPid, ChildType, Restart, Strategy, Supervisor, SupervisorError};

/// Which kind of supervisor a [`SupervisorView`] shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SupervisorKind {
    /// A [`crate::supervisor`]: children from specs, started in order, any strategy.
    Supervisor,
    /// A [`crate::dynamic_supervisor`]: children started on demand, one_for_one.
    DynamicSupervisor,
}

impl fmt::Display for SupervisorKind {
    /// `Supervisor` or `DynamicSupervisor`, the module's name in Elixir.
    ///
    /// ```
    /// use otp_core::observer::SupervisorKind;
    ///
    /// assert_eq!(SupervisorKind::DynamicSupervisor.to_string(), "DynamicSupervisor");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SupervisorKind::Supervisor => "Supervisor",
            SupervisorKind::DynamicSupervisor => "DynamicSupervisor",
        })
    }
}

/// A supervisor as an observer sees it, with its children (and theirs, for nested
/// supervisors). Prints as a tree (see the [module documentation](self)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SupervisorView {
    /// The supervisor's pid.
    pub pid: Pid,
    /// Its local registered name, if it has one.
    pub registered_name: Option<Atom>,
    /// Supervisor or DynamicSupervisor.
    pub kind: SupervisorKind,
    /// Its restart strategy (a DynamicSupervisor's is always `:one_for_one`).
    pub strategy: Strategy,
    /// At most this many restarts...
    pub max_restarts: u32,
    /// ...within this many seconds, or the supervisor gives up.
    pub max_seconds: u64,
    /// A DynamicSupervisor's `max_children`, if it has one.
    pub max_children: Option<usize>,
    /// Restarts since it started.
    pub restarts: u64,
    /// Restarts within the last `max_seconds`: one more than `max_restarts` and it gives up.
    pub recent_restarts: usize,
    /// Messages waiting in its mailbox.
    pub message_queue_len: usize,
    /// Its children, in start order.
    pub children: Vec<ChildView>,
}

/// One child of a supervisor.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChildView {
    /// Its id; `None` (`:undefined`) under a DynamicSupervisor.
    pub id: Option<Atom>,
    /// Its pid, or `:undefined` when it is not running, or `:restarting`.
    pub pid: ChildPid,
    /// Worker or supervisor, as its spec says.
    pub child_type: ChildType,
    /// When it is restarted: permanent, transient or temporary.
    pub restart: Restart,
    /// How many times its supervisor has restarted it.
    pub restarts: u64,
    /// Messages waiting in its mailbox (0 when it is not running).
    pub message_queue_len: usize,
    /// Its local registered name, if it has one.
    pub registered_name: Option<Atom>,
    /// When the child is itself a running Supervisor or DynamicSupervisor: its view.
    pub supervisor: Option<SupervisorView>,
}

/// Why a supervision tree could not be observed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ObserveError {
    /// No live process has that name, or the pid has exited.
    #[error("no process: {0} is not alive")]
    NoProc(String),
    /// The process is neither a Supervisor nor a DynamicSupervisor.
    #[error("{0} is not a supervisor")]
    NotASupervisor(Pid),
    /// The supervisor did not answer (it exited, or was busy for too long).
    #[error("the supervisor {pid} did not answer: {error}")]
    NoAnswer {
        /// The supervisor.
        pid: Pid,
        /// What the call returned.
        error: CallError,
    },
}

/// Where to start a walk: a pid or a name. Anything a supervisor can be addressed by
/// converts into it: a [`Pid`], a [`Name`], a local name as a string or [`Atom`], a
/// supervisor's handle.
#[derive(Clone, Debug)]
pub enum Root {
    /// A process.
    Pid(Pid),
    /// A name, looked up when the walk starts.
    Name(Name),
}

impl From<Pid> for Root {
    fn from(pid: Pid) -> Self {
        Root::Pid(pid)
    }
}

impl From<&Pid> for Root {
    fn from(pid: &Pid) -> Self {
        Root::Pid(pid.clone())
    }
}

impl From<Name> for Root {
    fn from(name: Name) -> Self {
        Root::Name(name)
    }
}

impl From<&str> for Root {
    fn from(name: &str) -> Self {
        Root::Name(Name::local(name))
    }
}

impl From<Atom> for Root {
    fn from(name: Atom) -> Self {
        Root::Name(Name::Local(name))
    }
}

impl<S: GenServer> From<&ServerRef<S>> for Root {
    fn from(server: &ServerRef<S>) -> Self {
        Root::Pid(server.pid())
    }
}

impl<S: GenServer> From<ServerRef<S>> for Root {
    fn from(server: ServerRef<S>) -> Self {
        Root::Pid(server.pid())
    }
}

/// Walks the supervision tree under `root`, a Supervisor or DynamicSupervisor, and returns
/// it as plain data. Each supervisor is asked once (waiting at most 5 s for its answer); a
/// nested supervisor that exits during the walk is shown as a child without a view.
///
/// ```
/// use otp_core::dynamic_supervisor;
/// use otp_core::observer::{self, ObserveError, SupervisorKind};
/// use otp_core::supervisor::{ChildPid, ChildSpec};
/// use otp_core::{Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let rooms = dynamic_supervisor::start_link(dynamic_supervisor::Options::new())
///             .await
///             .unwrap();
///         let room = ChildSpec::new("room", || async {
///             Ok(process::spawn_link(|_inbox: Mailbox<u8>| std::future::pending()).pid())
///         });
///         let pid = dynamic_supervisor::start_child(&rooms, room).await.unwrap();
///         pid.downcast::<u8>().unwrap().send(7);
///
///         let tree = observer::supervision_tree(&rooms).await.unwrap();
///         assert_eq!(tree.kind, SupervisorKind::DynamicSupervisor);
///         assert_eq!(tree.children[0].id, None);
///         assert_eq!(tree.children[0].pid, ChildPid::Pid(pid.clone()));
///         assert_eq!(tree.children[0].message_queue_len, 1);
///
///         // Only supervisors have a tree.
///         let not_one = observer::supervision_tree(&pid).await;
///         assert_eq!(not_one, Err(ObserveError::NotASupervisor(pid)));
///         let nobody = observer::supervision_tree("Nobody").await;
///         assert!(matches!(nobody, Err(ObserveError::NoProc(_))));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// Outside a process, for a local or global name (as [`process::whereis`]).
pub async fn supervision_tree(root: impl Into<Root>) -> Result<SupervisorView, ObserveError> {
    let pid = match root.into() {
        Root::Pid(pid) if pid.is_alive() => pid,
        Root::Pid(pid) => return Err(ObserveError::NoProc(pid.to_string())),
        Root::Name(name) => {
            process::whereis(&name).ok_or_else(|| ObserveError::NoProc(name.to_string()))?
        }
    };
    observe(pid).await
}

/// Observes one supervisor, then its supervisor children, depth first.
fn observe(pid: Pid) -> Pin<Box<dyn Future<Output = Result<SupervisorView, ObserveError>> + Send>> {
    Box::pin(async move {
        let (kind, snapshot) = if let Some(sup) = ServerRef::<Supervisor>::from_pid(&pid) {
            (SupervisorKind::Supervisor, observe::snapshot(&sup).await)
        } else if let Some(sup) = ServerRef::<DynamicSupervisor>::from_pid(&pid) {
            (
                SupervisorKind::DynamicSupervisor,
                dynamic_supervisor::snapshot(&sup).await,
            )
        } else {
            return Err(ObserveError::NotASupervisor(pid));
        };
        let snapshot: Snapshot = snapshot.map_err(|e| match e {
            SupervisorError::Call(CallError::NoProc) => ObserveError::NoProc(pid.to_string()),
            SupervisorError::Call(error) => ObserveError::NoAnswer {
                pid: pid.clone(),
                error,
            },
            // A snapshot request is answered with a snapshot or not at all.
            other => ObserveError::NoAnswer {
                pid: pid.clone(),
                error: CallError::Exit(crate::ExitReason::custom(other.to_string())),
            },
        })?;
        let (registered_name, message_queue_len) = process_facts(&pid);
        let mut children = Vec::with_capacity(snapshot.children.len());
        for child in snapshot.children {
            let (registered_name, message_queue_len) = match child.pid.pid() {
                Some(p) => process_facts(p),
                None => (None, 0),
            };
            let supervisor = match child.pid.pid() {
                Some(p) if is_supervisor(p) => observe(p.clone()).await.ok(),
                _ => None,
            };
            children.push(ChildView {
                id: child.id,
                pid: child.pid,
                child_type: child.kind,
                restart: child.restart,
                restarts: child.restarts,
                message_queue_len,
                registered_name,
                supervisor,
            });
        }
        Ok(SupervisorView {
            pid,
            registered_name,
            kind,
            strategy: snapshot.strategy,
            max_restarts: snapshot.max_restarts,
            max_seconds: snapshot.max_seconds,
            max_children: snapshot.max_children,
            restarts: snapshot.restarts,
            recent_restarts: snapshot.recent_restarts,
            message_queue_len,
            children,
        })
    })
}

fn is_supervisor(pid: &Pid) -> bool {
    ServerRef::<Supervisor>::from_pid(pid).is_some()
        || ServerRef::<DynamicSupervisor>::from_pid(pid).is_some()
}

/// A process's local registered name and queue length, from the process table.
fn process_facts(pid: &Pid) -> (Option<Atom>, usize) {
    match process::info(pid) {
        Some(info) => {
            let name = match info.registered_name {
                Some(Name::Local(atom)) => Some(atom),
                _ => None,
            };
            (name, info.message_queue_len)
        }
        None => (None, 0),
    }
}

fn strategy_name(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::OneForOne => ":one_for_one",
        Strategy::OneForAll => ":one_for_all",
        Strategy::RestForOne => ":rest_for_one",
    }
}

impl SupervisorView {
    /// One line about the supervisor itself: kind, strategy, intensity and restarts, as the
    /// tree prints it under the supervisor's name.
    ///
    /// ```
    /// use otp_core::observer;
    /// use otp_core::supervisor::{self, Options, Strategy};
    /// use otp_core::Node;
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let opts = Options::new().strategy(Strategy::RestForOne).max_restarts(1);
    ///         let sup = supervisor::start_link(vec![], opts).await.unwrap();
    ///         let tree = observer::supervision_tree(&sup).await.unwrap();
    ///         assert_eq!(
    ///             tree.summary(),
    ///             "Supervisor :rest_for_one, max 1 restarts in 5 s, restarts: 0 (0 in the last 5 s)"
    ///         );
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn summary(&self) -> String {
        let mut line = format!(
            "{} {}, max {} restarts in {} s, ",
            self.kind,
            strategy_name(self.strategy),
            self.max_restarts,
            self.max_seconds
        );
        if let Some(max) = self.max_children {
            line.push_str(&format!("max_children: {max}, "));
        }
        line.push_str(&format!(
            "restarts: {} ({} in the last {} s)",
            self.restarts, self.recent_restarts, self.max_seconds
        ));
        line
    }

    fn write_children(&self, f: &mut fmt::Formatter<'_>, indent: &str) -> fmt::Result {
        if self.children.is_empty() {
            return writeln!(f, "{indent}└── (no children)");
        }
        let last = self.children.len() - 1;
        for (i, child) in self.children.iter().enumerate() {
            let (branch, more) = if i == last {
                ("└── ", "    ")
            } else {
                ("├── ", "│   ")
            };
            writeln!(f, "{indent}{branch}{child}")?;
            if let Some(sup) = &child.supervisor {
                let inner = format!("{indent}{more}");
                writeln!(f, "{inner}{}", sup.summary())?;
                sup.write_children(f, &inner)?;
            }
        }
        Ok(())
    }
}

/// The tree: the supervisor's name and pid, its [`summary`](SupervisorView::summary), then
/// one line per child, nested supervisors indented under their own line.
impl fmt::Display for SupervisorView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.registered_name {
            Some(name) => writeln!(f, "{name} {}", self.pid)?,
            None => writeln!(f, "{}", self.pid)?,
        }
        writeln!(f, "{}", self.summary())?;
        self.write_children(f, "")
    }
}

/// One line: `id pid type restart, restarts: N, queue: N` and, when it differs from the id,
/// `name: registered_name`.
///
/// ```
/// use otp_core::observer;
/// use otp_core::supervisor::{self, ChildSpec, Options, Restart};
/// use otp_core::{Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let job = ChildSpec::new("job", || async {
///             let pid = process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid();
///             process::register("worker_one", pid.clone()).unwrap();
///             Ok(pid)
///         })
///         .restart(Restart::Transient);
///         let sup = supervisor::start_link(vec![job], Options::new()).await.unwrap();
///         let tree = observer::supervision_tree(&sup).await.unwrap();
///         assert_eq!(
///             tree.children[0].to_string(),
///             ":job #PID<0.102.0> :worker :transient, restarts: 0, queue: 0, name: :worker_one"
///         );
///         supervisor::terminate_child(&sup, "job").await.unwrap();
///         let tree = observer::supervision_tree(&sup).await.unwrap();
///         assert_eq!(
///             tree.children[0].to_string(),
///             ":job :undefined :worker :transient, restarts: 0"
///         );
///     })
///     .await
///     .unwrap();
/// # });
/// ```
impl fmt::Display for ChildView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = match &self.id {
            Some(id) => id.to_string(),
            None => ":undefined".to_string(),
        };
        write!(
            f,
            "{id} {:?} {} {}, restarts: {}",
            self.pid, self.child_type, self.restart, self.restarts
        )?;
        if self.pid.pid().is_some() {
            write!(f, ", queue: {}", self.message_queue_len)?;
        }
        match &self.registered_name {
            Some(name) if Some(name) != self.id.as_ref() => write!(f, ", name: {name}"),
            _ => Ok(()),
        }
    }
}
