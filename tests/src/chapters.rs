//! Chapters in step with their sources: the markers of `chapters/*.md`, read, checked and
//! rewritten.
//!
//! Every fenced code or output block of a chapter is preceded, on the line right above it, by
//! a marker naming where its text comes from (paths are relative to the repository root):
//!
//! | marker | the block holds |
//! |---|---|
//! | `<!-- source: crates/calculator/src/core.rs#add -->` | the lines between `// ANCHOR: add` and `// ANCHOR_END: add` (anchor lines of other regions inside are dropped) |
//! | `<!-- source: chapters/beam/ch1-api-crash.txt:12-20 -->` | lines 12 to 20 of the file, counted from 1 (`:12` for one line) |
//! | `<!-- source: crates/calculator/examples/genserver.rs -->` | the whole file |
//! | `<!-- snapshot: crates/calculator/tests/snapshots/scenes__genserver.snap -->` | the snapshot's body: everything after its `---` header |
//!
//! Trailing newlines of a source are not part of it. An anchor line is a comment (`//`, `#`,
//! `--`, `;` or `<!--`) whose text starts with `ANCHOR: name` or `ANCHOR_END: name`.
//!
//! [`check_dir`] finds every problem (the workspace test `tests/chapters.rs` fails on any);
//! [`sync_dir`] rewrites every block from its source and inserts the block a marker lacks
//! (`make chapters`).

use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Where a block's text comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// `path#name`: an anchored region.
    Anchor {
        /// The file, relative to the repository root.
        path: String,
        /// The anchor's name.
        name: String,
    },
    /// `path:first-last`: lines `first..=last`, counted from 1.
    Lines {
        /// The file, relative to the repository root.
        path: String,
        /// The first line.
        first: usize,
        /// The last line.
        last: usize,
    },
    /// `path`: the whole file.
    File {
        /// The file, relative to the repository root.
        path: String,
    },
    /// `snapshot: path`: an insta snapshot's body.
    Snapshot {
        /// The `.snap` file, relative to the repository root.
        path: String,
    },
}

impl Source {
    /// The file the source reads.
    pub fn path(&self) -> &str {
        match self {
            Source::Anchor { path, .. }
            | Source::Lines { path, .. }
            | Source::File { path }
            | Source::Snapshot { path } => path,
        }
    }

    /// The source's text, taken from `file`, the text of [`Source::path`].
    pub fn extract(&self, file: &str) -> Result<String, SourceError> {
        let text = match self {
            Source::File { .. } => file.to_string(),
            Source::Lines { first, last, .. } => {
                let lines: Vec<&str> = file.lines().collect();
                if *first == 0 || first > last || *last > lines.len() {
                    return Err(SourceError::BadRange {
                        first: *first,
                        last: *last,
                        lines: lines.len(),
                    });
                }
                lines[first - 1..*last].join("\n")
            }
            Source::Anchor { name, .. } => extract_anchor(file, name)?,
            Source::Snapshot { .. } => snapshot_body(file)?.to_string(),
        };
        Ok(text.trim_end_matches(['\n', '\r']).to_string())
    }

    /// The fence language a new block for this source gets.
    fn language(&self) -> &'static str {
        if matches!(self, Source::Snapshot { .. }) {
            return "text";
        }
        let path = self.path();
        let file = path.rsplit('/').next().unwrap_or(path);
        match file.rsplit_once('.').map(|(_, ext)| ext) {
            Some("rs") => "rust",
            Some("toml") => "toml",
            Some("sh") => "bash",
            Some("md") => "markdown",
            Some("ex" | "exs") => "elixir",
            _ if file == "Makefile" => "make",
            _ => "text",
        }
    }
}

impl fmt::Display for Source {
    /// The marker that names this source.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Anchor { path, name } => write!(f, "<!-- source: {path}#{name} -->"),
            Source::Lines { path, first, last } if first == last => {
                write!(f, "<!-- source: {path}:{first} -->")
            }
            Source::Lines { path, first, last } => {
                write!(f, "<!-- source: {path}:{first}-{last} -->")
            }
            Source::File { path } => write!(f, "<!-- source: {path} -->"),
            Source::Snapshot { path } => write!(f, "<!-- snapshot: {path} -->"),
        }
    }
}

