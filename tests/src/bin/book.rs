//! `make book`'s two steps around `mdbook build`:
//!
//! - `book sources <dir>` writes the book's sources into `<dir>` from `chapters/`
//!   (`SUMMARY.md`, the chapters as pages, the BEAM transcripts, the diagrams);
//! - `book check <dir>` reads the rendered HTML in `<dir>` and fails on any internal link
//!   whose file or `#anchor` does not exist.

use std::path::PathBuf;
use std::process::ExitCode;

use workspace_checks::book::{check_links, write_sources};
use workspace_checks::chapters::repository_root;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = repository_root();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["sources", dir] => match write_sources(&root, &PathBuf::from(dir)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("book: cannot write the sources into {dir}: {e}");
                ExitCode::FAILURE
            }
        },
        ["check", dir] => match check_links(&PathBuf::from(dir)) {
            Ok(broken) if broken.is_empty() => {
                println!("book: every internal link of {dir} leads somewhere");
                ExitCode::SUCCESS
            }
            Ok(broken) => {
                for b in &broken {
                    eprintln!("{b}");
                }
                eprintln!("book: {} broken internal link(s)", broken.len());
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("book: cannot read {dir}: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: book sources <dir> | book check <dir>");
            ExitCode::from(2)
        }
    }
}
