//! # Your Turn: an API layer for the egg timer
//!
//! The chapter's scenes talk to the server in its own messages:
//! `gen_server::cast(&t, Cast::schedule(..))`, `gen_server::call(&t, Call::Status)`. A caller
//! should not need to know those.
//!
//! **Task.** Build [`EggTimer`], an egg timer whose callers use functions only:
//! [`start_link`]`()` (no map to pass: it starts empty), [`schedule`]`(&t, name, ms, f)` and
//! [`status`]`(&t)`. The next exercises add [`cancel`](super::cancel::cancel), a status in hours,
//! minutes and seconds ([`super::hms_status`]) and a graceful [`stop`](super::graceful_stop::stop);
//! this file holds the server they all extend.
//!
//! **What you change.** The bodies of `EggTimer`'s callbacks and of [`start_link`],
//! [`schedule`] and [`status`]; use the chapter's core ([`crate::core`]) for the alarms. The
//! tests below stay unchanged.

use std::collections::BTreeMap;
use std::fmt;

use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Info, Init, Options, ServerRef,
    StartError,
};
use otp_core::timer::{self, TimerRef};
use otp_core::{Atom, ExitReason, process};
use tokio::time::Instant;

use super::graceful_stop;
use super::hms_status::{AlarmStatus, alarm_status};
use crate::core::{Alarm, AlarmFn, Pop, Timers, pop_due};

/// The egg timer's state: its alarms, and the timer that will fire each one.
#[derive(Default)]
pub struct EggTimer {
    /// The alarms, by name.
    pub(super) alarms: Timers,
    /// Each alarm's timer, by name, to cancel it.
    pub(super) timers: BTreeMap<Atom, TimerRef>,
}

/// The state prints as its alarms.
impl fmt::Debug for EggTimer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.alarms, f)
    }
}

/// What a call asks.
#[derive(Debug)]
pub enum Call {
    /// Every alarm's status, by name.
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
    /// Cancel an alarm, if there is one of that name.
    Cancel(Atom),
}

/// The message each alarm's timer sends.
#[derive(Debug)]
pub enum Msg {
    /// `{:alarm, name}`.
    Alarm(Atom),
}

// ANCHOR: solution
impl GenServer for EggTimer {
    type Arg = ();
    type Call = Call;
    type Reply = Vec<AlarmStatus>;
    type Cast = Cast;
    type Info = Msg;
    type Continue = std::convert::Infallible;

    async fn init(_: ()) -> Init<Self> {
        teaching::solution! {
            graceful_stop::trap_exits();
            Init::Ok(EggTimer::default())
        }
    }

    async fn handle_cast(&mut self, msg: Cast) -> CastResult<Self> {
        teaching::solution! {
            match msg {
                Cast::Schedule { name, duration, f } => {
                    let alarm = Alarm::with_fn(name, duration, f);
                    let me = gen_server::self_ref::<EggTimer>();
                    let timer = timer::send_after(&me, Msg::Alarm(alarm.name.clone()), duration);
                    // A new alarm under a name in use replaces the old one, timer and all.
                    if let Some(old) = self.timers.insert(alarm.name.clone(), timer) {
                        timer::cancel_timer(&old);
                    }
                    self.alarms.insert(alarm.name.clone(), alarm);
                }
                Cast::Cancel(name) => self.cancel_alarm(&name),
            }
            CastResult::NoReply
        }
    }

    async fn handle_call(
        &mut self,
        Call::Status: Call,
        _from: &Caller<Vec<AlarmStatus>>,
    ) -> CallResult<Self> {
        teaching::solution! {
            let now = Instant::now();
            CallResult::Reply(self.alarms.values().map(|a| alarm_status(a, now)).collect())
        }
    }

    async fn handle_info(&mut self, msg: Info<Msg>) -> CastResult<Self> {
        teaching::solution! {
            match msg {
                Info::Msg(Msg::Alarm(name)) => {
                    // A cancelled or replaced alarm's timer is cancelled too, so a message that
                    // finds no due alarm raced with the cancel: nothing to do.
                    if let Pop::Due(alarm) = pop_due(&mut self.alarms, &name, Instant::now()) {
                        self.timers.remove(&name);
                        alarm.trigger();
                    }
                }
                // Trapping exits: a linked process other than the parent exited. The timer
                // carries on; the parent's exit never comes here (it runs `terminate`).
                Info::Exit { from, reason } => tracing::warn!(
                    "EggTimer {} ignored the exit of linked process {from} ({reason})",
                    process::self_pid()
                ),
                other => tracing::warn!("EggTimer {} ignored {other:?}", process::self_pid()),
            }
            CastResult::NoReply
        }
    }

    async fn terminate(&mut self, reason: &ExitReason) {
        teaching::solution! {
            graceful_stop::shut_down(self, reason)
        }
    }
}

/// Starts an empty egg timer, linked to the caller.
pub async fn start_link() -> Result<ServerRef<EggTimer>, StartError> {
    teaching::solution! {
        gen_server::start_link::<EggTimer>((), Options::new()).await
    }
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

/// Every alarm's status, by name, in hours, minutes and seconds.
pub async fn status(timer: &ServerRef<EggTimer>) -> Result<Vec<AlarmStatus>, CallError> {
    teaching::solution! {
        gen_server::call(timer, Call::Status).await
    }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    use super::*;
    use otp_core::io;

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
            super::super::before_goodbye(&out),
            "Ok([(:eggs, (0, 5, 0), (0, 5, 0)), (:tea, (0, 0, 1), (0, 0, 1))])\n\
             Tea is ready\n\
             Ok([(:eggs, (0, 5, 0), (0, 4, 59))])\n"
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
        assert_eq!(
            super::super::before_goodbye(&out),
            "at 300 ms\nsecond eggs\nOk([]) true\n"
        );
    }
}
