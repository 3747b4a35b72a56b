//! `which_children` lists the children newest first; a character from data joins the running
//! supervisor; a name that is taken, under another id, is still taken; and under
//! `rest_for_one` the newcomer restarts with the characters after the one that crashed
//! (transcript `ch4-which-children`).

use otp_core::GenServer;
use otp_core::supervisor::{self, Strategy};
use teaching::Shell;

use crate::application::{SUPERVISOR, Tree};
use crate::core::Character;
use crate::scenes::{boot, sleep};
use crate::server::{self, Server};
use teaching::show;

// ANCHOR: scene
/// `Supervisor.which_children`, `Server.child_spec({:yoshi, ...})`, `Supervisor.start_child`,
/// duplicates, `count_children`, then a crash of superman under `rest_for_one`.
pub async fn which_children(sh: Shell) {
    sh.section("which_children, and a character from data");
    let Some(_app) = boot!(sh, Tree::new().strategy(Strategy::RestForOne)) else {
        return;
    };
    sh.tree("Booted, :rest_for_one", SUPERVISOR).await;
    sh.run(|sh| async move {
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);
        let app = show!(sh, SUPERVISOR);
        let cspec = show!(
            sh,
            Server::child_spec(Character::new("yoshi", "Yoshi do! Yoshi do!"))
        );
        let _ = show!(sh, supervisor::start_child(app, cspec.clone()).await);
        let _ = show!(sh, supervisor::which_children(app).await);
        let _ = show!(sh, server::say("yoshi").await);
        let _ = show!(sh, supervisor::start_child(app, cspec.clone()).await);
        // Another id, but the process name `yoshi` is taken.
        let dup = show!(
            sh,
            Server::child_spec(Character::new("yoshi", "dup name")).id_as("yoshi2")
        );
        let _ = show!(sh, supervisor::start_child(app, dup).await);
        let _ = show!(sh, supervisor::count_children(app).await);
        show!(sh, server::die("superman"));
        sleep(&sh, 600).await;
        let _ = show!(sh, supervisor::which_children(app).await);
        sh.tree(
            "yoshi added; superman's crash restarted him and every child after him",
            SUPERVISOR,
        )
        .await;
    })
    .await;
}
// ANCHOR_END: scene
