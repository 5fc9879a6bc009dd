//! From a comment's text to the features the detector compares.
//!
//! The text is first [normalized](fn@crate::normalize) (case, Unicode forms,
//! HTML, invisible characters, white space). Then:
//!
//! - **Exact key**: a hash of the sequence of alphanumeric runs of the
//!   normalized text. Punctuation and white space are not part of it, so
//!   `"Great post!!"` and `"great   post"` share a key.
//! - **Tokens** for shingles (read by the detector's `text` module):
//!   alphanumeric runs, except that a link (`http://`, `https://` or
//!   `www.` followed by a host name) is one token, its host without
//!   `www.`; a run of digits is one placeholder token (so a template that
//!   only changes amounts keeps its shingles); each Han, kana or Thai
//!   character is a token of its own (those scripts do not separate words
//!   with spaces).
//! - **Shingles**: hashes of every run of `k` consecutive tokens (one
//!   shingle of all tokens when there are fewer than `k`). Their distinct
//!   set is what resemblance (Jaccard) and containment are computed on.
//! - **Postings**: the shingles the index stores for this comment, chosen by
//!   *winnowing* (the smallest hash of every window of `w` consecutive
//!   shingles, so any run of `w` shingles shared with another comment has a
//!   stored shingle in it) plus the comment's few smallest shingle hashes
//!   (so that near-duplicates with scattered edits still share one).
//! - **Sketch**: 16-bit fingerprints of the shingles with the smallest
//!   hashes (all of them for ordinary comments), kept to verify candidates.
//!
//! Everything here runs in time linear in the length of the text (large
//! shingle sets are sorted with a radix sort).

use super::hash::{combine, mix};
use super::text;

const SEED_SHINGLE: u64 = 0x7368_696e_676c_6573;

/// How the features are extracted (a subset of the detector's parameters).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FeatureConfig {
    pub shingle_size: usize,
    pub near_shingle_size: usize,
    pub winnow_window: usize,
    pub min_postings: usize,
    pub max_postings: usize,
}

/// The features of one comment. Its buffers are reused from one comment to
/// the next ([`extract_into`](Self::extract_into)).
#[derive(Debug, Clone, Default)]
pub(crate) struct Features {
    /// Hash of the normalized text without punctuation.
    pub exact: u64,
    /// Number of tokens (words, links, numbers).
    pub tokens: usize,
    /// Hashes of the first distinct link hosts (nonzero).
    pub links: Vec<u32>,
    /// Distinct shingle hashes, ascending.
    pub shingles: Vec<u64>,
    /// Distinct hashes of the shingles that resemblance is computed on
    /// (`near_shingle_size` words), ascending; empty when the two sizes
    /// are equal (then `shingles` serves).
    pub words: Vec<u64>,
    /// The shingle hashes to store in the index (a subset of `shingles`;
    /// in no particular order).
    pub postings: Vec<u64>,
    /// Fingerprints of `shingles`, sorted.
    pub shingle_fps: Vec<u16>,
    /// Fingerprints of the [`near_set`](Self::near_set), sorted.
    pub word_fps: Vec<u16>,
    /// Token hashes (a buffer).
    token_buf: Vec<u64>,
    /// Shingle hashes in text order (a buffer).
    seq_buf: Vec<u64>,
}

/// The rank of a shingle (its order in bottom-k sketches).
#[inline]
pub(crate) fn rank(h: u64) -> u32 {
    (h >> 32) as u32
}

/// The 16-bit fingerprint of a shingle kept in sketches.
#[inline]
pub(crate) fn fingerprint(h: u64) -> u16 {
    h as u16
}

impl Features {
    /// Extracts the features of `text`.
    #[cfg(test)]
    pub(crate) fn extract(text: &str, cfg: &FeatureConfig) -> Features {
        let mut f = Features::default();
        f.extract_into(text, cfg);
        f
    }

    /// Extracts the features of `text` into `self`, reusing its buffers.
    pub(crate) fn extract_into(&mut self, text: &str, cfg: &FeatureConfig) {
        self.begin(text, cfg);
        self.finish(cfg);
    }

