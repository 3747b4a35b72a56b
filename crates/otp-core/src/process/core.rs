//! The per-process core: what every process has whatever its message type. Its number and
//! node, its flags (trapping exits, exiting, dead), its links, its monitors both ways, the
//! names it holds, the tasks waiting for its exit, the hooks run when it exits, and its exit
//! reason once it has one.
//!
//! A [`Pid`] reaches a process's core through the cell it holds; the methods of `Pid` that need
//! the core (`node`, `exit_reason`, `wait_exit`) are defined here.
//!
//! Uses exit reasons, pids, the node and names, nothing else of `process`.

use std::any::Any;
use std::collections::HashMap;
use std::future::poll_fn;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, Ordering};
use std::task::{Poll, Waker};

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
/// The mailbox is closed: set and read under the queue's lock (see `queue.rs`).
pub(super) const CLOSED: u8 = 16;
/// The process has said it started (a GenServer, once `init` has returned): what
/// [`Core::wait_started`] waits for.
const STARTED: u8 = 32;

pub(super) type ExitHook = Box<dyn FnOnce(&Pid, &ExitReason) + Send>;

pub(crate) struct Core {
    pub(crate) id: u64,
    pub(crate) node: Node,
    /// Set while the runner polls the body (for `Process.info`'s status).
    pub(super) running: AtomicBool,
    pub(super) flags: AtomicU8,
    /// Messages taken from the shared queue into the receiver's own buffer, not yet handled
    /// (for `Process.info`; saturates at `u32::MAX`). 4 bytes, so that it shares a word with
    /// the two flags above.
    pub(super) local_len: AtomicU32,
    pub(super) inner: Mutex<Inner>,
}

/// What the core's lock guards. An idle process keeps only what nearly every process uses
/// here (its links, its parent, its exit reason and the first task waiting for its exit);
/// the rest lives in [`Extras`], allocated the first time one of its parts is used.
#[derive(Default)]
pub(super) struct Inner {
    pub(super) links: PidSet,
    /// The exit reason: asked for by an exit signal while the process runs (the `EXITING`
    /// flag), then the reason it exited with once it is dead (the `DEAD` flag, set under this
    /// lock in [`Core::mark_dead`]). One slot serves both: a dead process has no pending exit.
    exit: Option<ExitReason>,
    pub(super) parent: Option<Pid>,
    /// The first task waiting for the exit (most often the only one, a `stop`), kept inline;
    /// any further ones go to [`Extras::waiters`].
    waiter: Option<Waker>,
    /// The process's own task, woken when an exit signal decides the process must die; set by
    /// the runner at its first poll (and again only if the task's waker changes) and taken by
    /// the request that counts. Kept under this lock, which every such request holds already,
    /// rather than in an atomic waker beside it: 8 bytes less per process, and those 8 bytes
    /// are what keep the process's allocations in step with tokio's 128-byte-aligned task
    /// cells (see BENCHMARKS.md). (The mailbox keeps its own waker, under its lock, registered
    /// only while it is empty.)
    kill_waker: Option<Waker>,
    extras: Option<Box<Extras>>,
}

