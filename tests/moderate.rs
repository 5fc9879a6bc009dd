//! The moderation policy on the seed pages, relevance on real comments,
//! and feedback learning.

use dev_support::relevance as relevance_support;

use std::path::{Path, PathBuf};

use comment_sieve::moderate::{Action, Feedback, Moderator, Policy};
use comment_sieve::{Classifier, Comment, Correction, Label};
use comment_sieve_tools::datasets;
use linfa::prelude::*;
use linfa::DatasetView;
use linfa_bayes::MultinomialNb;
use ndarray::{Array1, Array2};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn moderator_with_articles() -> Moderator {
    relevance_support::seed_moderator(&data())
}

/// The seed comments in page order, each a reply to the comment it names
/// at its start ([`relevance_support::replied_to`]), as the README's seed
/// table shows them.
#[test]
fn seed_comments_through_the_moderator() {
    let mut m = moderator_with_articles();
    let seeds = datasets::seed_comments(&data().join("seed_comments.jsonl")).unwrap();
    let (mut on, mut off) = (Vec::new(), Vec::new());
    println!("| id | hand label | action | label | relevance | duplicate of |");
    println!("|---|---|---|---|---|---|");
    let mut agree = 0;
    for (i, s) in seeds.iter().enumerate() {
        let mut c = Comment::new(&s.id, &s.text);
        c.author = s.author.clone();
        c.article_id = s.article_id.clone();
        let parent = relevance_support::replied_to(&seeds, i).map(|p| p.text.as_str());
        let rel = m.relevance(s.article_id.as_deref().unwrap(), &s.text, parent);
        let v = m.moderate_in_reply(&c, parent);
        agree += usize::from(v.label == s.label);
        println!(
            "| {} | {} | {:?} | {} | {} | {} |",
            s.id,
            s.label,
            v.action,
            v.label,
            rel.map_or("-".into(), |r| format!("{r:.2}")),
            v.duplicate_of
                .as_ref()
                .map_or("-".into(), |d| format!("{} ({})", d.id, d.kind))
        );
        match s.label {
            Label::OnTopic => on.extend(rel),
            Label::OffTopic => off.extend(rel),
            _ => {}
        }
        // Duplicates are never approved.
        if s.duplicate_of.is_some() {
            assert_ne!(v.action, Action::Approve, "{}", s.id);
        }
        assert_eq!(
            v.duplicate_of.as_ref().map(|d| d.id.clone()),
            s.duplicate_of,
            "{}",
            s.id
        );
    }
    println!("labels agree with the hand labels: {agree}/25 (comments seen in training)");
    // Measured 20 (docs/evaluation.md, seed table): three comments that
    // name a nationality or a religion score as abusive, and a spam
    // comment posted twice scores 0.40 for spam (the spam head's
    // false-spam budget); the target of 23 is not reached.
    assert!(agree >= 20, "{agree}/25");
    let max_off = off.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let above = on.iter().filter(|&&r| r > max_off).count();
    println!(
        "relevance: {above}/{} on_topic comments score above the off_topic one ({max_off:.2})",
        on.len()
    );
    assert!(!off.is_empty() && above == on.len(), "{above}/{}", on.len());
}

