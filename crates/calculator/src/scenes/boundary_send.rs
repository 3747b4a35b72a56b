//! The hand-made boundary in a shell: start it, send it messages, read its replies from the
//! shell's own mailbox (transcript `ch1-boundary-send`).

use otp_core::{Mailbox, process};
use teaching::Shell;
use teaching::show;

use crate::boundary::{self, Message, Reply};

// ANCHOR: scene
/// `import Calculator.Boundary`, then `send` and `flush` by hand.
pub async fn boundary_send(sh: Shell) {
    sh.section("A hand-made boundary: send and receive");
    sh.run_with_mailbox(|sh, mut inbox: Mailbox<Reply>| async move {
        let pid = show!(sh, boundary::start(0));
        show!(sh, pid.is_alive());
        show!(sh, process::send(&pid, Message::State(inbox.addr())));
        show!(sh, inbox.receive().await);
        show!(sh, process::send(&pid, Message::Add(10.into())));
        show!(sh, process::send(&pid, Message::Add(20.into())));
        show!(sh, process::send(&pid, Message::Subtract(40.into())));
        show!(sh, process::send(&pid, Message::State(inbox.addr())));
        show!(sh, inbox.receive().await);
        show!(sh, process::send(&pid, Message::Clear));
        show!(sh, process::send(&pid, Message::State(inbox.addr())));
        show!(sh, inbox.receive().await);
        sh.say("// `send pid, :unknown_message`: no such Message variant, so it does not compile");
        show!(sh, process::message_queue_len(pid.pid()));
    })
    .await;
}
// ANCHOR_END: scene
