//! Real comments from `data/` and a fixed-seed random generator, shared by
//! the duplicate detector's quality example and speed bench.

#![allow(dead_code)]

use std::collections::HashSet;

/// A real comment: text, author and topic (video or article).
#[derive(Debug, Clone)]
pub struct Real {
    /// The comment's id, unique across the corpus.
    pub id: String,
    /// Its author.
    pub author: String,
    /// Its video or article.
    pub topic: String,
    /// Its text.
    pub text: String,
}

fn data(path: &str) -> String {
    format!("{}/../data/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// Words of a text: alphanumeric runs of its normalized form.
pub fn words(text: &str) -> Vec<String> {
    comment_sieve::normalize(text)
        .text()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Words as a reader counts them: white-space separated runs holding a
/// letter or digit (a link is one word).
pub fn word_count(text: &str) -> usize {
    comment_sieve::normalize(text)
        .text()
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// YouTube (three videos), Fox News (five articles) and seed comments, in
/// file order, with at least `min_words` words, distinct after
/// normalization (the first of identical texts is kept).
pub fn real_comments(min_words: usize) -> Vec<Real> {
    let mut out = Vec::new();
    for video in ["Youtube01-Psy", "Youtube02-KatyPerry", "Youtube03-LMFAO"] {
        let mut r = csv::Reader::from_path(data(&format!("youtube-spam/{video}.csv"))).unwrap();
        for rec in r.records() {
            let rec = rec.unwrap();
            out.push(Real {
                id: format!("yt:{}", &rec[0]),
                author: rec[1].to_string(),
                topic: video.to_string(),
                text: rec[3].to_string(),
            });
        }
    }
    let fox = std::fs::read_to_string(data("fox-news-comments/dev.jsonl")).unwrap();
    for (i, line) in fox.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        out.push(Real {
            id: format!("fox:{i}"),
            author: v["user"].as_str().unwrap_or_default().to_string(),
            topic: v["title"].as_str().unwrap_or_default().to_string(),
            text: v["text"].as_str().unwrap_or_default().to_string(),
        });
    }
    let seeds = std::fs::read_to_string(data("seed_comments.jsonl")).unwrap();
    for line in seeds.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        out.push(Real {
            id: s("id"),
            author: s("author"),
            topic: s("article_id"),
            text: s("text"),
        });
    }
    let mut seen = HashSet::new();
    out.retain(|c| word_count(&c.text) >= min_words && seen.insert(words(&c.text).join(" ")));
    out
}

/// Davidson et al. tweets (for the speed bench's word pool and bases).
pub fn tweets() -> Vec<String> {
    let mut r = csv::Reader::from_path(data("davidson-hate-offensive/labeled_data.csv")).unwrap();
    r.records().map(|rec| rec.unwrap()[6].to_string()).collect()
}

/// xorshift64*: small, fast, reproducible.
pub struct Rng(u64);

impl Rng {
    /// A sequence from `seed` (0 is taken as 1).
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 11) as u128 * n as u128) >> 53) as usize
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    /// A uniformly drawn element of `xs` (not empty).
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}
