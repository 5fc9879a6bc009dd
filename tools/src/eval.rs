//! Evaluation metrics: confusion matrices, precision, recall, F1 and the
//! Matthews correlation coefficient (MCC).
//!
//! A [`ConfusionMatrix`] counts (actual, predicted) pairs over `n` classes;
//! [`BinaryCounts`] holds the four cells of one class against the rest.
//! An [`Evaluation`] collects, for a set of labeled [`Example`]s and their
//! [`Classification`]s, whatever the examples know: the four-way content
//! label, the spam attribute and the abuse attribute.
//!
//! Undefined ratios are 0, never NaN: precision with no positive
//! prediction, recall with no positive example, MCC when a row or column
//! of the table is empty.
//!
//! ```
//! use comment_sieve_tools::eval::BinaryCounts;
//!
//! let mut c = BinaryCounts::default();
//! for (actual, predicted) in [(true, true), (true, false), (false, false), (false, false)] {
//!     c.add(actual, predicted);
//! }
//! assert_eq!(c.accuracy(), 0.75);
//! assert_eq!(c.precision(), 1.0);
//! assert_eq!(c.recall(), 0.5);
//! ```

use serde::Serialize;

use comment_sieve::model::Thresholds;
use comment_sieve::Classification;
use comment_sieve::{Example, Label};

fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

/// The four cells of a binary decision (one class against the rest).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BinaryCounts {
    /// Positive examples predicted positive.
    pub true_pos: u64,
    /// Negative examples predicted positive.
    pub false_pos: u64,
    /// Positive examples predicted negative.
    pub false_neg: u64,
    /// Negative examples predicted negative.
    pub true_neg: u64,
}

impl BinaryCounts {
    /// Counts one decision.
    pub fn add(&mut self, actual: bool, predicted: bool) {
        match (actual, predicted) {
            (true, true) => self.true_pos += 1,
            (false, true) => self.false_pos += 1,
            (true, false) => self.false_neg += 1,
            (false, false) => self.true_neg += 1,
        }
    }

    /// Adds another table's counts.
    pub fn merge(&mut self, other: &BinaryCounts) {
        self.true_pos += other.true_pos;
        self.false_pos += other.false_pos;
        self.false_neg += other.false_neg;
        self.true_neg += other.true_neg;
    }

    /// Number of decisions.
    pub fn total(&self) -> u64 {
        self.true_pos + self.false_pos + self.false_neg + self.true_neg
    }

    /// Number of positive examples.
    pub fn positives(&self) -> u64 {
        self.true_pos + self.false_neg
    }

    /// Share of correct decisions.
    pub fn accuracy(&self) -> f64 {
        ratio((self.true_pos + self.true_neg) as f64, self.total() as f64)
    }

    /// TP / (TP + FP).
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_pos as f64,
            (self.true_pos + self.false_pos) as f64,
        )
    }

    /// TP / (TP + FN).
    pub fn recall(&self) -> f64 {
        ratio(self.true_pos as f64, self.positives() as f64)
    }

    /// 2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let tp2 = 2.0 * self.true_pos as f64;
        ratio(tp2, tp2 + (self.false_pos + self.false_neg) as f64)
    }

    /// (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)).
    pub fn mcc(&self) -> f64 {
        let (tp, fp, fn_, tn) = (
            self.true_pos as f64,
            self.false_pos as f64,
            self.false_neg as f64,
            self.true_neg as f64,
        );
        let den = ((tp + fp) * (tp + fn_) * (tn + fp) * (tn + fn_)).sqrt();
        ratio(tp * tn - fp * fn_, den)
    }
}

/// Counts of (actual, predicted) class pairs; rows are actual classes,
/// columns predicted ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfusionMatrix {
    classes: usize,
    counts: Vec<u64>,
}

