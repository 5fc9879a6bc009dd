//! The duplicate index's durable form: every comment the detector indexes
//! is logged (`dedup_log`, pruned to the detector's window) and the
//! detector itself is snapshotted now and then (`dedup_snapshots`, with the
//! last log row it includes), so a start loads the newest snapshot and
//! replays the rows after it.
//!
//! Logging is off the request path: a moderation call only hands its row
//! to a bounded channel (a full channel makes callers wait, so nothing is
//! dropped), and one writer thread commits whatever has queued, at most
//! every [`BATCH_WINDOW`], in one transaction, then prunes the log past the
//! window. A crash can lose the rows of the last uncommitted batch: a
//! moderation call promises a verdict, not a write, so those comments are
//! only missing from the index after the restart.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::store::{DedupRow, Store};
use crate::error::{Error, Result};
use crate::{Comment, DupInput, DuplicateDetector, DuplicateParams};

/// Longest a logged comment waits for its commit.
pub const BATCH_WINDOW: Duration = Duration::from_millis(50);

/// Rows queued before callers wait for the writer.
const CHANNEL_ROWS: usize = 65_536;

/// Most rows in one transaction.
const MAX_BATCH: usize = 16_384;

/// Rows read per batch when replaying the log at start.
const REPLAY_BATCH: usize = 10_000;

/// What the writer is sent, in order.
enum Msg {
    /// A comment the detector indexed.
    Row(DedupRow),
    /// The detector's bytes after every row sent before this message.
    Snapshot(Vec<u8>),
    /// Commit what is queued, then answer.
    Flush(SyncSender<()>),
}

/// The detector's input for a logged comment, as the moderator builds it.
fn input(r: &DedupRow) -> DupInput<'_> {
    let mut i = DupInput::new(&r.id, &r.text);
    if let Some(a) = r.author.as_deref() {
        i = i.author(a);
    }
    if let Some(t) = r.thread.as_deref() {
        i = i.thread(t);
    }
    i
}

/// The detector as the state left it: the newest snapshot (when it was
/// taken with these parameters) and every logged comment after it, in
/// order. Returns it with the last log row it includes.
pub fn restore(store: &dyn Store, params: &DuplicateParams) -> Result<(DuplicateDetector, i64)> {
    let (mut detector, mut seq) = match store.latest_dedup_snapshot()? {
        Some((seq, bytes)) => match DuplicateDetector::from_bytes(&bytes) {
            Ok(d) if d.params() == params => (d, seq),
            Ok(_) => {
                tracing::warn!(
                    "duplicate index snapshot has other settings; rebuilding from the log"
                );
                (params.clone().build()?, 0)
            }
            Err(e) => {
                tracing::warn!(error = %e, "duplicate index snapshot unreadable; rebuilding from the log");
                (params.clone().build()?, 0)
            }
        },
        None => (params.clone().build()?, 0),
    };
    loop {
        let rows = store.dedup_after(seq, REPLAY_BATCH)?;
        let Some(&(last, _)) = rows.last() else {
            break;
        };
        for (_, r) in &rows {
            detector.check_and_insert(&input(r));
        }
        seq = last;
    }
    Ok((detector, seq))
}

/// The log's writer: a channel to its thread.
pub struct DedupLog {
    tx: Mutex<Option<SyncSender<Msg>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    since_snapshot: AtomicU64,
    snapshot_every: u64,
}

impl DedupLog {
    /// Starts the writer over `store`, keeping the newest `window` rows
    /// (the detector's capacity); `seq` is the last row the detector
    /// includes. A snapshot is due every `snapshot_every` indexed comments.
    pub fn start(store: Arc<dyn Store>, window: u64, seq: i64, snapshot_every: u64) -> Self {
        let (tx, rx) = mpsc::sync_channel(CHANNEL_ROWS);
        let thread = std::thread::Builder::new()
            .name("dedup-log".into())
            .spawn(move || write_loop(&*store, &rx, window, seq))
            .ok();
        DedupLog {
            tx: Mutex::new(thread.is_some().then_some(tx)),
            thread: Mutex::new(thread),
            since_snapshot: AtomicU64::new(0),
            snapshot_every: snapshot_every.max(1),
        }
    }

    fn send(&self, m: Msg) -> bool {
        let tx = self.tx.lock().unwrap_or_else(|e| e.into_inner()).clone();
        tx.is_some_and(|tx| tx.send(m).is_ok())
    }

    /// Logs a comment the detector just indexed. Call it where the
    /// detector is written (under the moderator's lock), so the log's order
    /// is the detector's.
    pub fn indexed(&self, c: &Comment) {
        self.send(Msg::Row(DedupRow {
            id: c.id.clone(),
            text: c.text.clone(),
            author: c.author.clone(),
            thread: c.article_id.clone(),
        }));
        self.since_snapshot.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether enough comments were indexed since the last snapshot.
    pub fn snapshot_due(&self) -> bool {
        self.since_snapshot.load(Ordering::Relaxed) >= self.snapshot_every
    }

    /// Whether any comment was indexed since the last snapshot.
    pub fn changed(&self) -> bool {
        self.since_snapshot.load(Ordering::Relaxed) > 0
    }

    /// Queues a snapshot of the detector. Call it while no comment can be
    /// indexed (under the moderator's read lock), so that it holds exactly
    /// the rows sent before it.
    pub fn snapshot(&self, detector: &DuplicateDetector) {
        self.since_snapshot.store(0, Ordering::Relaxed);
        self.send(Msg::Snapshot(detector.to_bytes()));
    }

    /// Waits until everything sent so far is committed.
    pub fn flush(&self) -> Result<()> {
        let (ack, done) = mpsc::sync_channel(1);
        if !self.send(Msg::Flush(ack)) || done.recv().is_err() {
            return Err(Error::Storage("the duplicate log writer stopped".into()));
        }
        Ok(())
    }
}

impl Drop for DedupLog {
    /// Commits what is queued and stops the writer.
    fn drop(&mut self) {
        self.tx.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(t) = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = t.join();
        }
    }
}

/// The writer thread: batches rows, commits them, prunes past the window,
/// saves snapshots with the last row committed before them.
fn write_loop(store: &dyn Store, rx: &Receiver<Msg>, window: u64, mut seq: i64) {
    let mut rows: Vec<DedupRow> = Vec::new();
    let commit = |rows: &mut Vec<DedupRow>, seq: &mut i64| {
        if rows.is_empty() {
            return;
        }
        match store
            .append_dedup(rows)
            .and_then(|s| store.prune_dedup(window).map(|_| s))
        {
            Ok(s) => *seq = s,
            Err(e) => {
                tracing::error!(error = %e, rows = rows.len(), "logging indexed comments failed")
            }
        }
        rows.clear();
    };
    while let Ok(first) = rx.recv() {
        let deadline = Instant::now() + BATCH_WINDOW;
        let mut next = Some(first);
        while let Some(m) = next.take() {
            match m {
                Msg::Row(r) => rows.push(r),
                Msg::Snapshot(bytes) => {
                    commit(&mut rows, &mut seq);
                    if let Err(e) = store.save_dedup_snapshot(seq, &bytes) {
                        tracing::error!(error = %e, "saving the duplicate index failed");
                    }
                }
                Msg::Flush(ack) => {
                    commit(&mut rows, &mut seq);
                    let _ = ack.send(());
                }
            }
            if rows.len() >= MAX_BATCH {
                break;
            }
            let wait = deadline.saturating_duration_since(Instant::now());
            next = rx.recv_timeout(wait).ok();
        }
        commit(&mut rows, &mut seq);
    }
    commit(&mut rows, &mut seq);
}
