//! # Your turn: a `SuperDuper` API module
//!
//! The scenes talk to the characters through `server::say` and `server::die`, the functions
//! that sit beside the callbacks. Write the layer a user of the crate should see instead: a
//! `SuperDuper` module (here, the crate root re-exports these functions) whose [`say`] and
//! [`die`] take a character's name and hide that a server, a registered name and a message
//! are behind it.
//!
//! **What you change:** the bodies wrapped in `teaching::solution!` below. Keep the
//! signatures; the tests at the bottom of this file stay unchanged. Check with
//! `cargo test -p super-duper exercises::api`.

use otp_core::gen_server::CallError;

use crate::server;

// ANCHOR: api
/// `SuperDuper.say/1`: what the character named `name` says, asked of its running server.
/// `Err(CallError::NoProc)` if no character of that name is running.
pub async fn say(name: &str) -> Result<String, CallError> {
    teaching::solution! { server::say(name).await }
}

/// `SuperDuper.die/1`: makes the character named `name` crash. Returns at once; nothing
/// happens if no such character is running.
pub fn die(name: &str) {
    teaching::solution! { server::die(name) }
}
// ANCHOR_END: api

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::{Options, SUPERVISOR};
    use crate::exercises::{whereis, with_app};
    use otp_core::supervisor;

    #[tokio::test(start_paused = true)]
    async fn say_asks_the_running_character() {
        let (quotes, _) = with_app(Options::new(), async {
            (
                say("superdave").await,
                say("superman").await,
                say("supermario").await,
            )
        })
        .await;
        assert_eq!(
            quotes,
            (
                Ok("Next time you shoot a bullet at a metal object, watch the ricochet.".into()),
                Ok("It doesn't take X-Ray Vision to see you are up to no good.".into()),
                Ok("Hoo hoo! Just what I needed!".into()),
            )
        );
    }

    #[tokio::test(start_paused = true)]
    async fn say_to_nobody_is_noproc() {
        let (answer, _) = with_app(Options::new(), async { say("superbad").await }).await;
        assert_eq!(answer, Err(CallError::NoProc));
    }

    #[tokio::test(start_paused = true)]
    async fn die_crashes_the_character_and_its_supervisor_brings_it_back() {
        let ((renewed, quote), printed) = with_app(Options::new(), async {
            let old = whereis("superman").expect("superman runs");
            die("superman");
            old.wait_exit().await;
            // The supervisor handles the exit (and restarts superman) before it answers this.
            supervisor::count_children(SUPERVISOR).await.unwrap();
            let renewed = whereis("superman").is_some_and(|p| p != old && p.is_alive());
            (renewed, say("superman").await)
        })
        .await;
        assert!(renewed, "a new superman runs");
        assert_eq!(
            quote.as_deref(),
            Ok("It doesn't take X-Ray Vision to see you are up to no good.")
        );
        assert!(printed.starts_with("Mayday! Mayday! superman going down...\n"));
        assert!(printed.contains("[error] GenServer :superman terminating\n** (panic) Boom\n"));
        assert!(printed.ends_with("Starting superman\n"));
    }

    #[tokio::test(start_paused = true)]
    async fn die_to_nobody_does_nothing() {
        let (still_there, printed) = with_app(Options::new(), async {
            let before: Vec<_> = ["superdave", "superman", "supermario"]
                .iter()
                .map(|n| whereis(n))
                .collect();
            die("superbad");
            // Let anything that would happen, happen.
            otp_core::process::sleep(100).await;
            let after: Vec<_> = ["superdave", "superman", "supermario"]
                .iter()
                .map(|n| whereis(n))
                .collect();
            before == after
        })
        .await;
        assert!(still_there);
        assert_eq!(printed, "");
    }
}
