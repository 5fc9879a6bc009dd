//! Training: examples → features → linfa-bayes `MultinomialNb` per head.
//!
//! Each head's vocabulary is fixed before fitting (the keys seen in at
//! least `min_df` of its examples), then linfa-bayes fits the head with
//! `fit_with` over dense chunks of rows sized to stay under `chunk_bytes`,
//! so memory stays bounded whatever the number of examples. The fitted
//! counts are read back from linfa-bayes's serialized state and kept
//! sparse in the [`Model`]. The thread-structure feature (one key per
//! example whose place in its thread is known) is a second, two-key
//! feature space of each head, fitted the same way on those examples.
//!
//! Folding obfuscated spellings needs a lexicon of the words that matter;
//! training builds it from the data in two passes: a first fit without a
//! lexicon finds the words that are strong evidence of spam or abuse; the
//! final fit tokenizes with that lexicon.
//!
//! Training is deterministic: the same examples in the same order and the
//! same parameters give a byte-identical model file.

use std::collections::HashMap;
use std::sync::Arc;

use linfa::traits::FitWith;
use linfa::DatasetView;
use linfa_bayes::MultinomialNb;
use ndarray::{Array1, Array2};

use crate::error::{Error, Result};
use crate::features::{Extractor, FeatureConfig};
use crate::label::Example;
use crate::model::{Head, Model, Provenance, Thresholds, HEADS};
use crate::normalize::normalize;
use crate::tokenize::{Lexicon, TokenKind, Tokenizer, TokenizerConfig};

/// Training parameters.
///
/// | Name | Default | Meaning | Range |
/// |---|---|---|---|
/// | `alpha` | 0.5 | additive smoothing of every head | (0, ∞) |
/// | `head_alpha` | none | smoothing of one head (`spam`, `abuse`, `label`), overriding `alpha` | (0, ∞) |
/// | `min_df` | 2 | a feature enters a head's vocabulary when it occurs in this many of its examples | 1.. |
/// | `tokenizer` | [`TokenizerConfig::default`] | tokenizer settings | |
/// | `features` | [`FeatureConfig::default`] | bigrams, binary counts | |
/// | `lexicon_min_count` | 3 | a word joins the folding lexicon when it occurs at least this often in spam or abuse... | 1.. |
/// | `lexicon_min_ratio` | 1.5 | ...and its log-probability ratio for that class is at least this | (0, ∞) |
/// | `chunk_bytes` | 32 MiB | size of the dense chunks handed to linfa-bayes | 1 MiB.. |
/// | `thresholds` | [`Thresholds::default`] | decision thresholds stored in the model | (0, 1) |
#[derive(Debug, Clone, PartialEq)]
pub struct TrainParams {
    alpha: f64,
    head_alpha: [Option<f64>; 3],
    min_df: u32,
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
            alpha: 0.5,
            head_alpha: [None; 3],
            min_df: 2,
            tokenizer: TokenizerConfig::default(),
            features: FeatureConfig::default(),
            lexicon_min_count: 3,
            lexicon_min_ratio: 1.5,
            chunk_bytes: 32 << 20,
            thresholds: Thresholds::default(),
        }
    }
}

