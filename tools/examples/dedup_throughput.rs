//! Throughput of `check_and_insert` with the detector full, without
//! criterion: a quick loop to time and to profile.
//!
//! Generates the stream of `benches/dedup.rs` (capacity + 20% comments),
//! fills a detector of the given capacity, then times rounds of
//! `check_and_insert` on the comments that follow (cycling) and prints each
//! round's rate and the median.
//!
//! ```text
//! cargo run --release -p comment-sieve-tools --example dedup_throughput [-- CAPACITY ROUNDS PER_ROUND]
//! perf record -g target/release/examples/dedup_throughput 1000000 10 200000
//! ```

use dev_support::stream;

use comment_sieve::{DupInput, DuplicateParams};
use std::time::Instant;

fn arg(i: usize, default: usize) -> usize {
    std::env::args()
        .nth(i)
        .map(|a| a.replace('_', "").parse().expect("a number"))
        .unwrap_or(default)
}

/// CPU time of this thread in seconds (Linux; `None` elsewhere): on
/// shared cores, time spent waiting for a core is not counted.
fn cpu_secs() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn main() {
    let capacity = arg(1, 1_000_000);
    let rounds = arg(2, 10);
    let per_round = arg(3, 200_000);
    let generated = capacity + capacity / 5;
    let t = Instant::now();
    let g = stream::generate(generated);
    println!(
        "generated {generated} comments in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut d = DuplicateParams::default()
        .capacity(capacity)
        .build()
        .unwrap();
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
}
