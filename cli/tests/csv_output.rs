//! `label --output-format csv`: a header, one row per record in input
//! order, the same label and scores as the JSONL output, and failed
//! records as rows naming file, line and error.

use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_comment-sieve");

fn label(input: &Path, extra: &[&str]) -> Vec<u8> {
    let out = Command::new(BIN)
        .arg("label")
        .arg("-q")
        .arg(input)
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    // One record fails, so the exit code is 1 (some records failed).
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn csv_rows_match_the_jsonl_records() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-csv-output");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"id":"c1","text":"Earn $5000 a month from home, sign up at http://example.com/cash now"}"#,
            "\n",
            r#"{"id":"c2","score":1}"#,
            "\n",
            r#"{"id":"c3","text":"The council should publish the budget, \"before\" the vote."}"#,
            "\n",
            r#"{"id":"c4","text":"Earn $5000 a month from home, sign up at http://example.com/cash now"}"#,
            "\n",
        ),
    )
    .unwrap();

    let jsonl: Vec<serde_json::Value> = String::from_utf8(label(&input, &[]))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let csv_out = label(&input, &["--output-format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv_out.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..3], ["id", "text", "label"]);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(jsonl.len(), 4);

    for (row, rec) in rows.iter().zip(&jsonl) {
        if let Some(err) = rec.get("error") {
            assert_eq!(&row[col("error")], err.as_str().unwrap());
            assert_eq!(&row[col("line")], rec["line"].to_string());
            assert_eq!(&row[col("id")], "");
            continue;
        }
        assert_eq!(&row[col("id")], rec["id"].as_str().unwrap());
        assert_eq!(&row[col("text")], rec["text"].as_str().unwrap());
        assert_eq!(&row[col("label")], rec["label"].as_str().unwrap());
        for s in ["spam", "toxicity", "identity_attack", "abuse", "off_topic"] {
            let a: f64 = row[col(s)].parse().unwrap();
            assert_eq!(a, rec["scores"][s].as_f64().unwrap(), "{s}");
        }
        assert_eq!(row[col("error")].len(), 0);
    }
    assert_eq!(&rows[1][col("line")], "2");
    assert_eq!(&rows[0][col("label")], "spam");
    // The fourth repeats the first.
    assert_eq!(&rows[3][col("duplicate_of")], "c1");
    assert_eq!(&rows[0][col("duplicate_of")], "");
    assert!(rows[0][col("reasons")].contains("earn"));
}
