//! Training: examples → features → naive Bayes counts → logistic layer.
//!
//! 1. **Features.** Every example becomes the set of its feature keys
//!    (presence, not counts). The shared vocabulary is every key found in
//!    at least `min_df` examples.
//! 2. **Lexicon.** Folding obfuscated spellings needs the words that
//!    matter: a first pass without a lexicon counts, per attribute head,
//!    the words that are strong evidence of spam, toxicity or an identity
//!    attack; the examples are then read again with that lexicon.
//! 3. **Attribute heads** (`spam`, `toxicity`, `identity_attack`), each on
//!    the examples that label its attribute: the naive Bayes counts of
//!    every vocabulary key per class (summed sparsely: one row per class of
//!    the dense matrix linfa-bayes would sum, equal to its `MultinomialNb`
//!    counts, as the tests check), the log-count ratio `r` of each key, and
//!    a logistic regression (`logistic`) fitted on the features
//!    scaled by `r` and normalised by the square root of the example's
//!    number of features (an L2 norm for presence features); for spam and
//!    identity attacks, with a column per training source, dropped after
//!    the fit, so that a source's share of positives is not learned as the
//!    words of its style.
//! 4. **Calibration.** Each source that labels an attribute is left out
//!    in turn; a head trained on the other sources scores it, and Platt
//!    scaling is fitted on those out-of-source scores, every source
//!    weighing the same, so probabilities hold on a source the head has not
//!    seen: one slope shared by the sources, an intercept per source, and
//!    the mean intercept kept ([`Calibration::SharedSlope`]). The spam
//!    intercept is then lowered where needed so that news comments (sources
//!    with no spam) stay within a false-spam budget. When the share of
//!    positives in the stream to be scored is known (`stream_rate`), the
//!    calibrated odds are shifted to it.
//! 5. **Label head**: linfa-bayes's `MultinomialNb` on the hand-labeled
//!    comments, over its own vocabulary, with the thread-structure feature
//!    apart.
//!
//! Training is deterministic: the same examples in the same order and the
//! same parameters give a byte-identical model file. The heads are fitted
//! on threads of their own; each fit is sequential.

mod attribute;
mod label_head;

use std::collections::HashMap;
use std::sync::Arc;

use attribute::{attribute_head, nb_counts};
use label_head::label_head;

use crate::chargrams::{is_word_feature, Grams};
use crate::error::{Error, Result};
use crate::features::{Extractor, FeatureConfig};
use crate::label::Example;
use crate::model::{
    Head, Model, Provenance, SpanLexicon, Thresholds, HEADS, IDENTITY_ATTACK, LABEL, SPAM, TOXICITY,
};
use crate::normalize::normalize;
use crate::tokenize::{Lexicon, TokenKind, Tokenizer, TokenizerConfig};

/// The naive Bayes smoothing of the counts that choose the folding
/// lexicon.
const LEXICON_ALPHA: f64 = 1.0;

/// How Platt scaling is fitted on the out-of-source scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calibration {
    /// One slope and one intercept over the scores of every left-out
    /// source, each source weighing the same.
    Pooled,
    /// One slope shared by the sources and an intercept per source
    /// (`logistic::platt_grouped`); the model keeps the mean of
    /// the intercepts of the sources with both classes, the offset a new
    /// source should expect.
    SharedSlope,
}

