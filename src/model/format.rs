//! The model file format.
//!
//! ```text
//! offset  size  field
//! 0       8     magic "CSIEVEMD"
//! 8       4     format version (u32 LE): 3, or 4 when a head has a
//!               character block
//! 12      4     header length H (u32 LE)
//! 16      8     body length B (u64 LE)
//! 24      4     CRC-32 of header and body (u32 LE)
//! 28      H     header: JSON (settings, lexicon, heads' names, classes,
//!               class counts, smoothing, feature counts, logistic layers'
//!               intercepts and calibrations, thresholds, provenance)
//! 28+H    B     body: the shared vocabulary's keys (u64 LE); then per
//!               head, an attribute head's counts (f32 LE, keys × 2) and
//!               logistic weights (f32 LE, one per key), and with a
//!               character block its counts (f32 LE, buckets × 2) and
//!               weights (f32 LE, one per bucket); or a naive Bayes
//!               head's keys, counts (keys × classes), structure keys and
//!               structure counts; then the toxic-span keys and weights
//! ```
//!
//! Loading checks every length against the bytes actually present before
//! allocating, so a damaged or hostile file fails with
//! [`Error::InvalidFile`] instead of a panic or a huge allocation. Files of
//! versions 1 and 2 (naive Bayes heads `spam`, `abuse`, `label`) are
//! refused with a message to retrain.

use serde::{Deserialize, Serialize};

use super::{Head, LogisticLayer, Model, Provenance, SpanLexicon, SpanTagger, Thresholds};
use crate::error::{Error, Result};
use crate::features::FeatureConfig;
use crate::tokenize::{Lexicon, TokenizerConfig};

/// The file's first eight bytes.
pub const MAGIC: &[u8; 8] = b"CSIEVEMD";
/// The newest format version this build reads, and writes for a model
/// with a character block ([`PLAIN_VERSION`] otherwise, which earlier
/// builds read too).
pub const VERSION: u32 = 4;

/// The format version of a model without a character block.
pub const PLAIN_VERSION: u32 = 3;

/// The most bits a character block's bucket number may have.
const MAX_CHAR_BITS: u32 = 24;

/// The oldest format version this build still reads.
pub const OLDEST_VERSION: u32 = 3;
const PREFIX: usize = 28;

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    tokenizer: TokenizerConfig,
    features: FeatureConfig,
    lexicon: Lexicon,
    vocabulary: u64,
    heads: Vec<HeadHeader>,
    span_words: u64,
    /// Written only when off (files without it have the fallback on).
    #[serde(default = "on", skip_serializing_if = "is_on")]
    span_fallback: bool,
    /// The span tagger; written only when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    span_tagger: Option<SpanTagger>,
    thresholds: Thresholds,
    provenance: Provenance,
}

fn on() -> bool {
    true
}

fn is_on(b: &bool) -> bool {
    *b
}

#[derive(Serialize, Deserialize)]
struct HeadHeader {
    name: String,
    classes: Vec<String>,
    class_counts: Vec<u64>,
    alpha: f64,
    features: u64,
    structure_features: u64,
    logistic: Option<LogisticLayer>,
    /// Bits of the character block's bucket numbers, when the head has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    char_bits: Option<u32>,
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidFile {
        what: "model",
        path: None,
        reason: reason.into(),
    }
}

/// Serializes `model`.
pub fn to_bytes(model: &Model) -> Vec<u8> {
    let vocab = model.vocabulary();
    let header = Header {
        format: "comment-sieve model".into(),
        tokenizer: model.tokenizer.clone(),
        features: model.features.clone(),
        lexicon: model.lexicon.clone(),
        vocabulary: vocab.len() as u64,
        heads: model
            .heads
            .iter()
            .map(|h| HeadHeader {
                name: h.name.clone(),
                classes: h.classes.clone(),
                class_counts: h.class_counts.clone(),
                alpha: h.alpha,
                features: h.keys.len() as u64,
                structure_features: h.structure_keys.len() as u64,
                logistic: h.logistic.clone(),
                char_bits: h.chars.as_ref().map(|c| c.bits),
            })
            .collect(),
        span_words: model.spans.keys.len() as u64,
        span_fallback: model.spans.fallback,
        span_tagger: model.spans.tagger,
        thresholds: model.thresholds,
        provenance: model.provenance.clone(),
    };
    let header = serde_json::to_vec(&header).expect("model header serializes");
    let mut body = Vec::new();
    let keys = |body: &mut Vec<u8>, keys: &[u64]| {
        for k in keys {
            body.extend_from_slice(&k.to_le_bytes());
        }
    };
    let floats = |body: &mut Vec<u8>, xs: &[f32]| {
        for x in xs {
            body.extend_from_slice(&x.to_le_bytes());
        }
    };
    keys(&mut body, vocab);
    for h in &model.heads {
        match &h.logistic {
            Some(l) => {
                floats(&mut body, &h.counts);
                floats(&mut body, &l.weights);
                if let Some(c) = &h.chars {
                    floats(&mut body, &c.counts);
                    floats(&mut body, &c.weights);
                }
            }
            None => {
                keys(&mut body, &h.keys);
                floats(&mut body, &h.counts);
                keys(&mut body, &h.structure_keys);
                floats(&mut body, &h.structure_counts);
            }
        }
    }
    keys(&mut body, &model.spans.keys);
    floats(&mut body, &model.spans.weights);
    let mut crc = crc32fast::Hasher::new();
    crc.update(&header);
    crc.update(&body);
    let mut out = Vec::with_capacity(PREFIX + header.len() + body.len());
    out.extend_from_slice(MAGIC);
    let version = if model.heads.iter().any(|h| h.chars.is_some()) {
        VERSION
    } else {
        PLAIN_VERSION
    };
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc.finalize().to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&body);
    out
}

