//! End-to-end tests of the `comment-sieve` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_comment-sieve");

fn data(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data")
        .join(p)
}

fn run(args: &[&str]) -> Output {
    dev_support::cli::run(BIN, args)
}

fn records(out: &[u8]) -> Vec<Value> {
    dev_support::cli::records(out)
}

/// A fresh scratch folder under the target folder.
fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn assert_labeled(r: &Value) {
    let label = r["label"].as_str().expect("label");
    assert!(["spam", "abuse", "off_topic", "on_topic"].contains(&label));
    for s in ["spam", "abuse", "off_topic"] {
        let p = r["scores"][s].as_f64().expect("score");
        assert!((0.0..=1.0).contains(&p), "{s} = {p}");
    }
    let d = &r["duplicate_of"];
    if !d.is_null() {
        assert!(d["id"].is_string(), "{d}");
        assert!(["exact", "near", "partial", "template"].contains(&d["kind"].as_str().unwrap()));
        assert!((0.0..=1.0).contains(&d["similarity"].as_f64().unwrap()));
    }
    for reason in r["reasons"].as_array().expect("reasons") {
        assert!(reason["token"].is_string());
        assert!(reason["weight"].is_number());
        assert_eq!(reason["span"].as_array().unwrap().len(), 2);
    }
}

