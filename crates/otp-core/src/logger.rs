//! Log lines in Elixir's Logger shape, on the console of the node they come from.
//!
//! The runtime reports through `tracing`: crash reports at `ERROR` (target `otp::gen_server`,
//! `otp::process`), supervisor reports at `DEBUG` under `otp::sasl` (hidden by default, as
//! Elixir hides SASL reports; a child started is a progress report, `otp::sasl::progress`,
//! printed as `[info]`, the others as `[error]`, as Logger prints them), application notices at
//! `INFO` under `otp::application`.
//! [`ConsoleLayer`] renders them as Elixir's console does:
//!
//! ```text
//!
//! [error] GenServer :superman terminating
//! ** (panic) Boom
//! Last message: {:"$gen_cast", Die}
//! State: ...
//! ```
//!
//! and writes each line to the console of the node whose process emitted it (see
//! [`crate::io`]), so output a test captures holds the log lines among the lines the program
//! printed, in order. Timestamps are left out so that output is the same on every run.
//!
//! Install the subscriber before starting the servers whose crash reports you want: a
//! GenServer checks once, when it starts, whether anyone listens, and only then records the
//! messages its crash report would print. Tests that capture crash reports (see
//! [`crate::io`]) call [`init_console`] first; programs call [`init`] at the top of `main`.
//!
//! ```
//! use otp_core::{Console, Node, logger::ConsoleLayer};
//! use tracing_subscriber::layer::SubscriberExt;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let subscriber = tracing_subscriber::registry().with(ConsoleLayer::new());
//! let _guard = tracing::subscriber::set_default(subscriber);
//! let console = Console::capture();
//! let node = Node::with_console(console.clone());
//! node.run(async { tracing::error!(target: "otp::demo", "something broke") }).await.unwrap();
//! assert_eq!(console.contents(), "\n[error] something broke\n");
//! # });
//! ```

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

use crate::io::{self, Console};

/// A `tracing` layer that prints events the way Elixir's Logger prints them, on the console of
/// the node the event came from.
#[derive(Clone, Debug)]
pub struct ConsoleLayer {
    min_level: Level,
    sasl: bool,
    fallback: Option<Console>,
}

impl Default for ConsoleLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl ConsoleLayer {
    /// Shows `INFO` and above, without supervisor (SASL) reports: Elixir's defaults.
    ///
    /// ```
    /// use otp_core::logger::ConsoleLayer;
    /// use otp_core::{Console, Node};
    /// use tracing_subscriber::layer::SubscriberExt;
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let subscriber = tracing_subscriber::registry().with(ConsoleLayer::new());
    /// let _guard = tracing::subscriber::set_default(subscriber);
    /// let console = Console::capture();
    /// Node::with_console(console.clone())
    ///     .run(async {
    ///         // Elixir: Logger.info("ready"); Logger.debug("details")
    ///         tracing::info!("ready");
    ///         tracing::debug!("details");
    ///     })
    ///     .await
    ///     .unwrap();
    /// assert_eq!(console.contents(), "\n[info] ready\n", "debug is below the default level");
    /// # });
    /// ```
    pub fn new() -> Self {
        ConsoleLayer {
            min_level: Level::INFO,
            sasl: false,
            fallback: None,
        }
    }

    /// Also shows supervisor reports (Elixir's `handle_sasl_reports: true`).
    ///
    /// ```
    /// use otp_core::logger::ConsoleLayer;
    /// use otp_core::supervisor::{self, ChildSpec, Options};
    /// use otp_core::{Console, Mailbox, Node, process};
    /// use tracing_subscriber::layer::SubscriberExt;
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// // Elixir: config :logger, handle_sasl_reports: true
    /// let layer = ConsoleLayer::new().with_sasl_reports(true);
    /// let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));
    /// let console = Console::capture();
    /// Node::with_console(console.clone())
    ///     .run(async {
    ///         let worker = ChildSpec::new("worker", || async {
    ///             Ok(process::spawn_link(|_inbox: Mailbox<()>| std::future::pending()).pid())
    ///         });
    ///         supervisor::start_link(vec![worker], Options::new()).await.unwrap();
    ///     })
    ///     .await
    ///     .unwrap();
    /// let report = console.contents();
    /// assert!(report.starts_with(
    ///     "\n[info] Child :worker of Supervisor #PID<0.101.0> started\nPid: #PID<0.102.0>\n"
    /// ));
    /// # });
    /// ```
    pub fn with_sasl_reports(mut self, on: bool) -> Self {
        self.sasl = on;
        self
    }

    /// Shows events at `level` and above.
    ///
    /// ```
    /// use otp_core::logger::ConsoleLayer;
    /// use otp_core::{Console, Node};
    /// use tracing::Level;
    /// use tracing_subscriber::layer::SubscriberExt;
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// // Elixir: config :logger, level: :warning
    /// let layer = ConsoleLayer::new().with_min_level(Level::WARN);
    /// let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));
    /// let console = Console::capture();
    /// Node::with_console(console.clone())
    ///     .run(async {
    ///         tracing::info!("routine");
    ///         tracing::warn!("low battery");
    ///     })
    ///     .await
    ///     .unwrap();
    /// assert_eq!(console.contents(), "\n[warning] low battery\n");
    /// # });
    /// ```
    pub fn with_min_level(mut self, level: Level) -> Self {
        self.min_level = level;
        self
    }

