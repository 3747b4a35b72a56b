//! The external term format: terms to bytes and back, as `term_to_binary/1` and
//! `binary_to_term/1` do.
//!
//! The decoder reads what an OTP 25+ node sends over the distribution and what
//! `term_to_binary/1` writes, older encodings included (`ATOM_EXT`, `STRING_EXT`, `FLOAT_EXT`,
//! `PID_EXT`, ...). It trusts nothing: every length is checked against the bytes that are
//! really there before anything is allocated, nesting is limited to [`MAX_DEPTH`], and every
//! malformed input gives a [`DecodeError`], never a panic. It does not read compressed terms,
//! atom-cache references or distribution headers (a distribution connection that does not ask
//! for them never receives them).
//!
//! ```
//! use otp_core::term::{Term, etf};
//!
//! // erlang:term_to_binary({ok, 1}) on a BEAM node:
//! let bytes = [131, 104, 2, 119, 2, b'o', b'k', 97, 1];
//! let term = etf::decode(&bytes).unwrap();
//! assert_eq!(term.to_string(), "{:ok, 1}");
//! assert_eq!(etf::encode(&term).unwrap(), bytes);
//!
//! let truncated = &bytes[..5];
//! assert!(etf::decode(truncated).is_err());
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::atom::Atom;

use super::{BigInt, BitString, Closure, ExternalPid, ExternalPort, ExternalRef, Fun, Term};

/// The version byte every encoded term starts with.
pub const VERSION: u8 = 131;

/// How deeply tuples, lists and maps may nest in a term the decoder accepts. Deeper input is
/// refused with [`DecodeError::TooDeep`] rather than risk the stack.
pub const MAX_DEPTH: usize = 512;

/// The most characters an atom may have, as on the BEAM.
pub const MAX_ATOM_CHARS: usize = 255;

mod tag {
    pub const NEW_FLOAT: u8 = 70;
    pub const BIT_BINARY: u8 = 77;
    pub const COMPRESSED: u8 = 80;
    pub const ATOM_CACHE_REF: u8 = 82;
    pub const DIST_HEADER: u8 = 68;
    pub const NEW_PID: u8 = 88;
    pub const NEW_PORT: u8 = 89;
    pub const NEWER_REFERENCE: u8 = 90;
    pub const SMALL_INTEGER: u8 = 97;
    pub const INTEGER: u8 = 98;
    pub const FLOAT: u8 = 99;
    pub const ATOM: u8 = 100;
    pub const REFERENCE: u8 = 101;
    pub const PORT: u8 = 102;
    pub const PID: u8 = 103;
    pub const SMALL_TUPLE: u8 = 104;
    pub const LARGE_TUPLE: u8 = 105;
    pub const NIL: u8 = 106;
    pub const STRING: u8 = 107;
    pub const LIST: u8 = 108;
    pub const BINARY: u8 = 109;
    pub const SMALL_BIG: u8 = 110;
    pub const LARGE_BIG: u8 = 111;
    pub const NEW_FUN: u8 = 112;
    pub const EXPORT: u8 = 113;
    pub const NEW_REFERENCE: u8 = 114;
    pub const SMALL_ATOM: u8 = 115;
    pub const MAP: u8 = 116;
    pub const ATOM_UTF8: u8 = 118;
    pub const SMALL_ATOM_UTF8: u8 = 119;
    pub const V4_PORT: u8 = 120;
    pub const LOCAL: u8 = 121;
}

/// Why bytes are not a term this decoder accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The input ended inside a term.
    #[error("the term ends early: {needed} more bytes needed at offset {offset}")]
    Truncated {
        /// Where the missing bytes should have started.
        offset: usize,
        /// How many were missing.
        needed: usize,
    },
    /// The first byte is not the version byte 131.
    #[error("not an external term: starts with {0}, not 131")]
    BadVersion(u8),
    /// A tag byte no term starts with.
    #[error("unknown term tag {tag} at offset {offset}")]
    UnknownTag {
        /// The byte.
        tag: u8,
        /// Where it was.
        offset: usize,
    },
    /// A valid encoding this decoder does not read: compressed terms, atom-cache references,
    /// distribution headers, local terms.
    #[error("unsupported encoding at offset {offset}: {what}")]
    Unsupported {
        /// What it was.
        what: &'static str,
        /// Where it was.
        offset: usize,
    },
    /// Bytes that cannot be what their tag says: an atom that is not UTF-8, a float that is
    /// not a number, a node that is not an atom, a bitstring with 0 bits in its last byte.
    #[error("malformed term at offset {offset}: {what}")]
    Malformed {
        /// What was wrong.
        what: &'static str,
        /// Where.
        offset: usize,
    },
    /// Nesting deeper than [`MAX_DEPTH`].
    #[error("the term nests deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// Bytes left over after a whole term (from [`decode`], which expects exactly one).
    #[error("{0} bytes left after the term")]
    TrailingBytes(usize),
}

