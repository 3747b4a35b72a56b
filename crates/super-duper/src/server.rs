//! `SuperDuper.Server`: one GenServer per character, registered under the character's name.
//! Its `init` announces it, `terminate` cries for help, and the `die` cast panics on purpose,
//! so that the chapter can watch supervisors at work.
//!
//! | Elixir (`SuperDuper.Server`)                         | Rust                                   |
//! |------------------------------------------------------|----------------------------------------|
//! | `start_link(:superman)` (`name: :superman`)          | [`start_link`]`("superman")`           |
//! | `start_link(superfreak: "She's alright")`            | [`start_link`]`(Args::with_quote("superfreak", "She's alright"))` |
//! | `init(name)` -> `{:ok, Core.info(name)}`             | `init(args)` -> `Init::Ok(Server(..))`  |
//! | `handle_call(:say, _from, {name, quote})`            | `handle_call(Call::Say, _from)`        |
//! | `handle_cast(:die, _state)` -> `raise "Boom"`        | `handle_cast(Cast::Die)` -> `panic!("Boom")` |
//! | `terminate(_reason, {name, _})` -> "Mayday! ..."     | `terminate(&mut self, _reason)`        |
//! | `child_spec(name)` -> `%{id: name, start: ...}`      | `Server::child_spec(args)`             |
//! | `say(name)`, `die(name)`                             | [`say`]`(name)`, [`die`]`(name)`       |
//!
//! The transcripts were recorded with a switch that makes the characters trap exits, to show
//! what changes when they do; here that is an honest argument of the start:
//! [`Args::trap_exit`].

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;

use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Init, Options, StartError, ToServer,
};
use otp_core::supervisor::ChildSpec;
use otp_core::{Atom, ExitReason, ServerRef, io, process};

use crate::core::{self, Character};

/// The module name `which_children` and the crash reports show, as the BEAM shows
/// `SuperDuper.Server`.
pub const MODULE: &str = "SuperDuper.Server";

/// What a character's server starts from: the argument of Elixir's `start_link`, plus whether
/// the server traps exits.
///
/// `Args::new("superman")` (or just `"superman"`) is one of the three characters, whose quote
/// the core knows; [`Args::with_quote`] makes up a new one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    name: Atom,
    quote: Option<Arc<str>>,
    trap_exit: bool,
}

impl Args {
    /// One of the core's characters, by name. A name the core does not know makes the start
    /// fail (see [`start_link`]).
    pub fn new(name: impl Into<Atom>) -> Self {
        Args {
            name: name.into(),
            quote: None,
            trap_exit: false,
        }
    }

    /// A character of our own making, with its quote.
    pub fn with_quote(name: impl Into<Atom>, quote: impl AsRef<str>) -> Self {
        Args {
            name: name.into(),
            quote: Some(Arc::from(quote.as_ref())),
            trap_exit: false,
        }
    }

    /// Whether the server traps exits (`false` by default, as in the book). A server that
    /// traps exits runs `terminate` when its supervisor shuts it down; one that does not dies
    /// at once, without it.
    pub fn trap_exit(mut self, on: bool) -> Self {
        self.trap_exit = on;
        self
    }

    /// The character's name: the server's registered name and its child id.
    pub fn name(&self) -> &Atom {
        &self.name
    }
}

impl From<&str> for Args {
    fn from(name: &str) -> Self {
        Args::new(name)
    }
}

impl From<Atom> for Args {
    fn from(name: Atom) -> Self {
        Args::new(name)
    }
}

// ANCHOR: server
/// The server's state: the character it plays (Elixir's `{name, quote}`).
pub struct Server(Character);

/// The request that waits for an answer.
pub enum Call {
    /// `:say`: answered with the character's quote.
    Say,
}

/// The request that needs no answer.
pub enum Cast {
    /// `:die`: the server panics with "Boom".
    Die,
}

