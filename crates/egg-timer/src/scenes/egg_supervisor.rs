//! A "Your Turn" of chapter 3: the egg timer under a supervisor, crashed, back with a new pid
//! and no alarms (transcript ch3-yourturn-egg-supervisor).

use otp_core::{gen_server, io, process, supervisor};
use teaching::{Scene, Shell};
use teaching::{scene, show};

use crate::exercises::supervised::{self, SUPERVISOR};
use crate::server::{Call, Cast};

/// The scene, for the tour and the example.
pub const SCENE: Scene = scene!(
    "egg_supervisor",
    "Chapter 3's Your Turn: a supervisor for the egg timer",
    egg_supervisor
);

// ANCHOR: scene
/// The timer crashes under its supervisor and comes back empty.
pub async fn egg_supervisor(sh: Shell) {
    sh.section("The egg timer under a supervisor");
    sh.run(|sh| async move {
        let Ok(sup) = show!(sh, supervised::start_link().await) else {
            return;
        };
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);
        let Some(t) = show!(sh, supervised::timer().await) else {
            return;
        };
        show!(
            sh,
            gen_server::cast(
                &t,
                Cast::schedule("eggs", 300_000, || io::puts("Eggs are done"))
            )
        );
        let _ = show!(sh, gen_server::call(&t, Call::Status).await);
        sh.tree("The egg timer under its supervisor", SUPERVISOR)
            .await;

        sh.section("Crash it: the supervisor starts a new one, without the alarms");
        show!(sh, gen_server::cast(&t, Cast::Stop));
        show!(sh, process::sleep(300).await);
        let Some(t2) = show!(sh, supervised::timer().await) else {
            return;
        };
        show!(sh, t2 == t);
        let _ = show!(sh, gen_server::call(&t2, Call::Status).await);
        show!(sh, sup.is_alive());
        sh.tree("After the crash: a new timer, restarted once", SUPERVISOR)
            .await;
    })
    .await;
}
// ANCHOR_END: scene
