//! Processes: spawn, send, receive, exit signals, links, monitors, names and introspection.
//!
//! A process is a tokio task with a mailbox and a separate signal path. The mailbox holds
//! messages in the order they were sent; exit signals do not queue behind them: a process that
//! is not trapping exits and receives `kill`, `shutdown` or any other abnormal reason stops at
//! its next await point, however long its mailbox is, and a panic in a process becomes its exit
//! reason instead of taking the program down.
//!
//! | Elixir                          | Rust                                          |
//! |---------------------------------|-----------------------------------------------|
//! | `spawn(fn -> ... end)`          | [`spawn`]`(\|mut inbox\| async move { ... })`  |
//! | `spawn_link/1`, `spawn_monitor/1`| [`spawn_link`], [`spawn_monitor`]            |
//! | `send(pid, msg)`                | [`send`]`(&addr, msg)`                         |
//! | `receive do ... after t -> end` | `inbox.receive().await`, [`Mailbox::receive_timeout`] |
//! | `receive do {:answer, n} -> n end` (selective) | [`Mailbox::receive_match`]`(\|m\| matches!(m, Peek::Msg(..)))` |
//! | `self()`                        | [`self_pid`]                                   |
//! | `Process.alive?(pid)`           | [`Pid::is_alive`]                              |
//! | `Process.exit(pid, reason)`     | [`exit`]`(&pid, reason)`                       |
//! | `Process.link/1`, `unlink/1`    | [`link`], [`unlink`]                           |
//! | `Process.monitor/1`, `demonitor/2` | [`monitor`], [`demonitor`]                  |
//! | `Process.flag(:trap_exit, true)`| [`trap_exit`]`(true)`                          |
//! | `Process.register/2`, `whereis/1` | [`register`], [`whereis`]                    |
//! | `Process.info/1`                | [`info`]                                       |
//!
//! ```
//! use otp_core::process::{self, Received};
//! use otp_core::{Mailbox, Node};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let node = Node::new();
//! node.run(async {
//!     // A process that answers pings until it is told to stop.
//!     let echo = process::spawn(|mut inbox: Mailbox<(String, tokio::sync::oneshot::Sender<String>)>| async move {
//!         while let Received::Msg((text, reply)) = inbox.receive().await {
//!             let _ = reply.send(text.to_uppercase());
//!         }
//!     });
//!     let (tx, rx) = tokio::sync::oneshot::channel();
//!     process::send(&echo, ("hello".to_string(), tx));
//!     assert_eq!(rx.await.unwrap(), "HELLO");
//! })
//! .await
//! .unwrap();
//! # });
//! ```

use std::any::{Any, TypeId, type_name};
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::{Future, poll_fn};
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use atomic_waker::AtomicWaker;

pub use crate::message::{AnyMessage, SendError};
pub use crate::pid::Down;

use crate::exit::{Atom, ExitReason};
use crate::name::Name;
use crate::node::Node;
use crate::pid::{Cell, MonitorRef, Pid};
use crate::signal::{SignalAction, SignalKind, on_exit_signal};
use crate::sync::{lock, read, write};

// ---------------------------------------------------------------------------------------------
// Timeouts

/// A timeout: a number of milliseconds, or `:infinity`.
///
/// ```
/// use otp_core::Timeout;
/// use std::time::Duration;
/// assert_eq!(Timeout::from(5000), Timeout::After(Duration::from_millis(5000)));
/// assert_eq!(Timeout::Infinity.as_duration(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timeout {
    /// Give up after this long.
    After(Duration),
    /// Wait for ever: `:infinity`.
    Infinity,
}

impl Timeout {
    /// `Some(duration)`, or `None` for infinity.
    ///
    /// ```
    /// use otp_core::Timeout;
    /// use std::time::Duration;
    ///
    /// // Elixir: 5000 and :infinity
    /// assert_eq!(Timeout::millis(5000).as_duration(), Some(Duration::from_secs(5)));
    /// assert_eq!(Timeout::Infinity.as_duration(), None);
    /// ```
    pub fn as_duration(self) -> Option<Duration> {
        match self {
            Timeout::After(d) => Some(d),
            Timeout::Infinity => None,
        }
    }

    /// A timeout in milliseconds.
    ///
    /// ```
    /// use otp_core::Timeout;
    ///
    /// // Usable in constants, as the default call timeout is.
    /// const PATIENCE: Timeout = Timeout::millis(5000);
    /// assert_eq!(PATIENCE, Timeout::from(5000));
    /// ```
    pub const fn millis(ms: u64) -> Self {
        Timeout::After(Duration::from_millis(ms))
    }
}

impl From<u64> for Timeout {
    fn from(ms: u64) -> Self {
        Timeout::millis(ms)
    }
}

impl From<Duration> for Timeout {
    fn from(d: Duration) -> Self {
        Timeout::After(d)
    }
}

/// Runs `fut` with an optional deadline; `None` when the deadline passed first.
pub(crate) async fn with_timeout<F: Future>(t: Timeout, fut: F) -> Option<F::Output> {
    match t {
        Timeout::Infinity => Some(fut.await),
        Timeout::After(d) => tokio::time::timeout(d, fut).await.ok(),
    }
}

/// `Process.sleep/1`: suspends the calling task for `ms` milliseconds of tokio's clock (which a
/// test can pause and advance).
///
/// ```
/// use otp_core::process;
/// use tokio::time::{Duration, Instant};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
/// let started = Instant::now();
/// // Elixir: Process.sleep(1000)
/// process::sleep(1000).await;
/// assert_eq!(started.elapsed(), Duration::from_millis(1000));
/// # });
/// ```
pub async fn sleep(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await
}

// ---------------------------------------------------------------------------------------------
// Messages

/// What a hand-made process receives: a message of its own type, or one of the two kinds of
/// message the runtime delivers.
#[derive(Debug)]
pub enum Received<M> {
    /// A message sent with [`send`].
    Msg(M),
    /// `{:EXIT, from, reason}`: an exit signal, delivered as a message because the process traps
    /// exits (see [`trap_exit`]).
    Exit {
        /// The process the signal came from.
        from: Pid,
        /// The reason it carried.
        reason: ExitReason,
    },
    /// `{:DOWN, ref, :process, pid, reason}`: a monitored process is gone.
    Down(Down),
}

/// A look at a message still waiting in a mailbox, without taking it: what the predicate of
/// [`Mailbox::receive_match`] sees. The same three cases as [`Received`], borrowed.
#[derive(Debug)]
pub enum Peek<'a, M> {
    /// A message sent with [`send`].
    Msg(&'a M),
    /// `{:EXIT, from, reason}` (see [`Received::Exit`]).
    Exit {
        /// The process the signal came from.
        from: &'a Pid,
        /// The reason it carried.
        reason: &'a ExitReason,
    },
    /// `{:DOWN, ref, :process, pid, reason}` (see [`Received::Down`]).
    Down(&'a Down),
}

/// How a message waits in a mailbox. The process's own messages are stored inline and the
/// runtime's (exit signals, Downs) boxed: those are rare, and a slot is then no larger than the
/// process's own message type needs. Every message is moved in and out of its slot, and a busy
/// mailbox holds many of them, so the slot's size shows directly in throughput.
pub(crate) enum Slot<M> {
    Msg(M),
    Signal(Box<Signal>),
}

/// A message the runtime delivers (see [`Slot`]).
pub(crate) enum Signal {
    Exit { from: Pid, reason: ExitReason },
    Down(Down),
}

impl<M> Slot<M> {
    #[inline]
    fn into_received(self) -> Received<M> {
        match self {
            Slot::Msg(msg) => Received::Msg(msg),
            Slot::Signal(signal) => match *signal {
                Signal::Exit { from, reason } => Received::Exit { from, reason },
                Signal::Down(down) => Received::Down(down),
            },
        }
    }

    fn peek(&self) -> Peek<'_, M> {
        match self {
            Slot::Msg(msg) => Peek::Msg(msg),
            Slot::Signal(signal) => match &**signal {
                Signal::Exit { from, reason } => Peek::Exit { from, reason },
                Signal::Down(down) => Peek::Down(down),
            },
        }
    }

    /// The monitor reference of a Down message.
    #[inline]
    fn down_reference(&self) -> Option<u64> {
        match self {
            Slot::Signal(signal) => match &**signal {
                Signal::Down(down) => Some(down.reference.id),
                Signal::Exit { .. } => None,
            },
            Slot::Msg(_) => None,
        }
    }
}

/// What a process body's output means as an exit reason: `()` is `:normal`; an
/// [`ExitReason`] is itself; `Result<(), ExitReason>` is `:normal` or the error. A public
/// spawn's body returns `()` (a body exits with a reason through [`exit_self`]); the runtime's
/// own processes (servers, supervisors) return their reason.
pub(crate) trait IntoExitReason {
    /// The exit reason.
    fn into_exit_reason(self) -> ExitReason;
}

impl IntoExitReason for () {
    fn into_exit_reason(self) -> ExitReason {
        ExitReason::Normal
    }
}

impl IntoExitReason for ExitReason {
    fn into_exit_reason(self) -> ExitReason {
        self
    }
}

impl IntoExitReason for Result<(), ExitReason> {
    fn into_exit_reason(self) -> ExitReason {
        self.err().unwrap_or(ExitReason::Normal)
    }
}

// ---------------------------------------------------------------------------------------------
// The per-process core

const TRAP: u8 = 1;
const EXITING: u8 = 2;
const DEAD: u8 = 4;

type ExitHook = Box<dyn FnOnce(&Pid, &ExitReason) + Send>;

