//! The model: the fourth step of the pipeline.
//!
//! A [`Model`] holds one *head* per attribute that the training data
//! label:
//!
//! | head | classes | trained on | decision |
//! |---|---|---|---|
//! | `spam` | `ham`, `spam` | every example that says whether it is spam | naive Bayes features, logistic layer |
//! | `toxicity` | `ok`, `toxic` | every example that says whether it is toxic | naive Bayes features, logistic layer |
//! | `identity_attack` | `ok`, `attack` | every example that says whether it attacks a group | naive Bayes features, logistic layer |
//! | `label` | `spam`, `abuse`, `off_topic`, `on_topic` | hand-labeled comments | naive Bayes |
//!
//! The three attribute heads are NB-LR (Wang & Manning 2012, "Baselines
//! and Bigrams"): a head keeps per class its naive Bayes counts over the
//! model's shared vocabulary; each feature's log-count ratio
//! `r = ln P(f | positive) − ln P(f | negative)` scales it, and a logistic
//! regression fitted on the scaled, length-normalised features gives the
//! weights `w`. A comment with `n` distinct vocabulary features `F` scores
//!
//! ```text
//! z = b + Σ_{f∈F} w_f·r_f / √n        P(attribute) = σ(a·z + c)
//! ```
//!
//! where `(a, c)` is the Platt calibration fitted on scores of sources the
//! head was not trained on. The label head is a plain multinomial naive
//! Bayes, with the thread-structure feature apart.
//!
//! From those the model compiles one lookup table: for each known key, two
//! columns per attribute head (`w·d` and `w`, where `r = d − shift` and the
//! head's shift `ln T₁ − ln T₀` of its class totals is kept once, so that a
//! correction rewrites only its own keys' rows), the label head's
//! log-probabilities, and the toxic-span weight of the word. Scoring a
//! comment is one table probe per feature, summed per column: no dense row
//! is built.

pub mod format;
pub mod learn;
mod table;

pub use learn::Correction;

pub(crate) use table::{add_row, Table};

use serde::{Deserialize, Serialize};

use crate::features::{Extractor, FeatureConfig};
use crate::logistic::sigmoid;
use crate::tokenize::{Lexicon, TokenizerConfig};

/// The heads every model has, with their classes in order.
pub const HEADS: &[(&str, &[&str])] = &[
    ("spam", &["ham", "spam"]),
    ("toxicity", &["ok", "toxic"]),
    ("identity_attack", &["ok", "attack"]),
    ("label", &["spam", "abuse", "off_topic", "on_topic"]),
];

/// Index of the `spam` head in [`HEADS`] and [`Model::heads`].
pub const SPAM: usize = 0;
/// Index of the `toxicity` head.
pub const TOXICITY: usize = 1;
/// Index of the `identity_attack` head.
pub const IDENTITY_ATTACK: usize = 2;
/// Index of the `label` head.
pub const LABEL: usize = 3;
/// Index of the `off_topic` class in the `label` head (`on_topic` follows).
pub(crate) const OFF_TOPIC_CLASS: usize = 2;

/// The logistic decision layer of an attribute head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticLayer {
    /// One weight per key of the head (`w`, applied to `r·x`).
    #[serde(skip)]
    pub weights: Vec<f32>,
    /// The intercept `b`.
    pub bias: f64,
    /// Platt calibration `(a, c)`: `P = σ(a·z + c)`.
    pub platt: (f64, f64),
}

/// One trained head.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    /// Its name (see [`HEADS`]).
    pub name: String,
    /// Class names, in a fixed order (also the tie-break order).
    pub classes: Vec<String>,
    /// Training examples per class.
    pub class_counts: Vec<u64>,
    /// Additive smoothing of the naive Bayes counts.
    pub alpha: f64,
    /// The feature keys, sorted (for attribute heads, the model's shared
    /// vocabulary).
    pub keys: Vec<u64>,
    /// Feature counts, `keys.len() × classes.len()`, row-major by key.
    pub counts: Vec<f32>,
    /// The thread-structure feature keys, sorted (label head only; empty
    /// unless trained with [`FeatureConfig::structure`] on examples whose
    /// place in their thread is known).
    pub structure_keys: Vec<u64>,
    /// Structure feature counts, `structure_keys.len() × classes.len()`.
    pub structure_counts: Vec<f32>,
    /// The logistic layer (attribute heads); `None` for a plain naive Bayes
    /// head.
    pub logistic: Option<LogisticLayer>,
    /// The character block of an abuse head trained with one
    /// (`chargrams`).
    pub chars: Option<CharPart>,
}

