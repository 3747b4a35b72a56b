//! The chapter's "Your Turn" exercises, solved.
//!
//! One file per exercise. Each states the task, what a reader changes (the bodies wrapped in
//! [`teaching::solution!`]) and that its tests stay unchanged: they call only the public API,
//! so a reader's own solution slots in. To try one yourself, replace a marked body with your
//! own code and run `cargo test -p super-duper exercises::<name>`.
//!
//! The exercises are independent of each other. `make blank NAME=super-duper/<name>` replaces our
//! bodies with `todo!()` (inside their wrappers), for you to write yours; `make exercise
//! NAME=super-duper/<name>` runs its tests, then builds the crate with its `stub-exercises` feature
//! and runs them again with only that exercise's bodies taken out: they must all fail, and
//! every other test of the crate must pass. `make test` does that for every exercise: a test
//! that passes without its solution would prove nothing.
//!
//! | exercise | file |
//! |---|---|
//! | a `SuperDuper` API module that hides the server | [`api`] |
//! | child specs written out in full, marked as workers | [`worker_specs`] |
//! | temporary and transient workers, and what a kill does to a transient one | [`restart_types`] |
//! | adding a supervised character through the API | [`add_character`] |

pub mod add_character;
pub mod api;
pub mod restart_types;
pub mod worker_specs;

/// Boots the application with `opts` on a fresh node whose console is captured, runs `fut` in
/// a process there, and returns its output and everything printed after the boot. The test
/// process traps exits, so nothing the test provokes takes it down.
#[cfg(test)]
pub(crate) async fn with_app<T, Fut>(opts: crate::application::Options, fut: Fut) -> (T, String)
where
    T: Send + 'static,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    otp_core::logger::init_console();
    let console = otp_core::Console::capture();
    let node = otp_core::Node::with_console(console.clone());
    let app = crate::application::boot(&node, opts)
        .await
        .unwrap_or_else(|e| panic!("the application did not start: {e}"));
    console.take();
    let out = node
        .run(async move {
            otp_core::process::trap_exit(true);
            fut.await
        })
        .await
        .unwrap_or_else(|reason| panic!("the test process exited with {reason}"));
    let printed = console.take();
    app.stop().await;
    (out, printed)
}

/// The pid registered under `name`, if any.
#[cfg(test)]
pub(crate) fn whereis(name: &str) -> Option<otp_core::Pid> {
    otp_core::process::whereis(&otp_core::Name::local(name))
}
