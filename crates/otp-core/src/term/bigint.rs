//! Integers of any size, as Erlang has them: sign and magnitude.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// An integer of any size: Erlang's bignum.
///
/// Erlang integers have no fixed width; a term holds an `i64` when the value fits
/// ([`super::Term::Int`]) and a `BigInt` otherwise ([`super::Term::BigInt`]). A `BigInt` is a
/// sign and a magnitude of 32-bit digits, least significant first, with no leading zero digit,
/// so two equal values are always stored the same way.
///
/// ```
/// use otp_core::term::BigInt;
///
/// let big: BigInt = "-123456789012345678901234567890".parse().unwrap();
/// assert_eq!(big.to_string(), "-123456789012345678901234567890");
/// assert!(big.is_negative());
/// assert_eq!(big.to_i64(), None, "does not fit an i64");
/// assert_eq!(BigInt::from(u64::MAX).to_u64(), Some(u64::MAX));
/// assert_eq!(BigInt::from(-5_i64).to_i128(), Some(-5));
/// ```
#[derive(Clone, Default)]
pub struct BigInt {
    negative: bool,
    /// Base 2^32 digits, least significant first, no trailing (most significant) zeros.
    digits: Vec<u32>,
}

impl BigInt {
    /// Zero.
    ///
    /// ```
    /// use otp_core::term::BigInt;
    /// assert_eq!(BigInt::zero().to_string(), "0");
    /// assert!(BigInt::zero().is_zero());
    /// ```
    pub fn zero() -> Self {
        BigInt::default()
    }

    /// Builds a value from a sign and a magnitude in little-endian bytes, the way ETF's
    /// `SMALL_BIG_EXT` and `LARGE_BIG_EXT` carry it. Leading zero bytes are allowed; zero is
    /// never negative.
    ///
    /// ```
    /// use otp_core::term::BigInt;
    /// // 2^64, as Erlang encodes it: nine bytes, the last one 1.
    /// let two_to_64 = BigInt::from_le_bytes(false, &[0, 0, 0, 0, 0, 0, 0, 0, 1]);
    /// assert_eq!(two_to_64.to_string(), "18446744073709551616");
    /// assert_eq!(BigInt::from_le_bytes(true, &[0, 0]).to_string(), "0");
    /// ```
    pub fn from_le_bytes(negative: bool, bytes: &[u8]) -> Self {
        let digits = bytes
            .chunks(4)
            .map(|chunk| {
                let mut word = [0u8; 4];
                word[..chunk.len()].copy_from_slice(chunk);
                u32::from_le_bytes(word)
            })
            .collect();
        BigInt { negative, digits }.normalized()
    }

    /// The magnitude in little-endian bytes, without leading zero bytes (empty for zero).
    ///
    /// ```
    /// use otp_core::term::BigInt;
    /// assert_eq!(BigInt::from(-258_i64).magnitude_le_bytes(), vec![2, 1]);
    /// assert!(BigInt::zero().magnitude_le_bytes().is_empty());
    /// ```
    pub fn magnitude_le_bytes(&self) -> Vec<u8> {
        let mut bytes: Vec<u8> = self.digits.iter().flat_map(|d| d.to_le_bytes()).collect();
        while bytes.last() == Some(&0) {
            bytes.pop();
        }
        bytes
    }

    /// `true` below zero.
    ///
    /// ```
    /// use otp_core::term::BigInt;
    /// assert!(BigInt::from(-1_i64).is_negative());
    /// assert!(!BigInt::zero().is_negative());
    /// ```
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// `true` for zero.
    ///
    /// ```
    /// use otp_core::term::BigInt;
    /// assert!(BigInt::from(0_u64).is_zero());
    /// assert!(!BigInt::from(1_u64).is_zero());
    /// ```
    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// The value as an `i64`, if it fits.
    ///
    /// ```
    /// use otp_core::term::BigInt;
    /// assert_eq!(BigInt::from(i64::MIN).to_i64(), Some(i64::MIN));
    /// assert_eq!(BigInt::from(u64::MAX).to_i64(), None);
    /// ```
    pub fn to_i64(&self) -> Option<i64> {
        self.to_i128().and_then(|v| i64::try_from(v).ok())
    }

