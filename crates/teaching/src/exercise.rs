//! A tool for teaching crates: exercise solutions that can be swapped for a stub.
//!
//! A chapter crate's exercises are solved in its source, and their tests call only the public
//! API so a reader's own solution slots in. A test that passes with the solution removed proves
//! nothing, so every chapter crate has a `stub-exercises` feature: wrap each solution body in
//! [`solution!`](crate::solution) and, with the feature on, the body becomes a `todo!()`. The
//! workspace's `make test` runs every exercise's tests that way and fails if any of them passes.
//!
//! ```
//! pub fn negate(n: i64) -> i64 {
//!     teaching::solution! { -n }
//! }
//! assert_eq!(negate(7), -7);
//! ```

/// Marks a solution body. With the calling crate's `stub-exercises` feature on, the body is
/// replaced by `todo!()`, so the exercise's tests must fail.
///
/// ```
/// /// Your turn: the area of a circle of radius `r`.
/// pub fn area(r: f64) -> f64 {
///     teaching::solution! {
///         std::f64::consts::PI * r * r
///     }
/// }
///
/// // The exercise's test: it passes with the solution, and fails (on the `todo!()`) when the
/// // crate is built with `--features stub-exercises`.
/// assert_eq!(area(2.0), 4.0 * std::f64::consts::PI);
/// ```
#[macro_export]
macro_rules! solution {
    ($($body:tt)*) => {{
        #[cfg(not(feature = "stub-exercises"))]
        let solved = { $($body)* };
        #[cfg(feature = "stub-exercises")]
        #[allow(clippy::diverging_sub_expression)]
        let solved = todo!("the exercise's solution goes here");
        #[allow(unreachable_code)]
        solved
    }};
}
