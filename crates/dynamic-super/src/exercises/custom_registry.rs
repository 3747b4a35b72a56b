//! # Your turn: a hand-made registry for via names
//!
//! Write `SuperDuper.NameRegistry`, a registry of your own that servers can be named through:
//! `Name::via(registry, :superhand)`, Elixir's `{:via, SuperDuper.NameRegistry, :superhand}`.
//! It must do what OTP asks of a via module: register a name (refusing one that a live process
//! holds), unregister it, find the process behind it, and send to it. (The book names the
//! lookup callback `whereis/1`; OTP calls `whereis_name/1`, and also needs `register_name/2`,
//! `unregister_name/1` and `send/2`. In Rust they are the methods of [`otp_core::Via`], and
//! `send` has a default that looks the name up.)
//!
//! The names live in a map shared by every process that uses the registry; a process, the
//! registry's owner, keeps them honest. OTP calls `unregister_name` only when a start fails, so
//! a registry must notice by itself when a named process exits: the owner monitors every
//! process that registers, and forgets its names when the `Down` message comes. Until then,
//! lookups skip a dead holder, so a name is free the moment its process is gone.
//!
//! The chapter's `ViaServer` uses this registry for its `Registrar::NameRegistry` names, and
//! the `registry` scene shows it at work.
//!
//! **What you change:** the bodies wrapped in `teaching::solution!` below: the owner's
//! callbacks, [`NameRegistry::start_link`], [`NameRegistry::named`], [`NameRegistry::names`] and
//! the three [`otp_core::Via`] methods. Keep the types and signatures; the tests at the bottom
//! of this file stay unchanged. Check with `cargo test -p dynamic-super exercises::custom_registry`.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Info, Init, Options, StartError,
};
use otp_core::{Atom, Pid, ServerRef, Via, process};

/// The owner's registered name.
pub const NAME: &str = "SuperDuper.NameRegistry";

/// The names and who holds them.
type Names = Arc<Mutex<HashMap<Atom, Pid>>>;

// ANCHOR: registry
/// A handle on the registry: cheap to clone, usable from any process.
#[derive(Clone)]
pub struct NameRegistry {
    names: Names,
    owner: ServerRef<Owner>,
}

/// The process that owns the registry and watches the named processes.
pub struct Owner {
    names: Names,
}

/// What the owner is asked (use [`NameRegistry::named`]).
#[derive(Debug)]
pub enum OwnerCall {
    /// A handle on the registry.
    Handle,
}

/// What the owner is told (the registry sends it).
#[derive(Debug)]
pub enum OwnerCast {
    /// Monitor this newly named process.
    Watch(Pid),
}

impl GenServer for Owner {
    type Arg = ();
    type Call = OwnerCall;
    type Reply = NameRegistry;
    type Cast = OwnerCast;
    type Info = std::convert::Infallible;
    type Continue = std::convert::Infallible;

    async fn init((): ()) -> Init<Self> {
        teaching::solution! {
            Init::Ok(Owner { names: Names::default() })
        }
    }

    async fn handle_call(
        &mut self,
        OwnerCall::Handle: OwnerCall,
        _from: &Caller<NameRegistry>,
    ) -> CallResult<Self> {
        teaching::solution! {
            CallResult::Reply(NameRegistry {
                names: self.names.clone(),
                owner: gen_server::self_ref::<Owner>(),
            })
        }
    }

    async fn handle_cast(&mut self, OwnerCast::Watch(pid): OwnerCast) -> CastResult<Self> {
        teaching::solution! {
            // A process already gone is reported at once, with reason `:noproc`.
            process::monitor(&pid);
            CastResult::NoReply
        }
    }

    async fn handle_info(&mut self, msg: Info<std::convert::Infallible>) -> CastResult<Self> {
        teaching::solution! {
            if let Info::Down(down) = msg {
                // Only the names this very process holds: a name may have a new holder by now.
                lock(&self.names).retain(|_, holder| *holder != down.pid);
            }
            CastResult::NoReply
        }
    }

    fn module() -> &'static str {
        NAME
    }
}

impl Via for NameRegistry {
    type Key = Atom;