    /// The value as a `u64`, if it fits.
    ///
    /// ```
    /// use otp_core::term::BigInt;
    /// assert_eq!(BigInt::from(u64::MAX).to_u64(), Some(u64::MAX));
    /// assert_eq!(BigInt::from(-1_i64).to_u64(), None);
    /// ```
    pub fn to_u64(&self) -> Option<u64> {
        self.to_u128().and_then(|v| u64::try_from(v).ok())
    }

    /// The value as an `i128`, if it fits.
    ///
    /// ```
    /// use otp_core::term::BigInt;
    /// assert_eq!(BigInt::from(i128::MIN).to_i128(), Some(i128::MIN));
    /// assert_eq!(BigInt::from(u128::MAX).to_i128(), None);
    /// ```
    pub fn to_i128(&self) -> Option<i128> {
        let magnitude = self.magnitude_u128()?;
        if self.negative {
            if magnitude == 1u128 << 127 {
                Some(i128::MIN)
            } else {
                i128::try_from(magnitude).ok().map(|m| -m)
            }
        } else {
            i128::try_from(magnitude).ok()
        }
    }

    /// The value as a `u128`, if it fits.
    ///
    /// ```
    /// use otp_core::term::BigInt;
    /// assert_eq!(BigInt::from(u128::MAX).to_u128(), Some(u128::MAX));
    /// assert_eq!(BigInt::from(-1_i64).to_u128(), None);
    /// ```
    pub fn to_u128(&self) -> Option<u128> {
        if self.negative {
            return None;
        }
        self.magnitude_u128()
    }

    /// The nearest `f64` (infinite beyond `f64`'s range).
    ///
    /// ```
    /// use otp_core::term::BigInt;
    /// assert_eq!(BigInt::from(1u128 << 100).to_f64(), 2f64.powi(100));
    /// ```
    pub fn to_f64(&self) -> f64 {
        let mut value = 0f64;
        for digit in self.digits.iter().rev() {
            value = value * 4_294_967_296.0 + f64::from(*digit);
        }
        if self.negative { -value } else { value }
    }

    fn magnitude_u128(&self) -> Option<u128> {
        if self.digits.len() > 4 {
            return None;
        }
        Some(
            self.digits
                .iter()
                .rev()
                .fold(0u128, |acc, d| (acc << 32) | u128::from(*d)),
        )
    }

    fn from_parts(negative: bool, mut magnitude: u128) -> Self {
        let mut digits = Vec::new();
        while magnitude != 0 {
            digits.push(magnitude as u32); // the low 32 bits, on purpose
            magnitude >>= 32;
        }
        BigInt { negative, digits }.normalized()
    }

    fn normalized(mut self) -> Self {
        while self.digits.last() == Some(&0) {
            self.digits.pop();
        }
        if self.digits.is_empty() {
            self.negative = false;
        }
        self
    }

    fn cmp_magnitude(&self, other: &Self) -> Ordering {
        self.digits
            .len()
            .cmp(&other.digits.len())
            .then_with(|| self.digits.iter().rev().cmp(other.digits.iter().rev()))
    }

    /// Divides the magnitude by `divisor` in place, returning the remainder.
    fn div_rem_small(digits: &mut Vec<u32>, divisor: u32) -> u32 {
        let mut remainder = 0u64;
        for digit in digits.iter_mut().rev() {
            let current = (remainder << 32) | u64::from(*digit);
            *digit = (current / u64::from(divisor)) as u32; // < 2^32 since remainder < divisor
            remainder = current % u64::from(divisor);
        }
        while digits.last() == Some(&0) {
            digits.pop();
        }
        remainder as u32 // < divisor
    }

    /// Multiplies the magnitude by `factor` and adds `addend`, in place.
    fn mul_add_small(digits: &mut Vec<u32>, factor: u32, addend: u32) {
        let mut carry = u64::from(addend);
        for digit in digits.iter_mut() {
            let current = u64::from(*digit) * u64::from(factor) + carry;
            *digit = current as u32; // the low 32 bits, on purpose
            carry = current >> 32;
        }
        if carry != 0 {
            digits.push(carry as u32); // < 2^32
        }
    }
}

