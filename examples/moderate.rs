//! Moderates comments under an article: relevance to the article, the
//! policy's approve/hold/reject, then a moderator's correction that the
//! model learns from at once.
//!
//! ```text
//! cargo run --release --example moderate
//! ```

use comment_sieve::moderate::Moderator;
use comment_sieve::Comment;

fn main() {
    let mut moderator = Moderator::default();
    moderator.add_article(
        "a1",
        "River levels rise after storm",
        "The river rose two metres overnight and the council opened flood shelters in the town hall.",
    );
    let comments = [
        Comment::new(
            "c1",
            "Are the flood shelters in the town hall open all night?",
        )
        .in_article("a1"),
        Comment::new("c2", "Who else is watching the football tonight?").in_article("a1"),
        Comment::new("c3", "Buy cheap sunglasses at my shop, link in profile").in_article("a1"),
    ];
    for c in &comments {
        let v = moderator.moderate(c);
        let relevance = moderator.relevance("a1", &c.text, None).unwrap_or(0.0);
        println!(
            "{}: {:?} as {:?}, relevance {relevance:.3}",
            c.id, v.action, v.label
        );
    }

    // A moderator marks a comment as spam; the model learns it in place:
    // the naive Bayes counts, and one step of the spam head's logistic
    // layer on that comment, so its spam score goes up (never down) and
    // repeated corrections carry it over the threshold.
    let missed =
        Comment::new("c4", "Great deals on garden furniture this week only").in_article("a1");
    let before = moderator.moderate(&missed).scores.spam;
    moderator.submit_spam(&missed);
    let after = moderator.moderate(&missed).scores.spam;
    assert!(after > before, "spam {before} -> {after}");
    println!("after the correction, spam {before:.4} -> {after:.4}");
}
