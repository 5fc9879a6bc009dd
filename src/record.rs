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
    string(out, k);
    out.push(b':');
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it (`"`,
/// `\` and the control characters U+0000 to U+001F, nothing else).
///
/// A string with none of these, as most keys, tokens and texts are, is
/// copied as it is, without the serializer's machinery.
pub fn string(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
    }
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
        rounded(out, *x, 4);
    }
    out.extend_from_slice(b"},\"reasons\":[");
}

/// Appends `,"weight":…,"span":` with the weight rounded to 3 decimals.
fn weight_and_span_key(out: &mut Vec<u8>, weight: f64) {
    out.extend_from_slice(b",\"weight\":");
    rounded(out, weight, 3);
    out.extend_from_slice(b",\"span\":");
}

/// Appends `"key":` and `value` as a JSON string.
fn string_field(out: &mut Vec<u8>, name: &str, value: &str) {
    key(out, name);
    string(out, value);
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

/// Appends `x` rounded to `digits` decimals (at most 4) as JSON: the text
/// [`num`] writes for `(x * 10^digits).round() / 10^digits`.
///
/// That number is the double nearest to the decimal `k / 10^digits` (`k`
/// the rounded integer), and while `|k|` is below 10^13 doubles are much
/// closer together than 10^-digits, so the shortest text that reads back
/// as it (what `ryu` writes) is that decimal itself, without trailing
/// zeros (`0.5`, `12.0`, `-0.0`): written here from the integer's digits,
/// which costs a few dozen instructions instead of a few hundred. Larger
/// and non-finite numbers go through [`num`].
fn rounded(out: &mut Vec<u8>, x: f64, digits: u32) {
    let scale = 10u64.pow(digits);
    let k = (x * scale as f64).round();
    if !k.is_finite() || k.abs() >= 1e13 {
        num(out, k / scale as f64);
        return;
    }
    if k.is_sign_negative() {
        out.push(b'-');
    }
    let k = k.abs() as u64;
    let mut buf = itoa::Buffer::new();
    out.extend_from_slice(buf.format(k / scale).as_bytes());
    out.push(b'.');
    let mut frac = k % scale;
    if frac == 0 {
        out.push(b'0');
        return;
    }
    let mut width = digits;
    while frac % 10 == 0 {
        frac /= 10;
        width -= 1;
    }
    let text = buf.format(frac);
    out.extend(std::iter::repeat_n(b'0', width as usize - text.len()));
    out.extend_from_slice(text.as_bytes());
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`rounded`] must write: the rounded number as serde_json
    /// (`ryu`) writes it.
    fn by_ryu(x: f64, digits: u32) -> String {
        let scale = 10f64.powi(digits as i32);
        let mut out = Vec::new();
        num(&mut out, (x * scale).round() / scale);
        String::from_utf8(out).unwrap()
    }

    fn by_rounded(x: f64, digits: u32) -> String {
        let mut out = Vec::new();
        rounded(&mut out, x, digits);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rounded_numbers_are_written_as_ryu_writes_them() {
        for digits in [3, 4] {
            let scale = 10f64.powi(digits as i32);
            // Every rounded value in [-3, 3], and values around it.
            for k in -30_000i64..=30_000 {
                for x in [
                    k as f64 / scale,
                    (k as f64 + 0.5) / scale,
                    (k as f64 - 0.49) / scale,
                ] {
                    assert_eq!(by_rounded(x, digits), by_ryu(x, digits), "{x} to {digits}");
                }
            }
            // Scattered over many magnitudes, up to and past the fast
            // path's limit, and the special values.
            let mut x = 1.234_567_891_234e-9_f64;
            while x < 1e20 {
                for y in [x, -x, x * 0.999_999_7, x * 1.000_000_3] {
                    assert_eq!(by_rounded(y, digits), by_ryu(y, digits), "{y} to {digits}");
                }
                x *= 1.37;
            }
            for y in [
                0.0,
                -0.0,
                1e-300,
                -1e-300,
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
            ] {
                assert_eq!(by_rounded(y, digits), by_ryu(y, digits), "{y} to {digits}");
            }
        }
        assert_eq!(by_rounded(0.88776, 4), "0.8878");
        assert_eq!(by_rounded(-0.00001, 4), "-0.0");
        assert_eq!(by_rounded(2.5, 3), "2.5");
        assert_eq!(by_rounded(7.0, 4), "7.0");
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut texts: Vec<String> = (0u32..0x100)
            .filter_map(char::from_u32)
            .map(|c| format!("a{c}b"))
            .collect();
        texts.extend(
            [
                "",
                "plain",
                "quote \" here",
                "back\\slash",
                "é ü 😀",
                "tab\tnl\n",
            ]
            .map(String::from),
        );
        for t in texts {
            let mut out = Vec::new();
            string(&mut out, &t);
            assert_eq!(out, serde_json::to_vec(&t).unwrap(), "{t:?}");
            let mut k = Vec::new();
            key(&mut k, &t);
            assert_eq!(k, [serde_json::to_vec(&t).unwrap(), b":".to_vec()].concat());
        }
    }
}
