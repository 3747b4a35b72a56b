//! Panics and exits inside processes: caught, silenced at the source, reported through
//! `tracing`.
//!
//! A panic in a process becomes the process's exit reason ([`crate::ExitReason::Panic`]) and is
//! reported the way Elixir reports a raised exception. The standard panic hook would also print
//! "thread panicked at ..." to stderr; the hook installed here stays quiet for panics raised
//! inside a process (the runtime reports those itself) and hands every other panic to the hook
//! that was there before.
//!
//! An exit is Erlang's other exception, `exit(reason)`: it unwinds like a panic (with
//! [`exit_now`], which calls no hook at all) and is caught at the same places, where it yields
//! its reason as it is. A GenServer's loop catches both around every callback, as gen_server
//! catches them, and the runner of every process catches what is left.
//!
//! Uses exit reasons. Whether code runs inside a process is the process layer's knowledge: it
//! passes that test in when it installs the hook.

use std::any::Any;
use std::sync::Once;

use crate::exit::ExitReason;

/// What an exit unwinds with: the reason, caught by [`reason`].
struct ExitUnwind(ExitReason);

/// Raises an exit with `reason` (Erlang's `exit(Reason)`): unwinds to the nearest catch, a
/// callback's in a GenServer or the process's runner, which take `reason` as the exit reason.
/// No panic hook runs: it is not a panic.
pub(crate) fn exit_now(reason: ExitReason) -> ! {
    std::panic::resume_unwind(Box::new(ExitUnwind(reason)))
}

/// What a caught unwind means: the reason of an exit, or a panic's message as
/// [`ExitReason::Panic`]; `true` with it for a panic (the process's own exception, which the
/// runtime reports), `false` for an exit.
pub(crate) fn reason(payload: Box<dyn Any + Send>) -> (ExitReason, bool) {
    match payload.downcast::<ExitUnwind>() {
        Ok(exit) => (exit.0, false),
        Err(payload) => (ExitReason::panic(message(&*payload)), true),
    }
}

/// Installs the hook once per program; `inside_process` says whether the panicking thread is
/// polling a process. The process layer calls it before it starts a process.
pub(crate) fn install_hook(inside_process: fn() -> bool) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Inside a process the panic becomes an exit reason and a report; nothing to print
            // here (and nothing to format: a crash costs no more than the unwinding).
            if !inside_process() {
                previous(info);
            }
        }));
    });
}

/// The message a panic payload carries.
pub(crate) fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_string()
    }
}

/// A future that turns a panic or an exit while polling `F` into `Err(reason)`.
pub(crate) struct CatchUnwind<F> {
    inner: F,
}

impl<F: std::future::Future> std::future::Future for CatchUnwind<F> {
    type Output = Result<F::Output, ExitReason>;

    #[inline]
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        // SAFETY: `inner` is structurally pinned: it is never moved out of `self`, and
        // `CatchUnwind` has no Drop impl and is not Unpin-dependent in any other way.
        let inner = unsafe { self.map_unchecked_mut(|s| &mut s.inner) };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(std::task::Poll::Ready(v)) => std::task::Poll::Ready(Ok(v)),
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Err(payload) => std::task::Poll::Ready(Err(reason(payload).0)),
        }
    }
}

/// Runs `fut`, catching a panic as `Err(ExitReason::Panic(message))` and an exit as
/// `Err(reason)`.
pub(crate) fn catch_unwind<F: std::future::Future>(fut: F) -> CatchUnwind<F> {
    CatchUnwind { inner: fut }
}
