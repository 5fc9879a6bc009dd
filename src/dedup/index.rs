//! The candidate index: a flat hash table from 32-bit keys to insertion
//! sequence numbers.
//!
//! Why this shape: the detector stores about ten keys per comment (shingle
//! samples, the exact-text key, the id), for up to millions of comments, and
//! looks up a few dozen keys per check. A flat table of 8-byte postings
//! (`key: u32`, `seq: u32`) in 64-byte buckets keeps that at about 10 bytes
//! a key and one cache line a lookup. Each key may live in either of two
//! buckets ("power of two choices"): an insert goes to the one with more
//! free room, which keeps buckets from overflowing at high load. A key may
//! have many postings (a common phrase is in many comments); a bucket keeps
//! its postings newest first and, when full, drops the oldest one.
//!
//! Postings are never deleted one by one. A posting is *stale* when its
//! comment has left the rolling window, which the caller tells from the
//! sequence number alone (`is_live`); stale postings count as free room and
//! are overwritten first. Postings of removed comments stay until
//! overwritten and are filtered out by the caller.

use super::hash::mix;

/// Starts loading the cache line that holds `r` (a hint: no effect on
/// other targets than x86-64).
#[inline(always)]
pub(crate) fn prefetch<T>(r: &T) {
    prefetch_addr((r as *const T).cast::<u8>());
}

/// [`prefetch`] of every cache line of `r` (up to two: for values of at
/// most 64 bytes, which may straddle a line boundary).
#[inline(always)]
pub(crate) fn prefetch_both<T>(r: &T) {
    debug_assert!(std::mem::size_of::<T>() <= 64);
    let first = (r as *const T).cast::<u8>();
    prefetch_addr(first);
    prefetch_addr(first.wrapping_add(std::mem::size_of::<T>().max(1) - 1));
}

/// Starts loading the cache line that holds address `p`, which is never
/// dereferenced (a prefetch of any address is allowed).
#[inline(always)]
fn prefetch_addr(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and changes no state but the cache,
    // whatever the address. SSE is part of x86-64.
    #[allow(unused_unsafe)]
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Asks the kernel to back the allocation of `v` (its capacity) with
/// huge pages where it can (Linux transparent huge pages, "madvise" mode;
/// a hint: no effect elsewhere or when refused). Lookups touch random
/// places of the table, records and arena, each up to hundreds of
/// megabytes: with 4 KiB pages nearly every one also misses the TLB, and
/// a software prefetch that misses the TLB is slower to start or dropped.
/// Best called before the memory is first written.
pub(crate) fn advise_huge_pages<T>(v: &Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = v.as_ptr() as usize;
        let end = start + v.capacity() * std::mem::size_of::<T>();
        let (first, last) = (start.div_ceil(HUGE) * HUGE, end / HUGE * HUGE);
        if last > first {
            // SAFETY: the range lies inside the allocation of `v`;
            // MADV_HUGEPAGE only changes how the kernel backs it, never
            // its contents, and a failure is ignored.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    last - first,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = v;
}

/// Postings per bucket (one 64-byte cache line).
pub(crate) const BUCKET: usize = 8;

/// One posting: a key (0 = empty slot) and the sequence number of the
/// comment it belongs to (lower 32 bits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Posting {
    pub key: u32,
    pub seq: u32,
}

/// A bucket, aligned on a cache line.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(64))]
pub(crate) struct Bucket(pub [Posting; BUCKET]);

/// The table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    buckets: Vec<Bucket>,
}

#[inline]
fn reduce(x: u32, n: usize) -> usize {
    ((x as u64 * n as u64) >> 32) as usize
}

impl Table {
    /// A table of `n` empty buckets (at least one).
    pub(crate) fn with_buckets(n: usize) -> Table {
        let n = n.max(1);
        let mut buckets = Vec::with_capacity(n);
        advise_huge_pages(&buckets);
        buckets.resize(n, Bucket::default());
        Table { buckets }
    }

    /// A table made of the given buckets (loaded from a file; see
    /// [`advise_huge_pages`]).
    pub(crate) fn from_buckets(buckets: Vec<Bucket>) -> Table {
        let mut t = Table { buckets };
        if t.buckets.is_empty() {
            t.buckets.push(Bucket::default());
        }
        t
    }

    /// The buckets.
    pub(crate) fn buckets(&self) -> &[Bucket] {
        &self.buckets
    }

    /// Number of posting slots.
    pub(crate) fn slots(&self) -> usize {
        self.buckets.len() * BUCKET
    }

    /// Bytes allocated.
    pub(crate) fn memory_bytes(&self) -> usize {
        self.buckets.capacity() * std::mem::size_of::<Bucket>()
    }

