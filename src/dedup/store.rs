//! Where the stored comments live: the 40-byte record of each comment
//! ([`Entry`]), the ring arena that holds its id, link hosts and sketches,
//! and the ring of records indexed by sequence number.
//!
//! Kept apart from the check ([`search`](super::search)) because it is the
//! one part with invariants across calls: which records are live, where the
//! arena's live bytes lie (between the oldest live record and `head`), how
//! many keys the table holds. The saved format ([`format`](super::format))
//! reads and writes these structures directly.

use super::detector::{cut_id, DuplicateDetector, Query, Work};
use super::index::{advise_huge_pages, BUCKET};
use super::shingle;
use super::Scope;

/// Load of the table right after it grows, and load that makes it grow.
const LOAD_AFTER_GROWTH: f64 = 0.6;
const LOAD_MAX: f64 = 0.92;
/// Load aimed at once the window is full.
const LOAD_FULL: f64 = 0.85;
pub(super) const INITIAL_BUCKETS: usize = 16;

pub(crate) const FLAG_LIVE: u8 = 1;
/// The shingle set is larger than its sketch.
pub(crate) const FLAG_TRUNCATED: u8 = 2;
pub(crate) const FLAG_SHORT: u8 = 4;
/// The word set (resemblance) is larger than its sketch.
pub(crate) const FLAG_WORDS_TRUNCATED: u8 = 8;
pub(crate) const LINKS_SHIFT: u8 = 4;
pub(crate) const LINKS_MASK: u8 = 0b11 << LINKS_SHIFT;
pub(crate) const FLAGS_KNOWN: u8 =
    FLAG_LIVE | FLAG_TRUNCATED | FLAG_SHORT | FLAG_WORDS_TRUNCATED | LINKS_MASK;

/// The record of one stored comment (40 bytes). Its id, link hosts and
/// sketches are in the arena at `pool_off`, in that order, little-endian:
///
/// - `id_len` bytes of id;
/// - `links` × u32 host hashes;
/// - if the shingle set is truncated: its size and the largest rank its
///   sketch covers (2 × u32); the same for the word set;
/// - `n_sketch` × u16 shingle fingerprints, then `n_words` × u16 word
///   fingerprints (none when both sets are the same).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Entry {
    pub exact: u64,
    pub pool_off: u32,
    pub author: u32,
    pub thread: u32,
    pub id_len: u16,
    /// Keys this comment put in the table.
    pub n_post: u16,
    pub n_sketch: u8,
    pub n_words: u8,
    pub flags: u8,
    /// [`fp_mask`] of the shingle sketch, of the word sketch (the sketch
    /// of the set resemblance is computed on); all ones for a truncated
    /// set. Not saved: computed from the sketches on loading.
    pub shingle_mask: u32,
    pub word_mask: u32,
}

/// A 32-bit summary of a list of fingerprints: bit `fp >> 11` of each.
/// Every fingerprint two lists share sets the same bit in both, which
/// bounds their intersection from above without reading them (the
/// check's `upper_inter`, in [`search`](super::search)).
pub(crate) fn fp_mask(fps: impl IntoIterator<Item = u16>) -> u32 {
    fps.into_iter().fold(0, |m, fp| m | 1 << (fp >> 11))
}

impl Entry {
    pub(crate) fn live(&self) -> bool {
        self.flags & FLAG_LIVE != 0
    }
    pub(crate) fn n_links(&self) -> usize {
        ((self.flags & LINKS_MASK) >> LINKS_SHIFT) as usize
    }
    #[inline]
    pub(super) fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
    /// Bytes of its arena record.
    pub(crate) fn record_len(&self) -> usize {
        self.id_len as usize
            + 4 * self.n_links()
            + if self.has(FLAG_TRUNCATED) { 8 } else { 0 }
            + if self.has(FLAG_WORDS_TRUNCATED) { 8 } else { 0 }
            + 2 * (self.n_sketch as usize + self.n_words as usize)
    }
}

/// A stored set: its size, the largest rank its sketch covers (when
/// truncated), its sorted fingerprints.
pub(crate) struct StoredSet<'a> {
    pub n: usize,
    pub thr: Option<u32>,
    pub fps: &'a [u8],
}

/// The parts of an arena record.
pub(crate) struct Record<'a> {
    pub id: &'a [u8],
    pub links: &'a [u8],
    pub shingles: StoredSet<'a>,
    pub words: StoredSet<'a>,
}

#[inline]
pub(super) fn read_u32(b: &[u8], i: usize) -> u32 {
    match b.get(4 * i..4 * i + 4) {
        Some(w) => u32::from_le_bytes([w[0], w[1], w[2], w[3]]),
        None => 0,
    }
}