pub(crate) struct Core {
    pub(crate) id: u64,
    pub(crate) node: Node,
    /// Woken when an exit signal decides the process must die; registered by the runner. (The
    /// mailbox keeps its own waker, under its lock, registered only while it is empty.)
    kill_waker: AtomicWaker,
    /// Set while the runner polls the body (for `Process.info`'s status).
    running: AtomicBool,
    flags: AtomicU8,
    /// Messages taken from the shared queue into the receiver's own buffer, not yet handled.
    local_len: AtomicUsize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    links: PidSet,
    /// Monitors others hold on this process: (reference, watcher).
    monitored_by: Vec<(u64, Pid)>,
    /// Monitors this process holds on others: (reference, target).
    monitoring: Vec<(u64, Pid)>,
    /// References demonitored with `flush`: their Down message, if it comes, is dropped.
    flushed: Vec<u64>,
    waiters: Vec<Waker>,
    names: Vec<Name>,
    pending_exit: Option<ExitReason>,
    exit_reason: Option<ExitReason>,
    parent: Option<Pid>,
    hooks: Vec<ExitHook>,
}

/// A set of pids that stays a small vector for the common case (a worker has one link) and
/// becomes a hash set for a supervisor with many children.
#[derive(Default)]
struct PidSet {
    small: Vec<Pid>,
    large: Option<HashSet<Pid>>,
}

impl PidSet {
    const LIMIT: usize = 16;

    fn insert(&mut self, pid: Pid) {
        if let Some(set) = &mut self.large {
            set.insert(pid);
        } else if !self.small.contains(&pid) {
            self.small.push(pid);
            if self.small.len() > Self::LIMIT {
                self.large = Some(self.small.drain(..).collect());
            }
        }
    }

    fn remove(&mut self, pid: &Pid) {
        if let Some(set) = &mut self.large {
            set.remove(pid);
        } else if let Some(i) = self.small.iter().position(|p| p == pid) {
            self.small.swap_remove(i);
        }
    }

    fn contains(&self, pid: &Pid) -> bool {
        match &self.large {
            Some(set) => set.contains(pid),
            None => self.small.contains(pid),
        }
    }

    fn take(&mut self) -> Vec<Pid> {
        match self.large.take() {
            Some(set) => set.into_iter().collect(),
            None => std::mem::take(&mut self.small),
        }
    }

    fn to_vec(&self) -> Vec<Pid> {
        let mut v: Vec<Pid> = match &self.large {
            Some(set) => set.iter().cloned().collect(),
            None => self.small.clone(),
        };
        v.sort();
        v
    }
}

/// What a dying process takes out of its core to notify the world.
struct Obituary {
    links: Vec<Pid>,
    monitored_by: Vec<(u64, Pid)>,
    monitoring: Vec<(u64, Pid)>,
    waiters: Vec<Waker>,
    names: Vec<Name>,
    hooks: Vec<ExitHook>,
}

impl Core {
    fn new(node: Node, id: u64, parent: Option<Pid>) -> Self {
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

    fn set_trap(&self, on: bool) -> bool {
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
    fn request_exit(&self, reason: ExitReason) {
        {
            let mut inner = lock(&self.inner);
            if inner.exit_reason.is_some() || inner.pending_exit.is_some() {
                return;
            }
            inner.pending_exit = Some(reason);
            self.flags.fetch_or(EXITING, Ordering::AcqRel);
        }
        self.kill_waker.wake();
    }

    #[inline]
    fn take_pending_exit(&self) -> Option<ExitReason> {
        if !self.exit_pending() {
            return None;
        }
        lock(&self.inner).pending_exit.take()
    }

    /// Marks the process dead and takes what must be notified.
    fn mark_dead(&self, reason: ExitReason) -> Obituary {
        let mut inner = lock(&self.inner);
        inner.exit_reason = Some(reason);
        inner.pending_exit = None;
        self.flags.fetch_or(DEAD, Ordering::AcqRel);
        Obituary {
            links: inner.links.take(),
            monitored_by: std::mem::take(&mut inner.monitored_by),
            monitoring: std::mem::take(&mut inner.monitoring),
            waiters: std::mem::take(&mut inner.waiters),
            names: std::mem::take(&mut inner.names),
            hooks: std::mem::take(&mut inner.hooks),
        }
    }

    pub(crate) async fn wait_exit(&self) -> ExitReason {
        poll_fn(|cx| {
            let mut inner = lock(&self.inner);
            if let Some(reason) = &inner.exit_reason {
                return Poll::Ready(reason.clone());
            }
            if !inner.waiters.iter().any(|w| w.will_wake(cx.waker())) {
                inner.waiters.push(cx.waker().clone());
            }
            Poll::Pending
        })
        .await
    }

    /// Registers a function run when the process exits. Returns `false` (and drops the hook)
    /// when the process is already gone.
    pub(crate) fn add_exit_hook(&self, hook: ExitHook) -> bool {
        let mut inner = lock(&self.inner);
        if inner.exit_reason.is_some() {
            return false;
        }
        inner.hooks.push(hook);
        true
    }

    fn take_flushed(&self, reference: u64) -> bool {
        let mut inner = lock(&self.inner);
        match inner.flushed.iter().position(|r| *r == reference) {
            Some(i) => {
                inner.flushed.swap_remove(i);
                true
            }
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
    pub fn downcast<M: Send + 'static>(&self) -> Option<Addr<M>> {
        Addr::from_pid(self)
    }
}

// ---------------------------------------------------------------------------------------------
// The shared half of a process: core and mailbox queue

pub(crate) struct Shared<M> {
    pub(crate) core: Core,
    queue: Mutex<Queue<M>>,
}

struct Queue<M> {
    items: VecDeque<Slot<M>>,
    /// The receiver's waker, present only while it waits on an empty mailbox.
    waker: Option<Waker>,
    closed: bool,
}

impl<M: Send + 'static> Shared<M> {
    pub(crate) fn push(&self, item: Slot<M>) -> Result<(), Slot<M>> {
        let waiting = {
            let mut q = lock(&self.queue);
            if q.closed {
                return Err(item);
            }
            q.items.push_back(item);
            q.waker.take()
        };
        if let Some(waker) = waiting {
            waker.wake();
        }
        Ok(())
    }
}

impl<M: Send + 'static> Cell for Shared<M> {
    fn id(&self) -> u64 {
        self.core.id
    }

    fn node_id(&self) -> u64 {
        self.core.node.id()
    }

    fn is_dead(&self) -> bool {
        self.core.is_dead()
    }

    fn state(&self) -> &(dyn Any + Send + Sync) {
        &self.core
    }

    fn push_any(&self, msg: Box<dyn Any + Send>) -> bool {
        match msg.downcast::<M>() {
            Ok(msg) => self.push(Slot::Msg(*msg)).is_ok(),
            // The caller compares the types first (`AnyMessage::deliver`): not reached.
            Err(_) => false,
        }
    }

    fn push_exit(&self, from: Pid, reason: ExitReason) {
        let _ = self.push(Slot::Signal(Box::new(Signal::Exit { from, reason })));
    }

    fn push_down(&self, down: Down) {
        let _ = self.push(Slot::Signal(Box::new(Signal::Down(down))));
    }

    fn remove_down(&self, reference: u64) -> bool {
        let mut q = lock(&self.queue);
        let found = q
            .items
            .iter()
            .position(|item| item.down_reference() == Some(reference));
        match found {
            Some(i) => {
                q.items.remove(i);
                true
            }
            None => false,
        }
    }

    fn queue_len(&self) -> usize {
        lock(&self.queue).items.len() + self.core.local_len.load(Ordering::Relaxed)
    }

    fn close_mailbox(&self) {
        let (items, waker) = {
            let mut q = lock(&self.queue);
            q.closed = true;
            (std::mem::take(&mut q.items), q.waker.take())
        };
        drop(items);
        drop(waker);
    }

    fn shrink_mailbox(&self) {
        lock(&self.queue).items.shrink_to_fit();
    }

    fn message_type(&self) -> TypeId {
        TypeId::of::<M>()
    }

    fn message_type_name(&self) -> &'static str {
        type_name::<M>()
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Typed handles

/// A typed handle to a hand-made process whose messages are `M`: what [`spawn`] returns.
///
/// It prints as the process's pid, and sending through it costs no lookup.
pub struct Addr<M> {
    pub(crate) shared: Arc<Shared<M>>,
}

impl<M> Clone for Addr<M> {
    fn clone(&self) -> Self {
        Addr {
            shared: self.shared.clone(),
        }
    }
}

impl<M: Send + 'static> Addr<M> {
    /// The process's pid.
    ///
    /// ```
    /// use otp_core::{Mailbox, Node, Pid, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let worker = process::spawn(|_inbox: Mailbox<()>| async {});
    ///         let pid: Pid = worker.pid();
    ///         assert_eq!(pid.to_string(), "#PID<0.101.0>");
    ///         // The handle prints as its pid.
    ///         assert_eq!(worker.to_string(), pid.to_string());
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn pid(&self) -> Pid {
        Pid {
            cell: self.shared.clone(),
        }
    }

    /// `true` until the process has exited.
    ///
    /// ```
    /// use otp_core::{Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let worker = process::spawn(|_inbox: Mailbox<()>| async {});
    ///         // Elixir: Process.alive?(pid)
    ///         assert!(worker.is_alive());
    ///         worker.pid().wait_exit().await;
    ///         assert!(!worker.is_alive());
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn is_alive(&self) -> bool {
        !self.shared.core.is_dead()
    }

    /// Sends `msg`; a message to a dead process is dropped, as in OTP.
    ///
    /// ```
    /// use otp_core::{Console, Mailbox, Node, Received, io};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let console = Console::capture();
    /// let node = Node::with_console(console.clone());
    /// let echo = node.spawn(|mut inbox: Mailbox<String>| async move {
    ///     if let Received::Msg(text) = inbox.receive().await {
    ///         io::puts(text);
    ///     }
    /// });
    /// // Elixir: send(pid, "hello")
    /// echo.send("hello".to_string());
    /// echo.pid().wait_exit().await;
    /// assert_eq!(console.contents(), "hello\n");
    /// // Sending to a process that has exited does nothing, as on the BEAM.
    /// echo.send("anyone there?".to_string());
    /// # });
    /// ```
    pub fn send(&self, msg: M) {
        let _ = self.shared.push(Slot::Msg(msg));
    }

    /// Sends `msg`, saying whether the process was alive to take it.
    ///
    /// ```
    /// use otp_core::process::SendError;
    /// use otp_core::{Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|_inbox: Mailbox<u32>| async {});
    /// assert_eq!(worker.try_send(1), Ok(()));
    /// worker.pid().wait_exit().await;
    /// assert_eq!(worker.try_send(2), Err(SendError::NoProc));
    /// # });
    /// ```
    pub fn try_send(&self, msg: M) -> Result<(), SendError> {
        self.shared
            .push(Slot::Msg(msg))
            .map_err(|_| SendError::NoProc)
    }

    pub(crate) fn from_pid(pid: &Pid) -> Option<Self> {
        if pid.cell.message_type() != TypeId::of::<M>() {
            return None;
        }
        pid.cell
            .clone()
            .into_any()
            .downcast::<Shared<M>>()
            .ok()
            .map(|shared| Addr { shared })
    }
}

impl<M> PartialEq for Addr<M> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<M> Eq for Addr<M> {}

impl<M> fmt::Display for Addr<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#PID<0.{}.0>", self.shared.core.id)
    }
}

