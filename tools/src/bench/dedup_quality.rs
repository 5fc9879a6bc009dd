//! `bench dedup-quality`: precision and recall of the duplicate detector
//! on near-duplicate pairs, to choose its parameters (shingle sizes, near
//! threshold) and to see which edits it catches.
//!
//! Builds labelled pairs from real comments in `data/` (YouTube, Fox News,
//! seed comments; at least 8 words; fixed seed, so every run builds the same
//! pairs) and reports precision and recall:
//!
//! - positives: a comment and a variant of it (1–3 words replaced by words
//!   of the corpus; case and punctuation changed; a URL appended; truncated
//!   to its first 70% of words; or the comment embedded in a longer one,
//!   another real comment before or after it, the longer one posted first);
//! - negatives: two distinct real comments, drawn at random or from the
//!   same video or article.
//!
//! Each pair is judged alone: the first comment is inserted into an empty
//! detector, the second is checked. A sweep over shingle size and near
//! threshold is printed first, then the table for the default parameters
//! (or those given), then the speed on the same pairs.
//!
//! ```text
//! cargo run --release -p comment-sieve-tools -- bench dedup-quality [--export pairs.jsonl]
//! ```
//!
//! `--export` writes the pairs (raw and normalized texts) for
//! `benches/datasketch_compare.py`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use comment_sieve::{DupInput, DuplicateParams, Result};
use comment_sieve_tools::support::corpus::{real_comments, words, Real, Rng};

/// Arguments of `bench dedup-quality`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Also write the pairs (raw and normalized texts) as JSONL to FILE.
    #[arg(long, value_name = "FILE")]
    export: Option<PathBuf>,
    /// Leave out the sweep over shingle sizes and near thresholds.
    #[arg(long)]
    no_sweep: bool,
    /// Print every positive pair the detector misses.
    #[arg(long)]
    show_misses: bool,
    /// Shingle size of the table's parameters (default: the detector's).
    #[arg(long = "shingle", value_name = "K")]
    shingle: Option<usize>,
    /// Near-duplicate shingle size of the table's parameters.
    #[arg(long = "near-shingle", value_name = "K")]
    near_shingle: Option<usize>,
    /// Near threshold of the table's parameters (the template threshold
    /// becomes the smaller of 0.2 and this).
    #[arg(long = "near", value_name = "T")]
    near: Option<f64>,
    /// Minimum tokens of a partial (embedded) match.
    #[arg(long = "partial-min", value_name = "N")]
    partial_min: Option<usize>,
    /// Minimum tokens of a comment the detector checks.
    #[arg(long = "min-tokens", value_name = "N")]
    min_tokens: Option<usize>,
}

/// A labelled pair: `b` is checked after `a` was inserted.
struct Pair {
    kind: &'static str,
    positive: bool,
    a: String,
    b: String,
}

/// Punctuation appended to words by `case_punct`.
const PUNCT: &[&str] = &["!", "!!", "...", ",", ".", "?", " :)", "!!!"];

/// `text` with `n` of its words replaced by other words of `pool`.
fn substitute(rng: &mut Rng, text: &str, n: usize, pool: &[String]) -> String {
    let mut ws: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    let slots: Vec<usize> = (0..ws.len())
        .filter(|&i| ws[i].chars().any(char::is_alphanumeric))
        .collect();
    let mut done = Vec::new();
    while done.len() < n.min(slots.len()) {
        let i = *rng.pick(&slots);
        if done.contains(&i) {
            continue;
        }
        let old = words(&ws[i]).join(" ");
        let mut new = rng.pick(pool).clone();
        while new == old {
            new = rng.pick(pool).clone();
        }
        ws[i] = new;
        done.push(i);
    }
    ws.join(" ")
}

/// `text` with the case of words and the punctuation at their ends
/// changed at random.
fn case_punct(rng: &mut Rng, text: &str) -> String {
    let mut out = Vec::new();
    for w in text.split_whitespace() {
        // Punctuation at the end of words goes or comes; links and words
        // keep their inner punctuation.
        let mut w: String = if rng.chance(0.5) {
            w.trim_end_matches(|c| ".,!?;:".contains(c)).to_string()
        } else {
            w.to_string()
        };
        if rng.chance(0.25) {
            w = w.to_uppercase();
        } else if rng.chance(0.25) {
            let mut cs = w.chars();
            w = match cs.next() {
                Some(c) => c.to_uppercase().chain(cs).collect(),
                None => w,
            };
        } else if rng.chance(0.2) {
            w = w.to_lowercase();
        }
        if rng.chance(0.15) {
            let p: &&str = rng.pick(PUNCT);
            w.push_str(p);
        }
        if !w.is_empty() {
            out.push(w);
        }
    }
    out.join(" ")
}

/// `text` with a random link appended.
fn append_url(rng: &mut Rng, text: &str) -> String {
    const HOSTS: &[&str] = &["bit.ly", "www.freecash", "tinyurl.com", "www.mychannel"];
    let host = rng.pick(HOSTS);
    let tld = if host.contains('.') && !host.starts_with("www.") {
        ""
    } else {
        ".com"
    };
    format!("{text} http://{host}{tld}/{:x}", rng.next_u64() & 0xFF_FFFF)
}