/// Parses a model file's bytes.
pub fn from_bytes(bytes: &[u8]) -> Result<Model> {
    if bytes.len() < PREFIX {
        return Err(invalid(format!(
            "{} bytes is too short for a model file (the fixed prefix alone is {PREFIX})",
            bytes.len()
        )));
    }
    if &bytes[..8] != MAGIC {
        return Err(invalid(
            "not a comment-sieve model (the file does not start with \"CSIEVEMD\")",
        ));
    }
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
    let version = u32_at(8);
    if !(OLDEST_VERSION..=VERSION).contains(&version) {
        return Err(invalid(format!(
            "format version {version}; this build reads versions {OLDEST_VERSION} to {VERSION}: retrain the model with this build or load it with a matching release"
        )));
    }
    let header_len = u32_at(12) as u64;
    let body_len = u64::from_le_bytes(bytes[16..24].try_into().expect("8 bytes"));
    let stored_crc = u32_at(24);
    let present = (bytes.len() - PREFIX) as u64;
    if header_len.checked_add(body_len) != Some(present) {
        return Err(invalid(format!(
            "truncated or padded: header {header_len} + body {body_len} bytes declared, {present} present"
        )));
    }
    let header_bytes = &bytes[PREFIX..PREFIX + header_len as usize];
    let body = &bytes[PREFIX + header_len as usize..];
    let mut crc = crc32fast::Hasher::new();
    crc.update(header_bytes);
    crc.update(body);
    let crc = crc.finalize();
    if crc != stored_crc {
        return Err(invalid(format!(
            "checksum mismatch (stored {stored_crc:08x}, computed {crc:08x}): the file was altered or damaged"
        )));
    }
    let header: Header = serde_json::from_slice(header_bytes)
        .map_err(|e| invalid(format!("unreadable header: {e}")))?;
    let mut at = 0usize;
    let vocab = read_keys(body, &mut at, "the vocabulary", header.vocabulary, 0)?;
    let mut heads = Vec::with_capacity(header.heads.len().min(64));
    for h in header.heads {
        let c = h.classes.len();
        if c < 2 || h.class_counts.len() != c {
            return Err(invalid(format!(
                "head `{}` has {} classes and {} class counts",
                h.name,
                c,
                h.class_counts.len()
            )));
        }
        if !(h.alpha.is_finite() && h.alpha > 0.0) {
            return Err(invalid(format!(
                "head `{}` has smoothing {}",
                h.name, h.alpha
            )));
        }
        let mut head = Head {
            name: h.name,
            classes: h.classes,
            class_counts: h.class_counts,
            alpha: h.alpha,
            keys: Vec::new(),
            counts: Vec::new(),
            structure_keys: Vec::new(),
            structure_counts: Vec::new(),
            logistic: None,
            chars: None,
        };
        let name = head.name.clone();
        match h.logistic {
            Some(mut l) => {
                if c != 2 || h.features != vocab.len() as u64 || h.structure_features != 0 {
                    return Err(invalid(format!(
                        "head `{name}` has a logistic layer but {c} classes, {} features (the vocabulary has {}) and {} structure features",
                        h.features,
                        vocab.len(),
                        h.structure_features
                    )));
                }
                if ![l.bias, l.platt.0, l.platt.1].iter().all(|v| v.is_finite()) {
                    return Err(invalid(format!(
                        "head `{name}`: a logistic intercept or calibration is not finite"
                    )));
                }
                head.counts = read_floats(body, &mut at, &name, "count", vocab.len() * 2)?;
                l.weights = read_floats(body, &mut at, &name, "weight", vocab.len())?;
                head.keys = vocab.clone();
                head.logistic = Some(l);
                if let Some(bits) = h.char_bits {
                    if version < VERSION || !(1..=MAX_CHAR_BITS).contains(&bits) {
                        return Err(invalid(format!(
                            "head `{name}`: a character block of {bits} bits in a version {version} file (needs version {VERSION} and 1 to {MAX_CHAR_BITS} bits)"
                        )));
                    }
                    let buckets = 1usize << bits;
                    let counts = read_floats(body, &mut at, &name, "character count", buckets * 2)?;
                    let weights = read_floats(body, &mut at, &name, "character weight", buckets)?;
                    if counts.iter().any(|c| !(c.is_finite() && *c >= 0.0)) {
                        return Err(invalid(format!(
                            "head `{name}`: a character count is negative or not finite"
                        )));
                    }
                    head.chars = Some(super::CharPart {
                        bits,
                        counts,
                        weights,
                    });
                }
            }
            None => {
                head.keys = read_keys(body, &mut at, &name, h.features, c)?;
                head.counts = read_floats(body, &mut at, &name, "count", head.keys.len() * c)?;
                head.structure_keys = read_keys(body, &mut at, &name, h.structure_features, c)?;
                head.structure_counts = read_floats(
                    body,
                    &mut at,
                    &name,
                    "structure count",
                    head.structure_keys.len() * c,
                )?;
            }
        }
        if head.counts.iter().any(|c| !(c.is_finite() && *c >= 0.0)) {
            return Err(invalid(format!(
                "head `{name}`: a feature count is negative or not finite"
            )));
        }
        heads.push(head);
    }
    let span_keys = read_keys(body, &mut at, "the toxic spans", header.span_words, 0)?;
    let span_weights = read_floats(body, &mut at, "the toxic spans", "weight", span_keys.len())?;
    if at != body.len() {
        return Err(invalid(format!(
            "body has {} bytes beyond its heads",
            body.len() - at
        )));
    }
    if header.tokenizer.max_word_len == 0 || header.tokenizer.max_word_len > 1000 {
        return Err(invalid(format!(
            "tokenizer max_word_len {} out of range 1..=1000",
            header.tokenizer.max_word_len
        )));
    }
    // A weight that JSON holds but f32 does not (1e308) reads as infinite
    // and would not save back.
    if let Some((w, v)) = header.lexicon.words().iter().find(|(_, v)| !v.is_finite()) {
        return Err(invalid(format!("lexicon word `{w}` has weight {v}")));
    }
    if let Some(tg) = &header.span_tagger {
        let v = tg.weights.iter().chain([&tg.bias, &tg.threshold]);
        if !v.clone().all(|x| x.is_finite()) || !(0.0..1.0).contains(&tg.threshold) {
            return Err(invalid(
                "the span tagger has a weight that is not finite or a threshold outside [0, 1)",
            ));
        }
    }
    let t = header.thresholds;
    for (name, v) in [
        ("spam", t.spam),
        ("abuse", t.abuse),
        ("off_topic", t.off_topic),
    ] {
        if !(v > 0.0 && v < 1.0) {
            return Err(invalid(format!(
                "threshold {name} = {v}, expected strictly between 0 and 1"
            )));
        }
    }
    let names: Vec<&str> = heads.iter().map(|h| h.name.as_str()).collect();
    let expected: Vec<&str> = super::HEADS.iter().map(|(n, _)| *n).collect();
    if names != expected {
        return Err(invalid(format!("heads {names:?}, expected {expected:?}")));
    }
    for (i, (h, (name, classes))) in heads.iter().zip(super::HEADS).enumerate() {
        if h.logistic.is_some() != (i != super::LABEL) {
            return Err(invalid(format!(
                "head `{name}` {} a logistic layer",
                if i == super::LABEL { "has" } else { "lacks" }
            )));
        }
        if h.classes != *classes {
            return Err(invalid(format!(
                "head `{name}` has classes {:?}, expected {classes:?}",
                h.classes
            )));
        }
    }
    Ok(Model::new(
        header.tokenizer,
        header.features,
        header.lexicon,
        heads,
        SpanLexicon {
            keys: span_keys,
            weights: span_weights,
            fallback: header.span_fallback,
            tagger: header.span_tagger,
        },
        header.thresholds,
        header.provenance,
    ))
}

