//! Atoms: the names processes, nodes and exit reasons are made of.

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
}
