//! Erlang terms as plain data: the values that travel between nodes.
//!
//! A [`Term`] is any value Erlang's external term format (ETF) can carry: atoms, integers of
//! any size, floats, binaries and bitstrings, lists (proper and improper), tuples, maps, pids,
//! references, ports and funs. It prints the way Elixir's `inspect` prints the same value, so
//! a term read off the wire looks like what an IEx session shows:
//!
//! | Elixir                    | Rust                                                     |
//! |---------------------------|----------------------------------------------------------|
//! | `:ok`                     | `Term::atom("ok")`                                       |
//! | `42`, `2 ** 100`          | `Term::Int(42)`, `Term::BigInt(..)` (see [`Term::integer`]) |
//! | `"text"` (a binary)       | `Term::from("text")`                                     |
//! | `{:ok, 1}`                | `Term::tuple([Term::atom("ok"), Term::Int(1)])`          |
//! | `[1, 2]`, `[1 \| 2]`      | `Term::list(..)`, `Term::improper_list(..)`              |
//! | `%{a: 1}`                 | `Term::map([(Term::atom("a"), Term::Int(1))])`           |
//! | `self()` on another node  | `Term::Pid(ExternalPid { .. })`                          |
//!
//! ```
//! use otp_core::term::Term;
//!
//! let reply = Term::tuple([Term::atom("ok"), Term::list([1, 2].map(Term::Int))]);
//! assert_eq!(reply.to_string(), "{:ok, [1, 2]}");
//! assert_eq!(Term::map([(Term::atom("a"), Term::Int(1))]).to_string(), "%{a: 1}");
//! assert_eq!(Term::from("binary").to_string(), "\"binary\"");
//! ```
//!
//! Rust values become terms and come back through [`IntoTerm`] and [`FromTerm`]; a term that
//! does not fit the Rust type gives a [`TermError`] that says what was expected, what was found
//! and where. [`etf`] encodes and decodes terms in the external term format.
//!
//! Terms compare in Erlang's term order (number < atom < reference < fun < port < pid <
//! tuple < map < list < bitstring) and with Erlang's exact equality (`=:=`): `1` and `1.0` are
//! different terms, and `1` sorts first.

mod bigint;
mod convert;
mod display;
pub mod etf;
mod ids;
mod order;
mod values;

use std::collections::BTreeMap;

pub use bigint::{BigInt, ParseBigIntError};
pub use convert::{FromTerm, IntoTerm, PathStep, TermError};
pub use ids::{ExternalPid, ExternalPort, ExternalRef};
pub use values::{BitString, Closure, Fun};

use crate::atom::Atom;

/// An Erlang term: any value the external term format can carry.
///
/// See the [module documentation](self) for how each kind reads in Elixir. Integers that fit an
/// `i64` are [`Term::Int`]; larger ones are [`Term::BigInt`] (build them with
/// [`Term::integer`] or [`Term::big`], which pick the right one). A string is a
/// [`Term::Binary`] of UTF-8 bytes, as in Elixir; Erlang's `"text"` is a list of character
/// codes, which prints as a charlist, `'text'`.
///
/// ```
/// use otp_core::term::Term;
///
/// assert_eq!(Term::integer(1_u128 << 70).to_string(), "1180591620717411303424");
/// assert_eq!(Term::integer(7), Term::Int(7));
/// assert_eq!(Term::list("hi".chars().map(|c| Term::Int(c as i64))).to_string(), "'hi'");
/// assert_eq!(
///     Term::improper_list([Term::Int(1)], Term::Int(2)).to_string(),
///     "[1 | 2]"
/// );
/// ```
#[derive(Clone)]
pub enum Term {
    /// An atom: `:ok`, `nil`, `SuperDuper.Server` (the atom `Elixir.SuperDuper.Server`).
    Atom(Atom),
    /// An integer that fits an `i64`.
    Int(i64),
    /// An integer beyond `i64`.
    BigInt(BigInt),
    /// A float. Erlang has no NaN or infinity; [`etf`] refuses to encode them.
    Float(f64),
    /// A binary: a string in Elixir when its bytes are UTF-8.
    Binary(Vec<u8>),
    /// A bitstring that is not a whole number of bytes.
    BitString(BitString),
    /// A proper list, `[]` when empty.
    List(Vec<Term>),
    /// An improper list: at least one element, and a tail that is not a list, `[1, 2 | 3]`.
    /// [`Term::improper_list`] keeps to that shape.
    ImproperList(Vec<Term>, Box<Term>),
    /// A tuple, `{}` when empty.
    Tuple(Vec<Term>),
    /// A map, its keys in term order.
    Map(BTreeMap<Term, Term>),
    /// A process identifier.
    Pid(ExternalPid),
    /// A reference (boxed: references are rarer than the kinds that keep a term small).
    Reference(Box<ExternalRef>),
    /// A port identifier.
    Port(ExternalPort),
    /// A fun (boxed, as rare).
    Fun(Box<Fun>),
}

