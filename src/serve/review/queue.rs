//! The review queue: held comments waiting for a moderator, and what a
//! moderator's decision sends as feedback.
//!
//! Every verdict of `hold`, whichever endpoint gave it (`/v1/moderate`,
//! Coral's External Moderation, Akismet's comment-check), is committed to
//! the queue with its verdict record before the call is answered, so an
//! answered hold is never missing from the page. A decision keeps the row
//! (with the decision and its time) for the dashboard and the "decided"
//! filters; decided rows older than [`KEEP_DECIDED_SECS`] are dropped.

use std::sync::Arc;

use axum::response::Response;

use crate::moderate::{Action, Verdict};
use crate::serve::http::{blocking, storage_error};
use crate::serve::sqlite::now_secs;
use crate::serve::state::App;
use crate::serve::store::FeedbackKind;
use crate::Comment;

/// Decided rows are kept this long (30 days) for the dashboard.
pub const KEEP_DECIDED_SECS: i64 = 30 * 24 * 3600;

/// The rules that hold a comment, in the order the page names them.
pub const ATTRIBUTES: &[&str] = &[
    "abuse",
    "spam",
    "duplicate",
    "copied_link",
    "links",
    "off_topic",
    "hold_word",
];

/// A held comment to queue.
#[derive(Debug, Clone)]
pub struct NewItem {
    /// When it was held (Unix seconds).
    pub at: i64,
    /// The client's comment id (may be empty).
    pub comment_id: String,
    /// Its article.
    pub article_id: Option<String>,
    /// Its author.
    pub author: Option<String>,
    /// Its text.
    pub text: String,
    /// The rule that held it (one of [`ATTRIBUTES`]).
    pub attribute: String,
    /// The verdict record (JSON: label, scores, reasons, toxic_spans,
    /// action, duplicate_of).
    pub record: String,
    /// The endpoint it came through (`native`, `coral`, `akismet`).
    pub source: String,
}

/// A queue row.
#[derive(Debug, Clone)]
pub struct Item {
    /// The queue's id for it.
    pub id: i64,
    /// What was queued.
    pub new: NewItem,
    /// The moderator's decision, once made.
    pub decision: Option<String>,
    /// When it was made.
    pub decided_at: Option<i64>,
}

/// Which rows a listing shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this article's comments.
    pub article: Option<String>,
    /// Only comments held by this rule.
    pub attribute: Option<String>,
    /// `None` or `pending`: the queue; `all`: every row; a decision name:
    /// rows decided so.
    pub action: Option<String>,
    /// Only rows of this client comment id.
    pub comment: Option<String>,
    /// At most this many rows.
    pub limit: usize,
}

/// A moderator's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The comment may be published.
    Approve,
    /// The comment stays unpublished.
    Reject,
    /// It is spam.
    Spam,
    /// It is not abusive.
    NotAbuse,
}

impl Decision {
    /// Every decision, in button order.
    pub const ALL: [Decision; 4] = [
        Decision::Approve,
        Decision::Reject,
        Decision::Spam,
        Decision::NotAbuse,
    ];

    /// The name in forms and in the queue (`approve`, `reject`, `spam`,
    /// `not_abuse`).
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
            Decision::Spam => "spam",
            Decision::NotAbuse => "not_abuse",
        }
    }

    /// The decision named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Decision::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The button's caption.
    pub fn caption(self) -> &'static str {
        match self {
            Decision::Approve => "Approve",
            Decision::Reject => "Reject",
            Decision::Spam => "Spam",
            Decision::NotAbuse => "Not abusive",
        }
    }
}

/// Whether a hold rule is about spam rather than abuse.
fn spammy(attribute: &str) -> bool {
    matches!(attribute, "spam" | "duplicate" | "links")
}

/// The feedback a decision sends for a comment held by `attribute` with
/// content label `label`:
///
/// | decision | held for abuse (or labeled abusive, held for off-topic or a hold word) | otherwise |
/// |---|---|---|
/// | approve | `not_abuse` | `ham` |
/// | reject | `abuse` | `spam` |
/// | spam | `spam` | `spam` |
/// | not abusive | `not_abuse` | `not_abuse` |
pub fn feedback_kind(d: Decision, attribute: &str, label: &str) -> FeedbackKind {
    let abusive = attribute == "abuse" || (!spammy(attribute) && label == "abuse");
    match d {
        Decision::Approve if abusive => FeedbackKind::NotAbuse,
        Decision::Approve => FeedbackKind::Ham,
        Decision::Reject if abusive => FeedbackKind::Abuse,
        Decision::Reject => FeedbackKind::Spam,
        Decision::Spam => FeedbackKind::Spam,
        Decision::NotAbuse => FeedbackKind::NotAbuse,
    }
}

/// The rule that held a verdict: its strongest reason among the holding
/// rules (reasons come strongest first), else its content label.
pub fn held_for(v: &Verdict) -> String {
    v.reasons
        .iter()
        .map(|r| r.rule.as_str())
        .find(|r| ATTRIBUTES.contains(r))
        .unwrap_or(v.label.as_str())
        .to_string()
}

/// The record kept for a held comment: the verdict's fields and
/// `duplicate_of`.
pub fn record(v: &Verdict, text: &str) -> String {
    let mut r = crate::record::verdict_json(v, text);
    r.pop();
    r.push_str(",\"duplicate_of\":");
    r.push_str(&serde_json::to_string(&v.duplicate_of).expect("a duplicate serializes"));
    r.push('}');
    r
}

/// Queues `comment` when `v` holds it, committed before it returns
/// (blocking work runs off the async threads); a storage failure is the
/// caller's 500.
pub async fn hold(
    app: &Arc<App>,
    comment: &Comment,
    v: &Verdict,
    source: &str,
) -> Result<(), Response> {
    if v.action != Action::Hold {
        return Ok(());
    }
    let item = NewItem {
        at: now_secs(),
        comment_id: comment.id.clone(),
        article_id: comment.article_id.clone(),
        author: comment.author.clone(),
        text: comment.text.clone(),
        attribute: held_for(v),
        record: record(v, &comment.text),
        source: source.to_string(),
    };
    let a = app.clone();
    blocking(move || a.store().review_add(&item))
        .await
        .map(drop)
        .map_err(|e| storage_error(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_map_to_feedback() {
        use FeedbackKind::*;
        assert_eq!(feedback_kind(Decision::Approve, "abuse", "abuse"), NotAbuse);
        assert_eq!(feedback_kind(Decision::Reject, "abuse", "abuse"), Abuse);
        assert_eq!(feedback_kind(Decision::Approve, "spam", "abuse"), Ham);
        assert_eq!(feedback_kind(Decision::Reject, "duplicate", "ok"), Spam);
        assert_eq!(feedback_kind(Decision::Reject, "off_topic", "abuse"), Abuse);
        assert_eq!(feedback_kind(Decision::Reject, "off_topic", "ok"), Spam);
        assert_eq!(feedback_kind(Decision::Spam, "abuse", "abuse"), Spam);
        assert_eq!(feedback_kind(Decision::NotAbuse, "spam", "spam"), NotAbuse);
        for d in Decision::ALL {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
        }
        assert_eq!(Decision::parse("delete"), None);
    }
}
