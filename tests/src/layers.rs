//! otp-core's layers, checked: every file uses only files of its own layer or of layers below,
//! and no files use each other in a circle.
//!
//! The layers are declared once, in the table of `docs/ARCHITECTURE.md` that follows the
//! marker line [`TABLE_MARKER`]: one row per layer, its number first, then its modules in
//! backticks (`process` is `process/mod.rs`, `process::core` is `process/core.rs`, `crate` is
//! `lib.rs`), then what they hold:
//!
//! ```text
//! | layer | modules | what they hold |
//! |---|---|---|
//! | 0 | `exit`, `sync` | exit reasons; lock helpers |
//! | 1 | `pid` | pids |
//! ```
//!
//! [`check`] reads each file the way a reviewer would, without compiling it: comments, strings
//! and character literals are skipped, and what is left is searched for the paths that name
//! another module of the crate:
//!
//! - `use` declarations, with their `{...}` groups expanded (`use crate::process::{self,
//!   Addr}` names `process` and `process::Addr`);
//! - paths written in code: `crate::x::y`, `self::x`, `super::x` (resolved from the module the
//!   text is in, inline `mod tests { ... }` blocks included), paths that start with a child
//!   module the file declares (`mod spec;` then `spec::Restart`), and paths that start with a
//!   module a `use` brought in (`use crate::process;` then `process::spawn`).
//!
//! A path names the file that defines what it reaches: the deepest module on it, followed
//! through that module's re-exports (`crate::process::Addr` is `process/addr.rs`, which
//! `process/mod.rs` re-exports; `crate::Pid` is `pid.rs`). A path into the file itself does
//! not count.
//!
//! A re-export (`pub use`, `pub(crate) use`) of an item of one of the file's own submodules
//! exposes it, and uses it only if the file's code names it too: `process/mod.rs`, which only
//! re-exports, uses none of its files, while a `mod.rs` whose own type has a field of a
//! submodule's type uses that submodule. A re-export of any other module is a use.
//!
//! Paths do not show one kind of use: a method that a file adds to a type of a lower layer
//! (`impl Pid { pub fn node(&self) ... }` in `process/core.rs`) is called as `pid.node()`,
//! with no path. [`check`] therefore also lists the methods of every such `impl` block and
//! reports a call to one of them (`.node(`, `Pid::node`) from a file below the block's layer
//! that can see the type (it uses the type's file or names the type), unless a method of that
//! name is also defined at or below the caller's layer (then the call may be to that one, and
//! the check cannot tell).
//!
//! Every file of the crate must be in the table, and every module of the table must be a file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// The line of `docs/ARCHITECTURE.md` right above the layer table.
pub const TABLE_MARKER: &str = "<!-- layers: read by tests/tests/layers.rs -->";

/// One source file of the crate.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path relative to the crate's `src/`, with `/` separators: `process/core.rs`.
    pub path: String,
    /// The module the file holds: empty for `lib.rs`, `["process", "core"]` for
    /// `process/core.rs`, `["process"]` for `process/mod.rs`.
    pub module: Vec<String>,
    /// Its text.
    pub text: String,
}

impl SourceFile {
    /// A file at `path` (relative to `src/`, `/` separators) holding `text`.
    pub fn new(path: &str, text: &str) -> Self {
        SourceFile {
            path: path.to_string(),
            module: module_of(path),
            text: text.to_string(),
        }
    }
}

/// The module a file under `src/` holds.
fn module_of(path: &str) -> Vec<String> {
    let mut parts: Vec<String> = path.split('/').map(str::to_string).collect();
    let last = parts.pop().unwrap_or_default();
    match last.as_str() {
        "lib.rs" | "mod.rs" => {}
        other => parts.push(other.trim_end_matches(".rs").to_string()),
    }
    parts
}

/// How a module is written in the table: `crate`, `process`, `process::core`.
fn module_name(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_string()
    } else {
        module.join("::")
    }
}

/// Every `.rs` file under `src`, sorted by path.
pub fn read_sources(src: &Path) -> io::Result<Vec<SourceFile>> {
    fn walk(dir: &Path, src: &Path, out: &mut Vec<SourceFile>) -> io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, src, out)?;
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(src)
                    .map_err(|e| io::Error::other(e.to_string()))?;
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(SourceFile::new(
                    &rel.join("/"),
                    &std::fs::read_to_string(&path)?,
                ));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(src, src, &mut out)?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The layer table

/// The declared layers: each module's layer number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LayerTable {
    /// Module name (`process::core`, `crate`) to its layer.
    pub layers: BTreeMap<String, u32>,
}