impl Term {
    /// The atom `name`.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// assert_eq!(Term::atom("ok").to_string(), ":ok");
    /// assert_eq!(Term::atom("Elixir.GenServer").to_string(), "GenServer");
    /// ```
    pub fn atom(name: impl Into<Atom>) -> Term {
        Term::Atom(name.into())
    }

    /// An integer of any size, as [`Term::Int`] when it fits an `i64`.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// assert!(matches!(Term::integer(5), Term::Int(5)));
    /// assert!(matches!(Term::integer(i128::MAX), Term::BigInt(_)));
    /// assert!(matches!(Term::integer(u128::MAX), Term::BigInt(_)));
    /// ```
    pub fn integer(value: impl Into<BigInt>) -> Term {
        Term::big(value.into())
    }

    /// A [`BigInt`] as a term: [`Term::Int`] when it fits an `i64`.
    ///
    /// ```
    /// use otp_core::term::{BigInt, Term};
    /// assert!(matches!(Term::big(BigInt::from(3_u64)), Term::Int(3)));
    /// assert!(matches!(Term::big(BigInt::from(u64::MAX)), Term::BigInt(_)));
    /// ```
    pub fn big(value: BigInt) -> Term {
        match value.to_i64() {
            Some(small) => Term::Int(small),
            None => Term::BigInt(value),
        }
    }

    /// A binary of these bytes.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// assert_eq!(Term::binary([1, 2, 255]).to_string(), "<<1, 2, 255>>");
    /// assert_eq!(Term::binary(*b"hi").to_string(), "\"hi\"");
    /// ```
    pub fn binary(bytes: impl Into<Vec<u8>>) -> Term {
        Term::Binary(bytes.into())
    }

    /// A tuple of these elements.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// assert_eq!(Term::tuple([Term::atom("error"), Term::atom("noproc")]).to_string(), "{:error, :noproc}");
    /// assert_eq!(Term::tuple([]).to_string(), "{}");
    /// ```
    pub fn tuple(elements: impl IntoIterator<Item = Term>) -> Term {
        Term::Tuple(elements.into_iter().collect())
    }

    /// A proper list of these elements.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// assert_eq!(Term::list([Term::Int(1), Term::atom("two")]).to_string(), "[1, :two]");
    /// assert_eq!(Term::list([]).to_string(), "[]");
    /// ```
    pub fn list(elements: impl IntoIterator<Item = Term>) -> Term {
        Term::List(elements.into_iter().collect())
    }

    /// The list of `elements` ending in `tail`: `[1, 2 | 3]`. A list tail is joined on, so the
    /// result is proper when `tail` is a proper list, and a plain `tail` when there are no
    /// elements.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// let one_two = [Term::Int(1), Term::Int(2)];
    /// assert_eq!(Term::improper_list(one_two.clone(), Term::Int(3)).to_string(), "[1, 2 | 3]");
    /// assert_eq!(
    ///     Term::improper_list(one_two, Term::list([Term::Int(3)])),
    ///     Term::list([1, 2, 3].map(Term::Int))
    /// );
    /// assert_eq!(Term::improper_list([], Term::Int(3)), Term::Int(3));
    /// ```
    pub fn improper_list(elements: impl IntoIterator<Item = Term>, tail: Term) -> Term {
        let mut elements: Vec<Term> = elements.into_iter().collect();
        match tail {
            Term::List(rest) => {
                elements.extend(rest);
                Term::List(elements)
            }
            Term::ImproperList(rest, tail) => {
                elements.extend(rest);
                Term::ImproperList(elements, tail)
            }
            tail if elements.is_empty() => tail,
            tail => Term::ImproperList(elements, Box::new(tail)),
        }
    }

