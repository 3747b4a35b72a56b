//! The crash report: what a server logs when it stops with an unclean reason, and what it
//! remembers of the message it was handling, to print it. (The other report, of a message
//! `handle_info` did not expect, is the behaviour's default and lives with it.)
//!
//! Uses the behaviour ([`super::behaviour`]), exit reasons, names and the current process.

use std::fmt;

use crate::exit::ExitReason;
use crate::name::Name;
use crate::process;

use super::behaviour::GenServer;

/// What the loop was handling, for the crash report's "Last message".
#[derive(Clone, Copy)]
pub(super) enum Kind {
    /// A call, from the process numbered `caller` (none from outside any process), which is
    /// still `waiting` for its reply, or not (it gave up, or the reply was deferred).
    Call {
        caller: Option<u64>,
        waiting: bool,
    },
    Cast,
    Info,
    Continue,
    /// `GenServer.stop`: no message of the server's own (gen_server reports `[]`).
    Stop,
}

/// The crash report's memory of the message being handled. A callback takes its message by
/// value, so the message is gone once the callback panics; the report can only print what was
/// written down before. Formatting every message costs time, so it is done only when a `tracing`
/// subscriber is installed (checked once when the server starts), into one reused buffer. The
/// buffer is boxed, and there only then: every server's loop carries this, on or off.
pub(super) struct LastMessage {
    // Boxed on purpose: 8 B in every server's loop instead of a `String`'s 24 B.
    #[allow(clippy::box_collection)]
    text: Option<Box<String>>,
}

impl LastMessage {
    /// On when a `tracing` subscriber is installed.
    pub(super) fn new() -> Self {
        let on = tracing::dispatcher::get_default(|d| !d.is::<tracing::subscriber::NoSubscriber>());
        LastMessage {
            text: on.then(Box::default),
        }
    }

    #[inline]
    pub(super) fn record(&mut self, msg: &dyn fmt::Debug) {
        if let Some(text) = &mut self.text {
            Self::write(text, msg);
        }
    }

    #[cold]
    fn write(text: &mut String, msg: &dyn fmt::Debug) {
        use fmt::Write as _;
        text.clear();
        let _ = write!(text, "{msg:?}");
    }

    pub(super) fn record_text(&mut self, make: impl FnOnce() -> String) {
        if let Some(text) = &mut self.text {
            **text = make();
        }
    }

    /// What was written down last (empty when off).
    fn text(&self) -> &str {
        self.text.as_deref().map_or("", String::as_str)
    }
}

/// How Elixir's `Exception.format_exit/1` prints a stop reason.
fn format_stop(reason: &ExitReason) -> String {
    match reason {
        ExitReason::Panic(message) => format!("** (panic) {message}"),
        ExitReason::Killed => "** (stop) killed".to_string(),
        ExitReason::NoProc => "** (stop) no process".to_string(),
        other => format!("** (stop) {other}"),
    }
}

/// Logs the crash report of a server that stops with an unclean reason, as Elixir's Logger
/// translator prints gen_server's report: `GenServer <name> terminating`, the reason, the last
/// message (`last`, written down when it came, of the kind `kind`), the state, and for a call
/// the client: `name` is the server's registered name (its pid is printed when it has none).
///
/// The client of a call is named by its registered name when it has one, as gen_server does.
/// A client still alive is followed by where it is: Elixir prints its current stack trace; a
/// client waiting for this reply is in `call_timeout` (which `call` is), the one frame this
/// runtime knows, and of a client that gave up waiting nothing more is known.
pub(super) fn crash<S: GenServer>(
    name: Option<&Name>,
    last: &LastMessage,
    state: &S,
    reason: &ExitReason,
    kind: Kind,
) {
    if reason.is_clean() {
        return;
    }
    let label = match name {
        Some(n) => n.to_string(),
        None => process::self_pid().to_string(),
    };
    let mut client = String::new();
    let last = match kind {
        Kind::Call {
            caller: Some(id),
            waiting,
        } => {
            let pid_text = format!("#PID<0.{id}.0>");
            let alive = process::with_current(|me| me.and_then(|me| me.node().process(id)));
            let from = match &alive {
                Some(pid) => {
                    let named = process::info(pid).and_then(|info| info.registered_name);
                    let from = named.map_or_else(|| pid_text.clone(), |n| n.to_string());
                    client = format!("\nClient {from} is alive");
                    if waiting {
                        client.push_str("\n\n    (otp_core) gen_server::call_timeout/3");
                    }
                    from
                }
                None => {
                    client = format!("\nClient {pid_text} is dead");
                    pid_text
                }
            };
            format!("Last message (from {from}): {}", last.text())
        }
        Kind::Call { caller: None, .. } => format!("Last message: {}", last.text()),
        Kind::Cast => format!("Last message: {{:\"$gen_cast\", {}}}", last.text()),
        Kind::Info => format!("Last message: {}", last.text()),
        Kind::Stop => "Last message: []".to_string(),
        Kind::Continue => format!("Last message: {{:continue, {}}}", last.text()),
    };
    tracing::error!(
        target: "otp::gen_server",
        "GenServer {} terminating\n{}\n{}\nState: {}{}",
        label,
        format_stop(reason),
        last,
        status(state),
        client
    );
}

/// The state as `format_status` prints it; if that panics, a line saying so, as gen_server puts
/// in its report: the crash being reported stays the one that happened, and is reported once.
fn status<S: GenServer>(state: &S) -> String {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| state.format_status()))
        .unwrap_or_else(|_| format!("{}:format_status/1 crashed", S::module()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_reasons_print_like_elixir() {
        assert_eq!(
            format_stop(&ExitReason::custom("we_broke_something")),
            "** (stop) :we_broke_something"
        );
        assert_eq!(format_stop(&ExitReason::Killed), "** (stop) killed");
        assert_eq!(format_stop(&ExitReason::panic("Boom")), "** (panic) Boom");
    }
}
