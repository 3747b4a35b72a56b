//! The chapters' exercises as a reader meets them: where each one lives, what it asks, and
//! blanking our solution so a reader can write their own.
//!
//! An exercise is a module under `crates/<crate>/src/exercises/` (a file `<name>.rs`, and a
//! folder `<name>/` when it has submodules); its solution bodies are wrapped in
//! `teaching::solution!`. [`blank`] replaces every wrapped body of a source file with
//! `todo!()`, keeping the wrappers, so the reader writes inside them and `make test` can still
//! take their code out to prove the tests can fail (`scripts/check-exercises`).

use std::io;
use std::path::{Path, PathBuf};

/// The chapter crates, in the book's order.
pub const CRATES: [&str; 4] = ["calculator", "egg-timer", "super-duper", "dynamic-super"];

/// What a blanked body becomes.
pub const BLANK: &str = "todo!(\"your solution goes here\")";

/// One exercise: its crate, its name, and its files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exercise {
    /// The crate's package name (`egg-timer`).
    pub krate: String,
    /// The module's name (`cancel`).
    pub name: String,
    /// Its source files, relative to the repository root: the module's file first.
    pub files: Vec<PathBuf>,
}

impl Exercise {
    /// `crate/name`, as `make exercise NAME=...` takes it.
    pub fn id(&self) -> String {
        format!("{}/{}", self.krate, self.name)
    }

    /// The task's title: the first `//! # ` heading of its main file, without `Your turn:`.
    pub fn title(&self, root: &Path) -> String {
        let text = std::fs::read_to_string(root.join(&self.files[0])).unwrap_or_default();
        text.lines()
            .find_map(|l| l.trim().strip_prefix("//! # "))
            .map(|t| {
                let t = t.trim();
                let lower = t.to_lowercase();
                let skip = ["your turn (chapter 3): ", "your turn: "]
                    .iter()
                    .find(|p| lower.starts_with(*p))
                    .map_or(0, |p| p.len());
                t[skip..].to_string()
            })
            .unwrap_or_default()
    }
}

/// Every exercise of every chapter crate, in the book's order of crates and by name within one.
///
/// # Errors
/// When a crate's `src/exercises/` cannot be read.
pub fn exercises(root: &Path) -> io::Result<Vec<Exercise>> {
    let mut all = Vec::new();
    for krate in CRATES {
        let dir = Path::new("crates").join(krate).join("src/exercises");
        let Ok(entries) = std::fs::read_dir(root.join(&dir)) else {
            continue;
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry?;
            let file = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if let Some(name) = file.strip_suffix(".rs") {
                if name != "mod" {
                    names.push(name.to_string());
                }
            } else if path.join("mod.rs").is_file() {
                names.push(file);
            }
        }
        names.sort();
        names.dedup();
        for name in names {
            let mut files = Vec::new();
            let main = dir.join(format!("{name}.rs"));
            if root.join(&main).is_file() {
                files.push(main);
            }
            let sub = dir.join(&name);
            if root.join(&sub).is_dir() {
                let mut found = Vec::new();
                collect_rs(root, &sub, &mut found)?;
                found.sort();
                files.extend(found);
            }
            all.push(Exercise {
                krate: krate.to_string(),
                name,
                files,
            });
        }
    }
    Ok(all)
}

fn collect_rs(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(root.join(dir))? {
        let entry = entry?;
        let rel = dir.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            collect_rs(root, &rel, out)?;
        } else if rel.extension().is_some_and(|e| e == "rs") {
            out.push(rel);
        }
    }
    Ok(())
}

/// A source with its solution bodies blanked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blanked {
    /// The new text.
    pub text: String,
    /// How many `solution!` bodies it had.
    pub bodies: usize,
}

/// Why a source cannot be blanked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BlankError {
    /// A `solution!` whose body never closes.
    #[error("line {0}: the body of this solution! never closes")]
    Unclosed(usize),
}

