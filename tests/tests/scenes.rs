//! Every scene of every chapter, end to end: it runs to completion, prints something, and
//! prints the same thing twice in a row (pids, times and order are deterministic).

#[test]
fn every_scene_runs_and_is_deterministic() {
    for chapter in workspace_checks::chapters() {
        for scene in chapter.scenes {
            let first = scene.capture();
            assert!(
                !first.trim().is_empty(),
                "scene {} printed nothing",
                scene.name
            );
            let second = scene.capture();
            assert_eq!(
                first, second,
                "scene {} printed different output on a second run",
                scene.name
            );
        }
    }
}

#[test]
fn scene_names_are_unique() {
    let mut names: Vec<&str> = workspace_checks::chapters()
        .iter()
        .flat_map(|c| c.scenes.iter().map(|s| s.name))
        .collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "two scenes share a name");
}
