//! Golden tests as data: every `tests/data/*.jsonl` line is a comment with
//! the outcome expected of the default model and the default duplicate
//! detector. All lines are checked and every failing one is reported, not
//! only the first, with what was expected and what came out.
//!
//! A line: `{"id", "kind"?, "text", "author"?, "expect": {…}, "why",
//! "known_failure"?}`. What `expect` may hold:
//!
//! | key | value | checked |
//! |---|---|---|
//! | `spam`, `toxicity`, `identity_attack`, `abuse` | bool | `true`: the score reaches the model's label threshold (spam's for spam, abuse's for the others); `false`: it stays below |
//! | `label` | `"spam"`, `"abuse"`, `"off_topic"`, `"on_topic"` | the label |
//! | `scores` | `{attribute: number}` | each score, to 4 decimals |
//! | `toxic_spans` | `[[start, end], …]` | the toxic spans, in code points |
//! | `reasons` | `[[token, start, end], …]` | the reasons' tokens and byte spans, in order |
//! | `duplicate` | `null` or `{"of": id, "kind": kind}` | what the detector answers when the lines of the file are checked and inserted one after the other (with `author` when given) |
//!
//! The boolean expectations say what is right, not what the model does: a
//! line the default model gets wrong carries `known_failure` (the
//! attributes it misses, as listed in the README's Limitations). Those are
//! reported and must still fail, so a model that fixes one is noticed and
//! the mark removed. The other keys pin what the pipeline gives today
//! (`pinned.jsonl`: the hard cases of normalization, tokenization and
//! duplicate detection), so that a change says which line changed and how.
//!
//! After a deliberate change (a retrained model), `GOLDEN_BLESS=1 cargo
//! test --release --test golden` rewrites the pinned keys to what comes
//! out today and reports what it rewrote; the boolean expectations are
//! never rewritten. Review the diff before committing it.

use std::path::Path;

use comment_sieve::dedup::{DupInput, Duplicate, DuplicateParams};
use comment_sieve::{Classification, Classifier, Scores};
use serde_json::{json, Value};

/// What the line's pinned key `key` expects, checked against `v` and the
/// detector's answer `dup`: `None` when it holds, else what came out, as
/// a message and as the value the key would pin today.
fn pinned(
    key: &str,
    want: &Value,
    v: &Classification,
    dup: &Option<Duplicate>,
) -> Option<(String, Value)> {
    let got = match key {
        "label" => json!(v.label),
        "scores" => {
            let want = want.as_object()?;
            let round = |g: f64| (g * 1e4).round() / 1e4;
            let today: serde_json::Map<String, Value> = want
                .keys()
                .filter_map(|attr| Some((attr.clone(), json!(round(score(&v.scores, attr)?)))))
                .collect();
            let wrong: Vec<String> = want
                .iter()
                .filter_map(|(attr, w)| match score(&v.scores, attr) {
                    None => Some(format!("{attr}: no such attribute")),
                    Some(g) => {
                        let ok = w.as_f64().is_some_and(|w| (g - w).abs() <= 5e-5);
                        (!ok).then(|| format!("{attr} {g:.4}"))
                    }
                })
                .collect();
            return (!wrong.is_empty()).then(|| (wrong.join(", "), Value::Object(today)));
        }
        "toxic_spans" => json!(v
            .toxic_spans
            .iter()
            .map(|s| [s.start, s.end])
            .collect::<Vec<_>>()),
        "reasons" => json!(v
            .reasons
            .iter()
            .map(|r| json!([r.token.as_str(), r.span.start, r.span.end]))
            .collect::<Vec<_>>()),
        "duplicate" => json!(dup
            .as_ref()
            .map(|d| json!({"of": d.of, "kind": d.kind.as_str()}))),
        _ => return Some((format!("unknown expectation {key}"), want.clone())),
    };
    (got != *want).then(|| (got.to_string(), got))
}

