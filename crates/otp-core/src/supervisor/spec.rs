//! Child specifications: what a supervisor needs to know to start, restart and stop a child.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::exit::{Atom, ExitReason};
use crate::gen_server::StartError;
use crate::pid::Pid;

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
    pub fn id(&self) -> &Atom {
        &self.id
    }

    /// Sets the id.
    pub fn id_as(mut self, id: impl Into<Atom>) -> Self {
        self.id = id.into();
        self
    }

    /// Sets the restart type.
    pub fn restart(mut self, restart: Restart) -> Self {
        self.restart = restart;
        self
    }

    /// Sets how the child is shut down.
    pub fn shutdown(mut self, shutdown: Shutdown) -> Self {
        self.shutdown = shutdown;
        self
    }

    /// Sets the child type; a supervisor's shutdown becomes `Infinity`, as its default is.
    pub fn kind(mut self, kind: ChildType) -> Self {
        if kind == ChildType::Supervisor && self.kind == ChildType::Worker {
            self.shutdown = Shutdown::Infinity;
        }
        self.kind = kind;
        self
    }

    /// Sets the modules `which_children` reports (the server's module by default).
    pub fn modules(mut self, modules: impl IntoIterator<Item = &'static str>) -> Self {
        self.modules = modules.into_iter().collect();
        self
    }

    /// The restart type.
    pub fn restart_type(&self) -> Restart {
        self.restart
    }

    /// How the child is shut down.
    pub fn shutdown_type(&self) -> Shutdown {
        self.shutdown
    }

    /// Worker or supervisor.
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
