//! Helpers shared by the integration tests.

use otp_core::{Node, process};

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
