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
use crate::node::Node;
use crate::pid::Pid;
use crate::process::{self, Addr, Mailbox, Received};
use crate::supervisor::{Shutdown, shutdown_with};
use crate::sync::lock;

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
    ///
    /// ```
    /// use otp_core::application::Application;
    /// use otp_core::gen_server::StartError;
    /// use otp_core::supervisor::{self, Options};
    /// use otp_core::{ExitReason, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// // Elixir: def start(_type, _args), do: Supervisor.start_link([], name: SuperDuper.Supervisor)
    /// let app = Application::start(&node, "super_duper", || async {
    ///     supervisor::start_link(vec![], Options::new().name("SuperDuper.Supervisor"))
    ///         .await
    ///         .map(|sup| sup.pid())
    /// })
    /// .await
    /// .unwrap();
    /// assert!(app.is_running());
    ///
    /// // A start function that fails: the application does not start.
    /// let broken = Application::start(&node, "broken", || async {
    ///     Err(StartError::Stop(ExitReason::custom("no_config")))
    /// })
    /// .await;
    /// assert_eq!(broken.unwrap_err(), StartError::Stop(ExitReason::custom("no_config")));
    /// # });
    /// ```
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
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::application::Application;
    /// use otp_core::supervisor::{self, Options};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let app = Application::start(&node, "super_duper", || async {
    ///     supervisor::start_link(vec![], Options::new()).await.map(|sup| sup.pid())
    /// })
    /// .await
    /// .unwrap();
    /// assert_eq!(app.name().as_str(), "super_duper");
    /// assert_eq!(format!("{app:?}"), "Application(super_duper)");
    /// # });
    /// ```
    pub fn name(&self) -> &Atom {
        &self.name
    }

    /// The top supervisor, while the application runs.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::application::Application;
    /// use otp_core::supervisor::{self, Options};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let app = Application::start(&node, "super_duper", || async {
    ///     supervisor::start_link(vec![], Options::new().name("SuperDuper.Supervisor"))
    ///         .await
    ///         .map(|sup| sup.pid())
    /// })
    /// .await
    /// .unwrap();
    /// assert_eq!(app.top(), node.whereis("SuperDuper.Supervisor"));
    /// app.stop().await;
    /// assert_eq!(app.top(), None);
    /// # });
    /// ```
    pub fn top(&self) -> Option<Pid> {
        lock(&self.top).clone()
    }

    /// `true` while the application runs.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::application::Application;
    /// use otp_core::supervisor::{self, Options};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let app = Application::start(&node, "super_duper", || async {
    ///     supervisor::start_link(vec![], Options::new()).await.map(|sup| sup.pid())
    /// })
    /// .await
    /// .unwrap();
    /// assert!(app.is_running());
    /// app.stop().await;
    /// assert!(!app.is_running());
    /// # });
    /// ```
    pub fn is_running(&self) -> bool {
        self.master.is_alive()
    }

    /// `Application.stop/1`: stops the tree gracefully (the top supervisor stops its children
    /// in reverse order, each within its shutdown time) and returns how the application ended:
    /// `:stopped`, or the top supervisor's own reason if it had already gone.
    ///
    /// ```
    /// use otp_core::application::Application;
    /// use otp_core::supervisor::{self, Options};
    /// use otp_core::{Console, ExitReason, Node, logger};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// logger::init_console();
    /// let console = Console::capture();
    /// let node = Node::with_console(console.clone());
    /// let app = Application::start(&node, "super_duper", || async {
    ///     supervisor::start_link(vec![], Options::new().name("SuperDuper.Supervisor"))
    ///         .await
    ///         .map(|sup| sup.pid())
    /// })
    /// .await
    /// .unwrap();
    /// // Elixir: Application.stop(:super_duper)
    /// assert_eq!(app.stop().await, ExitReason::custom("stopped"));
    /// assert_eq!(node.whereis("SuperDuper.Supervisor"), None);
    /// assert_eq!(console.contents(), "\n[notice] Application super_duper exited: :stopped\n");
    /// # });
    /// ```
    pub async fn stop(&self) -> ExitReason {
        self.master.send(Control::Stop);
        self.master.pid().wait_exit().await
    }

    /// Waits until the application ends on its own (its top supervisor exited) and returns the
    /// top supervisor's reason.
    ///
    /// ```
    /// use otp_core::application::Application;
    /// use otp_core::supervisor::{self, ChildSpec, Options};
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// // A child that exits at once, under a supervisor that allows no restart.
    /// let quitter = ChildSpec::new("quitter", || async {
    ///     Ok(process::spawn_link(|_inbox: Mailbox<()>| async {}).pid())
    /// });
    /// let node = Node::new();
    /// let app = Application::start(&node, "fragile", move || async move {
    ///     supervisor::start_link(vec![quitter], Options::new().max_restarts(0))
    ///         .await
    ///         .map(|sup| sup.pid())
    /// })
    /// .await
    /// .unwrap();
    /// // The top supervisor gives up; the application ends with its reason.
    /// assert_eq!(app.wait().await, ExitReason::Shutdown);
    /// # });
    /// ```
    pub async fn wait(&self) -> ExitReason {
        self.master.pid().wait_exit().await
    }

    /// Runs until ctrl-c, or until the application ends on its own; on ctrl-c, stops it
    /// gracefully. Returns how it ended.
    ///
    /// ```
    /// use otp_core::application::Application;
    /// use otp_core::supervisor::{self, ChildSpec, Options};
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let quitter = ChildSpec::new("quitter", || async {
    ///     Ok(process::spawn_link(|_inbox: Mailbox<()>| async {}).pid())
    /// });
    /// let node = Node::new();
    /// let app = Application::start(&node, "fragile", move || async move {
    ///     supervisor::start_link(vec![quitter], Options::new().max_restarts(0))
    ///         .await
    ///         .map(|sup| sup.pid())
    /// })
    /// .await
    /// .unwrap();
    /// // A program's main runs until the reader presses ctrl-c, or, as here, until the
    /// // application ends by itself.
    /// assert_eq!(app.run_until_ctrl_c().await, ExitReason::Shutdown);
    /// # });
    /// ```
    pub async fn run_until_ctrl_c(&self) -> ExitReason {
        tokio::select! {
            reason = self.wait() => reason,
            _ = tokio::signal::ctrl_c() => self.stop().await,
        }
    }
}
