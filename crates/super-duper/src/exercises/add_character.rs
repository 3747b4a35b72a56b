//! # Your turn: adding a supervised character through the API
//!
//! The three characters are fixed in the supervisor's child list. Add a fourth while the
//! application runs: [`add_character`] takes a name and a quote, and asks the running
//! `SuperDuper.Supervisor` to start a server for it. The new character must be supervised like
//! the others (crash it: it comes back, with its quote), and adding a name that is already
//! running must say so rather than start a second one.
//!
//! The scene `yourturn_add_character` replays it.
//!
//! **What you change:** the body wrapped in `teaching::solution!` below. Keep the signature;
//! the tests at the bottom of this file stay unchanged. Check with
//! `cargo test -p super-duper exercises::add_character`.

use otp_core::supervisor::{self, SupervisorError};
use otp_core::{GenServer, Pid};

use crate::application::SUPERVISOR;
use crate::server::{Args, Server};

// ANCHOR: add
/// Starts a character named `name`, who says `quote`, under `SuperDuper.Supervisor`.
///
/// `Err(SupervisorError::AlreadyStarted(pid))` if a child with that name runs; a
/// `SupervisorError::Call` error if the supervisor is not running.
pub async fn add_character(name: &str, quote: &str) -> Result<Pid, SupervisorError> {
    teaching::solution! {
        let spec = Server::child_spec(Args::with_quote(name, quote));
        supervisor::start_child(SUPERVISOR, spec).await
    }
}
// ANCHOR_END: add

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::Options;
    use crate::exercises::{whereis, with_app};
    use crate::server;
    use otp_core::gen_server::CallError;
    use otp_core::supervisor::ChildPid;

    #[tokio::test(start_paused = true)]
    async fn the_new_character_starts_says_its_quote_and_is_listed_first() {
        let ((added, quote, ids), printed) = with_app(Options::new(), async {
            let added = add_character("supernova", "Expanding at light speed").await;
            let registered = added.as_ref().ok() == whereis("supernova").as_ref();
            let quote = server::say("supernova").await;
            let ids: Vec<String> = supervisor::which_children(SUPERVISOR)
                .await
                .unwrap()
                .iter()
                .map(|c| c.id.as_ref().unwrap().as_str().to_string())
                .collect();
            (added.map(|_| registered), quote, ids)
        })
        .await;
        assert_eq!(added, Ok(true), "the pid returned is the one registered");
        assert_eq!(quote.as_deref(), Ok("Expanding at light speed"));
        assert_eq!(ids, ["supernova", "supermario", "superman", "superdave"]);
        assert_eq!(printed, "Starting supernova\n");
    }

    #[tokio::test(start_paused = true)]
    async fn the_new_character_is_supervised_and_keeps_its_quote() {
        let ((restarted, quote), printed) = with_app(Options::new(), async {
            let first = add_character("supernova", "Expanding at light speed")
                .await
                .unwrap();
            assert_eq!(whereis("supernova"), Some(first.clone()));
            server::die("supernova");
            first.wait_exit().await;
            let second = supervisor::which_children(SUPERVISOR)
                .await
                .unwrap()
                .into_iter()
                .find(|c| c.id.as_ref().is_some_and(|i| i.as_str() == "supernova"))
                .map(|c| c.pid);
            let restarted = match second {
                Some(ChildPid::Pid(p)) => p != first && p.is_alive(),
                _ => false,
            };
            (restarted, server::say("supernova").await)
        })
        .await;
        assert!(restarted, "supernova runs again, as a new process");
        assert_eq!(quote.as_deref(), Ok("Expanding at light speed"));
        assert!(printed.contains("Mayday! Mayday! supernova going down...\n"));
        assert!(printed.contains("State: {:supernova, \"Expanding at light speed\"}\n"));
        assert!(printed.ends_with("Starting supernova\n"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_name_that_runs_already_is_refused() {
        let ((again, taken, superman), _) = with_app(Options::new(), async {
            let first = add_character("supernova", "Expanding at light speed")
                .await
                .unwrap();
            let again = add_character("supernova", "Something else").await;
            let taken = add_character("superman", "Another quote").await;
            (
                again.map_err(|e| (e, first)),
                taken,
                whereis("superman").unwrap(),
            )
        })
        .await;
        match again {
            Err((SupervisorError::AlreadyStarted(pid), first)) => assert_eq!(pid, first),
            other => panic!("a second supernova: {other:?}"),
        }
        assert_eq!(taken, Err(SupervisorError::AlreadyStarted(superman)));
    }

    #[tokio::test(start_paused = true)]
    async fn without_the_supervisor_the_error_says_so() {
        let (result, _) = with_app(Options::new(), async {
            supervisor::stop(
                SUPERVISOR,
                otp_core::ExitReason::Normal,
                otp_core::Timeout::Infinity,
            )
            .await
            .unwrap();
            add_character("supernova", "Expanding at light speed").await
        })
        .await;
        assert_eq!(result, Err(SupervisorError::Call(CallError::NoProc)));
    }
}
