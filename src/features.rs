//! Features: the third step of the pipeline.
//!
//! Tokens become 64-bit feature keys: a hash of the token's kind and text,
//! and, for neighbouring words, a hash of the pair (word bigrams). Keys are
//! hashed, not looked up in a vocabulary, so extraction allocates nothing;
//! the model keeps only the keys it was trained on (see
//! [`model`](crate::model)) and ignores the rest, like a fixed vocabulary.
//!
//! The hash is FNV-1a with a final mix, fixed across platforms and
//! releases: model files store keys.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::normalize::Normalized;
use crate::tokenize::{TokenKind, TokenRef, Tokenizer};

/// Feature settings.
///
/// | Name | Default | Meaning |
/// |---|---|---|
/// | `bigrams` | `false` | add a feature for each pair of neighbouring words |
/// | `binary` | `true` | count a feature once per comment (presence), not per occurrence |
/// | `context` | `false` | add the words of a comment's context (article title, lead, neighbouring comments), keyed apart from the comment's own words |
/// | `function_words` | `false` | keep the `FUNCTION_WORDS` as features |
/// | `identity` | `true` | add the feature `group` after every word naming an identity group (`IDENTITY_TERMS`) |
/// | `structure` | `true` | add a feature for the comment's place in its thread, reply or top-level, when known (`structure_key`) |
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureConfig {
    /// Add word-bigram features.
    pub bigrams: bool,
    /// Count each feature at most once per comment.
    pub binary: bool,
    /// Add context word features.
    #[serde(default)]
    pub context: bool,
    /// Keep the `FUNCTION_WORDS` as features. Model files written before
    /// it existed load with it on, as they were trained.
    #[serde(default = "kept")]
    pub function_words: bool,
    /// Add the `group` feature after identity-group words. Model files
    /// written before it existed load with it off, as they were trained.
    #[serde(default)]
    pub identity: bool,
    /// Add the thread-structure feature: whether the comment replies to
    /// another or starts a thread, when that is known (see
    /// `structure_key`). Model files written before it existed load with
    /// it off.
    #[serde(default)]
    pub structure: bool,
}

/// The default of [`FeatureConfig::function_words`] in model files.
fn kept() -> bool {
    true
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            bigrams: false,
            binary: true,
            context: false,
            function_words: false,
            identity: true,
            structure: true,
        }
    }
}

/// Words naming an identity group (religion, ethnicity, origin, sexual
/// orientation, gender), sorted. Each one also yields the shared feature
/// `group`: abuse of one group is evidence about abuse of another, and a
/// shared feature carries what a model learned about one group's name to
/// a group it never saw (comments under an article on one group are
/// about that group's name only). Neutral words only; slurs are learned
/// from data like any other word.
pub const IDENTITY_TERMS: &[&str] = &[
    "african",
    "africans",
    "arab",
    "arabs",
    "asian",
    "asians",
    "atheist",
    "atheists",
    "bisexual",
    "black",
    "blacks",
    "boy",
    "boys",
    "catholic",
    "catholics",
    "chinese",
    "christian",
    "christians",
    "female",
    "females",
    "feminist",
    "feminists",
    "gay",
    "gays",
    "girl",
    "girls",
    "hispanic",
    "hispanics",
    "homosexual",
    "homosexuals",
    "immigrant",
    "immigrants",
    "indian",
    "indians",
    "islam",
    "islamic",
    "jew",
    "jewish",
    "jews",
    "latino",
    "latinos",
    "lesbian",
    "lesbians",
    "lgbt",
    "male",
    "males",
    "man",
    "men",
    "mexican",
    "mexicans",
    "migrant",
    "migrants",
    "minorities",
    "minority",
    "muslim",
    "muslims",
    "queer",
    "race",
    "racism",
    "racist",
    "racists",
    "refugee",
    "refugees",
    "transgender",
    "white",
    "whites",
    "woman",
    "women",
];

