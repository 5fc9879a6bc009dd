//! On-topic relevance: positive evidence that a comment speaks of the
//! article it was posted under (or of the comment it replies to).
//!
//! A comment's *content words* are its word tokens of three letters or
//! more that are not common function words, lightly stemmed (plural `s`,
//! `ing`, `ed` endings). Each is compared with general comment language:
//! the share of comments that use it in the model's own training counts,
//! leaving out the comments hand-labeled on- or off-topic (those speak of
//! the site's own articles: counted as general language they would make an
//! article's own words look common). Words most comments use ("video", "love", "people": at least
//! [`GENERIC_SHARE`] of comments) are generic and count for nothing.
//!
//! Every other content word the topic uses is evidence, weighed by the log
//! likelihood ratio of the word under the topic (a mix of the topic's rate
//! and the background's) against the background alone: a word the article
//! repeats and comments rarely use ("ISI", "Haqqani") weighs most, a word
//! it uses once weighs little, a word it never uses weighs nothing. The
//! topic is, per word, the strongest of: the article (title and body), the
//! comment replied to when that one is on-topic itself, the article's
//! thread of approved comments ([`THREAD_WEIGHT`]) and the site's other
//! articles ([`SITE_WEIGHT`]). The summed evidence must clear a threshold
//! that grows with the comment's length ([`threshold`]): a long comment
//! has more chances to share a word by accident. The relevance is the
//! logistic of the evidence over the threshold, 0.5 at the threshold.
//!
//! A short comment ([`SHORT_COMMENT`] non-generic words or fewer) has few
//! chances to show evidence. Under an article whose thread of approved
//! comments is running, a short comment that names words of the article,
//! of the comment it replies to or of the site ([`INHERIT_EVIDENCE`])
//! takes over the thread's mean relevance when its own is lower: a short
//! remark in a discussion ("And now Pakistan begs America annually for
//! aid") answers the discussion.
//!
//! So a comment without article-specific words is off-topic (relevance
//! below 0.05 for a comment with no evidence at all), not neutral. The
//! measure needs no training, which suits a site that registers each
//! article as it is published. It is undefined for a comment with fewer
//! than [`MIN_CONTENT_WORDS`] content words ("Thanks!", "lol"): those get
//! no relevance score and the classifier decides.

use std::sync::LazyLock;

use foldhash::{HashMap, HashSet};

use crate::analysis::Analysis;

use crate::features::FUNCTION_WORDS;
use crate::tokenize::{TokenKind, TokenRef, Tokenizer};

/// Fewer content words than this: no relevance score.
pub const MIN_CONTENT_WORDS: usize = 3;

/// Common English words of three letters or more (shorter words are never
/// content words) that say little of a topic, ignored by relevance beside
/// the classifier's [`FUNCTION_WORDS`]; sorted.
const STOPWORDS: &[&str] = &[
    "again",
    "all",
    "also",
    "any",
    "anyone",
    "anything",
    "arent",
    "both",
    "boy",
    "cant",
    "come",
    "day",
    "didnt",
    "doesnt",
    "done",
    "dont",
    "each",
    "even",
    "every",
    "everyone",
    "everything",
    "few",
    "get",
    "gets",
    "going",
    "good",
    "got",
    "her",
    "here",
    "him",
    "his",
    "how",
    "isnt",
    "its",
    "ive",
    "just",
    "know",
    "let",
    "lets",
    "like",
    "lol",
    "long",
    "look",
    "made",
    "make",
    "man",
    "many",
    "more",
    "most",
    "much",
    "never",
    "new",
    "not",
    "nothing",
    "now",
    "old",
    "once",
    "one",
    "only",
    "other",
    "our",
    "own",
    "people",
    "please",
    "put",
    "really",
    "said",
    "same",
    "say",
    "says",
    "see",
    "seen",
    "she",
    "some",
    "someone",
    "something",
    "still",
    "such",
    "take",
    "thank",
    "thanks",
    "thats",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "things",
    "think",
    "this",
    "those",
    "time",
    "too",
    "two",
    "use",
    "very",
    "want",
    "wasnt",
    "way",
    "well",
    "what",
    "whats",
    "when",
    "where",
    "which",
    "who",
    "whom",
    "whose",
    "why",
    "wont",
    "yes",
    "you",
    "your",
    "youre",
];

