//! The running service's state: the moderator (classifier with every
//! correction, articles, threads, duplicate memory), the durable store and
//! the feedback cursor that keeps them in step.
//!
//! Feedback follows one path whatever endpoint it came through: the event
//! is appended to the log and committed, then every logged row after the
//! cursor (this one and any other instance's) is applied to the model in
//! log order, then the call is answered. A start does the same from the
//! newest snapshot, so the model after a restart is the model before it.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use super::config::ServeConfig;
use super::dedup_log::{self, DedupLog};
use super::keys::Keys;
use super::metrics::Metrics;
use super::sqlite::{now_secs, SqliteStore};
use super::store::{DecisionRow, FeedbackEvent, FeedbackKind, Snapshot, Store};
use crate::error::Result;
use crate::moderate::{Moderator, Verdict};
use crate::{Classifier, Comment, DuplicateParams};

/// Most comments indexed between two snapshots of the duplicate detector
/// (a quarter of its window when that is fewer).
const DEDUP_SNAPSHOT_EVERY: u64 = 100_000;

/// Rows applied per batch when catching up with the log.
const REPLAY_BATCH: usize = 1000;

/// Bytes of recent comment texts kept to find a reply's parent by id.
const RECENT_BYTES: usize = 64 << 20;

/// Where the model is in the feedback log.
#[derive(Debug, Default)]
struct Cursor {
    /// The last applied row.
    seq: i64,
    /// Rows applied since the last snapshot.
    since_snapshot: u64,
}

/// Recent comments by id, for the parent of a reply.
#[derive(Default)]
struct Recent {
    texts: HashMap<String, String>,
    order: VecDeque<String>,
    bytes: usize,
}

impl Recent {
    fn insert(&mut self, id: &str, text: &str) {
        if id.is_empty() || self.texts.contains_key(id) {
            return;
        }
        self.bytes += id.len() + text.len();
        self.texts.insert(id.to_string(), text.to_string());
        self.order.push_back(id.to_string());
        while self.bytes > RECENT_BYTES {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(t) = self.texts.remove(&old) {
                self.bytes -= old.len() + t.len();
            }
        }
    }
}

/// Everything a request handler needs.
pub struct App {
    /// Settings.
    pub cfg: ServeConfig,
    /// API keys and rate limits.
    pub keys: Keys,
    /// Counters for `/metrics`.
    pub metrics: Metrics,
    moderator: RwLock<Moderator>,
    store: Arc<dyn Store>,
    cursor: Mutex<Cursor>,
    feedback_events: AtomicU64,
    recent: Mutex<Recent>,
    /// The duplicate index's log and snapshots (with a state on disk).
    dedup: Option<DedupLog>,
    /// Where the moderator is in the articles' change log.
    articles: Mutex<Articles>,
}

/// The articles the moderator has, by the state's change counter.
#[derive(Default)]
struct Articles {
    /// The last change applied.
    seq: i64,
    /// A digest of each registered article's title and body, so that a
    /// change already applied (this instance's own) is not applied again.
    digests: HashMap<String, u64>,
}

/// A digest of an article's title and body (within this process).
fn digest(title: &str, body: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one((title, body))
}

impl App {
    /// Opens the state (`cfg.state`, or in memory), loads the newest model
    /// snapshot (or the configured model), the articles, and replays the
    /// feedback logged after the snapshot.
    pub fn open(cfg: ServeConfig) -> Result<Self> {
        let store: Arc<dyn Store> = match &cfg.state {
            Some(dir) => Arc::new(SqliteStore::open(dir)?),
            None => Arc::new(SqliteStore::in_memory()?),
        };
        Self::with_store(cfg, store)
    }

