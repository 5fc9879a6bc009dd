//! The rules a moderator's verdict gives as its reasons ([`Rule`]).
//!
//! A closed set, so an enum: code that reads verdicts matches on it instead
//! of comparing strings, and a misspelled rule does not compile. It
//! serializes to the same lower-case names the verdict records have always
//! carried (`"spam"`, `"off_topic"`, …).

use serde::{Deserialize, Serialize};

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
    /// The author is trusted: approved without further checks.
    TrustedAuthor,
    /// Nothing to judge (no text after normalization).
    Empty,
}

impl Rule {
    /// Every rule, in declaration order.
    pub const ALL: [Rule; 9] = [
        Rule::Spam,
        Rule::Abuse,
        Rule::OffTopic,
        Rule::Links,
        Rule::HoldWord,
        Rule::BlockWord,
        Rule::Duplicate,
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
