//! A tool for teaching crates: exercise solutions that can be taken out, one exercise at a time.
//!
//! A chapter crate's exercises are solved in its source, one module per exercise under
//! `src/exercises/`, and their tests call only the public API so a reader's own solution slots
//! in. A test that passes with the solution removed proves nothing, so every solution body is
//! wrapped in [`solution!`](crate::solution), and every chapter crate has a `stub-exercises`
//! feature. With the feature off (every ordinary build) the wrapper is nothing at all. With it
//! on, each wrapped body first asks [`stub_point`] whether its exercise is being left out, and if
//! so stops there as `todo!()` would. Which exercises are left out is read at run time from the
//! `STUB_EXERCISES` environment variable, so one build of the tests serves every exercise:
//!
//! | `STUB_EXERCISES`        | stubbed                                                 |
//! |-------------------------|---------------------------------------------------------|
//! | unset, empty or `all`   | every exercise of the crate                             |
//! | `cancel`                | only the exercise in `src/exercises/cancel.rs` (or `cancel/`) |
//! | `cancel,hms_status`     | those two                                               |
//!
//! An exercise's name is the module right under `exercises` that holds the wrapped body, so a
//! body in `exercises::rock_paper_scissors::game` belongs to `rock_paper_scissors`.
//! `scripts/check-exercises` builds each chapter crate's tests once with the feature, then runs
//! them once per exercise with only that exercise stubbed: its tests must fail, and every other
//! test of the crate must still pass.
//!
//! ```
//! pub fn negate(n: i64) -> i64 {
//!     teaching::solution! { -n }
//! }
//! assert_eq!(negate(7), -7);
//! ```

/// Marks a solution body. In an ordinary build it is the body and nothing else. With the
/// calling crate's `stub-exercises` feature on, the body first calls [`stub_point`] with the
/// module it is written in, which stops it as `todo!()` would when its exercise is stubbed
/// (see [`STUB_VARIABLE`](crate::STUB_VARIABLE) for how to choose), so that exercise's tests must
/// fail.
///
/// A reader who writes their own solution writes it inside the wrapper, in place of ours: the
/// check can then take their body out too, and prove that their tests fail without it.
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
/// // crate is built with `--features stub-exercises` and this exercise is stubbed.
/// assert_eq!(area(2.0), 4.0 * std::f64::consts::PI);
/// ```
#[macro_export]
macro_rules! solution {
    ($($body:tt)*) => {{
        #[cfg(feature = "stub-exercises")]
        $crate::stub_point(::core::module_path!());
        $($body)*
    }};
}

/// The name of the environment variable that says which exercises a `stub-exercises` build
/// leaves out: a list of exercise names separated by commas or spaces, or `all` (the same as
/// leaving it unset).
pub const STUB_VARIABLE: &str = "STUB_EXERCISES";

/// The exercise a solution written in `module_path` belongs to: the module right under
/// `exercises`, or `None` when the path has no `exercises` module.
///
/// ```
/// use teaching::exercise_of;
///
/// assert_eq!(exercise_of("egg_timer::exercises::cancel"), Some("cancel"));
/// assert_eq!(
///     exercise_of("dynamic_super::exercises::rock_paper_scissors::game"),
///     Some("rock_paper_scissors")
/// );
/// assert_eq!(exercise_of("calculator::server"), None);
/// ```
pub fn exercise_of(module_path: &str) -> Option<&str> {
    let mut parts = module_path.split("::");
    parts.find(|part| *part == "exercises")?;
    parts.next()
}

/// Whether `exercise` is stubbed when the stub list (the value of [`STUB_VARIABLE`]) is
/// `list`: every exercise when there is no list, an empty one, or `all`; otherwise those
/// named.
///
/// ```
/// use teaching::is_stubbed;
///
/// assert!(is_stubbed(None, "cancel"));
/// assert!(is_stubbed(Some("all"), "cancel"));
/// assert!(is_stubbed(Some("hms_status, cancel"), "cancel"));
/// assert!(!is_stubbed(Some("hms_status"), "cancel"));
/// ```
pub fn is_stubbed(list: Option<&str>, exercise: &str) -> bool {
    let names: Vec<&str> = list
        .unwrap_or("")
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|name| !name.is_empty())
        .collect();
    names.is_empty() || names.contains(&"all") || names.contains(&exercise)
}

/// Where a wrapped solution body starts in a `stub-exercises` build (the [`solution!`] macro
/// calls it with its own module path): stops as `todo!()` would when the exercise that
/// module belongs to is stubbed (see [`is_stubbed`]), and returns otherwise. A body outside
/// any `exercises` module is always stubbed.
///
/// ```should_panic
/// // With STUB_EXERCISES unset, every exercise is stubbed.
/// # // SAFETY: the doc test runs in a process of its own, and nothing else reads the variable.
/// # unsafe { std::env::remove_var(teaching::STUB_VARIABLE) };
/// teaching::stub_point("calculator::exercises::negate");
/// ```
///
/// # Panics
/// When the exercise is stubbed, with `not yet implemented` and the exercise's name.
pub fn stub_point(module_path: &str) {
    let exercise = exercise_of(module_path).unwrap_or(module_path);
    let list = std::env::var(STUB_VARIABLE).ok();
    if is_stubbed(list.as_deref(), exercise) {
        todo!("the solution of exercise `{exercise}` goes here")
    }
}