impl<M> fmt::Debug for Addr<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<M: Send + 'static> From<&Addr<M>> for Pid {
    fn from(a: &Addr<M>) -> Pid {
        a.pid()
    }
}

impl<M: Send + 'static> From<Addr<M>> for Pid {
    fn from(a: Addr<M>) -> Pid {
        a.pid()
    }
}

// ---------------------------------------------------------------------------------------------
// The mailbox (the receiving half, owned by the process body)

/// A process's own end of its mailbox: what a hand-made process receives from.
///
/// Messages arrive in the order they were sent by any one sender. Receiving takes them in
/// order; [`Mailbox::receive_match`] takes the first one a predicate accepts and leaves the
/// others in place, as Erlang's selective `receive` does.
pub struct Mailbox<M> {
    shared: Arc<Shared<M>>,
    local: VecDeque<Slot<M>>,
}

impl<M: Send + 'static> Mailbox<M> {
    pub(crate) fn new(shared: Arc<Shared<M>>) -> Self {
        Mailbox {
            shared,
            local: VecDeque::new(),
        }
    }

    /// A handle to this process.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, Received};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<u32>| async move {
    ///     // A process can hand out its own typed handle, or send to itself.
    ///     let me = inbox.addr();
    ///     me.send(7);
    ///     assert!(matches!(inbox.receive().await, Received::Msg(7)));
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub fn addr(&self) -> Addr<M> {
        Addr {
            shared: self.shared.clone(),
        }
    }

    /// This process's pid.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|inbox: Mailbox<u32>| async move {
    ///     // Elixir: self()
    ///     assert_eq!(inbox.pid(), process::self_pid());
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub fn pid(&self) -> Pid {
        self.addr().pid()
    }

    /// An exit signal has decided this process must die (it will at its next await point).
    pub(crate) fn exit_pending(&self) -> bool {
        self.shared.core.exit_pending()
    }

    /// Moves everything sent so far into the private buffer. Returns `true` if it moved any;
    /// otherwise, given a context, leaves the task's waker for the next sender to wake.
    fn refill(&mut self, cx: Option<&Context<'_>>) -> bool {
        let mut q = lock(&self.shared.queue);
        if q.items.is_empty() {
            if let Some(cx) = cx {
                match &q.waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => q.waker = Some(cx.waker().clone()),
                }
            }
            return false;
        }
        if self.local.is_empty() {
            std::mem::swap(&mut self.local, &mut q.items);
        } else {
            self.local.extend(q.items.drain(..));
        }
        // Busy now: a sender need not wake this task, which looks again before it waits.
        let stale = q.waker.take();
        drop(q);
        drop(stale);
        true
    }

    fn publish_len(&self) {
        self.shared
            .core
            .local_len
            .store(self.local.len(), Ordering::Relaxed);
    }

    /// Drops a Down message whose monitor was removed with `flush`.
    #[inline]
    fn is_flushed(&self, item: &Slot<M>) -> bool {
        item.down_reference()
            .is_some_and(|reference| self.shared.core.take_flushed(reference))
    }

    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Received<M>> {
        let coop = std::task::ready!(tokio::task::coop::poll_proceed(cx));
        loop {
            if let Some(item) = self.local.pop_front() {
                self.publish_len();
                if self.is_flushed(&item) {
                    continue;
                }
                coop.made_progress();
                return Poll::Ready(item.into_received());
            }
            if !self.refill(Some(cx)) {
                return Poll::Pending;
            }
        }
    }

    /// The next message, or `Pending` with the task's waker left for the next sender: one
    /// look at the shared queue either way. Unlike [`Mailbox::receive`] it does not count
    /// against tokio's cooperative budget, so a caller that loops on it must yield on its own
    /// (the GenServer loop does, every 64 messages).
    pub(crate) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Received<M>> {
        loop {
            if let Some(item) = self.local.pop_front() {
                self.publish_len();
                if self.is_flushed(&item) {
                    continue;
                }
                return Poll::Ready(item.into_received());
            }
            if !self.refill(Some(cx)) {
                return Poll::Pending;
            }
        }
    }

    /// Waits for the next message.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, Received};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<&'static str>| async move {
    ///     // Elixir: receive do msg -> msg end
    ///     match inbox.receive().await {
    ///         Received::Msg(text) => assert_eq!(text, "ping"),
    ///         other => panic!("expected a message, got {other:?}"),
    ///     }
    /// });
    /// worker.send("ping");
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub async fn receive(&mut self) -> Received<M> {
        poll_fn(|cx| self.poll_next(cx)).await
    }

    /// Waits at most `timeout` for the next message (`receive ... after t -> ... end`);
    /// `None` if nothing came.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, Received};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<u32>| async move {
    ///     // Elixir: receive do n -> n after 1000 -> :timeout end
    ///     assert!(matches!(inbox.receive_timeout(1000).await, Some(Received::Msg(1))));
    ///     assert!(inbox.receive_timeout(1000).await.is_none());
    /// });
    /// worker.send(1);
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub async fn receive_timeout(&mut self, timeout: impl Into<Timeout>) -> Option<Received<M>> {
        with_timeout(timeout.into(), self.receive()).await
    }

    /// The next message, if one is already waiting.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, Received};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<u32>| async move {
    ///     // Elixir: receive do n -> n after 0 -> nil end
    ///     assert!(inbox.try_receive().is_none());
    ///     inbox.addr().send(1);
    ///     assert!(matches!(inbox.try_receive(), Some(Received::Msg(1))));
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub fn try_receive(&mut self) -> Option<Received<M>> {
        loop {
            let item = match self.local.pop_front() {
                Some(item) => item,
                None => {
                    if !self.refill(None) {
                        return None;
                    }
                    continue;
                }
            };
            self.publish_len();
            if !self.is_flushed(&item) {
                return Some(item.into_received());
            }
        }
    }

    /// Takes every message waiting now (IEx's `flush/0`, returned rather than printed).
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, Received};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<u32>| async move {
    ///     for n in 1..=3 {
    ///         inbox.addr().send(n);
    ///     }
    ///     // IEx: flush()
    ///     let numbers: Vec<u32> = inbox
    ///         .flush()
    ///         .into_iter()
    ///         .filter_map(|m| match m {
    ///             Received::Msg(n) => Some(n),
    ///             _ => None,
    ///         })
    ///         .collect();
    ///     assert_eq!(numbers, [1, 2, 3]);
    ///     assert!(inbox.is_empty());
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub fn flush(&mut self) -> Vec<Received<M>> {
        std::iter::from_fn(|| self.try_receive()).collect()
    }

    /// Selective receive: waits for the first message `accept` returns `true` for, leaving every
    /// other message in the mailbox, in order. The predicate looks at each waiting message
    /// through a [`Peek`], the borrowed form of [`Received`].
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, Peek, Received};
    ///
    /// #[derive(Debug)]
    /// enum Msg {
    ///     Chatter(u32),
    ///     Answer(u32),
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<Msg>| async move {
    ///     inbox.addr().send(Msg::Chatter(1));
    ///     inbox.addr().send(Msg::Answer(42));
    ///     // Elixir: receive do {:answer, n} -> n end
    ///     let answer = inbox.receive_match(|m| matches!(m, Peek::Msg(Msg::Answer(_)))).await;
    ///     assert!(matches!(answer, Received::Msg(Msg::Answer(42))));
    ///     // The chatter was skipped, not lost: it is still first in line.
    ///     assert!(matches!(inbox.try_receive(), Some(Received::Msg(Msg::Chatter(1)))));
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub async fn receive_match(
        &mut self,
        mut accept: impl FnMut(Peek<'_, M>) -> bool,
    ) -> Received<M> {
        let mut scanned = 0;
        poll_fn(|cx| {
            loop {
                while scanned < self.local.len() {
                    if accept(self.local[scanned].peek()) {
                        let item = self.local.remove(scanned).expect("index checked above");
                        self.publish_len();
                        if self.is_flushed(&item) {
                            continue;
                        }
                        return Poll::Ready(item.into_received());
                    }
                    scanned += 1;
                }
                if !self.refill(Some(cx)) {
                    return Poll::Pending;
                }
                self.publish_len();
            }
        })
        .await
    }

    /// Selective receive with a timeout (`receive ... after t -> ... end`): the first message
    /// `accept` returns `true` for, or `None` if none came in time; other messages stay.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, Peek};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<u32>| async move {
    ///     inbox.addr().send(1);
    ///     // Elixir: receive do 2 -> :two after 500 -> :none end
    ///     let two = inbox.receive_match_timeout(|m| matches!(m, Peek::Msg(2)), 500).await;
    ///     assert!(two.is_none());
    ///     assert_eq!(inbox.len(), 1, "the 1 is still waiting");
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub async fn receive_match_timeout(
        &mut self,
        accept: impl FnMut(Peek<'_, M>) -> bool,
        timeout: impl Into<Timeout>,
    ) -> Option<Received<M>> {
        with_timeout(timeout.into(), self.receive_match(accept)).await
    }

    /// Messages waiting, counted as `Process.info(pid, :message_queue_len)` counts them.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<u32>| async move {
    ///     inbox.addr().send(1);
    ///     inbox.addr().send(2);
    ///     // Elixir: Process.info(self(), :message_queue_len)
    ///     assert_eq!(inbox.len(), 2);
    ///     inbox.receive().await;
    ///     assert_eq!(inbox.len(), 1);
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub fn len(&self) -> usize {
        self.local.len() + lock(&self.shared.queue).items.len()
    }

    /// `true` if no message is waiting.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|inbox: Mailbox<u32>| async move {
    ///     assert!(inbox.is_empty());
    ///     inbox.addr().send(1);
    ///     assert!(!inbox.is_empty());
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Releases spare capacity (what `:hibernate` amounts to on tokio).
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<u32>| async move {
    ///     for n in 0..1000 {
    ///         inbox.addr().send(n);
    ///     }
    ///     inbox.flush();
    ///     // After a burst, give back the room the queue grew to.
    ///     inbox.shrink();
    ///     assert!(inbox.is_empty());
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub fn shrink(&mut self) {
        self.local.shrink_to_fit();
        self.shared.shrink_mailbox();
    }
}

impl<M> fmt::Debug for Mailbox<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mailbox(#PID<0.{}.0>)", self.shared.core.id)
    }
}

// ---------------------------------------------------------------------------------------------
// The current process

/// What the runner publishes while it polls a process: the process, and the timer its calls
/// time out on (made at its first call with a timeout, reused by every call after; see
/// [`poll_deadline`]). Only the process's own task ever touches the timer, so it needs
/// no lock.
pub(crate) struct Current {
    pid: Pid,
    call_timer: std::cell::Cell<Option<Box<CallTimer>>>,
}

thread_local! {
    /// The process being polled on this thread: the runner's own `Current`, published for the
    /// length of one poll of its body and null otherwise. A plain pointer in a const-initialised
    /// cell costs one load to read; the runner pays two stores per poll instead of moving the
    /// record in and out of the thread-local.
    static CURRENT: std::cell::Cell<*const Current> = const { std::cell::Cell::new(std::ptr::null()) };
}

/// Runs `f` on the current process's record, if this thread is polling one.
#[inline]
fn current_record<R>(f: impl FnOnce(Option<&Current>) -> R) -> R {
    let current = CURRENT.with(std::cell::Cell::get);
    // SAFETY: a non-null pointer was published by `Runner::poll` on this thread and points at
    // the runner's own `Current`, which stays in place and is not touched by the runner until
    // the poll that published it has ended and taken the pointer back; the code asking runs
    // inside that poll. `Current` is only ever shared, never borrowed mutably, meanwhile.
    f(unsafe { current.as_ref() })
}

/// The pid of the process running this code, or `None` outside any process.
///
/// ```
/// use otp_core::{Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// assert_eq!(process::current(), None);
/// let inside = Node::new().run(async { process::current() }).await.unwrap();
/// assert_eq!(inside.unwrap().to_string(), "#PID<0.100.0>");
/// # });
/// ```
pub fn current() -> Option<Pid> {
    with_current(|p| p.cloned())
}

#[inline]
pub(crate) fn with_current<R>(f: impl FnOnce(Option<&Pid>) -> R) -> R {
    current_record(|c| f(c.map(|c| &c.pid)))
}

/// Runs `f` on the calling process's call timer; `None` outside any process. (Taken out of its
/// cell for the length of `f`: a nested call would find the slot empty, not alias it.)
fn with_call_timer<R>(f: impl FnOnce(&mut Option<Box<CallTimer>>) -> R) -> Option<R> {
    current_record(|c| {
        let cell = &c?.call_timer;
        let mut timer = cell.take();
        let out = f(&mut timer);
        cell.set(timer);
        Some(out)
    })
}

/// Polls the deadline of a call (a request waiting for its reply; see
/// `gen_server::call_timeout`). A process waits for one reply at a time, so it keeps one timer for
/// all its calls. The timer is moved only when its deadline is later than the call's or has
/// passed; deadlines growing from one call to the next, that happens about once per timeout
/// period instead of once per call. While it is armed with this task's waker it is not even
/// polled: it will wake the task when it fires, and a timer that fires before the call's own
/// deadline just wakes the caller to set it again. Outside any process the call uses a timer of
/// its own.
pub(crate) fn poll_deadline(
    at: tokio::time::Instant,
    now: Option<tokio::time::Instant>,
    own: &mut Option<Box<CallTimer>>,
    cx: &mut Context<'_>,
) -> Poll<()> {
    match with_call_timer(|timer| poll_timer(timer, at, now, cx)) {
        Some(polled) => polled,
        None => poll_timer(own, at, now, cx),
    }
}

/// A process's reusable call timer (see [`poll_deadline`]).
pub(crate) struct CallTimer {
    sleep: Pin<Box<tokio::time::Sleep>>,
    /// While armed: the timer's deadline and the waker it holds.
    armed: Option<(tokio::time::Instant, std::task::Waker)>,
}

/// `now`, when given, is the current time, which lets an armed timer whose deadline is still
/// ahead be trusted without asking tokio anything.
fn poll_timer(
    slot: &mut Option<Box<CallTimer>>,
    at: tokio::time::Instant,
    now: Option<tokio::time::Instant>,
    cx: &mut Context<'_>,
) -> Poll<()> {
    if let (Some(now), Some(timer)) = (now, &*slot)
        && let Some((d, w)) = &timer.armed
        && *d > now
        && *d <= at
        && w.will_wake(cx.waker())
    {
        return Poll::Pending;
    }
    let timer = slot.get_or_insert_with(|| {
        Box::new(CallTimer {
            sleep: Box::pin(tokio::time::sleep_until(at)),
            armed: None,
        })
    });
    if timer.sleep.deadline() > at || timer.sleep.is_elapsed() {
        timer.sleep.as_mut().reset(at);
        timer.armed = None;
    }
    if timer
        .armed
        .as_ref()
        .is_some_and(|(_, w)| w.will_wake(cx.waker()))
    {
        return Poll::Pending;
    }
    loop {
        match timer.sleep.as_mut().poll(cx) {
            Poll::Pending => {
                timer.armed = Some((timer.sleep.deadline(), cx.waker().clone()));
                return Poll::Pending;
            }
            Poll::Ready(()) if tokio::time::Instant::now() >= at => {
                timer.armed = None;
                return Poll::Ready(());
            }
            Poll::Ready(()) => timer.sleep.as_mut().reset(at),
        }
    }
}

/// `self()`: the pid of the calling process.
///
/// ```
/// use otp_core::{Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         // Elixir: self()
///         let me = process::self_pid();
///         assert_eq!(me.to_string(), "#PID<0.100.0>");
///         assert!(me.is_alive());
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// Outside a process (start one with [`Node::run`] or [`Node::spawn`]).
pub fn self_pid() -> Pid {
    current().expect(OUTSIDE)
}

const OUTSIDE: &str = "this otp_core function must be called from inside a process: start one with Node::run or Node::spawn";

/// The node of the calling process.
///
/// ```
/// use otp_core::{Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let id = node.run(async { process::current_node().id() }).await.unwrap();
/// assert_eq!(id, node.id());
/// # });
/// ```
///
/// # Panics
/// Outside a process.
pub fn current_node() -> Node {
    with_current(|p| p.map(|p| p.node())).expect(OUTSIDE)
}

// ---------------------------------------------------------------------------------------------
// Spawning

#[derive(Default, Clone, Copy)]
pub(crate) struct SpawnOpts {
    pub(crate) link: bool,
    pub(crate) monitor: bool,
    pub(crate) trap_exit: bool,
    /// The process reports its own crashes (a GenServer does); no plain "raised an exception".
    pub(crate) reports_own_crash: bool,
}

/// Creates a process on `node` without starting its body yet.
pub(crate) fn create<M: Send + 'static>(node: &Node, parent: Option<Pid>) -> Arc<Shared<M>> {
    Arc::new(Shared {
        core: Core::new(node.clone(), node.next_pid(), parent),
        queue: Mutex::new(Queue {
            items: VecDeque::new(),
            waker: None,
            closed: false,
        }),
    })
}

pub(crate) fn spawn_on<M, F, Fut>(
    node: &Node,
    parent: Option<Pid>,
    f: F,
    opts: SpawnOpts,
) -> Addr<M>
where
    M: Send + 'static,
    F: FnOnce(Mailbox<M>) -> Fut,
    Fut: Future + Send + 'static,
    Fut::Output: IntoExitReason,
{
    let shared = create::<M>(node, parent);
    let body = f(Mailbox::new(shared.clone()));
    start(shared, body, opts).0
}

/// Registers a created process, sets its links and monitors and starts its body.
pub(crate) fn start<M, Fut>(
    shared: Arc<Shared<M>>,
    body: Fut,
    opts: SpawnOpts,
) -> (Addr<M>, Option<MonitorRef>)
where
    M: Send + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: IntoExitReason,
{
    // Before the first process runs: its panics are reported by the runtime, not printed.
    crate::panic::install_hook(|| with_current(|p| p.is_some()));
    let addr = Addr {
        shared: shared.clone(),
    };
    let pid = addr.pid();
    if opts.trap_exit {
        shared.core.set_trap(true);
    }
    shared.core.node.table_insert(&pid);
    let mut monitor_ref = None;
    if (opts.link || opts.monitor)
        && let Some(me) = current()
    {
        {
            if opts.link {
                // The new process has not run yet, so it cannot have died: linking succeeds.
                let _ = link_pair(&me, &pid);
            }
            if opts.monitor {
                monitor_ref = Some(monitor_from(&me, &pid));
            }
        }
    }
    tokio::spawn(Runner::new(shared, body, opts.reports_own_crash));
    (addr, monitor_ref)
}

#[cfg(test)]
pub(crate) fn run_probe<M: Send + 'static, Fut>(shared: Arc<Shared<M>>, body: Fut) -> usize
where
    Fut: Future + Send + 'static,
    Fut::Output: IntoExitReason,
{
    std::mem::size_of_val(&Runner::new(shared, body, false))
}

/// The task every process runs in: polls the body with the process set as current, stops it
/// when an exit signal says so or when it panics, and then tells the world.
///
/// Written by hand rather than as an `async fn` so that the body is stored once: an `async fn`
/// keeps its argument and the pinned local it is moved into as two slots.
struct Runner<M, Fut> {
    shared: Arc<Shared<M>>,
    /// Published through `CURRENT` while the body is polled.
    me: Current,
    registered: Option<Waker>,
    reports_own_crash: bool,
    /// Structurally pinned: never moved out, only dropped in place.
    body: Option<Fut>,
}

impl<M, Fut> Runner<M, Fut>
where
    M: Send + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: IntoExitReason,
{
    fn new(shared: Arc<Shared<M>>, body: Fut, reports_own_crash: bool) -> Self {
        Runner {
            me: Current {
                pid: Pid {
                    cell: shared.clone(),
                },
                call_timer: std::cell::Cell::new(None),
            },
            shared,
            registered: None,
            reports_own_crash,
            body: Some(body),
        }
    }
}

impl<M, Fut> Future for Runner<M, Fut>
where
    M: Send + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: IntoExitReason,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: `body` is the only pinned field. It is reached only through `Pin::new_unchecked`
        // below and is dropped in place (set to `None`), never moved; the other fields are plain
        // data this code moves freely. `Runner` has no `Drop` impl that could move it.
        let this = unsafe { self.get_unchecked_mut() };
        let core = &this.shared.core;
        // The kill waker needs registering once: a task's waker does not change between polls
        // (compared cheaply, and registered again if an executor ever hands another).
        if !this
            .registered
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()))
        {
            core.kill_waker.register(cx.waker());
            this.registered = Some(cx.waker().clone());
        }
        // Only a panic in this process's own code is reported; a panic reason that arrives as an
        // exit signal from a link is not this process's exception.
        let mut raised = false;
        let reason = match core.take_pending_exit() {
            Some(reason) => reason,
            None => {
                core.running.store(true, Ordering::Relaxed);
                let previous = CURRENT.with(|c| c.replace(&this.me));
                // SAFETY: see above; `body` stays where it is.
                let body = unsafe { Pin::new_unchecked(&mut this.body) };
                let polled = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    body.as_pin_mut()
                        .map(|b| b.poll(cx))
                        .unwrap_or(Poll::Pending)
                }));
                CURRENT.with(|c| c.set(previous));
                core.running.store(false, Ordering::Relaxed);
                match polled {
                    Ok(Poll::Ready(out)) => out.into_exit_reason(),
                    Ok(Poll::Pending) => return Poll::Pending,
                    Err(payload) => {
                        raised = true;
                        ExitReason::Panic(Arc::from(crate::panic::message(&*payload).as_str()))
                    }
                }
            }
        };
        let pid = this.me.pid.clone();
        this.registered = None;
        let obituary = core.mark_dead(reason.clone());
        // Drop the body (and the messages and reply handles it holds) only now that the exit
        // reason is set, so that a caller woken by a dropped reply handle can read it. Setting
        // the field to `None` drops the pinned future in place.
        this.body = None;
        this.shared.close_mailbox();
        if raised
            && !this.reports_own_crash
            && let ExitReason::Panic(message) = &reason
        {
            // Reported as the dying process, so the log line reaches its node's console.
            let previous = CURRENT.with(|c| c.replace(&this.me));
            tracing::error!(
                target: "otp::process",
                "Process {pid} raised an exception\n** (panic) {message}"
            );
            CURRENT.with(|c| c.set(previous));
        }
        notify_exit(&pid, &reason, obituary);
        Poll::Ready(())
    }
}