/// The parts of a process's core that an idle process most often never uses: monitors, names,
/// exit hooks, Down bookkeeping, more than one exit waiter. Allocated on first use and kept.
#[derive(Default)]
pub(super) struct Extras {
    /// Monitors others hold on this process: reference -> watcher.
    pub(super) monitored_by: RefMap<Pid>,
    /// Monitors this process holds on others: reference -> target. A monitor's Down is put in
    /// the mailbox only while its entry is here, and the entry goes in the same step (under
    /// the core's lock): so once `demonitor` has taken the entry out, no Down for it can come.
    pub(super) monitoring: RefMap<Pid>,
    /// The Down messages in the mailbox (the shared queue or the receive buffer), not yet
    /// received, by reference: added when a Down is queued, removed when it is received. The
    /// flag marks one demonitored with `flush` while in the receive buffer, out of
    /// `demonitor`'s reach: it is dropped when it comes to be received.
    pub(super) downs: RefMap<bool>,
    /// Tasks waiting for the exit, after the first ([`Inner::waiter`]).
    waiters: Vec<Waker>,
    pub(super) names: Vec<Name>,
    /// Functions run when the process exits, by key (a timer takes its own back when it fires).
    hooks: HashMap<u64, ExitHook, FxBuild>,
    /// Why the process failed to start, said before it exits (see [`Core::ack_start`]).
    start_error: Option<Box<dyn Any + Send>>,
    /// How a term becomes a message of the process's type, once it takes terms: a
    /// `queue::TermSink<M>` for the process's `M` (see `Shared::set_term_sink`).
    pub(super) term_sink: Option<Box<dyn Any + Send + Sync>>,
}

impl Inner {
    /// The rarely used parts, allocated now if they were not.
    #[inline]
    pub(super) fn extras(&mut self) -> &mut Extras {
        self.extras.get_or_insert_with(Box::default)
    }

    /// The rarely used parts, if they were ever allocated.
    #[inline]
    pub(super) fn extras_ref(&self) -> Option<&Extras> {
        self.extras.as_deref()
    }

    /// The rarely used parts, if they were ever allocated (for changing them in place).
    #[inline]
    pub(super) fn extras_mut(&mut self) -> Option<&mut Extras> {
        self.extras.as_deref_mut()
    }

    /// The watchers of the monitors others hold on this process, oldest monitor first.
    pub(super) fn monitored_by(&self) -> Vec<Pid> {
        self.extras
            .as_ref()
            .map_or_else(Vec::new, |e| e.monitored_by.values())
    }

    /// The targets of the monitors this process holds, oldest monitor first.
    pub(super) fn monitoring(&self) -> Vec<Pid> {
        self.extras
            .as_ref()
            .map_or_else(Vec::new, |e| e.monitoring.values())
    }

    /// How many monitors this process holds.
    #[cfg(test)]
    pub(super) fn monitoring_len(&self) -> usize {
        self.extras.as_ref().map_or(0, |e| e.monitoring.len())
    }

    /// How many Down messages are noted as not yet received (see [`Extras::downs`]).
    #[cfg(test)]
    pub(super) fn downs_len(&self) -> usize {
        self.extras.as_ref().map_or(0, |e| e.downs.len())
    }

    /// The names the process holds.
    pub(super) fn names(&self) -> &[Name] {
        self.extras.as_ref().map_or(&[], |e| &e.names)
    }

    /// Its local name, if it has one (`Process.info`'s `registered_name`; a process has at
    /// most one).
    pub(super) fn local_name(&self) -> Option<&Name> {
        self.names().iter().find(|n| matches!(n, Name::Local(_)))
    }

    /// Registers a task waiting for the exit (or the start) once: inline if it is the first.
    fn add_waiter(&mut self, waker: &Waker) {
        match &self.waiter {
            None => self.waiter = Some(waker.clone()),
            Some(first) if first.will_wake(waker) => {}
            Some(_) => {
                let more = &mut self.extras().waiters;
                if !more.iter().any(|w| w.will_wake(waker)) {
                    more.push(waker.clone());
                }
            }
        }
    }

    /// Drops monitor `reference` from those others hold on this process; `true` if it was there.
    pub(super) fn remove_monitored_by(&mut self, reference: u64) -> bool {
        self.extras_mut()
            .is_some_and(|extras| extras.monitored_by.remove(&reference).is_some())
    }

    /// Drops monitor `reference` from those this process holds; `true` if it was there.
    pub(super) fn remove_monitoring(&mut self, reference: u64) -> bool {
        self.extras_mut()
            .is_some_and(|extras| extras.monitoring.remove(&reference).is_some())
    }
}

