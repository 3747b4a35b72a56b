//! Rust values to terms and back: [`IntoTerm`], [`FromTerm`] and the [`TermError`] of a term
//! that does not fit.
//!
//! | Rust                         | term                                   |
//! |------------------------------|----------------------------------------|
//! | `bool`                       | `true`, `false`                        |
//! | integers, `i8` to `u128`     | an integer (range-checked back)        |
//! | `f64`, `f32`                 | a float                                |
//! | `String`, `&str`             | a binary (an Elixir string)            |
//! | [`Atom`]                     | an atom                                |
//! | `Vec<T>`                     | a proper list                          |
//! | `Option<T>`                  | `nil` or the value                     |
//! | `Result<T, E>`               | `{:ok, t}` or `{:error, e}`            |
//! | `()`, `(A,)`, … up to 8      | a tuple of that size                   |
//! | `HashMap`, `BTreeMap`        | a map                                  |
//! | [`ExitReason`](crate::ExitReason) | `:normal`, `{:shutdown, :x}`, … (its impls are in `exit.rs`) |
//! | [`ExternalPid`], [`ExternalRef`] | a pid, a reference                 |
//! | [`Term`]                     | itself                                 |
//!
//! A message type of your own maps by hand, matching the term the way an Elixir `handle_call`
//! clause matches its request:
//!
//! ```
//! use otp_core::Atom;
//! use otp_core::term::{FromTerm, IntoTerm, Term, TermError};
//!
//! /// `:say` and `{:say, text}`, as an Elixir client sends them.
//! #[derive(Debug, PartialEq)]
//! enum Call {
//!     Say,
//!     SayThis(String),
//! }
//!
//! impl IntoTerm for Call {
//!     fn into_term(self) -> Term {
//!         match self {
//!             Call::Say => Term::atom("say"),
//!             Call::SayThis(text) => (Atom::from("say"), text).into_term(),
//!         }
//!     }
//! }
//!
//! impl FromTerm for Call {
//!     fn from_term(term: Term) -> Result<Self, TermError> {
//!         if term.is_atom("say") {
//!             return Ok(Call::Say);
//!         }
//!         if let Some([tag, _]) = term.as_tuple()
//!             && tag.is_atom("say")
//!         {
//!             let (_, text): (Atom, String) = FromTerm::from_term(term)?;
//!             return Ok(Call::SayThis(text));
//!         }
//!         Err(TermError::new("`:say` or `{:say, text}`", &term))
//!     }
//! }
//!
//! let term = Call::SayThis("hi".into()).into_term();
//! assert_eq!(term.to_string(), "{:say, \"hi\"}");
//! assert_eq!(Call::from_term(term), Ok(Call::SayThis("hi".into())));
//! assert_eq!(Call::from_term(Term::atom("say")), Ok(Call::Say));
//!
//! let wrong = Term::tuple([Term::atom("say"), Term::Int(5)]);
//! assert_eq!(
//!     Call::from_term(wrong).unwrap_err().to_string(),
//!     "expected a binary (a UTF-8 string), found 5 at [1]"
//! );
//! let unknown = Call::from_term(Term::atom("shout")).unwrap_err();
//! assert_eq!(unknown.to_string(), "expected `:say` or `{:say, text}`, found :shout");
//! ```

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::Hash;

use crate::atom::Atom;

use super::{BigInt, ExternalPid, ExternalRef, Term};

/// Makes a term of a Rust value (the table of what maps to what is in `term/convert.rs`).
///
/// ```
/// use otp_core::term::IntoTerm;
///
/// assert_eq!((true, 5, "five").into_term().to_string(), "{true, 5, \"five\"}");
/// assert_eq!(vec![Some(1), None].into_term().to_string(), "[1, nil]");
/// ```
pub trait IntoTerm {
    /// The term for this value.
    fn into_term(self) -> Term;
}

/// Reads a Rust value back out of a term, or says why it does not fit.
///
/// ```
/// use otp_core::term::{FromTerm, IntoTerm, Term};
///
/// let term = vec![1_u8, 2, 3].into_term();
/// assert_eq!(Vec::<u8>::from_term(term), Ok(vec![1, 2, 3]));
/// let error = u8::from_term(Term::Int(300)).unwrap_err();
/// assert_eq!(error.to_string(), "expected an integer that fits u8, found 300");
/// ```
pub trait FromTerm: Sized {
    /// The value this term stands for.
    fn from_term(term: Term) -> Result<Self, TermError>;
}

