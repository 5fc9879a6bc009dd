//! Attribute heads: naive Bayes counts, log-count ratios, the logistic
//! layer, and its calibration on left-out sources (steps 3 and 4 of
//! [`crate::train`]).

use super::{attribute, Calibration, TrainParams};
use crate::chargrams::Grams;
use crate::features;
use crate::label::Example;
use crate::logistic::{self, LogisticParams, SparseRows};
use crate::model::{
    CharPart, Head, LogisticLayer, CHAR_HEADS, HEADS, IDENTITY_ATTACK, SPAM, TOXICITY,
};

/// Naive Bayes counts of the vocabulary per class over `rows` (presence
/// per example): `width × 2`, row-major by key, and the class counts.
pub(super) fn nb_counts(width: usize, rows: &[(&[u32], bool)]) -> (Vec<f32>, Vec<u64>) {
    let mut counts = vec![0f32; width * 2];
    let mut class = vec![0u64; 2];
    for &(r, y) in rows {
        let c = usize::from(y);
        class[c] += 1;
        for &j in r {
            counts[j as usize * 2 + c] += 1.0;
        }
    }
    (counts, class)
}

/// An attribute head fitted on `rows`: counts, ratios, logistic layer
/// (calibration left at the identity). With `grams` (one per row), the
/// head also gets a character block of `bits`-bit buckets, fitted with
/// the words in one logistic layer. With `sources` (a source number per
/// row), the fit has a column per source, dropped after it.
fn fit_attribute(
    head: usize,
    vocab: &[u64],
    rows: &[(&[u32], bool)],
    grams: Option<(&[&Grams], u32)>,
    sources: Option<&[u32]>,
    params: &TrainParams,
) -> Head {
    // The abuse heads may leave the link-count shape out (its feature
    // value 0, so its weight stays 0); spam always reads it.
    let no_link_count = matches!(head, TOXICITY | IDENTITY_ATTACK) && !params.abuse_link_count;
    let (name, classes) = HEADS[head];
    let (counts, class_counts) = nb_counts(vocab.len(), rows);
    let (l2, alpha) = (params.l2[head], params.alpha[head]);
    let mut head = Head {
        name: name.to_string(),
        classes: classes.iter().map(|s| s.to_string()).collect(),
        class_counts,
        alpha,
        keys: vocab.to_vec(),
        counts,
        structure_keys: Vec::new(),
        structure_counts: Vec::new(),
        logistic: None,
        chars: None,
    };
    let mut r = head.log_count_ratios();
    if no_link_count {
        // The vocabulary is sorted.
        for k in features::link_count_keys() {
            if let Ok(j) = vocab.binary_search(&k) {
                r[j] = 0.0;
            }
        }
    }
    // The character block's columns follow the vocabulary's.
    let chars = grams.map(|(g, bits)| {
        let mut part = CharPart {
            bits,
            counts: vec![0f32; 2 << bits],
            weights: Vec::new(),
        };
        for (grams, &(_, y)) in g.iter().zip(rows) {
            for &(b, c) in &grams.buckets {
                part.counts[2 * b as usize + usize::from(y)] += c;
            }
        }
        let ratios = part.log_count_ratios(alpha);
        (g, part, ratios)
    });
    let base = vocab.len() as u32;
    let width = vocab.len() + chars.as_ref().map_or(0, |c| 1usize << c.1.bits);
    // A source's column follows the others: 1 for its examples.
    let n_sources = sources.map_or(0, |s| s.iter().max().map_or(0, |&m| m as usize + 1));
    let source_col = |i: usize| sources.map(|s| (width as u32 + s[i], 1.0f32));
    let mut x = SparseRows::new();
    for (i, &(row, y)) in rows.iter().enumerate() {
        let scale = 1.0 / (row.len().max(1) as f64).sqrt();
        let words = row.iter().map(|&j| (j, (r[j as usize] * scale) as f32));
        match &chars {
            Some((g, _, rc)) => {
                let gs = g[i].scale();
                let block = g[i]
                    .buckets
                    .iter()
                    .map(|&(b, c)| (base + b, (rc[b as usize] * c as f64 * gs) as f32));
                x.push(words.chain(block).chain(source_col(i)), y);
            }
            None => x.push(words.chain(source_col(i)), y),
        }
    }
    let fitted = logistic::fit(
        &x,
        width + n_sources,
        &LogisticParams {
            l2,
            ..Default::default()
        },
    );
    // The source columns are dropped: the head scores a comment from no
    // source in particular.
    let mut weights: Vec<f32> = fitted.weights[..width].iter().map(|&w| w as f32).collect();
    if let Some((_, mut part, _)) = chars {
        part.weights = weights.split_off(vocab.len());
        head.chars = Some(part);
    }
    head.logistic = Some(LogisticLayer {
        weights,
        bias: fitted.bias,
        platt: (1.0, 0.0),
    });
    head
}

