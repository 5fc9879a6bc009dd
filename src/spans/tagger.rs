//! The span tagger: a logistic regression that decides, word by word,
//! whether a word of an abusive comment lies inside its toxic span, from
//! the word's span weight, whether the lexicon knows it, its neighbours'
//! weights and the toxicity head's weight of it ([`row`]).
//!
//! A threshold on the span weight alone cannot mark the neighbours of an
//! insult that annotators mark with it, nor words too rare for the
//! lexicon; the tagger weighs these few numbers against each other,
//! fitted on the training span file with each word's weight counted on
//! comments other than its own (cross-fitted), so that it learns how far
//! a weight carries to comments it was not counted on.

use std::collections::BTreeMap;

use crate::logistic::{fit, LogisticParams, SparseRows};
use crate::model::{SpanTagger, SPAN_TAGGER_FEATURES};

use super::{first_best, lexicon_weight, Worded};

/// The numbers the tagger reads per word.
pub const FEATURES: usize = SPAN_TAGGER_FEATURES;

/// The probability thresholds tried by cross-validation.
pub const THRESHOLDS: [f64; 3] = [0.3, 0.4, 0.5];

/// One word's numbers: its weight (0 when the lexicon does not know it),
/// whether the lexicon does not know it, the weights of the previous and
/// the next word when only white space separates them (else 0), and the
/// toxicity head's weight of the word.
pub(crate) fn row(
    weight: Option<f64>,
    prev: Option<f64>,
    next: Option<f64>,
    toxicity: f64,
) -> [f32; FEATURES] {
    [
        weight.unwrap_or(0.0) as f32,
        if weight.is_none() { 1.0 } else { 0.0 },
        prev.unwrap_or(0.0) as f32,
        next.unwrap_or(0.0) as f32,
        toxicity as f32,
    ]
}

/// The rows of every word of a comment, with weights from `counts`.
pub(super) fn rows_of(c: &Worded, counts: &BTreeMap<u64, (u32, u32)>) -> Vec<[f32; FEATURES]> {
    let w: Vec<Option<f64>> = c
        .words
        .iter()
        .map(|(k, _, _)| lexicon_weight(counts, k))
        .collect();
    rows_from(&w, &c.joined, &c.toxicity)
}

/// The rows of words with weights `w`, `joined[i]` saying whether words
/// `i` and `i + 1` have only white space between them.
pub(crate) fn rows_from(
    w: &[Option<f64>],
    joined: &[bool],
    toxicity: &[f64],
) -> Vec<[f32; FEATURES]> {
    let n = w.len();
    (0..n)
        .map(|i| {
            let prev = (i > 0 && joined[i - 1]).then(|| w[i - 1]).flatten();
            let next = (i + 1 < n && joined[i]).then(|| w[i + 1]).flatten();
            row(w[i], prev, next, toxicity[i])
        })
        .collect()
}

/// Fits the tagger on `comments`, each with the counts its words'
/// weights come from; only comments with a marked span give rows, like
/// the lexicon's counts.
pub(super) fn fit_tagger<'a>(
    comments: impl Iterator<Item = (&'a Worded, &'a BTreeMap<u64, (u32, u32)>)>,
    threshold: f64,
) -> SpanTagger {
    let mut rows = SparseRows::new();
    for (c, counts) in comments {
        if c.gold.is_empty() {
            continue;
        }
        for (r, (_, _, inside)) in rows_of(c, counts).iter().zip(&c.words) {
            rows.push(r.iter().enumerate().map(|(j, &v)| (j as u32, v)), *inside);
        }
    }
    let l = fit(&rows, FEATURES, &LogisticParams::default());
    let mut weights = [0f32; FEATURES];
    for (w, &x) in weights.iter_mut().zip(&l.weights) {
        *w = x as f32;
    }
    SpanTagger {
        weights,
        bias: l.bias as f32,
        threshold: threshold as f32,
    }
}

impl SpanTagger {
    /// The log-odds of a word with numbers `x` lying inside a span.
    pub(crate) fn score(&self, x: &[f32; FEATURES]) -> f64 {
        self.weights
            .iter()
            .zip(x)
            .map(|(&w, &v)| w as f64 * v as f64)
            .sum::<f64>()
            + self.bias as f64
    }

    /// The log-odds a word's score must exceed: P(inside) above the
    /// threshold, with no exponential per word.
    pub(crate) fn cut(&self) -> f64 {
        let p = self.threshold as f64;
        (p / (1.0 - p)).ln()
    }

    /// Which words to mark: those above the threshold, else (when there
    /// are words) the first of highest probability.
    pub(crate) fn marks(&self, rows: &[[f32; FEATURES]]) -> Vec<bool> {
        let z: Vec<f64> = rows.iter().map(|r| self.score(r)).collect();
        let cut = self.cut();
        let mut marked: Vec<bool> = z.iter().map(|&x| x > cut).collect();
        if !marked.contains(&true) {
            if let Some((i, _)) = first_best(z.iter().copied().enumerate()) {
                marked[i] = true;
            }
        }
        marked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_reads_its_joined_neighbours_weights() {
        // Words 0 and 1 joined, 1 and 2 not; word 2 unknown to the lexicon.
        let rows = rows_from(
            &[Some(1.0), Some(-2.0), None],
            &[true, false],
            &[0.5, 0.0, 3.0],
        );
        assert_eq!(rows[0], [1.0, 0.0, 0.0, -2.0, 0.5]);
        assert_eq!(rows[1], [-2.0, 0.0, 1.0, 0.0, 0.0]);
        assert_eq!(rows[2], [0.0, 1.0, 0.0, 0.0, 3.0]);
    }

    #[test]
    fn marks_above_the_threshold_else_the_likeliest_word() {
        let tg = SpanTagger {
            weights: [1.0, 0.0, 0.0, 0.0, 0.0],
            bias: 0.0,
            threshold: 0.5,
        };
        let r = |w: f32| [w, 0.0, 0.0, 0.0, 0.0];
        assert_eq!(tg.marks(&[r(1.0), r(-1.0), r(2.0)]), [true, false, true]);
        assert_eq!(tg.marks(&[r(-3.0), r(-1.0), r(-2.0)]), [false, true, false]);
        assert!(tg.marks(&[]).is_empty());
    }
}
