//! # Your turn: SuperDuper on several nodes
//!
//! Make the SuperDuper app distributed: start it on two nodes (two `iex --name ... -S mix`
//! sessions in the book), each running some of the characters, and let `say` and `die` reach a
//! character on whichever node runs it. The names do the work: a via registry,
//! `SuperDuper.NodeRegistry`, knows which node runs each character, and a call through it goes
//! to that node, which looks the character up in its own name table. When a character crashes,
//! the supervisor of its node restarts it, and the other nodes notice nothing.
//!
//! The pieces, each in its file:
//!
//! - [`NodeRegistry`]: the via registry and its owner, one per node, which keep a directory of
//!   character name to node and tell each other what changes (`registry.rs`);
//! - [`Server`]: chapter 3's character, named through the registry, whose `:say` and `:die`
//!   arrive as terms from other nodes (`character.rs`);
//! - here, the application of one node ([`start_link`]) and the API: [`join`], [`say`],
//!   [`die`], [`whereis`], [`directory`].
//!
//! A node of this program is an otp-core [`Node`](otp_core::Node) given a name and a cookie
//! (`Node::start_distributed`): Erlang and Elixir nodes can call its characters too, with
//! `GenServer.call({:superman, :"rust@127.0.0.1"}, :say)` (the test `tests/distributed_erl.rs`
//! does it from a real `erl`).
//!
//! **What you change:** the bodies wrapped in `teaching::solution!` in this file and in
//! `distributed/`: the registry's `Via` methods and handle, its owner's callbacks, the
//! character's conversions to and from terms and its opting in to remote messages, and the
//! functions below. Keep the types and signatures; the tests at the bottom of this file stay
//! unchanged. Check with `cargo test -p dynamic-super exercises::distributed`.

mod character;
mod registry;

use otp_core::gen_server::{self, CallError, GenServer, StartError};
use otp_core::supervisor::{self, SupervisorRef};
use otp_core::{Atom, Pid};

use crate::application::SUPERVISOR;
use crate::core::Character;
use crate::server::{Call, Cast};

pub use character::{Server, start_link as start_character};
pub use registry::{NodeRegistry, Owner, OwnerCall, OwnerCast, OwnerReply, REGISTRY};

// ANCHOR: api
/// Starts one node's SuperDuper: `SuperDuper.Supervisor` over this node's registry owner, then
/// `characters`, in order.
///
/// # Panics
/// Outside a process.
pub async fn start_link(characters: Vec<Character>) -> Result<SupervisorRef, StartError> {
    teaching::solution! {
        let owner = otp_core::supervisor::ChildSpec::new(REGISTRY, || async {
            NodeRegistry::start_link().await.map(|owner| owner.pid())
        })
        .modules([REGISTRY]);
        let mut children = vec![owner];
        children.extend(characters.into_iter().map(Server::child_spec));
        supervisor::start_link(children, supervisor::Options::new().name(SUPERVISOR)).await
    }
}

/// Joins the cluster through `node` (Elixir's `Node.connect/1`, plus the registries sharing
/// what they know). Returns the characters `node` runs.
pub async fn join(node: &str) -> Result<Vec<Atom>, CallError> {
    teaching::solution! {
        NodeRegistry::named().await?.join(node).await
    }
}

/// What the character named `name` says, wherever it runs.
pub async fn say(name: &str) -> Result<String, CallError> {
    teaching::solution! {
        let registry = NodeRegistry::named().await?;
        gen_server::call::<Server>(registry.name(name), Call::Say).await
    }
}

/// Makes the character named `name` crash, wherever it runs; its node's supervisor restarts
/// it.
pub async fn die(name: &str) -> Result<(), CallError> {
    teaching::solution! {
        let registry = NodeRegistry::named().await?;
        gen_server::cast::<Server>(registry.name(name), Cast::Die);
        Ok(())
    }
}

/// The pid of the character named `name`, asked of the node that runs it.
pub async fn whereis(name: &str) -> Option<Pid> {
    teaching::solution! {
        NodeRegistry::named().await.ok()?.whereis(name).await
    }
}

/// Which node runs which character, as this node knows it, sorted by name.
pub async fn directory() -> Vec<(Atom, Atom)> {
    teaching::solution! {
        match NodeRegistry::named().await {
            Ok(registry) => registry.directory(),
            Err(_) => Vec::new(),
        }
    }
}
// ANCHOR_END: api

#[cfg(test)]
mod tests {
    use super::*;
    use otp_core::dist::{Cookie, DistNode, MemoryNetwork};
    use otp_core::{Console, Node, process};

    /// A node of a two-node cluster on an in-memory network, running `characters`, with its
    /// console captured.
    async fn node(net: &MemoryNetwork, name: &str, characters: &[&str]) -> (Node, Console) {
        otp_core::logger::init_console();
        let console = Console::capture();
        let node = Node::with_console(console.clone());
        node.distribute(DistNode::builder(name, Cookie::new("superduper")).memory(net))
            .await
            .unwrap();
        let characters: Vec<Character> = characters
            .iter()
            .map(|name| Character::known(name).expect("one of the three"))
            .collect();
        let started = node
            .run(async move {
                let sup = start_link(characters).await;
                // The supervisor outlives this process.
                if let Ok(sup) = &sup {
                    process::unlink(&sup.pid());
                }
                sup.map(|_| ())
            })
            .await
            .unwrap();
        started.expect("the node's SuperDuper starts");
        (node, console)
    }