/// An attribute head's character block: per hashed bucket of character
/// n-grams, its naive Bayes counts and its logistic weight.
#[derive(Debug, Clone, PartialEq)]
pub struct CharPart {
    /// Bits of the bucket number (`2^bits` buckets).
    pub bits: u32,
    /// Counts of n-grams per bucket and class, `2^bits × 2`, row-major by
    /// bucket.
    pub counts: Vec<f32>,
    /// The logistic weight of each bucket (applied to `r·x`).
    pub weights: Vec<f32>,
}

impl CharPart {
    /// Each bucket's naive Bayes log-count ratio under smoothing `alpha`.
    pub fn log_count_ratios(&self, alpha: f64) -> Vec<f64> {
        log_probs(&self.counts, 2, alpha)
            .chunks_exact(2)
            .map(|p| p[1] - p[0])
            .collect()
    }

    /// Each bucket's `w·r`: its weight times its naive Bayes log-count
    /// ratio under smoothing `alpha`.
    pub fn scaled_weights(&self, alpha: f64) -> Vec<f32> {
        self.log_count_ratios(alpha)
            .iter()
            .zip(&self.weights)
            .map(|(r, &w)| (r * w as f64) as f32)
            .collect()
    }
}

/// The heads that may have a character block: the abuse heads.
pub(crate) const CHAR_HEADS: [usize; 2] = [TOXICITY, IDENTITY_ATTACK];

/// The character blocks of the toxicity and identity-attack heads, as
/// classification reads them: per bucket, `w·r` of each head (0 for a head
/// without a block).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CharTable {
    pub(crate) bits: u32,
    pub(crate) weights: Vec<[f32; 2]>,
}

impl CharTable {
    /// The table of `heads`' character blocks; `None` when no abuse head
    /// has one.
    fn compile(heads: &[Head]) -> Option<CharTable> {
        let parts = CHAR_HEADS.map(|h| {
            heads
                .get(h)
                .and_then(|head| Some((head.chars.as_ref()?, head.alpha)))
        });
        let bits = parts.iter().flatten().map(|(p, _)| p.bits).next()?;
        let mut weights = vec![[0f32; 2]; 1 << bits];
        for (col, part) in parts.iter().enumerate() {
            if let Some((p, alpha)) = part.filter(|(p, _)| p.bits == bits) {
                for (w, x) in weights.iter_mut().zip(p.scaled_weights(alpha)) {
                    w[col] = x;
                }
            }
        }
        Some(CharTable { bits, weights })
    }

    /// The sums of both heads' `w·r` over the buckets of the n-grams of
    /// `word`, and the number of n-grams, added to `acc`; returns the
    /// word's own sums (its part of each head's block, for its reason).
    #[inline]
    pub(crate) fn add_word(&self, word: &str, acc: &mut CharSums) -> [f64; 2] {
        // Summed in locals and stored once: the same additions in the
        // same order, without a store to `acc` per n-gram.
        let (mut sums, mut own, mut n) = (acc.sums, [0f64; 2], 0u32);
        let weights = &self.weights[..];
        crate::chargrams::for_each_bucket(word, self.bits, |b| {
            let w = weights[b as usize];
            sums[0] += w[0] as f64;
            sums[1] += w[1] as f64;
            own[0] += w[0] as f64;
            own[1] += w[1] as f64;
            n += 1;
        });
        acc.sums = sums;
        acc.n += n;
        own
    }
}

