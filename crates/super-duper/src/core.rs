//! The characters' core: who they are and what they say. Pure data, no processes.
//!
//! | Elixir (`SuperDuper.Core`)          | Rust                                        |
//! |-------------------------------------|---------------------------------------------|
//! | `say(:superman)`                    | [`say`]`("superman")`                       |
//! | `info(:superman)` -> `{name, quote}`| [`info`]`("superman")` -> [`Character`]     |
//! | `FunctionClauseError` for a stranger| `Err(`[`UnknownCharacter`]`)`               |
//!
//! The book's `say/1` has one clause per character, so any other name raises. Here the same
//! question answers with an error that names the stranger.

use std::fmt;
use std::sync::Arc;

use otp_core::Atom;

// ANCHOR: core
/// The three characters of the chapter, in the order the supervisor starts them.
pub const CHARACTERS: [&str; 3] = ["superdave", "superman", "supermario"];

/// What a character says: its catchphrase.
pub fn say(name: &str) -> Result<&'static str, UnknownCharacter> {
    match name {
        "superdave" => Ok("Next time you shoot a bullet at a metal object, watch the ricochet."),
        "superman" => Ok("It doesn't take X-Ray Vision to see you are up to no good."),
        "supermario" => Ok("Hoo hoo! Just what I needed!"),
        other => Err(UnknownCharacter(other.to_string())),
    }
}

/// A character's name and quote together: Elixir's `{name, say(name)}`, and the state a
/// character's server keeps.
pub fn info(name: &str) -> Result<Character, UnknownCharacter> {
    say(name).map(|quote| Character::new(name, quote))
}
// ANCHOR_END: core

/// A character: a name and a quote. Prints as Elixir prints the book's `{name, quote}` tuple:
/// `{:superman, "It doesn't take X-Ray Vision to see you are up to no good."}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Character {
    name: Atom,
    quote: Arc<str>,
}

impl Character {
    /// A character of any name and quote (the three of [`CHARACTERS`] come from [`info`]).
    pub fn new(name: impl Into<Atom>, quote: impl AsRef<str>) -> Self {
        Character {
            name: name.into(),
            quote: Arc::from(quote.as_ref()),
        }
    }

    /// The character's name, which is also its server's registered name.
    pub fn name(&self) -> &Atom {
        &self.name
    }

    /// What the character says.
    pub fn quote(&self) -> &str {
        &self.quote
    }
}

impl fmt::Debug for Character {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}, {:?}}}", self.name, &*self.quote)
    }
}

/// A name that is not one of the [`CHARACTERS`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no character is named {0:?}; the characters are superdave, superman and supermario")]
pub struct UnknownCharacter(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_has_its_quote() {
        assert_eq!(
            say("superdave"),
            Ok("Next time you shoot a bullet at a metal object, watch the ricochet.")
        );
        assert_eq!(
            say("superman"),
            Ok("It doesn't take X-Ray Vision to see you are up to no good.")
        );
        assert_eq!(say("supermario"), Ok("Hoo hoo! Just what I needed!"));
    }

    #[test]
    fn info_pairs_the_name_with_the_quote_and_prints_like_the_tuple() {
        let mario = info("supermario").unwrap();
        assert_eq!(mario.name().as_str(), "supermario");
        assert_eq!(mario.quote(), "Hoo hoo! Just what I needed!");
        assert_eq!(
            format!("{mario:?}"),
            "{:supermario, \"Hoo hoo! Just what I needed!\"}"
        );
        for name in CHARACTERS {
            assert_eq!(info(name).unwrap().quote(), say(name).unwrap());
        }
    }

    #[test]
    fn a_stranger_is_an_error_that_names_it() {
        let err = info("superbad").unwrap_err();
        assert_eq!(err, UnknownCharacter("superbad".to_string()));
        assert!(err.to_string().contains("\"superbad\""));
        assert_eq!(say(""), Err(UnknownCharacter(String::new())));
    }

    #[test]
    fn quotes_with_quotes_in_them_are_escaped_when_printed() {
        let freak = Character::new("superfreak", "She's \"alright\"");
        assert_eq!(
            format!("{freak:?}"),
            "{:superfreak, \"She's \\\"alright\\\"\"}"
        );
    }
}
