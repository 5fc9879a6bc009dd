//! `bench gen-comments`: writes N synthetic comments as JSONL, drawn with
//! a fixed seed from the comments in `data/`, so that the labeler's
//! benchmarks (`benches/label_bench.sh`, `benches/label_vs_sklearn.sh`)
//! read the same million comments on every machine.
//!
//! `cargo run --release -p comment-sieve-tools -- bench gen-comments --comments N --output FILE`

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use comment_sieve::Result;
use comment_sieve_tools::support::synthetic as common;

/// Arguments of `bench gen-comments`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// How many comments to write.
    #[arg(long, default_value = "1000000", value_name = "N", value_parser = super::count)]
    comments: usize,
    /// The JSONL file to write (its folder is created).
    #[arg(
        long,
        default_value = "target/bench/comments-1m.jsonl",
        value_name = "FILE"
    )]
    output: PathBuf,
    /// The data folder the comments are drawn from.
    #[arg(long, default_value = "data", value_name = "DIR")]
    data: PathBuf,
}

/// Writes the comments.
pub fn run(args: Args) -> Result<()> {
    let (n, out) = (args.comments, &args.output);
    let texts = common::texts(&args.data);
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(super::io_error(dir))?;
    }
    let io = || super::io_error(out);
    let mut w = BufWriter::new(std::fs::File::create(out).map_err(io())?);
    let mut rng = common::Rng::new(common::SEED);
    for i in 0..n {
        let (t, author, article) = common::draw(&mut rng, texts.len());
        let rec = serde_json::json!({
            "id": format!("c{i}"),
            "author": format!("user{author}"),
            "article_id": format!("a{article}"),
            "text": texts[t],
        });
        serde_json::to_writer(&mut w, &rec).map_err(|e| io()(e.into()))?;
        w.write_all(b"\n").map_err(io())?;
    }
    w.flush().map_err(io())?;
    eprintln!("wrote {n} comments to {}", out.display());
    Ok(())
}
