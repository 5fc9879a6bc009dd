//! Hostile input: random damage to model files, inputs that fuzzing found,
//! and ordinary words that hold offensive substrings.

use std::sync::Arc;

use comment_sieve::{Classifier, Error, TokenKind, Tokenizer};

use dev_support::rng;
use rng::Rng;

fn fix_crc(b: &mut [u8]) {
    let crc = crc32fast::hash(&b[28..]);
    b[24..28].copy_from_slice(&crc.to_le_bytes());
}

/// 1,000 damaged copies of the default model file (random bytes flipped,
/// random truncations, damaged lengths; and forged copies, damage with the
/// checksum repaired so it reaches the parser): loading never panics;
/// a damaged file is an error, a forged one an error or a working model.
#[test]
fn randomly_damaged_model_files() {
    let good = Classifier::default().to_bytes();
    let mut rng = Rng::new(20_240_601);
    let (mut errors, mut same) = (0, 0);
    for case in 0..1000 {
        let mut b = good.clone();
        match case % 4 {
            0 => {
                for _ in 0..1 + rng.below(8) {
                    let i = rng.below(b.len());
                    b[i] ^= 1 << rng.below(8);
                }
            }
            1 => b.truncate(rng.below(good.len())),
            2 => {
                // Damage anywhere past the prefix, checksum repaired.
                for _ in 0..1 + rng.below(4) {
                    let i = 28 + rng.below(b.len() - 28);
                    b[i] = rng.next_u64() as u8;
                }
                fix_crc(&mut b);
            }
            _ => {
                // Damage in the prefix's lengths.
                let i = 12 + rng.below(12);
                b[i] = rng.next_u64() as u8;
            }
        }
        let res = std::panic::catch_unwind(|| Classifier::from_bytes(&b));
        match res.unwrap_or_else(|_| panic!("case {case}: loading panicked")) {
            Err(Error::InvalidFile { .. }) => errors += 1,
            Err(e) => panic!("case {case}: unexpected error {e}"),
            Ok(clf) => {
                let forged = case % 4 == 2;
                // Damage the checksum sees never loads: a file that loads
                // is the very same model.
                assert!(forged || clf.to_bytes() == good, "case {case}");
                if clf.to_bytes() == good {
                    same += 1;
                } else {
                    // A forged file with a valid checksum may hold other
                    // counts: it still loads to a model that saves back
                    // and classifies.
                    let again = Classifier::from_bytes(&clf.to_bytes()).unwrap();
                    assert_eq!(again.to_bytes(), clf.to_bytes(), "case {case}");
                    let v = clf.classify_text("you are an idiot, visit http://x.com");
                    let p = v.probabilities;
                    let s = p.spam + p.abuse + p.off_topic + p.on_topic;
                    assert!((s - 1.0).abs() < 1e-9, "case {case}");
                }
            }
        }
    }
    // Every damaged (not forged) file is an error.
    assert!(errors >= 750, "{errors} errors, {same} unchanged");
}

