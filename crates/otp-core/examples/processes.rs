//! Processes, links and monitors: `cargo run -p otp-core --example processes`.

use otp_core::process::{self, Received};
use otp_core::{ExitReason, Mailbox, Node, io};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // Crash reports in Elixir's Logger format, filtered by RUST_LOG.
    otp_core::logger::init();
    let node = Node::new();

    io::puts("## A process that crashes, seen through a monitor");
    let watcher = node.spawn(|mut inbox: Mailbox<()>| async move {
        let (child, _monitor) =
            process::spawn_monitor(|_inbox: Mailbox<()>| async { panic!("oh snap") });
        io::puts(format!("spawned and monitored {}", child.pid()));
        if let Received::Down(down) = inbox.receive().await {
            io::puts(down);
        }
    });
    watcher.pid().wait_exit().await;

    io::puts("## A linked crash takes the linked process down with it");
    let linked = node.spawn(|_inbox: Mailbox<()>| async {
        let child = process::spawn_link(|_inbox: Mailbox<()>| async { panic!("oh snap") });
        io::puts(format!("spawned and linked {}", child.pid()));
        std::future::pending::<()>().await
    });
    let reason = linked.pid().wait_exit().await;
    io::puts(format!("{} exited: {reason}", linked.pid()));

    io::puts("## Trapping exits turns the signal into a message");
    let trapper = node.spawn(|mut inbox: Mailbox<()>| async move {
        process::trap_exit(true);
        let child = process::spawn_link(|_inbox: Mailbox<()>| async {
            process::exit_self(ExitReason::custom("done")).await;
        });
        io::puts(format!("spawned and linked {}", child.pid()));
        if let Received::Exit { from, reason } = inbox.receive().await {
            io::puts(format!("{{:EXIT, {from}, {reason}}}"));
        }
    });
    trapper.pid().wait_exit().await;
}