/// Training parameters.
///
/// | Name | Default | Meaning | Range |
/// |---|---|---|---|
/// | `alpha` | spam 1, toxicity 0.25, identity attack 0.25 | additive smoothing of each attribute head's naive Bayes counts (chosen by leaving one source out, see `docs/model-selection.md`; the folding lexicon's counts keep α = 1) | (0, ∞) |
/// | `label_alpha` | 0.5 | additive smoothing of the label head | (0, ∞) |
/// | `min_df` | 3 | a key enters the vocabulary when it occurs in this many examples | 1.. |
/// | `l2` | spam 0.25, toxicity 1, identity attack 1 | penalty weight λ of each attribute head's logistic layer (scikit-learn's `1/C`; chosen by leaving one source out, see `docs/model-selection.md`) | (0, ∞) |
/// | `char_bits` | 18 (chosen by leaving one source out, see `docs/model-selection.md`) | with `Some(bits)`, the toxicity and identity-attack heads get a character block of `2^bits` hashed buckets of the character 3–5-grams of their words (`chargrams`); `None`: words only | 1..=24 |
/// | `abuse_link_count` | false (chosen by leaving one source out, see `docs/model-selection.md`) | whether the toxicity and identity-attack heads read the link-count shape (`links=0`, ...); with `false` its feature value is 0 in their logistic layer, so its weight is 0 (spam always reads it) | |
/// | `source_intercepts` | spam and identity attack yes, toxicity no (chosen by leaving one source out, with the spam head's false-spam budget chosen again for it, see `docs/model-selection.md`) | whether the logistic fit of each attribute head has a column per training source, 1 for its examples, dropped after the fit (a source's share of positives explained by its own column, not by the words of its style) | |
/// | `calibrate` | true | fit Platt scaling on out-of-source scores (else the identity) | |
/// | `calibration` | [`Calibration::SharedSlope`] | how the Platt fit treats the left-out sources | |
/// | `false_spam_budget` | 0.005 (chosen by leaving one source out, see `docs/model-selection.md`) | the spam head's intercept is lowered where needed so that on each training source with no spam (news comments) at most this share of its out-of-source scores reaches 0.5 | [0, 1) |
/// | `stream_rate` | none | per attribute head, the share of positives in the stream the model will score; the calibrated scores are shifted from the training mix's share to it (none: the training mix's) | (0, 1) |
/// | `tokenizer` | [`TokenizerConfig::default`] | tokenizer settings | |
/// | `features` | [`FeatureConfig::default`] (function words left out: chosen by leaving one source out, see `docs/model-selection.md`) | bigrams, character n-grams, function words | |
/// | `lexicon_min_count` | 3 | a word joins the folding lexicon when it occurs at least this often in spam, toxic or attacking examples... | 1.. |
/// | `lexicon_min_ratio` | ln 2 | ...and its log-count ratio toward that class is at least this (twice as frequent) | (0, ∞) |
/// | `chunk_bytes` | 32 MiB | size of the dense chunks handed to linfa-bayes (label head) | 1 MiB.. |
/// | `thresholds` | [`Thresholds::default`] | decision thresholds stored in the model | (0, 1) |
#[derive(Debug, Clone, PartialEq)]
pub struct TrainParams {
    alpha: [f64; 3],
    label_alpha: f64,
    min_df: u32,
    l2: [f64; 3],
    char_bits: Option<u32>,
    abuse_link_count: bool,
    source_intercepts: [bool; 3],
    calibrate: bool,
    calibration: Calibration,
    false_spam_budget: Option<f64>,
    stream_rate: [Option<f64>; 3],
    tokenizer: TokenizerConfig,
    features: FeatureConfig,
    lexicon_min_count: u32,
    lexicon_min_ratio: f64,
    chunk_bytes: usize,
    thresholds: Thresholds,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            alpha: [1.0, 0.25, 0.25],
            label_alpha: 0.5,
            min_df: 3,
            l2: [0.25, 1.0, 1.0],
            char_bits: Some(crate::chargrams::DEFAULT_BITS),
            abuse_link_count: false,
            source_intercepts: [true, false, true],
            calibrate: true,
            calibration: Calibration::SharedSlope,
            false_spam_budget: Some(0.005),
            stream_rate: [None; 3],
            tokenizer: TokenizerConfig::default(),
            features: FeatureConfig::default(),
            lexicon_min_count: 3,
            lexicon_min_ratio: std::f64::consts::LN_2,
            chunk_bytes: 32 << 20,
            thresholds: Thresholds::default(),
        }
    }
}