/// The uncalibrated score `z` of a row (with its character n-grams, when
/// the head has a block) under an attribute head; `char_weights` are the
/// block's `w·r`.
fn raw_score(head: &Head, ratios: &[f64], row: &[u32], grams: &Grams, char_weights: &[f32]) -> f64 {
    let l = head.logistic.as_ref().expect("an attribute head");
    let sum: f64 = row
        .iter()
        .map(|&j| l.weights[j as usize] as f64 * ratios[j as usize])
        .sum();
    let block: f64 = if char_weights.is_empty() {
        0.0
    } else {
        grams
            .buckets
            .iter()
            .map(|&(b, c)| char_weights[b as usize] as f64 * c as f64)
            .sum::<f64>()
            * grams.scale()
    };
    l.bias + sum / (row.len().max(1) as f64).sqrt() + block
}

/// The largest intercept at which, on every source with no positives, at
/// most a share `q` of its scores `z` reach probability 0.5
/// (`a·z + b ≥ 0`); infinite when no source constrains it.
fn budget_intercept(a: f64, parts: &[Vec<(f64, bool)>], q: f64) -> f64 {
    let mut b = f64::INFINITY;
    for p in parts
        .iter()
        .filter(|p| !p.is_empty() && p.iter().all(|s| !s.1))
    {
        let mut z: Vec<f64> = p.iter().map(|s| a * s.0).collect();
        z.sort_unstable_by(|x, y| y.total_cmp(x));
        let allowed = (q * z.len() as f64).floor() as usize;
        if let Some(&first_below) = z.get(allowed) {
            // The scores from `first_below` down stay under 0.5.
            b = b.min(-first_below - 1e-9);
        }
    }
    b
}

