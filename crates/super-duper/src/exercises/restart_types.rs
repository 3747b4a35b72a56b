//! # Your turn: temporary and transient workers
//!
//! Every character is `:permanent`: whatever ends it, its supervisor starts it again. Give the
//! three characters another restart type, and find out what each type does:
//!
//! - `:temporary` children are never restarted, and a temporary child that exits is forgotten:
//!   it disappears from `which_children`;
//! - `:transient` children are restarted only after an abnormal exit. `:normal`, `:shutdown`
//!   and `{:shutdown, term}` are normal; a panic is not, and neither is `:killed`, so
//!   `Process.exit(pid, :kill)` brings a transient child back;
//! - an exit *signal* `:normal` sent to a process that does not trap exits is ignored, whatever
//!   its restart type: nothing dies, nothing restarts.
//!
//! The scenes `yourturn_restart_permanent`, `yourturn_restart_transient` and
//! `yourturn_restart_temporary` run the same five ways to end a character under each type.
//!
//! **What you change:** the body wrapped in `teaching::solution!` below. Keep the signature;
//! the tests at the bottom of this file stay unchanged. Check with
//! `cargo test -p super-duper exercises::restart_types`.

use otp_core::supervisor::{ChildSpec, Restart};

use crate::application;

// ANCHOR: children
/// The three characters' child specs, in start order, with the restart type `restart`.
pub fn characters(restart: Restart) -> Vec<ChildSpec> {
    teaching::solution! {
        application::characters(false)
            .into_iter()
            .map(|spec| spec.restart(restart))
            .collect()
    }
}
// ANCHOR_END: children

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::{Options, SUPERVISOR};
    use crate::exercises::{whereis, with_app};
    use crate::server::{self, Server};
    use otp_core::supervisor::{self, ChildPid};
    use otp_core::{ExitReason, Pid, Timeout, gen_server, process};

    fn app(restart: Restart) -> Options {
        Options::new().children(characters(restart))
    }

    /// The child `id`'s entry in `which_children`: `None` if it is not listed.
    async fn listed(id: &str) -> Option<ChildPid> {
        supervisor::which_children(SUPERVISOR)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.id.as_ref().is_some_and(|i| i.as_str() == id))
            .map(|c| c.pid)
    }

    /// Ends `name` in one of the ways of the transcripts and the BEAM's restart matrix, waits until it is gone (or, for
    /// a `:normal` signal, until the signal has been dealt with), and returns the old pid.
    async fn end(name: &str, how: &str) -> Pid {
        let old = whereis(name).expect("the character runs");
        match how {
            "die" => server::die(name),
            "kill" => process::exit(&old, ExitReason::Kill),
            "normal signal" => process::exit(&old, ExitReason::Normal),
            "stop" => gen_server::stop::<Server>(name, ExitReason::Normal, Timeout::Infinity)
                .await
                .unwrap(),
            "shutdown signal" => process::exit(&old, ExitReason::Shutdown),
            "custom signal" => process::exit(&old, ExitReason::custom("custom")),
            "terminate_child" => supervisor::terminate_child(SUPERVISOR, name).await.unwrap(),
            other => unreachable!("no way to end a character called {other}"),
        }
        if how != "normal signal" {
            old.wait_exit().await;
        }
        old
    }

    /// What `which_children` says of a child.
    #[derive(Debug, PartialEq, Eq)]
    enum Entry {
        /// Listed with a live pid.
        Running,
        /// Listed as `:undefined`: the spec is kept, with no process.
        Stopped,
        /// Not listed: the spec is gone.
        Gone,
    }

    /// Boots the characters with restart type `restart`, ends superman in the way `how`, and
    /// returns whether a new process runs under his name, his `which_children` entry, and what
    /// was printed.
    async fn outcome(restart: Restart, how: &'static str) -> (bool, Entry, String) {
        let ((renewed, entry), printed) = with_app(app(restart), async move {
            let old = end("superman", how).await;
            // The supervisor deals with the exit before it answers this call.
            let entry = match listed("superman").await {
                Some(ChildPid::Pid(p)) if p.is_alive() => Entry::Running,
                Some(ChildPid::Undefined) => Entry::Stopped,
                None => Entry::Gone,
                Some(other) => panic!("unexpected entry {other:?}"),
            };
            let now = whereis("superman");
            if how == "normal signal" {
                assert_eq!(
                    now.as_ref(),
                    Some(&old),
                    "{restart:?}: a :normal signal is ignored"
                );
            }
            (now.is_some_and(|p| p != old), entry)
        })
        .await;
        (renewed, entry, printed)
    }

    #[tokio::test(start_paused = true)]
    async fn a_transient_character_comes_back_after_a_panic() {
        let (renewed, entry, printed) = outcome(Restart::Transient, "die").await;
        assert!(renewed);
        assert_eq!(entry, Entry::Running);
        assert!(printed.ends_with("Starting superman\n"), "{printed}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_kill_brings_a_transient_character_back_because_killed_is_abnormal() {
        let (renewed, entry, printed) = outcome(Restart::Transient, "kill").await;
        assert!(renewed);
        assert_eq!(entry, Entry::Running);
        // Killed: no terminate, no crash report, just the restart.
        assert_eq!(printed, "Starting superman\n");
    }

    #[tokio::test(start_paused = true)]
    async fn a_transient_character_stopped_normally_stays_down_but_listed() {
        let (renewed, entry, printed) = outcome(Restart::Transient, "stop").await;
        assert!(!renewed);
        assert_eq!(entry, Entry::Stopped);
        assert_eq!(printed, "Mayday! Mayday! superman going down...\n");
    }

    #[tokio::test(start_paused = true)]
    async fn a_shutdown_signal_is_a_normal_end_for_a_transient_character() {
        let (renewed, entry, printed) = outcome(Restart::Transient, "shutdown signal").await;
        assert!(!renewed);
        assert_eq!(entry, Entry::Stopped);
        assert_eq!(printed, "");
    }

    #[tokio::test(start_paused = true)]
    async fn a_normal_signal_is_ignored_whatever_the_restart_type() {
        for restart in [Restart::Permanent, Restart::Transient, Restart::Temporary] {
            let (renewed, entry, printed) = outcome(restart, "normal signal").await;
            assert!(!renewed, "{restart:?}");
            assert_eq!(entry, Entry::Running, "{restart:?}");
            assert_eq!(printed, "", "{restart:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_temporary_character_is_never_restarted_and_is_forgotten() {
        for how in ["die", "kill", "stop", "shutdown signal"] {
            let (renewed, entry, printed) = outcome(Restart::Temporary, how).await;
            assert!(!renewed, "{how}");
            assert_eq!(
                entry,
                Entry::Gone,
                "{how}: the spec is gone from which_children"
            );
            assert!(!printed.contains("Starting"), "{how}: {printed}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_permanent_character_comes_back_whatever_ended_it() {
        for how in ["die", "kill", "stop", "shutdown signal"] {
            let (renewed, entry, printed) = outcome(Restart::Permanent, how).await;
            assert!(renewed, "{how}");
            assert_eq!(entry, Entry::Running, "{how}");
            assert!(printed.ends_with("Starting superman\n"), "{how}: {printed}");
        }
    }

    /// The rows of the BEAM's restart matrix (`probe-restart-matrix.txt`) for children that
    /// do not trap exits, for every way our server can be ended: restarted under a new pid,
    /// and what `which_children` lists afterwards.
    #[tokio::test(start_paused = true)]
    async fn every_row_of_the_beam_restart_matrix() {
        use Entry::{Gone, Running, Stopped};
        use Restart::{Permanent, Temporary, Transient};
        let rows = [
            (Permanent, "die", true, Running),
            (Permanent, "stop", true, Running),
            (Permanent, "normal signal", false, Running),
            (Permanent, "shutdown signal", true, Running),
            (Permanent, "custom signal", true, Running),
            (Permanent, "kill", true, Running),
            (Permanent, "terminate_child", false, Stopped),
            (Transient, "die", true, Running),
            (Transient, "stop", false, Stopped),
            (Transient, "normal signal", false, Running),
            (Transient, "shutdown signal", false, Stopped),
            (Transient, "custom signal", true, Running),
            (Transient, "kill", true, Running),
            (Transient, "terminate_child", false, Stopped),
            (Temporary, "die", false, Gone),
            (Temporary, "stop", false, Gone),
            (Temporary, "normal signal", false, Running),
            (Temporary, "shutdown signal", false, Gone),
            (Temporary, "custom signal", false, Gone),
            (Temporary, "kill", false, Gone),
            (Temporary, "terminate_child", false, Gone),
        ];
        for (restart, how, renewed, entry) in rows {
            let (got_renewed, got_entry, _) = outcome(restart, how).await;
            assert_eq!(
                (got_renewed, got_entry),
                (renewed, entry),
                "{restart:?} ended by {how}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_counts_follow_the_specs_that_are_left() {
        let (counts, _) = with_app(app(Restart::Transient), async {
            end("superdave", "shutdown signal").await;
            end("supermario", "stop").await;
            supervisor::count_children(SUPERVISOR).await.unwrap()
        })
        .await;
        assert_eq!(
            format!("{counts:?}"),
            "%{active: 1, specs: 3, supervisors: 0, workers: 3}"
        );
        let (counts, _) = with_app(app(Restart::Temporary), async {
            end("superdave", "die").await;
            supervisor::count_children(SUPERVISOR).await.unwrap()
        })
        .await;
        assert_eq!(
            format!("{counts:?}"),
            "%{active: 2, specs: 2, supervisors: 0, workers: 2}"
        );
    }
}