/// A comment's character block, summed: per abuse head (toxicity,
/// identity attack) the sum of `w·r` over its n-grams, and their number.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct CharSums {
    pub(crate) sums: [f64; 2],
    pub(crate) n: u32,
}

impl CharSums {
    /// What the block adds to the log odds of abuse head `head` (before
    /// calibration): its sum over the square root of the number of
    /// n-grams.
    pub(crate) fn term(&self, head: usize) -> f64 {
        self.word_term(self.sums, head)
    }

    /// What a block sum is multiplied by: one over the square root of the
    /// number of n-grams.
    pub(crate) fn scale(&self) -> f64 {
        crate::chargrams::scale(self.n)
    }

    /// What block sums `own` give head `head`'s term: a word's own sums
    /// ([`CharTable::add_word`]) its part, the comment's sums the whole.
    pub(crate) fn word_term(&self, own: [f64; 2], head: usize) -> f64 {
        match CHAR_HEADS.iter().position(|&h| h == head) {
            Some(i) => own[i] * self.scale(),
            None => 0.0,
        }
    }
}

impl Head {
    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.classes.len()
    }

    /// Whether any example trained this head. An untrained head has no
    /// features and no say in a verdict.
    pub fn is_trained(&self) -> bool {
        self.class_counts.iter().filter(|&&c| c > 0).count() >= 2
    }

    /// The number of table columns the head takes: two for a head with a
    /// logistic layer (`w·d` and `w`, see the table's shift below), one
    /// log-probability per class otherwise.
    pub fn columns(&self) -> usize {
        if self.logistic.is_some() {
            2
        } else {
            self.n_classes()
        }
    }

    /// `ln prior` per class (class count over all counts, as linfa-bayes);
    /// uniform for an untrained head.
    pub fn log_priors(&self) -> Vec<f64> {
        let total: u64 = self.class_counts.iter().sum();
        if total == 0 {
            let c = self.n_classes().max(1) as f64;
            return vec![-c.ln(); self.n_classes()];
        }
        self.class_counts
            .iter()
            .map(|&c| (c as f64 / total as f64).ln())
            .collect()
    }

    /// `ln P(feature | class)` for every key (row-major), computed as
    /// linfa-bayes does: `ln(count + α) − ln Σ(count + α)`.
    pub fn log_probs(&self) -> Vec<f64> {
        log_probs(&self.counts, self.n_classes(), self.alpha)
    }

    /// The naive Bayes log-count ratio of every key of a two-class head:
    /// `ln P(f | class 1) − ln P(f | class 0)`.
    pub fn log_count_ratios(&self) -> Vec<f64> {
        self.log_probs()
            .chunks_exact(2)
            .map(|p| p[1] - p[0])
            .collect()
    }

    /// `ln P(structure feature | class)` for every structure key,
    /// normalized over the structure features alone: a comment's place in
    /// its thread is one categorical feature (one key per example), apart
    /// from its words, so a comment whose place is not known is scored
    /// exactly as by a model trained without structure.
    pub fn structure_log_probs(&self) -> Vec<f64> {
        log_probs(&self.structure_counts, self.n_classes(), self.alpha)
    }

    /// The calibrated log odds of class 1 for a logistic head whose
    /// features summed to `sum` over `n` distinct vocabulary features
    /// (`None` without a trained logistic layer).
    pub fn log_odds(&self, sum: f64, n: usize) -> Option<f64> {
        self.log_odds_with(sum, n, 0.0)
    }

    /// [`Head::log_odds`] with `chars` added to the uncalibrated log odds:
    /// what the head's character block gives the comment.
    pub fn log_odds_with(&self, sum: f64, n: usize, chars: f64) -> Option<f64> {
        match &self.logistic {
            Some(l) if self.is_trained() => {
                let z = l.bias + sum / (n.max(1) as f64).sqrt() + chars;
                Some(l.platt.0 * z + l.platt.1)
            }
            _ => None,
        }
    }

    /// The calibrated probability of class 1 for a logistic head whose
    /// features summed to `sum` over `n` distinct vocabulary features (0
    /// without a trained logistic layer).
    pub fn probability(&self, sum: f64, n: usize) -> f64 {
        self.log_odds(sum, n).map_or(0.0, sigmoid)
    }

    /// [`Head::probability`] with the character block's term added (see
    /// [`Head::log_odds_with`]).
    pub fn probability_with(&self, sum: f64, n: usize, chars: f64) -> f64 {
        self.log_odds_with(sum, n, chars).map_or(0.0, sigmoid)
    }
}

