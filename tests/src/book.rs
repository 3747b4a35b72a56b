//! The chapters as a rendered book (`make book`): the mdBook sources made from `chapters/`,
//! and a check of the rendered book's internal links.
//!
//! `chapters/*.md` stay the one text: they read well on a repository browser, where a link to
//! `../crates/...` opens the source. For the book, [`write_sources`] writes each chapter into
//! mdBook's source folder with three changes ([`to_book_page`]):
//!
//! - every block quoted from a BEAM transcript (its marker names `chapters/beam/...`) is folded
//!   into a `<details>` block, open on a click, so the Rust side reads first;
//! - a link to a file of the repository outside `chapters/` (which the book does not hold)
//!   becomes the file's path in code, and a link to a folder becomes its text;
//! - under the output of every scene that took supervision trees, the diagrams drawn from them
//!   (see [`crate::diagrams`]); a scene whose output the chapter does not show gets them where
//!   the chapter writes `<!-- diagrams: <scene> -->`;
//! - nothing else: the markers are HTML comments, which the book does not show.
//!
//! It also writes `SUMMARY.md` (the book's table of contents: the chapters in order, under
//! their own titles), copies the transcripts, so that links to them work, and the diagrams.
//! [`check_links`] reads the rendered HTML and reports every internal link whose file or
//! fragment does not exist; `make book` fails on any.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::chapters::{self, Source};

/// One chapter of the book: its file name in `chapters/` and its title (its first `# `
/// heading).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookChapter {
    /// `01-calculator.md`.
    pub file: String,
    /// `Chapter 1: A basic hand-made server`.
    pub title: String,
}

/// The chapters of the book: `chapters/NN-*.md`, in order.
///
/// # Errors
/// When `chapters/` or a chapter cannot be read.
pub fn book_chapters(root: &Path) -> io::Result<Vec<BookChapter>> {
    let mut out = Vec::new();
    for path in chapters::chapter_files(root)? {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !file.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        let title = text
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .unwrap_or(&file)
            .trim()
            .to_string();
        out.push(BookChapter { file, title });
    }
    Ok(out)
}

/// mdBook's `SUMMARY.md` for `chapters`.
///
/// ```
/// use workspace_checks::book::{BookChapter, summary};
///
/// let chapters = [BookChapter { file: "00-intro.md".into(), title: "Chapter 0: Intro".into() }];
/// assert_eq!(summary(&chapters), "# Summary\n\n- [Chapter 0: Intro](00-intro.md)\n");
/// ```
pub fn summary(chapters: &[BookChapter]) -> String {
    let mut out = String::from("# Summary\n\n");
    for c in chapters {
        out.push_str(&format!("- [{}]({})\n", c.title, c.file));
    }
    out
}

/// A chapter's text as a page of the book: transcript blocks folded, links to the repository
/// turned into paths (see the [module documentation](self)).
///
/// ```
/// use workspace_checks::book::to_book_page;
///
/// let chapter = "See [`core.rs`](../crates/x/src/core.rs).\n\
///                <!-- source: chapters/beam/t.txt:2-3 -->\n```text\niex> 1\n1\n```\n";
/// assert_eq!(
///     to_book_page(chapter),
///     "See `crates/x/src/core.rs`.\n\
///      <details>\n<summary>On the BEAM: <code>t.txt</code>, lines 2 to 3</summary>\n\n\
///      <!-- source: chapters/beam/t.txt:2-3 -->\n```text\niex> 1\n1\n```\n\n</details>\n"
/// );
/// ```
pub fn to_book_page(text: &str) -> String {
    to_book_page_with(text, &Default::default())
}

/// Diagrams by scene: each scene's `(file, caption)`, in order.
pub type DiagramIndex = BTreeMap<String, Vec<(String, String)>>;

