//! A verdict as the fields of a `label` record, held in Rust so that it can
//! be computed without the GIL and then turned into Python dicts
//! ([`crate::dicts`]) or into Arrow columns ([`crate::arrow`]).
//!
//! Names and rounding follow `comment_sieve::record` (scores to 4 digits,
//! reason weights to 3, spans in bytes and in code points) and the `label`
//! command's `duplicate_of` (similarity to 3 digits); the test suite
//! compares these records with the command's output field by field.

use comment_sieve::{Classification, Duplicate};
use compact_str::CompactString;

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
    /// Strongest first (none in a brief record).
    pub reasons: Vec<Reason>,
    /// The first reason's token.
    pub top_reason: Option<CompactString>,
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
        let ascii = text.is_ascii();
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
                    chars: if ascii {
                        // Every byte a code point (the clamping of `chars`).
                        let start = r.span.start.min(text.len());
                        [start, r.span.end.max(start).min(text.len())]
                    } else {
                        chars(text, &r.span)
                    },
                })
                .collect(),
            top_reason: v.reasons.first().map(|r| r.token.clone()),
            toxic_spans: v.toxic_spans.iter().map(|r| [r.start, r.end]).collect(),
            duplicate_of: None,
        }
    }

    /// The label, the scores and the first reason's token only (no
    /// reasons, no spans; nothing allocated): what `classify_arrow` without
    /// details returns.
    pub fn brief(v: &Classification) -> Self {
        let s = &v.scores;
        Record {
            label: v.label.as_str(),
            scores: [s.spam, s.abuse, s.off_topic, s.toxicity, s.identity_attack].map(round4),
            reasons: Vec::new(),
            top_reason: v.reasons.first().map(|r| r.token.clone()),
            toxic_spans: Vec::new(),
            duplicate_of: None,
        }
    }
}
