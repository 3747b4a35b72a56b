//! # Your Turn: a graceful stop
//!
//! `terminate` is where a server tidies up before it exits. It runs when the server stops
//! itself (a stop result, a panic in a callback, [`gen_server::stop`]), but an exit signal
//! from its parent (a supervisor shutting it down, a linked shell exiting) kills a server that
//! does not trap exits on the spot, without `terminate`.
//!
//! **Task.** Make the egg timer stop gracefully: trap exits in `init` (write [`trap_exits`],
//! which `init` calls), print
//! `EggTimer shutting down gracefully (<reason>), dropping <n> alarm(s)` and cancel every
//! timer in `terminate` (write [`shut_down`], which `terminate` calls), and add [`stop`]`(&t)`,
//! which stops the server with the reason `:normal` and waits until it is gone.
//!
//! `terminate` still does not run when the server is killed (`ExitReason::Kill` cannot be
//! trapped), and an exit signal from a linked process that is *not* the parent reaches a
//! trapping server as a message in `handle_info`, not as a reason to stop.
//!
//! **Where you start.** [`EggTimer`] below is the [`api_layer`](super::api_layer) exercise's
//! solution, given, with the two calls in `init` and `terminate` already written, and a
//! `handle_info` clause that logs the exit messages a trapping server receives.
//!
//! **What you change.** The bodies of [`trap_exits`], [`shut_down`] and [`stop`], wrapped in
//! `teaching::solution!`. The tests below stay unchanged.

use std::convert::Infallible;

use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Info, Init, Options, ServerRef,
    StartError, StopError,
};
use otp_core::{Atom, ExitReason, Timeout, io, process, timer};
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

// The api_layer exercise's solution, with `init` and `terminate` calling this exercise's
// functions, and the exit messages of a trapping server logged.
impl GenServer for EggTimer {
    type Arg = ();
    type Call = Call;
    type Reply = Vec<Status>;
    type Cast = Cast;
    type Info = Msg;
    type Continue = Infallible;

    async fn init((): ()) -> Init<Self> {
        trap_exits();
        Init::Ok(EggTimer::default())
    }

    async fn handle_cast(&mut self, msg: Cast) -> CastResult<Self> {
        let Cast::Schedule { name, duration, f } = msg;
        self.0
            .schedule(&gen_server::self_ref::<EggTimer>(), name, duration, f);
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
            // A linked process other than the parent exited: the timer carries on. (The
            // parent's exit never comes here: it makes the server run `terminate`.)
            Info::Exit { from, reason } => tracing::warn!(
                "EggTimer {} ignored the exit of linked process {from} ({reason})",
                process::self_pid()
            ),
            other => gen_server::log_unexpected::<EggTimer>(&other),
        }
        CastResult::NoReply
    }

    async fn terminate(&mut self, reason: &ExitReason) {
        shut_down(&mut self.0, reason);
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
/// Called by `init`: from now on, exit signals reach the server as messages, and one from
/// the parent makes it run `terminate` before it exits.
pub fn trap_exits() {
    teaching::solution! {
        process::trap_exit(true);
    }
}

/// Called by `terminate`: says goodbye and cancels the timers of the alarms left.
pub fn shut_down(alarms: &mut Alarms, reason: &ExitReason) {
    teaching::solution! {
        io::puts(format!(
            "EggTimer shutting down gracefully ({reason}), dropping {} alarm(s)",
            alarms.len()
        ));
        for t in std::mem::take(&mut alarms.timers).values() {
            timer::cancel_timer(t);
        }
    }
}

/// `GenServer.stop(t)`: stops the server with `:normal`, waiting until it is gone.
pub async fn stop(egg_timer: &ServerRef<EggTimer>) -> Result<(), StopError> {
    teaching::solution! {
        gen_server::stop(egg_timer, ExitReason::Normal, Timeout::Infinity).await
    }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    use super::*;
    use otp_core::Mailbox;

    #[test]
    fn stop_runs_terminate_and_the_alarms_never_fire() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(t) = start_link().await else { return };
                schedule(&t, "eggs", 300_000, || io::puts("Eggs are done"));
                schedule(&t, "tea", 1_000, || io::puts("Tea is ready"));
                sh.say(format!("{:?}", stop(&t).await));
                process::sleep(400_000).await;
                sh.say(format!("{}", t.is_alive()));
            })
            .await;
        });
        assert_eq!(
            out,
            "EggTimer shutting down gracefully (:normal), dropping 2 alarm(s)\nOk(())\nfalse\n"
        );
    }

    #[test]
    fn a_shutdown_from_the_parent_runs_terminate() {
        let out = teaching::capture(|sh| async move {
            sh.run_with_mailbox(|sh, mut inbox: Mailbox<()>| async move {
                process::trap_exit(true);
                let Ok(t) = start_link().await else { return };
                schedule(&t, "eggs", 300_000, || io::puts("Eggs are done"));
                process::exit(&t.pid(), ExitReason::Shutdown);
                if let otp_core::Received::Exit { reason, .. } = inbox.receive().await {
                    sh.say(format!("EXIT {reason}"));
                }
                process::sleep(400_000).await;
            })
            .await;
        });
        assert_eq!(
            out,
            "EggTimer shutting down gracefully (:shutdown), dropping 1 alarm(s)\nEXIT :shutdown\n"
        );
    }

    #[test]
    fn a_kill_skips_terminate() {
        let out = teaching::capture(|sh| async move {
            sh.run_with_mailbox(|sh, mut inbox: Mailbox<()>| async move {
                process::trap_exit(true);
                let Ok(t) = start_link().await else { return };
                schedule(&t, "eggs", 300_000, || io::puts("Eggs are done"));
                process::exit(&t.pid(), ExitReason::Kill);
                if let otp_core::Received::Exit { reason, .. } = inbox.receive().await {
                    sh.say(format!("EXIT {reason}"));
                }
                process::sleep(400_000).await;
            })
            .await;
        });
        assert_eq!(out, "EXIT :killed\n");
    }
}