fn notify_exit(pid: &Pid, reason: &ExitReason, obituary: Obituary) {
    let node = pid.node();
    node.table_remove(pid.id());
    for name in &obituary.names {
        release_name(&node, name, pid);
    }
    for hook in obituary.hooks {
        hook(pid, reason);
    }
    for linked in obituary.links {
        lock(&linked.core().inner).links.remove(pid);
        deliver_exit_signal(&linked, pid, reason, SignalKind::Link);
    }
    for (reference, watcher) in obituary.monitored_by {
        watcher.cell.push_down(Down {
            reference: MonitorRef {
                id: reference,
                target: pid.clone(),
            },
            pid: pid.clone(),
            reason: reason.clone(),
        });
        // The monitor is spent. Dropped only after the Down is queued, so `demonitor` that
        // finds it gone knows the Down is already in the mailbox.
        lock(&watcher.core().inner)
            .monitoring
            .retain(|(r, _)| *r != reference);
    }
    for (reference, target) in obituary.monitoring {
        lock(&target.core().inner)
            .monitored_by
            .retain(|(r, _)| *r != reference);
    }
    for waker in obituary.waiters {
        waker.wake();
    }
}

/// Applies an exit signal to `target`.
fn deliver_exit_signal(target: &Pid, from: &Pid, reason: &ExitReason, kind: SignalKind) {
    if target.core().is_dead() {
        return;
    }
    match on_exit_signal(target.core().is_trapping(), reason, kind) {
        SignalAction::Ignore => {}
        SignalAction::Deliver(reason) => target.cell.push_exit(from.clone(), reason),
        SignalAction::Die(reason) => target.core().request_exit(reason),
    }
}

