//! The model's compiled lookup table, and its incremental update when a
//! correction is learned.
//!
//! For each known key the table holds one row: two columns per attribute
//! head, one log-probability per class of the label head, and the toxic-span
//! weight last. An attribute head's log-count ratio of feature `f`,
//!
//! ```text
//! r_f = ln(x_f1 + α) − ln(x_f0 + α) − (ln T_1 − ln T_0),   T_c = Σ_keys (x_c + α)
//! ```
//!
//! depends on the head's per-class totals `T_c`, which every correction
//! moves. So a row keeps only what depends on its own key, `w_f·d_f` (with
//! `d_f = ln(x_f1 + α) − ln(x_f0 + α)`) and `w_f`, and the table keeps the
//! head's *shift* `ln T_1 − ln T_0` apart: a comment's sum is
//! `Σ w_f·d_f − shift·Σ w_f`. Learning a comment then rewrites only the rows
//! of the comment's keys and the head's shift, and the result is the very
//! table a full compile gives (the totals are exact sums of whole counts).
//! A head whose counts are not whole numbers, or a naive Bayes head (whose
//! log-probabilities are normalized per class in every row), is recompiled.

use super::{softmax_at, Head, SpanLexicon, LABEL, OFF_TOPIC_CLASS};

/// One slot of [`Table`].
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    key: u64,
    row: u32,
}

/// Open-addressing table from feature key to a row of weights (see the
/// module's documentation for the columns).
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    /// Slots: a key (0: empty) and its row index side by side, so a probe
    /// reads one cache line.
    slots: Vec<Slot>,
    /// Rows, `width` floats each.
    values: Vec<f32>,
    mask: usize,
    /// Columns in all.
    pub(crate) width: usize,
    /// First column of each head.
    pub(crate) offsets: Vec<usize>,
    /// The toxic-span column.
    pub(crate) span_col: usize,
    /// Rows `0..vocab_rows` are the shared vocabulary's keys, which count
    /// toward a comment's length normalisation.
    pub(crate) vocab_rows: u32,
    /// A row of zeros that no key has: the row of a word the model does
    /// not know, which is a reason only through its character n-grams.
    pub(crate) unknown_row: u32,
    /// `ln prior` per column (0 for attribute heads' columns).
    pub(crate) log_priors: Vec<f64>,
    /// Per head, `ln T_1 − ln T_0` for a fitted attribute head (0
    /// otherwise).
    shifts: Vec<f64>,
    /// Per head, the exact sum of each class's counts (attribute heads
    /// whose counts are all whole numbers; `None` otherwise).
    count_sums: Vec<Option<[f64; 2]>>,
}

/// Whether head `h` has a fitted logistic layer over its keys, which the
/// table's two columns hold.
fn fitted(h: &Head) -> bool {
    h.logistic
        .as_ref()
        .is_some_and(|l| h.n_classes() == 2 && l.weights.len() == h.keys.len())
}

/// `ln(T_1) − ln(T_0)` for class count sums `sums` over `n` keys.
fn shift(sums: [f64; 2], n: usize, alpha: f64) -> f64 {
    let smooth = n as f64 * alpha;
    (sums[1] + smooth).ln() - (sums[0] + smooth).ln()
}

/// Row `i`'s first column for a fitted attribute head: `w·d`.
fn weighted_ratio(h: &Head, i: usize) -> f32 {
    let w = h.logistic.as_ref().map_or(0.0, |l| l.weights[i]);
    let d = (h.counts[2 * i + 1] as f64 + h.alpha).ln() - (h.counts[2 * i] as f64 + h.alpha).ln();
    w * d as f32
}

