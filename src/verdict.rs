//! The plain data types of a classification: a [`Classification`] with
//! its label's [`Probabilities`], the attribute [`Scores`], the
//! [`Reason`]s, and the moderation [`Decision`] the thresholds give.
//!
//! They sit below the model and the classifier: the model's
//! [`Thresholds::decide`](crate::Thresholds::decide) and the moderator read
//! them, and front ends (the `label` command, the service, the Python
//! package) serialize them, without depending on how a comment is scored
//! ([`classify`](crate::classify)). Their JSON field names are part of the
//! interface.

use std::borrow::Cow;
use std::ops::Range;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use crate::label::Label;

/// Probabilities of the four labels; they sum to one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Probabilities {
    /// P(spam).
    pub spam: f64,
    /// P(abuse).
    pub abuse: f64,
    /// P(off_topic).
    pub off_topic: f64,
    /// P(on_topic).
    pub on_topic: f64,
}

impl Probabilities {
    /// The probability of `label`.
    pub fn get(&self, label: Label) -> f64 {
        match label {
            Label::Spam => self.spam,
            Label::Abuse => self.abuse,
            Label::OffTopic => self.off_topic,
            Label::OnTopic => self.on_topic,
        }
    }
}

/// Attribute scores: each head's own calibrated probability, usable as a
/// score for ranking and ROC curves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// P(spam) from the spam head.
    pub spam: f64,
    /// The policy's abusive score: the larger of `toxicity` and
    /// `identity_attack`.
    pub abuse: f64,
    /// P(off topic | neither spam nor abuse) from the label head.
    pub off_topic: f64,
    /// P(toxic): insults, profanity at people, threats, plain rudeness.
    #[serde(default)]
    pub toxicity: f64,
    /// P(identity attack): an attack on a group for who they are.
    #[serde(default)]
    pub identity_attack: f64,
}

/// What to do with a comment: publish it, hold it for a moderator, or
/// reject it. See [`Thresholds::decide`](crate::Thresholds::decide).
///
/// Ordered by strictness: `Approve < Hold < Reject`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Publish.
    Approve,
    /// Hold for review.
    Hold,
    /// Reject (spam or abuse with high confidence).
    Reject,
}

/// Why a comment got its label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// The token (or word pair) as the model saw it; held inline up to
    /// 24 bytes (nearly all are shorter), so a verdict allocates no token
    /// strings.
    pub token: CompactString,
    /// The head that weighed it (`spam`, `toxicity`, `identity_attack`,
    /// `label`), or `rule` for a rule's reason (an empty comment's).
    /// The standard names are static strings, so a reason allocates
    /// nothing for its head; a head of another name is owned.
    pub head: Cow<'static, str>,
    /// Its weight toward the label: a log-probability ratio (> 0 pushes
    /// toward the label).
    pub weight: f64,
    /// Byte range in the comment's text.
    pub span: Range<usize>,
}

/// The head of a reason that a rule gave, not a model head: the only one
/// is the empty comment's ([`EMPTY_REASON`]).
pub const RULE_HEAD: &str = "rule";

/// The token of the rule reason of an empty comment (no text after
/// normalization); see [`Classification::is_empty_comment`].
pub const EMPTY_REASON: &str = "empty comment";

/// The token of the reason that a comment starts a thread (see
/// [`Classifier::classify_in_thread`](crate::Classifier::classify_in_thread));
/// brackets keep it apart from words.
pub const STARTER_REASON: &str = "[thread starter]";

/// The token of the reason that a comment replies to another.
pub const REPLY_REASON: &str = "[reply]";

/// The verdict on one comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// The content label.
    pub label: Label,
    /// Probability of every label.
    pub probabilities: Probabilities,
    /// Attribute scores.
    pub scores: Scores,
    /// The strongest evidence for the label, strongest first (at most 5,
    /// each with at least a tenth of the first one's weight); or a rule
    /// (`empty comment`) with no span.
    pub reasons: Vec<Reason>,
    /// The character ranges `[start, end)` of the text that make it
    /// abusive, in Unicode code points (what Python and JavaScript index),
    /// in text order; empty unless the comment is labeled abusive.
    #[serde(default)]
    pub toxic_spans: Vec<Range<usize>>,
}

impl Classification {
    /// Whether this is the verdict on an empty comment (no text after
    /// normalization): nothing was scored, and its one reason is the rule
    /// `empty comment` under the head `rule`. True also of such a verdict
    /// read back from JSON.
    ///
    /// ```
    /// use comment_sieve::Classifier;
    ///
    /// let clf = Classifier::default();
    /// assert!(clf.classify_text(" \u{200b} ").is_empty_comment());
    /// assert!(!clf.classify_text("Nice article.").is_empty_comment());
    /// ```
    pub fn is_empty_comment(&self) -> bool {
        matches!(self.reasons.as_slice(), [r] if r.head == RULE_HEAD && r.token == EMPTY_REASON)
    }
}

/// The classification of an empty comment (no text after normalization):
/// off-topic with certainty, nothing scored, and the one reason
/// [`EMPTY_REASON`] under [`RULE_HEAD`], which
/// [`Classification::is_empty_comment`] recognizes.
pub(crate) fn empty_verdict() -> Classification {
    Classification {
        label: Label::OffTopic,
        probabilities: Probabilities {
            spam: 0.0,
            abuse: 0.0,
            off_topic: 1.0,
            on_topic: 0.0,
        },
        scores: Scores {
            off_topic: 1.0,
            ..Default::default()
        },
        reasons: vec![Reason {
            token: EMPTY_REASON.into(),
            head: Cow::Borrowed(RULE_HEAD),
            weight: 0.0,
            span: 0..0,
        }],
        toxic_spans: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Classifier;

    /// A verdict's JSON names each reason's head as a plain string and
    /// reads back to the same verdict (the head then owned, still equal).
    #[test]
    fn verdict_json_round_trips() {
        let clf = Classifier::default();
        let v = clf.classify_text("Check out my channel and subscribe!");
        assert!(matches!(v.reasons[0].head, Cow::Borrowed("spam")));
        let json = serde_json::to_string(&v).unwrap();
        assert!(json.contains(r#""head":"spam""#), "{json}");
        let back: Classification = serde_json::from_str(&json).unwrap();
        assert_eq!(back, v);
        assert!(!back.is_empty_comment());
        let empty = empty_verdict();
        assert!(empty.is_empty_comment());
        let back: Classification =
            serde_json::from_str(&serde_json::to_string(&empty).unwrap()).unwrap();
        assert!(back.is_empty_comment());
        let e = serde_json::to_string(&empty.reasons[0]).unwrap();
        assert_eq!(
            e,
            r#"{"token":"empty comment","head":"rule","weight":0.0,"span":{"start":0,"end":0}}"#
        );
    }
}
