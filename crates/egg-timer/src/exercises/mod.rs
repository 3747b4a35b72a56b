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
//! own solution slots in. The egg timer's exercises come in order: [`api_layer`] first, then
//! [`cancel`](mod@cancel), [`hms_status`] and [`graceful_stop`] in any order, each of which
//! starts from the `api_layer` solution, given in its own file. No exercise's tests use
//! another exercise's solution, so each can be taken out and checked alone
//! (`make exercise NAME=egg-timer/cancel`).
//!
//! The BEAM transcript's `EggTimer`, with all four in, is [`crate::your_turn`]; its functions
//! are re-exported here, as the `your_turn_egg_timer` scene uses them.

pub mod api_layer;
pub mod calls_not_casts;
pub mod cancel;
pub mod graceful_stop;
pub mod hms_status;
pub mod supervised;

pub use crate::your_turn::{EggTimer, cancel, schedule, start_link, status, stop};
pub use hms_status::{AlarmStatus, Hms, hms};
