//! The chapter's scenes, in the book's order: one async function per IEx session, each
//! replayed by an example of the same name and snapshot-tested in `tests/scenes.rs`.

use teaching::Scene;
use teaching::scene;

pub mod api_crash;
pub mod boundary_send;
pub mod core_reducers;
pub mod genserver;
pub mod your_turn;

/// Every scene of the chapter, in the book's order.
pub const ALL: &[Scene] = &[
    scene!(
        "core_reducers",
        "The core: reducers and fold",
        core_reducers::core_reducers
    ),
    scene!(
        "boundary_send",
        "A hand-made boundary: send, receive, loop",
        boundary_send::boundary_send
    ),
    scene!(
        "api_crash",
        "An API over the boundary, and a crash",
        api_crash::api_crash
    ),
    scene!(
        "genserver",
        "The same service as a GenServer",
        genserver::genserver
    ),
    scene!(
        "your_turn",
        "Your turn: the exercises",
        your_turn::your_turn
    ),
];
