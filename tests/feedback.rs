//! Moderators' corrections through the [`Moderator`], on real comments: a
//! correction never moves its comment's score away from what it says, and
//! repeating it carries the comment across the model's threshold.

use std::path::{Path, PathBuf};

use comment_sieve::moderate::Moderator;
use comment_sieve::{Comment, Scores};
use comment_sieve_tools::datasets;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// The everyday comments of `tests/data/everyday.jsonl`, then every
/// `step`-th comment of the YouTube, seed and Fox News files.
fn texts(step: usize) -> Vec<String> {
    let everyday = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/everyday.jsonl");
    let mut out: Vec<String> = std::fs::read_to_string(everyday)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_string()
        })
        .collect();
    let mut rest: Vec<String> = Vec::new();
    for f in datasets::YOUTUBE_FILES {
        rest.extend(
            datasets::youtube(&data().join(f))
                .unwrap()
                .into_iter()
                .map(|e| e.text),
        );
    }
    rest.extend(
        datasets::seed_comments(&data().join("seed_comments.jsonl"))
            .unwrap()
            .into_iter()
            .map(|c| c.text),
    );
    rest.extend(
        datasets::fox(&data().join("fox-news-comments/dev.jsonl"))
            .unwrap()
            .into_iter()
            .map(|e| e.text),
    );
    out.extend(rest.into_iter().step_by(step));
    out
}

/// The four corrections: whether they are about spam, and what they say.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Spam,
    Ham,
    Abuse,
    NotAbuse,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Spam, Kind::Ham, Kind::Abuse, Kind::NotAbuse];

    fn submit(self, m: &mut Moderator, c: &Comment) -> bool {
        match self {
            Kind::Spam => m.submit_spam(c),
            Kind::Ham => m.submit_ham(c),
            Kind::Abuse => m.submit_abuse(c),
            Kind::NotAbuse => m.submit_not_abuse(c),
        }
    }

    /// The score it is about.
    fn score(self, s: &Scores) -> f64 {
        match self {
            Kind::Spam | Kind::Ham => s.spam,
            Kind::Abuse | Kind::NotAbuse => s.abuse,
        }
    }

    fn positive(self) -> bool {
        matches!(self, Kind::Spam | Kind::Abuse)
    }
}

/// Over many real comments, corrected one after another into one
/// moderator's model: a spam or abuse correction never lowers the
/// corrected comment's score, a ham or not-abuse one never raises it, and
/// most move it visibly.
#[test]
fn a_correction_never_moves_its_comment_the_wrong_way() {
    let texts = texts(6);
    assert!(texts.len() >= 300, "{}", texts.len());
    let mut m = Moderator::default();
    let mut visible = 0;
    for (i, t) in texts.iter().enumerate() {
        let kind = Kind::ALL[i % 4];
        let mut c = Comment::new(format!("c{i}"), t.as_str());
        c.reply = [None, Some(true), Some(false)][i % 3];
        let before = kind.score(&m.classifier().classify(&c).scores);
        assert!(kind.submit(&mut m, &c));
        let after = kind.score(&m.classifier().classify(&c).scores);
        if kind.positive() {
            assert!(after >= before, "{kind:?} {before} → {after}: {t}");
        } else {
            assert!(after <= before, "{kind:?} {before} → {after}: {t}");
        }
        visible += usize::from((after - before).abs() > 1e-3);
    }
    assert!(
        visible * 2 > texts.len(),
        "{visible} of {} moved by 0.001",
        texts.len()
    );
}

/// Repeating a correction of a comment on the wrong side of the model's
/// threshold carries it across, for spam and for abuse, either way.
#[test]
fn repeated_corrections_cross_the_threshold() {
    let texts = texts(30);
    let t = Moderator::default().classifier().model().thresholds;
    let mut crossed = [0usize; 4];
    for (k, kind) in Kind::ALL.into_iter().enumerate() {
        let mut m = Moderator::default();
        let threshold = match kind {
            Kind::Spam | Kind::Ham => t.spam,
            Kind::Abuse | Kind::NotAbuse => t.abuse,
        };
        let wrong = |p: f64| (p >= threshold) != kind.positive();
        for (i, text) in texts.iter().enumerate() {
            let c = Comment::new(format!("c{i}"), text.as_str());
            let p0 = kind.score(&m.classifier().classify(&c).scores);
            if !wrong(p0) {
                continue;
            }
            let mut n = 0;
            while wrong(kind.score(&m.classifier().classify(&c).scores)) {
                kind.submit(&mut m, &c);
                n += 1;
                assert!(n <= 100, "{kind:?}: {p0} after {n} corrections: {text}");
            }
            crossed[k] += 1;
        }
    }
    // Each kind had comments to carry across.
    assert!(crossed.iter().all(|&n| n >= 3), "{crossed:?}");
}