impl DuplicateDetector {
    /// The full sequence number of a posting's, if still in the window.
    #[inline]
    pub(super) fn live_seq(&self, s: u32) -> Option<u64> {
        let age = (self.next_seq as u32).wrapping_sub(s) as u64;
        if age == 0 || age > self.params.capacity as u64 || age > self.next_seq {
            None
        } else {
            Some(self.next_seq - age)
        }
    }

    /// [`slot_of`](Self::slot_of) of a sequence number in the window
    /// (`next_seq - capacity <= seq < next_seq`) without a division: `cur`
    /// is `slot_of(next_seq)`.
    #[inline]
    pub(super) fn slot_in_window(&self, seq: u64, cur: usize) -> usize {
        let cap = self.params.capacity;
        let back = (self.next_seq - seq) as usize;
        debug_assert!((1..=cap).contains(&back));
        let s = cur + cap - back;
        if s >= cap {
            s - cap
        } else {
            s
        }
    }

    #[inline]
    pub(super) fn slot_of(&self, seq: u64) -> usize {
        (seq % self.params.capacity as u64) as usize
    }

    pub(crate) fn record(&self, e: &Entry) -> Option<Record<'_>> {
        let off = e.pool_off as usize;
        let bytes = self.pool.get(off..off.checked_add(e.record_len())?)?;
        let (id, rest) = bytes.split_at(e.id_len as usize);
        let (links, mut rest) = rest.split_at(4 * e.n_links());
        let mut size = |truncated: bool, n: u8| {
            if truncated {
                let (t, r) = rest.split_at(8);
                rest = r;
                (read_u32(t, 0) as usize, Some(read_u32(t, 1)))
            } else {
                (n as usize, None)
            }
        };
        let (n_s, thr_s) = size(e.has(FLAG_TRUNCATED), e.n_sketch);
        let (n_w, thr_w) = size(e.has(FLAG_WORDS_TRUNCATED), e.n_words);
        let (s_fps, w_fps) = rest.split_at(2 * e.n_sketch as usize);
        let shingles = StoredSet {
            n: n_s,
            thr: thr_s,
            fps: s_fps,
        };
        let words = if self.params.near_shingle_size == self.params.shingle_size {
            StoredSet {
                n: n_s,
                thr: thr_s,
                fps: s_fps,
            }
        } else {
            StoredSet {
                n: n_w,
                thr: thr_w,
                fps: w_fps,
            }
        };
        Some(Record {
            id,
            links,
            shingles,
            words,
        })
    }

    /// Whether the stored comment at `slot` holds `seq` and is live.
    #[inline]
    pub(super) fn entry_for(&self, seq: u64) -> Option<(usize, &Entry)> {
        let slot = self.slot_of(seq);
        let e = self.entries.get(slot)?;
        e.live().then_some((slot, e))
    }

    /// How many stored comments (up to 2) the exact key of `q` finds.
    pub(super) fn exact_copies(&self, q: &Query) -> usize {
        let mut n = 0;
        self.table.lookup(Self::exact_key(q.salt, q.f.exact), |s| {
            if let Some((_, e)) = self.live_seq(s).and_then(|seq| self.entry_for(seq)) {
                if e.exact == q.f.exact
                    && (self.params.scope == Scope::Site || e.thread == q.thread)
                {
                    n += 1;
                }
            }
        });
        n.min(2)
    }

    pub(super) fn store(&mut self, q: &Query, w: &mut Work) {
        if q.short && !self.params.short_exact {
            return;
        }
        // An exact copy of a stored comment adds no shingle keys: it is
        // found through the first one. It adds its exact key while fewer
        // than two copies have one, so that removing the first one does not
        // hide the others (while a flood of copies cannot push the first
        // one out of its bucket).
        let copies = self.exact_copies(q);
        let id = cut_id(q.id).as_bytes();
        let sketch_size = self.params.sketch_size;
        let thr = if q.f.shingles.len() <= sketch_size {
            w.sketch.clone_from(&q.f.shingle_fps);
            None
        } else {
            shingle::sketch_into(&q.f.shingles, sketch_size, &mut w.sketch)
        };
        let words_thr = if q.f.words.is_empty() {
            w.words.clear();
            None
        } else if q.f.words.len() <= sketch_size {
            w.words.clone_from(&q.f.word_fps);
            None
        } else {
            shingle::sketch_into(&q.f.words, sketch_size, &mut w.words)
        };
        let (sketch, words) = (&w.sketch, &w.words);
        let rec_len = id.len()
            + 4 * q.f.links.len()
            + 8 * (thr.is_some() as usize + words_thr.is_some() as usize)
            + 2 * (sketch.len() + words.len());
        if self.pool_live + rec_len > u32::MAX as usize {
            return; // cannot happen with ids of at most 1 KiB
        }

        let seq = self.next_seq;
        let slot = self.slot_of(seq);
        if let Some(old) = self.entries.get(slot).copied() {
            if old.live() {
                self.len -= 1;
                self.pool_live -= old.record_len();
            }
            self.live_postings -= old.n_post as usize;
        }

        // The record.
        let start = self.place(seq, rec_len);
        self.next_seq += 1;
        let pool_off = start as u32;
        let mut at = start;
        let mut put = |pool: &mut Vec<u8>, b: &[u8]| {
            pool[at..at + b.len()].copy_from_slice(b);
            at += b.len();
        };
        put(&mut self.pool, id);
        for &l in &q.f.links {
            put(&mut self.pool, &l.to_le_bytes());
        }
        let clamp = |n: usize| n.min(u32::MAX as usize) as u32;
        if let Some(t) = thr {
            put(&mut self.pool, &clamp(q.f.shingles.len()).to_le_bytes());
            put(&mut self.pool, &t.to_le_bytes());
        }
        if let Some(t) = words_thr {
            put(&mut self.pool, &clamp(q.f.words.len()).to_le_bytes());
            put(&mut self.pool, &t.to_le_bytes());
        }
        for fp in sketch.iter().chain(words) {
            put(&mut self.pool, &fp.to_le_bytes());
        }
        debug_assert_eq!(at, start + rec_len);
        self.head = at;
        self.pool_live += rec_len;

        // The keys.
        let keys = &mut w.keys;
        keys.clear();
        keys.push(Self::id_key(id));
        if copies < 2 {
            keys.push(Self::exact_key(q.salt, q.f.exact));
        }
        if copies == 0 && !q.short {
            keys.extend(q.f.postings.iter().map(|&h| Self::shingle_key(q.salt, h)));
            if q.author != 0 {
                keys.extend(
                    q.f.links
                        .iter()
                        .map(|&l| Self::link_key(q.salt, q.author, l)),
                );
            }
        }
        // Sorted: the order of insertion decides which postings a full
        // bucket keeps.
        keys.sort_unstable();
        keys.dedup();
        self.live_postings += keys.len();
        if self.live_postings as f64 > LOAD_MAX * self.table.slots() as f64 {
            // Grow by half, but not past what the full window is expected
            // to need (keys per comment so far × capacity) at `LOAD_FULL`.
            let live = self.live_postings as f64;
            let projected = live / (self.len + 1) as f64 * self.params.capacity as f64;
            let slots = (live / LOAD_AFTER_GROWTH)
                .min(projected / LOAD_FULL)
                .max(live / LOAD_FULL);
            let buckets = (slots / BUCKET as f64).ceil();
            let (next, cap) = (self.next_seq, self.params.capacity as u64);
            self.table
                .resize(buckets as usize, &|s| is_live(next, cap, s));
        }
        let (next, cap) = (self.next_seq, self.params.capacity as u64);
        let live = |s: u32| is_live(next, cap, s);
        for &k in keys.iter() {
            self.table.insert(k, seq as u32, &live);
        }

        let mut flags = FLAG_LIVE | ((q.f.links.len() as u8) << LINKS_SHIFT);
        if thr.is_some() {
            flags |= FLAG_TRUNCATED;
        }
        if words_thr.is_some() {
            flags |= FLAG_WORDS_TRUNCATED;
        }
        if q.short {
            flags |= FLAG_SHORT;
        }
        let shingle_mask = if thr.is_some() {
            u32::MAX
        } else {
            fp_mask(sketch.iter().copied())
        };
        let word_mask = if self.params.near_shingle_size == self.params.shingle_size {
            shingle_mask
        } else if words_thr.is_some() {
            u32::MAX
        } else {
            fp_mask(words.iter().copied())
        };
        let entry = Entry {
            shingle_mask,
            word_mask,
            exact: q.f.exact,
            pool_off,
            author: q.author,
            thread: q.thread,
            id_len: id.len() as u16,
            n_post: keys.len() as u16,
            n_sketch: sketch.len() as u8,
            n_words: words.len() as u8,
            flags,
        };
        if slot < self.entries.len() {
            self.entries[slot] = entry;
        } else {
            if self.entries.len() == self.entries.capacity() {
                // Grow by doubling, up to the capacity, in a new
                // allocation advised before its first write.
                let n = self.entries.len();
                let mut grown = Vec::with_capacity(n.max(16).min(self.params.capacity - n) + n);
                advise_huge_pages(&grown);
                grown.extend_from_slice(&self.entries);
                self.entries = grown;
            }
            self.entries.push(entry);
        }
        self.len += 1;
    }

    /// Sets the fingerprint masks of every live record from its sketches
    /// (after loading).
    pub(crate) fn set_masks(&mut self) {
        for i in 0..self.entries.len() {
            let e = self.entries[i];
            if !e.live() {
                continue;
            }
            let Some(rec) = self.record(&e) else { continue };
            let mask = |set: &StoredSet| match set.thr {
                Some(_) => u32::MAX,
                None => fp_mask(
                    set.fps
                        .chunks_exact(2)
                        .map(|b| u16::from_le_bytes([b[0], b[1]])),
                ),
            };
            let (shingle_mask, word_mask) = (mask(&rec.shingles), mask(&rec.words));
            let e = &mut self.entries[i];
            e.shingle_mask = shingle_mask;
            e.word_mask = word_mask;
        }
    }

    /// Where the arena record (`len` bytes) of the comment that takes
    /// sequence number `seq` goes; grows the arena when it has no room.
    ///
    /// The arena is a ring: records are written one after the other in
    /// the order of their sequence numbers, starting again at 0 when one
    /// does not fit before the end, and a comment's bytes are free once it
    /// has left the window (or was removed). So the live records always
    /// lie between the oldest live one (`tail_seq`) and `head`, and
    /// storing a comment copies nothing but its own record: no compaction.
    /// Only growing rewrites the arena (in order, live records only).
    /// The caller has already taken the evicted comment out of
    /// `pool_live`.
    fn place(&mut self, seq: u64, len: usize) -> usize {
        let first = (seq + 1).saturating_sub(self.params.capacity as u64);
        self.tail_seq = self.tail_seq.max(first);
        while self.tail_seq < seq && !self.entries[self.slot_of(self.tail_seq)].live() {
            self.tail_seq += 1;
        }
        let size = self.pool.len();
        if self.tail_seq == seq {
            // Nothing live: start again at 0.
            if len <= size {
                return 0;
            }
        } else {
            let tail = self.entries[self.slot_of(self.tail_seq)].pool_off as usize;
            let head = self.head;
            if tail < head {
                // Live bytes in [tail, head): room after head, else at 0.
                if head + len <= size {
                    return head;
                }
                if len <= tail {
                    return 0;
                }
            } else if head + len <= tail {
                // Wrapped: live bytes in [tail, end) and [0, head).
                return head;
            }
        }
        self.relayout(seq, self.pool_live + len);
        self.head
    }

    /// Rewrites the arena in a new buffer with room for at least `need`
    /// bytes: the live records of the comments from `tail_seq` to before
    /// `seq`, oldest first, from offset 0; `head` is left at their end.
    pub(crate) fn relayout(&mut self, seq: u64, need: usize) {
        // Grow by an eighth, or up to what the full window is expected to
        // need (bytes per comment so far × capacity) while it fills.
        let projected = need as f64 / (self.len + 1) as f64 * self.params.capacity as f64;
        let size = (need + need / 8)
            .max((projected * 1.125).min(2.0 * need as f64) as usize)
            .max(4096)
            .min(u32::MAX as usize);
        let mut pool = vec![0u8; size];
        advise_huge_pages(&pool);
        let mut at = 0;
        for t in self.tail_seq..seq {
            let slot = self.slot_of(t);
            let e = &mut self.entries[slot];
            if !e.live() {
                continue;
            }
            let (off, n) = (e.pool_off as usize, e.record_len());
            pool[at..at + n].copy_from_slice(&self.pool[off..off + n]);
            e.pool_off = at as u32;
            at += n;
        }
        self.pool = pool;
        self.head = at;
    }

    /// The live records' arena bytes, oldest first, and each record's
    /// offset in them (0 for records that are not live): what is saved.
    pub(crate) fn live_arena(&self) -> (Vec<u32>, Vec<u8>) {
        let mut offs = vec![0u32; self.entries.len()];
        let mut arena = Vec::with_capacity(self.pool_live);
        let first = self.next_seq.saturating_sub(self.params.capacity as u64);
        for t in first..self.next_seq {
            let slot = self.slot_of(t);
            let e = &self.entries[slot];
            if let Some(bytes) = e
                .live()
                .then(|| {
                    self.pool
                        .get(e.pool_off as usize..e.pool_off as usize + e.record_len())
                })
                .flatten()
            {
                offs[slot] = arena.len() as u32;
                arena.extend_from_slice(bytes);
            }
        }
        (offs, arena)
    }
}

/// Whether a posting's sequence number is still in the window.
#[inline]
fn is_live(next: u64, cap: u64, s: u32) -> bool {
    let age = (next as u32).wrapping_sub(s) as u64;
    // 0 < age <= cap and age <= next, in one comparison.
    age.wrapping_sub(1) < cap.min(next)
}
