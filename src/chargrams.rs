//! The character block of the abuse heads: character n-grams of words,
//! hashed into buckets.
//!
//! Words carry what a comment says; the spelling inside them carries what
//! words alone miss: an inflection never seen in training (`idiots`,
//! `idiotic`), a misspelling, an insult run into another word. The
//! toxicity and identity-attack heads can read, beside their words, the
//! character 3- to 5-grams of every word feature's text marked at both
//! ends (`^word$`; the whole marked word is the word feature already),
//! each hashed into one of `2^bits` buckets. There is no vocabulary: a
//! bucket is found by arithmetic, and the block costs a few instructions
//! and one table read per n-gram.
//!
//! A comment's value for a bucket is the number of its n-grams that fall
//! in it divided by the square root of its number of n-grams, so the block
//! is normalised apart from the words (as a stack of a word and a
//! character TF-IDF block is). Each bucket is scaled by its naive Bayes
//! log-count ratio and weighed by the head's logistic layer, fitted with
//! the words (see [`crate::train`]).

/// The shortest n-gram.
pub const MIN_GRAM: usize = 3;
/// The longest n-gram.
pub const MAX_GRAM: usize = 5;
/// Bits of the bucket number of the default block (2¹⁸ buckets).
pub const DEFAULT_BITS: u32 = 18;

const SEED: u64 = 0x6368_6172_6772_616d;
const MUL: u64 = 0x9e37_79b9_7f4a_7c15;

/// Calls `f` with the bucket of every character n-gram of `word` (its
/// text as the word feature reads it), in text order: by where the
/// n-gram starts, then shortest first. The hash is fixed across platforms
/// and releases: model files store the buckets' weights.
///
/// An n-gram's hash runs from a fixed seed over its code points, one
/// multiply each; the n-grams starting at one place share their first
/// steps, so a place costs five steps for its three n-grams. ASCII words
/// (nearly all) are read straight from their bytes through a window of
/// the last four, not decoded into a buffer first.
#[inline]
pub fn for_each_bucket(word: &str, bits: u32, mut f: impl FnMut(u32)) {
    if !(1..=32).contains(&bits) {
        return marked_grams(word, |h| f((finish(h) >> (64 - bits)) as u32));
    }
    let shift = 64 - bits;
    // The bucket is the top `bits` bits of `finish`, which its last step
    // (`h ^= h >> 32`) leaves as they are when `bits` is 32 or fewer.
    let bucket = |h: u64| f((finish_top(h) >> shift) as u32);
    let b = word.as_bytes();
    if word.is_ascii() {
        ascii_grams(&b[..b.len().min(CAP - 2)], bucket);
    } else {
        marked_grams(word, bucket);
    }
}

// `ascii_grams` spells out the 3-, 4- and 5-grams of a place.
const _: () = assert!(MIN_GRAM == 3 && MAX_GRAM == 5);

/// Code points of the marked word kept: `^`, the word's first `CAP - 2`,
/// `$`. Longer words lose the n-grams of their tail.
const CAP: usize = 48;

/// The hash state after code point `c` from state `h`.
#[inline(always)]
fn step(h: u64, c: u64) -> u64 {
    (h ^ c).wrapping_mul(MUL)
}

/// The hashes (before [`finish`]) of the n-grams of the marked word
/// `^b$`, in [`for_each_bucket`]'s order, for ASCII `b`. The whole marked
/// word is no n-gram (it is the word feature): a word of three bytes has
/// no 5-gram, one of two no 4-gram either.
#[inline(always)]
fn ascii_grams(b: &[u8], mut gram: impl FnMut(u64)) {
    let (hat, end) = (u64::from(b'^'), u64::from(b'$'));
    let w = match *b {
        // `^a$` is the whole marked word, `^$` has no n-gram.
        [] | [_] => return,
        [x, y] => {
            let (x, y) = (u64::from(x), u64::from(y));
            gram(hash3(hat, x, y) ^ 3);
            gram(hash3(x, y, end) ^ 3);
            return;
        }
        [x, y, z] => {
            let (x, y, z) = (u64::from(x), u64::from(y), u64::from(z));
            let h3 = hash3(hat, x, y);
            gram(h3 ^ 3);
            gram(step(h3, z) ^ 4);
            [x, y, z, end]
        }
        [x, y, z, ..] => {
            let mut w = [hat, u64::from(x), u64::from(y), u64::from(z)];
            for &c in &b[3..] {
                let c = u64::from(c);
                full_place(w, c, &mut gram);
                w = [w[1], w[2], w[3], c];
            }
            full_place(w, end, &mut gram);
            [w[1], w[2], w[3], end]
        }
    };
    // The last two places with n-grams: four code points left, then three.
    let h3 = hash3(w[0], w[1], w[2]);
    gram(h3 ^ 3);
    gram(step(h3, w[3]) ^ 4);
    gram(hash3(w[1], w[2], w[3]) ^ 3);
}

