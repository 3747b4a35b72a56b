//! The per-process core: what every process has whatever its message type. Its number and
//! node, its flags (trapping exits, exiting, dead), its links, its monitors both ways, the
//! names it holds, the tasks waiting for its exit, the hooks run when it exits, and its exit
//! reason once it has one.
//!
//! A [`Pid`] reaches a process's core through the cell it holds; the methods of `Pid` that need
//! the core (`node`, `exit_reason`, `wait_exit`) are defined here.
//!
//! Uses exit reasons, pids, the node and names, nothing else of `process`.

use std::collections::{HashMap, HashSet};
use std::future::poll_fn;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::task::{Poll, Waker};

use atomic_waker::AtomicWaker;

use crate::atom::Atom;
use crate::exit::ExitReason;
use crate::hash::FxBuild;
use crate::name::Name;
use crate::node::Node;
use crate::pid::Pid;
use crate::sync::lock;

pub(super) const TRAP: u8 = 1;
pub(super) const EXITING: u8 = 2;
pub(super) const DEAD: u8 = 4;
/// The world has been told of the exit (links, monitors, names, hooks): what
/// [`Pid::wait_exit`] waits for.
pub(super) const TOLD: u8 = 8;

pub(super) type ExitHook = Box<dyn FnOnce(&Pid, &ExitReason) + Send>;

pub(crate) struct Core {
    pub(crate) id: u64,
    pub(crate) node: Node,
    /// Woken when an exit signal decides the process must die; registered by the runner. (The
    /// mailbox keeps its own waker, under its lock, registered only while it is empty.)
    pub(super) kill_waker: AtomicWaker,
    /// Set while the runner polls the body (for `Process.info`'s status).
    pub(super) running: AtomicBool,
    pub(super) flags: AtomicU8,
    /// Messages taken from the shared queue into the receiver's own buffer, not yet handled.
    pub(super) local_len: AtomicUsize,
    pub(super) inner: Mutex<Inner>,
}

#[derive(Default)]
pub(super) struct Inner {
    pub(super) links: PidSet,
    /// Monitors others hold on this process: (reference, watcher).
    pub(super) monitored_by: Vec<(u64, Pid)>,
    /// Monitors this process holds on others: (reference, target). A monitor's Down is put in
    /// the mailbox only while its entry is here, and the entry goes in the same step (under
    /// this lock): so once `demonitor` has taken the entry out, no Down for it can come.
    pub(super) monitoring: Vec<(u64, Pid)>,
    /// The Down messages in the mailbox (the shared queue or the receive buffer), not yet
    /// received, by reference: added when a Down is queued, removed when it is received. The
    /// flag marks one demonitored with `flush` while in the receive buffer, out of
    /// `demonitor`'s reach: it is dropped when it comes to be received.
    pub(super) downs: Vec<(u64, bool)>,
    pub(super) waiters: Vec<Waker>,
    pub(super) names: Vec<Name>,
    pub(super) pending_exit: Option<ExitReason>,
    pub(super) exit_reason: Option<ExitReason>,
    pub(super) parent: Option<Pid>,
    /// Functions run when the process exits, by key (a timer takes its own back when it fires).
    pub(super) hooks: HashMap<u64, ExitHook, FxBuild>,
}

/// A set of pids that stays a small vector for the common case (a worker has one link) and
/// becomes a hash set for a supervisor with many children.
#[derive(Default)]
pub(super) struct PidSet {
    small: Vec<Pid>,
    large: Option<HashSet<Pid>>,
}

impl PidSet {
    const LIMIT: usize = 16;

    pub(super) fn insert(&mut self, pid: Pid) {
        if let Some(set) = &mut self.large {
            set.insert(pid);
        } else if !self.small.contains(&pid) {
            self.small.push(pid);
            if self.small.len() > Self::LIMIT {
                self.large = Some(self.small.drain(..).collect());
            }
        }
    }

    pub(super) fn remove(&mut self, pid: &Pid) {
        if let Some(set) = &mut self.large {
            set.remove(pid);
        } else if let Some(i) = self.small.iter().position(|p| p == pid) {
            self.small.swap_remove(i);
        }
    }

