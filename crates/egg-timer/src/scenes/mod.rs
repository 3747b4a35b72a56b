//! The chapter's scenes, in the book's order: one async function per IEx session, each
//! replayed by an example of the same name and snapshot-tested in `tests/scenes.rs`.

use std::sync::{Arc, Mutex, PoisonError};

use teaching::Scene;

pub mod anatomy;
pub mod backpressure;
pub mod book_code_pitfalls;
pub mod egg_supervisor;
pub mod handle_info;
pub mod schedule_and_stop;
pub mod status_core;
pub mod status_server;
pub mod timed_messages;
pub mod your_turn_egg_timer;

/// A value that outlives the shell process, as the transcripts keep a pid in `:persistent_term`
/// to ask about it from the next shell, after a crash took the first one down.
#[derive(Debug)]
pub struct Kept<T>(Arc<Mutex<Option<T>>>);

impl<T> Clone for Kept<T> {
    fn clone(&self) -> Self {
        Kept(self.0.clone())
    }
}

impl<T: Clone> Kept<T> {
    /// Nothing kept yet.
    pub fn new() -> Self {
        Kept(Arc::new(Mutex::new(None)))
    }

    /// `:persistent_term.put(key, value)`.
    pub fn put(&self, value: T) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
    }

    /// `:persistent_term.get(key)`: the value, if one was put.
    pub fn get(&self) -> Option<T> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl<T: Clone> Default for Kept<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Every scene of the chapter, in the book's order.
pub const ALL: &[Scene] = &[
    anatomy::SCENE,
    timed_messages::SCENE,
    handle_info::SCENE,
    schedule_and_stop::SCENE,
    status_core::SCENE,
    status_server::SCENE,
    book_code_pitfalls::SCENE,
    backpressure::SCENE,
    your_turn_egg_timer::SCENE,
    egg_supervisor::SCENE,
];
