//! `SuperDuper.Server`: one GenServer per character, registered under the character's name.
//!
//! | Elixir (`SuperDuper.Server`)                     | Rust                                       |
//! |--------------------------------------------------|--------------------------------------------|
//! | `start_link(name)` / `start_link({name, says})`  | [`start_link`]`(Character::known(..))` / [`start_link`]`(Character::new(..))` |
//! | `init(...)` prints `Starting <name>`             | `init(character)`                          |
//! | `handle_call(:say, _, {name, says})`             | `handle_call(Call::Say, _)`                 |
//! | `handle_cast(:die, _)` raises `Boom`             | `handle_cast(Cast::Die)` panics with `Boom` |
//! | `terminate/2` prints `Mayday! Mayday! ...`       | `terminate`                                |
//! | `child_spec(name)` (the name is the id)          | `Server::child_spec(character)`            |
//! | `say(name)`, `die(name)`                         | [`say`]`(name)`, [`die`]`(name)`           |
//!
//! The server does not trap exits, as the book's does not: when a supervisor stops it (a
//! sibling's crash under `rest_for_one`, `terminate_child`), it dies of the `:shutdown` signal
//! without running `terminate`, so only a character that crashes says "Mayday".

use std::fmt;

use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Init, Options, StartError,
};
use otp_core::supervisor::ChildSpec;
use otp_core::{ExitReason, ServerRef, io};

use crate::core::Character;

/// The module name `which_children` and the supervisors show for a character.
pub const MODULE: &str = "SuperDuper.Server";

// ANCHOR: server
/// The server's state: the character it plays, `{name, says}`.
pub struct Server {
    character: Character,
}

/// The requests that wait for an answer.
pub enum Call {
    /// `:say`: answered with the character's quote.
    Say,
}

/// The requests that need no answer.
pub enum Cast {
    /// `:die`: the server raises `Boom`.
    Die,
}

impl GenServer for Server {
    type Arg = Character;
    type Call = Call;
    type Reply = String;
    type Cast = Cast;
    type Info = std::convert::Infallible;
    type Continue = std::convert::Infallible;

    async fn init(character: Character) -> Init<Self> {
        io::puts(format!("Starting {}", character.name.as_str()));
        Init::Ok(Server { character })
    }

    async fn handle_call(&mut self, Call::Say: Call, _from: &Caller<String>) -> CallResult<Self> {
        CallResult::Reply(self.character.says.clone())
    }

    async fn handle_cast(&mut self, Cast::Die: Cast) -> CastResult<Self> {
        panic!("Boom")
    }

    async fn terminate(&mut self, _reason: &ExitReason) {
        io::puts(format!(
            "Mayday! Mayday! {} going down...",
            self.character.name.as_str()
        ));
    }

    fn module() -> &'static str {
        MODULE
    }

    /// The character's name is the child's id, as the book's `child_spec/1` override makes it.
    fn child_spec(character: Character) -> ChildSpec {
        ChildSpec::new(character.name.clone(), move || {
            let character = character.clone();
            async move { start_link(character).await.map(|s| s.pid()) }
        })
        .modules([MODULE])
    }
}
// ANCHOR_END: server

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.character, f)
    }
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(":say")
    }
}

impl fmt::Debug for Cast {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(":die")
    }
}

// ANCHOR: api
/// `SuperDuper.Server.start_link/1`: starts the character's server, linked to the caller and
/// registered under the character's name.
///
/// # Panics
/// Outside a process.
pub async fn start_link(character: Character) -> Result<ServerRef<Server>, StartError> {
    let name = character.name.clone();
    gen_server::start_link::<Server>(character, Options::new().name(name)).await
}

/// `SuperDuper.Server.say/1`: what the character named `name` says.
pub async fn say(name: &str) -> Result<String, CallError> {
    gen_server::call::<Server>(name, Call::Say).await
}

/// `SuperDuper.Server.die/1`: makes the character named `name` crash. A cast: it returns at
/// once, and does nothing if no character has the name.
pub fn die(name: &str) {
    gen_server::cast::<Server>(name, Cast::Die)
}
// ANCHOR_END: api

#[cfg(test)]
mod tests {
    use super::*;
    use otp_core::{Console, Name, Node, process};

    #[tokio::test(start_paused = true)]
    async fn a_character_starts_says_its_line_and_dies_with_a_mayday() {
        otp_core::logger::init_console();
        let console = Console::capture();
        let node = Node::with_console(console.clone());
        let (said, reason, whereis) = node
            .run(async {
                process::trap_exit(true);
                let yoshi = start_link(Character::new("yoshi", "Yoshi do! Yoshi do!"))
                    .await
                    .expect("a free name");
                let said = say("yoshi").await;
                die("yoshi");
                let reason = yoshi.pid().wait_exit().await;
                (said, reason, process::whereis(&Name::local("yoshi")))
            })
            .await
            .expect("the test process traps exits");
        assert_eq!(said.as_deref(), Ok("Yoshi do! Yoshi do!"));
        assert_eq!(reason, ExitReason::panic("Boom"));
        assert_eq!(whereis, None, "the name goes with the process");
        assert_eq!(
            console.contents(),
            "Starting yoshi\nMayday! Mayday! yoshi going down...\n\n\
             [error] GenServer :yoshi terminating\n** (panic) Boom\n\
             Last message: {:\"$gen_cast\", :die}\nState: {:yoshi, \"Yoshi do! Yoshi do!\"}\n"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_taken_name_is_already_started_and_a_missing_one_is_noproc() {
        let node = Node::new();
        let (dup, first, missing) = node
            .run(async {
                let first = start_link(Character::new("yoshi", "one")).await.unwrap();
                let dup = start_link(Character::new("yoshi", "two")).await;
                (dup.map(|s| s.pid()), first.pid(), say("nobody").await)
            })
            .await
            .unwrap();
        assert_eq!(dup, Err(StartError::AlreadyStarted(first)));
        assert_eq!(missing, Err(CallError::NoProc));
    }

    #[test]
    fn the_child_spec_uses_the_name_as_id_and_the_book_module() {
        let spec = Server::child_spec(Character::new("yoshi", "Yoshi do! Yoshi do!"));
        assert_eq!(spec.id().to_string(), ":yoshi");
        assert_eq!(
            format!("{spec:?}"),
            "%{id: :yoshi, restart: :permanent, shutdown: 5000, type: :worker, \
             modules: [SuperDuper.Server]}"
        );
    }
}
