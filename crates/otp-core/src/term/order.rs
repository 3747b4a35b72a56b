//! Erlang's term order and exact equality.
//!
//! number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring.
//! Numbers compare by value; an integer and a float of the same value are different terms
//! (`=:=` is false) and the integer sorts first, as in the key order of Erlang's maps.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use super::{BigInt, Term};

fn class(term: &Term) -> u8 {
    match term {
        Term::Int(_) | Term::BigInt(_) | Term::Float(_) => 0,
        Term::Atom(_) => 1,
        Term::Reference(_) => 2,
        Term::Fun(_) => 3,
        Term::Port(_) => 4,
        Term::Pid(_) => 5,
        Term::Tuple(_) => 6,
        Term::Map(_) => 7,
        Term::List(elements) if elements.is_empty() => 8,
        Term::List(_) | Term::ImproperList(..) => 9,
        Term::Binary(_) | Term::BitString(_) => 10,
    }
}

/// Compares an integer with a float by value; equal values put the integer first.
fn cmp_int_float(int: &BigInt, float: f64) -> Ordering {
    if float.fract() == 0.0 && float.abs() < 1.7e38 {
        // An integral float small enough for i128: compare exactly.
        let exact = BigInt::from(float as i128); // integral and within range: exact
        int.cmp(&exact).then(Ordering::Less)
    } else {
        int.to_f64().total_cmp(&float).then(Ordering::Less)
    }
}

fn cmp_numbers(a: &Term, b: &Term) -> Ordering {
    match (a, b) {
        (Term::Int(x), Term::Int(y)) => x.cmp(y),
        (Term::Float(x), Term::Float(y)) => x.total_cmp(y),
        (Term::Int(x), Term::BigInt(y)) => BigInt::from(*x).cmp(y),
        (Term::BigInt(x), Term::Int(y)) => x.cmp(&BigInt::from(*y)),
        (Term::BigInt(x), Term::BigInt(y)) => x.cmp(y),
        (Term::Int(x), Term::Float(y)) => cmp_int_float(&BigInt::from(*x), *y),
        (Term::BigInt(x), Term::Float(y)) => cmp_int_float(x, *y),
        (Term::Float(x), Term::Int(y)) => cmp_int_float(&BigInt::from(*y), *x).reverse(),
        (Term::Float(x), Term::BigInt(y)) => cmp_int_float(y, *x).reverse(),
        _ => Ordering::Equal, // only called on numbers
    }
}

/// A list seen as its elements (following list tails) and its final tail, `None` for `[]`.
fn flatten(term: &Term) -> (Vec<&Term>, Option<&Term>) {
    let mut elements = Vec::new();
    let mut current = term;
    loop {
        match current {
            Term::List(items) => {
                elements.extend(items.iter());
                return (elements, None);
            }
            Term::ImproperList(items, tail) => {
                elements.extend(items.iter());
                current = tail;
            }
            other => return (elements, Some(other)),
        }
    }
}