/// A copy of another author's comment with a link of its own is held as
/// spam; the same copy without a link, a copy by the same author and a
/// copy keeping the original's link are not.
#[test]
fn a_copy_with_a_link_appended_is_spam() {
    let original = "The council vote on the new bus lanes was rushed, and the \
                    neighbourhood meetings were held after the decision had been made.";
    let run = |first_author: &str, first: &str, second_author: &str, second: &str| {
        let mut m = Moderator::new(Classifier::default(), Policy::default()).unwrap();
        let mut a = Comment::new("a", first);
        a.author = Some(first_author.into());
        m.moderate(&a);
        let mut b = Comment::new("b", second);
        b.author = Some(second_author.into());
        m.moderate(&b)
    };
    let with_link = format!("{original} http://easy-money.example.com/start");
    let v = run("ann", original, "bob", &with_link);
    assert_eq!(v.label, Label::Spam, "{v:?}");
    assert_ne!(v.action, Action::Approve, "{v:?}");
    assert!(v.reasons.iter().any(|r| r.rule == "copied_link"), "{v:?}");
    for v in [
        run("ann", original, "bob", original),
        run("ann", original, "ann", &with_link),
        run(
            "ann",
            &format!("{original} http://easy-money.example.com/"),
            "bob",
            &with_link,
        ),
    ] {
        assert!(v.duplicate_of.is_some(), "{v:?}");
        assert_ne!(v.label, Label::Spam, "{v:?}");
        assert!(v.reasons.iter().all(|r| r.rule != "copied_link"), "{v:?}");
    }
}

/// Check 1 of `comment-sieve-tools bench relevance`: every on-topic seed comment scores
/// above the off-topic one when the comments go through the moderator in
/// page order (thread and replies); alone, the reply that shares no word
/// with the article (`time-2012-0019`) is the one that falls below.
#[test]
fn seed_ordering_on_topic_above_off_topic() {
    let d = data();
    let threaded = relevance_support::seed_ordering(&mut moderator_with_articles(), &d, true);
    assert_eq!(threaded.above(), (12, 12), "max off {}", threaded.max_off());
    let alone = relevance_support::seed_ordering(&mut moderator_with_articles(), &d, false);
    assert_eq!(alone.above(), (11, 12));
    let below: Vec<&str> = alone
        .rows
        .iter()
        .filter(|r| r.label == Label::OnTopic && r.relevance.unwrap() <= alone.max_off())
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(below, ["time-2012-0019"]);
}

/// Check 2: no YouTube ham comment (music videos) is judged anything but
/// off-topic for any seed article.
#[test]
fn youtube_comments_are_off_topic_for_the_seed_articles() {
    let y = relevance_support::youtube(&moderator_with_articles(), &data());
    println!(
        "YouTube ham × seed articles: {}/{} off-topic",
        y.off, y.judged
    );
    assert!(y.judged >= 1500, "{}", y.judged);
    // Measured 1,699 of 1,700: one comment about a dancing girl in a train
    // scores 0.47 against the Q&A page.
    assert!(
        y.off * 1000 >= y.judged * 999,
        "{:?}",
        &y.misses[..y.misses.len().min(5)]
    );
    // With the seed threads running, short comments that name a word of
    // the topic take over the thread's relevance: some get through
    // (measured 1,573 of 1,700 still off-topic).
    let mut m = moderator_with_articles();
    relevance_support::seed_ordering(&mut m, &data(), true);
    let t = relevance_support::youtube(&m, &data());
    println!("with the seed threads running: {}/{}", t.off, t.judged);
    assert_eq!(t.judged, y.judged);
    assert!(t.off * 100 >= t.judged * 92, "{}/{}", t.off, t.judged);
}

/// Check 3: Fox News comments prefer their own article over a drawn other
/// one; with the thread of earlier comments, in at least 85 % of cases.
#[test]
fn fox_comments_prefer_their_own_article() {
    let d = data();
    let seed = relevance_support::FOX_SEED;
    let lead = relevance_support::fox(&d, seed, false);
    let thread = relevance_support::fox(&d, seed, true);
    println!(
        "Fox dev: title + lead {:.3} ({} ties), with earlier comments {:.3} ({} ties)",
        lead.share(),
        lead.ties,
        thread.share(),
        thread.ties
    );
    // Measured 0.699 and 0.901 (README); half the comments share no word
    // with their article's one-sentence lead, hence the ties.
    assert!(lead.share() >= 0.65, "{}", lead.share());
    assert!(thread.share() >= 0.85, "{}", thread.share());
    assert!(thread.ties * 4 < lead.ties);
    // A background that has not seen the two compared articles' comments
    // changes little (measured 0.685 and 0.896): the ties come from
    // comments that share no word with the lead, not from article words
    // made to look common.
    let held = relevance_support::fox_held_out(&d, seed, false);
    let held_thread = relevance_support::fox_held_out(&d, seed, true);
    println!(
        "held-out background: title + lead {:.3}, with earlier comments {:.3}",
        held.share(),
        held_thread.share()
    );
    assert!(
        held.share() >= 0.65 && held.share() < 0.75,
        "{}",
        held.share()
    );
    assert!(held_thread.share() >= 0.85, "{}", held_thread.share());
}

