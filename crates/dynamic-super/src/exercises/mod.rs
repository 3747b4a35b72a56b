//! The chapter's "Your Turn" exercises, solved.
//!
//! One file per exercise. Each states the task, what a reader changes (the bodies wrapped in
//! [`teaching::solution!`]) and that its tests stay unchanged: they call only the public API,
//! so a reader's own solution slots in. To try one yourself, replace a marked body with your
//! own code and run `cargo test -p dynamic-super exercises::<name>`.
//!
//! The exercises are independent of each other. `make blank NAME=dynamic-super/<name>` replaces our
//! bodies with `todo!()` (inside their wrappers), for you to write yours; `make exercise
//! NAME=dynamic-super/<name>` runs its tests, then builds the crate with its `stub-exercises` feature
//! and runs them again with only that exercise's bodies taken out: they must all fail, and
//! every other test of the crate must pass. `make test` does that for every exercise: a test
//! that passes without its solution would prove nothing.
//!
//! | exercise | file |
//! |---|---|
//! | restart the whole program on a crash, not just one child | [`whole_tree`] |
//! | a hand-made registry, used through via names | [`custom_registry`] |
//! | a character's state kept in a table that outlives it | [`table_state`] |
//! | a distributed SuperDuper, whose via registry finds a character on whichever node runs it | [`distributed`] |
//! | rock, paper, scissors: games, a waiting room, a crash policy | [`rock_paper_scissors`] |

pub mod custom_registry;
pub mod distributed;
pub mod rock_paper_scissors;
pub mod table_state;
pub mod whole_tree;

/// Runs `fut` as a process (trapping exits, so a linked crash is reported rather than fatal)
/// on a fresh node whose console is captured; returns the future's output and everything
/// printed.
#[cfg(test)]
pub(crate) async fn in_node<T, Fut>(fut: Fut) -> (T, String)
where
    T: Send + 'static,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    otp_core::logger::init_console();
    let console = otp_core::Console::capture();
    let node = otp_core::Node::with_console(console.clone());
    let out = node
        .run(async move {
            otp_core::process::trap_exit(true);
            fut.await
        })
        .await
        .unwrap_or_else(|reason| panic!("the test process exited with {reason}"));
    (out, console.contents())
}