    /// The first part of [`extract_into`](Self::extract_into): the exact
    /// key, tokens, links, the distinct shingles and the postings (what
    /// the index is probed with). [`finish`](Self::finish) computes the rest.
    pub(crate) fn begin(&mut self, text: &str, cfg: &FeatureConfig) {
        let mut tokens = std::mem::take(&mut self.token_buf);
        tokens.clear();
        self.links.clear();
        self.exact = text::read(text, &mut tokens, &mut self.links);
        self.tokens = tokens.len();
        shingle_sequence(&tokens, cfg.shingle_size, &mut self.seq_buf);
        distinct(&self.seq_buf, &mut self.shingles);
        select_postings(&self.seq_buf, &self.shingles, cfg, &mut self.postings);
        self.token_buf = tokens;
    }

    /// The rest of [`extract_into`](Self::extract_into) after
    /// [`begin`](Self::begin): the word set and fingerprints.
    pub(crate) fn finish(&mut self, cfg: &FeatureConfig) {
        let mut seq = std::mem::take(&mut self.seq_buf);
        self.words.clear();
        if cfg.near_shingle_size != cfg.shingle_size {
            shingle_sequence(&self.token_buf, cfg.near_shingle_size, &mut seq);
            distinct(&seq, &mut self.words);
        }
        sorted_fps(&self.shingles, &mut self.shingle_fps);
        if self.words.is_empty() {
            self.word_fps.clone_from(&self.shingle_fps);
        } else {
            sorted_fps(&self.words, &mut self.word_fps);
        }
        self.seq_buf = seq;
    }

    /// The set resemblance is computed on.
    pub(crate) fn near_set(&self) -> &[u64] {
        if self.words.is_empty() {
            &self.shingles
        } else {
            &self.words
        }
    }
}

/// The distinct values of `seq`, ascending, into `out`.
fn distinct(seq: &[u64], out: &mut Vec<u64>) {
    out.clear();
    out.extend_from_slice(seq);
    sort_u64(out);
    out.dedup();
}

/// Sorted fingerprints of `set` into `out`.
pub(crate) fn sorted_fps(set: &[u64], out: &mut Vec<u16>) {
    out.clear();
    out.extend(set.iter().map(|&h| fingerprint(h)));
    out.sort_unstable();
}

/// The sketch of a distinct, ascending set into `out`: fingerprints of its
/// `sketch_size` smallest hashes, sorted, and the largest rank they cover
/// (`None` when the sketch holds the whole set).
pub(crate) fn sketch_into(set: &[u64], sketch_size: usize, out: &mut Vec<u16>) -> Option<u32> {
    let n = set.len().min(sketch_size);
    sorted_fps(&set[..n], out);
    if set.len() > sketch_size {
        Some(rank(set[n - 1]))
    } else {
        None
    }
}

/// Shingle hashes in text order (with repeats) into `out`.
fn shingle_sequence(tokens: &[u64], k: usize, out: &mut Vec<u64>) {
    let k = k.max(1);
    out.clear();
    if tokens.is_empty() {
        return;
    }
    let shingle = |w: &[u64]| {
        let h = w
            .iter()
            .fold(SEED_SHINGLE ^ k as u64, |h, &t| combine(h, t));
        // Never 0, so that 0 can mean "empty" in the index.
        mix(h).max(1)
    };
    if tokens.len() < k {
        out.push(shingle(tokens));
    } else {
        out.extend(tokens.windows(k).map(shingle));
    }
}

/// The shingles to index into `out`: winnowed ∪ the smallest few, at most
/// `max_postings` (the smallest ranks win). `distinct` is the distinct
/// shingles of `seq`, ascending.
fn select_postings(seq: &[u64], distinct: &[u64], cfg: &FeatureConfig, out: &mut Vec<u64>) {
    out.clear();
    if seq.is_empty() {
        return;
    }
    let w = cfg.winnow_window.max(1);
    if seq.len() <= w {
        out.push(distinct[0]);
    } else {
        // The rightmost minimum of each window; record it when it changes.
        let mut last = usize::MAX;
        for start in 0..=seq.len() - w {
            let mut best = start;
            for j in start + 1..start + w {
                if seq[j] <= seq[best] {
                    best = j;
                }
            }
            if best != last {
                out.push(seq[best]);
                last = best;
            }
        }
    }
    // The smallest `min_postings` hashes of the whole comment.
    out.extend_from_slice(&distinct[..distinct.len().min(cfg.min_postings)]);
    if out.len() <= SMALL_SET {
        // Few: drop repeats without sorting (the order does not matter).
        let mut n = 0;
        for i in 0..out.len() {
            let h = out[i];
            if !out[..n].contains(&h) {
                out[n] = h;
                n += 1;
            }
        }
        out.truncate(n);
        if n <= cfg.max_postings {
            return;
        }
    }
    sort_u64(out);
    out.dedup();
    out.truncate(cfg.max_postings);
}