/// Why a term cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// Erlang has no NaN or infinity.
    #[error("{0} is not a float Erlang can hold")]
    NonFiniteFloat(String),
    /// An atom longer than [`MAX_ATOM_CHARS`] characters.
    #[error("the atom {0:?}... is longer than 255 characters")]
    AtomTooLong(String),
    /// More elements or bytes than the format's 32-bit lengths can count.
    #[error("a {0} too large for the external term format")]
    TooLarge(&'static str),
    /// A reference must have one to five words.
    #[error("a reference with {0} words: the format carries 1 to 5")]
    BadReference(usize),
}

/// Encodes a term, version byte first: `term_to_binary/1`.
///
/// ```
/// use otp_core::term::{Term, etf};
/// assert_eq!(etf::encode(&Term::atom("ok")).unwrap(), [131, 119, 2, b'o', b'k']);
/// assert!(etf::encode(&Term::Float(f64::NAN)).is_err());
/// ```
pub fn encode(term: &Term) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(64);
    encode_into(term, &mut out)?;
    Ok(out)
}

/// Appends a term's encoding, version byte first, to `out`. On error `out` may hold part of
/// the term.
///
/// ```
/// use otp_core::term::{Term, etf};
/// let mut frame = vec![112];
/// etf::encode_into(&Term::Int(1), &mut frame).unwrap();
/// assert_eq!(frame, [112, 131, 97, 1]);
/// ```
pub fn encode_into(term: &Term, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    out.push(VERSION);
    write_term(term, out)
}

/// Decodes exactly one term, version byte first: `binary_to_term/1`.
///
/// ```
/// use otp_core::term::etf::{self, DecodeError};
/// assert_eq!(etf::decode(&[131, 97, 7]).unwrap().to_string(), "7");
/// assert_eq!(etf::decode(&[131, 97, 7, 0]), Err(DecodeError::TrailingBytes(1)));
/// assert_eq!(etf::decode(&[1]), Err(DecodeError::BadVersion(1)));
/// ```
pub fn decode(bytes: &[u8]) -> Result<Term, DecodeError> {
    let (term, used) = decode_prefix(bytes)?;
    match bytes.len() - used {
        0 => Ok(term),
        left => Err(DecodeError::TrailingBytes(left)),
    }
}

/// Decodes one term, version byte first, from the start of `bytes`, and says how many bytes
/// it took: a distribution message is a control term followed by a message term.
///
/// ```
/// use otp_core::term::etf;
/// let two_terms = [131, 97, 1, 131, 97, 2];
/// let (first, used) = etf::decode_prefix(&two_terms).unwrap();
/// assert_eq!((first.to_string(), used), ("1".to_string(), 3));
/// assert_eq!(etf::decode(&two_terms[used..]).unwrap().to_string(), "2");
/// ```
pub fn decode_prefix(bytes: &[u8]) -> Result<(Term, usize), DecodeError> {
    let mut reader = Reader { bytes, pos: 0 };
    let version = reader.u8()?;
    if version != VERSION {
        return Err(DecodeError::BadVersion(version));
    }
    let term = reader.term(0)?;
    Ok((term, reader.pos))
}

// ---------------------------------------------------------------------------------------------
// Encoding

fn write_len(out: &mut Vec<u8>, len: usize, what: &'static str) -> Result<(), EncodeError> {
    let len = u32::try_from(len).map_err(|_| EncodeError::TooLarge(what))?;
    out.extend_from_slice(&len.to_be_bytes());
    Ok(())
}

