//! Process identifiers and monitor references.

use std::any::{Any, TypeId};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::exit::ExitReason;
use crate::node::Node;
use crate::process::{Core, Down};

/// A process identifier: `#PID<0.N.0>`.
///
/// A pid names one process for ever: once the process is gone its pid is never reused, so a
/// restarted server has a new pid. Pids are cheap to clone and compare; they print the way the
/// BEAM prints them, with `N` counting up per [`Node`] from 100, so a program prints the same
/// pids on every run.
///
/// Anything that needs no message type works on a plain pid: [`Pid::is_alive`],
/// [`crate::process::exit`], [`crate::process::link`], [`crate::process::monitor`],
/// [`crate::process::info`]. Sending needs a typed handle: [`crate::Addr`] for a hand-made
/// process, [`crate::ServerRef`] for a GenServer; [`Pid::downcast`] recovers one.
#[derive(Clone)]
pub struct Pid {
    pub(crate) cell: Arc<dyn Cell>,
}

/// What every process exposes, whatever its message type.
pub(crate) trait Cell: Send + Sync + 'static {
    fn core(&self) -> &Core;
    /// Puts `{:EXIT, from, reason}` in the mailbox (when the process traps exits).
    fn push_exit(&self, from: Pid, reason: ExitReason);
    /// Puts a `Down` message in the mailbox.
    fn push_down(&self, down: Down);
    /// Removes the `Down` message for monitor `reference` from the shared queue, if it is there.
    fn remove_down(&self, reference: u64) -> bool;
    /// Messages waiting in the mailbox.
    fn queue_len(&self) -> usize;
    /// Closes the mailbox and drops what is still in it.
    fn close_mailbox(&self);
    /// Releases spare mailbox capacity.
    fn shrink_mailbox(&self);
    /// The message type, for downcasting.
    fn message_type(&self) -> TypeId;
    /// The message type's name, for error messages.
    fn message_type_name(&self) -> &'static str;
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

impl Pid {
    pub(crate) fn core(&self) -> &Core {
        self.cell.core()
    }

    /// The process's number: the `N` of `#PID<0.N.0>`.
    ///
    /// ```
    /// use otp_core::{Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let pid = node.spawn(|_inbox: Mailbox<()>| async {}).pid();
    /// assert_eq!(pid.id(), 100);
    /// assert_eq!(pid.to_string(), "#PID<0.100.0>");
    /// # });
    /// ```
    pub fn id(&self) -> u64 {
        self.core().id
    }

    /// The node the process runs on.
    ///
    /// ```
    /// use otp_core::{Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let pid = node.spawn(|_inbox: Mailbox<()>| async {}).pid();
    /// // Elixir: node(pid)
    /// assert_eq!(pid.node().id(), node.id());
    /// # });
    /// ```
    pub fn node(&self) -> Node {
        self.core().node.clone()
    }

    /// `Process.alive?/1`: `true` until the process has exited.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = otp_core::Node::new();
    /// let pid = node.spawn(|_inbox: otp_core::Mailbox<()>| async {}).pid();
    /// pid.wait_exit().await;
    /// assert!(!pid.is_alive());
    /// # });
    /// ```
    pub fn is_alive(&self) -> bool {
        !self.core().is_dead()
    }

    /// The reason the process exited with, once it has.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let pid = node
    ///     .spawn(|_inbox: Mailbox<()>| async {
    ///         process::exit_self(ExitReason::custom("done")).await;
    ///     })
    ///     .pid();
    /// assert_eq!(pid.exit_reason(), None, "still running");
    /// pid.wait_exit().await;
    /// assert_eq!(pid.exit_reason(), Some(ExitReason::custom("done")));
    /// # });
    /// ```
    pub fn exit_reason(&self) -> Option<ExitReason> {
        self.core().exit_reason()
    }

    /// Waits until the process has exited and returns its exit reason. Returns at once for a
    /// process that is already gone. Unlike a monitor, this needs no mailbox: any task can wait.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let pid = node
    ///     .spawn(|_inbox: Mailbox<()>| async {
    ///         panic!("boom");
    ///     })
    ///     .pid();
    /// // Any task may wait, no mailbox or monitor needed.
    /// assert_eq!(pid.wait_exit().await, ExitReason::panic("boom"));
    /// // Once gone, it answers at once.
    /// assert_eq!(pid.wait_exit().await, ExitReason::panic("boom"));
    /// # });
    /// ```
    pub async fn wait_exit(&self) -> ExitReason {
        self.core().wait_exit().await
    }

    /// A typed handle to this process if its messages are of type `M`.
    ///
    /// ```
    /// use otp_core::{Mailbox, Node, Pid};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let pid: Pid = node.spawn(|_inbox: Mailbox<u32>| std::future::pending()).pid();
    /// // A plain pid (from a registry, say) back to a handle that can send.
    /// let addr = pid.downcast::<u32>().expect("its messages are u32");
    /// addr.send(7);
    /// assert!(pid.downcast::<String>().is_none());
    /// # });
    /// ```
    pub fn downcast<M: Send + 'static>(&self) -> Option<crate::process::Addr<M>> {
        crate::process::Addr::from_pid(self)
    }

    fn key(&self) -> (u64, u64) {
        (self.core().node.id(), self.core().id)
    }
}

impl PartialEq for Pid {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Pid {}

impl Hash for Pid {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state)
    }
}

impl PartialOrd for Pid {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pid {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#PID<0.{}.0>", self.id())
    }
}

impl fmt::Debug for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A monitor reference: `#Reference<0.0.0.N>`, counting up per node.
///
/// Returned by [`crate::process::monitor`] and carried by the [`Down`] message the monitor
/// delivers.
#[derive(Clone)]
pub struct MonitorRef {
    pub(crate) id: u64,
    pub(crate) target: Pid,
}

impl MonitorRef {
    /// The monitored process.
    ///
    /// ```
    /// use otp_core::{Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let worker = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
    ///         let reference = process::monitor(&worker.pid());
    ///         assert_eq!(reference.target(), &worker.pid());
    ///         assert_eq!(reference.to_string(), "#Reference<0.0.0.1>");
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn target(&self) -> &Pid {
        &self.target
    }
}

impl PartialEq for MonitorRef {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.target.node().id() == other.target.node().id()
    }
}

impl Eq for MonitorRef {}

impl Hash for MonitorRef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state)
    }
}

impl fmt::Display for MonitorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#Reference<0.0.0.{}>", self.id)
    }
}

impl fmt::Debug for MonitorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
