//! `bench relevance`: the relevance checks of the README's *Moderation*
//! section, on the development data in `data/`: how well the moderator
//! tells a comment on its article from one on something else.
//!
//! ```sh
//! cargo run --release -p comment-sieve-tools -- bench relevance                  # the three figures
//! cargo run --release -p comment-sieve-tools -- bench relevance --verbose        # with the evidence words
//! cargo run --release -p comment-sieve-tools -- bench relevance --draws FILE     # also writes check 3's draws
//! ```
//!
//! 1. seed comments labeled `on_topic` scoring above the `off_topic` one,
//!    each against its own seed article;
//! 2. YouTube ham comments (music videos) × the five seed articles judged
//!    off-topic (relevance below the policy's `off_topic_below`), also
//!    after the seed comments went through the moderator (threads running);
//! 3. Fox News dev comments: own article (title + lead) ahead of another
//!    article drawn with a fixed seed, ties counted half; also with the
//!    earlier comments as threads, and with a background that leaves out
//!    the two compared articles' comments.
//!
//! The default model's background counts are trained on these same files:
//! development figures, not held-out ones. `tests/moderate.rs` checks
//! check 1.

use std::path::{Path, PathBuf};

use comment_sieve::{Label, Result};
use comment_sieve_tools::support::relevance::*;

/// Arguments of `bench relevance`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Also print the evidence words behind the scores.
    #[arg(short, long)]
    verbose: bool,
    /// Write check 3's draws (one JSON line per comment: its text, own and
    /// drawn article, whether both were scored) to FILE, for
    /// `benches/relevance_sentence_model.sh`.
    #[arg(long, value_name = "FILE")]
    draws: Option<PathBuf>,
}

/// Runs the three checks and prints their figures.
pub fn run(args: Args) -> Result<()> {
    let data = super::data_dir();
    let m = seed_moderator(&data);

    let alone = seed_ordering(&mut seed_moderator(&data), &data, false);
    let (above, on) = alone.above();
    println!(
        "1. seed on_topic comments above the off_topic one ({:.2}): {above} of {on} alone",
        alone.max_off()
    );
    let mut threaded = seed_moderator(&data);
    let seeds = seed_ordering(&mut threaded, &data, true);
    let (above, on) = seeds.above();
    println!(
        "1. seed on_topic comments above the off_topic one ({:.2}): {above} of {on} in page order with thread and replies",
        seeds.max_off()
    );
    let below = m.policy().off_topic_below;
    let kept = seeds
        .of(Label::OnTopic)
        .iter()
        .filter(|&&r| r >= below)
        .count();
    println!("   on_topic seed comments not judged off-topic (relevance at least {below}): {kept} of {on}");
    if args.verbose {
        for r in &seeds.rows {
            if matches!(r.label, Label::OnTopic | Label::OffTopic) {
                println!(
                    "   {} {} {}",
                    r.id,
                    r.label,
                    r.relevance.map_or("-".into(), |x| format!("{x:.3}"))
                );
                {
                    explain(&threaded, &data, &r.id);
                }
            }
        }
    }

    let yt = youtube(&m, &data);
    println!(
        "2. YouTube ham × seed articles off-topic: {} of {} ({:.3}); {} pairs unscored (too few content words)",
        yt.off,
        yt.judged,
        yt.off as f64 / yt.judged as f64,
        yt.unscored
    );
    // The same after the seed comments went through the moderator: the two
    // seed articles with comments have a running thread, whose mean
    // relevance short comments naming a topic word take over.
    let yt_thread = youtube(&threaded, &data);
    println!(
        "2. the same with the seed threads running: {} of {} ({:.3})",
        yt_thread.off,
        yt_thread.judged,
        yt_thread.off as f64 / yt_thread.judged as f64,
    );
    if args.verbose {
        for (r, a, t) in yt_thread.misses.iter().take(20) {
            println!("   thread {r:.3} {} {:?}", &a[..3], t);
            print_evidence(threaded.relevance_evidence(a, t, None));
        }
        for (r, a, t) in yt.misses.iter().take(40) {
            println!("   {r:.3} {} {:?}", &a[..3], t);
            print_evidence(m.relevance_evidence(a, t, None));
        }
    }

    for (thread, what) in [
        (false, "title + lead"),
        (true, "title + lead + earlier comments"),
    ] {
        let fox = fox(&data, FOX_SEED, thread);
        if let (false, Some(path)) = (thread, args.draws.as_ref()) {
            // One JSON line per comment: its text, own and drawn article,
            // and whether both were scored (read by
            // benches/relevance_sentence_model.sh).
            let mut out = String::new();
            for d in &fox.draws {
                out.push_str(&serde_json::to_string(d).expect("serializable"));
                out.push('\n');
            }
            std::fs::write(path, out).map_err(super::io_error(path))?;
        }
        println!(
            "3. Fox News dev, own article ({what}) ahead of a drawn other (seed {FOX_SEED}): {} wins, {} ties of {} ({:.3}, ties half); {} comments unscored",
            fox.wins,
            fox.ties,
            fox.n,
            fox.share(),
            fox.unscored
        );
    }
    for (thread, what) in [
        (false, "title + lead"),
        (true, "title + lead + earlier comments"),
    ] {
        let fox = fox_held_out(&data, FOX_SEED, thread);
        println!(
            "3. the same ({what}), background without the two articles' comments: {} wins, {} ties of {} ({:.3}, ties half)",
            fox.wins,
            fox.ties,
            fox.n,
            fox.share(),
        );
    }
    Ok(())
}

/// Prints the evidence words of seed comment `id` against its article.
fn explain(m: &comment_sieve::moderate::Moderator, data: &Path, id: &str) {
    let seeds =
        comment_sieve_tools::datasets::seed_comments(&data.join("seed_comments.jsonl")).unwrap();
    let i = seeds.iter().position(|s| s.id == id).unwrap();
    let s = &seeds[i];
    let parent = replied_to(&seeds, i).map(|p| p.text.as_str());
    print_evidence(m.relevance_evidence(s.article_id.as_deref().unwrap(), &s.text, parent));
}

/// Prints the words that made a relevance score, with their weights.
fn print_evidence(r: Option<comment_sieve::moderate::relevance::Relevance>) {
    if let Some(r) = r {
        let ws: Vec<String> = r
            .words
            .iter()
            .map(|w| {
                format!(
                    "{}:{:.1}({:.4},{:.4},{})",
                    w.word, w.llr, w.background, w.topic, w.source
                )
            })
            .collect();
        println!("      S={:.2} {}", r.evidence, ws.join(" "));
    }
}