impl LayerTable {
    /// Reads the table that follows [`TABLE_MARKER`] in `markdown`.
    pub fn parse(markdown: &str) -> Result<Self, String> {
        let mut lines = markdown.lines().skip_while(|l| l.trim() != TABLE_MARKER);
        if lines.next().is_none() {
            return Err(format!("no line `{TABLE_MARKER}` above a layer table"));
        }
        let mut table = LayerTable::default();
        for line in lines.skip_while(|l| l.trim().is_empty()) {
            let line = line.trim();
            if !line.starts_with('|') {
                break;
            }
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let Ok(layer) = cells[0].parse::<u32>() else {
                continue; // the header and the separator row
            };
            let modules = cells.get(1).copied().unwrap_or_default();
            let names: Vec<&str> = modules.split('`').skip(1).step_by(2).collect();
            if names.is_empty() {
                return Err(format!(
                    "layer {layer} lists no module in backticks: {line}"
                ));
            }
            for name in names {
                if let Some(before) = table.layers.insert(name.to_string(), layer) {
                    return Err(format!(
                        "`{name}` is listed twice, in layers {before} and {layer}"
                    ));
                }
            }
        }
        if table.layers.is_empty() {
            return Err(format!("no rows in the table below `{TABLE_MARKER}`"));
        }
        Ok(table)
    }
}

// ---------------------------------------------------------------------------------------------
// Reading code

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    line: usize,
}

impl Token {
    fn is_ident(&self, s: &str) -> bool {
        matches!(&self.tok, Tok::Ident(i) if i == s)
    }

    fn is_punct(&self, c: char) -> bool {
        self.tok == Tok::Punct(c)
    }

    fn ident(&self) -> Option<&str> {
        match &self.tok {
            Tok::Ident(i) => Some(i),
            _ => None,
        }
    }
}

/// The code of `text` as tokens: identifiers, `::` and single punctuation characters, with
/// comments, string, byte-string, raw-string and character literals, lifetimes and numbers left
/// out.
fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if c == '"' {
            i = skip_string(&chars, i + 1, &mut line);
        } else if c == '\'' {
            if at(i + 1) == '\\' {
                // '\n', '\'', '\u{..}'
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3; // 'a'
            } else {
                // a lifetime or a label: 'a, 'static
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
            }
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            match (word.as_str(), at(i)) {
                ("b" | "c", '"') => i = skip_string(&chars, i + 1, &mut line),
                ("b", '\'') => {
                    i += 1;
                    while i < chars.len() && chars[i] != '\'' {
                        i += usize::from(chars[i] == '\\') + 1;
                    }
                    i += 1;
                }
                ("r" | "br" | "cr", '"' | '#') => {
                    let mut hashes = 0;
                    while at(i + hashes) == '#' {
                        hashes += 1;
                    }
                    if at(i + hashes) == '"' {
                        i = skip_raw_string(&chars, i + hashes + 1, hashes, &mut line);
                    } else {
                        // a raw identifier: r#type
                        i += hashes;
                        let start = i;
                        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                            i += 1;
                        }
                        let word: String = chars[start..i].iter().collect();
                        out.push(Token {
                            tok: Tok::Ident(word),
                            line,
                        });
                    }
                }
                _ => out.push(Token {
                    tok: Tok::Ident(word),
                    line,
                }),
            }
        } else if c == ':' && at(i + 1) == ':' {
            out.push(Token {
                tok: Tok::PathSep,
                line,
            });
            i += 2;
        } else {
            out.push(Token {
                tok: Tok::Punct(c),
                line,
            });
            i += 1;
        }
    }
    out
}

/// Skips a string's body from `i` (just after the opening quote); returns the index after the
/// closing quote.
fn skip_string(chars: &[char], mut i: usize, line: &mut usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                *line += usize::from(chars.get(i + 1) == Some(&'\n'));
                i += 2;
            }
            '"' => return i + 1,
            c => {
                *line += usize::from(c == '\n');
                i += 1;
            }
        }
    }
    i
}

/// Skips a raw string's body from `i` (just after `r##"`); returns the index after `"##`.
fn skip_raw_string(chars: &[char], mut i: usize, hashes: usize, line: &mut usize) -> usize {
    while i < chars.len() {
        if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
            return i + 1 + hashes;
        }
        *line += usize::from(chars[i] == '\n');
        i += 1;
    }
    i
}

/// A path found in a file, as written, with where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
struct FoundPath {
    /// Its segments, `self` groups resolved: `["crate", "process", "Addr"]`.
    segments: Vec<String>,
    line: usize,
    /// The module the text is in (the file's, or an inline module's inside it).
    module: Vec<String>,
    /// For a path of a `pub use` (`pub(crate) use`, ...): the name it is re-exported as.
    reexport: Option<String>,
}

/// What a file's text says, for the check: its paths, and the identifiers of its code (outside
/// `use` declarations).
#[derive(Debug, Default)]
struct Reading {
    paths: Vec<FoundPath>,
    code_idents: BTreeSet<String>,
}

/// The child modules a file declares (`mod x;`, `pub mod x;`), outside any inline module.
fn declared_children(toks: &[Token]) -> BTreeSet<String> {
    let mut depth = 0usize;
    let mut out = BTreeSet::new();
    for (i, t) in toks.iter().enumerate() {
        match &t.tok {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => depth = depth.saturating_sub(1),
            Tok::Ident(w) if w == "mod" && depth == 0 => {
                if let (Some(name), Some(end)) =
                    (toks.get(i + 1).and_then(Token::ident), toks.get(i + 2))
                    && end.is_punct(';')
                {
                    out.insert(name.to_string());
                }
            }
            _ => {}
        }
    }
    out
}

