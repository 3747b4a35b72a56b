//! Time in a process: [`Timeout`] (milliseconds or `:infinity`), [`sleep`], running a future
//! against a timeout, and the deadline timer a process keeps for its calls.
//!
//! Uses nothing of the crate: only tokio's clock.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

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

/// A process's reusable call timer (see [`poll_deadline`]).
pub(crate) struct CallTimer {
    sleep: Pin<Box<tokio::time::Sleep>>,
    /// While armed: the timer's deadline and the waker it holds.
    armed: Option<(tokio::time::Instant, std::task::Waker)>,
}

/// `now`, when given, is the current time, which lets an armed timer whose deadline is still
/// ahead be trusted without asking tokio anything.
pub(super) fn poll_timer(
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
