//! A supervisor of many children, with the console logger installed as a program installs it:
//! `cargo run --release -p otp-core --example large_supervisor -- 10000`.
//!
//! Every child started and stopped makes a supervisor report (`otp::sasl`, hidden unless SASL
//! reports are on, but built whenever a subscriber asks for every level). Building one names
//! the supervisor, which must not cost more as its children grow: this prints how long the
//! start and the stop of the whole tree took.

use std::time::Instant;

use otp_core::supervisor::{self, ChildSpec, Options};
use otp_core::{ExitReason, Mailbox, Node, Timeout, io, process};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    otp_core::logger::init();
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    Node::new()
        .run(async move {
            let specs: Vec<ChildSpec> = (0..n)
                .map(|i| {
                    ChildSpec::new(format!("worker{i}"), || async {
                        Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
                    })
                })
                .collect();
            let began = Instant::now();
            let sup = supervisor::start_link(specs, Options::new())
                .await
                .expect("the children start");
            let started = began.elapsed();
            let began = Instant::now();
            supervisor::stop(&sup, ExitReason::Normal, Timeout::Infinity)
                .await
                .expect("the supervisor stops");
            io::puts(format!(
                "{n} children: started in {started:?}, stopped in {:?}",
                began.elapsed()
            ));
        })
        .await
        .expect("the example's process");
}