/// Starting processes on a node from outside any process: the root of a program or test.
impl Node {
    /// Spawns a process on this node from outside any process: the root of a program or test.
    /// Inside a process use [`crate::process::spawn`].
    ///
    /// ```
    /// use otp_core::{Console, ExitReason, Mailbox, Node, Received, io};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let console = Console::capture();
    /// let node = Node::with_console(console.clone());
    /// // The first process of a program: no parent, nothing to link to.
    /// let greeter = node.spawn(|mut inbox: Mailbox<String>| async move {
    ///     if let Received::Msg(name) = inbox.receive().await {
    ///         io::puts(format!("hello, {name}"));
    ///     }
    /// });
    /// greeter.send("ada".to_string());
    /// assert_eq!(greeter.pid().wait_exit().await, ExitReason::Normal);
    /// assert_eq!(console.contents(), "hello, ada\n");
    /// # });
    /// ```
    pub fn spawn<M, F, Fut>(&self, f: F) -> Addr<M>
    where
        M: Send + 'static,
        F: FnOnce(Mailbox<M>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        spawn_on(self, None, f, SpawnOpts::default())
    }

    /// Runs `fut` as a process on this node (a shell, in IEx terms) and waits for it.
    ///
    /// Returns the future's output, or `Err(reason)` if the process exited before finishing:
    /// killed by a linked process, say, as a crashing `start_link`ed server takes the IEx shell
    /// down with it.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// assert_eq!(node.run(async { 6 * 7 }).await, Ok(42));
    /// // A crash in a linked process takes the shell down, as in IEx.
    /// let crashed = node
    ///     .run(async {
    ///         process::spawn_link(|_inbox: Mailbox<()>| async {
    ///             process::exit_self(ExitReason::custom("boom")).await;
    ///         });
    ///         std::future::pending::<()>().await
    ///     })
    ///     .await;
    /// assert_eq!(crashed, Err(ExitReason::custom("boom")));
    /// # });
    /// ```
    pub async fn run<T, Fut>(&self, fut: Fut) -> Result<T, ExitReason>
    where
        T: Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let addr = self.spawn(move |_inbox: Mailbox<()>| async move {
            let out = fut.await;
            let _ = tx.send(out);
        });
        match rx.await {
            Ok(out) => Ok(out),
            Err(_) => Err(addr.pid().wait_exit().await),
        }
    }
}

