//! The chapter's "Your Turn", solved: one file per exercise.
//!
//! - [`calls_not_casts`]: the calculator with calls instead of casts;
//! - [`api_layer`]: an egg timer whose callers use functions, not messages;
//! - [`cancel`](mod@cancel): cancelling an alarm without crashing the server;
//! - [`hms_status`]: the status in hours, minutes and seconds;
//! - [`graceful_stop`]: trapping exits in `init`, so that `terminate` runs on a shutdown;
//! - [`supervised`] (a "Your Turn" of chapter 3): the egg timer under a supervisor, crashed,
//!   restarted, its alarms gone.
//!
//! Each file states its task and what to change; its tests call only the public API, so your
//! own solution slots in. With the crate's `stub-exercises` feature every solution body
//! becomes `todo!()`, and every one of these tests fails:
//! `cargo test -p egg-timer --features stub-exercises --lib exercises`.
//!
//! The egg timer of the last four exercises, in one place (the `your_turn_egg_timer` scene
//! uses it as `EggTimer` is used in the BEAM transcript):

pub mod api_layer;
pub mod calls_not_casts;
pub mod cancel;
pub mod graceful_stop;
pub mod hms_status;
pub mod supervised;

pub use api_layer::{EggTimer, schedule, start_link, status};
pub use cancel::cancel;
pub use graceful_stop::stop;
pub use hms_status::{AlarmStatus, Hms, hms};

/// The output of a test's shell up to the egg timer's goodbye: when a test's shell process
/// ends, the timer it started (trapping exits, once `graceful_stop` is solved) runs
/// `terminate` and says goodbye. The exercises before that one do not depend on it.
#[cfg(test)]
fn before_goodbye(out: &str) -> &str {
    out.split("EggTimer shutting down gracefully")
        .next()
        .unwrap_or(out)
}