    /// [`App::open`] over any store.
    pub fn with_store(cfg: ServeConfig, store: Arc<dyn Store>) -> Result<Self> {
        let snapshot = store.latest_snapshot()?;
        let (classifier, cursor, events) = match snapshot {
            Some(s) => (
                Classifier::from_bytes(&s.model)?,
                Cursor {
                    seq: s.seq,
                    since_snapshot: 0,
                },
                s.events,
            ),
            None => (
                match &cfg.model {
                    Some(p) => Classifier::load(p)?,
                    None => Classifier::default(),
                },
                Cursor::default(),
                0,
            ),
        };
        let params = DuplicateParams::default().capacity(cfg.duplicate_capacity);
        // The duplicate index is rebuilt and logged only for a state on
        // disk: in memory it would die with the process anyway.
        let (detector, dedup) = if cfg.state.is_some() {
            let (detector, seq) = dedup_log::restore(&*store, &params)?;
            let every = (cfg.duplicate_capacity as u64 / 4).clamp(1, DEDUP_SNAPSHOT_EVERY);
            let log = DedupLog::start(store.clone(), cfg.duplicate_capacity as u64, seq, every);
            (detector, Some(log))
        } else {
            (params.build()?, None)
        };
        let mut moderator = Moderator::with_detector(classifier, cfg.policy.clone(), detector)?;
        // The version first: a change made between the two reads is
        // applied again by the first catch-up, which is harmless.
        let mut articles = Articles {
            seq: store.articles_version()?,
            ..Articles::default()
        };
        for (id, title, body) in store.articles()? {
            moderator.add_article(&id, &title, &body);
            articles.digests.insert(id, digest(&title, &body));
        }
        let app = App {
            keys: Keys::new(cfg.api_keys.clone()),
            metrics: Metrics::default(),
            moderator: RwLock::new(moderator),
            store,
            cursor: Mutex::new(cursor),
            feedback_events: AtomicU64::new(events),
            recent: Mutex::new(Recent::default()),
            dedup,
            articles: Mutex::new(articles),
            cfg,
        };
        app.sync()?;
        if app.cfg.keep_decisions {
            app.prune()?;
        }
        Ok(app)
    }