/// Light stemming so that "agencies"/"agency", "spies"/"spy" and
/// "talking"/"talks" meet.
pub fn stem(w: &str) -> &str {
    for suf in ["ies", "ing", "ed", "es", "s"] {
        if let Some(s) = w.strip_suffix(suf) {
            if s.len() >= 3 {
                return s;
            }
        }
    }
    if w.len() > 4 {
        if let Some(s) = w.strip_suffix('y') {
            return s;
        }
    }
    w
}

/// Whether `w` is a stop word: one of [`STOPWORDS`] or of the
/// classifier's [`FUNCTION_WORDS`]. The second matter because the
/// background rates come from the model's features, which may leave
/// function words out: such a word would look rare, and weigh as a rare
/// content word would.
fn is_stopword(w: &str) -> bool {
    // A set rather than a binary search of the sorted lists: asked of
    // every word of every comment under an article.
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| STOPWORDS.iter().chain(FUNCTION_WORDS).copied().collect());
    SET.contains(w)
}

fn is_content(kind: TokenKind, w: &str) -> bool {
    if kind != TokenKind::Word || w.len() < 3 {
        // Three letters take at least three bytes.
        return false;
    }
    let letters = if w.is_ascii() {
        w.bytes().all(|b| b.is_ascii_alphabetic())
    } else {
        w.chars().count() >= 3 && w.chars().all(char::is_alphabetic)
    };
    letters && !is_stopword(w)
}

/// The distinct stemmed content words of `text`, each with its weight
/// (`weight` of the word as written; the largest over a stem's forms).
pub fn content_words(
    tokenizer: &Tokenizer,
    text: &str,
    weight: &dyn Fn(&str) -> f64,
) -> HashMap<String, f64> {
    content_words_of(Analysis::new(tokenizer, text).tokens(), &mut |w| weight(w))
        .into_iter()
        .map(|(w, x)| (w.to_string(), x))
        .collect()
}

/// [`content_words`] of tokens read already (`weight` may keep what it
/// has worked out), as a list sorted by stem that borrows the tokens'
/// text: a comment has a few dozen words, so sorting them costs less than
/// a map with a `String` per word.
pub(crate) fn content_words_of<'a>(
    tokens: impl IntoIterator<Item = TokenRef<'a>>,
    weight: &mut dyn FnMut(&str) -> f64,
) -> Vec<(&'a str, f64)> {
    let mut out: Vec<(&'a str, f64)> = tokens
        .into_iter()
        .filter(|t| is_content(t.kind, t.text))
        .map(|t| (stem(t.text), weight(t.text)))
        .collect();
    out.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 = kept.1.max(later.1);
        }
        same
    });
    out
}

/// An article's vocabulary: how often it uses each content word.
#[derive(Debug, Clone, Default)]
pub struct ArticleProfile {
    /// The article's title.
    pub title: String,
    words: HashMap<String, u32>,
    total: u32,
}

impl ArticleProfile {
    /// The profile of an article with this title and body.
    pub fn new(tokenizer: &Tokenizer, title: &str, body: &str) -> Self {
        let mut p = ArticleProfile {
            title: title.to_string(),
            ..ArticleProfile::default()
        };
        p.add_text(tokenizer, title);
        p.add_text(tokenizer, body);
        p
    }

    /// Adds the content words of `text` (a comment joining a thread).
    pub fn add_text(&mut self, tokenizer: &Tokenizer, text: &str) {
        self.add_tokens(Analysis::new(tokenizer, text).tokens());
    }

