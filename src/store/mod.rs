//! What members tell us back — feedback on answers, and the questions kotae could
//! not answer with confidence — kept for FAQ editors.
//!
//! The store sits behind the small [`Store`] trait so that a deployment with
//! several replicas can put it in one shared database ([`PostgresStore`]) without
//! touching the handlers; the embedded default is a SQLite file ([`SqliteStore`]). Questions
//! are redacted ([`crate::redact`]) *before* they reach any store: an
//! implementation never sees personal data.

mod postgres;

pub use postgres::PostgresStore;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::analysis::Analyzer;
use crate::error::{Error, Result};
use crate::redact::{Redacted, redact};

/// A member's verdict on one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    /// The FAQ entry that was shown.
    pub entry_id: String,
    /// 👍 (`true`) or 👎 (`false`).
    pub helpful: bool,
    /// The member's question, already redacted (see [`Feedback::new`]).
    question: Option<String>,
}

impl Feedback {
    /// Feedback on `entry_id`, with the member's question once it is redacted.
    pub fn new(entry_id: &str, helpful: bool, question: Option<Redacted>) -> Feedback {
        Feedback {
            entry_id: entry_id.to_string(),
            helpful,
            question: question
                .map(Redacted::into_string)
                .filter(|q| !q.is_empty()),
        }
    }

    /// The redacted question.
    pub fn question(&self) -> Option<&str> {
        self.question.as_deref()
    }
}

/// A question kotae did not answer with confidence (clarify or fallback).
#[derive(Debug, Clone, PartialEq)]
pub struct Unanswered {
    question: String,
    /// The decision taken.
    pub decision: String,
    /// Its confidence.
    pub confidence: f32,
    /// Ids of the candidates offered, best first.
    pub candidates: Vec<String>,
}

impl Unanswered {
    /// A record of a redacted question.
    pub fn new(
        question: Redacted,
        decision: &str,
        confidence: f32,
        candidates: Vec<String>,
    ) -> Self {
        Unanswered {
            question: question.into_string(),
            decision: decision.to_string(),
            confidence,
            candidates,
        }
    }

    /// The redacted question.
    pub fn question(&self) -> &str {
        &self.question
    }
}

/// A stored unanswered question, as editors read it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredUnanswered {
    /// When (UTC).
    pub at: String,
    /// The redacted question.
    pub question: String,
    /// The decision taken.
    pub decision: String,
    /// Its confidence.
    pub confidence: f32,
    /// Candidates offered, best first.
    pub candidates: Vec<String>,
}

/// A stored feedback row, as editors read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredFeedback {
    /// When it was recorded (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub at: String,
    /// The entry.
    pub entry_id: String,
    /// 👍 or 👎.
    pub helpful: bool,
    /// The redacted question.
    pub question: Option<String>,
}

/// A change an editor made from the review console: who added which phrasing to
/// which entry. The phrasing is redacted, like every member text it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// When (UTC); empty until stored.
    pub at: String,
    /// The editor's name.
    pub who: String,
    /// The entry changed.
    pub entry_id: String,
    /// The alternate added.
    pub phrasing: String,
}

/// Where feedback goes.
pub trait Store: Send + Sync {
    /// Records one piece of feedback.
    fn record_feedback(&self, feedback: &Feedback) -> Result<()>;
    /// All feedback, oldest first.
    fn feedback(&self) -> Result<Vec<StoredFeedback>>;
    /// Records a question that was not answered with confidence.
    fn record_unanswered(&self, unanswered: &Unanswered) -> Result<()> {
        self.record_unanswered_batch(std::slice::from_ref(unanswered))
    }
    /// Records several unanswered questions at once (one transaction where the
    /// store has them).
    fn record_unanswered_batch(&self, batch: &[Unanswered]) -> Result<()>;
    /// All unanswered questions, oldest first.
    fn unanswered(&self) -> Result<Vec<StoredUnanswered>>;
    /// Deletes every feedback row and unanswered question older than `days` days;
    /// returns how many rows went.
    fn purge_older_than(&self, days: u32) -> Result<usize>;
    /// Folds the write-ahead log into the main file, so that a copy of that file
    /// is a complete backup.
    fn checkpoint(&self) -> Result<()>;
    /// Whether the store can take writes; `Err` says why not.
    fn health(&self) -> std::result::Result<(), String>;
    /// Adds to the number of questions decided each way on each day (UTC),
    /// `(day as YYYY-MM-DD, decision, count)`.
    fn add_decisions(&self, counts: &[(String, String, u64)]) -> Result<()>;
    /// The number of questions decided each way, per day, oldest day first.
    fn decisions_per_day(&self) -> Result<Vec<(String, String, u64)>>;
    /// Records an editor's change (the audit trail of the review console).
    fn record_edit(&self, edit: &Edit) -> Result<()>;
    /// Every recorded change, newest first.
    fn edits(&self) -> Result<Vec<Edit>>;
}

