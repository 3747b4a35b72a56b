//! Supervision-tree diagrams, drawn from otp-core's own view of the trees.
//!
//! A scene takes the tree at the points that matter with `teaching::Shell::tree`, which asks
//! `otp_core::observer` for it; [`diagrams`] runs every scene that way and draws each tree it
//! took as an SVG file, `chapters/diagrams/<scene>-<n>.svg`. Nothing is drawn by hand, so a
//! diagram cannot say something the runtime does not do: `make chapters` writes them, a
//! workspace test fails when a file differs from what the scenes draw now, and the book shows
//! them under the scene's output.
//!
//! The drawing is the tree as Erlang's observer lays it out, sideways: each process a box,
//! each child one step to the right of its supervisor and below it. Supervisors are blue,
//! workers grey; a child its supervisor has restarted is amber and says how often; a child
//! that is not running is dashed.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use otp_core::observer::{ChildView, SupervisorKind, SupervisorView};
use otp_core::supervisor::{ChildPid, ChildType, Restart, Strategy};
use teaching::TreeShot;

use crate::Chapter;

/// Where the diagrams live, relative to the repository root.
pub const DIR: &str = "chapters/diagrams";

/// One diagram: its file name, what it shows, and its SVG text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagram {
    /// The scene it comes from.
    pub scene: String,
    /// `<scene>-<n>.svg`, `n` counting from 1 in the order the scene took its trees.
    pub file: String,
    /// The caption the scene gave.
    pub caption: String,
    /// The drawing.
    pub svg: String,
}

/// Every diagram of every scene of `chapters`, in order.
pub fn diagrams(chapters: &[Chapter]) -> Vec<Diagram> {
    let mut out = Vec::new();
    for chapter in chapters {
        for scene in chapter.scenes {
            for (i, shot) in scene.trees().iter().enumerate() {
                out.push(Diagram {
                    scene: scene.name.to_string(),
                    file: format!("{}-{}.svg", scene.name, i + 1),
                    caption: shot.caption.clone(),
                    svg: svg(shot),
                });
            }
        }
    }
    out
}

/// Writes `diagrams` into `<root>/chapters/diagrams/`, removing SVG files no scene draws any
/// more. Returns how many files changed.
///
/// # Errors
/// When the folder cannot be read or written.
pub fn write_diagrams(root: &Path, diagrams: &[Diagram]) -> io::Result<usize> {
    let dir = root.join(DIR);
    std::fs::create_dir_all(&dir)?;
    let mut changed = 0;
    for name in stale_files(root, diagrams)? {
        std::fs::remove_file(dir.join(name))?;
        changed += 1;
    }
    for d in diagrams {
        let path = dir.join(&d.file);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(d.svg.as_str()) {
            std::fs::write(&path, &d.svg)?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// SVG files in `chapters/diagrams/` that none of `diagrams` is.
///
/// # Errors
/// When the folder exists and cannot be read.
pub fn stale_files(root: &Path, diagrams: &[Diagram]) -> io::Result<Vec<String>> {
    let dir = root.join(DIR);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".svg") && !diagrams.iter().any(|d| d.file == name) {
            stale.push(name);
        }
    }
    stale.sort();
    Ok(stale)
}

const CHAR_W: f64 = 7.3;
const BOX_H: f64 = 40.0;
const ROW: f64 = 52.0;
const INDENT: f64 = 36.0;
const MARGIN: f64 = 16.0;
const TOP: f64 = 44.0;

/// One box of the drawing.
struct Row {
    depth: usize,
    title: String,
    detail: String,
    style: Style,
    /// The row of its supervisor, for the connector.
    parent: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Supervisor,
    Worker,
    Restarted,
    Stopped,
}

impl Style {
    fn colours(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Style::Supervisor => ("#dbeafe", "#1d4ed8", ""),
            Style::Worker => ("#f1f5f9", "#475569", ""),
            Style::Restarted => ("#fef3c7", "#b45309", ""),
            Style::Stopped => ("#ffffff", "#94a3b8", " stroke-dasharray=\"5 4\""),
        }
    }
}