/// One path a `use` declaration names: the full path, its line, and the name it brings into
/// scope (`None` for a glob).
type UsePath = (Vec<String>, usize, Option<String>);

/// Parses a use tree starting at `*i`; returns the full paths it names.
fn use_tree(toks: &[Token], i: &mut usize, prefix: &[String], out: &mut Vec<UsePath>) {
    let mut path = prefix.to_vec();
    while let Some(t) = toks.get(*i) {
        match &t.tok {
            Tok::Ident(word) => {
                *i += 1;
                if word != "self" {
                    path.push(word.clone());
                }
                let name = path.last().cloned();
                match toks.get(*i).map(|t| &t.tok) {
                    Some(Tok::PathSep) => *i += 1,
                    Some(Tok::Ident(a)) if a == "as" => {
                        let alias = toks.get(*i + 1).and_then(Token::ident).map(str::to_string);
                        *i += 2;
                        out.push((path, t.line, alias));
                        return;
                    }
                    _ => {
                        out.push((path, t.line, name));
                        return;
                    }
                }
            }
            Tok::PathSep => *i += 1,
            Tok::Punct('*') => {
                *i += 1;
                out.push((path, t.line, None));
                return;
            }
            Tok::Punct('{') => {
                *i += 1;
                while let Some(t) = toks.get(*i) {
                    if t.is_punct('}') {
                        *i += 1;
                        break;
                    } else if t.is_punct(',') {
                        *i += 1;
                    } else {
                        let before = *i;
                        use_tree(toks, i, &path, out);
                        if *i == before {
                            *i += 1;
                        }
                    }
                }
                return;
            }
            _ => return,
        }
    }
}

/// Whether the `use` at `i` is a re-export: `pub use`, `pub(crate) use`, `pub(in x) use`.
fn is_reexport(toks: &[Token], i: usize) -> bool {
    match i.checked_sub(1).map(|p| &toks[p]) {
        Some(t) if t.is_ident("pub") => true,
        Some(t) if t.is_punct(')') => {
            let mut j = i - 1;
            while j > 0 && !toks[j].is_punct('(') {
                j -= 1;
            }
            j > 0 && toks[j - 1].is_ident("pub")
        }
        _ => false,
    }
}

