//! Chapter 1's shell driven by a script, as a reader would type it: a calculator crashes and
//! is started again by hand (nothing supervises it), a linked GenServer's crash takes the
//! shell process with it, and every kind of mistake gets its one-line error.

const SCRIPT: &str = r#"calc = start 10
add calc 1
add(calc, 5)
state calc
divide calc 0
Process.alive? calc
state calc
calc = start 16
multiply calc 2.5
state calc
srv = start_link 8
add srv 2
state srv
divide srv 0
state srv
self
mystery 1
add calc
state batman
Process.exit srv kill
add calc lots
tree
exit
"#;

#[test]
fn crash_restart_by_hand_and_every_error() {
    let out = calculator::shell::iex().transcript(SCRIPT);
    insta::assert_snapshot!(teaching::iex::redact_pids(&out));
}
