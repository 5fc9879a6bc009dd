//! How Davidson et al.'s tweets mixed into the default training data change
//! the abuse head on news comments and on tweets.
//!
//! `cargo run --release --example abuse_mix`
//!
//! For each variant, the training data are the default model's (seed
//! comments, the three YouTube videos, Fox News comments) plus every
//! `k`-th tweet of the first 80% of each Davidson class in file order:
//!
//! * Fox News: five folds by article (the test article's comments left out
//!   of training); mean ROC-AUC of `scores.abuse`, each comment scored
//!   with its place in the thread (reply or thread starter).
//! * Davidson: the last 20% of each class; ROC-AUC, precision, recall and
//!   F1 of abusive at P(abuse) >= 0.5.
//! * YouTube: share of the 552 comments labeled ham (not spam) whose
//!   P(abuse) >= 0.5. They carry no
//!   abuse label: a rate of flags, not of errors.
//! * Seeds: the seed comments hand-labeled abuse, and the other non-spam
//!   ones, with P(abuse) >= 0.5 (all of them are in the training data).
//!
//! Settings: `EVERY` (comma list; default `0,64,16,4,1`): with `MODE`
//! unset, every k-th training tweet (0: none); `MODE=balanced`: k tweets of
//! each class, spread evenly over the class; `MODE=neither`: k tweets of
//! the neither class only. `PRIOR=news`: the abuse head's class counts
//! leave the added tweets out, so its prior stays the news comments'.
//! `ABUSE_ALPHA`, `MIN_DF`: the abuse head's smoothing, the minimum
//! document frequency.

use std::path::Path;

use comment_sieve::eval::{counts_at, roc_auc};
use comment_sieve::{datasets, train, Classifier, Example, Model, TrainParams};

mod eval_support;

/// With `PRIOR=news`, the abuse head's prior counts leave the added tweets
/// out: they teach words, not how common abuse is.
fn trained(
    params: &TrainParams,
    tr: &[Example],
    extra: &[Example],
) -> comment_sieve::Result<Classifier> {
    let mut all = tr.to_vec();
    all.extend(extra.iter().cloned());
    let m = train::train(params, &all, vec![])?;
    if std::env::var("PRIOR").as_deref() != Ok("news") {
        return Ok(Classifier::new(m));
    }
    let mut heads = m.heads.clone();
    let h = heads
        .iter_mut()
        .find(|h| h.name == "abuse")
        .expect("abuse head");
    for e in extra {
        if let Some(a) = e.abuse {
            h.class_counts[usize::from(a)] -= 1;
        }
    }
    Ok(Classifier::new(Model::new(
        m.tokenizer.clone(),
        m.features.clone(),
        m.lexicon.clone(),
        heads,
        m.thresholds,
        m.provenance.clone(),
    )))
}

fn main() -> comment_sieve::Result<()> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let (base, _) = datasets::all_examples(&data)?;
    let davidson = datasets::davidson(&data.join("davidson-hate-offensive/labeled_data.csv"))?;
    // Abusive tweets first, then the others (the class `false` comes
    // first): the order `EVERY` steps through.
    let (dav_tr, dav_te) = eval_support::split(&davidson, 0.8, |e| e.abuse != Some(true));
    let fox_titles: Vec<String> = {
        let fox = datasets::fox_comments(&data.join("fox-news-comments/dev.jsonl"))?;
        let mut t: Vec<String> = fox.into_iter().map(|c| c.title).collect();
        t.sort_unstable();
        t.dedup();
        t
    };
    let youtube_ham: Vec<&Example> = base
        .iter()
        .filter(|e| e.spam == Some(false))
        .filter(|e| e.group.as_deref().is_some_and(|g| g.starts_with("Youtube")))
        .collect();
    let mut params = TrainParams::default();
    let num = |n: &str| std::env::var(n).ok().map(|v| v.parse::<f64>().expect(n));
    if let Some(a) = num("ABUSE_ALPHA") {
        params = params.head_alpha("abuse", a);
    }
    if let Some(m) = num("MIN_DF") {
        params = params.min_df(m as u32);
    }
    let every: Vec<usize> = std::env::var("EVERY")
        .map(|v| v.split(',').map(|x| x.parse().expect("EVERY")).collect())
        .unwrap_or_else(|_| vec![0, 64, 16, 4, 1]);
    let seeds = datasets::seed_examples(&data.join("seed_comments.jsonl"))?;
    println!("| Davidson tweets added | Fox News mean ROC-AUC | Davidson ROC-AUC | precision | recall | F1 | YouTube ham flagged | seed abuse flagged (in training) | other seeds flagged |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for k in every {
        let mode = std::env::var("MODE").unwrap_or_default();
        let extra: Vec<Example> = if k == 0 {
            Vec::new()
        } else if mode == "balanced" {
            // k tweets of each class, spread evenly over the class.
            let mut out = Vec::new();
            for class in [true, false] {
                let of: Vec<&Example> = dav_tr.iter().filter(|e| e.abuse == Some(class)).collect();
                let n = k.min(of.len());
                out.extend((0..n).map(|i| of[i * of.len() / n].clone()));
            }
            out
        } else if mode == "neither" {
            let of: Vec<&Example> = dav_tr.iter().filter(|e| e.abuse == Some(false)).collect();
            let n = k.min(of.len());
            (0..n).map(|i| of[i * of.len() / n].clone()).collect()
        } else {
            dav_tr.iter().step_by(k).cloned().collect()
        };
        let mut aucs = Vec::new();
        for t in &fox_titles {
            let tr: Vec<Example> = base
                .iter()
                .filter(|e| e.group.as_deref() != Some(t))
                .cloned()
                .collect();
            let clf = trained(&params, &tr, &extra)?;
            let scored: Vec<(f64, bool)> = base
                .iter()
                .filter(|e| e.group.as_deref() == Some(t))
                .map(|e| {
                    // With its place in the thread, as the default model
                    // scores a comment whose place is given.
                    (
                        clf.classify_in_thread(&e.text, None, e.reply).scores.abuse,
                        e.abuse == Some(true),
                    )
                })
                .collect();
            aucs.push(roc_auc(&scored));
        }
        let clf = trained(&params, &base, &extra)?;
        let scored: Vec<(f64, bool)> = dav_te
            .iter()
            .map(|e| {
                (
                    clf.classify_text(&e.text).scores.abuse,
                    e.abuse == Some(true),
                )
            })
            .collect();
        let c = counts_at(&scored, 0.5);
        let flagged = youtube_ham
            .iter()
            .filter(|e| clf.classify_text(&e.text).scores.abuse >= 0.5)
            .count();
        let seed_flags = |abusive: bool| {
            let of: Vec<&Example> = seeds.iter().filter(|e| e.abuse == Some(abusive)).collect();
            let n = of
                .iter()
                .filter(|e| clf.classify_text(&e.text).scores.abuse >= 0.5)
                .count();
            format!("{n} of {}", of.len())
        };
        println!(
            "| {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {} | {} |",
            extra.len(),
            aucs.iter().sum::<f64>() / aucs.len() as f64,
            roc_auc(&scored),
            c.precision(),
            c.recall(),
            c.f1(),
            flagged as f64 / youtube_ham.len() as f64,
            seed_flags(true),
            seed_flags(false)
        );
    }
    Ok(())
}
