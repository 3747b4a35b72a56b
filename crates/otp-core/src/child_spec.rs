//! Child specifications: what a supervisor needs to know to start, restart and stop a child;
//! [`StartError`], what a start returns when it fails; and [`ChildPid`], a child's pid as the
//! supervisors report it.
//!
//! Both GenServer (whose `child_spec` makes one, and whose `start_link` returns a
//! `StartError`) and the supervisors (which start children from specs) use this module, so it
//! sits below both and uses neither: only exit reasons, pids and names. Its items are public as
//! `otp_core::supervisor::{ChildSpec, ChildPid, ...}` and `otp_core::gen_server::StartError`.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::exit::{Atom, ExitReason};
use crate::name::Name;
use crate::pid::Pid;

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
    /// The `name` option is `nil`, `false`, `true` or `:undefined`, which are not names (see
    /// [`crate::process::register`]): nothing was started.
    #[error("{0} cannot be registered: nil, false, true and :undefined are not names")]
    InvalidName(Name),
    /// `init` took longer than the `timeout` option: `{:error, :timeout}`.
    #[error("init timed out")]
    Timeout,
    /// A supervisor was given two children with the same id: nothing was started.
    /// `{:error, {:start_spec, {:duplicate_child_name, id}}}`.
    #[error("{{:start_spec, {{:duplicate_child_name, {0}}}}}")]
    DuplicateChildName(Atom),
    /// A supervisor could not start one of its children:
    /// `{:error, {:shutdown, {:failed_to_start_child, id, reason}}}`.
    #[error("failed to start child {id}: {reason}")]
    ChildFailed {
        /// The child's id.
        id: Atom,
        /// Why it did not start.
        reason: Box<StartError>,
    },
}

/// When a supervisor restarts a child that exited (Elixir's `:restart`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Restart {
    /// Always restarted, whatever the exit reason (the default).
    #[default]
    Permanent,
    /// Restarted only after an exit that is not clean: not `:normal`, `:shutdown` nor
    /// `{:shutdown, term}`. `:killed` counts as abnormal, so a killed transient child comes back.
    Transient,
    /// Never restarted, and removed from the supervisor's children when it exits.
    Temporary,
}

/// How a supervisor stops a child (Elixir's `:shutdown`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shutdown {
    /// Killed at once, without a chance to run `terminate`.
    BrutalKill,
    /// Sent a `:shutdown` exit signal, then killed if it has not exited after this many
    /// milliseconds. 5000 is the default for workers.
    Timeout(u64),
    /// Sent a `:shutdown` exit signal, and waited for as long as it takes: the default for
    /// supervisors, which need the time to stop their own children.
    Infinity,
}

/// Whether a child is a worker or a supervisor (Elixir's `:type`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ChildType {
    /// A worker (the default).
    #[default]
    Worker,
    /// A supervisor, whose default shutdown is `Infinity`.
    Supervisor,
}

impl fmt::Display for ChildType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChildType::Worker => ":worker",
            ChildType::Supervisor => ":supervisor",
        })
    }
}

/// The future a start function returns: the started child's pid, or why it did not start.
/// `Err(StartError::Ignore)` is `:ignore`.
pub type StartFuture = Pin<Box<dyn Future<Output = Result<Pid, StartError>> + Send>>;

/// Extra start arguments a dynamic supervisor hands to every child it starts.
pub type Extra = Option<Arc<dyn Any + Send + Sync>>;

type StartFn = Arc<dyn Fn(&Extra) -> StartFuture + Send + Sync>;

/// A child specification (Elixir's `%{id: ..., start: ..., restart: ..., ...}`).
///
/// The start function is called in the supervisor's process, so a `start_link` inside it links
/// the child to the supervisor, as OTP requires. It is called again at every restart.
///
/// ```
/// use otp_core::supervisor::{ChildSpec, Restart, Shutdown};
/// use otp_core::Mailbox;
///
/// let spec = ChildSpec::new("ticker", || async {
///     let pid = otp_core::process::spawn_link(|_inbox: Mailbox<()>| std::future::pending());
///     Ok(pid.pid())
/// })
/// .restart(Restart::Transient)
/// .shutdown(Shutdown::Timeout(1000));
/// assert_eq!(spec.id().to_string(), ":ticker");
/// ```
#[derive(Clone)]
pub struct ChildSpec {
    pub(crate) id: Atom,
    pub(crate) start: StartFn,
    pub(crate) restart: Restart,
    pub(crate) shutdown: Shutdown,
    pub(crate) kind: ChildType,
    pub(crate) modules: Vec<&'static str>,
}

