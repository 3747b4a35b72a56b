//! Stopping a child by hand keeps its spec; deleting forgets it; restarting needs no spec;
//! and the errors each of them gives (transcript `ch4-stop-manually`).

use otp_core::GenServer;
use otp_core::supervisor::{self, Strategy};
use teaching::Shell;

use crate as super_duper;
use crate::application::{SUPERVISOR, Tree};
use crate::core::Character;
use crate::scenes::boot;
use crate::server::{self, Server};
use crate::static_api;
use teaching::show;

// ANCHOR: scene
/// `terminate_child`, `delete_child`, `start_child` of a present id, `restart_child`, the
/// `:running` and `:not_found` errors, then `StaticApi.remove_character`.
pub async fn stop_manually(sh: Shell) {
    sh.section("Stopping, deleting and restarting children by hand");
    let Some(_app) = boot!(sh, Tree::new().strategy(Strategy::RestForOne)) else {
        return;
    };
    sh.tree("Booted, :rest_for_one", SUPERVISOR).await;
    sh.run(|sh| async move {
        let app = show!(sh, SUPERVISOR);
        let cs = show!(
            sh,
            Server::child_spec(Character::new("superfreak", "She's alright"))
        );
        let _ = show!(sh, supervisor::start_child(app, cs.clone()).await);
        let _ = show!(sh, server::say("superfreak").await);
        let _ = show!(sh, supervisor::terminate_child(app, "superfreak").await);
        let _ = show!(sh, supervisor::which_children(app).await);
        let _ = show!(sh, super_duper::say("superfreak").await);
        let _ = show!(sh, supervisor::delete_child(app, "superfreak").await);
        let _ = show!(sh, supervisor::which_children(app).await);
        let _ = show!(sh, supervisor::start_child(app, cs.clone()).await);
        let _ = show!(sh, supervisor::terminate_child(app, "superfreak").await);
        let _ = show!(sh, supervisor::start_child(app, cs.clone()).await);
        let _ = show!(sh, supervisor::restart_child(app, "superfreak").await);
        let _ = show!(sh, supervisor::restart_child(app, "superfreak").await);
        let _ = show!(sh, supervisor::delete_child(app, "superfreak").await);
        let _ = show!(sh, supervisor::terminate_child(app, "nobody").await);
        let _ = show!(sh, supervisor::delete_child(app, "nobody").await);
        let _ = show!(sh, static_api::remove_character("superfreak").await);
        let _ = show!(sh, supervisor::which_children(app).await);
        let _ = show!(
            sh,
            static_api::add_character("superfreak", "She's alright").await
        );
        let _ = show!(sh, supervisor::which_children(app).await);
        let _ = show!(sh, static_api::remove_character("superfreak").await);
        let _ = show!(sh, supervisor::which_children(app).await);
        let _ = show!(sh, static_api::remove_character("superfreak").await);
        sh.tree(
            "After terminating, deleting and restarting superfreak by hand",
            SUPERVISOR,
        )
        .await;
    })
    .await;
}
// ANCHOR_END: scene