    pub(super) fn contains(&self, pid: &Pid) -> bool {
        match &self.large {
            Some(set) => set.contains(pid),
            None => self.small.contains(pid),
        }
    }

    pub(super) fn take(&mut self) -> Vec<Pid> {
        match self.large.take() {
            Some(set) => set.into_iter().collect(),
            None => std::mem::take(&mut self.small),
        }
    }

    pub(super) fn to_vec(&self) -> Vec<Pid> {
        let mut v: Vec<Pid> = match &self.large {
            Some(set) => set.iter().cloned().collect(),
            None => self.small.clone(),
        };
        v.sort();
        v
    }
}

/// What a dying process takes out of its core to notify the world.
pub(crate) struct Obituary {
    pub(super) links: Vec<Pid>,
    pub(super) monitored_by: Vec<(u64, Pid)>,
    pub(super) monitoring: Vec<(u64, Pid)>,
    pub(super) names: Vec<Name>,
    pub(super) hooks: Vec<ExitHook>,
}

impl Core {
    pub(crate) fn new(node: Node, id: u64, parent: Option<Pid>) -> Self {
        Core {
            id,
            node,
            kill_waker: AtomicWaker::new(),
            running: AtomicBool::new(false),
            flags: AtomicU8::new(0),
            local_len: AtomicUsize::new(0),
            inner: Mutex::new(Inner {
                parent,
                ..Inner::default()
            }),
        }
    }

    pub(crate) fn is_dead(&self) -> bool {
        self.flags.load(Ordering::Acquire) & DEAD != 0
    }

    pub(crate) fn is_trapping(&self) -> bool {
        self.flags.load(Ordering::Relaxed) & TRAP != 0
    }

    /// An exit signal has decided this process must die; it will at its next await point.
    #[inline]
    pub(crate) fn exit_pending(&self) -> bool {
        self.flags.load(Ordering::Acquire) & EXITING != 0
    }

    pub(super) fn set_trap(&self, on: bool) -> bool {
        let old = if on {
            self.flags.fetch_or(TRAP, Ordering::AcqRel)
        } else {
            self.flags.fetch_and(!TRAP, Ordering::AcqRel)
        };
        old & TRAP != 0
    }

    pub(crate) fn exit_reason(&self) -> Option<ExitReason> {
        lock(&self.inner).exit_reason.clone()
    }

    pub(crate) fn parent(&self) -> Option<Pid> {
        lock(&self.inner).parent.clone()
    }

    /// Asks the process to die with `reason` (the first request wins).
    pub(super) fn request_exit(&self, reason: ExitReason) {
        let asked = self.request_exit_locked(&mut lock(&self.inner), reason);
        if asked {
            self.kill_waker.wake();
        }
    }

    /// [`Core::request_exit`] with the core's lock already held; `true` if this request is the
    /// one that counts, and then the caller wakes the process (`kill_waker`) once it has let
    /// the lock go.
    pub(super) fn request_exit_locked(&self, inner: &mut Inner, reason: ExitReason) -> bool {
        if inner.exit_reason.is_some() || inner.pending_exit.is_some() {
            return false;
        }
        inner.pending_exit = Some(reason);
        self.flags.fetch_or(EXITING, Ordering::AcqRel);
        true
    }

    #[inline]
    pub(super) fn take_pending_exit(&self) -> Option<ExitReason> {
        if !self.exit_pending() {
            return None;
        }
        lock(&self.inner).pending_exit.take()
    }

    /// Marks the process dead and takes what must be notified.
    pub(crate) fn mark_dead(&self, reason: ExitReason) -> Obituary {
        let mut inner = lock(&self.inner);
        inner.exit_reason = Some(reason);
        inner.pending_exit = None;
        self.flags.fetch_or(DEAD, Ordering::AcqRel);
        Obituary {
            links: inner.links.take(),
            monitored_by: std::mem::take(&mut inner.monitored_by),
            monitoring: std::mem::take(&mut inner.monitoring),
            names: std::mem::take(&mut inner.names),
            hooks: std::mem::take(&mut inner.hooks).into_values().collect(),
        }
    }

