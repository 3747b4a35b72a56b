//! Process identifiers, monitor references and the `Down` message: plain data that names
//! processes.
//!
//! A [`Pid`] names one process and reaches it through `Cell`, a small trait the process layer
//! implements for its processes: a pid knows the process's numbers, whether it is alive, and
//! how to hand it a message whose type it does not know, and nothing else. What needs the
//! process's own state ([`Pid::node`], [`Pid::exit_reason`], [`Pid::wait_exit`],
//! [`Pid::downcast`]) is defined by the process layer, in `process/core.rs` and
//! `process/addr.rs`, on this same type.
//!
//! Uses only exit reasons ([`crate::exit`]).

use std::any::{Any, TypeId};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::exit::ExitReason;

/// A process identifier: `#PID<0.N.0>`.
///
/// A pid names one process for ever: once the process is gone its pid is never reused, so a
/// restarted server has a new pid. Pids are cheap to clone and compare; they print the way the
/// BEAM prints them, with `N` counting up per [`Node`](crate::node::Node) from 100, so a
/// program prints the same pids on every run.
///
/// Anything that needs no message type works on a plain pid: [`Pid::is_alive`],
/// [`crate::process::exit`], [`crate::process::link`], [`crate::process::monitor`],
/// [`crate::process::info`]. Sending needs a typed handle: [`crate::Addr`] for a hand-made
/// process, [`crate::ServerRef`] for a GenServer; [`Pid::downcast`] recovers one.
#[derive(Clone)]
pub struct Pid {
    pub(crate) cell: Arc<dyn Cell>,
}

/// What every process exposes, whatever its message type. The process layer implements it (for
/// its `Shared<M>`, the half of a process that senders and pids hold); nothing else does.
pub(crate) trait Cell: Send + Sync + 'static {
    /// The process's number: the `N` of `#PID<0.N.0>`.
    fn id(&self) -> u64;
    /// The number of the node it runs on.
    fn node_id(&self) -> u64;
    /// `true` once the process has exited.
    fn is_dead(&self) -> bool;
    /// The process's own state, for the process layer, which knows its type (`process::core`).
    fn state(&self) -> &(dyn Any + Send + Sync);
    /// Puts a message whose type was erased in the mailbox; `false` if the process has exited.
    /// The caller has checked [`Cell::message_type`]: a message of another type is refused.
    fn push_any(&self, msg: Box<dyn Any + Send>) -> bool;
    /// Puts `{:EXIT, from, reason}` in the mailbox (when the process traps exits).
    fn push_exit(&self, from: Pid, reason: ExitReason);
    /// Puts a `Down` message in the mailbox.
    fn push_down(&self, down: Down);
    /// Removes the `Down` message for monitor `reference` from the shared queue, if it is there.
    fn remove_down(&self, reference: u64) -> bool;
    /// Removes an `{:EXIT, from, _}` message from the shared queue, if one is there.
    fn remove_exit(&self, from: &Pid) -> bool;
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
        self.cell.id()
    }

    /// The number of the node the process runs on (see [`crate::node::Node::id`]).
    pub(crate) fn node_id(&self) -> u64 {
        self.cell.node_id()
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
        !self.cell.is_dead()
    }

    fn key(&self) -> (u64, u64) {
        (self.cell.node_id(), self.cell.id())
    }
}

impl From<&Pid> for Pid {
    fn from(p: &Pid) -> Pid {
        p.clone()
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
        self.id == other.id && self.target.node_id() == other.target.node_id()
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

/// The message a monitor delivers when the monitored process exits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Down {
    /// The reference [`crate::process::monitor`] returned.
    pub reference: MonitorRef,
    /// The process that exited.
    pub pid: Pid,
    /// Why it exited; `NoProc` if it was already gone when the monitor was set.
    pub reason: ExitReason,
}

impl fmt::Display for Down {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{:DOWN, {}, :process, {}, {}}}",
            self.reference, self.pid, self.reason
        )
    }
}