impl GenServer for Server {
    type Arg = Args;
    type Call = Call;
    type Reply = String;
    type Cast = Cast;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(args: Args) -> Init<Self> {
        let character = match args.quote {
            Some(quote) => Character::new(args.name, quote),
            None => match core::info(args.name.as_str()) {
                Ok(character) => character,
                Err(unknown) => return Init::Stop(ExitReason::custom(unknown.to_string())),
            },
        };
        if args.trap_exit {
            process::trap_exit(true);
        }
        io::puts(format!("Starting {}", character.name().as_str()));
        Init::Ok(Server(character))
    }

    async fn handle_call(&mut self, Call::Say: Call, _from: &Caller<String>) -> CallResult<Self> {
        CallResult::Reply(self.0.quote().to_string())
    }

    async fn handle_cast(&mut self, Cast::Die: Cast) -> CastResult<Self> {
        panic!("Boom")
    }

    async fn terminate(&mut self, _reason: &ExitReason) {
        io::puts(format!(
            "Mayday! Mayday! {} going down...",
            self.0.name().as_str()
        ));
    }

    fn module() -> &'static str {
        MODULE
    }

    /// The child id is the character's name, so three servers of one module can live under
    /// one supervisor (the default id, the module, would clash).
    fn child_spec(args: Args) -> ChildSpec {
        ChildSpec::new(args.name.clone(), move || {
            let args = args.clone();
            async move { start_link(args).await.map(|server| server.pid()) }
        })
        .modules([MODULE])
    }
}
// ANCHOR_END: server

// ANCHOR: api
/// `SuperDuper.Server.start_link/1`: starts a character's server, linked to the caller and
/// registered under the character's name. Fails with `StartError::Stop` for a name the core
/// does not know, and with `StartError::AlreadyStarted` if the name is taken.
///
/// # Panics
/// Outside a process.
pub async fn start_link(args: impl Into<Args>) -> Result<ServerRef<Server>, StartError> {
    let args = args.into();
    let name = args.name.clone();
    gen_server::start_link::<Server>(args, Options::new().name(name)).await
}

/// `SuperDuper.Server.say/1`: the character's quote, from its server (by name, pid or handle).
pub async fn say(server: impl ToServer<Server>) -> Result<String, CallError> {
    gen_server::call(server, Call::Say).await
}

/// `SuperDuper.Server.die/1`: tells the server to panic. Returns at once, as a cast does.
pub fn die(server: impl ToServer<Server>) {
    gen_server::cast(server, Cast::Die);
}
// ANCHOR_END: api

impl fmt::Debug for Server {
    /// The state as crash reports print it: `{:superman, "It doesn't take ..."}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Debug for Call {
    /// As the crash report's "Last message" shows it: `:say`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Call::Say => f.write_str(":say"),
        }
    }
}

// ANCHOR: last_message
impl fmt::Debug for Cast {
    /// As the crash report's "Last message" shows it: `{:"$gen_cast", :die}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cast::Die => f.write_str(":die"),
        }
    }
}
// ANCHOR_END: last_message

#[cfg(test)]
mod tests {
    use super::*;
    use otp_core::{Console, Node};

