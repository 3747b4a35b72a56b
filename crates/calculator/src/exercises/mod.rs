//! The chapter's "Your Turn" exercises, solved.
//!
//! One file per exercise. Each states the task, what a reader changes (the bodies wrapped in
//! [`teaching::solution!`]) and that its tests stay unchanged: they call only the public API,
//! so a reader's own solution slots in. To try one yourself, replace a marked body with your
//! own code and run `cargo test -p calculator exercises::<name>`.
//!
//! The exercises are independent of each other. `make blank NAME=calculator/<name>` replaces our
//! bodies with `todo!()` (inside their wrappers), for you to write yours; `make exercise
//! NAME=calculator/<name>` runs its tests, then builds the crate with its `stub-exercises` feature
//! and runs them again with only that exercise's bodies taken out: they must all fail, and
//! every other test of the crate must pass. `make test` does that for every exercise: a test
//! that passes without its solution would prove nothing.
//!
//! | exercise | file |
//! |---|---|
//! | negate: a core function, and a new command of a server that answers every request | [`negate`] |
//! | `inc` as a plain message (`handle_info`) rather than a cast | [`inc`] |
//! | a stack server (push, pop, state) with its own core | [`stack`] |
//! | a counter server (inc, state) | [`counter`] |
//! | a clock that prints the time every minute, from a tick it schedules itself | [`clock`] |

pub mod clock;
pub mod counter;
pub mod inc;
pub mod negate;
pub mod stack;

/// Runs `fut` as a process on a fresh node whose console is captured; returns the future's
/// output and everything printed.
#[cfg(test)]
pub(crate) async fn in_node<T, Fut>(fut: Fut) -> (T, String)
where
    T: Send + 'static,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let console = otp_core::Console::capture();
    let node = otp_core::Node::with_console(console.clone());
    let out = node
        .run(fut)
        .await
        .unwrap_or_else(|reason| panic!("the test process exited with {reason}"));
    (out, console.contents())
}