/// Why a source has no text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The file could not be read.
    #[error("cannot read {path}: {message}")]
    Unreadable {
        /// The file.
        path: String,
        /// What the system said.
        message: String,
    },
    /// No `ANCHOR: name` line.
    #[error("anchor `{0}` is missing: no `ANCHOR: {0}` line")]
    MissingAnchor(String),
    /// `ANCHOR: name` without a matching `ANCHOR_END: name` after it.
    #[error("anchor `{0}` is not closed: no `ANCHOR_END: {0}` line after `ANCHOR: {0}`")]
    UnclosedAnchor(String),
    /// Two `ANCHOR: name` lines.
    #[error("anchor `{0}` opens more than once")]
    DuplicateAnchor(String),
    /// A line range outside the file.
    #[error("lines {first}-{last} are not inside the file, which has {lines} lines")]
    BadRange {
        /// The first line asked for.
        first: usize,
        /// The last line asked for.
        last: usize,
        /// The file's length.
        lines: usize,
    },
    /// A snapshot without insta's `---` header.
    #[error("not an insta snapshot: it does not start with a `---` header")]
    NotASnapshot,
}

/// `Some((opens, name))` if `line` is an anchor line.
fn anchor_directive(line: &str) -> Option<(bool, &str)> {
    let trimmed = line.trim();
    let rest = ["///", "//!", "//", "#", "<!--", "--", ";"]
        .iter()
        .find_map(|leader| trimmed.strip_prefix(leader))?
        .trim_start();
    let (opens, rest) = if let Some(rest) = rest.strip_prefix("ANCHOR_END:") {
        (false, rest)
    } else {
        (true, rest.strip_prefix("ANCHOR:")?)
    };
    let name = rest.trim().trim_end_matches("-->").trim();
    (!name.is_empty() && !name.contains(char::is_whitespace)).then_some((opens, name))
}

fn extract_anchor(file: &str, name: &str) -> Result<String, SourceError> {
    let lines: Vec<&str> = file.lines().collect();
    let opens: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| anchor_directive(l) == Some((true, name)))
        .map(|(i, _)| i)
        .collect();
    let start = match opens.as_slice() {
        [] => return Err(SourceError::MissingAnchor(name.to_string())),
        [one] => *one,
        _ => return Err(SourceError::DuplicateAnchor(name.to_string())),
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| anchor_directive(l) == Some((false, name)))
        .map(|i| start + 1 + i)
        .ok_or_else(|| SourceError::UnclosedAnchor(name.to_string()))?;
    Ok(lines[start + 1..end]
        .iter()
        .filter(|l| anchor_directive(l).is_none())
        .copied()
        .collect::<Vec<_>>()
        .join("\n"))
}

/// The body of an insta snapshot: everything after the `---` ... `---` header.
fn snapshot_body(file: &str) -> Result<&str, SourceError> {
    let rest = file
        .strip_prefix("---\n")
        .or_else(|| file.strip_prefix("---\r\n"))
        .ok_or(SourceError::NotASnapshot)?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "---" {
            return Ok(&rest[offset..]);
        }
    }
    Err(SourceError::NotASnapshot)
}

/// One marker of a chapter, and the fenced block after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marked {
    /// The marker's line, counted from 1.
    pub line: usize,
    /// What it names.
    pub source: Source,
    /// The block right after it, if there is one.
    pub block: Option<Fence>,
}

/// A fenced block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fence {
    /// The opening fence's line index (from 0).
    open: usize,
    /// The closing fence's line index (from 0).
    close: usize,
    /// The fence itself: three or more backticks or tildes.
    fence: String,
    /// The text after the opening fence (the language).
    pub info: String,
    /// The lines between the fences, joined with `\n`.
    pub content: String,
}

