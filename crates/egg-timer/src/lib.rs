//! # Chapter 2: Communication between servers (the egg timer)
//!
//! An egg timer keeps named alarms and runs each one's function when its time is up. It is
//! built in the book's three layers:
//!
//! - [`core`]: the [`Alarm`], plain data and pure functions, with time passed in;
//! - [`server`]: the book's `EggTimer.Server`, a GenServer that schedules each alarm with a
//!   timed message to itself and fires it in `handle_info`;
//! - this module: the API layer, functions that hide the server's messages from its callers.
//!
//! [`anatomy`] shows every GenServer response tuple beside its Rust counterpart;
//! [`scenes`] replays the chapter's IEx sessions; [`exercises`] solves its "Your Turn".
//!
//! [`shell`] is the chapter's interactive shell on a live node, in real time: `cargo run -p
//! egg-timer` (see `teaching::iex`).
//!
//! ```
//! use egg_timer::Timers;
//! use otp_core::io;
//!
//! let out = teaching::capture(|sh| async move {
//!     sh.run(|sh| async move {
//!         let t = egg_timer::start_link(Timers::new()).await.unwrap();
//!         egg_timer::schedule(&t, "eggs", 300_000, || io::puts("Eggs are done"));
//!         sh.sleep(4_000).await;
//!         sh.say(format!("{:?}", egg_timer::status(&t).await));
//!         sh.sleep(296_000).await;
//!     })
//!     .await;
//! });
//! assert_eq!(out, "Ok([(:eggs, 300000, 296)])\nEggs are done\n");
//! ```

pub mod alarms;
pub mod anatomy;
pub mod calculator;
pub mod core;
pub mod exercises;
pub mod scenes;
pub mod server;
pub mod shell;
pub mod your_turn;

pub use crate::core::{Alarm, AlarmFn, Status, Timers};
pub use crate::server::Server;

use otp_core::Atom;
use otp_core::gen_server::{self, CallError, ServerRef, StartError};

use crate::server::{Call, Cast};

// ANCHOR: api
/// Starts an egg timer holding `timers`, linked to the caller.
pub async fn start_link(timers: Timers) -> Result<ServerRef<Server>, StartError> {
    Server::start_link(timers).await
}

/// Schedules an alarm: `f` runs `duration` milliseconds from now. An alarm already under
/// `name` is replaced, and its timer cancelled.
pub fn schedule(
    timer: &ServerRef<Server>,
    name: impl Into<Atom>,
    duration: u64,
    f: impl Fn() + Send + Sync + 'static,
) {
    gen_server::cast(timer, Cast::schedule(name, duration, f));
}

/// The status of every alarm, sorted by name: `(name, duration, seconds remaining)`.
pub async fn status(timer: &ServerRef<Server>) -> Result<Vec<Status>, CallError> {
    gen_server::call(timer, Call::Status).await
}

/// The book's `:stop` cast: the server stops with the abnormal reason `:we_broke_something`,
/// so it logs a crash report and takes its linked processes down with it.
pub fn stop(timer: &ServerRef<Server>) {
    gen_server::cast(timer, Cast::Stop);
}
// ANCHOR_END: api

#[cfg(test)]
mod tests {
    use super::*;
    use otp_core::{io, process};

    #[test]
    fn the_api_hides_the_messages() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(t) = start_link(Timers::new()).await else {
                    return;
                };
                schedule(&t, "waffles", 600_000, || io::puts("Waffles are done"));
                schedule(&t, "eggs", 300_000, || io::puts("Eggs are done"));
                sh.say(format!("{:?}", status(&t).await));
                process::sleep(300_000).await;
                sh.say(format!("{:?}", status(&t).await));
                stop(&t);
                process::sleep(1).await;
                sh.say("not reached: the server's exit takes the shell down");
            })
            .await;
        });
        assert_eq!(
            out,
            "Ok([(:eggs, 300000, 300), (:waffles, 600000, 600)])\n\
             Eggs are done\n\
             Ok([(:waffles, 600000, 300)])\n\
             \n[error] GenServer #PID<0.101.0> terminating\n\
             ** (stop) :we_broke_something\n\
             Last message: {:\"$gen_cast\", Stop}\n\
             State: {:waffles: Alarm { name: :waffles, duration: 600000, time: #Instant<300000 ms ago>, f: #Function<fn/0> }}\n\
             ** (EXIT from #PID<0.100.0>) shell process exited with reason: :we_broke_something\n"
        );
    }
}
