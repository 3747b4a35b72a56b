//! # Chapter 4: the power of a name
//!
//! The book's program is still `SuperDuper`, chapter 3's supervised characters (this crate is
//! named after the chapter, `dynamic-super`, so it can sit beside chapter 3's `super-duper`).
//! Chapter 4 lets characters come from data, adds and removes them while the program runs,
//! first as children of the top supervisor, then under a DynamicSupervisor, and looks at the
//! ways to name a process.
//!
//! - [`core`]: characters as plain data (the three static ones, and new ones from a name and a
//!   quote);
//! - [`server`]: `SuperDuper.Server`, one GenServer per character; [`application`]: the
//!   supervision tree and the application; [`via_server`]: a server named through a registry;
//! - the API: [`static_api`] (characters as children of the top supervisor) and, at the root
//!   of this crate, `SuperDuper` itself ([`add_character`], [`remove_character`], [`say`],
//!   [`die`]) going through the DynamicSupervisor.
//!
//! [`scenes`] replays the chapter's IEx sessions; [`exercises`] solves its "Your Turn"
//! exercises. The companion text is `chapters/04-dynamic-super.md`.
//!
//! [`shell`] is the chapter's interactive shell on a live node, in real time: `cargo run -p
//! dynamic-super` (see `teaching::iex`).
//!
//! | Elixir (`SuperDuper`)                   | Rust                                          |
//! |-----------------------------------------|-----------------------------------------------|
//! | `SuperDuper.add_character(:a, "A")`     | [`add_character`]`("a", "A").await`           |
//! | `SuperDuper.remove_character(:a)`       | [`remove_character`]`("a").await`             |
//! | `SuperDuper.say(:a)`                    | [`say`]`("a").await`                          |
//! | `SuperDuper.die(:a)`                    | [`die`]`("a")`                                |
//! | `FunctionClauseError` (nobody named so) | `Err(RemoveError::NotRunning(:a))`            |

pub mod application;
pub mod core;
pub mod exercises;
pub mod scenes;
pub mod server;
pub mod shell;
pub mod static_api;
pub mod via_server;

use otp_core::gen_server::{self, CallError};
use otp_core::supervisor::SupervisorError;
use otp_core::{Atom, GenServer, Pid, dynamic_supervisor};

use crate::application::DYNAMIC_SUPERVISOR;
use crate::core::Character;
use crate::server::Server;

// ANCHOR: remove_error
/// Why [`remove_character`] removed nothing.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RemoveError {
    /// No process is registered under the name. (The book's `remove_character` passes `nil`
    /// to `DynamicSupervisor.terminate_child` here, which raises `FunctionClauseError`.)
    #[error("no character named {0} is running")]
    NotRunning(Atom),
    /// The DynamicSupervisor refused: `NotFound` when the character is not one of its
    /// children (one of the three static characters, say).
    #[error("the dynamic supervisor refused: {0}")]
    Supervisor(#[from] SupervisorError),
}
// ANCHOR_END: remove_error

// ANCHOR: api
/// Starts a character from data under `SuperDuper.DynamicSupervisor`. `AlreadyStarted(pid)`
/// if a process already has the name, static character or not.
pub async fn add_character(name: &str, says: &str) -> Result<Pid, SupervisorError> {
    let spec = Server::child_spec(Character::new(name, says));
    dynamic_supervisor::start_child(DYNAMIC_SUPERVISOR, spec).await
}

/// Stops the character named `name` and forgets it: the DynamicSupervisor knows its children
/// by pid, so the name is looked up first.
pub async fn remove_character(name: &str) -> Result<(), RemoveError> {
    let server = gen_server::whereis::<Server>(name)
        .map_err(|_| RemoveError::NotRunning(Atom::from(name)))?;
    dynamic_supervisor::terminate_child(DYNAMIC_SUPERVISOR, &server.pid()).await?;
    Ok(())
}
// ANCHOR_END: api

/// What the character named `name` says.
pub async fn say(name: &str) -> Result<String, CallError> {
    server::say(name).await
}

/// Makes the character named `name` crash.
pub fn die(name: &str) {
    server::die(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::{self, SUPERVISOR, Tree};
    use otp_core::supervisor::{self, Strategy};
    use otp_core::{Node, process};

    async fn with_app<T: Send + 'static>(
        tree: Tree,
        f: impl std::future::Future<Output = T> + Send + 'static,
    ) -> T {
        let node = Node::new();
        let _app = application::start(&node, tree)
            .await
            .expect("the tree starts");
        node.run(f).await.expect("the test process survives")
    }

    #[tokio::test(start_paused = true)]
    async fn characters_come_and_go_through_the_dynamic_supervisor() {
        let got = with_app(Tree::new().dynamic(true), async {
            let pid = add_character("supervisor", "Keeps my eyes shaded")
                .await
                .unwrap();
            let said = say("supervisor").await;
            let again = add_character("supervisor", "again").await;
            let removed = remove_character("supervisor").await;
            let twice = remove_character("supervisor").await;
            let counts = dynamic_supervisor::count_children(DYNAMIC_SUPERVISOR)
                .await
                .unwrap();
            (pid, said, again, removed, twice, counts.specs)
        })
        .await;
        let (pid, said, again, removed, twice, specs) = got;
        assert_eq!(said.as_deref(), Ok("Keeps my eyes shaded"));
        assert_eq!(again, Err(SupervisorError::AlreadyStarted(pid.clone())));
        assert_eq!(removed, Ok(()));
        assert!(!pid.is_alive());
        assert_eq!(
            twice,
            Err(RemoveError::NotRunning(Atom::from("supervisor")))
        );
        assert_eq!(specs, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_static_character_is_not_the_dynamic_supervisors_to_remove() {
        let got = with_app(Tree::new().dynamic(true), async {
            let clash = add_character("superdave", "name clash").await;
            let removed = remove_character("superdave").await;
            (clash, removed, process::whereis(&"superdave".into()))
        })
        .await;
        let (clash, removed, superdave) = got;
        let superdave = superdave.expect("superdave still runs");
        assert_eq!(clash, Err(SupervisorError::AlreadyStarted(superdave)));
        assert_eq!(
            removed,
            Err(RemoveError::Supervisor(SupervisorError::NotFound))
        );
    }

    /// The BEAM's surprise, kept: under rest_for_one with the DynamicSupervisor last, a crash of
    /// superman restarts supermario and the DynamicSupervisor, and the dynamic characters are
    /// gone.
    #[tokio::test(start_paused = true)]
    async fn rest_for_one_takes_the_dynamic_characters_with_it() {
        let got = with_app(
            Tree::new().strategy(Strategy::RestForOne).dynamic(true),
            async {
                let a = add_character("a", "A").await.unwrap();
                let dynsup = process::whereis(&DYNAMIC_SUPERVISOR.into()).unwrap();
                let superman = process::whereis(&"superman".into()).unwrap();
                die("superman");
                superman.wait_exit().await;
                let children = supervisor::which_children(SUPERVISOR).await.unwrap();
                let after = dynamic_supervisor::which_children(DYNAMIC_SUPERVISOR)
                    .await
                    .unwrap();
                let new_dynsup = process::whereis(&DYNAMIC_SUPERVISOR.into()).unwrap();
                (a, dynsup, new_dynsup, children.len(), after.len())
            },
        )
        .await;
        let (a, dynsup, new_dynsup, top_children, dynamic_children) = got;
        assert!(!a.is_alive());
        assert_ne!(dynsup, new_dynsup);
        assert_eq!(top_children, 4);
        assert_eq!(dynamic_children, 0);
    }
}