impl ConfusionMatrix {
    /// An empty matrix over `classes` classes (numbered `0..classes`).
    pub fn new(classes: usize) -> Self {
        ConfusionMatrix {
            classes,
            counts: vec![0; classes * classes],
        }
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Counts one decision. Panics if a class is out of range.
    pub fn add(&mut self, actual: usize, predicted: usize) {
        assert!(actual < self.classes && predicted < self.classes);
        self.counts[actual * self.classes + predicted] += 1;
    }

    /// Adds another matrix's counts. Panics if the class counts differ.
    pub fn merge(&mut self, other: &ConfusionMatrix) {
        assert_eq!(self.classes, other.classes);
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    /// The count of examples of class `actual` predicted `predicted`.
    pub fn count(&self, actual: usize, predicted: usize) -> u64 {
        self.counts[actual * self.classes + predicted]
    }

    /// Examples of class `actual` (the row sum).
    pub fn support(&self, actual: usize) -> u64 {
        (0..self.classes).map(|p| self.count(actual, p)).sum()
    }

    /// Examples predicted `predicted` (the column sum).
    pub fn predicted(&self, predicted: usize) -> u64 {
        (0..self.classes).map(|a| self.count(a, predicted)).sum()
    }

    /// Number of decisions.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Number of correct decisions (the diagonal).
    pub fn correct(&self) -> u64 {
        (0..self.classes).map(|c| self.count(c, c)).sum()
    }

    /// Share of correct decisions.
    pub fn accuracy(&self) -> f64 {
        ratio(self.correct() as f64, self.total() as f64)
    }

    /// Class `class` against the rest.
    pub fn one_vs_rest(&self, class: usize) -> BinaryCounts {
        let tp = self.count(class, class);
        let row = self.support(class);
        let col = self.predicted(class);
        BinaryCounts {
            true_pos: tp,
            false_pos: col - tp,
            false_neg: row - tp,
            true_neg: self.total() - row - col + tp,
        }
    }

    /// Mean of the per-class F1 scores over classes with examples or
    /// predictions.
    pub fn macro_f1(&self) -> f64 {
        let present: Vec<usize> = (0..self.classes)
            .filter(|&c| self.support(c) + self.predicted(c) > 0)
            .collect();
        let sum: f64 = present.iter().map(|&c| self.one_vs_rest(c).f1()).sum();
        ratio(sum, present.len() as f64)
    }

    /// The multi-class MCC (Gorodkin's R_K):
    /// (c·s − Σ p_k·t_k) / √((s² − Σ p_k²)(s² − Σ t_k²)), with `c` the
    /// correct decisions, `s` the total, `p_k` and `t_k` the predicted and
    /// actual counts of class `k`. Equal to [`BinaryCounts::mcc`] for two
    /// classes.
    pub fn mcc(&self) -> f64 {
        let s = self.total() as f64;
        let c = self.correct() as f64;
        let (mut pt, mut pp, mut tt) = (0.0, 0.0, 0.0);
        for k in 0..self.classes {
            let p = self.predicted(k) as f64;
            let t = self.support(k) as f64;
            pt += p * t;
            pp += p * p;
            tt += t * t;
        }
        ratio(c * s - pt, ((s * s - pp) * (s * s - tt)).sqrt())
    }
}

/// What a set of labeled examples says about a classifier: the content
/// label confusion matrix (over examples with a full label, classes in
/// [`Label::ALL`] order) and the spam, toxicity and identity-attack
/// attributes (over examples that know them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// Content labels: rows actual, columns predicted, in [`Label::ALL`] order.
    pub labels: ConfusionMatrix,
    /// Spam or not: predicted spam when `scores.spam` reaches the spam threshold
    /// (that is, when the label is `spam`).
    pub spam: BinaryCounts,
    /// Toxic or not: predicted toxic when `scores.toxicity` reaches the
    /// abuse threshold.
    pub toxicity: BinaryCounts,
    /// Identity attack or not: predicted when `scores.identity_attack`
    /// reaches the abuse threshold.
    pub identity_attack: BinaryCounts,
}

impl Default for Evaluation {
    fn default() -> Self {
        Evaluation {
            labels: ConfusionMatrix::new(Label::ALL.len()),
            spam: BinaryCounts::default(),
            toxicity: BinaryCounts::default(),
            identity_attack: BinaryCounts::default(),
        }
    }
}

impl Evaluation {
    /// Counts one example and its verdict under `thresholds` (the model's).
    pub fn add(&mut self, example: &Example, verdict: &Classification, thresholds: &Thresholds) {
        if let Some(l) = example.label {
            self.labels.add(l.index(), verdict.label.index());
        }
        if let Some(s) = example.spam {
            self.spam.add(s, verdict.scores.spam >= thresholds.spam);
        }
        if let Some(a) = example.toxicity {
            self.toxicity
                .add(a, verdict.scores.toxicity >= thresholds.abuse);
        }
        if let Some(a) = example.identity_attack {
            self.identity_attack
                .add(a, verdict.scores.identity_attack >= thresholds.abuse);
        }
    }

