//! The calculator's core: pure functions on numbers, no processes.
//!
//! Every function takes the accumulator first and returns the new one, the shape of a reducer:
//! the boundary keeps an accumulator in a process and hands it to one of these for every
//! message. [`fold`] runs a reducer over a list, as a process runs it over its messages.
//!
//! | Elixir (`Calculator.Core`)        | Rust                                |
//! |-----------------------------------|-------------------------------------|
//! | `add(acc, n)` ... `divide(acc, n)`| [`add`] ... [`divide`]              |
//! | `inc(acc)`, `dec(acc)`            | [`inc`], [`dec`]                    |
//! | `fold(list, acc, f)`              | [`fold`] (that is `Iterator::fold`) |
//! | an integer or a float             | [`Number`]                          |
//! | `ArithmeticError`                 | a panic; [`ArithmeticError`] from [`checked`] |

use std::fmt;

// ANCHOR: number
/// A number as Elixir has them: an integer, or a float once a division made one.
///
/// Elixir's `10 / 2` is `5.0` and `10 + 4` is `14`: the calculator's state changes kind when
/// it divides. `Number` keeps that visible instead of making every number an `f64`: integer
/// operations stay integers, anything that touches a float or divides gives a float.
#[derive(Clone, Copy, PartialEq)]
pub enum Number {
    /// An integer: `16`.
    Int(i64),
    /// A float: `5.0`. Always finite: an operation that would give infinity or NaN panics.
    Float(f64),
}
// ANCHOR_END: number

impl Number {
    /// The number as a float.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(n) => n as f64,
            Number::Float(x) => x,
        }
    }

    /// `true` for a float (Elixir's `is_float/1`).
    pub fn is_float(self) -> bool {
        matches!(self, Number::Float(_))
    }
}

impl Default for Number {
    /// `0`, what `:clear` sets the calculator to.
    fn default() -> Self {
        Number::Int(0)
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Number::Int(n)
    }
}

impl From<i32> for Number {
    fn from(n: i32) -> Self {
        Number::Int(n.into())
    }
}

impl From<f64> for Number {
    fn from(x: f64) -> Self {
        Number::Float(x)
    }
}

/// Prints as Elixir's `inspect` does: `16`, `5.0`, `-10`, `1.0e20`.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(n) => write!(f, "{n}"),
            Number::Float(x) => {
                // Rust prints `1e20` where Elixir prints `1.0e20`; everything else agrees.
                let text = format!("{x:?}");
                match text.split_once('e') {
                    Some((mantissa, exponent)) if !mantissa.contains('.') => {
                        write!(f, "{mantissa}.0e{exponent}")
                    }
                    _ => f.write_str(&text),
                }
            }
        }
    }
}

/// Same as `Display`, so that a scene prints a number the way IEx does.
impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// An arithmetic operation of the core, as errors name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `+`
    Add,
    /// `-`
    Subtract,
    /// `*`
    Multiply,
    /// `/`
    Divide,
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Op::Add => "add",
            Op::Subtract => "subtract",
            Op::Multiply => "multiply",
            Op::Divide => "divide",
        })
    }
}

/// Why an operation has no answer: what Elixir raises as `ArithmeticError`.
///
/// The messages are Rust's own panic messages for the same mistakes on integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArithmeticError {
    /// Dividing by `0` or `0.0` (Elixir raises for both; an `f64` would give infinity).
    #[error("attempt to divide by zero")]
    DivideByZero,
    /// The result does not fit: an `i64` overflowed, or a float became infinite. (Elixir's
    /// integers never overflow; its floats raise, as here.)
    #[error("attempt to {0} with overflow")]
    Overflow(Op),
    /// An operand was an infinite or NaN float, which Elixir cannot even represent.
    #[error("bad argument in arithmetic expression")]
    BadArgument,
}

/// `acc op n`, or why it has no answer.
///
/// ```
/// use calculator::core::{checked, ArithmeticError, Number, Op};
/// assert_eq!(checked(Op::Divide, Number::Int(10), Number::Int(2)), Ok(Number::Float(5.0)));
/// assert_eq!(checked(Op::Divide, Number::Int(1), Number::Int(0)), Err(ArithmeticError::DivideByZero));
/// assert_eq!(
///     checked(Op::Add, Number::Int(i64::MAX), Number::Int(1)),
///     Err(ArithmeticError::Overflow(Op::Add))
/// );
/// ```
pub fn checked(op: Op, acc: Number, n: Number) -> Result<Number, ArithmeticError> {
    if op == Op::Divide && n.as_f64() == 0.0 {
        return Err(ArithmeticError::DivideByZero);
    }
    match (op, acc, n) {
        (Op::Divide, _, _) => float(op, acc.as_f64(), n.as_f64()),
        (_, Number::Int(a), Number::Int(b)) => {
            let result = match op {
                Op::Add => a.checked_add(b),
                Op::Subtract => a.checked_sub(b),
                Op::Multiply => a.checked_mul(b),
                Op::Divide => unreachable!("division is handled by the first arm"),
            };
            result.map(Number::Int).ok_or(ArithmeticError::Overflow(op))
        }
        _ => float(op, acc.as_f64(), n.as_f64()),
    }
}