/// `ln(count + α) − ln Σ(count + α)` per class, row-major by key.
pub(crate) fn log_probs(counts: &[f32], c: usize, alpha: f64) -> Vec<f64> {
    let mut totals = vec![0f64; c];
    for row in counts.chunks_exact(c.max(1)) {
        for (t, &x) in totals.iter_mut().zip(row) {
            *t += x as f64 + alpha;
        }
    }
    let ln_tot: Vec<f64> = totals.iter().map(|t| t.ln()).collect();
    // Most counts are small whole numbers (a character block has a million
    // of them, nearly all below a few dozen): their logarithms are taken
    // once each, the same value `ln` gives, so loading a model costs a
    // lookup per count instead of a logarithm.
    let small: Vec<f64> = (0..SMALL_COUNTS).map(|n| (n as f64 + alpha).ln()).collect();
    let ln = |x: f32| {
        let n = x as usize;
        if n as f32 == x && n < SMALL_COUNTS {
            small[n]
        } else {
            (x as f64 + alpha).ln()
        }
    };
    let mut out = vec![0f64; counts.len()];
    for (o, row) in out
        .chunks_exact_mut(c.max(1))
        .zip(counts.chunks_exact(c.max(1)))
    {
        for ((o, &x), t) in o.iter_mut().zip(row).zip(&ln_tot) {
            *o = ln(x) - t;
        }
    }
    out
}

/// Counts below this have their `ln(count + α)` looked up in
/// [`log_probs`].
const SMALL_COUNTS: usize = 256;

/// Words' toxic-span weights: the log odds that a word is inside a span
/// that annotators marked toxic, from the toxic-span training file
/// (`ln((inside + 1) / (outside + 1))`, counted over comments with a
/// marked span).
#[derive(Debug, Clone, PartialEq)]
pub struct SpanLexicon {
    /// Word keys, sorted.
    pub keys: Vec<u64>,
    /// One weight per key.
    pub weights: Vec<f32>,
    /// Whether an abusive comment with no word of positive weight gets the
    /// word that pushed hardest toward abuse as its span.
    pub fallback: bool,
    /// The span tagger, which decides instead of the weights' sign when
    /// present (the weights are then kept with no margin taken off).
    pub tagger: Option<SpanTagger>,
}

/// How many numbers the span tagger reads per word.
pub const SPAN_TAGGER_FEATURES: usize = 5;

/// The span tagger's logistic regression over a word's numbers
/// (`spans::tagger`): P(inside a toxic span) = σ(weights · x + bias); a
/// word is marked above `threshold`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpanTagger {
    /// One weight per number.
    pub weights: [f32; SPAN_TAGGER_FEATURES],
    /// The intercept.
    pub bias: f32,
    /// The probability a word must exceed to be marked.
    pub threshold: f32,
}

impl Default for SpanLexicon {
    /// No words; the fallback on.
    fn default() -> Self {
        SpanLexicon {
            keys: Vec::new(),
            weights: Vec::new(),
            fallback: true,
            tagger: None,
        }
    }
}

