//! The `{:schedule, ...}` cast ("Wake up!") and the `:stop` cast, whose `{:stop, reason,
//! state}` ends the server with a crash report and takes the linked shell down (transcript
//! ch2-schedule-stop).

use otp_core::{gen_server, io, process};
use teaching::scene;
use teaching::{Scene, Shell};

use crate::scenes::Kept;
use crate::server::Cast;
use crate::{Server, Timers};
use teaching::show;

/// The scene, for the tour and the example.
pub const SCENE: Scene = scene!(
    "schedule_and_stop",
    "The schedule cast, and a stop that takes the shell down",
    schedule_and_stop
);

// ANCHOR: scene
/// Schedule by cast, let it fire, then stop the server with `:we_broke_something`.
pub async fn schedule_and_stop(sh: Shell) {
    sh.section("Scheduling by cast: the server makes, schedules and keeps the alarm");
    let persistent_term = Kept::new();
    let kept = persistent_term.clone();
    sh.run(|sh| async move {
        let persistent_term = kept;
        let Ok(t) = show!(sh, Server::start_link(Timers::new()).await) else {
            return;
        };
        show!(
            sh,
            gen_server::cast(
                &t,
                Cast::schedule("wake_up", 10_000, || io::puts("Wake up!"))
            )
        );
        show!(sh, t.is_alive());
        let _ = show!(sh, gen_server::get_state(&t).await);
        show!(sh, process::sleep(10_500).await);
        let _ = show!(sh, gen_server::get_state(&t).await);

        sh.section("The stop cast: a crash report, and the linked shell goes down too");
        show!(sh, persistent_term.put(t.clone()));
        show!(sh, gen_server::cast(&t, Cast::Stop));
        show!(sh, process::sleep(500).await);
    })
    .await;

    sh.section("A new shell: the server stays dead, nothing restarts it");
    sh.run(|sh| async move {
        show!(sh, persistent_term.get().map(|t| t.is_alive()));
        let Ok(t2) = show!(sh, Server::start_link(Timers::new()).await) else {
            return;
        };
        show!(
            sh,
            gen_server::cast(
                &t2,
                Cast::schedule("wake_up", 10_000, || io::puts("Wake up!"))
            )
        );
        show!(sh, gen_server::cast(&t2, Cast::Stop));
        show!(sh, process::sleep(500).await);
    })
    .await;
}
// ANCHOR_END: scene