impl TrainParams {
    /// Sets the additive smoothing.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }
    /// Sets the smoothing of one head (`spam`, `abuse` or `label`; other
    /// names are ignored), overriding `alpha` for it.
    pub fn head_alpha(mut self, head: &str, alpha: f64) -> Self {
        if let Some(i) = HEADS.iter().position(|(n, _)| *n == head) {
            self.head_alpha[i] = Some(alpha);
        }
        self
    }
    /// The smoothing of head `head`.
    pub fn get_head_alpha(&self, head: &str) -> f64 {
        HEADS
            .iter()
            .position(|(n, _)| *n == head)
            .and_then(|i| self.head_alpha[i])
            .unwrap_or(self.alpha)
    }
    /// Sets the minimum document frequency of a feature.
    pub fn min_df(mut self, min_df: u32) -> Self {
        self.min_df = min_df;
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
    /// Sets the minimum log-probability ratio of a lexicon word.
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
    /// The smoothing.
    pub fn get_alpha(&self) -> f64 {
        self.alpha
    }
    /// The tokenizer settings.
    pub fn get_tokenizer(&self) -> &TokenizerConfig {
        &self.tokenizer
    }
    /// The feature settings.
    pub fn get_features(&self) -> &FeatureConfig {
        &self.features
    }

    /// Validates every parameter.
    pub fn check(&self) -> Result<()> {
        let bad = |name, value: String, expected| {
            Err(Error::InvalidParam {
                name,
                value,
                expected,
            })
        };
        for a in std::iter::once(Some(self.alpha)).chain(self.head_alpha) {
            if let Some(a) = a.filter(|a| !(a.is_finite() && *a > 0.0)) {
                return bad("alpha", a.to_string(), "a finite number > 0");
            }
        }
        if self.min_df == 0 {
            return bad("min_df", "0".into(), "at least 1");
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
/// features use context) and, apart, its thread structure's.
struct Docs {
    text: Doc,
    structure: Doc,
}

fn doc_features(
    ex: &Extractor,
    example: &Example,
    words: Option<&mut HashMap<u64, String>>,
) -> Docs {
    let text = example.text.as_str();
    let norm = normalize(text);
    let mut keys = ex.context_keys(example.context.as_deref().unwrap_or(""));
    let structure = match example.reply.filter(|_| ex.config.structure) {
        Some(reply) => vec![(crate::features::structure_key(reply), 1.0)],
        None => Vec::new(),
    };
    let mut words = words;
    ex.scan(&norm, text, |feat, tok| {
        keys.push(feat.key);
        if let Some(w) = words.as_deref_mut() {
            if tok.kind == TokenKind::Word
                && tok.span.start == feat.span.start
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

/// Fits one head with linfa-bayes on `(documents, class index)` rows: the
/// word features, then, apart, the structure features (normalized on
/// their own; see [`Head::structure_log_probs`]).
fn fit_head(
    name: &str,
    classes: &[&str],
    rows: &[(&Docs, usize)],
    params: &TrainParams,
) -> Result<Head> {
    let mut head = Head {
        name: name.to_string(),
        classes: classes.iter().map(|s| s.to_string()).collect(),
        class_counts: vec![0; classes.len()],
        alpha: params.get_head_alpha(name),
        keys: Vec::new(),
        counts: Vec::new(),
        structure_keys: Vec::new(),
        structure_counts: Vec::new(),
    };
    if rows.is_empty() {
        // No example labels this head's attribute: an untrained head, which
        // the classifier ignores.
        return Ok(head);
    }
    let text: Vec<(&Doc, usize)> = rows.iter().map(|&(d, y)| (&d.text, y)).collect();
    (head.class_counts, head.keys, head.counts) = fit_space(name, classes, &text, params)?
        .ok_or_else(|| {
            Error::Training(format!(
                "head `{name}`: no feature occurs in {} or more examples",
                params.min_df
            ))
        })?;
    // Only the examples whose place in their thread is known.
    let structure: Vec<(&Doc, usize)> = rows
        .iter()
        .filter(|(d, _)| !d.structure.is_empty())
        .map(|&(d, y)| (&d.structure, y))
        .collect();
    let first = structure.first().map(|&(_, y)| y);
    if structure.iter().any(|&(_, y)| Some(y) != first) {
        if let Some((_, keys, counts)) = fit_space(name, classes, &structure, params)? {
            (head.structure_keys, head.structure_counts) = (keys, counts);
        }
    }
    Ok(head)
}

/// What one feature space fits to: class counts, vocabulary (sorted keys)
/// and feature counts (keys × classes).
type Fitted = (Vec<u64>, Vec<u64>, Vec<f32>);

/// Class counts, vocabulary and feature counts of one feature space (the
/// words' or the thread structure's) fitted by linfa-bayes; `None` when no feature
/// reaches `min_df`.
fn fit_space(
    name: &str,
    classes: &[&str],
    rows: &[(&Doc, usize)],
    params: &TrainParams,
) -> Result<Option<Fitted>> {
    let mut class_n = vec![0u64; classes.len()];
    for &(_, y) in rows {
        class_n[y] += 1;
    }
    if class_n.iter().filter(|&&n| n > 0).count() < 2 {
        return Err(Error::Training(format!(
            "head `{name}` needs examples of at least two classes; it has {} ({})",
            rows.len(),
            classes
                .iter()
                .zip(&class_n)
                .map(|(c, n)| format!("{c}: {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut df: HashMap<u64, u32> = HashMap::new();
    for (doc, _) in rows {
        for &(k, _) in doc.iter() {
            *df.entry(k).or_default() += 1;
        }
    }
    // The identity-group feature says whom a comment speaks of, which is
    // evidence about abuse, not about advertising: the spam head leaves it out.
    let group = crate::features::group_key();
    let mut keys: Vec<u64> = df
        .into_iter()
        .filter(|&(k, n)| n >= params.min_df && !(name == "spam" && k == group))
        .map(|(k, _)| k)
        .collect();
    keys.sort_unstable();
    if keys.is_empty() {
        return Ok(None);
    }
    let index: HashMap<u64, usize> = keys.iter().enumerate().map(|(i, &k)| (k, i)).collect();
    let width = keys.len();
    let rows_per_chunk = (params.chunk_bytes / (width * 8)).max(1);
    let alpha = params.get_head_alpha(name);
    let nb = MultinomialNb::<f64, usize>::params().alpha(alpha);
    let nb = linfa::ParamGuard::check(nb)?;
    let mut model: Option<MultinomialNb<f64, usize>> = None;
    for chunk in rows.chunks(rows_per_chunk) {
        let mut x = Array2::<f64>::zeros((chunk.len(), width));
        for (r, (doc, _)) in chunk.iter().enumerate() {
            for &(k, c) in doc.iter() {
                if let Some(&j) = index.get(&k) {
                    x[[r, j]] += c as f64;
                }
            }
        }
        let y: Array1<usize> = chunk.iter().map(|&(_, y)| y).collect();
        let ds = DatasetView::new(x.view(), y.view());
        model = nb.fit_with(model, &ds)?;
    }
    let model = model.ok_or_else(|| Error::Training(format!("head `{name}`: no examples")))?;
    let (class_counts, counts) = read_counts(&model, classes.len(), width)
        .map_err(|e| Error::Training(format!("head `{name}`: reading linfa-bayes state: {e}")))?;
    Ok(Some((class_counts, keys, counts)))
}

/// Reads class counts and feature counts out of linfa-bayes's serialized
/// model (its fields are private; serde is its public view of them).
pub(crate) fn read_counts(
    model: &MultinomialNb<f64, usize>,
    n_classes: usize,
    width: usize,
) -> std::result::Result<(Vec<u64>, Vec<f32>), String> {
    let v = serde_json::to_value(model).map_err(|e| e.to_string())?;
    let info = v
        .get("class_info")
        .and_then(|c| c.as_object())
        .ok_or("no class_info")?;
    let mut class_counts = vec![0u64; n_classes];
    let mut counts = vec![0f32; width * n_classes];
    for (label, ci) in info {
        let y: usize = label.parse().map_err(|_| format!("class {label:?}"))?;
        if y >= n_classes {
            return Err(format!("class {y} out of range"));
        }
        class_counts[y] = ci
            .get("class_count")
            .and_then(|c| c.as_u64())
            .ok_or("no class_count")?;
        let data = ci
            .get("feature_count")
            .and_then(|f| f.get("data"))
            .and_then(|d| d.as_array())
            .ok_or("no feature_count")?;
        if data.len() != width {
            return Err(format!("{} feature counts, expected {width}", data.len()));
        }
        for (j, x) in data.iter().enumerate() {
            counts[j * n_classes + y] = x.as_f64().ok_or("count is not a number")? as f32;
        }
    }
    Ok((class_counts, counts))
}

fn head_rows<'d>(name: &str, examples: &[Example], docs: &'d [Docs]) -> Vec<(&'d Docs, usize)> {
    examples
        .iter()
        .zip(docs)
        .filter_map(|(ex, d)| {
            let y = match name {
                "spam" => ex.spam.map(usize::from),
                "abuse" => ex.abuse.map(usize::from),
                _ => ex.label.map(|l| l.index()),
            };
            y.map(|y| (d, y))
        })
        .collect()
}

fn fit_heads(params: &TrainParams, examples: &[Example], docs: &[Docs]) -> Result<Vec<Head>> {
    HEADS
        .iter()
        .map(|(name, classes)| fit_head(name, classes, &head_rows(name, examples, docs), params))
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
    for ex in examples {
        eat(ex.text.as_bytes());
        eat(&[
            0xff,
            ex.label.map_or(9, |l| l.index() as u8),
            ex.spam.map_or(9, u8::from),
            ex.abuse.map_or(9, u8::from),
        ]);
    }
    format!("{h:016x}")
}

/// Trains a model on `examples`. `sources` describes where they came from
/// (kept in the model file).
pub fn train(params: &TrainParams, examples: &[Example], sources: Vec<String>) -> Result<Model> {
    params.check()?;
    let plain = Extractor {
        tokenizer: Tokenizer::new(params.tokenizer.clone(), Arc::new(Lexicon::default())),
        config: params.features.clone(),
    };
    let mut words = HashMap::new();
    let mut docs: Vec<Docs> = examples
        .iter()
        .map(|ex| doc_features(&plain, ex, Some(&mut words)))
        .collect();
    let mut lexicon = Lexicon::default();
    if params.tokenizer.fold {
        let heads = fit_heads(params, examples, &docs)?;
        lexicon = build_lexicon(&heads, &words, params);
        if !lexicon.is_empty() {
            let folding = Extractor {
                tokenizer: Tokenizer::new(params.tokenizer.clone(), Arc::new(lexicon.clone())),
                config: params.features.clone(),
            };
            docs = examples
                .iter()
                .map(|ex| doc_features(&folding, ex, None))
                .collect();
        }
    }
    let heads = fit_heads(params, examples, &docs)?;
    Ok(Model::new(
        params.tokenizer.clone(),
        params.features.clone(),
        lexicon,
        heads,
        params.thresholds,
        Provenance {
            examples: examples.len() as u64,
            digest: digest(examples),
            sources,
        },
    ))
}

/// Words that are strong evidence of spam or abuse in the first fit.
fn build_lexicon(heads: &[Head], words: &HashMap<u64, String>, params: &TrainParams) -> Lexicon {
    let mut best: HashMap<&str, f32> = HashMap::new();
    for h in heads
        .iter()
        .filter(|h| h.name == "spam" || h.name == "abuse")
    {
        let lp = h.log_probs();
        for (i, k) in h.keys.iter().enumerate() {
            let Some(w) = words.get(k) else { continue };
            let bad_count = h.counts[i * 2 + 1];
            let ratio = lp[i * 2 + 1] - lp[i * 2];
            if bad_count >= params.lexicon_min_count as f32 && ratio >= params.lexicon_min_ratio {
                let e = best.entry(w.as_str()).or_insert(0.0);
                *e = e.max(ratio as f32);
            }
        }
    }
    Lexicon::new(best.into_iter().map(|(w, r)| (w.to_string(), r)).collect())
}
