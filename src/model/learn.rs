//! Learning one correction in place: what a moderator says of one comment
//! ([`Correction`]) joins the naive Bayes counts of the head it is about,
//! and, for an attribute head, moves the head's logistic layer on that one
//! comment.
//!
//! # Why the logistic layer moves too
//!
//! An attribute head scores `P = σ(a·z + c)` with
//! `z = b + Σ_f w_f·r_f·x_f / √n` (see [`crate::model`]). Adding the
//! comment's counts to its class moves the log-count ratios `r_f` of its
//! features toward that class, but also the class totals, whose shift
//! `ln T₁ − ln T₀` enters every `r_f`; and a feature's weight `w_f` may be
//! negative, in which case a larger `r_f` lowers the score. So counts alone
//! can move a comment's score either way, and among the model's hundred
//! thousand examples they hardly move it at all.
//!
//! The logistic layer is therefore updated on the corrected comment too,
//! by one *normalised gradient step* of the logistic loss on that example
//! (the online rule known as normalised least mean squares, applied to the
//! calibrated log-odds `ℓ = a·z + c`): the gradient of the loss with
//! respect to the weights is `(P − y)·a·u`, where `u_f = r_f·x_f / √n` is
//! the comment's NB-LR feature vector after the count update, so the step
//! moves the weights of the comment's own features along `u`. Its length is
//! the one that puts the comment's log-odds at
//!
//! ```text
//! ℓ_target = ℓ_before ± max(RATE·|y − P_before|, MIN_STEP)
//! ```
//!
//! (`+` for a positive correction): a step toward the corrected class that
//! is large when the model was confidently wrong, small when it was already
//! right, and measured from the score *before* the correction, so that
//! whatever the count update did, a positive correction never lowers the
//! comment's calibrated score and a negative one never raises it. While
//! the comment is on the wrong side of a threshold `t`, each correction
//! moves its log-odds by at least `RATE·min(t, 1 − t)`, so repeating it
//! crosses the threshold. When the count update alone already moved the
//! score past the target, the weights stay.
//!
//! The intercept `b` and the calibration `(a, c)` stay: one correction
//! moves that comment and the comments that share its words, not every
//! comment the site has. Features the comment does not have keep their
//! weights.
//!
//! Cost: two passes over the comment's keys and one table row rewritten
//! per distinct known feature, about one classification; no retraining.
//! Deterministic: the same corrections in the same order give the same
//! model, bit for bit (the service replays its feedback log in order).

use super::{Model, Table, IDENTITY_ATTACK, LABEL, SPAM, TOXICITY};
use crate::label::Label;
use crate::logistic::sigmoid;

/// What a moderator says of one comment, and so which head learns it.
///
/// The attribute heads learn a yes or no; the label head learns a
/// [`Label`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Correction {
    /// Whether the comment is spam (the `spam` head).
    Spam(bool),
    /// Whether the comment is toxic (the `toxicity` head).
    Toxic(bool),
    /// Whether the comment attacks a group (the `identity_attack` head).
    IdentityAttack(bool),
    /// The comment's label (the `label` head, a plain naive Bayes).
    Label(Label),
}

impl Correction {
    /// The index of the head it teaches, in [`HEADS`](super::HEADS) and
    /// [`Model::heads`].
    pub fn head(self) -> usize {
        match self {
            Correction::Spam(_) => SPAM,
            Correction::Toxic(_) => TOXICITY,
            Correction::IdentityAttack(_) => IDENTITY_ATTACK,
            Correction::Label(_) => LABEL,
        }
    }

    /// The index of its class among the head's classes (for an attribute
    /// head, 1 for yes).
    pub fn class(self) -> usize {
        match self {
            Correction::Spam(y) | Correction::Toxic(y) | Correction::IdentityAttack(y) => {
                usize::from(y)
            }
            Correction::Label(l) => l.index(),
        }
    }
}

/// How far one correction moves the comment's calibrated log-odds, per unit
/// of the model's error `|y − P|` on it before the correction.
pub const RATE: f64 = 1.0;

/// The least move of the calibrated log-odds (so that a correction the
/// model already agrees with still counts, and float rounding cannot undo
/// it).
pub const MIN_STEP: f64 = 0.05;

/// A comment's distinct known vocabulary keys: `(index into the head's
/// keys, occurrences)`, sorted by index.
fn vocabulary_counts(keys: &[u64], vocab: &[u64]) -> Vec<(usize, u32)> {
    let mut idx: Vec<usize> = keys
        .iter()
        .filter_map(|k| vocab.binary_search(k).ok())
        .collect();
    idx.sort_unstable();
    let mut out: Vec<(usize, u32)> = Vec::with_capacity(idx.len());
    for i in idx {
        match out.last_mut() {
            Some((j, n)) if *j == i => *n += 1,
            _ => out.push((i, 1)),
        }
    }
    out
}

