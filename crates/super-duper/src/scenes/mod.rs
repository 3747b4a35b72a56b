//! The chapter's scenes, in the book's order: one async function per IEx session, each
//! replayed by an example of the same name and snapshot-tested in `tests/scenes.rs`.

use otp_core::{Name, Pid, process};
use teaching::Scene;
use teaching::scene;

pub mod manual_start;
pub mod primitives;
pub mod restart_intensity;
pub mod server_alone;
pub mod strategies;
pub mod supervisor_start;
pub mod yourturn_add_character;
pub mod yourturn_restart;

/// Every scene of the chapter, in the book's order.
pub const ALL: &[Scene] = &[
    scene!(
        "primitives",
        "Processes that panic: spawn, spawn_link, spawn_monitor",
        primitives::primitives
    ),
    scene!(
        "manual_start",
        "The application is a supervisor, started by hand",
        manual_start::manual_start
    ),
    scene!(
        "server_alone",
        "The core, and a server with no supervisor",
        server_alone::server_alone
    ),
    scene!(
        "supervisor_start",
        "The supervisor: children, child specs, a crash repaired",
        supervisor_start::supervisor_start
    ),
    scene!(
        "strategy_one_for_one",
        ":one_for_one restarts only the one that crashed",
        strategies::strategy_one_for_one
    ),
    scene!(
        "strategy_one_for_all",
        ":one_for_all restarts all of them",
        strategies::strategy_one_for_all
    ),
    scene!(
        "strategy_rest_for_one",
        ":rest_for_one restarts the one that crashed and those after it",
        strategies::strategy_rest_for_one
    ),
    scene!(
        "strategy_one_for_one_trap_exit",
        ":one_for_one with characters that trap exits",
        strategies::strategy_one_for_one_trap_exit
    ),
    scene!(
        "strategy_one_for_all_trap_exit",
        ":one_for_all with characters that trap exits",
        strategies::strategy_one_for_all_trap_exit
    ),
    scene!(
        "strategy_rest_for_one_trap_exit",
        ":rest_for_one with characters that trap exits",
        strategies::strategy_rest_for_one_trap_exit
    ),
    scene!(
        "restart_intensity",
        "Restart intensity: the fourth crash in five seconds",
        restart_intensity::restart_intensity
    ),
    scene!(
        "restart_intensity_sasl",
        "Restart intensity, with the supervisor's reports",
        restart_intensity::restart_intensity_sasl
    ),
    scene!(
        "restart_intensity_shell",
        "Restart intensity, with the supervisor linked to the shell",
        restart_intensity::restart_intensity_shell
    ),
    scene!(
        "yourturn_restart_permanent",
        "Your turn: permanent characters, ended five ways",
        yourturn_restart::yourturn_restart_permanent
    ),
    scene!(
        "yourturn_restart_transient",
        "Your turn: transient characters, ended five ways",
        yourturn_restart::yourturn_restart_transient
    ),
    scene!(
        "yourturn_restart_temporary",
        "Your turn: temporary characters, ended five ways",
        yourturn_restart::yourturn_restart_temporary
    ),
    scene!(
        "yourturn_add_character",
        "Your turn: a supervised character added through the API",
        yourturn_add_character::yourturn_add_character
    ),
];

/// `Process.whereis/1` for a local name: the live process registered as `name`, if any.
///
/// # Panics
/// Outside a process.
pub fn whereis(name: &str) -> Option<Pid> {
    process::whereis(&Name::local(name))
}
