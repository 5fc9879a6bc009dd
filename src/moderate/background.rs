//! What relevance is measured against, and the state it keeps between
//! comments: general comment language ([`Background`]), the registered
//! articles, the site (every article together) and each article's thread
//! of approved comments ([`Articles`]).
//!
//! Kept apart from the [`Moderator`](super::Moderator) because it is the
//! one part of its state that grows with the site: an article is
//! registered when published, its thread grows with every approved
//! comment, and [`Articles::close`] drops both once comments close. The
//! scoring itself is [`relevance`](super::relevance)'s.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

use crate::analysis::Analysis;
use crate::features::{token_key, word_form_keys};
use crate::model::Model;
use crate::normalize::normalize;
use crate::tokenize::{TokenKind, Tokenizer};

use super::relevance::{self, content_words_of, ArticleProfile};

/// Comments added to every word's background count. The background is
/// small (a few thousand comments, vocabulary pruned of words seen once), so
/// an unseen word is not taken as rare: an ordinary word an article uses
/// once ("past", "month") is then weak evidence, not strong.
const BACKGROUND_PRIOR: f64 = 5.0;

/// General comment language for relevance: how many comments use each
/// word.
#[derive(Debug, Clone, Default)]
pub struct Background {
    df: foldhash::HashMap<u64, f32>,
    docs: f64,
}

impl Background {
    /// The share of `texts` using each word (as `tokenizer` reads it). A
    /// site can build it from comments elsewhere; a measurement can keep
    /// the comments of the articles it compares out of it.
    pub fn from_texts<'t>(tokenizer: &Tokenizer, texts: impl IntoIterator<Item = &'t str>) -> Self {
        let mut b = Background::default();
        for text in texts {
            let mut seen = HashSet::new();
            let norm = normalize(text);
            tokenizer.scan(&norm, text, |t| {
                if t.kind == TokenKind::Word {
                    seen.insert(token_key(TokenKind::Word, t.text));
                }
            });
            for k in seen {
                *b.df.entry(k).or_default() += 1.0;
            }
            b.docs += 1.0;
        }
        b
    }

    /// Document frequencies of the attribute heads' features (presence
    /// features count documents; an example that labels several attributes
    /// counts once per head, so these approximate), without the examples
    /// that carry a topic label.
    ///
    /// Those examples (the label head's: comments hand-labeled on- or
    /// off-topic under the site's own articles) speak of the very articles
    /// relevance is measured against; counted as general comment language
    /// they make an article's own words ("pakistan" under an article on
    /// Pakistan) look common. They are subtracted: each trained the spam
    /// head, all but the spam-labeled ones the toxicity head, and the on-
    /// and off-topic ones the identity-attack head ([`Example::labeled`]).
    /// What remains is comments from other sources (music videos, other
    /// news threads, tweets, forums).
    ///
    /// [`Example::labeled`]: crate::Example::labeled
    pub(crate) fn from_model(model: &Model) -> Self {
        let mut df: foldhash::HashMap<u64, f32> = foldhash::HashMap::default();
        let mut docs = 0f64;
        for h in &model.heads {
            let c = h.n_classes();
            // How many times each class's examples were counted above.
            let times: Vec<f32> = if h.name == "label" {
                h.classes
                    .iter()
                    .map(|k| match k.as_str() {
                        "spam" => -1.0,
                        "abuse" => -2.0,
                        _ => -3.0,
                    })
                    .collect()
            } else {
                vec![1.0; c]
            };
            docs += h
                .class_counts
                .iter()
                .zip(&times)
                .map(|(&n, &t)| n as f64 * t as f64)
                .sum::<f64>();
            for (i, k) in h.keys.iter().enumerate() {
                let n: f32 = h.counts[i * c..(i + 1) * c]
                    .iter()
                    .zip(&times)
                    .map(|(n, t)| n * t)
                    .sum();
                *df.entry(*k).or_default() += n;
            }
        }
        for v in df.values_mut() {
            *v = v.max(0.0);
        }
        Background {
            df,
            docs: docs.max(0.0),
        }
    }

    /// Share of comments in general that use `word`, smoothed with
    /// [`BACKGROUND_PRIOR`] comments. A word's forms share a stem ("view",
    /// "views", "viewed"): the comments using any of them count (the forms'
    /// counts summed, an upper bound), so that an ordinary word with many
    /// forms ("include", "including") does not look rare.
    /// `key` is the word's own key (`token_key`).
    fn rate(&self, word: &str, key: u64) -> f64 {
        let stem = relevance::stem(word);
        // Every form shares the stem's hash state (this runs for every
        // content word of every comment under an article).
        let forms = word_form_keys(stem, FORM_SUFFIXES);
        let mut keys = [0u64; 1 + FORM_SUFFIXES.len()];
        keys[0] = key;
        keys[1..].copy_from_slice(&forms);
        // Each distinct form once (the word is one of the stem's forms,
        // mostly).
        keys.sort_unstable();
        let mut df = 0.0;
        for (i, k) in keys.iter().enumerate() {
            if i > 0 && keys[i - 1] == *k {
                continue;
            }
            if let Some(&n) = self.df.get(k) {
                df += n as f64;
            }
        }
        (df.min(self.docs) + BACKGROUND_PRIOR) / (self.docs + 1.0)
    }
}

