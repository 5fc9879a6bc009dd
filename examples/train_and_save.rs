//! Trains a model on a site's own moderation history and saves it; the
//! saved file loads back into the same classifier.
//!
//! ```text
//! cargo run --release --example train_and_save [-- MODEL_PATH]
//! ```

use comment_sieve::{Classifier, Comment, Example, Label, TrainParams};

fn main() -> comment_sieve::Result<()> {
    // A site's history: what its moderators decided, one example per comment.
    let history = vec![
        Example::labeled("Great reporting on the flood, thank you.", Label::OnTopic),
        Example::labeled("The mayor's plan ignores the river levels.", Label::OnTopic),
        Example::labeled("Cheap watches here, click my link!!!", Label::Spam),
        Example::labeled("Earn money fast, visit my page now", Label::Spam),
        Example::labeled("You people are worthless idiots.", Label::Abuse),
        Example::labeled("Shut up, moron, nobody asked you.", Label::Abuse),
        Example::labeled("Anyone watching the game tonight?", Label::OffTopic),
        Example::labeled("First! Happy Friday everyone.", Label::OffTopic),
        // Examples may also say only what they know, e.g. only spam or not.
        Example::spam("Subscribe to my channel for free gift cards", true),
        Example::spam("The bridge repairs should start in spring.", false),
    ];
    let classifier = Classifier::train(&TrainParams::default(), &history)?;

    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| std::env::temp_dir().join("site.csm").display().to_string());
    classifier.save(&path)?;
    let loaded = Classifier::load(&path)?;

    let comment = Comment::new("new", "Click my link for cheap watches");
    let (a, b) = (classifier.classify(&comment), loaded.classify(&comment));
    assert_eq!(a, b, "the saved model classifies as the trained one");
    println!("saved {path}; {:?} (spam {:.3})", b.label, b.scores.spam);
    Ok(())
}