/// The first 70% of the words of `text`.
fn truncate(text: &str) -> String {
    let ws: Vec<&str> = text.split_whitespace().collect();
    let keep = (ws.len() as f64 * 0.7).ceil() as usize;
    ws[..keep].join(" ")
}

/// Every kind of positive pair and the negatives for each real comment.
fn build_pairs(real: &[Real], rng: &mut Rng) -> Vec<Pair> {
    let pool: Vec<String> = real.iter().flat_map(|r| words(&r.text)).collect();
    let mut pairs = Vec::new();
    for (i, r) in real.iter().enumerate() {
        let t = &r.text;
        let n = 1 + rng.below(3);
        let kind = [
            "substitute 1 word",
            "substitute 2 words",
            "substitute 3 words",
        ][n - 1];
        pairs.push(Pair {
            kind,
            positive: true,
            a: t.clone(),
            b: substitute(rng, t, n, &pool),
        });
        pairs.push(Pair {
            kind: "case + punctuation",
            positive: true,
            a: t.clone(),
            b: case_punct(rng, t),
        });
        pairs.push(Pair {
            kind: "append URL",
            positive: true,
            a: t.clone(),
            b: append_url(rng, t),
        });
        pairs.push(Pair {
            kind: "truncate to 70%",
            positive: true,
            a: t.clone(),
            b: truncate(t),
        });
        let mut j = rng.below(real.len());
        while j == i {
            j = rng.below(real.len());
        }
        let other = &real[j].text;
        let longer = if rng.chance(0.5) {
            format!("{other} {t}")
        } else {
            format!("{t} {other}")
        };
        pairs.push(Pair {
            kind: "embedded in a longer one",
            positive: true,
            a: longer,
            b: t.clone(),
        });
        // Negatives: a random other comment, and one on the same topic.
        pairs.push(Pair {
            kind: "negative: random",
            positive: false,
            a: other.clone(),
            b: t.clone(),
        });
        let same: Vec<usize> = (0..real.len())
            .filter(|&k| k != i && real[k].topic == r.topic)
            .collect();
        if !same.is_empty() {
            let k = *rng.pick(&same);
            pairs.push(Pair {
                kind: "negative: same topic",
                positive: false,
                a: real[k].text.clone(),
                b: t.clone(),
            });
        }
    }
    pairs
}

/// Outcomes for one kind of pair: pairs, flagged, and as what.
#[derive(Default, Clone)]
struct Count {
    n: usize,
    flagged: usize,
    kinds: BTreeMap<&'static str, usize>,
}

/// Judges every pair alone (the first comment inserted into an empty
/// detector, the second checked): the counts by kind of pair and the
/// indexes of the false positives. `show_misses` prints every missed
/// positive pair.
fn evaluate(
    pairs: &[Pair],
    params: &DuplicateParams,
    show_misses: bool,
) -> (BTreeMap<&'static str, Count>, Vec<usize>) {
    let mut by_kind: BTreeMap<&'static str, Count> = BTreeMap::new();
    let mut false_pos = Vec::new();
    for (i, p) in pairs.iter().enumerate() {
        let mut d = params.clone().build().expect("valid parameters");
        d.insert(&DupInput::new("a", &p.a));
        let dup = d.check(&DupInput::new("b", &p.b));
        let c = by_kind.entry(p.kind).or_default();
        c.n += 1;
        if dup.is_none() && p.positive && show_misses {
            println!("MISS {}: {:?}\n    vs {:?}", p.kind, p.a, p.b);
        }
        if let Some(dup) = dup {
            c.flagged += 1;
            *c.kinds.entry(dup.kind.as_str()).or_default() += 1;
            if !p.positive {
                false_pos.push(i);
            }
        }
    }
    (by_kind, false_pos)
}

