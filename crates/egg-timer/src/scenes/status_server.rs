//! The `:status` call: two long alarms counting down, one rescheduled (transcript
//! ch2-status-server).

use otp_core::{gen_server, io, process};
use teaching::scene;
use teaching::{Scene, Shell};

use crate::server::{Call, Cast};
use crate::{Server, Timers};
use teaching::show;

/// The scene, for the tour and the example.
pub const SCENE: Scene = scene!(
    "status_server",
    "The status call: eggs and waffles counting down",
    status_server
);

// ANCHOR: scene
/// Eggs for five minutes, waffles for ten, asked for their status twice, then eggs again.
pub async fn status_server(sh: Shell) {
    sh.section("Two alarms, and their status four seconds apart");
    sh.run(|sh| async move {
        let Ok(t) = show!(sh, Server::start_link(Timers::new()).await) else {
            return;
        };
        show!(
            sh,
            gen_server::cast(
                &t,
                Cast::schedule("eggs", 300_000, || io::puts("Eggs are done"))
            )
        );
        show!(
            sh,
            gen_server::cast(
                &t,
                Cast::schedule("waffles", 600_000, || io::puts("Waffles are done"))
            )
        );
        let _ = show!(sh, gen_server::call(&t, Call::Status).await);
        show!(sh, process::sleep(4000).await);
        let _ = show!(sh, gen_server::call(&t, Call::Status).await);

        sh.section("Eggs again, for three seconds: the new alarm replaces the old one");
        show!(
            sh,
            gen_server::cast(
                &t,
                Cast::schedule("eggs", 3_000, || io::puts("Eggs (rescheduled) are done"))
            )
        );
        let _ = show!(sh, gen_server::call(&t, Call::Status).await);
        show!(sh, process::sleep(3500).await);
        let _ = show!(sh, gen_server::call(&t, Call::Status).await);
    })
    .await;
}
// ANCHOR_END: scene
