//! The chapter's "Your Turn", solved: one file per exercise.
//!
//! - [`calls_not_casts`]: the calculator with calls instead of casts.
//!
//! Each file states its task and what to change; its tests call only the public API, so your
//! own solution slots in. With the crate's `stub-exercises` feature every solution body
//! becomes `todo!()`, and every one of these tests fails:
//! `cargo test -p egg-timer --features stub-exercises --lib exercises`.

pub mod calls_not_casts;