fn write_atom(name: &str, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    if name.chars().count() > MAX_ATOM_CHARS {
        return Err(EncodeError::AtomTooLong(name.chars().take(20).collect()));
    }
    match u8::try_from(name.len()) {
        Ok(len) => {
            out.push(tag::SMALL_ATOM_UTF8);
            out.push(len);
        }
        Err(_) => {
            out.push(tag::ATOM_UTF8);
            // 255 characters of at most 4 bytes each: fits a u16.
            out.extend_from_slice(&(name.len() as u16).to_be_bytes());
        }
    }
    out.extend_from_slice(name.as_bytes());
    Ok(())
}

fn write_big(negative: bool, magnitude: &[u8], out: &mut Vec<u8>) -> Result<(), EncodeError> {
    match u8::try_from(magnitude.len()) {
        Ok(len) => {
            out.push(tag::SMALL_BIG);
            out.push(len);
        }
        Err(_) => {
            out.push(tag::LARGE_BIG);
            write_len(out, magnitude.len(), "integer")?;
        }
    }
    out.push(u8::from(negative));
    out.extend_from_slice(magnitude);
    Ok(())
}

fn write_int(n: i64, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    if let Ok(small) = u8::try_from(n) {
        out.push(tag::SMALL_INTEGER);
        out.push(small);
    } else if let Ok(int) = i32::try_from(n) {
        out.push(tag::INTEGER);
        out.extend_from_slice(&int.to_be_bytes());
    } else {
        let mut magnitude = n.unsigned_abs().to_le_bytes().to_vec();
        while magnitude.last() == Some(&0) {
            magnitude.pop();
        }
        write_big(n < 0, &magnitude, out)?;
    }
    Ok(())
}

