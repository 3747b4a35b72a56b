//! Where the book's server crashes, and what ours does instead (transcript
//! ch2-book-code-pitfalls): two alarms under one name, an alarm the server does not hold, and
//! how `remaining` rounds.

use otp_core::{gen_server, io, process};
use teaching::scene;
use teaching::{Scene, Shell};

use crate::server::{Call, Cast};
use crate::{Alarm, Server, Timers};
use teaching::show;

/// The scene, for the tour and the example.
pub const SCENE: Scene = scene!(
    "book_code_pitfalls",
    "Where the book's server crashes: duplicate names, unknown alarms, rounding",
    book_code_pitfalls
);

// ANCHOR: scene
/// The book's server crashes with a `KeyError` in the first two cases; ours does not.
pub async fn book_code_pitfalls(sh: Shell) {
    sh.section("Two alarms under one name: the second replaces the first, timer included");
    sh.run(|sh| async move {
        let Ok(t) = show!(sh, Server::start_link(Timers::new()).await) else {
            return;
        };
        show!(
            sh,
            gen_server::cast(&t, Cast::schedule("eggs", 200, || io::puts("first eggs")))
        );
        show!(
            sh,
            gen_server::cast(&t, Cast::schedule("eggs", 400, || io::puts("second eggs")))
        );
        let _ = show!(sh, gen_server::call(&t, Call::Status).await);
        show!(sh, process::sleep(300).await);
        let _ = show!(sh, gen_server::call(&t, Call::Status).await);
        show!(sh, process::sleep(500).await);
        show!(sh, t.is_alive());
    })
    .await;

    sh.section("An alarm the server does not hold, scheduled by hand: a warning, no crash");
    sh.run(|sh| async move {
        let Ok(t) = show!(sh, Server::start_link(Timers::new()).await) else {
            return;
        };
        show!(sh, Server::schedule(&t, &Alarm::new("ghost", 100)));
        show!(sh, process::sleep(500).await);
        show!(sh, t.is_alive());
    })
    .await;

    sh.section("remaining: whole seconds, rounded up, on a clock that does not drift");
    sh.run(|sh| async move {
        let a = show!(sh, Alarm::new("timer", 20_000));
        show!(sh, a.remaining());
        show!(sh, process::sleep(500).await);
        show!(sh, a.remaining());
        show!(sh, process::sleep(19_000).await);
        show!(sh, a.remaining());
        show!(sh, process::sleep(500).await);
        show!(sh, a.remaining());
        show!(sh, process::sleep(500).await);
        show!(sh, a.remaining());
        show!(sh, process::sleep(500).await);
        show!(sh, a.remaining());
    })
    .await;
}
// ANCHOR_END: scene
