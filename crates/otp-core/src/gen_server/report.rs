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
    Call(Option<u64>),
    Cast,
    Info,
    Continue,
    Stop,
}

/// The crash report's memory of the message being handled. A callback takes its message by
/// value, so the message is gone once the callback panics; the report can only print what was
/// written down before. Formatting every message costs time, so it is done only when a `tracing`
/// subscriber is installed (checked once when the server starts), into one reused buffer.
pub(super) struct LastMessage {
    pub(super) on: bool,
    pub(super) text: String,
}

impl LastMessage {
    #[inline]
    pub(super) fn record(&mut self, msg: &dyn fmt::Debug) {
        if self.on {
            self.write(msg);
        }
    }

    #[cold]
    fn write(&mut self, msg: &dyn fmt::Debug) {
        use fmt::Write as _;
        self.text.clear();
        let _ = write!(self.text, "{msg:?}");
    }

    pub(super) fn record_text(&mut self, text: impl FnOnce() -> String) {
        if self.on {
            self.text = text();
        }
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

/// Logs the crash report of a server that stops with an unclean reason, as Elixir's
/// `GenServer <name> terminating` report reads: the reason, the last message (`last`, written
/// down when it came, of the kind `kind`), and the state. `name` is the server's registered
/// name; the calling server's pid is printed when it has none.
pub(super) fn crash<S: GenServer>(
    name: &Option<Name>,
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
    let last = match kind {
        Kind::Call(Some(from)) => {
            format!("Last message (from #PID<0.{from}.0>): {}", last.text)
        }
        Kind::Call(None) => format!("Last message: {}", last.text),
        Kind::Cast => format!("Last message: {{:\"$gen_cast\", {}}}", last.text),
        Kind::Info | Kind::Stop => format!("Last message: {}", last.text),
        Kind::Continue => format!("Last message: {{:continue, {}}}", last.text),
    };
    tracing::error!(
        target: "otp::gen_server",
        "GenServer {} terminating\n{}\n{}\nState: {}",
        label,
        format_stop(reason),
        last,
        state.format_status()
    );
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