/// Decision thresholds applied to the calibrated attribute scores.
///
/// | Name | Default | Meaning | Range |
/// |---|---|---|---|
/// | `spam` | 0.5 | label `spam` when P(spam) is at least this | (0, 1) |
/// | `abuse` | 0.45 (chosen by leaving one source out, see `docs/model-selection.md`) | label `abuse` when the abuse score (the larger of toxicity and identity attack) is at least this | (0, 1) |
/// | `off_topic` | 0.5 | label `off_topic` when P(off topic \| neither) is at least this | (0, 1) |
/// | `spam_hold` | 0.5 | hold for review when the spam score is at least this | (0, `spam_reject`] |
/// | `spam_reject` | 0.95 | reject when the spam score is at least this | [`spam_hold`, 1] |
/// | `abuse_hold` | 0.45 | hold for review when the abuse score is at least this | (0, `abuse_reject`] |
/// | `abuse_reject` | 1.0 | reject when the abuse score is at least this (1.0: only a certain score) | [`abuse_hold`, 1] |
///
/// The first three decide the label; the last four the moderation
/// [`Decision`](crate::Decision) (see [`Thresholds::decide`]). Model files
/// written before the hold band existed load with the band closed at 0.5
/// (hold = reject), so their decisions follow their labels.
///
/// The scores are calibrated on sources the model was not trained on, so
/// the defaults read as probabilities: a comment is held when it is more
/// likely spam than not or at least 45% likely abusive (the cut that
/// scored best when each source was left out in turn), spam is rejected outright when it is
/// spam with probability 0.95, and abuse is never rejected without a
/// person (a false rejection silences a reader; a held comment waits).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// For `spam`.
    pub spam: f64,
    /// For `abuse`.
    pub abuse: f64,
    /// For `off_topic`.
    pub off_topic: f64,
    /// Hold a comment for review from this spam score.
    #[serde(default = "half")]
    pub spam_hold: f64,
    /// Reject a comment from this spam score.
    #[serde(default = "half")]
    pub spam_reject: f64,
    /// Hold a comment for review from this abuse score.
    #[serde(default = "half")]
    pub abuse_hold: f64,
    /// Reject a comment from this abuse score.
    #[serde(default = "half")]
    pub abuse_reject: f64,
}

fn half() -> f64 {
    0.5
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            spam: 0.5,
            abuse: 0.45,
            off_topic: 0.5,
            spam_hold: 0.5,
            spam_reject: 0.95,
            abuse_hold: 0.45,
            abuse_reject: 1.0,
        }
    }
}

impl Thresholds {
    /// The moderation decision for attribute scores: reject when either
    /// score reaches its reject threshold, else hold for review when either
    /// reaches its hold threshold, else approve.
    pub fn decide(&self, scores: &crate::verdict::Scores) -> crate::verdict::Decision {
        use crate::verdict::Decision;
        if scores.spam >= self.spam_reject || scores.abuse >= self.abuse_reject {
            Decision::Reject
        } else if scores.spam >= self.spam_hold || scores.abuse >= self.abuse_hold {
            Decision::Hold
        } else {
            Decision::Approve
        }
    }
}

/// What the model was trained on, kept in the file for provenance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// Number of training examples.
    pub examples: u64,
    /// Hex digest (FNV-1a 64) of the training texts and labels, in order.
    pub digest: String,
    /// Free-form description of the sources.
    pub sources: Vec<String>,
}

/// A trained model: tokenizer and feature settings, lexicon, heads,
/// toxic-span weights and thresholds. Immutable once built; share it with
/// `Arc`.
#[derive(Debug, Clone)]
pub struct Model {
    /// Tokenizer settings.
    pub tokenizer: TokenizerConfig,
    /// Feature settings.
    pub features: FeatureConfig,
    /// Words obfuscated spellings fold onto.
    pub lexicon: Lexicon,
    /// The heads, in [`HEADS`] order.
    pub heads: Vec<Head>,
    /// Words' toxic-span weights.
    pub spans: SpanLexicon,
    /// Decision thresholds.
    pub thresholds: Thresholds,
    /// Training provenance.
    pub provenance: Provenance,
    pub(crate) table: Table,
    pub(crate) chars: Option<CharTable>,
    pub(crate) extractor: Extractor,
}

