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
use crate::datasets::SpanExample;
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

/// Counts words inside and outside the marked spans of `examples` (those
/// with at least one marked offset) and returns the weights of the words
/// seen at least [`MIN_OCCURRENCES`] times whose weight is not zero.
pub fn fit_span_lexicon(model: &Model, examples: &[SpanExample]) -> SpanLexicon {
    let mut counts: BTreeMap<u64, (u32, u32)> = BTreeMap::new();
    for ex in examples.iter().filter(|e| !e.offsets.is_empty()) {
        let gold: HashSet<usize> = ex.offsets.iter().copied().collect();
        for (key, r) in word_ranges(model, &ex.text) {
            let len = r.len();
            let inside = r.clone().filter(|i| gold.contains(i)).count();
            let c = counts.entry(key).or_default();
            if 2 * inside > len {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
    }
    let mut lex = SpanLexicon::default();
    for (key, (inside, outside)) in counts {
        if inside + outside < MIN_OCCURRENCES || inside == outside {
            continue;
        }
        lex.keys.push(key);
        lex.weights
            .push(((inside as f64 + 1.0) / (outside as f64 + 1.0)).ln() as f32);
    }
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
    if marked.is_empty() {
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
