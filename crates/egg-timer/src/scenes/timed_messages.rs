//! Timed messages, before any server: `Process.send_after/3` and `:timer.send_interval/3`
//! delivering to the shell itself (transcript ch2-timers).

use otp_core::process::Received;
use otp_core::{Atom, Mailbox, io, process, timer};
use teaching::scene;
use teaching::show;
use teaching::{Scene, Shell};

/// The scene, for the tour and the example.
pub const SCENE: Scene = scene!(
    "timed_messages",
    "Timed messages: send_after and send_interval",
    timed_messages
);

/// IEx's `flush/0`: prints every message waiting in the shell's mailbox, then `:ok`.
pub fn flush(sh: &Shell, inbox: &mut Mailbox<Atom>) {
    sh.input("flush()");
    for msg in inbox.flush() {
        match msg {
            Received::Msg(m) => sh.say(format!("{m:?}")),
            Received::Exit { from, reason } => sh.say(format!("{{:EXIT, {from}, {reason}}}")),
            Received::Down(down) => sh.say(down),
            Received::NodeDown(node) => sh.say(format!("{{:nodedown, {node}}}")),
        }
    }
    sh.say(":ok");
}

// ANCHOR: scene
/// Messages to the shell, later: once, then every second.
pub async fn timed_messages(sh: Shell) {
    sh.section("send_after: a message to ourselves, two seconds later");
    sh.run_with_mailbox(|sh, mut inbox: Mailbox<Atom>| async move {
        let me = inbox.addr();
        show!(sh, timer::send_after(&me, Atom::from("hi"), 2000));
        show!(sh, inbox.receive().await);
        show!(sh, io::puts("Done!"));

        sh.section("send_interval: a tick every second, read with flush");
        show!(sh, timer::send_interval(1000, &me, Atom::from("tick")));
        show!(sh, process::sleep(2100).await);
        flush(&sh, &mut inbox);
        show!(sh, process::sleep(2100).await);
        flush(&sh, &mut inbox);
    })
    .await;
}
// ANCHOR_END: scene
