//! The shared store: PostgreSQL, for several kotae replicas behind one load
//! balancer, so that the review and the dashboard see every replica's records.
//! `--database postgres://…` selects it; the tables are created (migrated) on
//! connect. Times are UTC text (`YYYY-MM-DD HH:MM:SS`), as SQLite stores them.

use std::sync::Mutex;

use postgres::types::ToSql;
use postgres::{Client, NoTls, Row};

use super::{Edit, Feedback, Store, StoredFeedback, StoredUnanswered, Unanswered};
use crate::error::{Error, Result};

/// The schema, applied in order on every connect (each statement is idempotent).
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS feedback (
         id BIGSERIAL PRIMARY KEY,
         at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
         entry_id TEXT NOT NULL,
         helpful BOOLEAN NOT NULL,
         question TEXT)",
    "CREATE TABLE IF NOT EXISTS unanswered (
         id BIGSERIAL PRIMARY KEY,
         at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
         question TEXT NOT NULL,
         decision TEXT NOT NULL,
         confidence DOUBLE PRECISION NOT NULL,
         candidates TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS decisions (
         day TEXT NOT NULL,
         decision TEXT NOT NULL,
         count BIGINT NOT NULL,
         PRIMARY KEY (day, decision))",
    "CREATE TABLE IF NOT EXISTS edits (
         id BIGSERIAL PRIMARY KEY,
         at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
         who TEXT NOT NULL,
         entry_id TEXT NOT NULL,
         phrasing TEXT NOT NULL)",
];

/// A store in a PostgreSQL database shared by every replica.
pub struct PostgresStore {
    url: String,
    /// `None` only while being dropped.
    client: Mutex<Option<Client>>,
}

impl Drop for PostgresStore {
    /// The client owns a small runtime of its own, which must not be dropped on an
    /// async worker thread (where the last reference may go): it goes on a plain
    /// thread instead.
    fn drop(&mut self) {
        if let Some(client) = self.client.get_mut().ok().and_then(Option::take) {
            let _ = std::thread::spawn(move || drop(client)).join();
        }
    }
}

/// The connection, locked.
type Locked<'a> = std::sync::MutexGuard<'a, Option<Client>>;

fn pg_error(err: postgres::Error) -> Error {
    // The URL (and its password) never goes into a message.
    Error::Store(format!("PostgreSQL: {err}"))
}

impl PostgresStore {
    /// Connects to `url` and applies the migrations.
    pub fn connect(url: &str) -> Result<PostgresStore> {
        let mut client = Client::connect(url, NoTls).map_err(pg_error)?;
        for migration in MIGRATIONS {
            client.batch_execute(migration).map_err(pg_error)?;
        }
        Ok(PostgresStore {
            url: url.to_string(),
            client: Mutex::new(Some(client)),
        })
    }

    /// Inserts a batch of unanswered questions in one transaction.
    fn insert_unanswered(client: &mut Client, batch: &[Unanswered]) -> Result<()> {
        let mut transaction = client.transaction().map_err(pg_error)?;
        for record in batch {
            transaction
                .execute(
                    "INSERT INTO unanswered (question, decision, confidence, candidates) VALUES ($1, $2, $3, $4)",
                    &[
                        &record.question(),
                        &record.decision,
                        &f64::from(record.confidence),
                        &record.candidates.join(","),
                    ],
                )
                .map_err(pg_error)?;
        }
        transaction.commit().map_err(pg_error)
    }

    /// Deletes the records older than `days` days.
    fn purge(client: &mut Client, days: u32) -> Result<usize> {
        let mut purged = 0;
        for table in ["feedback", "unanswered", "edits"] {
            purged += client
                .execute(
                    &format!(
                        "DELETE FROM {table} WHERE at < to_char(now() AT TIME ZONE 'UTC' - make_interval(days => $1), 'YYYY-MM-DD HH24:MI:SS')"
                    ),
                    &[&(days as i32)],
                )
                .map_err(pg_error)? as usize;
        }
        Ok(purged)
    }

