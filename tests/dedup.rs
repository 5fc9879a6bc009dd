//! Duplicate detector: the seed comments, the YouTube collection,
//! persistence and robustness.

use comment_sieve::dedup::format::{FORMAT_VERSION, MAGIC};
use comment_sieve::{DupInput, DuplicateDetector, DuplicateKind, DuplicateParams, Error, Scope};
use std::collections::HashMap;

fn data(path: &str) -> String {
    format!("{}/data/{path}", env!("CARGO_MANIFEST_DIR"))
}

struct Seed {
    id: String,
    author: String,
    article: String,
    text: String,
}

fn seeds() -> Vec<Seed> {
    std::fs::read_to_string(data("seed_comments.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            Seed {
                id: s("id"),
                author: s("author"),
                article: s("article_id"),
                text: s("text"),
            }
        })
        .collect()
}

fn seed_input(s: &Seed) -> DupInput<'_> {
    DupInput::new(&s.id, &s.text)
        .author(&s.author)
        .thread(&s.article)
}

#[test]
fn seed_comments() {
    for scope in [Scope::Site, Scope::Thread] {
        let mut d = DuplicateParams::default().scope(scope).build().unwrap();
        let mut flagged = Vec::new();
        for s in &seeds() {
            if let Some(dup) = d.check_and_insert(&seed_input(s)) {
                println!("{} -> {} {:?}", s.id, dup.of, dup);
                flagged.push((s.id.clone(), dup));
            }
        }
        assert_eq!(flagged.len(), 3, "{flagged:#?}");
        let (id, dup) = &flagged[0];
        assert_eq!(
            (id.as_str(), dup.of.as_str()),
            ("time-2012-0003", "time-2012-0002")
        );
        assert_eq!(dup.kind, DuplicateKind::Exact);
        assert!(dup.same_author && dup.shared_links);
        let (id, dup) = &flagged[1];
        assert_eq!(
            (id.as_str(), dup.of.as_str()),
            ("time-2012-0009", "time-2012-0008")
        );
        assert_eq!(dup.kind, DuplicateKind::Template);
        assert!(dup.same_author && dup.shared_links);
        let (id, dup) = &flagged[2];
        assert_eq!(
            (id.as_str(), dup.of.as_str()),
            ("time-2012-0023", "time-2012-0010")
        );
        assert_eq!(dup.kind, DuplicateKind::Partial);
        assert!(dup.similarity >= 0.8 && !dup.same_author);
    }
}

#[test]
fn template_needs_the_same_author() {
    let seeds = seeds();
    let get = |id: &str| seeds.iter().find(|s| s.id == id).unwrap();
    let mut d = DuplicateParams::default().build().unwrap();
    let (a, b) = (get("time-2012-0008"), get("time-2012-0009"));
    d.insert(&seed_input(a));
    assert!(d
        .check(&DupInput::new("x", &b.text).author("someone else"))
        .is_none());
    assert!(d.check(&DupInput::new("x", &b.text)).is_none());
    assert!(d.check(&seed_input(b)).is_some());
}

struct Yt {
    id: String,
    author: String,
    video: String,
    text: String,
}

fn youtube() -> Vec<Yt> {
    let mut out = Vec::new();
    for video in ["Youtube01-Psy", "Youtube02-KatyPerry", "Youtube03-LMFAO"] {
        let mut r = csv::Reader::from_path(data(&format!("youtube-spam/{video}.csv"))).unwrap();
        for rec in r.records() {
            let rec = rec.unwrap();
            out.push(Yt {
                id: rec[0].to_string(),
                author: rec[1].to_string(),
                video: video.to_string(),
                text: rec[3].to_string(),
            });
        }
    }
    out
}

