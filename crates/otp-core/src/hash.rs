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

/// A hasher for keys that come from a counter (the process table's pid numbers): keys made
/// one after the other land in neighbouring buckets, in runs of [`RUN`], and each run lands
/// at a place of its own.
///
/// A table keyed by a counter is filled and emptied mostly in counter order (a supervisor
/// starts its children one after the other; a burst of short-lived processes comes and goes
/// together). With the Fx hash every insert and every removal touched a random bucket of a
/// table far larger than the cache, a cache miss each. Here sixteen neighbours share a few
/// cache lines. Placing runs, not single keys, is what keeps the table safe from a pattern
/// of live keys: which keys collide is decided by the Fx hash of the run, not by a stride.
///
/// The standard `HashMap` (hashbrown) takes a bucket from a hash's low bits and a tag (which
/// it compares before any key) from its top seven; the tag here comes from the key itself, so
/// neighbours in a run keep tags of their own.
#[derive(Default, Clone, Copy)]
pub(crate) struct CounterHasher {
    hash: u64,
}

/// Keys per run of neighbouring buckets: one hashbrown group.
const RUN: u64 = 16;

/// A hash's top seven bits, where hashbrown reads its tag.
const TAG: u64 = 0x7f << 57;

impl Hasher for CounterHasher {
    /// Only `u64` keys are hashed by this hasher; other writes mix in as Fx does.
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut fx = FxHasher { hash: self.hash };
        fx.write(bytes);
        self.hash = fx.hash;
    }

    #[inline]
    fn write_u64(&mut self, key: u64) {
        // A product's high bits depend on every bit of the run's number (its low bits would
        // not, for runs a power of two apart): they become the bucket bits.
        let place = (key / RUN).wrapping_mul(SEED).rotate_left(32) & !(RUN - 1);
        let tag = key.wrapping_mul(SEED).rotate_left(17) & TAG;
        self.hash = (place & !TAG) | (key % RUN) | tag;
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` hasher builder using [`CounterHasher`].
pub(crate) type CounterBuild = BuildHasherDefault<CounterHasher>;

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

    fn counter_hash(key: u64) -> u64 {
        let mut h = CounterHasher::default();
        key.hash(&mut h);
        h.finish()
    }

    #[test]
    fn counter_keys_keep_their_neighbours_in_runs() {
        const MASK: u64 = (1 << 13) - 1; // a table of 8192 buckets
        for run in [0u64, 1, 77, 1 << 40] {
            let first = counter_hash(run * RUN) & MASK;
            for i in 1..RUN {
                assert_eq!(
                    counter_hash(run * RUN + i) & MASK,
                    first + i,
                    "run {run}, key {i}"
                );
            }
        }
        // The tags of one run differ (hashbrown compares them before the keys).
        let tags: std::collections::HashSet<u64> =
            (0..RUN).map(|k| counter_hash(k) >> 57).collect();
        assert!(tags.len() > 8, "{tags:?}");
    }

    #[test]
    fn counter_runs_spread_whatever_the_stride_of_live_keys() {
        // Live keys one bucket count apart would all share a bucket under a hash that kept
        // the key's low bits; runs placed by the Fx hash spread them.
        const MASK: u64 = (1 << 13) - 1;
        for stride in [1u64 << 13, 1 << 14, 3 << 13, 16] {
            let mut counts = std::collections::HashMap::new();
            for k in 0..4096u64 {
                *counts
                    .entry((counter_hash(k * stride) & MASK) / RUN)
                    .or_insert(0) += 1;
            }
            // 4096 keys over 512 runs: 8 a run on average, all 4096 in one if it went wrong.
            let worst = counts.values().copied().max().unwrap_or(0);
            assert!(worst <= 32, "stride {stride}: {worst} keys share one run");
        }
        let map: std::collections::HashMap<u64, u64, CounterBuild> =
            (0..100_000u64).map(|k| (k * 8192, k)).collect();
        assert!((0..100_000u64).all(|k| map.get(&(k * 8192)) == Some(&k)));
    }
}
