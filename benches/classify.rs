//! Single-thread classification throughput.
//!
//! `cargo bench --bench classify`
//!
//! Cases, labeled by input: the 1,138 YouTube development comments and the
//! 25 seed comments, classified with the embedded default model
//! (`classify`: normalize, tokenize, score, reasons), against linfa-bayes's
//! own dense `predict` for the spam head on the same comments and features
//! (feature extraction, a dense row per comment, `predict`). Correctness is
//! asserted before timing: both agree on the spam decision wherever the
//! two classes' likelihoods differ.

use std::hint::black_box;
use std::path::Path;

use comment_sieve::{datasets, Classifier, Label};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use linfa::prelude::*;
use linfa::DatasetView;
use linfa_bayes::MultinomialNb;
use ndarray::{Array1, Array2};

fn texts(name: &str) -> Vec<String> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    match name {
        "youtube" => datasets::YOUTUBE_FILES
            .iter()
            .flat_map(|f| datasets::youtube(&d.join(f)).unwrap())
            .map(|e| e.text)
            .collect(),
        _ => datasets::seed_comments(&d.join("seed_comments.jsonl"))
            .unwrap()
            .into_iter()
            .map(|c| c.text)
            .collect(),
    }
}

fn dense_rows(clf: &Classifier, keys: &[u64], texts: &[String]) -> Array2<f64> {
    let mut x = Array2::<f64>::zeros((texts.len(), keys.len()));
    for (r, t) in texts.iter().enumerate() {
        for k in clf.model().extractor().keys(t) {
            if let Ok(j) = keys.binary_search(&k) {
                x[[r, j]] += 1.0;
            }
        }
    }
    x
}

fn bench(c: &mut Criterion) {
    let clf = Classifier::default();
    let spam = &clf.model().heads[0];
    // linfa-bayes fitted on the spam head's training data and features.
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let (train, _) = datasets::all_examples(&d).unwrap();
    let rows: Vec<(String, usize)> = train
        .into_iter()
        .filter_map(|e| e.spam.map(|s| (e.text, usize::from(s))))
        .collect();
    let tx: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let x = dense_rows(&clf, &spam.keys, &tx);
    let y: Array1<usize> = rows.iter().map(|r| r.1).collect();
    let nb = MultinomialNb::<f64, usize>::params()
        .alpha(spam.alpha)
        .fit(&DatasetView::new(x.view(), y.view()))
        .unwrap();

    let mut g = c.benchmark_group("classify");
    for name in ["youtube", "seeds"] {
        let texts = texts(name);
        let bytes: usize = texts.iter().map(|t| t.len()).sum();
        // Correctness inside the bench: same spam decisions as linfa-bayes.
        let xs = dense_rows(&clf, &spam.keys, &texts);
        let theirs = nb.predict(&xs);
        let mut agree = 0;
        for (i, t) in texts.iter().enumerate() {
            let jll = clf
                .model()
                .joint_log_likelihood(0, &clf.model().extractor().keys(t));
            if jll[0] != jll[1] {
                assert_eq!(usize::from(jll[1] > jll[0]), theirs[i], "comment {i}");
                agree += 1;
            }
        }
        assert!(agree > texts.len() * 9 / 10);
        let labels: Vec<Label> = texts.iter().map(|t| clf.classify_text(t).label).collect();
        assert!(labels.contains(&Label::Spam));

        g.throughput(Throughput::Elements(texts.len() as u64));
        g.bench_function(
            format!(
                "{name}/{}_comments/{bytes}_bytes/comment-sieve",
                texts.len()
            ),
            |b| {
                b.iter(|| {
                    for t in &texts {
                        black_box(clf.classify_text(black_box(t)));
                    }
                })
            },
        );
        g.bench_function(
            format!(
                "{name}/{}_comments/{bytes}_bytes/linfa-dense-predict",
                texts.len()
            ),
            |b| {
                b.iter(|| {
                    let x = dense_rows(&clf, &spam.keys, black_box(&texts));
                    black_box(nb.predict(&x));
                })
            },
        );
    }
    g.finish();
}

/// One feedback update (`Model::learn`: counts plus recompiling the lookup
/// table) on the default model, and classification after 100 updates.
fn feedback(c: &mut Criterion) {
    let clf = Classifier::default();
    let texts = texts("youtube");
    let mut g = c.benchmark_group("feedback");
    let model = (**clf.model()).clone();
    g.bench_function("learn_one_comment/default_model", |b| {
        b.iter_batched(
            || model.clone(),
            |mut m| black_box(m.learn(0, black_box("cheap replica watches, order today"), 1)),
            criterion::BatchSize::LargeInput,
        )
    });
    let mut updated = model.clone();
    for (i, t) in texts.iter().take(100).enumerate() {
        updated.learn(0, t, i % 2);
    }
    let updated = Classifier::new(updated);
    g.throughput(Throughput::Elements(texts.len() as u64));
    for (name, c) in [("before_updates", &clf), ("after_100_updates", &updated)] {
        g.bench_function(format!("classify_youtube/{name}"), |b| {
            b.iter(|| {
                for t in &texts {
                    black_box(c.classify_text(black_box(t)));
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench, feedback);
criterion_main!(benches);
