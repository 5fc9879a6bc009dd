//! [`Store`] in SQLite (rusqlite's bundled SQLite), one file
//! `state.sqlite3` in the state folder.
//!
//! The database is in WAL mode with `synchronous=FULL`: a commit returns
//! once its WAL frames are on disk, so an answered feedback call survives
//! a `kill -9` *and* a power cut (`NORMAL` would survive the first only).
//! WAL lets several server processes on one host read while one writes;
//! `busy_timeout` makes a writer wait for another instead of failing.

use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension};

use super::store::{
    ArticleChange, DecisionRow, DedupRow, FeedbackEvent, FeedbackKind, Snapshot, Store,
};
use crate::error::{Error, Result};

/// The database file inside the state folder.
pub const DB_FILE: &str = "state.sqlite3";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, updated INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL,
    text TEXT NOT NULL, comment_id TEXT, author TEXT, article_id TEXT, parent_id TEXT,
    source TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    seq INTEGER PRIMARY KEY, events INTEGER NOT NULL, at INTEGER NOT NULL, model BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY, at INTEGER NOT NULL, comment_id TEXT NOT NULL,
    action TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS decisions_at ON decisions(at);
";

/// The duplicate index's tables: the comments it indexed, and detector
/// snapshots.
const DEDUP_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS dedup_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, comment_id TEXT NOT NULL, text TEXT NOT NULL,
    author TEXT, thread TEXT);
CREATE TABLE IF NOT EXISTS dedup_snapshots (
    seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, detector BLOB NOT NULL);
";

/// The articles' change log, kept by triggers (one row per article, its
/// latest change), which other instances poll.
const ARTICLE_CHANGES_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS article_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS article_changes_id ON article_changes(id);
CREATE TRIGGER IF NOT EXISTS articles_inserted AFTER INSERT ON articles BEGIN
    DELETE FROM article_changes WHERE id = NEW.id;
    INSERT INTO article_changes (id) VALUES (NEW.id);
END;
CREATE TRIGGER IF NOT EXISTS articles_updated AFTER UPDATE ON articles BEGIN
    DELETE FROM article_changes WHERE id = NEW.id;
    INSERT INTO article_changes (id) VALUES (NEW.id);
END;
CREATE TRIGGER IF NOT EXISTS articles_deleted AFTER DELETE ON articles BEGIN
    DELETE FROM article_changes WHERE id = OLD.id;
    INSERT INTO article_changes (id) VALUES (OLD.id);
END;
";

/// SQLite state.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

fn db(e: rusqlite::Error) -> Error {
    Error::Storage(e.to_string())
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl SqliteStore {
    /// Opens (creating) the state in folder `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(DB_FILE);
        let conn = Connection::open(&path)
            .map_err(|e| Error::Storage(format!("{}: {e}", path.display())))?;
        Self::init(conn)
    }

    /// A state in memory (lost at exit), for a server started without
    /// `--state`.
    pub fn in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory().map_err(db)?)
    }

    fn init(conn: Connection) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(db)?;
        // journal_mode answers with a row; an in-memory database stays
        // in `memory` mode.
        let _: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(db)?;
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
            .map_err(db)?;
        conn.execute_batch(SCHEMA).map_err(db)?;
        conn.execute_batch(DEDUP_SCHEMA).map_err(db)?;
        conn.execute_batch(ARTICLE_CHANGES_SCHEMA).map_err(db)?;
        conn.execute_batch(super::review::sql::SCHEMA).map_err(db)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>) -> Result<T> {
        let mut c = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut c).map_err(db)
    }
}