impl Model {
    /// Builds a model and compiles its lookup table.
    pub fn new(
        tokenizer: TokenizerConfig,
        features: FeatureConfig,
        lexicon: Lexicon,
        heads: Vec<Head>,
        spans: SpanLexicon,
        thresholds: Thresholds,
        provenance: Provenance,
    ) -> Self {
        let table = Table::compile(&heads, &spans);
        let chars = CharTable::compile(&heads);
        let extractor = Extractor {
            tokenizer: crate::tokenize::Tokenizer::new(
                tokenizer.clone(),
                std::sync::Arc::new(lexicon.clone()),
            ),
            config: features.clone(),
        };
        Model {
            tokenizer,
            features,
            lexicon,
            heads,
            spans,
            thresholds,
            provenance,
            table,
            chars,
            extractor,
        }
    }

    /// The model with other toxic-span weights.
    pub fn with_spans(mut self, spans: SpanLexicon) -> Self {
        self.spans = spans;
        self.table = Table::compile(&self.heads, &self.spans);
        self
    }

    /// The head called `name`.
    pub fn head(&self, name: &str) -> Option<&Head> {
        self.heads.iter().find(|h| h.name == name)
    }

    /// The feature extractor this model was trained with.
    pub fn extractor(&self) -> &Extractor {
        &self.extractor
    }

    /// The model's shared vocabulary: the keys of its attribute heads.
    pub fn vocabulary(&self) -> &[u64] {
        self.heads
            .iter()
            .find(|h| h.logistic.is_some())
            .map_or(&[], |h| &h.keys)
    }

    /// Per-class joint log-likelihoods of naive Bayes head `h` (one
    /// without a logistic layer) for a list of keys (one entry per
    /// occurrence): the sparse form of linfa-bayes's `joint_log_likelihood`.
    pub fn joint_log_likelihood(&self, h: usize, keys: &[u64]) -> Vec<f64> {
        let mut sums = vec![0f64; self.table.width];
        for &k in keys {
            if let Some(row) = self.table.row(k) {
                for (s, &v) in sums.iter_mut().zip(row) {
                    *s += v as f64;
                }
            }
        }
        let off = self.table.offsets[h];
        let n = self.heads[h].columns();
        sums[off..off + n]
            .iter()
            .zip(&self.table.log_priors[off..off + n])
            .map(|(s, p)| s + p)
            .collect()
    }

    /// Approximate bytes of memory held by the compiled lookup table.
    pub fn table_bytes(&self) -> usize {
        self.table.heap_bytes()
    }
}

/// The probability of class `i` among per-class log-likelihoods `jll`
/// (log-sum-exp after subtracting the maximum), without allocating.
#[inline]
pub(crate) fn softmax_at(jll: &[f64], i: usize) -> f64 {
    let max = jll.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return 1.0 / jll.len() as f64;
    }
    let sum: f64 = jll.iter().map(|&x| (x - max).exp()).sum();
    (jll[i] - max).exp() / sum
}

/// Converts per-class log-likelihoods to probabilities with log-sum-exp.
pub fn softmax(jll: &[f64]) -> Vec<f64> {
    (0..jll.len()).map(|i| softmax_at(jll, i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Decision, Scores};

    #[test]
    fn thresholds_without_a_hold_band_load_closed_at_one_half() {
        let t: Thresholds =
            serde_json::from_str(r#"{"spam":0.5,"abuse":0.5,"off_topic":0.5}"#).unwrap();
        assert_eq!((t.spam_hold, t.spam_reject), (0.5, 0.5));
        assert_eq!((t.abuse_hold, t.abuse_reject), (0.5, 0.5));
        let s = |spam, abuse| Scores {
            spam,
            abuse,
            ..Default::default()
        };
        assert_eq!(t.decide(&s(0.6, 0.0)), Decision::Reject);
        assert_eq!(t.decide(&s(0.4, 0.4)), Decision::Approve);
        let d = Thresholds::default();
        assert_eq!(d.decide(&s(0.3, 0.0)), Decision::Approve);
        assert_eq!(d.decide(&s(0.6, 0.0)), Decision::Hold);
        assert_eq!(d.decide(&s(0.999, 0.0)), Decision::Reject);
        assert_eq!(d.decide(&s(0.0, 0.7)), Decision::Hold);
        assert_eq!(d.decide(&s(0.1, 0.1)), Decision::Approve);
    }
}