impl Table {
    /// Compiles the table of `heads` and `spans`.
    pub(crate) fn compile(heads: &[Head], spans: &SpanLexicon) -> Table {
        let mut offsets = Vec::with_capacity(heads.len());
        let mut width = 0;
        let mut log_priors = Vec::new();
        for h in heads {
            offsets.push(width);
            width += h.columns();
            if h.logistic.is_some() {
                log_priors.extend([0.0, 0.0]);
            } else {
                log_priors.extend(h.log_priors());
            }
        }
        let span_col = width;
        width += 1;
        log_priors.push(0.0);
        // The vocabulary's keys first (sorted), then the others (sorted), for
        // a deterministic layout.
        let vocab: &[u64] = heads
            .iter()
            .find(|h| h.logistic.is_some())
            .map_or(&[], |h| &h.keys);
        let mut rest: Vec<u64> = heads
            .iter()
            .flat_map(|h| h.keys.iter().chain(&h.structure_keys).copied())
            .chain(spans.keys.iter().copied())
            .filter(|k| vocab.binary_search(k).is_err())
            .collect();
        rest.sort_unstable();
        rest.dedup();
        let all: Vec<u64> = vocab.iter().chain(&rest).copied().collect();
        let row_of = |k: &u64| -> usize {
            match vocab.binary_search(k) {
                Ok(i) => i,
                Err(_) => vocab.len() + rest.binary_search(k).expect("key is in the table"),
            }
        };
        // One more row, all zeros, after the keys' rows: see `unknown_row`.
        let mut values = vec![0f32; (all.len() + 1) * width];
        let mut shifts = vec![0.0; heads.len()];
        let mut count_sums = vec![None; heads.len()];
        for (hi, h) in heads.iter().enumerate() {
            if let Some(l) = &h.logistic {
                if fitted(h) {
                    for (i, k) in h.keys.iter().enumerate() {
                        let at = row_of(k) * width + offsets[hi];
                        values[at] = weighted_ratio(h, i);
                        values[at + 1] = l.weights[i];
                    }
                    let mut sums = [0f64; 2];
                    for row in h.counts.chunks_exact(2) {
                        sums[0] += row[0] as f64;
                        sums[1] += row[1] as f64;
                    }
                    shifts[hi] = shift(sums, h.keys.len(), h.alpha);
                    count_sums[hi] = h.counts.iter().all(|x| x.fract() == 0.0).then_some(sums);
                }
                continue;
            }
            let c = h.n_classes();
            for (keys, lp) in [
                (&h.keys, h.log_probs()),
                (&h.structure_keys, h.structure_log_probs()),
            ] {
                for (i, k) in keys.iter().enumerate() {
                    let r = row_of(k);
                    for j in 0..c {
                        values[r * width + offsets[hi] + j] = lp[i * c + j] as f32;
                    }
                }
            }
        }
        for (k, &w) in spans.keys.iter().zip(&spans.weights) {
            values[row_of(k) * width + span_col] = w;
        }
        let cap = (all.len() * 2).next_power_of_two().max(16);
        let mut slots = vec![Slot::default(); cap];
        let mask = cap - 1;
        for (r, &k) in all.iter().enumerate() {
            let mut i = (k as usize) & mask;
            while slots[i].key != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = Slot {
                key: k,
                row: r as u32,
            };
        }
        Table {
            slots,
            values,
            mask,
            width,
            offsets,
            span_col,
            vocab_rows: vocab.len() as u32,
            unknown_row: all.len() as u32,
            log_priors,
            shifts,
            count_sums,
        }
    }

    /// Brings attribute head `hi` (now `h`) up to date after a correction
    /// changed the counts of its keys at indices `touched` (into `h.keys`)
    /// and grew its class count sums by `added`. False (nothing changed)
    /// when the head cannot be updated in place and the table must be
    /// recompiled: a naive Bayes head, or counts that are not whole numbers.
    pub(crate) fn learned(
        &mut self,
        hi: usize,
        h: &Head,
        touched: &[usize],
        added: [f64; 2],
    ) -> bool {
        let Some(Some(sums)) = self.count_sums.get(hi).copied() else {
            return false;
        };
        if !fitted(h) {
            return false;
        }
        let sums = [sums[0] + added[0], sums[1] + added[1]];
        let off = self.offsets[hi];
        for &i in touched {
            let Some((r, _)) = self.row_indexed(h.keys[i]) else {
                continue;
            };
            self.values[r as usize * self.width + off] = weighted_ratio(h, i);
        }
        self.count_sums[hi] = Some(sums);
        self.shifts[hi] = shift(sums, h.keys.len(), h.alpha);
        true
    }