/// `spawn/1`: starts a process running `f`, which receives the process's mailbox.
///
/// The process exits `:normal` when the future finishes, with a reason of its choosing through
/// [`exit_self`], and with a panic reason if it panics (the panic is logged as Elixir logs a
/// raised exception: "Process #PID<...> raised an exception").
///
/// ```
/// use otp_core::{Console, ExitReason, Mailbox, Node, Received, io, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let console = Console::capture();
/// Node::with_console(console.clone())
///     .run(async {
///         // Elixir: pid = spawn(fn -> receive do n -> IO.puts(n * 2) end end)
///         let doubler = process::spawn(|mut inbox: Mailbox<u32>| async move {
///             if let Received::Msg(n) = inbox.receive().await {
///                 io::puts(n * 2);
///             }
///         });
///         process::send(&doubler, 21);
///         assert_eq!(doubler.pid().wait_exit().await, ExitReason::Normal);
///     })
///     .await
///     .unwrap();
/// assert_eq!(console.contents(), "42\n");
///
/// Node::new()
///     .run(async {
///         // A panic is the process's exit reason; the process that spawned it lives on.
///         let crasher = process::spawn(|_inbox: Mailbox<()>| async {
///             panic!("boom");
///         });
///         assert_eq!(crasher.pid().wait_exit().await, ExitReason::panic("boom"));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// Outside a process (use [`Node::spawn`] there), or outside a tokio runtime.
pub fn spawn<M, F, Fut>(f: F) -> Addr<M>
where
    M: Send + 'static,
    F: FnOnce(Mailbox<M>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let me = self_pid();
    spawn_on(&me.node(), Some(me.clone()), f, SpawnOpts::default())
}

/// `spawn_link/1`: like [`spawn`], linked to the caller from the start.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let parent = node.spawn(|_inbox: Mailbox<()>| async {
///     // Elixir: spawn_link(fn -> exit(:boom) end)
///     process::spawn_link(|_inbox: Mailbox<()>| async {
///         process::exit_self(ExitReason::custom("boom")).await;
///     });
///     std::future::pending::<()>().await;
/// });
/// // The child's exit signal takes the parent down, with the child's reason.
/// assert_eq!(parent.pid().wait_exit().await, ExitReason::custom("boom"));
/// # });
/// ```
pub fn spawn_link<M, F, Fut>(f: F) -> Addr<M>
where
    M: Send + 'static,
    F: FnOnce(Mailbox<M>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let me = self_pid();
    let opts = SpawnOpts {
        link: true,
        ..SpawnOpts::default()
    };
    spawn_on(&me.node(), Some(me.clone()), f, opts)
}

/// `spawn_monitor/1`: like [`spawn`], monitored by the caller from the start; returns the
/// process and the monitor's reference.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, Received, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let watcher = node.spawn(|mut inbox: Mailbox<()>| async move {
///     // Elixir: {pid, ref} = spawn_monitor(fn -> exit(:boom) end)
///     let (child, reference) = process::spawn_monitor(|_inbox: Mailbox<()>| async {
///         process::exit_self(ExitReason::custom("boom")).await;
///     });
///     match inbox.receive().await {
///         Received::Down(down) => {
///             assert_eq!((down.reference.clone(), down.pid.clone()), (reference, child.pid()));
///             assert_eq!(
///                 down.to_string(),
///                 "{:DOWN, #Reference<0.0.0.1>, :process, #PID<0.101.0>, :boom}"
///             );
///         }
///         other => panic!("expected a DOWN message, got {other:?}"),
///     }
/// });
/// // Only the watcher was told: a monitor, unlike a link, never kills.
/// assert_eq!(watcher.pid().wait_exit().await, ExitReason::Normal);
/// # });
/// ```
pub fn spawn_monitor<M, F, Fut>(f: F) -> (Addr<M>, MonitorRef)
where
    M: Send + 'static,
    F: FnOnce(Mailbox<M>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let me = self_pid();
    let shared = create::<M>(&me.node(), Some(me.clone()));
    let body = f(Mailbox::new(shared.clone()));
    let opts = SpawnOpts {
        monitor: true,
        ..SpawnOpts::default()
    };
    let (addr, reference) = start(shared, body, opts);
    (
        addr,
        reference.expect("spawn_monitor runs inside a process"),
    )
}

// ---------------------------------------------------------------------------------------------
// Sending, exit signals, links, monitors

/// `send(pid, msg)`: puts `msg` in the process's mailbox. Sending to a process that has exited
/// does nothing, as in OTP.
///
/// ```
/// use otp_core::{Mailbox, Node, Received, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let (tx, rx) = tokio::sync::oneshot::channel();
///         let adder = process::spawn(move |mut inbox: Mailbox<(u32, u32)>| async move {
///             if let Received::Msg((a, b)) = inbox.receive().await {
///                 let _ = tx.send(a + b);
///             }
///         });
///         // Elixir: send(pid, {1, 2})
///         process::send(&adder, (1, 2));
///         assert_eq!(rx.await.unwrap(), 3);
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn send<M: Send + 'static>(to: &Addr<M>, msg: M) {
    to.send(msg)
}

/// `send(name, msg)`: looks `name` up (local, global or via; a via name goes through its
/// registry's `send`) and delivers `msg` to a process whose messages are `M`. Unlike sending
/// to an [`Addr`], the name may be unknown: that is [`SendError::NoProc`], where Elixir raises.
///
/// ```
/// use otp_core::process::{self, SendError};
/// use otp_core::{Mailbox, Name, Node};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let worker = process::spawn(|_inbox: Mailbox<u32>| std::future::pending());
///         process::register("worker", &worker).unwrap();
///         // Elixir: send(:worker, 7)
///         assert_eq!(process::send_named(&Name::local("worker"), 7u32), Ok(()));
///         assert_eq!(process::message_queue_len(&worker), 1);
///         // An unknown name is an error here, where Elixir raises.
///         assert_eq!(process::send_named(&Name::local("nobody"), 7u32), Err(SendError::NoProc));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// For a local or global name, outside a process.
pub fn send_named<M: Send + 'static>(name: &Name, msg: M) -> Result<(), SendError> {
    match name {
        Name::Via(via) => via.0.send(AnyMessage::new(msg)),
        _ => match whereis(name) {
            Some(pid) => AnyMessage::new(msg).deliver(&pid),
            None => Err(SendError::NoProc),
        },
    }
}

/// `Process.exit(pid, reason)`: sends an exit signal from the calling process.
///
/// `ExitReason::Kill` always kills (the process dies with `killed`); `:normal` is ignored by a
/// process that does not trap exits (unless it sends it to itself); any other reason kills a
/// process that does not trap exits, and reaches one that does as a
/// [`Received::Exit`] message.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let worker = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
///         // `:normal` leaves a process that does not trap exits alone...
///         process::exit(&worker.pid(), ExitReason::Normal);
///         assert!(worker.is_alive());
///         // ...`:kill` never does. Elixir: Process.exit(pid, :kill)
///         process::exit(&worker.pid(), ExitReason::Kill);
///         assert_eq!(worker.pid().wait_exit().await, ExitReason::Killed);
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// Outside a process.
pub fn exit(pid: &Pid, reason: ExitReason) {
    let me = self_pid();
    let kind = SignalKind::Exit {
        from_self: &me == pid,
    };
    deliver_exit_signal(pid, &me, &reason, kind);
}

/// `exit/1`: the calling process exits with `reason`. The returned future never completes: the
/// process stops at this await, as Elixir's `exit(reason)` never returns.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, process};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let pid = node.spawn(|_inbox: Mailbox<()>| async {
///     process::exit_self(ExitReason::custom("done")).await;
///     unreachable!("exit_self never returns");
/// }).pid();
/// assert_eq!(pid.wait_exit().await, ExitReason::custom("done"));
/// # });
/// ```
///
/// # Panics
/// Outside a process.
pub async fn exit_self(reason: ExitReason) -> std::convert::Infallible {
    let me = self_pid();
    me.core().request_exit(reason);
    drop(me);
    std::future::pending().await
}

/// Sends an exit signal that appears to come from `from`. Supervisors use it.
pub(crate) fn exit_from(from: &Pid, pid: &Pid, reason: ExitReason) {
    let kind = SignalKind::Exit {
        from_self: from == pid,
    };
    deliver_exit_signal(pid, from, &reason, kind);
}

/// Why [`link`] failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// The process does not exist (Erlang raises `noproc`). A caller that traps exits gets
    /// `{:EXIT, pid, :noproc}` in its mailbox instead of this error.
    #[error("no process: {0} is not alive")]
    NoProc(Pid),
}

