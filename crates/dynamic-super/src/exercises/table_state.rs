//! # Your turn: state that survives a restart
//!
//! A restarted character is a new process: it starts from its `init` again, and whatever the
//! old process had learned is gone. Give the dynamic characters a memory that outlives them:
//! each counts how many times it has spoken, and the count must survive a crash.
//!
//! The count cannot live in the character's process (it dies), nor in a table the character
//! owns (a table is deleted with its owner). It lives in a [`Table`] owned by a process that
//! lives longer than any character: the [`StateKeeper`], started before the characters (in a
//! real tree, as an earlier child of the top supervisor). A character reads its count from the
//! keeper's table in `init` and writes it back every time it speaks. ETS offers a second way,
//! an *heir*: a character could own its table and name the keeper as heir, who then inherits
//! the table when the character dies; see [`otp_core::table::Options::heir`].
//!
//! [`Store::Process`] keeps the count in the process instead, so the tests can show what is
//! lost without the table.
//!
//! **What you change:** the bodies wrapped in `teaching::solution!` below (the keeper's and the
//! character's callbacks). Keep the types and signatures; the tests at the bottom of this file
//! stay unchanged. Check with `cargo test -p dynamic-super exercises::table_state`.

use std::fmt;

use otp_core::dynamic_supervisor::{self, DynamicSupervisor};
use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Init, Options, StartError, ToServer,
};
use otp_core::supervisor::{ChildSpec, SupervisorError};
use otp_core::table::{self, Table};
use otp_core::{Atom, ExitReason, Pid, ServerRef, io};

use crate::core::Character;

/// The keeper's registered name.
pub const KEEPER: &str = "SuperDuper.StateKeeper";

/// The module name the supervisors show for a counted character.
pub const MODULE: &str = "SuperDuper.CountedServer";

/// How many times each character has spoken, by name.
pub type Spoken = Table<Atom, u64>;

// ANCHOR: keeper
/// The process that owns the table of counts. It does nothing else, so it has no reason to
/// crash: the table lives as long as it does.
pub struct StateKeeper {
    spoken: Spoken,
}

/// What the keeper answers.
#[derive(Debug)]
pub enum KeeperCall {
    /// The table of counts.
    Table,
}

impl GenServer for StateKeeper {
    type Arg = ();
    type Call = KeeperCall;
    type Reply = Spoken;
    type Cast = std::convert::Infallible;
    type Info = std::convert::Infallible;
    type Continue = std::convert::Infallible;

    async fn init((): ()) -> Init<Self> {
        teaching::solution! {
            // Public: every character reads and writes its own count.
            let spoken = Table::new(table::Options::set().public().name("SuperDuper.Spoken"));
            Init::Ok(StateKeeper { spoken })
        }
    }

    async fn handle_call(
        &mut self,
        KeeperCall::Table: KeeperCall,
        _from: &Caller<Spoken>,
    ) -> CallResult<Self> {
        teaching::solution! {
            CallResult::Reply(self.spoken.clone())
        }
    }
}
// ANCHOR_END: keeper

/// Where a character keeps its count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    /// In its own process: lost when the process dies.
    Process,
    /// In the keeper's table: found again by the restarted process.
    Table,
}

/// What a counted character answers: its line, and how many times it has said it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    /// The quote.
    pub says: String,
    /// How many times the character has spoken, this time included.
    pub times: u64,
}

/// The requests that wait for an answer.
#[derive(Debug)]
pub enum Call {
    /// `:say`.
    Say,
}

/// The requests that need no answer.
#[derive(Debug)]
pub enum Cast {
    /// `:die`.
    Die,
}

// ANCHOR: character
/// A character that counts how many times it has spoken.
pub struct Counted {
    character: Character,
    spoken: u64,
    /// The keeper's table, when the count lives there.
    table: Option<Spoken>,
}

impl GenServer for Counted {
    type Arg = (Character, Store);
    type Call = Call;
    type Reply = Said;
    type Cast = Cast;
    type Info = std::convert::Infallible;
    type Continue = std::convert::Infallible;

    async fn init((character, store): Self::Arg) -> Init<Self> {
        teaching::solution! {
            io::puts(format!("Starting {}", character.name.as_str()));
            let table = match store {
                Store::Process => None,
                Store::Table => {
                    match gen_server::call::<StateKeeper>(KEEPER, KeeperCall::Table).await {
                        Ok(table) => Some(table),
                        Err(_) => return Init::Stop(ExitReason::custom("no_state_keeper")),
                    }
                }
            };
            // A restarted character finds the count its previous process left.
            let spoken = match &table {
                Some(table) => table.get(&character.name).ok().flatten().unwrap_or(0),
                None => 0,
            };
            Init::Ok(Counted { character, spoken, table })
        }
    }

    async fn handle_call(&mut self, Call::Say: Call, _from: &Caller<Said>) -> CallResult<Self> {
        teaching::solution! {
            self.spoken += 1;
            if let Some(table) = &self.table {
                // The table is public and its owner outlives us; should it be gone, the count
                // still goes on in the process.
                let _ = table.insert(self.character.name.clone(), self.spoken);
            }
            CallResult::Reply(Said { says: self.character.says.clone(), times: self.spoken })
        }
    }

    async fn handle_cast(&mut self, Cast::Die: Cast) -> CastResult<Self> {
        panic!("Boom")
    }

