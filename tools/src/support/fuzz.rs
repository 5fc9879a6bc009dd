//! Checks and input generators shared by the cargo-fuzz targets in `fuzz/`
//! and the stable random-input driver `comment-sieve-tools bench fuzz-inputs`.
//!
//! Every `check_*` function takes arbitrary bytes, runs one part of the
//! library on them and panics when an invariant breaks: a panic inside the
//! library, probabilities that are not finite or do not sum to one, spans
//! off character boundaries, normalization that is not idempotent, a
//! loaded file that does not save back to the same bytes.

#![allow(dead_code)]

use comment_sieve::dedup::{DupInput, DuplicateParams};
use comment_sieve::{normalize, Classifier, DuplicateDetector, Tokenizer};

/// The record readers of the batch labeler.
pub use comment_sieve::input;

/// The default model file.
pub static MODEL: &[u8] = include_bytes!("../../../models/default.csm");

pub use super::rng::Rng;

/// Text that reads as a string: valid UTF-8 as is, else lossily.
pub fn as_text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Normalization, tokenization and classification of one text.
pub fn check_text(clf: &Classifier, data: &[u8]) {
    let text = as_text(data);
    let text = text.as_ref();
    let once = normalize(text).into_text();
    let twice = normalize(&once).into_text();
    assert_eq!(twice, once, "normalization is not idempotent");
    let tk = Tokenizer::new(
        clf.model().tokenizer.clone(),
        std::sync::Arc::new(clf.model().lexicon.clone()),
    );
    for t in tk.tokenize(text) {
        assert!(t.span.start <= t.span.end && t.span.end <= text.len());
        assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
    }
    let v = clf.classify_text(text);
    let p = v.probabilities;
    let all = [p.spam, p.abuse, p.off_topic, p.on_topic];
    for x in all {
        assert!(x.is_finite() && (0.0..=1.0).contains(&x), "{p:?}");
    }
    assert!((all.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{p:?}");
    for r in &v.reasons {
        assert!(r.span.start <= r.span.end && r.span.end <= text.len());
        assert!(text.is_char_boundary(r.span.start) && text.is_char_boundary(r.span.end));
    }
}

/// The duplicate detector on the texts of `data` (split at `0xFF`, which
/// never occurs in UTF-8): each is checked and inserted; ids, authors and
/// threads come from the first bytes. A text inserted twice is found.
pub fn check_dedup(data: &[u8]) {
    let (cap, scope) = match data.first() {
        Some(&b) => (4 + (b as usize & 31), b & 0x80 != 0),
        None => (8, false),
    };
    let params = DuplicateParams::default()
        .capacity(cap)
        .short_exact(scope)
        .scope(if scope {
            comment_sieve::Scope::Thread
        } else {
            comment_sieve::Scope::Site
        });
    let mut d = params.build().expect("valid parameters");
    let parts: Vec<String> = data
        .split(|&b| b == 0xFF)
        .map(|p| as_text(p).into_owned())
        .collect();
    for (i, t) in parts.iter().enumerate() {
        let id = format!("c{}", i % 7);
        let author = format!("a{}", t.len() % 3);
        let thread = format!("t{}", t.len() % 2);
        let q = DupInput::new(&id, t).author(&author).thread(&thread);
        if let Some(dup) = d.check_and_insert(&q) {
            assert!(dup.similarity.is_finite() && (0.0..=1.0 + 1e-9).contains(&dup.similarity));
        }
        assert!(d.len() <= cap);
        if i % 5 == 4 {
            d.remove(&format!("c{}", (i + 3) % 7));
        }
    }
    // Save and load give the same detector.
    let bytes = d.to_bytes();
    let e = DuplicateDetector::from_bytes(&bytes).expect("a saved index loads");
    assert_eq!(e.to_bytes(), bytes);
}

/// Sets the model file's lengths and checksum to match its bytes, so that
/// a damaged header or body reaches the parser.
pub fn fix_model_prefix(b: &mut [u8]) {
    if b.len() < 28 {
        return;
    }
    let header_len = u32::from_le_bytes(b[12..16].try_into().unwrap()) as usize;
    let header_len = header_len.min(b.len() - 28);
    let body_len = (b.len() - 28 - header_len) as u64;
    b[12..16].copy_from_slice(&(header_len as u32).to_le_bytes());
    b[16..24].copy_from_slice(&body_len.to_le_bytes());
    let crc = crc32fast::hash(&b[28..]);
    b[24..28].copy_from_slice(&crc.to_le_bytes());
}

/// Sets the index file's length and checksum to match its bytes.
pub fn fix_index_prefix(b: &mut [u8]) {
    if b.len() < 24 {
        return;
    }
    let len = (b.len() - 24) as u64;
    b[12..20].copy_from_slice(&len.to_le_bytes());
    let crc = crc32fast::hash(&b[24..]);
    b[20..24].copy_from_slice(&crc.to_le_bytes());
}

const PROBES: [&str; 4] = [
    "Check out my channel http://x.com and subscribe!!",
    "you are a 1d10t",
    "The minister said the budget will pass next week.",
    "",
];

/// A model file's bytes, as they are and with a repaired prefix: loading
/// never panics; a loaded model classifies and saves back to bytes that
/// load to the same model.
pub fn check_model_file(data: &[u8]) {
    let mut fixed = data.to_vec();
    fix_model_prefix(&mut fixed);
    for bytes in [data, &fixed[..]] {
        if let Ok(clf) = Classifier::from_bytes(bytes) {
            for p in PROBES {
                let v = clf.classify_text(p);
                let p = v.probabilities;
                let all = [p.spam, p.abuse, p.off_topic, p.on_topic];
                // Whatever finite counts a file holds, the verdict is a
                // distribution.
                for x in all {
                    assert!(x.is_finite() && (0.0..=1.0).contains(&x), "{p:?}");
                }
                assert!((all.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{p:?}");
            }
            let again = clf.to_bytes();
            let clf2 = Classifier::from_bytes(&again).expect("a saved model loads");
            assert_eq!(clf2.to_bytes(), again);
        }
    }
}

/// An index file's bytes, as they are and with a repaired prefix: loading
/// never panics; a loaded detector checks and inserts, and saves back.
pub fn check_index_file(data: &[u8]) {
    let mut fixed = data.to_vec();
    fix_index_prefix(&mut fixed);
    for bytes in [data, &fixed[..]] {
        if let Ok(mut d) = DuplicateDetector::from_bytes(bytes) {
            for (i, p) in PROBES.iter().enumerate() {
                let id = format!("p{i}");
                let _ = d.check(&DupInput::new(&id, p).author("a"));
                let _ = d.check_and_insert(&DupInput::new(&id, p).author("a"));
            }
            let again = d.to_bytes();
            let e = DuplicateDetector::from_bytes(&again).expect("a saved index loads");
            assert_eq!(e.to_bytes(), again);
        }
    }
}

/// The labeler's record readers: JSONL lines (bounded) parsed as JSON
/// objects, and CSV records under a header.
pub fn check_records(data: &[u8]) {
    use input::{CsvReader, Fields, JsonlReader, RawData, RecordReader};
    let max = match data.first() {
        Some(&b) => 1 + (b as usize) * 4,
        None => 64,
    };
    let mut r = JsonlReader::new(Box::new(std::io::Cursor::new(data.to_vec())), max);
    let mut batch = Vec::new();
    let mut lines = 0u64;
    loop {
        batch.clear();
        r.read_batch(16, &mut batch).expect("reading memory");
        if batch.is_empty() {
            break;
        }
        for rec in &batch {
            lines += 1;
            assert_eq!(rec.line, lines);
            match &rec.data {
                RawData::Line(b) => {
                    assert!(b.len() <= max);
                    if let Ok(s) = std::str::from_utf8(b) {
                        // The labeler's reading of a record is serde_json's.
                        let serde = serde_json::from_str::<Fields>(s);
                        match Fields::parse(s) {
                            Ok(f) => {
                                let serde = serde.expect("serde_json reads what the scanner reads");
                                assert_eq!(f.0, serde.0);
                                for (_, v) in &f.0 {
                                    let want = serde_json::from_str::<String>(v).ok();
                                    assert_eq!(input::json_str(v).map(|s| s.into_owned()), want);
                                }
                            }
                            Err(e) => {
                                assert_eq!(Some(e.to_string()), serde.err().map(|e| e.to_string()))
                            }
                        }
                    }
                }
                RawData::TooLong(n) => assert!(*n > max as u64),
                RawData::Csv(_) | RawData::Invalid(_) => unreachable!("JSONL yields lines"),
            }
        }
    }
    let newlines = data.iter().filter(|&&b| b == b'\n').count() as u64;
    assert!(
        lines == newlines || lines == newlines + 1,
        "{lines} lines, {newlines} newlines"
    );
    if let Ok(mut r) = CsvReader::new(Box::new(std::io::Cursor::new(data.to_vec())), max) {
        let _ = r.headers();
        loop {
            batch.clear();
            if r.read_batch(16, &mut batch).is_err() || batch.is_empty() {
                break;
            }
        }
    }
}

/// Pieces that stress the pipeline.
pub const PIECES: &[&str] = &[
    "<a href=\"http://x.com/a?b=1&amp;c\">",
    "</a><br />",
    "<b>",
    "&amp;",
    "&amp;amp;amp;",
    "&#x41;&#39;&lt;b&gt;&amp;amp;",
    "&#1114111;&#xD800;&#0;&#99999999999;",
    "&lt;a href=&quot;http://y.com&quot;&gt;",
    "http://www.example.co.uk/x...",
    "https://",
    "www.",
    "me@ex.com",
    "@@@",
    "@user_1",
    "\u{200B}\u{202E}\u{FEFF}\u{00AD}\u{200D}",
    "e\u{0301}\u{0336}\u{0334}\u{0358}",
    "\u{0336}\u{0336}\u{0336}",
    "ＦＵＬＬ 𝐁𝐨𝐥𝐝 İ ß ǅ ﬁ",
    "сраm Привет नमस्ते 강남스타일 ا ب ت",
    "\0\u{1}\r\n\t ",
    "$8586 1,000.5 £5 ",
    "$$$$",
    "!!!!!!",
    "?!?!",
    "f.u.c.k",
    "s h i t",
    "1d10t",
    "sh*t",
    "a*****",
    "*",
    "fuuuuuuuuuck",
    "'s'",
    "--__..",
    "1.2.3.4.5",
    "x",
    " ",
    "\u{3000}",
    "\u{FFFD}",
    "\u{10FFFF}",
];

/// A hostile text: pieces, words of the data, random characters.
pub fn hostile_text(rng: &mut Rng, seeds: &[String]) -> String {
    let n = rng.below(60);
    let mut s = String::new();
    for _ in 0..n {
        match rng.below(6) {
            0 | 1 => s.push_str(PIECES[rng.below(PIECES.len())]),
            2 => s.push(random_char(rng)),
            3 => {
                let t = rng.pick(seeds);
                let a = rng.below(t.len() + 1);
                let b = (a + rng.below(40)).min(t.len());
                let (a, b) = (floor(t, a), floor(t, b));
                s.push_str(&t[a..b]);
            }
            4 => {
                for _ in 0..rng.below(8) {
                    s.push((b'a' + rng.below(26) as u8) as char);
                }
            }
            _ => {
                // A run: one piece repeated.
                let p = PIECES[rng.below(PIECES.len())];
                s.push_str(&p.repeat(1 + rng.below(50)));
            }
        }
    }
    s
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A character from ranges that matter to the pipeline.
pub fn random_char(rng: &mut Rng) -> char {
    let ranges: [(u32, u32); 12] = [
        (0x20, 0x7E),
        (0x0, 0x20),
        (0x80, 0x24F),
        (0x300, 0x36F),
        (0x370, 0x3FF),
        (0x400, 0x4FF),
        (0x590, 0x6FF),
        (0x2000, 0x206F),
        (0x3000, 0x30FF),
        (0xFE00, 0xFFFF),
        (0x1D400, 0x1D7FF),
        (0x0, 0x10FFFF),
    ];
    loop {
        let (a, b) = *rng.pick(&ranges);
        if let Some(c) = char::from_u32(a + rng.below((b - a + 1) as usize) as u32) {
            return c;
        }
    }
}

/// Applies 1 to `max` random byte edits to `b`.
pub fn mutate_bytes(rng: &mut Rng, b: &mut Vec<u8>, max: usize) {
    for _ in 0..1 + rng.below(max) {
        let len = b.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                b[i] = rng.next_u64() as u8;
            }
            2 => {
                let i = rng.below(len + 1);
                b.insert(i, rng.next_u64() as u8);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = rng.below(16).min(len - i);
                b.drain(i..i + n);
            }
            4 => {
                let at = rng.below(len + 1);
                b.truncate(at);
            }
            5 if len > 0 => {
                // Duplicates a chunk.
                let i = rng.below(len);
                let n = rng.below(64).min(len - i);
                let chunk = b[i..i + n].to_vec();
                let at = rng.below(b.len() + 1);
                b.splice(at..at, chunk);
            }
            6 if len >= 8 => {
                // An interesting integer written over bytes.
                let v: u64 = *rng.pick(&[
                    0,
                    1,
                    0xFF,
                    0x7FFF_FFFF,
                    0xFFFF_FFFF,
                    u64::MAX,
                    u64::MAX / 2,
                    1 << 40,
                ]);
                let i = rng.below(len - 7);
                let w = 1 << rng.below(4);
                b[i..i + w].copy_from_slice(&v.to_le_bytes()[..w]);
            }
            7 => {
                let p = PIECES[rng.below(PIECES.len())].as_bytes();
                let at = rng.below(len + 1);
                b.splice(at..at, p.iter().copied());
            }
            _ if len > 0 => {
                let i = rng.below(len);
                b[i] = *rng.pick(b"\"\\{}[],:0-9eE.\n\r&<>;*@$ ");
            }
            _ => b.push(rng.next_u64() as u8),
        }
    }
}

/// Replaces one number or string of the model file's JSON header by a
/// hostile value, keeping the prefix consistent.
pub fn mutate_model_header(rng: &mut Rng, file: &[u8]) -> Vec<u8> {
    let h = u32::from_le_bytes(file[12..16].try_into().unwrap()) as usize;
    let header = String::from_utf8_lossy(&file[28..28 + h]).into_owned();
    let body = &file[28 + h..];
    // Positions of numbers in the header.
    let bytes = header.as_bytes();
    let starts: Vec<usize> = (0..bytes.len())
        .filter(|&i| {
            (bytes[i].is_ascii_digit() || bytes[i] == b'-')
                && (i == 0 || matches!(bytes[i - 1], b':' | b',' | b'['))
        })
        .collect();
    let mut out = header.clone();
    if !starts.is_empty() {
        let s = *rng.pick(&starts);
        let e = s + bytes[s..]
            .iter()
            .position(|c| !(c.is_ascii_digit() || matches!(c, b'-' | b'.' | b'e' | b'E' | b'+')))
            .unwrap_or(bytes.len() - s);
        let v = *rng.pick(&[
            "0",
            "-1",
            "1e308",
            "-1e308",
            "18446744073709551615",
            "18446744073709551616",
            "4294967296",
            "1000000000000",
            "0.0",
            "1e-320",
            "null",
            "\"x\"",
            "[]",
            "2",
            "3",
            "1001",
        ]);
        out = format!("{}{}{}", &header[..s], v, &header[e..]);
    }
    let mut f = Vec::with_capacity(file.len());
    f.extend_from_slice(&file[..28]);
    f.extend_from_slice(out.as_bytes());
    f.extend_from_slice(body);
    f[12..16].copy_from_slice(&(out.len() as u32).to_le_bytes());
    fix_model_prefix(&mut f);
    f
}

/// A JSONL or CSV input for the labeler: valid records, damaged ones and
/// hostile ones.
pub fn records_file(rng: &mut Rng, seeds: &[String], csv: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if csv {
        out.extend_from_slice(b"COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\n");
    }
    for i in 0..1 + rng.below(40) {
        let text = hostile_text(rng, seeds);
        let mut rec = if csv {
            let q = text.replace('"', "\"\"");
            format!("id{i},a,2013-11-07,\"{q}\",1\n").into_bytes()
        } else {
            // Articles of `data/seed_articles.jsonl` and an unknown one,
            // for runs with `--articles`; no draw from `rng`, so the texts
            // stay those of earlier runs with the same seed.
            let article = ["000_b5ea25637c67dd16", "001_8fa3ad66786a9f88", "none"][i % 3];
            let mut j = serde_json::json!({
                "id": format!("id{i}"),
                "text": text,
                "n": i,
                "author": format!("reader{}", i % 4),
                "article_id": article,
            });
            // The place in the thread, in every form it takes: absent, null,
            // empty, a parent's id (string or number), and nonsense.
            let parent = [
                None,
                Some(serde_json::Value::Null),
                Some("".into()),
                Some(format!("id{}", i / 2).into()),
                Some(i.into()),
                Some(serde_json::json!({"x": [1]})),
            ][i % 6]
                .clone();
            if let Some(p) = parent {
                j["parent_id"] = p;
            }
            let mut v = serde_json::to_vec(&j).unwrap();
            v.push(b'\n');
            v
        };
        if rng.one_in(4) {
            mutate_bytes(rng, &mut rec, 4);
        }
        if rng.one_in(20) {
            rec = rng
                .pick(&[
                    &b"\n"[..],
                    b"{}\n",
                    b"[]\n",
                    b"{\"text\": 5}\n",
                    b"{\"text\": \"\\ud800\"}\n",
                    b"{\"text\": null, \"id\": {}}\n",
                    b"\"unterminated\n",
                    b"\xff\xfe\n",
                    b",,,,,,,,\n",
                    b"\"a\"\"b\",\n",
                    b"\r\n",
                ])
                .to_vec();
        }
        out.extend_from_slice(&rec);
    }
    if rng.one_in(3) {
        out.pop();
    }
    out
}
