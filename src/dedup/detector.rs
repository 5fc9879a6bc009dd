//! [`DuplicateDetector`]: the stored comments, the index over them, and
//! the check that verifies candidates.

use super::hash::{combine, hash_bytes, hash_opt, mix};
use super::index::{advise_huge_pages, prefetch, prefetch_both, Table, BUCKET};
use super::shingle::{self, rank, FeatureConfig, Features};
use super::{DupInput, Duplicate, DuplicateKind, DuplicateParams, Scope};

/// Ids longer than this are cut (at a character boundary).
pub(crate) const MAX_ID_BYTES: usize = 1024;
/// Load of the table right after it grows, and load that makes it grow.
const LOAD_AFTER_GROWTH: f64 = 0.6;
const LOAD_MAX: f64 = 0.92;
/// Load aimed at once the window is full.
const LOAD_FULL: f64 = 0.85;
const INITIAL_BUCKETS: usize = 16;

const SEED_ID: u64 = 0x6964_5f6b_6579_5f31;
const SEED_EXACT_KEY: u64 = 0x6578_5f6b_6579_5f32;
const SEED_SHINGLE_KEY: u64 = 0x7368_5f6b_6579_5f33;
const SEED_LINK_KEY: u64 = 0x6c6b_5f6b_6579_5f34;
const SEED_AUTHOR: u64 = 0x6175_7468_6f72_5f35;
const SEED_THREAD: u64 = 0x7468_7265_6164_5f36;

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
/// bounds their intersection from above without reading them
/// ([`upper_inter`]).
pub(crate) fn fp_mask(fps: impl IntoIterator<Item = u16>) -> u32 {
    fps.into_iter().fold(0, |m, fp| m | 1 << (fp >> 11))
}

/// An upper bound on the multiset intersection of lists of `n_a` and `n_b`
/// fingerprints with masks `a` and `b`: a bit set in `a` and not in `b`
/// stands for at least one element of the first list that is not in the
/// second.
#[inline]
fn upper_inter(n_a: usize, a: u32, n_b: usize, b: u32) -> usize {
    let only_a = (a & !b).count_ones() as usize;
    let only_b = (b & !a).count_ones() as usize;
    n_a.saturating_sub(only_a).min(n_b.saturating_sub(only_b))
}

impl Entry {
    pub(crate) fn live(&self) -> bool {
        self.flags & FLAG_LIVE != 0
    }
    pub(crate) fn n_links(&self) -> usize {
        ((self.flags & LINKS_MASK) >> LINKS_SHIFT) as usize
    }
    fn has(&self, flag: u8) -> bool {
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

/// Finds earlier comments that a new comment duplicates (see the
/// [module docs](super)).
///
/// Built by [`DuplicateParams::build`]. `check` takes `&self`, so a
/// detector can be shared between threads for checking; inserting needs
/// `&mut self`.
#[derive(Debug, Clone)]
pub struct DuplicateDetector {
    pub(crate) params: DuplicateParams,
    pub(crate) entries: Vec<Entry>,
    pub(crate) pool: Vec<u8>,
    pub(crate) table: Table,
    pub(crate) next_seq: u64,
    pub(crate) len: usize,
    /// Bytes of the live records in the arena.
    pub(crate) pool_live: usize,
    /// Where the next arena record goes (the end of the newest one): the
    /// arena is a ring, see [`place`](Self::place).
    pub(crate) head: usize,
    /// No record older than this sequence number is live (the oldest
    /// live record, if any, is at or after it).
    pub(crate) tail_seq: u64,
    pub(crate) live_postings: usize,
    /// Buffers reused by `insert` and `check_and_insert`.
    pub(crate) scratch: Scratch,
}

/// Buffers of one check or insert, kept between calls so that a call
/// allocates nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    f: Features,
    work: Work,
}

/// Buffers of the check and store steps.
#[derive(Debug, Clone, Default)]
struct Work {
    /// Keys to look up: (key, weight, first bucket, second bucket).
    probes: Vec<(u32, u32, usize, usize)>,
    /// Postings found: (sequence number, weight).
    raw: Vec<(u64, u32)>,
    /// Candidates: (sequence number, weight).
    cands: Vec<(u64, u32)>,
    /// Candidates that pass the record checks: (sequence number, slot).
    verify: Vec<(u64, usize)>,
    /// Fingerprints of the part of a query set a truncated sketch covers.
    cut_fps: Vec<u16>,
    /// Keys to store.
    keys: Vec<u32>,
    /// Sketches to store.
    sketch: Vec<u16>,
    words: Vec<u16>,
}

/// A comment's features with what the check needs besides.
struct Query<'a> {
    id: &'a str,
    f: &'a Features,
    /// [`fp_mask`] of the shingles and of the resemblance set.
    shingle_mask: u32,
    word_mask: u32,
    author: u32,
    thread: u32,
    salt: u64,
    short: bool,
}

