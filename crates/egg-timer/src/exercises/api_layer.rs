//! # Your Turn: an API layer for the egg timer
//!
//! The chapter's scenes talk to the server in its own messages:
//! `gen_server::cast(&t, Cast::schedule(..))`, `gen_server::call(&t, Call::Status)`. A caller
//! should not need to know those.
//!
//! **Task.** Build [`EggTimer`], an egg timer whose callers use functions only:
//! [`start_link`]`()` (no map to pass: it starts empty), [`schedule`]`(&t, name, ms, f)` and
//! [`status`]`(&t)`, which answers each alarm's `(name, duration, seconds remaining)` as the
//! chapter's server does. The alarms' bookkeeping is given ([`Alarms`]: `schedule`, `fire`,
//! `status_at`); your part is the server's callbacks and the three functions.
//!
//! This is the first of the egg timer's exercises. The next three ([`super::cancel`],
//! [`super::hms_status`], [`super::graceful_stop`]) each start from this solution, given in
//! their own file, and do not depend on each other.
//!
//! **What you change.** The bodies wrapped in `teaching::solution!`: `EggTimer`'s callbacks
//! and [`start_link`], [`schedule`] and [`status`]. The tests below stay unchanged.

use std::convert::Infallible;

use otp_core::Atom;
use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Info, Init, Options, ServerRef,
    StartError,
};
use tokio::time::Instant;

use crate::alarms::{Alarms, Msg};
use crate::core::{AlarmFn, Status};

/// The egg timer: its alarms, each with its timer.
#[derive(Debug, Default)]
pub struct EggTimer(Alarms);

/// What a call asks.
#[derive(Debug)]
pub enum Call {
    /// Every alarm's status, sorted by name.
    Status,
}

/// What a cast asks.
#[derive(Debug)]
pub enum Cast {
    /// Schedule an alarm, replacing any of the same name.
    Schedule {
        /// Its name.
        name: Atom,
        /// Milliseconds from now.
        duration: u64,
        /// What it runs.
        f: AlarmFn,
    },
}

// ANCHOR: solution
impl GenServer for EggTimer {
    type Arg = ();
    type Call = Call;
    type Reply = Vec<Status>;
    type Cast = Cast;
    type Info = Msg;
    type Continue = Infallible;

    async fn init((): ()) -> Init<Self> {
        teaching::solution! { Init::Ok(EggTimer::default()) }
    }

    async fn handle_cast(&mut self, msg: Cast) -> CastResult<Self> {
        teaching::solution! {
            let Cast::Schedule { name, duration, f } = msg;
            self.0.schedule(&gen_server::self_ref::<EggTimer>(), name, duration, f);
            CastResult::NoReply
        }
    }

    async fn handle_call(
        &mut self,
        Call::Status: Call,
        _from: &Caller<Vec<Status>>,
    ) -> CallResult<Self> {
        teaching::solution! { CallResult::Reply(self.0.status_at(Instant::now())) }
    }

    async fn handle_info(&mut self, msg: Info<Msg>) -> CastResult<Self> {
        teaching::solution! {
            match msg {
                Info::Msg(Msg::Alarm(name)) => self.0.fire(&name),
                other => gen_server::log_unexpected::<EggTimer>(&other),
            }
            CastResult::NoReply
        }
    }
}

/// Starts an empty egg timer, linked to the caller.
pub async fn start_link() -> Result<ServerRef<EggTimer>, StartError> {
    teaching::solution! { gen_server::start_link::<EggTimer>((), Options::new()).await }
}

/// Schedules an alarm: `f` runs `duration` milliseconds from now. An alarm of the same name is
/// replaced.
pub fn schedule(
    timer: &ServerRef<EggTimer>,
    name: impl Into<Atom>,
    duration: u64,
    f: impl Fn() + Send + Sync + 'static,
) {
    teaching::solution! {
        let (name, f) = (name.into(), AlarmFn::new(f));
        gen_server::cast(timer, Cast::Schedule { name, duration, f })
    }
}

/// Every alarm's `(name, duration, seconds remaining)`, sorted by name.
pub async fn status(timer: &ServerRef<EggTimer>) -> Result<Vec<Status>, CallError> {
    teaching::solution! { gen_server::call(timer, Call::Status).await }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    use super::*;
    use otp_core::{io, process};

    #[test]
    fn start_link_schedule_and_status_need_no_messages() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(t) = start_link().await else { return };
                schedule(&t, "tea", 1_000, || io::puts("Tea is ready"));
                schedule(&t, "eggs", 300_000, || io::puts("Eggs are done"));
                sh.say(format!("{:?}", status(&t).await));
                process::sleep(1_001).await;
                sh.say(format!("{:?}", status(&t).await));
            })
            .await;
        });
        assert_eq!(
            out,
            "Ok([(:eggs, 300000, 300), (:tea, 1000, 1)])\n\
             Tea is ready\n\
             Ok([(:eggs, 300000, 299)])\n"
        );
    }

    #[test]
    fn scheduling_a_name_again_replaces_the_alarm() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(t) = start_link().await else { return };
                schedule(&t, "eggs", 200, || io::puts("first eggs"));
                schedule(&t, "eggs", 400, || io::puts("second eggs"));
                process::sleep(300).await;
                sh.say("at 300 ms");
                process::sleep(200).await;
                sh.say(format!("{:?} {}", status(&t).await, t.is_alive()));
            })
            .await;
        });
        assert_eq!(out, "at 300 ms\nsecond eggs\nOk([]) true\n");
    }
}
