//! Library throughput on one thread over the same N synthetic comments as
//! `gen_comments` (same seed): texts in memory, no parsing, no output;
//! `classify_text` alone, then `classify_text` plus the duplicate check
//! (`check_and_insert`), which is what the batch labeler does per record.
//! `cargo run --release -p comment-sieve-tools --example classify_throughput -- N`.

use dev_support::synthetic as common;

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
    let mut dd = comment_sieve::DuplicateParams::default()
        .build()
        .expect("default duplicate parameters");
    let start = Instant::now();
    let mut dups = 0usize;
    for (i, &t) in picks.iter().enumerate() {
        std::hint::black_box(clf.classify_text(&texts[t]));
        let id = i.to_string();
        dups += usize::from(
            dd.check_and_insert(&comment_sieve::DupInput::new(&id, &texts[t]))
                .is_some(),
        );
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "classify_text + check_and_insert: {n} comments in {secs:.2} s on 1 thread: {:.0} comments/s ({dups} duplicates)",
        n as f64 / secs
    );
}
