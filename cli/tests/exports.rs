//! `comment-sieve label` on comment-system exports read with no flags:
//! Disqus XML and Coral's comment download (the fixtures in tests/data/
//! are made up, in those systems' formats).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_comment-sieve");

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

fn run(args: &[&str]) -> Output {
    dev_support::cli::run(BIN, args)
}

fn run_stdin(args: &[&str], input: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(std::fs::File::open(input).unwrap())
        .output()
        .expect("the binary runs")
}

fn records(out: &Output) -> Vec<Value> {
    dev_support::cli::records(&out.stdout)
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("exports-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn labeled(r: &Value) -> bool {
    ["spam", "abuse", "off_topic", "on_topic"].contains(&r["label"].as_str().unwrap_or(""))
        && r["scores"]["spam"].is_number()
}

fn history_model(dir: &Path) -> PathBuf {
    dev_support::cli::history_model(BIN, dir)
}

/// A Disqus export labels with no flags: one record per post, id the
/// post's dsq:id, text its message without HTML, the thread the article
/// (so `--dedup-scope thread` tells threads apart), the parent the
/// place in the thread, and the deleted and spam flags kept.
#[test]
fn disqus_exports_label_with_no_flags() {
    let export = fixture("disqus-export.xml");
    let out = run(&["label", "-q", "--dedup-scope", "thread", &export]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let recs = records(&out);
    assert_eq!(recs.len(), 6);
    assert!(recs.iter().all(labeled), "{recs:?}");
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["301", "302", "303", "304", "305", "306"]);
    assert_eq!(recs[0]["article_id"], "201");
    assert_eq!(
        recs[0]["article_url"],
        "https://news.example.org/2024/03/mill-road-bus-lanes"
    );
    assert_eq!(recs[0]["article_title"], "Bus lanes on Mill Road");
    assert_eq!(recs[0]["author"], "annreader");
    assert_eq!(recs[1]["author"], "Bob Smith", "no username: the name");
    assert!(recs[0]["parent_id"].is_null());
    assert_eq!(recs[1]["parent_id"], "301");
    assert!(recs[0]["text"]
        .as_str()
        .unwrap()
        .starts_with("The new bus lanes"));
    // 303 repeats 301 under another thread; 304 under the same, by the
    // same user.
    assert!(recs[2]["duplicate_of"].is_null(), "{}", recs[2]);
    assert_eq!(recs[3]["duplicate_of"]["id"], "301");
    assert_eq!(recs[3]["duplicate_of"]["same_author"], true);
    // The spam post: flagged, its link's address (out of the Disqus
    // redirect) in the text, and labeled spam by the default model.
    assert_eq!(recs[4]["is_spam"], true);
    assert_eq!(recs[4]["is_deleted"], false);
    let spam_text = recs[4]["text"].as_str().unwrap();
    assert!(
        spam_text.contains("here (http://cheap-deals.example/win) to claim"),
        "{spam_text}"
    );
    assert_eq!(recs[4]["label"], "spam", "{}", recs[4]);
    // The deleted post is labeled too, flagged, paragraphs kept apart.
    assert_eq!(recs[5]["is_deleted"], true);
    assert_eq!(
        recs[5]["text"],
        "The library should open on Sundays & stay open until eight.\n\nEdit: never mind."
    );
    // No e-mail or IP address is copied.
    let all = String::from_utf8_lossy(&out.stdout);
    assert!(!all.contains("@example.org") && !all.contains("203.0.113"));

    // The same from stdin, told by its first bytes.
    let piped = run_stdin(
        &["label", "-q", "--dedup-scope", "thread"],
        Path::new(&export),
    );
    assert_eq!(records(&piped), recs);

    // The parent gives the place in the thread to a model that learned it.
    let dir = scratch("disqus");
    let model = history_model(&dir);
    let m = model.to_str().unwrap();
    let recs = records(&run(&["label", "-q", "--no-dedup", "--model", m, &export]));
    let off = |i: usize| recs[i]["scores"]["off_topic"].as_f64().unwrap();
    // 302 replies to 301; 306 starts a thread.
    assert!(off(5) > off(1), "starter {} vs reply {}", off(5), off(1));
}

/// Bad posts of a Disqus export each get an error record naming the post
/// and the problem; the good ones are labeled; broken XML ends the file
/// with an error naming the line.
#[test]
fn bad_disqus_posts_get_error_records() {
    let dir = scratch("disqus-bad");
    let file = dir.join("export.xml");
    std::fs::write(
        &file,
        r#"<?xml version="1.0"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<post dsq:id="1"><message>fine words about the road</message><thread dsq:id="9"/></post>
<post dsq:id="2"><thread dsq:id="9"/></post>
<post dsq:id="3"><message>x</message><thread dsq:id="9"/><isDeleted>yes</isDeleted></post>
<post dsq:id="4"><message>more words</message><thread dsq:id="9"/></post>
<post dsq:id="5"><message>cut off</message>
"#,
    )
    .unwrap();
    let out = run(&["label", "-q", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let recs = records(&out);
    assert_eq!(recs.len(), 5, "{recs:?}");
    assert!(labeled(&recs[0]) && labeled(&recs[3]));
    assert_eq!(recs[1]["line"], 4);
    assert_eq!(recs[1]["error"], "post dsq:id=\"2\" has no <message>");
    assert!(recs[2]["error"]
        .as_str()
        .unwrap()
        .contains("dsq:id=\"3\": <isDeleted> is \"yes\""));
    let last = recs[4]["error"].as_str().unwrap();
    assert!(last.starts_with("invalid XML"), "{last}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("export.xml:4: post dsq:id=\"2\" has no <message>"),
        "{stderr}"
    );
}

/// Coral's comment download (`my_comments.csv`) labels with no flags:
/// `Comment ID` the id, `Comment Text` the text, `Article URL` the
/// article; Coral Talk 4's (`ID`, `Article`, `Body`) likewise.
#[test]
fn coral_downloads_label_with_no_flags() {
    let export = fixture("coral-my-comments.csv");
    let out = run(&["label", "-q", "--dedup-scope", "thread", &export]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let recs = records(&out);
    assert_eq!(recs.len(), 5);
    assert!(recs.iter().all(labeled), "{recs:?}");
    let id = |i: usize| format!("5b1c2d3e-000{i}-4a00-8000-00000000000{i}");
    // The third repeats the first under another article; the fourth
    // under the same.
    assert!(recs[2]["duplicate_of"].is_null(), "{}", recs[2]);
    assert_eq!(recs[3]["duplicate_of"]["id"], id(1));
    // Site-wide, the third repeats the first too: the article made the
    // difference.
    let site = records(&run(&["label", "-q", &export]));
    assert_eq!(site[2]["duplicate_of"]["id"], id(1));
    // CSV output takes the id and the text from Coral's columns.
    let csv = run(&["label", "-q", "--output-format", "csv", &export]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with(&format!("{},\"The new bus lanes", id(1))),
        "{csv}"
    );

    let dir = scratch("coral4");
    let talk4 = dir.join("my_comments.csv");
    std::fs::write(
        &talk4,
        "ID,Timestamp,Article,Link,Body\n\
         c1,2018-05-01 10:00:00,https://news.example.org/a,https://news.example.org/a?commentId=c1,the council report on the bridge repairs\n\
         c2,2018-05-01 10:05:00,https://news.example.org/b,https://news.example.org/b?commentId=c2,the council report on the bridge repairs\n\
         c3,2018-05-01 10:09:00,https://news.example.org/a,https://news.example.org/a?commentId=c3,the council report on the bridge repairs\n",
    )
    .unwrap();
    let t = talk4.to_str().unwrap();
    let out = run(&[
        "label",
        "-q",
        "--dedup-scope",
        "thread",
        "--output-format",
        "csv",
        t,
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let rows: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows[1].starts_with("c1,the council report"), "{rows:?}");
    assert!(!rows[2].contains(",c1,"), "another article: {}", rows[2]);
    assert!(rows[3].contains(",c1,"), "the same article: {}", rows[3]);
}