/// The endings that make a stem's forms, the stem itself first
/// ([`Background::rate`]).
const FORM_SUFFIXES: [&str; 8] = ["", "s", "es", "ing", "ed", "y", "ies", "e"];

/// Most words whose background rate [`RateCache`] keeps; it starts over
/// when full.
const RATE_CACHE_WORDS: usize = 1 << 16;

/// The background rates worked out already, by word key.
///
/// A rate hashes the word's nine forms and looks each up: about a
/// thousand instructions, for every content word of every comment under
/// an article, and the words of a site's comments repeat. A rate depends
/// only on the word and the background, so the cache is emptied when the
/// background changes and a cached rate is the computed one to the bit.
#[derive(Debug, Default)]
struct RateCache(foldhash::HashMap<u64, f64>);

impl RateCache {
    /// The background rate of `word`.
    fn rate(&mut self, background: &Background, word: &str) -> f64 {
        let key = token_key(TokenKind::Word, word);
        if let Some(&r) = self.0.get(&key) {
            return r;
        }
        if self.0.len() >= RATE_CACHE_WORDS {
            self.0.clear();
        }
        let r = background.rate(word, key);
        self.0.insert(key, r);
        r
    }
}

/// An article's approved comments: their words, and their mean relevance
/// to the article.
#[derive(Debug, Default)]
struct Thread {
    words: ArticleProfile,
    relevance_sum: f64,
    scored: u32,
}

impl Thread {
    /// Mean relevance of the comments that had a score.
    fn relevance(&self) -> Option<f64> {
        (self.scored > 0).then(|| self.relevance_sum / self.scored as f64)
    }
}

/// The registered articles with their threads, the site, and the
/// background they are told apart from.
#[derive(Debug, Default)]
pub(crate) struct Articles {
    articles: HashMap<String, ArticleProfile>,
    /// Every registered article together.
    site: ArticleProfile,
    /// Each article's approved comments.
    threads: HashMap<String, Thread>,
    /// General comment language.
    background: Background,
    /// Its rates worked out already (behind a lock so that relevance
    /// stays a `&self` call and the moderator `Sync`; moderation holds it
    /// once a comment).
    rates: Mutex<RateCache>,
}

impl Articles {
    /// No articles yet, told apart from `background`.
    pub(crate) fn new(background: Background) -> Self {
        Articles {
            background,
            ..Default::default()
        }
    }

    /// Replaces the background.
    pub(crate) fn set_background(&mut self, background: Background) {
        self.background = background;
        *self.rates.get_mut().unwrap_or_else(PoisonError::into_inner) = RateCache::default();
    }

