//! Toxic spans: which characters make a comment abusive.
//!
//! Annotators of the SemEval-2021 toxic-spans task marked, in comments
//! judged toxic, the characters that make them so. [`fit_span_lexicon`]
//! counts, for every word of those comments, how often it falls inside a
//! marked span and how often outside; a word's weight is the log odds
//! `ln((inside + 1) / (outside + 1))`. In a comment the classifier labels
//! abusive, the span tagger (`spans/tagger.rs`: a logistic regression over a
//! word's weight, whether the lexicon knows it, its neighbours' weights
//! and the toxicity head's weight of it) marks the words likely to lie
//! inside a span (see
//! [`Classification::toxic_spans`](crate::Classification::toxic_spans)).
//! A model without a tagger marks the words of positive weight, less a
//! margin. Which of the two, and their settings, are chosen by
//! cross-validation on the training span file.
//!
//! [`span_f1`] is the task's metric: per comment, the F1 of the predicted
//! against the gold character offsets; a comment with no gold offsets
//! scores 1 when nothing is predicted, else 0.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use crate::classify::{span_groups, Hit};
use crate::features::token_key;
use crate::model::{Model, SpanLexicon, TOXICITY};
use crate::normalize::{normalize, Normalized};
use crate::tokenize::TokenKind;

mod tagger;

pub use tagger::THRESHOLDS as TAGGER_THRESHOLDS;

/// The span tagger replaces the lexicon's threshold only when its
/// cross-validated F1 is higher by more than this.
pub const TAGGER_TOLERANCE: f64 = 0.002;

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
/// whether most of the word is inside the marks; whether each word and
/// the next have only white space between them; the toxicity head's
/// weight of each word.
struct Worded {
    words: Vec<(u64, Range<usize>, bool)>,
    text: Vec<char>,
    gold: Vec<usize>,
    joined: Vec<bool>,
    toxicity: Vec<f64>,
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
            let words: Vec<(u64, Range<usize>, bool)> = word_ranges(model, &ex.text)
                .into_iter()
                .map(|(key, r)| {
                    let inside = r.clone().filter(|i| gold.contains(i)).count();
                    let marked = 2 * inside > r.len();
                    (key, r, marked)
                })
                .collect();
            let text: Vec<char> = ex.text.chars().collect();
            let joined = words
                .windows(2)
                .map(|w| {
                    let (a, b) = (&w[0].1, &w[1].1);
                    a.end <= b.start && text[a.end..b.start].iter().all(|c| c.is_whitespace())
                })
                .collect();
            let toxicity = words
                .iter()
                .map(|(k, _, _)| {
                    model
                        .table
                        .row(*k)
                        .map_or(0.0, |row| model.table.attribute_weight(row, TOXICITY))
                })
                .collect();
            Worded {
                words,
                text,
                gold: ex.offsets.clone(),
                joined,
                toxicity,
            }
        })
        .collect()
}