impl TrainParams {
    /// Sets the smoothing of the attribute heads' counts.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = [alpha; 3];
        self
    }
    /// Sets the smoothing of attribute head `head`'s counts ([`SPAM`],
    /// [`TOXICITY`] or [`IDENTITY_ATTACK`]; other heads are ignored).
    pub fn head_alpha(mut self, head: usize, alpha: f64) -> Self {
        if let Some(a) = self.alpha.get_mut(head) {
            *a = alpha;
        }
        self
    }
    /// Sets the smoothing of the label head.
    pub fn label_alpha(mut self, alpha: f64) -> Self {
        self.label_alpha = alpha;
        self
    }
    /// Sets the minimum document frequency of a vocabulary key.
    pub fn min_df(mut self, min_df: u32) -> Self {
        self.min_df = min_df;
        self
    }
    /// Sets the penalty weight of every attribute head's logistic layer.
    pub fn l2(mut self, l2: f64) -> Self {
        self.l2 = [l2; 3];
        self
    }
    /// Sets the penalty weight of attribute head `head`'s logistic layer
    /// ([`SPAM`], [`TOXICITY`] or [`IDENTITY_ATTACK`]; other heads are
    /// ignored).
    pub fn head_l2(mut self, head: usize, l2: f64) -> Self {
        if let Some(l) = self.l2.get_mut(head) {
            *l = l2;
        }
        self
    }
    /// Sets the character block of the abuse heads: `Some(bits)` for
    /// `2^bits` buckets, `None` for none.
    pub fn char_block(mut self, bits: Option<u32>) -> Self {
        self.char_bits = bits;
        self
    }
    /// Sets how the calibration treats the left-out sources.
    pub fn calibration(mut self, calibration: Calibration) -> Self {
        self.calibration = calibration;
        self
    }

    /// Sets the share of news comments (training sources that label spam
    /// but have none) the spam head may call spam on out-of-source scores;
    /// `None`: no budget.
    pub fn false_spam_budget(mut self, budget: Option<f64>) -> Self {
        self.false_spam_budget = budget;
        self
    }

    /// Sets whether the logistic fit of every attribute head has a column
    /// per training source (dropped after the fit).
    pub fn source_intercepts(mut self, on: bool) -> Self {
        self.source_intercepts = [on; 3];
        self
    }
    /// Sets it for attribute head `head` ([`SPAM`], [`TOXICITY`] or
    /// [`IDENTITY_ATTACK`]; other heads are ignored).
    pub fn head_source_intercepts(mut self, head: usize, on: bool) -> Self {
        if let Some(x) = self.source_intercepts.get_mut(head) {
            *x = on;
        }
        self
    }

    /// Sets whether the toxicity and identity-attack heads read the
    /// link-count shape.
    pub fn abuse_link_count(mut self, read: bool) -> Self {
        self.abuse_link_count = read;
        self
    }

    /// Sets whether to calibrate on out-of-source scores.
    pub fn calibrate(mut self, calibrate: bool) -> Self {
        self.calibrate = calibrate;
        self
    }
    /// Sets the share of positives for attribute head `head` ([`SPAM`],
    /// [`TOXICITY`] or [`IDENTITY_ATTACK`]) in the stream the model will
    /// score (other heads are ignored).
    pub fn stream_rate(mut self, head: usize, rate: f64) -> Self {
        if let Some(r) = self.stream_rate.get_mut(head) {
            *r = Some(rate);
        }
        self
    }
    /// Sets the tokenizer settings.
    pub fn tokenizer(mut self, config: TokenizerConfig) -> Self {
        self.tokenizer = config;
        self
    }
    /// Sets the feature settings.
    pub fn features(mut self, config: FeatureConfig) -> Self {
        self.features = config;
        self
    }
    /// Sets the minimum count of a lexicon word.
    pub fn lexicon_min_count(mut self, n: u32) -> Self {
        self.lexicon_min_count = n;
        self
    }
    /// Sets the minimum log-count ratio of a lexicon word.
    pub fn lexicon_min_ratio(mut self, r: f64) -> Self {
        self.lexicon_min_ratio = r;
        self
    }
    /// Sets the size of dense training chunks.
    pub fn chunk_bytes(mut self, n: usize) -> Self {
        self.chunk_bytes = n;
        self
    }
    /// Sets the decision thresholds.
    pub fn thresholds(mut self, t: Thresholds) -> Self {
        self.thresholds = t;
        self
    }
    /// The smoothing of attribute head `head` (the spam head's for any
    /// other index).
    pub fn get_alpha(&self, head: usize) -> f64 {
        self.alpha.get(head).copied().unwrap_or(self.alpha[SPAM])
    }
    /// The smoothing of the label head.
    pub fn get_label_alpha(&self) -> f64 {
        self.label_alpha
    }
    /// The tokenizer settings.
    pub fn get_tokenizer(&self) -> &TokenizerConfig {
        &self.tokenizer
    }
    /// The feature settings.
    pub fn get_features(&self) -> &FeatureConfig {
        &self.features
    }
    /// The character block's bucket bits of the abuse heads (`None`: no
    /// block).
    pub fn get_char_block(&self) -> Option<u32> {
        self.char_bits
    }

    /// Validates every parameter.
    pub fn validate(&self) -> Result<()> {
        let bad = |name, value: String, expected| {
            Err(Error::InvalidParam {
                name,
                value,
                expected,
            })
        };
        for (name, a) in [
            ("alpha", self.alpha[SPAM]),
            ("alpha", self.alpha[TOXICITY]),
            ("alpha", self.alpha[IDENTITY_ATTACK]),
            ("label_alpha", self.label_alpha),
            ("l2", self.l2[SPAM]),
            ("l2", self.l2[TOXICITY]),
            ("l2", self.l2[IDENTITY_ATTACK]),
        ] {
            if !(a.is_finite() && a > 0.0) {
                return bad(name, a.to_string(), "a finite number > 0");
            }
        }
        if self.min_df == 0 {
            return bad("min_df", "0".into(), "at least 1");
        }
        if let Some(r) = self
            .stream_rate
            .iter()
            .flatten()
            .find(|r| !(**r > 0.0 && **r < 1.0))
        {
            return bad("stream_rate", r.to_string(), "strictly between 0 and 1");
        }
        if let Some(q) = self.false_spam_budget.filter(|q| !(*q >= 0.0 && *q < 1.0)) {
            return bad("false_spam_budget", q.to_string(), "in [0, 1)");
        }
        if let Some(b) = self.char_bits {
            if !(1..=24).contains(&b) {
                return bad("char_bits", b.to_string(), "1..=24");
            }
        }
        if self.lexicon_min_count == 0 {
            return bad("lexicon_min_count", "0".into(), "at least 1");
        }
        if !(self.lexicon_min_ratio.is_finite() && self.lexicon_min_ratio > 0.0) {
            return bad(
                "lexicon_min_ratio",
                self.lexicon_min_ratio.to_string(),
                "a finite number > 0",
            );
        }
        if self.chunk_bytes < 1 << 20 {
            return bad(
                "chunk_bytes",
                self.chunk_bytes.to_string(),
                "at least 1 MiB",
            );
        }
        if self.tokenizer.max_word_len == 0 || self.tokenizer.max_word_len > 1000 {
            return bad(
                "tokenizer.max_word_len",
                self.tokenizer.max_word_len.to_string(),
                "1..=1000",
            );
        }
        let t = self.thresholds;
        for (name, v) in [
            ("thresholds.spam", t.spam),
            ("thresholds.abuse", t.abuse),
            ("thresholds.off_topic", t.off_topic),
        ] {
            if !(v > 0.0 && v < 1.0) {
                return bad(name, v.to_string(), "strictly between 0 and 1");
            }
        }
        for (name, hold, reject) in [
            ("thresholds.spam_hold", t.spam_hold, t.spam_reject),
            ("thresholds.abuse_hold", t.abuse_hold, t.abuse_reject),
        ] {
            if !(hold > 0.0 && hold <= reject && reject <= 1.0) {
                return bad(
                    name,
                    format!("{hold} (reject at {reject})"),
                    "0 < hold ≤ reject ≤ 1",
                );
            }
        }
        Ok(())
    }
}

