//! A fast, non-cryptographic hasher for the runtime's own tables (registry partitions,
//! tables): the multiply-rotate scheme of the Firefox/rustc `FxHasher`.
//!
//! It is several times cheaper than the standard library's SipHash, which matters on a
//! lookup that should cost tens of nanoseconds. It does not resist a caller who picks keys to
//! collide; registry and table keys are chosen by the program, not by its remote users.

use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The hasher.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` hasher builder using [`FxHasher`].
pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;

/// Which of `n` parts a hashable value belongs to, from the high bits of its Fx hash (the
/// low bits feed the maps inside each part).
#[inline]
pub(crate) fn part_of<T: std::hash::Hash + ?Sized>(value: &T, n: usize) -> usize {
    let mut h = FxHasher::default();
    value.hash(&mut h);
    ((h.finish() >> 32) as usize) % n
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hash;

    #[test]
    fn parts_spread_and_are_stable() {
        let mut counts = [0usize; 16];
        for k in 0..16_000u64 {
            counts[part_of(&k, 16)] += 1;
        }
        assert!(counts.iter().all(|&c| c > 500), "{counts:?}");
        assert_eq!(part_of(&"superman", 16), part_of(&"superman", 16));
        let mut a = FxHasher::default();
        "abc".hash(&mut a);
        let mut b = FxHasher::default();
        "abd".hash(&mut b);
        assert_ne!(a.finish(), b.finish());
    }
}
