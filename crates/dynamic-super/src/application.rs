//! `SuperDuper.Application`: the program's supervision tree, and the application that runs it.
//!
//! The top supervisor, `SuperDuper.Supervisor`, starts the three static characters in order
//! and, from the middle of chapter 4 on, a fourth child: a DynamicSupervisor named
//! `SuperDuper.DynamicSupervisor`, which starts with no children and takes the characters
//! added at run time.
//!
//! The BEAM transcripts were made with switches to show each variant from one code base (the
//! strategy, and whether the DynamicSupervisor is there). Here they are the two fields of
//! [`Tree`], so each scene says which variant it plays.
//!
//! | Elixir                                                 | Rust                               |
//! |--------------------------------------------------------|------------------------------------|
//! | `SuperDuper.Application.start(_type, _args)`           | [`start`]`(&node, tree)`           |
//! | `children = [{Server, :superdave}, ...]`               | [`Tree::children`]                 |
//! | `Supervisor.start_link(children, strategy: ..., name: SuperDuper.Supervisor)` | [`start_link`]`(tree)` |
//! | `{DynamicSupervisor, strategy: :one_for_one, name: SuperDuper.DynamicSupervisor}` | [`dynamic_supervisor_spec`] |

use otp_core::application::Application;
use otp_core::dynamic_supervisor;
use otp_core::gen_server::{GenServer, StartError};
use otp_core::supervisor::{self, ChildSpec, Strategy, SupervisorRef};
use otp_core::{Node, io};

use crate::core;
use crate::server::Server;

/// The top supervisor's registered name.
pub const SUPERVISOR: &str = "SuperDuper.Supervisor";

/// The DynamicSupervisor's registered name, which is also its child id.
pub const DYNAMIC_SUPERVISOR: &str = "SuperDuper.DynamicSupervisor";

/// The application's name, as its exit notice prints it.
pub const APP: &str = "super_duper";

/// Which variant of the tree to start: the top supervisor's strategy, and whether the
/// DynamicSupervisor is its fourth child.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    /// The top supervisor's strategy (`:one_for_one` by default).
    pub strategy: Strategy,
    /// Whether `SuperDuper.DynamicSupervisor` is started after the three characters.
    pub dynamic: bool,
}

impl Tree {
    /// One for one, without the DynamicSupervisor: chapter 3's tree.
    pub fn new() -> Self {
        Tree::default()
    }

    /// The same tree with another strategy.
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// The same tree with (or without) the DynamicSupervisor as its fourth child.
    pub fn dynamic(mut self, dynamic: bool) -> Self {
        self.dynamic = dynamic;
        self
    }

    // ANCHOR: children
    /// The top supervisor's children, in start order.
    pub fn children(&self) -> Vec<ChildSpec> {
        let mut children: Vec<ChildSpec> = core::static_characters()
            .into_iter()
            .map(Server::child_spec)
            .collect();
        if self.dynamic {
            children.push(dynamic_supervisor_spec());
        }
        children
    }
    // ANCHOR_END: children
}

// ANCHOR: dynamic_spec
/// The fourth child: a DynamicSupervisor (one for one, its only strategy) registered as
/// `SuperDuper.DynamicSupervisor`, with that name as its id.
pub fn dynamic_supervisor_spec() -> ChildSpec {
    dynamic_supervisor::child_spec(
        DYNAMIC_SUPERVISOR,
        dynamic_supervisor::Options::new().name(DYNAMIC_SUPERVISOR),
    )
}
// ANCHOR_END: dynamic_spec

// ANCHOR: start
/// Starts the top supervisor, linked to the caller, registered as `SuperDuper.Supervisor`,
/// after printing the book's banner.
///
/// # Panics
/// Outside a process.
pub async fn start_link(tree: Tree) -> Result<SupervisorRef, StartError> {
    io::puts(">>>> Starting Super-duper Super-visor <<<<");
    supervisor::start_link(
        tree.children(),
        supervisor::Options::new()
            .strategy(tree.strategy)
            .name(SUPERVISOR),
    )
    .await
}

/// Starts the application on `node`, as `iex -S mix` does before the first prompt: an
/// application master starts the top supervisor and logs how the application ends.
pub async fn start(node: &Node, tree: Tree) -> Result<Application, StartError> {
    Application::start(node, APP, move || async move {
        start_link(tree).await.map(|s| s.pid())
    })
    .await
}
// ANCHOR_END: start

#[cfg(test)]
mod tests {
    use super::*;
    use otp_core::supervisor::ChildType;
    use otp_core::{Console, ExitReason};

    #[tokio::test(start_paused = true)]
    async fn the_tree_starts_the_characters_in_order_then_the_dynamic_supervisor() {
        let console = Console::capture();
        let node = Node::with_console(console.clone());
        let app = start(&node, Tree::new().dynamic(true)).await.unwrap();
        let children = node
            .run(async { supervisor::which_children(SUPERVISOR).await })
            .await
            .unwrap()
            .unwrap();
        let ids: Vec<String> = children
            .iter()
            .map(|c| c.id.as_ref().map(|a| a.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(
            ids,
            [
                "SuperDuper.DynamicSupervisor",
                ":supermario",
                ":superman",
                ":superdave"
            ]
        );
        assert_eq!(children[0].kind, ChildType::Supervisor);
        assert_eq!(children[0].modules, ["DynamicSupervisor"]);
        assert_eq!(children[1].modules, ["SuperDuper.Server"]);
        assert_eq!(
            console.contents(),
            ">>>> Starting Super-duper Super-visor <<<<\n\
             Starting superdave\nStarting superman\nStarting supermario\n"
        );
        assert_eq!(app.stop().await, ExitReason::custom("stopped"));
        assert_eq!(node.process_count(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn without_the_dynamic_supervisor_the_tree_is_chapter_threes() {
        let node = Node::new();
        let _app = start(&node, Tree::new()).await.unwrap();
        let counts = node
            .run(async { supervisor::count_children(SUPERVISOR).await })
            .await
            .unwrap()
            .unwrap();
        assert_eq!((counts.specs, counts.supervisors), (3, 0));
        assert!(node.whereis(DYNAMIC_SUPERVISOR).is_none());
    }
}
