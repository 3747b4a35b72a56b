//! Every code and output block of `chapters/*.md` equals the source its marker names (see
//! `workspace_checks::chapters` for the markers). `make chapters` rewrites drifted blocks.

use workspace_checks::chapters::{chapter_files, check_dir, repository_root};

#[test]
fn every_chapter_block_is_in_step_with_its_source() {
    let root = repository_root();
    let problems = check_dir(&root).expect("chapters/ and the files its markers name are readable");
    if !problems.is_empty() {
        let listing: Vec<String> = problems.iter().map(ToString::to_string).collect();
        panic!(
            "{} problem(s) in the chapters:\n\n{}\n",
            problems.len(),
            listing.join("\n\n")
        );
    }
}

#[test]
fn there_are_chapters_to_check() {
    let files = chapter_files(&repository_root()).expect("chapters/ is readable");
    assert!(
        !files.is_empty(),
        "no chapters/*.md: the drift check would pass without checking anything"
    );
}
