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

use super::hash::{combine, hash_bytes, hash_lower, mix};
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
        if let Some(exact) = tokenize_pieces(text, &mut tokens, &mut self.links) {
            self.exact = exact;
        } else {
            tokens.clear();
            self.links.clear();
            let normalized = normalize(text);
            let text = normalized.text();
            self.exact = exact_key(SEED_EXACT, text);
            tokenize(text, &mut tokens, &mut self.links);
        }
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

/// ASCII white space and control characters, which normalization turns
/// into (runs of) one space.
#[inline]
fn is_space_byte(c: u8) -> bool {
    c <= b' ' || c == 0x7F
}

/// Whether normalizing `b` could do more than lower-case ASCII letters and
/// turn runs of white space and control characters into one space: all
/// ASCII, no markup (`<`, `&`).
#[cfg(test)]
fn is_plain_ascii(b: &[u8]) -> bool {
    b.iter().all(|&c| c < 0x80 && c != b'<' && c != b'&')
}

/// Tokens, links and exact key of `text` (the exact key is returned), the
/// same as [`tokenize`] and [`exact_key`] give on its normalized form,
/// without normalizing all of it.
///
/// Tokens, links and the runs the exact key hashes never span white space,
/// and with no `<` in the text normalization works word by word (a word
/// being what lies between ASCII white space), so the text is read word by
/// word: a plain ASCII word ([`is_plain_ascii`]) as written, lower-casing
/// while hashing; any other word is normalized alone. `None` (the caller
/// then normalizes the whole text) when the text holds `<` or a normalized
/// word does (decoded from an entity; it could open a tag spanning words).
fn tokenize_pieces(text: &str, tokens: &mut Vec<u64>, links: &mut Vec<u32>) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.contains(&b'<') {
        return None;
    }
    let mut exact = SEED_EXACT;
    let mut i = 0;
    while i < bytes.len() {
        if is_space_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut plain = true;
        while i < bytes.len() && !is_space_byte(bytes[i]) {
            plain &= bytes[i] < 0x80 && bytes[i] != b'&';
            i += 1;
        }
        if plain {
            exact = tokenize_ascii(&bytes[start..i], exact, tokens, links);
        } else {
            // `start` and `i` are at ASCII bytes or the ends: char
            // boundaries.
            let normalized = normalize(&text[start..i]);
            let word = normalized.text();
            if word.contains('<') {
                return None;
            }
            exact = exact_key(exact, word);
            tokenize(word, tokens, links);
        }
    }
    Some(exact)
}

/// Tokens and links of plain ASCII text ([`is_plain_ascii`]), the same as
/// [`tokenize`] gives on its normalized form, read from the text as written
/// (letters are lower-cased while hashing); returns the exact key
/// ([`exact_key`]) continued from `exact`.
fn tokenize_ascii(
    bytes: &[u8],
    mut exact: u64,
    tokens: &mut Vec<u64>,
    links: &mut Vec<u32>,
) -> u64 {
    let mut link_end = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        let mut numeric = true;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            numeric &= bytes[i].is_ascii_digit();
            i += 1;
        }
        let run = &bytes[start..i];
        exact = combine(exact, hash_lower(SEED_EXACT, run));
        if start < link_end {
            continue; // inside a link, which is one token
        }
        if matches!(run[0] | 0x20, b'h' | b'w') {
            if let Some((host, end)) = parse_link_ascii(bytes, start) {
                let h = hash_lower(SEED_LINK, host);
                tokens.push(h);
                let link = (h as u32).max(1);
                if links.len() < MAX_LINKS && !links.contains(&link) {
                    links.push(link);
                }
                link_end = end;
                continue;
            }
        }
        tokens.push(if numeric {
            NUMBER_TOKEN
        } else {
            hash_lower(SEED_TOKEN, run)
        });
    }
    exact
}

