//! From a comment's text to the features the detector compares.
//!
//! The text is first [normalized](fn@crate::normalize) (case, Unicode forms,
//! HTML, invisible characters, white space). Then:
//!
//! - **Exact key**: a hash of the sequence of alphanumeric runs of the
//!   normalized text. Punctuation and white space are not part of it, so
//!   `"Great post!!"` and `"great   post"` share a key.
//! - **Tokens** for shingles: alphanumeric runs, except that a link
//!   (`http://`, `https://` or `www.` followed by a host name) is one token,
//!   its host without `www.`; a run of digits is one placeholder token (so a
//!   template that only changes amounts keeps its shingles); each Han, kana
//!   or Thai character is a token of its own (those scripts do not separate
//!   words with spaces).
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

use super::hash::{combine, hash_bytes, mix};
use crate::normalize;

const SEED_EXACT: u64 = 0x6578_6163_745f_6b65;
const SEED_TOKEN: u64 = 0x746f_6b65_6e5f_6b65;
const SEED_LINK: u64 = 0x6c69_6e6b_5f6b_6579;
const SEED_SHINGLE: u64 = 0x7368_696e_676c_6573;
/// Hash of the placeholder token that stands for any number.
const NUMBER_TOKEN: u64 = 0x2323_2323_2323_2323;

/// At most this many link hosts are kept per comment.
pub(crate) const MAX_LINKS: usize = 2;

/// How the features are extracted (a subset of the detector's parameters).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FeatureConfig {
    pub shingle_size: usize,
    pub near_shingle_size: usize,
    pub winnow_window: usize,
    pub min_postings: usize,
    pub max_postings: usize,
}

/// The features of one comment.
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
    /// The shingle hashes to store in the index (a subset of `shingles`).
    pub postings: Vec<u64>,
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
    pub(crate) fn extract(text: &str, cfg: &FeatureConfig) -> Features {
        let normalized = normalize(text);
        let text = normalized.text();
        let mut f = Features {
            exact: exact_key(text),
            ..Features::default()
        };
        let mut tokens = Vec::new();
        tokenize(text, &mut tokens, &mut f.links);
        f.tokens = tokens.len();
        let seq = shingle_sequence(&tokens, cfg.shingle_size);
        f.postings = select_postings(&seq, cfg);
        f.shingles = distinct(seq);
        if cfg.near_shingle_size != cfg.shingle_size {
            f.words = distinct(shingle_sequence(&tokens, cfg.near_shingle_size));
        }
        f
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

fn distinct(mut v: Vec<u64>) -> Vec<u64> {
    sort_u64(&mut v);
    v.dedup();
    v
}

/// The sketch of a distinct, ascending set: fingerprints of its
/// `sketch_size` smallest hashes, sorted, and the largest rank they cover
/// (`None` when the sketch holds the whole set).
pub(crate) fn sketch(set: &[u64], sketch_size: usize) -> (Vec<u16>, Option<u32>) {
    let n = set.len().min(sketch_size);
    let mut fps: Vec<u16> = set[..n].iter().map(|&h| fingerprint(h)).collect();
    fps.sort_unstable();
    let thr = if set.len() > sketch_size {
        Some(rank(set[n - 1]))
    } else {
        None
    };
    (fps, thr)
}

/// Hash of the alphanumeric runs of `text`, in order.
fn exact_key(text: &str) -> u64 {
    let mut h = SEED_EXACT;
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            h = combine(h, hash_bytes(SEED_EXACT, &text.as_bytes()[s..i]));
        }
    }
    if let Some(s) = start {
        h = combine(h, hash_bytes(SEED_EXACT, &text.as_bytes()[s..]));
    }
    h
}

/// Characters that are words of their own.
fn is_ideographic(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x0E00..=0x0E7F    // Thai
        | 0x20000..=0x2FFFF) // CJK extensions B and later
}

