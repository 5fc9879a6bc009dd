//! `Moderator::moderate` in CPU time of the thread: the YouTube comments of
//! `data/`, each under one of the seed articles (registered first) with its
//! author, moderated in order by a fresh moderator each round. Written
//! against the API the earlier build and this one share, so
//! `benches/moderate_vs_earlier.sh` builds it against both and compares.
//!
//! Usage: `moderate-bench DATA_DIR ROUNDS PASSES`; prints every round's rate
//! and the median.
use comment_sieve::{Classifier, Comment};
use comment_sieve::moderate::{Moderator, Policy};

/// CPU time of this thread, seconds.
fn cpu() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = std::path::Path::new(&args[1]);
    let rounds: usize = args[2].parse().unwrap();
    let passes: usize = args[3].parse().unwrap();
    let mut arts = Vec::new();
    for line in std::fs::read_to_string(data.join("seed_articles.jsonl"))
        .unwrap()
        .lines()
    {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        arts.push((
            v["id"].as_str().unwrap().to_string(),
            v["title"].as_str().unwrap().to_string(),
            v["body"].as_str().unwrap().to_string(),
        ));
    }
    let mut comments = Vec::new();
    for f in [
        "Youtube01-Psy.csv",
        "Youtube02-KatyPerry.csv",
        "Youtube03-LMFAO.csv",
    ] {
        let mut r = csv::Reader::from_path(data.join("youtube-spam").join(f)).unwrap();
        for rec in r.records() {
            let rec = rec.unwrap();
            comments.push((rec[0].to_string(), rec[1].to_string(), rec[3].to_string()));
        }
    }
    let mut all = Vec::new();
    for p in 0..passes {
        for (i, (id, author, text)) in comments.iter().enumerate() {
            all.push(
                Comment::new(format!("{id}-{p}"), text.clone())
                    .with_author(author.clone())
                    .in_article(arts[i % arts.len()].0.clone()),
            );
        }
    }
    let clf = Classifier::default();
    let mut rates = Vec::new();
    let mut check = 0usize;
    for _ in 0..rounds {
        let mut m = Moderator::new(clf.clone(), Policy::default()).unwrap();
        for (id, t, b) in &arts {
            m.add_article(id, t, b);
        }
        let t0 = cpu();
        for c in &all {
            let v = m.moderate(c);
            check += v.reasons.len();
        }
        let dt = cpu() - t0;
        rates.push(all.len() as f64 / dt);
    }
    let mut s = rates.clone();
    s.sort_by(|a, b| a.total_cmp(b));
    println!(
        "rates {:?}",
        rates.iter().map(|r| r.round() as u64).collect::<Vec<_>>()
    );
    println!(
        "median {:.0} comments/s  ({} comments/round, check {check})",
        s[s.len() / 2],
        all.len()
    );
}