/// One step into a term, naming where a [`TermError`] happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// The element at this position of a tuple or list (counting from 0).
    Element(usize),
    /// The value under this key of a map, the key printed.
    Key(String),
}

impl fmt::Display for PathStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathStep::Element(i) => write!(f, "[{i}]"),
            PathStep::Key(key) => write!(f, "[{key}]"),
        }
    }
}

/// A term that does not fit the Rust type it was read as: what was expected, what was found
/// (printed, shortened when long) and where inside the term.
///
/// ```
/// use otp_core::term::{FromTerm, PathStep, Term};
///
/// let term = Term::tuple([Term::atom("ok"), Term::list([Term::Int(1), Term::atom("two")])]);
/// let error = <(otp_core::Atom, Vec<i64>)>::from_term(term).unwrap_err();
/// assert_eq!(error.expected(), "an integer");
/// assert_eq!(error.found(), ":two");
/// assert_eq!(error.path(), &[PathStep::Element(1), PathStep::Element(1)]);
/// assert_eq!(error.to_string(), "expected an integer, found :two at [1][1]");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermError {
    expected: Cow<'static, str>,
    found: String,
    path: Vec<PathStep>,
}

/// How much of the offending term an error message shows.
const FOUND_LIMIT: usize = 80;

impl TermError {
    /// `found` did not fit: `expected` says what would have (`"an atom"`, `"{:ok, value}"`).
    ///
    /// ```
    /// use otp_core::term::{Term, TermError};
    /// let error = TermError::new("a tuple", &Term::Int(1));
    /// assert_eq!(error.to_string(), "expected a tuple, found 1");
    /// ```
    pub fn new(expected: impl Into<Cow<'static, str>>, found: &Term) -> Self {
        let mut shown = found.to_string();
        if shown.chars().count() > FOUND_LIMIT {
            shown = shown.chars().take(FOUND_LIMIT).collect::<String>() + "…";
        }
        TermError {
            expected: expected.into(),
            found: shown,
            path: Vec::new(),
        }
    }

    /// The same error one step further out: a conversion of a container calls this on its
    /// element's error.
    ///
    /// ```
    /// use otp_core::term::{PathStep, Term, TermError};
    /// let error = TermError::new("an atom", &Term::Int(1)).at(PathStep::Element(2));
    /// assert_eq!(error.to_string(), "expected an atom, found 1 at [2]");
    /// ```
    pub fn at(mut self, step: PathStep) -> Self {
        self.path.insert(0, step);
        self
    }

    /// What would have fitted.
    pub fn expected(&self) -> &str {
        &self.expected
    }

    /// The term that did not fit, printed.
    pub fn found(&self) -> &str {
        &self.found
    }

    /// Where the term that did not fit sits, from the outside in; empty for the whole term.
    pub fn path(&self) -> &[PathStep] {
        &self.path
    }
}

