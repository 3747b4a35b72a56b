//! One process monitoring many: `cargo run --release -p otp-core --example many_monitors -- 40000`.
//!
//! It spawns that many idle processes and monitors each, kills them all and receives every
//! Down, then monitors as many again and removes each monitor with `demonitor`, printing how
//! long each step took. Every step should grow in step with the count, as on the BEAM.

use std::time::Instant;

use otp_core::process::{self, Received};
use otp_core::{ExitReason, Mailbox, Node, io};

fn idle_processes(n: usize) -> Vec<otp_core::Pid> {
    (0..n)
        .map(|_| process::spawn(|_inbox: Mailbox<()>| std::future::pending::<()>()).pid())
        .collect()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(40_000);
    let watcher = Node::new().spawn(move |mut inbox: Mailbox<()>| async move {
        let targets = idle_processes(n);
        let began = Instant::now();
        let _references: Vec<_> = targets.iter().map(process::monitor).collect();
        let monitored = began.elapsed();

        let began = Instant::now();
        for target in &targets {
            process::exit(target, ExitReason::Kill);
        }
        for target in &targets {
            target.wait_exit().await;
        }
        let killed = began.elapsed();

        let began = Instant::now();
        let mut downs = 0;
        while downs < n {
            if let Received::Down(_) = inbox.receive().await {
                downs += 1;
            }
        }
        let received = began.elapsed();

        let targets = idle_processes(n);
        let references: Vec<_> = targets.iter().map(process::monitor).collect();
        let began = Instant::now();
        for reference in &references {
            process::demonitor(reference, false);
        }
        let demonitored = began.elapsed();
        for target in &targets {
            process::exit(target, ExitReason::Kill);
        }
        io::puts(format!(
            "{n} monitors: set in {monitored:?}; targets killed in {killed:?}; \
             Downs received in {received:?}; {n} more removed in {demonitored:?}"
        ));
    });
    watcher.pid().wait_exit().await;
}