    /// Runs `f` with the moderator for reading (classification).
    pub fn read<T>(&self, f: impl FnOnce(&Moderator) -> T) -> T {
        f(&self.moderator.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn write<T>(&self, f: impl FnOnce(&mut Moderator) -> T) -> T {
        f(&mut self.moderator.write().unwrap_or_else(|e| e.into_inner()))
    }

    /// Feedback events in the model (snapshot and log).
    pub fn feedback_events(&self) -> u64 {
        self.feedback_events.load(Ordering::Relaxed)
    }

    /// Logs a feedback event, commits it, applies it (and any row another
    /// instance logged before it); returns its sequence number and the
    /// model's feedback event count. Blocking (SQLite).
    pub fn submit_feedback(&self, e: &FeedbackEvent) -> Result<(i64, u64)> {
        let mut cur = self.cursor.lock().unwrap_or_else(|e| e.into_inner());
        let seq = self.store.append_feedback(e)?;
        self.catch_up(&mut cur)?;
        Ok((seq, self.feedback_events()))
    }

    /// Applies rows other instances logged. Blocking.
    pub fn sync(&self) -> Result<()> {
        let mut cur = self.cursor.lock().unwrap_or_else(|e| e.into_inner());
        self.catch_up(&mut cur)?;
        drop(cur);
        self.sync_articles()?;
        if self.dedup.as_ref().is_some_and(DedupLog::snapshot_due) {
            self.snapshot_duplicates();
        }
        Ok(())
    }

    /// Queues a snapshot of the duplicate detector (under the read lock,
    /// so that no comment is indexed between it and the log).
    fn snapshot_duplicates(&self) {
        if let Some(log) = &self.dedup {
            self.read(|m| log.snapshot(m.detector()));
        }
    }

    /// Waits until every comment indexed so far is in the duplicate log
    /// (nothing to wait for without a state on disk). Blocking.
    pub fn flush_duplicates(&self) -> Result<()> {
        self.dedup.as_ref().map_or(Ok(()), DedupLog::flush)
    }

    fn catch_up(&self, cur: &mut Cursor) -> Result<()> {
        loop {
            let rows = self.store.feedback_after(cur.seq, REPLAY_BATCH)?;
            if rows.is_empty() {
                break;
            }
            self.write(|m| {
                for (seq, e) in &rows {
                    apply(m, e);
                    cur.seq = *seq;
                }
            });
            cur.since_snapshot += rows.len() as u64;
            self.feedback_events
                .fetch_add(rows.len() as u64, Ordering::Relaxed);
            self.metrics.feedback(rows.len() as u64);
        }
        if cur.since_snapshot >= self.cfg.snapshot_every {
            self.snapshot_at(cur)?;
        }
        Ok(())
    }

    fn snapshot_at(&self, cur: &mut Cursor) -> Result<()> {
        let model = self.read(|m| m.classifier().to_bytes());
        self.store.save_snapshot(&Snapshot {
            seq: cur.seq,
            events: self.feedback_events(),
            model,
        })?;
        cur.since_snapshot = 0;
        Ok(())
    }

    /// Saves a model snapshot now when feedback arrived since the last
    /// one (at shutdown). Blocking.
    pub fn snapshot(&self) -> Result<()> {
        let mut cur = self.cursor.lock().unwrap_or_else(|e| e.into_inner());
        if cur.since_snapshot > 0 {
            self.snapshot_at(&mut cur)?;
        }
        drop(cur);
        if self.dedup.as_ref().is_some_and(DedupLog::changed) {
            self.snapshot_duplicates();
        }
        self.flush_duplicates()
    }

    /// Registers an article durably, then in the moderator. Blocking.
    pub fn put_article(&self, id: &str, title: &str, body: &str) -> Result<()> {
        let mut a = self.articles.lock().unwrap_or_else(|e| e.into_inner());
        self.store.put_article(id, title, body)?;
        self.write(|m| m.add_article(id, title, body));
        a.digests.insert(id.to_string(), digest(title, body));
        Ok(())
    }

    /// Forgets an article; whether it was registered. Blocking.
    pub fn delete_article(&self, id: &str) -> Result<bool> {
        let mut a = self.articles.lock().unwrap_or_else(|e| e.into_inner());
        let found = self.store.delete_article(id)?;
        self.write(|m| m.close_article(id));
        a.digests.remove(id);
        Ok(found)
    }

    /// Applies the articles other instances registered, changed or
    /// deleted since the last call. Blocking.
    pub fn sync_articles(&self) -> Result<()> {
        let mut a = self.articles.lock().unwrap_or_else(|e| e.into_inner());
        for (seq, id, now) in self.store.articles_changed_after(a.seq)? {
            match now {
                Some((title, body)) => {
                    let d = digest(&title, &body);
                    if a.digests.get(&id) != Some(&d) {
                        self.write(|m| m.add_article(&id, &title, &body));
                        a.digests.insert(id, d);
                    }
                }
                None => {
                    if a.digests.remove(&id).is_some() {
                        self.write(|m| m.close_article(&id));
                    }
                }
            }
            a.seq = seq;
        }
        Ok(())
    }

    /// The text of a recent comment.
    pub fn recent_text(&self, id: &str) -> Option<String> {
        let r = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        r.texts.get(id).cloned()
    }

    /// Moderates a comment in its thread (the parent's text from
    /// `parent_text`, or looked up by `parent_id` among recent comments)
    /// and remembers it for duplicate checks (and its text, for replies to
    /// it, when `parent_of_later` is set: the client will name it by its
    /// id). Counts the decision.
    pub fn moderate(
        &self,
        comment: &Comment,
        parent_id: Option<&str>,
        parent_text: Option<&str>,
        parent_of_later: bool,
    ) -> Verdict {
        let looked_up = match (parent_text, parent_id) {
            (None, Some(p)) => self.recent_text(p),
            _ => None,
        };
        let parent = parent_text.or(looked_up.as_deref());
        let v = self.write(|m| {
            let v = m.moderate_in_reply(comment, parent);
            if let Some(log) = &self.dedup {
                log.indexed(comment);
            }
            v
        });
        if parent_of_later && !comment.id.is_empty() {
            let mut r = self.recent.lock().unwrap_or_else(|e| e.into_inner());
            r.insert(&comment.id, &comment.text);
        }
        self.metrics.decision(v.action);
        v
    }

    /// Keeps a verdict when the site asked to. Blocking.
    pub fn keep_decision(&self, comment_id: &str, action: &str, record: &str) -> Result<()> {
        if !self.cfg.keep_decisions {
            return Ok(());
        }
        self.store.record_decision(&DecisionRow {
            at: now_secs(),
            comment_id: comment_id.to_string(),
            action: action.to_string(),
            record: record.to_string(),
        })
    }

    /// Drops kept verdicts past the retention. Blocking.
    pub fn prune(&self) -> Result<u64> {
        let before = now_secs() - self.cfg.decision_retention.as_secs() as i64;
        self.store.prune_decisions(before)
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }
}

/// The comment a feedback event is about.
pub fn feedback_comment(e: &FeedbackEvent) -> Comment {
    let mut c = Comment::new(e.id.clone().unwrap_or_default(), e.text.clone());
    c.author = e.author.clone();
    c.article_id = e.article_id.clone();
    // A parent of "" or "0" (WordPress) marks a thread starter; no
    // parent field, an unknown place.
    c.reply = e.parent_id.as_deref().map(|p| !p.is_empty() && p != "0");
    c
}

/// Applies one correction to the moderator's model.
fn apply(m: &mut Moderator, e: &FeedbackEvent) {
    let c = feedback_comment(e);
    match e.kind {
        FeedbackKind::Spam => m.submit_spam(&c),
        FeedbackKind::Ham => m.submit_ham(&c),
        FeedbackKind::Abuse => m.submit_abuse(&c),
        FeedbackKind::NotAbuse => m.submit_not_abuse(&c),
    };
}