impl fmt::Display for TermError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}, found {}", self.expected, self.found)?;
        if !self.path.is_empty() {
            f.write_str(" at ")?;
            for step in &self.path {
                write!(f, "{step}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for TermError {}

// ---------------------------------------------------------------------------------------------
// Terms themselves

impl IntoTerm for Term {
    fn into_term(self) -> Term {
        self
    }
}

impl FromTerm for Term {
    fn from_term(term: Term) -> Result<Self, TermError> {
        Ok(term)
    }
}

/// No value of [`Infallible`](std::convert::Infallible) exists, so no term reads as one: a
/// GenServer whose `Cast` is `Infallible` takes no cast, from this node or another.
///
/// ```
/// use otp_core::term::{FromTerm, Term};
/// use std::convert::Infallible;
///
/// let error = Infallible::from_term(Term::atom("anything")).unwrap_err();
/// assert_eq!(error.to_string(), "expected no message of this kind (none is accepted), found :anything");
/// ```
impl FromTerm for std::convert::Infallible {
    fn from_term(term: Term) -> Result<Self, TermError> {
        Err(TermError::new(
            "no message of this kind (none is accepted)",
            &term,
        ))
    }
}

/// Never called: there is no value to convert.
impl IntoTerm for std::convert::Infallible {
    fn into_term(self) -> Term {
        match self {}
    }
}

// ---------------------------------------------------------------------------------------------
// Scalars

impl IntoTerm for bool {
    fn into_term(self) -> Term {
        Term::atom(if self { "true" } else { "false" })
    }
}

impl FromTerm for bool {
    fn from_term(term: Term) -> Result<Self, TermError> {
        match &term {
            t if t.is_atom("true") => Ok(true),
            t if t.is_atom("false") => Ok(false),
            _ => Err(TermError::new("a boolean (true or false)", &term)),
        }
    }
}

macro_rules! integer_conversions {
    ($($t:ty),*) => {$(
        impl IntoTerm for $t {
            fn into_term(self) -> Term {
                match i64::try_from(self) {
                    Ok(small) => Term::Int(small),
                    Err(_) => Term::BigInt(BigInt::from(self)),
                }
            }
        }

        impl FromTerm for $t {
            fn from_term(term: Term) -> Result<Self, TermError> {
                let fits = match &term {
                    Term::Int(n) => <$t>::try_from(*n).ok(),
                    Term::BigInt(n) => n.to_i128().and_then(|v| <$t>::try_from(v).ok())
                        .or_else(|| n.to_u128().and_then(|v| <$t>::try_from(v).ok())),
                    _ => return Err(TermError::new("an integer", &term)),
                };
                fits.ok_or_else(|| {
                    TermError::new(concat!("an integer that fits ", stringify!($t)), &term)
                })
            }
        }

        impl From<$t> for Term {
            fn from(value: $t) -> Term {
                value.into_term()
            }
        }
    )*};
}
integer_conversions!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);

impl IntoTerm for BigInt {
    fn into_term(self) -> Term {
        Term::big(self)
    }
}

impl FromTerm for BigInt {
    fn from_term(term: Term) -> Result<Self, TermError> {
        match term {
            Term::Int(n) => Ok(BigInt::from(n)),
            Term::BigInt(n) => Ok(n),
            other => Err(TermError::new("an integer", &other)),
        }
    }
}

impl IntoTerm for f64 {
    fn into_term(self) -> Term {
        Term::Float(self)
    }
}

impl FromTerm for f64 {
    fn from_term(term: Term) -> Result<Self, TermError> {
        match term {
            Term::Float(x) => Ok(x),
            other => Err(TermError::new("a float", &other)),
        }
    }
}

impl IntoTerm for f32 {
    fn into_term(self) -> Term {
        Term::Float(f64::from(self))
    }
}

impl FromTerm for f32 {
    fn from_term(term: Term) -> Result<Self, TermError> {
        match term {
            Term::Float(x) if x.abs() <= f64::from(f32::MAX) => Ok(x as f32), // in range
            other => Err(TermError::new("a float that fits f32", &other)),
        }
    }
}

impl IntoTerm for String {
    fn into_term(self) -> Term {
        Term::Binary(self.into_bytes())
    }
}

impl IntoTerm for &str {
    fn into_term(self) -> Term {
        Term::Binary(self.as_bytes().to_vec())
    }
}

impl FromTerm for String {
    fn from_term(term: Term) -> Result<Self, TermError> {
        match term {
            Term::Binary(bytes) => String::from_utf8(bytes).map_err(|e| {
                TermError::new("a binary (a UTF-8 string)", &Term::Binary(e.into_bytes()))
            }),
            other => Err(TermError::new("a binary (a UTF-8 string)", &other)),
        }
    }
}

impl From<&str> for Term {
    fn from(text: &str) -> Term {
        text.into_term()
    }
}

impl From<String> for Term {
    fn from(text: String) -> Term {
        text.into_term()
    }
}

impl From<bool> for Term {
    fn from(value: bool) -> Term {
        value.into_term()
    }
}

impl From<f64> for Term {
    fn from(value: f64) -> Term {
        Term::Float(value)
    }
}

impl IntoTerm for Atom {
    fn into_term(self) -> Term {
        Term::Atom(self)
    }
}

impl FromTerm for Atom {
    fn from_term(term: Term) -> Result<Self, TermError> {
        match term {
            Term::Atom(atom) => Ok(atom),
            other => Err(TermError::new("an atom", &other)),
        }
    }
}

impl From<Atom> for Term {
    fn from(atom: Atom) -> Term {
        Term::Atom(atom)
    }
}

impl IntoTerm for ExternalPid {
    fn into_term(self) -> Term {
        Term::Pid(self)
    }
}

impl FromTerm for ExternalPid {
    fn from_term(term: Term) -> Result<Self, TermError> {
        match term {
            Term::Pid(pid) => Ok(pid),
            other => Err(TermError::new("a pid", &other)),
        }
    }
}

impl IntoTerm for ExternalRef {
    fn into_term(self) -> Term {
        Term::Reference(Box::new(self))
    }
}

impl From<ExternalRef> for Term {
    fn from(reference: ExternalRef) -> Term {
        Term::Reference(Box::new(reference))
    }
}

impl From<ExternalPid> for Term {
    fn from(pid: ExternalPid) -> Term {
        Term::Pid(pid)
    }
}

impl FromTerm for ExternalRef {
    fn from_term(term: Term) -> Result<Self, TermError> {
        match term {
            Term::Reference(reference) => Ok(*reference),
            other => Err(TermError::new("a reference", &other)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Containers

impl<T: IntoTerm> IntoTerm for Vec<T> {
    fn into_term(self) -> Term {
        Term::List(self.into_iter().map(IntoTerm::into_term).collect())
    }
}

impl<T: FromTerm> FromTerm for Vec<T> {
    fn from_term(term: Term) -> Result<Self, TermError> {
        match term {
            Term::List(elements) => elements
                .into_iter()
                .enumerate()
                .map(|(i, e)| T::from_term(e).map_err(|err| err.at(PathStep::Element(i))))
                .collect(),
            other => Err(TermError::new("a proper list", &other)),
        }
    }
}

impl<T: IntoTerm> IntoTerm for Option<T> {
    fn into_term(self) -> Term {
        match self {
            Some(value) => value.into_term(),
            None => Term::atom("nil"),
        }
    }
}

impl<T: FromTerm> FromTerm for Option<T> {
    fn from_term(term: Term) -> Result<Self, TermError> {
        if term.is_atom("nil") {
            Ok(None)
        } else {
            T::from_term(term).map(Some)
        }
    }
}

impl<T: IntoTerm, E: IntoTerm> IntoTerm for Result<T, E> {
    fn into_term(self) -> Term {
        match self {
            Ok(value) => Term::tuple([Term::atom("ok"), value.into_term()]),
            Err(error) => Term::tuple([Term::atom("error"), error.into_term()]),
        }
    }
}

impl<T: FromTerm, E: FromTerm> FromTerm for Result<T, E> {
    fn from_term(term: Term) -> Result<Self, TermError> {
        let tag = match term.as_tuple() {
            Some([tag, _]) if tag.is_atom("ok") => true,
            Some([tag, _]) if tag.is_atom("error") => false,
            _ => return Err(TermError::new("{:ok, value} or {:error, reason}", &term)),
        };
        let Term::Tuple(mut pair) = term else {
            unreachable!("matched as a pair above")
        };
        let value = pair.pop().unwrap_or(Term::List(Vec::new())); // the pair has two elements
        let at_one = |err: TermError| err.at(PathStep::Element(1));
        if tag {
            T::from_term(value).map(Ok).map_err(at_one)
        } else {
            E::from_term(value).map(Err).map_err(at_one)
        }
    }
}

impl<K: IntoTerm, V: IntoTerm, S> IntoTerm for HashMap<K, V, S> {
    fn into_term(self) -> Term {
        Term::Map(
            self.into_iter()
                .map(|(k, v)| (k.into_term(), v.into_term()))
                .collect(),
        )
    }
}

impl<K: FromTerm + Eq + Hash, V: FromTerm> FromTerm for HashMap<K, V> {
    fn from_term(term: Term) -> Result<Self, TermError> {
        map_pairs(term)?.collect()
    }
}

impl<K: IntoTerm, V: IntoTerm> IntoTerm for BTreeMap<K, V> {
    fn into_term(self) -> Term {
        Term::Map(
            self.into_iter()
                .map(|(k, v)| (k.into_term(), v.into_term()))
                .collect(),
        )
    }
}

impl<K: FromTerm + Ord, V: FromTerm> FromTerm for BTreeMap<K, V> {
    fn from_term(term: Term) -> Result<Self, TermError> {
        map_pairs(term)?.collect()
    }
}

fn map_pairs<K: FromTerm, V: FromTerm>(
    term: Term,
) -> Result<impl Iterator<Item = Result<(K, V), TermError>>, TermError> {
    match term {
        Term::Map(map) => Ok(map.into_iter().map(|(k, v)| {
            let key_text = k.to_string();
            let key = K::from_term(k).map_err(|e| e.at(PathStep::Key(key_text.clone())))?;
            let value = V::from_term(v).map_err(|e| e.at(PathStep::Key(key_text)))?;
            Ok((key, value))
        })),
        other => Err(TermError::new("a map", &other)),
    }
}

macro_rules! tuple_conversions {
    ($len:expr; $($name:ident $index:tt),*) => {
        impl<$($name: IntoTerm),*> IntoTerm for ($($name,)*) {
            fn into_term(self) -> Term {
                Term::Tuple(vec![$(self.$index.into_term()),*])
            }
        }

        impl<$($name: FromTerm),*> FromTerm for ($($name,)*) {
            #[allow(unused_variables, unused_mut)]
            fn from_term(term: Term) -> Result<Self, TermError> {
                match term {
                    Term::Tuple(elements) if elements.len() == $len => {
                        let mut elements = elements.into_iter();
                        Ok(($(
                            $name::from_term(elements.next().unwrap_or(Term::List(Vec::new()))) // length checked above
                                .map_err(|e| e.at(PathStep::Element($index)))?,
                        )*))
                    }
                    other => Err(TermError::new(concat!("a tuple of ", stringify!($len)), &other)),
                }
            }
        }
    };
}
tuple_conversions!(0;);
tuple_conversions!(1; A 0);
tuple_conversions!(2; A 0, B 1);
tuple_conversions!(3; A 0, B 1, C 2);
tuple_conversions!(4; A 0, B 1, C 2, D 3);
tuple_conversions!(5; A 0, B 1, C 2, D 3, E 4);
tuple_conversions!(6; A 0, B 1, C 2, D 3, E 4, F 5);
tuple_conversions!(7; A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_conversions!(8; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_check_their_range() {
        assert_eq!(u8::from_term(Term::Int(255)), Ok(255));
        assert!(u8::from_term(Term::Int(-1)).is_err());
        assert_eq!(u64::from_term(u64::MAX.into_term()), Ok(u64::MAX));
        assert_eq!(i128::from_term(i128::MIN.into_term()), Ok(i128::MIN));
        assert!(i64::from_term(u64::MAX.into_term()).is_err());
        assert_eq!(
            i64::from_term(Term::Float(1.0)).unwrap_err().to_string(),
            "expected an integer, found 1.0"
        );
    }

    #[test]
    fn containers_round_trip() {
        let mut map = HashMap::new();
        map.insert("a".to_string(), vec![1_i32, 2]);
        assert_eq!(HashMap::from_term(map.clone().into_term()), Ok(map));
        let value: Result<(bool, Option<String>), Atom> = Ok((true, None));
        assert_eq!(Result::from_term(value.clone().into_term()), Ok(value));
        assert_eq!(<()>::from_term(().into_term()), Ok(()));
    }

    #[test]
    fn errors_say_where() {
        let term = Term::map([(Term::from("k"), Term::list([Term::Int(1), Term::atom("x")]))]);
        let error = HashMap::<String, Vec<i64>>::from_term(term).unwrap_err();
        assert_eq!(
            error.to_string(),
            "expected an integer, found :x at [\"k\"][1]"
        );
        let long = Term::list((0..100).map(Term::Int));
        let error = Atom::from_term(long).unwrap_err();
        assert!(error.found().ends_with('…'), "{}", error.found());
    }
}