    /// Adds another evaluation's counts (e.g. of another fold).
    pub fn merge(&mut self, other: &Evaluation) {
        self.labels.merge(&other.labels);
        self.spam.merge(&other.spam);
        self.toxicity.merge(&other.toxicity);
        self.identity_attack.merge(&other.identity_attack);
    }
}

/// The area under the ROC curve of `scores` for the positive examples
/// (`actual` true) against the negative ones: the probability that a random
/// positive scores above a random negative, ties counting one half
/// (the Mann–Whitney statistic). 0.5 when either class is missing. A NaN
/// score ranks above every number (`f64::total_cmp`) and ties with the
/// other NaNs.
///
/// ```
/// use comment_sieve_tools::eval::roc_auc;
///
/// assert_eq!(roc_auc(&[(0.9, true), (0.1, false)]), 1.0);
/// assert_eq!(roc_auc(&[(0.5, true), (0.5, false)]), 0.5);
/// assert_eq!(roc_auc(&[(f64::NAN, true), (f64::NAN, false), (0.1, false)]), 0.75);
/// ```
pub fn roc_auc(scored: &[(f64, bool)]) -> f64 {
    let mut v: Vec<(f64, bool)> = scored.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n_pos = v.iter().filter(|x| x.1).count() as f64;
    let n_neg = v.len() as f64 - n_pos;
    if n_pos == 0.0 || n_neg == 0.0 {
        return 0.5;
    }
    // Sum of the positives' ranks (1-based, ties share their mean rank).
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j < v.len() && same_score(v[j].0, v[i].0) {
            j += 1;
        }
        let mean_rank = (i + 1 + j) as f64 / 2.0;
        rank_sum += mean_rank * v[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    (rank_sum - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg)
}

/// Whether two scores tie. NaN ties with NaN: with `==` alone, which
/// never holds for NaN, the loops that group tied scores would not
/// advance.
fn same_score(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

/// The Brier score: the mean squared difference between the probability
/// and the outcome (0 perfect; 0.25 for always saying one half).
pub fn brier(scored: &[(f64, bool)]) -> f64 {
    let sum: f64 = scored
        .iter()
        .map(|&(p, y)| (p - f64::from(u8::from(y))).powi(2))
        .sum();
    ratio(sum, scored.len() as f64)
}

/// One bin of a reliability table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// Lower edge of the bin (inclusive).
    pub lower: f64,
    /// Upper edge of the bin (exclusive, inclusive for the last bin).
    pub upper: f64,
    /// Examples whose probability falls in the bin.
    pub count: u64,
    /// Their mean predicted probability.
    pub mean_predicted: f64,
    /// The share of them that are positive.
    pub observed: f64,
}

/// A reliability table: `bins` equal-width probability bins over [0, 1],
/// each with its mean predicted probability and observed positive rate.
pub fn reliability(scored: &[(f64, bool)], bins: usize) -> Vec<ReliabilityBin> {
    let bins = bins.max(1);
    let mut sum_p = vec![0.0; bins];
    let mut pos = vec![0u64; bins];
    let mut n = vec![0u64; bins];
    for &(p, y) in scored {
        let b = ((p.clamp(0.0, 1.0) * bins as f64) as usize).min(bins - 1);
        sum_p[b] += p;
        pos[b] += u64::from(y);
        n[b] += 1;
    }
    (0..bins)
        .map(|b| ReliabilityBin {
            lower: b as f64 / bins as f64,
            upper: (b + 1) as f64 / bins as f64,
            count: n[b],
            mean_predicted: ratio(sum_p[b], n[b] as f64),
            observed: ratio(pos[b] as f64, n[b] as f64),
        })
        .collect()
}

/// The expected calibration error of a reliability table: the
/// count-weighted mean of |mean predicted − observed| over the bins.
pub fn calibration_error(table: &[ReliabilityBin]) -> f64 {
    let n: u64 = table.iter().map(|b| b.count).sum();
    let sum: f64 = table
        .iter()
        .map(|b| b.count as f64 * (b.mean_predicted - b.observed).abs())
        .sum();
    ratio(sum, n as f64)
}

/// Counts the decisions `score ≥ threshold` against the outcomes.
pub fn counts_at(scored: &[(f64, bool)], threshold: f64) -> BinaryCounts {
    let mut c = BinaryCounts::default();
    for &(p, y) in scored {
        c.add(y, p >= threshold);
    }
    c
}

/// The lowest threshold `t` among the scores such that the decisions
/// `score ≥ t'` have at least `precision` for every candidate `t' ≥ t` (and
/// catch at least one positive): the widest reject region that keeps the
/// target precision all the way up. `None` when even the top score misses
/// the target.
pub fn threshold_for_precision(scored: &[(f64, bool)], precision: f64) -> Option<f64> {
    let mut v: Vec<(f64, bool)> = scored.to_vec();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut tp, mut fp) = (0u64, 0u64);
    let mut best = None;
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j < v.len() && same_score(v[j].0, v[i].0) {
            tp += u64::from(v[j].1);
            fp += u64::from(!v[j].1);
            j += 1;
        }
        if tp > 0 && tp as f64 / (tp + fp) as f64 >= precision {
            best = Some(v[i].0);
        } else {
            break;
        }
        i = j;
    }
    best
}

