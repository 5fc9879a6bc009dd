//! The review page's SQLite tables and queries, in one place:
//! `review_queue` (held comments and their decisions) and
//! `review_sessions` (moderators' sessions, by token digest).
//! [`crate::serve::sqlite::SqliteStore`] runs [`SCHEMA`] at open and calls
//! these functions from its `Store` methods.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::queue::{Filter, Item, NewItem};
use super::session::SessionRow;

/// The tables (created when missing).
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS review_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, comment_id TEXT NOT NULL,
    article_id TEXT, author TEXT, text TEXT NOT NULL, attribute TEXT NOT NULL,
    record TEXT NOT NULL, source TEXT NOT NULL, decision TEXT, decided_at INTEGER);
CREATE INDEX IF NOT EXISTS review_queue_pending ON review_queue(decided_at, id);
CREATE TABLE IF NOT EXISTS review_sessions (
    token_sha256 BLOB PRIMARY KEY, csrf TEXT NOT NULL, who TEXT NOT NULL,
    expires INTEGER NOT NULL);
";

const COLUMNS: &str = "id, at, comment_id, article_id, author, text, attribute, record, source, \
                       decision, decided_at";

fn item(r: &Row) -> rusqlite::Result<Item> {
    Ok(Item {
        id: r.get(0)?,
        new: NewItem {
            at: r.get(1)?,
            comment_id: r.get(2)?,
            article_id: r.get(3)?,
            author: r.get(4)?,
            text: r.get(5)?,
            attribute: r.get(6)?,
            record: r.get(7)?,
            source: r.get(8)?,
        },
        decision: r.get(9)?,
        decided_at: r.get(10)?,
    })
}

/// Queues a held comment; its id.
pub fn add(c: &Connection, i: &NewItem) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO review_queue (at, comment_id, article_id, author, text, attribute, record, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            i.at,
            i.comment_id,
            i.article_id,
            i.author,
            i.text,
            i.attribute,
            i.record,
            i.source
        ],
    )?;
    Ok(c.last_insert_rowid())
}

/// Rows matching `f`, newest first.
pub fn list(c: &Connection, f: &Filter) -> rusqlite::Result<Vec<Item>> {
    let action = f.action.as_deref().unwrap_or("pending");
    let sql = format!(
        "SELECT {COLUMNS} FROM review_queue
         WHERE (?1 IS NULL OR article_id = ?1) AND (?2 IS NULL OR attribute = ?2)
           AND (?3 IS NULL OR comment_id = ?3)
           AND (CASE ?4 WHEN 'pending' THEN decided_at IS NULL WHEN 'all' THEN 1
                ELSE decision = ?4 END)
         ORDER BY id DESC LIMIT ?5"
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map(
        params![f.article, f.attribute, f.comment, action, f.limit as i64],
        item,
    )?;
    rows.collect()
}

/// Number of pending rows.
pub fn pending(c: &Connection) -> rusqlite::Result<u64> {
    c.query_row(
        "SELECT COUNT(*) FROM review_queue WHERE decided_at IS NULL",
        [],
        |r| r.get(0),
    )
}

/// One row.
pub fn get(c: &Connection, id: i64) -> rusqlite::Result<Option<Item>> {
    c.query_row(
        &format!("SELECT {COLUMNS} FROM review_queue WHERE id = ?1"),
        [id],
        item,
    )
    .optional()
}

/// Marks a pending row decided and drops decided rows from before
/// `keep_after`; whether the row was pending.
pub fn decide(
    c: &mut Connection,
    id: i64,
    decision: &str,
    at: i64,
    keep_after: i64,
) -> rusqlite::Result<bool> {
    let tx = c.transaction()?;
    let n = tx.execute(
        "UPDATE review_queue SET decision = ?2, decided_at = ?3
         WHERE id = ?1 AND decided_at IS NULL",
        params![id, decision, at],
    )?;
    tx.execute(
        "DELETE FROM review_queue WHERE decided_at < ?1",
        [keep_after],
    )?;
    tx.commit()?;
    Ok(n > 0)
}

/// Times of the decisions made since `since`.
pub fn decision_times(c: &Connection, since: i64) -> rusqlite::Result<Vec<i64>> {
    let mut st = c.prepare_cached("SELECT decided_at FROM review_queue WHERE decided_at >= ?1")?;
    let rows = st.query_map([since], |r| r.get(0))?;
    rows.collect()
}

/// Verdict records of the newest `limit` rows queued since `since`.
pub fn records(c: &Connection, since: i64, limit: usize) -> rusqlite::Result<Vec<String>> {
    let mut st = c.prepare_cached(
        "SELECT record FROM review_queue WHERE at >= ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = st.query_map(params![since, limit as i64], |r| r.get(0))?;
    rows.collect()
}

/// The article ids of pending rows, for the filter.
pub fn pending_articles(c: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut st = c.prepare_cached(
        "SELECT DISTINCT article_id FROM review_queue
         WHERE decided_at IS NULL AND article_id IS NOT NULL ORDER BY article_id LIMIT 200",
    )?;
    let rows = st.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// An article's title.
pub fn article_title(c: &Connection, id: &str) -> rusqlite::Result<Option<String>> {
    c.query_row("SELECT title FROM articles WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()
}

/// Saves a session (and drops expired ones).
pub fn session_put(c: &Connection, s: &SessionRow, now: i64) -> rusqlite::Result<()> {
    c.execute("DELETE FROM review_sessions WHERE expires <= ?1", [now])?;
    c.execute(
        "INSERT OR REPLACE INTO review_sessions (token_sha256, csrf, who, expires)
         VALUES (?1, ?2, ?3, ?4)",
        params![&s.token_sha256[..], s.csrf, s.who, s.expires],
    )
    .map(drop)
}

/// The session of a token digest, unless it expired before `now`.
pub fn session_get(
    c: &Connection,
    token_sha256: &[u8; 32],
    now: i64,
) -> rusqlite::Result<Option<SessionRow>> {
    c.query_row(
        "SELECT csrf, who, expires FROM review_sessions
         WHERE token_sha256 = ?1 AND expires > ?2",
        params![&token_sha256[..], now],
        |r| {
            Ok(SessionRow {
                token_sha256: *token_sha256,
                csrf: r.get(0)?,
                who: r.get(1)?,
                expires: r.get(2)?,
            })
        },
    )
    .optional()
}

/// Ends a session.
pub fn session_delete(c: &Connection, token_sha256: &[u8; 32]) -> rusqlite::Result<()> {
    c.execute(
        "DELETE FROM review_sessions WHERE token_sha256 = ?1",
        [&token_sha256[..]],
    )
    .map(drop)
}
