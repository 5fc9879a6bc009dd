//! The core pipeline end to end: linfa-bayes equivalence, model files,
//! reproducible training, edge-case inputs, the seed comments.

use std::path::{Path, PathBuf};

use comment_sieve::model::{format, LABEL, SPAM};
use comment_sieve::{train, Classifier, Comment, Error, Example, Label, TrainParams};
use comment_sieve_tools::datasets;
use linfa::prelude::*;
use linfa::DatasetView;
use linfa_bayes::MultinomialNb;
use ndarray::{Array1, Array2};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Seeds, YouTube and Fox News: every head has examples, and it trains fast.
fn dev_examples() -> Vec<Example> {
    let d = data();
    let mut ex = datasets::seed_examples(&d.join("seed_comments.jsonl")).unwrap();
    for f in datasets::YOUTUBE_FILES {
        ex.extend(datasets::youtube(&d.join(f)).unwrap());
    }
    ex.extend(datasets::fox(&d.join("fox-news-comments/dev.jsonl")).unwrap());
    ex
}

/// A head's counts, read back from linfa-bayes's serialized state: one
/// `Vec` per class.
fn linfa_counts(model: &MultinomialNb<f64, usize>, classes: usize) -> Vec<Vec<f64>> {
    let v = serde_json::to_value(model).unwrap();
    let info = v["class_info"].as_object().unwrap();
    (0..classes)
        .map(|c| {
            info[&c.to_string()]["feature_count"]["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect()
}

/// The attribute heads' naive Bayes counts are linfa-bayes's: fitting
/// `MultinomialNb` on the dense presence rows of the same examples gives
/// the same per-class feature counts, and the label head's per-class sums
/// are its joint log-likelihoods.
#[test]
fn naive_bayes_counts_equal_linfa_bayes() {
    let examples = dev_examples();
    let model = train::train(&TrainParams::default(), &examples, vec![]).unwrap();
    let head = &model.heads[SPAM];
    let rows: Vec<(&str, usize)> = examples
        .iter()
        .filter_map(|e| e.spam.map(|y| (e.text.as_str(), usize::from(y))))
        .collect();
    let keys = &head.keys;
    let mut x = Array2::<f64>::zeros((rows.len(), keys.len()));
    for (r, (t, _)) in rows.iter().enumerate() {
        for k in model.extractor().keys(t) {
            if let Ok(j) = keys.binary_search(&k) {
                x[[r, j]] = 1.0;
            }
        }
    }
    let y: Array1<usize> = rows.iter().map(|&(_, y)| y).collect();
    let nb = MultinomialNb::params()
        .alpha(head.alpha)
        .fit(&DatasetView::new(x.view(), y.view()))
        .unwrap();
    let counts = linfa_counts(&nb, 2);
    for (j, _) in keys.iter().enumerate() {
        for (c, class) in counts.iter().enumerate() {
            assert_eq!(head.counts[j * 2 + c] as f64, class[j], "key {j} class {c}");
        }
    }
    assert_eq!(
        head.class_counts,
        vec![
            rows.iter().filter(|r| r.1 == 0).count() as u64,
            rows.iter().filter(|r| r.1 == 1).count() as u64
        ]
    );
    // The label head: the sparse sums are linfa-bayes's predictions.
    let label = &model.heads[LABEL];
    let texts: Vec<&str> = examples
        .iter()
        .filter(|e| e.label.is_some())
        .map(|e| e.text.as_str())
        .collect();
    let mut x = Array2::<f64>::zeros((texts.len(), label.keys.len()));
    for (r, t) in texts.iter().enumerate() {
        for k in model.extractor().keys(t) {
            if let Ok(j) = label.keys.binary_search(&k) {
                x[[r, j]] += 1.0;
            }
        }
    }
    let y: Array1<usize> = examples
        .iter()
        .filter_map(|e| e.label.map(|l| l.index()))
        .collect();
    let nb = MultinomialNb::params()
        .alpha(label.alpha)
        .fit(&DatasetView::new(x.view(), y.view()))
        .unwrap();
    let predicted = nb.predict(&x);
    for (r, t) in texts.iter().enumerate() {
        let keys: Vec<u64> = model
            .extractor()
            .keys(t)
            .into_iter()
            .filter(|k| label.keys.binary_search(k).is_ok())
            .collect();
        let jll = model.joint_log_likelihood(LABEL, &keys);
        let best = (0..jll.len())
            .max_by(|&a, &b| jll[a].total_cmp(&jll[b]).then(b.cmp(&a)))
            .unwrap();
        assert_eq!(best, predicted[r], "label head, comment {r}");
    }
}

/// A span tagger that cannot be applied (a threshold outside [0, 1), a
/// weight that is not a number) is refused when the model is read.
#[test]
fn a_model_with_a_broken_span_tagger_is_refused() {
    let model: comment_sieve::model::Model = Classifier::default().model().as_ref().clone();
    let mut spans = model.spans.clone();
    let good = spans.tagger.expect("the default model has a tagger");
    for bad in [
        comment_sieve::model::SpanTagger {
            threshold: 1.5,
            ..good
        },
        comment_sieve::model::SpanTagger {
            bias: f32::NAN,
            ..good
        },
    ] {
        spans.tagger = Some(bad);
        let bytes = format::to_bytes(&model.clone().with_spans(spans.clone()));
        let err = format::from_bytes(&bytes).unwrap_err().to_string();
        assert!(err.contains("span tagger") || err.contains("null"), "{err}");
    }
}

#[test]
fn model_file_round_trips() {
    let clf = Classifier::default();
    let bytes = clf.to_bytes();
    let again = Classifier::from_bytes(&bytes).unwrap();
    assert_eq!(again.to_bytes(), bytes);
    let dir = std::env::temp_dir().join(format!("cs-core-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.csm");
    clf.save(&path).unwrap();
    let loaded = Classifier::load(&path).unwrap();
    let c = Comment::new("x", "Check out my channel and subscribe!");
    assert_eq!(loaded.classify(&c), clf.classify(&c));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn reason(e: Error) -> String {
    match e {
        Error::InvalidFile { reason, .. } => reason,
        other => panic!("expected InvalidFile, got {other}"),
    }
}

/// Rewrites the checksum so that only the tested damage remains.
fn fix_crc(b: &mut [u8]) {
    let mut h = crc32fast::Hasher::new();
    h.update(&b[28..]);
    let crc = h.finalize().to_le_bytes();
    b[24..28].copy_from_slice(&crc);
}

#[test]
fn damaged_model_files_are_errors() {
    let good = Classifier::default().to_bytes();
    // Not a model.
    assert!(
        reason(Classifier::from_bytes(b"hello world, this is not a model file").unwrap_err())
            .contains("not a comment-sieve model")
    );
    assert!(reason(Classifier::from_bytes(b"").unwrap_err()).contains("too short"));
    // Another version.
    let mut b = good.clone();
    b[8..12].copy_from_slice(&(format::VERSION + 1).to_le_bytes());
    let next = format!("format version {}", format::VERSION + 1);
    assert!(reason(Classifier::from_bytes(&b).unwrap_err()).contains(&next));
    // An older version.
    let mut b = good.clone();
    b[8..12].copy_from_slice(&2u32.to_le_bytes());
    assert!(reason(Classifier::from_bytes(&b).unwrap_err()).contains("retrain"));
    // Truncated.
    assert!(
        reason(Classifier::from_bytes(&good[..good.len() - 7]).unwrap_err()).contains("truncated")
    );
    // A flipped byte in the body.
    let mut b = good.clone();
    let at = b.len() - 100;
    b[at] ^= 0x10;
    assert!(reason(Classifier::from_bytes(&b).unwrap_err()).contains("checksum"));
    // Huge sizes claimed: body length, and a head's feature count.
    let mut b = good.clone();
    b[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(reason(Classifier::from_bytes(&b).unwrap_err()).contains("truncated"));
    let hlen = u32::from_le_bytes(good[12..16].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&good[28..28 + hlen]).unwrap();
    let n = Classifier::default().model().heads[LABEL].keys.len();
    let huge = header.replacen(
        &format!("\"features\":{n},"),
        "\"features\":99999999999999,",
        1,
    );
    assert_ne!(huge, header);
    let mut b = good[..28].to_vec();
    b[12..16].copy_from_slice(&(huge.len() as u32).to_le_bytes());
    b.extend_from_slice(huge.as_bytes());
    b.extend_from_slice(&good[28 + hlen..]);
    fix_crc(&mut b);
    assert!(reason(Classifier::from_bytes(&b).unwrap_err()).contains("more than the body holds"));
    // The path is named when loading a file.
    let p = std::env::temp_dir().join(format!("cs-bad-{}.csm", std::process::id()));
    std::fs::write(&p, b"garbage").unwrap();
    let msg = Classifier::load(&p).unwrap_err().to_string();
    assert!(msg.contains(&p.display().to_string()), "{msg}");
    std::fs::remove_file(&p).unwrap();
    assert!(matches!(
        Classifier::load("/nonexistent/model.csm"),
        Err(Error::Io { .. })
    ));
    assert_eq!(format::MAGIC, b"CSIEVEMD");
}

#[test]
fn training_is_reproducible_and_rebuilds_the_default_model() {
    let small: Vec<Example> = dev_examples().into_iter().step_by(3).collect();
    let a = format::to_bytes(&train::train(&TrainParams::default(), &small, vec![]).unwrap());
    let b = format::to_bytes(&train::train(&TrainParams::default(), &small, vec![]).unwrap());
    assert_eq!(a, b);
    // `comment-sieve train` from data/ gives exactly the shipped model.
    let (all, sources) = datasets::all_examples(&data()).unwrap();
    let model = train::train(&TrainParams::default(), &all, sources).unwrap();
    let spans = datasets::toxic_spans(&data().join(datasets::SPANS_TRAIN)).unwrap();
    let lexicon = comment_sieve::spans::fit_span_lexicon(&model, &spans);
    let rebuilt = format::to_bytes(&model.with_spans(lexicon));
    let shipped =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default.csm")).unwrap();
    assert!(
        rebuilt == shipped,
        "models/default.csm is stale: run `cargo run --release -- train`"
    );
}

#[test]
fn edge_case_inputs() {
    let clf = Classifier::default();
    for text in ["", "   \n\t  ", "\u{200B}\u{200B}"] {
        let v = clf.classify(&Comment::new("e", text));
        assert_eq!(v.label, Label::OffTopic, "{text:?}");
        assert_eq!(v.reasons[0].token, "empty comment");
    }
    // 1 MB and 100 KB comments: finite probabilities summing to one.
    let unit = "Pakistan and the ISI, see http://example.com/x $500 NOW!!! ";
    for size in [100_000, 1_000_000] {
        let text = unit.repeat(size / unit.len() + 1);
        let v = clf.classify(&Comment::new("big", &text));
        let p = v.probabilities;
        let sum = p.spam + p.abuse + p.off_topic + p.on_topic;
        assert!((sum - 1.0).abs() < 1e-9, "{sum}");
        for x in [p.spam, p.abuse, p.off_topic, p.on_topic] {
            assert!(x.is_finite() && (0.0..=1.0).contains(&x));
        }
        for r in &v.reasons {
            assert!(text.is_char_boundary(r.span.start) && text.is_char_boundary(r.span.end));
        }
    }
}

#[test]
fn invalid_params_are_errors() {
    let ex = dev_examples();
    for p in [
        TrainParams::default().alpha(0.0),
        TrainParams::default().alpha(f64::NAN),
        TrainParams::default().min_df(0),
        TrainParams::default().l2(0.0),
    ] {
        assert!(matches!(
            train::train(&p, &ex, vec![]),
            Err(Error::InvalidParam { .. })
        ));
    }
    let only_ham = vec![
        Example::spam("hello there", false),
        Example::spam("nice song", false),
    ];
    let e = train::train(&TrainParams::default(), &only_ham, vec![]).unwrap_err();
    assert!(e.to_string().contains("at least two classes"), "{e}");
}

#[test]
fn default_model_on_the_seed_comments() {
    let clf = Classifier::default();
    let seeds = datasets::seed_comments(&data().join("seed_comments.jsonl")).unwrap();
    assert_eq!(seeds.len(), 25);
    let mut agree = 0;
    let mut spam_found = 0;
    println!("| id | hand label | default model | P(label) |");
    for s in &seeds {
        let v = clf.classify(&Comment::new(&s.id, &s.text));
        agree += usize::from(v.label == s.label);
        println!(
            "| {} | {} | {} | {:.3} |",
            s.id,
            s.label,
            v.label,
            v.probabilities.get(v.label)
        );
        if s.label == Label::Spam && v.label == Label::Spam {
            spam_found += 1;
        }
    }
    println!("default model agrees with {agree}/25 hand labels (seen in training)");
    // Measured 16 of 25 (the seed table of docs/evaluation.md): the
    // model learned from 76,851 examples, of which these are 24, and most
    // of their abusive and self-promoting comments score below the label
    // thresholds.
    assert!(agree >= 16, "{agree}/25");
    println!("{spam_found}/5 spam comments found");
}

#[test]
fn an_unknown_place_in_the_thread_scores_as_the_text_alone() {
    let clf = Classifier::default();
    for t in [
        "These people should all be sent back where they came from.",
        "I agree with the court, the ruling makes sense to me.",
        "Check out my channel and subscribe!",
        "",
    ] {
        assert_eq!(clf.classify_in_thread(t, None, None), clf.classify_text(t));
        // The attribute heads do not use the place: only the label head's
        // off-topic share may move.
        for reply in [false, true] {
            let c = clf.classify_in_thread(t, None, Some(reply));
            let alone = clf.classify_text(t);
            assert_eq!(
                (c.scores.spam, c.scores.toxicity, c.scores.identity_attack),
                (
                    alone.scores.spam,
                    alone.scores.toxicity,
                    alone.scores.identity_attack
                )
            );
        }
    }
}

/// Toxic spans are code-point ranges of the original text (what Python
/// and JavaScript index), whatever precedes them, and there are none for
/// a comment that is not abusive.
#[test]
fn toxic_spans_are_code_points_of_abusive_comments() {
    let clf = Classifier::default();
    for prefix in ["", "Café crème: ", "😀😀 ", "<b>Hey</b> "] {
        let text = format!("{prefix}You are a complete idiot and a moron.");
        let v = clf.classify_text(&text);
        assert_eq!(v.label, Label::Abuse, "{text}");
        let words = span_texts(&text, &v.toxic_spans);
        assert_eq!(words, ["idiot", "moron"], "{text}: {:?}", v.toxic_spans);
    }
    let v = clf.classify_text("The council vote on the new bus lanes was rushed.");
    assert_ne!(v.label, Label::Abuse);
    assert!(v.toxic_spans.is_empty());
}

/// The span tagger marks an insult with the word next to it that
/// annotators mark with it, and leaves the words around them out.
#[test]
fn the_span_tagger_marks_an_insult_with_its_neighbour() {
    let clf = Classifier::default();
    assert!(clf.model().spans.tagger.is_some());
    let text = "What a stupid idiot, this guy is a total loser";
    let v = clf.classify_text(text);
    let words = span_texts(text, &v.toxic_spans);
    assert_eq!(words, ["stupid idiot", "loser"], "{:?}", v.toxic_spans);
}

/// The text of each code-point range of `text`.
fn span_texts(text: &str, spans: &[std::ops::Range<usize>]) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    spans
        .iter()
        .map(|r| chars[r.clone()].iter().collect())
        .collect()
}

/// Toxic comments whose insults share a stem written in ever new forms,
/// from two sources: words alone cannot know a form never seen, the
/// character block can.
fn stem_examples() -> Vec<Example> {
    let forms = [
        "zorbish", "zorbly", "mezorbs", "zorbing", "unzorbly", "zorbist",
    ];
    let toxic = [
        "you are so {}",
        "what a {} take",
        "stop being {} now",
        "{} people again",
    ];
    let clean = [
        "the council meets on tuesday",
        "thanks for the report on the budget",
        "the bus lanes opened last week",
        "a good point about the school board",
        "rain is expected later today",
        "the vote was close this year",
    ];
    let mut out = Vec::new();
    for round in 0..6 {
        let source = if round % 2 == 0 { "a" } else { "b" };
        for (i, t) in toxic.iter().enumerate() {
            let text = t.replace("{}", forms[(i + round) % forms.len()]);
            out.push(Example::toxic(text, true).from_source(source));
        }
        for c in clean {
            out.push(Example::toxic(format!("{c} {round}"), false).from_source(source));
        }
    }
    out
}

#[test]
fn the_character_block_reads_forms_never_seen() {
    let examples = stem_examples();
    let params = |bits| {
        TrainParams::default()
            .min_df(1)
            .calibrate(false)
            .char_block(bits)
    };
    let words = Classifier::new(train::train(&params(None), &examples, vec![]).unwrap());
    let chars = Classifier::new(train::train(&params(Some(12)), &examples, vec![]).unwrap());
    let unseen = "such a zorbesque comment";
    let (w, c) = (
        words.classify_text(unseen).scores.toxicity,
        chars.classify_text(unseen).scores.toxicity,
    );
    assert!(c > w + 0.1, "words {w}, with the character block {c}");
    let clean = chars
        .classify_text("the council vote on the budget")
        .scores
        .toxicity;
    assert!(clean < c, "clean {clean}, unseen form {c}");
    // The spam head has no block: the same with and without.
    assert_eq!(
        words.classify_text(unseen).scores.spam,
        chars.classify_text(unseen).scores.spam
    );
    // The block is saved and read back (a version 4 file), and scores the
    // same after.
    let bytes = chars.to_bytes();
    assert_eq!(
        u32::from_le_bytes(bytes[8..12].try_into().unwrap()),
        format::VERSION
    );
    let again = Classifier::from_bytes(&bytes).unwrap();
    assert_eq!(again.to_bytes(), bytes);
    assert_eq!(again.classify_text(unseen), chars.classify_text(unseen));
    // A model without one keeps the earlier version, which older builds read.
    let plain = words.to_bytes();
    assert_eq!(
        u32::from_le_bytes(plain[8..12].try_into().unwrap()),
        format::PLAIN_VERSION
    );
}

#[test]
fn a_word_carries_its_character_ngrams_into_the_reasons() {
    // "zorbo" is as often in toxic comments as in clean ones: as a word it
    // says nothing, but it is spelled like the insults.
    let mut examples = stem_examples();
    for (i, toxic) in [true, false, true, false, true, false]
        .into_iter()
        .enumerate()
    {
        let source = if i % 2 == 0 { "a" } else { "b" };
        let text = if toxic {
            "zorbo you are so zorbish"
        } else {
            "zorbo hosts the fair"
        };
        examples.push(Example::toxic(text, toxic).from_source(source));
    }
    let params = |bits| {
        TrainParams::default()
            .min_df(1)
            .calibrate(false)
            .char_block(bits)
    };
    let text = "zorbo again";
    let weight = |clf: &Classifier| {
        let v = clf.classify_text(text);
        v.reasons
            .iter()
            .find(|r| r.token == "zorbo")
            .map_or(0.0, |r| r.weight)
    };
    let words = Classifier::new(train::train(&params(None), &examples, vec![]).unwrap());
    let chars = Classifier::new(train::train(&params(Some(12)), &examples, vec![]).unwrap());
    assert_eq!(chars.classify_text(text).label, Label::Abuse);
    assert!(
        weight(&chars) > weight(&words) + 0.1,
        "{} against {}",
        weight(&chars),
        weight(&words)
    );
}

#[test]
fn the_abuse_heads_ignore_the_link_count() {
    // Every toxic example is without a link, every clean one has one: the
    // link count alone tells them apart, and only the abuse heads ignore it.
    let mut examples = Vec::new();
    for i in 0..12 {
        let source = if i % 2 == 0 { "a" } else { "b" };
        examples
            .push(Example::toxic(format!("you are a fool number {i}"), true).from_source(source));
        examples.push(
            Example::toxic(
                format!("the budget report {i} https://news.example.org/{i}"),
                false,
            )
            .from_source(source),
        );
        examples.push(
            Example::spam(format!("win a prize {i} https://prize.example.com"), true)
                .from_source(source),
        );
        examples.push(Example::spam(format!("the budget vote {i}"), false).from_source(source));
    }
    let params = |read| {
        TrainParams::default()
            .min_df(1)
            .calibrate(false)
            .abuse_link_count(read)
    };
    let abuse_link_reasons = |clf: &Classifier, text: &str| -> Vec<String> {
        clf.classify_text(text)
            .reasons
            .into_iter()
            .filter(|r| r.head == "toxicity" && r.token.starts_with("links="))
            .map(|r| r.token.to_string())
            .collect()
    };
    let reads = Classifier::new(train::train(&params(true), &examples, vec![]).unwrap());
    let ignores = Classifier::new(train::train(&params(false), &examples, vec![]).unwrap());
    // Read, the missing link pushes an unknown text toward abuse.
    let text = "a quiet afternoon";
    assert!(
        reads.classify_text(text).scores.toxicity > ignores.classify_text(text).scores.toxicity
    );
    // An abusive comment's reasons name the link count only when read.
    let insult = "you are a fool";
    assert_eq!(reads.classify_text(insult).label, Label::Abuse);
    assert_eq!(ignores.classify_text(insult).label, Label::Abuse);
    assert!(!abuse_link_reasons(&reads, insult).is_empty());
    assert!(abuse_link_reasons(&ignores, insult).is_empty());
    // Spam reads it either way.
    assert_eq!(
        reads.classify_text(text).scores.spam,
        ignores.classify_text(text).scores.spam
    );
}

#[test]
fn a_word_never_seen_is_a_reason_through_its_character_ngrams() {
    let params = TrainParams::default()
        .min_df(1)
        .calibrate(false)
        .char_block(Some(12));
    let clf = Classifier::new(train::train(&params, &stem_examples(), vec![]).unwrap());
    let v = clf.classify_text("you are so zorbesque");
    assert_eq!(v.label, Label::Abuse);
    let reason = v
        .reasons
        .iter()
        .find(|r| r.token == "zorbesque")
        .expect("the unknown word is a reason");
    assert!(reason.weight > 0.0);
    assert_eq!(reason.span, 11..20);
    // Without a block, a word the model does not know says nothing.
    let words =
        Classifier::new(train::train(&params.char_block(None), &stem_examples(), vec![]).unwrap());
    assert!(words
        .classify_text("you are so zorbesque")
        .reasons
        .iter()
        .all(|r| r.token != "zorbesque"));
}