/// Inputs that fuzzing found.
#[test]
fn fuzz_regressions() {
    // A link whose unquoted href starts with control characters: they
    // became a leading space, and normalizing again removed it.
    for s in [
        "<a href=\u{0}\u{0}p://x.com/a?b=1&amp;c\">kfnhs to check",
        "<a href=\u{1}x.com\u{1}>t</a>",
        "x <a href=\u{0}\u{0}>y",
        // A letter decoded from an entity joins a word only on the next
        // pass: "o" + Cyrillic soft sign folded to "ob" only then.
        "o&#1100;&#0;&#999999914111;&#",
        "&#99;\u{4bb}\u{435}",
        "&#1089;heck",
        // A non-letter decoded from an entity joins words too: a Cyrillic
        // letter, "'" and "g" became one mixed-script word only after the
        // first pass (found by libFuzzer).
        "\u{40c}&#39;G",
        "htrm&#x\u{0}\u{0}\u{40c}41\u{fffd}kdndrm&#x\u{0}\u{0}\u{40c}41;&#39;G@",
    ]
    .into_iter()
    .map(String::from)
    // Invalid UTF-8 decoded with replacement characters: one replaced
    // segment split into many words, each mapped back to the whole
    // segment (467 KB of it took 77 s while the caps test rescanned the
    // segment for every word; the `replaced` row of the scaling
    // benchmark's instruction table shows it linear now).
    // A nested entity (a second pass) before many words of several
    // scripts: spans mapped back through two offset maps were searched
    // from the first segment each time (1 MB took 6 s; the `passes` row
    // of the same table).
    .chain([
        "\u{fffd}\u{fffd}E".repeat(300),
        "\u{fffd}E\u{fffd}ab".repeat(300),
        format!("&amp;amp; {}", "сраm Привет नमस्ते 강남스타일 ".repeat(50)),
    ]) {
        let s = s.as_str();
        let once = comment_sieve::normalize(s).into_text();
        assert_eq!(comment_sieve::normalize(&once).into_text(), once, "{s:?}");
        assert!(!once.starts_with(' ') && !once.ends_with(' '), "{once:?}");
        let clf = Classifier::default();
        for r in clf.classify_text(s).reasons {
            assert!(s.is_char_boundary(r.span.start) && s.is_char_boundary(r.span.end));
        }
    }

    // A lexicon weight of 1e308 reads as an infinite f32: the model loaded
    // but saved a `null` that did not load again. Now it is an error.
    let good = Classifier::default().to_bytes();
    let hlen = u32::from_le_bytes(good[12..16].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&good[28..28 + hlen]).unwrap();
    let (word, weight) = Classifier::default().model().lexicon.words()[0].clone();
    let written = serde_json::to_string(&(word.clone(), weight)).unwrap();
    assert!(header.contains(&written));
    for bad in ["1e308", "-1e308"] {
        let hostile = header.replacen(&written, &format!("[\"{word}\",{bad}]"), 1);
        assert_ne!(hostile, header);
        let mut b = good[..28].to_vec();
        b[12..16].copy_from_slice(&(hostile.len() as u32).to_le_bytes());
        b.extend_from_slice(hostile.as_bytes());
        b.extend_from_slice(&good[28 + hlen..]);
        fix_crc(&mut b);
        let e = Classifier::from_bytes(&b).expect_err("rejected");
        // Refused by the weight check, or already by the JSON reader.
        let msg = e.to_string();
        assert!(
            msg.contains("weight") || msg.contains("out of range"),
            "{e}"
        );
    }
    // Thresholds outside (0, 1) are rejected as training rejects them.
    let hostile = header.replacen("\"spam\":0.5", "\"spam\":-3.0", 1);
    if hostile != header {
        let mut b = good[..28].to_vec();
        b[12..16].copy_from_slice(&(hostile.len() as u32).to_le_bytes());
        b.extend_from_slice(hostile.as_bytes());
        b.extend_from_slice(&good[28 + hlen..]);
        fix_crc(&mut b);
        let e = Classifier::from_bytes(&b).expect_err("rejected");
        assert!(e.to_string().contains("threshold"), "{e}");
    }
}

/// Ordinary words that contain an offensive substring, or look like an
/// obfuscated spelling, are tokenized unchanged and never folded.
#[test]
fn ordinary_words_are_not_folded() {
    let clf = Classifier::default();
    let m = clf.model();
    let tk = Tokenizer::new(m.tokenizer.clone(), Arc::new(m.lexicon.clone()));
    assert!(tk.config().fold);
    let words = [
        "assassin",
        "Scunthorpe",
        "cocktail",
        "Shital",
        "therapist",
        "classic",
        "grape",
        "Sussex",
        "Essex",
        "Middlesex",
        "analysis",
        "assessment",
        "passport",
        "bassoon",
        "Dickens",
        "Hancock",
        "cockpit",
        "Penistone",
        "arsenal",
        "document",
        "cumulative",
        "title",
        "hello",
        "button",
        "shiitake",
        "mishit",
        "pianist",
        "Matsushita",
        "Lightwater",
        "specialist",
        "ambassador",
        "compass",
        "glasses",
        "sextant",
        "Manchester",
        "Cockburn",
        "Nigeria",
        "snigger",
        "spicy",
        "homosapiens",
        "kumquat",
        "Uranus",
        "shuttlecock",
        "raccoon",
        "coonhound",
        "buttress",
    ];
    for w in words {
        let lower = w.to_lowercase();
        for text in [w.to_string(), format!("the {w} said"), format!("{w}!")] {
            let toks: Vec<_> = tk
                .tokenize(&text)
                .into_iter()
                .filter(|t| t.kind == TokenKind::Word)
                .collect();
            let hit = toks
                .iter()
                .find(|t| t.text == lower)
                .unwrap_or_else(|| panic!("{w:?} in {text:?}: {toks:?}"));
            assert_eq!(hit.folded, None, "{w:?}");
            assert_eq!(&text[hit.span.clone()], w, "{w:?}");
            assert!(
                !tk.tokenize(&text)
                    .iter()
                    .any(|t| t.text.starts_with("fold:")),
                "{text:?} was folded"
            );
        }
    }
}
