//! An alarm made in the core, stored in a server, and scheduled by hand: the timer's message
//! arrives in `handle_info`, which triggers the alarm (transcript ch2-handle-info).

use otp_core::{gen_server, process};
use teaching::scene;
use teaching::{Scene, Shell};

use crate::{Alarm, Server, Timers};
use teaching::show;

/// The scene, for the tour and the example.
pub const SCENE: Scene = scene!(
    "handle_info",
    "Plain messages arrive in handle_info: an alarm scheduled by hand",
    handle_info
);

// ANCHOR: scene
/// `Alarm.new`, `Server.start_link` with the alarm, `Server.schedule` by hand.
pub async fn handle_info(sh: Shell) {
    sh.section("An alarm, a server holding it, and its timer started by hand");
    sh.run(|sh| async move {
        let a = show!(sh, Alarm::new("wake_up", 5000));
        let started = show!(
            sh,
            Server::start_link(Timers::from([(a.name.clone(), a.clone())])).await
        );
        let Ok(t) = started else { return };
        show!(sh, Server::schedule(&t, &a));
        show!(sh, process::sleep(5500).await);
        let _ = show!(sh, gen_server::get_state(&t).await);
    })
    .await;
}
// ANCHOR_END: scene
