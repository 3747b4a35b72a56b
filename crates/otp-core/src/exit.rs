//! Exit reasons: why a process exited, or what an exit signal carries.
//!
//! Uses atoms and terms (a reason is any term, as on the BEAM).

use std::fmt;
use std::sync::Arc;

pub use crate::atom::Atom;
use crate::term::{FromTerm, IntoTerm, Term, TermError};

/// Why a process exited, or the reason carried by an exit signal.
///
/// | Elixir / Erlang            | Rust                            |
/// |----------------------------|---------------------------------|
/// | `:normal`                  | `ExitReason::Normal`            |
/// | `:shutdown`                | `ExitReason::Shutdown`          |
/// | `{:shutdown, term}`        | `ExitReason::ShutdownWith(term)`|
/// | `:kill`                    | `ExitReason::Kill`              |
/// | `:killed` (what others see)| `ExitReason::Killed`            |
/// | `:noproc`                  | `ExitReason::NoProc`            |
/// | `:noconnection`            | `ExitReason::NoConnection`      |
/// | any other term             | `ExitReason::Custom(term)`      |
/// | a raised exception         | `ExitReason::Panic(message)`    |
///
/// `Kill` sent as a signal with [`crate::process::exit`] cannot be trapped: the process it
/// reaches dies with `Killed`, which is what its links and monitors see. A process that exits
/// with `Kill` as its own reason (Elixir's `exit(:kill)`) sends it to its links as an ordinary
/// reason (see [`crate::signal`]). `NoConnection` is what the links and monitors of a process
/// on another node see when the connection to that node is lost.
///
/// ```
/// use otp_core::ExitReason;
/// use otp_core::term::Term;
///
/// assert_eq!(ExitReason::custom("we_broke_something").to_string(), ":we_broke_something");
/// assert_eq!(ExitReason::shutdown_with("bye").to_string(), "{:shutdown, :bye}");
/// // Any term: Erlang's {badarith, []}, say, from a process on another node.
/// let badarith = ExitReason::Custom(Term::tuple([Term::atom("badarith"), Term::list([])]));
/// assert_eq!(badarith.to_string(), "{:badarith, []}");
/// assert!(ExitReason::Shutdown.is_clean());
/// assert!(!ExitReason::Killed.is_clean());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum ExitReason {
    /// The process finished its work: `:normal`.
    Normal,
    /// An orderly shutdown, usually asked for by a supervisor: `:shutdown`.
    Shutdown,
    /// An orderly shutdown carrying a term: `{:shutdown, term}`.
    ShutdownWith(Term),
    /// `:kill`. Sent with [`crate::process::exit`] it is the untrappable kill signal, and a
    /// process reached by it dies with [`ExitReason::Killed`].
    Kill,
    /// The reason of a process that was killed: `:killed`.
    Killed,
    /// The process did not exist: `:noproc`.
    NoProc,
    /// The connection to the process's node was lost: `:noconnection`.
    NoConnection,
    /// Any other reason: a term of the program's choosing (an atom, most often).
    Custom(Term),
    /// A panic (Elixir's raised exception), carrying the panic message.
    Panic(Arc<str>),
}

impl ExitReason {
    /// A custom reason, as Elixir's `{:stop, :we_broke_something, state}` carries.
    ///
    /// ```
    /// use otp_core::ExitReason;
    ///
    /// // Elixir: {:stop, :we_broke_something, state}
    /// let reason = ExitReason::custom("we_broke_something");
    /// assert_eq!(reason.to_string(), ":we_broke_something");
    /// assert!(!reason.is_clean(), "a supervisor restarts a transient child after it");
    /// ```
    pub fn custom(reason: impl Into<Atom>) -> Self {
        ExitReason::Custom(Term::Atom(reason.into()))
    }

    /// `{:shutdown, term}`.
    ///
    /// ```
    /// use otp_core::ExitReason;
    ///
    /// // Elixir: {:shutdown, :game_over}
    /// let reason = ExitReason::shutdown_with("game_over");
    /// assert_eq!(reason.to_string(), "{:shutdown, :game_over}");
    /// assert!(reason.is_clean(), "no crash report, no restart of a transient child");
    /// ```
    pub fn shutdown_with(term: impl Into<Atom>) -> Self {
        ExitReason::ShutdownWith(Term::Atom(term.into()))
    }

    /// A panic reason with the given message.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let pid = node
    ///     .spawn(|_inbox: Mailbox<()>| async {
    ///         panic!("Boom");
    ///     })
    ///     .pid();
    /// assert_eq!(pid.wait_exit().await, ExitReason::panic("Boom"));
    /// assert_eq!(ExitReason::panic("Boom").to_string(), "{panic, \"Boom\"}");
    /// # });
    /// ```
    pub fn panic(message: impl AsRef<str>) -> Self {
        ExitReason::Panic(Arc::from(message.as_ref()))
    }

