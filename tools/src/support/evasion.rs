//! The evasion test set, shared by `comment-sieve-tools bench evasion` and
//! `tests/evasion.rs`.
//!
//! Spam and abusive comments of `data/` (seed comments labeled spam or
//! abuse, YouTube spam, hateful Fox News comments) are rewritten by one
//! transform at a time, applied to every word of the model's folding
//! lexicon (the words the trained model found to be strong evidence of
//! spam or abuse), with a fixed seed. Recall is then measured on the
//! original and on every transform: for the default model, and for a
//! baseline trained on the same data with folding turned off.

#![allow(dead_code)]

use std::path::Path;

use crate::datasets;
use comment_sieve::tokenize::Lexicon;
use comment_sieve::{Classifier, Label, TokenizerConfig, TrainParams};

/// The transforms, by name.
pub const TRANSFORMS: &[&str] = &[
    "original",
    "lookalike",
    "leet",
    "separators",
    "repeated",
    "asterisks",
    "zero_width",
    "mixed_case",
];

/// A comment to recall and which attribute it has.
pub struct Positive {
    /// Its text.
    pub text: String,
    /// Spam (else abuse).
    pub spam: bool,
}

/// The spam and abusive comments of `data/`.
pub fn positives(data: &Path) -> Vec<Positive> {
    let mut out = Vec::new();
    for c in datasets::seed_comments(&data.join("seed_comments.jsonl")).unwrap() {
        match c.label {
            Label::Spam => out.push(Positive {
                text: c.text,
                spam: true,
            }),
            Label::Abuse => out.push(Positive {
                text: c.text,
                spam: false,
            }),
            _ => {}
        }
    }
    for f in datasets::YOUTUBE_FILES {
        for e in datasets::youtube(&data.join(f)).unwrap() {
            if e.spam == Some(true) {
                out.push(Positive {
                    text: e.text,
                    spam: true,
                });
            }
        }
    }
    for c in datasets::fox_comments(&data.join("fox-news-comments/dev.jsonl")).unwrap() {
        if c.hateful() == Some(true) {
            out.push(Positive {
                text: c.text,
                spam: false,
            });
        }
    }
    out
}

/// Clean on-topic comments: seed comments labeled on-topic and Fox News
/// comments labeled not hateful.
pub fn clean(data: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for c in datasets::seed_comments(&data.join("seed_comments.jsonl")).unwrap() {
        if c.label == Label::OnTopic {
            out.push(c.text);
        }
    }
    for c in datasets::fox_comments(&data.join("fox-news-comments/dev.jsonl")).unwrap() {
        if c.hateful() == Some(false) {
            out.push(c.text);
        }
    }
    out
}

/// The default model's training with folding turned off.
pub fn baseline(data: &Path) -> Classifier {
    let (examples, _) = datasets::all_examples(data).unwrap();
    let params = TrainParams::default().tokenizer(TokenizerConfig {
        fold: false,
        ..Default::default()
    });
    Classifier::new(comment_sieve::train::train(&params, &examples, Vec::new()).unwrap())
}

pub use super::rng::Rng;

fn lookalike(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'i' => 'і',
        'o' => 'о',
        'p' => 'р',
        's' => 'ѕ',
        'x' => 'х',
        'y' => 'у',
        'k' => 'κ',
        'n' => 'η',
        't' => 'τ',
        'u' => 'υ',
        'v' => 'ν',
        _ => return None,
    })
}

fn leet(c: char) -> Option<char> {
    Some(match c {
        'a' => '4',
        'e' => '3',
        'i' => '1',
        'o' => '0',
        's' => '5',
        't' => '7',
        _ => return None,
    })
}

/// Rewrites one word (lower-case ASCII letters) by `transform`.
pub fn transform_word(word: &str, transform: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    match transform {
        "lookalike" => {
            // Replace every letter that has a lookalike, with chance 1/2,
            // and at least one.
            let able: Vec<usize> = (0..n).filter(|&i| lookalike(chars[i]).is_some()).collect();
            if able.is_empty() {
                return word.to_string();
            }
            let must = able[rng.below(able.len())];
            chars
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    if i == must || (lookalike(c).is_some() && rng.below(2) == 0) {
                        lookalike(c).unwrap()
                    } else {
                        c
                    }
                })
                .collect()
        }
        "leet" => {
            // One or two letters (at most a third of the word) as digits.
            let able: Vec<usize> = (0..n).filter(|&i| leet(chars[i]).is_some()).collect();
            if able.is_empty() {
                return word.to_string();
            }
            let k = (1 + rng.below(2)).min(n.div_ceil(3)).max(1);
            let mut out = chars.clone();
            for _ in 0..k {
                let i = able[rng.below(able.len())];
                out[i] = leet(chars[i]).unwrap();
            }
            out.into_iter().collect()
        }
        "separators" => {
            let sep = [".", " ", "-", "_"][rng.below(4)];
            chars
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(sep)
        }
        "repeated" => {
            let i = rng.below(n);
            let mut out = String::new();
            for (j, &c) in chars.iter().enumerate() {
                out.push(c);
                if j == i {
                    for _ in 0..2 + rng.below(4) {
                        out.push(c);
                    }
                }
            }
            out
        }
        "asterisks" => {
            // One inner letter (a vowel when there is one) becomes '*'.
            if n < 3 {
                return word.to_string();
            }
            let inner: Vec<usize> = (1..n - 1).collect();
            let vowels: Vec<usize> = inner
                .iter()
                .copied()
                .filter(|&i| "aeiou".contains(chars[i]))
                .collect();
            let pool = if vowels.is_empty() { &inner } else { &vowels };
            let i = pool[rng.below(pool.len())];
            let mut out = chars.clone();
            out[i] = '*';
            out.into_iter().collect()
        }
        "zero_width" => {
            let zw = ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];
            let mut out = String::new();
            for (j, &c) in chars.iter().enumerate() {
                if j > 0 {
                    out.push(zw[rng.below(zw.len())]);
                }
                out.push(c);
            }
            out
        }
        "mixed_case" => chars
            .iter()
            .enumerate()
            .map(|(j, c)| {
                if (j + rng.below(2)) % 2 == 0 {
                    c.to_ascii_uppercase()
                } else {
                    *c
                }
            })
            .collect(),
        _ => word.to_string(),
    }
}