impl Fence {
    /// The lines of the opening and the closing fence, as indexes from 0.
    pub fn lines(&self) -> (usize, usize) {
        (self.open, self.close)
    }
}

/// A chapter read: its markers, and the problems found in reading it.
#[derive(Debug, Default)]
pub struct ParsedChapter {
    lines: Vec<String>,
    /// Every marker, in order.
    pub marked: Vec<Marked>,
    /// Problems of structure: blocks without markers, markers that cannot be read, unclosed
    /// fences.
    pub problems: Vec<Problem>,
}

/// Something wrong in a chapter, at a line (counted from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub line: usize,
    /// What.
    pub kind: ProblemKind,
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProblemKind {
    /// A fenced block with no marker on the line above it.
    #[error(
        "a fenced block has no marker: put `<!-- source: PATH#ANCHOR -->`, `<!-- source: PATH:FIRST-LAST -->` or `<!-- snapshot: PATH -->` on the line right above it"
    )]
    Unmarked,
    /// A marker that is not followed by a fenced block.
    #[error("`{0}` is not followed by a fenced block (`make chapters` inserts it)")]
    NoBlock(Source),
    /// A line that starts like a marker but cannot be read as one.
    #[error("cannot read the marker `{text}`: {why}")]
    BadMarker {
        /// The line.
        text: String,
        /// Why.
        why: String,
    },
    /// A fence that is never closed.
    #[error("a fenced block opens here and never closes")]
    Unclosed,
    /// The source of a block has no text.
    #[error("block {block} (`{marker}`): {error}")]
    Source {
        /// The block's number in the chapter, from 1.
        block: usize,
        /// Its marker.
        marker: Source,
        /// Why.
        error: SourceError,
    },
    /// A block's text differs from its source.
    #[error(
        "block {block} (`{marker}`) differs from its source (- source, + chapter):\n{diff}\n  `make chapters` rewrites it from its source"
    )]
    Drift {
        /// The block's number in the chapter, from 1.
        block: usize,
        /// Its marker.
        marker: Source,
        /// A short diff.
        diff: String,
    },
}

/// Reads a marker line: `Ok(None)` for an ordinary line.
fn parse_marker(line: &str) -> Result<Option<Source>, String> {
    let trimmed = line.trim();
    let (snapshot, rest) = if let Some(rest) = trimmed.strip_prefix("<!-- source:") {
        (false, rest)
    } else if let Some(rest) = trimmed.strip_prefix("<!-- snapshot:") {
        (true, rest)
    } else {
        return Ok(None);
    };
    let spec = rest
        .strip_suffix("-->")
        .ok_or("a marker ends with `-->` on the same line")?
        .trim();
    if spec.is_empty() || spec.contains(char::is_whitespace) {
        return Err("a marker names one path, without spaces".into());
    }
    let checked = |path: &str| -> Result<String, String> {
        let p = Path::new(path);
        if p.is_absolute() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
            Err(format!(
                "`{path}` must be a path inside the repository, relative to its root"
            ))
        } else {
            Ok(path.to_string())
        }
    };
    if snapshot {
        return Ok(Some(Source::Snapshot {
            path: checked(spec)?,
        }));
    }
    if let Some((path, name)) = spec.split_once('#') {
        if name.is_empty() {
            return Err("an empty anchor name after `#`".into());
        }
        return Ok(Some(Source::Anchor {
            path: checked(path)?,
            name: name.to_string(),
        }));
    }
    if let Some((path, range)) = spec.rsplit_once(':') {
        let number = |s: &str| {
            s.parse::<usize>()
                .map_err(|_| format!("`{range}` is not a line range like `12-20`"))
        };
        let (first, last) = match range.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => (number(range)?, number(range)?),
        };
        if first == 0 || first > last {
            return Err(format!(
                "`{range}`: lines count from 1 and the range must not be reversed"
            ));
        }
        return Ok(Some(Source::Lines {
            path: checked(path)?,
            first,
            last,
        }));
    }
    Ok(Some(Source::File {
        path: checked(spec)?,
    }))
}