/// A store that takes nothing: what kotae serves with when the database cannot be
/// opened (missing directory, damaged or read-only file). Questions are still
/// answered; feedback is refused with 503 and `/readyz` reports the store degraded.
pub struct UnavailableStore {
    reason: String,
}

impl UnavailableStore {
    /// A store that refuses every write, for `reason`.
    pub fn new(reason: impl Into<String>) -> UnavailableStore {
        UnavailableStore {
            reason: reason.into(),
        }
    }

    fn refuse<T>(&self) -> Result<T> {
        Err(Error::Store(self.reason.clone()))
    }
}

impl Store for UnavailableStore {
    fn record_feedback(&self, _: &Feedback) -> Result<()> {
        self.refuse()
    }
    fn feedback(&self) -> Result<Vec<StoredFeedback>> {
        self.refuse()
    }
    fn record_unanswered_batch(&self, _: &[Unanswered]) -> Result<()> {
        self.refuse()
    }
    fn unanswered(&self) -> Result<Vec<StoredUnanswered>> {
        self.refuse()
    }
    fn purge_older_than(&self, _: u32) -> Result<usize> {
        self.refuse()
    }
    fn checkpoint(&self) -> Result<()> {
        self.refuse()
    }
    fn health(&self) -> std::result::Result<(), String> {
        Err(self.reason.clone())
    }
    fn add_decisions(&self, _: &[(String, String, u64)]) -> Result<()> {
        self.refuse()
    }
    fn decisions_per_day(&self) -> Result<Vec<(String, String, u64)>> {
        self.refuse()
    }
    fn record_edit(&self, _: &Edit) -> Result<()> {
        self.refuse()
    }
    fn edits(&self) -> Result<Vec<Edit>> {
        self.refuse()
    }
}

/// Opens the store: PostgreSQL when `database` is a `postgres://` URL (shared by
/// replicas), else the SQLite file under `data_dir`. When it cannot be opened (or
/// fails its integrity check), an [`UnavailableStore`] saying why (logged): a
/// broken feedback database must never stop kotae answering.
pub fn open_or_degraded(data_dir: &Path, database: Option<&str>) -> std::sync::Arc<dyn Store> {
    let opened: Result<std::sync::Arc<dyn Store>> = match database {
        Some(url) => PostgresStore::connect(url).map(|s| std::sync::Arc::new(s) as _),
        None => SqliteStore::open(data_dir).map(|s| std::sync::Arc::new(s) as _),
    };
    opened.unwrap_or_else(|err| {
        tracing::error!(error = %err, "the feedback store is unavailable; answering without it");
        std::sync::Arc::new(UnavailableStore::new(err.to_string()))
    })
}

/// The embedded SQLite store: one file under the data directory.
pub struct SqliteStore {
    path: PathBuf,
    connection: Mutex<Connection>,
    /// The file's identity when it was opened: a file replaced or truncated
    /// underneath is noticed before a write is acknowledged.
    identity: FileIdentity,
}

/// Device, inode and whether the file has content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileIdentity {
    device: u64,
    inode: u64,
}

impl FileIdentity {
    fn of(path: &Path) -> Result<FileIdentity> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.len() == 0 {
            return Err(Error::Store(format!(
                "{}: the file is empty",
                path.display()
            )));
        }
        Ok(FileIdentity {
            device: meta.dev(),
            inode: meta.ino(),
        })
    }
}

/// File name of the database inside the data directory.
pub const DATABASE_FILE: &str = "kotae.sqlite3";

