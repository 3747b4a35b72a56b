//! Scaffold: the chapter's helper fills this crate (core, boundary, API, scenes, exercises).

pub mod scenes;