    /// Takes the links and monitors of a process that stays alive: the shadow of a process
    /// on another node whose connection was lost. Its links and monitors are broken (with
    /// `:noconnection`), but the pid still names the process, which a new connection reaches.
    #[cfg(feature = "dist")]
    pub(crate) fn sever(&self) -> Obituary {
        let mut inner = lock(&self.inner);
        Obituary {
            links: inner.links.take(),
            monitored_by: std::mem::take(&mut inner.monitored_by),
            monitoring: std::mem::take(&mut inner.monitoring),
            names: Vec::new(),
            hooks: Vec::new(),
        }
    }

    /// Marks the world told of the exit and wakes whoever waits for it, including those that
    /// began waiting after the process was marked dead.
    pub(super) fn mark_told(&self) {
        let waiters = {
            let mut inner = lock(&self.inner);
            self.flags.fetch_or(TOLD, Ordering::AcqRel);
            std::mem::take(&mut inner.waiters)
        };
        for waker in waiters {
            waker.wake();
        }
    }

    /// The exit reason, once the process has exited and its links, monitors, names and exit
    /// hooks have all been told.
    pub(crate) async fn wait_exit(&self) -> ExitReason {
        poll_fn(|cx| {
            let mut inner = lock(&self.inner);
            if self.flags.load(Ordering::Acquire) & TOLD != 0
                && let Some(reason) = &inner.exit_reason
            {
                return Poll::Ready(reason.clone());
            }
            if !inner.waiters.iter().any(|w| w.will_wake(cx.waker())) {
                inner.waiters.push(cx.waker().clone());
            }
            Poll::Pending
        })
        .await
    }

    /// Registers a function run when the process exits, under a key that
    /// [`Core::remove_exit_hook`] takes. `None` (and the hook dropped) when the process is
    /// already gone.
    pub(crate) fn add_exit_hook(&self, hook: ExitHook) -> Option<u64> {
        static NEXT_KEY: AtomicU64 = AtomicU64::new(1);
        let mut inner = lock(&self.inner);
        if inner.exit_reason.is_some() {
            return None;
        }
        let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
        inner.hooks.insert(key, hook);
        Some(key)
    }

    /// Drops the exit hook registered under `key`, if it has not run.
    pub(crate) fn remove_exit_hook(&self, key: u64) {
        let hook = lock(&self.inner).hooks.remove(&key);
        // Dropped once the lock is let go: the hook may hold what others lock.
        drop(hook);
    }

    /// A Down message for monitor `reference` has been taken from the mailbox: `true` if its
    /// monitor was demonitored with `flush`, and the message is to be dropped.
    pub(super) fn down_taken(&self, reference: u64) -> bool {
        let mut inner = lock(&self.inner);
        match inner.downs.iter().position(|(r, _)| *r == reference) {
            Some(i) => inner.downs.swap_remove(i).1,
            None => false,
        }
    }
}

/// What the process layer adds to a pid: the process's state and what needs it.
impl Pid {
    /// The state of the process this pid names. Every pid of this runtime names one of its
    /// processes, whose cell hands out its `Core`.
    #[inline]
    pub(crate) fn core(&self) -> &Core {
        match self.cell.state().downcast_ref() {
            Some(core) => core,
            None => unreachable!("every process cell holds a Core"),
        }
    }

    /// The node the process runs on. For a pid of another node, which has no [`Node`] value
    /// here, the node that holds this pid (see [`Pid::node_name`] for the node it names).
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

    /// The name of the node the process runs on: Elixir's `node(pid)`. `:nonode@nohost` for a
    /// process of a node that is not distributed, as on the BEAM.
    ///
    /// ```
    /// use otp_core::{Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let pid = Node::new().spawn(|_inbox: Mailbox<()>| async {}).pid();
    /// assert_eq!(pid.node_name(), "nonode@nohost");
    /// # });
    /// ```
    pub fn node_name(&self) -> Atom {
        match self.cell.remote() {
            Some(remote) => remote.external().node.clone(),
            None => self.core().node.name(),
        }
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
    /// It returns once the exit is complete: the process's links have had their exit signals,
    /// its monitors their `Down`, its names are free and it has left the node's process table.
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
}
