//! Every scene of the chapter, captured under a paused clock and compared with its snapshot
//! in `tests/snapshots/` (one per scene, named after it).

use super_duper::scenes::ALL;

fn check(name: &str) {
    insta::assert_snapshot!(name, teaching::find_scene(ALL, name).capture());
}

/// The scenes, in the book's order.
const TESTED: &[&str] = &[
    "primitives",
    "manual_start",
    "server_alone",
    "supervisor_start",
    "strategy_one_for_one",
    "strategy_one_for_all",
    "strategy_rest_for_one",
    "strategy_one_for_one_trap_exit",
    "strategy_one_for_all_trap_exit",
    "strategy_rest_for_one_trap_exit",
    "restart_intensity",
    "restart_intensity_sasl",
    "restart_intensity_shell",
    "yourturn_restart_permanent",
    "yourturn_restart_transient",
    "yourturn_restart_temporary",
    "yourturn_add_character",
];

#[test]
fn primitives() {
    check("primitives");
}

#[test]
fn manual_start() {
    check("manual_start");
}

#[test]
fn server_alone() {
    check("server_alone");
}

#[test]
fn supervisor_start() {
    check("supervisor_start");
}

#[test]
fn strategy_one_for_one() {
    check("strategy_one_for_one");
}

#[test]
fn strategy_one_for_all() {
    check("strategy_one_for_all");
}

#[test]
fn strategy_rest_for_one() {
    check("strategy_rest_for_one");
}

#[test]
fn strategy_one_for_one_trap_exit() {
    check("strategy_one_for_one_trap_exit");
}

#[test]
fn strategy_one_for_all_trap_exit() {
    check("strategy_one_for_all_trap_exit");
}

#[test]
fn strategy_rest_for_one_trap_exit() {
    check("strategy_rest_for_one_trap_exit");
}

#[test]
fn restart_intensity() {
    check("restart_intensity");
}

#[test]
fn restart_intensity_sasl() {
    check("restart_intensity_sasl");
}

#[test]
fn restart_intensity_shell() {
    check("restart_intensity_shell");
}

#[test]
fn yourturn_restart_permanent() {
    check("yourturn_restart_permanent");
}

#[test]
fn yourturn_restart_transient() {
    check("yourturn_restart_transient");
}

#[test]
fn yourturn_restart_temporary() {
    check("yourturn_restart_temporary");
}

#[test]
fn yourturn_add_character() {
    check("yourturn_add_character");
}

/// A scene added to `ALL` without a test above, or a snapshot left behind by a removed scene,
/// fails here.
#[test]
fn every_scene_has_a_test_and_every_snapshot_a_scene() {
    let snapshots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    teaching::assert_scenes_match(ALL, TESTED, &snapshots);
}