    fn module() -> &'static str {
        MODULE
    }

    fn child_spec((character, store): Self::Arg) -> ChildSpec {
        ChildSpec::new(character.name.clone(), move || {
            let character = character.clone();
            async move {
                let name = character.name.clone();
                gen_server::start_link::<Counted>((character, store), Options::new().name(name))
                    .await
                    .map(|s| s.pid())
            }
        })
        .modules([MODULE])
    }
}
// ANCHOR_END: character

impl fmt::Debug for StateKeeper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.spoken)
    }
}

impl fmt::Debug for Counted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{:?}, {}}}", self.character, self.spoken)
    }
}

/// Starts the keeper, linked to the caller and registered as `SuperDuper.StateKeeper`.
///
/// # Panics
/// Outside a process.
pub async fn start_keeper() -> Result<ServerRef<StateKeeper>, StartError> {
    gen_server::start_link::<StateKeeper>((), Options::new().name(KEEPER)).await
}

/// Adds a counted character under the dynamic supervisor `sup`.
pub async fn add_character(
    sup: impl ToServer<DynamicSupervisor>,
    name: &str,
    says: &str,
    store: Store,
) -> Result<Pid, SupervisorError> {
    let spec = Counted::child_spec((Character::new(name, says), store));
    dynamic_supervisor::start_child(sup, spec).await
}

/// What the counted character named `name` says, and how many times it has said it.
pub async fn say(name: &str) -> Result<Said, CallError> {
    gen_server::call::<Counted>(name, Call::Say).await
}

/// Makes the counted character named `name` crash.
pub fn die(name: &str) {
    gen_server::cast::<Counted>(name, Cast::Die)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercises::in_node;
    use otp_core::dynamic_supervisor::DynamicSupervisorRef;

    async fn dynamic_supervisor() -> DynamicSupervisorRef {
        dynamic_supervisor::start_link(dynamic_supervisor::Options::new())
            .await
            .expect("the supervisor starts")
    }

    /// Says three times, crashes the character, waits for its restart, says once more.
    async fn three_then_crash_then_one(dsup: &DynamicSupervisorRef, name: &str) -> Vec<u64> {
        let mut times = Vec::new();
        for _ in 0..3 {
            times.push(say(name).await.map(|s| s.times).unwrap_or(0));
        }
        let old = gen_server::whereis::<Counted>(name).expect("the character runs");
        die(name);
        old.pid().wait_exit().await;
        // The dynamic supervisor has restarted it by the time it answers.
        let _ = dynamic_supervisor::count_children(dsup).await;
        times.push(say(name).await.map(|s| s.times).unwrap_or(0));
        times
    }

    #[tokio::test(start_paused = true)]
    async fn a_count_in_the_keepers_table_survives_a_restart() {
        let (times, out) = in_node(async {
            start_keeper().await.expect("the keeper starts");
            let dsup = dynamic_supervisor().await;
            add_character(&dsup, "supernova", "Expanding at light speed", Store::Table)
                .await
                .expect("the name is free");
            three_then_crash_then_one(&dsup, "supernova").await
        })
        .await;
        assert_eq!(
            times,
            vec![1, 2, 3, 4],
            "the restarted character went on counting"
        );
        assert!(out.contains("Starting supernova\n"), "{out}");
        assert!(
            out.contains("State: {{:supernova, \"Expanding at light speed\"}, 3}"),
            "{out}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_count_in_the_process_is_lost_with_it() {
        let (times, _) = in_node(async {
            let dsup = dynamic_supervisor().await;
            add_character(
                &dsup,
                "supernova",
                "Expanding at light speed",
                Store::Process,
            )
            .await
            .expect("the name is free");
            three_then_crash_then_one(&dsup, "supernova").await
        })
        .await;
        assert_eq!(
            times,
            vec![1, 2, 3, 1],
            "the restarted character started over"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn each_character_keeps_its_own_count() {
        let (got, _) = in_node(async {
            let keeper = start_keeper().await.expect("the keeper starts");
            let dsup = dynamic_supervisor().await;
            for (name, says) in [("a", "A"), ("b", "B")] {
                add_character(&dsup, name, says, Store::Table)
                    .await
                    .expect("the name is free");
            }
            let mut said = Vec::new();
            for name in ["a", "b", "a"] {
                said.push(say(name).await);
            }
            let table = gen_server::call(&keeper, KeeperCall::Table)
                .await
                .expect("the keeper answers");
            let mut counts = table.to_list().expect("the keeper's table exists");
            counts.sort();
            (said, counts)
        })
        .await;
        let (said, counts) = got;
        let said: Vec<(String, u64)> = said
            .into_iter()
            .map(|s| s.map(|s| (s.says, s.times)).unwrap_or_default())
            .collect();
        assert_eq!(
            said,
            vec![("A".into(), 1), ("B".into(), 1), ("A".into(), 2)]
        );
        assert_eq!(counts, vec![(Atom::from("a"), 2), (Atom::from("b"), 1)]);
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_keeper_a_table_character_does_not_start() {
        let (got, _) = in_node(async {
            let dsup = dynamic_supervisor().await;
            add_character(&dsup, "supernova", "Expanding at light speed", Store::Table).await
        })
        .await;
        assert_eq!(
            got,
            Err(SupervisorError::Start(StartError::Stop(
                ExitReason::custom("no_state_keeper")
            )))
        );
    }
}
