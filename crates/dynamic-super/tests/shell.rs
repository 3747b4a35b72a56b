//! Chapter 4's shell driven by a script: characters added and removed at run time under the
//! DynamicSupervisor, one crashed and restarted, a via-named character crashed and found again
//! under the same name in the registry, and every kind of mistake with its one-line error.

const SCRIPT: &str = r#"add_character supergirl "Flies high"
say supergirl
add_character supergirl "again"
which_children SuperDuper.DynamicSupervisor
count_children SuperDuper.DynamicSupervisor
g = whereis supergirl
die supergirl
wait 100
say supergirl
Process.alive? g
tree
via_add superfly "Via Registry"
via_say superfly
Registry.lookup superfly
via_die superfly
wait 100
Registry.lookup superfly
Registry.count
remove_character supergirl
remove_character supergirl
remove_character superdave
restart_child SuperDuper.DynamicSupervisor superfly
terminate_child SuperDuper.DynamicSupervisor g
via_say nobody
via_die nobody
add_character onlyname
teleport supergirl
say supergirl
die g
tree
exit
"#;

#[test]
fn dynamic_children_via_names_a_restart_and_every_error() {
    let out = dynamic_super::shell::iex().transcript(SCRIPT);
    insta::assert_snapshot!(teaching::iex::redact_pids(&out));
}
