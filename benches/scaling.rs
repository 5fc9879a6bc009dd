//! Time per KB of classification and of a duplicate check, from 100 B to
//! 10 MB, on ordinary and pathological input: linear time means a flat row.
//!
//! `cargo bench --bench scaling` (about 3 minutes); a filter narrows it,
//! e.g. `cargo bench --bench scaling -- zalgo`.
//!
//! Input kinds (`tools/src/support/hostile.rs`): `prose` (comments repeated),
//! `one_word` (letters with no space), `urls`, `bangs` (`!` only), `zalgo`
//! (40 combining marks on every letter, no space), `scripts` (words
//! alternating Latin, Cyrillic and Greek letters), `rtl` (a right-to-left
//! override before every word), `zwj` (a zero-width joiner between every
//! letter), `entities` (`&amp;amp;amp;…`), `tags` (`<b>` repeated), `spaced`
//! (single letters and spaces: one long run of spaced-out letters),
//! `replaced` (a capital between two U+FFFD, no space: invalid UTF-8
//! decoded with replacement characters), `passes` (words of four scripts
//! after one nested entity, which takes a second normalization pass).
//!
//! `classify` is `Classifier::classify_text` with the default model;
//! `dedup` is `check_and_insert` into a detector holding 50 comments.
//! Each case takes 10 samples (flat sampling); the table printed at the
//! end gives the fastest sample's time per KB.

use dev_support::hostile;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use comment_sieve::{Classifier, DupInput, DuplicateDetector, DuplicateParams};
use criterion::{criterion_group, BenchmarkId, Criterion, SamplingMode, Throughput};

const SIZES: [(usize, &str); 4] = [
    (100, "100 B"),
    (10_000, "10 KB"),
    (1_000_000, "1 MB"),
    (10_000_000, "10 MB"),
];

/// Fastest ns/KB per (op, kind, size).
static RESULTS: Mutex<BTreeMap<(String, String, usize), f64>> = Mutex::new(BTreeMap::new());

fn record(op: &str, kind: &str, size: usize, per_iter: Duration) {
    let ns_kb = per_iter.as_nanos() as f64 / (size as f64 / 1000.0);
    let mut r = RESULTS.lock().unwrap();
    let e = r
        .entry((op.to_string(), kind.to_string(), size))
        .or_insert(f64::INFINITY);
    *e = e.min(ns_kb);
}

fn detector() -> DuplicateDetector {
    let mut d = DuplicateParams::default().build().unwrap();
    for i in 0..50 {
        let id = format!("s{i}");
        let t = hostile::input("prose", 200 + 37 * i);
        d.insert(&DupInput::new(&id, &t));
    }
    d
}

fn bench(c: &mut Criterion) {
    let clf = Classifier::default();
    let base = detector();
    for &(size, label) in &SIZES {
        let mut group = c.benchmark_group(format!("scaling/{label}"));
        group.sampling_mode(SamplingMode::Flat);
        group.sample_size(10);
        group.throughput(Throughput::Bytes(size as u64));
        if size >= 1_000_000 {
            group.warm_up_time(Duration::from_millis(1));
            group.measurement_time(Duration::from_millis(10));
        } else {
            group.warm_up_time(Duration::from_millis(100));
            group.measurement_time(Duration::from_millis(400));
        }
        for kind in hostile::KINDS {
            let text = hostile::input(kind, size);
            assert!(size - text.len() < 4, "{kind}");
            group.bench_with_input(BenchmarkId::new("classify", kind), &text, |b, t| {
                b.iter_custom(|iters| {
                    let start = Instant::now();
                    for _ in 0..iters {
                        black_box(clf.classify_text(black_box(t)));
                    }
                    let el = start.elapsed();
                    record("classify", kind, size, el / iters as u32);
                    el
                })
            });
            group.bench_with_input(BenchmarkId::new("dedup", kind), &text, |b, t| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let mut d = base.clone();
                        let start = Instant::now();
                        black_box(d.check_and_insert(&DupInput::new("q", black_box(t))));
                        let el = start.elapsed();
                        total += el;
                        record("dedup", kind, size, el);
                    }
                    total
                })
            });
        }
        group.finish();
    }
}

fn print_table() {
    let r = RESULTS.lock().unwrap();
    if r.is_empty() {
        return;
    }
    for op in ["classify", "dedup"] {
        println!("\n{op}: ns per KB (fastest of 10 samples)\n");
        print!("| input |");
        for (_, l) in SIZES {
            print!(" {l} |");
        }
        println!(" 10 MB / 10 KB |");
        println!("|---|---:|---:|---:|---:|---:|");
        for kind in hostile::KINDS {
            let get = |s: usize| r.get(&(op.to_string(), kind.to_string(), s)).copied();
            if SIZES.iter().all(|&(s, _)| get(s).is_none()) {
                continue;
            }
            print!("| {kind} |");
            for (s, _) in SIZES {
                match get(s) {
                    Some(v) => print!(" {v:.0} |"),
                    None => print!(" – |"),
                }
            }
            match (get(10_000_000), get(10_000)) {
                (Some(a), Some(b)) => println!(" {:.2} |", a / b),
                _ => println!(" – |"),
            }
        }
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    print_table();
}