/// The exact-duplicate groups: normalized text, punctuation removed.
fn group_key(text: &str) -> String {
    let n = comment_sieve::normalize(text);
    n.text()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn youtube_exact_groups() {
    let rows = youtube();
    let mut d = DuplicateParams::default()
        .short_exact(true)
        .build()
        .unwrap();
    let mut first: HashMap<String, usize> = HashMap::new();
    let (mut members, mut found, mut groups) = (0, 0, 0);
    let (mut other_flags, mut kinds) = (0, HashMap::new());
    for (i, row) in rows.iter().enumerate() {
        let key = group_key(&row.text);
        let dup = d.check_and_insert(
            &DupInput::new(&row.id, &row.text)
                .author(&row.author)
                .thread(&row.video),
        );
        if let Some(dup) = &dup {
            *kinds.entry(dup.kind).or_insert(0) += 1;
        }
        match first.get(&key) {
            None => {
                first.insert(key, i);
                if let Some(dup) = dup {
                    assert_ne!(dup.kind, DuplicateKind::Exact, "{} {:?}", row.id, dup);
                    other_flags += 1;
                }
            }
            Some(&j) => {
                members += 1;
                if members == 1 || j == i {
                    groups += 0;
                }
                let dup = dup.unwrap_or_else(|| panic!("{} missed ({:?})", row.id, row.text));
                assert_eq!(dup.kind, DuplicateKind::Exact, "{}", row.id);
                let of = rows.iter().position(|r| r.id == dup.of).unwrap();
                assert!(of < i && group_key(&rows[of].text) == group_key(&row.text));
                found += 1;
            }
        }
    }
    for (key, _) in first.iter() {
        if rows.iter().filter(|r| &group_key(&r.text) == key).count() > 1 {
            groups += 1;
        }
    }
    println!(
        "YouTube: {} comments, {groups} groups of identical texts, {members} repeats, \
         {found} found as Exact (recall {:.3}); first occurrences flagged as near/partial/\
         template of another text: {other_flags}; all flags by kind: {kinds:?}",
        rows.len(),
        found as f64 / members as f64
    );
    assert_eq!(found, members);
}

#[test]
fn short_comments() {
    let mut d = DuplicateParams::default().build().unwrap();
    assert!(d.check_and_insert(&DupInput::new("a", "lol")).is_none());
    assert!(d.check_and_insert(&DupInput::new("b", "LOL!")).is_none());
    assert!(d.check_and_insert(&DupInput::new("c", "Thanks!")).is_none());
    assert_eq!(d.len(), 0);
    let mut d = DuplicateParams::default()
        .short_exact(true)
        .build()
        .unwrap();
    assert!(d.check_and_insert(&DupInput::new("a", "lol")).is_none());
    let dup = d.check_and_insert(&DupInput::new("b", "LOL!")).unwrap();
    assert_eq!((dup.of.as_str(), dup.kind), ("a", DuplicateKind::Exact));
    assert!(d.check(&DupInput::new("c", "lol lol")).is_none());
    assert!(d.check(&DupInput::new("c", "+1")).is_none());
}

#[test]
fn thread_scope() {
    let text = "the ministry has not answered any of the questions raised last week";
    let mut d = DuplicateParams::default()
        .scope(Scope::Thread)
        .build()
        .unwrap();
    d.insert(&DupInput::new("a", text).thread("t1"));
    assert!(d.check(&DupInput::new("b", text).thread("t2")).is_none());
    assert!(d.check(&DupInput::new("b", text).thread("t1")).is_some());
    let mut d = DuplicateParams::default().build().unwrap();
    d.insert(&DupInput::new("a", text).thread("t1"));
    assert!(d.check(&DupInput::new("b", text).thread("t2")).is_some());
}

#[test]
fn most_similar_then_earliest() {
    let mut d = DuplicateParams::default().build().unwrap();
    let base = "one two three four five six seven eight nine ten eleven twelve";
    d.insert(&DupInput::new(
        "near",
        "one two three four five six seven eight nine ten eleven xx",
    ));
    d.insert(&DupInput::new("first", base));
    d.insert(&DupInput::new("second", base));
    let dup = d.check(&DupInput::new("q", base)).unwrap();
    assert_eq!((dup.of.as_str(), dup.kind), ("first", DuplicateKind::Exact));
    assert!(d.remove("first"));
    assert!(!d.remove("first"));
    // "second" added no keys (an exact copy), but is still found.
    let dup = d.check(&DupInput::new("q", base)).unwrap();
    assert_eq!(dup.of, "second");
    assert_eq!(dup.kind, DuplicateKind::Exact);
    assert_eq!(d.len(), 2);
    d.clear();
    assert!(d.is_empty() && d.check(&DupInput::new("q", base)).is_none());
}

#[test]
fn rolling_window_evicts_the_oldest() {
    let mut d = DuplicateParams::default().capacity(100).build().unwrap();
    const W: [&str; 10] = [
        "apple", "brick", "cloud", "drum", "eagle", "flute", "grape", "harbor", "island", "jungle",
    ];
    // Word k of text i is W[digit k % 3 of i] + k: texts share few words.
    let text = |i: usize| {
        (0..6u32)
            .map(|k| format!("{}{k}", W[(i / 10usize.pow(k % 3)) % 10]))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for i in 0..1000 {
        d.insert(&DupInput::new(&format!("c{i}"), &text(i)));
        assert!(d.len() <= 100);
    }
    assert_eq!(d.len(), 100);
    assert!(d.check(&DupInput::new("q", &text(10))).is_none());
    let dup = d.check(&DupInput::new("q", &text(950))).unwrap();
    assert_eq!(dup.of, "c950");
    assert!(!d.remove("c10"));
    assert!(d.remove("c950"));
    assert_eq!(d.len(), 99);
}

/// The arena is a ring reused in place: after it has wrapped many times,
/// with removals and ids of every length, every stored comment still reads
/// back whole, memory stays bounded, and a saved copy answers the same as
/// the original from then on.
#[test]
fn arena_ring_survives_wrapping_and_removals() {
    const W: [&str; 10] = [
        "apple", "brick", "cloud", "drum", "eagle", "flute", "grape", "harbor", "island", "jungle",
    ];
    let text = |i: usize| {
        (0..8u32)
            .map(|k| format!("{}{k}", W[(i / 10usize.pow(k % 3)) % 10]))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Ids of varied lengths that grow over time, so that records differ
    // in size and the arena fills up and grows again and again.
    let id = |i: usize| format!("{i}{}", "x".repeat(i * 7 % 40 + i / 40));
    let mut d = DuplicateParams::default().capacity(50).build().unwrap();
    let mut removed = std::collections::HashSet::new();
    let mut peak = 0;
    for i in 0..5000 {
        let (ci, ti) = (id(i), text(i % 1000));
        d.insert(&DupInput::new(&ci, &ti));
        if i % 7 == 3 {
            assert!(d.remove(&id(i - 2)));
            removed.insert(i - 2);
        }
        if i >= 500 {
            peak = peak.max(d.memory_bytes());
        }
        if i >= 49 && i % 5 == 0 {
            for j in i - 49..=i {
                let tj = text(j % 1000);
                let found = d.check(&DupInput::new("q", &tj));
                if removed.contains(&j) {
                    assert!(found.is_none(), "{j} was removed");
                } else {
                    let found = found.unwrap_or_else(|| panic!("{j} not found at {i}"));
                    assert_eq!((found.of, found.kind), (id(j), DuplicateKind::Exact));
                }
            }
        }
    }
    let after_fill = {
        let mut e = DuplicateParams::default().capacity(50).build().unwrap();
        for i in 0..500 {
            let (ci, ti) = (id(i), text(i));
            e.insert(&DupInput::new(&ci, &ti));
        }
        e.memory_bytes()
    };
    assert!(
        peak < 2 * after_fill,
        "{peak} bytes, {after_fill} after filling"
    );
    let mut e = DuplicateDetector::from_bytes(&d.to_bytes()).unwrap();
    for i in 5000..6000 {
        let tq = text((i * 7) % 1000);
        let q = DupInput::new("q", &tq);
        assert_eq!(d.check(&q), e.check(&q), "{i}");
        let (ci, ti) = (id(i), text(i % 1000));
        let input = DupInput::new(&ci, &ti);
        assert_eq!(
            d.check_and_insert(&input),
            e.check_and_insert(&input),
            "{i}"
        );
    }
}

fn filled() -> DuplicateDetector {
    let mut d = DuplicateParams::default()
        .capacity(300)
        .short_exact(true)
        .build()
        .unwrap();
    for s in &seeds() {
        d.insert(&seed_input(s));
    }
    for (i, row) in youtube().iter().enumerate().take(400) {
        d.insert(&DupInput::new(&row.id, &row.text).author(&row.author));
        if i % 7 == 0 {
            d.remove(&row.id);
        }
    }
    d
}

#[test]
fn save_and_load_round_trip() {
    let d = filled();
    let dir = std::env::temp_dir().join(format!("dedup-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("index.csdup");
    d.save(&path).unwrap();
    let e = DuplicateDetector::load(&path).unwrap();
    assert_eq!(e.len(), d.len());
    assert_eq!(e.params(), d.params());
    assert_eq!(e.to_bytes(), d.to_bytes());
    for row in youtube().iter().take(500) {
        let q = DupInput::new(&row.id, &row.text).author(&row.author);
        assert_eq!(d.check(&q), e.check(&q));
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(
        DuplicateDetector::load(dir.join("none")),
        Err(Error::Io { .. })
    ));
}

fn reason(r: comment_sieve::Result<DuplicateDetector>) -> String {
    match r {
        Err(Error::InvalidFile { reason, what, .. }) => {
            assert_eq!(what, "duplicate index");
            reason
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("loaded a bad file"),
    }
}

fn with_crc(mut bytes: Vec<u8>) -> Vec<u8> {
    let len = (bytes.len() - 24) as u64;
    bytes[12..20].copy_from_slice(&len.to_le_bytes());
    let crc = crc32fast::hash(&bytes[24..]);
    bytes[20..24].copy_from_slice(&crc.to_le_bytes());
    bytes
}

#[test]
fn bad_files_are_rejected() {
    let good = filled().to_bytes();
    assert_eq!(&good[..8], MAGIC);

    let mut v = good.clone();
    v[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    assert!(reason(DuplicateDetector::from_bytes(&v)).contains("version 2"));

    let mut v = good.clone();
    v[0] = b'X';
    assert!(reason(DuplicateDetector::from_bytes(&v)).contains("not a duplicate index"));

    for cut in [0, 5, 23, 24, 100, good.len() / 2, good.len() - 1] {
        let r = reason(DuplicateDetector::from_bytes(&good[..cut]));
        assert!(r.contains("truncated"), "{cut}: {r}");
    }

    for at in [24, 30, 100, good.len() / 3, good.len() - 1] {
        let mut v = good.clone();
        v[at] ^= 0x10;
        assert!(reason(DuplicateDetector::from_bytes(&v)).contains("checksum"));
    }

    // A header that claims a huge payload.
    let mut v = good.clone();
    v[12..20].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(reason(DuplicateDetector::from_bytes(&v)).contains("truncated"));

    // Valid checksums over payloads that claim huge sizes or bad values.
    let params_len = 3 * 8 + 10 * 8 + 2;
    let counts_at = params_len + 8; // the record count
    let mut v = good.clone();
    v[24 + counts_at..24 + counts_at + 8].copy_from_slice(&(u64::MAX / 2).to_le_bytes());
    let r = reason(DuplicateDetector::from_bytes(&with_crc(v)));
    assert!(r.contains("record count"), "{r}");

    let mut v = good.clone();
    v[24 + 3 * 8 + 6 * 8..24 + 3 * 8 + 7 * 8].copy_from_slice(&0u64.to_le_bytes()); // capacity
    let r = reason(DuplicateDetector::from_bytes(&with_crc(v)));
    assert!(r.contains("capacity"), "{r}");

    // A sequence number near the top of u64: inserting would wrap it
    // around, and the saved index would not load again.
    let seq_at = 24 + params_len;
    let mut v = good.clone();
    v[seq_at..seq_at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    let r = reason(DuplicateDetector::from_bytes(&with_crc(v)));
    assert!(r.contains("sequence number"), "{r}");

    // A record pointing outside the arena.
    let mut v = good.clone();
    let rec = 24 + counts_at + 8; // the first record
    v[rec + 8..rec + 12].copy_from_slice(&u32::MAX.to_le_bytes());
    v[rec + 26] |= 1; // live
    let r = reason(DuplicateDetector::from_bytes(&with_crc(v)));
    assert!(r.contains("outside the arena"), "{r}");

    // Random damage with a valid checksum never panics.
    let mut seed = 0x1234_5678_9abc_def0u64;
    for _ in 0..300 {
        let mut v = good.clone();
        for _ in 0..4 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = 24 + (seed as usize) % (v.len() - 24);
            v[at] = (seed >> 40) as u8;
        }
        if let Ok(d) = DuplicateDetector::from_bytes(&with_crc(v)) {
            for s in seeds().iter().take(5) {
                let _ = d.check(&seed_input(s));
            }
            let mut d = d;
            for s in seeds().iter() {
                let _ = d.check_and_insert(&seed_input(s));
            }
        }
    }
}

#[test]
fn odd_input_never_panics() {
    let mut d = DuplicateParams::default()
        .short_exact(true)
        .build()
        .unwrap();
    let big = "lorem ipsum dolor sit amet ".repeat(40_000); // ~1 MB
    let unicode = "Ǆ ﬁ 𝔘𝔫𝔦 \u{202E}RTL\u{200B} 🙂🙂 ا ب ت 강남스타일 スタイル ".repeat(50);
    let inputs = [
        "".to_string(),
        " \n\t ".to_string(),
        "\u{0}\u{1}\u{FEFF}".to_string(),
        "http:// www. https://.".to_string(),
        "&amp;&lt;b&gt;".repeat(100),
        big.clone(),
        unicode.clone(),
        format!("{big} http://spam.example.com"),
    ];
    for (i, t) in inputs.iter().enumerate() {
        let id = format!("id{i}");
        let _ = d.check_and_insert(&DupInput::new(&id, t).author("a").thread("t"));
    }
    let dup = d.check(&DupInput::new("q", &big[..big.len() / 2])).unwrap();
    assert_eq!(dup.of, "id5");
    let dup = d.check(&DupInput::new("q", &unicode)).unwrap();
    assert_eq!((dup.of.as_str(), dup.kind), ("id6", DuplicateKind::Exact));
    let long_id = "x".repeat(5000);
    d.insert(&DupInput::new(
        &long_id,
        "some text that is long enough here",
    ));
    assert!(d.remove(&long_id));
}
