//! The current process: the record the runner publishes while it polls a process, and what
//! reads it. [`current`], [`self_pid`], [`current_node`], and the deadline of a call made from
//! the current process, which uses the process's one reusable timer.
//!
//! Uses pids, the node and [`super::time`]'s timer.

use std::task::{Context, Poll};

use crate::node::Node;
use crate::pid::Pid;

use super::time::{CallTimer, poll_timer};

/// What the runner publishes while it polls a process: the process, and the timer its calls
/// time out on (made at its first call with a timeout, reused by every call after; see
/// [`poll_deadline`]). Only the process's own task ever touches the timer, so it needs
/// no lock.
pub(crate) struct Current {
    pub(super) pid: Pid,
    pub(super) call_timer: std::cell::Cell<Option<Box<CallTimer>>>,
}

thread_local! {
    /// The process being polled on this thread: the runner's own `Current`, published for the
    /// length of one poll of its body and null otherwise. A plain pointer in a const-initialised
    /// cell costs one load to read; the runner pays two stores per poll instead of moving the
    /// record in and out of the thread-local.
    pub(super) static CURRENT: std::cell::Cell<*const Current> = const { std::cell::Cell::new(std::ptr::null()) };
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
/// `gen_server::call_timeout`). A process waits for one reply at a time, so it keeps one timer
/// for all its calls. The timer is moved only when its deadline is later than the call's or has
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

thread_local! {
    /// The node a term is being read for, outside any process: the distribution layer hands
    /// a message from another node to a local process's mailbox from its connection's task,
    /// and a conversion of a pid in that message needs the node to find the pid in.
    static READING_FOR: std::cell::RefCell<Option<Node>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with `node` as the node terms are read for (see [`node_in_scope`]).
pub(crate) fn reading_for<R>(node: &Node, f: impl FnOnce() -> R) -> R {
    let previous = READING_FOR.with(|n| n.replace(Some(node.clone())));
    let out = f();
    READING_FOR.with(|n| *n.borrow_mut() = previous);
    out
}

/// The node of the calling process, or the node a term is being read for outside any
/// process; `None` when there is neither.
#[cfg(feature = "dist")]
pub(crate) fn node_in_scope() -> Option<Node> {
    with_current(|p| p.map(|p| p.node())).or_else(|| READING_FOR.with(|n| n.borrow().clone()))
}

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
