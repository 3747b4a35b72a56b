//! Printing terms the way Elixir's `inspect` prints them.

use std::fmt;

use super::Term;

/// Words that print as they are, without a colon.
const BARE_ATOMS: [&str; 3] = ["nil", "true", "false"];

/// Operators Elixir prints after a colon without quotes: `:+`, `:<>`.
const OPERATOR_ATOMS: [&str; 40] = [
    "+", "-", "*", "/", "==", "!=", "===", "!==", "<", ">", "<=", ">=", "&&", "||", "!", "<>",
    "++", "--", "..", "...", "|>", "=~", "<<<", ">>>", "|||", "&&&", "^^^", "~~~", "<-", "\\\\",
    "->", "::", "=", "&", "^", "@", "**", "<<>>", "%{}", "{}",
];

/// `true` for a name Elixir writes without quotes after a colon: a letter or underscore, then
/// letters, digits, underscores or `@`, and at most one `?` or `!` at the end.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    let rest: &str = chars.as_str();
    let body = rest
        .strip_suffix('?')
        .or_else(|| rest.strip_suffix('!'))
        .unwrap_or(rest);
    body.chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '@')
}

/// An Elixir alias segment: `Foo`, `SuperDuper2`.
fn is_alias_segment(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Writes an atom the way Elixir's `inspect` does: `:ok`, `nil`, `SuperDuper.Server` (for
/// `:"Elixir.SuperDuper.Server"`), `:"rust@127.0.0.1"`.
pub(crate) fn write_atom(f: &mut impl fmt::Write, name: &str) -> fmt::Result {
    if BARE_ATOMS.contains(&name) {
        return f.write_str(name);
    }
    if name == "Elixir" {
        return f.write_str(name);
    }
    if let Some(alias) = name.strip_prefix("Elixir.")
        && alias.split('.').all(is_alias_segment)
    {
        return f.write_str(alias);
    }
    if is_identifier(name) || OPERATOR_ATOMS.contains(&name) {
        return write!(f, ":{name}");
    }
    f.write_str(":")?;
    write_quoted(f, name, '"')
}

/// A keyword key: `name: ` or `"two words": `.
fn write_keyword_key(f: &mut impl fmt::Write, name: &str) -> fmt::Result {
    if is_identifier(name) {
        f.write_str(name)?;
    } else {
        write_quoted(f, name, '"')?;
    }
    f.write_str(": ")
}

/// Writes `text` between `quote`s with Elixir's escapes.
fn write_quoted(f: &mut impl fmt::Write, text: &str, quote: char) -> fmt::Result {
    f.write_char(quote)?;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '\u{0B}' => f.write_str("\\v")?,
            '\u{08}' => f.write_str("\\b")?,
            '\u{0C}' => f.write_str("\\f")?,
            '\u{1B}' => f.write_str("\\e")?,
            '\u{07}' => f.write_str("\\a")?,
            '#' if chars.peek() == Some(&'{') => f.write_str("\\#")?,
            c if c == quote => {
                f.write_char('\\')?;
                f.write_char(c)?;
            }
            c if (c as u32) < 0x20 || c == '\u{7F}' => write!(f, "\\x{:02X}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char(quote)
}

/// Characters Elixir accepts in a printable string or charlist besides the visible ones.
fn is_escapable_control(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\t' | '\u{0B}' | '\u{08}' | '\u{0C}' | '\u{1B}' | '\u{07}'
    )
}

/// `String.printable?/1`: valid UTF-8 without control characters other than the escapable ones.
fn printable_string(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    text.chars()
        .all(|c| ('\u{20}'..='\u{7E}').contains(&c) || c >= '\u{A0}' || is_escapable_control(c))
        .then_some(text)
}

/// `List.ascii_printable?/1`: a list Elixir 1.14 prints as a charlist, `'hello'`.
fn ascii_printable_list(elements: &[Term]) -> Option<String> {
    if elements.is_empty() {
        return None;
    }
    elements
        .iter()
        .map(|e| match e {
            Term::Int(n) => u32::try_from(*n)
                .ok()
                .and_then(char::from_u32)
                .filter(|c| ('\u{20}'..='\u{7E}').contains(c) || is_escapable_control(*c)),
            _ => None,
        })
        .collect()
}

/// The atom key of every element when `elements` is a keyword list, `[a: 1]`.
fn keyword_keys(elements: &[Term]) -> bool {
    !elements.is_empty()
        && elements.iter().all(
            |e| matches!(e, Term::Tuple(pair) if pair.len() == 2 && matches!(pair[0], Term::Atom(_))),
        )
}

/// Erlang's (and so Elixir's) shortest float notation: the fewest digits that read back to the
/// same float, in plain or scientific notation, whichever is shorter (plain on a tie), and
/// scientific from 2^53 up. `1.0`, `0.1`, `1.0e3`, `123456.0`, `1.0e-10`.
pub(crate) fn format_float(value: f64) -> String {
    let sign = if value.is_sign_negative() { "-" } else { "" };
    let magnitude = value.abs();
    // Rust's `{:e}` gives the shortest round-trip digits: "1.2345e5", "1e3", "0e0".
    let scientific = format!("{magnitude:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let (first, rest) = digits.split_at(1);
    let sci = format!(
        "{first}.{}e{exponent}",
        if rest.is_empty() { "0" } else { rest }
    );
    if magnitude >= 9_007_199_254_740_992.0 {
        return format!("{sign}{sci}");
    }
    let plain = if exponent >= 0 {
        let point = exponent as usize + 1;
        if digits.len() > point {
            format!("{}.{}", &digits[..point], &digits[point..])
        } else {
            format!("{digits}{}.0", "0".repeat(point - digits.len()))
        }
    } else {
        format!("0.{}{digits}", "0".repeat((-exponent - 1) as usize))
    };
    if sci.len() < plain.len() {
        format!("{sign}{sci}")
    } else {
        format!("{sign}{plain}")
    }
}

fn write_seq<'a>(
    f: &mut fmt::Formatter<'_>,
    items: impl IntoIterator<Item = &'a Term>,
) -> fmt::Result {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        fmt::Display::fmt(item, f)?;
    }
    Ok(())
}

