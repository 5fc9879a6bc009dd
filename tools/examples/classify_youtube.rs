//! Single-thread classification rate on the 1,138 YouTube development
//! comments (the `youtube` case of `cargo bench --bench classify`), in CPU
//! time of the thread (`/proc/thread-self/schedstat`), which moves less
//! than wall time on a shared machine. Prints the rate of every round and
//! the median.
//!
//! `cargo run --release -p comment-sieve-tools --example classify_youtube -- ROUNDS PASSES`
//! (defaults 15 and 200: a round classifies every comment PASSES times).
//! Under `valgrind --tool=callgrind`, `ROUNDS` 1 and `PASSES` 1 count the
//! instructions of one pass over the comments.

use std::hint::black_box;
use std::path::Path;

use comment_sieve::Classifier;
use comment_sieve_tools::datasets;

/// CPU time of this thread in nanoseconds (0 where not available).
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|s| s.parse::<usize>().expect("a number"));
    let rounds = args.next().unwrap_or(15);
    let passes = args.next().unwrap_or(200);
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
    let texts: Vec<String> = datasets::YOUTUBE_FILES
        .iter()
        .flat_map(|f| datasets::youtube(&d.join(f)).expect("YouTube data"))
        .map(|e| e.text)
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let clf = Classifier::default();
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
    println!(
        "median: {:.0} comments/s of CPU time",
        rates[rates.len() / 2]
    );
}
