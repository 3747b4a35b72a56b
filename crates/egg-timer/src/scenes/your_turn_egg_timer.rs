//! The "Your Turn" egg timer at work: an API layer, cancel, a status in hours, minutes and
//! seconds, and a graceful stop (transcript ch2-yourturn).

use otp_core::{Atom, ExitReason, Mailbox, io, process};
use teaching::scene;
use teaching::{Scene, Shell};

use crate::exercises;
use crate::scenes::timed_messages::flush;
use teaching::show;

/// The scene, for the tour and the example.
pub const SCENE: Scene = scene!(
    "your_turn_egg_timer",
    "Your Turn: the egg timer's API, cancel, h:m:s status and a graceful stop",
    your_turn_egg_timer
);

// ANCHOR: scene
/// The exercises' egg timer, used as the BEAM transcript uses `EggTimer`.
pub async fn your_turn_egg_timer(sh: Shell) {
    sh.section("Four alarms, their status, and two cancels");
    sh.run_with_mailbox(|sh, mut inbox: Mailbox<Atom>| async move {
        let Ok(t) = show!(sh, exercises::start_link().await) else {
            return;
        };
        show!(
            sh,
            exercises::schedule(&t, "eggs", 300_000, || io::puts("Eggs are done"))
        );
        let roast = show!(sh, 2 * 3_600_000 + 5 * 60_000);
        show!(
            sh,
            exercises::schedule(&t, "roast", roast, || io::puts("Roast is done"))
        );
        show!(
            sh,
            exercises::schedule(&t, "tea", 1_000, || io::puts("Tea is ready"))
        );
        show!(
            sh,
            exercises::schedule(&t, "toast", 1_500, || io::puts("Toast is ready"))
        );
        let _ = show!(sh, exercises::status(&t).await);
        show!(sh, exercises::cancel(&t, "toast"));
        show!(sh, exercises::cancel(&t, "not_there"));
        show!(sh, process::sleep(2000).await);
        let _ = show!(sh, exercises::status(&t).await);
        show!(sh, t.is_alive());

        sh.section("A graceful stop: terminate runs");
        let _ = show!(sh, exercises::stop(&t).await);
        show!(sh, process::sleep(300).await);
        show!(sh, t.is_alive());

        sh.section("A shutdown signal from the parent: the timer traps it, so terminate runs");
        let Ok(t) = show!(sh, exercises::start_link().await) else {
            return;
        };
        show!(sh, process::trap_exit(true));
        show!(
            sh,
            exercises::schedule(&t, "eggs", 300_000, || io::puts("Eggs are done"))
        );
        show!(sh, process::exit(&t.pid(), ExitReason::Shutdown));
        show!(sh, process::sleep(300).await);
        flush(&sh, &mut inbox);
    })
    .await;
}
// ANCHOR_END: scene