/// The hash state after code points `a`, `b`, `c` from the seed.
#[inline(always)]
fn hash3(a: u64, b: u64, c: u64) -> u64 {
    step(step(step(SEED, a), b), c)
}

/// The hashes of the 3-, 4- and 5-gram of a place with five code points
/// or more from it: `w`, then `x`.
#[inline(always)]
fn full_place(w: [u64; 4], x: u64, gram: &mut impl FnMut(u64)) {
    let h3 = hash3(w[0], w[1], w[2]);
    gram(h3 ^ 3);
    let h4 = step(h3, w[3]);
    gram(h4 ^ 4);
    gram(step(h4, x) ^ 5);
}

/// The hashes (before [`finish`]) of the n-grams of any word, marked, in
/// [`for_each_bucket`]'s order: its code points decoded into a buffer
/// first.
#[inline]
fn marked_grams(word: &str, mut gram: impl FnMut(u64)) {
    let mut cps = [0u32; CAP];
    let mut len = 0;
    cps[len] = '^' as u32;
    len += 1;
    for c in word.chars() {
        if len == CAP - 1 {
            break;
        }
        cps[len] = c as u32;
        len += 1;
    }
    cps[len] = '$' as u32;
    len += 1;
    for start in 0..len {
        let mut h = SEED;
        let end = (start + MAX_GRAM).min(len);
        for (k, &c) in cps[start..end].iter().enumerate() {
            h = step(h, c as u64);
            let n = k + 1;
            // The whole marked word is the word feature already.
            if n >= MIN_GRAM && n < len {
                gram(h ^ n as u64);
            }
        }
    }
}

/// Whether `feat` is the word feature of token `tok`, whose text the
/// character block reads: a word's own key (not the identity-group feature
/// that shares its span).
#[inline]
pub(crate) fn is_word_feature(
    feat: &crate::features::Feature,
    tok: &crate::tokenize::TokenRef<'_>,
) -> bool {
    tok.kind == crate::tokenize::TokenKind::Word
        && feat.span == tok.span
        && feat.key != crate::features::group_key()
}

/// A final mix, so that the top bits depend on every code point.
#[inline]
fn finish(h: u64) -> u64 {
    let h = finish_top(h);
    h ^ (h >> 32)
}

/// [`finish`] but for its last step, which changes none of the top 32
/// bits.
#[inline(always)]
fn finish_top(h: u64) -> u64 {
    (h ^ (h >> 32)).wrapping_mul(0xd6e8_feb8_6659_fd93)
}

/// The buckets of a comment's words with their counts, sorted by bucket,
/// and the number of n-grams: a training example's character block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grams {
    /// `(bucket, count)`, sorted by bucket.
    pub buckets: Vec<(u32, f32)>,
    /// The number of n-grams (the sum of the counts).
    pub n: u32,
}

impl Grams {
    /// Counts a list of buckets (one entry per n-gram).
    pub fn from_buckets(mut all: Vec<u32>) -> Grams {
        all.sort_unstable();
        let n = all.len() as u32;
        let mut buckets: Vec<(u32, f32)> = Vec::with_capacity(all.len());
        for b in all {
            match buckets.last_mut() {
                Some((lb, c)) if *lb == b => *c += 1.0,
                _ => buckets.push((b, 1.0)),
            }
        }
        Grams { buckets, n }
    }

    /// The factor every count is multiplied by ([`scale`]).
    pub fn scale(&self) -> f64 {
        scale(self.n)
    }
}

/// What a comment's block is multiplied by: one over the square root of
/// its number of n-grams `n`.
pub fn scale(n: u32) -> f64 {
    1.0 / (n.max(1) as f64).sqrt()
}