    /// Registers article `id` (re-registering replaces it).
    pub(crate) fn add(&mut self, tk: &Tokenizer, id: &str, title: &str, body: &str) {
        let profile = ArticleProfile::new(tk, title, body);
        if self.articles.insert(id.to_string(), profile).is_some() {
            // Re-registered: the site is rebuilt from the current articles.
            self.rebuild_site();
        } else {
            self.site.absorb(&self.articles[id]);
        }
    }

    /// Forgets article `id`: its profile (and its share of the site) and
    /// its thread.
    pub(crate) fn close(&mut self, id: &str) {
        if self.articles.remove(id).is_some() {
            self.rebuild_site();
        }
        self.threads.remove(id);
    }

    /// The site's profile from the registered articles.
    fn rebuild_site(&mut self) {
        self.site = ArticleProfile::default();
        for a in self.articles.values() {
            self.site.absorb(a);
        }
    }

    /// Relevance of `text` to article `article_id`, with the words that
    /// gave evidence; `context`, the comment it replies to, lends its words
    /// only when its own relevance reaches `on_topic_above`. `None` when
    /// the article is unknown or the text has too few content words.
    pub(crate) fn relevance_evidence(
        &self,
        tk: &Tokenizer,
        article_id: &str,
        comment: &Analysis<'_>,
        context: Option<&str>,
        on_topic_above: f64,
    ) -> Option<relevance::Relevance> {
        let article = self.articles.get(article_id)?;
        // A panic elsewhere while the lock was held leaves the cache
        // consistent (each entry is written whole).
        let mut rates = self.rates.lock().unwrap_or_else(PoisonError::into_inner);
        let mut rate = |w: &str| rates.rate(&self.background, w);
        let thread = self.threads.get(article_id);
        let mut topic = relevance::Topic {
            article,
            context: None,
            thread: thread.map(|t| &t.words),
            thread_relevance: thread.and_then(Thread::relevance),
            site: &self.site,
        };
        // The replied-to comment lends its words only when it is on-topic
        // itself.
        let parent = context
            .map(|c| Analysis::new(tk, c))
            .filter(|c| {
                relevance::relevance_of(content_words_of(c.tokens(), &mut rate).into_iter(), &topic)
                    .is_some_and(|r| r.score >= on_topic_above)
            })
            .map(|c| {
                let mut p = ArticleProfile::default();
                p.add_tokens(c.tokens());
                p
            });
        topic.context = parent.as_ref();
        relevance::relevance_of(
            content_words_of(comment.tokens(), &mut rate).into_iter(),
            &topic,
        )
    }

    /// Adds `text`, whose relevance to the article was `relevance`, to the
    /// thread of article `article_id`, if it is registered.
    pub(crate) fn join_thread(
        &mut self,
        article_id: &str,
        comment: &Analysis<'_>,
        relevance: Option<f64>,
    ) {
        if self.articles.contains_key(article_id) {
            let t = self.threads.entry(article_id.to_string()).or_default();
            t.words.add_tokens(comment.tokens());
            if let Some(r) = relevance {
                t.relevance_sum += r;
                t.scored += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cache gives the rate the background computes, to the bit, and
    /// forgets the old background's rates when it is replaced.
    #[test]
    fn a_cached_rate_is_the_computed_one_until_the_background_changes() {
        let tk = Tokenizer::default();
        let first = Background::from_texts(&tk, ["the river rose", "rivers and floods", "no"]);
        let second = Background::from_texts(&tk, ["river river", "a flood"]);
        let key = token_key(TokenKind::Word, "rivers");
        let mut articles = Articles::new(first.clone());
        let cached = |a: &mut Articles| {
            let rates = a.rates.get_mut().expect("not poisoned");
            rates.rate(&a.background, "rivers").to_bits()
        };
        let want = first.rate("rivers", key).to_bits();
        assert_eq!(cached(&mut articles), want);
        assert_eq!(cached(&mut articles), want, "read from the cache");
        articles.set_background(second.clone());
        let now = second.rate("rivers", key).to_bits();
        assert_ne!(now, want);
        assert_eq!(cached(&mut articles), now);
    }
}