/// Fits attribute head `head` on the examples that label it, calibrated
/// (when asked) on out-of-source scores.
pub(super) fn attribute_head(
    head: usize,
    examples: &[Example],
    rows: &[Vec<u32>],
    grams: &[Grams],
    vocab: &[u64],
    params: &TrainParams,
) -> Head {
    // The character block, for the abuse heads when the parameters ask.
    let bits = params.char_bits.filter(|_| CHAR_HEADS.contains(&head));
    let labeled: Vec<(usize, bool)> = examples
        .iter()
        .enumerate()
        .filter_map(|(i, e)| attribute(head, e).map(|y| (i, y)))
        .collect();
    let data: Vec<(&[u32], bool)> = labeled.iter().map(|&(i, y)| (&rows[i][..], y)).collect();
    // A head with one class or none learns nothing: no block either.
    let both = labeled.iter().any(|l| l.1) && labeled.iter().any(|l| !l.1);
    let bits = bits.filter(|_| both);
    let data_grams: Vec<&Grams> = labeled.iter().map(|&(i, _)| &grams[i]).collect();
    let block = bits.map(|b| (&data_grams[..], b));
    // Each labeled example's source number, for a fit with a column per
    // source.
    let source = |i: usize| examples[i].source.as_deref().unwrap_or("");
    let mut names: Vec<&str> = labeled.iter().map(|&(i, _)| source(i)).collect();
    names.sort_unstable();
    names.dedup();
    let number = |i: usize| names.binary_search(&source(i)).expect("a listed source") as u32;
    let numbers: Vec<u32> = labeled.iter().map(|&(i, _)| number(i)).collect();
    let by_source = params.source_intercepts[head].then_some(&numbers[..]);
    let mut fitted = fit_attribute(head, vocab, &data, block, by_source, params);
    if !params.calibrate || !fitted.is_trained() {
        return fitted;
    }
    // Each source left out in turn: a head trained on the others scores
    // it. Every source weighs the same in the calibration (its examples
    // share a weight of one), so the mapping is the one a new source
    // should expect, not the largest source's.
    if names.len() < 2 {
        return fitted;
    }
    let parts: Vec<Vec<(f64, bool)>> = std::thread::scope(|s| {
        let jobs: Vec<_> = names
            .iter()
            .map(|&name| {
                let labeled = &labeled;
                s.spawn(move || {
                    let kept: Vec<(usize, bool)> = labeled
                        .iter()
                        .copied()
                        .filter(|&(i, _)| source(i) != name)
                        .collect();
                    let train: Vec<(&[u32], bool)> =
                        kept.iter().map(|&(i, y)| (&rows[i][..], y)).collect();
                    let train_grams: Vec<&Grams> = kept.iter().map(|&(i, _)| &grams[i]).collect();
                    let kept_numbers: Vec<u32> = kept.iter().map(|&(i, _)| number(i)).collect();
                    let part = fit_attribute(
                        head,
                        vocab,
                        &train,
                        bits.map(|b| (&train_grams[..], b)),
                        params.source_intercepts[head].then_some(&kept_numbers[..]),
                        params,
                    );
                    let ratios = part.log_count_ratios();
                    let char_weights = part
                        .chars
                        .as_ref()
                        .map_or(Vec::new(), |c| c.scaled_weights(part.alpha));
                    labeled
                        .iter()
                        .filter(|&&(i, _)| source(i) == name)
                        .map(|&(i, y)| {
                            (
                                raw_score(&part, &ratios, &rows[i], &grams[i], &char_weights),
                                y,
                            )
                        })
                        .collect()
                })
            })
            .collect();
        jobs.into_iter()
            .map(|j| j.join().expect("a calibration thread panicked"))
            .collect()
    });
    // Every source weighs the same: its pairs share a weight of one.
    let scored: Vec<(f64, bool, f64)> = parts
        .iter()
        .flat_map(|p| {
            let w = 1.0 / p.len() as f64;
            p.iter().map(move |&(z, y)| (z, y, w))
        })
        .collect();
    if let Some(l) = fitted.logistic.as_mut() {
        let (a, mut b) = match params.calibration {
            Calibration::Pooled => logistic::platt_weighted(&scored),
            Calibration::SharedSlope => {
                let (a, b) = logistic::platt_grouped(&parts);
                // The intercept a new source should expect: the mean over
                // the sources whose intercept the data pin down (both
                // classes present).
                let both: Vec<f64> = parts
                    .iter()
                    .zip(&b)
                    .filter(|(p, _)| p.iter().any(|s| s.1) && p.iter().any(|s| !s.1))
                    .map(|(_, &b)| b)
                    .collect();
                let mean = if both.is_empty() {
                    b.iter().sum::<f64>() / b.len() as f64
                } else {
                    both.iter().sum::<f64>() / both.len() as f64
                };
                (a, mean)
            }
        };
        if head == SPAM {
            if let Some(q) = params.false_spam_budget {
                b = b.min(budget_intercept(a, &parts, q));
            }
        }
        // Prior shift (Saerens et al. 2002): the calibrated odds hold for the
        // training mix's share of positives; a stream with another share
        // moves them by the ratio of the two shares' odds.
        if let Some(rate) = params.stream_rate[head] {
            let pos: f64 = scored.iter().filter(|s| s.1).map(|s| s.2).sum();
            let mix = pos / scored.iter().map(|s| s.2).sum::<f64>();
            b += (rate / (1.0 - rate)).ln() - (mix / (1.0 - mix)).ln();
        }
        l.platt = (a, b);
    }
    fitted
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word found in every example of a source where most examples are
    /// positive, and in no other source's, says which source an example
    /// comes from, not whether it is positive: with one intercept it takes
    /// that source's share of positives on itself; with a column per
    /// source, the source's column takes most of it.
    #[test]
    fn a_column_per_source_takes_a_source_style_words_weight() {
        // Keys: 0 a word of source 0's style, 1 an insult, 2 a neutral word.
        let vocab = [11u64, 12, 13];
        let (si, sn, i, n): (&[u32], &[u32], &[u32], &[u32]) = (&[0, 1], &[0, 2], &[1], &[2]);
        let mut rows: Vec<(&[u32], bool)> = vec![(si, true); 600];
        rows.extend(vec![(sn, true); 200]);
        rows.extend(vec![(sn, false); 200]);
        rows.extend(vec![(i, true); 200]);
        rows.extend(vec![(n, false); 200]);
        let sources: Vec<u32> = (0..rows.len()).map(|i| u32::from(i >= 1000)).collect();
        let params = TrainParams::default();
        let weights = |by_source: Option<&[u32]>| {
            let h = fit_attribute(TOXICITY, &vocab, &rows, None, by_source, &params);
            h.logistic.expect("fitted").weights
        };
        let (one, per_source) = (weights(None), weights(Some(&sources)));
        assert_eq!(
            per_source.len(),
            vocab.len(),
            "the source columns are dropped"
        );
        assert!(per_source[0] < 0.5 * one[0], "{one:?} {per_source:?}");
    }
}
