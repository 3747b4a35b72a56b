//! The chapter's character server, made for a cluster: named through the
//! [`NodeRegistry`](super::NodeRegistry), and reachable from any node, Erlang's included,
//! because its messages convert to terms: `:say` and `:die`, as an Elixir client sends them,
//! and a quote as an Elixir string.

use std::convert::Infallible;
use std::fmt;

use otp_core::gen_server::{
    self, CallResult, Caller, CastResult, GenServer, Init, Options, RemoteCodec, StartError,
};
use otp_core::supervisor::ChildSpec;
use otp_core::term::{FromTerm, IntoTerm, Term, TermError};
use otp_core::{ExitReason, ServerRef, io};

use crate::core::Character;
use crate::server::{Call, Cast, MODULE};

use super::registry::NodeRegistry;

// ANCHOR: server
/// A character of the distributed SuperDuper: chapter 3's server, whose requests also come as
/// terms from other nodes.
pub struct Server {
    character: Character,
}

impl GenServer for Server {
    type Arg = Character;
    type Call = Call;
    type Reply = String;
    type Cast = Cast;
    type Info = Infallible;
    type Continue = Infallible;

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

    fn child_spec(character: Character) -> ChildSpec {
        ChildSpec::new(character.name.clone(), move || {
            let character = character.clone();
            async move { start_link(character).await.map(|s| s.pid()) }
        })
        .modules([MODULE])
    }

    /// Requests from other nodes are welcome: `:say`, `:die`.
    fn remote() -> Option<RemoteCodec<Self>> {
        teaching::solution! {
            Some(RemoteCodec::new())
        }
    }
}

/// `:say`, as any node sends it.
impl FromTerm for Call {
    fn from_term(term: Term) -> Result<Self, TermError> {
        teaching::solution! {
            if term.is_atom("say") {
                Ok(Call::Say)
            } else {
                Err(TermError::new(":say", &term))
            }
        }
    }
}

impl IntoTerm for Call {
    fn into_term(self) -> Term {
        teaching::solution! {
            match self {
                Call::Say => Term::atom("say"),
            }
        }
    }
}

/// `:die`, as any node sends it.
impl FromTerm for Cast {
    fn from_term(term: Term) -> Result<Self, TermError> {
        teaching::solution! {
            if term.is_atom("die") {
                Ok(Cast::Die)
            } else {
                Err(TermError::new(":die", &term))
            }
        }
    }
}

impl IntoTerm for Cast {
    fn into_term(self) -> Term {
        teaching::solution! {
            match self {
                Cast::Die => Term::atom("die"),
            }
        }
    }
}

/// Starts the character's server, linked to the caller and named through this node's
/// registry: `{:via, SuperDuper.NodeRegistry, name}`.
///
/// # Panics
/// Outside a process.
pub async fn start_link(character: Character) -> Result<ServerRef<Server>, StartError> {
    teaching::solution! {
        let registry = NodeRegistry::named()
            .await
            .map_err(|e| StartError::Stop(ExitReason::custom(e.to_string())))?;
        let name = registry.name(character.name.clone());
        gen_server::start_link::<Server>(character, Options::new().name(name)).await
    }
}
// ANCHOR_END: server

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.character, f)
    }
}