/// `Some((fence, info))` if `line` opens (or could close) a fenced block.
fn fence_of(line: &str) -> Option<(String, String)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == ch).count();
    if len < 3 {
        return None;
    }
    let info = rest[len..].trim().to_string();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((rest[..len].to_string(), info))
}

fn closes(line: &str, fence: &str) -> bool {
    match fence_of(line) {
        Some((f, info)) => info.is_empty() && f.starts_with(&fence[..1]) && f.len() >= fence.len(),
        None => false,
    }
}

/// Reads a chapter's markers and blocks.
pub fn parse(text: &str) -> ParsedChapter {
    let lines: Vec<String> = text.lines().map(String::from).collect();
    let mut chapter = ParsedChapter::default();
    let mut pending: Option<(usize, Source)> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if let Some((fence, info)) = fence_of(line) {
            let close = (i + 1..lines.len()).find(|&j| closes(&lines[j], &fence));
            let Some(close) = close else {
                chapter.problems.push(Problem {
                    line: i + 1,
                    kind: ProblemKind::Unclosed,
                });
                if let Some((at, source)) = pending.take() {
                    chapter.problems.push(Problem {
                        line: at + 1,
                        kind: ProblemKind::NoBlock(source),
                    });
                }
                break;
            };
            let block = Fence {
                open: i,
                close,
                fence,
                info,
                content: lines[i + 1..close].join("\n"),
            };
            match pending.take() {
                Some((at, source)) if at + 1 == i => chapter.marked.push(Marked {
                    line: at + 1,
                    source,
                    block: Some(block),
                }),
                other => {
                    if let Some((at, source)) = other {
                        chapter.marked.push(Marked {
                            line: at + 1,
                            source,
                            block: None,
                        });
                    }
                    chapter.problems.push(Problem {
                        line: i + 1,
                        kind: ProblemKind::Unmarked,
                    });
                }
            }
            i = close + 1;
            continue;
        }
        if let Some((at, source)) = pending.take() {
            chapter.marked.push(Marked {
                line: at + 1,
                source,
                block: None,
            });
        }
        match parse_marker(line) {
            Ok(Some(source)) => pending = Some((i, source)),
            Ok(None) => {}
            Err(why) => chapter.problems.push(Problem {
                line: i + 1,
                kind: ProblemKind::BadMarker {
                    text: line.trim().to_string(),
                    why,
                },
            }),
        }
        i += 1;
    }
    if let Some((at, source)) = pending.take() {
        chapter.marked.push(Marked {
            line: at + 1,
            source,
            block: None,
        });
    }
    for m in &chapter.marked {
        if m.block.is_none() {
            chapter.problems.push(Problem {
                line: m.line,
                kind: ProblemKind::NoBlock(m.source.clone()),
            });
        }
    }
    chapter.problems.sort_by_key(|p| p.line);
    chapter.problems.dedup();
    chapter.lines = lines;
    chapter
}

/// Reads a source's file: given a path relative to the repository root, its text.
pub type Loader<'a> = &'a dyn Fn(&str) -> io::Result<String>;

fn resolve(source: &Source, load: Loader<'_>) -> Result<String, SourceError> {
    let file = load(source.path()).map_err(|e| SourceError::Unreadable {
        path: source.path().to_string(),
        message: e.to_string(),
    })?;
    source.extract(&file)
}

/// A short diff of `expected` (the source) against `found` (the chapter): the lines between
/// their common beginning and common end, at most a few of each.
pub fn short_diff(expected: &str, found: &str) -> String {
    const SHOWN: usize = 6;
    let a: Vec<&str> = expected.split('\n').collect();
    let b: Vec<&str> = found.split('\n').collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let mut out = vec![format!("  @@ from line {} of the block", prefix + 1)];
    for (sign, side) in [('-', &a), ('+', &b)] {
        let changed = &side[prefix..side.len() - suffix];
        for line in changed.iter().take(SHOWN) {
            out.push(format!("  {sign} {line}"));
        }
        if changed.len() > SHOWN {
            out.push(format!(
                "  {sign} ... ({} more lines)",
                changed.len() - SHOWN
            ));
        }
    }
    out.join("\n")
}