    /// `true` for the reasons OTP treats as a clean exit: `normal`, `shutdown` and
    /// `{shutdown, term}`. A transient child is restarted only after an exit that is not clean,
    /// and a GenServer logs a crash report only for a reason that is not clean.
    ///
    /// ```
    /// use otp_core::ExitReason;
    ///
    /// for clean in [ExitReason::Normal, ExitReason::Shutdown, ExitReason::shutdown_with("bye")] {
    ///     assert!(clean.is_clean(), "{clean}");
    /// }
    /// for abnormal in [ExitReason::Killed, ExitReason::custom("oops"), ExitReason::panic("Boom")] {
    ///     assert!(!abnormal.is_clean(), "{abnormal}");
    /// }
    /// ```
    pub fn is_clean(&self) -> bool {
        matches!(
            self,
            ExitReason::Normal | ExitReason::Shutdown | ExitReason::ShutdownWith(_)
        )
    }

    /// `true` for `:normal`.
    ///
    /// ```
    /// use otp_core::ExitReason;
    ///
    /// assert!(ExitReason::Normal.is_normal());
    /// assert!(!ExitReason::Shutdown.is_normal(), "clean, but not :normal");
    /// ```
    pub fn is_normal(&self) -> bool {
        matches!(self, ExitReason::Normal)
    }

    /// The reason a process dies with when this reason reaches it as an exit signal sent with
    /// [`crate::process::exit`] that it cannot or does not trap: `kill` becomes `killed`, every
    /// other reason stays as it is. (Through a link, `kill` stays `kill`: see
    /// [`crate::signal`].)
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// assert_eq!(ExitReason::Kill.as_death(), ExitReason::Killed);
    /// assert_eq!(ExitReason::Shutdown.as_death(), ExitReason::Shutdown);
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let worker = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
    ///         process::exit(&worker.pid(), ExitReason::Kill);
    ///         // What the process died with, and what its links and monitors see.
    ///         assert_eq!(worker.pid().wait_exit().await, ExitReason::Kill.as_death());
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn as_death(&self) -> ExitReason {
        match self {
            ExitReason::Kill => ExitReason::Killed,
            other => other.clone(),
        }
    }
}

impl fmt::Display for ExitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExitReason::Normal => f.write_str(":normal"),
            ExitReason::Shutdown => f.write_str(":shutdown"),
            ExitReason::ShutdownWith(term) => {
                f.write_str("{:shutdown, ")?;
                write_reason_term(f, term)?;
                f.write_str("}")
            }
            ExitReason::Kill => f.write_str(":kill"),
            ExitReason::Killed => f.write_str(":killed"),
            ExitReason::NoProc => f.write_str(":noproc"),
            ExitReason::NoConnection => f.write_str(":noconnection"),
            ExitReason::Custom(term) => write_reason_term(f, term),
            ExitReason::Panic(message) => write!(f, "{{panic, {message:?}}}"),
        }
    }
}

/// An atom prints as [`Atom`] prints it (a Rust path or a module name as it is); any other
/// term as Elixir's `inspect` prints it.
fn write_reason_term(f: &mut fmt::Formatter<'_>, term: &Term) -> fmt::Result {
    match term {
        Term::Atom(atom) => write!(f, "{atom}"),
        other => write!(f, "{other}"),
    }
}

impl fmt::Debug for ExitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The module of the exception a panic travels as.
const PANIC_EXCEPTION: &str = "Elixir.RuntimeError";

/// An exit reason as OTP spells it.
///
/// | [`ExitReason`]          | term                                            |
/// |-------------------------|-------------------------------------------------|
/// | `Normal`, `Shutdown`    | `:normal`, `:shutdown`                          |
/// | `ShutdownWith(t)`       | `{:shutdown, t}`                                |
/// | `Kill`, `Killed`, `NoProc`, `NoConnection` | `:kill`, `:killed`, `:noproc`, `:noconnection` |
/// | `Custom(t)`             | `t`                                             |
/// | `Panic(message)`        | `{%RuntimeError{message: message}, []}`, what an Elixir process that raised exits with (its stack trace empty) |
///
/// ```
/// use otp_core::ExitReason;
/// use otp_core::term::IntoTerm;
///
/// assert_eq!(ExitReason::shutdown_with("bye").into_term().to_string(), "{:shutdown, :bye}");
/// assert_eq!(
///     ExitReason::panic("boom").into_term().to_string(),
///     "{%RuntimeError{message: \"boom\"}, []}"
/// );
/// ```
impl IntoTerm for ExitReason {
    fn into_term(self) -> Term {
        match self {
            ExitReason::Normal => Term::atom("normal"),
            ExitReason::Shutdown => Term::atom("shutdown"),
            ExitReason::ShutdownWith(term) => Term::tuple([Term::atom("shutdown"), term]),
            ExitReason::Kill => Term::atom("kill"),
            ExitReason::Killed => Term::atom("killed"),
            ExitReason::NoProc => Term::atom("noproc"),
            ExitReason::NoConnection => Term::atom("noconnection"),
            ExitReason::Custom(term) => term,
            ExitReason::Panic(message) => {
                let exception = Term::map([
                    (Term::atom("__struct__"), Term::atom(PANIC_EXCEPTION)),
                    (Term::atom("__exception__"), Term::atom("true")),
                    (Term::atom("message"), Term::from(&*message)),
                ]);
                Term::tuple([exception, Term::List(Vec::new())])
            }
        }
    }
}

