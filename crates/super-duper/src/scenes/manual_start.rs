//! The application is a supervisor: started and stopped by hand from a shell that did not
//! start it at boot, and looked at with `Process.info` (transcript `ch3-manual-start`).

use std::fmt;

use otp_core::process::{self, ProcessInfo, Status};
use otp_core::supervisor;
use otp_core::{ExitReason, Pid, Timeout};
use teaching::Shell;

use crate::application::{self, Options};
use teaching::show;

/// `Process.info/1`'s answer, printed as IEx prints the keyword list, with the fields this
/// runtime keeps (see the chapter for the BEAM's others).
pub struct Info(pub ProcessInfo);

/// `Process.info/1`: `None` for a process that has exited (Elixir's `nil`).
pub fn info(pid: &Pid) -> Option<Info> {
    process::info(pid).map(Info)
}

fn pids(list: &[Pid]) -> String {
    let items: Vec<String> = list.iter().map(Pid::to_string).collect();
    format!("[{}]", items.join(", "))
}

impl fmt::Debug for Info {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = &self.0;
        let name = match &info.registered_name {
            Some(name) => name.to_string(),
            None => "[]".to_string(),
        };
        let status = match info.status {
            Status::Running => ":running",
            Status::Waiting => ":waiting",
            Status::Exiting => ":exiting",
        };
        let fields = [
            format!("registered_name: {name}"),
            format!("status: {status}"),
            format!("message_queue_len: {}", info.message_queue_len),
            format!("links: {}", pids(&info.links)),
            format!("trap_exit: {}", info.trap_exit),
            format!("ancestors: {}", pids(&info.ancestors)),
        ];
        if f.alternate() {
            writeln!(f, "[")?;
            for field in &fields {
                writeln!(f, "  {field},")?;
            }
            write!(f, "]")
        } else {
            write!(f, "[{}]", fields.join(", "))
        }
    }
}

// ANCHOR: scene
/// `SuperDuper.Application.start` from the shell, `Supervisor.stop`, and `Process.info`.
pub async fn manual_start(sh: Shell) {
    sh.section("The application's supervisor, started and stopped by hand");
    sh.run(|sh| async move {
        let Ok(sup) = show!(sh, application::start(Options::new()).await) else {
            return;
        };
        sh.tree("Started by hand", &sup).await;
        let _ = show!(
            sh,
            supervisor::stop(&sup, ExitReason::Normal, Timeout::Infinity).await
        );
        show!(sh, sup.is_alive());
        let Ok(duper) = show!(sh, application::start(Options::new()).await) else {
            return;
        };
        show!(sh, info(&sup.pid()));
        show!(sh, info(&duper.pid()));
        show!(sh, process::self_pid());
        sh.tree("Stopped, then started again: a new supervisor", &duper)
            .await;
    })
    .await;
}
// ANCHOR_END: scene
