//! The curves the figures draw, computed from scored examples: ROC and
//! precision–recall points by a sweep over the distinct scores, the
//! decision thresholds to mark, and the downsampling that keeps files
//! small.

use comment_sieve::Thresholds;

/// A decision threshold marked on the precision–recall curves.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// The threshold (decisions `score ≥ value`).
    pub value: f64,
    /// What the model does from it (e.g. "label, hold").
    pub uses: String,
}

/// The distinct thresholds of `t` that apply to the spam score (`spam`)
/// or to the abuse score (otherwise): the label threshold, the hold
/// threshold and the reject threshold, equal values merged, in
/// increasing order.
pub fn markers(t: &Thresholds, spam: bool) -> Vec<Marker> {
    let named = if spam {
        [
            ("label", t.spam),
            ("hold", t.spam_hold),
            ("reject", t.spam_reject),
        ]
    } else {
        [
            ("label", t.abuse),
            ("hold", t.abuse_hold),
            ("reject", t.abuse_reject),
        ]
    };
    let mut out: Vec<Marker> = Vec::new();
    for (name, value) in named {
        match out.iter_mut().find(|m| m.value == value) {
            Some(m) => m.uses = format!("{}, {name}", m.uses),
            None => out.push(Marker {
                value,
                uses: name.to_string(),
            }),
        }
    }
    out.sort_by(|a, b| a.value.total_cmp(&b.value));
    out
}

/// The ROC curve of `scored`: (false positive rate, true positive rate)
/// from (0, 0) to (1, 1), one point per distinct score from the highest
/// down (tied scores move both rates at once, so the trapezoids under the
/// curve add up to [`roc_auc`](comment_sieve::eval::roc_auc)). Empty when either class is missing.
pub fn roc_points(scored: &[(f64, bool)]) -> Vec<(f64, f64)> {
    let (pos, neg) = class_counts(scored);
    if pos == 0 || neg == 0 {
        return Vec::new();
    }
    let mut out = vec![(0.0, 0.0)];
    out.extend(
        sweep(scored)
            .into_iter()
            .map(|(_, tp, fp)| (fp as f64 / neg as f64, tp as f64 / pos as f64)),
    );
    out
}

/// The precision–recall curve of `scored`: (recall, precision) of the
/// decisions `score ≥ t` for every distinct score `t`, from the highest
/// down. Empty when there is no positive example.
pub fn pr_points(scored: &[(f64, bool)]) -> Vec<(f64, f64)> {
    let (pos, _) = class_counts(scored);
    if pos == 0 {
        return Vec::new();
    }
    sweep(scored)
        .into_iter()
        .map(|(_, tp, fp)| (tp as f64 / pos as f64, tp as f64 / (tp + fp) as f64))
        .collect()
}

pub fn class_counts(scored: &[(f64, bool)]) -> (u64, u64) {
    let pos = scored.iter().filter(|s| s.1).count() as u64;
    (pos, scored.len() as u64 - pos)
}

/// Per distinct score from the highest down (NaN first, as in
/// [`roc_auc`](comment_sieve::eval::roc_auc)'s order): (score, true positives, false positives) of the
/// decisions `score ≥ it`.
fn sweep(scored: &[(f64, bool)]) -> Vec<(f64, u64, u64)> {
    let mut v = scored.to_vec();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut tp, mut fp) = (0u64, 0u64);
    let mut out: Vec<(f64, u64, u64)> = Vec::new();
    for (i, &(s, y)) in v.iter().enumerate() {
        tp += u64::from(y);
        fp += u64::from(!y);
        let last_of_tie = v
            .get(i + 1)
            .is_none_or(|n| !(n.0 == s || (n.0.is_nan() && s.is_nan())));
        if last_of_tie {
            out.push((s, tp, fp));
        }
    }
    out
}