impl SqliteStore {
    /// Opens (creating if needed) `<data_dir>/kotae.sqlite3`.
    pub fn open(data_dir: &Path) -> Result<SqliteStore> {
        std::fs::create_dir_all(data_dir).map_err(|e| Error::io(data_dir, e))?;
        let path = data_dir.join(DATABASE_FILE);
        let connection = Connection::open(&path).map_err(|e| store_error(&path, e))?;
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;
                 CREATE TABLE IF NOT EXISTS feedback (
                     id INTEGER PRIMARY KEY,
                     at TEXT NOT NULL DEFAULT (datetime('now')),
                     entry_id TEXT NOT NULL,
                     helpful INTEGER NOT NULL,
                     question TEXT
                 );
                 CREATE TABLE IF NOT EXISTS decisions (
                     day TEXT NOT NULL,
                     decision TEXT NOT NULL,
                     count INTEGER NOT NULL,
                     PRIMARY KEY (day, decision)
                 );
                 CREATE TABLE IF NOT EXISTS edits (
                     id INTEGER PRIMARY KEY,
                     at TEXT NOT NULL DEFAULT (datetime('now')),
                     who TEXT NOT NULL,
                     entry_id TEXT NOT NULL,
                     phrasing TEXT NOT NULL
                 );
                 CREATE TABLE IF NOT EXISTS unanswered (
                     id INTEGER PRIMARY KEY,
                     at TEXT NOT NULL DEFAULT (datetime('now')),
                     question TEXT NOT NULL,
                     decision TEXT NOT NULL,
                     confidence REAL NOT NULL,
                     candidates TEXT NOT NULL
                 );",
            )
            .map_err(|e| store_error(&path, e))?;
        let check: String = connection
            .query_row("PRAGMA quick_check", [], |row| row.get(0))
            .map_err(|e| store_error(&path, e))?;
        if check != "ok" {
            return Err(Error::Store(format!(
                "{}: integrity check failed: {check}",
                path.display()
            )));
        }
        let identity = FileIdentity::of(&path)?;
        Ok(SqliteStore {
            path,
            connection: Mutex::new(connection),
            identity,
        })
    }

    /// Fails when the database file was removed, replaced or emptied since it was
    /// opened: a write into a file nobody will read again is not acknowledged.
    fn verify_file(&self) -> Result<()> {
        match FileIdentity::of(&self.path) {
            Ok(identity) if identity == self.identity => Ok(()),
            Ok(_) => Err(Error::Store(format!(
                "{}: the file was replaced while open",
                self.path.display()
            ))),
            Err(err) => Err(err),
        }
    }

    fn connection(&self) -> Result<std::sync::MutexGuard<'_, Connection>> {
        self.connection
            .lock()
            .map_err(|_| Error::Store(format!("{}: a writer panicked", self.path.display())))
    }
}

impl Store for SqliteStore {
    fn record_feedback(&self, feedback: &Feedback) -> Result<()> {
        self.verify_file()?;
        self.connection()?
            .execute(
                "INSERT INTO feedback (entry_id, helpful, question) VALUES (?1, ?2, ?3)",
                params![feedback.entry_id, feedback.helpful, feedback.question],
            )
            .map_err(|e| store_error(&self.path, e))?;
        self.verify_file()
    }

