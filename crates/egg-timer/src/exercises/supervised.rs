//! # Your Turn (chapter 3): a supervisor for the egg timer
//!
//! In chapter 2 the egg timer's `:stop` cast kills the server for good: nothing restarts it
//! (the book says otherwise; the BEAM agrees with us). Chapter 3 brings supervisors.
//!
//! **Task.** Put the book's server ([`Server`]) under a supervisor registered as
//! `EggTimer.Supervisor` ([`SUPERVISOR`]): [`start_link`]`()` starts the supervisor with the
//! timer as its only child, started with no alarms, and [`timer`]`()` finds the timer running
//! now. Then crash the timer with its stop cast and see the supervisor start a new one, with a
//! new pid and no alarms: a restart runs `init` again with the child spec's argument (an empty
//! map), and nothing kept the old state. Chapter 4 shows where state must live to survive.
//!
//! **What you change.** The bodies of [`start_link`] and [`timer`]. The tests stay unchanged.

use otp_core::gen_server::{GenServer, ServerRef, StartError};
use otp_core::supervisor::{self, SupervisorRef};

use crate::core::Timers;
use crate::server::Server;

/// The supervisor's name.
pub const SUPERVISOR: &str = "EggTimer.Supervisor";

// ANCHOR: solution
/// Starts `EggTimer.Supervisor`, linked to the caller, with an empty egg timer as its child.
pub async fn start_link() -> Result<SupervisorRef, StartError> {
    teaching::solution! {
        supervisor::start_link(
            vec![Server::child_spec(Timers::new())],
            supervisor::Options::new().name(SUPERVISOR),
        )
        .await
    }
}

/// The egg timer the supervisor runs now, if it runs one.
pub async fn timer() -> Option<ServerRef<Server>> {
    teaching::solution! {
        let children = supervisor::which_children(SUPERVISOR).await.ok()?;
        children
            .iter()
            .find_map(|child| child.pid.pid())
            .and_then(ServerRef::from_pid)
    }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::Cast;
    use otp_core::gen_server;
    use otp_core::supervisor::{ChildPid, ChildType};
    use otp_core::{Node, io, process};

    #[tokio::test(start_paused = true)]
    async fn the_timer_is_the_supervisors_only_child() {
        let children = Node::new()
            .run(async {
                start_link().await.unwrap();
                supervisor::which_children(SUPERVISOR).await.unwrap()
            })
            .await
            .unwrap();
        assert_eq!(children.len(), 1);
        assert_eq!(children[0].id.as_ref().unwrap().as_str(), "EggTimer.Server");
        assert_eq!(children[0].kind, ChildType::Worker);
        assert!(matches!(children[0].pid, ChildPid::Pid(_)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_crashed_timer_comes_back_with_a_new_pid_and_no_alarms() {
        let (before, after, old_alive, new_status, sup_alive) = Node::new()
            .run(async {
                let sup = start_link().await.unwrap();
                let t = timer().await.unwrap();
                gen_server::cast(
                    &t,
                    Cast::schedule("eggs", 300_000, || io::puts("Eggs are done")),
                );
                let before = crate::status(&t).await.unwrap();
                crate::stop(&t);
                t.pid().wait_exit().await;
                let t2 = timer().await.unwrap();
                let after = (t2 != t, t2.is_alive());
                (
                    before,
                    after,
                    t.is_alive(),
                    crate::status(&t2).await.unwrap(),
                    sup.is_alive(),
                )
            })
            .await
            .unwrap();
        assert_eq!(before.len(), 1);
        assert_eq!(after, (true, true), "a new, live timer");
        assert!(!old_alive);
        assert!(
            new_status.is_empty(),
            "the alarms were lost with the old timer"
        );
        assert!(sup_alive);
    }

    #[test]
    fn the_lost_alarm_never_fires() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                start_link().await.unwrap();
                let t = timer().await.unwrap();
                gen_server::cast(
                    &t,
                    Cast::schedule("eggs", 1_000, || io::puts("Eggs are done")),
                );
                crate::stop(&t);
                t.pid().wait_exit().await;
                let _ = timer().await;
                process::sleep(5_000).await;
                sh.say("done waiting");
            })
            .await;
        });
        assert!(out.ends_with("done waiting\n"), "{out}");
        assert!(!out.contains("Eggs are done"), "{out}");
    }
}
