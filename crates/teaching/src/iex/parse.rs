//! Reading what a reader types: words, pids, durations and usage lines. Pure functions.

use std::fmt;

/// One word of an input line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Word {
    pub(crate) text: String,
    /// Written in double quotes: taken as text, never as a variable or a name.
    pub(crate) quoted: bool,
}

/// Why a line could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError(pub(crate) String);

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Splits a line into words. Spaces, commas and parentheses separate words, so both
/// `say superman` and `say(:superman)` read as `say`, `:superman`; double quotes keep spaces
/// inside a word (`add_character supergirl "Flies high"`), with `\"` and `\\` as escapes.
pub(crate) fn words(line: &str) -> Result<Vec<Word>, SyntaxError> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    let mut current = String::new();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() || c == ',' || c == '(' || c == ')' => {
                if !current.is_empty() {
                    out.push(Word {
                        text: std::mem::take(&mut current),
                        quoted: false,
                    });
                }
            }
            '"' if current.is_empty() => {
                let mut text = String::new();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => match chars.next() {
                            Some(escaped) => text.push(escaped),
                            None => break,
                        },
                        c => text.push(c),
                    }
                }
                if !closed {
                    return Err(SyntaxError(
                        "missing terminator: \" (a quote is open)".into(),
                    ));
                }
                out.push(Word { text, quoted: true });
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(Word {
            text: current,
            quoted: false,
        });
    }
    Ok(out)
}

/// `true` for a name a value can be bound to: `calc`, `sup2`, `new_pid`.
pub(crate) fn is_variable(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The `N` of a pid written as `#PID<0.N.0>`, `<0.N.0>` or `0.N.0`.
pub(crate) fn pid_number(word: &str) -> Option<u64> {
    let inner = word
        .strip_prefix("#PID<")
        .and_then(|w| w.strip_suffix('>'))
        .or_else(|| word.strip_prefix('<').and_then(|w| w.strip_suffix('>')))
        .unwrap_or(word);
    let mut parts = inner.split('.');
    let (Some("0"), Some(n), Some("0"), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    n.parse().ok()
}

/// An atom as typed: `:superman` and `superman` are the same name.
pub(crate) fn atom_text(word: &str) -> &str {
    word.strip_prefix(':').unwrap_or(word)
}

/// Milliseconds from `300000`, `300_000`, `500ms`, `5s` or `5m`.
pub(crate) fn duration_ms(word: &str) -> Option<u64> {
    let clean: String = word.chars().filter(|&c| c != '_').collect();
    let (digits, scale) = if let Some(d) = clean.strip_suffix("ms") {
        (d, 1)
    } else if let Some(d) = clean.strip_suffix('s') {
        (d, 1000)
    } else if let Some(d) = clean.strip_suffix('m') {
        (d, 60_000)
    } else {
        (clean.as_str(), 1)
    };
    digits.parse::<u64>().ok()?.checked_mul(scale)
}

/// An integer, with `_` allowed between digits as in Elixir (`300_000`).
pub(crate) fn integer(word: &str) -> Option<i64> {
    let clean: String = word.chars().filter(|&c| c != '_').collect();
    clean.parse().ok()
}

/// The least and most arguments a usage line allows: `<name>` is required, `[<sup>]`
/// optional. `"[<sup>] <id>"` is (1, 2).
pub(crate) fn arity(usage: &str) -> (usize, usize) {
    let mut min = 0;
    let mut max = 0;
    for part in usage.split_whitespace() {
        max += 1;
        if !part.starts_with('[') {
            min += 1;
        }
    }
    (min, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        words(line).unwrap().into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn words_split_like_a_command_line_and_read_elixir_calls_too() {
        assert_eq!(texts("say superman"), ["say", "superman"]);
        assert_eq!(texts("  say(:superman)  "), ["say", ":superman"]);
        assert_eq!(
            texts("Process.exit(#PID<0.105.0>, :kill)"),
            ["Process.exit", "#PID<0.105.0>", ":kill"]
        );
        assert_eq!(texts(""), Vec::<String>::new());
    }

    #[test]
    fn quotes_keep_spaces_and_escapes() {
        let w = words(r#"add_character supergirl "Flies \"high\"""#).unwrap();
        assert_eq!(w[2].text, "Flies \"high\"");
        assert!(w[2].quoted && !w[1].quoted);
        assert!(words("say \"open").is_err());
    }

    #[test]
    fn pids_read_in_three_spellings() {
        assert_eq!(pid_number("#PID<0.105.0>"), Some(105));
        assert_eq!(pid_number("<0.7.0>"), Some(7));
        assert_eq!(pid_number("0.112.0"), Some(112));
        assert_eq!(pid_number("#PID<1.105.0>"), None);
        assert_eq!(pid_number("superman"), None);
        assert_eq!(pid_number("0.1"), None);
    }

    #[test]
    fn durations_and_integers() {
        assert_eq!(duration_ms("300_000"), Some(300_000));
        assert_eq!(duration_ms("500ms"), Some(500));
        assert_eq!(duration_ms("5s"), Some(5000));
        assert_eq!(duration_ms("2m"), Some(120_000));
        assert_eq!(duration_ms("soon"), None);
        assert_eq!(integer("-1_000"), Some(-1000));
        assert_eq!(integer("x"), None);
    }

    #[test]
    fn variables_and_arity() {
        assert!(is_variable("calc") && is_variable("_x1") && !is_variable("SuperDuper"));
        assert!(!is_variable(":ok") && !is_variable(""));
        assert_eq!(arity(""), (0, 0));
        assert_eq!(arity("<name> <says>"), (2, 2));
        assert_eq!(arity("[<sup>] <id>"), (1, 2));
        assert_eq!(atom_text(":superman"), "superman");
    }
}
