//! `make chapters`: rewrites every code and output block of `chapters/*.md` from the source
//! its marker names, and inserts the block a new marker lacks; then draws again the
//! supervision-tree diagrams of `chapters/diagrams/` from the scenes. Exits non-zero if
//! something could not be fixed (a missing anchor, a block without a marker...), after saying
//! what.

use std::process::ExitCode;

use workspace_checks::chapters::{repository_root, sync_dir};
use workspace_checks::diagrams::{diagrams, write_diagrams};

fn main() -> anyhow::Result<ExitCode> {
    let root = repository_root();
    let reports = sync_dir(&root)?;
    let mut unfixed = 0;
    for report in &reports {
        match report.changed {
            0 => println!("{}: in step", report.file),
            n => println!("{}: rewrote {n} block(s)", report.file),
        }
        for problem in &report.problems {
            eprintln!("{problem}");
            unfixed += 1;
        }
    }
    let drawn = diagrams(&workspace_checks::chapters());
    match write_diagrams(&root, &drawn)? {
        0 => println!("chapters/diagrams: {} diagram(s), in step", drawn.len()),
        n => println!(
            "chapters/diagrams: {} diagram(s), {n} file(s) written or removed",
            drawn.len()
        ),
    }
    if unfixed > 0 {
        eprintln!("{unfixed} problem(s) left to fix by hand");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
