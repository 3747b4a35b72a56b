//! What an exit signal does to the process it reaches: a pure decision, with no tasks in it.
//!
//! The process layer asks [`on_exit_signal`] and carries out the answer. The rules are OTP's
//! (see `erlang:exit/2` and the reference manual's section on processes):
//!
//! | signal reason              | trapping exits               | not trapping exits              |
//! |----------------------------|------------------------------|---------------------------------|
//! | `kill`, sent with `exit/2` | dies with `killed`           | dies with `killed`              |
//! | `normal`                   | gets `{:EXIT, from, normal}` | ignored (unless sent to itself) |
//! | anything else              | gets `{:EXIT, from, reason}` | dies with that reason           |
//!
//! A link carries the reason the linked process died with. A process killed by `kill` died
//! with `killed`, so that is what its links see, and it is trappable. A process that exited
//! with the reason `kill` itself (Elixir's `exit(:kill)`) sends `kill` through its links as an
//! ordinary reason: trapped, it is an `{:EXIT, from, :kill}` message; not trapped, the linked
//! process dies with `kill`. Only `kill` sent with `exit/2` is untrappable.

use crate::exit::ExitReason;

/// How a signal was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalKind {
    /// A linked process died; the signal carries its exit reason.
    Link,
    /// Someone called `exit(pid, reason)`.
    Exit {
        /// The sender is the receiving process itself.
        from_self: bool,
    },
}

/// What the receiving process does with an exit signal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignalAction {
    /// Nothing happens.
    Ignore,
    /// The signal becomes a `{:EXIT, from, reason}` message in the mailbox.
    Deliver(ExitReason),
    /// The process exits with this reason.
    Die(ExitReason),
}

/// Decides what an exit signal does to a process, given whether it traps exits.
///
/// ```
/// use otp_core::signal::{on_exit_signal, SignalAction, SignalKind};
/// use otp_core::ExitReason;
/// let exit = SignalKind::Exit { from_self: false };
/// assert_eq!(on_exit_signal(false, &ExitReason::Kill, exit), SignalAction::Die(ExitReason::Killed));
/// assert_eq!(on_exit_signal(true, &ExitReason::Kill, exit), SignalAction::Die(ExitReason::Killed));
/// assert_eq!(on_exit_signal(false, &ExitReason::Normal, SignalKind::Link), SignalAction::Ignore);
/// // A linked process that exited with `kill` itself: an ordinary reason.
/// assert_eq!(
///     on_exit_signal(true, &ExitReason::Kill, SignalKind::Link),
///     SignalAction::Deliver(ExitReason::Kill)
/// );
/// assert_eq!(
///     on_exit_signal(true, &ExitReason::Shutdown, SignalKind::Link),
///     SignalAction::Deliver(ExitReason::Shutdown)
/// );
/// ```
pub fn on_exit_signal(trapping: bool, reason: &ExitReason, kind: SignalKind) -> SignalAction {
    match (reason, kind) {
        // `kill` sent with exit/2 cannot be trapped. Through a link it is the reason of a
        // process that exited with `kill` itself: ordinary, like any other.
        (ExitReason::Kill, SignalKind::Exit { .. }) => SignalAction::Die(ExitReason::Killed),
        (reason, _) if trapping => SignalAction::Deliver(reason.clone()),
        (ExitReason::Normal, SignalKind::Exit { from_self: true }) => {
            SignalAction::Die(ExitReason::Normal)
        }
        (ExitReason::Normal, _) => SignalAction::Ignore,
        (reason, _) => SignalAction::Die(reason.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons() -> Vec<ExitReason> {
        vec![
            ExitReason::Normal,
            ExitReason::Shutdown,
            ExitReason::shutdown_with("bye"),
            ExitReason::Kill,
            ExitReason::Killed,
            ExitReason::NoProc,
            ExitReason::custom("custom"),
            ExitReason::panic("Boom"),
        ]
    }

    /// The whole table, written out as the OTP rules state it, compared with the function for
    /// every reason, both trap settings and every kind of sender.
    #[test]
    fn matches_the_otp_table_everywhere() {
        let kinds = [
            SignalKind::Link,
            SignalKind::Exit { from_self: false },
            SignalKind::Exit { from_self: true },
        ];
        for reason in reasons() {
            for trapping in [false, true] {
                for kind in kinds {
                    let expected = if reason == ExitReason::Kill && kind != SignalKind::Link {
                        SignalAction::Die(ExitReason::Killed)
                    } else if trapping {
                        SignalAction::Deliver(reason.clone())
                    } else if reason == ExitReason::Normal {
                        if kind == (SignalKind::Exit { from_self: true }) {
                            SignalAction::Die(ExitReason::Normal)
                        } else {
                            SignalAction::Ignore
                        }
                    } else {
                        SignalAction::Die(reason.clone())
                    };
                    assert_eq!(
                        on_exit_signal(trapping, &reason, kind),
                        expected,
                        "reason {reason}, trapping {trapping}, {kind:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn killed_from_a_link_is_trappable() {
        assert_eq!(
            on_exit_signal(true, &ExitReason::Killed, SignalKind::Link),
            SignalAction::Deliver(ExitReason::Killed)
        );
        assert_eq!(
            on_exit_signal(false, &ExitReason::Killed, SignalKind::Link),
            SignalAction::Die(ExitReason::Killed)
        );
    }
}
