//! Classifies the YouTube development comments in a loop (for profiling):
//! `cargo run --release --example classify_loop -- 200`.

use std::path::Path;
use std::time::Instant;

use comment_sieve::{datasets, Classifier};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let texts: Vec<String> = datasets::YOUTUBE_FILES
        .iter()
        .flat_map(|f| datasets::youtube(&d.join(f)).expect("data"))
        .map(|e| e.text)
        .collect();
    let clf = Classifier::default();
    let t = Instant::now();
    let mut spam = 0usize;
    for _ in 0..rounds {
        for x in &texts {
            spam += usize::from(clf.classify_text(x).label == comment_sieve::Label::Spam);
        }
    }
    let n = rounds * texts.len();
    let s = t.elapsed().as_secs_f64();
    println!(
        "{n} comments in {s:.3} s: {:.0} comments/s ({spam} spam)",
        n as f64 / s
    );
}