#[test]
fn feedback_corrects_a_misclassified_kind_of_comment() {
    let mut m = Moderator::new(Classifier::default(), Policy::default()).unwrap();
    let probe = Comment::new(
        "p",
        "Cheap watches at greatwatchdeals, best replica prices, order today",
    );
    let before = m.classifier().classify(&probe).scores.spam;
    let mut rounds = 0;
    for i in 0..10 {
        if m.classifier().classify(&probe).scores.spam >= 0.5 {
            break;
        }
        let c = Comment::new(
            format!("fb{i}"),
            format!("Cheap replica watches {i} at greatwatchdeals, order today best prices"),
        );
        assert!(m.submit_spam(&c));
        rounds += 1;
    }
    let after = m.classifier().classify(&probe).scores.spam;
    println!("P(spam) {before:.3} → {after:.3} after {rounds} corrections");
    // Each correction steps the spam head toward spam on its comment, and
    // the probe shares most of their words.
    assert!(before < 0.5 && after >= 0.5, "{before} → {after}");
    // Train-on-error skips what the model already gets right, and learns
    // what it gets wrong until it is right.
    let policy = Policy {
        feedback: Feedback::OnError,
        ..Policy::default()
    };
    let mut m2 = Moderator::new(Classifier::default(), policy.clone()).unwrap();
    let channel = Comment::new("s", "Check out my channel and subscribe!");
    assert!(!m2.submit_spam(&channel));
    let mut taken = 0;
    while m2.submit_spam(&probe) {
        taken += 1;
        assert!(taken < 50, "still taken for ham");
    }
    assert!(taken >= 1, "the probe was taken for ham");
    let hold = m2.classifier().model().thresholds.spam_hold;
    assert!(m2.classifier().classify(&probe).scores.spam >= hold);
    // The error is judged at the policy's hold threshold, not at 0.5.
    let p_channel = Classifier::default().classify(&channel).scores.spam;
    assert!(p_channel < 1.0, "{p_channel}");
    let strict = Policy {
        hold_spam: Some((p_channel + 1.0) / 2.0),
        reject_spam: Some(1.0),
        ..policy
    };
    let mut m3 = Moderator::new(Classifier::default(), strict).unwrap();
    assert!(
        m3.submit_spam(&channel),
        "below the policy's hold threshold"
    );
    // Corrections persist with the model.
    let p = std::env::temp_dir().join(format!("cs-moderate-{}.csm", std::process::id()));
    m.save_model(&p).unwrap();
    let reloaded = Classifier::load(&p).unwrap();
    assert_eq!(reloaded.classify(&probe), m.classifier().classify(&probe));
    std::fs::remove_file(&p).unwrap();
}

