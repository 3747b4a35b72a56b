//! `SuperDuper.ViaServer`: a character whose name lives in a registry, not in the node's table
//! of local names.
//!
//! A via name, `{:via, module, key}` in Elixir, hands registering, finding and sending to a
//! registry of the program's choosing. Here the registry is either Elixir's kind,
//! [`otp_core::registry::Registry`] started as `SuperDuper.Registry` with unique keys, or the
//! hand-made [`NameRegistry`] of the chapter's exercise: [`Registrar`] says which, as the
//! `:elixir` / `:custom` atom does in the BEAM transcript.
//!
//! | Elixir (`SuperDuper.ViaServer`)                           | Rust                                   |
//! |-----------------------------------------------------------|----------------------------------------|
//! | `{:via, Registry, {SuperDuper.Registry, :superfly}}`      | [`name`]`("superfly", Registrar::Registry)` |
//! | `{:via, SuperDuper.NameRegistry, :superhand}`             | [`name`]`("superhand", Registrar::NameRegistry)` |
//! | `start_link({:superfly, "Via Registry", :elixir})`        | [`start_link`]`(Character::new(..), Registrar::Registry)` |
//! | `child_spec({name, says, registry})`                      | `ViaServer::child_spec((character, registrar))` |
//! | `say(:superfly, :elixir)`, `die(:superreg, :elixir)`      | [`say`]`("superfly", Registrar::Registry)`, [`die`]`(..)` |

use std::fmt;

use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Init, Options, StartError,
};
use otp_core::registry::Registry;
use otp_core::supervisor::ChildSpec;
use otp_core::{Atom, Name, ServerRef, io};

use crate::core::Character;
use crate::exercises::custom_registry::{self, NameRegistry};

/// The registered name of the Elixir-style registry via names go through.
pub const REGISTRY: &str = "SuperDuper.Registry";

/// The module name the supervisors show.
pub const MODULE: &str = "SuperDuper.ViaServer";

/// Which registry keeps a via server's name: the transcript's `:elixir` or `:custom`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registrar {
    /// `SuperDuper.Registry`, an [`otp_core::registry::Registry`] with unique keys (`:elixir`).
    Registry,
    /// `SuperDuper.NameRegistry`, the hand-made [`NameRegistry`] (`:custom`).
    NameRegistry,
}

/// Why a via server could not be reached or started.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ViaError {
    /// The registry is not running, so the name cannot be looked up. (Elixir raises
    /// `ArgumentError`, "unknown registry".)
    #[error("the registry {0} is not running")]
    NoRegistry(&'static str),
    /// The server did not start: `AlreadyStarted(pid)` when the name is taken.
    #[error("the server did not start: {0}")]
    Start(StartError),
    /// The call failed: `NoProc` when nobody holds the name.
    #[error("the call failed: {0}")]
    Call(CallError),
}

// ANCHOR: name
/// The via name `key` has in `registrar`.
pub async fn name(key: &str, registrar: Registrar) -> Result<Name, ViaError> {
    let key = Atom::from(key);
    match registrar {
        Registrar::Registry => {
            let registry = Registry::<Atom, ()>::named(REGISTRY)
                .await
                .map_err(|_| ViaError::NoRegistry(REGISTRY))?;
            Ok(Name::via(registry, key))
        }
        Registrar::NameRegistry => {
            let registry = NameRegistry::named()
                .await
                .map_err(|_| ViaError::NoRegistry(custom_registry::NAME))?;
            Ok(Name::via(registry, key))
        }
    }
}
// ANCHOR_END: name

// ANCHOR: server
/// The server's state: the character it plays.
pub struct ViaServer {
    character: Character,
}

impl GenServer for ViaServer {
    type Arg = (Character, Registrar);
    type Call = crate::server::Call;
    type Reply = String;
    type Cast = crate::server::Cast;
    type Info = std::convert::Infallible;
    type Continue = std::convert::Infallible;

    async fn init((character, _registrar): Self::Arg) -> Init<Self> {
        io::puts(format!("Starting {} (via)", character.name.as_str()));
        Init::Ok(ViaServer { character })
    }

    async fn handle_call(
        &mut self,
        _say: crate::server::Call,
        _from: &Caller<String>,
    ) -> CallResult<Self> {
        CallResult::Reply(self.character.says.clone())
    }

    async fn handle_cast(&mut self, _die: crate::server::Cast) -> CastResult<Self> {
        panic!("Boom")
    }

    fn module() -> &'static str {
        MODULE
    }

    /// The name is looked up in the registry at every start, so a restarted server registers
    /// again under the same name.
    fn child_spec((character, registrar): Self::Arg) -> ChildSpec {
        ChildSpec::new(character.name.clone(), move || {
            let character = character.clone();
            async move {
                match start_link(character, registrar).await {
                    Ok(server) => Ok(server.pid()),
                    Err(ViaError::Start(e)) => Err(e),
                    Err(other) => Err(StartError::Stop(otp_core::ExitReason::custom(
                        other.to_string(),
                    ))),
                }
            }
        })
        .modules([MODULE])
    }
}
// ANCHOR_END: server

impl fmt::Debug for ViaServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.character, f)
    }
}

// ANCHOR: api
/// Starts a via server linked to the caller, named `character.name` in `registrar`.
///
/// # Panics
/// Outside a process.
pub async fn start_link(
    character: Character,
    registrar: Registrar,
) -> Result<ServerRef<ViaServer>, ViaError> {
    let via = name(character.name.as_str(), registrar).await?;
    gen_server::start_link::<ViaServer>((character, registrar), Options::new().name(via))
        .await
        .map_err(ViaError::Start)
}

/// What the via server named `key` in `registrar` says.
pub async fn say(key: &str, registrar: Registrar) -> Result<String, ViaError> {
    let via = name(key, registrar).await?;
    gen_server::call::<ViaServer>(&via, crate::server::Call::Say)
        .await
        .map_err(ViaError::Call)
}

/// Makes the via server named `key` in `registrar` crash (a cast, through the registry).
pub async fn die(key: &str, registrar: Registrar) -> Result<(), ViaError> {
    let via = name(key, registrar).await?;
    gen_server::cast::<ViaServer>(&via, crate::server::Cast::Die);
    Ok(())
}
// ANCHOR_END: api
