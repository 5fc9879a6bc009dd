//! A logistic layer over naive Bayes on the Fox News article folds.
//!
//! Naive Bayes adds the thread-structure feature's log-ratio (about ±0.6)
//! to a sum over every word of the comment, which swamps it. This example
//! measures what a second stage makes of the same two signals: for each
//! test article, the abuse head is trained on the other four articles'
//! comments; its log-odds on each of them comes from a model trained on
//! the other three (inner folds, by article), and a logistic regression on
//! (log-odds, reply) is fitted to those out-of-article scores; the test
//! article's comments are then scored by the head trained on all four and
//! the fitted layer. No test comment is seen before it is scored.
//!
//! `cargo run --release --example stacking`; settings as for `evaluate`
//! (`BINARY`, `MIN_DF`, `ABUSE_ALPHA`); `INPUTS=text` fits the layer on the
//! log-odds alone (a monotone map: the ranking of naive Bayes unchanged).
//! The naive Bayes head is trained without the structure feature, so the
//! place in the thread enters once, through the layer.

use std::path::Path;

use comment_sieve::datasets::{self, FoxComment};
use comment_sieve::eval::roc_auc;
use comment_sieve::{train, Classifier, Example, TrainParams};

/// Abuse log-odds of `p`, kept finite.
fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-15, 1.0 - 1e-15);
    (p / (1.0 - p)).ln()
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Logistic regression by Newton's method (bias first), with a small L2
/// penalty on the weights so that separable data stay finite.
fn fit_logistic(x: &[Vec<f64>], y: &[bool]) -> Vec<f64> {
    const L2: f64 = 1e-3;
    let d = x[0].len() + 1;
    let mut w = vec![0.0; d];
    for _ in 0..50 {
        let mut g = vec![0.0; d];
        let mut h = vec![vec![0.0; d]; d];
        for (xi, &yi) in x.iter().zip(y) {
            let f: Vec<f64> = std::iter::once(1.0).chain(xi.iter().copied()).collect();
            let p = sigmoid(f.iter().zip(&w).map(|(a, b)| a * b).sum());
            let r = p - f64::from(u8::from(yi));
            for a in 0..d {
                g[a] += r * f[a];
                for b in 0..d {
                    h[a][b] += p * (1.0 - p) * f[a] * f[b];
                }
            }
        }
        for a in 1..d {
            g[a] += L2 * w[a];
            h[a][a] += L2;
        }
        for (wa, step) in w.iter_mut().zip(solve(h, g)) {
            *wa -= step;
        }
    }
    w
}

/// Solves `m · x = v` by Gauss-Jordan elimination (`m` is small and
/// positive definite).
fn solve(mut m: Vec<Vec<f64>>, mut v: Vec<f64>) -> Vec<f64> {
    let d = v.len();
    for i in 0..d {
        let piv = m[i][i];
        m[i].iter_mut().for_each(|x| *x /= piv);
        v[i] /= piv;
        let row = m[i].clone();
        for k in (0..d).filter(|&k| k != i) {
            let f = m[k][i];
            m[k].iter_mut().zip(&row).for_each(|(x, r)| *x -= f * r);
            v[k] -= f * v[i];
        }
    }
    v
}

fn main() -> comment_sieve::Result<()> {
    let comments = datasets::fox_comments(Path::new("data/fox-news-comments/dev.jsonl"))?;
    let num = |n: &str| std::env::var(n).ok().map(|v| v.parse::<f64>().expect(n));
    let mut params = TrainParams::default();
    let mut f = params.get_features().clone();
    f.structure = false;
    if let Ok(b) = std::env::var("BINARY") {
        f.binary = b == "1";
    }
    params = params.features(f);
    if let Some(m) = num("MIN_DF") {
        params = params.min_df(m as u32);
    }
    if let Some(a) = num("ABUSE_ALPHA") {
        params = params.head_alpha("abuse", a);
    }
    let with_reply = std::env::var("INPUTS").map_or(true, |v| v != "text");
    let examples: Vec<Example> = comments
        .iter()
        .map(|c| Example::abuse(c.text.clone(), c.hateful().unwrap_or(false)))
        .collect();
    let inputs = |score: f64, c: &FoxComment| {
        let mut x = vec![score];
        if with_reply {
            x.push(f64::from(u8::from(c.reply())));
        }
        x
    };
    // Abuse log-odds of the comments `test`, by a head trained on `train`.
    let log_odds = |train: &[usize], test: &[usize]| -> comment_sieve::Result<Vec<f64>> {
        let tr: Vec<Example> = train.iter().map(|&i| examples[i].clone()).collect();
        let clf = Classifier::new(train::train(&params, &tr, vec![])?);
        Ok(test
            .iter()
            .map(|&i| logit(clf.classify_text(&examples[i].text).scores.abuse))
            .collect())
    };
    let mut titles: Vec<&str> = comments.iter().map(|c| c.title.as_str()).collect();
    titles.sort_unstable();
    titles.dedup();
    let of = |t: &str, yes: bool| -> Vec<usize> {
        (0..comments.len())
            .filter(|&i| (comments[i].title == t) == yes)
            .collect()
    };
    println!("Fox News, five folds by article: naive Bayes abuse head (without the structure feature), then a logistic layer on (log-odds{}) fitted on inner out-of-article scores.", if with_reply { ", reply" } else { "" });
    println!("command: cargo run --release --example stacking");
    println!();
    println!("| fold | test article | naive Bayes ROC-AUC | stacked ROC-AUC | layer: bias, log-odds weight{} |", if with_reply { ", reply weight" } else { "" });
    println!("|---|---|---|---|---|");
    let (mut nb, mut st) = (Vec::new(), Vec::new());
    for (k, t) in titles.iter().enumerate() {
        let (test, train) = (of(t, true), of(t, false));
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for u in titles.iter().filter(|u| *u != t) {
            let inner_test: Vec<usize> = train
                .iter()
                .copied()
                .filter(|&i| comments[i].title == *u)
                .collect();
            let inner_train: Vec<usize> = train
                .iter()
                .copied()
                .filter(|&i| comments[i].title != *u)
                .collect();
            for (s, &i) in log_odds(&inner_train, &inner_test)?
                .into_iter()
                .zip(&inner_test)
            {
                x.push(inputs(s, &comments[i]));
                y.push(examples[i].abuse == Some(true));
            }
        }
        let w = fit_logistic(&x, &y);
        let scores = log_odds(&train, &test)?;
        let truth = |i: usize| examples[i].abuse == Some(true);
        let raw: Vec<(f64, bool)> = scores
            .iter()
            .zip(&test)
            .map(|(&s, &i)| (s, truth(i)))
            .collect();
        let stacked: Vec<(f64, bool)> = scores
            .iter()
            .zip(&test)
            .map(|(&s, &i)| {
                let z = w[0]
                    + inputs(s, &comments[i])
                        .iter()
                        .zip(&w[1..])
                        .map(|(a, b)| a * b)
                        .sum::<f64>();
                (sigmoid(z), truth(i))
            })
            .collect();
        let (a, b) = (roc_auc(&raw), roc_auc(&stacked));
        nb.push(a);
        st.push(b);
        let ws: Vec<String> = w.iter().map(|v| format!("{v:.3}")).collect();
        println!(
            "| {} | {} | {a:.3} | {b:.3} | {} |",
            k + 1,
            t.chars().take(40).collect::<String>(),
            ws.join(", ")
        );
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    println!("| mean | | {:.3} | {:.3} | |", mean(&nb), mean(&st));
    Ok(())
}
