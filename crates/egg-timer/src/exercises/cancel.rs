//! # Your Turn: cancel an alarm without crashing the server
//!
//! In the book's server, an alarm taken out of the map before its timer fires crashes the
//! server when the `{:alarm, name}` message comes (`KeyError`): the timer still runs.
//!
//! **Task.** Add [`cancel`]`(&t, name)` to the egg timer: the alarm is removed *and its timer
//! cancelled*, so no `{:alarm, name}` message ever comes for it. Cancelling a name that has no
//! alarm is fine: it does nothing, and the server carries on (`:ok` in the BEAM transcript).
//!
//! **Where you start.** [`EggTimer`] below is the [`api_layer`](super::api_layer) exercise's
//! solution, given, with one more cast, `Cast::Cancel(name)`, whose clause in `handle_cast`
//! calls [`cancel_alarm`]. Its alarms and their timers are in
//! [`Alarms`](crate::alarms::Alarms)' two maps. A `{:alarm, name}` message for an alarm the
//! server does not hold is logged as a warning, so a timer left running shows in the output.
//!
//! **What you change.** The bodies of [`cancel`] and [`cancel_alarm`], wrapped in
//! `teaching::solution!`. The tests below stay unchanged.

use std::convert::Infallible;

use otp_core::Atom;
use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Info, Init, Options, ServerRef,
    StartError,
};
use otp_core::timer;
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
    /// Cancel an alarm, if there is one of that name.
    Cancel(Atom),
}

// The api_layer exercise's solution, with the cancel clause added.
impl GenServer for EggTimer {
    type Arg = ();
    type Call = Call;
    type Reply = Vec<Status>;
    type Cast = Cast;
    type Info = Msg;
    type Continue = Infallible;

    async fn init((): ()) -> Init<Self> {
        Init::Ok(EggTimer::default())
    }

    async fn handle_cast(&mut self, msg: Cast) -> CastResult<Self> {
        match msg {
            Cast::Schedule { name, duration, f } => {
                self.0
                    .schedule(&gen_server::self_ref::<EggTimer>(), name, duration, f)
            }
            Cast::Cancel(name) => cancel_alarm(&mut self.0, &name),
        }
        CastResult::NoReply
    }

    async fn handle_call(
        &mut self,
        Call::Status: Call,
        _from: &Caller<Vec<Status>>,
    ) -> CallResult<Self> {
        CallResult::Reply(self.0.status_at(Instant::now()))
    }

    async fn handle_info(&mut self, msg: Info<Msg>) -> CastResult<Self> {
        match msg {
            Info::Msg(Msg::Alarm(name)) => self.0.fire(&name),
            other => gen_server::log_unexpected::<EggTimer>(&other),
        }
        CastResult::NoReply
    }
}

/// Starts an empty egg timer, linked to the caller.
pub async fn start_link() -> Result<ServerRef<EggTimer>, StartError> {
    gen_server::start_link::<EggTimer>((), Options::new()).await
}

/// Schedules an alarm: `f` runs `duration` milliseconds from now. An alarm of the same name is
/// replaced.
pub fn schedule(
    timer: &ServerRef<EggTimer>,
    name: impl Into<Atom>,
    duration: u64,
    f: impl Fn() + Send + Sync + 'static,
) {
    let (name, f) = (name.into(), AlarmFn::new(f));
    gen_server::cast(timer, Cast::Schedule { name, duration, f })
}

/// Every alarm's `(name, duration, seconds remaining)`, sorted by name.
pub async fn status(timer: &ServerRef<EggTimer>) -> Result<Vec<Status>, CallError> {
    gen_server::call(timer, Call::Status).await
}

// ANCHOR: solution
/// Cancels the alarm `name`, if there is one. Returns at once, as a cast does.
pub fn cancel(egg_timer: &ServerRef<EggTimer>, name: impl Into<Atom>) {
    teaching::solution! {
        gen_server::cast(egg_timer, Cast::Cancel(name.into()))
    }
}

/// What the server does with `Cast::Cancel(name)`: removes the alarm `name` and cancels its
/// timer; nothing to do if there is none.
pub fn cancel_alarm(alarms: &mut Alarms, name: &Atom) {
    teaching::solution! {
        alarms.alarms.remove(name);
        if let Some(t) = alarms.timers.remove(name) {
            timer::cancel_timer(&t);
        }
    }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    use super::*;
    use otp_core::{io, process};

    #[test]
    fn a_cancelled_alarm_never_fires() {
        // A timer left running after the cancel would bring an `{:alarm, :toast}` message at
        // 1500 ms, which the server logs as a warning: the output would show it.
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(t) = start_link().await else { return };
                schedule(&t, "tea", 1_000, || io::puts("Tea is ready"));
                schedule(&t, "toast", 1_500, || io::puts("Toast is ready"));
                cancel(&t, "toast");
                sh.say(format!("{:?}", status(&t).await));
                process::sleep(2_000).await;
                sh.say(format!("{:?}", status(&t).await));
            })
            .await;
        });
        assert_eq!(out, "Ok([(:tea, 1000, 1)])\nTea is ready\nOk([])\n");
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancel_stops_the_alarms_timer_and_forgets_it() {
        let (running, left) = otp_core::Node::new()
            .run(async {
                let t = start_link().await.expect("init never fails");
                schedule(&t, "toast", 1_500, || io::puts("Toast is ready"));
                let toast = gen_server::inspect(&t, |t: &EggTimer| {
                    t.0.timers.get(&Atom::from("toast")).cloned()
                })
                .await
                .expect("the timer is alive")
                .expect("scheduling starts a timer");
                cancel(&t, "toast");
                let left =
                    gen_server::inspect(&t, |t: &EggTimer| (t.0.alarms.len(), t.0.timers.len()))
                        .await
                        .expect("the timer is alive");
                (timer::read_timer(&toast).is_some(), left)
            })
            .await
            .expect("the test process ends normally");
        assert!(!running, "the cancelled alarm's timer is still running");
        assert_eq!(left, (0, 0), "(alarms, timers) left after the cancel");
    }

    #[test]
    fn cancelling_an_unknown_name_changes_nothing() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(t) = start_link().await else { return };
                schedule(&t, "eggs", 300_000, || io::puts("Eggs are done"));
                cancel(&t, "not_there");
                cancel(&t, "not_there");
                sh.say(format!("{:?} {}", status(&t).await, t.is_alive()));
            })
            .await;
        });
        assert_eq!(out, "Ok([(:eggs, 300000, 300)]) true\n");
    }

    #[test]
    fn a_cancel_racing_with_its_timer_does_not_crash() {
        // The timer fires at 1000 ms and the cancel arrives in the same instant: whichever the
        // server sees first, it neither crashes nor fires the alarm twice.
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(t) = start_link().await else { return };
                schedule(&t, "tea", 1_000, || io::puts("Tea is ready"));
                process::sleep(1_000).await;
                cancel(&t, "tea");
                process::sleep(10).await;
                sh.say(format!("{:?} {}", status(&t).await, t.is_alive()));
            })
            .await;
        });
        assert!(out.ends_with("Ok([]) true\n"), "{out}");
        assert!(out.matches("Tea is ready").count() <= 1, "{out}");
    }
}