    fn register_name(&self, key: &Atom, pid: &Pid) -> bool {
        teaching::solution! {
            if !self.owner.is_alive() {
                return false;
            }
            let mut names = lock(&self.names);
            if names.get(key).is_some_and(|holder| holder.is_alive() && holder != pid) {
                return false;
            }
            names.insert(key.clone(), pid.clone());
            gen_server::cast(&self.owner, OwnerCast::Watch(pid.clone()));
            true
        }
    }

    fn unregister_name(&self, key: &Atom) {
        teaching::solution! {
            lock(&self.names).remove(key);
        }
    }

    fn whereis_name(&self, key: &Atom) -> Option<Pid> {
        teaching::solution! {
            if !self.owner.is_alive() {
                return None;
            }
            lock(&self.names).get(key).filter(|pid| pid.is_alive()).cloned()
        }
    }

    /// How crash reports print a name: `{:via, SuperDuper.NameRegistry, :superhand}`.
    fn describe(&self, key: &Atom) -> String {
        format!("{{:via, {NAME}, {key:?}}}")
    }
}
// ANCHOR_END: registry

impl NameRegistry {
    /// `SuperDuper.NameRegistry.start_link/0`: starts the owner, linked to the caller and
    /// registered as `SuperDuper.NameRegistry`, and returns a handle on the registry.
    ///
    /// # Panics
    /// Outside a process.
    pub async fn start_link() -> Result<NameRegistry, StartError> {
        teaching::solution! {
            let owner = gen_server::start_link::<Owner>((), Options::new().name(NAME)).await?;
            gen_server::call(&owner, OwnerCall::Handle)
                .await
                .map_err(|e| StartError::Stop(otp_core::ExitReason::custom(e.to_string())))
        }
    }

    /// The registry whose owner is registered as `SuperDuper.NameRegistry`.
    pub async fn named() -> Result<NameRegistry, CallError> {
        teaching::solution! {
            gen_server::call::<Owner>(NAME, OwnerCall::Handle).await
        }
    }

    /// The owner's pid.
    pub fn pid(&self) -> Pid {
        self.owner.pid()
    }

    /// Every name with its live holder, sorted by name.
    pub fn names(&self) -> Vec<(Atom, Pid)> {
        teaching::solution! {
            let mut names: Vec<(Atom, Pid)> = lock(&self.names)
                .iter()
                .filter(|(_, pid)| pid.is_alive())
                .map(|(name, pid)| (name.clone(), pid.clone()))
                .collect();
            names.sort();
            names
        }
    }
}

/// The map, even if a process panicked while holding the lock: every update leaves it whole.
fn lock(names: &Names) -> MutexGuard<'_, HashMap<Atom, Pid>> {
    names
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl fmt::Debug for NameRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NameRegistry({})", self.owner.pid())
    }
}