/// A document's features: (key, count), sorted by key.
type Doc = Vec<(u64, f32)>;

/// An example's features: its words' (with its context's, when the
/// features use context), apart its thread structure's, and the character
/// n-grams of its words (with a character block).
struct Docs {
    text: Doc,
    structure: Doc,
    grams: Grams,
}

fn doc_features(
    ex: &Extractor,
    example: &Example,
    words: Option<&mut HashMap<u64, String>>,
    char_bits: Option<u32>,
) -> Docs {
    let text = example.text.as_str();
    let norm = normalize(text);
    let mut keys = ex.context_keys(example.context.as_deref().unwrap_or(""));
    let structure = match example.reply.filter(|_| ex.config.structure) {
        Some(reply) => vec![(crate::features::structure_key(reply), 1.0)],
        None => Vec::new(),
    };
    let mut words = words;
    let mut buckets = Vec::new();
    ex.scan(&norm, text, |feat, tok| {
        keys.push(feat.key);
        if let Some(bits) = char_bits.filter(|_| is_word_feature(feat, tok)) {
            crate::chargrams::for_each_bucket(tok.text, bits, |b| buckets.push(b));
        }
        if let Some(w) = words.as_deref_mut() {
            if tok.kind == TokenKind::Word
                && tok.span == feat.span
                && tok.text.len() >= 3
                && tok.text.chars().all(char::is_alphabetic)
            {
                w.entry(feat.key).or_insert_with(|| tok.text.to_string());
            }
        }
    });
    Docs {
        text: to_doc(ex, keys),
        structure,
        grams: Grams::from_buckets(buckets),
    }
}

