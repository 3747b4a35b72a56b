//! The shell engine on its own: every built-in command and every error case, on a small
//! application (a supervisor with two registered workers and a DynamicSupervisor), under a
//! paused clock.

use otp_core::dynamic_supervisor;
use otp_core::supervisor::{self, ChildSpec, Options};
use otp_core::{Mailbox, process};
use teaching::iex::{Command, Iex, Reply, redact_pids};

fn worker(name: &'static str) -> ChildSpec {
    ChildSpec::new(name, move || async move {
        let pid = process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid();
        process::register(name, pid.clone()).expect("the name is free");
        Ok(pid)
    })
}

fn iex() -> Iex {
    Iex::new("demo")
        .application("demo", || async {
            let rooms = dynamic_supervisor::child_spec(
                "Rooms",
                dynamic_supervisor::Options::new().name("Rooms"),
            );
            supervisor::start_link(
                vec![worker("alpha"), worker("beta"), rooms],
                Options::new().name("Demo.Supervisor"),
            )
            .await
            .map(|sup| sup.pid())
        })
        .root("Demo.Supervisor")
        .command(Command::new(
            "room",
            "",
            "starts a room under Rooms",
            |_ctx, _args| async {
                let spec = ChildSpec::new("room", || async {
                    Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
                });
                match dynamic_supervisor::start_child("Rooms", spec).await {
                    Ok(pid) => Ok(Reply::ok_pid(pid)),
                    Err(e) => teaching::iex::supervisor_error(&e),
                }
            },
        ))
        .command(Command::new(
            "boom",
            "",
            "panics in the shell process",
            |_ctx, _args| async { panic!("a command went wrong") },
        ))
}

const SCRIPT: &str = r#"help
help which_children
whereis alpha
a = whereis alpha
Process.alive? a
Process.info a
Process.exit alpha kill
wait 10
whereis alpha
Process.alive? a
Process.exit a kill
which_children
count_children
tree
r = room
which_children Rooms
terminate_child Rooms r
terminate_child beta
which_children
restart_child beta
restart_child beta
delete_child alpha
terminate_child nobody
restart_child Rooms beta
Process.flag trap_exit true
Process.monitor beta
Process.exit beta kill
send self hello
flush
self
boom
self
nonsense
whereis
Process.exit alpha
say "unclosed
x = count_children
tree Nobody
Process.info #PID<0.999.0>
tree a
observe
exit
"#;

#[test]
fn every_built_in_command_and_every_error() {
    let out = iex().transcript(SCRIPT);
    insta::assert_snapshot!(redact_pids(&out));
}
