//! Content labels and labeled examples.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The content label of a comment. When two fit, the first in this order
/// wins: `spam`, `abuse`, `off_topic`, `on_topic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// Promotes or drives clicks: money schemes, self-promotion, link dumps.
    Spam,
    /// Attacks people or groups: slurs, insults, dehumanising generalisations, threats.
    Abuse,
    /// Neither spam nor abuse, and not about the article or the discussion.
    OffTopic,
    /// Discusses the article's subject or replies on it.
    OnTopic,
}

impl Label {
    /// All labels in priority order.
    pub const ALL: [Label; 4] = [Label::Spam, Label::Abuse, Label::OffTopic, Label::OnTopic];

    /// The label's name as written in data files.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Spam => "spam",
            Label::Abuse => "abuse",
            Label::OffTopic => "off_topic",
            Label::OnTopic => "on_topic",
        }
    }

    /// Position in [`Label::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Label {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "spam" => Ok(Label::Spam),
            "abuse" | "abusive" => Ok(Label::Abuse),
            "off_topic" | "offtopic" => Ok(Label::OffTopic),
            "on_topic" | "ontopic" => Ok(Label::OnTopic),
            other => Err(format!(
                "unknown label {other:?} (expected spam, abuse, off_topic or on_topic)"
            )),
        }
    }
}

/// A labeled training or evaluation example.
///
/// Public data sets label one or two attributes only: a YouTube comment is
/// spam or not, a tweet toxic or not. An example says what it knows and
/// nothing more (`None`: not labeled); each head trains on the examples
/// that label its attribute.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Example {
    /// The comment text.
    pub text: String,
    /// The full content label, when known.
    pub label: Option<Label>,
    /// Whether it is spam, when known.
    pub spam: Option<bool>,
    /// Whether it is toxic (insults, profanity at people, threats, plain
    /// rudeness), when known.
    pub toxicity: Option<bool>,
    /// Whether it attacks a group for who they are, when known.
    #[serde(default)]
    pub identity_attack: Option<bool>,
    /// The data set it comes from (the unit left out by cross-source
    /// validation).
    #[serde(default)]
    pub source: Option<String>,
    /// A group (video, article) for grouped splits.
    #[serde(default)]
    pub group: Option<String>,
    /// The comment's context (article title and lead, neighbouring
    /// comments), used when the features say so.
    #[serde(default)]
    pub context: Option<String>,
    /// Whether the comment replies to another (`false`: it starts a
    /// thread), when known; used when the features say so.
    #[serde(default)]
    pub reply: Option<bool>,
}

impl Example {
    /// An example with a full content label, which also tells spam and
    /// toxicity (an `abuse` label is toxic; whether it attacks a group is
    /// not said).
    pub fn labeled(text: impl Into<String>, label: Label) -> Self {
        Example {
            text: text.into(),
            label: Some(label),
            spam: Some(label == Label::Spam),
            toxicity: match label {
                Label::Spam => None,
                _ => Some(label == Label::Abuse),
            },
            identity_attack: match label {
                Label::Spam | Label::Abuse => None,
                _ => Some(false),
            },
            ..Default::default()
        }
    }

    /// An example that only says whether it is spam.
    pub fn spam(text: impl Into<String>, is_spam: bool) -> Self {
        Example {
            text: text.into(),
            spam: Some(is_spam),
            ..Default::default()
        }
    }

    /// An example that only says whether it is toxic.
    pub fn toxic(text: impl Into<String>, is_toxic: bool) -> Self {
        Example {
            text: text.into(),
            toxicity: Some(is_toxic),
            ..Default::default()
        }
    }

    /// An example that only says whether it attacks a group.
    pub fn identity_attack(text: impl Into<String>, is_attack: bool) -> Self {
        Example {
            text: text.into(),
            identity_attack: Some(is_attack),
            ..Default::default()
        }
    }

    /// Sets whether it is spam.
    pub fn with_spam(mut self, is_spam: bool) -> Self {
        self.spam = Some(is_spam);
        self
    }

    /// Sets whether it is toxic.
    pub fn with_toxicity(mut self, is_toxic: bool) -> Self {
        self.toxicity = Some(is_toxic);
        self
    }

    /// Sets whether it attacks a group.
    pub fn with_identity_attack(mut self, is_attack: bool) -> Self {
        self.identity_attack = Some(is_attack);
        self
    }

    /// Sets the data set it comes from.
    pub fn from_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Sets the context.
    pub fn with_context(mut self, context: impl Into<String>) -> Self {
        self.context = Some(context.into());
        self
    }

    /// Sets whether it replies to another comment (`false`: it starts a
    /// thread).
    pub fn replying(mut self, reply: bool) -> Self {
        self.reply = Some(reply);
        self
    }

    /// Sets the group.
    pub fn in_group(mut self, group: impl Into<String>) -> Self {
        self.group = Some(group.into());
        self
    }
}