/// The drawing of one tree: its caption on top, then the tree.
pub fn svg(shot: &TreeShot) -> String {
    let mut rows = Vec::new();
    match &shot.tree {
        Ok(tree) => supervisor_rows(tree, 0, None, None, &mut rows),
        Err(why) => rows.push(Row {
            depth: 0,
            title: "no supervision tree".to_string(),
            detail: why.clone(),
            style: Style::Stopped,
            parent: None,
        }),
    }
    let widest = rows
        .iter()
        .map(|r| r.title.chars().count().max(r.detail.chars().count()))
        .max()
        .unwrap_or(0);
    let box_w = (widest as f64 * CHAR_W + 20.0).ceil();
    let depth = rows.iter().map(|r| r.depth).max().unwrap_or(0);
    let legend = "blue: supervisor · grey: worker · amber: restarted · dashed: not running";
    let width = (MARGIN * 2.0 + depth as f64 * INDENT + box_w)
        .max(MARGIN * 2.0 + shot.caption.chars().count() as f64 * 8.2)
        .max(MARGIN * 2.0 + legend.chars().count() as f64 * 6.2)
        .ceil();
    let height = TOP + rows.len() as f64 * ROW + 24.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"ui-monospace, Menlo, Consolas, monospace\" \
         font-size=\"12\" role=\"img\">"
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&shot.caption));
    let _ = writeln!(
        out,
        "<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>"
    );
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"24\" font-size=\"14\" font-weight=\"bold\" fill=\"#0f172a\">{}</text>",
        escape(&shot.caption)
    );
    let x_of = |r: &Row| MARGIN + r.depth as f64 * INDENT;
    let y_of = |i: usize| TOP + i as f64 * ROW;
    for (i, row) in rows.iter().enumerate() {
        if let Some(p) = row.parent {
            let x = x_of(&rows[p]) + INDENT / 2.0;
            let y = y_of(i) + BOX_H / 2.0;
            let _ = writeln!(
                out,
                "<path d=\"M{x} {} V{y} H{}\" fill=\"none\" stroke=\"#64748b\" stroke-width=\"1.5\"/>",
                y_of(p) + BOX_H,
                x_of(row)
            );
        }
    }
    for (i, row) in rows.iter().enumerate() {
        let (fill, stroke, dash) = row.style.colours();
        let (x, y) = (x_of(row), y_of(i));
        let _ = writeln!(
            out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{box_w}\" height=\"{BOX_H}\" rx=\"6\" fill=\"{fill}\" \
             stroke=\"{stroke}\" stroke-width=\"1.5\"{dash}/>"
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-weight=\"bold\" fill=\"#0f172a\">{}</text>",
            x + 10.0,
            y + 16.0,
            escape(&row.title)
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"#334155\">{}</text>",
            x + 10.0,
            y + 32.0,
            escape(&row.detail)
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"10\" fill=\"#64748b\">{}</text>",
        height - 8.0,
        escape(legend)
    );
    out.push_str("</svg>\n");
    out
}

fn supervisor_rows(
    tree: &SupervisorView,
    depth: usize,
    parent: Option<usize>,
    as_child: Option<&ChildView>,
    rows: &mut Vec<Row>,
) {
    let name = tree
        .registered_name
        .as_ref()
        .map(|n| n.as_str().to_string())
        .or_else(|| as_child.and_then(|c| c.id.as_ref()).map(|a| a.to_string()))
        .unwrap_or_else(|| tree.pid.to_string());
    let kind = match tree.kind {
        SupervisorKind::Supervisor => "Supervisor",
        SupervisorKind::DynamicSupervisor => "DynamicSupervisor",
    };
    let mut detail = format!("{} {}", tree.pid, strategy(tree.strategy));
    if let Some(c) = as_child.filter(|c| c.restarts > 0) {
        let _ = write!(detail, " restarted {}x", c.restarts);
    }
    let me = rows.len();
    rows.push(Row {
        depth,
        title: format!("{name} ({kind})"),
        detail,
        style: Style::Supervisor,
        parent,
    });
    for child in &tree.children {
        match &child.supervisor {
            Some(sub) => supervisor_rows(sub, depth + 1, Some(me), Some(child), rows),
            None => rows.push(child_row(child, depth + 1, me)),
        }
    }
}

fn child_row(child: &ChildView, depth: usize, parent: usize) -> Row {
    let name = child
        .registered_name
        .as_ref()
        .or(child.id.as_ref())
        .map(|a| a.to_string())
        .unwrap_or_else(|| ":undefined".to_string());
    let kind = match child.child_type {
        ChildType::Worker => "worker",
        ChildType::Supervisor => "supervisor",
    };
    let (pid, style) = match &child.pid {
        ChildPid::Pid(pid) if child.restarts > 0 => (pid.to_string(), Style::Restarted),
        ChildPid::Pid(pid) => (pid.to_string(), Style::Worker),
        other => (format!("{other:?}"), Style::Stopped),
    };
    let mut detail = format!("{pid} {}", restart(child.restart));
    if child.restarts > 0 {
        let _ = write!(detail, " restarted {}x", child.restarts);
    }
    Row {
        depth,
        title: format!("{name} ({kind})"),
        detail,
        style,
        parent: Some(parent),
    }
}

fn strategy(s: Strategy) -> &'static str {
    match s {
        Strategy::OneForOne => ":one_for_one",
        Strategy::OneForAll => ":one_for_all",
        Strategy::RestForOne => ":rest_for_one",
    }
}

fn restart(r: Restart) -> &'static str {
    match r {
        Restart::Permanent => ":permanent",
        Restart::Transient => ":transient",
        Restart::Temporary => ":temporary",
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_tree_is_drawn_as_such_and_text_is_escaped() {
        let shot = TreeShot {
            caption: "after <4> crashes & more".to_string(),
            tree: Err("no process is registered as SuperDuper.Supervisor".to_string()),
        };
        let drawing = svg(&shot);
        assert!(drawing.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(drawing.contains("<title>after &lt;4&gt; crashes &amp; more</title>"));
        assert!(drawing.contains("no process is registered as SuperDuper.Supervisor"));
        assert!(drawing.contains("stroke-dasharray"));
        assert!(drawing.ends_with("</svg>\n"));
    }
}
