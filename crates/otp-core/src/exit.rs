//! Exit reasons, and the atom-like names they and process names are made of.

use std::fmt;
use std::sync::Arc;

/// An atom-like name: `:superman`, `SuperDuper.Supervisor`.
///
/// Elixir names processes and reasons with atoms. Rust has no atoms, so an [`Atom`] is a cheap
/// shared string that *prints* the way Elixir's `inspect` prints an atom: `:superman`, with a
/// leading colon; `SuperDuper.Supervisor` as-is, because it looks like a module name; and
/// `:"two words"` quoted when it is not a plain identifier.
///
/// ```
/// use otp_core::Atom;
/// assert_eq!(Atom::from("superman").to_string(), ":superman");
/// assert_eq!(Atom::from("SuperDuper.Supervisor").to_string(), "SuperDuper.Supervisor");
/// assert_eq!(Atom::from("two words").to_string(), ":\"two words\"");
/// assert_eq!(Atom::from("superman").as_str(), "superman");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Atom(Arc<str>);

impl Atom {
    /// Makes an atom from any string.
    ///
    /// ```
    /// use otp_core::Atom;
    ///
    /// let name = String::from("super_duper");
    /// assert_eq!(Atom::new(&name).to_string(), ":super_duper");
    /// assert_eq!(Atom::new("valid?").to_string(), ":valid?");
    /// assert_eq!(Atom::new("Egg.timer").to_string(), ":\"Egg.timer\"", "not a module name");
    /// ```
    pub fn new(name: impl AsRef<str>) -> Self {
        Atom(Arc::from(name.as_ref()))
    }

    /// The atom's text, without the colon.
    ///
    /// ```
    /// use otp_core::Atom;
    ///
    /// let module = Atom::from("SuperDuper.Supervisor");
    /// assert_eq!(module.as_str(), "SuperDuper.Supervisor");
    /// assert_eq!(Atom::from("superman").as_str(), "superman", "no colon");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn looks_like_module(s: &str) -> bool {
        // A Rust path (`super_duper::server::Server`) is a module name too.
        if s.contains("::") {
            return s.split("::").all(|part| {
                let mut chars = part.chars();
                matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
                    && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
        }
        s.split('.').all(|part| {
            let mut chars = part.chars();
            matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    }

    fn is_plain_identifier(s: &str) -> bool {
        let mut chars = s.chars().peekable();
        match chars.next() {
            Some(c) if c.is_ascii_lowercase() || c == '_' => {}
            _ => return false,
        }
        let body: Vec<char> = chars.collect();
        let (last, rest) = match body.split_last() {
            Some((last, rest)) => (Some(*last), rest),
            None => (None, &body[..]),
        };
        rest.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '@')
            && last.is_none_or(|c| c.is_ascii_alphanumeric() || "_@?!".contains(c))
    }
}

impl From<&str> for Atom {
    fn from(s: &str) -> Self {
        Atom::new(s)
    }
}

impl From<String> for Atom {
    fn from(s: String) -> Self {
        Atom(Arc::from(s))
    }
}

impl From<&String> for Atom {
    fn from(s: &String) -> Self {
        Atom::new(s)
    }
}

impl From<&Atom> for Atom {
    fn from(a: &Atom) -> Self {
        a.clone()
    }
}

impl AsRef<str> for Atom {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Atom {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Atom {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &*self.0;
        if Self::looks_like_module(s) {
            f.write_str(s)
        } else if Self::is_plain_identifier(s) {
            write!(f, ":{s}")
        } else {
            write!(f, ":{s:?}")
        }
    }
}

impl fmt::Debug for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a process exited, or the reason carried by an exit signal.
///
/// | Elixir / Erlang            | Rust                            |
/// |----------------------------|---------------------------------|
/// | `:normal`                  | `ExitReason::Normal`            |
/// | `:shutdown`                | `ExitReason::Shutdown`          |
/// | `{:shutdown, term}`        | `ExitReason::ShutdownWith(atom)`|
/// | `:kill`                    | `ExitReason::Kill`              |
/// | `:killed` (what others see)| `ExitReason::Killed`            |
/// | `:noproc`                  | `ExitReason::NoProc`            |
/// | any other term             | `ExitReason::Custom(atom)`      |
/// | a raised exception         | `ExitReason::Panic(message)`    |
///
/// `Kill` sent as a signal with [`crate::process::exit`] cannot be trapped: the process it
/// reaches dies with `Killed`, which is what its links and monitors see. A process that exits
/// with `Kill` as its own reason (Elixir's `exit(:kill)`) sends it to its links as an ordinary
/// reason (see [`crate::signal`]).
///
/// ```
/// use otp_core::ExitReason;
/// assert_eq!(ExitReason::custom("we_broke_something").to_string(), ":we_broke_something");
/// assert_eq!(ExitReason::shutdown_with("bye").to_string(), "{:shutdown, :bye}");
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
    ShutdownWith(Atom),
    /// `:kill`. Sent with [`crate::process::exit`] it is the untrappable kill signal, and a
    /// process reached by it dies with [`ExitReason::Killed`].
    Kill,
    /// The reason of a process that was killed: `:killed`.
    Killed,
    /// The process did not exist: `:noproc`.
    NoProc,
    /// Any other reason: a term of the program's choosing.
    Custom(Atom),
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
        ExitReason::Custom(reason.into())
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
        ExitReason::ShutdownWith(term.into())
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
            ExitReason::ShutdownWith(term) => write!(f, "{{:shutdown, {term}}}"),
            ExitReason::Kill => f.write_str(":kill"),
            ExitReason::Killed => f.write_str(":killed"),
            ExitReason::NoProc => f.write_str(":noproc"),
            ExitReason::Custom(term) => write!(f, "{term}"),
            ExitReason::Panic(message) => write!(f, "{{panic, {message:?}}}"),
        }
    }
}

impl fmt::Debug for ExitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoms_print_like_elixir() {
        assert_eq!(Atom::from("ok").to_string(), ":ok");
        assert_eq!(Atom::from("valid?").to_string(), ":valid?");
        assert_eq!(Atom::from("EggTimer.Server").to_string(), "EggTimer.Server");
        assert_eq!(Atom::from("Egg.timer").to_string(), ":\"Egg.timer\"");
        assert_eq!(Atom::from("").to_string(), ":\"\"");
        assert_eq!(Atom::from("9lives").to_string(), ":\"9lives\"");
        assert_eq!(
            Atom::from("egg_timer::server::Server").to_string(),
            "egg_timer::server::Server"
        );
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