    /// Rewrites both columns (`w·d` and `w`) of the rows of attribute head
    /// `hi`'s keys at indices `touched` after the head's logistic weights
    /// of those keys changed (a correction's step, see
    /// [`learn`](super::learn)). False (nothing changed) when the head has
    /// no fitted logistic layer in the table, which must then be
    /// recompiled.
    pub(crate) fn reweighted(&mut self, hi: usize, h: &Head, touched: &[usize]) -> bool {
        let Some(l) = h.logistic.as_ref().filter(|_| fitted(h)) else {
            return false;
        };
        if self.count_sums.get(hi).is_none() {
            return false;
        }
        let off = self.offsets[hi];
        for &i in touched {
            let Some((r, _)) = self.row_indexed(h.keys[i]) else {
                continue;
            };
            let at = r as usize * self.width + off;
            self.values[at] = weighted_ratio(h, i);
            self.values[at + 1] = l.weights[i];
        }
        true
    }

    /// Attribute head `hi`'s shift `ln T₁ − ln T₀` (0 for a head without a
    /// fitted logistic layer): its log-count ratios are `r = d − shift`.
    #[inline]
    pub(crate) fn shift(&self, hi: usize) -> f64 {
        self.shifts.get(hi).copied().unwrap_or(0.0)
    }

    /// One row's two columns of attribute head `hi`: `(w·d, w)`.
    #[inline]
    pub(crate) fn attribute_columns(&self, row: &[f32], hi: usize) -> (f64, f64) {
        let off = self.offsets[hi];
        (row[off] as f64, row[off + 1] as f64)
    }

    /// Attribute head `hi`'s score sum `Σ w·r` from the per-column sums of
    /// a comment's rows.
    #[inline]
    pub(crate) fn attribute_sum(&self, sums: &[f64], hi: usize) -> f64 {
        let off = self.offsets[hi];
        sums[off] - self.shifts[hi] * sums[off + 1]
    }

    /// One feature's `w·r` in attribute head `hi`, from its row.
    #[inline]
    pub(crate) fn attribute_weight(&self, row: &[f32], hi: usize) -> f64 {
        let off = self.offsets[hi];
        row[off] as f64 - self.shifts[hi] * row[off + 1] as f64
    }

    /// The label head's probability of `off_topic` against `on_topic`
    /// from a comment's column sums: what decides between the two when
    /// neither attribute does.
    pub(crate) fn off_topic_share(&self, sums: &[f64]) -> f64 {
        let c = self.offsets[LABEL] + OFF_TOPIC_CLASS;
        softmax_at(&sums[c..c + 2], 0)
    }

    /// A row's weight in the label head toward `off_topic` (or, with
    /// `off_topic` false, toward `on_topic`): its log-probability ratio of
    /// the two classes.
    pub(crate) fn topic_weight(&self, row: &[f32], off_topic: bool) -> f64 {
        let c = self.offsets[LABEL] + OFF_TOPIC_CLASS;
        let (to, from) = if off_topic { (c, c + 1) } else { (c + 1, c) };
        (row[to] - row[from]) as f64
    }

    /// The row of `key`, if the model knows it.
    #[inline]
    pub(crate) fn row(&self, key: u64) -> Option<&[f32]> {
        self.row_indexed(key).map(|(_, row)| row)
    }

