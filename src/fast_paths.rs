//! Tests that hold the fast paths of the pipeline to its general path.
//!
//! Normalization has shortcuts (runs of plain ASCII copied in one go, words
//! that need no decomposition or composition, no markup scan of output
//! without `&` or `<`) and scoring has its own bookkeeping
//! (rows marked per comment, no allocation per head). On every comment in `data/` and on hand-written
//! hard cases (markup, entities, non-ASCII, obfuscations, links), the fast
//! paths must give exactly what the general path gives.
//! Classification outputs are pinned by the golden files of `tests/data/`.

use std::collections::HashSet;
use std::path::Path;

use crate::classify::{Classification, Classifier};
use crate::label::Label;
use crate::normalize::{normalize, normalize_reference};
use crate::{datasets, Tokenizer};

/// Every comment text in `data/`, then the hard cases.
fn texts() -> Vec<String> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
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
    out.extend(HARD.iter().map(|s| s.to_string()));
    out
}

/// Hand-written cases the data may miss.
const HARD: &[&str] = &[
    "",
    " ",
    "x",
    "!!!",
    "...",
    "<b>HELLO</b> world &amp; friends",
    "Tom &amp; Jerry&#39;s &lt;b&gt;bold&lt;/b&gt; a&amp;amp;b",
    "a&b a& b a &b a < b <<x>> &nosuch; &#0; &#x41;BC",
    "<a href=\"http://spam.example.com/x?a=1&amp;b=2\">click HERE</a>",
    "caf\u{e9} CAF\u{c9} na\u{ef}ve \u{130}stanbul",
    "\u{ff26}\u{ff35}\u{ff2c}\u{ff2c} width \u{ff23}\u{ff28}\u{ff25}\u{ff21}\u{ff30}",
    "spa\u{200b}m SPA\u{200b}M s\u{440}\u{430}m \u{43f}\u{440}\u{438}\u{432}\u{435}\u{442}",
    "VIDEOS!!\u{feff}",
    "channel \u{feff}",
    "ABC\u{feff}DEF \u{feff}\u{feff}x \u{3164}y\u{ffa0}",
    "\u{feff}",
    "emoji \u{1f600}\u{1f600} PARTY \u{1f389}!!",
    "f4ck sh*t f.u.c.k f u c k fuuuuck 1d10t ID1OT idiooooot i d i o t",
    "check out http://LazyCash49.com and www.example.co.uk/path... NOW!!!",
    "mail me@example.com @Salim hi hxxp://evil.tk/abc ftp://x.org",
    "Make $8586 in 4 weeks!!! 100\u{20ac} $7.5 billion 1,000,000 troops $$$$s ?? $$",
    "  leading and   trailing spaces  ",
    "tabs\tand\nnew\r\nlines\u{7}bell\u{0}",
    "ALL CAPS WORDS HERE OK",
    "don't won't pakistan's u.s. al-qaeda a.b.c d-e-f g_h_i",
    "1234 12345 0000000000 #7 x1 1x",
    "\u{201c}Quoted\u{201d} \u{2019}s \u{2014}dash\u{2014}",
    "Z\u{351}\u{36b}A\u{310}L\u{352}GO",
];

#[test]
fn normalize_fast_path_equals_general_path() {
    for t in texts() {
        let (fast, general) = (normalize(&t), normalize_reference(&t));
        assert_eq!(fast.text(), general.text(), "{t:?}");
        assert_eq!(fast.maps(), general.maps(), "{t:?}");
        assert_eq!(fast.is_unchanged(), general.is_unchanged(), "{t:?}");
    }
}

/// The tokenizer tests a word for caps only in comments that may hold
/// one (two upper-case characters with no lower-case one between them):
/// testing every word gives the same tokens.
#[test]
fn caps_gate_equals_testing_every_word() {
    let tk = Tokenizer::default();
    let mut caps = 0;
    let more = [
        "AbC aBC ABc \u{c0}B \u{c9}T\u{c9} D\u{c9}J\u{c0} \u{e9}TE A\u{1c5}B A\u{1f600}B",
        "O'NEIL U.S.A. A-B-C X_Y NO,WAY A1B \u{391}\u{392} \u{3b1}\u{392}\u{393}",
        "Ok I AM here \u{feff}A\u{feff}B\u{feff} <b>A</b>B A&amp;B A&#66; \u{1c5}\u{1c5}",
    ];
    for t in texts().into_iter().chain(more.map(String::from)) {
        let norm = normalize(&t);
        let (mut gated, mut every) = (Vec::new(), Vec::new());
        tk.scan(&norm, &t, |tok| {
            gated.push((tok.kind, tok.text.to_string(), tok.span))
        });
        tk.scan_every_word_for_caps(&norm, &t, |tok| {
            every.push((tok.kind, tok.text.to_string(), tok.span))
        });
        assert_eq!(gated, every, "{t:?}");
        caps += every.iter().filter(|(_, text, _)| text == "caps").count();
    }
    assert!(caps > 1000, "{caps}");
}

#[test]
fn markup_flag_matches_output() {
    for t in texts() {
        assert!(crate::normalize::markup_flag_holds(&t), "{t:?}");
    }
    for t in [
        "\u{ff06}lt;b\u{ff06}gt;",
        "a &amp;lt; b",
        "x\u{fe64}b\u{fe65}",
        "&#38;",
    ] {
        assert!(crate::normalize::markup_flag_holds(t), "{t:?}");
    }
}

#[test]
fn classify_equals_reference_scoring() {
    let clf = Classifier::default();
    let mut spam = 0;
    for t in texts() {
        let v = clf.classify_text(&t);
        assert_eq!(v, classify_reference(&clf, &t), "{t:?}");
        spam += usize::from(v.label == Label::Spam);
    }
    assert!(spam > 100);
}

/// The feature bookkeeping the classifier had before its fast paths (a
/// hash set of keys, known or not), on the general normalization path;
/// the verdict from the sums is the classifier's own.
mod reference {
    use super::*;
    use crate::classify::{empty_verdict, verdict, Hit};

    pub(super) fn classify_reference(clf: &Classifier, text: &str) -> Classification {
        let mut hits: Vec<Hit> = Vec::new();
        let mut seen: HashSet<u64> = HashSet::new();
        let m = &**clf.model();
        let norm = normalize_reference(text);
        if norm.text().is_empty() {
            return empty_verdict();
        }
        let table = &m.table;
        let w = table.width;
        let mut sums = [0f64; 16];
        let mut n = 0;
        let binary = m.features.binary;
        m.extractor.scan(&norm, text, |feat, tok| {
            let new = seen.insert(feat.key);
            if binary && !new {
                return;
            }
            if let Some((r, row)) = table.row_indexed(feat.key) {
                if new && r < table.vocab_rows {
                    n += 1;
                }
                for (s, &v) in sums[..w].iter_mut().zip(row) {
                    *s += v as f64;
                }
                let folded = (feat.span == tok.span && tok.text != &norm.text()[tok.span.clone()])
                    .then(|| tok.text.to_string().into());
                hits.push(Hit {
                    row: r,
                    span: feat.span.clone(),
                    folded,
                    word: tok.kind == crate::TokenKind::Word && feat.span == tok.span,
                });
            }
        });
        for (s, p) in sums[..w].iter_mut().zip(&table.log_priors) {
            *s += p;
        }
        verdict(m, text, &norm, &sums, n, &hits, &mut Vec::new())
    }
}

use reference::classify_reference;