/// [`to_book_page`], with the diagrams of `index` put under each scene's output (the block
/// whose marker names the scene's snapshot, `scenes__<scene>.snap`).
///
/// ```
/// use workspace_checks::book::{DiagramIndex, to_book_page_with};
///
/// let mut index = DiagramIndex::new();
/// index.insert("boot".into(), vec![("boot-1.svg".into(), "booted".into())]);
/// let chapter = "<!-- snapshot: crates/x/tests/snapshots/scenes__boot.snap -->\n```text\nok\n```\n";
/// assert!(to_book_page_with(chapter, &index).ends_with("```\n\n![booted](diagrams/boot-1.svg)\n\n"));
/// ```
pub fn to_book_page_with(text: &str, diagrams: &DiagramIndex) -> String {
    let parsed = chapters::parse(text);
    let lines: Vec<&str> = text.lines().collect();
    // Per line: text to put before it, and text to put after it.
    let mut before: Vec<Option<String>> = vec![None; lines.len()];
    let mut after: Vec<Option<String>> = vec![None; lines.len()];
    let mut in_code = vec![false; lines.len()];
    for marked in &parsed.marked {
        let Some(block) = &marked.block else { continue };
        let (open, close) = block.lines();
        for flag in &mut in_code[open..=close] {
            *flag = true;
        }
        let path = marked.source.path();
        if let Source::Snapshot { .. } = &marked.source {
            let scene = path
                .rsplit('/')
                .next()
                .and_then(|f| f.strip_prefix("scenes__"))
                .and_then(|f| f.strip_suffix(".snap"));
            if let Some(shots) = scene.and_then(|s| diagrams.get(s)) {
                let mut figures = String::new();
                for (file, caption) in shots {
                    figures.push_str(&format!("\n![{caption}](diagrams/{file})\n"));
                }
                after[close] = Some(figures);
            }
            continue;
        }
        let Some(file) = path.strip_prefix("chapters/beam/") else {
            continue;
        };
        let lines_said = match &marked.source {
            Source::Lines { first, last, .. } if first == last => format!(", line {first}"),
            Source::Lines { first, last, .. } => format!(", lines {first} to {last}"),
            _ => String::new(),
        };
        before[marked.line - 1] = Some(format!(
            "<details>\n<summary>On the BEAM: <code>{file}</code>{lines_said}</summary>\n"
        ));
        after[close] = Some("\n</details>".to_string());
    }
    let mut out = String::with_capacity(text.len() + 1024);
    for (i, line) in lines.iter().enumerate() {
        if let Some(b) = &before[i] {
            out.push_str(b);
            out.push('\n');
        }
        let diagram_marker = line
            .trim()
            .strip_prefix("<!-- diagrams:")
            .and_then(|rest| rest.strip_suffix("-->"))
            .map(str::trim);
        if in_code[i] {
            out.push_str(line);
        } else if let Some(scene) = diagram_marker {
            out.push_str(line);
            for (file, caption) in diagrams.get(scene).map(Vec::as_slice).unwrap_or_default() {
                out.push_str(&format!("\n\n![{caption}](diagrams/{file})"));
            }
        } else {
            out.push_str(&rewrite_links(line));
        }
        out.push('\n');
        if let Some(a) = &after[i] {
            out.push_str(a);
            out.push('\n');
        }
    }
    out
}

/// Rewrites the Markdown links of one line of prose that point outside the book.
fn rewrite_links(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find('[') {
        let (head, tail) = rest.split_at(start);
        out.push_str(head);
        let Some((text, target, used)) = link_at(tail) else {
            out.push('[');
            rest = &tail[1..];
            continue;
        };
        out.push_str(&replace_link(text, target));
        rest = &tail[used..];
    }
    out.push_str(rest);
    out
}

/// `[text](target)` at the start of `s`: the text, the target, and the bytes it spans.
fn link_at(s: &str) -> Option<(&str, &str, usize)> {
    let close = s.find("](")?;
    let text = &s[1..close];
    if text.contains('[') || text.contains(']') {
        return None;
    }
    let target_start = close + 2;
    let end = s[target_start..].find(')')? + target_start;
    let target = &s[target_start..end];
    if target.contains(char::is_whitespace) {
        return None;
    }
    Some((text, target, end + 1))
}

fn replace_link(text: &str, target: &str) -> String {
    if let Some(path) = target.strip_prefix("../") {
        // A file or folder of the repository, outside the book.
        let path = path.trim_end_matches('/');
        let plain = text.trim_matches('`').trim_end_matches('/');
        if path.ends_with(plain) {
            return format!("`{path}`");
        }
        return format!("{text} (`{path}`)");
    }
    if target.ends_with('/') {
        // A folder of chapters/ (the transcripts): the book has no page for it.
        return text.to_string();
    }
    format!("[{text}]({target})")
}

