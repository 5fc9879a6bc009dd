//! Single-thread classification throughput.
//!
//! `cargo bench --bench classify`
//!
//! Cases, labeled by input: the 1,138 YouTube development comments and the
//! 25 seed comments, classified with the embedded default model
//! (`classify`: normalize, tokenize, score, reasons), against linfa-bayes's
//! own dense `predict` for the model's naive Bayes label head on the same
//! comments and features (feature extraction, a dense row per comment,
//! `predict`). Correctness is asserted before timing: both pick the same
//! class wherever the model's likelihoods have a single maximum.
//!
//! A third case, `lookup-floor`, is a bound rather than a classifier: bytes
//! lowercased as ASCII and split at every byte that is not a letter or
//! digit, each word hashed (FNV-1a) and looked up in an open-addressing
//! table holding every word of these comments with 8 `f32` columns (the
//! default model's width), the rows summed, three softmaxes. No Unicode
//! normalization, markup, links, shapes, folding, bigrams, spans or
//! reasons: what per-word lookup and summing alone cost on this machine.

use std::hint::black_box;
use std::path::Path;

use comment_sieve::model::LABEL;
use comment_sieve::{Classifier, Correction, Label};
use comment_sieve_tools::datasets;
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

/// The lookup floor's table: open addressing, FNV-1a keys, 8 columns.
struct Floor {
    mask: usize,
    slots: Vec<(u64, u32)>,
    values: Vec<[f32; 8]>,
}

fn fnv(word: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in word {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h | 1
}

/// Calls `f` with each ASCII-lowercased word of `text` (runs of ASCII
/// letters and digits, and of bytes above 127).
fn floor_words(text: &str, mut f: impl FnMut(&[u8])) {
    let mut buf = [0u8; 64];
    let mut n = 0;
    for &b in text.as_bytes().iter().chain(std::iter::once(&b' ')) {
        if b.is_ascii_alphanumeric() || b >= 128 {
            if n < buf.len() {
                buf[n] = b.to_ascii_lowercase();
                n += 1;
            }
        } else if n > 0 {
            f(&buf[..n]);
            n = 0;
        }
    }
}

impl Floor {
    fn new(texts: &[String]) -> Floor {
        let mut keys: Vec<u64> = Vec::new();
        for t in texts {
            floor_words(t, |w| keys.push(fnv(w)));
        }
        keys.sort_unstable();
        keys.dedup();
        let cap = (keys.len() * 2).next_power_of_two();
        let mut slots = vec![(0u64, 0u32); cap];
        let mut values = Vec::with_capacity(keys.len());
        for (r, &k) in keys.iter().enumerate() {
            let mut i = (k as usize) & (cap - 1);
            while slots[i].0 != 0 {
                i = (i + 1) & (cap - 1);
            }
            slots[i] = (k, r as u32);
            let v = (k >> 40) as f32 / (1u64 << 24) as f32;
            values.push([-v, -1.0 - v, -v * 0.5, -2.0, -v, -3.0 + v, -1.0, -v]);
        }
        Floor {
            mask: cap - 1,
            slots,
            values,
        }
    }

    /// P(spam), P(abuse) and P(off-topic) of `text`.
    fn score(&self, text: &str) -> [f64; 3] {
        let mut sums = [0f64; 8];
        floor_words(text, |w| {
            let k = fnv(w);
            let mut i = (k as usize) & self.mask;
            loop {
                let (key, r) = self.slots[i];
                if key == k {
                    for (s, &v) in sums.iter_mut().zip(&self.values[r as usize]) {
                        *s += f64::from(v);
                    }
                    break;
                }
                if key == 0 {
                    break;
                }
                i = (i + 1) & self.mask;
            }
        });
        let p = |a: f64, b: f64| 1.0 / (1.0 + (a - b).exp());
        [
            p(sums[0], sums[1]),
            p(sums[2], sums[3]),
            p(sums[6], sums[7]),
        ]
    }
}

fn bench(c: &mut Criterion) {
    let clf = Classifier::default();
    let label = &clf.model().heads[LABEL];
    // linfa-bayes fitted on the label head's training data and features.
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let (train, _) = datasets::all_examples(&d).unwrap();
    let rows: Vec<(String, usize)> = train
        .into_iter()
        .filter_map(|e| e.label.map(|l| (e.text, l.index())))
        .collect();
    let tx: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let x = dense_rows(&clf, &label.keys, &tx);
    let y: Array1<usize> = rows.iter().map(|r| r.1).collect();
    let nb = MultinomialNb::<f64, usize>::params()
        .alpha(label.alpha)
        .fit(&DatasetView::new(x.view(), y.view()))
        .unwrap();

    let mut g = c.benchmark_group("classify");
    for name in ["youtube", "seeds"] {
        let texts = texts(name);
        let bytes: usize = texts.iter().map(|t| t.len()).sum();
        // Correctness inside the bench: same classes as linfa-bayes.
        let xs = dense_rows(&clf, &label.keys, &texts);
        let theirs = nb.predict(&xs);
        let mut agree = 0;
        for (i, t) in texts.iter().enumerate() {
            let keys: Vec<u64> = clf
                .model()
                .extractor()
                .keys(t)
                .into_iter()
                .filter(|k| label.keys.binary_search(k).is_ok())
                .collect();
            let jll = clf.model().joint_log_likelihood(LABEL, &keys);
            let best = jll.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let at: Vec<usize> = (0..jll.len()).filter(|&c| jll[c] == best).collect();
            if at.len() == 1 {
                assert_eq!(at[0], theirs[i], "comment {i}");
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
        let floor = Floor::new(&texts);
        assert!(texts.iter().all(|t| floor.score(t)[0].is_finite()));
        g.bench_function(
            format!("{name}/{}_comments/{bytes}_bytes/lookup-floor", texts.len()),
            |b| {
                b.iter(|| {
                    for t in &texts {
                        black_box(floor.score(black_box(t)));
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
                    let x = dense_rows(&clf, &label.keys, black_box(&texts));
                    black_box(nb.predict(&x));
                })
            },
        );
    }
    g.finish();
}

/// One feedback update (`Model::learn`: counts, one step of the logistic
/// layer and the rows of the comment's features) on the default model, and classification after 100 updates.
fn feedback(c: &mut Criterion) {
    let clf = Classifier::default();
    let texts = texts("youtube");
    let mut g = c.benchmark_group("feedback");
    let model = (**clf.model()).clone();
    g.bench_function("learn_one_comment/default_model", |b| {
        b.iter_batched(
            || model.clone(),
            |mut m| {
                black_box(m.learn(
                    Correction::Spam(true),
                    black_box("cheap replica watches, order today"),
                ))
            },
            criterion::BatchSize::LargeInput,
        )
    });
    let mut updated = model.clone();
    for (i, t) in texts.iter().take(100).enumerate() {
        updated.learn(Correction::Spam(i % 2 == 1), t);
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
