//! End-to-end tests of the `comment-sieve-tools` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_comment-sieve-tools");

fn data(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data")
        .join(p)
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

#[test]
fn help_documents_exit_codes() {
    for cmd in ["eval", "report"] {
        let out = run(&[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0));
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("Exit codes"), "{cmd}: {help}");
    }
}

#[test]
fn eval_split_on_youtube_reports_binary_metrics() {
    let path = data("youtube-spam/Youtube01-Psy.csv");
    let out = run(&["eval", "--split", "0.7", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}");
    for w in ["spam vs not", "accuracy", "F1", "MCC"] {
        assert!(text.contains(w), "{text}");
    }
    let out = run(&["eval", "--split", "0.7", "--json", path.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // 350 comments, 175 per class: ⌊0.7 · 175⌋ = 122 of each train, 53 test.
    assert_eq!(v["spam"]["examples"], 106);
    assert_eq!(v["spam"]["positives"], 53);
    let mcc = v["spam"]["mcc"].as_f64().unwrap();
    assert!((-1.0..=1.0).contains(&mcc));
}