/// Every path of `file` that may name a module of the crate, and the identifiers of its code.
///
/// A path in code may start with `crate`, `self`, `super`, a child module the file declares,
/// or a lower-case name a `use` brought in (`use crate::process;` then `process::spawn`).
fn read(file: &SourceFile, toks: &[Token]) -> Reading {
    let children = declared_children(toks);
    let mut out = Reading::default();
    // Names brought in by `use` that may be modules: name -> path.
    let mut imported: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Inline modules open at these brace depths.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let module_here = |inline: &[(String, usize)]| {
        let mut m = file.module.clone();
        m.extend(inline.iter().map(|(name, _)| name.clone()));
        m
    };
    while i < toks.len() {
        let t = &toks[i];
        let prev = i.checked_sub(1).map(|p| &toks[p]);
        match &t.tok {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Ident(w) if w == "mod" => {
                if let (Some(name), Some(open)) =
                    (toks.get(i + 1).and_then(Token::ident), toks.get(i + 2))
                    && open.is_punct('{')
                {
                    inline.push((name.to_string(), depth + 1));
                }
            }
            Tok::Ident(w) if w == "use" && !prev.is_some_and(|p| p.tok == Tok::PathSep) => {
                let reexport = is_reexport(toks, i);
                let mut j = i + 1;
                let mut paths = Vec::new();
                use_tree(toks, &mut j, &[], &mut paths);
                let module = module_here(&inline);
                for (segments, line, name) in paths {
                    if let Some(name) = &name
                        && name.starts_with(|c: char| c.is_ascii_lowercase())
                    {
                        imported.insert(name.clone(), segments.clone());
                    }
                    out.paths.push(FoundPath {
                        segments,
                        line,
                        module: module.clone(),
                        reexport: if reexport { name } else { None },
                    });
                }
                i = j;
                continue;
            }
            Tok::Ident(w)
                if toks.get(i + 1).is_some_and(|n| n.tok == Tok::PathSep)
                    && !prev.is_some_and(|p| p.tok == Tok::PathSep || p.is_punct('.'))
                    && (matches!(w.as_str(), "crate" | "self" | "super")
                        || (inline.is_empty() && children.contains(w))
                        || imported.contains_key(w)) =>
            {
                let mut segments = match imported.get(w) {
                    Some(path) if !children.contains(w) => path.clone(),
                    _ => vec![w.clone()],
                };
                let mut j = i + 1;
                while toks.get(j).is_some_and(|n| n.tok == Tok::PathSep)
                    && let Some(next) = toks.get(j + 1).and_then(Token::ident)
                {
                    segments.push(next.to_string());
                    out.code_idents.insert(next.to_string());
                    j += 2;
                }
                out.paths.push(FoundPath {
                    segments,
                    line: t.line,
                    module: module_here(&inline),
                    reexport: None,
                });
                i = j;
                continue;
            }
            Tok::Ident(w) => {
                out.code_idents.insert(w.clone());
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The absolute module path `found` names, or `None` when it leaves the crate (a path into
/// `std`, `tokio`, ...).
fn absolute(found: &FoundPath, children: &BTreeSet<String>) -> Option<Vec<String>> {
    let mut segs = found.segments.iter();
    let first = segs.next()?;
    let mut base = match first.as_str() {
        "crate" => Vec::new(),
        "self" => found.module.clone(),
        "super" => {
            let mut m = found.module.clone();
            m.pop();
            m
        }
        child if children.contains(child) => {
            let mut m = found.module.clone();
            m.push(child.to_string());
            m
        }
        _ => return None,
    };
    for s in segs {
        match s.as_str() {
            "super" => {
                base.pop();
            }
            "self" => {}
            other => base.push(other.to_string()),
        }
    }
    Some(base)
}

/// The file that holds the deepest module on `path`.
fn file_of(path: &[String], files: &BTreeMap<Vec<String>, usize>) -> Option<usize> {
    (0..=path.len())
        .rev()
        .find_map(|n| files.get(&path[..n]).copied())
}

/// The file that defines what `path` names: the deepest module on it, followed through that
/// module's re-exports (`crate::process::Addr` is `process/addr.rs`, which `process/mod.rs`
/// re-exports; `crate::Pid` is `pid.rs`).
fn resolve(
    path: &[String],
    files: &[SourceFile],
    by_module: &BTreeMap<Vec<String>, usize>,
    reexports: &[BTreeMap<String, Vec<String>>],
) -> Option<usize> {
    let mut path = path.to_vec();
    let mut file = file_of(&path, by_module)?;
    // A chain of re-exports is short; the bound only guards against a pair that re-export
    // each other.
    for _ in 0..16 {
        let rest = &path[files[file].module.len()..];
        let Some(target) = rest.first().and_then(|name| reexports[file].get(name)) else {
            break;
        };
        let mut next = target.clone();
        next.extend_from_slice(&rest[1..]);
        let Some(next_file) = file_of(&next, by_module) else {
            break;
        };
        path = next;
        file = next_file;
    }
    Some(file)
}

// ---------------------------------------------------------------------------------------------
// Methods added to a lower layer's type

/// An inherent `impl` block of a type defined in another file.
#[derive(Debug)]
struct AddedMethods {
    ty: String,
    methods: Vec<String>,
    line: usize,
}

/// The names of the types, traits and aliases a file defines.
fn defined_types(toks: &[Token]) -> BTreeSet<String> {
    toks.windows(2)
        .filter(|w| {
            ["struct", "enum", "trait", "union", "type"]
                .iter()
                .any(|k| w[0].is_ident(k))
        })
        .filter_map(|w| w[1].ident().map(str::to_string))
        .collect()
}

/// The names of every function a file defines (free, in impls, in traits).
fn defined_fns(toks: &[Token]) -> BTreeSet<String> {
    toks.windows(2)
        .filter(|w| w[0].is_ident("fn"))
        .filter_map(|w| w[1].ident().map(str::to_string))
        .collect()
}

/// The inherent `impl Type { ... }` blocks of a file, with the methods each defines.
fn inherent_impls(toks: &[Token]) -> Vec<AddedMethods> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let item_start = i == 0
            || matches!(&toks[i - 1].tok, Tok::Punct('}' | ';' | ']'))
            || toks[i - 1].is_ident("unsafe");
        if !t.is_ident("impl") || !item_start {
            continue;
        }
        // Skip `<...>`, then read the header up to `{` or `where`.
        let mut j = i + 1;
        let mut angle = 0i32;
        let mut header: Vec<&Token> = Vec::new();
        while let Some(n) = toks.get(j) {
            if n.is_punct('-') && toks.get(j + 1).is_some_and(|m| m.is_punct('>')) {
                j += 2;
                continue;
            }
            match &n.tok {
                Tok::Punct('<') => angle += 1,
                Tok::Punct('>') => angle -= 1,
                Tok::Punct('{') if angle == 0 => break,
                Tok::Ident(w) if w == "where" && angle == 0 => break,
                _ if angle == 0 => header.push(n),
                _ => {}
            }
            j += 1;
        }
        if header.iter().any(|h| h.is_ident("for")) {
            continue; // a trait impl
        }
        let Some(ty) = header.iter().rev().find_map(|h| h.ident()) else {
            continue;
        };
        // Find the body and the `fn name` directly inside it.
        while toks.get(j).is_some_and(|n| !n.is_punct('{')) {
            j += 1;
        }
        let mut depth = 0usize;
        let mut methods = Vec::new();
        while let Some(n) = toks.get(j) {
            match &n.tok {
                Tok::Punct('{') => depth += 1,
                Tok::Punct('}') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Tok::Ident(w) if w == "fn" && depth == 1 => {
                    if let Some(name) = toks.get(j + 1).and_then(Token::ident) {
                        methods.push(name.to_string());
                    }
                }
                _ => {}
            }
            j += 1;
        }
        out.push(AddedMethods {
            ty: ty.to_string(),
            methods,
            line: t.line,
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The check

/// Something wrong with the layering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The table could not be read.
    Table(String),
    /// A file whose module the table does not list.
    Unlisted {
        /// The file, relative to `src/`.
        file: String,
        /// Its module, as the table would write it.
        module: String,
    },
    /// A module of the table with no file.
    NoFile {
        /// The module.
        module: String,
    },
    /// A file names a module of a higher layer.
    Upward {
        /// The file, relative to `src/`.
        file: String,
        /// The line of the path.
        line: usize,
        /// The path as written.
        path: String,
        /// The file's layer.
        layer: u32,
        /// The file the path reaches.
        target: String,
        /// That file's layer.
        target_layer: u32,
    },
    /// Files that use each other in a circle: each step is a file, the line of its path to
    /// the next one, and the path; the last step leads back to the first.
    Cycle {
        /// The steps.
        steps: Vec<(String, usize, String)>,
    },
    /// A file calls a method that a file of a higher layer adds to a type.
    UpwardMethod {
        /// The calling file, relative to `src/`.
        file: String,
        /// The line of the call.
        line: usize,
        /// The method.
        method: String,
        /// The type the method is added to.
        ty: String,
        /// The file that adds it, and its line.
        defined_in: (String, usize),
        /// The calling file's layer.
        layer: u32,
        /// The adding file's layer.
        defined_layer: u32,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Table(why) => write!(f, "docs/ARCHITECTURE.md: {why}"),
            Problem::Unlisted { file, module } => write!(
                f,
                "src/{file}: module `{module}` is not in the layer table of \
                 docs/ARCHITECTURE.md; give it a layer"
            ),
            Problem::NoFile { module } => write!(
                f,
                "docs/ARCHITECTURE.md: the layer table lists `{module}`, which is no file of \
                 src/"
            ),
            Problem::Upward {
                file,
                line,
                path,
                layer,
                target,
                target_layer,
            } => {
                write!(
                    f,
                    "src/{file}:{line}: `{path}` reaches src/{target} (layer {target_layer}) \
                     from layer {layer}: a file uses only its own layer and the ones below"
                )
            }
            Problem::Cycle { steps } => {
                writeln!(f, "files that use each other in a circle:")?;
                for (file, line, path) in steps {
                    writeln!(f, "  src/{file}:{line} uses `{path}`")?;
                }
                write!(f, "  and so back to src/{}", steps[0].0)
            }
            Problem::UpwardMethod {
                file,
                line,
                method,
                ty,
                defined_in,
                layer,
                defined_layer,
            } => write!(
                f,
                "src/{file}:{line}: calls `{method}`, which src/{}:{} (layer {defined_layer}) \
                 adds to `{ty}`, from layer {layer}",
                defined_in.0, defined_in.1
            ),
        }
    }
}

/// One use of a file by another, as found.
#[derive(Clone, Debug)]
struct Edge {
    from: usize,
    to: usize,
    line: usize,
    path: String,
}

/// Checks `files` (every file of a crate's `src/`) against `table`.
pub fn check(files: &[SourceFile], table: &LayerTable) -> Vec<Problem> {
    let mut problems = Vec::new();
    let by_module: BTreeMap<Vec<String>, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.module.clone(), i))
        .collect();
    let layer_of: Vec<Option<u32>> = files
        .iter()
        .map(|f| table.layers.get(&module_name(&f.module)).copied())
        .collect();
    for (f, layer) in files.iter().zip(&layer_of) {
        if layer.is_none() {
            problems.push(Problem::Unlisted {
                file: f.path.clone(),
                module: module_name(&f.module),
            });
        }
    }
    let names: BTreeSet<String> = files.iter().map(|f| module_name(&f.module)).collect();
    for module in table.layers.keys() {
        if !names.contains(module) {
            problems.push(Problem::NoFile {
                module: module.clone(),
            });
        }
    }

    let toks: Vec<Vec<Token>> = files.iter().map(|f| tokens(&f.text)).collect();
    let readings: Vec<Reading> = files
        .iter()
        .zip(&toks)
        .map(|(file, toks)| read(file, toks))
        .collect();
    // What each file re-exports: the name, and the absolute path it stands for.
    let reexports: Vec<BTreeMap<String, Vec<String>>> = files
        .iter()
        .zip(&readings)
        .zip(&toks)
        .map(|((file, reading), toks)| {
            let children = declared_children(toks);
            reading
                .paths
                .iter()
                .filter_map(|p| Some((p.reexport.clone()?, absolute(p, &children)?)))
                .filter(|(_, abs)| *abs != file.module)
                .collect()
        })
        .collect();
    let mut edges = Vec::new();
    for (from, file) in files.iter().enumerate() {
        let children = declared_children(&toks[from]);
        for found in &readings[from].paths {
            let Some(abs) = absolute(found, &children) else {
                continue;
            };
            let Some(to) = resolve(&abs, files, &by_module, &reexports) else {
                continue;
            };
            if to == from {
                continue;
            }
            // A re-export of one of the file's own submodules' items exposes it: a use only
            // if the file's code names it too (a type in a field, say).
            let inside = files[to].module.len() > file.module.len()
                && files[to].module.starts_with(&file.module);
            if let Some(name) = &found.reexport
                && inside
                && !readings[from].code_idents.contains(name)
            {
                continue;
            }
            edges.push(Edge {
                from,
                to,
                line: found.line,
                path: found.segments.join("::"),
            });
        }
    }
    for e in &edges {
        if let (Some(layer), Some(target_layer)) = (layer_of[e.from], layer_of[e.to])
            && target_layer > layer
        {
            problems.push(Problem::Upward {
                file: files[e.from].path.clone(),
                line: e.line,
                path: e.path.clone(),
                layer,
                target: files[e.to].path.clone(),
                target_layer,
            });
        }
    }
    problems.extend(cycles(files, &edges));
    let idents: Vec<&BTreeSet<String>> = readings.iter().map(|r| &r.code_idents).collect();
    problems.extend(upward_methods(files, &toks, &idents, &layer_of, &edges));
    problems
}

/// One circle for every group of files that use each other (a strongly connected component of
/// more than one file).
fn cycles(files: &[SourceFile], edges: &[Edge]) -> Vec<Problem> {
    let n = files.len();
    let mut next: Vec<BTreeMap<usize, &Edge>> = vec![BTreeMap::new(); n];
    for e in edges {
        next[e.from].entry(e.to).or_insert(e);
    }
    // Tarjan's algorithm, iteratively.
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut counter = 0;
    let mut components: Vec<Vec<usize>> = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, Vec<usize>)> = vec![(root, next[root].keys().copied().collect())];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some((v, pending)) = work.last_mut() {
            let (v, step) = (*v, pending.pop());
            if let Some(w) = step {
                if index[w] == usize::MAX {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, next[w].keys().copied().collect()));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some((parent, _)) = work.last() {
                    low[*parent] = low[*parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    if component.len() > 1 {
                        components.push(component);
                    }
                }
            }
        }
    }
    components
        .into_iter()
        .map(|component| {
            // The shortest way from the component's first file back to itself.
            let inside: BTreeSet<usize> = component.iter().copied().collect();
            let start = *component.iter().min().unwrap_or(&0);
            let mut came_from: BTreeMap<usize, &Edge> = BTreeMap::new();
            let mut queue = std::collections::VecDeque::from([start]);
            let mut closing = None;
            while let Some(v) = queue.pop_front() {
                for (&w, e) in &next[v] {
                    if w == start {
                        closing = Some(*e);
                        break;
                    }
                    if inside.contains(&w) && !came_from.contains_key(&w) {
                        came_from.insert(w, e);
                        queue.push_back(w);
                    }
                }
                if closing.is_some() {
                    break;
                }
            }
            let mut path: Vec<&Edge> = Vec::new();
            if let Some(last) = closing {
                path.push(last);
                let mut at = last.from;
                while at != start {
                    let e = came_from[&at];
                    path.push(e);
                    at = e.from;
                }
            }
            path.reverse();
            Problem::Cycle {
                steps: path
                    .iter()
                    .map(|e| (files[e.from].path.clone(), e.line, e.path.clone()))
                    .collect(),
            }
        })
        .collect()
}

/// Calls from a lower layer to methods a higher layer adds to a type defined elsewhere.
fn upward_methods(
    files: &[SourceFile],
    toks: &[Vec<Token>],
    idents: &[&BTreeSet<String>],
    layer_of: &[Option<u32>],
    edges: &[Edge],
) -> Vec<Problem> {
    let types: Vec<BTreeSet<String>> = toks.iter().map(|t| defined_types(t)).collect();
    let fns: Vec<BTreeSet<String>> = toks.iter().map(|t| defined_fns(t)).collect();
    let mut problems = Vec::new();
    for (owner, owner_toks) in toks.iter().enumerate() {
        let Some(owner_layer) = layer_of[owner] else {
            continue;
        };
        for block in inherent_impls(owner_toks) {
            if types[owner].contains(&block.ty) {
                continue; // its own type
            }
            // The file the type comes from, as this file imports it.
            let Some(home) = edges
                .iter()
                .filter(|e| e.from == owner && e.path.rsplit("::").next() == Some(&block.ty))
                .map(|e| e.to)
                .next()
            else {
                continue;
            };
            if !types[home].contains(&block.ty) {
                continue;
            }
            for (caller, caller_toks) in toks.iter().enumerate() {
                let Some(layer) = layer_of[caller] else {
                    continue;
                };
                // Only a file that can see the type: it uses the type's file or names it.
                let sees = edges.iter().any(|e| e.from == caller && e.to == home)
                    || idents[caller].contains(&block.ty);
                if layer >= owner_layer || !sees {
                    continue;
                }
                for method in &block.methods {
                    // Another method of that name within the caller's reach: cannot tell.
                    let ambiguous = (0..files.len()).any(|k| {
                        layer_of[k].is_some_and(|l| l <= layer) && fns[k].contains(method)
                    });
                    if ambiguous {
                        continue;
                    }
                    let call = caller_toks.windows(3).find(|w| {
                        w[1].is_ident(method)
                            && ((w[0].is_punct('.')
                                && (w[2].is_punct('(') || w[2].tok == Tok::PathSep))
                                || (w[0].tok == Tok::PathSep
                                    && w[2].is_punct('(')
                                    && caller_toks.iter().any(|t| t.is_ident(&block.ty))))
                    });
                    if let Some(w) = call {
                        problems.push(Problem::UpwardMethod {
                            file: files[caller].path.clone(),
                            line: w[1].line,
                            method: method.clone(),
                            ty: block.ty.clone(),
                            defined_in: (files[owner].path.clone(), block.line),
                            layer,
                            defined_layer: owner_layer,
                        });
                    }
                }
            }
        }
    }
    problems
}

/// Checks otp-core (`crates/otp-core/src` under `root`) against the table of
/// `docs/ARCHITECTURE.md`.
pub fn check_otp_core(root: &Path) -> io::Result<Vec<Problem>> {
    let files = read_sources(&otp_core_src(root))?;
    let doc = std::fs::read_to_string(root.join("docs/ARCHITECTURE.md"))?;
    Ok(match LayerTable::parse(&doc) {
        Ok(table) => check(&files, &table),
        Err(why) => vec![Problem::Table(why)],
    })
}

/// `crates/otp-core/src` under the repository root.
pub fn otp_core_src(root: &Path) -> PathBuf {
    root.join("crates/otp-core/src")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(u32, &str)]) -> LayerTable {
        LayerTable {
            layers: rows.iter().map(|(l, m)| (m.to_string(), *l)).collect(),
        }
    }

    fn paths(file: &SourceFile) -> Vec<String> {
        read(file, &tokens(&file.text))
            .paths
            .into_iter()
            .map(|p| p.segments.join("::"))
            .collect()
    }

    #[test]
    fn use_trees_are_expanded() {
        let f = SourceFile::new(
            "a.rs",
            "use crate::process::{self, Addr, core::{Core as C, Inner}};\nuse std::fmt;\n\
             pub use crate::exit::*;",
        );
        assert_eq!(
            paths(&f),
            [
                "crate::process",
                "crate::process::Addr",
                "crate::process::core::Core",
                "crate::process::core::Inner",
                "std::fmt",
                "crate::exit"
            ]
        );
    }

    #[test]
    fn comments_strings_and_literals_are_not_code() {
        let f = SourceFile::new(
            "a.rs",
            "// use crate::x;\n/* crate::y::z /* nested */ crate::w */\n/// [`crate::v`]\n\
             let s = \"crate::u::t\"; let r = r#\"crate::q\"#; let c = '\"'; let b = b'\\'';\n\
             fn f<'a>(x: &'a str) -> &'a str { crate::real::f(x) }",
        );
        assert_eq!(paths(&f), ["crate::real::f"]);
        assert_eq!(read(&f, &tokens(&f.text)).paths[0].line, 5);
    }

    #[test]
    fn super_and_self_resolve_from_where_the_text_is() {
        let files = vec![
            SourceFile::new("lib.rs", "mod p;"),
            SourceFile::new("p/mod.rs", "mod a; mod b;"),
            SourceFile::new(
                "p/a.rs",
                "use super::b::B;\nfn f() {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
            ),
            SourceFile::new("p/b.rs", "pub struct B;"),
        ];
        let t = table(&[(0, "p::b"), (1, "p::a"), (2, "p"), (3, "crate")]);
        assert_eq!(check(&files, &t), []);
        // b reaching a, above it
        let mut upward = files.clone();
        upward[3] = SourceFile::new("p/b.rs", "pub struct B;\nfn g() { super::a::f() }");
        let problems = check(&upward, &t);
        assert!(
            matches!(&problems[..], [Problem::Upward { file, line: 2, target, .. }, Problem::Cycle { .. }]
                if file == "p/b.rs" && target == "p/a.rs"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_circle_is_found_and_printed_with_its_lines() {
        let files = vec![
            SourceFile::new("lib.rs", "mod a; mod b; mod c;"),
            SourceFile::new("a.rs", "use crate::b::B;"),
            SourceFile::new("b.rs", "\nuse crate::c::C;"),
            SourceFile::new("c.rs", "\n\nfn f() { crate::a::g() }"),
        ];
        let t = table(&[(0, "a"), (0, "b"), (0, "c"), (1, "crate")]);
        let problems = check(&files, &t);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let text = problems[0].to_string();
        assert_eq!(
            text,
            "files that use each other in a circle:\n  src/a.rs:1 uses `crate::b::B`\n  \
             src/b.rs:2 uses `crate::c::C`\n  src/c.rs:3 uses `crate::a::g`\n  and so back to \
             src/a.rs"
        );
    }

    #[test]
    fn a_path_through_re_exports_reaches_the_file_that_defines_the_item() {
        let files = vec![
            SourceFile::new("lib.rs", "mod low; mod p; pub use p::X;"),
            SourceFile::new("p/mod.rs", "mod x;\npub use self::x::X;"),
            SourceFile::new("p/x.rs", "pub struct X;"),
            SourceFile::new(
                "low.rs",
                "\nfn f() -> crate::X { todo!() }\nfn g(_: crate::p::X) {}",
            ),
        ];
        let t = table(&[(0, "low"), (1, "p::x"), (1, "p"), (2, "crate")]);
        let problems = check(&files, &t);
        let targets: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| match p {
                Problem::Upward { line, target, .. } => (*line, target.as_str()),
                other => panic!("{other}"),
            })
            .collect();
        assert_eq!(targets, [(2, "p/x.rs"), (3, "p/x.rs")]);
    }

    #[test]
    fn a_parent_exposing_its_childs_item_does_not_use_it_unless_its_code_does() {
        // The parent defines T, a child builds on it, the parent re-exports the child's item.
        let mut files = vec![
            SourceFile::new("lib.rs", "mod t;"),
            SourceFile::new(
                "t/mod.rs",
                "mod conv;\npub use conv::FromT;\npub enum T { A }",
            ),
            SourceFile::new(
                "t/conv.rs",
                "use super::T;\npub trait FromT { fn f(t: T); }",
            ),
        ];
        let t = table(&[(0, "t"), (0, "t::conv"), (1, "crate")]);
        assert_eq!(check(&files, &t), []);
        // Now the parent's own code needs the child's item: a real circle.
        files[1] = SourceFile::new(
            "t/mod.rs",
            "mod conv;\npub use conv::FromT;\npub enum T { A }\nfn g<X: FromT>() {}",
        );
        let problems = check(&files, &t);
        assert!(
            matches!(&problems[..], [Problem::Cycle { .. }]),
            "{problems:?}"
        );
    }

    #[test]
    fn a_module_brought_in_by_use_is_followed_in_code() {
        let f = SourceFile::new(
            "a.rs",
            "use crate::process;\nuse std::fmt;\nfn f() { process::spawn(); fmt::write(); }",
        );
        assert_eq!(
            paths(&f),
            [
                "crate::process",
                "std::fmt",
                "crate::process::spawn",
                "std::fmt::write"
            ]
        );
    }

    #[test]
    fn child_modules_are_paths_too() {
        let f = SourceFile::new(
            "s/mod.rs",
            "mod spec;\npub use spec::Restart;\nfn f() { spec::g(); x.spec::h(); }",
        );
        assert_eq!(paths(&f), ["spec::Restart", "spec::g"]);
    }

    #[test]
    fn every_file_and_every_listed_module_must_match() {
        let files = vec![
            SourceFile::new("lib.rs", "mod a;"),
            SourceFile::new("a.rs", ""),
        ];
        let problems = check(&files, &table(&[(1, "crate"), (0, "b")]));
        assert_eq!(
            problems,
            [
                Problem::Unlisted {
                    file: "a.rs".into(),
                    module: "a".into()
                },
                Problem::NoFile { module: "b".into() }
            ]
        );
    }

    #[test]
    fn a_method_added_from_above_is_a_use_of_that_layer() {
        let files = vec![
            SourceFile::new("lib.rs", "mod pid; mod node; mod process;"),
            SourceFile::new(
                "pid.rs",
                "pub struct Pid;\nimpl Pid { pub fn id(&self) -> u64 { 0 } }",
            ),
            SourceFile::new(
                "process.rs",
                "use crate::pid::Pid;\nimpl Pid {\n    pub fn node_of(&self) {}\n}",
            ),
            SourceFile::new(
                "node.rs",
                "use crate::pid::Pid;\nfn f(p: Pid) {\n    p.id();\n    p.node_of();\n}",
            ),
        ];
        let t = table(&[(0, "pid"), (1, "node"), (2, "process"), (3, "crate")]);
        let problems = check(&files, &t);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].to_string(),
            "src/node.rs:4: calls `node_of`, which src/process.rs:2 (layer 2) adds to `Pid`, \
             from layer 1"
        );
    }

    #[test]
    fn the_table_is_read_after_its_marker() {
        let doc = format!(
            "# x\n\n| 9 | `ignored` | before the marker |\n\n{TABLE_MARKER}\n\n\
             | layer | modules | what |\n|---|---|---|\n| 0 | `exit`, `sync` | a |\n\
             | 1 | `process::core` | b |\n\nafter\n| 5 | `late` | not read |\n"
        );
        assert_eq!(
            LayerTable::parse(&doc),
            Ok(table(&[(0, "exit"), (0, "sync"), (1, "process::core")]))
        );
        assert!(LayerTable::parse("no marker").is_err());
    }
}