impl ChildSpec {
    /// A worker child: permanent, shut down with a 5000 ms timeout, started by `start`.
    ///
    /// ```
    /// use otp_core::supervisor::ChildSpec;
    /// use otp_core::{Mailbox, process};
    ///
    /// // Elixir: %{id: :cache, start: {Cache, :start_link, []}}
    /// let spec = ChildSpec::new("cache", || async {
    ///     Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    /// });
    /// assert_eq!(
    ///     format!("{spec:?}"),
    ///     "%{id: :cache, restart: :permanent, shutdown: 5000, type: :worker, modules: []}"
    /// );
    /// ```
    pub fn new<F, Fut>(id: impl Into<Atom>, start: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Pid, StartError>> + Send + 'static,
    {
        ChildSpec {
            id: id.into(),
            start: Arc::new(move |_extra: &Extra| Box::pin(start()) as StartFuture),
            restart: Restart::Permanent,
            shutdown: Shutdown::Timeout(5000),
            kind: ChildType::Worker,
            modules: Vec::new(),
        }
    }

    /// A worker child whose start function receives the extra arguments a
    /// [`crate::dynamic_supervisor`] was started with (its `extra_arguments`, prepended to
    /// every child's own argument in Elixir). Started without extra arguments of type `E`, the
    /// child fails to start with a reason saying so.
    ///
    /// ```
    /// use otp_core::dynamic_supervisor::{self, Options};
    /// use otp_core::supervisor::{ChildSpec, SupervisorError};
    /// use otp_core::{Console, Mailbox, Node, io, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let player = || {
    ///     ChildSpec::with_extra("player", |room: &String| {
    ///         io::puts(format!("a player joins the {room}"));
    ///         async { Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid()) }
    ///     })
    /// };
    /// let console = Console::capture();
    /// Node::with_console(console.clone())
    ///     .run(async move {
    ///         // Elixir: DynamicSupervisor.start_link(strategy: :one_for_one, extra_arguments: ["lobby"])
    ///         let opts = Options::new().extra_arguments("lobby".to_string());
    ///         let rooms = dynamic_supervisor::start_link(opts).await.unwrap();
    ///         dynamic_supervisor::start_child(&rooms, player()).await.unwrap();
    ///         // A supervisor without those arguments cannot start the child.
    ///         let bare = dynamic_supervisor::start_link(Options::new()).await.unwrap();
    ///         let refused = dynamic_supervisor::start_child(&bare, player()).await;
    ///         assert!(matches!(refused, Err(SupervisorError::Start(_))));
    ///     })
    ///     .await
    ///     .unwrap();
    /// assert_eq!(console.contents(), "a player joins the lobby\n");
    /// # });
    /// ```
    pub fn with_extra<E, F, Fut>(id: impl Into<Atom>, start: F) -> Self
    where
        E: Send + Sync + 'static,
        F: Fn(&E) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Pid, StartError>> + Send + 'static,
    {
        let mut spec = ChildSpec::new(id, || async { Err(StartError::Ignore) });
        spec.start = Arc::new(move |extra: &Extra| {
            match extra.as_ref().and_then(|e| e.downcast_ref::<E>()) {
                Some(e) => Box::pin(start(e)) as StartFuture,
                None => Box::pin(async {
                    Err(StartError::Stop(ExitReason::custom(format!(
                        "missing extra arguments of type {}",
                        std::any::type_name::<E>()
                    ))))
                }),
            }
        });
        spec
    }

    /// The child's id, unique among a supervisor's children.
    ///
    /// ```
    /// use otp_core::supervisor::ChildSpec;
    /// use otp_core::{Mailbox, process};
    ///
    /// let spec = ChildSpec::new("cache", || async {
    ///     Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    /// });
    /// assert_eq!(spec.id().as_str(), "cache");
    /// assert_eq!(spec.id().to_string(), ":cache");
    /// ```
    pub fn id(&self) -> &Atom {
        &self.id
    }

    /// Sets the id.
    ///
    /// ```
    /// use otp_core::supervisor::ChildSpec;
    /// use otp_core::{Mailbox, process};
    ///
    /// let cache = || {
    ///     ChildSpec::new("cache", || async {
    ///         Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    ///     })
    /// };
    /// // Two children from one spec need two ids.
    /// // Elixir: Supervisor.child_spec({Cache, []}, id: :second_cache)
    /// let second = cache().id_as("second_cache");
    /// assert_eq!((cache().id().as_str(), second.id().as_str()), ("cache", "second_cache"));
    /// ```
    pub fn id_as(mut self, id: impl Into<Atom>) -> Self {
        self.id = id.into();
        self
    }

    /// Sets the restart type.
    ///
    /// ```
    /// use otp_core::supervisor::{ChildSpec, Restart};
    /// use otp_core::{Mailbox, process};
    ///
    /// // Elixir: Supervisor.child_spec(Job, restart: :transient)
    /// let job = ChildSpec::new("job", || async {
    ///     Ok(process::spawn_link(|_inbox: Mailbox<()>| async {}).pid())
    /// })
    /// .restart(Restart::Transient);
    /// assert_eq!(job.restart_type(), Restart::Transient);
    /// ```
    pub fn restart(mut self, restart: Restart) -> Self {
        self.restart = restart;
        self
    }

    /// Sets how the child is shut down.
    ///
    /// ```
    /// use otp_core::supervisor::{ChildSpec, Shutdown};
    /// use otp_core::{Mailbox, process};
    ///
    /// // Elixir: Supervisor.child_spec(Cache, shutdown: :brutal_kill)
    /// let cache = ChildSpec::new("cache", || async {
    ///     Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    /// })
    /// .shutdown(Shutdown::BrutalKill);
    /// assert_eq!(cache.shutdown_type(), Shutdown::BrutalKill);
    /// assert_eq!(
    ///     format!("{cache:?}"),
    ///     "%{id: :cache, restart: :permanent, shutdown: :brutal_kill, type: :worker, modules: []}"
    /// );
    /// ```
    pub fn shutdown(mut self, shutdown: Shutdown) -> Self {
        self.shutdown = shutdown;
        self
    }

    /// Sets the child type; a supervisor's shutdown becomes `Infinity`, as its default is.
    ///
    /// ```
    /// use otp_core::supervisor::{self, ChildSpec, ChildType, Options, Shutdown};
    ///
    /// // A hand-made spec for a supervisor child (`supervisor::child_spec` makes the same).
    /// let tree = ChildSpec::new("Tree", || async {
    ///     supervisor::start_link(vec![], Options::new()).await.map(|s| s.pid())
    /// })
    /// .kind(ChildType::Supervisor);
    /// assert_eq!(tree.child_type(), ChildType::Supervisor);
    /// assert_eq!(tree.shutdown_type(), Shutdown::Infinity, "a supervisor's default");
    /// ```
    pub fn kind(mut self, kind: ChildType) -> Self {
        if kind == ChildType::Supervisor && self.kind == ChildType::Worker {
            self.shutdown = Shutdown::Infinity;
        }
        self.kind = kind;
        self
    }

    /// Sets the modules `which_children` reports (the server's module by default).
    ///
    /// ```
    /// use otp_core::supervisor::ChildSpec;
    /// use otp_core::{Mailbox, process};
    ///
    /// let cache = ChildSpec::new("cache", || async {
    ///     Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    /// })
    /// .modules(["MyApp.Cache"]);
    /// assert_eq!(
    ///     format!("{cache:?}"),
    ///     "%{id: :cache, restart: :permanent, shutdown: 5000, type: :worker, modules: [MyApp.Cache]}"
    /// );
    /// ```
    pub fn modules(mut self, modules: impl IntoIterator<Item = &'static str>) -> Self {
        self.modules = modules.into_iter().collect();
        self
    }

    /// The restart type.
    ///
    /// ```
    /// use otp_core::supervisor::{ChildSpec, Restart};
    /// use otp_core::{Mailbox, process};
    ///
    /// let spec = ChildSpec::new("cache", || async {
    ///     Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    /// });
    /// assert_eq!(spec.restart_type(), Restart::Permanent);
    /// assert_eq!(spec.restart(Restart::Temporary).restart_type().to_string(), ":temporary");
    /// ```
    pub fn restart_type(&self) -> Restart {
        self.restart
    }

    /// How the child is shut down.
    ///
    /// ```
    /// use otp_core::supervisor::{ChildSpec, Shutdown};
    /// use otp_core::{Mailbox, process};
    ///
    /// let spec = ChildSpec::new("cache", || async {
    ///     Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    /// });
    /// assert_eq!(spec.shutdown_type(), Shutdown::Timeout(5000));
    /// ```
    pub fn shutdown_type(&self) -> Shutdown {
        self.shutdown
    }

    /// Worker or supervisor.
    ///
    /// ```
    /// use otp_core::supervisor::{ChildSpec, ChildType};
    /// use otp_core::{Mailbox, process};
    ///
    /// let spec = ChildSpec::new("cache", || async {
    ///     Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    /// });
    /// assert_eq!(spec.child_type(), ChildType::Worker);
    /// assert_eq!(spec.child_type().to_string(), ":worker");
    /// ```
    pub fn child_type(&self) -> ChildType {
        self.kind
    }

    pub(crate) fn start(&self, extra: &Extra) -> StartFuture {
        (self.start)(extra)
    }
}

impl fmt::Display for Restart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Restart::Permanent => ":permanent",
            Restart::Transient => ":transient",
            Restart::Temporary => ":temporary",
        })
    }
}