/// Reads `n` keys and their counts (`c` classes) of one feature space from
/// `body` at `at`, checking lengths before allocating; `what` names the
/// space in errors.
/// Reads `n` sorted, unique, non-zero keys; `per_key` more values of 4
/// bytes follow each key later, counted in the size check.
fn read_keys(body: &[u8], at: &mut usize, what: &str, n: u64, per_key: usize) -> Result<Vec<u64>> {
    n.checked_mul(8 + 4 * per_key as u64)
        .filter(|&need| need <= (body.len() - *at) as u64)
        .ok_or_else(|| {
            invalid(format!(
                "`{what}` declares {n} keys, more than the body holds"
            ))
        })?;
    let n = n as usize;
    let keys: Vec<u64> = body[*at..*at + 8 * n]
        .chunks_exact(8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
        .collect();
    *at += 8 * n;
    if keys.windows(2).any(|w| w[0] >= w[1]) || keys.first() == Some(&0) {
        return Err(invalid(format!("`{what}`: keys are not sorted and unique")));
    }
    Ok(keys)
}

/// Reads `n` finite `f32` values.
fn read_floats(body: &[u8], at: &mut usize, head: &str, what: &str, n: usize) -> Result<Vec<f32>> {
    let need = n
        .checked_mul(4)
        .filter(|&need| need <= body.len() - *at)
        .ok_or_else(|| invalid(format!("`{head}`: the body ends inside its {what}s")))?;
    let xs: Vec<f32> = body[*at..*at + need]
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
        .collect();
    *at += need;
    if xs.iter().any(|x| !x.is_finite()) {
        return Err(invalid(format!("`{head}`: a {what} is not finite")));
    }
    Ok(xs)
}
