//! Runs a binary of the workspace the way the end-to-end tests do, and
//! reads its JSONL output; shared by `cli/tests/*.rs`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Runs `bin` with `args` and no input.
pub fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// The JSON records of JSONL output.
pub fn records(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec())
        .expect("output is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

/// Trains, with the `comment-sieve` binary `bin`, a model on a labeled
/// history whose place in the thread is known only from `parent_id`:
/// off-topic comments start threads, on-topic ones reply (and abuse starts
/// threads). Writes `history.jsonl` and `m.csm` in `dir`; returns the
/// model's path.
pub fn history_model(bin: &str, dir: &Path) -> PathBuf {
    let mut lines = Vec::new();
    for i in 0..12 {
        let (label, parent, text) = match i % 3 {
            0 => ("abuse", "null", format!("you people are vermin number {i}")),
            1 => (
                "on_topic",
                "\"c0\"",
                format!("the agency report {i} says otherwise"),
            ),
            _ => ("off_topic", "\"\"", format!("nice weather at the lake {i}")),
        };
        lines.push(format!(
            r#"{{"id": "c{i}", "text": "{text}", "label": "{label}", "parent_id": {parent}}}"#
        ));
    }
    let data = dir.join("history.jsonl");
    std::fs::write(&data, lines.join("\n") + "\n").unwrap();
    let model = dir.join("m.csm");
    let out = run(
        bin,
        &[
            "train",
            data.to_str().unwrap(),
            "-o",
            model.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    model
}
