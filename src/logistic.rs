//! Logistic regression over sparse rows, and Platt calibration.
//!
//! The decision layer of the naive Bayes heads (see [`crate::train`]) is a
//! logistic regression over about a hundred thousand sparse rows with a few
//! hundred thousand columns. linfa-logistic takes dense rows, which at that
//! size would need hundreds of gigabytes, so the fit is here: the same
//! objective as linfa-logistic's,
//!
//! ```text
//! Σᵢ log(1 + exp(−sᵢ·zᵢ)) + λ/2·‖w‖²,   zᵢ = b + xᵢ·w,   sᵢ = ±1
//! ```
//!
//! (the intercept `b` is not penalised), minimised by L-BFGS with a
//! backtracking line search. Every sum runs over the rows in order, so the
//! fit is deterministic: the same rows give the same bits. A test checks it
//! against linfa-logistic on a small dense problem.

/// Rows of a sparse matrix (compressed sparse rows) with a binary target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseRows {
    /// Row `i` spans `indices[indptr[i]..indptr[i + 1]]`.
    pub indptr: Vec<usize>,
    /// Column of each stored value.
    pub indices: Vec<u32>,
    /// The stored values.
    pub values: Vec<f32>,
    /// The target of each row.
    pub y: Vec<bool>,
}

impl SparseRows {
    /// An empty matrix.
    pub fn new() -> Self {
        SparseRows {
            indptr: vec![0],
            ..Default::default()
        }
    }

    /// Appends a row.
    pub fn push(&mut self, row: impl IntoIterator<Item = (u32, f32)>, y: bool) {
        for (j, v) in row {
            self.indices.push(j);
            self.values.push(v);
        }
        self.indptr.push(self.indices.len());
        self.y.push(y);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }
}

/// Settings of the fit.
///
/// | Name | Default | Meaning |
/// |---|---|---|
/// | `l2` | 1.0 | λ, the weight of the squared-norm penalty (linfa-logistic's `alpha`; scikit-learn's `1/C`) |
/// | `max_iter` | 300 | L-BFGS iterations at most |
/// | `tol` | 1e-4 | stop when the largest gradient component is below this times max(1, the number of rows) ÷ 1000 |
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogisticParams {
    /// Penalty weight λ.
    pub l2: f64,
    /// Iterations at most.
    pub max_iter: usize,
    /// Gradient tolerance (see the table).
    pub tol: f64,
}

impl Default for LogisticParams {
    fn default() -> Self {
        LogisticParams {
            l2: 1.0,
            max_iter: 300,
            tol: 1e-4,
        }
    }
}

/// A fitted logistic regression.
#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    /// One weight per column.
    pub weights: Vec<f64>,
    /// The intercept.
    pub bias: f64,
    /// L-BFGS iterations run.
    pub iterations: usize,
}

