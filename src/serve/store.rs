//! The service's durable state, behind a trait so that a PostgreSQL
//! backend can follow the SQLite one ([`super::sqlite::SqliteStore`]).
//!
//! Five things are kept:
//!
//! - registered articles (title and body), read back at start;
//! - the feedback log: every correction, in order, each row committed
//!   before its call is answered;
//! - model snapshots: the model file's bytes with the last feedback row
//!   they include, so a start loads the newest snapshot and replays only
//!   the rows after it;
//! - verdicts, when a site asks to keep them, pruned by age;
//! - the duplicate index: the comments it indexed (the newest ones, as
//!   many as its window) and detector snapshots, so a start rebuilds it.
//!
//! Several server instances may share one state: each one replays the
//! rows the others append ([`Store::feedback_after`]).

use serde::{Deserialize, Serialize};

use crate::error::Result;

/// Which correction a feedback event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackKind {
    /// The comment is spam.
    Spam,
    /// The comment is not spam.
    Ham,
    /// The comment is abusive.
    Abuse,
    /// The comment is not abusive.
    NotAbuse,
}

impl FeedbackKind {
    /// The name stored and shown (`spam`, `ham`, `abuse`, `not_abuse`).
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackKind::Spam => "spam",
            FeedbackKind::Ham => "ham",
            FeedbackKind::Abuse => "abuse",
            FeedbackKind::NotAbuse => "not_abuse",
        }
    }

    /// The kind named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "spam" => FeedbackKind::Spam,
            "ham" => FeedbackKind::Ham,
            "abuse" => FeedbackKind::Abuse,
            "not_abuse" => FeedbackKind::NotAbuse,
            _ => return None,
        })
    }
}

/// One correction, as logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackEvent {
    /// Which correction.
    pub kind: FeedbackKind,
    /// The comment's text.
    pub text: String,
    /// The comment's id, when the client gave one.
    pub id: Option<String>,
    /// Its author.
    pub author: Option<String>,
    /// Its article.
    pub article_id: Option<String>,
    /// The comment it replies to.
    pub parent_id: Option<String>,
    /// The endpoint it came through (`native`, `perspective`, `akismet`).
    pub source: String,
}

/// A model snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The last feedback row it includes.
    pub seq: i64,
    /// Feedback events in it.
    pub events: u64,
    /// The model file's bytes.
    pub model: Vec<u8>,
}

/// A kept verdict.
#[derive(Debug, Clone)]
pub struct DecisionRow {
    /// Seconds since the Unix epoch.
    pub at: i64,
    /// The comment's id.
    pub comment_id: String,
    /// `approve`, `hold` or `reject`.
    pub action: String,
    /// The verdict record (JSON).
    pub record: String,
}

/// A comment the duplicate detector indexed, as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DedupRow {
    /// The comment's id.
    pub id: String,
    /// Its text.
    pub text: String,
    /// Its author.
    pub author: Option<String>,
    /// Its article (the detector's thread).
    pub thread: Option<String>,
}

/// An article's change: its sequence number, its id, and its title and
/// body now (`None`: deleted).
pub type ArticleChange = (i64, String, Option<(String, String)>);

/// Durable state. Every method commits before it returns.
pub trait Store: Send + Sync {
    /// Registers or replaces an article.
    fn put_article(&self, id: &str, title: &str, body: &str) -> Result<()>;
    /// Forgets an article; whether it was there.
    fn delete_article(&self, id: &str) -> Result<bool>;
    /// Every article: (id, title, body).
    fn articles(&self) -> Result<Vec<(String, String, String)>>;
    /// Appends a feedback event; its sequence number once committed.
    fn append_feedback(&self, e: &FeedbackEvent) -> Result<i64>;
    /// Up to `limit` feedback rows after `seq`, in order.
    fn feedback_after(&self, seq: i64, limit: usize) -> Result<Vec<(i64, FeedbackEvent)>>;
    /// Number of feedback rows.
    fn feedback_count(&self) -> Result<u64>;
    /// Saves a snapshot (older ones but the previous are dropped).
    fn save_snapshot(&self, s: &Snapshot) -> Result<()>;
    /// The newest snapshot.
    fn latest_snapshot(&self) -> Result<Option<Snapshot>>;

