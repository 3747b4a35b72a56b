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
//! A pid may name a process of another node: its cell is then that process's shadow here,
//! which the distribution layer implements, and `Cell::remote` says so (see
//! `RemoteProcess`). Everything a pid can do works the same on both.
//!
//! Uses exit reasons ([`crate::exit`]), terms (a remote pid as the wire carries it) and the
//! kinds of exit signal ([`crate::signal`]).

use std::any::{Any, TypeId};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::atom::Atom;
use crate::exit::ExitReason;
use crate::signal::SignalKind;
use crate::term::{ExternalPid, Term};

/// A process identifier: `#PID<0.N.0>`.
///
/// A pid names one process for ever: once the process is gone its pid is never reused, so a
/// restarted server has a new pid. Pids are cheap to clone and compare; they print the way the
/// BEAM prints them, with `N` counting up per [`Node`](crate::node::Node) from 100, so a
/// program prints the same pids on every run.
///
/// A pid of a process on another node (see the `dist` module, with the `dist` feature) is a
/// `Pid` too, and prints as the BEAM prints it, `#PID<N.id.serial>`, where `N` numbers that node
/// here (1 for the first node seen, and so on). Links, monitors, exit signals and messages that
/// are terms work on it as on a local pid.
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
    /// Puts `{:nodedown, node}` in the mailbox (a node monitor fired).
    #[cfg_attr(not(feature = "dist"), allow(dead_code))]
    fn push_node_down(&self, node: Atom);
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
    /// Puts a message that came as a term in the mailbox, converted to the process's message
    /// type (from another node, or from `process::send_term`). `false` when it was dropped: the
    /// process has exited, or takes no terms, or the term does not convert (which is logged).
    fn push_term(&self, message: Term) -> bool;
    /// The process of another node this cell stands for; `None` for a process of this node.
    #[inline]
    fn remote(&self) -> Option<&dyn RemoteProcess> {
        None
    }
}

/// What the process layer needs of a process on another node: each operation on a local
/// process has its counterpart here, carried out by sending a control message to that node.
/// The distribution layer implements it for its shadows of remote processes.
pub(crate) trait RemoteProcess: Send + Sync {
    /// The pid as the wire carries it.
    fn external(&self) -> &ExternalPid;
    /// The `N` of `#PID<N.id.serial>`: the number this node gave the process's node.
    fn node_index(&self) -> u32;
    /// An exit signal from `from`, a process of this node: `EXIT` along a link, `EXIT2` for
    /// `Process.exit/2`. The remote node decides what it does.
    fn exit(&self, from: &Pid, reason: &ExitReason, kind: SignalKind);
    /// `from` has linked to the process; `false` if its node cannot be reached.
    fn link(&self, from: &Pid) -> bool;
    /// `from` has unlinked from the process.
    fn unlink(&self, from: &Pid);
    /// `watcher` monitors the process under `reference`; `false` if its node cannot be
    /// reached (the monitor fires at once, with `:noconnection`).
    fn monitor(&self, watcher: &Pid, reference: u64) -> bool;
    /// `watcher` no longer monitors the process under `reference`.
    fn demonitor(&self, watcher: &Pid, reference: u64);
    /// Sends `message`, from `from` when it is a process of this node. Dropped, as on the
    /// BEAM, when the node cannot be reached.
    fn send(&self, from: Option<&Pid>, message: Term);
}

impl Pid {
    /// The process's number: the `N` of `#PID<0.N.0>`. (For a pid of another node, its id
    /// and serial in one number: `serial << 32 | id`.)
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

    /// `true` for a process of this program's node; `false` for a pid of another node.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = otp_core::Node::new();
    /// let pid = node.spawn(|_inbox: otp_core::Mailbox<()>| async {}).pid();
    /// assert!(pid.is_local());
    /// # });
    /// ```
    pub fn is_local(&self) -> bool {
        self.cell.remote().is_none()
    }

    /// The pid as the external term format carries it, for a pid of another node; `None` for a
    /// process of this node (whose external form depends on the node's name: see
    /// `Pid::to_external`, with distribution).
    pub fn remote_pid(&self) -> Option<&ExternalPid> {
        self.cell.remote().map(|r| r.external())
    }

    fn key(&self) -> (u64, u64) {
        (self.cell.node_id(), self.cell.id())
    }

    /// `true` if this pid reaches the process through the cell at `cell`: one pointer compare
    /// instead of the two numbers of each side (four dynamic calls). A process has one cell,
    /// so for a process of this node it is the same test as `==`.
    #[inline]
    pub(crate) fn is_cell<T: ?Sized>(&self, cell: *const T) -> bool {
        std::ptr::addr_eq(Arc::as_ptr(&self.cell), cell)
    }
}

impl From<&Pid> for Pid {
    fn from(p: &Pid) -> Pid {
        p.clone()
    }
}

impl PartialEq for Pid {
    fn eq(&self, other: &Self) -> bool {
        // One cell is one process; two cells may still name one process of another node.
        Arc::ptr_eq(&self.cell, &other.cell) || self.key() == other.key()
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
        match self.cell.remote() {
            None => write!(f, "#PID<0.{}.0>", self.id()),
            Some(remote) => {
                let external = remote.external();
                write!(
                    f,
                    "#PID<{}.{}.{}>",
                    remote.node_index(),
                    external.id,
                    external.serial
                )
            }
        }
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