fn write_term(term: &Term, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    match term {
        Term::Atom(atom) => write_atom(atom.as_str(), out)?,
        Term::Int(n) => write_int(*n, out)?,
        Term::BigInt(n) => match n.to_i64() {
            Some(small) => write_int(small, out)?,
            None => write_big(n.is_negative(), &n.magnitude_le_bytes(), out)?,
        },
        Term::Float(x) => {
            if !x.is_finite() {
                return Err(EncodeError::NonFiniteFloat(x.to_string()));
            }
            out.push(tag::NEW_FLOAT);
            out.extend_from_slice(&x.to_bits().to_be_bytes());
        }
        Term::Binary(bytes) => {
            out.push(tag::BINARY);
            write_len(out, bytes.len(), "binary")?;
            out.extend_from_slice(bytes);
        }
        Term::BitString(bits) => {
            out.push(tag::BIT_BINARY);
            write_len(out, bits.bytes().len(), "bitstring")?;
            out.push(bits.bits_in_last_byte());
            out.extend_from_slice(bits.bytes());
        }
        Term::List(elements) if elements.is_empty() => out.push(tag::NIL),
        Term::List(elements) => {
            out.push(tag::LIST);
            write_len(out, elements.len(), "list")?;
            for element in elements {
                write_term(element, out)?;
            }
            out.push(tag::NIL);
        }
        Term::ImproperList(elements, tail) => {
            out.push(tag::LIST);
            write_len(out, elements.len(), "list")?;
            for element in elements {
                write_term(element, out)?;
            }
            write_term(tail, out)?;
        }
        Term::Tuple(elements) => {
            match u8::try_from(elements.len()) {
                Ok(len) => {
                    out.push(tag::SMALL_TUPLE);
                    out.push(len);
                }
                Err(_) => {
                    out.push(tag::LARGE_TUPLE);
                    write_len(out, elements.len(), "tuple")?;
                }
            }
            for element in elements {
                write_term(element, out)?;
            }
        }
        Term::Map(map) => {
            out.push(tag::MAP);
            write_len(out, map.len(), "map")?;
            for (key, value) in map {
                write_term(key, out)?;
                write_term(value, out)?;
            }
        }
        Term::Pid(pid) => {
            out.push(tag::NEW_PID);
            write_atom(pid.node.as_str(), out)?;
            out.extend_from_slice(&pid.id.to_be_bytes());
            out.extend_from_slice(&pid.serial.to_be_bytes());
            out.extend_from_slice(&pid.creation.to_be_bytes());
        }
        Term::Reference(reference) => {
            let words = reference.id.len();
            if !(1..=5).contains(&words) {
                return Err(EncodeError::BadReference(words));
            }
            out.push(tag::NEWER_REFERENCE);
            out.extend_from_slice(&(words as u16).to_be_bytes()); // 1 to 5
            write_atom(reference.node.as_str(), out)?;
            out.extend_from_slice(&reference.creation.to_be_bytes());
            for word in &reference.id {
                out.extend_from_slice(&word.to_be_bytes());
            }
        }
        Term::Port(port) => {
            match u32::try_from(port.id) {
                Ok(id) => {
                    out.push(tag::NEW_PORT);
                    write_atom(port.node.as_str(), out)?;
                    out.extend_from_slice(&id.to_be_bytes());
                }
                Err(_) => {
                    out.push(tag::V4_PORT);
                    write_atom(port.node.as_str(), out)?;
                    out.extend_from_slice(&port.id.to_be_bytes());
                }
            }
            out.extend_from_slice(&port.creation.to_be_bytes());
        }
        Term::Fun(fun) => match &**fun {
            Fun::Export {
                module,
                function,
                arity,
            } => {
                out.push(tag::EXPORT);
                write_atom(module.as_str(), out)?;
                write_atom(function.as_str(), out)?;
                out.push(tag::SMALL_INTEGER);
                out.push(*arity);
            }
            Fun::Closure(closure) => out.extend_from_slice(&closure.encoded),
        },
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Decoding

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let available = self.bytes.len() - self.pos;
        if n > available {
            return Err(DecodeError::Truncated {
                offset: self.pos,
                needed: n - available,
            });
        }
        let slice = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// A count of items that each take at least `min_bytes`: refused before any allocation if
    /// the input cannot hold that many.
    fn count(&mut self, count: usize, min_bytes: usize) -> Result<usize, DecodeError> {
        if count.saturating_mul(min_bytes) > self.remaining() {
            return Err(DecodeError::Truncated {
                offset: self.pos,
                needed: count.saturating_mul(min_bytes) - self.remaining(),
            });
        }
        Ok(count)
    }

    fn malformed(&self, what: &'static str, offset: usize) -> DecodeError {
        let _ = self;
        DecodeError::Malformed { what, offset }
    }

    /// One term. Only the containers recurse from here; everything else is read by
    /// [`Reader::leaf`], kept out of line so that each level of nesting costs little stack.
    fn term(&mut self, depth: usize) -> Result<Term, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(DecodeError::TooDeep);
        }
        let start = self.pos;
        let tag = self.u8()?;
        match tag {
            tag::SMALL_TUPLE => {
                let len = usize::from(self.u8()?);
                self.tuple(len, depth)
            }
            tag::LARGE_TUPLE => {
                let len = self.u32()? as usize;
                self.tuple(len, depth)
            }
            tag::LIST => self.list(depth),
            tag::MAP => self.map(depth),
            tag::EXPORT => self.export(start, depth),
            tag::NEW_FUN => self.closure(start, depth),
            _ => self.leaf(tag, start),
        }
    }

    #[inline(never)]
    fn map(&mut self, depth: usize) -> Result<Term, DecodeError> {
        let len = self.u32()? as usize;
        let len = self.count(len, 2)?;
        let mut map = BTreeMap::new();
        for _ in 0..len {
            let key = self.term(depth + 1)?;
            let value = self.term(depth + 1)?;
            map.insert(key, value);
        }
        Ok(Term::Map(map))
    }

    #[inline(never)]
    fn export(&mut self, start: usize, depth: usize) -> Result<Term, DecodeError> {
        let module = self.node_atom()?;
        let function = self.node_atom()?;
        let arity = match self.term(depth + 1)? {
            Term::Int(n) => {
                u8::try_from(n).map_err(|_| self.malformed("an export's arity", start))?
            }
            _ => return Err(self.malformed("an export's arity", start)),
        };
        Ok(Term::Fun(Box::new(Fun::Export {
            module,
            function,
            arity,
        })))
    }

    /// Every term that holds no other term.
    #[inline(never)]
    fn leaf(&mut self, tag: u8, start: usize) -> Result<Term, DecodeError> {
        Ok(match tag {
            tag::SMALL_INTEGER => Term::Int(i64::from(self.u8()?)),
            tag::INTEGER => Term::Int(i64::from(self.u32()? as i32)), // the bits are an i32
            tag::SMALL_BIG => {
                let len = usize::from(self.u8()?);
                self.big(len)?
            }
            tag::LARGE_BIG => {
                let len = self.u32()? as usize;
                self.big(len)?
            }
            tag::NEW_FLOAT => {
                let value = f64::from_bits(self.u64()?);
                if !value.is_finite() {
                    return Err(self.malformed("a float that is not a number", start));
                }
                Term::Float(value)
            }
            tag::FLOAT => {
                let text = self.take(31)?;
                let text = std::str::from_utf8(text)
                    .ok()
                    .map(|t| t.trim_end_matches('\0').trim());
                match text.and_then(|t| t.parse::<f64>().ok()) {
                    Some(value) if value.is_finite() => Term::Float(value),
                    _ => return Err(self.malformed("a float string that is not a number", start)),
                }
            }
            tag::ATOM | tag::SMALL_ATOM | tag::ATOM_UTF8 | tag::SMALL_ATOM_UTF8 => {
                Term::Atom(self.atom_body(tag, start)?)
            }
            tag::NIL => Term::List(Vec::new()),
            tag::STRING => {
                let len = usize::from(self.u16()?);
                let bytes = self.take(len)?;
                Term::List(bytes.iter().map(|b| Term::Int(i64::from(*b))).collect())
            }
            tag::BINARY => {
                let len = self.u32()? as usize;
                Term::Binary(self.take(len)?.to_vec())
            }
            tag::BIT_BINARY => {
                let len = self.u32()? as usize;
                let bits = self.u8()?;
                let bytes = self.take(len)?.to_vec();
                if bits == 8 || (bits == 0 && bytes.is_empty()) {
                    Term::Binary(bytes)
                } else {
                    match BitString::new(bytes, bits) {
                        Some(bits) => Term::BitString(bits),
                        None => return Err(self.malformed("a bitstring's bit count", start)),
                    }
                }
            }
            tag::PID | tag::NEW_PID => {
                let node = self.node_atom()?;
                let id = self.u32()?;
                let serial = self.u32()?;
                let creation = if tag == tag::PID {
                    u32::from(self.u8()?)
                } else {
                    self.u32()?
                };
                Term::Pid(ExternalPid {
                    node,
                    id,
                    serial,
                    creation,
                })
            }
            tag::PORT | tag::NEW_PORT | tag::V4_PORT => {
                let node = self.node_atom()?;
                let id = if tag == tag::V4_PORT {
                    self.u64()?
                } else {
                    u64::from(self.u32()?)
                };
                let creation = if tag == tag::PORT {
                    u32::from(self.u8()?)
                } else {
                    self.u32()?
                };
                Term::Port(ExternalPort { node, id, creation })
            }
            tag::REFERENCE => {
                let node = self.node_atom()?;
                let id = self.u32()?;
                let creation = u32::from(self.u8()?);
                Term::Reference(Box::new(ExternalRef {
                    node,
                    creation,
                    id: vec![id],
                }))
            }
            tag::NEW_REFERENCE | tag::NEWER_REFERENCE => {
                let words = usize::from(self.u16()?);
                if !(1..=5).contains(&words) {
                    return Err(self.malformed("a reference with no words or more than 5", start));
                }
                let node = self.node_atom()?;
                let creation = if tag == tag::NEW_REFERENCE {
                    u32::from(self.u8()?)
                } else {
                    self.u32()?
                };
                let mut id = Vec::with_capacity(words);
                for _ in 0..words {
                    id.push(self.u32()?);
                }
                Term::Reference(Box::new(ExternalRef { node, creation, id }))
            }
            tag::COMPRESSED => {
                return Err(DecodeError::Unsupported {
                    what: "a compressed term",
                    offset: start,
                });
            }
            tag::ATOM_CACHE_REF => {
                return Err(DecodeError::Unsupported {
                    what: "an atom-cache reference",
                    offset: start,
                });
            }
            tag::DIST_HEADER => {
                return Err(DecodeError::Unsupported {
                    what: "a distribution header",
                    offset: start,
                });
            }
            tag::LOCAL => {
                return Err(DecodeError::Unsupported {
                    what: "a term encoded for the local node only",
                    offset: start,
                });
            }
            tag => return Err(DecodeError::UnknownTag { tag, offset: start }),
        })
    }

    fn big(&mut self, len: usize) -> Result<Term, DecodeError> {
        let sign = self.u8()?;
        let start = self.pos;
        let magnitude = self.take(len)?;
        let negative = match sign {
            0 => false,
            1 => true,
            _ => return Err(self.malformed("a big integer's sign byte", start - 1)),
        };
        Ok(Term::big(BigInt::from_le_bytes(negative, magnitude)))
    }

    fn atom_body(&mut self, tag: u8, start: usize) -> Result<Atom, DecodeError> {
        let len = match tag {
            tag::ATOM | tag::ATOM_UTF8 => usize::from(self.u16()?),
            _ => usize::from(self.u8()?),
        };
        let bytes = self.take(len)?;
        let name = match tag {
            // The old tags carry Latin-1: every byte is one character.
            tag::ATOM | tag::SMALL_ATOM => bytes.iter().map(|b| char::from(*b)).collect(),
            _ => match std::str::from_utf8(bytes) {
                Ok(text) => text.to_string(),
                Err(_) => return Err(self.malformed("an atom that is not UTF-8", start)),
            },
        };
        if name.chars().count() > MAX_ATOM_CHARS {
            return Err(self.malformed("an atom longer than 255 characters", start));
        }
        Ok(Atom::from(name))
    }

    /// An atom where the format requires one (a node name, a module): any other term is
    /// malformed.
    fn node_atom(&mut self) -> Result<Atom, DecodeError> {
        let start = self.pos;
        let tag = self.u8()?;
        match tag {
            tag::ATOM | tag::SMALL_ATOM | tag::ATOM_UTF8 | tag::SMALL_ATOM_UTF8 => {
                self.atom_body(tag, start)
            }
            tag::ATOM_CACHE_REF => Err(DecodeError::Unsupported {
                what: "an atom-cache reference",
                offset: start,
            }),
            _ => Err(self.malformed("an atom was required here", start)),
        }
    }

    #[inline(never)]
    fn tuple(&mut self, len: usize, depth: usize) -> Result<Term, DecodeError> {
        let len = self.count(len, 1)?;
        let mut elements = Vec::with_capacity(len);
        for _ in 0..len {
            elements.push(self.term(depth + 1)?);
        }
        Ok(Term::Tuple(elements))
    }

    /// `LIST_EXT`: its elements, then its tail. A tail that is itself a list is joined on in
    /// the same loop, so a list encoded as nested cells does not nest the decoder.
    #[inline(never)]
    fn list(&mut self, depth: usize) -> Result<Term, DecodeError> {
        let mut elements = Vec::new();
        loop {
            let len = self.u32()? as usize;
            let len = self.count(len, 1)?;
            elements.reserve(len);
            for _ in 0..len {
                elements.push(self.term(depth + 1)?);
            }
            match self.bytes.get(self.pos) {
                Some(&tag::NIL) => {
                    self.pos += 1;
                    return Ok(Term::List(elements));
                }
                Some(&tag::LIST) => {
                    self.pos += 1;
                }
                _ => {
                    let tail = self.term(depth + 1)?;
                    return Ok(Term::improper_list(elements, tail));
                }
            }
        }
    }

    /// `NEW_FUN_EXT`: its size field tells where it ends; the header is read for printing and
    /// the whole encoding is kept to send back unchanged.
    #[inline(never)]
    fn closure(&mut self, start: usize, depth: usize) -> Result<Term, DecodeError> {
        let size = self.u32()? as usize;
        // Size counts itself (4 bytes) and everything after the tag.
        let body_end = start + 1 + size;
        if size < 4 + 1 + 16 + 4 + 4 || body_end > self.bytes.len() {
            return Err(self.malformed("a fun's size", start));
        }
        let arity = self.u8()?;
        self.take(16)?; // uniq: an MD5 of the module
        let _index = self.u32()?;
        let _free_vars = self.u32()?;
        let module = self.node_atom()?;
        let old_index = match self.term(depth + 1)? {
            Term::Int(n) => n,
            _ => return Err(self.malformed("a fun's old index", start)),
        };
        let old_uniq = match self.term(depth + 1)? {
            Term::Int(n) => n,
            _ => return Err(self.malformed("a fun's old uniq", start)),
        };
        if self.pos > body_end {
            return Err(self.malformed("a fun's size", start));
        }
        self.pos = body_end;
        Ok(Term::Fun(Box::new(Fun::Closure(Closure {
            module,
            arity,
            index: u32::try_from(old_index).unwrap_or(0),
            uniq: u32::try_from(old_uniq).unwrap_or(0),
            encoded: Arc::from(&self.bytes[start..body_end]),
        }))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(term: Term) {
        let bytes = encode(&term).unwrap();
        assert_eq!(decode(&bytes).unwrap(), term, "{term}");
    }

    #[test]
    fn every_kind_round_trips() {
        round_trip(Term::atom("ok"));
        round_trip(Term::atom("é"));
        round_trip(Term::atom("x".repeat(255)));
        for n in [
            0,
            255,
            256,
            -1,
            i32::MIN as i64,
            i32::MAX as i64 + 1,
            i64::MIN,
            i64::MAX,
        ] {
            round_trip(Term::Int(n));
        }
        round_trip(Term::integer(u128::MAX));
        round_trip(Term::integer(i128::MIN));
        // 700 digits: more than 255 bytes, LARGE_BIG_EXT.
        round_trip(Term::big("9".repeat(700).parse().unwrap()));
        round_trip(Term::big(format!("-{}", "9".repeat(700)).parse().unwrap()));
        round_trip(Term::Float(-1.5e-300));
        round_trip(Term::binary(vec![0u8; 300]));
        round_trip(Term::BitString(BitString::new(vec![1, 0xE0], 3).unwrap()));
        round_trip(Term::list([]));
        round_trip(Term::list((0..300).map(Term::Int)));
        round_trip(Term::improper_list([Term::Int(1)], Term::atom("x")));
        round_trip(Term::tuple((0..300).map(Term::Int)));
        round_trip(Term::map([(Term::atom("a"), Term::from("b"))]));
        round_trip(Term::Pid(ExternalPid::new(
            "erl@127.0.0.1",
            85,
            3,
            1_700_000_000,
        )));
        round_trip(Term::from(ExternalRef::new("a@b", 7, vec![1, 2, 3, 4, 5])));
        round_trip(Term::Port(ExternalPort::new("a@b", 1 << 40, 7)));
        round_trip(Term::Port(ExternalPort::new("a@b", 6, 7)));
        round_trip(Term::Fun(Box::new(Fun::Export {
            module: "lists".into(),
            function: "reverse".into(),
            arity: 1,
        })));
    }

    #[test]
    fn reads_old_encodings() {
        // STRING_EXT "hi", ATOM_EXT 'ok', FLOAT_EXT 1.5, PID_EXT, REFERENCE_EXT
        assert_eq!(
            decode(&[131, 107, 0, 2, b'h', b'i']).unwrap(),
            Term::list([Term::Int(104), Term::Int(105)])
        );
        assert_eq!(
            decode(&[131, 100, 0, 2, b'o', b'k']).unwrap(),
            Term::atom("ok")
        );
        let mut float = vec![131, 99];
        let text = format!("{:<31}", "1.50000000000000000000e+00");
        float.extend_from_slice(&text.as_bytes()[..31]);
        assert_eq!(decode(&float).unwrap(), Term::Float(1.5));
        let pid = [131, 103, 100, 0, 1, b'n', 0, 0, 0, 5, 0, 0, 0, 0, 2];
        assert_eq!(
            decode(&pid).unwrap(),
            Term::Pid(ExternalPid::new("n", 5, 0, 2))
        );
    }

    #[test]
    fn nested_list_cells_do_not_nest_the_decoder() {
        // [1 | [2 | [3 | []]]] written cell by cell, deeper than MAX_DEPTH.
        let mut bytes = vec![131];
        for _ in 0..(MAX_DEPTH * 4) {
            bytes.extend_from_slice(&[108, 0, 0, 0, 1, 97, 1]);
        }
        bytes.push(106);
        let term = decode(&bytes).unwrap();
        assert_eq!(term.as_list().map(|l| l.len()), Some(MAX_DEPTH * 4));
    }

    #[test]
    fn hostile_input_is_an_error_not_a_panic() {
        // A tuple claiming 4 billion elements, in six bytes.
        assert!(matches!(
            decode(&[131, 105, 255, 255, 255, 255]),
            Err(DecodeError::Truncated { .. })
        ));
        // A list, a map and a binary claiming more than there is.
        assert!(decode(&[131, 108, 255, 255, 255, 255, 106]).is_err());
        assert!(decode(&[131, 116, 255, 255, 255, 255]).is_err());
        assert!(decode(&[131, 109, 255, 255, 255, 255, 1]).is_err());
        // Nesting beyond the limit.
        let mut deep = vec![131];
        deep.extend(std::iter::repeat_n([104, 1], MAX_DEPTH + 2).flatten());
        deep.push(106);
        assert_eq!(decode(&deep), Err(DecodeError::TooDeep));
        // Tags the decoder does not take.
        assert!(matches!(
            decode(&[131, 82, 0]),
            Err(DecodeError::Unsupported { .. })
        ));
        assert!(matches!(
            decode(&[131, 80, 0, 0, 0, 1]),
            Err(DecodeError::Unsupported { .. })
        ));
        assert!(matches!(
            decode(&[131, 2]),
            Err(DecodeError::UnknownTag { tag: 2, .. })
        ));
        // A bitstring with 9 bits in its last byte, a NaN, a pid whose node is an integer.
        assert!(decode(&[131, 77, 0, 0, 0, 1, 9, 0]).is_err());
        let mut nan = vec![131, 70];
        nan.extend_from_slice(&f64::NAN.to_bits().to_be_bytes());
        assert!(decode(&nan).is_err());
        assert!(decode(&[131, 88, 97, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).is_err());
        // A big integer with a sign byte of 7, an atom that is not UTF-8.
        assert!(decode(&[131, 110, 1, 7, 1]).is_err());
        assert!(decode(&[131, 119, 1, 0xFF]).is_err());
    }

    #[test]
    fn every_truncation_of_a_valid_term_is_an_error() {
        let term = Term::tuple([
            Term::atom("ok"),
            Term::map([(
                Term::from("k"),
                Term::list([Term::Float(1.0), Term::integer(u128::MAX)]),
            )]),
            Term::Pid(ExternalPid::new("erl@127.0.0.1", 85, 0, 3)),
            Term::from(ExternalRef::new("erl@127.0.0.1", 3, vec![1, 2, 3])),
            Term::improper_list([Term::Int(1)], Term::binary([1, 2])),
        ]);
        let bytes = encode(&term).unwrap();
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        // Every single-byte corruption decodes to something or fails cleanly.
        for i in 1..bytes.len() {
            for value in [0u8, 1, 0x7F, 0xFF, 104, 108, 116] {
                let mut corrupt = bytes.clone();
                corrupt[i] = value;
                let _ = decode(&corrupt);
            }
        }
    }

    #[test]
    fn pseudo_random_garbage_never_panics() {
        // A fixed xorshift sequence: the same garbage on every run.
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let tags = [
            97u8, 98, 100, 104, 105, 106, 107, 108, 109, 110, 116, 119, 88, 90, 77, 70,
        ];
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let mut bytes = vec![131];
            for _ in 0..len {
                let r = next();
                bytes.push(if r % 3 == 0 {
                    tags[(r >> 8) as usize % tags.len()]
                } else {
                    (r >> 16) as u8
                });
            }
            let _ = decode(&bytes);
        }
    }

    #[test]
    fn encode_refuses_what_erlang_cannot_hold() {
        assert!(matches!(
            encode(&Term::Float(f64::INFINITY)),
            Err(EncodeError::NonFiniteFloat(_))
        ));
        assert!(matches!(
            encode(&Term::atom("x".repeat(256))),
            Err(EncodeError::AtomTooLong(_))
        ));
        assert!(matches!(
            encode(&Term::from(ExternalRef::new("a@b", 1, vec![]))),
            Err(EncodeError::BadReference(0))
        ));
    }
}
