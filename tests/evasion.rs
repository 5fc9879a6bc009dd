//! Obfuscated spam and abuse are still recalled, and folding flags no
//! more clean comments (see `comment-sieve-tools bench evasion` for the tables).

use dev_support::evasion as evasion_support;

use std::path::Path;

use comment_sieve::Classifier;
use evasion_support::*;

#[test]
fn recall_holds_under_every_transform() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let positives = positives(&data);
    let clf = Classifier::default();
    let lex = clf.model().lexicon.clone();
    let rows = recall_table(&clf, &positives, &lex);
    let (s0, a0) = (rows[0].spam_recall, rows[0].abuse_recall);
    // Measured (`comment-sieve-tools bench evasion`): spam 64.3 %, abuse
    // 78.5 % on the original texts (YouTube spam and hateful Fox News
    // comments, both trained on, at the model's thresholds: the spam
    // head's intercept is set for news comments, where spam is rare, so
    // a third of the videos' spam stays below 0.5); the worst transform,
    // repeated letters, costs spam 8.5 points (55.8 %): with function
    // words no features, a spam comment has fewer features and each
    // hidden word weighs more.
    assert!(s0 > 60.0 && a0 > 60.0, "{}", markdown(&rows));
    for r in &rows[1..] {
        // Every transform rewrites most spam and many abusive comments.
        assert!(r.spam_changed > 400 && r.abuse_changed > 100, "{r:?}");
        assert!(
            r.spam_recall >= s0 - 9.0 && r.abuse_recall >= a0 - 7.5,
            "{}",
            markdown(&rows)
        );
    }
    // Without folding the same rewrites do evade: the set has teeth.
    let base = baseline(&data);
    let b = recall_table(&base, &positives, &lex);
    let worst = b[1..]
        .iter()
        .map(|r| r.spam_recall)
        .fold(f64::INFINITY, f64::min);
    assert!(worst < b[0].spam_recall - 10.0, "{}", markdown(&b));

    // No collateral damage: clean on-topic comments flagged as spam or
    // abuse rise by at most one point with folding on.
    let clean = clean(&data);
    assert!(clean.len() > 400);
    let (on, off) = (flag_rate(&clf, &clean), flag_rate(&base, &clean));
    assert!(
        on <= off + 1.0,
        "flagged {on:.2} % with folding, {off:.2} % without"
    );
}