/// Replaces the body of every `solution!` invocation in `source` (Rust code) with
/// [`BLANK`], keeping the macro and its delimiters; a body over several lines becomes one
/// indented line. Comments, strings and character literals are skipped, so a `solution!` or a
/// brace inside them does not count.
///
/// ```
/// use workspace_checks::exercises::blank;
///
/// let src = "fn f(n: i64) -> i64 {\n    teaching::solution! { -n /* } */ }\n}\n";
/// let out = blank(src).unwrap();
/// assert_eq!(out.bodies, 1);
/// assert_eq!(
///     out.text,
///     "fn f(n: i64) -> i64 {\n    teaching::solution! { todo!(\"your solution goes here\") }\n}\n"
/// );
/// ```
///
/// # Errors
/// When a body never closes.
pub fn blank(source: &str) -> Result<Blanked, BlankError> {
    let code = code_mask(source);
    let bytes = source.as_bytes();
    let mut text = String::with_capacity(source.len());
    let mut copied = 0;
    let mut bodies = 0;
    let mut i = 0;
    const NAME: &[u8] = b"solution!";
    while i < bytes.len() {
        let starts_here = code[i]
            && bytes[i..].starts_with(NAME)
            && (i == 0 || !is_ident(bytes[i - 1]))
            && code[i..i + NAME.len()].iter().all(|c| *c);
        if !starts_here {
            i += 1;
            continue;
        }
        let mut open = i + NAME.len();
        while open < bytes.len() && bytes[open].is_ascii_whitespace() {
            open += 1;
        }
        let close_byte = match bytes.get(open) {
            Some(b'{') if code[open] => b'}',
            Some(b'(') if code[open] => b')',
            Some(b'[') if code[open] => b']',
            _ => {
                i += NAME.len();
                continue;
            }
        };
        let line = source[..i].matches('\n').count() + 1;
        let mut depth = 0usize;
        let mut close = None;
        for (j, byte) in bytes.iter().enumerate().skip(open) {
            if !code[j] {
                continue;
            }
            if *byte == bytes[open] {
                depth += 1;
            } else if *byte == close_byte {
                depth -= 1;
                if depth == 0 {
                    close = Some(j);
                    break;
                }
            }
        }
        let close = close.ok_or(BlankError::Unclosed(line))?;
        let body = &source[open + 1..close];
        let replacement = if body.contains('\n') {
            let line_start = source[..i].rfind('\n').map_or(0, |n| n + 1);
            let indent: String = source[line_start..]
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            format!("\n{indent}    {BLANK}\n{indent}")
        } else {
            format!(" {BLANK} ")
        };
        text.push_str(&source[copied..=open]);
        text.push_str(&replacement);
        copied = close;
        bodies += 1;
        i = close + 1;
    }
    text.push_str(&source[copied..]);
    Ok(Blanked { text, bodies })
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// For each byte of `source`, `true` when it is code: not inside a comment, a string or a
/// character literal.
fn code_mask(source: &str) -> Vec<bool> {
    let b = source.as_bytes();
    let mut mask = vec![true; b.len()];
    let mut i = 0;
    let mark = |mask: &mut Vec<bool>, from: usize, to: usize| {
        for m in &mut mask[from..to.min(b.len())] {
            *m = false;
        }
    };
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = source[i..].find('\n').map_or(b.len(), |n| i + n);
                mark(&mut mask, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                let mut j = i;
                while j < b.len() {
                    if b[j..].starts_with(b"/*") {
                        depth += 1;
                        j += 2;
                    } else if b[j..].starts_with(b"*/") {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                mark(&mut mask, i, j);
                i = j;
            }
            b'r' if (i == 0 || !is_ident(b[i - 1]))
                && matches!(b.get(i + 1), Some(b'"' | b'#')) =>
            {
                // A raw string r"..." or r#"..."#, or an identifier starting with r.
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let closing: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                let body = i + 2 + hashes;
                let end = b[body..]
                    .windows(closing.len())
                    .position(|w| w == closing.as_slice())
                    .map_or(b.len(), |p| body + p + closing.len());
                mark(&mut mask, i, end);
                i = end;
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                mark(&mut mask, i, j + 1);
                i = j + 1;
            }
            b'\'' => {
                // A character literal ('x', '\n', '\''), or a lifetime or label ('a).
                let end = if b.get(i + 1) == Some(&b'\\') {
                    let mut j = i + 2;
                    while j < b.len() && b[j] != b'\'' {
                        j += 1;
                    }
                    Some(j + 1)
                } else {
                    source[i + 1..]
                        .chars()
                        .next()
                        .map(|c| i + 1 + c.len_utf8())
                        .filter(|&after| b.get(after) == Some(&b'\''))
                        .map(|after| after + 1)
                };
                match end {
                    Some(end) => {
                        mark(&mut mask, i, end);
                        i = end;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_over_several_lines_becomes_one_indented_line() {
        let src = "    async fn init(_: ()) -> Init<Self> {\n        teaching::solution! {\n            let x = \"}\";\n            Init::Ok(Self(x))\n        }\n    }\n";
        let out = blank(src).unwrap();
        assert_eq!(out.bodies, 1);
        assert_eq!(
            out.text,
            "    async fn init(_: ()) -> Init<Self> {\n        teaching::solution! {\n            todo!(\"your solution goes here\")\n        }\n    }\n"
        );
    }

    #[test]
    fn comments_strings_and_chars_are_not_code() {
        let src = concat!(
            "//! the bodies wrapped in `teaching::solution!` below\n",
            "fn a() -> char { teaching::solution! { if true { '}' } else { '\\'' } } }\n",
            "fn b() -> &'static str { teaching::solution! { r#\"solution! { \"# } }\n",
            "// solution! { not code }\n",
            "fn c() { /* solution! { */ teaching::solution!( f(1) ) }\n",
        );
        let out = blank(src).unwrap();
        assert_eq!(out.bodies, 3);
        assert_eq!(
            out.text,
            concat!(
                "//! the bodies wrapped in `teaching::solution!` below\n",
                "fn a() -> char { teaching::solution! { todo!(\"your solution goes here\") } }\n",
                "fn b() -> &'static str { teaching::solution! { todo!(\"your solution goes here\") } }\n",
                "// solution! { not code }\n",
                "fn c() { /* solution! { */ teaching::solution!( todo!(\"your solution goes here\") ) }\n",
            )
        );
    }

    #[test]
    fn blanking_twice_changes_nothing_more() {
        let src = "fn f() { teaching::solution! {\n    1\n} }\n";
        let once = blank(src).unwrap().text;
        assert_eq!(blank(&once).unwrap().text, once);
    }

    #[test]
    fn an_unclosed_body_is_an_error() {
        assert_eq!(
            blank("fn f() {\n teaching::solution! { 1 \n"),
            Err(BlankError::Unclosed(2))
        );
    }

    #[test]
    fn every_exercise_of_the_chapters_blanks_and_holds_a_solution() {
        let root = crate::chapters::repository_root();
        let all = exercises(&root).unwrap();
        assert!(all.len() >= 19, "{all:?}");
        assert!(all.iter().any(|e| e.id() == "egg-timer/cancel"));
        let rps = all
            .iter()
            .find(|e| e.id() == "dynamic-super/rock_paper_scissors")
            .unwrap();
        assert!(rps.files.len() > 1, "{rps:?}");
        for e in &all {
            let bodies: usize = e
                .files
                .iter()
                .map(|f| {
                    let text = std::fs::read_to_string(root.join(f)).unwrap();
                    blank(&text).unwrap().bodies
                })
                .sum();
            assert!(bodies > 0, "{} has no solution! body", e.id());
            assert!(!e.title(&root).is_empty(), "{} has no title", e.id());
        }
    }
}
