//! On-topic relevance: how much of a comment's vocabulary comes from the
//! article it was posted under (or the comment it replies to).
//!
//! A comment's *content words* are its word tokens of three letters or
//! more that are not common function words, lightly stemmed (plural `s`,
//! `ing`, `ed` endings). Each weighs by how specific it is: its inverse
//! document frequency in general comment language, taken from the model's
//! own training counts (a word that every other comment uses, like "video"
//! or "world", weighs little; "Haqqani" weighs a lot). A comment's
//! relevance to an article is the weighted share of its content words that
//! the article (title and body) also uses. Context counts too: a reply is
//! judged against the article together with the comment it answers.
//!
//! The measure needs no training and no other articles, which suits a site
//! that registers each article as it is published. It is undefined for a
//! comment with fewer than [`MIN_CONTENT_WORDS`] content words ("Thanks!",
//! "lol"): those get no relevance score.

use std::collections::HashMap;

use crate::tokenize::{TokenKind, Tokenizer};

/// Fewer content words than this: no relevance score.
pub const MIN_CONTENT_WORDS: usize = 3;

/// Common English function words, ignored by relevance.
const STOPWORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "are",
    "but",
    "not",
    "you",
    "all",
    "any",
    "can",
    "had",
    "her",
    "was",
    "one",
    "our",
    "out",
    "day",
    "get",
    "has",
    "him",
    "his",
    "how",
    "man",
    "new",
    "now",
    "old",
    "see",
    "two",
    "way",
    "who",
    "boy",
    "did",
    "its",
    "let",
    "put",
    "say",
    "she",
    "too",
    "use",
    "that",
    "with",
    "have",
    "this",
    "will",
    "your",
    "from",
    "they",
    "know",
    "want",
    "been",
    "good",
    "much",
    "some",
    "time",
    "very",
    "when",
    "come",
    "here",
    "just",
    "like",
    "long",
    "make",
    "many",
    "more",
    "only",
    "over",
    "such",
    "take",
    "than",
    "them",
    "well",
    "were",
    "what",
    "which",
    "their",
    "there",
    "these",
    "those",
    "would",
    "about",
    "could",
    "other",
    "into",
    "then",
    "also",
    "because",
    "being",
    "does",
    "doing",
    "done",
    "each",
    "even",
    "every",
    "most",
    "must",
    "never",
    "should",
    "still",
    "where",
    "while",
    "why",
    "yes",
    "yet",
    "dont",
    "didnt",
    "doesnt",
    "isnt",
    "arent",
    "wasnt",
    "cant",
    "wont",
    "im",
    "ive",
    "youre",
    "thats",
    "whats",
    "lets",
    "may",
    "might",
    "shall",
    "own",
    "same",
    "after",
    "before",
    "again",
    "against",
    "between",
    "through",
    "during",
    "under",
    "above",
    "below",
    "both",
    "few",
    "nor",
    "off",
    "once",
    "very",
    "really",
    "just",
    "so",
    "if",
    "or",
    "as",
    "at",
    "by",
    "in",
    "is",
    "it",
    "of",
    "on",
    "to",
    "up",
    "we",
    "me",
    "my",
    "he",
    "an",
    "be",
    "do",
    "go",
    "no",
    "us",
    "am",
    "lol",
    "please",
    "thanks",
    "thank",
    "think",
    "people",
    "said",
    "says",
    "going",
    "gets",
    "got",
    "make",
    "made",
    "see",
    "seen",
    "look",
    "way",
    "things",
    "thing",
    "something",
    "anything",
    "nothing",
    "everything",
    "someone",
    "anyone",
    "everyone",
    "who",
    "whom",
    "whose",
    "i",
    "a",
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

fn is_stopword(w: &str) -> bool {
    STOPWORDS.contains(&w)
}

fn is_content(kind: TokenKind, w: &str) -> bool {
    kind == TokenKind::Word
        && w.chars().count() >= 3
        && w.chars().all(char::is_alphabetic)
        && !is_stopword(w)
}

