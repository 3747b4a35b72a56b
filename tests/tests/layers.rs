//! otp-core's files use one another only downwards, along the layers declared in
//! `docs/ARCHITECTURE.md`, and never in a circle (see `workspace_checks::layers`).

use workspace_checks::chapters::repository_root;
use workspace_checks::layers::{check_otp_core, otp_core_src, read_sources};

#[test]
fn otp_core_is_layered_as_the_architecture_says() {
    let problems = check_otp_core(&repository_root())
        .expect("crates/otp-core/src and docs/ARCHITECTURE.md are readable");
    if !problems.is_empty() {
        let listing: Vec<String> = problems.iter().map(ToString::to_string).collect();
        panic!(
            "{} layering problem(s) in otp-core (the layers are in docs/ARCHITECTURE.md):\n\n{}\n",
            problems.len(),
            listing.join("\n\n")
        );
    }
}

#[test]
fn there_are_files_to_check() {
    let files = read_sources(&otp_core_src(&repository_root())).expect("src is readable");
    assert!(
        files.len() > 20,
        "only {} files under crates/otp-core/src: the layer check would pass without checking",
        files.len()
    );
}
