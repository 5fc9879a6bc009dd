//! The three relevance checks, shared by `comment-sieve-tools bench relevance` and
//! `tests/moderate.rs`:
//!
//! 1. seed ordering: the seed comments labeled `on_topic` against the one
//!    labeled `off_topic`, each scored against its own seed article;
//! 2. YouTube ham (music-video comments) against every seed article: all
//!    should be off-topic;
//! 3. Fox News: each comment's own article (title + lead) against another
//!    article drawn with a fixed seed.
//!
//! All three run on the development data in `data/` (the default model's
//! background counts come from the same files), so they are development
//! figures, not held-out ones.

#![allow(dead_code)]

use std::path::Path;

use std::collections::HashMap;

use crate::datasets;
use comment_sieve::moderate::{Background, Moderator};
use comment_sieve::{Comment, Label};

pub use super::rng::Rng;

/// The seed of the Fox News draw.
pub const FOX_SEED: u64 = 20_240_601;

/// A seed article.
pub struct Article {
    /// Its id (`article_id` of its comments).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its text.
    pub body: String,
}

/// The five seed articles.
pub fn seed_articles(data: &Path) -> Vec<Article> {
    std::fs::read_to_string(data.join("seed_articles.jsonl"))
        .expect("seed_articles.jsonl is readable")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("one JSON object a line");
            let s = |k: &str| v[k].as_str().expect("string field").to_string();
            Article {
                id: s("id"),
                title: s("title"),
                body: s("body"),
            }
        })
        .collect()
}

/// The default moderator with the seed articles registered.
pub fn seed_moderator(data: &Path) -> Moderator {
    let mut m = Moderator::default();
    for a in seed_articles(data) {
        m.add_article(&a.id, &a.title, &a.body);
    }
    m
}

/// One seed comment's relevance to its own article.
pub struct SeedRow {
    /// Its id.
    pub id: String,
    /// Its hand label.
    pub label: Label,
    /// Its relevance (`None`: too few content words to score).
    pub relevance: Option<f64>,
}

/// Check 1: the seed comments' relevance to their own article (each
/// comment alone, no reply context, no earlier comments).
pub struct SeedOrdering {
    /// Every seed comment, in file order.
    pub rows: Vec<SeedRow>,
}

