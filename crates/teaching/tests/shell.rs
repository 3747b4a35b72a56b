//! The scene shell: output capture, a shell killed by a linked crash, a new shell after it.

use otp_core::{Mailbox, process};
use teaching::{Shell, show};

async fn crash_and_restart(sh: Shell) {
    sh.run(|sh| async move {
        show!(sh, process::self_pid());
        process::spawn_link(|_inbox: Mailbox<()>| async { panic!("oh snap") });
        std::future::pending::<()>().await
    })
    .await;
    sh.run(|sh| async move {
        show!(sh, process::self_pid());
    })
    .await;
}

#[test]
fn a_linked_crash_kills_the_shell_and_the_next_run_starts_a_new_one() {
    assert_eq!(
        teaching::capture(crash_and_restart),
        "> process::self_pid()\n#PID<0.100.0>\n\
         \n[error] Process #PID<0.101.0> raised an exception\n** (panic) oh snap\n\
         ** (EXIT from #PID<0.100.0>) shell process exited with reason: an exception was raised:\n    ** (panic) oh snap\n\
         > process::self_pid()\n#PID<0.102.0>\n"
    );
}

async fn timers(sh: Shell) {
    sh.run(|sh| async move {
        let me = otp_core::process::spawn(|mut inbox: Mailbox<&'static str>| async move {
            if let otp_core::Received::Msg(m) = inbox.receive().await {
                otp_core::io::puts(m);
            }
        });
        otp_core::timer::send_after(&me, "five minutes later", 300_000);
        sh.sleep(300_001).await;
        sh.say("done");
    })
    .await;
}

async fn one_shell_across_runs(sh: Shell) {
    sh.run(|sh| async move {
        show!(sh, process::self_pid());
    })
    .await;
    sh.run(|sh| async move {
        show!(sh, process::self_pid());
    })
    .await;
}

#[test]
fn the_shell_process_lives_from_one_run_to_the_next() {
    assert_eq!(
        teaching::capture(one_shell_across_runs),
        "> process::self_pid()\n#PID<0.100.0>\n> process::self_pid()\n#PID<0.100.0>\n"
    );
}

#[test]
fn scenes_run_under_a_paused_clock() {
    let started = std::time::Instant::now();
    assert_eq!(teaching::capture(timers), "five minutes later\ndone\n");
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}
