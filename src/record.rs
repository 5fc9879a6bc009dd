//! The JSON record of a verdict: the fields the `label` command adds to
//! each input record, shared by every front end (CLI, service, bindings) so
//! that a comment gets the same record wherever it is scored.
//!
//! Scores are rounded to 4 digits; reason spans are given in bytes
//! (`span`, for Rust) and in code points (`chars`, for Python and
//! JavaScript).

use crate::moderate::Verdict;
use crate::Classification;

/// Appends `"key":` to `out`.
pub fn key(out: &mut Vec<u8>, k: &str) {
    serde_json::to_writer(&mut *out, k).expect("writing to a Vec cannot fail");
    out.push(b':');
}

/// Appends `"label":…,"scores":{…},"reasons":[` with these scores, rounded
/// to 4 digits.
fn label_and_scores(out: &mut Vec<u8>, label: &str, scores: &[(&str, f64)]) {
    out.extend_from_slice(b"\"label\":\"");
    out.extend_from_slice(label.as_bytes());
    out.extend_from_slice(b"\",\"scores\":{");
    for (i, (name, x)) in scores.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
        // Four digits: what a reader and a spreadsheet need, and short.
        num(out, (x * 1e4).round() / 1e4);
    }
    out.extend_from_slice(b"},\"reasons\":[");
}

/// Appends `,"weight":…,"span":` with the weight rounded to 3 decimals.
fn weight_and_span_key(out: &mut Vec<u8>, weight: f64) {
    out.extend_from_slice(b",\"weight\":");
    num(out, (weight * 1000.0).round() / 1000.0);
    out.extend_from_slice(b",\"span\":");
}

/// Appends `"key":` and `value` as a JSON string.
fn string_field(out: &mut Vec<u8>, key: &str, value: &str) {
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
    serde_json::to_writer(&mut *out, value).expect("writing to a Vec cannot fail");
}

/// Appends `,"toxic_spans":[[start,end],…]`.
fn toxic_spans(out: &mut Vec<u8>, spans: &[std::ops::Range<usize>]) {
    out.extend_from_slice(b",\"toxic_spans\":[");
    for (i, r) in spans.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        pair(out, r.start, r.end);
    }
    out.push(b']');
}

/// Appends `,"chars":[start,end]`: byte range `span` of `text` in code
/// points, for Python and JavaScript users (an out-of-range span, which the
/// classifier does not produce, as the clamped range). `ascii`: whether
/// the text is all ASCII, where code points are bytes and nothing needs
/// counting (checked once per record, not once per reason).
fn chars_key(out: &mut Vec<u8>, text: &str, ascii: bool, span: &std::ops::Range<usize>) {
    let at = |b: usize| {
        let mut b = b.min(text.len());
        while !text.is_char_boundary(b) {
            b -= 1;
        }
        b
    };
    let (s, e) = (at(span.start), at(span.end.max(span.start)));
    let (start, end) = if ascii {
        (s, e)
    } else {
        let start = text[..s].chars().count();
        (start, start + text[s..e].chars().count())
    };
    out.extend_from_slice(b",\"chars\":");
    pair(out, start, end);
}

/// Appends the verdict's fields (`"label":…,"scores":{…},"reasons":[…],
/// "toxic_spans":[…]`) of a comment whose text is `text`.
pub fn classification(out: &mut Vec<u8>, v: &Classification, text: &str) {
    let s = &v.scores;
    let scores = [
        ("spam", s.spam),
        ("abuse", s.abuse),
        ("off_topic", s.off_topic),
        ("toxicity", s.toxicity),
        ("identity_attack", s.identity_attack),
    ];
    label_and_scores(out, v.label.as_str(), &scores);
    let ascii = text.is_ascii();
    for (i, r) in v.reasons.iter().enumerate() {
        out.extend_from_slice(if i > 0 { b",{" } else { b"{" });
        string_field(out, "token", &r.token);
        weight_and_span_key(out, r.weight);
        pair(out, r.span.start, r.span.end);
        chars_key(out, text, ascii, &r.span);
        out.push(b'}');
    }
    out.push(b']');
    toxic_spans(out, &v.toxic_spans);
}

/// Appends a moderator's verdict as the record's fields:
/// `"label":…,"scores":{spam, abuse, off_topic, toxicity,
/// identity_attack, duplicate},"reasons":[{rule, detail, weight,
/// span, chars}],"toxic_spans":[…],"action":…` (`span`, bytes, and
/// `chars`, code points, are `null` where a reason has none).
pub fn verdict(out: &mut Vec<u8>, v: &Verdict, text: &str) {
    let s = &v.scores;
    let scores = [
        ("spam", s.spam),
        ("abuse", s.abuse),
        ("off_topic", s.off_topic),
        ("toxicity", s.toxicity),
        ("identity_attack", s.identity_attack),
        ("duplicate", s.duplicate),
    ];
    label_and_scores(out, v.label.as_str(), &scores);
    let ascii = text.is_ascii();
    for (i, r) in v.reasons.iter().enumerate() {
        out.extend_from_slice(if i > 0 { b",{" } else { b"{" });
        string_field(out, "rule", r.rule.as_str());
        out.push(b',');
        string_field(out, "detail", &r.detail);
        weight_and_span_key(out, r.weight);
        match &r.span {
            Some(span) => {
                pair(out, span.start, span.end);
                chars_key(out, text, ascii, span);
                out.push(b'}');
            }
            None => out.extend_from_slice(b"null,\"chars\":null}"),
        }
    }
    out.push(b']');
    toxic_spans(out, &v.toxic_spans);
    out.extend_from_slice(b",\"action\":");
    serde_json::to_writer(&mut *out, &v.action).expect("writing to a Vec cannot fail");
}

/// A finite number as JSON (non-finite numbers, which the classifier does
/// not produce, as 0).
///
/// Written straight into the record, as serde_json writes a float (the
/// shortest text that reads back as the same number, by `ryu`), without
/// the formatting machinery: the labeler writes about ten numbers a
/// record.
fn num(out: &mut Vec<u8>, x: f64) {
    if x.is_finite() {
        out.extend_from_slice(ryu::Buffer::new().format_finite(x).as_bytes());
    } else {
        out.push(b'0');
    }
}

/// Appends `[a,b]`.
fn pair(out: &mut Vec<u8>, a: usize, b: usize) {
    let mut buf = itoa::Buffer::new();
    out.push(b'[');
    out.extend_from_slice(buf.format(a).as_bytes());
    out.push(b',');
    out.extend_from_slice(buf.format(b).as_bytes());
    out.push(b']');
}

/// A classification as a JSON object of its record fields,
/// `{"label":…,"scores":{…},"reasons":[…],"toxic_spans":[…]}`.
pub fn classification_json(v: &Classification, text: &str) -> String {
    let mut out = vec![b'{'];
    classification(&mut out, v, text);
    out.push(b'}');
    String::from_utf8(out).expect("the record is built from UTF-8 pieces")
}

/// A moderator's verdict as a JSON object of its record fields (those of
/// [`classification_json`] and `action`).
pub fn verdict_json(v: &Verdict, text: &str) -> String {
    let mut out = vec![b'{'];
    verdict(&mut out, v, text);
    out.push(b'}');
    String::from_utf8(out).expect("the record is built from UTF-8 pieces")
}