    /// A map of these pairs; a later pair replaces an earlier one with the same key.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// let map = Term::map([(Term::from("b"), Term::Int(2)), (Term::atom("a"), Term::Int(1))]);
    /// // Keys in term order: atoms before binaries.
    /// assert_eq!(map.to_string(), "%{:a => 1, \"b\" => 2}");
    /// ```
    pub fn map(pairs: impl IntoIterator<Item = (Term, Term)>) -> Term {
        Term::Map(pairs.into_iter().collect())
    }

    /// The atom, if this is one.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// assert_eq!(Term::atom("ok").as_atom().map(|a| a.as_str()), Some("ok"));
    /// assert_eq!(Term::Int(1).as_atom(), None);
    /// ```
    pub fn as_atom(&self) -> Option<&Atom> {
        match self {
            Term::Atom(atom) => Some(atom),
            _ => None,
        }
    }

    /// `true` if this is the atom `name`.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// assert!(Term::atom("ok").is_atom("ok"));
    /// assert!(!Term::from("ok").is_atom("ok"), "a binary, not an atom");
    /// ```
    pub fn is_atom(&self, name: &str) -> bool {
        matches!(self, Term::Atom(atom) if atom == name)
    }

    /// The integer, if this is one that fits an `i64`.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// assert_eq!(Term::Int(-3).as_i64(), Some(-3));
    /// assert_eq!(Term::integer(u64::MAX).as_i64(), None);
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Term::Int(n) => Some(*n),
            Term::BigInt(n) => n.to_i64(),
            _ => None,
        }
    }

    /// The float, if this is one.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// assert_eq!(Term::Float(1.5).as_f64(), Some(1.5));
    /// assert_eq!(Term::Int(1).as_f64(), None, "an integer is not a float");
    /// ```
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Term::Float(x) => Some(*x),
            _ => None,
        }
    }

    /// The bytes, if this is a binary.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// assert_eq!(Term::binary([1, 2]).as_binary(), Some(&[1u8, 2][..]));
    /// ```
    pub fn as_binary(&self) -> Option<&[u8]> {
        match self {
            Term::Binary(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// The text, if this is a binary holding UTF-8: an Elixir string.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// assert_eq!(Term::from("héllo").as_str(), Some("héllo"));
    /// assert_eq!(Term::binary([255]).as_str(), None);
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        self.as_binary().and_then(|b| std::str::from_utf8(b).ok())
    }

    /// The elements, if this is a tuple.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// let pair = Term::tuple([Term::atom("ok"), Term::Int(1)]);
    /// match pair.as_tuple() {
    ///     Some([tag, n]) if tag.is_atom("ok") => assert_eq!(n.as_i64(), Some(1)),
    ///     _ => unreachable!(),
    /// }
    /// ```
    pub fn as_tuple(&self) -> Option<&[Term]> {
        match self {
            Term::Tuple(elements) => Some(elements),
            _ => None,
        }
    }

    /// The elements, if this is a proper list.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// assert_eq!(Term::list([Term::Int(1)]).as_list().map(|l| l.len()), Some(1));
    /// assert_eq!(Term::improper_list([Term::Int(1)], Term::Int(2)).as_list(), None);
    /// ```
    pub fn as_list(&self) -> Option<&[Term]> {
        match self {
            Term::List(elements) => Some(elements),
            _ => None,
        }
    }

    /// The map, if this is one.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// let map = Term::map([(Term::atom("a"), Term::Int(1))]);
    /// assert_eq!(map.as_map().and_then(|m| m.get(&Term::atom("a"))), Some(&Term::Int(1)));
    /// ```
    pub fn as_map(&self) -> Option<&BTreeMap<Term, Term>> {
        match self {
            Term::Map(map) => Some(map),
            _ => None,
        }
    }

    /// The pid, if this is one.
    ///
    /// ```
    /// use otp_core::term::{ExternalPid, Term};
    /// let pid = ExternalPid::new("erl@127.0.0.1", 85, 0, 1);
    /// assert_eq!(Term::Pid(pid.clone()).as_pid(), Some(&pid));
    /// ```
    pub fn as_pid(&self) -> Option<&ExternalPid> {
        match self {
            Term::Pid(pid) => Some(pid),
            _ => None,
        }
    }

    /// The reference, if this is one.
    ///
    /// ```
    /// use otp_core::term::{ExternalRef, Term};
    /// let reference = ExternalRef::new("erl@127.0.0.1", 1, vec![1, 2, 3]);
    /// assert_eq!(Term::from(reference.clone()).as_reference(), Some(&reference));
    /// ```
    pub fn as_reference(&self) -> Option<&ExternalRef> {
        match self {
            Term::Reference(reference) => Some(reference),
            _ => None,
        }
    }

    /// What kind of term this is, as an error message names it: `"atom"`, `"integer"`,
    /// `"float"`, `"binary"`, `"bitstring"`, `"list"`, `"improper list"`, `"tuple"`, `"map"`,
    /// `"pid"`, `"reference"`, `"port"` or `"fun"`.
    ///
    /// ```
    /// use otp_core::term::Term;
    /// assert_eq!(Term::atom("ok").kind(), "atom");
    /// assert_eq!(Term::integer(u128::MAX).kind(), "integer");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Term::Atom(_) => "atom",
            Term::Int(_) | Term::BigInt(_) => "integer",
            Term::Float(_) => "float",
            Term::Binary(_) => "binary",
            Term::BitString(_) => "bitstring",
            Term::List(_) => "list",
            Term::ImproperList(..) => "improper list",
            Term::Tuple(_) => "tuple",
            Term::Map(_) => "map",
            Term::Pid(_) => "pid",
            Term::Reference(_) => "reference",
            Term::Port(_) => "port",
            Term::Fun(_) => "fun",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_elixir_inspect() {
        let cases: Vec<(Term, &str)> = vec![
            (Term::atom("ok"), ":ok"),
            (Term::tuple([Term::atom("ok"), Term::Int(1)]), "{:ok, 1}"),
            (Term::list([Term::Int(1), Term::Int(2)]), "[1, 2]"),
            (Term::map([(Term::atom("a"), Term::Int(1))]), "%{a: 1}"),
            (Term::from("binary"), "\"binary\""),
            (
                Term::from("say \"hi\"\n#{x}"),
                "\"say \\\"hi\\\"\\n\\#{x}\"",
            ),
            (
                Term::list([
                    Term::tuple([Term::atom("a"), Term::Int(1)]),
                    Term::tuple([Term::atom("two words"), Term::Int(2)]),
                ]),
                "[a: 1, \"two words\": 2]",
            ),
            (Term::list([72, 105].map(Term::Int)), "'Hi'"),
            (Term::list([1, 2].map(Term::Int)), "[1, 2]"),
            (
                Term::map([
                    (Term::Int(1), Term::atom("one")),
                    (Term::atom("a"), Term::Int(1)),
                ]),
                "%{1 => :one, :a => 1}",
            ),
            (
                Term::map([
                    (Term::atom("__struct__"), Term::atom("Elixir.RuntimeError")),
                    (Term::atom("__exception__"), Term::atom("true")),
                    (Term::atom("message"), Term::from("boom")),
                ]),
                "%RuntimeError{message: \"boom\"}",
            ),
            (Term::Float(1.5), "1.5"),
            (Term::atom("nil"), "nil"),
            (Term::tuple([]), "{}"),
            (Term::map([]), "%{}"),
            (Term::binary([]), "\"\""),
            (Term::binary([0, 1]), "<<0, 1>>"),
            (
                Term::BitString(BitString::new(vec![0xFF, 0xA0], 3).unwrap()),
                "<<255, 5::size(3)>>",
            ),
            (
                Term::improper_list([Term::Int(1), Term::Int(2)], Term::atom("x")),
                "[1, 2 | :x]",
            ),
        ];
        for (term, printed) in cases {
            assert_eq!(term.to_string(), printed);
        }
    }

    #[test]
    fn term_is_small() {
        // Every message body is a tree of these: keep them compact.
        assert!(
            std::mem::size_of::<Term>() <= 40,
            "{}",
            std::mem::size_of::<Term>()
        );
    }
}