/// `log(1 + exp(x))` without overflow.
#[inline]
fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// The logistic function.
#[inline]
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// Objective and gradient at `p` (weights, then the intercept last).
fn objective(rows: &SparseRows, l2: f64, p: &[f64], grad: &mut [f64]) -> f64 {
    let width = p.len() - 1;
    let b = p[width];
    grad.fill(0.0);
    let mut f = 0.0;
    for i in 0..rows.len() {
        let (idx, val) = rows.row(i);
        let mut z = b;
        for (&j, &v) in idx.iter().zip(val) {
            z += p[j as usize] * v as f64;
        }
        let s = if rows.y[i] { 1.0 } else { -1.0 };
        f += softplus(-s * z);
        // d/dz log(1 + exp(−s·z)) = σ(z) − y
        let d = sigmoid(z) - if rows.y[i] { 1.0 } else { 0.0 };
        for (&j, &v) in idx.iter().zip(val) {
            grad[j as usize] += d * v as f64;
        }
        grad[width] += d;
    }
    for j in 0..width {
        f += 0.5 * l2 * p[j] * p[j];
        grad[j] += l2 * p[j];
    }
    f
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Fits a logistic regression on `rows` with `width` columns.
///
/// Rows of one class only give zero weights and the intercept that the
/// penalty-free optimum approaches, clamped (±10).
pub fn fit(rows: &SparseRows, width: usize, params: &LogisticParams) -> Logistic {
    let n = rows.len();
    let pos = rows.y.iter().filter(|&&y| y).count();
    if pos == 0 || pos == n {
        return Logistic {
            weights: vec![0.0; width],
            bias: if pos == 0 { -10.0 } else { 10.0 },
            iterations: 0,
        };
    }
    const MEMORY: usize = 10;
    let dim = width + 1;
    let mut x = vec![0.0; dim];
    // Start from the intercept of the class shares.
    x[width] = (pos as f64 / (n - pos) as f64).ln();
    let mut g = vec![0.0; dim];
    let mut f = objective(rows, params.l2, &x, &mut g);
    let tol = params.tol * (n as f64 / 1000.0).max(1.0);
    let mut s_hist: Vec<Vec<f64>> = Vec::new();
    let mut y_hist: Vec<Vec<f64>> = Vec::new();
    let mut rho: Vec<f64> = Vec::new();
    let mut x_new = vec![0.0; dim];
    let mut g_new = vec![0.0; dim];
    let mut iterations = 0;
    while iterations < params.max_iter {
        if g.iter().fold(0.0f64, |m, v| m.max(v.abs())) <= tol {
            break;
        }
        iterations += 1;
        // Two-loop recursion: d = −H·g.
        let mut d: Vec<f64> = g.iter().map(|v| -v).collect();
        let mut alpha = vec![0.0; s_hist.len()];
        for k in (0..s_hist.len()).rev() {
            alpha[k] = rho[k] * dot(&s_hist[k], &d);
            for (di, yi) in d.iter_mut().zip(&y_hist[k]) {
                *di -= alpha[k] * yi;
            }
        }
        let gamma = match (s_hist.last(), y_hist.last()) {
            (Some(s), Some(y)) => dot(s, y) / dot(y, y),
            _ => 1.0 / dot(&g, &g).sqrt().max(1e-12),
        };
        for di in d.iter_mut() {
            *di *= gamma;
        }
        for k in 0..s_hist.len() {
            let beta = rho[k] * dot(&y_hist[k], &d);
            for (di, si) in d.iter_mut().zip(&s_hist[k]) {
                *di += (alpha[k] - beta) * si;
            }
        }
        let mut slope = dot(&g, &d);
        if slope >= 0.0 {
            // Not a descent direction (numerical trouble): restart from
            // steepest descent.
            s_hist.clear();
            y_hist.clear();
            rho.clear();
            let scale = 1.0 / dot(&g, &g).sqrt().max(1e-12);
            for (di, gi) in d.iter_mut().zip(&g) {
                *di = -gi * scale;
            }
            slope = dot(&g, &d);
        }
        // Backtracking line search (Armijo).
        let mut step = 1.0;
        let mut f_new;
        let mut tries = 0;
        loop {
            for ((xn, xi), di) in x_new.iter_mut().zip(&x).zip(&d) {
                *xn = xi + step * di;
            }
            f_new = objective(rows, params.l2, &x_new, &mut g_new);
            if f_new <= f + 1e-4 * step * slope || tries >= 40 {
                break;
            }
            step *= 0.5;
            tries += 1;
        }
        if f_new > f {
            break;
        }
        let s: Vec<f64> = x_new.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        let decrease = f - f_new;
        std::mem::swap(&mut x, &mut x_new);
        std::mem::swap(&mut g, &mut g_new);
        f = f_new;
        if sy > 1e-12 {
            if s_hist.len() == MEMORY {
                s_hist.remove(0);
                y_hist.remove(0);
                rho.remove(0);
            }
            s_hist.push(s);
            y_hist.push(y);
            rho.push(1.0 / sy);
        }
        if decrease <= 1e-10 * f.abs().max(1.0) {
            break;
        }
    }
    let bias = x[width];
    x.truncate(width);
    Logistic {
        weights: x,
        bias,
        iterations,
    }
}

/// Platt scaling: `P(positive | score z) = σ(a·z + b)`, fitted by Newton's
/// method on `(score, class)` pairs with Platt's smoothed targets
/// (`(n₊ + 1)/(n₊ + 2)` and `1/(n₋ + 2)`), so a score range that held only
/// one class is never mapped to exactly 0 or 1.
#[cfg(test)]
fn platt(scored: &[(f64, bool)]) -> (f64, f64) {
    let weighted: Vec<(f64, bool, f64)> = scored.iter().map(|&(z, y)| (z, y, 1.0)).collect();
    platt_weighted(&weighted)
}

/// [`platt`] with a weight per pair (`(score, class, weight)`): the log
/// loss is weighted, and so are the counts of the smoothed targets.
pub fn platt_weighted(scored: &[(f64, bool, f64)]) -> (f64, f64) {
    let pos: f64 = scored.iter().filter(|s| s.1).map(|s| s.2).sum();
    let neg: f64 = scored.iter().filter(|s| !s.1).map(|s| s.2).sum();
    if pos <= 0.0 || neg <= 0.0 {
        return (1.0, 0.0);
    }
    let (hi, lo) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
    let (mut a, mut b) = (1.0f64, ((pos + 1.0) / (neg + 1.0)).ln());
    let loss = |a: f64, b: f64| -> f64 {
        scored
            .iter()
            .map(|&(z, y, w)| {
                let t = if y { hi } else { lo };
                let u = a * z + b;
                // −t·log σ(u) − (1 − t)·log σ(−u)
                w * (t * softplus(-u) + (1.0 - t) * softplus(u))
            })
            .sum()
    };
    let mut f = loss(a, b);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-12, 0.0, 1e-12);
        for &(z, y, wt) in scored {
            let t = if y { hi } else { lo };
            let p = sigmoid(a * z + b);
            let d = wt * (p - t);
            let w = wt * p * (1.0 - p);
            ga += d * z;
            gb += d;
            haa += w * z * z;
            hab += w * z;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-300 {
            break;
        }
        let da = -(hbb * ga - hab * gb) / det;
        let db = -(haa * gb - hab * ga) / det;
        let mut step = 1.0;
        let mut improved = false;
        for _ in 0..30 {
            let (na, nb) = (a + step * da, b + step * db);
            let nf = loss(na, nb);
            if nf < f {
                (a, b, f) = (na, nb, nf);
                improved = true;
                break;
            }
            step *= 0.5;
        }
        if !improved || (da.abs() + db.abs()) * step < 1e-10 {
            break;
        }
    }
    (a, b)
}