/// Whether `word` (normalized) names an identity group.
#[cfg(test)]
fn is_identity_term(word: &str) -> bool {
    is_identity_word(token_key(TokenKind::Word, word), word)
}

/// [`is_identity_term`] for a word whose key (`token_key(Word, word)`) is
/// known already, as it is while extracting features: one probe of a
/// small table of the terms' keys, and a comparison of the text only when
/// the key matches (so a key collision cannot make a false match).
#[inline]
pub(crate) fn is_identity_word(key: u64, word: &str) -> bool {
    in_word_slots(&IDENTITY_SLOTS, IDENTITY_TERMS, key, word)
}

/// Function words: articles, prepositions, conjunctions and
/// complementizers, and the forms of the auxiliary and modal verbs;
/// sorted. With [`FeatureConfig::function_words`] off they are no
/// features: they carry a source's style (how long, how formal its
/// comments are) more than what a comment says, and a model trained on
/// several sources learns the style. Pronouns and negations are not in
/// the list: who is addressed and what is denied change what a comment
/// means.
pub const FUNCTION_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "across",
    "after",
    "against",
    "along",
    "although",
    "am",
    "among",
    "an",
    "and",
    "are",
    "around",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "behind",
    "being",
    "below",
    "beneath",
    "beside",
    "between",
    "beyond",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "except",
    "for",
    "from",
    "had",
    "has",
    "have",
    "having",
    "if",
    "in",
    "inside",
    "into",
    "is",
    "may",
    "might",
    "must",
    "near",
    "nor",
    "of",
    "off",
    "on",
    "onto",
    "or",
    "out",
    "outside",
    "over",
    "past",
    "shall",
    "should",
    "since",
    "so",
    "than",
    "that",
    "the",
    "though",
    "through",
    "throughout",
    "till",
    "to",
    "toward",
    "towards",
    "under",
    "unless",
    "until",
    "up",
    "upon",
    "via",
    "was",
    "were",
    "whereas",
    "whether",
    "while",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
];

/// Whether a word whose key is `key` is one of [`FUNCTION_WORDS`] (the
/// same probe as [`is_identity_word`]).
#[inline]
pub(crate) fn is_function_word(key: u64, word: &str) -> bool {
    in_word_slots(&FUNCTION_SLOTS, FUNCTION_WORDS, key, word)
}

/// Whether `word`, of key `key`, is in `words`, whose keys `slots` holds.
#[inline]
fn in_word_slots(slots: &[(u64, u8); 256], words: &[&str], key: u64, word: &str) -> bool {
    let mut i = word_slot(key);
    loop {
        match slots[i] {
            (_, 0) => return false,
            (k, t) if k == key => return words[t as usize - 1] == word,
            _ => i = (i + 1) % slots.len(),
        }
    }
}

/// The first slot of `key` in a table of [`word_slots`].
#[inline]
const fn word_slot(key: u64) -> usize {
    (key >> 56) as usize
}

/// Open-addressing table of the word keys of `words` (fewer than 128):
/// (key, index in `words` + 1), 0 marking an empty slot. Built at compile
/// time.
const fn word_slots(words: &[&str]) -> [(u64, u8); 256] {
    assert!(words.len() < 128);
    let mut slots = [(0u64, 0u8); 256];
    let mut t = 0;
    while t < words.len() {
        let key = fnv_key(TokenKind::Word as u8 + 1, words[t].as_bytes());
        let mut i = word_slot(key);
        while slots[i].1 != 0 {
            i = (i + 1) % 256;
        }
        slots[i] = (key, t as u8 + 1);
        t += 1;
    }
    slots
}

static IDENTITY_SLOTS: [(u64, u8); 256] = word_slots(IDENTITY_TERMS);
static FUNCTION_SLOTS: [(u64, u8); 256] = word_slots(FUNCTION_WORDS);

/// The key of the shared identity-group feature.
pub const fn group_key() -> u64 {
    GROUP_KEY
}

