//! A comment's text as HTML: escaped, with the verdict's `toxic_spans` and
//! top reasons highlighted, and invisible controls shown.
//!
//! Highlights use the record's code-point ranges (`toxic_spans` and each
//! reason's `chars`), never byte offsets, so a word after "é" or an emoji
//! is marked exactly. Text is escaped by maud. Bidirectional controls
//! (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), zero-width
//! characters and other control characters are not passed through: each
//! is replaced by a visible marker such as `U+202E` (class `ctl`, its
//! name in the title), so an override cannot reorder what the moderator
//! reads, and the whole text sits in a `<bdi>`.

use maud::{html, Markup};
use serde_json::Value;

/// Reasons highlighted at most.
pub const TOP_REASONS: usize = 5;

/// The name of a character shown as a marker, or `None` for a character
/// shown as it is.
pub fn control_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{061C}' => "ARABIC LETTER MARK",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE",
        '\n' | '\t' => return None,
        c if c.is_control() => "CONTROL CHARACTER",
        _ => return None,
    })
}

/// Text with its controls shown as markers (escaped).
pub fn plain(text: &str) -> Markup {
    let mut parts: Vec<(&str, Option<char>)> = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if control_name(c).is_some() {
            if start < i {
                parts.push((&text[start..i], None));
            }
            parts.push(("", Some(c)));
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        parts.push((&text[start..], None));
    }
    html! {
        @for (s, c) in &parts {
            @match c {
                Some(c) => span.ctl title=(control_name(*c).unwrap_or_default()) {
                    (format!("U+{:04X}", *c as u32))
                },
                None => (s),
            }
        }
    }
}

/// A code-point range `[start, end]` from JSON.
fn range(v: &Value) -> Option<(usize, usize)> {
    let a = v.as_array()?;
    let s = a.first()?.as_u64()? as usize;
    let e = a.get(1)?.as_u64()? as usize;
    (s < e).then_some((s, e))
}

/// The highlighted reasons of a record: (code-point range, caption), at
/// most [`TOP_REASONS`], strongest first.
pub fn reason_spans(record: &Value) -> Vec<((usize, usize), String)> {
    record["reasons"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .filter_map(|r| {
                    let span = range(&r["chars"])?;
                    let caption = format!(
                        "{} {} ({:.2})",
                        r["rule"].as_str().unwrap_or_default(),
                        r["detail"].as_str().unwrap_or_default(),
                        r["weight"].as_f64().unwrap_or_default()
                    );
                    Some((span, caption))
                })
                .take(TOP_REASONS)
                .collect()
        })
        .unwrap_or_default()
}

/// The record's `toxic_spans`.
pub fn toxic_spans(record: &Value) -> Vec<(usize, usize)> {
    record["toxic_spans"]
        .as_array()
        .map(|a| a.iter().filter_map(range).collect())
        .unwrap_or_default()
}

/// The comment's text with its highlights: `<mark class="toxic">` for a
/// toxic span, `<mark class="reason">` for a reason's token (both
/// classes where they overlap; the reason in the title).
pub fn highlighted(text: &str, record: &Value) -> Markup {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    // Per code point: toxic?, index of the first reason covering it.
    let mut toxic = vec![false; n];
    let mut reason: Vec<Option<usize>> = vec![None; n];
    for (s, e) in toxic_spans(record) {
        for t in toxic.iter_mut().take(e.min(n)).skip(s) {
            *t = true;
        }
    }
    let reasons = reason_spans(record);
    for (i, ((s, e), _)) in reasons.iter().enumerate() {
        for r in reason.iter_mut().take((*e).min(n)).skip(*s) {
            r.get_or_insert(i);
        }
    }
    let byte = |cp: usize| chars.get(cp).map_or(text.len(), |(b, _)| *b);
    let mut runs: Vec<(&str, bool, Option<usize>)> = Vec::new();
    let mut s = 0;
    for i in 1..=n {
        if i == n || toxic[i] != toxic[s] || reason[i] != reason[s] {
            runs.push((&text[byte(s)..byte(i)], toxic[s], reason[s]));
            s = i;
        }
    }
    html! {
        bdi.text {
            @for (run, t, r) in &runs {
                @if !*t && r.is_none() {
                    (plain(run))
                } @else {
                    mark class=(match (*t, r.is_some()) {
                        (true, true) => "toxic reason",
                        (true, false) => "toxic",
                        _ => "reason",
                    }) title=[r.map(|i| reasons[i].1.as_str())] {
                        (plain(run))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_use_code_points_and_escape() {
        let text = "é <b>idiot</b> \u{202E}x";
        // "idiot" is code points 5..10.
        let rec = serde_json::json!({
            "toxic_spans": [[5, 10]],
            "reasons": [{"rule": "abuse", "detail": "idiot", "weight": 1.5, "chars": [5, 10]}]
        });
        let h = highlighted(text, &rec).into_string();
        assert!(
            h.contains(r#"<mark class="toxic reason" title="abuse idiot (1.50)">idiot</mark>"#),
            "{h}"
        );
        assert!(h.contains("é &lt;b&gt;"), "{h}");
        assert!(h.contains(r#"<span class="ctl" title="RIGHT-TO-LEFT OVERRIDE">U+202E</span>x"#));
        assert!(!h.contains('\u{202E}'));
    }

    #[test]
    fn out_of_range_spans_are_clamped() {
        let rec = serde_json::json!({"toxic_spans": [[2, 99]], "reasons": []});
        let h = highlighted("abcd", &rec).into_string();
        assert_eq!(
            h,
            r#"<bdi class="text">ab<mark class="toxic">cd</mark></bdi>"#
        );
        let h = highlighted("", &rec).into_string();
        assert_eq!(h, r#"<bdi class="text"></bdi>"#);
    }
}
