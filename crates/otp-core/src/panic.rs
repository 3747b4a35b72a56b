//! Panics inside processes: caught, silenced at the source, reported through `tracing`.
//!
//! A panic in a process becomes the process's exit reason ([`crate::ExitReason::Panic`]) and is
//! reported the way Elixir reports a raised exception. The standard panic hook would also print
//! "thread panicked at ..." to stderr; the hook installed here stays quiet for panics raised
//! inside a process (the runtime reports those itself) and hands every other panic to the hook
//! that was there before.

use std::any::Any;
use std::cell::RefCell;
use std::sync::Once;

thread_local! {
    static LAST_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the hook once per program. Called when the first [`crate::Node`] is made.
pub(crate) fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if crate::process::with_current(|p| p.is_some()) {
                let location = info.location().map(|l| l.to_string());
                LAST_LOCATION.with(|l| *l.borrow_mut() = location);
            } else {
                previous(info);
            }
        }));
    });
}

/// Where the last panic on this thread inside a process happened, if the hook saw it.
pub(crate) fn take_location() -> Option<String> {
    LAST_LOCATION.with(|l| l.borrow_mut().take())
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
