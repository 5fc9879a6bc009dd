//! `comment-sieve-tools eval`: precision, recall, F1, MCC and confusion matrices
//! on labeled files, with a given model, a per-class split or K folds.

use std::path::PathBuf;

use clap::Args;
use comment_sieve::{train, Classifier, Error, Example, Label, Result, TrainParams};
use comment_sieve_tools::eval::{BinaryCounts, ConfusionMatrix, Evaluation};
use rayon::prelude::*;
use serde_json::json;

use comment_sieve_tools::dataset::{self, LabeledFile};

/// Arguments of `eval`.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Labeled files (JSONL or CSV; the YouTube, Davidson and Fox News
    /// formats are recognised).
    #[arg(required = true, value_name = "DATA")]
    pub data: Vec<PathBuf>,
    /// Classify with this model (default: the embedded model).
    #[arg(long, value_name = "PATH", conflicts_with_all = ["folds", "split"])]
    pub model: Option<PathBuf>,
    /// K-fold cross validation: contiguous folds of each file.
    #[arg(long, value_name = "K", conflicts_with = "split")]
    pub folds: Option<usize>,
    /// Train on the first ⌊FRACTION·n⌋ of the n examples of each class of
    /// each file (in file order) and test on the rest.
    #[arg(long, value_name = "FRACTION")]
    pub split: Option<f64>,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// The label field of generic labeled files.
    #[arg(long, default_value = "label", value_name = "NAME")]
    pub label_field: String,
    /// The text field of generic labeled files (default: detected).
    #[arg(long, value_name = "NAME")]
    pub text_field: Option<String>,
}

/// Classifies `test` with `clf` (with what each example knows of its
/// thread) and counts the outcomes.
fn evaluate(clf: &Classifier, test: &[&Example]) -> Evaluation {
    let verdicts: Vec<_> = test
        .par_iter()
        .map(|e| clf.classify_in_thread(&e.text, e.context.as_deref(), e.reply))
        .collect();
    let t = clf.model().thresholds;
    let mut ev = Evaluation::default();
    for (e, v) in test.iter().zip(&verdicts) {
        ev.add(e, v, &t);
    }
    ev
}

/// Trains on `examples`. A head whose attribute the examples do not label
/// (YouTube files label spam only) stays untrained and has no say.
fn train_on(examples: Vec<Example>) -> Result<Classifier> {
    Ok(Classifier::new(train::train(
        &TrainParams::default(),
        &examples,
        Vec::new(),
    )?))
}

/// What an example says of its class: content label, spam, toxicity,
/// identity attack.
type ClassKey = (Option<Label>, Option<bool>, Option<bool>, Option<bool>);

/// The class of an example, for per-class splits.
fn class_of(e: &Example) -> ClassKey {
    (e.label, e.spam, e.toxicity, e.identity_attack)
}

/// Runs `eval`.
pub fn run(args: EvalArgs) -> Result<()> {
    let fields = dataset::Fields {
        label: args.label_field.clone(),
        text: args.text_field.clone(),
    };
    let files: Vec<LabeledFile> = args
        .data
        .iter()
        .map(|p| dataset::load(p, &fields))
        .collect::<Result<_>>()?;
    for f in &files {
        if !args.json {
            eprintln!(
                "{}: {} examples ({})",
                f.path.display(),
                f.examples.len(),
                f.kind
            );
        }
    }
    let (mode, ev) = if let Some(frac) = args.split {
        if !(frac > 0.0 && frac < 1.0) {
            return Err(Error::InvalidParam {
                name: "split",
                value: frac.to_string(),
                expected: "a fraction strictly between 0 and 1",
            });
        }
        let mut train_set = Vec::new();
        let mut test: Vec<&Example> = Vec::new();
        for f in &files {
            let mut classes: Vec<(ClassKey, Vec<&Example>)> = Vec::new();
            for e in &f.examples {
                let k = class_of(e);
                match classes.iter_mut().find(|(c, _)| *c == k) {
                    Some((_, v)) => v.push(e),
                    None => classes.push((k, vec![e])),
                }
            }
            for (_, v) in classes {
                // ⌊F·n⌋, guarded against 0.7·10 = 6.999…
                let n_train = ((v.len() as f64 * frac + 1e-9).floor() as usize).min(v.len());
                train_set.extend(v[..n_train].iter().map(|e| (*e).clone()));
                test.extend_from_slice(&v[n_train..]);
            }
        }
        let n_train = train_set.len();
        let clf = train_on(train_set)?;
        (
            json!({"split": frac, "train": n_train, "test": test.len()}),
            evaluate(&clf, &test),
        )
    } else if let Some(k) = args.folds {
        if k < 2 {
            return Err(Error::InvalidParam {
                name: "folds",
                value: k.to_string(),
                expected: "at least 2",
            });
        }
        let fold_of = |i: usize, n: usize| i * k / n;
        let mut total = Evaluation::default();
        for fold in 0..k {
            let mut train_set = Vec::new();
            let mut test: Vec<&Example> = Vec::new();
            for f in &files {
                let n = f.examples.len();
                for (i, e) in f.examples.iter().enumerate() {
                    if fold_of(i, n) == fold {
                        test.push(e);
                    } else {
                        train_set.push(e.clone());
                    }
                }
            }
            let clf = train_on(train_set)?;
            total.merge(&evaluate(&clf, &test));
            if !args.json {
                eprintln!("fold {}/{k}: tested {}", fold + 1, test.len());
            }
        }
        (json!({"folds": k}), total)
    } else {
        let (clf, name) = match &args.model {
            Some(p) => (Classifier::load(p)?, p.display().to_string()),
            None => (Classifier::default(), "embedded".to_string()),
        };
        let test: Vec<&Example> = files.iter().flat_map(|f| &f.examples).collect();
        (json!({"model": name}), evaluate(&clf, &test))
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report_json(mode, &ev)).expect("a JSON value")
        );
    } else {
        print_report(&mode, &ev);
    }
    Ok(())
}

