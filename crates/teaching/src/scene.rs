//! Scenes as lists: what a chapter's tour runs and its snapshot tests check.
//!
//! A chapter lists its scenes once, in the book's order, with [`scene!`](crate::scene); the
//! examples, the tour and the snapshot tests all read that list, and [`assert_scenes_match`]
//! keeps the list, the tests and the snapshot files in step.

use std::future::Future;

use crate::shell::{Shell, TreeShot, capture, play, record_trees};

/// A scene's future, boxed so scenes of different functions fit in one list.
pub type SceneFuture = std::pin::Pin<Box<dyn Future<Output = ()>>>;

/// One scene of a chapter, as the tour and the snapshot tests list them.
#[derive(Clone, Copy)]
pub struct Scene {
    /// The scene's name: its example's name and its snapshot's name.
    pub name: &'static str,
    /// The book section it replays.
    pub title: &'static str,
    /// Runs it.
    pub run: fn(Shell) -> SceneFuture,
}

impl std::fmt::Debug for Scene {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scene({} - {})", self.name, self.title)
    }
}

impl Scene {
    /// Runs the scene for a reader (see [`play`]).
    ///
    /// ```
    /// use teaching::scene;
    /// use teaching::{Scene, Shell};
    ///
    /// async fn hello(sh: Shell) {
    ///     sh.say("hello");
    /// }
    ///
    /// const HELLO: Scene = scene!("hello", "Saying hello", hello);
    ///
    /// // What an example's main does: `cargo run --example hello` prints the scene.
    /// HELLO.play();
    /// ```
    pub fn play(&self) {
        play(self.run)
    }

    /// Runs the scene for a test (see [`capture`]).
    ///
    /// ```
    /// use teaching::scene;
    /// use teaching::{Scene, Shell};
    ///
    /// async fn hello(sh: Shell) {
    ///     sh.say("hello");
    /// }
    ///
    /// const HELLO: Scene = scene!("hello", "Saying hello", hello);
    ///
    /// // What a snapshot test does with it.
    /// assert_eq!(HELLO.capture(), "hello\n");
    /// assert_eq!(format!("{HELLO:?}"), "Scene(hello - Saying hello)");
    /// ```
    pub fn capture(&self) -> String {
        capture(self.run)
    }

    /// Runs the scene for its diagrams (see [`record_trees`]).
    ///
    /// ```
    /// use teaching::scene;
    /// use teaching::{Scene, Shell};
    ///
    /// async fn hello(sh: Shell) {
    ///     sh.say("hello");
    /// }
    ///
    /// const HELLO: Scene = scene!("hello", "Saying hello", hello);
    /// assert!(HELLO.trees().is_empty(), "no tree taken");
    /// ```
    pub fn trees(&self) -> Vec<TreeShot> {
        record_trees(self.run)
    }
}

/// The scene named `name` in a chapter's list: what a snapshot test looks up.
///
/// ```
/// use teaching::scene;
/// use teaching::{Scene, Shell};
///
/// async fn hello(sh: Shell) {
///     sh.say("hello");
/// }
///
/// const ALL: &[Scene] = &[scene!("hello", "Saying hello", hello)];
///
/// assert_eq!(teaching::find_scene(ALL, "hello").capture(), "hello\n");
/// ```
///
/// # Panics
/// When no scene has that name: a test that names a scene the list does not have.
pub fn find_scene<'a>(scenes: &'a [Scene], name: &str) -> &'a Scene {
    scenes
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no scene named {name} in the chapter's list of scenes"))
}

/// Checks that a chapter's list of scenes, its snapshot tests and its snapshot files agree:
/// `tested` names the scenes the tests check, in the list's order, and `snapshots` is the
/// folder of `scenes__<name>.snap` files. A scene added without a test, or a snapshot left
/// behind by a scene that was removed, fails here.
///
/// ```
/// use teaching::scene;
/// use teaching::{Scene, Shell};
///
/// async fn hello(sh: Shell) {
///     sh.say("hello");
/// }
///
/// const ALL: &[Scene] = &[scene!("hello", "Saying hello", hello)];
///
/// let dir = std::env::temp_dir().join(format!("teaching-doc-snapshots-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("scenes__hello.snap"), "").unwrap();
/// teaching::assert_scenes_match(ALL, &["hello"], &dir);
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
///
/// # Panics
/// With the two lists that disagree, or when the folder cannot be read.
pub fn assert_scenes_match(scenes: &[Scene], tested: &[&str], snapshots: &std::path::Path) {
    let listed: Vec<&str> = scenes.iter().map(|s| s.name).collect();
    assert_eq!(listed, tested, "the list of scenes and the tests disagree");
    let mut files: Vec<String> = std::fs::read_dir(snapshots)
        .unwrap_or_else(|e| panic!("{}: {e}", snapshots.display()))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|file| {
            file.strip_prefix("scenes__")?
                .strip_suffix(".snap")
                .map(String::from)
        })
        .collect();
    files.sort();
    let mut names = listed;
    names.sort_unstable();
    assert_eq!(files, names, "the snapshot files and the scenes disagree");
}

/// Makes a [`Scene`] from a name, a title and an `async fn(Shell)`:
/// `scene!("boundary_send", "The hand-made boundary", boundary_send)`.
///
/// ```
/// use teaching::scene;
/// use teaching::{Scene, Shell};
///
/// async fn links(sh: Shell) {
///     sh.section("Links");
/// }
///
/// async fn monitors(sh: Shell) {
///     sh.section("Monitors");
/// }
///
/// /// A chapter's scenes, in the book's order.
/// const ALL: &[Scene] = &[
///     scene!("links", "Linking processes", links),
///     scene!("monitors", "Watching a process", monitors),
/// ];
///
/// let names: Vec<&str> = ALL.iter().map(|s| s.name).collect();
/// assert_eq!(names, ["links", "monitors"]);
/// assert_eq!(ALL[1].capture(), "## Monitors\n");
/// ```
#[macro_export]
macro_rules! scene {
    ($name:expr, $title:expr, $f:path) => {
        $crate::Scene {
            name: $name,
            title: $title,
            run: |sh| ::std::boxed::Box::pin($f(sh)),
        }
    };
}