    /// Runs `work` with the connection, made again if the server closed it.
    fn with<T>(&self, work: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        let mut guard: Locked<'_> = self
            .client
            .lock()
            .map_err(|_| Error::Store("PostgreSQL: a writer panicked".into()))?;
        if guard.as_ref().is_none_or(Client::is_closed) {
            *guard = Some(Client::connect(&self.url, NoTls).map_err(pg_error)?);
        }
        match guard.as_mut() {
            Some(client) => work(client),
            None => Err(Error::Store("PostgreSQL: no connection".into())),
        }
    }

    /// Runs one statement that returns no rows.
    fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<()> {
        self.with(|client| client.execute(sql, params).map(|_| ()).map_err(pg_error))
    }

    /// Runs one query without parameters.
    fn query(&self, sql: &str) -> Result<Vec<Row>> {
        self.with(|client| client.query(sql, &[]).map_err(pg_error))
    }
}

impl Store for PostgresStore {
    fn record_feedback(&self, feedback: &Feedback) -> Result<()> {
        self.execute(
            "INSERT INTO feedback (entry_id, helpful, question) VALUES ($1, $2, $3)",
            &[&feedback.entry_id, &feedback.helpful, &feedback.question()],
        )
    }

    fn feedback(&self) -> Result<Vec<StoredFeedback>> {
        let rows =
            self.query("SELECT at, entry_id, helpful, question FROM feedback ORDER BY id")?;
        Ok(rows
            .iter()
            .map(|row| StoredFeedback {
                at: row.get(0),
                entry_id: row.get(1),
                helpful: row.get(2),
                question: row.get(3),
            })
            .collect())
    }

    fn record_unanswered_batch(&self, batch: &[Unanswered]) -> Result<()> {
        self.with(|client| Self::insert_unanswered(client, batch))
    }

    fn unanswered(&self) -> Result<Vec<StoredUnanswered>> {
        let rows = self.query(
            "SELECT at, question, decision, confidence, candidates FROM unanswered ORDER BY id",
        )?;
        Ok(rows
            .iter()
            .map(|row| {
                let candidates: String = row.get(4);
                let confidence: f64 = row.get(3);
                StoredUnanswered {
                    at: row.get(0),
                    question: row.get(1),
                    decision: row.get(2),
                    confidence: confidence as f32,
                    candidates: super::candidate_list(&candidates),
                }
            })
            .collect())
    }

    fn purge_older_than(&self, days: u32) -> Result<usize> {
        self.with(|client| Self::purge(client, days))
    }

    fn checkpoint(&self) -> Result<()> {
        // The server keeps its own write-ahead log; backups are pg_dump's job.
        Ok(())
    }

    fn health(&self) -> std::result::Result<(), String> {
        self.with(|client| client.simple_query("SELECT 1").map_err(pg_error))
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn add_decisions(&self, counts: &[(String, String, u64)]) -> Result<()> {
        self.with(|client| {
        let mut transaction = client.transaction().map_err(pg_error)?;
        for (day, decision, count) in counts {
            transaction
                .execute(
                    "INSERT INTO decisions (day, decision, count) VALUES ($1, $2, $3)
                     ON CONFLICT (day, decision) DO UPDATE SET count = decisions.count + excluded.count",
                    &[day, decision, &(*count as i64)],
                )
                .map_err(pg_error)?;
        }
        transaction.commit().map_err(pg_error)
        })
    }

    fn decisions_per_day(&self) -> Result<Vec<(String, String, u64)>> {
        let rows =
            self.query("SELECT day, decision, count FROM decisions ORDER BY day, decision")?;
        Ok(rows
            .iter()
            .map(|row| {
                let count: i64 = row.get(2);
                (row.get(0), row.get(1), count.max(0) as u64)
            })
            .collect())
    }

    fn record_edit(&self, edit: &Edit) -> Result<()> {
        self.execute(
            "INSERT INTO edits (who, entry_id, phrasing) VALUES ($1, $2, $3)",
            &[&edit.who, &edit.entry_id, &edit.phrasing],
        )
    }

    fn edits(&self) -> Result<Vec<Edit>> {
        let rows = self.query("SELECT at, who, entry_id, phrasing FROM edits ORDER BY id DESC")?;
        Ok(rows
            .iter()
            .map(|row| Edit {
                at: row.get(0),
                who: row.get(1),
                entry_id: row.get(2),
                phrasing: row.get(3),
            })
            .collect())
    }
}
