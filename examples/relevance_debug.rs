//! Relevance distributions (development aid): YouTube ham against the seed
//! articles, and the seed comments against their own article.
use comment_sieve::datasets;
use comment_sieve::moderate::Moderator;
use std::path::Path;
fn main() {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut m = Moderator::default();
    let text = std::fs::read_to_string(d.join("seed_articles.jsonl")).unwrap();
    let mut ids = vec![];
    for l in text.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        m.add_article(
            v["id"].as_str().unwrap(),
            v["title"].as_str().unwrap(),
            v["body"].as_str().unwrap(),
        );
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    let mut yt = vec![];
    for f in datasets::YOUTUBE_FILES {
        for e in datasets::youtube(&d.join(f)).unwrap() {
            if e.spam != Some(false) {
                continue;
            }
            for id in &ids {
                if let Some(r) = m.relevance(id, &e.text, None) {
                    yt.push(r);
                }
            }
        }
    }
    let mut seeds = vec![];
    for s in datasets::seed_comments(&d.join("seed_comments.jsonl")).unwrap() {
        if s.label == comment_sieve::Label::OnTopic {
            if let Some(r) = m.relevance(s.article_id.as_deref().unwrap(), &s.text, None) {
                seeds.push(r);
            }
        }
    }
    for t in [0.3, 0.4, 0.45, 0.5, 0.55, 0.6] {
        let a = yt.iter().filter(|&&r| r < t).count() as f64 / yt.len() as f64;
        let b = seeds.iter().filter(|&&r| r >= t).count();
        println!(
            "threshold {t}: YouTube ham off-topic {a:.3}; on-topic seeds kept {b}/{}",
            seeds.len()
        );
    }
}