    /// [`ArticleProfile::add_text`] of tokens read already.
    pub(crate) fn add_tokens<'a>(&mut self, tokens: impl IntoIterator<Item = TokenRef<'a>>) {
        for t in tokens.into_iter().filter(|t| is_content(t.kind, t.text)) {
            *self.words.entry(stem(t.text).to_string()).or_default() += 1;
            self.total += 1;
        }
    }

    /// Adds another article's words (to build the site's profile).
    pub fn absorb(&mut self, other: &ArticleProfile) {
        for (w, n) in &other.words {
            *self.words.entry(w.clone()).or_default() += n;
        }
        self.total += other.total;
    }

    /// Share of the article's content words that are `word` (stemmed).
    pub fn rate(&self, word: &str) -> f64 {
        self.words
            .get(word)
            .map_or(0.0, |&n| n as f64 / self.total.max(1) as f64)
    }

    /// Number of distinct content words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the article has no content words.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether the article uses `word` (stemmed).
    pub fn contains(&self, word: &str) -> bool {
        self.words.contains_key(word)
    }
}

/// Average content words per comment: turns a background document rate
/// (share of comments using a word) into a per-word probability.
const WORDS_PER_COMMENT: f64 = 10.0;

/// Content words used by at least this share of comments in general are
/// generic: they are no evidence and do not count towards the length.
pub const GENERIC_SHARE: f64 = 0.02;

/// Weight of the topic's rate in the topic side of the likelihood ratio
/// (the background takes the rest).
const TOPIC_MIX: f64 = 0.5;

/// Most evidence one word can give: a single word, however specific, does
/// not make a comment on-topic.
const WORD_CAP: f64 = 3.0;

/// Evidence from the site's other articles counts this much.
pub const SITE_WEIGHT: f64 = 0.5;

/// Evidence from the article's thread of approved comments counts this
/// much.
pub const THREAD_WEIGHT: f64 = 0.5;

/// A comment with at most this many non-generic content words is short:
/// too few words to show much evidence with.
pub const SHORT_COMMENT: usize = 6;

/// Evidence of its own (from the article, the replied-to comment or the
/// site; not the thread) a short comment needs to take over its thread's
/// relevance: a word of the topic that general comments rarely use. Set on
/// the development data (the weakest on-topic seed remark has 0.45).
pub const INHERIT_EVIDENCE: f64 = 0.3;

/// Evidence a comment with `n` non-generic content words needs for a
/// relevance of 0.5: `3 + ln n`.
pub fn threshold(n: usize) -> f64 {
    3.0 + (n.max(1) as f64).ln()
}

/// One content word's part in a relevance score.
#[derive(Debug, Clone, PartialEq)]
pub struct WordEvidence {
    /// The word (stemmed).
    pub word: String,
    /// Share of comments in general that use it.
    pub background: f64,
    /// Its rate in the topic source that gave the evidence.
    pub topic: f64,
    /// Its evidence: capped log likelihood ratio, times the source's weight.
    pub llr: f64,
    /// The source that gave it: `article`, `context`, `thread` or `site`.
    pub source: &'static str,
}

/// A comment's relevance to an article, with the evidence behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Relevance {
    /// In (0, 1): the logistic of `evidence - threshold`.
    pub score: f64,
    /// Summed evidence of the words.
    pub evidence: f64,
    /// The evidence needed for a score of 0.5 ([`threshold`]).
    pub threshold: f64,
    /// The words that gave evidence, strongest first.
    pub words: Vec<WordEvidence>,
    /// Non-generic content words (the `n` of [`threshold`]).
    pub counted: usize,
    /// Whether the score is the thread's, taken over by a short comment
    /// ([`Topic::thread_relevance`]).
    pub inherited: bool,
}