#[test]
fn labels_seed_comments_in_order() {
    let path = data("seed_comments.jsonl");
    let out = run(&["label", "-q", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let recs = records(&out.stdout);
    let input: Vec<Value> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 25);
    let mut agree = 0;
    for (r, i) in recs.iter().zip(&input) {
        assert_eq!(r["id"], i["id"], "input order is kept");
        assert_eq!(r["text"], i["text"]);
        assert_labeled(r);
        // The duplicate links are the hand-labeled ones, exactly.
        assert_eq!(r["duplicate_of"]["id"], i["duplicate_of"], "{}", i["id"]);
        if r["label"] == i["label"] {
            agree += 1;
        }
        let text = i["text"].as_str().unwrap();
        if i["label"] == "spam" && text.contains("http") {
            // A copy of an on-topic comment with a link appended reads as
            // on-topic to the content model: catching it is the duplicate
            // check's job (its `duplicate_of` names the original).
            let copies_on_topic = input
                .iter()
                .any(|o| o["id"] == i["duplicate_of"] && o["label"] != "spam");
            if copies_on_topic {
                println!("spam copy of {}: labeled {}", i["duplicate_of"], r["label"]);
            } else {
                println!("spam with links: labeled {}: {text}", r["label"]);
            }
        }
    }
    // The embedded model was trained on these comments among others: this is
    // not a held-out figure.
    println!("agreement with the hand labels: {agree}/25");
}

#[test]
fn labels_youtube_csv_without_flags() {
    for f in [
        "youtube-spam/Youtube01-Psy.csv",
        "youtube-spam/Youtube02-KatyPerry.csv",
        "youtube-spam/Youtube03-LMFAO.csv",
    ] {
        let path = data(f);
        let mut rdr = csv::Reader::from_path(&path).unwrap();
        let ids: Vec<String> = rdr
            .records()
            .map(|r| r.unwrap().get(0).unwrap().to_string())
            .collect();
        let out = run(&["label", "-q", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{f}");
        let recs = records(&out.stdout);
        assert_eq!(recs.len(), ids.len(), "{f}: one record per CSV record");
        for (r, id) in recs.iter().zip(&ids) {
            assert_eq!(r["COMMENT_ID"].as_str(), Some(id.as_str()));
            assert!(r["CONTENT"].is_string());
            assert_labeled(r);
        }
    }
}

fn mixed_file(dir: &Path) -> PathBuf {
    let p = dir.join("mixed.jsonl");
    let mut b: Vec<u8> = Vec::new();
    b.extend_from_slice(b"{\"id\":\"a\",\"text\":\"Pakistan and the CIA need each other.\"}\n"); // 1
    b.extend_from_slice(b"{\"id\":\"b\",\"text\": not json\n"); // 2
    b.extend_from_slice(b"{\"id\":\"c\",\"text\":\"bad \xff\xfe bytes\"}\n"); // 3
    b.extend_from_slice(b"\n"); // 4
    b.extend_from_slice(b"{\"id\":\"e\",\"message\":\"no text here\"}\n"); // 5
    b.extend_from_slice(format!("{{\"id\":\"f\",\"text\":\"{}\"}}\n", "x".repeat(2000)).as_bytes()); // 6
    b.extend_from_slice(b"{\"id\":\"g\",\"text\":[1,2]}\n"); // 7
    b.extend_from_slice(b"{\"id\":\"h\",\"text\":\"Check out my channel and subscribe!\"}\n"); // 8
    std::fs::write(&p, b).unwrap();
    p
}

#[test]
fn bad_records_yield_error_records_in_place() {
    let dir = scratch("mixed");
    let p = mixed_file(&dir);
    let out = run(&["label", "--max-bytes", "1000", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 8, "one output record per input line");
    let bad = [
        (2, "invalid JSON"),
        (3, "UTF-8"),
        (4, "empty"),
        (5, "text"),
        (6, "max-bytes"),
        (7, "`text` is not a string"),
    ];
    for (i, r) in recs.iter().enumerate() {
        let line = i as u64 + 1;
        match bad.iter().find(|(l, _)| *l == line) {
            Some((_, what)) => {
                assert_eq!(r["line"].as_u64(), Some(line));
                let msg = r["error"].as_str().unwrap();
                assert!(msg.contains(what), "line {line}: {msg}");
            }
            None => {
                assert!(r.get("error").is_none(), "line {line}: {r}");
                assert_labeled(r);
            }
        }
    }
    assert_eq!(recs[0]["id"], "a");
    assert_eq!(recs[7]["id"], "h");
    assert_eq!(recs[7]["label"], "spam");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (line, _) in bad {
        assert!(
            stderr.contains(&format!("mixed.jsonl:{line}: ")),
            "{stderr}"
        );
    }

    // --strict stops at the first bad record.
    let out = run(&[
        "label",
        "--strict",
        "--max-bytes",
        "1000",
        p.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1]["line"], 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("mixed.jsonl:3:"), "{stderr}");
}

#[test]
fn output_file_is_written_atomically() {
    let dir = scratch("atomic");
    let out_path = dir.join("labeled.jsonl");
    let input = data("seed_comments.jsonl");
    let out = run(&[
        "label",
        "-q",
        input.to_str().unwrap(),
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let recs = records(&std::fs::read(&out_path).unwrap());
    assert_eq!(recs.len(), 25);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["labeled.jsonl"], "no temporary file is left");

    // A strict run that fails leaves no file under the final name.
    let bad = mixed_file(&dir);
    let failed = dir.join("failed.jsonl");
    let out = run(&[
        "label",
        "-q",
        "--strict",
        bad.to_str().unwrap(),
        "-o",
        failed.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!failed.exists());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
}

#[test]
fn missing_input_is_an_io_error() {
    let out = run(&["label", "/nonexistent/comments.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["label", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_documents_exit_codes() {
    for cmd in ["label", "train", "check"] {
        let out = run(&[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0));
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("Exit codes"), "{cmd}: {help}");
    }
}

#[test]
fn malformed_csv_records_yield_error_records() {
    let dir = scratch("csv");
    let p = dir.join("comments.csv");
    let mut b: Vec<u8> = b"comment_id,body,extra\n".to_vec();
    b.extend_from_slice(b"1,\"Pakistan, the CIA\nand the ISI\",x\n"); // lines 2-3
    b.extend_from_slice(b"2,too few fields\n"); // line 4
    b.extend_from_slice(b"3,\"bad \xff bytes\",x\n"); // line 5
    b.extend_from_slice(b"4,\"Check out my channel http://spam.example\",x\n"); // line 6
    std::fs::write(&p, b).unwrap();
    let out = run(&["label", "-q", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 4);
    assert_eq!(recs[0]["comment_id"], "1");
    assert_labeled(&recs[0]);
    // Errors name the file line the record starts on, as an editor shows.
    assert_eq!(recs[1]["line"], 4);
    assert!(recs[1]["error"].as_str().unwrap().contains("fields"));
    assert_eq!(recs[2]["line"], 5);
    assert!(recs[2]["error"].as_str().unwrap().contains("UTF-8"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("comments.csv:4: "), "{stderr}");
    assert_eq!(recs[3]["comment_id"], "4");
    assert_labeled(&recs[3]);
}

#[test]
fn label_with_articles_adds_the_action() {
    let out = run(&[
        "label",
        "-q",
        data("seed_comments.jsonl").to_str().unwrap(),
        "--articles",
        data("seed_articles.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 25);
    for r in &recs {
        assert_moderated(r);
        // Spam is never approved.
        if r["label"] == "spam" {
            assert_ne!(r["action"], "approve", "{}", r["id"]);
        }
    }
    let dups = recs.iter().filter(|r| !r["duplicate_of"].is_null()).count();
    assert_eq!(dups, 3);
    // Verdicts of the seed table in docs/evaluation.md.
    let by_id = |id: &str| recs.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(by_id("time-2012-0001")["label"], "off_topic");
    assert_eq!(by_id("time-2012-0001")["action"], "hold");
    assert_eq!(by_id("time-2012-0005")["action"], "approve");
}

/// With `--articles` the fields are the moderator's verdict.
fn assert_moderated(r: &Value) {
    let label = r["label"].as_str().expect("label");
    assert!(["spam", "abuse", "off_topic", "on_topic"].contains(&label));
    for s in ["spam", "abuse", "off_topic", "duplicate"] {
        let p = r["scores"][s].as_f64().expect("score");
        assert!((0.0..=1.0).contains(&p), "{s} = {p}");
    }
    let action = r["action"].as_str().expect("action");
    assert!(["approve", "hold", "reject"].contains(&action));
    let reasons = r["reasons"].as_array().expect("reasons");
    for reason in reasons {
        assert!(reason["rule"].is_string(), "{reason}");
        assert!(reason["detail"].is_string(), "{reason}");
        assert!(reason["weight"].is_number(), "{reason}");
        assert!(reason["span"].is_null() || reason["span"].as_array().unwrap().len() == 2);
    }
    // Nothing is held or rejected without a reason, and an off-topic
    // label is the relevance rule's (or the classifier's) call, shown.
    if action != "approve" {
        assert!(!reasons.is_empty(), "{r}");
    }
    if label == "off_topic" {
        assert!(reasons.iter().any(|x| x["rule"] == "off_topic"), "{r}");
        assert_ne!(action, "approve", "{r}");
    }
}

/// Comments about something else under a registered article: the label
/// says off-topic wherever the moderator holds them for it.
#[test]
fn label_with_articles_reports_off_topic_comments() {
    let dir = std::env::temp_dir().join(format!("cs-offtopic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.jsonl");
    let comments = [
        "i think about 100 millions of the views come from people who only wanted to check the views",
        "now its 1,884,034,783 views! pls. comment the view count the next time you visit",
        "My favourite dance video ever, the choreography and the beat are amazing",
    ];
    let lines: Vec<String> = comments
        .iter()
        .enumerate()
        .map(|(i, t)| {
            serde_json::json!({"id": i.to_string(), "text": t, "article_id": "000_b5ea25637c67dd16"})
                .to_string()
        })
        .collect();
    std::fs::write(&input, lines.join("\n")).unwrap();
    let out = run(&[
        "label",
        "-q",
        input.to_str().unwrap(),
        "--articles",
        data("seed_articles.jsonl").to_str().unwrap(),
    ]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 3);
    for r in &recs {
        assert_moderated(r);
        assert_eq!(r["label"], "off_topic", "{r}");
        assert_eq!(r["action"], "hold", "{r}");
        assert!(r["scores"]["off_topic"].as_f64().unwrap() > 0.5, "{r}");
    }
}

fn history_model(dir: &Path) -> PathBuf {
    dev_support::cli::history_model(BIN, dir)
}

#[test]
fn parent_id_gives_the_place_in_the_thread() {
    let dir = scratch("parent");
    let model = history_model(&dir);
    let text = "a comment about the report";
    let rec = |id: &str, parent: Option<&str>| {
        let mut v = serde_json::json!({"id": id, "text": text, "article_id": "a1"});
        if let Some(p) = parent {
            v["parent_id"] = serde_json::from_str(p).unwrap();
        }
        v.to_string()
    };
    let lines = [
        rec("unknown", None),
        rec("starter", Some("null")),
        rec("starter-empty", Some("\"\"")),
        rec("reply", Some("\"c7\"")),
        rec("reply-number", Some("7")),
    ];
    let p = dir.join("thread.jsonl");
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    let m = model.to_str().unwrap();
    let out = run(&[
        "label",
        "-q",
        "--no-dedup",
        "--model",
        m,
        p.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out.stdout);
    let off = |i: usize| recs[i]["scores"]["off_topic"].as_f64().unwrap();
    // The same text: starting a thread raises the off-topic share,
    // replying lowers it, and no `parent_id` leaves the text alone.
    assert!(off(1) > off(0) && off(0) > off(3), "{recs:?}");
    assert_eq!(off(1), off(2));
    assert_eq!(off(3), off(4));
    // CSV: an empty `parent_id` starts a thread.
    let csv = dir.join("thread.csv");
    std::fs::write(
        &csv,
        format!("id,text,parent_id\ns,\"{text}\",\nr,\"{text}\",c7\n"),
    )
    .unwrap();
    let out = run(&[
        "label",
        "-q",
        "--no-dedup",
        "--model",
        m,
        csv.to_str().unwrap(),
    ]);
    let c = records(&out.stdout);
    assert_eq!(c[0]["scores"]["off_topic"].as_f64().unwrap(), off(1));
    assert_eq!(c[1]["scores"]["off_topic"].as_f64().unwrap(), off(3));
}

#[test]
fn train_reads_parent_id_from_labeled_files() {
    let dir = scratch("train-parent");
    let model = history_model(&dir);
    let clf = comment_sieve::Classifier::load(&model).unwrap();
    let label = clf.model().head("label").unwrap();
    assert_eq!(label.structure_keys.len(), 2, "reply and thread starter");
    let t = "a comment about the report";
    let starter = clf
        .classify_in_thread(t, None, Some(false))
        .scores
        .off_topic;
    let reply = clf.classify_in_thread(t, None, Some(true)).scores.off_topic;
    assert!(starter > reply, "{starter} vs {reply}");
}

#[test]
fn check_takes_the_place_in_the_thread() {
    let dir = scratch("check-place");
    let model = history_model(&dir);
    let text = "a comment about the report";
    let off_topic = |extra: &[&str]| -> f64 {
        let mut args = vec!["check", text, "--model", model.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert_eq!(out.status.code(), Some(0));
        let s = String::from_utf8(out.stdout).unwrap();
        let after = s.split("off_topic ").nth(1).expect("an off-topic score");
        after.split_whitespace().next().unwrap().parse().unwrap()
    };
    let (unknown, starter, reply) = (
        off_topic(&[]),
        off_topic(&["--thread", "starter"]),
        off_topic(&["--thread", "reply"]),
    );
    assert!(
        starter > unknown && unknown > reply,
        "{starter} {unknown} {reply}"
    );
    assert_eq!(
        run(&["check", text, "--thread", "sideways"]).status.code(),
        Some(2)
    );
}

/// `check -` reads the comment from standard input and prints every
/// attribute score and the toxic spans.
#[test]
fn check_reads_stdin_and_shows_the_scores() {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("You are a complete idiot and a moron.\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.starts_with("abuse\n"), "{s}");
    for name in ["spam", "toxicity", "identity_attack", "abuse", "off_topic"] {
        assert!(s.contains(&format!(" {name} 0.")), "{name}: {s}");
    }
    assert!(s.contains("\"idiot\" at 19..24"), "{s}");
}

/// `train` names the missing output folder before it trains.
#[test]
fn train_names_a_missing_output_folder() {
    let dir = scratch("train-missing");
    let out = run(&[
        "train",
        "-o",
        dir.join("no/such/folder/m.csm").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no/such/folder") && err.contains("output folder does not exist"),
        "{err}"
    );
}

/// Scores in the output have at most four digits after the point.
#[test]
fn output_scores_have_four_digits() {
    let out = run(&["label", "-q", data("seed_comments.jsonl").to_str().unwrap()]);
    for r in records(&out.stdout) {
        for (name, v) in r["scores"].as_object().unwrap() {
            let x = v.as_f64().unwrap();
            assert_eq!((x * 1e4).round() / 1e4, x, "{name} {x}");
        }
    }
}

/// A JSON array file, pretty-printed, labels every element; each record's
/// line is the file line it starts on. A malformed array is one error
/// record naming the line.
#[test]
fn json_array_input_labels_every_element() {
    let dir = scratch("json-array");
    let p = dir.join("comments.json");
    std::fs::write(
        &p,
        "[\n  {\"id\": \"a\", \"text\": \"Check out my channel and subscribe!\"},\n  {\n    \"id\": \"b\",\n    \"text\": \"The council vote was rushed.\"\n  },\n  {\"id\": \"c\"}\n]\n",
    )
    .unwrap();
    let out = run(&["label", "-q", "--no-dedup", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "one element has no text");
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["label"], "spam");
    assert_eq!(recs[1]["id"], "b");
    assert_labeled(&recs[1]);
    assert_eq!(recs[2]["line"], 7);
    assert!(recs[2]["error"].as_str().unwrap().contains("no text field"));
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        "[{\"id\": \"a\", \"text\": \"x\"},\n{\"id\": \"b\", oops}]",
    )
    .unwrap();
    let out = run(&["label", "-q", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["line"], 2);
    assert!(recs[0]["error"]
        .as_str()
        .unwrap()
        .contains("at line 2 column"));
}

/// A WordPress comments export labels with no flags: `comment_content` is
/// the text, `comment_ID` the id, `comment_author` the author,
/// `comment_post_ID` the article (so duplicates within one post are found
/// with `--dedup-scope thread`) and `comment_parent` the parent, `0`
/// meaning a thread starter.
#[test]
fn wordpress_exports_label_with_no_flags() {
    let export = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/wordpress-comments.csv");
    let e = export.to_str().unwrap();
    let out = run(&["label", "-q", "--dedup-scope", "thread", e]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 5);
    for r in &recs {
        assert_labeled(r);
    }
    assert_eq!(recs[0]["comment_ID"], "11");
    // 13 repeats 11 but under another post; 14 repeats 11 under the same
    // post, by the same author.
    assert!(recs[2]["duplicate_of"].is_null(), "{}", recs[2]);
    assert_eq!(recs[3]["duplicate_of"]["id"], "11");
    assert_eq!(recs[3]["duplicate_of"]["same_author"], true);
    // The place in the thread, with a model that learned it: 12 replies
    // to 11, 15 (comment_parent 0) starts a thread.
    let dir = scratch("wordpress");
    let model = history_model(&dir);
    let out = run(&[
        "label",
        "-q",
        "--no-dedup",
        "--model",
        model.to_str().unwrap(),
        e,
    ]);
    let recs = records(&out.stdout);
    let off = |i: usize| recs[i]["scores"]["off_topic"].as_f64().unwrap();
    assert!(off(4) > off(1), "starter {} vs reply {}", off(4), off(1));
    // The same with the fields named by flags on renamed columns.
    let renamed = dir.join("renamed.csv");
    let text = std::fs::read_to_string(&export).unwrap();
    // Another system's parent field: empty, not 0, for a thread starter.
    let text = text
        .replacen("comment_parent", "in_reply_to", 1)
        .replace(",comment,0,", ",comment,,");
    std::fs::write(&renamed, text).unwrap();
    let r = renamed.to_str().unwrap();
    let m = model.to_str().unwrap();
    let args = ["label", "-q", "--no-dedup", "--model", m];
    let plain = records(&run(&[&args[..], &[r]].concat()).stdout);
    let named = records(&run(&[&args[..], &["--parent-field", "in_reply_to", r]].concat()).stdout);
    let off_of = |recs: &[Value], i: usize| recs[i]["scores"]["off_topic"].as_f64().unwrap();
    assert_eq!(off_of(&named, 1), off(1));
    assert_eq!(off_of(&named, 4), off(4));
    assert_ne!(
        off_of(&plain, 1),
        off(1),
        "without the flag the place is unknown"
    );
}

/// An interrupted `label -o` (SIGINT or SIGTERM) leaves no file behind:
/// neither the output nor its temporary file.
#[test]
fn an_interrupted_run_leaves_no_file() {
    use std::io::Write;
    for signal in ["-INT", "-TERM"] {
        let dir = scratch(&format!("interrupt{signal}"));
        let out = dir.join("labeled.jsonl");
        let mut child = Command::new(BIN)
            .args(["label", "-q", "-o", out.to_str().unwrap()])
            .stdin(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Records keep coming, and the input stays open: the run is
        // writing its temporary file when the signal arrives.
        let mut stdin = child.stdin.take().unwrap();
        for i in 0..5000 {
            writeln!(
                stdin,
                "{{\"id\": \"c{i}\", \"text\": \"comment number {i}\"}}"
            )
            .unwrap();
        }
        stdin.flush().unwrap();
        let started = std::time::Instant::now();
        while std::fs::read_dir(&dir).unwrap().count() == 0 {
            assert!(started.elapsed().as_secs() < 20, "no temporary file");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let pid = child.id().to_string();
        assert!(Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap()
            .success());
        let status = child.wait().unwrap();
        drop(stdin);
        assert_eq!(status.code(), Some(130), "{signal}: {status:?}");
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "{signal}: {left:?}");
    }
}

/// With `--articles` the summary counts the actions, and they add up to
/// the records.
#[test]
fn the_summary_counts_actions() {
    let out = run(&[
        "label",
        data("seed_comments.jsonl").to_str().unwrap(),
        "--articles",
        data("seed_articles.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let recs = records(&out.stdout);
    let count = |a: &str| recs.iter().filter(|r| r["action"] == a).count();
    let err = String::from_utf8_lossy(&out.stderr);
    let want = format!(
        "actions: approve {}, hold {}, reject {}",
        count("approve"),
        count("hold"),
        count("reject")
    );
    assert!(err.contains(&want), "{err} / {want}");
    assert_eq!(count("approve") + count("hold") + count("reject"), 25);
}

/// Reasons carry their span in code points (`chars`) beside bytes
/// (`span`): slicing the text by `chars` gives the word whatever precedes
/// it.
#[test]
fn reasons_have_code_point_spans() {
    let dir = scratch("chars");
    let p = dir.join("c.jsonl");
    std::fs::write(
        &p,
        "{\"id\": \"a\", \"text\": \"Café crème 😀: you are a complete idiot and a moron.\"}\n",
    )
    .unwrap();
    let out = run(&["label", "-q", "--no-dedup", p.to_str().unwrap()]);
    let recs = records(&out.stdout);
    let text: Vec<char> = recs[0]["text"].as_str().unwrap().chars().collect();
    let reasons = recs[0]["reasons"].as_array().unwrap();
    assert!(!reasons.is_empty());
    for r in reasons {
        let c = r["chars"].as_array().unwrap();
        let (s, e) = (
            c[0].as_u64().unwrap() as usize,
            c[1].as_u64().unwrap() as usize,
        );
        let word: String = text[s..e].iter().collect();
        assert_eq!(word.to_lowercase(), r["token"].as_str().unwrap(), "{r}");
    }
    let spans = recs[0]["toxic_spans"].as_array().unwrap();
    let words: Vec<String> = spans
        .iter()
        .map(|s| {
            let (a, b) = (
                s[0].as_u64().unwrap() as usize,
                s[1].as_u64().unwrap() as usize,
            );
            text[a..b].iter().collect()
        })
        .collect();
    assert_eq!(words, ["idiot", "moron"]);
}
