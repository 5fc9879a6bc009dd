//! `bench dedup-throughput`: the rate of `check_and_insert` with the
//! detector full, without criterion: a quick loop to time and to profile
//! (the steady state of a site's duplicate index, where every insert
//! evicts the oldest comment).
//!
//! Generates the stream of `benches/dedup.rs` (capacity + 20% comments),
//! fills a detector of the given capacity, then times rounds of
//! `check_and_insert` on the comments that follow (cycling) and prints each
//! round's rate and the median, in wall time and CPU time.
//!
//! ```text
//! cargo run --release -p comment-sieve-tools -- bench dedup-throughput [--capacity N --rounds N --per-round N]
//! perf record -g target/release/comment-sieve-tools bench dedup-throughput --capacity 1000000 --rounds 10 --per-round 200000
//! ```

use std::time::Instant;

use comment_sieve::{DupInput, DuplicateParams, Result};
use comment_sieve_tools::support::stream;

/// Arguments of `bench dedup-throughput`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The detector's capacity: the comments filled in before timing.
    #[arg(long, default_value = "1000000", value_name = "N", value_parser = super::count)]
    capacity: usize,
    /// Rounds to time; the median round's rate is the figure.
    #[arg(long, default_value = "10", value_name = "N", value_parser = super::count)]
    rounds: usize,
    /// `check_and_insert` calls in each round.
    #[arg(long, default_value = "200000", value_name = "N", value_parser = super::count)]
    per_round: usize,
}

/// CPU time of this thread in seconds (Linux; `None` elsewhere).
fn cpu_secs() -> Option<f64> {
    super::cpu::thread_ns().map(|ns| ns as f64 / 1e9)
}

/// Fills the detector, times the rounds and prints each rate and the
/// median.
pub fn run(args: Args) -> Result<()> {
    let Args {
        capacity,
        rounds,
        per_round,
    } = args;
    let generated = capacity + capacity / 5;
    let t = Instant::now();
    let g = stream::generate(generated);
    println!(
        "generated {generated} comments in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut d = DuplicateParams::default().capacity(capacity).build()?;
    let t = Instant::now();
    let mut flagged = 0;
    for i in 0..capacity {
        flagged += d
            .check_and_insert(&DupInput::new(&g.ids[i], &g.texts[i]))
            .is_some() as usize;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "fill: {capacity} in {secs:.2} s = {:.0}/s, {flagged} flagged; {:.1} bytes per comment",
        capacity as f64 / secs,
        d.memory_bytes() as f64 / d.len() as f64
    );
    let mut next = capacity;
    let mut rates = Vec::with_capacity(rounds);
    let mut cpu_rates = Vec::with_capacity(rounds);
    for r in 0..rounds {
        let t = Instant::now();
        let cpu = cpu_secs();
        let mut flagged = 0;
        for _ in 0..per_round {
            let i = next % generated;
            next += 1;
            flagged += d
                .check_and_insert(&DupInput::new(&g.ids[i], &g.texts[i]))
                .is_some() as usize;
        }
        let rate = per_round as f64 / t.elapsed().as_secs_f64();
        let cpu_rate = match (cpu, cpu_secs()) {
            (Some(a), Some(b)) => per_round as f64 / (b - a),
            _ => f64::NAN,
        };
        println!(
            "round {r}: {rate:.0} check_and_insert/s ({cpu_rate:.0}/s of CPU time), \
             {flagged} flagged"
        );
        rates.push(rate);
        cpu_rates.push(cpu_rate);
    }
    rates.sort_by(f64::total_cmp);
    cpu_rates.sort_by(f64::total_cmp);
    if !rates.is_empty() {
        let (m, c) = (rates[rates.len() / 2], cpu_rates[rates.len() / 2]);
        println!(
            "median {m:.0} check_and_insert/s ({:.2} µs), {c:.0}/s of CPU time ({:.2} µs); \
             {:.1} bytes per comment",
            1e6 / m,
            1e6 / c,
            d.memory_bytes() as f64 / d.len() as f64
        );
    }
    Ok(())
}
