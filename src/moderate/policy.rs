//! The site's moderation settings ([`Policy`]): the spam and abuse hold
//! and reject thresholds (the model's where unset), the off- and on-topic
//! relevance band, the link limit, word lists, trusted authors, and what
//! duplicates and corrections do.
//!
//! Kept apart from the [`Moderator`](super::Moderator) because a policy is
//! plain data: a service reads it from its configuration file and a
//! moderator validates it once, against its model, when it is built.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Model, Thresholds};

/// What to do with duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateAction {
    /// Reject duplicates.
    Reject,
    /// Hold duplicates for review.
    Hold,
    /// Report them only.
    Allow,
}

/// How corrections train the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feedback {
    /// Every submitted example updates the model.
    Always,
    /// Only examples the model currently gets wrong update it.
    OnError,
}

/// Policy settings.
///
/// | Name | Default | Meaning | Range |
/// |---|---|---|---|
/// | `reject_spam` | the model's `spam_reject` | reject when P(spam) is at least this | (0, 1] |
/// | `hold_spam` | the model's `spam_hold` | hold when P(spam) is at least this | (0, `reject_spam`] |
/// | `reject_abuse` | the model's `abuse_reject` | reject when P(abuse) is at least this | (0, 1] |
/// | `hold_abuse` | the model's `abuse_hold` | hold when P(abuse) is at least this | (0, `reject_abuse`] |
/// | `off_topic_below` | 0.45 | hold as off-topic when relevance to the article is below this | [0, 1] |
/// | `on_topic_above` | 0.5 | relevance from which a comment is on-topic whatever the classifier says; in between, the classifier decides | [`off_topic_below`, 1] |
/// | `max_links` | 2 | hold when a comment has more links | 0.. |
/// | `hold_words` | none | hold when one of these words occurs | |
/// | `block_words` | none | reject when one of these words occurs | |
/// | `trusted_authors` | none | approve these authors without classification | |
/// | `duplicates` | `Hold` | what to do with duplicates | |
/// | `feedback` | `Always` | which corrections train the model | |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// Reject at this P(spam) (`None`: the model's threshold).
    pub reject_spam: Option<f64>,
    /// Hold at this P(spam) (`None`: the model's threshold).
    pub hold_spam: Option<f64>,
    /// Reject at this P(abuse) (`None`: the model's threshold).
    pub reject_abuse: Option<f64>,
    /// Hold at this P(abuse) (`None`: the model's threshold).
    pub hold_abuse: Option<f64>,
    /// Hold as off-topic below this relevance.
    pub off_topic_below: f64,
    /// Relevance from which a comment is on-topic whatever the classifier
    /// says.
    pub on_topic_above: f64,
    /// Hold above this many links.
    pub max_links: usize,
    /// Words that hold a comment (lower case, as normalized).
    pub hold_words: Vec<String>,
    /// Words that reject a comment (lower case, as normalized).
    pub block_words: Vec<String>,
    /// Authors approved without classification.
    pub trusted_authors: Vec<String>,
    /// What to do with duplicates.
    pub duplicates: DuplicateAction,
    /// Which corrections train the model.
    pub feedback: Feedback,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            reject_spam: None,
            hold_spam: None,
            reject_abuse: None,
            hold_abuse: None,
            off_topic_below: 0.45,
            on_topic_above: 0.5,
            max_links: 2,
            hold_words: Vec::new(),
            block_words: Vec::new(),
            trusted_authors: Vec::new(),
            duplicates: DuplicateAction::Hold,
            feedback: Feedback::Always,
        }
    }
}

impl Policy {
    /// The thresholds this policy moderates with: `model`'s, with the
    /// spam and abuse hold and reject thresholds this policy sets in place
    /// of the model's (the label thresholds are always the model's). The
    /// same type the classifier decides with, so
    /// [`Thresholds::decide`] gives a policy's decision on scores too.
    pub fn thresholds(&self, model: &Model) -> Thresholds {
        let t = model.thresholds;
        Thresholds {
            spam_hold: self.hold_spam.unwrap_or(t.spam_hold),
            spam_reject: self.reject_spam.unwrap_or(t.spam_reject),
            abuse_hold: self.hold_abuse.unwrap_or(t.abuse_hold),
            abuse_reject: self.reject_abuse.unwrap_or(t.abuse_reject),
            ..t
        }
    }

    /// Validates every setting against `model`'s thresholds.
    pub fn validate(&self, model: &Model) -> Result<()> {
        let t = self.thresholds(model);
        for (name, v, lo) in [
            ("hold_spam", t.spam_hold, 0.0),
            ("reject_spam", t.spam_reject, t.spam_hold),
            ("hold_abuse", t.abuse_hold, 0.0),
            ("reject_abuse", t.abuse_reject, t.abuse_hold),
        ] {
            if !(v.is_finite() && v > 0.0 && v >= lo && v <= 1.0) {
                return Err(Error::InvalidParam {
                    name,
                    value: v.to_string(),
                    expected: "in (0, 1], hold at most reject",
                });
            }
        }
        if !(0.0..=1.0).contains(&self.off_topic_below) {
            return Err(Error::InvalidParam {
                name: "off_topic_below",
                value: self.off_topic_below.to_string(),
                expected: "in [0, 1]",
            });
        }
        if !(self.off_topic_below..=1.0).contains(&self.on_topic_above) {
            return Err(Error::InvalidParam {
                name: "on_topic_above",
                value: self.on_topic_above.to_string(),
                expected: "in [off_topic_below, 1]",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Classifier;

    /// A policy's thresholds are the model's with the ones it sets
    /// replaced; the label thresholds stay the model's.
    #[test]
    fn thresholds_replace_the_models_where_set() {
        let clf = Classifier::default();
        let model = clf.model();
        assert_eq!(Policy::default().thresholds(model), model.thresholds);
        let p = Policy {
            hold_spam: Some(0.3),
            reject_abuse: Some(0.9),
            ..Policy::default()
        };
        let t = p.thresholds(model);
        let m = model.thresholds;
        assert_eq!((t.spam_hold, t.spam_reject), (0.3, m.spam_reject));
        assert_eq!((t.abuse_hold, t.abuse_reject), (m.abuse_hold, 0.9));
        assert_eq!(
            (t.spam, t.abuse, t.off_topic),
            (m.spam, m.abuse, m.off_topic)
        );
        p.validate(model).unwrap();
    }

    /// A hold threshold above its reject threshold, or a relevance band
    /// upside down, is refused with the setting's name.
    #[test]
    fn validate_names_the_bad_setting() {
        let model = Classifier::default().model().clone();
        let bad = Policy {
            hold_spam: Some(0.9),
            reject_spam: Some(0.6),
            ..Policy::default()
        };
        match bad.validate(&model) {
            Err(Error::InvalidParam { name, .. }) => assert_eq!(name, "reject_spam"),
            other => panic!("{other:?}"),
        }
        let bad = Policy {
            off_topic_below: 0.6,
            on_topic_above: 0.5,
            ..Policy::default()
        };
        match bad.validate(&model) {
            Err(Error::InvalidParam { name, .. }) => assert_eq!(name, "on_topic_above"),
            other => panic!("{other:?}"),
        }
    }
}