/// Rewrites every lexicon word of `text` (an ASCII letter run whose lower
/// case is in the lexicon) by `transform`; returns the text and whether
/// anything changed.
pub fn transform_text(text: &str, lex: &Lexicon, transform: &str, seed: u64) -> (String, bool) {
    if transform == "original" {
        return (text.to_string(), false);
    }
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(text.len() * 2);
    let mut changed = false;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Links stay as they are: their host and path are other tokens.
        if i == 0 || b[i - 1].is_ascii_whitespace() {
            let end = text[i..]
                .find(char::is_whitespace)
                .map_or(text.len(), |e| i + e);
            if looks_like_link(&text[i..end]) {
                out.push_str(&text[i..end]);
                i = end;
                continue;
            }
        }
        if b[i].is_ascii_alphabetic() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let mut j = i;
            while j < b.len() && b[j].is_ascii_alphabetic() {
                j += 1;
            }
            let ends_word = j == b.len() || !b[j].is_ascii_alphanumeric();
            let w = text[i..j].to_ascii_lowercase();
            if ends_word && w.len() >= 3 && lex.contains(&w) {
                let t = transform_word(&w, transform, &mut rng);
                changed |= t != w;
                out.push_str(&t);
                i = j;
                continue;
            }
            out.push_str(&text[i..j]);
            i = j;
            continue;
        }
        let c = text[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    (out, changed)
}

fn looks_like_link(chunk: &str) -> bool {
    let b = chunk.as_bytes();
    chunk.contains("://")
        || chunk.contains("www.")
        || chunk.contains('@')
        || b.windows(2)
            .any(|w| w[0] == b'.' && w[1].is_ascii_alphabetic())
}

/// Recall per transform and attribute.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// The transform.
    pub transform: String,
    /// Spam comments rewritten, and how many of all spam were recalled.
    pub spam_changed: usize,
    /// Spam recall, %.
    pub spam_recall: f64,
    /// Abusive comments rewritten.
    pub abuse_changed: usize,
    /// Abuse recall, %.
    pub abuse_recall: f64,
}

/// Recall of `clf` on every transform of `positives`; words to rewrite are
/// those of `lex`.
pub fn recall_table(clf: &Classifier, positives: &[Positive], lex: &Lexicon) -> Vec<Row> {
    let t = clf.model().thresholds;
    let mut rows = Vec::new();
    for (k, &tr) in TRANSFORMS.iter().enumerate() {
        let (mut spam_n, mut spam_hit, mut spam_ch) = (0, 0, 0);
        let (mut ab_n, mut ab_hit, mut ab_ch) = (0, 0, 0);
        for (i, p) in positives.iter().enumerate() {
            let seed = 0xE7A5_1000 + (i as u64) * 16 + k as u64;
            let (text, changed) = transform_text(&p.text, lex, tr, seed);
            let s = clf.classify_text(&text).scores;
            if p.spam {
                spam_n += 1;
                spam_hit += usize::from(s.spam >= t.spam);
                spam_ch += usize::from(changed);
            } else {
                ab_n += 1;
                ab_hit += usize::from(s.abuse >= t.abuse);
                ab_ch += usize::from(changed);
            }
        }
        rows.push(Row {
            transform: tr.to_string(),
            spam_changed: spam_ch,
            spam_recall: 100.0 * spam_hit as f64 / spam_n.max(1) as f64,
            abuse_changed: ab_ch,
            abuse_recall: 100.0 * ab_hit as f64 / ab_n.max(1) as f64,
        });
    }
    rows
}

/// Share (%) of `texts` labeled spam or abuse.
pub fn flag_rate(clf: &Classifier, texts: &[String]) -> f64 {
    let flagged = texts
        .iter()
        .filter(|t| matches!(clf.classify_text(t).label, Label::Spam | Label::Abuse))
        .count();
    100.0 * flagged as f64 / texts.len().max(1) as f64
}

/// A Markdown table of `rows`.
pub fn markdown(rows: &[Row]) -> String {
    let mut s = String::from(
        "| transform | spam rewritten | spam recall % | Δ | abuse rewritten | abuse recall % | Δ |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    let (s0, a0) = (rows[0].spam_recall, rows[0].abuse_recall);
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {:.1} | {:+.1} | {} | {:.1} | {:+.1} |\n",
            r.transform,
            r.spam_changed,
            r.spam_recall,
            r.spam_recall - s0,
            r.abuse_changed,
            r.abuse_recall,
            r.abuse_recall - a0
        ));
    }
    s
}