    fn feedback(&self) -> Result<Vec<StoredFeedback>> {
        let connection = self.connection()?;
        let mut statement = connection
            .prepare("SELECT at, entry_id, helpful, question FROM feedback ORDER BY id")
            .map_err(|e| store_error(&self.path, e))?;
        let rows = statement
            .query_map([], |row| {
                Ok(StoredFeedback {
                    at: row.get(0)?,
                    entry_id: row.get(1)?,
                    helpful: row.get(2)?,
                    question: row.get(3)?,
                })
            })
            .map_err(|e| store_error(&self.path, e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| store_error(&self.path, e))
    }

    fn record_unanswered_batch(&self, batch: &[Unanswered]) -> Result<()> {
        let mut connection = self.connection()?;
        let transaction = connection
            .transaction()
            .map_err(|e| store_error(&self.path, e))?;
        for unanswered in batch {
            transaction
                .execute(
                    "INSERT INTO unanswered (question, decision, confidence, candidates) VALUES (?1, ?2, ?3, ?4)",
                    params![
                        unanswered.question,
                        unanswered.decision,
                        f64::from(unanswered.confidence),
                        unanswered.candidates.join(",")
                    ],
                )
                .map_err(|e| store_error(&self.path, e))?;
        }
        transaction.commit().map_err(|e| store_error(&self.path, e))
    }

    fn purge_older_than(&self, days: u32) -> Result<usize> {
        let cutoff = format!("-{days} days");
        let connection = self.connection()?;
        let mut purged = 0;
        for table in ["feedback", "unanswered", "edits"] {
            purged += connection
                .execute(
                    &format!("DELETE FROM {table} WHERE at < datetime('now', ?1)"),
                    params![cutoff],
                )
                .map_err(|e| store_error(&self.path, e))?;
        }
        Ok(purged)
    }

    fn checkpoint(&self) -> Result<()> {
        self.connection()?
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(|e| store_error(&self.path, e))
    }

    fn health(&self) -> std::result::Result<(), String> {
        self.verify_file().map_err(|e| e.to_string())
    }

    fn add_decisions(&self, counts: &[(String, String, u64)]) -> Result<()> {
        let mut connection = self.connection()?;
        let transaction = connection
            .transaction()
            .map_err(|e| store_error(&self.path, e))?;
        for (day, decision, count) in counts {
            transaction
                .execute(
                    "INSERT INTO decisions (day, decision, count) VALUES (?1, ?2, ?3)
                     ON CONFLICT (day, decision) DO UPDATE SET count = count + excluded.count",
                    params![day, decision, *count as i64],
                )
                .map_err(|e| store_error(&self.path, e))?;
        }
        transaction.commit().map_err(|e| store_error(&self.path, e))
    }

    fn decisions_per_day(&self) -> Result<Vec<(String, String, u64)>> {
        let connection = self.connection()?;
        let mut statement = connection
            .prepare("SELECT day, decision, count FROM decisions ORDER BY day, decision")
            .map_err(|e| store_error(&self.path, e))?;
        let rows = statement
            .query_map([], |row| {
                let count: i64 = row.get(2)?;
                Ok((row.get(0)?, row.get(1)?, count.max(0) as u64))
            })
            .map_err(|e| store_error(&self.path, e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| store_error(&self.path, e))
    }

    fn record_edit(&self, edit: &Edit) -> Result<()> {
        self.verify_file()?;
        self.connection()?
            .execute(
                "INSERT INTO edits (who, entry_id, phrasing) VALUES (?1, ?2, ?3)",
                params![edit.who, edit.entry_id, edit.phrasing],
            )
            .map(|_| ())
            .map_err(|e| store_error(&self.path, e))
    }

    fn edits(&self) -> Result<Vec<Edit>> {
        let connection = self.connection()?;
        let mut statement = connection
            .prepare("SELECT at, who, entry_id, phrasing FROM edits ORDER BY id DESC")
            .map_err(|e| store_error(&self.path, e))?;
        let rows = statement
            .query_map([], |row| {
                Ok(Edit {
                    at: row.get(0)?,
                    who: row.get(1)?,
                    entry_id: row.get(2)?,
                    phrasing: row.get(3)?,
                })
            })
            .map_err(|e| store_error(&self.path, e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| store_error(&self.path, e))
    }

    fn unanswered(&self) -> Result<Vec<StoredUnanswered>> {
        let connection = self.connection()?;
        let mut statement = connection
            .prepare(
                "SELECT at, question, decision, confidence, candidates FROM unanswered ORDER BY id",
            )
            .map_err(|e| store_error(&self.path, e))?;
        let rows = statement
            .query_map([], |row| {
                let candidates: String = row.get(4)?;
                let confidence: f64 = row.get(3)?;
                Ok(StoredUnanswered {
                    at: row.get(0)?,
                    question: row.get(1)?,
                    decision: row.get(2)?,
                    confidence: confidence as f32,
                    candidates: candidate_list(&candidates),
                })
            })
            .map_err(|e| store_error(&self.path, e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| store_error(&self.path, e))
    }
}

/// Hands unanswered questions to one background writer, so that recording one
/// never costs a request more than a channel send: the writer drains whatever has
/// queued up and stores it in one transaction. When the queue is full (the store
/// is slower than the traffic), records are dropped and counted, never waited for.
/// At shutdown, [`UnansweredQueue::drain`] waits until everything queued is written.
#[derive(Clone)]
pub struct UnansweredQueue {
    sender: std::sync::mpsc::SyncSender<Message>,
    dropped: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// A question kotae did not answer, as the request leaves it: still as typed, held
/// in memory only until the writer thread redacts it.
pub struct Pending {
    /// The question as typed.
    pub question: String,
    /// The analyzer that answered it (redaction finds names and places with it).
    pub analyzer: Option<Analyzer>,
    /// The decision taken.
    pub decision: &'static str,
    /// Its confidence.
    pub confidence: f32,
    /// Ids of the candidates offered, best first.
    pub candidates: Vec<String>,
}

impl Pending {
    /// The record to store: the question redacted.
    fn redacted(self) -> Unanswered {
        let question = redact(&self.question, self.analyzer.as_ref());
        tracing::debug!(
            question = question.as_str(),
            decision = self.decision,
            confidence = self.confidence,
            "not answered"
        );
        Unanswered::new(question, self.decision, self.confidence, self.candidates)
    }
}

/// What the writer thread receives.
enum Message {
    Record(Pending),
    /// Answered once every record queued before it is written.
    Flush(std::sync::mpsc::Sender<()>),
}

/// Most records one transaction writes.
const BATCH: usize = 1024;
/// How long the writer lets records gather before writing them.
const GATHER: std::time::Duration = std::time::Duration::from_millis(100);

impl UnansweredQueue {
    /// Starts the writer thread over `store`, with room for `capacity` records.
    pub fn start(store: std::sync::Arc<dyn Store>, capacity: usize) -> UnansweredQueue {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Message>(capacity);
        let spawned = std::thread::Builder::new()
            .name("kotae-recorder".into())
            .spawn(move || write_until_closed(&*store, &receiver));
        if let Err(err) = spawned {
            tracing::warn!(error = %err, "no recorder thread: unanswered questions will not be recorded");
        }
        UnansweredQueue {
            sender,
            dropped: std::sync::Arc::default(),
        }
    }

    /// Queues a record, to be redacted and stored off the request path; false (and
    /// counted) when it had to be dropped.
    pub fn push(&self, record: Pending) -> bool {
        let sent = self.sender.try_send(Message::Record(record)).is_ok();
        if !sent {
            self.dropped
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        sent
    }

    /// Waits (at most `limit`) until every record queued so far is written; false
    /// when the writer did not finish in time.
    pub fn drain(&self, limit: std::time::Duration) -> bool {
        let (done, finished) = std::sync::mpsc::channel();
        if self.sender.send(Message::Flush(done)).is_err() {
            return false;
        }
        finished.recv_timeout(limit).is_ok()
    }

    /// Records dropped since start because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The writer thread's loop; ends when every sender is gone.
fn write_until_closed(store: &dyn Store, receiver: &std::sync::mpsc::Receiver<Message>) {
    while let Ok(first) = receiver.recv() {
        let mut batch = Vec::new();
        let mut flushes = Vec::new();
        match first {
            Message::Record(record) => {
                // Let a batch gather: under load one wake-up per interval instead
                // of one per record.
                std::thread::sleep(GATHER);
                batch.push(record.redacted());
            }
            Message::Flush(done) => flushes.push(done),
        }
        while batch.len() < BATCH {
            match receiver.try_recv() {
                Ok(Message::Record(record)) => batch.push(record.redacted()),
                Ok(Message::Flush(done)) => flushes.push(done),
                Err(_) => break,
            }
        }
        if !batch.is_empty()
            && let Err(err) = store.record_unanswered_batch(&batch)
        {
            tracing::warn!(error = %err, records = batch.len(), "could not record unanswered questions");
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

/// How many questions were decided each way today, counted in memory on the
/// request path (no write per question) and added to the store every minute and at
/// exit ([`DecisionTally::flush`]).
#[derive(Debug, Default)]
pub struct DecisionTally {
    counts: Mutex<std::collections::HashMap<(String, &'static str), u64>>,
}

impl DecisionTally {
    /// Counts one question decided as `decision` today (UTC).
    pub fn count(&self, decision: &'static str) {
        if let Ok(mut counts) = self.counts.lock() {
            *counts.entry((utc_day(), decision)).or_default() += 1;
        }
    }

    /// What is counted but not yet stored, `(day, decision, count)`.
    pub fn pending(&self) -> Vec<(String, String, u64)> {
        self.counts
            .lock()
            .map(|counts| {
                counts
                    .iter()
                    .map(|((day, decision), n)| (day.clone(), decision.to_string(), *n))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Adds the counts to `store`; they are kept for the next flush if it fails.
    pub fn flush(&self, store: &dyn Store) -> Result<()> {
        let Ok(mut counts) = self.counts.lock() else {
            return Err(Error::Store("the decision tally was poisoned".into()));
        };
        if counts.is_empty() {
            return Ok(());
        }
        let rows: Vec<(String, String, u64)> = counts
            .iter()
            .map(|((day, decision), n)| (day.clone(), decision.to_string(), *n))
            .collect();
        store.add_decisions(&rows)?;
        counts.clear();
        Ok(())
    }
}

/// Today's date in UTC, `YYYY-MM-DD` (the civil-from-days algorithm; no calendar
/// crate needed for this one date).
fn utc_day() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let days = (secs / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The candidate ids of an unanswered question, as stored (comma-separated).
fn candidate_list(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

fn store_error(path: &Path, err: rusqlite::Error) -> Error {
    Error::Store(format!("{}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_is_stored_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let question = redact("090-1234-5678のカードは？", None);
        let feedback = Feedback::new("credit-card", true, Some(question));
        store.record_feedback(&feedback).unwrap();
        store
            .record_feedback(&Feedback::new("bank-account", false, None))
            .unwrap();
        let rows = store.feedback().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].entry_id, "credit-card");
        assert!(rows[0].helpful);
        assert_eq!(rows[0].question.as_deref(), Some("[電話番号]のカードは?"));
        assert_eq!(rows[1].question, None);
        assert!(!rows[1].helpful);
    }

    #[test]
    fn unanswered_questions_are_stored_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let record = Unanswered::new(
            redact("組合員番号12345678の出資金を返金して", None),
            "clarify",
            0.4,
            vec!["investment-points".into(), "bank-account".into()],
        );
        store.record_unanswered(&record).unwrap();
        let rows = store.unanswered().unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].question, "組合員番号[番号]の出資金を返金して");
        assert_eq!(rows[0].candidates, ["investment-points", "bank-account"]);
        assert_eq!(rows[0].decision, "clarify");
    }

    #[test]
    fn the_queue_writes_in_the_background() {
        let dir = tempfile::tempdir().unwrap();
        let store: std::sync::Arc<dyn Store> =
            std::sync::Arc::new(SqliteStore::open(dir.path()).unwrap());
        let queue = UnansweredQueue::start(store.clone(), 1024);
        for i in 0..100 {
            assert!(queue.push(Pending {
                question: format!("質問{i} 090-1234-5678"),
                analyzer: None,
                decision: "fallback",
                confidence: 0.0,
                candidates: vec![],
            }));
        }
        let mut stored = 0;
        for _ in 0..100 {
            stored = store.unanswered().unwrap().len();
            if stored == 100 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(stored, 100);
        assert_eq!(queue.dropped(), 0);
        let rows = store.unanswered().unwrap();
        assert!(rows.iter().all(|r| !r.question.contains("1234-5678")));
    }

    #[test]
    fn decisions_are_counted_per_day_and_added_up_across_flushes() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let tally = DecisionTally::default();
        tally.count("answer");
        tally.count("answer");
        tally.count("fallback");
        tally.flush(&store).unwrap();
        tally.count("answer");
        tally.flush(&store).unwrap();
        let rows = store.decisions_per_day().unwrap();
        let today = utc_day();
        assert_eq!(
            rows,
            [
                (today.clone(), "answer".to_string(), 3),
                (today, "fallback".to_string(), 1)
            ]
        );
        let sqlite_today: String = store
            .connection()
            .unwrap()
            .query_row("SELECT date('now')", [], |r| r.get(0))
            .unwrap();
        assert_eq!(utc_day(), sqlite_today);
    }

    #[test]
    fn the_database_survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        SqliteStore::open(dir.path())
            .unwrap()
            .record_feedback(&Feedback::new(
                "contact",
                true,
                Some(redact("ありがとう", None)),
            ))
            .unwrap();
        let reopened = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(reopened.feedback().unwrap().len(), 1);
    }
}
