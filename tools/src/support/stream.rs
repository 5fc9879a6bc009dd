//! The comment stream of the duplicate detector's speed bench, shared by
//! `benches/dedup.rs` and `comment-sieve-tools bench dedup-throughput`.
//!
//! Real comments from `data/` (YouTube, Fox News, seeds, Davidson tweets),
//! each with about half of its words replaced by words drawn from the whole
//! corpus (fixed seed), so that nearly all are distinct.

#![allow(dead_code)]

use super::corpus::{real_comments, tweets, Rng};

/// Generated comments and their ids.
pub struct Generated {
    /// The comments' ids, one per text.
    pub ids: Vec<String>,
    /// The comments' texts.
    pub texts: Vec<String>,
}

/// `n` comments with ids `c0000000`, `c0000001`, …
pub fn generate(n: usize) -> Generated {
    let mut bases: Vec<String> = real_comments(1).into_iter().map(|r| r.text).collect();
    bases.extend(tweets());
    let tokens: Vec<Vec<&str>> = bases
        .iter()
        .map(|b| b.split_whitespace().collect())
        .collect();
    let pool: Vec<&str> = tokens.iter().flatten().copied().collect();
    let mut rng = Rng::new(0xBE7C_4000_0001);
    let mut texts = Vec::with_capacity(n);
    for _ in 0..n {
        let base = rng.pick(&tokens);
        let mut out = String::with_capacity(base.len() * 8);
        for w in base {
            let w = if rng.chance(0.5) {
                *rng.pick(&pool)
            } else {
                *w
            };
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
        texts.push(out);
    }
    let ids = (0..n).map(|i| format!("c{i:07}")).collect();
    Generated { ids, texts }
}
