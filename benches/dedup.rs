//! Speed and memory of the duplicate detector with 1,000,000 comments
//! indexed.
//!
//! Generates 1,200,000 comments with a fixed seed from real comments in
//! `data/` (YouTube, Fox News, seeds, Davidson tweets): each is a real
//! comment with about half of its words replaced by words drawn from the
//! whole corpus, so that nearly all are distinct. The detector (capacity
//! 1,000,000) is filled with the first 1,000,000, then `check_and_insert`
//! is measured on the stream that follows (cycling; a comment comes back
//! only after 1,200,000 others, when it has left the window), so the index
//! stays at 1,000,000 comments. Prints bytes per indexed comment.
//!
//! ```text
//! cargo bench --bench dedup
//! ```

use dev_support::stream;

use comment_sieve::{DupInput, DuplicateParams};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::time::{Duration, Instant};

const INDEXED: usize = 1_000_000;
const GENERATED: usize = 1_200_000;

fn bench(c: &mut Criterion) {
    let t = Instant::now();
    let g = stream::generate(GENERATED);
    let mean_len = g.texts.iter().map(|t| t.len()).sum::<usize>() as f64 / g.texts.len() as f64;
    println!(
        "generated {} comments (mean {mean_len:.0} bytes) in {:.1} s",
        g.texts.len(),
        t.elapsed().as_secs_f64()
    );
    let mut d = DuplicateParams::default()
        .capacity(INDEXED)
        .build()
        .unwrap();
    let t = Instant::now();
    let mut flagged = 0;
    for i in 0..INDEXED {
        flagged += d
            .check_and_insert(&DupInput::new(&g.ids[i], &g.texts[i]))
            .is_some() as usize;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "filled: {} comments in {secs:.2} s = {:.0} check_and_insert/s (index growing \
         from 0); {flagged} flagged as duplicates",
        d.len(),
        INDEXED as f64 / secs
    );
    println!(
        "memory: {} bytes for {} comments = {:.1} bytes per indexed comment",
        d.memory_bytes(),
        d.len(),
        d.memory_bytes() as f64 / d.len() as f64
    );

    let mut group = c.benchmark_group("dedup");
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    let mut next = INDEXED;
    group.bench_function("check_and_insert, 1M indexed", |b| {
        b.iter(|| {
            let i = next % GENERATED;
            next += 1;
            d.check_and_insert(&DupInput::new(&g.ids[i], &g.texts[i]))
        })
    });
    group.finish();
    println!(
        "after the run: {} comments, {:.1} bytes per indexed comment",
        d.len(),
        d.memory_bytes() as f64 / d.len() as f64
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