/// Every problem of one chapter's text: its structure, and each block against its source.
pub fn check_text(text: &str, load: Loader<'_>) -> Vec<Problem> {
    let chapter = parse(text);
    let mut problems = chapter.problems.clone();
    for (n, marked) in chapter.marked.iter().enumerate() {
        let Some(block) = &marked.block else {
            continue;
        };
        let block_no = n + 1;
        match resolve(&marked.source, load) {
            Err(error) => problems.push(Problem {
                line: marked.line,
                kind: ProblemKind::Source {
                    block: block_no,
                    marker: marked.source.clone(),
                    error,
                },
            }),
            Ok(expected) if expected != block.content => problems.push(Problem {
                line: marked.line,
                kind: ProblemKind::Drift {
                    block: block_no,
                    marker: marked.source.clone(),
                    diff: short_diff(&expected, &block.content),
                },
            }),
            Ok(_) => {}
        }
    }
    problems.sort_by_key(|p| p.line);
    problems
}

/// A fence long enough that no line of `content` closes it early.
fn fence_for(content: &str, wanted: &str) -> String {
    let ch = &wanted[..1];
    let mut fence = wanted.to_string();
    while content.lines().any(|l| closes(l, &fence)) {
        fence.push_str(ch);
    }
    fence
}

/// What [`sync_text`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Synced {
    /// The chapter's new text.
    pub text: String,
    /// How many blocks changed or were inserted.
    pub changed: usize,
    /// What it could not fix: structure problems and sources without text.
    pub problems: Vec<Problem>,
}

/// Rewrites every marked block of a chapter from its source, and inserts a block after a
/// marker that has none. Blocks whose source has no text are left as they are, and reported.
pub fn sync_text(text: &str, load: Loader<'_>) -> Synced {
    let chapter = parse(text);
    let mut problems: Vec<Problem> = chapter
        .problems
        .iter()
        .filter(|p| !matches!(p.kind, ProblemKind::NoBlock(_)))
        .cloned()
        .collect();
    let mut out: Vec<String> = Vec::with_capacity(chapter.lines.len());
    let mut next = 0;
    let mut changed = 0;
    for (n, marked) in chapter.marked.iter().enumerate() {
        let expected = match resolve(&marked.source, load) {
            Ok(text) => text,
            Err(error) => {
                problems.push(Problem {
                    line: marked.line,
                    kind: ProblemKind::Source {
                        block: n + 1,
                        marker: marked.source.clone(),
                        error,
                    },
                });
                continue;
            }
        };
        // Lines up to and including the marker stay as they are.
        out.extend(chapter.lines[next..marked.line].iter().cloned());
        next = marked.line;
        let (fence, info) = match &marked.block {
            Some(block) if block.content == expected => continue,
            Some(block) => {
                next = block.close + 1;
                (block.fence.as_str(), block.info.clone())
            }
            None => ("```", marked.source.language().to_string()),
        };
        let fence = fence_for(&expected, fence);
        out.push(format!("{fence}{info}"));
        out.extend(expected.split('\n').map(String::from));
        out.push(fence);
        changed += 1;
    }
    out.extend(chapter.lines[next..].iter().cloned());
    let mut text_out = out.join("\n");
    if text.ends_with('\n') {
        text_out.push('\n');
    }
    problems.sort_by_key(|p| p.line);
    Synced {
        text: text_out,
        changed,
        problems,
    }
}

/// The chapter files of a repository: `chapters/*.md`, sorted.
pub fn chapter_files(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("chapters"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// A problem, with the chapter it is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProblem {
    /// The chapter, relative to the repository root.
    pub file: String,
    /// The problem.
    pub problem: Problem,
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.file, self.problem.line, self.problem.kind
        )
    }
}

fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .into_owned()
}

fn loader(root: &Path) -> impl Fn(&str) -> io::Result<String> + '_ {
    move |path: &str| std::fs::read_to_string(root.join(path))
}