fn cmp_lists(a: &Term, b: &Term) -> Ordering {
    if let (Term::List(x), Term::List(y)) = (a, b) {
        return x.cmp(y);
    }
    let (xs, x_tail) = flatten(a);
    let (ys, y_tail) = flatten(b);
    for (x, y) in xs.iter().zip(ys.iter()) {
        match x.cmp(y) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    // One ran out of elements: compare what remains of each, a cons cell or the tail.
    let rest = |elements: &[&Term], tail: Option<&Term>, taken: usize| -> Option<Term> {
        if elements.len() > taken {
            None // more cons cells: a non-empty list
        } else {
            Some(tail.cloned().unwrap_or(Term::List(Vec::new())))
        }
    };
    let taken = xs.len().min(ys.len());
    match (rest(&xs, x_tail, taken), rest(&ys, y_tail, taken)) {
        (None, None) => Ordering::Equal, // unreachable: zip stopped at the shorter
        (None, Some(t)) => class_cmp_cons(&t).reverse(),
        (Some(t), None) => class_cmp_cons(&t),
        (Some(x), Some(y)) => x.cmp(&y),
    }
}

/// How a term compares with a non-empty list.
fn class_cmp_cons(term: &Term) -> Ordering {
    class(term).cmp(&9)
}

fn cmp_bits(a: &Term, b: &Term) -> Ordering {
    let (x, x_bits) = bits_of(a);
    let (y, y_bits) = bits_of(b);
    x.cmp(y).then(x_bits.cmp(&y_bits))
}

fn bits_of(term: &Term) -> (&[u8], u8) {
    match term {
        Term::Binary(bytes) => (bytes, 8),
        Term::BitString(bits) => (bits.bytes(), bits.bits_in_last_byte()),
        _ => (&[], 0),
    }
}

impl Ord for Term {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (class(self), class(other));
        if a != b {
            return a.cmp(&b);
        }
        match (self, other) {
            (Term::Atom(x), Term::Atom(y)) => x.as_str().cmp(y.as_str()),
            (Term::Reference(x), Term::Reference(y)) => x.cmp(y),
            (Term::Fun(x), Term::Fun(y)) => fun_key(x).cmp(&fun_key(y)),
            (Term::Port(x), Term::Port(y)) => x.cmp(y),
            (Term::Pid(x), Term::Pid(y)) => x.cmp(y),
            (Term::Tuple(x), Term::Tuple(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
            (Term::Map(x), Term::Map(y)) => x
                .len()
                .cmp(&y.len())
                .then_with(|| x.keys().cmp(y.keys()))
                .then_with(|| x.values().cmp(y.values())),
            _ => match a {
                0 => cmp_numbers(self, other),
                8 => Ordering::Equal,
                9 => cmp_lists(self, other),
                10 => cmp_bits(self, other),
                _ => Ordering::Equal,
            },
        }
    }
}

fn fun_key(fun: &super::Fun) -> (u8, &str, &str, u8, &[u8]) {
    match fun {
        super::Fun::Export {
            module,
            function,
            arity,
        } => (0, module.as_str(), function.as_str(), *arity, &[]),
        super::Fun::Closure(c) => (1, c.module.as_str(), "", c.arity, &c.encoded),
    }
}

impl PartialOrd for Term {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Term {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Term {}

impl Hash for Term {
    fn hash<H: Hasher>(&self, state: &mut H) {
        class(self).hash(state);
        match self {
            Term::Int(n) => n.hash(state),
            Term::BigInt(n) => match n.to_i64() {
                Some(small) => small.hash(state),
                None => n.hash(state),
            },
            Term::Float(x) => x.to_bits().hash(state),
            Term::Atom(a) => a.as_str().hash(state),
            Term::Reference(r) => r.hash(state),
            Term::Fun(f) => f.hash(state),
            Term::Port(p) => p.hash(state),
            Term::Pid(p) => p.hash(state),
            Term::Tuple(elements) => elements.hash(state),
            Term::Map(map) => {
                map.len().hash(state);
                for (k, v) in map {
                    k.hash(state);
                    v.hash(state);
                }
            }
            Term::List(elements) => {
                elements.len().hash(state);
                for e in elements {
                    e.hash(state);
                }
            }
            Term::ImproperList(..) => {
                let (elements, tail) = flatten(self);
                elements.len().hash(state);
                for e in elements {
                    e.hash(state);
                }
                if let Some(tail) = tail {
                    tail.hash(state);
                }
            }
            Term::Binary(_) | Term::BitString(_) => {
                let (bytes, bits) = bits_of(self);
                bytes.hash(state);
                bits.hash(state);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_erlang_term_order() {
        use super::super::{ExternalPid, ExternalRef};
        let ordered = [
            Term::Int(-5),
            Term::Int(1),
            Term::Float(1.0),
            Term::Float(1.5),
            Term::integer(u64::MAX),
            Term::atom("a"),
            Term::atom("b"),
            Term::from(ExternalRef::new("n@h", 1, vec![1, 0, 0])),
            Term::Pid(ExternalPid::new("n@h", 1, 0, 1)),
            Term::tuple([Term::Int(9)]),
            Term::tuple([Term::Int(1), Term::Int(1)]),
            Term::map([]),
            Term::list([]),
            // [1 | 2] < [1]: the tails compare, and the number 2 sorts before [].
            Term::improper_list([Term::Int(1)], Term::Int(2)),
            Term::list([Term::Int(1)]),
            Term::list([Term::Int(1), Term::Int(2)]),
            Term::binary(*b"a"),
        ];
        for pair in ordered.windows(2) {
            assert!(pair[0] < pair[1], "{} < {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn exact_equality() {
        assert_ne!(Term::Int(1), Term::Float(1.0), "1 =:= 1.0 is false");
        assert_eq!(Term::BigInt(BigInt::from(7_i64)), Term::Int(7));
        assert_eq!(
            Term::ImproperList(vec![Term::Int(1)], Box::new(Term::list([Term::Int(2)]))),
            Term::list([Term::Int(1), Term::Int(2)])
        );
        let hash = |t: &Term| {
            use std::collections::hash_map::DefaultHasher;
            let mut h = DefaultHasher::new();
            t.hash(&mut h);
            h.finish()
        };
        assert_eq!(
            hash(&Term::BigInt(BigInt::from(7_i64))),
            hash(&Term::Int(7))
        );
        assert_eq!(
            hash(&Term::ImproperList(
                vec![Term::Int(1)],
                Box::new(Term::list([Term::Int(2)]))
            )),
            hash(&Term::list([Term::Int(1), Term::Int(2)]))
        );
    }
}
