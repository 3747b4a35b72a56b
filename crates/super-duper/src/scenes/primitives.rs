//! Before supervisors, the primitives they are made of: a function that panics, run in a
//! process with `spawn`, `spawn_link` and `spawn_monitor` (transcript `ch3-primitives`).

use otp_core::Mailbox;
use otp_core::process::{self, Received};
use teaching::Shell;
use teaching::show;

// ANCHOR: problem
/// Elixir's `problem = fn -> raise "oh snap" end`: a function that panics.
fn problem() {
    panic!("oh snap")
}

/// The same function as a process body, for `spawn problem` and its cousins.
async fn run_problem(_inbox: Mailbox<()>) {
    problem()
}
// ANCHOR_END: problem

/// What IEx does with an input that raises: it rescues the error and prints it, and the shell
/// process carries on. (A panic that escapes a process ends the process.)
fn rescue(f: impl FnOnce()) -> Result<(), String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string())
    })
}

// ANCHOR: scene
/// `spawn`, `spawn_link` and `spawn_monitor` on a function that panics.
pub async fn primitives(sh: Shell) {
    sh.section("A function that panics, called by the shell");
    sh.run(|sh| async move {
        let _ = show!(sh, rescue(problem));
        show!(sh, process::self_pid());
    })
    .await;

    sh.section("spawn: the process dies and is reported; the shell lives");
    sh.run(|sh| async move {
        show!(sh, process::spawn(run_problem));
        sh.input("sh.sleep(300).await");
        sh.sleep(300).await;
        show!(sh, process::self_pid());
    })
    .await;

    sh.section("spawn_link: the shell dies with it");
    sh.run(|sh| async move {
        show!(sh, process::spawn_link(run_problem));
        sh.input("sh.sleep(300).await");
        sh.sleep(300).await;
    })
    .await;
    sh.run(|sh| async move {
        show!(sh, process::self_pid());
    })
    .await;

    sh.section("spawn_monitor: the shell gets a message instead");
    sh.run_with_mailbox(|sh, mut inbox: Mailbox<()>| async move {
        let (pid, reference) = show!(sh, process::spawn_monitor(run_problem));
        sh.input("sh.sleep(300).await");
        sh.sleep(300).await;
        show!(sh, pid.is_alive());
        sh.input("inbox.receive().await");
        match inbox.receive().await {
            Received::Down(down) => {
                sh.say(&down);
                show!(sh, down.reference == reference);
            }
            other => sh.say(format!("{other:?}")),
        }
    })
    .await;
}
// ANCHOR_END: scene