fn float(op: Op, a: f64, b: f64) -> Result<Number, ArithmeticError> {
    if !a.is_finite() || !b.is_finite() {
        return Err(ArithmeticError::BadArgument);
    }
    let result = match op {
        Op::Add => a + b,
        Op::Subtract => a - b,
        Op::Multiply => a * b,
        Op::Divide => a / b,
    };
    if result.is_finite() {
        Ok(Number::Float(result))
    } else {
        Err(ArithmeticError::Overflow(op))
    }
}

/// Like Elixir's arithmetic operators: the answer, or a crash.
fn apply(op: Op, acc: Number, n: Number) -> Number {
    match checked(op, acc, n) {
        Ok(result) => result,
        // The core has no process to report to: it raises, as Elixir's `+` and `/` do, and the
        // process running it dies with this message. `checked` is the way to ask instead.
        Err(error) => panic!("{error}"),
    }
}

// ANCHOR: reducers
/// `acc + n`.
///
/// # Panics
/// On overflow (see [`checked`]).
pub fn add(acc: impl Into<Number>, n: impl Into<Number>) -> Number {
    apply(Op::Add, acc.into(), n.into())
}

/// `acc - n`.
///
/// # Panics
/// On overflow (see [`checked`]).
pub fn subtract(acc: impl Into<Number>, n: impl Into<Number>) -> Number {
    apply(Op::Subtract, acc.into(), n.into())
}

/// `acc * n`.
///
/// # Panics
/// On overflow (see [`checked`]).
pub fn multiply(acc: impl Into<Number>, n: impl Into<Number>) -> Number {
    apply(Op::Multiply, acc.into(), n.into())
}

/// `acc / n`: always a float, as Elixir's `/` is (`divide(10, 2)` is `5.0`).
///
/// # Panics
/// When `n` is zero (Elixir raises `ArithmeticError`), or on overflow (see [`checked`]).
pub fn divide(acc: impl Into<Number>, n: impl Into<Number>) -> Number {
    apply(Op::Divide, acc.into(), n.into())
}

/// `acc + 1`.
pub fn inc(acc: impl Into<Number>) -> Number {
    add(acc, 1)
}

/// `acc - 1`.
pub fn dec(acc: impl Into<Number>) -> Number {
    subtract(acc, 1)
}
// ANCHOR_END: reducers

