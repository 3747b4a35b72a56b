//! The "Your Turn" egg timer with every exercise in: the [`api_layer`](crate::exercises::api_layer)
//! server, with [`cancel`](crate::exercises::cancel), the status in hours, minutes and seconds
//! of [`hms_status`](crate::exercises::hms_status), and the graceful stop of
//! [`graceful_stop`](crate::exercises::graceful_stop). It is what the BEAM transcript's
//! `EggTimer` is, and what the `your_turn_egg_timer` scene runs.
//!
//! Each exercise's file has a server of its own with only what that exercise needs, so the
//! exercises can be done and checked one at a time; this one calls the solutions of all four,
//! and only the scene uses it.
//!
//! ```
//! use egg_timer::your_turn;
//! use otp_core::io;
//!
//! let out = teaching::capture(|sh| async move {
//!     sh.run(|sh| async move {
//!         let t = your_turn::start_link().await.unwrap();
//!         your_turn::schedule(&t, "roast", 2 * 3_600_000 + 5 * 60_000, || io::puts("Roast!"));
//!         your_turn::schedule(&t, "tea", 1_000, || io::puts("Tea is ready"));
//!         your_turn::cancel(&t, "tea");
//!         sh.say(format!("{:?}", your_turn::status(&t).await));
//!         your_turn::stop(&t).await.unwrap();
//!     })
//!     .await;
//! });
//! assert_eq!(
//!     out,
//!     "Ok([(:roast, (2, 5, 0), (2, 5, 0))])\n\
//!      EggTimer shutting down gracefully (:normal), dropping 1 alarm(s)\n"
//! );
//! ```

use std::convert::Infallible;

use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Info, Init, Options, ServerRef,
    StartError, StopError,
};
use otp_core::{Atom, ExitReason, Timeout, process};
use tokio::time::Instant;

use crate::alarms::{Alarms, Msg};
use crate::core::AlarmFn;
use crate::exercises::cancel::cancel_alarm;
use crate::exercises::graceful_stop;
use crate::exercises::hms_status::{AlarmStatus, alarm_status};

/// The egg timer: its alarms, each with its timer.
#[derive(Debug, Default)]
pub struct EggTimer(Alarms);

/// What a call asks.
#[derive(Debug)]
pub enum Call {
    /// Every alarm's status, in hours, minutes and seconds, sorted by name.
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

impl GenServer for EggTimer {
    type Arg = ();
    type Call = Call;
    type Reply = Vec<AlarmStatus>;
    type Cast = Cast;
    type Info = Msg;
    type Continue = Infallible;

    async fn init((): ()) -> Init<Self> {
        graceful_stop::trap_exits();
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
        _from: &Caller<Vec<AlarmStatus>>,
    ) -> CallResult<Self> {
        let now = Instant::now();
        CallResult::Reply(
            self.0
                .alarms
                .values()
                .map(|a| alarm_status(a, now))
                .collect(),
        )
    }

    async fn handle_info(&mut self, msg: Info<Msg>) -> CastResult<Self> {
        match msg {
            Info::Msg(Msg::Alarm(name)) => self.0.fire(&name),
            Info::Exit { from, reason } => tracing::warn!(
                "EggTimer {} ignored the exit of linked process {from} ({reason})",
                process::self_pid()
            ),
            other => gen_server::log_unexpected::<EggTimer>(&other),
        }
        CastResult::NoReply
    }

    async fn terminate(&mut self, reason: &ExitReason) {
        graceful_stop::shut_down(&mut self.0, reason);
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

/// Every alarm's status, in hours, minutes and seconds, sorted by name.
pub async fn status(timer: &ServerRef<EggTimer>) -> Result<Vec<AlarmStatus>, CallError> {
    gen_server::call(timer, Call::Status).await
}

/// Cancels the alarm `name`, if there is one.
pub fn cancel(timer: &ServerRef<EggTimer>, name: impl Into<Atom>) {
    gen_server::cast(timer, Cast::Cancel(name.into()))
}

/// Stops the timer with `:normal`, waiting until it is gone.
pub async fn stop(timer: &ServerRef<EggTimer>) -> Result<(), StopError> {
    gen_server::stop(timer, ExitReason::Normal, Timeout::Infinity).await
}