impl fmt::Debug for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} names", lock(&self.names).len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Character;
    use crate::exercises::in_node;
    use crate::via_server::{self, Registrar, ViaError};
    use otp_core::dynamic_supervisor;
    use otp_core::supervisor::SupervisorError;
    use otp_core::{ExitReason, Name};

    fn superhand() -> Character {
        Character::new("superhand", "Hand-made registry")
    }

    #[tokio::test(start_paused = true)]
    async fn a_server_is_started_called_and_found_through_its_via_name() {
        let (got, _) = in_node(async {
            let registry = NameRegistry::start_link()
                .await
                .expect("the registry starts");
            let server = via_server::start_link(superhand(), Registrar::NameRegistry)
                .await
                .expect("the name is free");
            let said = via_server::say("superhand", Registrar::NameRegistry).await;
            let name = Name::via(registry.clone(), Atom::from("superhand"));
            let found = process::whereis(&name);
            let dup =
                via_server::start_link(Character::new("superhand", "dup"), Registrar::NameRegistry)
                    .await
                    .map(|s| s.pid());
            (
                server.pid(),
                said,
                found,
                dup,
                name.to_string(),
                registry.names(),
            )
        })
        .await;
        let (pid, said, found, dup, printed, names) = got;
        assert_eq!(said.as_deref(), Ok("Hand-made registry"));
        assert_eq!(found.as_ref(), Some(&pid));
        assert_eq!(
            dup,
            Err(ViaError::Start(StartError::AlreadyStarted(pid.clone())))
        );
        assert_eq!(printed, "{:via, SuperDuper.NameRegistry, :superhand}");
        assert_eq!(names, vec![(Atom::from("superhand"), pid)]);
    }

    #[tokio::test(start_paused = true)]
    async fn nobody_holds_an_unknown_name() {
        let (got, _) = in_node(async {
            let registry = NameRegistry::start_link()
                .await
                .expect("the registry starts");
            let ghost = Name::via(registry, Atom::from("ghost"));
            (
                process::whereis(&ghost),
                gen_server::call::<crate::via_server::ViaServer>(&ghost, crate::server::Call::Say)
                    .await,
                via_server::say("ghost", Registrar::NameRegistry).await,
            )
        })
        .await;
        assert_eq!(got.0, None);
        assert_eq!(got.1, Err(CallError::NoProc));
        assert_eq!(got.2, Err(ViaError::Call(CallError::NoProc)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_name_is_freed_when_its_holder_exits() {
        let (got, _) = in_node(async {
            let registry = NameRegistry::start_link()
                .await
                .expect("the registry starts");
            let first = via_server::start_link(superhand(), Registrar::NameRegistry)
                .await
                .expect("the name is free");
            process::exit(&first.pid(), ExitReason::Kill);
            first.pid().wait_exit().await;
            // Free at once: the holder is dead.
            let whereis = process::whereis(&Name::via(registry.clone(), Atom::from("superhand")));
            // And forgotten once the owner has read its Down message (the call queues behind it).
            let _ = NameRegistry::named().await;
            let names = registry.names();
            let second = via_server::start_link(superhand(), Registrar::NameRegistry)
                .await
                .map(|s| s.pid());
            (first.pid(), whereis, names, second)
        })
        .await;
        let (first, whereis, names, second) = got;
        assert_eq!(whereis, None);
        assert!(
            names.is_empty(),
            "the owner forgot the dead holder: {names:?}"
        );
        let second = second.expect("the name is free again");
        assert_ne!(first, second);
    }

    #[tokio::test(start_paused = true)]
    async fn a_server_restarted_by_its_supervisor_registers_again() {
        let (got, _) = in_node(async {
            NameRegistry::start_link()
                .await
                .expect("the registry starts");
            let dsup = dynamic_supervisor::start_link(dynamic_supervisor::Options::new())
                .await
                .expect("the supervisor starts");
            let spec = crate::via_server::ViaServer::child_spec((
                Character::new("superreg", "Restarted under the same name"),
                Registrar::NameRegistry,
            ));
            let old = dynamic_supervisor::start_child(&dsup, spec).await;
            via_server::die("superreg", Registrar::NameRegistry)
                .await
                .expect("the registry runs");
            if let Ok(old) = &old {
                old.wait_exit().await;
            }
            // The supervisor has restarted it by the time it answers.
            let _ = dynamic_supervisor::count_children(&dsup).await;
            let name = via_server::name("superreg", Registrar::NameRegistry)
                .await
                .expect("the registry runs");
            let said = via_server::say("superreg", Registrar::NameRegistry).await;
            (old, process::whereis(&name), said)
        })
        .await;
        let (old, new, said) = got;
        let old: Result<Pid, SupervisorError> = old;
        let old = old.expect("the child starts");
        let new = new.expect("a new holder");
        assert_ne!(old, new);
        assert_eq!(said.as_deref(), Ok("Restarted under the same name"));
    }

    /// A server whose `init` refuses to start.
    #[derive(Debug)]
    struct Refuses;

    impl GenServer for Refuses {
        type Arg = ();
        type Call = std::convert::Infallible;
        type Reply = ();
        type Cast = std::convert::Infallible;
        type Info = std::convert::Infallible;
        type Continue = std::convert::Infallible;

        async fn init((): ()) -> Init<Self> {
            Init::Stop(ExitReason::custom("refused"))
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_start_gives_the_name_back() {
        let (got, _) = in_node(async {
            let registry = NameRegistry::start_link()
                .await
                .expect("the registry starts");
            let name = Name::via(registry.clone(), Atom::from("refused"));
            let started = gen_server::start_link::<Refuses>((), Options::new().name(name.clone()))
                .await
                .map(|s| s.pid());
            (started, process::whereis(&name), registry.names())
        })
        .await;
        assert_eq!(got.0, Err(StartError::Stop(ExitReason::custom("refused"))));
        assert_eq!(got.1, None);
        assert!(got.2.is_empty());
    }
}