/// Writes the book's sources into `src`: `SUMMARY.md`, every chapter as a page, the BEAM
/// transcripts under `beam/`, and the diagrams under `diagrams/`. Removes what was there.
///
/// # Errors
/// When something cannot be read or written.
pub fn write_sources(root: &Path, src: &Path) -> io::Result<()> {
    if src.exists() {
        std::fs::remove_dir_all(src)?;
    }
    std::fs::create_dir_all(src)?;
    let chapters = book_chapters(root)?;
    std::fs::write(src.join("SUMMARY.md"), summary(&chapters))?;
    let index = diagram_index(root)?;
    for c in &chapters {
        let text = std::fs::read_to_string(root.join("chapters").join(&c.file))?;
        std::fs::write(src.join(&c.file), to_book_page_with(&text, &index))?;
    }
    for folder in ["beam", "diagrams"] {
        let from = root.join("chapters").join(folder);
        if from.is_dir() {
            copy_dir(&from, &src.join(folder))?;
        }
    }
    Ok(())
}

/// The diagrams in `chapters/diagrams/` by scene (`<scene>-<n>.svg`, in the order of `n`),
/// each with its caption (the SVG's `<title>`).
///
/// # Errors
/// When the folder exists and cannot be read.
pub fn diagram_index(root: &Path) -> io::Result<DiagramIndex> {
    let dir = root.join(crate::diagrams::DIR);
    let mut index = DiagramIndex::new();
    if !dir.is_dir() {
        return Ok(index);
    }
    let mut found: Vec<(String, u32, String, String)> = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let file = entry?.file_name().to_string_lossy().into_owned();
        let Some((scene, n)) = file
            .strip_suffix(".svg")
            .and_then(|stem| stem.rsplit_once('-'))
            .and_then(|(scene, n)| Some((scene.to_string(), n.parse::<u32>().ok()?)))
        else {
            continue;
        };
        let svg = std::fs::read_to_string(dir.join(&file))?;
        let caption = svg
            .split_once("<title>")
            .and_then(|(_, rest)| rest.split_once("</title>"))
            .map(|(t, _)| {
                t.replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&")
            })
            .unwrap_or_default();
        found.push((scene, n, file, caption));
    }
    found.sort();
    for (scene, _, file, caption) in found {
        index.entry(scene).or_default().push((file, caption));
    }
    Ok(index)
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// An internal link of the rendered book that leads nowhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenLink {
    /// The page it is on, relative to the book's folder.
    pub page: String,
    /// The link, as written.
    pub link: String,
    /// What is missing.
    pub missing: String,
}

impl fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} ({} does not exist)",
            self.page, self.link, self.missing
        )
    }
}

/// Every internal link (`href` and `src` of the HTML pages under `html`) whose file does not
/// exist, or whose `#fragment` names no `id` in its page. Links with a scheme (`https:`,
/// `mailto:`...) are not followed.
///
/// # Errors
/// When the folder cannot be read.
pub fn check_links(html: &Path) -> io::Result<Vec<BrokenLink>> {
    let mut pages = Vec::new();
    collect_html(html, &mut pages)?;
    pages.sort();
    let mut broken = Vec::new();
    let mut ids_cache: std::collections::HashMap<PathBuf, Vec<String>> = Default::default();
    for page in &pages {
        let text = std::fs::read_to_string(page)?;
        let rel = page
            .strip_prefix(html)
            .unwrap_or(page)
            .display()
            .to_string();
        for link in attribute_values(&text) {
            let link = link.replace("&amp;", "&");
            if link.is_empty() || is_external(&link) {
                continue;
            }
            let (path_part, fragment) = match link.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (link.as_str(), None),
            };
            let path_part = path_part.split('?').next().unwrap_or("");
            let mut target = if path_part.is_empty() {
                page.clone()
            } else if let Some(from_root) = path_part.strip_prefix('/') {
                // Absolute within the site (mdBook's 404 page): from the book's root.
                html.join(percent_decode(from_root))
            } else {
                page.parent()
                    .unwrap_or(html)
                    .join(percent_decode(path_part))
            };
            if target.is_dir() {
                target = target.join("index.html");
            }
            if !target.is_file() {
                broken.push(BrokenLink {
                    page: rel.clone(),
                    link: link.clone(),
                    missing: format!("the file {}", path_part),
                });
                continue;
            }
            let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
                continue;
            };
            if target.extension().is_none_or(|e| e != "html") {
                continue;
            }
            let ids = match ids_cache.get(&target) {
                Some(ids) => ids,
                None => {
                    let ids = ids_of(&std::fs::read_to_string(&target)?);
                    ids_cache.entry(target.clone()).or_insert(ids)
                }
            };
            let fragment = percent_decode(fragment);
            if !ids.contains(&fragment) {
                broken.push(BrokenLink {
                    page: rel.clone(),
                    link: link.clone(),
                    missing: format!("the anchor #{fragment}"),
                });
            }
        }
    }
    Ok(broken)
}

