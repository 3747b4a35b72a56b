//! `SuperDuper.Application`: the application is a supervisor. Its start prints a banner and
//! starts `SuperDuper.Supervisor`, which starts the three characters in order.
//!
//! | Elixir                                              | Rust                                     |
//! |-----------------------------------------------------|------------------------------------------|
//! | `children = [{Server, :superdave}, ...]`            | [`characters`]`(trap_exit)`              |
//! | `Supervisor.start_link(children, strategy: :one_for_one, name: SuperDuper.Supervisor)` | [`start`]`(Options::new())` |
//! | `mix run` / `iex -S mix` (started at boot)          | [`boot`]`(&node, Options::new())`        |
//! | `iex -S mix run --no-start`, then `SuperDuper.Application.start(:duper, [])` | [`start`] from the shell |
//!
//! [`start`] links the supervisor to whoever calls it: from the shell, to the shell, so a
//! supervisor that gives up takes the shell with it. [`boot`] starts it under an application
//! master instead, as mix does, and the master logs how the application ended.
//!
//! The BEAM transcripts were made with switches for the strategy, the restart type and
//! trapping exits; here they are options of the start ([`Options`]) and of the child specs.

use otp_core::application::Application;
use otp_core::gen_server::StartError;
use otp_core::supervisor::{self, ChildSpec, Strategy, SupervisorRef};
use otp_core::{GenServer, Node, io};

use crate::core::CHARACTERS;
use crate::server::{Args, Server};

/// The supervisor's registered name.
pub const SUPERVISOR: &str = "SuperDuper.Supervisor";

/// The application's name.
pub const APP: &str = "super_duper";

/// What [`start`] prints first.
pub const BANNER: &str = ">>>> Starting Super-duper Super-visor <<<<";

/// How to start the application: the supervisor's strategy and its children.
#[derive(Clone, Debug)]
pub struct Options {
    strategy: Strategy,
    children: Vec<ChildSpec>,
}

impl Default for Options {
    /// `:one_for_one`, and the three characters, not trapping exits: the book's application.
    fn default() -> Self {
        Options {
            strategy: Strategy::OneForOne,
            children: characters(false),
        }
    }
}

impl Options {
    /// The book's application: `:one_for_one` over the three characters.
    pub fn new() -> Self {
        Self::default()
    }

    /// The supervisor's strategy.
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// The three characters again, trapping exits or not (replaces any children set before).
    pub fn trap_exit(mut self, on: bool) -> Self {
        self.children = characters(on);
        self
    }

    /// Other children, in start order (the exercises use it to change the child specs).
    pub fn children(mut self, children: Vec<ChildSpec>) -> Self {
        self.children = children;
        self
    }
}

// ANCHOR: start
/// The three characters' child specs, in start order: Elixir's
/// `[{Server, :superdave}, {Server, :superman}, {Server, :supermario}]`.
pub fn characters(trap_exit: bool) -> Vec<ChildSpec> {
    CHARACTERS
        .iter()
        .map(|&name| Server::child_spec(Args::new(name).trap_exit(trap_exit)))
        .collect()
}

/// `SuperDuper.Application.start/2`: prints the banner and starts the supervisor, linked to
/// the caller and registered as `SuperDuper.Supervisor`.
///
/// # Panics
/// Outside a process.
pub async fn start(opts: Options) -> Result<SupervisorRef, StartError> {
    io::puts(BANNER);
    let sup_opts = supervisor::Options::new()
        .strategy(opts.strategy)
        .name(SUPERVISOR);
    supervisor::start_link(opts.children, sup_opts).await
}
// ANCHOR_END: start

/// Starts the application on `node` as mix does at boot: an application master calls
/// [`start`], so the supervisor is linked to the master rather than to the shell.
pub async fn boot(node: &Node, opts: Options) -> Result<Application, StartError> {
    Application::start(node, APP, move || async move {
        start(opts).await.map(|sup| sup.pid())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use otp_core::{Console, ExitReason, Name, process};

    #[tokio::test(start_paused = true)]
    async fn boot_prints_the_banner_and_starts_the_characters_in_order() {
        otp_core::logger::init_console();
        let console = Console::capture();
        let node = Node::with_console(console.clone());
        let app = boot(&node, Options::new()).await.unwrap();
        assert_eq!(
            console.take(),
            ">>>> Starting Super-duper Super-visor <<<<\n\
             Starting superdave\nStarting superman\nStarting supermario\n"
        );
        let sup = node
            .whereis(SUPERVISOR)
            .expect("the supervisor is registered");
        assert_eq!(app.top(), Some(sup));
        for name in CHARACTERS {
            assert!(node.whereis(name).is_some(), "{name} runs");
        }
        assert_eq!(app.stop().await, ExitReason::custom("stopped"));
        assert!(node.whereis(SUPERVISOR).is_none());
        assert_eq!(node.process_count(), 0, "nothing is left behind");
        assert_eq!(
            console.take(),
            "\n[notice] Application super_duper exited: :stopped\n"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn started_by_hand_the_supervisor_is_linked_to_the_caller() {
        let node = Node::new();
        let linked = node
            .run(async {
                let sup = start(Options::new().strategy(Strategy::RestForOne))
                    .await
                    .unwrap();
                let me = process::self_pid();
                let linked = process::is_linked(&me, &sup.pid());
                supervisor::stop(&sup, ExitReason::Normal, otp_core::Timeout::Infinity)
                    .await
                    .unwrap();
                (linked, process::whereis(&Name::local(SUPERVISOR)))
            })
            .await
            .unwrap();
        assert_eq!(linked, (true, None));
    }
}