/// Reads any term as an exit reason; this never fails, since any term can be a reason.
///
/// The atoms and tuples of the table on [`IntoTerm`] map back to their variants, and so does
/// any `{exception, stacktrace}` whose exception has a `message` (an Elixir process that
/// raised): it becomes [`ExitReason::Panic`]. Every other term becomes
/// [`ExitReason::Custom`] holding it unchanged (Erlang's `{badarith, Stack}`, say), so a reason
/// that crosses from one node to another and back is the same term.
///
/// ```
/// use otp_core::ExitReason;
/// use otp_core::term::{FromTerm, IntoTerm, Term};
///
/// for reason in [ExitReason::Normal, ExitReason::shutdown_with("bye"), ExitReason::panic("boom")] {
///     assert_eq!(ExitReason::from_term(reason.clone().into_term()), Ok(reason));
/// }
/// let badarith = Term::tuple([Term::atom("badarith"), Term::list([])]);
/// let reason = ExitReason::from_term(badarith.clone()).unwrap();
/// assert_eq!(reason, ExitReason::Custom(badarith.clone()));
/// assert_eq!(reason.into_term(), badarith);
/// ```
impl FromTerm for ExitReason {
    fn from_term(term: Term) -> Result<Self, TermError> {
        Ok(match term {
            Term::Atom(atom) => match atom.as_str() {
                "normal" => ExitReason::Normal,
                "shutdown" => ExitReason::Shutdown,
                "kill" => ExitReason::Kill,
                "killed" => ExitReason::Killed,
                "noproc" => ExitReason::NoProc,
                "noconnection" => ExitReason::NoConnection,
                _ => ExitReason::Custom(Term::Atom(atom)),
            },
            Term::Tuple(mut pair) if pair.len() == 2 && pair[0].is_atom("shutdown") => {
                ExitReason::ShutdownWith(pair.pop().unwrap_or_else(|| Term::List(Vec::new())))
            }
            Term::Tuple(pair) if pair.len() == 2 => match exception_message(&pair[0]) {
                Some(message) => ExitReason::panic(message),
                None => ExitReason::Custom(Term::Tuple(pair)),
            },
            other => ExitReason::Custom(other),
        })
    }
}

/// The `message` of an Elixir exception struct.
fn exception_message(term: &Term) -> Option<&str> {
    let map = term.as_map()?;
    if !map.get(&Term::atom("__exception__"))?.is_atom("true") {
        return None;
    }
    map.get(&Term::atom("message"))?.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exit_reason_round_trips() {
        for reason in [
            ExitReason::Normal,
            ExitReason::Shutdown,
            ExitReason::shutdown_with("bye"),
            ExitReason::Kill,
            ExitReason::Killed,
            ExitReason::NoProc,
            ExitReason::NoConnection,
            ExitReason::Custom(Term::tuple([Term::atom("badarith"), Term::list([])])),
            ExitReason::panic("boom"),
        ] {
            assert_eq!(
                ExitReason::from_term(reason.clone().into_term()),
                Ok(reason)
            );
        }
    }

    #[test]
    fn clean_reasons() {
        assert!(ExitReason::Normal.is_clean());
        assert!(ExitReason::shutdown_with("bye").is_clean());
        assert!(!ExitReason::custom("boom").is_clean());
        assert!(!ExitReason::panic("Boom").is_clean());
        assert!(!ExitReason::Kill.is_clean());
        assert_eq!(ExitReason::Kill.as_death(), ExitReason::Killed);
        assert_eq!(ExitReason::Shutdown.as_death(), ExitReason::Shutdown);
    }

    #[test]
    fn reasons_print_like_elixir() {
        assert_eq!(ExitReason::Killed.to_string(), ":killed");
        assert_eq!(ExitReason::panic("Boom").to_string(), "{panic, \"Boom\"}");
    }
}
