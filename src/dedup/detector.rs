//! The public face of [`DuplicateDetector`]: building, checking, inserting,
//! removing, and the keys a comment puts in the table.
//!
//! The detector's work is split by mechanism: this file holds the API and
//! what a call computes once per comment (its features, author and thread
//! hashes, keys); [`store`](super::store) holds the record layout and the
//! ring arena the records live in; [`search`](super::search) finds the
//! candidates a comment's keys point to and verifies them against their
//! sketches. Each of the three can be read without the other two.

use super::hash::{combine, hash_bytes, hash_opt, mix};
use super::index::Table;
use super::shingle::{FeatureConfig, Features};
use super::store::{fp_mask, Entry, FLAG_LIVE, INITIAL_BUCKETS};
use super::{DupInput, Duplicate, DuplicateParams, Scope};

/// Ids longer than this are cut (at a character boundary).
pub(crate) const MAX_ID_BYTES: usize = 1024;

const SEED_ID: u64 = 0x6964_5f6b_6579_5f31;
const SEED_EXACT_KEY: u64 = 0x6578_5f6b_6579_5f32;
const SEED_SHINGLE_KEY: u64 = 0x7368_5f6b_6579_5f33;
const SEED_LINK_KEY: u64 = 0x6c6b_5f6b_6579_5f34;
const SEED_AUTHOR: u64 = 0x6175_7468_6f72_5f35;
const SEED_THREAD: u64 = 0x7468_7265_6164_5f36;

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
pub(super) struct Work {
    /// Keys to look up: (key, weight, first bucket, second bucket).
    pub(super) probes: Vec<(u32, u32, usize, usize)>,
    /// Postings found: (sequence number, weight).
    pub(super) raw: Vec<(u64, u32)>,
    /// Candidates: (sequence number, weight).
    pub(super) cands: Vec<(u64, u32)>,
    /// Candidates that pass the record checks: (sequence number, slot).
    pub(super) verify: Vec<(u64, usize)>,
    /// Fingerprints of the part of a query set a truncated sketch covers.
    pub(super) cut_fps: Vec<u16>,
    /// Keys to store.
    pub(super) keys: Vec<u32>,
    /// Sketches to store.
    pub(super) sketch: Vec<u16>,
    pub(super) words: Vec<u16>,
}

/// A comment's features with what the check needs besides.
pub(super) struct Query<'a> {
    pub(super) id: &'a str,
    pub(super) f: &'a Features,
    /// [`fp_mask`] of the shingles and of the resemblance set.
    pub(super) shingle_mask: u32,
    pub(super) word_mask: u32,
    pub(super) author: u32,
    pub(super) thread: u32,
    pub(super) salt: u64,
    pub(super) short: bool,
}

/// What a comment's keys depend on besides its features.
#[derive(Debug, Clone, Copy)]
pub(super) struct Who {
    /// Hashes of the author and thread (0: none).
    pub(super) author: u32,
    pub(super) thread: u32,
    /// Mixed into every key ([`Scope::Thread`]: the thread's hash).
    pub(super) salt: u64,
}

#[inline]
fn key(h: u64) -> u32 {
    ((h >> 32) as u32).max(1)
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
    #[inline]
    pub(super) fn id_key(id: &[u8]) -> u32 {
        key(hash_bytes(SEED_ID, id))
    }
    #[inline]
    pub(super) fn exact_key(salt: u64, exact: u64) -> u32 {
        key(mix(exact ^ salt ^ SEED_EXACT_KEY))
    }
    #[inline]
    pub(super) fn shingle_key(salt: u64, h: u64) -> u32 {
        key(mix(h ^ salt ^ SEED_SHINGLE_KEY))
    }
    #[inline]
    pub(super) fn link_key(salt: u64, author: u32, link: u32) -> u32 {
        key(mix(combine(author as u64, link as u64)
            ^ salt
            ^ SEED_LINK_KEY))
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
}

/// `id` cut to [`MAX_ID_BYTES`] at a character boundary.
pub(super) fn cut_id(id: &str) -> &str {
    if id.len() <= MAX_ID_BYTES {
        return id;
    }
    let mut end = MAX_ID_BYTES;
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    &id[..end]
}
