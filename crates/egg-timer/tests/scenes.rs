//! Every scene of the chapter, captured under a paused clock and compared with its snapshot
//! (`tests/snapshots/scenes__<name>.snap`).

use egg_timer::scenes::ALL;

#[test]
fn every_scene_matches_its_snapshot() {
    for scene in ALL {
        insta::assert_snapshot!(scene.name, scene.capture());
    }
}

/// The loop above checks every listed scene; a snapshot left behind by a removed scene fails
/// here.
#[test]
fn every_snapshot_has_a_scene() {
    let names: Vec<&str> = ALL.iter().map(|s| s.name).collect();
    let snapshots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    teaching::assert_scenes_match(ALL, &names, &snapshots);
}
