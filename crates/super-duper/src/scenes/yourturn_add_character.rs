//! Your turn: a fourth character, added to the running supervisor through the API, crashed
//! and brought back (transcript `ch4-add-character-supervisor`).

use otp_core::supervisor;
use teaching::Shell;

use crate::application::{self, Options, SUPERVISOR};
use teaching::show;

// ANCHOR: scene
/// `SuperDuper.say`, then `add_character(:supernova, "Expanding at light speed")`, a crash
/// of the newcomer, and the supervisor's children.
pub async fn yourturn_add_character(sh: Shell) {
    sh.section("Booted as mix does; a character added through the API");
    let Ok(_app) = application::boot(sh.node(), Options::new()).await else {
        return;
    };
    sh.tree("Booted", SUPERVISOR).await;
    sh.run(|sh| async move {
        let _ = show!(sh, crate::say("supermario").await);
        let _ = show!(
            sh,
            crate::add_character("supernova", "Expanding at light speed").await
        );
        let _ = show!(sh, crate::say("supernova").await);
        show!(sh, crate::die("supernova"));
        sh.input("sh.sleep(500).await");
        sh.sleep(500).await;
        let _ = show!(sh, crate::say("supernova").await);
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);
        sh.tree("supernova added, crashed, restarted", SUPERVISOR)
            .await;
    })
    .await;
}
// ANCHOR_END: scene