const GROUP_KEY: u64 = fnv_key(TokenKind::Shape as u8 + 1, b"group");

/// The key of the thread-structure feature: the comment replies to
/// another (`reply`) or starts a thread.
///
/// Why: where a comment sits says something its words may not. On the
/// Fox News comments, 49% of thread-starting comments are hateful against
/// 23% of replies (which mostly argue with another commenter). The model
/// keeps this feature apart from the words (see
/// [`Head::structure_log_probs`](crate::model::Head::structure_log_probs)),
/// so a comment whose place is not known is scored as without it.
pub const fn structure_key(reply: bool) -> u64 {
    if reply {
        REPLY_KEY
    } else {
        TOP_LEVEL_KEY
    }
}

const REPLY_KEY: u64 = fnv_key(TokenKind::Shape as u8 + 1, b"thread:reply");
const TOP_LEVEL_KEY: u64 = fnv_key(TokenKind::Shape as u8 + 1, b"thread:top-level");

/// The key of a context feature, from the key the same token would have
/// in the comment itself.
#[inline]
pub fn context_key(key: u64) -> u64 {
    finish(key.rotate_left(17) ^ 0x636f_6e74_6578_7421)
}

/// The key of a token.
#[inline]
pub fn token_key(kind: TokenKind, text: &str) -> u64 {
    fnv_key(kind.tag(), text.as_bytes())
}

/// The keys of the link-count shapes the tokenizer ends every comment
/// with ([`crate::tokenize::LINK_COUNTS`]).
pub(crate) fn link_count_keys() -> [u64; 4] {
    crate::tokenize::LINK_COUNTS.map(|t| token_key(TokenKind::Shape, t))
}

/// The word keys ([`token_key`] of [`TokenKind::Word`]) of `stem` followed
/// by each of `suffixes`, hashing the stem once: the hash reads bytes in
/// order, so its state after the stem is shared by every form.
pub fn word_form_keys<const N: usize>(stem: &str, suffixes: [&str; N]) -> [u64; N] {
    let after_stem = fnv_bytes(fnv_start(TokenKind::Word.tag()), stem.as_bytes());
    suffixes.map(|s| finish(fnv_bytes(after_stem, s.as_bytes())))
}

/// The FNV-1a state before any byte, with the kind's tag mixed in.
#[inline]
const fn fnv_start(tag: u8) -> u64 {
    (0xcbf2_9ce4_8422_2325 ^ tag as u64).wrapping_mul(0x0000_0100_0000_01b3)
}

/// FNV-1a state `h` after `text`.
#[inline]
const fn fnv_bytes(mut h: u64, text: &[u8]) -> u64 {
    let mut i = 0;
    while i < text.len() {
        h ^= text[i] as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    h
}

/// [`token_key`] from a kind's tag; a `const fn` so that keys of fixed
/// words can be computed at compile time.
#[inline]
const fn fnv_key(tag: u8, text: &[u8]) -> u64 {
    finish(fnv_bytes(fnv_start(tag), text))
}

/// The key of two neighbouring word keys.
#[inline]
pub fn bigram_key(a: u64, b: u64) -> u64 {
    finish(a.rotate_left(23) ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5bd1_e995)
}

/// splitmix64's finalizer; never returns 0 (0 marks an empty slot).
#[inline]
const fn finish(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    if z == 0 {
        1
    } else {
        z
    }
}

/// One extracted feature: its key and the normalized-text span it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The key.
    pub key: u64,
    /// Byte range in the normalized text.
    pub span: Range<usize>,
}

/// Turns token streams into features.
#[derive(Debug, Clone, Default)]
pub struct Extractor {
    /// The tokenizer.
    pub tokenizer: Tokenizer,
    /// The feature settings.
    pub config: FeatureConfig,
}

/// What the feature step carries from one token to the next: the word a
/// bigram starts with.
#[derive(Default)]
struct Running {
    prev: Option<(u64, usize)>,
}

