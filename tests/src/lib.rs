//! Workspace-level checks, and the tour.
//!
//! [`chapters()`] lists the written chapters and their scenes (the tour plays them); the
//! [`chapters`](mod@chapters) module keeps `chapters/*.md` in step with their sources;
//! [`exercises`] finds the exercises and blanks a solution for a reader; [`diagrams`] draws
//! the supervision trees the scenes take; [`book`] makes the rendered book's sources and checks
//! its links; [`layers`] checks that otp-core's files use one another only downwards, along the
//! layers of `docs/ARCHITECTURE.md`.

pub mod book;
pub mod chapters;
pub mod diagrams;
pub mod exercises;
pub mod layers;

use teaching::Scene;

/// One chapter of the book: its number, its title, and its scenes in order.
#[derive(Debug)]
pub struct Chapter {
    /// The chapter's number in the book.
    pub number: u32,
    /// The book's title for it.
    pub title: &'static str,
    /// The crate that holds it (`cargo run -p <crate> --example <scene>`).
    pub krate: &'static str,
    /// Its scenes, in the book's order.
    pub scenes: &'static [Scene],
}

/// Every written chapter, in the book's order.
pub fn chapters() -> Vec<Chapter> {
    vec![
        Chapter {
            number: 1,
            title: "A basic hand-made server",
            krate: "calculator",
            scenes: calculator::scenes::ALL,
        },
        Chapter {
            number: 2,
            title: "Communication between servers",
            krate: "egg-timer",
            scenes: egg_timer::scenes::ALL,
        },
        Chapter {
            number: 3,
            title: "Lifecycle and supervision",
            krate: "super-duper",
            scenes: super_duper::scenes::ALL,
        },
        Chapter {
            number: 4,
            title: "The power of a name",
            krate: "dynamic-super",
            scenes: dynamic_super::scenes::ALL,
        },
    ]
}
