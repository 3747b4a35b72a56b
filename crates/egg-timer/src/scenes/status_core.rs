//! `Alarm.status/1` counting down, in the core alone (transcript ch2-status-core).

use otp_core::process;
use teaching::scene;
use teaching::{Scene, Shell};

use crate::Alarm;
use teaching::show;

/// The scene, for the tour and the example.
pub const SCENE: Scene = scene!(
    "status_core",
    "The alarm's status counts down (core only)",
    status_core
);

// ANCHOR: scene
/// A 20-second alarm asked for its status as time passes.
pub async fn status_core(sh: Shell) {
    sh.section("A 20-second alarm, asked for its status as time passes");
    sh.run(|sh| async move {
        let a = show!(sh, Alarm::new("timer", 20_000));
        show!(sh, a.status());
        show!(sh, process::sleep(5000).await);
        show!(sh, a.status());
        show!(sh, process::sleep(5000).await);
        show!(sh, a.status());
        show!(sh, process::sleep(7000).await);
        show!(sh, a.status());
        show!(sh, process::sleep(4000).await);
        show!(sh, a.status());
    })
    .await;
}
// ANCHOR_END: scene