/// Counts keys into a document (each once when the features are binary).
fn to_doc(ex: &Extractor, mut keys: Vec<u64>) -> Doc {
    keys.sort_unstable();
    let mut doc: Doc = Vec::with_capacity(keys.len());
    for k in keys {
        match doc.last_mut() {
            Some((lk, c)) if *lk == k => {
                if !ex.config.binary {
                    *c += 1.0
                }
            }
            _ => doc.push((k, 1.0)),
        }
    }
    doc
}

/// The class of `example` for attribute head `head`, when it labels it.
pub fn attribute(head: usize, example: &Example) -> Option<bool> {
    match head {
        SPAM => example.spam,
        TOXICITY => example.toxicity,
        IDENTITY_ATTACK => example.identity_attack,
        _ => None,
    }
}

/// Examples as rows of vocabulary indices (sorted), from their documents.
fn vocab_rows(vocab: &[u64], docs: &[Docs]) -> Vec<Vec<u32>> {
    docs.iter()
        .map(|d| {
            d.text
                .iter()
                .filter_map(|(k, _)| vocab.binary_search(k).ok().map(|i| i as u32))
                .collect()
        })
        .collect()
}

/// FNV-1a 64 digest of the examples, in order.
fn digest(examples: &[Example]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: &[u8]| {
        for &x in b {
            h ^= x as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    let code = |b: Option<bool>| b.map_or(9, u8::from);
    for ex in examples {
        eat(ex.text.as_bytes());
        eat(&[
            0xff,
            ex.label.map_or(9, |l| l.index() as u8),
            code(ex.spam),
            code(ex.toxicity),
            code(ex.identity_attack),
        ]);
    }
    format!("{h:016x}")
}

/// Keys found in at least `min_df` documents, sorted.
fn vocabulary<'d>(docs: impl IntoIterator<Item = &'d Doc>, min_df: u32) -> Vec<u64> {
    let mut df: HashMap<u64, u32> = HashMap::new();
    for d in docs {
        for &(k, _) in d {
            *df.entry(k).or_default() += 1;
        }
    }
    let mut vocab: Vec<u64> = df
        .into_iter()
        .filter(|&(_, n)| n >= min_df)
        .map(|(k, _)| k)
        .collect();
    vocab.sort_unstable();
    vocab
}

/// Trains a model on `examples`. `sources` describes where they came from
/// (kept in the model file).
pub fn train(params: &TrainParams, examples: &[Example], sources: Vec<String>) -> Result<Model> {
    params.validate()?;
    // Some head must see two classes, or the model could say nothing.
    let classes = |h: usize| {
        let mut seen = [false; 2];
        for y in examples.iter().filter_map(|e| attribute(h, e)) {
            seen[usize::from(y)] = true;
        }
        seen
    };
    let mut labels: Vec<_> = examples.iter().filter_map(|e| e.label).collect();
    labels.sort_unstable();
    labels.dedup();
    if (0..LABEL).all(|h| classes(h) != [true, true]) && labels.len() < 2 {
        let said: Vec<String> = HEADS[..LABEL]
            .iter()
            .enumerate()
            .map(|(h, (name, _))| {
                let n = |y| {
                    examples
                        .iter()
                        .filter(|e| attribute(h, e) == Some(y))
                        .count()
                };
                format!("{name}: {} yes, {} no", n(true), n(false))
            })
            .collect();
        return Err(Error::Training(format!(
            "training needs examples of at least two classes of some attribute; the {} examples give {} and {} content labels",
            examples.len(),
            said.join(", "),
            labels.len()
        )));
    }
    // `grams`: whether this reading is the last, whose character n-grams
    // the abuse heads' blocks are made of.
    let extract = |lexicon: &Lexicon, words: Option<&mut HashMap<u64, String>>, grams: bool| {
        let ex = Extractor {
            tokenizer: Tokenizer::new(params.tokenizer.clone(), Arc::new(lexicon.clone())),
            config: params.features.clone(),
        };
        let mut words = words;
        let bits = params.char_bits.filter(|_| grams);
        examples
            .iter()
            .map(|e| doc_features(&ex, e, words.as_deref_mut(), bits))
            .collect::<Vec<Docs>>()
    };
    let fold = params.tokenizer.fold;
    let mut words = HashMap::new();
    let mut docs = extract(&Lexicon::default(), Some(&mut words), !fold);
    let mut lexicon = Lexicon::default();
    if fold {
        let vocab = vocabulary(docs.iter().map(|d| &d.text), params.min_df);
        let rows = vocab_rows(&vocab, &docs);
        lexicon = build_lexicon(examples, &rows, &vocab, &words, params);
        if !lexicon.is_empty() || params.char_bits.is_some() {
            docs = extract(&lexicon, None, true);
        }
    }
    let vocab = vocabulary(docs.iter().map(|d| &d.text), params.min_df);
    let rows = vocab_rows(&vocab, &docs);
    let grams: Vec<Grams> = docs
        .iter_mut()
        .map(|d| std::mem::take(&mut d.grams))
        .collect();
    let mut heads: Vec<Head> = std::thread::scope(|s| {
        let jobs: Vec<_> = (0..LABEL)
            .map(|h| {
                let (rows, vocab, grams) = (&rows, &vocab, &grams);
                s.spawn(move || attribute_head(h, examples, rows, grams, vocab, params))
            })
            .collect();
        jobs.into_iter()
            .map(|j| j.join().expect("a training thread panicked"))
            .collect()
    });
    heads.push(label_head(examples, &docs, params)?);
    Ok(Model::new(
        params.tokenizer.clone(),
        params.features.clone(),
        lexicon,
        heads,
        SpanLexicon::default(),
        params.thresholds,
        Provenance {
            examples: examples.len() as u64,
            digest: digest(examples),
            sources,
        },
    ))
}

/// Words that are strong evidence of spam, toxicity or an identity attack
/// in naive Bayes counts over the first pass's features.
fn build_lexicon(
    examples: &[Example],
    rows: &[Vec<u32>],
    vocab: &[u64],
    words: &HashMap<u64, String>,
    params: &TrainParams,
) -> Lexicon {
    let mut best: HashMap<&str, f32> = HashMap::new();
    for h in 0..LABEL {
        let data: Vec<(&[u32], bool)> = examples
            .iter()
            .zip(rows)
            .filter_map(|(e, r)| attribute(h, e).map(|y| (&r[..], y)))
            .collect();
        if data.is_empty() {
            continue;
        }
        let (counts, _) = nb_counts(vocab.len(), &data);
        // A fixed smoothing, so that the lexicon, shared by the heads, does
        // not change with one head's α.
        let lp = crate::model::log_probs(&counts, 2, LEXICON_ALPHA);
        for (i, k) in vocab.iter().enumerate() {
            let Some(w) = words.get(k) else { continue };
            let bad_count = counts[i * 2 + 1];
            let ratio = lp[i * 2 + 1] - lp[i * 2];
            if bad_count >= params.lexicon_min_count as f32 && ratio >= params.lexicon_min_ratio {
                let e = best.entry(w.as_str()).or_insert(0.0);
                *e = e.max(ratio as f32);
            }
        }
    }
    Lexicon::new(best.into_iter().map(|(w, r)| (w.to_string(), r)).collect())
}
