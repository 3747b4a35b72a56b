//! Helpers shared by the integration tests. Each test binary uses some of them.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use otp_core::gen_server::StartError;
use otp_core::supervisor::ChildSpec;
use otp_core::{ExitReason, Mailbox, Node, Pid, process};

/// Runs `f` in a process of `node` that traps exits, so that a supervisor or server exiting
/// never takes the test down with it.
pub async fn in_node<T: Send + 'static>(
    node: &Node,
    f: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    node.run(async move {
        process::trap_exit(true);
        f.await
    })
    .await
    .expect("the test process survives")
}

/// Spawns a process linked to the caller that waits forever: the smallest child a child
/// spec can start.
pub fn spawn_idle_linked() -> Pid {
    process::spawn_link(|_i: Mailbox<()>| std::future::pending()).pid()
}

/// A child that starts once and then fails every restart with `reason`, counting its start
/// attempts in `attempts`.
pub fn starts_once(id: &'static str, attempts: Arc<Mutex<u32>>, reason: &'static str) -> ChildSpec {
    ChildSpec::new(id, move || {
        let attempts = attempts.clone();
        async move {
            let n = {
                let mut n = attempts.lock().unwrap();
                *n += 1;
                *n
            };
            if n == 1 {
                Ok(spawn_idle_linked())
            } else {
                Err(StartError::Stop(ExitReason::custom(reason)))
            }
        }
    })
}
