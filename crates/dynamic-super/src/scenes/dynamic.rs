//! `SuperDuper.DynamicSupervisor` as the fourth child: characters added and removed through
//! it, the two supervisors' views, and what `rest_for_one` does to the dynamic characters
//! when a static one crashes (transcript `ch4-dynamic`).

use otp_core::supervisor::{self, Strategy};
use otp_core::{Name, dynamic_supervisor, process};
use teaching::Shell;

use crate as super_duper;
use crate::application::{DYNAMIC_SUPERVISOR, SUPERVISOR, Tree};
use crate::scenes::{boot, sleep};
use crate::server;
use teaching::show;

// ANCHOR: scene
/// `SuperDuper.add_character` / `die` / `remove_character` through the DynamicSupervisor,
/// then a crash of superman under `rest_for_one`.
pub async fn dynamic(sh: Shell) {
    sh.section("A DynamicSupervisor for the characters");
    let Some(_app) = boot!(sh, Tree::new().strategy(Strategy::RestForOne).dynamic(true)) else {
        return;
    };
    sh.tree(
        "Booted, :rest_for_one, with a DynamicSupervisor as the fourth child",
        SUPERVISOR,
    )
    .await;
    sh.run(|sh| async move {
        let _ = show!(
            sh,
            super_duper::add_character("supervisor", "Keeps my eyes shaded").await
        );
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);
        let _ = show!(
            sh,
            dynamic_supervisor::which_children(DYNAMIC_SUPERVISOR).await
        );
        let _ = show!(
            sh,
            dynamic_supervisor::count_children(DYNAMIC_SUPERVISOR).await
        );
        let _ = show!(sh, super_duper::add_character("supervisor", "again").await);
        show!(sh, super_duper::die("supervisor"));
        sleep(&sh, 500).await;
        let _ = show!(
            sh,
            dynamic_supervisor::which_children(DYNAMIC_SUPERVISOR).await
        );
        let _ = show!(sh, super_duper::say("supervisor").await);
        let _ = show!(sh, super_duper::remove_character("supervisor").await);
        let _ = show!(
            sh,
            dynamic_supervisor::which_children(DYNAMIC_SUPERVISOR).await
        );
        let _ = show!(sh, super_duper::remove_character("supervisor").await);
        let _ = show!(
            sh,
            super_duper::add_character("superdave", "name clash with a static child").await
        );
        let _ = show!(sh, super_duper::add_character("a", "A").await);
        let _ = show!(sh, super_duper::add_character("b", "B").await);
        let _ = show!(
            sh,
            dynamic_supervisor::which_children(DYNAMIC_SUPERVISOR).await
        );
        show!(sh, server::die("superman"));
        sleep(&sh, 600).await;
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);
        let _ = show!(
            sh,
            dynamic_supervisor::which_children(DYNAMIC_SUPERVISOR).await
        );
        let _ = show!(sh, process::whereis(&Name::local("a")));
        sh.tree(
            "superman's crash restarted the DynamicSupervisor: a and b are gone",
            SUPERVISOR,
        )
        .await;
    })
    .await;
}
// ANCHOR_END: scene
