//! `SuperDuper.StaticApi`: adding and removing characters as children of the top supervisor
//! itself, before the DynamicSupervisor arrives.
//!
//! A character added this way is a child like the three static ones: it has an id (its name),
//! it is listed by `which_children`, and it takes part in the top supervisor's strategy (under
//! `rest_for_one` it restarts whenever a character started before it crashes). Removing it takes
//! two steps, because `terminate_child` keeps the child spec: then `delete_child` forgets it.
//!
//! | Elixir (`SuperDuper.StaticApi`)          | Rust                                        |
//! |------------------------------------------|---------------------------------------------|
//! | `add_character(name, says)`              | [`add_character`]`(name, says).await`       |
//! | `remove_character(name)`                 | [`remove_character`]`(name).await`          |
//! | `say(name)`, `die(name)`                 | [`say`]`(name).await`, [`die`]`(name)`      |

use otp_core::Pid;
use otp_core::gen_server::{CallError, GenServer};
use otp_core::supervisor::{self, SupervisorError};

use crate::application::SUPERVISOR;
use crate::core::Character;
use crate::server::{self, Server};

// ANCHOR: static_api
/// Adds a character from data as a child of `SuperDuper.Supervisor` (its id is its name).
/// `AlreadyStarted(pid)` if a child with that id, or a process with that name, runs;
/// `AlreadyPresent` if a child with that id is stopped but still listed.
pub async fn add_character(name: &str, says: &str) -> Result<Pid, SupervisorError> {
    let spec = Server::child_spec(Character::new(name, says));
    supervisor::start_child(SUPERVISOR, spec).await
}

/// Stops the character and forgets its child spec: `terminate_child`, then `delete_child`.
/// `NotFound` if the top supervisor has no child with that id.
pub async fn remove_character(name: &str) -> Result<(), SupervisorError> {
    supervisor::terminate_child(SUPERVISOR, name).await?;
    supervisor::delete_child(SUPERVISOR, name).await
}
// ANCHOR_END: static_api

/// What the character named `name` says.
pub async fn say(name: &str) -> Result<String, CallError> {
    server::say(name).await
}

/// Makes the character named `name` crash.
pub fn die(name: &str) {
    server::die(name)
}