/// What a comment's keys depend on besides its features.
#[derive(Debug, Clone, Copy)]
struct Who {
    /// Hashes of the author and thread (0: none).
    author: u32,
    thread: u32,
    /// Mixed into every key ([`Scope::Thread`]: the thread's hash).
    salt: u64,
}

/// A verified match.
struct Found {
    seq: u64,
    slot: usize,
    kind: DuplicateKind,
    similarity: f64,
    shared_links: bool,
}

fn kind_rank(k: DuplicateKind) -> u8 {
    match k {
        DuplicateKind::Exact => 3,
        DuplicateKind::Near => 2,
        DuplicateKind::Partial => 1,
        DuplicateKind::Template => 0,
    }
}

#[inline]
fn key(h: u64) -> u32 {
    ((h >> 32) as u32).max(1)
}

/// Size of the multiset intersection of two sorted lists (`b` as
/// little-endian u16 bytes). Branch-free steps: the lists are short and
/// their order random, so branches would be mispredicted half the time.
fn intersect_sorted(a: &[u16], b: &[u8]) -> usize {
    let b_len = b.len() / 2;
    let b_at = |j: usize| u16::from_le_bytes([b[2 * j], b[2 * j + 1]]);
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b_len {
        let (x, y) = (a[i], b_at(j));
        n += (x == y) as usize;
        i += (x <= y) as usize;
        j += (y <= x) as usize;
    }
    n
}

/// Containment of the query set `q` (ascending hashes; `q_fps` its sorted
/// fingerprints) in a stored set, and the estimated intersection size.
/// `None` when a truncated stored sketch covers none of `q`. `buf` is a
/// buffer.
fn compare(q: &[u64], q_fps: &[u16], d: &StoredSet, buf: &mut Vec<u16>) -> Option<(f64, f64)> {
    let d_fps = d.fps;
    if q.is_empty() {
        return None;
    }
    match d.thr {
        None => {
            let inter = intersect_sorted(q_fps, d_fps) as f64;
            Some((inter / q.len() as f64, inter))
        }
        Some(thr) => {
            // Bottom-k estimate: only the part of q below the sketch's
            // largest rank can be compared.
            let cut = q.partition_point(|&h| rank(h) <= thr);
            if cut == 0 {
                return None;
            }
            shingle::sorted_fps(&q[..cut], buf);
            let c = intersect_sorted(buf, d_fps) as f64 / cut as f64;
            Some((c, c * q.len() as f64))
        }
    }
}

fn read_u32(b: &[u8], i: usize) -> u32 {
    match b.get(4 * i..4 * i + 4) {
        Some(w) => u32::from_le_bytes([w[0], w[1], w[2], w[3]]),
        None => 0,
    }
}

impl DuplicateDetector {
    pub(crate) fn with_valid_params(params: DuplicateParams) -> Self {
        DuplicateDetector {
            params,
            entries: Vec::new(),
            pool: Vec::new(),
            table: Table::with_buckets(INITIAL_BUCKETS),
            next_seq: 0,
            len: 0,
            pool_live: 0,
            head: 0,
            tail_seq: 0,
            live_postings: 0,
            scratch: Scratch::default(),
        }
    }

    /// The parameters.
    pub fn params(&self) -> &DuplicateParams {
        &self.params
    }