    /// The row index and row of `key`, if the model knows it.
    #[inline]
    pub(crate) fn row_indexed(&self, key: u64) -> Option<(u32, &[f32])> {
        let mut i = (key as usize) & self.mask;
        loop {
            let Slot { key: k, row: r } = self.slots[i];
            if k == key {
                let at = r as usize * self.width;
                return Some((r, &self.values[at..at + self.width]));
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Number of rows (known keys).
    pub(crate) fn n_rows(&self) -> usize {
        self.values.len() / self.width.max(1)
    }

    /// Row number `r`.
    pub(crate) fn row_at(&self, r: u32) -> &[f32] {
        let at = r as usize * self.width;
        &self.values[at..at + self.width]
    }

    /// Bytes held by the table.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.len() * std::mem::size_of::<Slot>() + self.values.len() * 4
    }

    /// Whether two tables are the same, bit for bit.
    #[cfg(test)]
    pub(crate) fn same_bits(&self, o: &Table) -> bool {
        let bits32 = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let bits64 = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let sums = |v: &[Option<[f64; 2]>]| {
            v.iter()
                .map(|s| s.map(|[a, b]| [a.to_bits(), b.to_bits()]))
                .collect::<Vec<_>>()
        };
        self.slots.len() == o.slots.len()
            && self
                .slots
                .iter()
                .zip(&o.slots)
                .all(|(a, b)| a.key == b.key && a.row == b.row)
            && bits32(&self.values) == bits32(&o.values)
            && (self.mask, self.width, self.span_col, self.vocab_rows)
                == (o.mask, o.width, o.span_col, o.vocab_rows)
            && self.offsets == o.offsets
            && bits64(&self.log_priors) == bits64(&o.log_priors)
            && bits64(&self.shifts) == bits64(&o.shifts)
            && sums(&self.count_sums) == sums(&o.count_sums)
    }
}

/// Adds a row of the lookup table to the per-column sums. Each column gets
/// the same addition whatever the path; a row of 11 columns (the default
/// heads: 2 + 2 + 2 + 4, and the toxic-span weight) is added as a
/// fixed-size array, which the compiler turns into a few vector
/// instructions (two columns an instruction). Not inlined: inside the
/// feature loop the compiler cannot tell the sums from the row and adds
/// column by column (44 instructions a row against 26 here, call
/// included).
#[inline(never)]
pub(crate) fn add_row(sums: &mut [f64; 16], row: &[f32]) {
    if let (Ok(r), Some(s)) = (<&[f32; 11]>::try_from(row), sums.first_chunk_mut::<11>()) {
        for (s, &v) in s.iter_mut().zip(r) {
            *s += v as f64;
        }
    } else {
        for (s, &v) in sums.iter_mut().zip(row) {
            *s += v as f64;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Classifier, Correction, Label, Model};

    /// The table learned into a model, and one compiled afresh from the
    /// same heads.
    fn fresh(m: &Model) -> Model {
        Model::new(
            m.tokenizer.clone(),
            m.features.clone(),
            m.lexicon.clone(),
            m.heads.clone(),
            m.spans.clone(),
            m.thresholds,
            m.provenance.clone(),
        )
    }

    /// A few hundred texts: corpus comments and mixes of their words.
    fn texts() -> Vec<String> {
        let all = crate::test_texts::texts();
        let mut out: Vec<String> = all.iter().step_by(all.len() / 200 + 1).cloned().collect();
        let words: Vec<&str> = all.iter().flat_map(|t| t.split_whitespace()).collect();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200 {
            let mut t = String::new();
            for _ in 0..(x % 30 + 1) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                t.push_str(words[(x % words.len() as u64) as usize]);
                t.push(' ');
            }
            out.push(t);
        }
        out
    }

    #[test]
    fn learning_in_place_gives_the_compiled_table_bit_for_bit() {
        let texts = texts();
        assert!(texts.len() >= 300, "{} texts", texts.len());
        let mut m = (**Classifier::default().model()).clone();
        let before = m.table.clone();
        for (i, t) in texts.iter().take(120).enumerate() {
            let reply = [None, Some(true), Some(false)][i % 3];
            let y = (i / 3) % 2 == 1;
            let c = [
                Correction::Spam(y),
                Correction::Toxic(y),
                Correction::IdentityAttack(y),
            ];
            m.learn_in_thread(c[i % 3], t, reply);
        }
        assert!(!m.table.same_bits(&before), "learning changed nothing");
        let f = fresh(&m);
        assert!(m.table.same_bits(&f.table));
        let (a, b) = (Classifier::new(m), Classifier::new(f));
        for t in &texts {
            let (x, y) = (a.classify_text(t), b.classify_text(t));
            assert_eq!(x.scores, y.scores, "{t}");
            assert_eq!(x.reasons, y.reasons, "{t}");
        }
    }

    #[test]
    fn a_naive_bayes_head_or_fractional_counts_are_recompiled() {
        let mut m = (**Classifier::default().model()).clone();
        m.learn(
            Correction::Label(Label::OnTopic),
            "a reply about the article",
        );
        assert!(m.table.same_bits(&fresh(&m).table));
        m.heads[0].counts[1] += 0.25;
        m = fresh(&m);
        m.learn(Correction::Spam(true), "make money fast at home");
        assert!(m.table.same_bits(&fresh(&m).table));
    }
}
