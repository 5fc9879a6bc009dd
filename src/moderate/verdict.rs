//! What a [`Moderator`](super::Moderator) decides about one comment: a
//! [`Verdict`] with its [`Action`], scores, the earlier comment it repeats
//! ([`DuplicateRef`]) and its reasons, each naming the [`Rule`] that fired.
//!
//! These are the types front ends serialize (the `label` command's
//! records, the service's answers, the Python package's dicts), so their
//! JSON field names are part of the interface. The rules are a closed set,
//! so an enum: code that reads verdicts matches on it instead of comparing
//! strings, and a misspelled rule does not compile. It serializes to the
//! same lower-case names the verdict records have always carried
//! (`"spam"`, `"off_topic"`, …).

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::dedup::{Duplicate, DuplicateKind};
use crate::label::Label;
use crate::verdict::Decision;

/// What to do with a comment (the classifier's [`Decision`]).
pub type Action = Decision;

/// Scores behind a verdict, each in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VerdictScores {
    /// P(spam).
    pub spam: f64,
    /// The abusive score: the larger of `toxicity` and `identity_attack`.
    pub abuse: f64,
    /// P(toxic).
    #[serde(default)]
    pub toxicity: f64,
    /// P(identity attack).
    #[serde(default)]
    pub identity_attack: f64,
    /// How off-topic: 1 − relevance to the article when it is known, else
    /// the classifier's off-topic share.
    pub off_topic: f64,
    /// Similarity to the earlier comment it repeats (0 when none).
    pub duplicate: f64,
}

/// One reason for a verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictReason {
    /// The rule (serialized `spam`, `abuse`, `off_topic`, `links`,
    /// `hold_word`, `block_word`, `duplicate`, `trusted_author`, `empty`).
    pub rule: Rule,
    /// What it concerns: a token, a word, an earlier comment's id.
    pub detail: String,
    /// A weight or similarity, where there is one.
    pub weight: f64,
    /// Byte range in the comment's text, where there is one.
    pub span: Option<Range<usize>>,
}

/// The decision on one comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// What to do.
    pub action: Action,
    /// The content label.
    pub label: Label,
    /// The scores.
    pub scores: VerdictScores,
    /// The earlier comment it repeats, if any.
    pub duplicate_of: Option<DuplicateRef>,
    /// Why, strongest first.
    pub reasons: Vec<VerdictReason>,
    /// The character ranges (code points) that make it abusive; empty
    /// unless it is labeled abusive.
    #[serde(default)]
    pub toxic_spans: Vec<Range<usize>>,
}

/// An earlier comment that a comment repeats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateRef {
    /// Its id.
    pub id: String,
    /// How (serialized `exact`, `near`, `partial` or `template`).
    pub kind: DuplicateKind,
    /// Resemblance or containment.
    pub similarity: f64,
}

impl From<&Duplicate> for DuplicateRef {
    fn from(d: &Duplicate) -> Self {
        DuplicateRef {
            id: d.of.clone(),
            kind: d.kind,
            similarity: d.similarity,
        }
    }
}

/// Why a verdict holds or rejects a comment (or approves it early).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The spam score reached the hold threshold (also the spam head's
    /// strongest tokens).
    Spam,
    /// The abuse score reached the hold threshold (also the abuse head's
    /// strongest tokens).
    Abuse,
    /// Off the article's topic.
    OffTopic,
    /// More links than the policy allows.
    Links,
    /// A word of the hold list.
    HoldWord,
    /// A word of the block list.
    BlockWord,
    /// A repeat of an earlier comment.
    Duplicate,
    /// A copy of another author's comment with a link of its own: spam.
    CopiedLink,
    /// The author is trusted: approved without further checks.
    TrustedAuthor,
    /// Nothing to judge (no text after normalization).
    Empty,
}

impl Rule {
    /// Every rule, in declaration order.
    pub const ALL: [Rule; 10] = [
        Rule::Spam,
        Rule::Abuse,
        Rule::OffTopic,
        Rule::Links,
        Rule::HoldWord,
        Rule::BlockWord,
        Rule::Duplicate,
        Rule::CopiedLink,
        Rule::TrustedAuthor,
        Rule::Empty,
    ];

    /// The rule's name as verdict records write it (`"off_topic"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Spam => "spam",
            Rule::Abuse => "abuse",
            Rule::OffTopic => "off_topic",
            Rule::Links => "links",
            Rule::HoldWord => "hold_word",
            Rule::BlockWord => "block_word",
            Rule::Duplicate => "duplicate",
            Rule::CopiedLink => "copied_link",
            Rule::TrustedAuthor => "trusted_author",
            Rule::Empty => "empty",
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Rule {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde writes and reads the names `as_str` gives.
    #[test]
    fn serializes_to_its_name() {
        for r in Rule::ALL {
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
            assert_eq!(serde_json::from_str::<Rule>(&json).unwrap(), r);
        }
    }

    /// A verdict's duplicate reference keeps its JSON: the kind as its
    /// lower-case name.
    #[test]
    fn duplicate_kinds_serialize_to_their_names() {
        use crate::dedup::DuplicateKind;
        use crate::moderate::DuplicateRef;
        for kind in [
            DuplicateKind::Exact,
            DuplicateKind::Near,
            DuplicateKind::Partial,
            DuplicateKind::Template,
        ] {
            let d = DuplicateRef {
                id: "c1".into(),
                kind,
                similarity: 0.5,
            };
            assert_eq!(
                serde_json::to_string(&d).unwrap(),
                format!(
                    r#"{{"id":"c1","kind":"{}","similarity":0.5}}"#,
                    kind.as_str()
                )
            );
        }
    }
}
