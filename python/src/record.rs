//! A verdict as the fields of a `label` record, held in Rust so that it can
//! be computed without the GIL and then turned into a Python dict or into
//! Arrow columns.
//!
//! Names and rounding follow `comment_sieve::record` (scores to 4 digits,
//! reason weights to 3, spans in bytes and in code points) and the `label`
//! command's `duplicate_of` (similarity to 3 digits); the test suite
//! compares these records with the command's output field by field.

use comment_sieve::{Classification, Duplicate};
use compact_str::CompactString;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// Score names, in record order.
pub const SCORE_NAMES: [&str; 5] = ["spam", "abuse", "off_topic", "toxicity", "identity_attack"];

/// One reason: the token, its weight and its span in bytes and in code
/// points.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// The token as the model saw it.
    pub token: CompactString,
    /// The weight, rounded to 3 digits.
    pub weight: f64,
    /// Byte range `[start, end)`.
    pub span: [usize; 2],
    /// Code-point range `[start, end)`.
    pub chars: [usize; 2],
}

/// The earlier comment a comment repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct DupRecord {
    /// Its id.
    pub id: String,
    /// `exact`, `near`, `partial` or `template`.
    pub kind: &'static str,
    /// Resemblance or containment, rounded to 3 digits.
    pub similarity: f64,
    /// The same (given) author.
    pub same_author: bool,
    /// A link host in common.
    pub shared_links: bool,
}

impl From<&Duplicate> for DupRecord {
    fn from(d: &Duplicate) -> Self {
        DupRecord {
            id: d.of.clone(),
            kind: d.kind.as_str(),
            similarity: (d.similarity * 1000.0).round() / 1000.0,
            same_author: d.same_author,
            shared_links: d.shared_links,
        }
    }
}

/// The record fields of one verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The content label.
    pub label: &'static str,
    /// Scores in [`SCORE_NAMES`] order, rounded to 4 digits.
    pub scores: [f64; 5],
    /// Strongest first.
    pub reasons: Vec<Reason>,
    /// Code-point ranges that make the comment abusive.
    pub toxic_spans: Vec<[usize; 2]>,
    /// The duplicate check's answer, when one was made.
    pub duplicate_of: Option<DupRecord>,
}

/// A finite number, else 0 (as the JSON record writes it).
fn finite(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

/// `x` rounded to 4 digits.
fn round4(x: f64) -> f64 {
    finite((x * 1e4).round() / 1e4)
}

/// Byte range `span` of `text` in code points, clamped to char boundaries
/// as `comment_sieve::record` does.
fn chars(text: &str, span: &std::ops::Range<usize>) -> [usize; 2] {
    let at = |b: usize| {
        let mut b = b.min(text.len());
        while !text.is_char_boundary(b) {
            b -= 1;
        }
        b
    };
    let (s, e) = (at(span.start), at(span.end.max(span.start)));
    let start = text[..s].chars().count();
    [start, start + text[s..e].chars().count()]
}

impl Record {
    /// The record of verdict `v` on `text`, without a duplicate check.
    pub fn new(v: &Classification, text: &str) -> Self {
        let s = &v.scores;
        Record {
            label: v.label.as_str(),
            scores: [s.spam, s.abuse, s.off_topic, s.toxicity, s.identity_attack].map(round4),
            reasons: v
                .reasons
                .iter()
                .map(|r| Reason {
                    token: r.token.clone(),
                    weight: finite((r.weight * 1000.0).round() / 1000.0),
                    span: [r.span.start, r.span.end],
                    chars: chars(text, &r.span),
                })
                .collect(),
            toxic_spans: v.toxic_spans.iter().map(|r| [r.start, r.end]).collect(),
            duplicate_of: None,
        }
    }

    /// The label, the scores and the first reason's token only (no spans):
    /// what `classify_arrow` without details returns.
    pub fn brief(v: &Classification) -> Self {
        let s = &v.scores;
        Record {
            label: v.label.as_str(),
            scores: [s.spam, s.abuse, s.off_topic, s.toxicity, s.identity_attack].map(round4),
            reasons: v
                .reasons
                .first()
                .map(|r| Reason {
                    token: r.token.clone(),
                    weight: 0.0,
                    span: [0, 0],
                    chars: [0, 0],
                })
                .into_iter()
                .collect(),
            toxic_spans: Vec::new(),
            duplicate_of: None,
        }
    }

    /// The record as a dict: `label`, `scores`, `reasons`, `toxic_spans`,
    /// `duplicate_of`.
    pub fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item(pyo3::intern!(py, "label"), self.label)?;
        let scores = PyDict::new(py);
        for (name, x) in SCORE_NAMES.iter().zip(self.scores) {
            scores.set_item(name, x)?;
        }
        d.set_item(pyo3::intern!(py, "scores"), scores)?;
        let reasons = PyList::empty(py);
        for r in &self.reasons {
            let rd = PyDict::new(py);
            rd.set_item(pyo3::intern!(py, "token"), r.token.as_str())?;
            rd.set_item(pyo3::intern!(py, "weight"), r.weight)?;
            rd.set_item(pyo3::intern!(py, "span"), r.span.to_vec())?;
            rd.set_item(pyo3::intern!(py, "chars"), r.chars.to_vec())?;
            reasons.append(rd)?;
        }
        d.set_item(pyo3::intern!(py, "reasons"), reasons)?;
        let spans = PyList::empty(py);
        for s in &self.toxic_spans {
            spans.append(s.to_vec())?;
        }
        d.set_item(pyo3::intern!(py, "toxic_spans"), spans)?;
        match &self.duplicate_of {
            Some(dup) => d.set_item(pyo3::intern!(py, "duplicate_of"), dup_dict(py, dup)?)?,
            None => d.set_item(pyo3::intern!(py, "duplicate_of"), py.None())?,
        }
        Ok(d)
    }
}

impl Record {
    /// The brief record as a dict: `label`, `scores`, `top_reason` (the
    /// first reason's token, or None) and `duplicate_of`.
    pub fn to_brief_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item(pyo3::intern!(py, "label"), self.label)?;
        let scores = PyDict::new(py);
        for (name, x) in SCORE_NAMES.iter().zip(self.scores) {
            scores.set_item(name, x)?;
        }
        d.set_item(pyo3::intern!(py, "scores"), scores)?;
        match self.reasons.first() {
            Some(r) => d.set_item(pyo3::intern!(py, "top_reason"), r.token.as_str())?,
            None => d.set_item(pyo3::intern!(py, "top_reason"), py.None())?,
        }
        match &self.duplicate_of {
            Some(dup) => d.set_item(pyo3::intern!(py, "duplicate_of"), dup_dict(py, dup)?)?,
            None => d.set_item(pyo3::intern!(py, "duplicate_of"), py.None())?,
        }
        Ok(d)
    }
}

/// A duplicate as the dict `{id, kind, similarity, same_author,
/// shared_links}`.
pub fn dup_dict<'py>(py: Python<'py>, dup: &DupRecord) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("id", &dup.id)?;
    d.set_item("kind", dup.kind)?;
    d.set_item("similarity", dup.similarity)?;
    d.set_item("same_author", dup.same_author)?;
    d.set_item("shared_links", dup.shared_links)?;
    Ok(d)
}