/// A map that stays a small vector for the common case (a worker has one link and holds a
/// monitor or two) and becomes a boxed hash map, with the runtime's Fx hasher, once it holds
/// more than [`SmallMap::LIMIT`] entries: a supervisor's links, the monitors of a process that
/// watches many others. It turns back into a vector when nearly empty, since a hash map keeps
/// the room of its largest size until it is dropped.
///
/// Why a map past a few entries: with vectors alone, a process that monitored 40k others took
/// 0.31 s for their deaths to find its monitors, 0.18 s to receive their Downs and 0.99 s to
/// demonitor 40k more, each step quadratic (`cargo run --release -p otp-core --example
/// many_monitors -- 40000`); with the map, 31 ms, 3.4 ms and 6.4 ms. Why Fx: a link set hashed
/// its pids (two numbers) with SipHash, which made every child started and stopped under a
/// `DynamicSupervisor` about 660 instructions dearer (callgrind; see BENCHMARKS.md). Keys are
/// numbered by this node, or by a connected node that passed the cookie handshake, not by
/// anyone who could pick them to collide.
pub(super) enum SmallMap<K, V> {
    Small(Vec<(K, V)>),
    // Boxed on purpose: the map is then no larger than the vector (24 B; the unit test checks).
    #[allow(clippy::box_collection)]
    Large(Box<HashMap<K, V, FxBuild>>),
}

/// A process's links.
pub(super) type PidSet = SmallMap<Pid, ()>;

/// Monitors or noted Downs, by monitor reference.
pub(super) type RefMap<V> = SmallMap<u64, V>;

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        SmallMap::Small(Vec::new())
    }
}

impl<K: Eq + std::hash::Hash + Ord, V> SmallMap<K, V> {
    const LIMIT: usize = 16;

    /// Sets the entry of `key`.
    pub(super) fn insert(&mut self, key: K, value: V) {
        match self {
            SmallMap::Large(map) => {
                map.insert(key, value);
            }
            SmallMap::Small(small) => {
                if let Some(slot) = small.iter_mut().find(|(k, _)| *k == key) {
                    slot.1 = value;
                    return;
                }
                small.push((key, value));
                if small.len() > Self::LIMIT {
                    *self = SmallMap::Large(Box::new(small.drain(..).collect()));
                }
            }
        }
    }

    /// Takes the entry of `key` out, if there is one.
    pub(super) fn remove(&mut self, key: &K) -> Option<V> {
        match self {
            SmallMap::Large(map) => {
                let value = map.remove(key);
                if map.len() < Self::LIMIT / 4 {
                    *self = SmallMap::Small(self.take());
                }
                value
            }
            SmallMap::Small(small) => {
                let i = small.iter().position(|(k, _)| k == key)?;
                Some(small.remove(i).1)
            }
        }
    }