/// `Process.link/1`: links the calling process and `pid`.
///
/// Linking to a process that has exited follows OTP: a caller that traps exits receives
/// `{:EXIT, pid, :noproc}`; any other caller gets [`LinkError::NoProc`].
///
/// ```
/// use otp_core::process::{self, LinkError};
/// use otp_core::{ExitReason, Mailbox, Node, Received};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let me = node.spawn(|mut inbox: Mailbox<()>| async move {
///     process::trap_exit(true);
///     let worker = process::spawn(|_inbox: Mailbox<()>| async {
///         process::exit_self(ExitReason::custom("boom")).await;
///     });
///     // Elixir: Process.link(worker)
///     process::link(&worker.pid()).unwrap();
///     match inbox.receive().await {
///         Received::Exit { from, reason } => {
///             assert_eq!((from, reason), (worker.pid(), ExitReason::custom("boom")));
///         }
///         other => panic!("expected an EXIT message, got {other:?}"),
///     }
///     // Linking to a process that is gone, without trapping exits, is an error.
///     process::trap_exit(false);
///     assert_eq!(process::link(&worker.pid()), Err(LinkError::NoProc(worker.pid())));
/// });
/// assert_eq!(me.pid().wait_exit().await, ExitReason::Normal);
/// # });
/// ```
pub fn link(pid: &Pid) -> Result<(), LinkError> {
    let me = self_pid();
    match link_pair(&me, pid) {
        Ok(()) => Ok(()),
        Err(_) if me.core().is_trapping() => {
            me.cell.push_exit(pid.clone(), ExitReason::NoProc);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

pub(crate) fn link_pair(a: &Pid, b: &Pid) -> Result<(), LinkError> {
    if a == b {
        return Ok(());
    }
    let (first, second) = if a < b { (a, b) } else { (b, a) };
    let mut g1 = lock(&first.core().inner);
    let mut g2 = lock(&second.core().inner);
    if a.core().is_dead() {
        return Err(LinkError::NoProc(a.clone()));
    }
    if b.core().is_dead() {
        return Err(LinkError::NoProc(b.clone()));
    }
    g1.links.insert(second.clone());
    g2.links.insert(first.clone());
    Ok(())
}

/// `Process.unlink/1`: removes the link between the calling process and `pid`, if any.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let me = process::self_pid();
///         let worker = process::spawn_link(|_inbox: Mailbox<()>| std::future::pending());
///         assert!(process::is_linked(&me, &worker.pid()));
///         // Elixir: Process.unlink(worker)
///         process::unlink(&worker.pid());
///         assert!(!process::is_linked(&me, &worker.pid()));
///         // Its death no longer reaches this process.
///         process::exit(&worker.pid(), ExitReason::Kill);
///         worker.pid().wait_exit().await;
///         assert!(me.is_alive());
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn unlink(pid: &Pid) {
    let me = self_pid();
    unlink_pair(&me, pid);
}

pub(crate) fn unlink_pair(a: &Pid, b: &Pid) {
    if a == b {
        return;
    }
    let (first, second) = if a < b { (a, b) } else { (b, a) };
    let mut g1 = lock(&first.core().inner);
    let mut g2 = lock(&second.core().inner);
    g1.links.remove(second);
    g2.links.remove(first);
}

/// `Process.monitor/1`: the calling process will receive a [`Down`] message when `pid` exits.
/// Monitoring a process that is already gone delivers `Down` with `:noproc` at once.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, Received, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let watcher = node.spawn(|mut inbox: Mailbox<()>| async move {
///     let worker = process::spawn(|_inbox: Mailbox<()>| async {});
///     // Elixir: ref = Process.monitor(worker)
///     let reference = process::monitor(&worker.pid());
///     assert_eq!(reference.target(), &worker.pid());
///     match inbox.receive().await {
///         Received::Down(down) => assert_eq!(down.reason, ExitReason::Normal),
///         other => panic!("expected a DOWN message, got {other:?}"),
///     }
///     // Monitoring a process that is already gone reports `:noproc` at once.
///     process::monitor(&worker.pid());
///     match inbox.try_receive() {
///         Some(Received::Down(down)) => assert_eq!(down.reason, ExitReason::NoProc),
///         other => panic!("expected a DOWN message, got {other:?}"),
///     }
/// });
/// assert_eq!(watcher.pid().wait_exit().await, ExitReason::Normal);
/// # });
/// ```
pub fn monitor(pid: &Pid) -> MonitorRef {
    monitor_from(&self_pid(), pid)
}

pub(crate) fn monitor_from(watcher: &Pid, target: &Pid) -> MonitorRef {
    let reference = MonitorRef {
        id: target.node().next_ref(),
        target: target.clone(),
    };
    let alive = {
        let mut inner = lock(&target.core().inner);
        if inner.exit_reason.is_some() {
            false
        } else {
            inner.monitored_by.push((reference.id, watcher.clone()));
            true
        }
    };
    if alive {
        lock(&watcher.core().inner)
            .monitoring
            .push((reference.id, target.clone()));
    } else {
        watcher.cell.push_down(Down {
            reference: reference.clone(),
            pid: target.clone(),
            reason: ExitReason::NoProc,
        });
    }
    reference
}

/// `Process.demonitor/2`: removes a monitor. With `flush`, a `Down` message for it that has
/// already arrived is removed too (`[:flush]`). Returns `true` if the monitor was still active.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let watcher = node.spawn(|mut inbox: Mailbox<()>| async move {
///     // Elixir: Process.demonitor(ref)
///     let sleeper = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
///     let reference = process::monitor(&sleeper.pid());
///     assert!(process::demonitor(&reference, false), "the monitor was active");
///
///     // A monitor that has fired leaves its DOWN message behind; `flush` removes it.
///     // Elixir: Process.demonitor(ref, [:flush])
///     let quick = process::spawn(|_inbox: Mailbox<()>| async {});
///     let reference = process::monitor(&quick.pid());
///     quick.pid().wait_exit().await;
///     assert!(!process::demonitor(&reference, true), "the monitor had fired");
///     assert!(inbox.try_receive().is_none());
/// });
/// assert_eq!(watcher.pid().wait_exit().await, ExitReason::Normal);
/// # });
/// ```
pub fn demonitor(reference: &MonitorRef, flush: bool) -> bool {
    let me = self_pid();
    let was_active = {
        let mut inner = lock(&reference.target.core().inner);
        let before = inner.monitored_by.len();
        inner.monitored_by.retain(|(r, _)| *r != reference.id);
        inner.monitored_by.len() != before
    };
    let still_held = {
        let mut inner = lock(&me.core().inner);
        let before = inner.monitoring.len();
        inner.monitoring.retain(|(r, _)| *r != reference.id);
        inner.monitoring.len() != before
    };
    if !was_active && flush {
        // The target has exited: its Down is on the way, in the shared queue, in this
        // process's own receive buffer, or already handled.
        // Until the monitor is dropped from `monitoring` the Down may not be queued yet.
        let removed = me.cell.remove_down(reference.id);
        let maybe_buffered = me.core().local_len.load(Ordering::Relaxed) > 0;
        if !removed && (still_held || maybe_buffered) {
            // Dropped when it is received (see `Mailbox::is_flushed`).
            lock(&me.core().inner).flushed.push(reference.id);
        }
    }
    was_active
}

/// `Process.flag(:trap_exit, on)`: returns the previous setting.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, Received, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let me = node.spawn(|mut inbox: Mailbox<()>| async move {
///     // Elixir: Process.flag(:trap_exit, true)
///     assert!(!process::trap_exit(true), "off until turned on");
///     process::spawn_link(|_inbox: Mailbox<()>| async {
///         panic!("boom");
///     });
///     // The linked process's crash arrives as a message instead of killing this one.
///     match inbox.receive().await {
///         Received::Exit { reason, .. } => assert_eq!(reason, ExitReason::panic("boom")),
///         other => panic!("expected an EXIT message, got {other:?}"),
///     }
/// });
/// assert_eq!(me.pid().wait_exit().await, ExitReason::Normal);
/// # });
/// ```
pub fn trap_exit(on: bool) -> bool {
    self_pid().core().set_trap(on)
}

/// Runs `hook` when `pid` exits. Returns `false`, dropping the hook, if the process is already
/// gone. Tables and registries use it to clean up after their owners.
pub(crate) fn on_exit(pid: &Pid, hook: impl FnOnce(&Pid, &ExitReason) + Send + 'static) -> bool {
    pid.core().add_exit_hook(Box::new(hook))
}

// ---------------------------------------------------------------------------------------------
// Names

/// Why [`register`] failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RegisterError {
    /// The name is held by a live process.
    #[error("name {name} is already registered to {holder}")]
    Taken {
        /// The name.
        name: Name,
        /// The process holding it.
        holder: Pid,
    },
    /// The process to name has exited.
    #[error("no process: {0} is not alive")]
    NoProc(Pid),
    /// A via registry refused the name while no process holds it (a duplicate-keys
    /// [`crate::registry::Registry`] refuses every via name, for one).
    #[error("the registry refused the name {0}")]
    Refused(Name),
    /// The process already has a local name (a process has at most one, as in OTP).
    #[error("{pid} is already registered as {name}")]
    AlreadyNamed {
        /// The process.
        pid: Pid,
        /// Its name.
        name: Name,
    },
}

/// `Process.register/2`: names `pid`. Works for local, global and via names.
///
/// Registering a taken name is an error that names the holder; a name is freed when its process
/// exits, so a dead holder never blocks a new registration.
///
/// ```
/// use otp_core::process::{self, RegisterError};
/// use otp_core::{ExitReason, Mailbox, Name, Node};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let worker = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
///         // Elixir: Process.register(worker, :worker) (here the name comes first)
///         process::register("worker", &worker).unwrap();
///         assert_eq!(process::whereis(&Name::local("worker")), Some(worker.pid()));
///         // The name is taken while its holder lives...
///         let other = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
///         let taken = process::register("worker", &other);
///         assert!(matches!(taken, Err(RegisterError::Taken { .. })));
///         // ...and free again once it has exited.
///         process::exit(&worker.pid(), ExitReason::Kill);
///         worker.pid().wait_exit().await;
///         process::register("worker", &other).unwrap();
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn register(name: impl Into<Name>, pid: impl Into<Pid>) -> Result<(), RegisterError> {
    let name = name.into();
    let pid = pid.into();
    register_name(&pid.node(), &name, &pid)
}

pub(crate) fn register_name(node: &Node, name: &Name, pid: &Pid) -> Result<(), RegisterError> {
    match name {
        Name::Local(atom) | Name::Global(atom) => {
            let table = match name {
                Name::Local(_) => &node.inner().locals,
                _ => &node.inner().globals,
            };
            let mut map = write(table);
            if let Some(holder) = map.get(atom) {
                if holder.is_alive() && holder != pid {
                    return Err(RegisterError::Taken {
                        name: name.clone(),
                        holder: holder.clone(),
                    });
                }
                if holder == pid {
                    return Ok(());
                }
            }
            {
                let mut inner = lock(&pid.core().inner);
                if inner.exit_reason.is_some() {
                    return Err(RegisterError::NoProc(pid.clone()));
                }
                if matches!(name, Name::Local(_))
                    && let Some(existing) = inner.names.iter().find(|n| matches!(n, Name::Local(_)))
                {
                    return Err(RegisterError::AlreadyNamed {
                        pid: pid.clone(),
                        name: existing.clone(),
                    });
                }
                inner.names.push(name.clone());
            }
            map.insert(atom.clone(), pid.clone());
            Ok(())
        }
        Name::Via(via) => {
            if !pid.is_alive() {
                return Err(RegisterError::NoProc(pid.clone()));
            }
            if via.0.register(pid) {
                Ok(())
            } else {
                match via.0.whereis() {
                    Some(holder) => Err(RegisterError::Taken {
                        name: name.clone(),
                        holder,
                    }),
                    // Refused but nobody holds it: the registry said no for its own reasons.
                    None => Err(RegisterError::Refused(name.clone())),
                }
            }
        }
    }
}

fn release_name(node: &Node, name: &Name, pid: &Pid) {
    let table = match name {
        Name::Local(_) => &node.inner().locals,
        Name::Global(_) => &node.inner().globals,
        Name::Via(_) => return,
    };
    let (Name::Local(atom) | Name::Global(atom)) = name else {
        return;
    };
    let mut map = write(table);
    if map.get(atom).is_some_and(|holder| holder == pid) {
        map.remove(atom);
    }
}

/// `Process.unregister/1`: frees a name. Returns `false` if no process had it.
///
/// ```
/// use otp_core::{Mailbox, Name, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let worker = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
///         process::register("worker", &worker).unwrap();
///         // Elixir: Process.unregister(:worker)
///         assert!(process::unregister("worker"));
///         assert_eq!(process::whereis(&Name::local("worker")), None);
///         assert!(!process::unregister("worker"), "nothing left to free");
///         assert!(worker.is_alive(), "the process keeps running, nameless");
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// For a local or global name, outside a process.
pub fn unregister(name: impl Into<Name>) -> bool {
    let name = name.into();
    match &name {
        Name::Via(via) => {
            let had = via.0.whereis().is_some();
            via.0.unregister();
            had
        }
        Name::Local(atom) | Name::Global(atom) => {
            let node = current_node();
            let table = if matches!(name, Name::Local(_)) {
                &node.inner().locals
            } else {
                &node.inner().globals
            };
            let removed = write(table).remove(atom);
            match removed {
                Some(pid) => {
                    lock(&pid.core().inner).names.retain(|n| n != &name);
                    true
                }
                None => false,
            }
        }
    }
}

/// `Process.whereis/1` and `GenServer.whereis/1`: the live process with this name, if any.
///
/// ```
/// use otp_core::{Name, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         // Elixir: Process.whereis(:nobody) #=> nil
///         assert_eq!(process::whereis(&Name::local("nobody")), None);
///         process::register("shell", process::self_pid()).unwrap();
///         assert_eq!(process::whereis(&Name::local("shell")), Some(process::self_pid()));
///         // A global name lives in a table of its own.
///         assert_eq!(process::whereis(&Name::global("shell")), None);
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// For a local or global name, outside a process (use [`Node::whereis`] there).
pub fn whereis(name: &Name) -> Option<Pid> {
    match name {
        Name::Via(via) => via.0.whereis(),
        Name::Local(atom) => {
            let node = current_node();
            node.whereis(atom.clone()).filter(|p| p.is_alive())
        }
        Name::Global(atom) => {
            let node = current_node();
            read(&node.inner().globals)
                .get(atom)
                .filter(|p| p.is_alive())
                .cloned()
        }
    }
}

/// `Process.registered/0`: the local names in use on the caller's node.
///
/// ```
/// use otp_core::{Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         process::register("shell", process::self_pid()).unwrap();
///         // Elixir: Process.registered()
///         assert_eq!(process::registered(), ["shell"]);
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn registered() -> Vec<Atom> {
    current_node().registered()
}

// ---------------------------------------------------------------------------------------------
// Introspection

/// What a process is doing, as `Process.info/1` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Running code right now.
    Running,
    /// Waiting for a message or an event.
    Waiting,
    /// Told to exit; it will at its next await point.
    Exiting,
}

/// `Process.info/1`. Prints as Elixir's keyword list, with the fields a tokio task has.
#[derive(Clone)]
pub struct ProcessInfo {
    /// The process.
    pub pid: Pid,
    /// Its local name, if it has one.
    pub registered_name: Option<Name>,
    /// Running, waiting or exiting.
    pub status: Status,
    /// Messages waiting in its mailbox.
    pub message_queue_len: usize,
    /// The processes it is linked to, in pid order.
    pub links: Vec<Pid>,
    /// The processes it monitors.
    pub monitors: Vec<Pid>,
    /// The processes monitoring it.
    pub monitored_by: Vec<Pid>,
    /// Whether it traps exits.
    pub trap_exit: bool,
    /// The process that spawned it.
    pub parent: Option<Pid>,
    /// Its parent, its parent's parent, and so on up to the first process of the node
    /// (Elixir's `$ancestors`).
    pub ancestors: Vec<Pid>,
}

impl fmt::Debug for ProcessInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pids = |v: &[Pid]| {
            v.iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let name = match &self.registered_name {
            Some(n) => n.to_string(),
            None => "[]".to_string(),
        };
        let status = match self.status {
            Status::Running => ":running",
            Status::Waiting => ":waiting",
            Status::Exiting => ":exiting",
        };
        write!(
            f,
            "[registered_name: {name}, status: {status}, message_queue_len: {}, links: [{}], \
             monitors: [{}], monitored_by: [{}], trap_exit: {}, ancestors: [{}]]",
            self.message_queue_len,
            pids(&self.links),
            pids(&self.monitors),
            pids(&self.monitored_by),
            self.trap_exit,
            pids(&self.ancestors)
        )
    }
}