impl Store for SqliteStore {
    fn put_article(&self, id: &str, title: &str, body: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO articles (id, title, body, updated) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(id) DO UPDATE SET title = ?2, body = ?3, updated = ?4",
                params![id, title, body, now_secs()],
            )
            .map(drop)
        })
    }

    fn delete_article(&self, id: &str) -> Result<bool> {
        self.with(|c| c.execute("DELETE FROM articles WHERE id = ?1", [id]))
            .map(|n| n > 0)
    }

    fn articles(&self) -> Result<Vec<(String, String, String)>> {
        self.with(|c| {
            let mut st = c.prepare("SELECT id, title, body FROM articles ORDER BY id")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect()
        })
    }

    fn append_feedback(&self, e: &FeedbackEvent) -> Result<i64> {
        self.with(|c| {
            c.execute(
                "INSERT INTO feedback (at, kind, text, comment_id, author, article_id, parent_id, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    now_secs(),
                    e.kind.as_str(),
                    e.text,
                    e.id,
                    e.author,
                    e.article_id,
                    e.parent_id,
                    e.source
                ],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    fn feedback_after(&self, seq: i64, limit: usize) -> Result<Vec<(i64, FeedbackEvent)>> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT seq, kind, text, comment_id, author, article_id, parent_id, source
                 FROM feedback WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?;
            let rows = st.query_map(params![seq, limit as i64], |r| {
                let kind: String = r.get(1)?;
                Ok((
                    r.get(0)?,
                    FeedbackEvent {
                        kind: FeedbackKind::parse(&kind).ok_or_else(|| {
                            rusqlite::Error::InvalidColumnType(
                                1,
                                format!("feedback kind {kind:?}"),
                                rusqlite::types::Type::Text,
                            )
                        })?,
                        text: r.get(2)?,
                        id: r.get(3)?,
                        author: r.get(4)?,
                        article_id: r.get(5)?,
                        parent_id: r.get(6)?,
                        source: r.get(7)?,
                    },
                ))
            })?;
            rows.collect()
        })
    }

    fn feedback_count(&self) -> Result<u64> {
        self.with(|c| c.query_row("SELECT COUNT(*) FROM feedback", [], |r| r.get(0)))
    }

    fn save_snapshot(&self, s: &Snapshot) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "INSERT OR REPLACE INTO snapshots (seq, events, at, model) VALUES (?1, ?2, ?3, ?4)",
                params![s.seq, s.events as i64, now_secs(), s.model],
            )?;
            // Keep this one and the one before it.
            tx.execute(
                "DELETE FROM snapshots WHERE seq < (SELECT MIN(seq) FROM
                   (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT 2))",
                [],
            )?;
            tx.commit()
        })
    }

    fn latest_snapshot(&self) -> Result<Option<Snapshot>> {
        self.with(|c| {
            c.query_row(
                "SELECT seq, events, model FROM snapshots ORDER BY seq DESC LIMIT 1",
                [],
                |r| {
                    Ok(Snapshot {
                        seq: r.get(0)?,
                        events: r.get::<_, i64>(1)? as u64,
                        model: r.get(2)?,
                    })
                },
            )
            .optional()
        })
    }

    // The duplicate index.

    fn append_dedup(&self, rows: &[DedupRow]) -> Result<i64> {
        self.with(|c| {
            let tx = c.transaction()?;
            let mut last = 0;
            {
                let mut st = tx.prepare_cached(
                    "INSERT INTO dedup_log (comment_id, text, author, thread) VALUES (?1, ?2, ?3, ?4)",
                )?;
                for r in rows {
                    st.execute(params![r.id, r.text, r.author, r.thread])?;
                    last = tx.last_insert_rowid();
                }
            }
            tx.commit()?;
            Ok(last)
        })
    }

    fn dedup_after(&self, seq: i64, limit: usize) -> Result<Vec<(i64, DedupRow)>> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT seq, comment_id, text, author, thread FROM dedup_log
                 WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?;
            let rows = st.query_map(params![seq, limit as i64], |r| {
                Ok((
                    r.get(0)?,
                    DedupRow {
                        id: r.get(1)?,
                        text: r.get(2)?,
                        author: r.get(3)?,
                        thread: r.get(4)?,
                    },
                ))
            })?;
            rows.collect()
        })
    }

    fn prune_dedup(&self, keep: u64) -> Result<u64> {
        self.with(|c| {
            c.execute(
                "DELETE FROM dedup_log WHERE seq <= (SELECT MAX(seq) FROM dedup_log) - ?1",
                [keep as i64],
            )
        })
        .map(|n| n as u64)
    }

    fn dedup_count(&self) -> Result<u64> {
        self.with(|c| c.query_row("SELECT COUNT(*) FROM dedup_log", [], |r| r.get(0)))
    }

    fn save_dedup_snapshot(&self, seq: i64, detector: &[u8]) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "INSERT OR REPLACE INTO dedup_snapshots (seq, at, detector) VALUES (?1, ?2, ?3)",
                params![seq, now_secs(), detector],
            )?;
            tx.execute(
                "DELETE FROM dedup_snapshots WHERE seq < (SELECT MIN(seq) FROM
                   (SELECT seq FROM dedup_snapshots ORDER BY seq DESC LIMIT 2))",
                [],
            )?;
            tx.commit()
        })
    }

    fn latest_dedup_snapshot(&self) -> Result<Option<(i64, Vec<u8>)>> {
        self.with(|c| {
            c.query_row(
                "SELECT seq, detector FROM dedup_snapshots ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
        })
    }

    // Articles across instances.

    fn articles_version(&self) -> Result<i64> {
        self.with(|c| {
            c.query_row(
                "SELECT COALESCE(MAX(seq), 0) FROM article_changes",
                [],
                |r| r.get(0),
            )
        })
    }

    fn articles_changed_after(&self, seq: i64) -> Result<Vec<ArticleChange>> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT c.seq, c.id, a.title, a.body FROM article_changes c
                 LEFT JOIN articles a ON a.id = c.id WHERE c.seq > ?1 ORDER BY c.seq",
            )?;
            let rows = st.query_map([seq], |r| {
                let title: Option<String> = r.get(2)?;
                let body: Option<String> = r.get(3)?;
                Ok((r.get(0)?, r.get(1)?, title.zip(body)))
            })?;
            rows.collect()
        })
    }

    fn record_decision(&self, d: &DecisionRow) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO decisions (at, comment_id, action, record) VALUES (?1, ?2, ?3, ?4)",
                params![d.at, d.comment_id, d.action, d.record],
            )
            .map(drop)
        })
    }

    fn prune_decisions(&self, before: i64) -> Result<u64> {
        self.with(|c| c.execute("DELETE FROM decisions WHERE at < ?1", [before]))
            .map(|n| n as u64)
    }

    fn decision_count(&self) -> Result<u64> {
        self.with(|c| c.query_row("SELECT COUNT(*) FROM decisions", [], |r| r.get(0)))
    }

    // The review page's tables: SQL in `super::review::sql`.

    fn review_add(&self, item: &super::review::queue::NewItem) -> Result<i64> {
        self.with(|c| super::review::sql::add(c, item))
    }

    fn review_list(
        &self,
        filter: &super::review::queue::Filter,
    ) -> Result<Vec<super::review::queue::Item>> {
        self.with(|c| super::review::sql::list(c, filter))
    }

    fn review_pending(&self) -> Result<u64> {
        self.with(|c| super::review::sql::pending(c))
    }

    fn review_get(&self, id: i64) -> Result<Option<super::review::queue::Item>> {
        self.with(|c| super::review::sql::get(c, id))
    }

    fn review_decide(&self, id: i64, decision: &str, at: i64, keep_after: i64) -> Result<bool> {
        self.with(|c| super::review::sql::decide(c, id, decision, at, keep_after))
    }

    fn review_decision_times(&self, since: i64) -> Result<Vec<i64>> {
        self.with(|c| super::review::sql::decision_times(c, since))
    }

    fn review_records(&self, since: i64, limit: usize) -> Result<Vec<String>> {
        self.with(|c| super::review::sql::records(c, since, limit))
    }

    fn review_articles(&self) -> Result<Vec<String>> {
        self.with(|c| super::review::sql::pending_articles(c))
    }

    fn article_title(&self, id: &str) -> Result<Option<String>> {
        self.with(|c| super::review::sql::article_title(c, id))
    }

    fn session_put(&self, s: &super::review::session::SessionRow) -> Result<()> {
        self.with(|c| super::review::sql::session_put(c, s, now_secs()))
    }

    fn session_get(
        &self,
        token_sha256: &[u8; 32],
    ) -> Result<Option<super::review::session::SessionRow>> {
        self.with(|c| super::review::sql::session_get(c, token_sha256, now_secs()))
    }

    fn session_delete(&self, token_sha256: &[u8; 32]) -> Result<()> {
        self.with(|c| super::review::sql::session_delete(c, token_sha256))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_and_snapshots_round_trip() {
        let s = SqliteStore::in_memory().unwrap();
        let e = FeedbackEvent {
            kind: FeedbackKind::Spam,
            text: "buy now".into(),
            id: Some("c1".into()),
            author: None,
            article_id: None,
            parent_id: None,
            source: "native".into(),
        };
        let a = s.append_feedback(&e).unwrap();
        let b = s.append_feedback(&e).unwrap();
        assert!(b > a);
        assert_eq!(s.feedback_after(a, 10).unwrap(), vec![(b, e)]);
        for seq in 1..=3 {
            s.save_snapshot(&Snapshot {
                seq,
                events: seq as u64,
                model: vec![seq as u8],
            })
            .unwrap();
        }
        let last = s.latest_snapshot().unwrap().unwrap();
        assert_eq!((last.seq, last.model), (3, vec![3]));
        let n: i64 = s
            .with(|c| c.query_row("SELECT COUNT(*) FROM snapshots", [], |r| r.get(0)))
            .unwrap();
        assert_eq!(n, 2);
    }
}
