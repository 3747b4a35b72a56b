//! Every scene of the chapter, captured under a paused clock and compared with its snapshot
//! in `tests/snapshots/` (one per scene, named after it).

use dynamic_super::scenes::ALL;

/// The scenes, in the book's order; each has a test below.
const SCENES: [&str; 7] = [
    "which_children",
    "add_character",
    "stop_manually",
    "dynamic",
    "dynamic_shutdown",
    "registry",
    "yourturn_distributed",
];

fn check(name: &str) {
    insta::assert_snapshot!(name, teaching::find_scene(ALL, name).capture());
}

#[test]
fn which_children() {
    check("which_children");
}

#[test]
fn add_character() {
    check("add_character");
}

#[test]
fn stop_manually() {
    check("stop_manually");
}

#[test]
fn dynamic() {
    check("dynamic");
}

#[test]
fn dynamic_shutdown() {
    check("dynamic_shutdown");
}

#[test]
fn registry() {
    check("registry");
}

#[test]
fn yourturn_distributed() {
    check("yourturn_distributed");
}

/// A scene added to `ALL` without a test above, or a snapshot left behind by a removed scene,
/// fails here.
#[test]
fn every_scene_has_a_test_and_every_snapshot_a_scene() {
    let snapshots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    teaching::assert_scenes_match(ALL, &SCENES, &snapshots);
}