    /// The two buckets a key may live in.
    #[inline]
    pub(crate) fn choices(&self, key: u32) -> (usize, usize) {
        let h = mix(key as u64);
        let n = self.buckets.len();
        (reduce(h as u32, n), reduce((h >> 32) as u32, n))
    }

    /// Starts loading bucket `i` into the cache.
    #[inline]
    pub(crate) fn prefetch(&self, i: usize) {
        if let Some(b) = self.buckets.get(i) {
            prefetch(b);
        }
    }

    /// Calls `f` with the sequence number of every posting of `key` (live
    /// or not; the caller filters).
    #[inline]
    pub(crate) fn lookup(&self, key: u32, f: impl FnMut(u32)) {
        let (a, b) = self.choices(key);
        self.lookup_in(a, b, key, f);
    }

    /// [`lookup`](Self::lookup) with the key's buckets already known
    /// ([`choices`](Self::choices)).
    #[inline]
    pub(crate) fn lookup_in(&self, a: usize, b: usize, key: u32, mut f: impl FnMut(u32)) {
        for p in &self.buckets[a].0 {
            if p.key == key {
                f(p.seq);
            }
        }
        if b != a {
            for p in &self.buckets[b].0 {
                if p.key == key {
                    f(p.seq);
                }
            }
        }
    }

    /// Adds a posting. `is_live` tells whether a posting's sequence number
    /// is still in the window.
    pub(crate) fn insert(&mut self, key: u32, seq: u32, is_live: &impl Fn(u32) -> bool) {
        debug_assert_ne!(key, 0);
        let (a, b) = self.choices(key);
        // Bit i set: slot i is free (empty or stale).
        let free = |bucket: &Bucket| {
            bucket.0.iter().enumerate().fold(0u32, |m, (i, p)| {
                m | (((p.key == 0) | !is_live(p.seq)) as u32) << i
            })
        };
        let (fa, fb) = (free(&self.buckets[a]), free(&self.buckets[b]));
        let (na, nb) = (fa.count_ones(), fb.count_ones());
        let (target, free) = if na != nb {
            if na > nb {
                (a, fa)
            } else {
                (b, fb)
            }
        } else {
            // Equal room: the bucket whose oldest posting is older.
            let age = |i: usize| seq.wrapping_sub(self.buckets[i].0[BUCKET - 1].seq);
            if age(a) >= age(b) {
                (a, fa)
            } else {
                (b, fb)
            }
        };
        // The slot to give up: the last free one, else the oldest (last).
        let drop = if free == 0 {
            BUCKET - 1
        } else {
            31 - free.leading_zeros() as usize
        };
        // Shift the postings before `drop` one slot down (a select per
        // slot rather than a variable-length move).
        let old = self.buckets[target].0;
        let bucket = &mut self.buckets[target].0;
        for i in 1..BUCKET {
            if i <= drop {
                bucket[i] = old[i - 1];
            }
        }
        bucket[0] = Posting { key, seq };
    }

    /// Rebuilds the table with `n` buckets, keeping the live postings.
    pub(crate) fn resize(&mut self, n: usize, is_live: &impl Fn(u32) -> bool) {
        let old = std::mem::replace(self, Table::with_buckets(n));
        // Every posting the new table holds passed `is_live`, so its
        // inserts need not ask again.
        let kept = |_: u32| true;
        // Oldest first, so that every bucket ends up newest first.
        for bucket in old.buckets.iter() {
            for p in bucket.0.iter().rev() {
                if p.key != 0 && is_live(p.seq) {
                    self.insert(p.key, p.seq, &kept);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_lookup_and_overflow() {
        let mut t = Table::with_buckets(4);
        let live = |_s: u32| true;
        for s in 1..=20u32 {
            t.insert(7, s, &live);
        }
        let mut found = Vec::new();
        t.lookup(7, |s| found.push(s));
        // Two buckets of 8: the 16 newest survive.
        found.sort_unstable();
        assert_eq!(found, (5..=20).collect::<Vec<_>>());
    }

    #[test]
    fn stale_postings_are_reused_first() {
        let mut t = Table::with_buckets(1);
        let all = |_s: u32| true;
        for s in 1..=8u32 {
            t.insert(s, s, &all);
        }
        // Postings 1..=4 leave the window: 9..=12 replace them.
        let recent = |s: u32| s > 4;
        for s in 9..=12u32 {
            t.insert(s, s, &recent);
        }
        for s in 5..=12u32 {
            let mut n = 0;
            t.lookup(s, |_| n += 1);
            assert_eq!(n, 1, "key {s}");
        }
        t.resize(3, &recent);
        let mut n = 0;
        t.lookup(12, |_| n += 1);
        assert_eq!(n, 1);
    }
}