/// For every fold `g`, the counts of the comments in neither `g` nor any
/// fold of `skip`.
fn counts_without(comments: &[Worded], skip: &[usize]) -> Vec<BTreeMap<u64, (u32, u32)>> {
    (0..FOLDS)
        .map(|g| {
            count(
                comments
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % FOLDS != g && !skip.contains(&(i % FOLDS)))
                    .map(|(_, c)| c),
            )
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

/// A word's weight in `counts`, none when it has none or it is 0 (the
/// lexicon stores no zero: a stored 0 means an unknown word).
fn lexicon_weight(counts: &BTreeMap<u64, (u32, u32)>, key: &u64) -> Option<f64> {
    counts
        .get(key)
        .and_then(|&(i, o)| weight(i, o))
        .filter(|&w| w != 0.0)
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
    let w = |key: &u64| lexicon_weight(counts, key);
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
    join(&c.text, marked)
}

/// Code-point ranges in text order, those with only white space between
/// them joined.
fn join(text: &[char], ranges: impl IntoIterator<Item = Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(l)
                if text[l.end.min(r.start)..r.start]
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
    let comments = worded(model, examples);
    choose(&comments, &counts_without(&comments, &[]))
}

/// [`choose_margin`] on comments already read into words, with `folds`
/// the counts of every fold's training comments ([`counts_without`]).
fn choose(
    comments: &[Worded],
    folds: &[BTreeMap<u64, (u32, u32)>],
) -> (Selection, Vec<(Selection, f64)>) {
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
    let best = first_best(table.iter().copied()).map_or(
        Selection {
            margin: 0.0,
            fallback: true,
        },
        |b| b.0,
    );
    (best, table)
}

/// The first of the items with the highest score, if any: on a tie, the
/// one that comes first.
fn first_best<T: Copy>(items: impl IntoIterator<Item = (T, f64)>) -> Option<(T, f64)> {
    items.into_iter().fold(None, |b, (t, f)| match b {
        Some((_, bf)) if bf >= f => b,
        _ => Some((t, f)),
    })
}

/// The span tagger's cross-validated F1 at each of [`TAGGER_THRESHOLDS`],
/// on the folds of [`choose_margin`], nested: for held-out fold `f`, the
/// words of a training comment of fold `g` take their weights from the
/// comments of neither `f` nor `g`, the fit sees no comment of `f`, and
/// the held-out comments take their weights from every other fold.
pub fn choose_tagger(model: &Model, examples: &[SpanExample]) -> Vec<(f64, f64)> {
    tagger_table(&worded(model, examples))
}

fn tagger_table(comments: &[Worded]) -> Vec<(f64, f64)> {
    let mut sums = vec![0.0; TAGGER_THRESHOLDS.len()];
    for f in 0..FOLDS {
        // Entry `g`: without folds `f` and `g` (entry `f`: without `f`).
        let inner = counts_without(comments, &[f]);
        let fitted = tagger::fit_tagger(
            comments
                .iter()
                .enumerate()
                .filter(|(i, _)| i % FOLDS != f)
                .map(|(i, c)| (c, &inner[i % FOLDS])),
            0.5,
        );
        let outer = &inner[f];
        for c in comments.iter().skip(f).step_by(FOLDS) {
            let rows = tagger::rows_of(c, outer);
            for (t, sum) in TAGGER_THRESHOLDS.iter().zip(&mut sums) {
                let tg = crate::model::SpanTagger {
                    threshold: *t as f32,
                    ..fitted
                };
                let marked = tg.marks(&rows);
                *sum += span_f1(&join_marked(c, &marked), &c.gold);
            }
        }
    }
    TAGGER_THRESHOLDS
        .iter()
        .zip(sums)
        .map(|(&t, s)| (t, s / comments.len().max(1) as f64))
        .collect()
}

/// The marked words of `c` as code-point spans, words with only white
/// space between them joined.
fn join_marked(c: &Worded, marked: &[bool]) -> Vec<Range<usize>> {
    let words = c.words.iter().zip(marked).filter(|(_, &m)| m);
    join(&c.text, words.map(|((_, r, _), _)| r.clone()))
}

/// Counts words inside and outside the marked spans of `examples` (those
/// with at least one marked offset) and returns the weights of the words
/// seen at least [`MIN_OCCURRENCES`] times, with the way to mark words
/// that cross-validation picks: the span tagger ([`choose_tagger`]),
/// fitted on every comment with cross-fitted weights, when its best F1 is
/// higher than the best margin's by more than [`TAGGER_TOLERANCE`]; else
/// the margin and fallback [`choose_margin`] picks, the weights kept less
/// the margin (a word is marked when its weight is above zero).
pub fn fit_span_lexicon(model: &Model, examples: &[SpanExample]) -> SpanLexicon {
    fit_span_lexicon_with_tables(model, examples).0
}

/// The cross-validated F1 of every selection of the span lexicon
/// ([`choose_margin`]) and of the span tagger at each threshold
/// ([`choose_tagger`]).
pub type SpanTables = (Vec<(Selection, f64)>, Vec<(f64, f64)>);

/// [`fit_span_lexicon`], with the cross-validation tables it decided by.
pub fn fit_span_lexicon_with_tables(
    model: &Model,
    examples: &[SpanExample],
) -> (SpanLexicon, SpanTables) {
    let comments = worded(model, examples);
    // Each fold's training counts: the lexicon's cross-validation, and the
    // tagger's weights counted on the folds a comment is not in.
    let folds = counts_without(&comments, &[]);
    let (selection, table) = choose(&comments, &folds);
    let lexicon_best = table.iter().map(|t| t.1).fold(f64::NEG_INFINITY, f64::max);
    let tagged = tagger_table(&comments);
    // The lowest threshold on a tie.
    let best = first_best(tagged.iter().copied());
    let tagger = best
        .filter(|&(_, f)| f > lexicon_best + TAGGER_TOLERANCE)
        .map(|(threshold, _)| {
            tagger::fit_tagger(
                comments
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c, &folds[i % FOLDS])),
                threshold,
            )
        });
    // With the tagger, weights are kept as they are; without it, less the
    // margin, so that a word is marked when its stored weight is positive.
    let margin = if tagger.is_some() {
        0.0
    } else {
        selection.margin
    };
    let mut lex = SpanLexicon::default();
    for (key, (inside, outside)) in count(comments.iter()) {
        let Some(w) = weight(inside, outside) else {
            continue;
        };
        // A stored 0 means "not in the lexicon" (see `toxic_spans`).
        let w = (w - margin) as f32;
        if w == 0.0 {
            continue;
        }
        lex.keys.push(key);
        lex.weights.push(w);
    }
    lex.fallback = tagger.is_some() || selection.fallback;
    lex.tagger = tagger;
    (lex, (table, tagged))
}

