//! Processes, links and monitors: `cargo run -p otp-core --example processes`.

use otp_core::process::{self, Received};
use otp_core::shell::{self, Shell};
use otp_core::{ExitReason, Mailbox, show};

async fn scene(sh: Shell) {
    sh.section("A process that crashes, seen through a monitor");
    sh.run_with_mailbox(|sh, mut inbox: Mailbox<()>| async move {
        show!(
            sh,
            process::spawn_monitor(|_inbox: Mailbox<()>| async { panic!("oh snap") })
        );
        if let Received::Down(down) = inbox.receive().await {
            sh.say(down);
        }
    })
    .await;

    sh.section("A linked crash takes the shell down with it");
    sh.run(|sh| async move {
        show!(
            sh,
            process::spawn_link(|_inbox: Mailbox<()>| async { panic!("oh snap") })
        );
        sh.sleep(10).await;
    })
    .await;

    sh.section("Trapping exits turns the signal into a message");
    sh.run_with_mailbox(|sh, mut inbox: Mailbox<()>| async move {
        show!(sh, process::trap_exit(true));
        show!(
            sh,
            process::spawn_link(|_inbox: Mailbox<()>| async {
                process::exit_self(ExitReason::custom("done")).await;
            })
        );
        if let Received::Exit { from, reason } = inbox.receive().await {
            sh.say(format!("{{:EXIT, {from}, {reason}}}"));
        }
    })
    .await;
}

fn main() {
    shell::play(scene);
}
