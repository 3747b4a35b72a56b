//! The "Your Turn" egg timer at work: an API layer, cancel, a status in hours, minutes and
//! seconds, and a graceful stop (transcript ch2-yourturn).

use otp_core::shell::{Scene, Shell};
use otp_core::{Atom, ExitReason, Mailbox, io, process, scene};

use crate::exercises;
use crate::iex;
use crate::scenes::timed_messages::flush;

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
        let Ok(t) = iex!(sh, exercises::start_link().await) else {
            return;
        };
        iex!(
            sh,
            exercises::schedule(&t, "eggs", 300_000, || io::puts("Eggs are done"))
        );
        let roast = iex!(sh, 2 * 3_600_000 + 5 * 60_000);
        iex!(
            sh,
            exercises::schedule(&t, "roast", roast, || io::puts("Roast is done"))
        );
        iex!(
            sh,
            exercises::schedule(&t, "tea", 1_000, || io::puts("Tea is ready"))
        );
        iex!(
            sh,
            exercises::schedule(&t, "toast", 1_500, || io::puts("Toast is ready"))
        );
        let _ = iex!(sh, exercises::status(&t).await);
        iex!(sh, exercises::cancel(&t, "toast"));
        iex!(sh, exercises::cancel(&t, "not_there"));
        iex!(sh, process::sleep(2000).await);
        let _ = iex!(sh, exercises::status(&t).await);
        iex!(sh, t.is_alive());

        sh.section("A graceful stop: terminate runs");
        let _ = iex!(sh, exercises::stop(&t).await);
        iex!(sh, process::sleep(300).await);
        iex!(sh, t.is_alive());

        sh.section("A shutdown signal from the parent: the timer traps it, so terminate runs");
        let Ok(t) = iex!(sh, exercises::start_link().await) else {
            return;
        };
        iex!(sh, process::trap_exit(true));
        iex!(
            sh,
            exercises::schedule(&t, "eggs", 300_000, || io::puts("Eggs are done"))
        );
        iex!(sh, process::exit(&t.pid(), ExitReason::Shutdown));
        iex!(sh, process::sleep(300).await);
        flush(&sh, &mut inbox);
    })
    .await;
}
// ANCHOR_END: scene
