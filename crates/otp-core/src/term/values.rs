//! The less common kinds of term: bitstrings and funs, as data (how they print is in
//! `display.rs`, with every other term).

use std::sync::Arc;

use crate::atom::Atom;

/// A bitstring whose length is not a whole number of bytes: `<<1, 2::size(4)>>`.
///
/// The bits are packed the way the external term format packs them: every byte but the last
/// is whole, and the last one holds [`BitString::bits_in_last_byte`] bits in its most
/// significant positions (the rest are zero). A bitstring of whole bytes is a binary,
/// [`super::Term::Binary`], so [`BitString::new`] refuses it.
///
/// ```
/// use otp_core::term::{BitString, Term};
///
/// // Elixir: <<1, 2::size(4)>>
/// let bits = BitString::new(vec![1, 0b0010_0000], 4).unwrap();
/// assert_eq!(Term::BitString(bits.clone()).to_string(), "<<1, 2::size(4)>>");
/// assert_eq!(bits.bit_size(), 12);
/// assert!(BitString::new(vec![1, 2], 8).is_none(), "whole bytes: a binary");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BitString {
    bytes: Vec<u8>,
    bits: u8,
}

impl BitString {
    /// The bitstring of `bytes` whose last byte holds `bits_in_last_byte` bits (1 to 7) in its
    /// high positions. The unused low bits are cleared. `None` when `bits_in_last_byte` is not
    /// 1 to 7 or `bytes` is empty.
    ///
    /// ```
    /// use otp_core::term::BitString;
    ///
    /// let three_bits = BitString::new(vec![0b1011_1111], 3).unwrap();
    /// assert_eq!(three_bits.bytes(), &[0b1010_0000], "unused bits cleared");
    /// assert!(BitString::new(vec![], 3).is_none());
    /// ```
    pub fn new(mut bytes: Vec<u8>, bits_in_last_byte: u8) -> Option<Self> {
        if !(1..=7).contains(&bits_in_last_byte) {
            return None;
        }
        let last = bytes.last_mut()?;
        *last &= 0xFFu8 << (8 - bits_in_last_byte);
        Some(BitString {
            bytes,
            bits: bits_in_last_byte,
        })
    }

    /// The bytes, the last one partly used.
    ///
    /// ```
    /// use otp_core::term::BitString;
    /// assert_eq!(BitString::new(vec![7, 0x80], 1).unwrap().bytes(), &[7, 0x80]);
    /// ```
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// How many bits of the last byte are used: 1 to 7.
    ///
    /// ```
    /// use otp_core::term::BitString;
    /// assert_eq!(BitString::new(vec![0x80], 1).unwrap().bits_in_last_byte(), 1);
    /// ```
    pub fn bits_in_last_byte(&self) -> u8 {
        self.bits
    }

    /// The length in bits.
    ///
    /// ```
    /// use otp_core::term::BitString;
    /// assert_eq!(BitString::new(vec![1, 2, 0x80], 1).unwrap().bit_size(), 17);
    /// ```
    pub fn bit_size(&self) -> usize {
        (self.bytes.len() - 1) * 8 + usize::from(self.bits)
    }

    /// The value of the last, partial byte's used bits: `2` in `<<1, 2::size(4)>>`.
    pub(crate) fn tail_value(&self) -> u8 {
        // `new` guarantees at least one byte.
        self.bytes.last().copied().unwrap_or(0) >> (8 - self.bits)
    }
}

/// A fun (a function value) that arrived from the BEAM.
///
/// otp-core cannot run Erlang code, so a fun is data here: it can be printed, compared, kept
/// and sent back unchanged, and nothing more. An external fun (`&Enum.map/2`,
/// `fun lists:reverse/1`) is fully described by its module, name and arity; a closure keeps the
/// exact bytes it arrived as.
///
/// ```
/// use otp_core::term::{Fun, Term};
///
/// let fun = Fun::Export { module: "Elixir.Enum".into(), function: "map".into(), arity: 2 };
/// assert_eq!(Term::Fun(Box::new(fun)).to_string(), "&Enum.map/2");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Fun {
    /// `fun Module:Function/Arity`, Elixir's `&Module.function/arity`.
    Export {
        /// The module.
        module: Atom,
        /// The function's name.
        function: Atom,
        /// How many arguments it takes.
        arity: u8,
    },
    /// A closure defined in Erlang or Elixir code.
    Closure(Closure),
}

/// A closure from the BEAM, kept as the bytes it arrived in (see [`Fun`]).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Closure {
    pub(crate) module: Atom,
    pub(crate) arity: u8,
    pub(crate) index: u32,
    pub(crate) uniq: u32,
    /// The whole `NEW_FUN_EXT` encoding, tag byte included.
    pub(crate) encoded: Arc<[u8]>,
}

impl Closure {
    /// The module that defines the closure.
    pub fn module(&self) -> &Atom {
        &self.module
    }

    /// How many arguments the closure takes.
    pub fn arity(&self) -> u8 {
        self.arity
    }
}