/// The highest threshold `t` among the scores such that the decisions
/// `score ≥ t` catch at least `recall` of the positives: everything below
/// it can pass unreviewed while missing at most `1 − recall` of them.
pub fn threshold_for_recall(scored: &[(f64, bool)], recall: f64) -> Option<f64> {
    let mut v: Vec<(f64, bool)> = scored.to_vec();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    let n_pos = v.iter().filter(|x| x.1).count() as f64;
    if n_pos == 0.0 {
        return None;
    }
    let mut tp = 0.0;
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j < v.len() && same_score(v[j].0, v[i].0) {
            tp += f64::from(u8::from(v[j].1));
            j += 1;
        }
        if tp / n_pos >= recall {
            return Some(v[i].0);
        }
        i = j;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    // The expected values below were computed by hand from the cell counts,
    // not by running this code.
    #[test]
    fn binary_metrics_by_hand() {
        // TP 6, FP 2, FN 3, TN 9: 20 decisions.
        let c = BinaryCounts {
            true_pos: 6,
            false_pos: 2,
            false_neg: 3,
            true_neg: 9,
        };
        close(c.accuracy(), 15.0 / 20.0);
        close(c.precision(), 6.0 / 8.0);
        close(c.recall(), 6.0 / 9.0);
        // 2·6 / (2·6 + 2 + 3) = 12/17
        close(c.f1(), 12.0 / 17.0);
        // (6·9 − 2·3) / √(8·9·11·12) = 48 / √9504 ≈ 0.492366
        close(c.mcc(), 48.0 / 9504f64.sqrt());
        assert!((c.mcc() - 0.492366).abs() < 1e-6);
    }

    #[test]
    fn undefined_ratios_are_zero() {
        let c = BinaryCounts {
            true_pos: 0,
            false_pos: 0,
            false_neg: 4,
            true_neg: 6,
        };
        assert_eq!(c.precision(), 0.0);
        assert_eq!(c.recall(), 0.0);
        assert_eq!(c.f1(), 0.0);
        assert_eq!(c.mcc(), 0.0);
        assert_eq!(BinaryCounts::default().accuracy(), 0.0);
        assert_eq!(ConfusionMatrix::new(3).mcc(), 0.0);
    }

    fn three_class() -> ConfusionMatrix {
        // rows actual, columns predicted
        //      A  B  C
        // A  [ 5, 1, 0 ]
        // B  [ 2, 3, 1 ]
        // C  [ 0, 1, 4 ]
        let rows = [[5, 1, 0], [2, 3, 1], [0, 1, 4]];
        let mut m = ConfusionMatrix::new(3);
        for (a, row) in rows.iter().enumerate() {
            for (p, &n) in row.iter().enumerate() {
                for _ in 0..n {
                    m.add(a, p);
                }
            }
        }
        m
    }

    #[test]
    fn multiclass_metrics_by_hand() {
        let m = three_class();
        assert_eq!(m.total(), 17);
        assert_eq!(m.correct(), 12);
        close(m.accuracy(), 12.0 / 17.0);
        // Class A: TP 5, FP 2 (column 7), FN 1 (row 6), TN 17 − 5 − 2 − 1 = 9.
        let a = m.one_vs_rest(0);
        assert_eq!(
            a,
            BinaryCounts {
                true_pos: 5,
                false_pos: 2,
                false_neg: 1,
                true_neg: 9
            }
        );
        close(a.precision(), 5.0 / 7.0);
        close(a.recall(), 5.0 / 6.0);
        close(a.f1(), 10.0 / 13.0);
        // (5·9 − 2·1) / √(7·6·11·10) = 43 / √4620
        close(a.mcc(), 43.0 / 4620f64.sqrt());
        // Class B: TP 3, FP 2, FN 3, TN 9: P 3/5, R 1/2, F1 6/11.
        let b = m.one_vs_rest(1);
        close(b.precision(), 0.6);
        close(b.recall(), 0.5);
        close(b.f1(), 6.0 / 11.0);
        // Class C: TP 4, FP 1, FN 1, TN 11: P = R = F1 = 4/5.
        close(m.one_vs_rest(2).f1(), 0.8);
        close(m.macro_f1(), (10.0 / 13.0 + 6.0 / 11.0 + 0.8) / 3.0);
        // Gorodkin: c 12, s 17, p = (7, 5, 5), t = (6, 6, 5):
        // (12·17 − (42 + 30 + 25)) / √((289 − 99)(289 − 97)) = 107 / √36480 ≈ 0.560217
        close(m.mcc(), 107.0 / 36480f64.sqrt());
        assert!((m.mcc() - 0.560217).abs() < 1e-6);
    }

    #[test]
    fn two_class_mcc_matches_binary() {
        let mut m = ConfusionMatrix::new(2);
        let mut b = BinaryCounts::default();
        for (a, p, n) in [(1, 1, 6), (0, 1, 2), (1, 0, 3), (0, 0, 9)] {
            for _ in 0..n {
                m.add(a, p);
                b.add(a == 1, p == 1);
            }
        }
        close(m.mcc(), b.mcc());
        assert_eq!(m.one_vs_rest(1), b);
    }

    #[test]
    fn merge_adds_counts() {
        let mut m = three_class();
        m.merge(&three_class());
        assert_eq!(m.total(), 34);
        assert_eq!(m.count(1, 0), 4);
        let mut e = Evaluation::default();
        e.spam.add(true, true);
        let mut f = Evaluation::default();
        f.spam.add(false, true);
        e.merge(&f);
        assert_eq!(e.spam.total(), 2);
        assert_eq!(e.spam.false_pos, 1);
    }

    #[test]
    fn nan_scores_end() {
        let s = [
            (f64::NAN, true),
            (f64::NAN, false),
            (0.9, true),
            (0.1, false),
        ];
        assert_eq!(roc_auc(&s), 0.625);
        assert!(threshold_for_precision(&s, 0.9).is_none());
        assert!(threshold_for_recall(&s, 0.5).unwrap().is_nan());
        assert_eq!(threshold_for_recall(&s, 1.0), Some(0.9));
    }

    #[test]
    fn ranking_and_calibration_by_hand() {
        // Positives 0.9, 0.6, 0.4; negatives 0.6, 0.3, 0.1.
        let s = [
            (0.9, true),
            (0.6, true),
            (0.4, true),
            (0.6, false),
            (0.3, false),
            (0.1, false),
        ];
        // Pairs (pos, neg): 9 in all; 0.9 beats 3, 0.6 beats 2 and ties 1,
        // 0.4 beats 2: (3 + 2.5 + 2) / 9.
        close(roc_auc(&s), 7.5 / 9.0);
        // (0.01 + 0.16 + 0.36 + 0.36 + 0.09 + 0.01) / 6
        close(brier(&s), 0.99 / 6.0);
        let r = reliability(&s, 2);
        assert_eq!(r[0].count, 3);
        close(r[0].observed, 1.0 / 3.0);
        close(r[1].mean_predicted, 2.1 / 3.0);
        // Precision from the top: 1/1, 2/3 (the tie at 0.6), 3/4, 3/5, 3/6.
        assert_eq!(threshold_for_precision(&s, 0.9), Some(0.9));
        assert_eq!(threshold_for_precision(&s, 0.6), Some(0.3));
        assert_eq!(threshold_for_precision(&[(0.5, false)], 0.5), None);
        assert_eq!(threshold_for_recall(&s, 1.0), Some(0.4));
        assert_eq!(threshold_for_recall(&s, 0.5), Some(0.6));
        assert_eq!(counts_at(&s, 0.5).false_pos, 1);
    }
}
