//! Every scene of the chapter, captured under a paused clock and compared with its snapshot
//! in `tests/snapshots/` (one per scene, named after it).

use calculator::scenes::ALL;

/// The scenes, in the book's order; each has a test below.
const TESTED: [&str; 5] = [
    "core_reducers",
    "boundary_send",
    "api_crash",
    "genserver",
    "your_turn",
];

fn check(name: &str) {
    insta::assert_snapshot!(name, teaching::find_scene(ALL, name).capture());
}

#[test]
fn core_reducers() {
    check("core_reducers");
}

#[test]
fn boundary_send() {
    check("boundary_send");
}

#[test]
fn api_crash() {
    check("api_crash");
}

#[test]
fn genserver() {
    check("genserver");
}

#[test]
fn your_turn() {
    check("your_turn");
}

/// A scene added to `ALL` without a test above, or a snapshot left behind by a removed scene,
/// fails here.
#[test]
fn every_scene_has_a_test_and_every_snapshot_a_scene() {
    let snapshots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    teaching::assert_scenes_match(ALL, &TESTED, &snapshots);
}
