//! `make tour`: every scene of every chapter, in the book's order, with a header per section.
//! `make tour CHAPTER=2` (or `cargo run -p workspace-checks --bin tour -- 2`) plays one chapter.

fn main() {
    let only: Option<u32> = std::env::args().nth(1).and_then(|a| a.parse().ok());
    for chapter in workspace_checks::chapters() {
        if only.is_some_and(|n| n != chapter.number) {
            continue;
        }
        println!("\n# Chapter {}: {}", chapter.number, chapter.title);
        for scene in chapter.scenes {
            println!(
                "\n=== {} (cargo run -p {} --example {}) ===",
                scene.title, chapter.krate, scene.name
            );
            scene.play();
        }
    }
}
