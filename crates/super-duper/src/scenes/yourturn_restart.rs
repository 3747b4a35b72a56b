//! Your turn: the characters as permanent, transient and temporary children, each ended in
//! five ways (transcripts `ch3-yourturn-restart-<type>`).

use otp_core::ExitReason;
use otp_core::Timeout::Infinity;
use otp_core::gen_server;
use otp_core::process;
use otp_core::supervisor::{self, Restart};
use teaching::Shell;

use crate::application::{self, Options, SUPERVISOR};
use crate::core::CHARACTERS;
use crate::exercises::restart_types;
use crate::scenes::whereis;
use crate::server::{self, Server};
use teaching::show;

// ANCHOR: scene
/// Boots the characters with the restart type `restart` and ends them one way after another:
/// a panic, a kill, a `:normal` exit signal, `GenServer.stop`, a `:shutdown` exit signal.
pub async fn restart_type(sh: Shell, restart: Restart) {
    sh.section(format!("Booted with {} characters", elixir_name(restart)));
    let children = restart_types::characters(restart);
    let Ok(_app) = application::boot(sh.node(), Options::new().children(children)).await else {
        return;
    };
    sh.run(|sh| async move {
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);
        sh.tree("Booted", SUPERVISOR).await;

        sh.section("1. die: a panic, an abnormal exit");
        show!(sh, server::die("superdave"));
        sh.input("sh.sleep(500).await");
        sh.sleep(500).await;
        show!(sh, whereis("superdave"));
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);

        sh.section("2. a kill: the exit reason is :killed");
        show!(
            sh,
            whereis("superman").map(|pid| process::exit(&pid, ExitReason::Kill))
        );
        sh.input("sh.sleep(500).await");
        sh.sleep(500).await;
        show!(sh, whereis("superman"));
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);
        sh.tree("After a panic and a kill", SUPERVISOR).await;

        sh.section("3. a :normal exit signal, to a process that does not trap exits");
        show!(
            sh,
            whereis("supermario").map(|pid| process::exit(&pid, ExitReason::Normal))
        );
        sh.input("sh.sleep(200).await");
        sh.sleep(200).await;
        show!(sh, whereis("supermario"));
        sh.input("sh.sleep(5100).await");
        sh.sleep(5100).await;

        sh.section("4. GenServer.stop: the exit reason is :normal, terminate runs");
        let _ = show!(
            sh,
            gen_server::stop::<Server>("supermario", ExitReason::Normal, Infinity).await
        );
        sh.input("sh.sleep(500).await");
        sh.sleep(500).await;
        show!(sh, whereis("supermario"));
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);

        sh.section("5. a :shutdown exit signal, to the first character still running");
        let n = show!(sh, CHARACTERS.into_iter().find(|n| whereis(n).is_some()));
        show!(
            sh,
            n.and_then(whereis)
                .map(|pid| process::exit(&pid, ExitReason::Shutdown))
        );
        sh.input("sh.sleep(500).await");
        sh.sleep(500).await;
        show!(sh, n.and_then(whereis));
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);
        let _ = show!(sh, supervisor::count_children(SUPERVISOR).await);
        sh.tree(
            "After the :normal stop and the :shutdown signal",
            SUPERVISOR,
        )
        .await;
    })
    .await;
}
// ANCHOR_END: scene

/// The restart type as Elixir writes it.
fn elixir_name(restart: Restart) -> &'static str {
    match restart {
        Restart::Permanent => ":permanent",
        Restart::Transient => ":transient",
        Restart::Temporary => ":temporary",
    }
}

/// Permanent characters (the book's): restarted whatever ended them.
pub async fn yourturn_restart_permanent(sh: Shell) {
    restart_type(sh, Restart::Permanent).await
}

/// Transient characters: restarted after a panic or a kill, not after a normal stop.
pub async fn yourturn_restart_transient(sh: Shell) {
    restart_type(sh, Restart::Transient).await
}

/// Temporary characters: never restarted, and forgotten when they exit.
pub async fn yourturn_restart_temporary(sh: Shell) {
    restart_type(sh, Restart::Temporary).await
}