impl Extractor {
    /// Yields every feature of normalized text `norm` (of `original`) to
    /// `f` together with the token it comes from. With `binary` set the
    /// caller removes repeats (see [`dedup_keys`]).
    pub fn scan<F: FnMut(&Feature, &TokenRef<'_>)>(
        &self,
        norm: &Normalized<'_>,
        original: &str,
        mut f: F,
    ) {
        let mut state = Running::default();
        self.tokenizer.scan(norm, original, |t| {
            self.token_features(&mut state, &t, &mut f)
        });
    }

    /// [`Extractor::scan`] over tokens read already (an
    /// [`Analysis`](crate::analysis::Analysis)'s): the same features in the
    /// same order.
    pub(crate) fn scan_tokens<'a, F: FnMut(&Feature, &TokenRef<'_>)>(
        &self,
        tokens: impl IntoIterator<Item = TokenRef<'a>>,
        mut f: F,
    ) {
        let mut state = Running::default();
        for t in tokens {
            self.token_features(&mut state, &t, &mut f);
        }
    }

    /// The features of one token, in order: its own key, the identity-group
    /// key, the bigram with the word before.
    #[inline(always)]
    fn token_features<F: FnMut(&Feature, &TokenRef<'_>)>(
        &self,
        state: &mut Running,
        t: &TokenRef<'_>,
        f: &mut F,
    ) {
        let key = token_key(t.kind, t.text);
        if self.config.function_words || t.kind != TokenKind::Word || !is_function_word(key, t.text)
        {
            f(
                &Feature {
                    key,
                    span: t.span.clone(),
                },
                t,
            );
        }
        if self.config.identity && t.kind == TokenKind::Word && is_identity_word(key, t.text) {
            f(
                &Feature {
                    key: group_key(),
                    span: t.span.clone(),
                },
                t,
            );
        }
        match t.kind {
            TokenKind::Word | TokenKind::Number | TokenKind::Mention => {
                if self.config.bigrams {
                    if let Some((pk, pstart)) = state.prev {
                        f(
                            &Feature {
                                key: bigram_key(pk, key),
                                span: pstart..t.span.end,
                            },
                            t,
                        );
                    }
                }
                state.prev = Some((key, t.span.start));
            }
            TokenKind::Shape | TokenKind::Money => {}
            _ => state.prev = None,
        }
    }

    /// The context keys of `context`: its words (and their bigrams, as
    /// configured), keyed apart from the comment's own words.
    /// Empty unless `context` is set.
    pub fn context_keys(&self, context: &str) -> Vec<u64> {
        if !self.config.context || context.is_empty() {
            return Vec::new();
        }
        let norm = crate::normalize::normalize(context);
        let mut keys = Vec::new();
        self.scan(&norm, context, |feat, tok| {
            if tok.kind == TokenKind::Word {
                keys.push(context_key(feat.key));
            }
        });
        if self.config.binary {
            dedup_keys(&mut keys);
        }
        keys
    }

    /// The keys of `text`, with repeats (one per occurrence) unless
    /// `binary` is set.
    pub fn keys(&self, text: &str) -> Vec<u64> {
        let norm = crate::normalize::normalize(text);
        let mut keys = Vec::new();
        self.scan(&norm, text, |feat, _| keys.push(feat.key));
        if self.config.binary {
            dedup_keys(&mut keys);
        }
        keys
    }
}

