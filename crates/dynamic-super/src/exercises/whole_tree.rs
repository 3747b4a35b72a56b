//! # Your turn: restart the whole program on a crash
//!
//! So far a crash restarts one character (`one_for_one`) or the characters after it
//! (`rest_for_one`). Change the program so that any crash of a child of the top supervisor
//! restarts the whole tree: every static character and the DynamicSupervisor.
//!
//! Think about what that costs before you reach for it. The DynamicSupervisor is a child like
//! the others, so it is restarted too, empty: every character added at run time is gone. A
//! crash *under* the DynamicSupervisor, on the other hand, stays there: the DynamicSupervisor
//! restarts that one character and the top supervisor never hears of it.
//!
//! **What you change:** the body of [`start_link`], wrapped in `teaching::solution!` below.
//! Keep its signature; the tests at the bottom of this file stay unchanged. Check with
//! `cargo test -p dynamic-super exercises::whole_tree`.

use otp_core::gen_server::StartError;
use otp_core::supervisor::{Strategy, SupervisorRef};

use crate::application::{self, Tree};

// ANCHOR: solution
/// Starts the SuperDuper tree, static characters and DynamicSupervisor, so that a crash of any
/// of them restarts all of them.
///
/// # Panics
/// Outside a process.
pub async fn start_link() -> Result<SupervisorRef, StartError> {
    teaching::solution! {
        application::start_link(Tree::new().strategy(Strategy::OneForAll).dynamic(true)).await
    }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::{DYNAMIC_SUPERVISOR, SUPERVISOR};
    use crate::exercises::in_node;
    use otp_core::supervisor::{self, ChildPid};
    use otp_core::{Pid, dynamic_supervisor, process};

    /// The top supervisor's children's pids, in start order.
    async fn pids() -> Vec<Pid> {
        let mut children = supervisor::which_children(SUPERVISOR)
            .await
            .expect("the supervisor runs");
        children.reverse();
        children
            .into_iter()
            .filter_map(|c| match c.pid {
                ChildPid::Pid(p) => Some(p),
                _ => None,
            })
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn a_crash_restarts_every_child_and_loses_the_dynamic_characters() {
        let (got, _) = in_node(async {
            start_link().await.expect("the tree starts");
            let before = pids().await;
            let nova = crate::add_character("supernova", "Expanding at light speed")
                .await
                .expect("the name is free");
            let supermario = process::whereis(&"supermario".into()).expect("running");
            crate::die("supermario");
            supermario.wait_exit().await;
            let after = pids().await;
            let dynamic = dynamic_supervisor::which_children(DYNAMIC_SUPERVISOR)
                .await
                .expect("the new dynamic supervisor runs");
            let said = crate::say("superdave").await;
            (before, after, nova, dynamic.len(), said)
        })
        .await;
        let (before, after, nova, dynamic, said) = got;
        assert_eq!(
            before.len(),
            4,
            "three characters and the dynamic supervisor"
        );
        assert_eq!(after.len(), 4);
        for (old, new) in before.iter().zip(&after) {
            assert_ne!(old, new, "every child was restarted");
            assert!(!old.is_alive());
        }
        assert!(
            !nova.is_alive(),
            "the dynamic character went with its supervisor"
        );
        assert_eq!(dynamic, 0);
        assert_eq!(
            said.as_deref(),
            Ok("Next time you shoot a bullet at a metal object, watch the ricochet.")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_crash_under_the_dynamic_supervisor_stays_there() {
        let (got, _) = in_node(async {
            start_link().await.expect("the tree starts");
            let before = pids().await;
            let nova = crate::add_character("supernova", "Expanding at light speed")
                .await
                .expect("the name is free");
            crate::die("supernova");
            nova.wait_exit().await;
            // The dynamic supervisor has restarted it by the time it answers.
            let _ = dynamic_supervisor::count_children(DYNAMIC_SUPERVISOR).await;
            let said = crate::say("supernova").await;
            (before, pids().await, nova, said)
        })
        .await;
        let (before, after, nova, said) = got;
        assert_eq!(before, after, "the top supervisor restarted nothing");
        assert!(!nova.is_alive());
        assert_eq!(said.as_deref(), Ok("Expanding at light speed"));
    }
}