/// Parses a link starting at byte `i` of `text` (which starts with a link
/// prefix). Returns the host and the end of the link (next white space).
fn parse_link(text: &str, i: usize) -> Option<(&str, usize)> {
    let rest = &text[i..];
    let after = if let Some(r) = rest.strip_prefix("https://") {
        r
    } else if let Some(r) = rest.strip_prefix("http://") {
        r
    } else if rest.starts_with("www.") {
        rest
    } else {
        return None;
    };
    let host_start = text.len() - after.len();
    let host_len = after
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.' || c == '-'))
        .map_or(after.len(), |(j, _)| j);
    let mut host = &text[host_start..host_start + host_len];
    host = host.strip_prefix("www.").unwrap_or(host);
    host = host.trim_matches(|c| c == '.' || c == '-');
    if host.is_empty() || !host.contains('.') {
        return None;
    }
    let end = after
        .char_indices()
        .find(|&(_, c)| c.is_whitespace())
        .map_or(text.len(), |(j, _)| host_start + j);
    Some((host, end))
}

/// Token hashes of `text` and the hashes of its link hosts.
fn tokenize(text: &str, tokens: &mut Vec<u64>, links: &mut Vec<u32>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut prev_alnum = false;
    while i < bytes.len() {
        let b = bytes[i];
        if !prev_alnum && (b == b'h' || b == b'w') {
            if let Some((host, end)) = parse_link(text, i) {
                let h = hash_bytes(SEED_LINK, host.as_bytes());
                tokens.push(h);
                let link = (h as u32).max(1);
                if links.len() < MAX_LINKS && !links.contains(&link) {
                    links.push(link);
                }
                i = end;
                prev_alnum = false;
                continue;
            }
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if !c.is_alphanumeric() {
            i += c.len_utf8();
            prev_alnum = false;
            continue;
        }
        if is_ideographic(c) {
            let end = i + c.len_utf8();
            tokens.push(hash_bytes(SEED_TOKEN, &bytes[i..end]));
            i = end;
            prev_alnum = false;
            continue;
        }
        let start = i;
        let mut numeric = true;
        for c in text[start..].chars() {
            if !c.is_alphanumeric() || is_ideographic(c) {
                break;
            }
            numeric &= c.is_numeric();
            i += c.len_utf8();
        }
        tokens.push(if numeric {
            NUMBER_TOKEN
        } else {
            hash_bytes(SEED_TOKEN, &bytes[start..i])
        });
        prev_alnum = true;
    }
}

/// Shingle hashes in text order (with repeats).
fn shingle_sequence(tokens: &[u64], k: usize) -> Vec<u64> {
    let k = k.max(1);
    if tokens.is_empty() {
        return Vec::new();
    }
    let shingle = |w: &[u64]| {
        let h = w
            .iter()
            .fold(SEED_SHINGLE ^ k as u64, |h, &t| combine(h, t));
        // Never 0, so that 0 can mean "empty" in the index.
        mix(h).max(1)
    };
    if tokens.len() < k {
        return vec![shingle(tokens)];
    }
    tokens.windows(k).map(shingle).collect()
}

/// The shingles to index: winnowed ∪ the smallest few, at most
/// `max_postings` (the smallest ranks win).
fn select_postings(seq: &[u64], cfg: &FeatureConfig) -> Vec<u64> {
    if seq.is_empty() {
        return Vec::new();
    }
    let w = cfg.winnow_window.max(1);
    let mut out = Vec::with_capacity(seq.len() * 2 / (w + 1) + cfg.min_postings + 1);
    if seq.len() <= w {
        out.push(*seq.iter().min().unwrap_or(&seq[0]));
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
    let mut smallest: Vec<u64> = Vec::with_capacity(cfg.min_postings + 1);
    for &h in seq {
        if smallest.contains(&h) {
            continue;
        }
        if smallest.len() < cfg.min_postings {
            smallest.push(h);
        } else if let Some((pos, &max)) = smallest.iter().enumerate().max_by_key(|&(_, v)| *v) {
            if h < max {
                smallest[pos] = h;
            }
        }
    }
    out.extend_from_slice(&smallest);
    sort_u64(&mut out);
    out.dedup();
    out.truncate(cfg.max_postings);
    out
}

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