/// `Process.info/1`: a snapshot of a process, or `None` if it has exited (Elixir's `nil`).
///
/// ```
/// use otp_core::process::{self, Status};
/// use otp_core::{Mailbox, Node};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let worker = process::spawn_link(|mut inbox: Mailbox<()>| async move {
///             inbox.receive().await;
///         });
///         process::register("worker", &worker).unwrap();
///         process::send(&worker, ());
///         // Elixir: Process.info(worker)
///         let info = process::info(&worker.pid()).unwrap();
///         assert_eq!((info.status, info.message_queue_len), (Status::Waiting, 1));
///         assert_eq!(
///             format!("{info:?}"),
///             "[registered_name: :worker, status: :waiting, message_queue_len: 1, \
///              links: [#PID<0.100.0>], monitors: [], monitored_by: [], trap_exit: false, \
///              ancestors: [#PID<0.100.0>]]"
///         );
///         // nil once the process has exited
///         worker.pid().wait_exit().await;
///         assert!(process::info(&worker.pid()).is_none());
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn info(pid: &Pid) -> Option<ProcessInfo> {
    let core = pid.core();
    let flags = core.flags.load(Ordering::Acquire);
    if flags & DEAD != 0 {
        return None;
    }
    let (registered_name, links, monitors, monitored_by, parent) = {
        let inner = lock(&core.inner);
        (
            inner
                .names
                .iter()
                .find(|n| matches!(n, Name::Local(_)))
                .cloned(),
            inner.links.to_vec(),
            inner.monitoring.iter().map(|(_, p)| p.clone()).collect(),
            inner.monitored_by.iter().map(|(_, p)| p.clone()).collect(),
            inner.parent.clone(),
        )
    };
    let mut ancestors = Vec::new();
    let mut next = parent.clone();
    while let Some(p) = next {
        next = p.core().parent();
        ancestors.push(p);
    }
    let status = if flags & EXITING != 0 {
        Status::Exiting
    } else if core.running.load(Ordering::Relaxed) {
        Status::Running
    } else {
        Status::Waiting
    };
    Some(ProcessInfo {
        pid: pid.clone(),
        registered_name,
        status,
        message_queue_len: pid.cell.queue_len(),
        links,
        monitors,
        monitored_by,
        trap_exit: flags & TRAP != 0,
        parent,
        ancestors,
    })
}

/// `Process.info(pid, :message_queue_len)`; 0 for a process that has exited.
///
/// ```
/// use otp_core::{Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let worker = process::spawn(|_inbox: Mailbox<u32>| std::future::pending());
///         process::send(&worker, 1);
///         process::send(&worker, 2);
///         // Elixir: Process.info(worker, :message_queue_len)
///         assert_eq!(process::message_queue_len(&worker), 2);
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn message_queue_len(pid: impl Into<Pid>) -> usize {
    let pid = pid.into();
    if pid.core().is_dead() {
        0
    } else {
        pid.cell.queue_len()
    }
}

/// `true` if `a` and `b` are linked.
///
/// ```
/// use otp_core::{Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let me = process::self_pid();
///         let linked = process::spawn_link(|_inbox: Mailbox<()>| std::future::pending());
///         let alone = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
///         assert!(process::is_linked(&me, &linked.pid()));
///         assert!(process::is_linked(&linked.pid(), &me), "a link goes both ways");
///         assert!(!process::is_linked(&me, &alone.pid()));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn is_linked(a: &Pid, b: &Pid) -> bool {
    lock(&a.core().inner).links.contains(b)
}
