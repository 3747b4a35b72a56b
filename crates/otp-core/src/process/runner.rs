//! The runner: the tokio task every process runs in. It polls the body with the process
//! published as current, stops it when an exit signal says so or when it panics, and then has
//! the world told ([`super::signals`]).
//!
//! Uses the shared half of the mailbox ([`super::queue`]), the current-process record
//! ([`super::current_process`]), the core, the exit delivery of [`super::signals`], and the panic
//! helpers.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll, Waker};

use crate::exit::ExitReason;
use crate::pid::{Cell, Pid};

use super::current_process::{CURRENT, Current};
use super::queue::Shared;
use super::signals::notify_exit;

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
pub(super) struct Runner<M, Fut> {
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
    pub(super) fn new(shared: Arc<Shared<M>>, body: Fut, reports_own_crash: bool) -> Self {
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
            core.register_kill_waker(cx.waker());
            this.registered = Some(cx.waker().clone());
        }
        // Only a panic in this process's own code is reported; a panic reason that arrives as an
        // exit signal from a link is not this process's exception.
        let mut raised = false;
        let (reason, obituary) = match core.die_of_pending_exit() {
            Some(dead) => dead,
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
                let reason = match polled {
                    Ok(Poll::Ready(out)) => out.into_exit_reason(),
                    Ok(Poll::Pending) => return Poll::Pending,
                    Err(payload) => {
                        let (reason, panicked) = crate::panic::reason(payload);
                        raised = panicked;
                        reason
                    }
                };
                let obituary = core.mark_dead(reason.clone());
                (reason, obituary)
            }
        };
        let pid = this.me.pid.clone();
        this.registered = None;
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
