//! The chapter's exercises, solved, in a shell (transcript `ch1-yourturn`).

use otp_core::{Atom, gen_server};
use teaching::Shell;
use teaching::show;

use crate::exercises::clock::{self, ClockOptions};
use crate::exercises::{counter, inc, negate, stack};

// ANCHOR: scene
/// Each exercise's API, used as the transcript uses the book's solutions.
pub async fn your_turn(sh: Shell) {
    sh.run(|sh| async move {
        sh.section("inc as a plain message (the exercise's own server)");
        let Ok(calc) = show!(sh, inc::start_link(-7).await) else {
            return;
        };
        show!(sh, inc::inc(&calc));
        show!(sh, inc::inc(&calc));
        let _ = show!(sh, inc::state(&calc).await);
        show!(sh, gen_server::send(&calc, inc::Inc));
        let _ = show!(sh, inc::state(&calc).await);

        sh.section("Negate, a new command of a server that answers every request");
        let Ok(c) = show!(sh, negate::start_link(0).await) else {
            return;
        };
        let _ = show!(sh, negate::add(&c, 10).await);
        let _ = show!(sh, negate::subtract(&c, 2).await);
        let _ = show!(sh, negate::negate_server(&c).await);
        let _ = show!(sh, negate::state(&c).await);

        sh.section("A stack server");
        let Ok(s) = show!(sh, stack::start_link(vec![Atom::from("a")]).await) else {
            return;
        };
        show!(sh, stack::push(&s, Atom::from("b")));
        show!(sh, stack::push(&s, Atom::from("c")));
        let _ = show!(sh, stack::state(&s).await);
        for _ in 0..4 {
            let _ = show!(sh, stack::pop(&s).await);
        }
        let _ = show!(sh, stack::state(&s).await);

        sh.section("A counter");
        let Ok(counter) = show!(sh, counter::start_link().await) else {
            return;
        };
        show!(sh, counter::inc(&counter));
        show!(sh, counter::inc(&counter));
        let _ = show!(sh, counter::state(&counter).await);

        sh.section("A clock");
        let Ok(clock) = show!(sh, clock::start_link(ClockOptions { interval: 1000 }).await) else {
            return;
        };
        sh.input("sh.sleep(3500).await");
        sh.sleep(3500).await;
        let _ = show!(sh, clock::ticks(&clock).await);
    })
    .await;
}
// ANCHOR_END: scene