impl fmt::Display for Shutdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shutdown::BrutalKill => f.write_str(":brutal_kill"),
            Shutdown::Timeout(ms) => write!(f, "{ms}"),
            Shutdown::Infinity => f.write_str(":infinity"),
        }
    }
}

/// Prints as Elixir prints a child spec map:
/// `%{id: :superman, restart: :permanent, shutdown: 5000, type: :worker, modules: [SuperDuper.Server]}`.
impl fmt::Debug for ChildSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "%{{id: {}, restart: {}, shutdown: {}, type: {}, modules: [{}]}}",
            self.id,
            self.restart,
            self.shutdown,
            self.kind,
            self.modules.join(", ")
        )
    }
}

/// A child's pid as `which_children` reports it.
#[derive(Clone, PartialEq, Eq)]
pub enum ChildPid {
    /// Running.
    Pid(Pid),
    /// Not running: terminated, or exited and not restarted (`:undefined`).
    Undefined,
    /// Its restart failed and will be tried again (`:restarting`).
    Restarting,
}

impl ChildPid {
    /// The pid, if the child is running.
    ///
    /// ```
    /// use otp_core::supervisor::{self, ChildSpec, Options};
    /// use otp_core::{Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let cache = ChildSpec::new("cache", || async {
    ///             Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    ///         });
    ///         let sup = supervisor::start_link(vec![cache], Options::new()).await.unwrap();
    ///         let running = supervisor::which_children(&sup).await.unwrap();
    ///         assert!(running[0].pid.pid().is_some_and(|pid| pid.is_alive()));
    ///         supervisor::terminate_child(&sup, "cache").await.unwrap();
    ///         let stopped = supervisor::which_children(&sup).await.unwrap();
    ///         assert_eq!(stopped[0].pid.pid(), None, "printed as :undefined");
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn pid(&self) -> Option<&Pid> {
        match self {
            ChildPid::Pid(p) => Some(p),
            _ => None,
        }
    }
}

impl fmt::Debug for ChildPid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChildPid::Pid(p) => write!(f, "{p}"),
            ChildPid::Undefined => f.write_str(":undefined"),
            ChildPid::Restarting => f.write_str(":restarting"),
        }
    }
}
