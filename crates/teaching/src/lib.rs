//! # teaching: the chapters' machinery on top of otp-core
//!
//! The chapter crates replay the book's IEx sessions and solve its exercises; this crate holds
//! what they share for that, so that [`otp_core`] stays a runtime any program can use and
//! knows nothing of scenes, chapters or exercises.
//!
//! | what a chapter needs                        | here                                  |
//! |---------------------------------------------|---------------------------------------|
//! | an IEx session, replayed as a scene          | [`Shell`], [`show!`], [`play`], [`capture`] |
//! | a chapter's list of scenes, for the tour and the snapshot tests | [`Scene`], [`scene!`], [`find_scene`], [`assert_scenes_match`] |
//! | an exercise solution that can be stubbed out, one exercise at a time | [`solution!`], [`stub_point`] |
//! | a supervision tree at chosen points of a scene, for the diagrams | [`Shell::tree`], [`record_trees`] |
//! | an interactive shell on a live node, per chapter | [`iex`]                            |
//!
//! A scene runs on a fresh [`otp_core::Node`] whose console is captured through otp-core's own
//! hook ([`otp_core::Console::capture`] with [`otp_core::Node::with_console`]), under a paused
//! tokio clock, with otp-core's console logger installed
//! ([`otp_core::logger::init_console`]) so crash reports appear where Elixir's Logger would
//! print them:
//!
//! ```
//! use otp_core::{io, process};
//! use teaching::{Shell, show};
//!
//! async fn scene(sh: Shell) {
//!     sh.section("Who am I?");
//!     sh.run(|sh| async move {
//!         show!(sh, process::self_pid());
//!         // Elixir: Process.sleep(60_000), over at once under the paused clock
//!         sh.sleep(60_000).await;
//!         io::puts("a minute later");
//!     })
//!     .await;
//! }
//!
//! assert_eq!(
//!     teaching::capture(scene),
//!     "## Who am I?\n> process::self_pid()\n#PID<0.100.0>\na minute later\n"
//! );
//! ```
#![warn(missing_docs)]

mod exercise;
pub mod iex;
mod scene;
mod shell;

pub use exercise::{STUB_VARIABLE, exercise_of, is_stubbed, stub_point};
pub use scene::{Scene, SceneFuture, assert_scenes_match, find_scene};
pub use shell::{Shell, TreeShot, capture, inspect, one_line, play, record_trees};