/// Sorts and removes repeated keys.
pub fn dedup_keys(keys: &mut Vec<u64>) {
    keys.sort_unstable();
    keys.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_form_keys_are_the_forms_token_keys() {
        let keys = word_form_keys("agenc", ["", "y", "ies", "ïes"]);
        for (k, form) in keys.iter().zip(["agenc", "agency", "agencies", "agencïes"]) {
            assert_eq!(*k, token_key(TokenKind::Word, form), "{form}");
        }
    }

    #[test]
    fn keys_are_stable() {
        // Pinned: model files store these keys (values from an independent
        // FNV-1a + splitmix64 computation).
        assert_eq!(token_key(TokenKind::Word, "spam"), 0xea315886392f8eea);
        assert_eq!(
            token_key(TokenKind::Domain, "example.com"),
            0xf3cae01eb7600c8f
        );
        assert_ne!(
            token_key(TokenKind::Word, "spam"),
            token_key(TokenKind::Domain, "spam")
        );
    }

    #[test]
    fn identity_terms_are_sorted_and_share_a_feature() {
        assert!(IDENTITY_TERMS.windows(2).all(|w| w[0] < w[1]));
        assert!(IDENTITY_TERMS.len() < 128, "the key table stays sparse");
        for t in IDENTITY_TERMS {
            assert!(is_identity_term(t), "{t}");
            // Prefixes, extensions and other cases are not terms.
            assert!(
                !is_identity_term(&t[..t.len() - 1]) || IDENTITY_TERMS.contains(&&t[..t.len() - 1])
            );
            assert!(!is_identity_term(&format!("{t}x")));
            assert!(!is_identity_term(&t.to_uppercase()));
        }
        assert_eq!(group_key(), token_key(TokenKind::Shape, "group"));
        let ex = Extractor::default();
        let a = ex.keys("the muslims said");
        let b = ex.keys("The Women said");
        assert!(a.contains(&group_key()) && b.contains(&group_key()));
        assert!(!ex.keys("the people said").contains(&group_key()));
        let off = Extractor {
            config: FeatureConfig {
                identity: false,
                ..Default::default()
            },
            ..Default::default()
        };
        assert!(!off.keys("the muslims said").contains(&group_key()));
    }

    #[test]
    fn function_words_can_be_left_out() {
        assert!(FUNCTION_WORDS.windows(2).all(|w| w[0] < w[1]));
        let key = |w: &str| token_key(TokenKind::Word, w);
        for w in FUNCTION_WORDS {
            assert!(is_function_word(key(w), w), "{w}");
            assert!(!is_function_word(key(&format!("{w}x")), &format!("{w}x")));
        }
        for w in ["you", "they", "not", "dont", "idiot", "group"] {
            assert!(!is_function_word(key(w), w), "{w}");
        }
        let text = "You are one of the worst, and they know it";
        let off = Extractor::default().keys(text);
        let kept = Extractor {
            config: FeatureConfig {
                function_words: true,
                ..Default::default()
            },
            ..Default::default()
        }
        .keys(text);
        let gone: Vec<u64> = ["are", "of", "the", "and"].map(key).to_vec();
        assert!(gone.iter().all(|k| kept.contains(k) && !off.contains(k)));
        assert_eq!(off.len(), kept.len() - gone.len());
        assert!(["you", "one", "worst", "they", "know", "it"]
            .iter()
            .all(|w| off.contains(&key(w))));
    }

    #[test]
    fn bigrams_follow_words() {
        let ex = Extractor {
            config: FeatureConfig {
                bigrams: true,
                binary: false,
                ..Default::default()
            },
            ..Default::default()
        };
        let keys = ex.keys("check my new channel");
        // 4 words, 3 bigrams, 1 link-count shape.
        assert_eq!(keys.len(), 8);
        let no_bi = Extractor {
            config: FeatureConfig {
                bigrams: false,
                binary: false,
                ..Default::default()
            },
            ..Default::default()
        };
        assert_eq!(no_bi.keys("check my new channel").len(), 5);
        let bin = Extractor {
            config: FeatureConfig {
                bigrams: false,
                binary: true,
                ..Default::default()
            },
            ..Default::default()
        };
        assert_eq!(bin.keys("spam spam spam").len(), 2);
        let ctx = Extractor {
            config: FeatureConfig {
                context: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let c = ctx.context_keys("spam spam!");
        assert_eq!(c.len(), 1);
        assert!(!ctx.keys("spam").contains(&c[0]));
        assert!(bin.context_keys("spam").is_empty());
    }
}