/// Every problem of every chapter of the repository at `root`.
pub fn check_dir(root: &Path) -> io::Result<Vec<FileProblem>> {
    let load = loader(root);
    let mut all = Vec::new();
    for file in chapter_files(root)? {
        let text = std::fs::read_to_string(&file)?;
        let name = relative(root, &file);
        all.extend(
            check_text(&text, &load)
                .into_iter()
                .map(|problem| FileProblem {
                    file: name.clone(),
                    problem,
                }),
        );
    }
    Ok(all)
}

/// What [`sync_dir`] did to one chapter.
#[derive(Debug)]
pub struct SyncReport {
    /// The chapter, relative to the repository root.
    pub file: String,
    /// How many blocks it rewrote or inserted.
    pub changed: usize,
    /// What it could not fix.
    pub problems: Vec<FileProblem>,
}

/// Rewrites every chapter of the repository at `root` from its sources (see [`sync_text`]).
pub fn sync_dir(root: &Path) -> io::Result<Vec<SyncReport>> {
    let load = loader(root);
    let mut reports = Vec::new();
    for file in chapter_files(root)? {
        let text = std::fs::read_to_string(&file)?;
        let synced = sync_text(&text, &load);
        if synced.text != text {
            std::fs::write(&file, &synced.text)?;
        }
        let name = relative(root, &file);
        reports.push(SyncReport {
            problems: synced
                .problems
                .into_iter()
                .map(|problem| FileProblem {
                    file: name.clone(),
                    problem,
                })
                .collect(),
            file: name,
            changed: synced.changed,
        });
    }
    Ok(reports)
}

/// The repository root, seen from this crate.
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn files(entries: &[(&str, &str)]) -> HashMap<String, String> {
        entries
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    fn load_from(map: &HashMap<String, String>) -> impl Fn(&str) -> io::Result<String> + '_ {
        |path: &str| {
            map.get(path)
                .cloned()
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
        }
    }

    const CORE: &str = "\
use std::fmt;

// ANCHOR: add
/// Adds.
pub fn add(a: i64, b: i64) -> i64 {
    // ANCHOR: body
    a + b
    // ANCHOR_END: body
}
// ANCHOR_END: add

