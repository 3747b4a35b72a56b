//! The application booted with each strategy, each character crashed in turn, then the
//! supervisor stopped; with characters that do not trap exits (the book's) and with
//! characters that do (transcripts `ch3-strategy-<strategy>[-trap_exit]`).

use otp_core::supervisor::{self, Strategy};
use otp_core::{ExitReason, Timeout};
use teaching::Shell;

use crate::application::{self, Options, SUPERVISOR};
use crate::server;
use teaching::show;

// ANCHOR: scene
/// Boots the application with `strategy`, the characters trapping exits or not; kills each
/// character once, looking at the children after each crash; stops the supervisor; starts it
/// again from the shell and stops it again.
pub async fn strategy(sh: Shell, strategy: Strategy, trap_exit: bool) {
    let opts = Options::new().strategy(strategy).trap_exit(trap_exit);
    sh.section(format!(
        "Booted with strategy {}, characters {} exits",
        elixir_name(strategy),
        if trap_exit {
            "trapping"
        } else {
            "not trapping"
        }
    ));
    let Ok(_app) = application::boot(sh.node(), opts.clone()).await else {
        return;
    };
    sh.run(|sh| async move {
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);
        sh.tree("Booted", SUPERVISOR).await;

        show!(sh, server::die("superdave"));
        sh.input("sh.sleep(600).await");
        sh.sleep(600).await;
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);
        sh.tree("After superdave's crash", SUPERVISOR).await;

        show!(sh, server::die("superman"));
        sh.input("sh.sleep(600).await");
        sh.sleep(600).await;
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);
        sh.tree("After superman's crash", SUPERVISOR).await;

        show!(sh, server::die("supermario"));
        sh.input("sh.sleep(600).await");
        sh.sleep(600).await;
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);
        sh.tree("After supermario's crash", SUPERVISOR).await;
    })
    .await;

    sh.section("Stopping the application's supervisor, then one started from the shell");
    sh.run(|sh| async move {
        let _ = show!(
            sh,
            supervisor::stop(SUPERVISOR, ExitReason::Normal, Timeout::Infinity).await
        );
        sh.input("sh.sleep(500).await");
        sh.sleep(500).await;
        let _ = show!(sh, application::start(opts).await);
        let _ = show!(
            sh,
            supervisor::stop(SUPERVISOR, ExitReason::Normal, Timeout::Infinity).await
        );
        sh.input("sh.sleep(500).await");
        sh.sleep(500).await;
    })
    .await;
}
// ANCHOR_END: scene

/// The strategy as Elixir writes it.
fn elixir_name(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::OneForOne => ":one_for_one",
        Strategy::OneForAll => ":one_for_all",
        Strategy::RestForOne => ":rest_for_one",
    }
}

/// `:one_for_one`: only the character that crashed is restarted.
pub async fn strategy_one_for_one(sh: Shell) {
    strategy(sh, Strategy::OneForOne, false).await
}

/// `:one_for_all`: every character is restarted when one crashes.
pub async fn strategy_one_for_all(sh: Shell) {
    strategy(sh, Strategy::OneForAll, false).await
}

/// `:rest_for_one`: the character that crashed and those started after it are restarted.
pub async fn strategy_rest_for_one(sh: Shell) {
    strategy(sh, Strategy::RestForOne, false).await
}

/// `:one_for_one` with characters that trap exits.
pub async fn strategy_one_for_one_trap_exit(sh: Shell) {
    strategy(sh, Strategy::OneForOne, true).await
}

/// `:one_for_all` with characters that trap exits: the others say "Mayday!" too.
pub async fn strategy_one_for_all_trap_exit(sh: Shell) {
    strategy(sh, Strategy::OneForAll, true).await
}

/// `:rest_for_one` with characters that trap exits.
pub async fn strategy_rest_for_one_trap_exit(sh: Shell) {
    strategy(sh, Strategy::RestForOne, true).await
}
