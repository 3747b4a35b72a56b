//! Timers: messages sent later, once or at an interval, on tokio's clock.
//!
//! | Elixir / Erlang                          | Rust                                     |
//! |------------------------------------------|------------------------------------------|
//! | `Process.send_after(pid, msg, ms)`       | [`send_after`]`(&pid, msg, ms)`           |
//! | `:timer.send_interval(ms, pid, msg)`     | [`send_interval`]`(ms, &pid, msg)`        |
//! | `Process.cancel_timer(ref)`              | [`cancel_timer`]`(&timer)`                |
//! | `Process.read_timer(ref)`                | [`read_timer`]`(&timer)`                  |
//!
//! Timers run on tokio's clock, so a test under a paused clock (`start_paused = true`) sees a
//! 5-minute alarm fire at once, in the right order relative to every other timer.
//!
//! A timer to a process is cancelled when that process exits, as on the BEAM: its task, and
//! the message it was to deliver, are dropped then, not at the deadline.
//!
//! ```
//! use otp_core::{Mailbox, Node, process::Received, timer};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
//! let node = Node::new();
//! let got = node.run(async {
//!     let me = otp_core::process::spawn(|mut inbox: Mailbox<&'static str>| async move {
//!         match inbox.receive().await { Received::Msg(m) => assert_eq!(m, "hi"), _ => unreachable!() }
//!     });
//!     let t = timer::send_after(&me, "hi", 2000);
//!     assert!(timer::read_timer(&t).is_some());
//!     me.pid().wait_exit().await
//! }).await;
//! assert_eq!(got, Ok(otp_core::ExitReason::Normal));
//! # });
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::AbortHandle;
use tokio::time::Instant;

use crate::pid::Pid;
use crate::process::{self, Addr};
use crate::sync::lock;

/// Something a timer can deliver a `T` to: a process handle that takes `T` as a message.
///
/// ```
/// use otp_core::timer::Target;
/// use otp_core::{Mailbox, Node};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let worker = node.spawn(|_inbox: Mailbox<&'static str>| async {});
/// // A process handle is a target (so is a GenServer's `ServerRef`, for `handle_info`).
/// assert!(worker.deliver("hi"));
/// worker.pid().wait_exit().await;
/// assert!(!worker.deliver("anyone?"), "a timer firing late finds nobody");
/// # });
/// ```
pub trait Target<T>: Send + Sync + 'static {
    /// Delivers `msg`; `false` if the process is gone.
    fn deliver(&self, msg: T) -> bool;

    /// The process messages go to, if there is one: a timer to a process that has exited is
    /// as good as cancelled, as on the BEAM.
    fn target_pid(&self) -> Option<Pid> {
        None
    }
}

impl<M: Send + 'static> Target<M> for Addr<M> {
    fn deliver(&self, msg: M) -> bool {
        self.try_send(msg).is_ok()
    }

    fn target_pid(&self) -> Option<Pid> {
        Some(self.pid())
    }
}

const ACTIVE: u8 = 0;
const FIRED: u8 = 1;
const CANCELLED: u8 = 2;

/// A running timer, as `Process.send_after/3` and `:timer.send_interval/3` return.
#[derive(Clone)]
pub struct TimerRef {
    inner: Arc<TimerInner>,
}

struct TimerInner {
    state: AtomicU8,
    deadline: Mutex<Instant>,
    task: Mutex<Option<AbortHandle>>,
    interval: Option<Duration>,
    /// The destination process: once it has exited the timer counts as cancelled.
    dest: Option<Pid>,
    /// The key of the exit hook on `dest` that cancels the timer when `dest` exits, while it is
    /// registered; taken back when the timer fires or is cancelled.
    hook: Mutex<Option<u64>>,
}

impl TimerInner {
    /// Active, and its destination (if it has one) still alive.
    fn is_active(&self) -> bool {
        self.state.load(Ordering::Acquire) == ACTIVE && self.dest.as_ref().is_none_or(Pid::is_alive)
    }
}

impl fmt::Debug for TimerRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.inner.state.load(Ordering::Acquire) {
            ACTIVE => "active",
            FIRED => "fired",
            _ => "cancelled",
        };
        write!(f, "TimerRef({state})")
    }
}

/// A duration in milliseconds, or a [`Duration`].
///
/// ```
/// use otp_core::timer::IntoDuration;
/// use std::time::Duration;
///
/// // Milliseconds, as Elixir counts them, or a Duration.
/// assert_eq!(5000.into_duration(), Duration::from_secs(5));
/// assert_eq!(Duration::from_millis(250).into_duration(), Duration::from_millis(250));
/// ```
pub trait IntoDuration {
    /// The duration.
    fn into_duration(self) -> Duration;
}

