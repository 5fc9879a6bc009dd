//! `bench classify-youtube`: single-thread classification rate on the
//! 1,138 YouTube development comments (the `youtube` case of
//! `cargo bench --bench classify`), in CPU time of the thread
//! (`/proc/thread-self/schedstat`), which moves less than wall time on a
//! shared machine. Prints the rate of every round and the median; the
//! evaluation report and `docs/benchmarks.md` quote it.
//!
//! `cargo run --release -p comment-sieve-tools -- bench classify-youtube --rounds 15 --passes 200`
//! (the defaults: a round classifies every comment PASSES times). Under
//! `valgrind --tool=callgrind`, `--rounds 1 --passes 1` counts the
//! instructions of one pass over the comments.

use std::hint::black_box;

use comment_sieve::{Classifier, Result};
use comment_sieve_tools::datasets;

/// Arguments of `bench classify-youtube`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Rounds to time; the median round's rate is the figure.
    #[arg(long, default_value = "15", value_name = "N", value_parser = super::count)]
    rounds: usize,
    /// Passes over the comments in each round.
    #[arg(long, default_value = "200", value_name = "N", value_parser = super::count)]
    passes: usize,
}

/// Times the rounds and prints each rate and the median.
pub fn run(args: Args) -> Result<()> {
    let Args { rounds, passes } = args;
    let d = super::data_dir();
    let mut texts = Vec::new();
    for f in datasets::YOUTUBE_FILES {
        texts.extend(datasets::youtube(&d.join(f))?.into_iter().map(|e| e.text));
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let clf = Classifier::default();
    let cpu_ns = || super::cpu::thread_ns().unwrap_or(0);
    println!("{} comments, {bytes} bytes", texts.len());
    let mut rates = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t0 = cpu_ns();
        for _ in 0..passes {
            for t in &texts {
                black_box(clf.classify_text(black_box(t)));
            }
        }
        let ns = (cpu_ns() - t0).max(1);
        let rate = (passes * texts.len()) as f64 * 1e9 / ns as f64;
        println!("round: {rate:.0} comments/s of CPU time");
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    if let Some(median) = rates.get(rates.len() / 2) {
        println!("median: {median:.0} comments/s of CPU time");
    }
    Ok(())
}
