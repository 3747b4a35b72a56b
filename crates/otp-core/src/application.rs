//! Application: the root of a program's supervision tree.
//!
//! An OTP application starts a top supervisor under an application master; when the top
//! supervisor exits, the application is over, and the master logs how it ended:
//! `[notice] Application super_duper exited: shutdown` after too many restarts,
//! `exited: normal` after `Supervisor.stop`, `exited: :stopped` after `Application.stop`.
//!
//! | Elixir                                 | Rust                                           |
//! |----------------------------------------|------------------------------------------------|
//! | `def start(_type, _args)` + `mix run`  | [`Application::start`]`(&node, "super_duper", start)` |
//! | `Application.stop(:super_duper)`       | `app.stop().await`                             |
//! | the VM running until interrupted       | `app.run_until_ctrl_c().await`                 |
//!
//! ```
//! use otp_core::application::Application;
//! use otp_core::supervisor::{self, Options};
//! use otp_core::{ExitReason, Node};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let node = Node::new();
//! let app = Application::start(&node, "demo", || async {
//!     supervisor::start_link(vec![], Options::new().name("Demo.Supervisor"))
//!         .await
//!         .map(|s| s.pid())
//! })
//! .await
//! .unwrap();
//! assert!(node.whereis("Demo.Supervisor").is_some());
//! assert_eq!(app.stop().await, ExitReason::custom("stopped"));
//! assert!(node.whereis("Demo.Supervisor").is_none());
//! # });
//! ```

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::exit::{Atom, ExitReason};
use crate::gen_server::StartError;
use crate::node::{Node, lock};
use crate::pid::Pid;
use crate::process::{self, Addr, Mailbox, Received};
use crate::supervisor::{Shutdown, shutdown_with};

enum Control {
    Stop,
}

/// A running application.
pub struct Application {
    name: Atom,
    master: Addr<Control>,
    top: Arc<Mutex<Option<Pid>>>,
}

impl fmt::Debug for Application {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Application({})", self.name.as_str())
    }
}

/// How Erlang's application controller prints an exit reason.
fn describe(reason: &ExitReason) -> String {
    match reason {
        ExitReason::Normal => "normal".to_string(),
        ExitReason::Shutdown => "shutdown".to_string(),
        ExitReason::Killed => "killed".to_string(),
        other => other.to_string(),
    }
}

impl Application {
    /// Starts application `name` on `node`: an application master process calls `start`,
    /// which starts (and links to the master) the top supervisor and returns its pid.
    pub async fn start<F, Fut>(
        node: &Node,
        name: impl Into<Atom>,
        start: F,
    ) -> Result<Application, StartError>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<Pid, StartError>> + Send + 'static,
    {
        let name = name.into();
        let top = Arc::new(Mutex::new(None));
        let (started_tx, started_rx) = tokio::sync::oneshot::channel();
        let master_top = top.clone();
        let app_name = name.clone();
        let master = node.spawn(move |mut inbox: Mailbox<Control>| async move {
            process::trap_exit(true);
            let pid = match start().await {
                Ok(pid) => pid,
                Err(e) => {
                    let _ = started_tx.send(Err(e));
                    return;
                }
            };
            *lock(&master_top) = Some(pid.clone());
            let _ = started_tx.send(Ok(()));
            let reason = loop {
                match inbox.receive().await {
                    Received::Exit { from, reason } if from == pid => break reason,
                    Received::Msg(Control::Stop) => {
                        shutdown_with(&pid, Shutdown::Infinity).await;
                        break ExitReason::custom("stopped");
                    }
                    _ => {}
                }
            };
            *lock(&master_top) = None;
            tracing::info!(
                target: "otp::application",
                "Application {} exited: {}",
                app_name.as_str(),
                describe(&reason)
            );
            process::exit_self(reason).await;
        });
        match started_rx.await {
            Ok(Ok(())) => Ok(Application { name, master, top }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(StartError::Stop(master.pid().wait_exit().await)),
        }
    }

    /// The application's name.
    pub fn name(&self) -> &Atom {
        &self.name
    }

    /// The top supervisor, while the application runs.
    pub fn top(&self) -> Option<Pid> {
        lock(&self.top).clone()
    }

    /// `true` while the application runs.
    pub fn is_running(&self) -> bool {
        self.master.is_alive()
    }

    /// `Application.stop/1`: stops the tree gracefully (the top supervisor stops its children
    /// in reverse order, each within its shutdown time) and returns how the application ended:
    /// `:stopped`, or the top supervisor's own reason if it had already gone.
    pub async fn stop(&self) -> ExitReason {
        self.master.send(Control::Stop);
        self.master.pid().wait_exit().await
    }

    /// Waits until the application ends on its own (its top supervisor exited) and returns the
    /// top supervisor's reason.
    pub async fn wait(&self) -> ExitReason {
        self.master.pid().wait_exit().await
    }

    /// Runs until ctrl-c, or until the application ends on its own; on ctrl-c, stops it
    /// gracefully. Returns how it ended.
    pub async fn run_until_ctrl_c(&self) -> ExitReason {
        tokio::select! {
            reason = self.wait() => reason,
            _ = tokio::signal::ctrl_c() => self.stop().await,
        }
    }
}
