//! Every scene of the chapter, captured under a paused clock and compared with its snapshot
//! (`tests/snapshots/scenes__<name>.snap`).

#[test]
fn every_scene_matches_its_snapshot() {
    for scene in egg_timer::scenes::ALL {
        insta::assert_snapshot!(scene.name, scene.capture());
    }
}
