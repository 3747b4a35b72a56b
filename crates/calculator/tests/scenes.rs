//! Every scene of the chapter, captured under a paused clock and compared with its snapshot
//! in `tests/snapshots/` (one per scene, named after it).

use calculator::scenes::ALL;

fn check(name: &str) {
    let scene = ALL
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no scene named {name} in scenes::ALL"));
    insta::assert_snapshot!(name, scene.capture());
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
    let tested = [
        "core_reducers",
        "boundary_send",
        "api_crash",
        "genserver",
        "your_turn",
    ];
    let mut listed: Vec<&str> = ALL.iter().map(|s| s.name).collect();
    listed.sort();
    let mut sorted = tested.to_vec();
    sorted.sort();
    assert_eq!(listed, sorted, "scenes::ALL and the tests above disagree");

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
    assert_eq!(snapshots, sorted, "snapshots and scenes disagree");
}