fn collect_html(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_html(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
    Ok(())
}

fn is_external(link: &str) -> bool {
    if link.starts_with("//") {
        return true;
    }
    // A scheme: letters, digits, +, - or . before a colon, and no slash before it.
    match link.find(':') {
        Some(colon) => {
            let scheme = &link[..colon];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// The values of the `href="..."` and `src="..."` attributes of an HTML page.
fn attribute_values(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let after = &rest[i + attr.len()..];
            let Some(end) = after.find('"') else { break };
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

/// The `id="..."` values of an HTML page.
fn ids_of(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" id=\"", " name=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let after = &rest[i + attr.len()..];
            let Some(end) = after.find('"') else { break };
            out.push(after[..end].replace("&amp;", "&"));
            rest = &after[end..];
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_into_the_repository_become_paths_and_others_stay() {
        assert_eq!(
            rewrite_links(
                "In [`crates/calculator`](../crates/calculator), see [`server`](../crates/d/src/server.rs)."
            ),
            "In `crates/calculator`, see `server` (`crates/d/src/server.rs`)."
        );
        assert_eq!(
            rewrite_links("[`chapters/beam/`](beam/) and [t](beam/t.txt), [0](00-how-to-read.md)"),
            "`chapters/beam/` and [t](beam/t.txt), [0](00-how-to-read.md)"
        );
        assert_eq!(
            rewrite_links("a [b] c, [x](https://example.org/a) d[0](e f)"),
            "a [b] c, [x](https://example.org/a) d[0](e f)"
        );
    }

    #[test]
    fn code_blocks_are_left_alone_and_only_transcripts_fold() {
        let chapter = "<!-- source: crates/x/src/a.rs#a -->\n```rust\nlet v = [1](2);\n```\n\
                       <!-- source: chapters/beam/t.txt:5 -->\n```text\n[x](../y)\n```\n";
        let page = to_book_page(chapter);
        assert!(page.starts_with(
            "<!-- source: crates/x/src/a.rs#a -->\n```rust\nlet v = [1](2);\n```\n<details>\n"
        ));
        assert!(page.contains("<code>t.txt</code>, line 5</summary>\n\n<!-- source"));
        assert!(page.ends_with("```text\n[x](../y)\n```\n\n</details>\n"));
    }

    #[test]
    fn the_link_check_finds_missing_files_and_anchors() {
        let dir = std::env::temp_dir().join(format!("book-links-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("css")).unwrap();
        std::fs::write(dir.join("css/a.css"), "").unwrap();
        std::fs::write(
            dir.join("a.html"),
            "<a href=\"b.html#there\">b</a> <a href=\"b.html#nowhere\">x</a> \
             <a href=\"c.html\">c</a> <link href=\"css/a.css\"> <a href=\"#top\">t</a> \
             <h1 id=\"top\"></h1> <a href=\"https://example.org/\">e</a> <img src=\"i.svg\">",
        )
        .unwrap();
        std::fs::write(dir.join("b.html"), "<h2 id=\"there\">there</h2>").unwrap();
        let broken: Vec<String> = check_links(&dir)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            broken,
            [
                "a.html: b.html#nowhere (the anchor #nowhere does not exist)",
                "a.html: c.html (the file c.html does not exist)",
                "a.html: i.svg (the file i.svg does not exist)",
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_book_has_every_chapter_in_order() {
        let root = crate::chapters::repository_root();
        let chapters = book_chapters(&root).unwrap();
        let files: Vec<&str> = chapters.iter().map(|c| c.file.as_str()).collect();
        assert_eq!(
            files,
            [
                "00-how-to-read.md",
                "01-calculator.md",
                "02-egg-timer.md",
                "03-super-duper.md",
                "04-dynamic-super.md"
            ]
        );
        assert!(chapters[3].title.starts_with("Chapter 3"));
    }
}
