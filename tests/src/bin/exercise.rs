//! The chapters' exercises, for a reader:
//!
//! - `exercise list` (`make exercise` with no `NAME`): every exercise, with its file and task;
//! - `exercise blank <crate>/<name>` (`make blank NAME=...`): replaces our solution bodies in
//!   that exercise's files with `todo!()`, keeping the `teaching::solution!` wrappers, so you
//!   can write your own inside them. Refuses when the files have changes git does not have
//!   (your own work), unless `FORCE=1`.

use std::process::{Command, ExitCode};

use anyhow::{Context, bail};
use workspace_checks::chapters::repository_root;
use workspace_checks::exercises::{Exercise, blank, exercises};

fn main() -> ExitCode {
    run().unwrap_or_else(|e| {
        eprintln!("{e:#}");
        ExitCode::FAILURE
    })
}

fn run() -> anyhow::Result<ExitCode> {
    let root = repository_root();
    let all = exercises(&root)?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["list"] => {
            println!("{:<34} {:<58} task", "NAME", "file");
            for e in &all {
                println!(
                    "{:<34} {:<58} {}",
                    e.id(),
                    e.files[0].display(),
                    e.title(&root)
                );
            }
            println!();
            println!("make blank NAME=<name>      our solution out, todo!() in, to write your own");
            println!(
                "make exercise NAME=<name>   its tests, then the check that they fail without it"
            );
            Ok(ExitCode::SUCCESS)
        }
        ["blank", name] => {
            let Some(e) = all.iter().find(|e| e.id() == *name) else {
                eprintln!("no exercise named '{name}'; `make exercise` lists them");
                return Ok(ExitCode::from(2));
            };
            blank_exercise(&root, e)?;
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprintln!("usage: exercise [list] | exercise blank <crate>/<name>");
            Ok(ExitCode::from(2))
        }
    }
}

fn blank_exercise(root: &std::path::Path, e: &Exercise) -> anyhow::Result<()> {
    let force = std::env::var("FORCE").is_ok_and(|v| v == "1");
    if !force {
        let changed = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["status", "--porcelain", "--"])
            .args(&e.files)
            .output();
        if let Ok(out) = changed
            && out.status.success()
            && !out.stdout.is_empty()
        {
            bail!(
                "{} has changes git does not have (your own solution?):\n{}\
                 blanking would lose them. Commit or stash them first, or run again with FORCE=1.",
                e.id(),
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
    let mut total = 0;
    for file in &e.files {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", file.display()))?;
        let out = blank(&text).with_context(|| file.display().to_string())?;
        if out.bodies > 0 {
            std::fs::write(&path, &out.text)
                .with_context(|| format!("writing {}", file.display()))?;
            println!(
                "{}: {} solution bod{} blanked",
                file.display(),
                out.bodies,
                if out.bodies == 1 { "y" } else { "ies" }
            );
        }
        total += out.bodies;
    }
    if total == 0 {
        bail!("{}: no teaching::solution! body in its files", e.id());
    }
    let files: Vec<String> = e.files.iter().map(|f| f.display().to_string()).collect();
    println!();
    println!(
        "Now write your code inside each teaching::solution! {{ ... }} of {}.",
        files[0]
    );
    println!("Its task is at the top of the file. Then:");
    println!(
        "  make exercise NAME={}    its tests, and the check that they fail without your code",
        e.id()
    );
    println!(
        "  git diff -- {}    shows our solution; git checkout -- <file> brings it back",
        files.join(" ")
    );
    Ok(())
}
