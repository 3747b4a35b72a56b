//! Chapter 3's shell driven by a script: characters die and their supervisor restarts them
//! (by a cast that raises, and by a kill), the tree counts the restarts, a child is stopped
//! and started again by hand, too many restarts make the supervisor give up, and every kind
//! of mistake gets its one-line error.

const SCRIPT: &str = r#"characters
say superman
old = whereis superman
die superman
wait 100
say superman
Process.alive? old
Process.exit supermario kill
wait 100
which_children
count_children
tree
terminate_child superman
which_children
say superman
restart_child superman
say superman
Process.info superdave
fly superman
say
say batman
die old
Process.exit old kill
restart_child
sup = whereis SuperDuper.Supervisor
die superdave
die superdave
die superdave
wait 100
Process.alive? sup
tree
exit
"#;

#[test]
fn crashes_restarts_intensity_and_every_error() {
    let out = super_duper::shell::iex().transcript(SCRIPT);
    insta::assert_snapshot!(teaching::iex::redact_pids(&out));
}
