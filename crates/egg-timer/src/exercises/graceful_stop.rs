//! # Your Turn: a graceful stop
//!
//! `terminate` is where a server tidies up before it exits. It runs when the server stops
//! itself (a stop result, a panic in a callback, [`gen_server::stop`]), but an exit signal
//! from its parent (a supervisor shutting it down, a linked shell exiting) kills a server that
//! does not trap exits on the spot, without `terminate`.
//!
//! **Task.** Make the [`EggTimer`] stop gracefully: trap exits in
//! `init` (write [`trap_exits`], which `init` calls), print
//! `EggTimer shutting down gracefully (<reason>), dropping <n> alarm(s)` and cancel every
//! timer in `terminate` (write [`shut_down`], which `terminate` calls), and add [`stop`]`(&t)`,
//! which stops the server with the reason `:normal`.
//!
//! `terminate` still does not run when the server is killed (`ExitReason::Kill` cannot be
//! trapped), and an exit signal from a linked process that is *not* the parent reaches a
//! trapping server as a message in `handle_info`, not as a reason to stop.
//!
//! **What you change.** The bodies of [`trap_exits`], [`shut_down`] and [`stop`]. The tests
//! below stay unchanged.

use otp_core::gen_server::{self, ServerRef, StopError};
use otp_core::{ExitReason, Timeout, io, process, timer};

use super::api_layer::EggTimer;

// ANCHOR: solution
/// Called by `init`: from now on, exit signals reach the server as messages, and one from
/// the parent makes it run `terminate` before it exits.
pub fn trap_exits() {
    teaching::solution! {
        process::trap_exit(true);
    }
}

/// Called by `terminate`: says goodbye and cancels the timers of the alarms left.
pub fn shut_down(egg_timer: &mut EggTimer, reason: &ExitReason) {
    teaching::solution! {
        io::puts(format!(
            "EggTimer shutting down gracefully ({reason}), dropping {} alarm(s)",
            egg_timer.alarms.len()
        ));
        for t in std::mem::take(&mut egg_timer.timers).values() {
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
    use super::super::api_layer::{schedule, start_link};
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