/// Where a comment's topic words can come from, each with its weight.
#[derive(Debug, Clone, Copy)]
pub struct Topic<'a> {
    /// The article (title and body).
    pub article: &'a ArticleProfile,
    /// The comment replied to, when it is on-topic.
    pub context: Option<&'a ArticleProfile>,
    /// The article's approved comments so far.
    pub thread: Option<&'a ArticleProfile>,
    /// Mean relevance of the thread's approved comments, when some were
    /// scored. A short comment ([`SHORT_COMMENT`]) that names at least one
    /// topic word takes it over when its own score is lower: a short
    /// remark in a running discussion ("And now Pakistan begs America
    /// annually for aid") answers the discussion, and has too few words to
    /// show the evidence a longer comment can.
    pub thread_relevance: Option<f64>,
    /// Every registered article.
    pub site: &'a ArticleProfile,
}

/// Relevance of a comment, given as its stemmed content words each with its
/// background share (see [`content_words`]), to a topic. `None` when the
/// comment has fewer than [`MIN_CONTENT_WORDS`] content words.
pub fn relevance(words: &HashMap<String, f64>, topic: &Topic) -> Option<Relevance> {
    relevance_of(words.iter().map(|(w, &bg)| (w.as_str(), bg)), topic)
}

/// [`relevance`] of distinct stemmed content words with their weights, in
/// any order.
pub(crate) fn relevance_of<'w>(
    words: impl ExactSizeIterator<Item = (&'w str, f64)>,
    topic: &Topic,
) -> Option<Relevance> {
    if words.len() < MIN_CONTENT_WORDS {
        return None;
    }
    let sources = [
        ("article", Some(topic.article), 1.0),
        ("context", topic.context, 1.0),
        ("thread", topic.thread, THREAD_WEIGHT),
        ("site", Some(topic.site), SITE_WEIGHT),
    ];
    let mut n = 0;
    let mut ev = Vec::new();
    for (w, bg) in words {
        if bg >= GENERIC_SHARE {
            continue;
        }
        n += 1;
        let p_bg = (bg / WORDS_PER_COMMENT).max(1e-9);
        let best = sources
            .iter()
            .filter_map(|&(name, src, weight)| {
                let p = src?.rate(w);
                let llr = ((TOPIC_MIX * p + (1.0 - TOPIC_MIX) * p_bg) / p_bg).ln();
                Some((weight * llr.min(WORD_CAP), p, name))
            })
            .fold((0.0, 0.0, ""), |a, b| if b.0 > a.0 { b } else { a });
        if best.0 > 0.0 {
            ev.push(WordEvidence {
                word: w.to_string(),
                background: bg,
                topic: best.1,
                llr: best.0,
                source: best.2,
            });
        }
    }
    ev.sort_by(|a, b| b.llr.total_cmp(&a.llr).then_with(|| a.word.cmp(&b.word)));
    // Summed in this order, not the map's (which differs from run to run),
    // so that the same comment always gets the same score to the last bit.
    let evidence: f64 = ev.iter().map(|w| w.llr).sum();
    let threshold = threshold(n);
    let mut score = 1.0 / (1.0 + (threshold - evidence).exp());
    let mut inherited = false;
    // Evidence of its own: from the article, the replied-to comment or the
    // site, not words borrowed from the thread whose score it would take.
    let own: f64 = ev
        .iter()
        .filter(|w| w.source != "thread")
        .map(|w| w.llr)
        .sum();
    if let Some(t) = topic.thread_relevance {
        if n <= SHORT_COMMENT && own >= INHERIT_EVIDENCE && t > score {
            score = t;
            inherited = true;
        }
    }
    Some(Relevance {
        score,
        evidence,
        threshold,
        words: ev,
        counted: n,
        inherited,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_sorted_and_found() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOPWORDS.iter().all(|w| w.chars().count() >= 3));
        assert!(is_stopword("the") && is_stopword("whose") && !is_stopword("taliban"));
    }

    #[test]
    fn stems() {
        assert_eq!(stem("agencies"), "agenc");
        assert_eq!(stem("agency"), "agenc");
        assert_eq!(stem("talking"), "talk");
        assert_eq!(stem("talks"), "talk");
        assert_eq!(stem("isi"), "isi");
    }

    /// A comment's content words: each stem once, sorted, with the largest
    /// weight of its forms; stop words, short words and numbers left out.
    #[test]
    fn content_words_are_distinct_stems_with_their_largest_weight() {
        let tk = Tokenizer::default();
        let text = "The agencies and one agency are talking; talks in 2024 go on";
        let analysis = Analysis::new(&tk, text);
        let mut seen = Vec::new();
        let words = content_words_of(analysis.tokens(), &mut |w| {
            seen.push(w.to_string());
            w.len() as f64
        });
        assert_eq!(
            words,
            vec![("agenc", 8.0), ("talk", 7.0)],
            "weights asked for {seen:?}"
        );
        let map = content_words(&tk, text, &|w| w.len() as f64);
        assert_eq!(map.len(), 2);
        assert_eq!(map["agenc"], 8.0);
    }

    #[test]
    fn evidence_from_article_words() {
        let tk = Tokenizer::default();
        let rare = |_: &str| 1e-4;
        let a = ArticleProfile::new(
            &tk,
            "Spy agencies talk",
            "The CIA and the ISI met in Washington.",
        );
        let on = content_words(
            &tk,
            "Can the ISI and the CIA trust each other after Washington?",
            &rare,
        );
        let off = content_words(
            &tk,
            "Great song, subscribe to my channel for more music videos",
            &rare,
        );
        let topic = Topic {
            article: &a,
            context: None,
            thread: None,
            thread_relevance: None,
            site: &a,
        };
        let on = relevance(&on, &topic).unwrap();
        assert!(on.score > 0.5, "{on:?}");
        assert_eq!(on.words.len(), 3, "{on:?}");
        let off = relevance(&off, &topic).unwrap();
        assert!(off.score < 0.05 && off.words.is_empty(), "{off:?}");
        assert_eq!(
            relevance(&content_words(&tk, "Thanks!", &rare), &topic),
            None
        );
        // Generic words are no evidence.
        let common = |_: &str| 0.5;
        let generic = content_words(&tk, "Washington agencies talk", &common);
        assert_eq!(relevance(&generic, &topic).unwrap().evidence, 0.0);
    }

    #[test]
    fn short_comments_take_over_the_thread_relevance() {
        let tk = Tokenizer::default();
        let rare = |_: &str| 1e-4;
        let a = ArticleProfile::new(
            &tk,
            "Spy agencies talk",
            "The ISI met the CIA in Washington.",
        );
        let running = Topic {
            article: &a,
            context: None,
            thread: None,
            thread_relevance: Some(0.9),
            site: &a,
        };
        let alone = Topic {
            thread_relevance: None,
            ..running
        };
        // One article word in a short remark: too little evidence alone.
        let short = content_words(&tk, "And the ISI begs annually for money", &rare);
        let r = relevance(&short, &alone).unwrap();
        assert!(r.score < 0.45 && !r.inherited, "{r:?}");
        let r = relevance(&short, &running).unwrap();
        assert!(r.score == 0.9 && r.inherited, "{r:?}");
        // A short remark naming nothing of the topic, and a long comment
        // with the same evidence, keep their own score.
        let none = content_words(&tk, "Great song, subscribe to my channel", &rare);
        assert!(!relevance(&none, &running).unwrap().inherited);
        let long = content_words(
            &tk,
            "And the ISI begs annually for money while singers dance, drummers play, \
             guitars ring and choirs hum every evening",
            &rare,
        );
        let r = relevance(&long, &running).unwrap();
        assert!(
            r.counted > SHORT_COMMENT && !r.inherited && r.score < 0.45,
            "{r:?}"
        );
    }
}