# ANCHOR: hash
x = 1
# ANCHOR_END: hash
";

    fn anchor(name: &str) -> Source {
        Source::Anchor {
            path: "core.rs".into(),
            name: name.into(),
        }
    }

    #[test]
    fn an_anchor_is_the_region_between_its_lines_without_nested_anchor_lines() {
        assert_eq!(
            anchor("add").extract(CORE),
            Ok("/// Adds.\npub fn add(a: i64, b: i64) -> i64 {\n    a + b\n}".to_string())
        );
        assert_eq!(anchor("body").extract(CORE), Ok("    a + b".to_string()));
        assert_eq!(anchor("hash").extract(CORE), Ok("x = 1".to_string()));
    }

    #[test]
    fn a_missing_unclosed_or_doubled_anchor_is_an_error() {
        assert_eq!(
            anchor("sub").extract(CORE),
            Err(SourceError::MissingAnchor("sub".into()))
        );
        assert_eq!(
            anchor("x").extract("// ANCHOR: x\nfn x() {}\n"),
            Err(SourceError::UnclosedAnchor("x".into()))
        );
        assert_eq!(
            anchor("x").extract("// ANCHOR: x\n// ANCHOR_END: x\n// ANCHOR: x\n// ANCHOR_END: x\n"),
            Err(SourceError::DuplicateAnchor("x".into()))
        );
        // A name that merely starts the same is another anchor.
        assert_eq!(
            anchor("ad").extract(CORE),
            Err(SourceError::MissingAnchor("ad".into()))
        );
    }

    #[test]
    fn line_ranges_count_from_one_and_include_both_ends() {
        let text = "one\ntwo\nthree\nfour\n";
        let lines = |first, last| Source::Lines {
            path: "t.txt".into(),
            first,
            last,
        };
        assert_eq!(lines(2, 3).extract(text), Ok("two\nthree".to_string()));
        assert_eq!(lines(4, 4).extract(text), Ok("four".to_string()));
        assert_eq!(
            lines(3, 5).extract(text),
            Err(SourceError::BadRange {
                first: 3,
                last: 5,
                lines: 4
            })
        );
        assert_eq!(
            parse_marker("<!-- source: chapters/beam/x.txt:12-20 -->"),
            Ok(Some(Source::Lines {
                path: "chapters/beam/x.txt".into(),
                first: 12,
                last: 20
            }))
        );
        assert_eq!(
            parse_marker("<!-- source: a.txt:7 -->"),
            Ok(Some(Source::Lines {
                path: "a.txt".into(),
                first: 7,
                last: 7
            }))
        );
        assert!(parse_marker("<!-- source: a.txt:9-2 -->").is_err());
        assert!(parse_marker("<!-- source: a.txt:x-2 -->").is_err());
    }

    #[test]
    fn a_snapshot_is_its_body_without_the_header() {
        let snap = "---\nsource: crates/x/tests/scenes.rs\nexpression: scene.capture()\n---\n## A scene\n> 1 + 1\n2\n";
        let source = Source::Snapshot {
            path: "x.snap".into(),
        };
        assert_eq!(
            source.extract(snap),
            Ok("## A scene\n> 1 + 1\n2".to_string())
        );
        assert_eq!(
            source.extract("## no header\n"),
            Err(SourceError::NotASnapshot)
        );
    }

    #[test]
    fn markers_name_paths_inside_the_repository() {
        assert_eq!(
            parse_marker("<!-- snapshot: crates/c/tests/snapshots/scenes__a.snap -->"),
            Ok(Some(Source::Snapshot {
                path: "crates/c/tests/snapshots/scenes__a.snap".into()
            }))
        );
        assert_eq!(
            parse_marker("<!-- source: crates/c/examples/a.rs -->"),
            Ok(Some(Source::File {
                path: "crates/c/examples/a.rs".into()
            }))
        );
        assert!(parse_marker("<!-- source: ../outside.rs#x -->").is_err());
        assert!(parse_marker("<!-- source: /etc/passwd -->").is_err());
        assert!(parse_marker("<!-- source: a.rs#x").is_err());
        assert_eq!(parse_marker("<!-- a comment -->"), Ok(None));
        for source in [
            anchor("add"),
            Source::Lines {
                path: "a.txt".into(),
                first: 2,
                last: 4,
            },
            Source::Snapshot {
                path: "s.snap".into(),
            },
        ] {
            assert_eq!(parse_marker(&source.to_string()), Ok(Some(source)));
        }
    }

    #[test]
    fn every_block_needs_a_marker_right_above_it_and_every_marker_a_block() {
        let text = "\
# Title

```rust
fn unmarked() {}
```

<!-- source: core.rs#add -->

```rust
/// Adds.
```

<!-- source: core.rs#hash -->
Some prose.

````text
```
````
";
        let problems: Vec<(usize, ProblemKind)> = parse(text)
            .problems
            .into_iter()
            .map(|p| (p.line, p.kind))
            .collect();
        assert_eq!(
            problems,
            vec![
                (3, ProblemKind::Unmarked),
                (7, ProblemKind::NoBlock(anchor("add"))),
                (9, ProblemKind::Unmarked),
                (13, ProblemKind::NoBlock(anchor("hash"))),
                (16, ProblemKind::Unmarked),
            ]
        );
    }

    #[test]
    fn a_marker_inside_a_block_is_only_text() {
        let text = "<!-- source: a.md -->\n````markdown\n<!-- source: core.rs#add -->\n```rust\n```\n````\n";
        let chapter = parse(text);
        assert_eq!(chapter.problems, vec![]);
        assert_eq!(chapter.marked.len(), 1);
        let block = chapter.marked[0].block.as_ref().map(|b| b.content.as_str());
        assert_eq!(block, Some("<!-- source: core.rs#add -->\n```rust\n```"));
    }

    #[test]
    fn a_block_in_step_passes_and_a_drifted_one_fails_with_a_diff() {
        let map = files(&[("core.rs", CORE)]);
        let load = load_from(&map);
        let good = "<!-- source: core.rs#body -->\n```rust\n    a + b\n```\n";
        assert_eq!(check_text(good, &load), vec![]);

        let drifted = "intro\n<!-- source: core.rs#add -->\n```rust\n/// Adds.\npub fn add(a: i64, b: i64) -> i64 {\n    a - b\n}\n```\n";
        let problems = check_text(drifted, &load);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 2);
        let message = problems[0].kind.to_string();
        assert!(message.starts_with("block 1 (`<!-- source: core.rs#add -->`) differs"));
        assert!(message.contains("@@ from line 3 of the block\n  -     a + b\n  +     a - b"));
    }

    #[test]
    fn a_block_whose_source_is_gone_is_reported() {
        let map = files(&[("core.rs", CORE)]);
        let load = load_from(&map);
        let text = "<!-- source: core.rs#gone -->\n```rust\nx\n```\n<!-- snapshot: none.snap -->\n```text\ny\n```\n";
        let kinds: Vec<String> = check_text(text, &load)
            .into_iter()
            .map(|p| format!("{}: {}", p.line, p.kind))
            .collect();
        assert_eq!(
            kinds,
            vec![
                "1: block 1 (`<!-- source: core.rs#gone -->`): anchor `gone` is missing: no `ANCHOR: gone` line",
                "5: block 2 (`<!-- snapshot: none.snap -->`): cannot read none.snap: no such file",
            ]
        );
    }

    #[test]
    fn sync_rewrites_drifted_blocks_inserts_missing_ones_and_keeps_the_rest() {
        let map = files(&[
            ("core.rs", CORE),
            ("out.snap", "---\nsource: x\n---\n```\nfenced output\n```\n"),
        ]);
        let load = load_from(&map);
        let text = "\
# Title
<!-- source: core.rs#body -->
```rust
    a - b
```
Prose stays.
<!-- source: core.rs#hash -->
<!-- snapshot: out.snap -->
~~~console
old
~~~
<!-- source: core.rs#gone -->
```rust
kept as it is
```
";
        let synced = sync_text(text, &load);
        assert_eq!(
            synced.text,
            "\
# Title
<!-- source: core.rs#body -->
```rust
    a + b
```
Prose stays.
<!-- source: core.rs#hash -->
```rust
x = 1
```
<!-- snapshot: out.snap -->
~~~console
```
fenced output
```
~~~
<!-- source: core.rs#gone -->
```rust
kept as it is
```
"
        );
        assert_eq!(synced.changed, 3);
        assert_eq!(synced.problems.len(), 1);
        assert_eq!(synced.problems[0].line, 12);
        // Once synced, the text checks clean but for the missing anchor, and syncing again
        // changes nothing.
        assert_eq!(check_text(&synced.text, &load).len(), 1);
        let again = sync_text(&synced.text, &load);
        assert_eq!((again.text, again.changed), (synced.text, 0));
    }

    #[test]
    fn a_source_with_a_fence_line_gets_a_longer_fence() {
        let map = files(&[("doc.md", "text\n```rust\nlet x = 1;\n```\n")]);
        let load = load_from(&map);
        let synced = sync_text("<!-- source: doc.md -->\n", &load);
        assert_eq!(
            synced.text,
            "<!-- source: doc.md -->\n````markdown\ntext\n```rust\nlet x = 1;\n```\n````\n"
        );
        assert_eq!(check_text(&synced.text, &load), vec![]);
    }

    #[test]
    fn short_diffs_stay_short() {
        let expected: Vec<String> = (0..20).map(|i| format!("line {i}")).collect();
        let diff = short_diff(&expected.join("\n"), "line 0\nother");
        assert_eq!(
            diff,
            "  @@ from line 2 of the block\n  - line 1\n  - line 2\n  - line 3\n  - line 4\n  - line 5\n  - line 6\n  - ... (13 more lines)\n  + other"
        );
    }
}