impl SeedOrdering {
    /// The highest relevance of an `off_topic` comment.
    pub fn max_off(&self) -> f64 {
        self.of(Label::OffTopic)
            .into_iter()
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// Relevance of the scored comments with this label.
    pub fn of(&self, label: Label) -> Vec<f64> {
        self.rows
            .iter()
            .filter(|r| r.label == label)
            .filter_map(|r| r.relevance)
            .collect()
    }

    /// `(above, total)`: `on_topic` comments scoring above every `off_topic`
    /// one, out of all `on_topic` comments (unscored ones count as failures).
    pub fn above(&self) -> (usize, usize) {
        let max_off = self.max_off();
        let on: Vec<&SeedRow> = self
            .rows
            .iter()
            .filter(|r| r.label == Label::OnTopic)
            .collect();
        let above = on
            .iter()
            .filter(|r| r.relevance.is_some_and(|x| x > max_off))
            .count();
        (above, on.len())
    }
}

pub use crate::datasets::replied_to;

/// Check 1 with moderator `m` (the seed articles registered).
///
/// Without `thread`, each comment is scored alone. With `thread`, the
/// comments go through [`Moderator::moderate_in_reply`] in page order, as
/// on the site: each is scored against its article with the thread of
/// comments approved before it, and a comment that names an earlier
/// commenter at its start with that commenter's comment as the one it
/// replies to ([`replied_to`]).
pub fn seed_ordering(m: &mut Moderator, data: &Path, thread: bool) -> SeedOrdering {
    let seeds = datasets::seed_comments(&data.join("seed_comments.jsonl"))
        .expect("seed_comments.jsonl is readable");
    let mut rows = Vec::new();
    for (i, s) in seeds.iter().enumerate() {
        let article = s.article_id.as_deref().expect("article_id");
        let parent = thread
            .then(|| replied_to(&seeds, i))
            .flatten()
            .map(|p| p.text.as_str());
        rows.push(SeedRow {
            id: s.id.clone(),
            label: s.label,
            relevance: m.relevance(article, &s.text, parent),
        });
        if thread {
            let mut c = Comment::new(&s.id, &s.text);
            c.author = s.author.clone();
            c.article_id = s.article_id.clone();
            m.moderate_in_reply(&c, parent);
        }
    }
    SeedOrdering { rows }
}

/// Check 2: YouTube ham × seed articles.
pub struct YouTube {
    /// Comment × article pairs with a relevance score.
    pub judged: usize,
    /// Of those, below the policy's `off_topic_below`.
    pub off: usize,
    /// Pairs without a score (too few content words).
    pub unscored: usize,
    /// The pairs judged on-topic or in the undecided band: relevance,
    /// article id, comment text.
    pub misses: Vec<(f64, String, String)>,
}

/// Check 2 with moderator `m` (the seed articles registered).
pub fn youtube(m: &Moderator, data: &Path) -> YouTube {
    let below = m.policy().off_topic_below;
    let articles = seed_articles(data);
    let mut y = YouTube {
        judged: 0,
        off: 0,
        unscored: 0,
        misses: Vec::new(),
    };
    for f in datasets::YOUTUBE_FILES {
        for e in datasets::youtube(&data.join(f)).expect("YouTube file is readable") {
            if e.spam != Some(false) {
                continue;
            }
            for a in &articles {
                match m.relevance(&a.id, &e.text, None) {
                    Some(r) => {
                        y.judged += 1;
                        if r < below {
                            y.off += 1;
                        } else {
                            y.misses.push((r, a.id.clone(), e.text.clone()));
                        }
                    }
                    None => y.unscored += 1,
                }
            }
        }
    }
    y.misses.sort_by(|a, b| b.0.total_cmp(&a.0));
    y
}

/// Check 3: Fox News comments, own article against a drawn other one.
pub struct FoxRanking {
    /// Comments scored against both articles.
    pub n: usize,
    /// Own article strictly ahead.
    pub wins: usize,
    /// Equal scores.
    pub ties: usize,
    /// Comments without a score (too few content words).
    pub unscored: usize,
    /// Every comment's draw, in file order.
    pub draws: Vec<FoxDraw>,
}

/// One comment of check 3 with the article drawn for it.
#[derive(serde::Serialize)]
pub struct FoxDraw {
    /// The comment.
    pub text: String,
    /// Title of its own article.
    pub own: String,
    /// Title of the drawn other article.
    pub other: String,
    /// Whether the lexical score exists for both (3 or more content words).
    pub scored: bool,
}

impl FoxRanking {
    /// Share of comments whose own article ranks first, ties counted half.
    pub fn share(&self) -> f64 {
        (self.wins as f64 + 0.5 * self.ties as f64) / self.n as f64
    }
}

/// Check 3: every Fox News dev article registered with its title and lead
/// (`meta`); each comment scored against its own article and one other
/// article drawn with `Rng::new(seed)`, in file order. With `thread`, each
/// comment then joins its article's thread
/// ([`Moderator::add_to_thread`]), so later comments are also compared
/// with the comments posted before them (as on a live site; the draw is the
/// same).
pub fn fox(data: &Path, seed: u64, thread: bool) -> FoxRanking {
    fox_with(data, seed, thread, false)
}

/// [`fox`] with, for each comment, a background made of every comment in
/// `data/` (seed pages, YouTube, Fox News) except those under the two
/// articles compared: general comment language that has not already seen
/// the discussions of the articles, as on a live site where an article's
/// comments are new. (The default background, the model's training
/// comments, holds every Fox comment: "obama" under the Obama article then
/// looks like an everyday comment word.)
pub fn fox_held_out(data: &Path, seed: u64, thread: bool) -> FoxRanking {
    fox_with(data, seed, thread, true)
}

fn fox_with(data: &Path, seed: u64, thread: bool, held_out: bool) -> FoxRanking {
    let fox = datasets::fox_comments(&data.join("fox-news-comments/dev.jsonl"))
        .expect("fox dev file is readable");
    let mut elsewhere: Vec<String> = datasets::seed_comments(&data.join("seed_comments.jsonl"))
        .expect("seed_comments.jsonl is readable")
        .into_iter()
        .map(|s| s.text)
        .collect();
    for f in datasets::YOUTUBE_FILES {
        let yt = datasets::youtube(&data.join(f)).expect("YouTube file is readable");
        elsewhere.extend(yt.into_iter().map(|e| e.text));
    }
    let mut m = Moderator::default();
    let mut backgrounds: HashMap<(String, String), Background> = HashMap::new();
    let mut titles: Vec<String> = fox.iter().map(|c| c.title.clone()).collect();
    titles.sort();
    titles.dedup();
    for c in &fox {
        m.add_article(&c.title, &c.title, &c.meta);
    }
    let mut rng = Rng::new(seed);
    let mut r = FoxRanking {
        n: 0,
        wins: 0,
        ties: 0,
        unscored: 0,
        draws: Vec::new(),
    };
    for c in &fox {
        let others: Vec<&String> = titles.iter().filter(|t| **t != c.title).collect();
        let other = *rng.pick(&others);
        r.draws.push(FoxDraw {
            text: c.text.clone(),
            own: c.title.clone(),
            other: other.clone(),
            scored: false,
        });
        if held_out {
            let key = (c.title.clone(), other.clone());
            let b = backgrounds.entry(key).or_insert_with(|| {
                let texts = elsewhere.iter().map(String::as_str).chain(
                    fox.iter()
                        .filter(|f| f.title != c.title && f.title != *other)
                        .map(|f| f.text.as_str()),
                );
                Background::from_texts(m.tokenizer(), texts)
            });
            m.set_background(b.clone());
        }
        let (Some(own), Some(alt)) = (
            m.relevance(&c.title, &c.text, None),
            m.relevance(other, &c.text, None),
        ) else {
            r.unscored += 1;
            if thread {
                m.add_to_thread(&c.title, &c.text);
            }
            continue;
        };
        r.n += 1;
        if let Some(d) = r.draws.last_mut() {
            d.scored = true;
        }
        if own > alt {
            r.wins += 1;
        } else if own == alt {
            r.ties += 1;
        }
        if thread {
            m.add_to_thread(&c.title, &c.text);
        }
    }
    r
}