/// The toxic spans of an abusive comment, in code points of the original
/// text: the words the span tagger marks (else the likeliest one); for a
/// model without a tagger, the words whose toxic-span weight is positive
/// or, when there are none, the word that pushed hardest toward abuse
/// (`scored`: the words' and pairs' weights toward abuse, unsorted, by
/// first hit). Words separated only by white space join one span.
pub(crate) fn toxic_spans(
    m: &Model,
    original: &str,
    norm: &Normalized<'_>,
    hits: &[Hit],
    scored: &[(f64, usize)],
) -> Vec<Range<usize>> {
    let table = &m.table;
    let mut marked: Vec<Range<usize>> = Vec::new();
    // With the tagger, the marked words' original byte ranges go straight
    // to `bytes`; with the weights alone, their normalized spans to
    // `marked`, mapped below.
    let mut bytes: Vec<Range<usize>> = Vec::new();
    if let Some(tg) = &m.spans.tagger {
        // The comment's words in text order: original byte range, weight
        // (a stored 0: not in the lexicon) and the toxicity head's weight.
        let mut words: Vec<(Range<usize>, Option<f64>, f64)> = Vec::with_capacity(hits.len());
        let mut hint = 0;
        for group in span_groups(hits) {
            let group = &hits[group];
            let span = &group[0].span;
            if let Some(h) = group.iter().find(|h| h.word).filter(|_| !span.is_empty()) {
                let row = table.row_at(h.row);
                let w = row[table.span_col];
                words.push((
                    norm.original_span_from(span.clone(), &mut hint),
                    (w != 0.0).then_some(w as f64),
                    table.attribute_weight(row, TOXICITY),
                ));
            }
        }
        // A neighbour's weight counts when only white space separates it;
        // one the lexicon does not know counts 0 either way, so the gap is
        // read only when either word has a weight, once per pair.
        let joined = |i: usize| {
            let (a, b) = (&words[i], &words[i + 1]);
            (a.1.is_some() || b.1.is_some())
                && a.0.end <= b.0.start
                && only_white_space(&original[a.0.end..b.0.start])
        };
        let n = words.len();
        let cut = tg.cut();
        let mut best: Option<(usize, f64)> = None;
        let mut joined_prev = false;
        for i in 0..n {
            let joined_next = i + 1 < n && joined(i);
            let prev = if joined_prev { words[i - 1].1 } else { None };
            let next = if joined_next { words[i + 1].1 } else { None };
            joined_prev = joined_next;
            let z = tg.score(&tagger::row(words[i].1, prev, next, words[i].2));
            if z > cut {
                bytes.push(words[i].0.clone());
            }
            if best.is_none_or(|(_, bz)| z > bz) {
                best = Some((i, z));
            }
        }
        if bytes.is_empty() {
            bytes.extend(best.map(|(i, _)| words[i].0.clone()));
        }
    }
    for group in span_groups(hits).filter(|_| m.spans.tagger.is_none()) {
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
    if marked.is_empty() && m.spans.fallback && m.spans.tagger.is_none() {
        if let Some(&(_, i)) = scored
            .iter()
            .filter(|&&(_, i)| hits[i].word)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
        {
            marked.push(hits[i].span.clone());
        }
    }
    let mut out: Vec<Range<usize>> = Vec::with_capacity(marked.len() + bytes.len());
    bytes.extend(marked.into_iter().map(|s| norm.original_span(s)));
    bytes.retain(|s| s.start < s.end);
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

/// Whether `gap` is white space only (or empty), as `char::is_whitespace`
/// says; the common gaps (spaces, tabs, line ends) are read byte by byte.
fn only_white_space(gap: &str) -> bool {
    gap.bytes()
        .all(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        || gap.chars().all(char::is_whitespace)
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
