//! `StaticApi.add_character`: a character from data becomes a child of the top supervisor,
//! crashes, and comes back saying the same line (transcript `ch4-add-character-supervisor`).

use otp_core::supervisor::{self, Strategy};
use teaching::Shell;

use crate as super_duper;
use crate::application::{SUPERVISOR, Tree};
use crate::scenes::{boot, sleep};
use crate::static_api;
use teaching::show;

// ANCHOR: scene
/// `SuperDuper.say`, then `StaticApi.add_character :supernova`, its death and its return.
pub async fn add_character(sh: Shell) {
    sh.section("Adding a character to the running supervisor");
    let Some(_app) = boot!(sh, Tree::new().strategy(Strategy::RestForOne)) else {
        return;
    };
    sh.tree("Booted, :rest_for_one", SUPERVISOR).await;
    sh.run(|sh| async move {
        let _ = show!(sh, super_duper::say("supermario").await);
        let _ = show!(
            sh,
            static_api::add_character("supernova", "Expanding at light speed").await
        );
        let _ = show!(sh, static_api::say("supernova").await);
        show!(sh, static_api::die("supernova"));
        sleep(&sh, 500).await;
        let _ = show!(sh, static_api::say("supernova").await);
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);
        sh.tree(
            "supernova added through the static API, crashed and restarted",
            SUPERVISOR,
        )
        .await;
    })
    .await;
}
// ANCHOR_END: scene
