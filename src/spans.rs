//! Toxic spans: which characters make a comment abusive.
//!
//! Annotators of the SemEval-2021 toxic-spans task marked, in comments
//! judged toxic, the characters that make them so. [`fit_span_lexicon`]
//! counts, for every word of those comments, how often it falls inside a
//! marked span and how often outside; a word's weight is the log odds
//! `ln((inside + 1) / (outside + 1))`. The classifier marks the words of
//! positive weight in a comment it labels abusive (see
//! [`Classification::toxic_spans`](crate::Classification::toxic_spans)).
//!
//! [`span_f1`] is the task's metric: per comment, the F1 of the predicted
//! against the gold character offsets; a comment with no gold offsets
//! scores 1 when nothing is predicted, else 0.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use crate::classify::{span_groups, Hit};
use crate::features::token_key;
use crate::model::{Model, SpanLexicon};
use crate::normalize::{normalize, Normalized};
use crate::tokenize::TokenKind;

/// A word joins the span lexicon when it occurs at least this often in
/// comments with a marked span.
pub const MIN_OCCURRENCES: u32 = 2;

/// The code-point range of each word token of `text`, with its word key,
/// as the model's tokenizer reads it.
pub fn word_ranges(model: &Model, text: &str) -> Vec<(u64, Range<usize>)> {
    let norm = normalize(text);
    let mut bytes = Vec::new();
    model.extractor().tokenizer.scan(&norm, text, |t| {
        if t.kind == TokenKind::Word {
            bytes.push((
                token_key(TokenKind::Word, t.text),
                norm.original_span(t.span.clone()),
            ));
        }
    });
    // Byte offsets to code points: token spans come in text order.
    let mut out = Vec::with_capacity(bytes.len());
    let (mut at, mut cp) = (0, 0);
    for (k, r) in bytes {
        if r.start < at || r.end < r.start || r.end > text.len() {
            continue;
        }
        cp += text[at..r.start].chars().count();
        let start = cp;
        cp += text[r.start..r.end].chars().count();
        at = r.end;
        out.push((k, start..cp));
    }
    out
}

/// The margins a word's weight must exceed to be marked, tried by
/// cross-validation on the training span file ([`choose_margin`]).
pub const MARGINS: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 1.0];

/// Folds of that cross-validation (comment `i` is in fold `i % FOLDS`).
pub const FOLDS: usize = 5;

/// The words of a comment with a marked span: key, code-point range, and
/// whether most of the word is inside the marks.
struct Worded {
    words: Vec<(u64, Range<usize>, bool)>,
    text: Vec<char>,
    gold: Vec<usize>,
}

/// Character offsets (code points) marked toxic in one comment (a SemEval-2021
/// toxic-spans file, for example): what the span lexicon learns from.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanExample {
    /// The comment.
    pub text: String,
    /// The toxic code-point offsets, sorted (empty: nothing marked).
    pub offsets: Vec<usize>,
}

fn worded(model: &Model, examples: &[SpanExample]) -> Vec<Worded> {
    examples
        .iter()
        .map(|ex| {
            let gold: HashSet<usize> = ex.offsets.iter().copied().collect();
            let words = word_ranges(model, &ex.text)
                .into_iter()
                .map(|(key, r)| {
                    let inside = r.clone().filter(|i| gold.contains(i)).count();
                    let marked = 2 * inside > r.len();
                    (key, r, marked)
                })
                .collect();
            Worded {
                words,
                text: ex.text.chars().collect(),
                gold: ex.offsets.clone(),
            }
        })
        .collect()
}