/// `Model::learn` gives exactly the counts of linfa-bayes's `fit_with` on the
/// same rows over the same vocabulary.
#[test]
fn learning_equals_linfa_fit_with() {
    let clf = Classifier::default();
    let mut model = (**clf.model()).clone();
    let head = &model.heads[0];
    let (keys, c) = (head.keys.clone(), head.n_classes());
    // The head's state as a linfa-bayes model (through its serde form).
    let mut info = serde_json::Map::new();
    let total: u64 = head.class_counts.iter().sum();
    for y in 0..c {
        let counts: Vec<f64> = (0..keys.len())
            .map(|i| head.counts[i * c + y] as f64)
            .collect();
        info.insert(
            y.to_string(),
            serde_json::json!({
                "class_count": head.class_counts[y],
                "prior": head.class_counts[y] as f64 / total as f64,
                "feature_count": {"v": 1, "dim": [keys.len()], "data": counts},
                "feature_log_prob": {"v": 1, "dim": [keys.len()], "data": vec![0.0; keys.len()]},
            }),
        );
    }
    let nb: MultinomialNb<f64, usize> =
        serde_json::from_value(serde_json::json!({ "class_info": info })).unwrap();
    let rows = [
        ("check out my channel http://example.com subscribe", 1usize),
        ("love this song so much", 0),
        ("free gift cards at example.com click now", 1),
    ];
    let mut x = Array2::<f64>::zeros((rows.len(), keys.len()));
    for (r, (t, _)) in rows.iter().enumerate() {
        for k in model.extractor().keys(t) {
            if let Ok(j) = keys.binary_search(&k) {
                x[[r, j]] += 1.0;
            }
        }
    }
    let y: Array1<usize> = rows.iter().map(|r| r.1).collect();
    let params = MultinomialNb::<f64, usize>::params()
        .alpha(head.alpha)
        .check()
        .unwrap();
    let nb = params
        .fit_with(Some(nb), &DatasetView::new(x.view(), y.view()))
        .unwrap()
        .unwrap();
    for (t, y) in rows {
        model.learn(Correction::Spam(y == 1), t);
    }
    let state = serde_json::to_value(&nb).unwrap();
    let h = &model.heads[0];
    for y in 0..c {
        let ci = &state["class_info"][y.to_string()];
        assert_eq!(ci["class_count"].as_u64().unwrap(), h.class_counts[y]);
        let data = ci["feature_count"]["data"].as_array().unwrap();
        for (i, v) in data.iter().enumerate() {
            assert_eq!(
                v.as_f64().unwrap() as f32,
                h.counts[i * c + y],
                "feature {i} class {y}"
            );
        }
    }
}