    /// Runs `fut` in a process on a fresh node that traps exits (so a crashing linked server
    /// does not take the test down); returns its output and what the node printed.
    async fn in_node<T: Send + 'static>(
        fut: impl std::future::Future<Output = T> + Send + 'static,
    ) -> (T, String) {
        otp_core::logger::init_console();
        let console = Console::capture();
        let node = Node::with_console(console.clone());
        let out = node
            .run(async move {
                process::trap_exit(true);
                fut.await
            })
            .await
            .expect("the test process survives");
        (out, console.contents())
    }

    #[tokio::test(start_paused = true)]
    async fn a_character_starts_under_its_name_and_says_its_quote() {
        let ((by_name, by_ref, found), printed) = in_node(async {
            let server = start_link("supermario").await.unwrap();
            let by_name = say("supermario").await;
            let by_ref = say(&server).await;
            let found = process::whereis(&"supermario".into()) == Some(server.pid());
            (by_name, by_ref, found)
        })
        .await;
        assert_eq!(by_name.as_deref(), Ok("Hoo hoo! Just what I needed!"));
        assert_eq!(by_ref, by_name);
        assert!(found);
        assert_eq!(printed, "Starting supermario\n");
    }

    #[tokio::test(start_paused = true)]
    async fn die_panics_with_boom_after_mayday_and_the_report_shows_the_state() {
        let (reason, printed) = in_node(async {
            let server = start_link("superdave").await.unwrap();
            die(&server);
            server.pid().wait_exit().await
        })
        .await;
        assert_eq!(reason, ExitReason::panic("Boom"));
        assert_eq!(
            printed,
            "Starting superdave\n\
             Mayday! Mayday! superdave going down...\n\
             \n[error] GenServer :superdave terminating\n\
             ** (panic) Boom\n\
             Last message: {:\"$gen_cast\", :die}\n\
             State: {:superdave, \"Next time you shoot a bullet at a metal object, watch the ricochet.\"}\n"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_stranger_does_not_start_and_leaves_its_name_free() {
        let ((result, free), printed) = in_node(async {
            let result = start_link("superbad").await.map(|s| s.pid());
            (result, process::whereis(&"superbad".into()).is_none())
        })
        .await;
        assert_eq!(
            result,
            Err(StartError::Stop(ExitReason::custom(
                core::UnknownCharacter("superbad".into()).to_string()
            )))
        );
        assert!(free);
        assert_eq!(printed, "");
    }

    #[tokio::test(start_paused = true)]
    async fn a_character_of_our_own_making_says_its_own_quote() {
        let (quote, printed) = in_node(async {
            start_link(Args::with_quote("superfreak", "She's alright"))
                .await
                .unwrap();
            say("superfreak").await
        })
        .await;
        assert_eq!(quote.as_deref(), Ok("She's alright"));
        assert_eq!(printed, "Starting superfreak\n");
    }

    #[tokio::test(start_paused = true)]
    async fn the_child_spec_uses_the_name_as_its_id() {
        let spec = Server::child_spec(Args::new("superman"));
        assert_eq!(spec.id().as_str(), "superman");
        assert_eq!(
            format!("{spec:?}"),
            "%{id: :superman, restart: :permanent, shutdown: 5000, type: :worker, \
             modules: [SuperDuper.Server]}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_trapping_server_says_mayday_when_its_parent_shuts_it_down() {
        let (printed_by_stop, _) = in_node(async {
            let console = process::self_pid().node().console().clone();
            // A parent that starts the server and then exits with :shutdown.
            let (tx, rx) = tokio::sync::oneshot::channel();
            let parent = process::spawn(move |_inbox: otp_core::Mailbox<()>| async move {
                let server = start_link(Args::new("superman").trap_exit(true))
                    .await
                    .unwrap();
                let _ = tx.send(server.pid());
                std::future::pending::<()>().await
            });
            let server = rx.await.unwrap();
            console.take();
            process::exit(&parent.pid(), ExitReason::Shutdown);
            let reason = server.wait_exit().await;
            (console.take(), reason)
        })
        .await;
        assert_eq!(
            printed_by_stop,
            (
                "Mayday! Mayday! superman going down...\n".to_string(),
                ExitReason::Shutdown
            )
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_server_that_does_not_trap_exits_dies_silently_on_shutdown() {
        let (printed_by_stop, _) = in_node(async {
            let console = process::self_pid().node().console().clone();
            let (tx, rx) = tokio::sync::oneshot::channel();
            let parent = process::spawn(move |_inbox: otp_core::Mailbox<()>| async move {
                let server = start_link("superman").await.unwrap();
                let _ = tx.send(server.pid());
                std::future::pending::<()>().await
            });
            let server = rx.await.unwrap();
            console.take();
            process::exit(&parent.pid(), ExitReason::Shutdown);
            let reason = server.wait_exit().await;
            (console.take(), reason)
        })
        .await;
        assert_eq!(printed_by_stop, (String::new(), ExitReason::Shutdown));
    }
}