/// `v` written as the golden files are: Python's `json.dumps` with
/// `ensure_ascii=False` (`", "` and `": "` between items).
fn py_json(v: &Value) -> String {
    match v {
        Value::Array(a) => format!("[{}]", a.iter().map(py_json).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => format!(
            "{{{}}}",
            o.iter()
                .map(|(k, v)| format!("{}: {}", Value::from(k.as_str()), py_json(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

fn score(s: &Scores, attr: &str) -> Option<f64> {
    Some(match attr {
        "spam" => s.spam,
        "toxicity" => s.toxicity,
        "identity_attack" => s.identity_attack,
        "abuse" => s.abuse,
        _ => return None,
    })
}

#[test]
fn golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no golden files in {}", dir.display());
    let clf = Classifier::default();
    let t = clf.model().thresholds;
    let bless = std::env::var_os("GOLDEN_BLESS").is_some_and(|v| v == "1");
    let (mut checked, mut failures, mut known) = (0, Vec::new(), Vec::new());
    for file in &files {
        let mut blessed: Vec<String> = Vec::new();
        let mut rewrote = false;
        let text = std::fs::read_to_string(file).expect("readable");
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let mut detector = DuplicateParams::default()
            .build()
            .expect("default parameters");
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                blessed.push(line.to_string());
                continue;
            }
            let at = format!("{name}:{}", i + 1);
            let rec: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{at}: not JSON: {e}"));
            let id = rec["id"].as_str().unwrap_or("?");
            let comment = rec["text"]
                .as_str()
                .unwrap_or_else(|| panic!("{at}: no text"));
            let expect = rec["expect"]
                .as_object()
                .unwrap_or_else(|| panic!("{at}: no expect object"))
                .clone();
            let mut today = line.to_string();
            let v = clf.classify_text(comment);
            let mut input = DupInput::new(id, comment);
            if let Some(author) = rec["author"].as_str() {
                input = input.author(author);
            }
            let dup = detector.check_and_insert(&input);
            let marked: Vec<&str> = rec["known_failure"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (attr, want) in &expect {
                if score(&v.scores, attr).is_none() {
                    checked += 1;
                    if let Some((got, value)) = pinned(attr, want, &v, &dup) {
                        let line =
                            format!("{at} {id}: {attr}: expected {want}, got {got}: {comment:?}");
                        if bless {
                            println!("rewritten: {line}");
                            let (old, new) = (py_json(want), py_json(&value));
                            let old = format!("\"{attr}\": {old}");
                            assert_eq!(today.matches(&old).count(), 1, "{at}: cannot find {old}");
                            today = today.replace(&old, &format!("\"{attr}\": {new}"));
                            rewrote = true;
                        } else {
                            failures.push(line);
                        }
                    }
                    continue;
                }
                let want = want
                    .as_bool()
                    .unwrap_or_else(|| panic!("{at}: expect.{attr} is not a boolean"));
                let got = score(&v.scores, attr).expect("an attribute");
                let threshold = if attr == "spam" { t.spam } else { t.abuse };
                checked += 1;
                let wrong = (got >= threshold) != want;
                let line = format!(
                    "{at} {id}: {attr} {got:.3} (expected {} {threshold}): {comment:?}",
                    if want { "≥" } else { "<" }
                );
                match (wrong, marked.contains(&attr.as_str())) {
                    (true, true) => known.push(line),
                    (true, false) => failures.push(line),
                    (false, true) => {
                        failures.push(format!("{line}: right now, remove its known_failure mark"))
                    }
                    (false, false) => {}
                }
            }
            blessed.push(today);
        }
        if bless && rewrote {
            blessed.push(String::new());
            std::fs::write(file, blessed.join("\n")).expect("golden file writable");
        }
    }
    for k in &known {
        println!("known failure: {k}");
    }
    for f in &failures {
        eprintln!("{f}");
    }
    println!(
        "{checked} expectations checked: {} right, {} known failures, {} failed",
        checked - known.len() - failures.len(),
        known.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} golden expectations failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
