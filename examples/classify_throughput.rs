//! Library classify throughput on one thread over the same N synthetic
//! comments as `gen_comments` (same seed): texts in memory, no parsing,
//! no output. `cargo run --release --example classify_throughput -- N`.

mod common;

use std::path::Path;
use std::time::Instant;

use comment_sieve::Classifier;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("N is a number"))
        .unwrap_or(1_000_000);
    let texts = common::texts(Path::new("data"));
    let mut rng = common::Rng::new(common::SEED);
    let picks: Vec<usize> = (0..n)
        .map(|_| common::draw(&mut rng, texts.len()).0)
        .collect();
    let clf = Classifier::default();
    let start = Instant::now();
    let mut spam = 0usize;
    for &t in &picks {
        let v = clf.classify_text(&texts[t]);
        spam += usize::from(v.label == comment_sieve::Label::Spam);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "classify_text: {n} comments in {secs:.2} s on 1 thread: {:.0} comments/s ({spam} spam)",
        n as f64 / secs
    );
}
