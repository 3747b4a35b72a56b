//! # Your turn: a clock
//!
//! A server that prints the time every minute. Nobody calls it to make it tick: `init`
//! schedules a `Tick` message to itself with `send_after`, and `handle_info` prints the time
//! and schedules the next one. [`ticks`] says how many times it has ticked.
//!
//! **What you change:** the bodies wrapped in `teaching::solution!` below: `init`,
//! `handle_info`, and [`time_of_day`]. Keep the types and signatures; the tests at the bottom
//! of this file stay unchanged. Check with `cargo test -p calculator exercises::clock`.
//!
//! **Which time?** The BEAM's clock prints the wall clock (`The time is 22:03:01`), which is
//! different on every run. This one prints the time on tokio's clock since the clock started,
//! counted from midnight: its first tick, a minute in, prints `The time is 00:01:00`. Tests and
//! scenes run under a paused tokio clock, where a minute passes at once and always the same
//! way, so the output can be compared line for line; a program on a running clock sees real
//! time pass.
//!
//! | Elixir                                        | Rust                                             |
//! |-----------------------------------------------|--------------------------------------------------|
//! | `Clock.start_link(interval: 1000)`            | [`start_link`]`(ClockOptions { interval: 1000 })` |
//! | `Process.send_after(self(), :tick, interval)` | `timer::send_after(&self_ref::<Clock>(), Tick, interval)` |
//! | `handle_info(:tick, state)`                   | `handle_info(Info::Msg(Tick))`                   |

use std::convert::Infallible;
use std::fmt;
use std::time::Duration;

use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Info, Init, Options, StartError,
};
use otp_core::{ServerRef, io, timer};
use tokio::time::Instant;

/// How often the clock ticks, in milliseconds: a minute unless told otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockOptions {
    /// Milliseconds between two ticks (`interval:`).
    pub interval: u64,
}

impl Default for ClockOptions {
    fn default() -> Self {
        ClockOptions { interval: 60_000 }
    }
}

/// The server's state.
pub struct Clock {
    interval: u64,
    started: Instant,
    ticks: u64,
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "%{{interval: {}, ticks: {}}}", self.interval, self.ticks)
    }
}

/// The message the clock sends itself: `:tick`.
#[derive(Clone, Debug)]
pub struct Tick;

/// The requests that wait for an answer.
#[derive(Debug)]
pub enum Call {
    /// `:ticks`: how many times the clock has ticked.
    Ticks,
}

// ANCHOR: server
impl GenServer for Clock {
    type Arg = ClockOptions;
    type Call = Call;
    type Reply = u64;
    type Cast = Infallible;
    type Info = Tick;
    type Continue = Infallible;

    async fn init(options: ClockOptions) -> Init<Self> {
        teaching::solution! {
            let interval = options.interval.max(1);
            timer::send_after(&gen_server::self_ref::<Clock>(), Tick, interval);
            Init::Ok(Clock { interval, started: Instant::now(), ticks: 0 })
        }
    }

    async fn handle_info(&mut self, msg: Info<Tick>) -> CastResult<Self> {
        if let Info::Msg(Tick) = msg {
            teaching::solution! {
                self.ticks += 1;
                io::puts(format!("The time is {}", time_of_day(self.started.elapsed())));
                timer::send_after(&gen_server::self_ref::<Clock>(), Tick, self.interval);
            }
        }
        CastResult::NoReply
    }

    async fn handle_call(&mut self, Call::Ticks: Call, _from: &Caller<u64>) -> CallResult<Self> {
        CallResult::Reply(self.ticks)
    }
}

/// `HH:MM:SS` for a time `elapsed` after midnight (the next day starts again at `00:00:00`).
pub fn time_of_day(elapsed: Duration) -> String {
    teaching::solution! {
        let seconds = elapsed.as_secs() % (24 * 60 * 60);
        format!("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }
}
// ANCHOR_END: server

/// `Clock.start_link/1`: a clock linked to the caller, ticking every `options.interval` ms
/// (at least 1).
///
/// # Panics
/// Outside a process.
pub async fn start_link(options: ClockOptions) -> Result<ServerRef<Clock>, StartError> {
    gen_server::start_link::<Clock>(options, Options::new()).await
}

/// `Clock.ticks/1`: how many times the clock has ticked.
pub async fn ticks(clock: &ServerRef<Clock>) -> Result<u64, CallError> {
    gen_server::call(clock, Call::Ticks).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercises::in_node;
    use otp_core::process;

    #[test]
    fn time_of_day_counts_from_midnight_and_wraps() {
        assert_eq!(time_of_day(Duration::ZERO), "00:00:00");
        assert_eq!(time_of_day(Duration::from_millis(1999)), "00:00:01");
        assert_eq!(time_of_day(Duration::from_secs(3661)), "01:01:01");
        assert_eq!(time_of_day(Duration::from_secs(24 * 3600 + 59)), "00:00:59");
    }

    #[tokio::test(start_paused = true)]
    async fn it_ticks_every_interval_from_init() {
        let (ticked, printed) = in_node(async {
            let clock = start_link(ClockOptions { interval: 1000 })
                .await
                .expect("init never fails");
            process::sleep(3500).await;
            ticks(&clock).await
        })
        .await;
        assert_eq!(ticked, Ok(3));
        assert_eq!(
            printed,
            "The time is 00:00:01\nThe time is 00:00:02\nThe time is 00:00:03\n"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn by_default_it_ticks_every_minute() {
        let (ticked, printed) = in_node(async {
            let clock = start_link(ClockOptions::default())
                .await
                .expect("init never fails");
            process::sleep(59_999).await;
            let before = ticks(&clock).await;
            process::sleep(60_002).await;
            (before, ticks(&clock).await)
        })
        .await;
        assert_eq!(ticked, (Ok(0), Ok(2)));
        assert_eq!(printed, "The time is 00:01:00\nThe time is 00:02:00\n");
    }
}
