//! What members tell us back: feedback on answers, kept for FAQ editors.
//!
//! The store sits behind the small [`Store`] trait so that a deployment with
//! several replicas can put it in one shared database (PostgreSQL) without touching
//! the handlers; the shipped implementation is an embedded SQLite file. Questions
//! are redacted ([`crate::redact`]) *before* they reach any store: an
//! implementation never sees personal data.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::redact::redact;

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
    /// Feedback on `entry_id`; the question, if any, is redacted here.
    pub fn new(entry_id: &str, helpful: bool, question: Option<&str>) -> Feedback {
        Feedback {
            entry_id: entry_id.to_string(),
            helpful,
            question: question
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(redact),
        }
    }

    /// The redacted question.
    pub fn question(&self) -> Option<&str> {
        self.question.as_deref()
    }
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

/// Where feedback goes.
pub trait Store: Send + Sync {
    /// Records one piece of feedback.
    fn record_feedback(&self, feedback: &Feedback) -> Result<()>;
    /// All feedback, oldest first.
    fn feedback(&self) -> Result<Vec<StoredFeedback>>;
}

/// The embedded SQLite store: one file under the data directory.
pub struct SqliteStore {
    path: PathBuf,
    connection: Mutex<Connection>,
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
                 PRAGMA synchronous = NORMAL;
                 CREATE TABLE IF NOT EXISTS feedback (
                     id INTEGER PRIMARY KEY,
                     at TEXT NOT NULL DEFAULT (datetime('now')),
                     entry_id TEXT NOT NULL,
                     helpful INTEGER NOT NULL,
                     question TEXT
                 );",
            )
            .map_err(|e| store_error(&path, e))?;
        Ok(SqliteStore {
            path,
            connection: Mutex::new(connection),
        })
    }

    fn connection(&self) -> Result<std::sync::MutexGuard<'_, Connection>> {
        self.connection
            .lock()
            .map_err(|_| Error::Store(format!("{}: a writer panicked", self.path.display())))
    }
}

impl Store for SqliteStore {
    fn record_feedback(&self, feedback: &Feedback) -> Result<()> {
        self.connection()?
            .execute(
                "INSERT INTO feedback (entry_id, helpful, question) VALUES (?1, ?2, ?3)",
                params![feedback.entry_id, feedback.helpful, feedback.question],
            )
            .map(|_| ())
            .map_err(|e| store_error(&self.path, e))
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
        let feedback = Feedback::new("credit-card", true, Some("090-1234-5678のカードは？"));
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
    fn the_database_survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        SqliteStore::open(dir.path())
            .unwrap()
            .record_feedback(&Feedback::new("contact", true, Some("ありがとう")))
            .unwrap();
        let reopened = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(reopened.feedback().unwrap().len(), 1);
    }
}