impl Model {
    /// Learns one correction of comment `text` in place and returns how many
    /// of its features the head knows.
    ///
    /// The naive Bayes part learns it as linfa-bayes's `fit_with` would:
    /// the comment's feature counts join its class's counts and the class
    /// count grows by one; the vocabulary stays fixed (features the head
    /// never saw are ignored, as in training). For an attribute head the
    /// logistic layer then takes one step on this comment (see the
    /// [module documentation](crate::model::learn) for why and how), so that a positive
    /// correction never lowers the comment's calibrated score, a negative
    /// one never raises it, and repeating one eventually moves the comment
    /// across any threshold.
    ///
    /// Cost: for an attribute head, about one classification: the table
    /// rows of the comment's distinct known features are rewritten in
    /// place (the table is then the one a full compile gives, bit for
    /// bit). For the label head, whose log-probabilities are normalized in
    /// every row, or counts that are not whole numbers, the table is
    /// recompiled (linear in the model's features).
    pub fn learn(&mut self, correction: Correction, text: &str) -> usize {
        self.learn_in_thread(correction, text, None)
    }

    /// [`Model::learn`] for a comment whose place in its thread may be
    /// known (`reply`: it replies to another comment; `Some(false)`: it
    /// starts a thread). When the head has the structure feature, that
    /// place's count joins the class's too. The structure key is not
    /// counted in the returned number.
    pub fn learn_in_thread(
        &mut self,
        correction: Correction,
        text: &str,
        reply: Option<bool>,
    ) -> usize {
        let (head, class) = (correction.head(), correction.class());
        let Some(h) = self.heads.get(head) else {
            return 0;
        };
        if class >= h.n_classes() {
            return 0;
        }
        let keys = self.extractor.keys(text);
        let online = h.logistic.is_some() && h.n_classes() == 2 && h.is_trained();
        let counts = vocabulary_counts(&keys, &h.keys);
        let before = online.then(|| self.log_odds(head, &counts));
        let known = self.add_counts(head, &counts, reply, class);
        if let Some(Some(before)) = before {
            self.step_logistic(head, &counts, class == 1, before);
        }
        known
    }

    /// The naive Bayes part of a correction, from the comment's vocabulary
    /// counts: counts, class count, table.
    fn add_counts(
        &mut self,
        head: usize,
        counts: &[(usize, u32)],
        reply: Option<bool>,
        class: usize,
    ) -> usize {
        let h = &mut self.heads[head];
        let c = h.n_classes();
        let mut known = 0;
        let mut added = [0f64; 2];
        for &(i, n) in counts {
            let x = &mut h.counts[i * c + class];
            // One occurrence at a time, as training counts them.
            for _ in 0..n {
                let before = *x;
                *x += 1.0;
                if let Some(a) = added.get_mut(class) {
                    *a += (*x - before) as f64;
                }
            }
            known += n as usize;
        }
        let touched: Vec<usize> = counts.iter().map(|&(i, _)| i).collect();
        if let Some(reply) = reply.filter(|_| self.features.structure) {
            let key = crate::features::structure_key(reply);
            if let Ok(i) = h.structure_keys.binary_search(&key) {
                h.structure_counts[i * c + class] += 1.0;
            }
        }
        h.class_counts[class] += 1;
        if !self.table.learned(head, h, &touched, added) {
            self.table = Table::compile(&self.heads, &self.spans);
        }
        known
    }

    /// The calibrated log-odds `a·z + c` of attribute head `head` for a
    /// comment with these vocabulary counts, from the table, summed as a
    /// classification sums them. `None` without a logistic layer.
    fn log_odds(&self, head: usize, counts: &[(usize, u32)]) -> Option<f64> {
        let h = &self.heads[head];
        let binary = self.features.binary;
        let (mut wd, mut w) = (0f64, 0f64);
        for &(i, x) in counts {
            let Some(row) = self.table.row(h.keys[i]) else {
                continue;
            };
            let (a, b) = self.table.attribute_columns(row, head);
            let times = if binary { 1 } else { x };
            for _ in 0..times {
                wd += a;
                w += b;
            }
        }
        h.log_odds(wd - self.table.shift(head) * w, counts.len())
    }

