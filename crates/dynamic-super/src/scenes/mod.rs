//! The chapter's scenes, in the book's order: one async function per IEx session, each
//! replayed by an example of the same name and snapshot-tested in `tests/scenes.rs`.
//!
//! Every scene starts the way its BEAM transcript does, with `iex -S mix`: the application
//! starts before the first prompt (`boot!` prints it), then the shell types its inputs.

use teaching::scene;
use teaching::{Scene, Shell};

pub mod add_character;
pub mod distributed;
pub mod dynamic;
pub mod registry;
pub mod shutdown;
pub mod stop_manually;
pub mod which_children;

/// Every scene of the chapter, in the book's order.
pub const ALL: &[Scene] = &[
    scene!(
        "which_children",
        "which_children, and a character from data",
        which_children::which_children
    ),
    scene!(
        "add_character",
        "Adding a character to the running supervisor",
        add_character::add_character
    ),
    scene!(
        "stop_manually",
        "Stopping, deleting and restarting children by hand",
        stop_manually::stop_manually
    ),
    scene!(
        "dynamic",
        "A DynamicSupervisor for the characters",
        dynamic::dynamic
    ),
    scene!(
        "dynamic_shutdown",
        "A DynamicSupervisor stops its children all at once",
        shutdown::dynamic_shutdown
    ),
    scene!(
        "registry",
        "The power of a name: local, global and via",
        registry::registry
    ),
    scene!(
        "yourturn_distributed",
        "Your turn: SuperDuper on two nodes",
        distributed::yourturn_distributed
    ),
];

// ANCHOR: boot
/// `iex -S mix`: starts the application with the given [`crate::application::Tree`] on the
/// scene's node before the first prompt, printing the call, the application's own output and
/// the result. Evaluates to the running application, or `None` (after printing the error) if it
/// did not start.
macro_rules! boot {
    ($sh:expr, $tree:expr) => {{
        $sh.input(concat!(
            "application::start(sh.node(), ",
            stringify!($tree),
            ").await"
        ));
        let started = $crate::application::start($sh.node(), $tree).await;
        $sh.say(teaching::inspect(&started));
        started.ok()
    }};
}
pub(crate) use boot;
// ANCHOR_END: boot

/// `Process.sleep(ms)`: lets `ms` milliseconds pass on the scene's clock, so that what the
/// servers print meanwhile (crash reports, restarts) appears before the next input.
pub async fn sleep(sh: &Shell, ms: u64) {
    sh.input(format!("sh.sleep({ms}).await"));
    sh.sleep(ms).await;
}