fn binary_json(c: &BinaryCounts) -> serde_json::Value {
    json!({
        "examples": c.total(),
        "positives": c.positives(),
        "accuracy": c.accuracy(),
        "precision": c.precision(),
        "recall": c.recall(),
        "f1": c.f1(),
        "mcc": c.mcc(),
        "confusion": {"tp": c.true_pos, "fp": c.false_pos, "fn": c.false_neg, "tn": c.true_neg},
    })
}

fn labels_json(m: &ConfusionMatrix) -> serde_json::Value {
    let per_label: serde_json::Map<String, serde_json::Value> = Label::ALL
        .iter()
        .map(|l| {
            let c = m.one_vs_rest(l.index());
            (
                l.as_str().to_string(),
                json!({
                    "precision": c.precision(),
                    "recall": c.recall(),
                    "f1": c.f1(),
                    "mcc": c.mcc(),
                    "support": c.positives(),
                }),
            )
        })
        .collect();
    let matrix: Vec<Vec<u64>> = Label::ALL
        .iter()
        .map(|a| {
            Label::ALL
                .iter()
                .map(|p| m.count(a.index(), p.index()))
                .collect()
        })
        .collect();
    json!({
        "examples": m.total(),
        "accuracy": m.accuracy(),
        "macro_f1": m.macro_f1(),
        "mcc": m.mcc(),
        "per_label": per_label,
        "confusion": {"labels": Label::ALL.map(|l| l.as_str()), "rows_actual_columns_predicted": matrix},
    })
}

fn report_json(mode: serde_json::Value, ev: &Evaluation) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    out.insert("mode".into(), mode);
    if ev.labels.total() > 0 {
        out.insert("content_labels".into(), labels_json(&ev.labels));
    }
    if ev.spam.total() > 0 {
        out.insert("spam".into(), binary_json(&ev.spam));
    }
    for (name, counts) in [
        ("toxicity", &ev.toxicity),
        ("identity_attack", &ev.identity_attack),
    ] {
        if counts.total() > 0 {
            out.insert(name.into(), binary_json(counts));
        }
    }
    serde_json::Value::Object(out)
}

fn print_binary(name: &str, c: &BinaryCounts) {
    println!(
        "{name} vs not: {} examples, {} {name}",
        c.total(),
        c.positives()
    );
    println!(
        "  accuracy {:.3}  precision {:.3}  recall {:.3}  F1 {:.3}  MCC {:.3}",
        c.accuracy(),
        c.precision(),
        c.recall(),
        c.f1(),
        c.mcc()
    );
    println!(
        "  TP {}  FP {}  FN {}  TN {}",
        c.true_pos, c.false_pos, c.false_neg, c.true_neg
    );
}

fn print_report(mode: &serde_json::Value, ev: &Evaluation) {
    println!("mode: {mode}");
    let m = &ev.labels;
    if m.total() > 0 {
        println!(
            "content labels: {} examples, accuracy {:.3}, macro F1 {:.3}, MCC {:.3}",
            m.total(),
            m.accuracy(),
            m.macro_f1(),
            m.mcc()
        );
        println!(
            "  {:<10} {:>9} {:>7} {:>7} {:>7} {:>8}",
            "label", "precision", "recall", "F1", "MCC", "support"
        );
        for l in Label::ALL {
            let c = m.one_vs_rest(l.index());
            println!(
                "  {:<10} {:>9.3} {:>7.3} {:>7.3} {:>7.3} {:>8}",
                l.as_str(),
                c.precision(),
                c.recall(),
                c.f1(),
                c.mcc(),
                c.positives()
            );
        }
        println!("  confusion matrix (rows actual, columns predicted):");
        print!("  {:<10}", "");
        for l in Label::ALL {
            print!(" {:>9}", l.as_str());
        }
        println!();
        for a in Label::ALL {
            print!("  {:<10}", a.as_str());
            for p in Label::ALL {
                print!(" {:>9}", m.count(a.index(), p.index()));
            }
            println!();
        }
    }
    if ev.spam.total() > 0 {
        print_binary("spam", &ev.spam);
    }
    for (name, counts) in [
        ("toxicity", &ev.toxicity),
        ("identity_attack", &ev.identity_attack),
    ] {
        if counts.total() > 0 {
            print_binary(name, counts);
        }
    }
}