macro_rules! from_signed {
    ($($t:ty),*) => {$(
        impl From<$t> for BigInt {
            fn from(value: $t) -> Self {
                BigInt::from_parts(value < 0, (value as i128).unsigned_abs())
            }
        }
    )*};
}
macro_rules! from_unsigned {
    ($($t:ty),*) => {$(
        impl From<$t> for BigInt {
            fn from(value: $t) -> Self {
                BigInt::from_parts(false, value as u128)
            }
        }
    )*};
}
from_signed!(i8, i16, i32, i64, i128, isize);
from_unsigned!(u8, u16, u32, u64, u128, usize);

/// The error of parsing a [`BigInt`] from text that is not a decimal integer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a decimal integer: {0:?}")]
pub struct ParseBigIntError(String);

impl FromStr for BigInt {
    type Err = ParseBigIntError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseBigIntError(s.to_string()));
        }
        let mut digits = Vec::new();
        for b in body.bytes() {
            BigInt::mul_add_small(&mut digits, 10, u32::from(b - b'0'));
        }
        Ok(BigInt { negative, digits }.normalized())
    }
}

impl fmt::Display for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.digits.is_empty() {
            return f.write_str("0");
        }
        const CHUNK: u32 = 1_000_000_000;
        let mut digits = self.digits.clone();
        let mut chunks = Vec::new();
        while !digits.is_empty() {
            chunks.push(BigInt::div_rem_small(&mut digits, CHUNK));
        }
        if self.negative {
            f.write_str("-")?;
        }
        let mut chunks = chunks.iter().rev();
        if let Some(first) = chunks.next() {
            write!(f, "{first}")?;
        }
        for chunk in chunks {
            write!(f, "{chunk:09}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl PartialEq for BigInt {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for BigInt {}

impl PartialOrd for BigInt {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for BigInt {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

impl Hash for BigInt {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.negative.hash(state);
        self.digits.hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text() {
        for text in [
            "0",
            "1",
            "-1",
            "4294967296",
            "18446744073709551616",
            "-340282366920938463463374607431768211456",
            "123456789012345678901234567890123456789012345678901234567890",
        ] {
            let value: BigInt = text.parse().unwrap();
            assert_eq!(value.to_string(), text);
        }
        assert_eq!("-0".parse::<BigInt>().unwrap().to_string(), "0");
        assert!("12a".parse::<BigInt>().is_err());
        assert!("".parse::<BigInt>().is_err());
        assert!("-".parse::<BigInt>().is_err());
    }

    #[test]
    fn conversions_at_the_edges() {
        for v in [
            0i128,
            1,
            -1,
            i64::MAX as i128,
            i64::MIN as i128,
            i128::MAX,
            i128::MIN,
        ] {
            assert_eq!(BigInt::from(v).to_i128(), Some(v), "{v}");
            assert_eq!(BigInt::from(v).to_string(), v.to_string());
        }
        assert_eq!(BigInt::from(i64::MAX as i128 + 1).to_i64(), None);
        assert_eq!(BigInt::from(i64::MIN as i128 - 1).to_i64(), None);
        assert_eq!(BigInt::from(u128::MAX).to_u128(), Some(u128::MAX));
        let too_big: BigInt = "340282366920938463463374607431768211456".parse().unwrap();
        assert_eq!(too_big.to_u128(), None);
        assert_eq!(too_big.to_i128(), None);
    }

    #[test]
    fn orders_by_value() {
        let mut values: Vec<BigInt> = [
            "5",
            "-5",
            "0",
            "18446744073709551616",
            "-18446744073709551616",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        values.sort();
        let printed: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        assert_eq!(
            printed,
            [
                "-18446744073709551616",
                "-5",
                "0",
                "5",
                "18446744073709551616"
            ]
        );
    }

    #[test]
    fn bytes_round_trip() {
        let value: BigInt = "-98765432109876543210".parse().unwrap();
        let bytes = value.magnitude_le_bytes();
        assert_eq!(BigInt::from_le_bytes(true, &bytes), value);
    }
}
