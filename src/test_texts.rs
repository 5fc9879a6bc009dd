//! The texts the unit tests hold the fast paths of the pipeline to its
//! general paths on: every comment text in `data/`, then the hard cases of
//! `tests/data/pinned.jsonl` (markup, entities, non-ASCII, obfuscations,
//! links), whose outputs that golden file also pins.

use std::path::Path;

use comment_sieve_tools::datasets;

/// Every comment text in `data/`, then the texts of the pinned golden file.
pub(crate) fn texts() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = root.join("data");
    let mut out: Vec<String> = Vec::new();
    for f in datasets::YOUTUBE_FILES {
        out.extend(
            datasets::youtube(&d.join(f))
                .unwrap()
                .into_iter()
                .map(|e| e.text),
        );
    }
    out.extend(
        datasets::seed_comments(&d.join("seed_comments.jsonl"))
            .unwrap()
            .into_iter()
            .map(|c| c.text),
    );
    out.extend(
        datasets::fox(&d.join("fox-news-comments/dev.jsonl"))
            .unwrap()
            .into_iter()
            .map(|e| e.text),
    );
    out.extend(
        datasets::davidson(&d.join("davidson-hate-offensive/labeled_data.csv"))
            .unwrap()
            .into_iter()
            .map(|e| e.text),
    );
    out.extend(hard_cases());
    out
}

/// The texts of `tests/data/pinned.jsonl`, in file order.
pub(crate) fn hard_cases() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pinned.jsonl");
    let file = std::fs::read_to_string(&path).expect("tests/data/pinned.jsonl is readable");
    let hard: Vec<String> = file
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            v["text"].as_str().expect("a text").to_string()
        })
        .collect();
    assert!(hard.len() >= 28, "{} hard cases", hard.len());
    hard
}
