//! The same workloads on the other actor libraries for Rust, each in its own documented style.

pub mod actix;
pub mod kameo;
pub mod ractor;
