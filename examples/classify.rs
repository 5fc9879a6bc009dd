//! Classifies a few comments with the model built into the library and
//! prints each one's label, attribute scores and the words behind them.
//!
//! ```text
//! cargo run --release --example classify
//! ```

use comment_sieve::{Classifier, Comment};

fn main() {
    let classifier = Classifier::default();
    let comments = [
        Comment::new(
            "c1",
            "The council should publish the budget before the vote.",
        ),
        Comment::new(
            "c2",
            "Earn $5000 a month from home, sign up at http://example.com/cash now",
        ),
        Comment::new("c3", "You are an idiot and nobody wants you here."),
    ];
    for comment in &comments {
        let c = classifier.classify(comment);
        let words: Vec<&str> = c.reasons.iter().map(|r| r.token.as_str()).collect();
        println!(
            "{}: {:?} (spam {:.3}, toxicity {:.3}, identity attack {:.3}) because of {:?}",
            comment.id, c.label, c.scores.spam, c.scores.toxicity, c.scores.identity_attack, words
        );
    }
}