/// Per word: how often inside a marked span, how often outside.
fn count<'w>(comments: impl Iterator<Item = &'w Worded>) -> BTreeMap<u64, (u32, u32)> {
    let mut counts: BTreeMap<u64, (u32, u32)> = BTreeMap::new();
    for c in comments.filter(|c| !c.gold.is_empty()) {
        for &(key, _, marked) in &c.words {
            let e = counts.entry(key).or_default();
            if marked {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
    counts
}

/// The log-odds weight of a word seen at least [`MIN_OCCURRENCES`] times,
/// or none.
fn weight(inside: u32, outside: u32) -> Option<f64> {
    (inside + outside >= MIN_OCCURRENCES)
        .then(|| ((inside as f64 + 1.0) / (outside as f64 + 1.0)).ln())
}

/// The spans predicted for one comment at margin `m`: the words whose
/// weight exceeds `m` (else, with `fallback`, the word of highest positive
/// weight), joined
/// across white space. This mirrors the classifier's selection for
/// comments it labels abusive.
fn predict(
    c: &Worded,
    counts: &BTreeMap<u64, (u32, u32)>,
    m: f64,
    fallback: bool,
) -> Vec<Range<usize>> {
    let w = |key: &u64| counts.get(key).and_then(|&(i, o)| weight(i, o));
    let mut marked: Vec<Range<usize>> = c
        .words
        .iter()
        .filter(|(k, _, _)| w(k).is_some_and(|x| x > m))
        .map(|(_, r, _)| r.clone())
        .collect();
    if marked.is_empty() && fallback {
        if let Some((_, r, _)) = c
            .words
            .iter()
            .filter(|(k, _, _)| w(k).is_some_and(|x| x > 0.0))
            .max_by(|a, b| w(&a.0).unwrap_or(0.0).total_cmp(&w(&b.0).unwrap_or(0.0)))
        {
            marked.push(r.clone());
        }
    }
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in marked {
        match out.last_mut() {
            Some(l)
                if c.text[l.end.min(r.start)..r.start]
                    .iter()
                    .all(|ch| ch.is_whitespace()) =>
            {
                l.end = l.end.max(r.end)
            }
            _ => out.push(r),
        }
    }
    out
}

/// The span selection [`choose_margin`] picks: the margin a word's weight
/// must exceed, and whether a comment with no such word gets its most
/// abusive word instead.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Selection {
    /// The margin.
    pub margin: f64,
    /// Whether the fallback word is marked.
    pub fallback: bool,
}

/// Chooses the span selection by [`FOLDS`]-fold cross-validation on
/// `examples` (the training span file), with the task's metric on every
/// comment (one with no marked span scores 1 only for an empty
/// prediction): each of [`MARGINS`] with and without the fallback; the
/// highest mean F1 wins, on a tie the smaller margin, then the fallback.
/// Returns it with every candidate's F1.
pub fn choose_margin(
    model: &Model,
    examples: &[SpanExample],
) -> (Selection, Vec<(Selection, f64)>) {
    choose(&worded(model, examples))
}

/// [`choose_margin`] on comments already read into words.
fn choose(comments: &[Worded]) -> (Selection, Vec<(Selection, f64)>) {
    let folds: Vec<BTreeMap<u64, (u32, u32)>> = (0..FOLDS)
        .map(|f| {
            count(
                comments
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % FOLDS != f)
                    .map(|(_, c)| c),
            )
        })
        .collect();
    let mut table = Vec::with_capacity(2 * MARGINS.len());
    for margin in MARGINS {
        for fallback in [true, false] {
            let mut sum = 0.0;
            for (i, c) in comments.iter().enumerate() {
                sum += span_f1(&predict(c, &folds[i % FOLDS], margin, fallback), &c.gold);
            }
            let f1 = sum / comments.len().max(1) as f64;
            table.push((Selection { margin, fallback }, f1));
        }
    }
    let best = table
        .iter()
        .fold(None::<(Selection, f64)>, |b, &(sel, f)| match b {
            Some((_, bf)) if bf >= f => b,
            _ => Some((sel, f)),
        })
        .map_or(
            Selection {
                margin: 0.0,
                fallback: true,
            },
            |b| b.0,
        );
    (best, table)
}

/// Counts words inside and outside the marked spans of `examples` (those
/// with at least one marked offset) and returns the weights, less the
/// margin [`choose_margin`] picks, of the words seen at least
/// [`MIN_OCCURRENCES`] times: a word is marked when its weight is above
/// zero.
pub fn fit_span_lexicon(model: &Model, examples: &[SpanExample]) -> SpanLexicon {
    let comments = worded(model, examples);
    let (selection, _) = choose(&comments);
    let margin = selection.margin;
    let mut lex = SpanLexicon::default();
    for (key, (inside, outside)) in count(comments.iter()) {
        let Some(w) = weight(inside, outside) else {
            continue;
        };
        let w = w - margin;
        if w == 0.0 {
            continue;
        }
        lex.keys.push(key);
        lex.weights.push(w as f32);
    }
    lex.fallback = selection.fallback;
    lex
}

/// The toxic spans of an abusive comment, in code points of the original
/// text: the words the toxic-span weights mark (inside annotators' toxic
/// spans more often than outside), or, when they mark none, the word that
/// pushed hardest toward abuse (`scored`: the words' and pairs' weights
/// toward abuse, unsorted, by first hit). Words separated only by white
/// space join one span.
pub(crate) fn toxic_spans(
    m: &Model,
    original: &str,
    norm: &Normalized<'_>,
    hits: &[Hit],
    scored: &[(f64, usize)],
) -> Vec<Range<usize>> {
    let table = &m.table;
    let mut marked: Vec<Range<usize>> = Vec::new();
    for group in span_groups(hits) {
        let group = &hits[group];
        let weight: f32 = group
            .iter()
            .map(|h| table.row_at(h.row)[table.span_col])
            .sum();
        let span = &group[0].span;
        if group.iter().any(|h| h.word) && weight > 0.0 && !span.is_empty() {
            marked.push(span.clone());
        }
    }
    if marked.is_empty() && m.spans.fallback {
        if let Some(&(_, i)) = scored
            .iter()
            .filter(|&&(_, i)| hits[i].word)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
        {
            marked.push(hits[i].span.clone());
        }
    }
    let mut out: Vec<Range<usize>> = Vec::with_capacity(marked.len());
    let mut bytes: Vec<Range<usize>> = marked
        .into_iter()
        .map(|s| norm.original_span(s))
        .filter(|s| s.start < s.end)
        .collect();
    bytes.sort_unstable_by_key(|s| (s.start, s.end));
    let mut last: Option<Range<usize>> = None;
    for s in bytes {
        match &mut last {
            Some(l) if s.start <= l.end || original[l.end..s.start].trim().is_empty() => {
                l.end = l.end.max(s.end);
            }
            _ => {
                if let Some(l) = last.replace(s) {
                    out.push(l);
                }
            }
        }
    }
    out.extend(last);
    // Byte offsets to code points, in one pass over the text.
    let mut cp = 0;
    let mut at = 0;
    let mut to_cp = |b: usize| {
        cp += original[at..b].chars().count();
        at = b;
        cp
    };
    out.into_iter()
        .map(|r| {
            let start = to_cp(r.start);
            let end = to_cp(r.end);
            start..end
        })
        .collect()
}

/// The SemEval-2021 toxic-spans F1 of one comment: predicted ranges
/// against gold offsets (code points).
pub fn span_f1(predicted: &[Range<usize>], gold: &[usize]) -> f64 {
    let pred: HashSet<usize> = predicted.iter().flat_map(|r| r.clone()).collect();
    let gold: HashSet<usize> = gold.iter().copied().collect();
    if gold.is_empty() {
        return if pred.is_empty() { 1.0 } else { 0.0 };
    }
    if pred.is_empty() {
        return 0.0;
    }
    let tp = pred.intersection(&gold).count() as f64;
    let p = tp / pred.len() as f64;
    let r = tp / gold.len() as f64;
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::single_range_in_vec_init)]
    fn f1_follows_the_task_definition() {
        assert_eq!(span_f1(&[], &[]), 1.0);
        assert_eq!(span_f1(&[0..2], &[]), 0.0);
        assert_eq!(span_f1(&[], &[1]), 0.0);
        assert_eq!(span_f1(&[0..4], &[0, 1, 2, 3]), 1.0);
        // 2 of 4 predicted are gold, 2 of 2 gold predicted: P ½, R 1.
        let f = span_f1(&[0..4], &[2, 3]);
        assert!((f - 2.0 / 3.0).abs() < 1e-12);
    }
}
