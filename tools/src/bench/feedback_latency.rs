//! `bench feedback-latency`: the time of one feedback event in the
//! moderator (`Moderator::submit_spam` and friends, which call
//! `Model::learn`), without criterion. The service's feedback endpoints
//! spend this time under the model's write lock, so it bounds how long a
//! correction holds up classification.
//!
//! The embedded default model, a fixed-seed stream of generated comments,
//! one correction each (cycling through spam, ham, abuse and not abuse),
//! and the median, p90 and maximum per call.
//!
//! ```text
//! cargo run --release -p comment-sieve-tools -- bench feedback-latency [--events N]
//! ```

use std::time::Instant;

use comment_sieve::moderate::{Moderator, Policy};
use comment_sieve::{Classifier, Comment, Result};
use comment_sieve_tools::support::stream;

/// Arguments of `bench feedback-latency`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// How many feedback events to time.
    #[arg(long, default_value = "200", value_name = "N", value_parser = events)]
    events: usize,
}

/// At least one event.
fn events(s: &str) -> std::result::Result<usize, String> {
    match super::count(s)? {
        0 => Err("at least one event is needed".into()),
        n => Ok(n),
    }
}

/// Times the events and prints the median, p90 and maximum.
pub fn run(args: Args) -> Result<()> {
    let events = args.events;
    let texts = stream::generate(events);
    let mut m = Moderator::new(Classifier::default(), Policy::default())?;
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
    Ok(())
}