    /// The logistic part of a correction (after the counts): one normalised
    /// gradient step of the logistic loss on the comment, to the target
    /// log-odds of the module documentation.
    fn step_logistic(&mut self, head: usize, counts: &[(usize, u32)], positive: bool, before: f64) {
        let Some(now) = self.log_odds(head, counts) else {
            return;
        };
        let y = if positive { 1.0 } else { 0.0 };
        let sign = if positive { 1.0 } else { -1.0 };
        let step = (RATE * (y - sigmoid(before)).abs()).max(MIN_STEP);
        let gap = before + sign * step - now;
        if sign * gap <= 0.0 {
            return;
        }
        let shift = self.table.shift(head);
        let binary = self.features.binary;
        let h = &mut self.heads[head];
        let sqrt_n = (counts.len().max(1) as f64).sqrt();
        // u_f = r_f·x_f / √n, with r_f as the table has it after the counts.
        let u: Vec<f64> = counts
            .iter()
            .map(|&(i, x)| {
                let d = (h.counts[2 * i + 1] as f64 + h.alpha).ln()
                    - (h.counts[2 * i] as f64 + h.alpha).ln();
                let x = if binary { 1.0 } else { x as f64 };
                (d - shift) * x / sqrt_n
            })
            .collect();
        let Some(l) = h.logistic.as_mut() else {
            return;
        };
        let norm: f64 = u.iter().map(|v| v * v).sum();
        let scale = l.platt.0 * norm;
        if scale.is_nan() || scale.abs() <= f64::EPSILON {
            return;
        }
        // ℓ(w + t·u) = ℓ(w) + a·t·‖u‖², exactly (ℓ is linear in w).
        let t = gap / scale;
        for (&(i, _), &ui) in counts.iter().zip(&u) {
            l.weights[i] = (l.weights[i] as f64 + t * ui) as f32;
        }
        let touched: Vec<usize> = counts.iter().map(|&(i, _)| i).collect();
        if !self.table.reweighted(head, &self.heads[head], &touched) {
            self.table = Table::compile(&self.heads, &self.spans);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logistic::sigmoid;
    use crate::{Classifier, Scores};

    fn logit(p: f64) -> f64 {
        (p / (1.0 - p)).ln()
    }

    /// The score a correction is about.
    fn score(s: &Scores, c: Correction) -> f64 {
        match c {
            Correction::Spam(_) => s.spam,
            Correction::Toxic(_) => s.toxicity,
            Correction::IdentityAttack(_) => s.identity_attack,
            Correction::Label(_) => unreachable!(),
        }
    }

    /// Over many real comments, learned one after another into one model,
    /// each correction moves its own comment's calibrated score toward the
    /// corrected class by at least the least step (in log-odds), whatever
    /// the corrections before it did.
    #[test]
    fn a_correction_moves_its_comment_toward_the_corrected_class() {
        let all = crate::test_texts::texts();
        let texts: Vec<&String> = all.iter().step_by(all.len() / 600 + 1).collect();
        assert!(texts.len() >= 500, "{}", texts.len());
        let mut clf = Classifier::default();
        let mut moved = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            let y = (i / 3) % 2 == 0;
            let c = [
                Correction::Spam(y),
                Correction::Toxic(y),
                Correction::IdentityAttack(y),
            ][i % 3];
            let before = score(&clf.classify_text(t).scores, c);
            clf.learn(c, t);
            let after = score(&clf.classify_text(t).scores, c);
            if y {
                assert!(after >= before, "{c:?} {before} → {after}: {t}");
            } else {
                assert!(after <= before, "{c:?} {before} → {after}: {t}");
            }
            if (1e-9..1.0 - 1e-9).contains(&before) && (1e-9..1.0 - 1e-9).contains(&after) {
                let d = logit(after) - logit(before);
                let d = if y { d } else { -d };
                assert!(d >= 0.9 * MIN_STEP, "{c:?} {before} → {after}: {t}");
                moved.push(d);
            }
        }
        assert!(
            moved.len() > texts.len() / 2,
            "{} of {}",
            moved.len(),
            texts.len()
        );
        moved.sort_by(f64::total_cmp);
        let median = moved[moved.len() / 2];
        assert!(median > 0.3, "median move {median} in log-odds");
    }

    /// The step's size: from a score `P` the log-odds move by
    /// `RATE·|y − P|` (when the counts alone moved them less).
    #[test]
    fn the_step_is_the_error_times_the_rate() {
        let mut clf = Classifier::default();
        let t = "Great deals on garden furniture this week only";
        let p0 = clf.classify_text(t).scores.spam;
        clf.learn(Correction::Spam(true), t);
        let p1 = clf.classify_text(t).scores.spam;
        let want = logit(p0) + RATE * (1.0 - p0);
        assert!(
            (logit(p1) - want).abs() < 1e-4,
            "{p0} → {p1}, want {}",
            sigmoid(want)
        );
    }

    /// Saved and loaded, a model keeps what it learned: the same weights,
    /// the same scores.
    #[test]
    fn corrections_survive_save_and_load() {
        let mut clf = Classifier::default();
        let t = "Great deals on garden furniture this week only";
        let p0 = clf.classify_text(t).scores.spam;
        for _ in 0..3 {
            clf.learn(Correction::Spam(true), t);
        }
        clf.learn(Correction::Toxic(false), "you are all idiots");
        let loaded = Classifier::from_bytes(&clf.to_bytes()).unwrap();
        assert!(clf.classify_text(t).scores.spam > p0);
        for text in [t, "you are all idiots", "the bridge repairs are late"] {
            assert_eq!(
                loaded.classify_text(text),
                clf.classify_text(text),
                "{text}"
            );
        }
        let (a, b) = (&clf.model().heads, &loaded.model().heads);
        assert_eq!(a, b);
    }

    /// A correction of a head without a logistic layer, or of a class the
    /// head does not have, changes no weight.
    #[test]
    fn the_label_head_learns_counts_only() {
        let mut clf = Classifier::default();
        let before = clf.model().heads.clone();
        clf.learn(
            Correction::Label(Label::OffTopic),
            "who won the match last night",
        );
        let after = &clf.model().heads;
        for (a, b) in before.iter().zip(after).take(3) {
            assert_eq!(a, b);
        }
        assert_ne!(before[LABEL], after[LABEL]);
    }
}