    /// Where events from outside any process go (standard output by default).
    ///
    /// ```
    /// use otp_core::Console;
    /// use otp_core::logger::ConsoleLayer;
    /// use tracing_subscriber::layer::SubscriberExt;
    ///
    /// let outside = Console::capture();
    /// let layer = ConsoleLayer::new().with_fallback(outside.clone());
    /// let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));
    /// // No process here, so no node console: the fallback takes the line.
    /// tracing::error!("disk full");
    /// assert_eq!(outside.contents(), "\n[error] disk full\n");
    /// ```
    pub fn with_fallback(mut self, console: Console) -> Self {
        self.fallback = Some(console);
        self
    }

    fn shows(&self, event: &Event<'_>) -> bool {
        let meta = event.metadata();
        if meta.target().starts_with("otp::sasl") {
            return self.sasl
                || crate::process::with_current(|p| p.is_some_and(|p| p.node().sasl_reports()));
        }
        *meta.level() <= self.min_level
    }
}

struct MessageVisitor {
    message: String,
    fields: String,
}

impl Visit for MessageVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={}", field.name(), value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={:?}", field.name(), value);
        }
    }
}

/// The Logger level name Elixir prints for an event.
fn level_name(event: &Event<'_>) -> &'static str {
    let meta = event.metadata();
    if meta.target().starts_with("otp::sasl") {
        return if meta.target().starts_with("otp::sasl::progress") {
            "info"
        } else {
            "error"
        };
    }
    match *meta.level() {
        Level::ERROR => "error",
        Level::WARN => "warning",
        Level::INFO if meta.target().starts_with("otp::application") => "notice",
        Level::INFO => "info",
        _ => "debug",
    }
}

impl<S: Subscriber> Layer<S> for ConsoleLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if !self.shows(event) {
            return;
        }
        let mut visitor = MessageVisitor {
            message: String::new(),
            fields: String::new(),
        };
        event.record(&mut visitor);
        let otp = event.metadata().target().starts_with("otp");
        let text = if otp || visitor.fields.is_empty() {
            visitor.message
        } else {
            format!("{}{}", visitor.message, visitor.fields)
        };
        let console = crate::process::with_current(|p| p.map(|p| p.node().console().clone()))
            .or_else(|| self.fallback.clone())
            .unwrap_or_else(io::console);
        console.write(&format!("\n[{}] {}\n", level_name(event), text));
    }
}

/// Installs, once per program, a global subscriber that prints through [`ConsoleLayer`] with
/// Elixir's defaults and no other filter. Tests that capture output call it (and so does any
/// harness that runs code on a capturing node): a global subscriber is the reliable way to
/// capture events from tests running in parallel threads (tracing caches each call site's
/// interest program-wide, so subscribers set per thread can miss events), and the layer sends
/// each event to the console of the node it came from, so tests stay apart.
/// Returns `false` if another global subscriber was installed first.
///
/// ```
/// use otp_core::{Console, Node, logger};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// assert!(logger::init_console());
/// assert!(logger::init_console(), "installed once; asking again is harmless");
/// // Each node's processes log to that node's console.
/// let (a, b) = (Console::capture(), Console::capture());
/// Node::with_console(a.clone()).run(async { tracing::warn!("from a") }).await.unwrap();
/// Node::with_console(b.clone()).run(async { tracing::warn!("from b") }).await.unwrap();
/// assert_eq!(a.contents(), "\n[warning] from a\n");
/// assert_eq!(b.contents(), "\n[warning] from b\n");
/// # });
/// ```
pub fn init_console() -> bool {
    use std::sync::OnceLock;
    use tracing_subscriber::layer::SubscriberExt;
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    *INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::registry().with(ConsoleLayer::new());
        tracing::subscriber::set_global_default(subscriber).is_ok()
    })
}

/// Installs a global subscriber that prints through [`ConsoleLayer`] with Elixir's defaults,
/// filtered by `RUST_LOG` when it is set. For binaries and examples; returns `false` if a
/// global subscriber was already installed.
///
/// ```
/// use otp_core::logger;
///
/// // At the top of a program's main: RUST_LOG=warn filters, as Logger's level does.
/// assert!(logger::init());
/// assert!(!logger::init(), "only one global subscriber per program");
/// tracing::info!("started");
/// ```
pub fn init() -> bool {
    use tracing_subscriber::layer::SubscriberExt;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("trace"));
    let subscriber = tracing_subscriber::registry()
        .with(filter)
        .with(ConsoleLayer::new());
    tracing::subscriber::set_global_default(subscriber).is_ok()
}
