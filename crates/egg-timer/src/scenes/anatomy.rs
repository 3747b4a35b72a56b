//! The anatomy of a GenServer: every response tuple at work, each callback saying what it
//! returned in Rust and in Elixir.

use otp_core::{gen_server, process};
use teaching::scene;
use teaching::{Scene, Shell};

use crate::anatomy::{Anatomy, Call, Cast};
use teaching::show;

/// The scene, for the tour and the example.
pub const SCENE: Scene = scene!(
    "anatomy",
    "Anatomy of a GenServer: the response tuples side by side",
    anatomy
);

// ANCHOR: scene
/// One request per response tuple.
pub async fn anatomy(sh: Shell) {
    sh.section("init, and a continue that runs before any message");
    sh.run(|sh| async move {
        let started = show!(
            sh,
            gen_server::start_link::<Anatomy>((), gen_server::Options::new()).await
        );
        let Ok(s) = started else { return };

        sh.section("handle_call: reply, reply then a timeout, reply then hibernate");
        let _ = show!(sh, gen_server::call(&s, Call::Reply).await);
        let _ = show!(sh, gen_server::call(&s, Call::ReplyThenTimeout(1000)).await);
        show!(sh, process::sleep(1500).await);
        let _ = show!(sh, gen_server::call(&s, Call::ReplyThenHibernate).await);

        sh.section("handle_call: no reply now, GenServer.reply later");
        let _ = show!(
            sh,
            gen_server::call(&s, Call::NoReplyThenReplyLater(300)).await
        );

        sh.section("handle_cast: noreply, and noreply then a continue");
        show!(
            sh,
            gen_server::cast(&s, Cast::NoReplyThenContinue("tidy_up"))
        );
        show!(sh, gen_server::cast(&s, Cast::NoReply));
        let _ = show!(sh, gen_server::call(&s, Call::Reply).await);

        sh.section("Stopping: from a call with a reply (:normal, the shell lives on)");
        let _ = show!(sh, gen_server::call(&s, Call::StopWithReply).await);
        show!(sh, s.is_alive());
    })
    .await;

    sh.section("Stopping: from a cast, with an abnormal reason (the linked shell dies)");
    sh.run(|sh| async move {
        let started = show!(
            sh,
            gen_server::start_link::<Anatomy>((), gen_server::Options::new()).await
        );
        let Ok(s) = started else { return };
        show!(sh, gen_server::cast(&s, Cast::Stop));
        show!(sh, process::sleep(100).await);
    })
    .await;
}
// ANCHOR_END: scene
