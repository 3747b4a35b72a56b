//! The core: characters as plain data. No processes here.
//!
//! Chapter 3's program knew three characters by name, each with a quote fixed in the code.
//! Chapter 4 keeps those three and lets new ones come from data: a name and a quote. Both kinds
//! end up as the same value, a [`Character`], which is all a server needs to play one.
//!
//! | Elixir (`SuperDuper.Core`)             | Rust                                        |
//! |----------------------------------------|---------------------------------------------|
//! | `say(:superman)`                       | [`say`]`("superman")` (`None` for a stranger) |
//! | `info(:superman)` = `{name, say(name)}`| [`info`]`("superman")`                      |
//! | `{:yoshi, "Yoshi do! Yoshi do!"}`      | [`Character::new`]`("yoshi", "Yoshi do! Yoshi do!")` |

use std::fmt;

use otp_core::Atom;

// ANCHOR: quotes
/// The three characters chapter 3 starts with, in the order the supervisor starts them, and
/// what each one says.
pub const STATIC_CHARACTERS: [(&str, &str); 3] = [
    (
        "superdave",
        "Next time you shoot a bullet at a metal object, watch the ricochet.",
    ),
    (
        "superman",
        "It doesn't take X-Ray Vision to see you are up to no good.",
    ),
    ("supermario", "Hoo hoo! Just what I needed!"),
];

/// What a static character says; `None` for a name that is not one of the three.
pub fn say(name: &str) -> Option<&'static str> {
    STATIC_CHARACTERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, says)| *says)
}
// ANCHOR_END: quotes

// ANCHOR: character
/// A character: a name and what it says. The book's `{name, says}` tuple, which is also the
/// state of the server that plays it, so it prints like the tuple:
/// `{:supernova, "Expanding at light speed"}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Character {
    /// The character's name: the server's registered name and its child id.
    pub name: Atom,
    /// Its quote.
    pub says: String,
}

impl Character {
    /// A character from data: `{:yoshi, "Yoshi do! Yoshi do!"}`.
    pub fn new(name: impl Into<Atom>, says: impl Into<String>) -> Self {
        Character {
            name: name.into(),
            says: says.into(),
        }
    }

    /// One of the three static characters, with its quote from the code; `None` for any
    /// other name.
    pub fn known(name: &str) -> Option<Self> {
        say(name).map(|says| Character::new(name, says))
    }
}

/// `info(name)`: a static character as data, `{name, say(name)}`.
pub fn info(name: &str) -> Option<Character> {
    Character::known(name)
}

/// The three static characters, in start order.
pub fn static_characters() -> Vec<Character> {
    STATIC_CHARACTERS
        .iter()
        .map(|(name, says)| Character::new(*name, *says))
        .collect()
}
// ANCHOR_END: character

impl fmt::Debug for Character {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{:?}, {:?}}}", self.name, self.says)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_static_characters_say_their_lines() {
        assert_eq!(say("supermario"), Some("Hoo hoo! Just what I needed!"));
        assert_eq!(
            say("superdave"),
            Some("Next time you shoot a bullet at a metal object, watch the ricochet.")
        );
        assert_eq!(
            say("superman"),
            Some("It doesn't take X-Ray Vision to see you are up to no good.")
        );
        assert_eq!(say("yoshi"), None, "a stranger has no line in the code");
    }

    #[test]
    fn a_character_prints_like_the_books_tuple() {
        let c = Character::new("supernova", "Expanding at light speed");
        assert_eq!(
            format!("{c:?}"),
            "{:supernova, \"Expanding at light speed\"}"
        );
    }

    #[test]
    fn static_characters_come_in_start_order_and_match_info() {
        let all = static_characters();
        let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["superdave", "superman", "supermario"]);
        for c in &all {
            assert_eq!(info(c.name.as_str()).as_ref(), Some(c));
        }
        assert_eq!(info("yoshi"), None);
    }
}