/// The distinct stemmed content words of `text`, each with its weight
/// (`weight` of the word as written; the largest over a stem's forms).
pub fn content_words(
    tokenizer: &Tokenizer,
    text: &str,
    weight: &dyn Fn(&str) -> f64,
) -> HashMap<String, f64> {
    let norm = crate::normalize::normalize(text);
    let mut out: HashMap<String, f64> = HashMap::new();
    tokenizer.scan(&norm, text, |t| {
        if is_content(t.kind, t.text) {
            let w = weight(t.text);
            let e = out.entry(stem(t.text).to_string()).or_insert(w);
            *e = e.max(w);
        }
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
        let mut words: HashMap<String, u32> = HashMap::new();
        let mut total = 0;
        for text in [title, body] {
            let norm = crate::normalize::normalize(text);
            tokenizer.scan(&norm, text, |t| {
                if is_content(t.kind, t.text) {
                    *words.entry(stem(t.text).to_string()).or_default() += 1;
                    total += 1;
                }
            });
        }
        ArticleProfile {
            title: title.to_string(),
            words,
            total,
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

/// Mixture weights of a comment's word model: the article, the site's
/// articles, and comments in general take the rest.
const ARTICLE_WEIGHT: f64 = 0.2;
const SITE_WEIGHT: f64 = 0.1;

/// Relevance of a comment to an article and optional context (the comment
/// replied to). `words` maps each of the comment's stemmed content words to
/// its background rate: the share of comments in general that use it.
///
/// Query likelihood against a background: for each content word, the log
/// ratio of its probability under the article (a mixture of its rate in
/// the article, in the site's articles and in comments in general) to its
/// probability in comments in general. Words
/// the article uses more than comments in general push up; words it never
/// uses push down. A word of the context counts as an article word. The
/// relevance is the logistic of the mean log ratio. A comment none of whose
/// words the site uses scores `1 / (1 + 1/0.7)` ≈ 0.41; every word the
/// article uses more than comments in general do lifts it.
/// `None` when the comment has too few content words.
pub fn relevance(
    words: &HashMap<String, f64>,
    article: &ArticleProfile,
    site: &ArticleProfile,
    context: Option<&HashMap<String, f64>>,
) -> Option<f64> {
    if words.len() < MIN_CONTENT_WORDS {
        return None;
    }
    let n = article.total as f64;
    let n_site = site.total as f64;
    let mut sum = 0.0;
    for (w, &bg) in words {
        let p_bg = (bg / WORDS_PER_COMMENT).max(1e-9);
        let mut tf = article.words.get(w).copied().unwrap_or(0) as f64;
        if tf == 0.0 && context.is_some_and(|c| c.contains_key(w)) {
            tf = 1.0;
        }
        // A mixture of the article, the site's articles and comments in
        // general (Jelinek-Mercer smoothing).
        let site_tf = site.words.get(w).copied().unwrap_or(0) as f64;
        let p_article = ARTICLE_WEIGHT * tf / n.max(1.0)
            + SITE_WEIGHT * site_tf / n_site.max(1.0)
            + (1.0 - ARTICLE_WEIGHT - SITE_WEIGHT) * p_bg;
        sum += (p_article / p_bg).ln();
    }
    let mean = sum / words.len() as f64;
    Some(1.0 / (1.0 + (-mean).exp()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(stem("agencies"), "agenc");
        assert_eq!(stem("agency"), "agenc");
        assert_eq!(stem("talking"), "talk");
        assert_eq!(stem("talks"), "talk");
        assert_eq!(stem("isi"), "isi");
    }

    #[test]
    fn share_of_words() {
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
        assert!(relevance(&on, &a, &a, None).unwrap() > 0.5);
        assert!(relevance(&off, &a, &a, None).unwrap() < 0.5);
        assert_eq!(
            relevance(&content_words(&tk, "Thanks!", &rare), &a, &a, None),
            None
        );
    }
}
