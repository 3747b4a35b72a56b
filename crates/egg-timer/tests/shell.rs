//! Chapter 2's shell driven by a script: alarms fire when their time comes, the `:stop` cast
//! crashes the timer and its supervisor starts a new one without the alarms, and every kind
//! of mistake gets its one-line error.

const SCRIPT: &str = r#"t = timer
schedule eggs 5s
schedule tea 3m
status
state
wait 6s
status
stop
wait 10
timer
Process.alive? t
status
tree
wait 3m
schedule
schedule eggs soon
whereis nobody
Process.info nobody
Process.exit t kill
boil eggs
terminate_child EggTimer.Server
status
restart_child EggTimer.Server
status
exit
"#;

#[test]
fn alarms_a_crash_a_restart_and_every_error() {
    let out = egg_timer::shell::iex().transcript(SCRIPT);
    insta::assert_snapshot!(teaching::iex::redact_pids(&out));
}