    /// The entry of `key`, to change in place.
    pub(super) fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        match self {
            SmallMap::Large(map) => map.get_mut(key),
            SmallMap::Small(small) => small.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
        }
    }

    pub(super) fn contains(&self, key: &K) -> bool {
        match self {
            SmallMap::Large(map) => map.contains_key(key),
            SmallMap::Small(small) => small.iter().any(|(k, _)| k == key),
        }
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        match self {
            SmallMap::Large(map) => map.len(),
            SmallMap::Small(small) => small.len(),
        }
    }

    /// Takes every entry out: a small map in the order the entries came, a large one in the
    /// order of the keys (for references, also the order they came).
    pub(super) fn take(&mut self) -> Vec<(K, V)> {
        match std::mem::take(self) {
            SmallMap::Large(map) => {
                let mut all: Vec<(K, V)> = map.into_iter().collect();
                // By comparison, not by a key function, which would clone every key (a pid).
                #[allow(clippy::unnecessary_sort_by)]
                all.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
                all
            }
            SmallMap::Small(small) => small,
        }
    }

    /// Takes the keys out, in the order of [`SmallMap::take`].
    pub(super) fn take_keys(&mut self) -> Vec<K> {
        self.take().into_iter().map(|(k, _)| k).collect()
    }

    /// Copies of the values, in the order of [`SmallMap::take`].
    pub(super) fn values(&self) -> Vec<V>
    where
        V: Clone,
    {
        match self {
            SmallMap::Large(map) => {
                let mut all: Vec<(&K, &V)> = map.iter().collect();
                all.sort_unstable_by_key(|(k, _)| *k);
                all.into_iter().map(|(_, v)| v.clone()).collect()
            }
            SmallMap::Small(small) => small.iter().map(|(_, v)| v.clone()).collect(),
        }
    }

    /// Copies of the keys, sorted.
    pub(super) fn sorted_keys(&self) -> Vec<K>
    where
        K: Clone,
    {
        let mut keys: Vec<K> = match self {
            SmallMap::Large(map) => map.keys().cloned().collect(),
            SmallMap::Small(small) => small.iter().map(|(k, _)| k.clone()).collect(),
        };
        keys.sort();
        keys
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
            running: AtomicBool::new(false),
            flags: AtomicU8::new(0),
            local_len: AtomicU32::new(0),
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
        let inner = lock(&self.inner);
        // The flag is set under this lock, with the reason (`mark_dead`).
        if self.is_dead() {
            inner.exit.clone()
        } else {
            None
        }
    }

    pub(crate) fn parent(&self) -> Option<Pid> {
        lock(&self.inner).parent.clone()
    }

    /// Asks the process to die with `reason` (the first request wins).
    pub(super) fn request_exit(&self, reason: ExitReason) {
        let kill = self.request_exit_locked(&mut lock(&self.inner), reason);
        if let Some(kill) = kill {
            kill.wake();
        }
    }

    /// [`Core::request_exit`] with the core's lock already held. If this request is the one
    /// that counts, it returns the process's waker (when its runner has registered one: if not,
    /// the runner sees the `EXITING` flag at its first poll), which the caller wakes once it
    /// has let the lock go.
    #[must_use]
    pub(super) fn request_exit_locked(
        &self,
        inner: &mut Inner,
        reason: ExitReason,
    ) -> Option<Waker> {
        // Taken already: asked for (the first request wins), or the reason of a dead process.
        if inner.exit.is_some() {
            return None;
        }
        inner.exit = Some(reason);
        self.flags.fetch_or(EXITING, Ordering::AcqRel);
        inner.kill_waker.take()
    }

    /// Registers the process's own task as the one to wake when it must die (see
    /// [`Inner::kill_waker`]). Called by the runner before it looks for a pending exit.
    pub(super) fn register_kill_waker(&self, waker: &Waker) {
        lock(&self.inner).kill_waker = Some(waker.clone());
    }

    /// The process dies of the exit an exit signal asked for, if one did: marks it dead with
    /// that reason and takes what must be notified, under one lock (see [`Core::mark_dead`]).
    #[inline(always)]
    pub(super) fn die_of_pending_exit(&self) -> Option<(ExitReason, Obituary)> {
        if !self.exit_pending() {
            return None;
        }
        self.die_of_exit_signal()
    }

    /// [`Core::die_of_pending_exit`] once an exit signal has asked for it: apart, so that the
    /// check every poll makes stays a load and a branch in the runner (callgrind put 20
    /// instructions per poll in the call it was).
    #[cold]
    #[inline(never)]
    fn die_of_exit_signal(&self) -> Option<(ExitReason, Obituary)> {
        let mut inner = lock(&self.inner);
        // Asked for and not yet dead: the slot holds the pending reason, which stays there as
        // the exit reason.
        let reason = inner.exit.clone()?;
        Some((reason, self.mark_dead_locked(&mut inner)))
    }

    /// Marks the process dead and takes what must be notified.
    pub(crate) fn mark_dead(&self, reason: ExitReason) -> Obituary {
        let mut inner = lock(&self.inner);
        inner.exit = Some(reason);
        self.mark_dead_locked(&mut inner)
    }

    /// [`Core::mark_dead`] with the lock held and the exit reason in its slot.
    fn mark_dead_locked(&self, inner: &mut Inner) -> Obituary {
        self.flags.fetch_or(DEAD, Ordering::AcqRel);
        let links = inner.links.take_keys();
        match inner.extras_mut() {
            Some(extras) => Obituary {
                links,
                monitored_by: extras.monitored_by.take(),
                monitoring: extras.monitoring.take(),
                names: std::mem::take(&mut extras.names),
                hooks: std::mem::take(&mut extras.hooks).into_values().collect(),
            },
            None => Obituary {
                links,
                monitored_by: Vec::new(),
                monitoring: Vec::new(),
                names: Vec::new(),
                hooks: Vec::new(),
            },
        }
    }

    /// Takes the links and monitors of a process that stays alive: the shadow of a process
    /// on another node whose connection was lost. Its links and monitors are broken (with
    /// `:noconnection`), but the pid still names the process, which a new connection reaches.
    #[cfg(feature = "dist")]
    pub(crate) fn sever(&self) -> Obituary {
        let mut inner = lock(&self.inner);
        let links = inner.links.take_keys();
        let (monitored_by, monitoring) = match inner.extras_mut() {
            Some(extras) => (extras.monitored_by.take(), extras.monitoring.take()),
            None => (Vec::new(), Vec::new()),
        };
        Obituary {
            links,
            monitored_by,
            monitoring,
            names: Vec::new(),
            hooks: Vec::new(),
        }
    }

    /// Marks the world told of the exit and wakes whoever waits for it, including those that
    /// began waiting after the process was marked dead.
    pub(super) fn mark_told(&self) {
        let (first, more) = {
            let mut inner = lock(&self.inner);
            self.flags.fetch_or(TOLD, Ordering::AcqRel);
            let more = inner
                .extras_mut()
                .map(|extras| std::mem::take(&mut extras.waiters))
                .unwrap_or_default();
            (inner.waiter.take(), more)
        };
        if let Some(waker) = first {
            waker.wake();
        }
        for waker in more {
            waker.wake();
        }
    }

    /// The exit reason, once the process has exited and its links, monitors, names and exit
    /// hooks have all been told.
    pub(crate) async fn wait_exit(&self) -> ExitReason {
        poll_fn(|cx| {
            let mut inner = lock(&self.inner);
            // TOLD comes after DEAD, both set under this lock: the slot holds the exit reason.
            if self.flags.load(Ordering::Acquire) & TOLD != 0
                && let Some(reason) = &inner.exit
            {
                return Poll::Ready(reason.clone());
            }
            inner.add_waiter(cx.waker());
            Poll::Pending
        })
        .await
    }

    /// Says whether the process started: `Ok` wakes whoever waits in [`Core::wait_started`];
    /// an error is kept for it, and it is told once the process has exited, as a failed start
    /// returns only once the process is gone. (The runtime's own start handshake: no channel
    /// to allocate for each start.)
    pub(crate) fn ack_start(&self, result: Result<(), Box<dyn Any + Send>>) {
        let (first, more) = {
            let mut inner = lock(&self.inner);
            match result {
                Ok(()) => {
                    self.flags.fetch_or(STARTED, Ordering::AcqRel);
                    let more = inner
                        .extras_mut()
                        .map(|extras| std::mem::take(&mut extras.waiters))
                        .unwrap_or_default();
                    (inner.waiter.take(), more)
                }
                Err(error) => {
                    inner.extras().start_error = Some(error);
                    (None, Vec::new())
                }
            }
        };
        // A task waiting for the exit is woken too, and waits again.
        if let Some(waker) = first {
            waker.wake();
        }
        for waker in more {
            waker.wake();
        }
    }

    /// Waits until the process has said it started (`Ok`), or has exited without: then the
    /// error it gave with [`Core::ack_start`], if any, and its exit reason.
    pub(crate) async fn wait_started(
        &self,
    ) -> Result<(), (Option<Box<dyn Any + Send>>, ExitReason)> {
        poll_fn(|cx| {
            let mut inner = lock(&self.inner);
            let flags = self.flags.load(Ordering::Acquire);
            if flags & STARTED != 0 {
                return Poll::Ready(Ok(()));
            }
            // TOLD comes after DEAD, both set under this lock: the slot holds the exit reason.
            if flags & TOLD != 0
                && let Some(reason) = inner.exit.clone()
            {
                let error = inner.extras_mut().and_then(|e| e.start_error.take());
                return Poll::Ready(Err((error, reason)));
            }
            inner.add_waiter(cx.waker());
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
        if self.is_dead() {
            return None;
        }
        let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
        inner.extras().hooks.insert(key, hook);
        Some(key)
    }

    /// Drops the exit hook registered under `key`, if it has not run.
    pub(crate) fn remove_exit_hook(&self, key: u64) {
        let hook = lock(&self.inner)
            .extras_mut()
            .and_then(|extras| extras.hooks.remove(&key));
        // Dropped once the lock is let go: the hook may hold what others lock.
        drop(hook);
    }

    /// A Down message for monitor `reference` has been taken from the mailbox: `true` if its
    /// monitor was demonitored with `flush`, and the message is to be dropped.
    pub(super) fn down_taken(&self, reference: u64) -> bool {
        let mut inner = lock(&self.inner);
        let Some(downs) = inner.extras_mut().map(|extras| &mut extras.downs) else {
            return false;
        };
        downs.remove(&reference).unwrap_or(false)
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

#[cfg(test)]
mod ref_map {
    use super::{PidSet, RefMap};

    /// The link set and the monitor maps cost what a vector costs in every process.
    #[test]
    fn is_the_size_of_a_vector() {
        assert_eq!(std::mem::size_of::<PidSet>(), 24);
        assert_eq!(std::mem::size_of::<RefMap<crate::pid::Pid>>(), 24);
    }

    /// The map keeps its answers when it turns from a vector into a hash map, and hands its
    /// entries back oldest reference first in both forms.
    #[test]
    fn answers_alike_small_and_large() {
        for n in [3u64, RefMap::<u64>::LIMIT as u64 + 5, 200] {
            let mut map = RefMap::default();
            // References arrive in increasing order, with gaps.
            for r in 0..n {
                map.insert(r * 7, r);
            }
            assert_eq!(map.len(), n as usize);
            assert_eq!(map.remove(&7), Some(1), "n = {n}");
            assert_eq!(map.remove(&7), None, "taken once");
            assert_eq!(map.remove(&8), None, "never there");
            *map.get_mut(&14).expect("present") += 1000;
            let mut expected: Vec<u64> = (0..n).filter(|r| *r != 1).collect();
            expected[1] += 1000;
            assert_eq!(map.values(), expected, "n = {n}");
            let taken = map.take();
            assert_eq!(
                taken.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
                (0..n)
                    .filter(|r| *r != 1)
                    .map(|r| r * 7)
                    .collect::<Vec<_>>()
            );
            assert_eq!(map.len(), 0, "emptied by take");
        }
    }

    /// A map that grew large turns back into a vector once nearly empty, keeping its entries.
    #[test]
    fn shrinks_back_once_nearly_empty() {
        let mut map = RefMap::default();
        for r in 0..100u64 {
            map.insert(r, r);
        }
        assert!(matches!(map, RefMap::Large(_)));
        for r in 0..98u64 {
            assert_eq!(map.remove(&r), Some(r));
        }
        assert!(matches!(map, RefMap::Small(_)), "2 entries left");
        assert_eq!(map.values(), vec![98, 99]);
        map.insert(100, 100);
        assert_eq!(map.remove(&99), Some(99));
        assert_eq!(map.values(), vec![98, 100]);
    }
}
