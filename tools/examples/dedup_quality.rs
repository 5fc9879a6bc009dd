//! Near-duplicate benchmark for the duplicate detector.
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
//! threshold is printed first, then the table for the default parameters.
//!
//! ```text
//! cargo run --release -p comment-sieve-tools --example dedup_quality [-- --export pairs.jsonl]
//! ```
//!
//! `--export` writes the pairs (raw and normalized texts) for
//! `benches/datasketch_compare.py`.

use dev_support::corpus;

use comment_sieve::{DupInput, DuplicateParams};
use corpus::{real_comments, words, Real, Rng};
use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;

struct Pair {
    kind: &'static str,
    positive: bool,
    a: String,
    b: String,
}

const PUNCT: &[&str] = &["!", "!!", "...", ",", ".", "?", " :)", "!!!"];

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

fn truncate(text: &str) -> String {
    let ws: Vec<&str> = text.split_whitespace().collect();
    let keep = (ws.len() as f64 * 0.7).ceil() as usize;
    ws[..keep].join(" ")
}

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

#[derive(Default, Clone)]
struct Count {
    n: usize,
    flagged: usize,
    kinds: BTreeMap<&'static str, usize>,
}

fn evaluate(
    pairs: &[Pair],
    params: &DuplicateParams,
) -> (BTreeMap<&'static str, Count>, Vec<usize>) {
    let mut by_kind: BTreeMap<&'static str, Count> = BTreeMap::new();
    let mut false_pos = Vec::new();
    for (i, p) in pairs.iter().enumerate() {
        let mut d = params.clone().build().unwrap();
        d.insert(&DupInput::new("a", &p.a));
        let dup = d.check(&DupInput::new("b", &p.b));
        let c = by_kind.entry(p.kind).or_default();
        c.n += 1;
        if dup.is_none() && p.positive && std::env::var_os("SHOW_MISSES").is_some() {
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
    let mut d = params.clone().build().unwrap();
    real.iter()
        .filter(|r| {
            d.check_and_insert(&DupInput::new(&r.id, &r.text).thread(&r.topic))
                .is_some()
        })
        .count()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let export = args
        .iter()
        .position(|a| a == "--export")
        .and_then(|i| args.get(i + 1));

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
    let sweep = !args.iter().any(|a| a == "--no-sweep");
    let grid = [(1, 2), (2, 2), (1, 3), (3, 3)];
    for (w, k) in grid.into_iter().filter(|_| sweep) {
        for t in [0.5, 0.55, 0.6, 0.7, 0.8] {
            let params = DuplicateParams::default()
                .near_shingle_size(w)
                .shingle_size(k)
                .near_threshold(t)
                .template_threshold(0.2);
            let (by_kind, _) = evaluate(&pairs, &params);
            let (p, r, fp, neg) = totals(&pairs, &by_kind);
            let flagged = flag_distinct(&real, &params);
            println!(
                "| {w} | {k} | {t:.2} | {p:.4} | {r:.4} | {fp} / {neg} | {flagged} / {} |",
                real.len()
            );
        }
    }

    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| v.parse::<f64>().unwrap())
    };
    let mut params = DuplicateParams::default();
    if let Some(k) = arg("--shingle") {
        params = params.shingle_size(k as usize);
    }
    if let Some(k) = arg("--near-shingle") {
        params = params.near_shingle_size(k as usize);
    }
    if let Some(t) = arg("--near") {
        params = params.near_threshold(t).template_threshold(0.2_f64.min(t));
    }
    if let Some(n) = arg("--partial-min") {
        params = params.min_partial_tokens(n as usize);
    }
    if let Some(n) = arg("--min-tokens") {
        params = params.min_tokens(n as usize);
    }
    let (by_kind, false_pos) = evaluate(&pairs, &params);
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
    let mut d = DuplicateParams::default().build().unwrap();
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

    if let Some(path) = export {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
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
            writeln!(f, "{v}").unwrap();
        }
        println!("wrote {} pairs to {path}", pairs.len());
    }
}
