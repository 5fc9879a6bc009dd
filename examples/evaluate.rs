//! Prints the accuracy tables of the README.
//!
//! `cargo run --release --example evaluate -- [youtube|seeds]`
//!
//! * `youtube`: each development video with the published split (first 70%
//!   of each class in file order to train, last 30% to test).
//! * `seeds`: leave-one-out over the 25 hand-labeled seed comments, each
//!   time training on all development data but the held-out comment.

use std::path::Path;

use comment_sieve::{datasets, train, Classifier, Example, Label, TrainParams};

fn main() -> comment_sieve::Result<()> {
    let what = std::env::args().nth(1).unwrap_or_else(|| "youtube".into());
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut params = TrainParams::default();
    if let Ok(a) = std::env::var("ALPHA") {
        params = params.alpha(a.parse().expect("ALPHA"));
    }
    if let Ok(m) = std::env::var("MIN_DF") {
        params = params.min_df(m.parse().expect("MIN_DF"));
    }
    if let Ok(b) = std::env::var("BINARY") {
        let mut f = params.get_features().clone();
        f.binary = b == "1";
        params = params.features(f);
    }
    if let Ok(b) = std::env::var("BIGRAMS") {
        let mut f = params.get_features().clone();
        f.bigrams = b == "1";
        params = params.features(f);
    }
    match what.as_str() {
        "youtube" => youtube(&data, &params),
        "seeds" => seeds(&data, &params),
        "errors" => errors(&data, &params, datasets::YOUTUBE_FILES[2]),
        other => {
            eprintln!("unknown table {other:?}: youtube or seeds");
            Ok(())
        }
    }
}

/// First `frac` of each class, in file order, to train; the rest to test.
fn split(ex: &[Example], frac: f64) -> (Vec<Example>, Vec<Example>) {
    let (mut tr, mut te) = (Vec::new(), Vec::new());
    for class in [false, true] {
        let of: Vec<&Example> = ex.iter().filter(|e| e.spam == Some(class)).collect();
        let n = (of.len() as f64 * frac).round() as usize;
        for (i, e) in of.into_iter().enumerate() {
            if i < n {
                tr.push(e.clone())
            } else {
                te.push(e.clone())
            }
        }
    }
    (tr, te)
}

fn binary_metrics(pairs: &[(bool, bool)]) -> (f64, f64, f64) {
    let (mut tp, mut tn, mut fp, mut fneg) = (0f64, 0f64, 0f64, 0f64);
    for &(truth, pred) in pairs {
        match (truth, pred) {
            (true, true) => tp += 1.0,
            (false, false) => tn += 1.0,
            (false, true) => fp += 1.0,
            (true, false) => fneg += 1.0,
        }
    }
    let acc = (tp + tn) / pairs.len() as f64;
    let f1 = 2.0 * tp / (2.0 * tp + fp + fneg);
    let d = ((tp + fp) * (tp + fneg) * (tn + fp) * (tn + fneg)).sqrt();
    let mcc = if d == 0.0 {
        0.0
    } else {
        (tp * tn - fp * fneg) / d
    };
    (acc, f1, mcc)
}

fn youtube(data: &Path, params: &TrainParams) -> comment_sieve::Result<()> {
    println!("| video | train | test | accuracy | F1 (spam) | MCC |");
    println!("|---|---|---|---|---|---|");
    let mut mccs = Vec::new();
    for f in datasets::YOUTUBE_FILES {
        let ex = datasets::youtube(&data.join(f))?;
        let (tr, te) = split(&ex, 0.7);
        let clf = Classifier::new(train::train(params, &tr, vec![])?);
        let pairs: Vec<(bool, bool)> = te
            .iter()
            .map(|e| {
                (
                    e.spam == Some(true),
                    clf.classify_text(&e.text).label == Label::Spam,
                )
            })
            .collect();
        let (acc, f1, mcc) = binary_metrics(&pairs);
        mccs.push(mcc);
        println!(
            "| {f} | {} | {} | {:.2} | {:.3} | {:.3} |",
            tr.len(),
            te.len(),
            acc * 100.0,
            f1,
            mcc
        );
    }
    println!(
        "mean MCC {:.3}",
        mccs.iter().sum::<f64>() / mccs.len() as f64
    );
    Ok(())
}

fn seeds(data: &Path, params: &TrainParams) -> comment_sieve::Result<()> {
    let (all, _) = datasets::all_examples(data)?;
    let seeds = datasets::seed_comments(&data.join("seed_comments.jsonl"))?;
    let n = seeds.len();
    let mut right = 0;
    println!("| id | hand label | leave-one-out label |");
    println!("|---|---|---|");
    for (i, s) in seeds.iter().enumerate() {
        // Seeds come first in `all`.
        let train_set: Vec<Example> = all
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, e)| e.clone())
            .collect();
        let clf = Classifier::new(train::train(params, &train_set, vec![])?);
        let got = clf.classify_text(&s.text).label;
        right += usize::from(got == s.label);
        println!("| {} | {} | {} |", s.id, s.label, got);
    }
    println!("leave-one-out accuracy {right}/{n}");
    Ok(())
}

/// Prints the misclassified test comments of one video (for error analysis).
#[allow(dead_code)]
pub fn errors(data: &Path, params: &TrainParams, file: &str) -> comment_sieve::Result<()> {
    let ex = datasets::youtube(&data.join(file))?;
    let (tr, te) = split(&ex, 0.7);
    let clf = Classifier::new(train::train(params, &tr, vec![])?);
    for e in &te {
        let v = clf.classify_text(&e.text);
        if (v.label == Label::Spam) != (e.spam == Some(true)) {
            println!(
                "truth spam={:?} p={:.3} {:?}",
                e.spam,
                v.scores.spam,
                e.text.chars().take(150).collect::<String>()
            );
        }
    }
    Ok(())
}