/// Precision, recall, false positives and negatives over all pairs.
fn totals(pairs: &[Pair], by_kind: &BTreeMap<&'static str, Count>) -> (f64, f64, usize, usize) {
    let (mut tp, mut pos, mut fp, mut neg) = (0, 0, 0, 0);
    for (kind, c) in by_kind {
        let positive = pairs.iter().find(|p| p.kind == *kind).unwrap().positive;
        if positive {
            tp += c.flagged;
            pos += c.n;
        } else {
            fp += c.flagged;
            neg += c.n;
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / pos.max(1) as f64;
    (precision, recall, fp, neg)
}

/// How many of the distinct real comments, checked and inserted in order
/// into one detector, are flagged (a site-scale view of false positives;
/// some are real near-duplicates, e.g. reworded spam).
fn flag_distinct(real: &[Real], params: &DuplicateParams) -> usize {
    let mut d = params.clone().build().expect("valid parameters");
    real.iter()
        .filter(|r| {
            d.check_and_insert(&DupInput::new(&r.id, &r.text).thread(&r.topic))
                .is_some()
        })
        .count()
}

/// Builds the pairs and prints the sweep, the table, the speed and, with
/// `--export`, writes the pairs.
pub fn run(args: Args) -> Result<()> {
    let mut params = DuplicateParams::default();
    if let Some(k) = args.shingle {
        params = params.shingle_size(k);
    }
    if let Some(k) = args.near_shingle {
        params = params.near_shingle_size(k);
    }
    if let Some(t) = args.near {
        params = params.near_threshold(t).template_threshold(0.2_f64.min(t));
    }
    if let Some(n) = args.partial_min {
        params = params.min_partial_tokens(n);
    }
    if let Some(n) = args.min_tokens {
        params = params.min_tokens(n);
    }
    // Bad values are reported before the run.
    params.clone().build()?;
    let real = real_comments(8);
    let mut rng = Rng::new(0x5EED_D0D0_2024);
    let pairs = build_pairs(&real, &mut rng);
    let n_pos = pairs.iter().filter(|p| p.positive).count();
    println!(
        "{} real comments with >= 8 words; {} pairs ({} positive, {} negative)\n",
        real.len(),
        pairs.len(),
        n_pos,
        pairs.len() - n_pos
    );

    println!("Sweep (all edit kinds together):\n");
    println!(
        "| near shingle size | shingle size | near threshold | precision | recall | \
         false positives | distinct real comments flagged |"
    );
    println!("|---|---|---|---|---|---|---|");
    let sweep = !args.no_sweep;
    let grid = [(1, 2), (2, 2), (1, 3), (3, 3)];
    for (w, k) in grid.into_iter().filter(|_| sweep) {
        for t in [0.5, 0.55, 0.6, 0.7, 0.8] {
            let params = DuplicateParams::default()
                .near_shingle_size(w)
                .shingle_size(k)
                .near_threshold(t)
                .template_threshold(0.2);
            let (by_kind, _) = evaluate(&pairs, &params, args.show_misses);
            let (p, r, fp, neg) = totals(&pairs, &by_kind);
            let flagged = flag_distinct(&real, &params);
            println!(
                "| {w} | {k} | {t:.2} | {p:.4} | {r:.4} | {fp} / {neg} | {flagged} / {} |",
                real.len()
            );
        }
    }

    let (by_kind, false_pos) = evaluate(&pairs, &params, args.show_misses);
    println!(
        "\nParameters: near shingle size {}, shingle size {}, near threshold {}, \
         partial threshold {}:\n",
        params.near_shingle_size_value(),
        params.shingle_size_value(),
        params.near_threshold_value(),
        params.partial_threshold_value(),
    );
    println!("| pairs | n | flagged | rate | reported as |");
    println!("|---|---|---|---|---|");
    for (kind, c) in &by_kind {
        let kinds: Vec<String> = c.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!(
            "| {kind} | {} | {} | {:.4} | {} |",
            c.n,
            c.flagged,
            c.flagged as f64 / c.n as f64,
            kinds.join(", ")
        );
    }
    let (p, r, fp, neg) = totals(&pairs, &by_kind);
    println!("\nOverall: precision {p:.4}, recall {r:.4}, false positives {fp} of {neg} negatives");
    println!(
        "Distinct real comments flagged when checked in order: {} of {}",
        flag_distinct(&real, &params),
        real.len()
    );
    for &i in false_pos.iter().take(8) {
        let cut = |s: &str| s.chars().take(100).collect::<String>();
        println!(
            "  false positive ({}): {:?}\n                  vs {:?}",
            pairs[i].kind,
            cut(&pairs[i].a),
            cut(&pairs[i].b)
        );
    }

    // Speed on the same data: insert every first comment, check every
    // second one, in one detector.
    let mut d = DuplicateParams::default().build()?;
    let ids: Vec<String> = (0..pairs.len()).map(|i| format!("p{i}")).collect();
    let start = Instant::now();
    for (i, p) in pairs.iter().enumerate() {
        d.insert(&DupInput::new(&ids[i], &p.a));
        let _ = d.check(&DupInput::new(&ids[i], &p.b));
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "\nSpeed on these pairs: {} inserts + {} checks in {:.1} ms = {:.0} pairs/s",
        pairs.len(),
        pairs.len(),
        secs * 1e3,
        pairs.len() as f64 / secs
    );

    if let Some(path) = &args.export {
        let io = || super::io_error(path);
        let mut f = std::io::BufWriter::new(std::fs::File::create(path).map_err(io())?);
        for p in &pairs {
            let norm = |s: &str| comment_sieve::normalize(s).into_text();
            let v = serde_json::json!({
                "kind": p.kind,
                "positive": p.positive,
                "a": p.a,
                "b": p.b,
                "a_norm": norm(&p.a),
                "b_norm": norm(&p.b),
            });
            writeln!(f, "{v}").map_err(io())?;
        }
        f.flush().map_err(io())?;
        println!("wrote {} pairs to {}", pairs.len(), path.display());
    }
    Ok(())
}
