//! Time of one feedback event in the moderator (`Moderator::submit_spam`
//! and friends, which call `Model::learn`), without criterion: the
//! embedded default model, a fixed-seed stream of generated comments, one
//! correction each (cycling through spam, ham, abuse and not abuse), and
//! the median, p90 and maximum per call. The service's feedback endpoints
//! spend this time under the model's write lock.
//!
//! ```text
//! cargo run --release --example feedback_latency [-- EVENTS]
//! ```

use std::time::Instant;

use comment_sieve::moderate::{Moderator, Policy};
use comment_sieve::{Classifier, Comment};
use dev_support::stream;

fn main() {
    let events: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("a number of events"))
        .unwrap_or(200);
    let texts = stream::generate(events);
    let mut m = Moderator::new(Classifier::default(), Policy::default()).expect("default policy");
    let mut times = Vec::with_capacity(events);
    for (i, t) in texts.texts.iter().enumerate() {
        let c = Comment::new(format!("c{i}"), t.clone());
        let start = Instant::now();
        match i % 4 {
            0 => m.submit_spam(&c),
            1 => m.submit_ham(&c),
            2 => m.submit_abuse(&c),
            _ => m.submit_not_abuse(&c),
        };
        times.push(start.elapsed().as_secs_f64() * 1e6);
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{events} feedback events: median {:.1} µs, p90 {:.1} µs, max {:.1} µs",
        at(0.5),
        at(0.9),
        at(1.0)
    );
}
