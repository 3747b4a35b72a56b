//! The chapter's scenes, in the book's order: one async function per IEx session, each
//! replayed by an example of the same name and snapshot-tested in `tests/scenes.rs`.

use otp_core::shell::Scene;

/// Every scene of the chapter, in the book's order.
pub const ALL: &[Scene] = &[];
