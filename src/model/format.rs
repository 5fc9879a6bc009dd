//! The model file format.
//!
//! ```text
//! offset  size  field
//! 0       8     magic "CSIEVEMD"
//! 8       4     format version (u32 LE), currently 2 (1 is read too)
//! 12      4     header length H (u32 LE)
//! 16      8     body length B (u64 LE)
//! 24      4     CRC-32 of header and body (u32 LE)
//! 28      H     header: JSON (settings, lexicon, heads' names, classes,
//!               class counts, smoothing and feature count, thresholds,
//!               provenance)
//! 28+H    B     body: per head, its keys (u64 LE) then its counts
//!               (f32 LE, keys × classes), then its structure keys and
//!               counts likewise (version 2; none in version 1)
//! ```
//!
//! Loading checks every length against the bytes actually present before
//! allocating, so a damaged or hostile file fails with
//! [`Error::InvalidFile`] instead of a panic or a huge allocation.

use serde::{Deserialize, Serialize};

use super::{Head, Model, Provenance, Thresholds};
use crate::error::{Error, Result};
use crate::features::FeatureConfig;
use crate::tokenize::{Lexicon, TokenizerConfig};

/// The file's first eight bytes.
pub const MAGIC: &[u8; 8] = b"CSIEVEMD";
/// The format version this build reads and writes.
pub const VERSION: u32 = 2;

/// The oldest format version this build still reads (version 1 has no
/// structure features).
pub const OLDEST_VERSION: u32 = 1;
const PREFIX: usize = 28;

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    tokenizer: TokenizerConfig,
    features: FeatureConfig,
    lexicon: Lexicon,
    heads: Vec<HeadHeader>,
    thresholds: Thresholds,
    provenance: Provenance,
}

#[derive(Serialize, Deserialize)]
struct HeadHeader {
    name: String,
    classes: Vec<String>,
    class_counts: Vec<u64>,
    alpha: f64,
    features: u64,
    #[serde(default)]
    structure_features: u64,
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
    let header = Header {
        format: "comment-sieve model".into(),
        tokenizer: model.tokenizer.clone(),
        features: model.features.clone(),
        lexicon: model.lexicon.clone(),
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
            })
            .collect(),
        thresholds: model.thresholds,
        provenance: model.provenance.clone(),
    };
    let header = serde_json::to_vec(&header).expect("model header serializes");
    let mut body = Vec::new();
    for h in &model.heads {
        for k in &h.keys {
            body.extend_from_slice(&k.to_le_bytes());
        }
        for c in &h.counts {
            body.extend_from_slice(&c.to_le_bytes());
        }
        for k in &h.structure_keys {
            body.extend_from_slice(&k.to_le_bytes());
        }
        for c in &h.structure_counts {
            body.extend_from_slice(&c.to_le_bytes());
        }
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(&header);
    crc.update(&body);
    let mut out = Vec::with_capacity(PREFIX + header.len() + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
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
    let mut heads = Vec::with_capacity(header.heads.len().min(64));
    let mut at = 0usize;
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
        if version < 2 && h.structure_features > 0 {
            return Err(invalid(format!(
                "head `{}` declares structure features, which format version {version} does not have",
                h.name
            )));
        }
        let (keys, counts) = read_space(body, &mut at, &h.name, h.features, c, "")?;
        let (structure_keys, structure_counts) = read_space(
            body,
            &mut at,
            &h.name,
            h.structure_features,
            c,
            "structure ",
        )?;
        heads.push(Head {
            name: h.name,
            classes: h.classes,
            class_counts: h.class_counts,
            alpha: h.alpha,
            keys,
            counts,
            structure_keys,
            structure_counts,
        });
    }
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
    for (h, (name, classes)) in heads.iter().zip(super::HEADS) {
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
        header.thresholds,
        header.provenance,
    ))
}

/// Reads `n` keys and their counts (`c` classes) of one feature space from
/// `body` at `at`, checking lengths before allocating; `what` names the
/// space in errors.
fn read_space(
    body: &[u8],
    at: &mut usize,
    head: &str,
    n: u64,
    c: usize,
    what: &str,
) -> Result<(Vec<u64>, Vec<f32>)> {
    let need = n
        .checked_mul(8 + 4 * c as u64)
        .filter(|&need| need <= (body.len() - *at) as u64)
        .ok_or_else(|| {
            invalid(format!(
                "head `{head}` declares {n} {what}features, more than the body holds"
            ))
        })? as usize;
    let n = n as usize;
    let start = *at;
    let keys: Vec<u64> = body[start..start + 8 * n]
        .chunks_exact(8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
        .collect();
    let counts: Vec<f32> = body[start + 8 * n..start + need]
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
        .collect();
    *at += need;
    if keys.windows(2).any(|w| w[0] >= w[1]) || keys.first() == Some(&0) {
        return Err(invalid(format!(
            "head `{head}`: {what}keys are not sorted and unique"
        )));
    }
    if counts.iter().any(|c| !(c.is_finite() && *c >= 0.0)) {
        return Err(invalid(format!(
            "head `{head}`: a {what}feature count is negative or not finite"
        )));
    }
    Ok((keys, counts))
}