    /// `a` runs superman and superdave, `b` runs supermario; `b` has joined through `a`.
    async fn cluster() -> (Node, Console, Node, Console) {
        let net = MemoryNetwork::new();
        let (a, a_console) = node(&net, "a@127.0.0.1", &["superdave", "superman"]).await;
        let (b, b_console) = node(&net, "b@127.0.0.1", &["supermario"]).await;
        let joined = b.run(async { join("a@127.0.0.1").await }).await.unwrap();
        assert_eq!(
            joined,
            Ok(vec![Atom::from("superdave"), Atom::from("superman")])
        );
        (a, a_console, b, b_console)
    }

    #[tokio::test(start_paused = true)]
    async fn say_reaches_a_character_on_either_node() {
        let (a, _, b, _) = cluster().await;
        let from_b = b
            .run(async {
                (
                    say("superman").await,
                    say("supermario").await,
                    say("nobody").await,
                )
            })
            .await
            .unwrap();
        assert_eq!(
            from_b,
            (
                Ok("It doesn't take X-Ray Vision to see you are up to no good.".to_string()),
                Ok("Hoo hoo! Just what I needed!".to_string()),
                Err(CallError::NoProc)
            )
        );
        // a learned b's character when b joined.
        process_sleep(&a, 10).await;
        let from_a = a.run(async { say("supermario").await }).await.unwrap();
        assert_eq!(from_a.as_deref(), Ok("Hoo hoo! Just what I needed!"));
        let known = a.run(async { directory().await }).await.unwrap();
        assert_eq!(
            known,
            [
                (Atom::from("superdave"), Atom::from("a@127.0.0.1")),
                (Atom::from("superman"), Atom::from("a@127.0.0.1")),
                (Atom::from("supermario"), Atom::from("b@127.0.0.1")),
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn die_crashes_a_character_on_the_other_node_and_its_supervisor_restarts_it() {
        let (a, a_console, b, b_console) = cluster().await;
        let before = b.run(async { whereis("superman").await }).await.unwrap();
        let before = before.expect("superman runs on a");
        assert!(!before.is_local());
        assert_eq!(before.node_name(), "a@127.0.0.1");
        b.run(async { die("superman").await })
            .await
            .unwrap()
            .unwrap();
        process_sleep(&b, 100).await;
        let (after, said) = b
            .run(async { (whereis("superman").await, say("superman").await) })
            .await
            .unwrap();
        let after = after.expect("restarted on a");
        assert_ne!(before, after, "a new process");
        assert_eq!(after.node_name(), "a@127.0.0.1");
        assert!(said.is_ok());
        // The crash and the restart happened on a, and were printed there.
        let printed = a_console.contents();
        assert!(
            printed.contains("Mayday! Mayday! superman going down..."),
            "{printed}"
        );
        let report = "[error] GenServer {:via, SuperDuper.NodeRegistry, :superman} terminating";
        assert!(printed.contains(report), "{printed}");
        assert_eq!(printed.matches("Starting superman").count(), 2, "{printed}");
        assert!(!b_console.contents().contains("superman"));
        drop(a);
    }

    #[tokio::test(start_paused = true)]
    async fn a_character_started_later_is_known_everywhere_and_a_lost_node_is_forgotten() {
        let (a, _, b, _) = cluster().await;
        let yoshi = Character::new("yoshi", "Yoshi do! Yoshi do!");
        let started = a
            .run(async move {
                supervisor::start_child(SUPERVISOR, Server::child_spec(yoshi))
                    .await
                    .map(|_| ())
            })
            .await
            .unwrap();
        assert_eq!(started, Ok(()));
        process_sleep(&b, 10).await;
        let said = b.run(async { say("yoshi").await }).await.unwrap();
        assert_eq!(said.as_deref(), Ok("Yoshi do! Yoshi do!"));

        // A character that stops for good leaves every directory.
        let stopped = a
            .run(async { supervisor::terminate_child(SUPERVISOR, "yoshi").await })
            .await
            .unwrap();
        assert_eq!(stopped, Ok(()));
        process_sleep(&b, 10).await;
        let said = b.run(async { say("yoshi").await }).await.unwrap();
        assert_eq!(said, Err(CallError::NoProc));

        // b loses a: a's characters leave b's directory.
        assert!(b.disconnect("a@127.0.0.1"));
        process_sleep(&b, 10).await;
        let known = b.run(async { directory().await }).await.unwrap();
        assert_eq!(
            known,
            [(Atom::from("supermario"), Atom::from("b@127.0.0.1"))]
        );
        let said = b.run(async { say("superman").await }).await.unwrap();
        assert_eq!(said, Err(CallError::NoProc));
    }

    #[tokio::test(start_paused = true)]
    async fn the_character_reads_its_requests_from_terms() {
        use otp_core::term::{FromTerm, IntoTerm, Term};
        assert!(matches!(Call::from_term(Term::atom("say")), Ok(Call::Say)));
        assert!(Call::from_term(Term::atom("shout")).is_err());
        assert!(matches!(Cast::from_term(Term::atom("die")), Ok(Cast::Die)));
        assert_eq!(Call::Say.into_term(), Term::atom("say"));
        assert_eq!(Cast::Die.into_term(), Term::atom("die"));
        assert!(Server::remote().is_some());
    }

    /// Lets `ms` milliseconds of the paused clock pass in a process of `node`.
    async fn process_sleep(node: &Node, ms: u64) {
        node.run(async move { process::sleep(ms).await })
            .await
            .unwrap();
    }
}