/// Platt scaling with one slope shared by several groups (sources) and an
/// intercept per group: `P(y | z, group g) = σ(a·z + b_g)`.
///
/// Pooling scores of sources with different shares of positives into one
/// fit flattens the slope: the offsets between sources look like noise in
/// `z`. With an intercept per source, the slope is what a score says
/// within a source, and the intercepts say how the sources' shares differ.
/// Each group weighs the same (its pairs share a weight of one), and each
/// has its own smoothed targets (Platt 1999). Returns `(a, [b_g])`; a group
/// with one class only gets the intercept its smoothed targets give.
pub fn platt_grouped(groups: &[Vec<(f64, bool)>]) -> (f64, Vec<f64>) {
    let groups: Vec<&Vec<(f64, bool)>> = groups.iter().filter(|g| !g.is_empty()).collect();
    let k = groups.len();
    let targets: Vec<(f64, f64, f64)> = groups
        .iter()
        .map(|g| {
            let pos = g.iter().filter(|s| s.1).count() as f64;
            let neg = g.len() as f64 - pos;
            (
                (pos + 1.0) / (pos + 2.0),
                1.0 / (neg + 2.0),
                1.0 / g.len() as f64,
            )
        })
        .collect();
    let loss = |a: f64, b: &[f64]| -> f64 {
        let mut f = 0.0;
        for (g, (&(hi, lo, w), &bg)) in groups.iter().zip(targets.iter().zip(b)) {
            for &(z, y) in g.iter() {
                let t = if y { hi } else { lo };
                let u = a * z + bg;
                f += w * (t * softplus(-u) + (1.0 - t) * softplus(u));
            }
        }
        f
    };
    let mut a = 1.0f64;
    let mut b: Vec<f64> = targets
        .iter()
        .map(|&(hi, lo, _)| {
            let m = 0.5 * (hi + lo);
            (m / (1.0 - m)).ln()
        })
        .collect();
    let mut f = loss(a, &b);
    for _ in 0..200 {
        // Newton step; the Hessian is an arrowhead (the slope couples with
        // every intercept, the intercepts not with each other), solved by
        // its Schur complement.
        let (mut ga, mut haa) = (0.0, 1e-12);
        let mut gb = vec![0.0; k];
        let mut hab = vec![0.0; k];
        let mut hbb = vec![1e-12; k];
        for (j, (g, &(hi, lo, wt))) in groups.iter().zip(&targets).enumerate() {
            for &(z, y) in g.iter() {
                let t = if y { hi } else { lo };
                let p = sigmoid(a * z + b[j]);
                let d = wt * (p - t);
                let w = wt * p * (1.0 - p);
                ga += d * z;
                haa += w * z * z;
                gb[j] += d;
                hab[j] += w * z;
                hbb[j] += w;
            }
        }
        let schur = haa - (0..k).map(|j| hab[j] * hab[j] / hbb[j]).sum::<f64>();
        if schur.abs() < 1e-300 {
            break;
        }
        let da = -(ga - (0..k).map(|j| hab[j] * gb[j] / hbb[j]).sum::<f64>()) / schur;
        let db: Vec<f64> = (0..k).map(|j| -(gb[j] + hab[j] * da) / hbb[j]).collect();
        let mut step = 1.0;
        let mut improved = false;
        for _ in 0..40 {
            let na = a + step * da;
            let nb: Vec<f64> = b.iter().zip(&db).map(|(x, d)| x + step * d).collect();
            let nf = loss(na, &nb);
            if nf < f {
                (a, b, f) = (na, nb, nf);
                improved = true;
                break;
            }
            step *= 0.5;
        }
        let size = da.abs() + db.iter().map(|d| d.abs()).sum::<f64>();
        if !improved || size * step < 1e-10 {
            break;
        }
    }
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_class_gives_an_intercept_only() {
        let mut rows = SparseRows::new();
        rows.push([(0, 1.0)], true);
        rows.push([(1, 1.0)], true);
        let m = fit(&rows, 2, &LogisticParams::default());
        assert_eq!(m.weights, vec![0.0, 0.0]);
        assert!(m.bias > 5.0);
    }

    #[test]
    fn separable_classes_get_weights_of_the_right_sign() {
        let mut rows = SparseRows::new();
        for i in 0..50 {
            rows.push([(0, 1.0), (2, (i % 3) as f32)], true);
            rows.push([(1, 1.0), (2, (i % 3) as f32)], false);
        }
        let m = fit(&rows, 3, &LogisticParams::default());
        assert!(m.weights[0] > 1.0 && m.weights[1] < -1.0, "{m:?}");
        assert!(m.weights[2].abs() < 1e-3, "{m:?}");
    }

    #[test]
    fn grouped_platt_recovers_a_shared_slope_and_the_offsets() {
        // Two sources, P(y | z) = σ(2z − 1) in one and σ(2z + 1) in the
        // other: one slope, two intercepts. Pooled, the slope is flatter.
        let mut groups = vec![Vec::new(), Vec::new()];
        for (g, offset) in [(0usize, -1.0), (1, 1.0)] {
            for k in -20..=20 {
                let z = k as f64 / 10.0 - offset / 2.0;
                let p = sigmoid(2.0 * z + offset);
                let npos = (p * 1000.0).round() as usize;
                for i in 0..1000 {
                    groups[g].push((z, i < npos));
                }
            }
        }
        let (a, b) = platt_grouped(&groups);
        assert!((a - 2.0).abs() < 0.02, "{a}");
        assert!(
            (b[0] + 1.0).abs() < 0.02 && (b[1] - 1.0).abs() < 0.02,
            "{b:?}"
        );
        let pooled: Vec<(f64, bool)> = groups.concat();
        let (pa, _) = platt(&pooled);
        assert!(pa < a - 0.1, "pooled slope {pa} vs {a}");
    }

    #[test]
    fn platt_recovers_a_known_mapping() {
        // Classes drawn so that P(y | z) = σ(2z − 1) exactly, in expectation:
        // at each z, a share σ(2z − 1) of 1,000 rows is positive.
        let mut scored = Vec::new();
        for k in -20..=20 {
            let z = k as f64 / 10.0;
            let p = sigmoid(2.0 * z - 1.0);
            let npos = (p * 1000.0).round() as usize;
            for i in 0..1000 {
                scored.push((z, i < npos));
            }
        }
        let (a, b) = platt(&scored);
        assert!((a - 2.0).abs() < 0.02 && (b + 1.0).abs() < 0.02, "{a} {b}");
    }

    /// The sparse logistic fit reaches linfa-logistic's optimum on a small
    /// dense problem (same objective: log loss + λ/2‖w‖², intercept free).
    #[test]
    fn logistic_fit_equals_linfa_logistic() {
        use linfa::prelude::*;
        use linfa_logistic::LogisticRegression;
        use ndarray::{Array1, Array2};
        // A fixed pseudo-random problem: 400 rows, 6 features.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let (n, d) = (400, 6);
        let mut x = Array2::<f64>::zeros((n, d));
        let mut y = Vec::with_capacity(n);
        let truth = [1.5, -2.0, 0.5, 0.0, 1.0, -0.5];
        for r in 0..n {
            let mut z = -0.3;
            for j in 0..d {
                x[[r, j]] = next() * 2.0 - 1.0;
                z += truth[j] * x[[r, j]];
            }
            y.push(next() < 1.0 / (1.0 + (-z).exp()));
        }
        let mut rows = SparseRows::new();
        for r in 0..n {
            rows.push((0..d).map(|j| (j as u32, x[[r, j]] as f32)), y[r]);
        }
        // The sparse rows hold f32 values: fit linfa on the same values.
        let x32 = x.mapv(|v| v as f32 as f64);
        let ours = fit(
            &rows,
            d,
            &LogisticParams {
                l2: 1.0,
                max_iter: 1000,
                tol: 1e-8,
            },
        );
        let target: Array1<bool> = y.iter().copied().collect();
        let theirs = LogisticRegression::default()
            .alpha(1.0)
            .gradient_tolerance(1e-8)
            .max_iterations(1000)
            .fit(&Dataset::new(x32, target))
            .unwrap();
        for j in 0..d {
            assert!(
                (ours.weights[j] - theirs.params()[j]).abs() < 1e-4,
                "weight {j}: {} vs {}",
                ours.weights[j],
                theirs.params()[j]
            );
        }
        assert!((ours.bias - theirs.intercept()).abs() < 1e-4);
    }
}
