//! The service's state beyond feedback: the duplicate index is rebuilt on
//! start from its snapshot and log (after a clean stop, a lost process or
//! a SIGKILL), and the log stays bounded by the detector's window.

use dev_support::server as support;

use std::path::Path;
use std::time::Duration;

use comment_sieve::serve::config::ServeConfig;
use comment_sieve::serve::state::App;
use comment_sieve::Comment;
use support::{scratch, Server};

/// Window of the detector in these tests.
const WINDOW: usize = 64;

fn cfg(state: &Path) -> ServeConfig {
    let mut c = ServeConfig::local("127.0.0.1:0".parse().unwrap());
    c.state = Some(state.to_path_buf());
    c.duplicate_capacity = WINDOW;
    c
}

/// Comment `i`'s text: fourteen made-up words, unlike any other comment's.
fn text(i: u64) -> String {
    let mut x = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut words = Vec::new();
    for _ in 0..14 {
        let mut w = String::new();
        for _ in 0..6 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w.push((b'a' + (x % 26) as u8) as char);
        }
        words.push(w);
    }
    words.join(" ")
}

fn comment(id: &str, i: u64) -> Comment {
    Comment::new(id, text(i))
}

/// The id of what `app` takes comment `i`'s text, sent again, for.
fn repeat_of(app: &App, i: u64) -> Option<String> {
    let v = app.moderate(&comment(&format!("again{i}"), i), None, None, false);
    v.duplicate_of.map(|d| d.id)
}

#[test]
fn duplicate_index_is_rebuilt_from_snapshot_and_log_and_stays_bounded() {
    let state = scratch("dedup-state").join("state");
    let app = App::open(cfg(&state)).unwrap();
    for i in 0..20 {
        let v = app.moderate(&comment(&format!("c{i}"), i), None, None, false);
        assert!(
            v.duplicate_of.is_none(),
            "comment {i}: {:?}",
            v.duplicate_of
        );
    }
    // A snapshot is due every quarter window: this one holds c0..c19.
    app.sync().unwrap();
    for i in 20..30 {
        app.moderate(&comment(&format!("c{i}"), i), None, None, false);
    }
    app.flush_duplicates().unwrap();
    let store = app.store().clone();
    let (snap_seq, _) = store.latest_dedup_snapshot().unwrap().expect("a snapshot");
    let logged_after = store.dedup_after(snap_seq, 1000).unwrap();
    assert_eq!(logged_after.len(), 10, "c20..c29 come after the snapshot");
    // Lost without a shutdown (no snapshot at exit): the snapshot and the
    // rows after it are all there is.
    std::mem::forget(app);

    let app = App::open(cfg(&state)).unwrap();
    assert_eq!(repeat_of(&app, 3).as_deref(), Some("c3"), "in the snapshot");
    assert_eq!(repeat_of(&app, 25).as_deref(), Some("c25"), "in the log");
    assert_eq!(repeat_of(&app, 1000), None);
    for i in 30..300 {
        app.moderate(&comment(&format!("c{i}"), i), None, None, false);
    }
    app.sync().unwrap();
    app.flush_duplicates().unwrap();
    let n = app.store().dedup_count().unwrap();
    assert_eq!(n, WINDOW as u64, "the log keeps the window");
    // A clean stop snapshots the detector.
    app.snapshot().unwrap();
    drop(app);

    let app = App::open(cfg(&state)).unwrap();
    assert_eq!(repeat_of(&app, 290).as_deref(), Some("c290"));
    assert_eq!(repeat_of(&app, 3), None, "long out of the window");
}

#[test]
fn duplicate_index_survives_sigkill() {
    let dir = scratch("dedup-kill");
    let state = dir.join("state");
    let args = ["--state", state.to_str().unwrap()];
    let s = Server::start(&args, &dir.join("log.txt"));
    for i in 0..5 {
        let c = serde_json::json!({"id": format!("k{i}"), "text": text(i)});
        let v = s.post_json("/v1/moderate", &c.to_string()).json();
        assert_eq!(v["duplicate_of"], serde_json::Value::Null, "{v}");
    }
    // Past the writer's batch window, the rows are committed.
    std::thread::sleep(Duration::from_millis(500));
    s.kill();
    let s = Server::start(&args, &dir.join("log.txt"));
    let c = serde_json::json!({"id": "again", "text": text(2)});
    let v = s.post_json("/v1/moderate", &c.to_string()).json();
    assert_eq!(v["duplicate_of"]["id"], "k2", "{v}");
}

#[test]
fn instances_sharing_a_state_pick_up_each_others_articles() {
    let state = scratch("articles-shared").join("state");
    let a = App::open(cfg(&state)).unwrap();
    let b = App::open(cfg(&state)).unwrap();
    let text = "the council voted on the new bus routes downtown";
    let rel = |app: &App| app.read(|m| m.relevance("a1", text, None));
    assert_eq!(rel(&b), None);
    a.put_article(
        "a1",
        "Council votes on bus routes",
        "The city council voted on new bus routes downtown.",
    )
    .unwrap();
    assert_eq!(rel(&b), None, "not before the catch-up");
    b.sync().unwrap();
    let first = rel(&b).expect("b has the article");
    assert_eq!(Some(first), rel(&a));
    a.put_article(
        "a1",
        "Harbour festival",
        "Boats and music fill the harbour this weekend.",
    )
    .unwrap();
    b.sync().unwrap();
    let changed = rel(&b).expect("still registered");
    assert_ne!(changed, first, "b sees the new text");
    assert_eq!(Some(changed), rel(&a));
    // b's own change reaches a; a's catch-up of its own changes is a no-op.
    assert!(b.delete_article("a1").unwrap());
    a.sync().unwrap();
    assert_eq!(rel(&a), None);
    b.sync().unwrap();
    assert_eq!(rel(&b), None);
    // A third instance starts with the current articles.
    b.put_article(
        "a2",
        "Council votes on bus routes",
        "The city council voted.",
    )
    .unwrap();
    let c = App::open(cfg(&state)).unwrap();
    assert!(c.read(|m| m.relevance("a2", text, None)).is_some());
    assert!(c.read(|m| m.relevance("a1", text, None)).is_none());
}