// ANCHOR: fold
/// Runs the reducer `f` over `list`, accumulator first: `Enum.reduce` with the arguments of
/// `f` in the core's order. In Rust that is exactly `Iterator::fold`.
///
/// ```
/// use calculator::core::{add, fold, Number};
/// assert_eq!(fold([1, 2, 3, 4], Number::Int(0), add), Number::Int(10));
/// ```
pub fn fold<T, A>(list: impl IntoIterator<Item = T>, acc: A, f: impl FnMut(A, T) -> A) -> A {
    list.into_iter().fold(acc, f)
}
// ANCHOR_END: fold

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_books_examples() {
        let ten = Number::Int(10);
        assert_eq!(subtract(ten, 4), Number::Int(6));
        assert_eq!(add(ten, 4), Number::Int(14));
        assert_eq!(multiply(ten, 4), Number::Int(40));
        assert_eq!(divide(10, 2), Number::Float(5.0));
        assert_eq!(fold([1, 2, 3, 4], Number::Int(0), add), Number::Int(10));
        assert_eq!(subtract(subtract(subtract(ten, 1), 2), 3), Number::Int(4));
        assert_eq!(fold([1, 2, 3], ten, subtract), Number::Int(4));
        assert_eq!(inc(inc(inc(ten))), Number::Int(13));
        assert_eq!(fold([1, 2, 3], ten, |acc, _| inc(acc)), Number::Int(13));
    }

    #[test]
    fn a_float_is_contagious() {
        assert_eq!(add(Number::Int(1), 0.5), Number::Float(1.5));
        assert_eq!(multiply(Number::Float(2.5), 2), Number::Float(5.0));
        assert_eq!(divide(9, 3), Number::Float(3.0));
        assert_eq!(dec(Number::Float(1.5)), Number::Float(0.5));
    }

    #[test]
    fn numbers_print_like_elixir() {
        assert_eq!(Number::Int(-10).to_string(), "-10");
        assert_eq!(Number::Float(5.0).to_string(), "5.0");
        assert_eq!(Number::Float(-0.25).to_string(), "-0.25");
        assert_eq!(Number::Float(1e20).to_string(), "1.0e20");
        assert_eq!(Number::Float(1.5e-7).to_string(), "1.5e-7");
        assert_eq!(
            format!("{:?}", vec![Number::Int(1), Number::Float(2.0)]),
            "[1, 2.0]"
        );
    }

    #[test]
    fn impossible_arithmetic_is_an_error() {
        use ArithmeticError::*;
        let int = Number::Int;
        assert_eq!(checked(Op::Divide, int(1), int(0)), Err(DivideByZero));
        assert_eq!(checked(Op::Divide, int(1), 0.0.into()), Err(DivideByZero));
        assert_eq!(
            checked(Op::Divide, int(1), (-0.0).into()),
            Err(DivideByZero)
        );
        assert_eq!(
            checked(Op::Multiply, int(i64::MIN), int(-1)),
            Err(Overflow(Op::Multiply))
        );
        assert_eq!(
            checked(Op::Subtract, int(i64::MIN), int(1)),
            Err(Overflow(Op::Subtract))
        );
        assert_eq!(
            checked(Op::Multiply, Number::Float(1e308), int(10)),
            Err(Overflow(Op::Multiply))
        );
        assert_eq!(
            checked(Op::Add, Number::Float(f64::NAN), int(1)),
            Err(BadArgument)
        );
        assert_eq!(DivideByZero.to_string(), "attempt to divide by zero");
        assert_eq!(
            Overflow(Op::Add).to_string(),
            "attempt to add with overflow"
        );
    }

    #[test]
    #[should_panic(expected = "attempt to divide by zero")]
    fn dividing_by_zero_raises() {
        divide(16, 0);
    }

    #[test]
    #[should_panic(expected = "attempt to add with overflow")]
    fn overflow_raises_in_every_build() {
        add(Number::Int(i64::MAX), 1);
    }

    // ---------------------------------------------------------------------------------------
    // Properties, over deterministic pseudo-random inputs (the same cases on every run).

    /// SplitMix64: a tiny, well-known generator; enough to vary inputs reproducibly.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// A value in `-limit..=limit`.
        fn int(&mut self, limit: i64) -> i64 {
            (self.next() % (2 * limit as u64 + 1)) as i64 - limit
        }

        fn list(&mut self, max_len: u64, limit: i64) -> Vec<i64> {
            let len = self.next() % (max_len + 1);
            (0..len).map(|_| self.int(limit)).collect()
        }
    }

    const CASES: usize = 500;

    #[test]
    fn fold_with_add_is_the_sum() {
        let mut g = Gen(1);
        for _ in 0..CASES {
            let xs = g.list(40, 1_000_000);
            let sum: i64 = xs.iter().sum();
            assert_eq!(
                fold(xs.clone(), Number::Int(0), add),
                Number::Int(sum),
                "{xs:?}"
            );
        }
    }

    #[test]
    fn fold_with_subtract_is_acc_minus_the_sum() {
        let mut g = Gen(2);
        for _ in 0..CASES {
            let acc = g.int(1_000_000);
            let xs = g.list(40, 1_000_000);
            let sum: i64 = xs.iter().sum();
            assert_eq!(
                fold(xs.clone(), Number::Int(acc), subtract),
                Number::Int(acc - sum),
                "{acc} {xs:?}"
            );
        }
    }

    #[test]
    fn inc_n_times_adds_n_and_dec_undoes_it() {
        let mut g = Gen(3);
        for _ in 0..CASES {
            let acc = Number::Int(g.int(1_000_000));
            let n = g.next() % 50;
            let up = fold(0..n, acc, |acc, _| inc(acc));
            assert_eq!(up, add(acc, n as i64));
            assert_eq!(fold(0..n, up, |acc, _| dec(acc)), acc);
        }
    }

    #[test]
    fn divide_undoes_multiply_and_always_gives_a_float() {
        let mut g = Gen(4);
        for _ in 0..CASES {
            let a = g.int(1_000_000);
            let b = match g.int(1000) {
                0 => 1,
                b => b,
            };
            let product = multiply(Number::Int(a), b);
            assert_eq!(product, Number::Int(a * b));
            assert_eq!(divide(product, b), Number::Float(a as f64), "{a} {b}");
        }
    }

    #[test]
    fn checked_agrees_with_i64_where_it_fits() {
        let mut g = Gen(5);
        for _ in 0..CASES {
            let (a, b) = (g.int(i64::MAX / 2), g.int(i64::MAX / 2));
            let (x, y) = (Number::Int(a), Number::Int(b));
            assert_eq!(checked(Op::Add, x, y), Ok(Number::Int(a + b)));
            assert_eq!(checked(Op::Subtract, x, y), Ok(Number::Int(a - b)));
            let expected = a.checked_mul(b).map(Number::Int);
            assert_eq!(checked(Op::Multiply, x, y).ok(), expected);
        }
    }
}