/// At most `max` points of `points`, evenly spaced along the curve's
/// length, the first and the last kept: the shape survives while the file
/// stays small.
pub fn downsample(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    if points.len() <= max || max < 2 {
        return points.to_vec();
    }
    let mut along = Vec::with_capacity(points.len());
    let mut total = 0.0;
    along.push(0.0);
    for w in points.windows(2) {
        total += (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1);
        along.push(total);
    }
    let last = points.len() - 1;
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(max);
    let mut next = 0;
    for k in 0..max {
        let target = total * k as f64 / (max - 1) as f64;
        while next < last && along[next] < target {
            next += 1;
        }
        if k == max - 1 {
            next = last;
        }
        if out.last() != Some(&points[next]) {
            out.push(points[next]);
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::plots::MAX_POINTS;
    use comment_sieve::eval::roc_auc;

    /// The area under a curve by trapezoids (x increasing).
    fn trapezoid_area(points: &[(f64, f64)]) -> f64 {
        points
            .windows(2)
            .map(|w| (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0)
            .sum()
    }

    /// Positives 0.9, 0.6, 0.4; negatives 0.6, 0.3, 0.1 (the tie at 0.6
    /// moves both rates at once).
    pub(crate) const SCORED: [(f64, bool); 6] = [
        (0.9, true),
        (0.6, true),
        (0.4, true),
        (0.6, false),
        (0.3, false),
        (0.1, false),
    ];

    fn close(a: &[(f64, f64)], b: &[(f64, f64)]) {
        assert_eq!(a.len(), b.len(), "{a:?} != {b:?}");
        for (p, q) in a.iter().zip(b) {
            assert!(
                (p.0 - q.0).abs() < 1e-12 && (p.1 - q.1).abs() < 1e-12,
                "{a:?} != {b:?}"
            );
        }
    }

    // Worked by hand: from the top, 0.9 (one positive), 0.6 (a positive
    // and a negative), 0.4 (a positive), 0.3 and 0.1 (negatives).
    #[test]
    fn roc_and_pr_points_by_hand() {
        let t = 1.0 / 3.0;
        let roc = roc_points(&SCORED);
        close(
            &roc,
            &[
                (0.0, 0.0),
                (0.0, t),
                (t, 2.0 * t),
                (t, 1.0),
                (2.0 * t, 1.0),
                (1.0, 1.0),
            ],
        );
        // 1/6 under the tie's diagonal step, then 1/3 + 1/3 at full height.
        assert!((trapezoid_area(&roc) - 5.0 / 6.0).abs() < 1e-12);
        assert!((trapezoid_area(&roc) - roc_auc(&SCORED)).abs() < 1e-12);
        let pr = pr_points(&SCORED);
        close(
            &pr,
            &[
                (t, 1.0),
                (2.0 * t, 2.0 / 3.0),
                (1.0, 0.75),
                (1.0, 0.6),
                (1.0, 0.5),
            ],
        );
        assert!(roc_points(&[(0.5, true)]).is_empty());
        assert!(pr_points(&[(0.5, false)]).is_empty());
    }

    #[test]
    fn downsampling_keeps_the_ends_and_the_bound() {
        let line: Vec<(f64, f64)> = (0..=1000)
            .map(|i| (i as f64 / 1000.0, (i as f64 / 1000.0).powi(2)))
            .collect();
        let d = downsample(&line, MAX_POINTS);
        assert!(
            d.len() <= MAX_POINTS && d.len() > MAX_POINTS / 2,
            "{}",
            d.len()
        );
        assert_eq!(d[0], line[0]);
        assert_eq!(d.last(), line.last());
        assert!(d.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(downsample(&line[..5], MAX_POINTS), line[..5].to_vec());
    }

    #[test]
    fn equal_thresholds_merge() {
        let m = markers(&Thresholds::default(), true);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!((m[0].value, m[0].uses.as_str()), (0.5, "label, hold"));
        assert_eq!((m[1].value, m[1].uses.as_str()), (0.95, "reject"));
    }
}
