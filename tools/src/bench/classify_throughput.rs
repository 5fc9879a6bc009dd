//! `bench classify-throughput`: library throughput on one thread over the
//! same N synthetic comments as `bench gen-comments` (same seed): texts in
//! memory, no parsing, no output; `classify_text` alone, then
//! `classify_text` plus the duplicate check (`check_and_insert`), which is
//! what the batch labeler does per record. `benches/label_bench.sh` sets
//! the labeler's rate against these.
//!
//! `cargo run --release -p comment-sieve-tools -- bench classify-throughput --comments N`

use std::path::PathBuf;
use std::time::Instant;

use comment_sieve::{Classifier, Result};
use comment_sieve_tools::support::synthetic as common;

/// Arguments of `bench classify-throughput`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// How many comments to classify.
    #[arg(long, default_value = "1000000", value_name = "N", value_parser = super::count)]
    comments: usize,
    /// The data folder the comments are drawn from.
    #[arg(long, default_value = "data", value_name = "DIR")]
    data: PathBuf,
}

/// Times both loops and prints their rates.
pub fn run(args: Args) -> Result<()> {
    let n = args.comments;
    let texts = common::texts(&args.data);
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
    let mut dd = comment_sieve::DuplicateParams::default().build()?;
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
    Ok(())
}
