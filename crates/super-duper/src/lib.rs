//! # Chapter 3: lifecycle and supervision
//!
//! Three characters, each a GenServer, under one supervisor, crashed on purpose to watch what
//! a supervisor does about it:
//!
//! - [`core`]: the characters and their quotes (`say`, `info`), pure data;
//! - [`server`]: `SuperDuper.Server`, one GenServer per character, registered under its name;
//!   `init` prints "Starting superman", the `die` cast panics with "Boom", `terminate` prints
//!   "Mayday! Mayday! superman going down...";
//! - [`application`]: `SuperDuper.Application`, whose start prints the banner and starts
//!   `SuperDuper.Supervisor` over the three characters, booted as mix does or started by hand
//!   from the shell;
//! - the API, at the root of this crate: [`say`], [`die`] and [`add_character`], the
//!   `SuperDuper` module the chapter's "Your Turn" asks for (solved in [`exercises`]).
//!
//! [`scenes`] replays the chapter's IEx sessions, as the BEAM really ran them; [`exercises`]
//! solves its "Your Turn" exercises. The companion text is `chapters/03-super-duper.md`.
//!
//! [`shell`] is the chapter's interactive shell on a live node, in real time: `cargo run -p
//! super-duper` (see `teaching::iex`).
//!
//! | Elixir                                   | Rust                                              |
//! |------------------------------------------|---------------------------------------------------|
//! | `SuperDuper.Core.info(:superman)`        | [`core::info`]`("superman")`                      |
//! | `SuperDuper.Server.start_link(:superman)`| [`server::start_link`]`("superman").await`         |
//! | `SuperDuper.Server.die(:superman)`       | [`server::die`]`("superman")`                     |
//! | `SuperDuper.Application.start(:duper, [])`| [`application::start`]`(Options::new()).await`   |
//! | `SuperDuper.say(:superman)`              | [`say`]`("superman").await`                       |

#![warn(missing_docs)]

pub mod application;
pub mod core;
pub mod exercises;
pub mod scenes;
pub mod server;
pub mod shell;

pub use exercises::add_character::add_character;
pub use exercises::api::{die, say};