/// Whether `b` starts with the lower-case ASCII `prefix`, ignoring case.
fn starts_with_lower(b: &[u8], prefix: &[u8]) -> bool {
    b.len() >= prefix.len() && b[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// [`parse_link`] on plain ASCII text as written: the host (not yet
/// lower-cased) and the end of the link (next white space or control
/// character, which normalization turns into a space).
fn parse_link_ascii(bytes: &[u8], i: usize) -> Option<(&[u8], usize)> {
    let rest = &bytes[i..];
    let host_start = if starts_with_lower(rest, b"https://") {
        i + 8
    } else if starts_with_lower(rest, b"http://") {
        i + 7
    } else if starts_with_lower(rest, b"www.") {
        i
    } else {
        return None;
    };
    let after = &bytes[host_start..];
    let host_len = after
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || c == b'.' || c == b'-'))
        .unwrap_or(after.len());
    let mut host = &after[..host_len];
    if starts_with_lower(host, b"www.") {
        host = &host[4..];
    }
    let edge = |c: &u8| *c != b'.' && *c != b'-';
    let first = host.iter().position(edge)?;
    let last = host.iter().rposition(edge)?;
    host = &host[first..=last];
    if !host.contains(&b'.') {
        return None;
    }
    let end = after
        .iter()
        .position(|&c| is_space_byte(c))
        .map_or(bytes.len(), |j| host_start + j);
    Some((host, end))
}

/// Hash of the alphanumeric runs of `text`, in order, continued from `h`
/// (the exact key of a text is that from [`SEED_EXACT`]).
fn exact_key(mut h: u64, text: &str) -> u64 {
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

    /// The plain-ASCII path gives what normalizing and tokenizing gives.
    #[test]
    fn ascii_path_matches_normalized_path() {
        let alphabet: &[u8] = b"aAbhHtTpPsSwW.:/-_ 0129xyz\t\n\r\x0b\x01\x7f,!?'";
        let pieces = [
            "http://",
            "HTTPS://",
            "www.",
            "WWW.",
            "Www.",
            ".com",
            "-x.org",
            " ",
            "12",
            "http://.",
            "www..",
            "https://a-.b-",
        ];
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut next = |n: usize| {
            state = mix(state);
            (state % n as u64) as usize
        };
        for _ in 0..20_000 {
            let mut t = String::new();
            for _ in 0..next(24) {
                if next(4) == 0 {
                    t.push_str(pieces[next(pieces.len())]);
                } else {
                    t.push(alphabet[next(alphabet.len())] as char);
                }
            }
            assert!(is_plain_ascii(t.as_bytes()));
            let (mut tokens, mut links) = (Vec::new(), Vec::new());
            let exact = tokenize_ascii(t.as_bytes(), SEED_EXACT, &mut tokens, &mut links);
            let n = normalize(&t);
            let (mut tokens2, mut links2) = (Vec::new(), Vec::new());
            tokenize(n.text(), &mut tokens2, &mut links2);
            assert_eq!(tokens, tokens2, "{t:?}");
            assert_eq!(links, links2, "{t:?}");
            assert_eq!(exact, exact_key(SEED_EXACT, n.text()), "{t:?}");
        }
    }

    /// Word by word reading gives what normalizing the whole text gives.
    #[test]
    fn pieces_match_normalized_path() {
        let pieces = [
            "a",
            "B",
            "h",
            "w",
            "http://",
            "HTTPS://",
            "www.",
            ".com",
            "-x.org",
            " ",
            "\t",
            "12",
            "&amp;",
            "&amp;lt;",
            "&lt;",
            "&gt;",
            "&#39;",
            "&#128514;",
            "&#8220;",
            "&nbsp;",
            "&",
            "&am",
            "é",
            "ＦＵＬＬ",
            "\u{00A0}",
            "\u{200B}",
            "強",
            "s\u{0440}\u{0430}m",
            "’s",
            "Z\u{0351}",
            "\u{3000}",
            "<b>",
            "<",
            "x",
            ";",
            "\u{0085}",
        ];
        let mut state = 0x0fed_cba9_8765_4321u64;
        let mut next = |n: usize| {
            state = mix(state);
            (state % n as u64) as usize
        };
        for _ in 0..20_000 {
            let mut t = String::new();
            for _ in 0..next(16) {
                t.push_str(pieces[next(pieces.len())]);
            }
            let (mut tokens, mut links) = (Vec::new(), Vec::new());
            let Some(exact) = tokenize_pieces(&t, &mut tokens, &mut links) else {
                continue;
            };
            let n = normalize(&t);
            let (mut tokens2, mut links2) = (Vec::new(), Vec::new());
            tokenize(n.text(), &mut tokens2, &mut links2);
            assert_eq!(tokens, tokens2, "{t:?}");
            assert_eq!(links, links2, "{t:?}");
            assert_eq!(exact, exact_key(SEED_EXACT, n.text()), "{t:?}");
        }
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