    /// Number of stored comments (inserted, not evicted or removed; short
    /// comments are stored only with `short_exact`).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no comment is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Forgets every comment (the parameters stay).
    pub fn clear(&mut self) {
        *self = Self::with_valid_params(self.params.clone());
    }

    /// Bytes allocated by the detector (records, arena, table).
    pub fn memory_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.pool.capacity()
            + self.table.memory_bytes()
    }

    pub(crate) fn feature_config(&self) -> FeatureConfig {
        FeatureConfig {
            shingle_size: self.params.shingle_size,
            near_shingle_size: self.params.near_shingle_size,
            winnow_window: self.params.winnow_window,
            min_postings: self.params.min_postings,
            max_postings: self.params.max_postings,
        }
    }

    /// The hashes of `input`'s author and thread, and the salt of its
    /// keys.
    fn who(&self, input: &DupInput) -> Who {
        let thread = hash_opt(SEED_THREAD, input.thread);
        let salt = match self.params.scope {
            Scope::Site => 0,
            Scope::Thread => mix(thread as u64 ^ SEED_THREAD),
        };
        Who {
            author: hash_opt(SEED_AUTHOR, input.author),
            thread,
            salt,
        }
    }

    fn query<'a>(&self, input: &DupInput<'a>, f: &'a Features) -> Query<'a> {
        let who = self.who(input);
        Query {
            id: input.id,
            shingle_mask: fp_mask(f.shingle_fps.iter().copied()),
            word_mask: fp_mask(f.word_fps.iter().copied()),
            short: f.tokens < self.params.min_tokens,
            f,
            author: who.author,
            thread: who.thread,
            salt: who.salt,
        }
    }

    // Keys of the table.
    fn id_key(id: &[u8]) -> u32 {
        key(hash_bytes(SEED_ID, id))
    }
    fn exact_key(salt: u64, exact: u64) -> u32 {
        key(mix(exact ^ salt ^ SEED_EXACT_KEY))
    }
    fn shingle_key(salt: u64, h: u64) -> u32 {
        key(mix(h ^ salt ^ SEED_SHINGLE_KEY))
    }
    fn link_key(salt: u64, author: u32, link: u32) -> u32 {
        key(mix(combine(author as u64, link as u64)
            ^ salt
            ^ SEED_LINK_KEY))
    }

    /// The full sequence number of a posting's, if still in the window.
    #[inline]
    fn live_seq(&self, s: u32) -> Option<u64> {
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
    fn slot_in_window(&self, seq: u64, cur: usize) -> usize {
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

    fn slot_of(&self, seq: u64) -> usize {
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
    fn entry_for(&self, seq: u64) -> Option<(usize, &Entry)> {
        let slot = self.slot_of(seq);
        let e = self.entries.get(slot)?;
        e.live().then_some((slot, e))
    }

    /// The keys a check of a comment with features `f` looks up into
    /// `w.probes`: (key, weight, first bucket, second bucket); their
    /// buckets are prefetched, so that their cache misses overlap with
    /// each other and with what the caller does before reading them
    /// ([`candidates`](Self::candidates)).
    fn probe(&self, f: &Features, who: Who, w: &mut Work) {
        w.probes.clear();
        let mut probe = |key: u32, weight: u32| {
            let (a, b) = self.table.choices(key);
            self.table.prefetch(a);
            self.table.prefetch(b);
            w.probes.push((key, weight, a, b));
        };
        probe(Self::exact_key(who.salt, f.exact), 1 << 16);
        if f.tokens >= self.params.min_tokens {
            for &h in &f.postings {
                probe(Self::shingle_key(who.salt, h), 1);
            }
            if who.author != 0 {
                for &l in &f.links {
                    probe(Self::link_key(who.salt, who.author, l), 1 << 8);
                }
            }
        }
    }

    /// Candidates into `w.cands`: (sequence number, weight), at most
    /// `max_candidates`, those sharing the most keys, from the keys in
    /// `w.probes`.
    fn candidates(&self, w: &mut Work) {
        w.raw.clear();
        for &(key, weight, a, b) in &w.probes {
            self.table.lookup_in(a, b, key, |s| {
                if let Some(seq) = self.live_seq(s) {
                    w.raw.push((seq, weight));
                }
            });
        }
        w.raw.sort_unstable_by_key(|c| c.0);
        w.cands.clear();
        for &(seq, weight) in &w.raw {
            match w.cands.last_mut() {
                Some(last) if last.0 == seq => last.1 = last.1.saturating_add(weight),
                _ => w.cands.push((seq, weight)),
            }
        }
        if w.cands.len() > self.params.max_candidates {
            // Most shared keys first, then the earliest.
            w.cands
                .sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            w.cands.truncate(self.params.max_candidates);
        }
    }

    /// Whether `q` and the stored comment `e` are similar in size enough
    /// for any kind but `Exact` (decided on the record alone when its sets
    /// are whole, else `true`).
    fn sizes_allow(&self, q: &Query, e: &Entry) -> bool {
        if e.has(FLAG_TRUNCATED) || e.has(FLAG_WORDS_TRUNCATED) {
            return true;
        }
        let p = &self.params;
        let n_d = e.n_sketch as usize;
        let w_d = if p.near_shingle_size == p.shingle_size {
            n_d
        } else {
            e.n_words as usize
        };
        let (n_q, w_q) = (q.f.shingles.len(), q.f.near_set().len());
        let ratio = |a: usize, b: usize| a.min(b) as f64 / a.max(b).max(1) as f64;
        ratio(w_q, w_d) >= p.template_threshold.min(p.near_threshold)
            || (q.f.tokens >= p.min_partial_tokens && n_d >= n_q)
    }

    /// Whether the stored comment `e` (not an exact copy) may be a near,
    /// partial or template match of `q`, judged on its record alone with
    /// upper bounds of the intersections ([`upper_inter`]): `false` only
    /// when [`verify`](Self::verify) would find no match.
    fn could_match(&self, q: &Query, e: &Entry) -> bool {
        if e.has(FLAG_TRUNCATED) || e.has(FLAG_WORDS_TRUNCATED) {
            return true;
        }
        let p = &self.params;
        let (n_q, w_q) = (q.f.shingles.len(), q.f.near_set().len());
        let n_d = e.n_sketch as usize;
        let w_d = if p.near_shingle_size == p.shingle_size {
            n_d
        } else {
            e.n_words as usize
        };
        // The same tests as `verify`, on upper bounds of the intersections.
        let ratio = |a: usize, b: usize| a.min(b) as f64 / a.max(b).max(1) as f64;
        let near_ok = ratio(w_q, w_d) >= p.near_threshold;
        let partial_ok = q.f.tokens >= p.min_partial_tokens && n_d >= n_q;
        let template_ok = q.author != 0
            && q.author == e.author
            && e.n_links() > 0
            && !q.f.links.is_empty()
            && ratio(w_q, w_d) >= p.template_threshold;
        if near_ok || template_ok {
            let inter = upper_inter(w_q, q.word_mask, w_d, e.word_mask) as f64;
            let union = (w_q + w_d) as f64 - inter;
            if union <= 0.0 {
                return true;
            }
            let jaccard = inter / union;
            if (near_ok && jaccard >= p.near_threshold)
                || (template_ok && jaccard >= p.template_threshold)
            {
                return true;
            }
        }
        partial_ok
            && n_q > 0
            && upper_inter(n_q, q.shingle_mask, n_d, e.shingle_mask) as f64 / n_q as f64
                >= p.partial_threshold
    }

    /// The best match of `q` among stored comments.
    ///
    /// Candidates go through three passes so that cache misses overlap:
    /// their records are prefetched; the records are checked and the arena
    /// bytes of those that pass are prefetched; those are verified.
    /// `w.probes` holds the keys of `q` ([`probe`](Self::probe)).
    fn find(&self, q: &Query, w: &mut Work) -> Option<Found> {
        if q.short && !self.params.short_exact {
            return None;
        }
        self.candidates(w);
        if w.cands.is_empty() {
            return None;
        }
        let cur = self.slot_of(self.next_seq);
        for &(seq, _) in &w.cands {
            if let Some(e) = self.entries.get(self.slot_in_window(seq, cur)) {
                // A 40-byte record may straddle two lines.
                prefetch_both(e);
            }
        }
        let p = &self.params;
        let n_q = q.f.shingles.len();
        w.verify.clear();
        for &(seq, _) in &w.cands {
            let slot = self.slot_in_window(seq, cur);
            let Some(e) = self.entries.get(slot).filter(|e| e.live()) else {
                continue;
            };
            if p.scope == Scope::Thread && e.thread != q.thread {
                continue;
            }
            let exact = e.exact == q.f.exact;
            if !exact
                && (q.short
                    || e.has(FLAG_SHORT)
                    || n_q == 0
                    || !self.sizes_allow(q, e)
                    || !self.could_match(q, e))
            {
                continue;
            }
            let off = e.pool_off as usize;
            if let Some(first) = self.pool.get(off) {
                prefetch(first);
            }
            if let Some(last) = self.pool.get(off + e.record_len().max(1) - 1) {
                prefetch(last);
            }
            w.verify.push((seq, slot));
        }
        let mut best: Option<Found> = None;
        for &(seq, slot) in &w.verify {
            let e = &self.entries[slot];
            let Some(found) = self.verify(q, seq, slot, e, &mut w.cut_fps) else {
                continue;
            };
            let better = match &best {
                None => true,
                Some(b) => {
                    (
                        kind_rank(found.kind),
                        found.similarity,
                        std::cmp::Reverse(found.seq),
                    ) > (kind_rank(b.kind), b.similarity, std::cmp::Reverse(b.seq))
                }
            };
            if better {
                best = Some(found);
            }
        }
        best
    }

    /// How `q` duplicates the stored comment `e` (which passed the checks
    /// on its record), if it does.
    fn verify(
        &self,
        q: &Query,
        seq: u64,
        slot: usize,
        e: &Entry,
        buf: &mut Vec<u16>,
    ) -> Option<Found> {
        let p = &self.params;
        let (n_q, w_q) = (q.f.shingles.len(), q.f.near_set().len());
        let rec = self.record(e)?;
        let shared_links = (0..e.n_links()).any(|i| q.f.links.contains(&read_u32(rec.links, i)));
        let (kind, similarity) = if e.exact == q.f.exact {
            (DuplicateKind::Exact, 1.0)
        } else {
            let (n_d, w_d) = (rec.shingles.n, rec.words.n);
            let ratio = |a: usize, b: usize| a.min(b) as f64 / a.max(b).max(1) as f64;
            let near_ok = ratio(w_q, w_d) >= p.near_threshold;
            let partial_ok = q.f.tokens >= p.min_partial_tokens && n_d >= n_q;
            let template_ok = q.author != 0
                && q.author == e.author
                && shared_links
                && ratio(w_q, w_d) >= p.template_threshold;
            let jaccard = if near_ok || template_ok {
                compare(q.f.near_set(), &q.f.word_fps, &rec.words, buf).map_or(0.0, |(_, inter)| {
                    let union = (w_q + w_d) as f64 - inter;
                    if union > 0.0 {
                        inter / union
                    } else {
                        0.0
                    }
                })
            } else {
                0.0
            };
            let containment = if partial_ok {
                compare(&q.f.shingles, &q.f.shingle_fps, &rec.shingles, buf).map_or(0.0, |(c, _)| c)
            } else {
                0.0
            };
            if near_ok && jaccard >= p.near_threshold {
                (DuplicateKind::Near, jaccard)
            } else if partial_ok && containment >= p.partial_threshold {
                (DuplicateKind::Partial, containment)
            } else if template_ok && jaccard >= p.template_threshold {
                (DuplicateKind::Template, jaccard)
            } else {
                return None;
            }
        };
        Some(Found {
            seq,
            slot,
            kind,
            similarity: similarity.min(1.0),
            shared_links,
        })
    }

    fn report(&self, q: &Query, found: Found) -> Duplicate {
        let e = &self.entries[found.slot];
        let id = self
            .record(e)
            .map(|r| String::from_utf8_lossy(r.id).into_owned())
            .unwrap_or_default();
        Duplicate {
            of: id,
            kind: found.kind,
            similarity: found.similarity,
            same_author: q.author != 0 && q.author == e.author,
            shared_links: found.shared_links,
        }
    }

    /// The earlier comment that `input` duplicates, if any. Does not store
    /// `input`.
    pub fn check(&self, input: &DupInput) -> Option<Duplicate> {
        let mut s = Scratch::default();
        s.f.extract_into(input.text, &self.feature_config());
        self.probe(&s.f, self.who(input), &mut s.work);
        let q = self.query(input, &s.f);
        self.find(&q, &mut s.work).map(|f| self.report(&q, f))
    }

    /// Stores `input` (without checking it).
    pub fn insert(&mut self, input: &DupInput) {
        let mut s = std::mem::take(&mut self.scratch);
        s.f.extract_into(input.text, &self.feature_config());
        let q = self.query(input, &s.f);
        self.store(&q, &mut s.work);
        self.scratch = s;
    }

    /// How many stored comments (up to 2) the exact key of `q` finds.
    fn exact_copies(&self, q: &Query) -> usize {
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

    /// Checks `input`, then stores it: the same as [`check`](Self::check)
    /// followed by [`insert`](Self::insert), computing its features once.
    pub fn check_and_insert(&mut self, input: &DupInput) -> Option<Duplicate> {
        // The buckets that will take the id key, loaded while the check
        // runs.
        let (a, b) = self
            .table
            .choices(Self::id_key(cut_id(input.id).as_bytes()));
        self.table.prefetch(a);
        self.table.prefetch(b);
        let mut s = std::mem::take(&mut self.scratch);
        // The keys' buckets are prefetched as soon as the shingles are
        // known, and loaded while the rest of the features is computed.
        let cfg = self.feature_config();
        s.f.begin(input.text, &cfg);
        self.probe(&s.f, self.who(input), &mut s.work);
        s.f.finish(&cfg);
        let q = self.query(input, &s.f);
        let dup = self.find(&q, &mut s.work).map(|f| self.report(&q, f));
        self.store(&q, &mut s.work);
        self.scratch = s;
        dup
    }

    /// Removes the stored comment(s) with this id. Returns whether one was
    /// found.
    pub fn remove(&mut self, id: &str) -> bool {
        let id = cut_id(id).as_bytes();
        let mut seqs = Vec::new();
        self.table
            .lookup(Self::id_key(id), |s| seqs.extend(self.live_seq(s)));
        let mut removed = false;
        for seq in seqs {
            let Some((slot, e)) = self.entry_for(seq) else {
                continue;
            };
            if self.record(e).map(|r| r.id) != Some(id) {
                continue;
            }
            let e = &mut self.entries[slot];
            e.flags &= !FLAG_LIVE;
            self.pool_live -= e.record_len();
            self.len -= 1;
            removed = true;
        }
        removed
    }

    fn store(&mut self, q: &Query, w: &mut Work) {
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
    age != 0 && age <= cap && age <= next
}

/// `id` cut to [`MAX_ID_BYTES`] at a character boundary.
fn cut_id(id: &str) -> &str {
    if id.len() <= MAX_ID_BYTES {
        return id;
    }
    let mut end = MAX_ID_BYTES;
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    &id[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mask bound is never below the intersection the check computes.
    #[test]
    fn upper_inter_bounds_the_intersection() {
        let mut state = 0x5eed_u64;
        let mut next = |n: u64| {
            state = mix(state);
            state % n
        };
        for _ in 0..20_000 {
            // Small alphabets force shared and repeated fingerprints.
            let alphabet = 1 + next(200) as u16;
            let mut list = |n: u64| {
                let mut v: Vec<u16> = (0..next(n))
                    .map(|_| (next(alphabet as u64) as u16).wrapping_mul(2311))
                    .collect();
                v.sort_unstable();
                v
            };
            let (a, b) = (list(40), list(40));
            let b_bytes: Vec<u8> = b.iter().flat_map(|x| x.to_le_bytes()).collect();
            let inter = intersect_sorted(&a, &b_bytes);
            let (ma, mb) = (fp_mask(a.iter().copied()), fp_mask(b.iter().copied()));
            assert!(
                upper_inter(a.len(), ma, b.len(), mb) >= inter,
                "{a:?} {b:?}"
            );
        }
    }
}