impl IntoDuration for u64 {
    fn into_duration(self) -> Duration {
        Duration::from_millis(self)
    }
}

impl IntoDuration for Duration {
    fn into_duration(self) -> Duration {
        self
    }
}

fn new_timer(deadline: Instant, interval: Option<Duration>, dest: Option<Pid>) -> Arc<TimerInner> {
    Arc::new(TimerInner {
        state: AtomicU8::new(ACTIVE),
        deadline: Mutex::new(deadline),
        task: Mutex::new(None),
        interval,
        dest,
        hook: Mutex::new(None),
    })
}

/// Starts the timer's task and ties the timer to its destination: when the destination exits,
/// the timer is cancelled and its task, with the message it holds, is dropped then, as the BEAM
/// cancels a timer whose destination has gone, rather than at the deadline.
fn arm(inner: &Arc<TimerInner>, task: impl std::future::Future<Output = ()> + Send + 'static) {
    let handle = tokio::spawn(task);
    *lock(&inner.task) = Some(handle.abort_handle());
    let Some(dest) = &inner.dest else {
        return;
    };
    let timer = Arc::downgrade(inner);
    let watched = process::watch_exit(dest, move |_, _| {
        if let Some(timer) = timer.upgrade() {
            // The hook is running: nothing to take back.
            lock(&timer.hook).take();
            stop(&timer);
        }
    });
    match watched {
        Some(key) => {
            *lock(&inner.hook) = Some(key);
            // Fired or cancelled meanwhile, its hook not yet stored to take back: do it here.
            if inner.state.load(Ordering::Acquire) != ACTIVE {
                release(inner);
            }
        }
        None => stop(inner),
    }
}

/// Cancels the timer if it is active and aborts its task.
fn stop(inner: &TimerInner) {
    let _ = inner
        .state
        .compare_exchange(ACTIVE, CANCELLED, Ordering::AcqRel, Ordering::Acquire);
    if let Some(task) = lock(&inner.task).take() {
        task.abort();
    }
}

/// Takes back the exit hook on the destination, once the timer has fired or been cancelled.
fn release(inner: &TimerInner) {
    let key = lock(&inner.hook).take();
    if let (Some(key), Some(dest)) = (key, &inner.dest) {
        process::unwatch_exit(dest, key);
    }
}

/// `Process.send_after/3`: delivers `msg` to `dest` after `after` (milliseconds or a
/// [`Duration`]).
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, Received, timer};
/// use tokio::time::{Duration, Instant};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
/// let node = Node::new();
/// let sleeper = node.spawn(|mut inbox: Mailbox<&'static str>| async move {
///     let started = Instant::now();
///     // Elixir: Process.send_after(self(), :wake_up, 1000)
///     timer::send_after(&inbox.addr(), "wake_up", 1000);
///     assert!(matches!(inbox.receive().await, Received::Msg("wake_up")));
///     assert_eq!(started.elapsed(), Duration::from_millis(1000));
/// });
/// assert_eq!(sleeper.pid().wait_exit().await, ExitReason::Normal);
/// # });
/// ```
///
/// # Panics
/// Outside a tokio runtime.
pub fn send_after<T, D>(dest: &D, msg: T, after: impl IntoDuration) -> TimerRef
where
    T: Send + 'static,
    D: Target<T> + Clone,
{
    let deadline = Instant::now() + after.into_duration();
    let inner = new_timer(deadline, None, dest.target_pid());
    let timer = inner.clone();
    let dest = dest.clone();
    arm(&inner, async move {
        tokio::time::sleep_until(deadline).await;
        if timer
            .state
            .compare_exchange(ACTIVE, FIRED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            dest.deliver(msg);
            release(&timer);
        }
    });
    TimerRef { inner }
}