/// The last word's own block sums ([`crate::model::CharSums`]'s columns),
/// by where it starts: the hits of that word (its key, its group feature)
/// carry them into its reason.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LastWord {
    start: usize,
    own: [f64; 2],
}

impl Default for LastWord {
    fn default() -> Self {
        LastWord {
            start: usize::MAX,
            own: [0.0; 2],
        }
    }
}

impl LastWord {
    /// The word starting at `start` with these sums.
    pub(crate) fn new(start: usize, own: [f64; 2]) -> Self {
        LastWord { start, own }
    }

    /// The sums a hit carries: the word's when the hit is a word's and
    /// starts where the word does, else none.
    pub(crate) fn for_hit(&self, word: bool, start: usize) -> [f64; 2] {
        if word && self.start == start {
            self.own
        } else {
            [0.0; 2]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buckets(word: &str) -> Vec<u32> {
        let mut v = Vec::new();
        for_each_bucket(word, DEFAULT_BITS, |b| v.push(b));
        v
    }

    #[test]
    fn a_word_gives_its_three_to_five_grams() {
        // "^cat$": 3-grams ^ca cat at$, 4-grams ^cat cat$; the 5-gram is
        // the whole marked word.
        assert_eq!(buckets("cat").len(), 5);
        // "^idiot$" (7 code points): 5 + 4 + 3 n-grams.
        assert_eq!(buckets("idiot").len(), 12);
        // "^a$" is the whole marked word: nothing.
        assert!(buckets("a").is_empty());
        assert!(buckets("x").iter().all(|&b| b < 1 << DEFAULT_BITS));
    }

    #[test]
    fn shared_spelling_shares_buckets() {
        let (a, b) = (buckets("idiot"), buckets("idiots"));
        let shared = a.iter().filter(|x| b.contains(x)).count();
        assert!(shared >= 9, "{shared}");
        let c = buckets("table");
        assert!(a.iter().filter(|x| c.contains(x)).count() <= 1);
    }

    #[test]
    fn code_points_not_bytes() {
        // "é" is one code point: "^café$" has 6, so 4 + 3 + 2 n-grams.
        assert_eq!(buckets("café").len(), 9);
    }

    /// The buckets as first written: every n-gram hashed from the seed
    /// over a buffer of the marked word's code points, with the full
    /// final mix.
    fn reference_buckets(word: &str, bits: u32) -> Vec<u32> {
        let mut cps = vec!['^' as u32];
        cps.extend(word.chars().take(CAP - 2).map(|c| c as u32));
        cps.push('$' as u32);
        let mut v = Vec::new();
        for start in 0..cps.len() {
            let mut h = SEED;
            for (k, &c) in cps[start..].iter().take(MAX_GRAM).enumerate() {
                h = (h ^ c as u64).wrapping_mul(MUL);
                let n = k + 1;
                if n >= MIN_GRAM && n < cps.len() {
                    v.push((finish(h ^ n as u64) >> (64 - bits)) as u32);
                }
            }
        }
        v
    }

    #[test]
    fn buckets_match_the_reference() {
        let mut words: Vec<String> = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "idiot",
            "don't",
            "café",
            "naïve",
            "éé",
            "日本語",
            "x1y2z3",
            "u.s",
            "#####",
        ]
        .map(String::from)
        .to_vec();
        // Lengths around the buffer's, ASCII and not.
        for n in [40, 45, 46, 47, 48, 60] {
            words.push("qwertyuiop".chars().cycle().take(n).collect());
            words.push("qwértyuiop".chars().cycle().take(n).collect());
        }
        for w in &words {
            for bits in [1, 8, DEFAULT_BITS, 24, 32] {
                let mut v = Vec::new();
                for_each_bucket(w, bits, |b| v.push(b));
                assert_eq!(v, reference_buckets(w, bits), "{w:?} {bits}");
            }
        }
    }

    #[test]
    fn grams_count_and_sort() {
        let mut all = Vec::new();
        for w in ["cat", "cat"] {
            for_each_bucket(w, DEFAULT_BITS, |b| all.push(b));
        }
        let g = Grams::from_buckets(all);
        assert_eq!(g.n, 10);
        assert_eq!(g.buckets.len(), 5);
        assert!(g.buckets.iter().all(|&(_, c)| c == 2.0));
        assert!(g.buckets.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