/// A model trained with context features sees, through the moderator, the
/// comment replied to and the author's earlier comments under the same
/// article. On each Fox News article, with a model trained on the other
/// four and the article's comments moderated in file order, that ranks
/// hateful comments better than the same comments without authors.
#[test]
fn a_context_model_sees_the_authors_earlier_comments() {
    use comment_sieve::{train, Example, FeatureConfig, TrainParams};
    use comment_sieve_tools::eval::roc_auc;

    let fox = datasets::fox_comments(&data().join("fox-news-comments/dev.jsonl")).unwrap();
    let mut titles: Vec<&str> = fox.iter().map(|c| c.title.as_str()).collect();
    titles.sort_unstable();
    titles.dedup();
    assert_eq!(titles.len(), 5);
    let features = FeatureConfig {
        context: true,
        ..FeatureConfig::default()
    };
    let params = TrainParams::default().features(features);
    let (mut sum_with, mut sum_without) = (0.0, 0.0);
    for title in &titles {
        // Training comments get all their author's other comments under
        // the article as context, as `evaluate` with `CONTEXT=author` does.
        let examples: Vec<Example> = fox
            .iter()
            .enumerate()
            .filter(|(_, c)| c.title != *title)
            .map(|(i, c)| {
                let others: Vec<&str> = fox
                    .iter()
                    .enumerate()
                    .filter(|&(j, o)| j != i && o.user == c.user && o.title == c.title)
                    .map(|(_, o)| o.text.as_str())
                    .collect();
                Example::identity_attack(c.text.clone(), c.hateful().unwrap())
                    .with_context(others.join("\n"))
            })
            .collect();
        let classifier = Classifier::new(train::train(&params, &examples, vec![]).unwrap());
        let run = |with_authors: bool| {
            let mut m = Moderator::new(classifier.clone(), Policy::default()).unwrap();
            let scored: Vec<(f64, bool)> = fox
                .iter()
                .enumerate()
                .filter(|(_, c)| c.title == *title)
                .map(|(i, c)| {
                    let mut comment = Comment::new(format!("fox{i}"), c.text.clone());
                    comment.article_id = Some("article".into());
                    if with_authors {
                        comment.author = Some(c.user.clone());
                    }
                    (m.moderate(&comment).scores.abuse, c.hateful().unwrap())
                })
                .collect();
            if with_authors {
                // Closing the article forgets its authors' comments: the
                // last comment then scores as it does with no history.
                let (i, c) = fox
                    .iter()
                    .enumerate()
                    .rfind(|(_, c)| c.title == *title)
                    .unwrap();
                let mut comment = Comment::new(format!("again{i}"), c.text.clone());
                comment.article_id = Some("article".into());
                comment.author = Some(c.user.clone());
                m.close_article("article");
                let fresh = Moderator::new(classifier.clone(), Policy::default())
                    .unwrap()
                    .moderate(&comment)
                    .scores
                    .abuse;
                assert_eq!(m.moderate(&comment).scores.abuse, fresh);
            }
            roc_auc(&scored)
        };
        let (with, without) = (run(true), run(false));
        println!("{title}: ROC-AUC with authors {with:.3}, without {without:.3}");
        sum_with += with;
        sum_without += without;
    }
    let (with, without) = (sum_with / 5.0, sum_without / 5.0);
    // Measured 0.661 with authors, 0.660 without: the authors' comments
    // reach the classifier but add little to the logistic layer.
    println!("mean ROC-AUC: with authors {with:.3}, without {without:.3}");
    assert!(with.is_finite() && without.is_finite());
    assert_ne!(with, without, "the authors' comments reach the classifier");
    // The default model has no context features: authors change nothing.
    let mut a = Moderator::default();
    let mut b = Moderator::default();
    let mut first = Comment::new("x1", "These people are a disgrace to the country.");
    first.author = Some("reader".into());
    first.article_id = Some("t".into());
    a.moderate(&first);
    let mut second = Comment::new("x2", "I agree with the decision.");
    second.article_id = Some("t".into());
    let plain = b.moderate(&second);
    second.author = Some("reader".into());
    assert_eq!(a.moderate(&second).scores, plain.scores);
}

/// A correction adds the comment's features to its class's counts, once
/// each, and moves the score toward that class; through the moderator
/// too.
#[test]
fn learning_moves_an_attribute_head() {
    let mut clf = Classifier::default();
    let toxicity = comment_sieve::model::TOXICITY;
    let before = clf.model().heads[toxicity].clone();
    let text = "I agree with the court, the ruling makes sense to me.";
    let p = |clf: &Classifier| clf.classify_text(text).scores.toxicity;
    let p0 = p(&clf);
    let known = clf.learn(Correction::Toxic(true), text);
    assert!(known > 5, "{known}");
    for _ in 0..4 {
        clf.learn(Correction::Toxic(true), text);
    }
    let after = &clf.model().heads[toxicity];
    assert_eq!(after.class_counts[1], before.class_counts[1] + 5);
    let keys = clf.model().extractor().keys(text);
    for k in keys {
        if let Ok(i) = after.keys.binary_search(&k) {
            assert_eq!(after.counts[i * 2 + 1], before.counts[i * 2 + 1] + 5.0);
            assert_eq!(after.counts[i * 2], before.counts[i * 2]);
        }
    }
    assert!(p(&clf) > p0, "{p0} → {}", p(&clf));
    // Through the moderator: an abuse correction counts once.
    let mut m = Moderator::new(Classifier::default(), Policy::default()).unwrap();
    m.submit_abuse(&Comment::new("r1", text).in_article("a1"));
    let h = &m.classifier().model().heads[toxicity];
    assert_eq!(h.class_counts[1], before.class_counts[1] + 1);
}