/// `:timer.send_interval/3`: delivers a copy of `msg` to `dest` every `every`, until the timer
/// is cancelled or `dest` is gone.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, process, timer};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
/// let node = Node::new();
/// let counter = node.spawn(|inbox: Mailbox<&'static str>| async move {
///     // Elixir: :timer.send_interval(1000, self(), :tick)
///     let ticker = timer::send_interval(1000, &inbox.addr(), "tick");
///     process::sleep(3500).await;
///     assert_eq!(inbox.len(), 3);
///     timer::cancel_timer(&ticker);
///     process::sleep(5000).await;
///     assert_eq!(inbox.len(), 3, "no tick after the cancel");
/// });
/// assert_eq!(counter.pid().wait_exit().await, ExitReason::Normal);
/// # });
/// ```
///
/// # Panics
/// Outside a tokio runtime.
pub fn send_interval<T, D>(every: impl IntoDuration, dest: &D, msg: T) -> TimerRef
where
    T: Clone + Send + 'static,
    D: Target<T> + Clone,
{
    let period = every.into_duration().max(Duration::from_millis(1));
    let first = Instant::now() + period;
    let inner = new_timer(first, Some(period), dest.target_pid());
    let timer = inner.clone();
    let dest = dest.clone();
    arm(&inner, async move {
        let mut next = first;
        loop {
            tokio::time::sleep_until(next).await;
            if timer.state.load(Ordering::Acquire) != ACTIVE {
                break;
            }
            if !dest.deliver(msg.clone()) {
                timer.state.store(FIRED, Ordering::Release);
                release(&timer);
                break;
            }
            next += period;
            *lock(&timer.deadline) = next;
        }
    });
    TimerRef { inner }
}

/// `Process.cancel_timer/1`: stops the timer. Returns the time that was left, or `None` (Elixir's
/// `false`) if it had already fired or been cancelled.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, process, timer};
/// use std::time::Duration;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
/// let node = Node::new();
/// let worker = node.spawn(|inbox: Mailbox<&'static str>| async move {
///     let alarm = timer::send_after(&inbox.addr(), "alarm", 1000);
///     process::sleep(300).await;
///     // Elixir: Process.cancel_timer(ref) #=> 700
///     assert_eq!(timer::cancel_timer(&alarm), Some(Duration::from_millis(700)));
///     assert_eq!(timer::cancel_timer(&alarm), None, "already cancelled: Elixir's false");
///     process::sleep(1000).await;
///     assert!(inbox.is_empty(), "the alarm never rang");
///     assert_eq!(format!("{alarm:?}"), "TimerRef(cancelled)");
/// });
/// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
/// # });
/// ```
pub fn cancel_timer(timer: &TimerRef) -> Option<Duration> {
    let inner = &timer.inner;
    if inner
        .state
        .compare_exchange(ACTIVE, CANCELLED, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return None;
    }
    if let Some(task) = lock(&inner.task).take() {
        task.abort();
    }
    release(inner);
    // A timer whose destination has exited was cancelled with it, as on the BEAM.
    inner
        .dest
        .as_ref()
        .is_none_or(Pid::is_alive)
        .then(|| remaining(inner))
}

/// `Process.read_timer/1`: the time left before the timer fires, or `None` if it has fired or
/// been cancelled. For an interval timer, the time left before the next message.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, process, timer};
/// use std::time::Duration;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
/// let node = Node::new();
/// let worker = node.spawn(|inbox: Mailbox<&'static str>| async move {
///     let alarm = timer::send_after(&inbox.addr(), "alarm", 1000);
///     process::sleep(400).await;
///     // Elixir: Process.read_timer(ref) #=> 600
///     assert_eq!(timer::read_timer(&alarm), Some(Duration::from_millis(600)));
///     process::sleep(600).await;
///     assert_eq!(timer::read_timer(&alarm), None, "it has fired");
///     assert_eq!(inbox.len(), 1);
/// });
/// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
/// # });
/// ```
pub fn read_timer(timer: &TimerRef) -> Option<Duration> {
    timer.inner.is_active().then(|| remaining(&timer.inner))
}

impl TimerRef {
    /// `true` for a timer made by [`send_interval`].
    ///
    /// ```
    /// use otp_core::{Mailbox, Node, timer};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|_inbox: Mailbox<&'static str>| std::future::pending());
    /// let once = timer::send_after(&worker, "once", 1000);
    /// let again = timer::send_interval(1000, &worker, "again");
    /// assert!(!once.is_interval());
    /// assert!(again.is_interval());
    /// # });
    /// ```
    pub fn is_interval(&self) -> bool {
        self.inner.interval.is_some()
    }
}

/// `:timer.tc/1`: runs `fut` and returns how long it took on tokio's clock, in microseconds as
/// Erlang counts it, with its output. Under a paused clock the time is the virtual time that
/// passed.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
/// let (micros, answer) = otp_core::timer::tc(async {
///     otp_core::process::sleep(5000).await;
///     42
/// }).await;
/// assert_eq!((micros, answer), (5_000_000, 42));
/// # });
/// ```
pub async fn tc<F: std::future::Future>(fut: F) -> (u128, F::Output) {
    let began = Instant::now();
    let out = fut.await;
    (began.elapsed().as_micros(), out)
}

fn remaining(inner: &TimerInner) -> Duration {
    lock(&inner.deadline).saturating_duration_since(Instant::now())
}