    // The duplicate index: the log of the comments it indexed, bounded by
    // its window, and snapshots of the detector.

    /// Appends indexed comments in one transaction; the last one's
    /// sequence number (0 when `rows` is empty).
    fn append_dedup(&self, rows: &[DedupRow]) -> Result<i64>;
    /// Up to `limit` indexed comments after `seq`, in order.
    fn dedup_after(&self, seq: i64, limit: usize) -> Result<Vec<(i64, DedupRow)>>;
    /// Drops all but the newest `keep` indexed comments; how many.
    fn prune_dedup(&self, keep: u64) -> Result<u64>;
    /// Number of indexed comments in the log.
    fn dedup_count(&self) -> Result<u64>;
    /// Saves a detector snapshot (the detector file's bytes) that includes
    /// the log up to `seq`; older ones but the previous are dropped.
    fn save_dedup_snapshot(&self, seq: i64, detector: &[u8]) -> Result<()>;
    /// The newest detector snapshot: (seq, bytes).
    fn latest_dedup_snapshot(&self) -> Result<Option<(i64, Vec<u8>)>>;

    // Articles across instances: every registration or deletion, by any
    // instance, moves a change counter.

    /// The last article change's sequence number (0: none yet).
    fn articles_version(&self) -> Result<i64>;
    /// The articles changed after `seq`, in order, each with its current
    /// state (the latest change of an article only).
    fn articles_changed_after(&self, seq: i64) -> Result<Vec<ArticleChange>>;

    /// Keeps a verdict.
    fn record_decision(&self, d: &DecisionRow) -> Result<()>;
    /// Drops verdicts older than `before` (Unix seconds); how many.
    fn prune_decisions(&self, before: i64) -> Result<u64>;
    /// Number of kept verdicts.
    fn decision_count(&self) -> Result<u64>;

    // The review page (`super::review`): its queue of held comments and
    // its sessions.

    /// Queues a held comment; its queue id.
    fn review_add(&self, item: &super::review::queue::NewItem) -> Result<i64>;
    /// Queue rows matching `filter`, newest first.
    fn review_list(
        &self,
        filter: &super::review::queue::Filter,
    ) -> Result<Vec<super::review::queue::Item>>;
    /// Number of comments waiting for a decision.
    fn review_pending(&self) -> Result<u64>;
    /// One queue row.
    fn review_get(&self, id: i64) -> Result<Option<super::review::queue::Item>>;
    /// Records a decision on a pending row (and drops decided rows from
    /// before `keep_after`); whether the row was pending.
    fn review_decide(&self, id: i64, decision: &str, at: i64, keep_after: i64) -> Result<bool>;
    /// Times of the decisions made since `since` (Unix seconds).
    fn review_decision_times(&self, since: i64) -> Result<Vec<i64>>;
    /// Verdict records of the newest `limit` rows queued since `since`.
    fn review_records(&self, since: i64, limit: usize) -> Result<Vec<String>>;
    /// Article ids of pending rows.
    fn review_articles(&self) -> Result<Vec<String>>;
    /// A registered article's title.
    fn article_title(&self, id: &str) -> Result<Option<String>>;
    /// Saves a moderator's session (dropping expired ones).
    fn session_put(&self, s: &super::review::session::SessionRow) -> Result<()>;
    /// The unexpired session of a token digest.
    fn session_get(
        &self,
        token_sha256: &[u8; 32],
    ) -> Result<Option<super::review::session::SessionRow>>;
    /// Ends a session.
    fn session_delete(&self, token_sha256: &[u8; 32]) -> Result<()>;
}
