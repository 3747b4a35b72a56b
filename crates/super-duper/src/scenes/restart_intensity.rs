//! Restart intensity: three crashes within five seconds are repaired, a fourth makes the
//! supervisor give up; under the application, with the supervisor's own reports shown, and
//! started from the shell (transcripts `ch3-restart-intensity`, `ch3-restart-intensity-sasl`
//! and `ch3-restart-intensity-shell`).

use teaching::Shell;

use crate::application::{self, Options, SUPERVISOR};
use crate::scenes::whereis;
use crate::server;
use teaching::show;

// ANCHOR: scene
/// Booted as mix does: three crashes of superman in 400 ms, a pause longer than the five
/// second window, then four crashes: the supervisor gives up, and the application ends.
pub async fn restart_intensity(sh: Shell) {
    sh.section("Booted as mix does; three crashes within five seconds");
    let Ok(app) = application::boot(sh.node(), Options::new()).await else {
        return;
    };
    sh.tree("Booted", SUPERVISOR).await;
    sh.run(|sh| async move {
        show!(
            sh,
            for _ in 0..3 {
                server::die("superman");
                sh.sleep(200).await;
            }
        );
        sh.input("sh.sleep(500).await");
        sh.sleep(500).await;
        show!(sh, whereis(SUPERVISOR));
        sh.tree("Three crashes within five seconds, repaired", SUPERVISOR)
            .await;
        sh.input("sh.sleep(5200).await");
        sh.sleep(5200).await;
    })
    .await;

    sh.section("Four crashes within five seconds");
    sh.run(|sh| async move {
        show!(
            sh,
            for _ in 0..4 {
                server::die("superman");
                sh.sleep(200).await;
            }
        );
        sh.input("sh.sleep(500).await");
        sh.sleep(500).await;
        show!(sh, whereis(SUPERVISOR));
        show!(sh, whereis("superdave"));
        show!(sh, app.is_running());
        sh.tree("The fourth crash: the supervisor gave up", SUPERVISOR)
            .await;
    })
    .await;
}
// ANCHOR_END: scene

// ANCHOR: sasl
/// The same session with the node's supervisor reports on (Elixir's
/// `handle_sasl_reports: true`): each child started, each child terminated, and the report of
/// the supervisor giving up appear among the crash reports.
pub async fn restart_intensity_sasl(sh: Shell) {
    sh.section("Supervisor reports on; booted as mix does; three crashes within five seconds");
    show!(sh, sh.node().set_sasl_reports(true));
    let Ok(app) = application::boot(sh.node(), Options::new()).await else {
        return;
    };
    sh.run(|sh| async move {
        show!(
            sh,
            for _ in 0..3 {
                server::die("superman");
                sh.sleep(200).await;
            }
        );
        sh.tree("Three crashes within five seconds, repaired", SUPERVISOR)
            .await;
        sh.input("sh.sleep(5200).await");
        sh.sleep(5200).await;
    })
    .await;

    sh.section("Four crashes within five seconds: the supervisor reports why it gives up");
    sh.run(|sh| async move {
        show!(
            sh,
            for _ in 0..4 {
                server::die("superman");
                sh.sleep(200).await;
            }
        );
        sh.input("sh.sleep(500).await");
        sh.sleep(500).await;
        show!(sh, whereis(SUPERVISOR));
        show!(sh, app.is_running());
        sh.tree("The fourth crash: the supervisor gave up", SUPERVISOR)
            .await;
    })
    .await;
}
// ANCHOR_END: sasl

// ANCHOR: shell
/// The supervisor started from the shell, so linked to it: when it gives up, it takes the
/// shell with it.
pub async fn restart_intensity_shell(sh: Shell) {
    sh.section("Started from the shell; four crashes within five seconds");
    sh.run(|sh| async move {
        let _ = show!(sh, application::start(Options::new()).await);
        sh.tree("Started from the shell", SUPERVISOR).await;
        show!(
            sh,
            for _ in 0..4 {
                server::die("superman");
                sh.sleep(200).await;
            }
        );
    })
    .await;
    sh.run(|sh| async move {
        sh.input("sh.sleep(500).await");
        sh.sleep(500).await;
        show!(sh, whereis(SUPERVISOR));
        sh.tree(
            "The fourth crash: the supervisor, and the shell, gone",
            SUPERVISOR,
        )
        .await;
    })
    .await;
}
// ANCHOR_END: shell