/// Up to this many postings are deduplicated without sorting.
const SMALL_SET: usize = 32;

/// Sorts `v` ascending in linear time for large inputs (LSD radix sort on
/// bytes), with the standard sort for small ones.
pub(crate) fn sort_u64(v: &mut Vec<u64>) {
    if v.len() <= 4096 {
        v.sort_unstable();
        return;
    }
    let mut buf = vec![0u64; v.len()];
    for pass in 0..8 {
        let shift = pass * 8;
        let mut counts = [0usize; 257];
        for &x in v.iter() {
            counts[((x >> shift) & 0xFF) as usize + 1] += 1;
        }
        if counts.contains(&v.len()) {
            continue; // every value has the same byte here
        }
        for b in 0..256 {
            counts[b + 1] += counts[b];
        }
        for &x in v.iter() {
            let b = ((x >> shift) & 0xFF) as usize;
            buf[counts[b]] = x;
            counts[b] += 1;
        }
        std::mem::swap(v, &mut buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> FeatureConfig {
        FeatureConfig {
            shingle_size: 2,
            near_shingle_size: 1,
            winnow_window: 4,
            min_postings: 4,
            max_postings: 64,
        }
    }

    #[test]
    fn exact_key_ignores_case_space_and_punctuation() {
        let a = Features::extract("Great post!! Thanks, <b>John</b>", &cfg());
        let b = Features::extract("great   post thanks john...", &cfg());
        assert_eq!(a.exact, b.exact);
        let c = Features::extract("great post thanks jon", &cfg());
        assert_ne!(a.exact, c.exact);
    }

    #[test]
    fn links_are_one_token_and_numbers_a_placeholder() {
        let f = Features::extract("make $8586 now http://www.LazyCash49.com/x?y=1 ok", &cfg());
        assert_eq!(f.tokens, 5);
        assert_eq!(f.links.len(), 1);
        let g = Features::extract("make $9751 now https://lazycash49.com ok", &cfg());
        assert_eq!(f.links, g.links);
        assert_eq!(f.shingles, g.shingles);
        assert_ne!(f.exact, g.exact);
    }

    #[test]
    fn ideographs_are_tokens() {
        let f = Features::extract("強南スタイル", &cfg());
        assert_eq!(f.tokens, 6);
    }

    #[test]
    fn buffers_are_reused_cleanly() {
        let mut f = Features::default();
        f.extract_into(
            "a long comment http://x.com with words and more words",
            &cfg(),
        );
        f.extract_into("Short ÉTÉ one", &cfg());
        let g = Features::extract("Short ÉTÉ one", &cfg());
        assert_eq!(
            (
                f.exact,
                f.tokens,
                &f.links,
                &f.shingles,
                &f.words,
                &f.postings
            ),
            (
                g.exact,
                g.tokens,
                &g.links,
                &g.shingles,
                &g.words,
                &g.postings
            )
        );
        assert_eq!((&f.shingle_fps, &f.word_fps), (&g.shingle_fps, &g.word_fps));
    }

    #[test]
    fn radix_sort_sorts() {
        let mut v: Vec<u64> = (0..10_000u64).map(mix).collect();
        let mut w = v.clone();
        sort_u64(&mut v);
        w.sort_unstable();
        assert_eq!(v, w);
    }

    #[test]
    fn empty_and_odd_input() {
        for t in ["", " ", "!!!", "http://", "www.", "\u{200B}", "a"] {
            let f = Features::extract(t, &cfg());
            assert!(f.shingles.len() <= 1);
        }
    }
}
