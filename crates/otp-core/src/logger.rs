//! Log lines in Elixir's Logger shape, on the console of the node they come from.
//!
//! The runtime reports through `tracing`: crash reports at `ERROR` (target `otp::gen_server`,
//! `otp::process`), supervisor reports at `DEBUG` under `otp::sasl` (hidden by default, as
//! Elixir hides SASL reports), application notices at `INFO` under `otp::application`.
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
//! [`crate::io`]), so a scene's captured output holds its log lines in order. Timestamps are
//! left out so that output is the same on every run.
//!
//! Install the subscriber before starting the servers whose crash reports you want: a
//! GenServer checks once, when it starts, whether anyone listens, and only then records the
//! messages its crash report would print. [`crate::shell`] installs it for scenes; tests that
//! capture crash reports call [`init_console`] first.
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
    pub fn new() -> Self {
        ConsoleLayer {
            min_level: Level::INFO,
            sasl: false,
            fallback: None,
        }
    }

    /// Also shows supervisor reports (Elixir's `handle_sasl_reports: true`).
    pub fn with_sasl_reports(mut self, on: bool) -> Self {
        self.sasl = on;
        self
    }

    /// Shows events at `level` and above.
    pub fn with_min_level(mut self, level: Level) -> Self {
        self.min_level = level;
        self
    }

    /// Where events from outside any process go (standard output by default).
    pub fn with_fallback(mut self, console: Console) -> Self {
        self.fallback = Some(console);
        self
    }

    fn shows(&self, event: &Event<'_>) -> bool {
        let meta = event.metadata();
        if meta.target().starts_with("otp::sasl") {
            return self.sasl;
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
/// Elixir's defaults and no other filter. Tests and scenes call it: a global subscriber is the
/// reliable way to capture events from tests running in parallel threads (tracing caches each
/// call site's interest program-wide, so subscribers set per thread can miss events), and the
/// layer sends each event to the console of the node it came from, so tests stay apart.
/// Returns `false` if another global subscriber was installed first.
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
pub fn init() -> bool {
    use tracing_subscriber::layer::SubscriberExt;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("trace"));
    let subscriber = tracing_subscriber::registry()
        .with(filter)
        .with(ConsoleLayer::new());
    tracing::subscriber::set_global_default(subscriber).is_ok()
}
