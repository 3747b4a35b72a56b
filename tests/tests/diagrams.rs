//! The supervision-tree diagrams of `chapters/diagrams/` are what the scenes draw now, and the
//! book shows each of them (see `workspace_checks::diagrams`). `make chapters` draws them again.

use workspace_checks::chapters::repository_root;
use workspace_checks::diagrams::{DIR, diagrams, stale_files};

#[test]
fn every_diagram_is_what_its_scene_draws_now() {
    let root = repository_root();
    let drawn = diagrams(&workspace_checks::chapters());
    let mut problems = Vec::new();
    for d in &drawn {
        match std::fs::read_to_string(root.join(DIR).join(&d.file)) {
            Ok(text) if text == d.svg => {}
            Ok(_) => problems.push(format!(
                "{DIR}/{} differs from what {} draws now",
                d.file, d.scene
            )),
            Err(_) => problems.push(format!("{DIR}/{} is missing ({})", d.file, d.caption)),
        }
    }
    for stale in stale_files(&root, &drawn).unwrap() {
        problems.push(format!("{DIR}/{stale} is drawn by no scene"));
    }
    assert!(
        problems.is_empty(),
        "{}\n`make chapters` draws the diagrams again",
        problems.join("\n")
    );
}

#[test]
fn every_scene_of_chapters_3_and_4_that_has_a_supervisor_has_diagrams_the_book_shows() {
    let root = repository_root();
    let chapters = workspace_checks::chapters();
    let drawn = diagrams(&chapters);
    // Chapter 3's first sessions run before there is any supervisor.
    let no_tree = ["primitives", "server_alone"];
    let texts: String = ["03-super-duper.md", "04-dynamic-super.md"]
        .iter()
        .map(|f| std::fs::read_to_string(root.join("chapters").join(f)).unwrap())
        .collect();
    for chapter in chapters.iter().filter(|c| c.number >= 3) {
        for scene in chapter.scenes {
            if no_tree.contains(&scene.name) {
                continue;
            }
            assert!(
                drawn.iter().any(|d| d.scene == scene.name),
                "scene {} takes no supervision tree (sh.tree)",
                scene.name
            );
        }
    }
    // The book puts a scene's diagrams under its output, or where a chapter asks for them.
    for d in &drawn {
        assert!(
            texts.contains(&format!("scenes__{}.snap -->", d.scene))
                || texts.contains(&format!("<!-- diagrams: {} -->", d.scene)),
            "{} has diagrams, but chapters 3 and 4 neither show its output nor write \
             `<!-- diagrams: {} -->`",
            d.scene,
            d.scene
        );
    }
}