fn write_keywords<'a>(
    f: &mut fmt::Formatter<'_>,
    pairs: impl IntoIterator<Item = (&'a Term, &'a Term)>,
) -> fmt::Result {
    for (i, (key, value)) in pairs.into_iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        if let Term::Atom(atom) = key {
            write_keyword_key(f, atom.as_str())?;
        }
        fmt::Display::fmt(value, f)?;
    }
    Ok(())
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Atom(atom) => write_atom(f, atom.as_str()),
            Term::Int(n) => write!(f, "{n}"),
            Term::BigInt(n) => write!(f, "{n}"),
            Term::Float(x) => f.write_str(&format_float(*x)),
            Term::Binary(bytes) => match printable_string(bytes) {
                Some(text) => write_quoted(f, text, '"'),
                None => {
                    f.write_str("<<")?;
                    for (i, b) in bytes.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{b}")?;
                    }
                    f.write_str(">>")
                }
            },
            Term::BitString(bits) => {
                f.write_str("<<")?;
                let whole = &bits.bytes()[..bits.bytes().len() - 1];
                for b in whole {
                    write!(f, "{b}, ")?;
                }
                write!(
                    f,
                    "{}::size({})>>",
                    bits.tail_value(),
                    bits.bits_in_last_byte()
                )
            }
            Term::List(elements) => {
                if let Some(chars) = ascii_printable_list(elements) {
                    return write_quoted(f, &chars, '\'');
                }
                f.write_str("[")?;
                if keyword_keys(elements) {
                    write_keywords(
                        f,
                        elements.iter().filter_map(|e| match e {
                            Term::Tuple(pair) => Some((&pair[0], &pair[1])),
                            _ => None,
                        }),
                    )?;
                } else {
                    write_seq(f, elements)?;
                }
                f.write_str("]")
            }
            Term::ImproperList(elements, tail) => {
                f.write_str("[")?;
                write_seq(f, elements)?;
                write!(f, " | {tail}]")
            }
            Term::Tuple(elements) => {
                f.write_str("{")?;
                write_seq(f, elements)?;
                f.write_str("}")
            }
            Term::Map(map) => {
                let is_struct = match map.get(&Term::atom("__struct__")) {
                    Some(Term::Atom(module)) => module
                        .as_str()
                        .strip_prefix("Elixir.")
                        .filter(|alias| alias.split('.').all(is_alias_segment)),
                    _ => None,
                };
                let all_atoms = map.keys().all(|k| matches!(k, Term::Atom(_)));
                if let (Some(alias), true) = (is_struct, all_atoms) {
                    write!(f, "%{alias}{{")?;
                    write_keywords(
                        f,
                        map.iter().filter(|(k, _)| {
                            !matches!(k, Term::Atom(a) if a == "__struct__" || a == "__exception__")
                        }),
                    )?;
                    return f.write_str("}");
                }
                f.write_str("%{")?;
                if all_atoms {
                    write_keywords(f, map.iter())?;
                } else {
                    for (i, (key, value)) in map.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{key} => {value}")?;
                    }
                }
                f.write_str("}")
            }
            Term::Pid(pid) => write!(f, "{pid}"),
            Term::Reference(reference) => write!(f, "{reference}"),
            Term::Port(port) => write!(f, "{port}"),
            Term::Fun(fun) => write!(f, "{fun}"),
        }
    }
}

impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_erlang() {
        // Each pair checked against `io_lib:format("~p", [F])` on OTP 25.
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (100.0, "100.0"),
            (1000.0, "1.0e3"),
            (123456.0, "123456.0"),
            (0.001, "0.001"),
            (0.0001, "0.0001"),
            (1.0e-5, "1.0e-5"),
            (1.5e300, "1.5e300"),
            (-2.5, "-2.5"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (9007199254740992.0, "9.007199254740992e15"),
            (2.71, "2.71"),
            (12345678.0, "12345678.0"),
            (1.0e21, "1.0e21"),
            (0.5e-6, "5.0e-7"),
        ];
        for (value, printed) in cases {
            assert_eq!(format_float(value), printed, "{value}");
        }
    }

    #[test]
    fn atoms_print_like_elixir() {
        let show = |name: &str| {
            let mut out = String::new();
            write_atom(&mut out, name).unwrap();
            out
        };
        assert_eq!(show("ok"), ":ok");
        assert_eq!(show("nil"), "nil");
        assert_eq!(show("true"), "true");
        assert_eq!(show("valid?"), ":valid?");
        assert_eq!(show("Foo"), ":Foo");
        assert_eq!(show("Elixir.SuperDuper.Server"), "SuperDuper.Server");
        assert_eq!(show("Elixir.not_alias"), ":\"Elixir.not_alias\"");
        assert_eq!(show("rust@127.0.0.1"), ":\"rust@127.0.0.1\"");
        assert_eq!(show("foo@host"), ":foo@host");
        assert_eq!(show("two words"), ":\"two words\"");
        assert_eq!(show(""), ":\"\"");
        assert_eq!(show("+"), ":+");
        assert_eq!(show("$gen_call"), ":\"$gen_call\"");
        assert_eq!(show("EXIT"), ":EXIT");
    }
}
