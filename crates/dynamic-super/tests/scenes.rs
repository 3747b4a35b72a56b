//! Every scene of the chapter, captured under a paused clock and compared with its snapshot
//! in `tests/snapshots/` (one per scene, named after it).

use dynamic_super::scenes::ALL;

/// The scenes, in the book's order; each has a test below.
const SCENES: [&str; 5] = [
    "which_children",
    "add_character",
    "stop_manually",
    "dynamic",
    "registry",
];

fn check(name: &str) {
    let scene = ALL
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no scene named {name} in scenes::ALL"));
    insta::assert_snapshot!(name, scene.capture());
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
fn registry() {
    check("registry");
}

/// A scene added to `ALL` without a test above, or a snapshot left behind by a removed scene,
/// fails here.
#[test]
fn every_scene_has_a_test_and_every_snapshot_a_scene() {
    let listed: Vec<&str> = ALL.iter().map(|s| s.name).collect();
    assert_eq!(listed, SCENES, "scenes::ALL and the tests above disagree");

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut snapshots: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|file| {
            file.strip_prefix("scenes__")?
                .strip_suffix(".snap")
                .map(String::from)
        })
        .collect();
    snapshots.sort();
    let mut sorted = SCENES.to_vec();
    sorted.sort();
    assert_eq!(snapshots, sorted, "snapshots and scenes disagree");
}
