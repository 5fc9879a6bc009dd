//! Writes N synthetic comments (default 1,000,000) as JSONL, drawn with a
//! fixed seed from the comments in `data/`:
//! `cargo run --release -p comment-sieve-tools --example gen_comments -- N OUTPUT`.

use dev_support::synthetic as common;

use std::io::{BufWriter, Write};
use std::path::Path;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map(|s| s.parse().expect("N is a number"))
        .unwrap_or(1_000_000);
    let out = args
        .next()
        .unwrap_or_else(|| "target/bench/comments-1m.jsonl".into());
    let texts = common::texts(Path::new("data"));
    if let Some(dir) = Path::new(&out).parent() {
        std::fs::create_dir_all(dir).expect("the output folder can be created");
    }
    let mut w = BufWriter::new(std::fs::File::create(&out).expect("the output can be created"));
    let mut rng = common::Rng::new(common::SEED);
    for i in 0..n {
        let (t, author, article) = common::draw(&mut rng, texts.len());
        let rec = serde_json::json!({
            "id": format!("c{i}"),
            "author": format!("user{author}"),
            "article_id": format!("a{article}"),
            "text": texts[t],
        });
        serde_json::to_writer(&mut w, &rec).expect("writing works");
        w.write_all(b"\n").expect("writing works");
    }
    w.flush().expect("writing works");
    eprintln!("wrote {n} comments to {out}");
}
