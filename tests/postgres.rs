//! The shared store on a real PostgreSQL server (`bash scripts/test.sh` starts one
//! and sets `KOTAE_TEST_DATABASE_URL`): it keeps what the SQLite store keeps, and
//! two kotae replicas writing to it are reviewed as one.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{Server, ask, client, shipped_faq};
use kotae::redact::redact;
use kotae::store::{Edit, Feedback, PostgresStore, Store};
use serde_json::json;

const STAFF: &str = "editor:review-token-0123456789";
const TOKEN: &str = "review-token-0123456789";

/// A URL to an empty schema of its own in the test database: each test (and each
/// run) starts from fresh tables, whatever earlier runs left.
fn database_url() -> String {
    let base = std::env::var("KOTAE_TEST_DATABASE_URL").expect(
        "KOTAE_TEST_DATABASE_URL: run the tests with bash scripts/test.sh, which starts PostgreSQL",
    );
    let schema = format!("test_{}", marker());
    let create = base.clone();
    let statement = format!("CREATE SCHEMA {schema}");
    // The synchronous client runs its own runtime: not on an async worker thread.
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&create, postgres::NoTls).unwrap();
        client.batch_execute(&statement).unwrap();
    })
    .join()
    .unwrap();
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}options=-c%20search_path%3D{schema}")
}

/// A marker no other test run wrote, so that tests sharing the database do not
/// see each other's rows as their own.
fn marker() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    // Letters, not digits: a run of digits would be redacted as a number.
    format!("{nanos:x}")
        .chars()
        .map(|c| char::from(b'a' + c.to_digit(16).unwrap_or(0) as u8))
        .collect()
}

#[test]
fn the_postgres_store_keeps_feedback_edits_and_decision_counts() {
    let url = database_url();
    let store = std::thread::spawn(move || PostgresStore::connect(&url).unwrap())
        .join()
        .unwrap();
    let mark = marker();
    let entry = format!("pg-{mark}");
    store
        .record_feedback(&Feedback::new(
            &entry,
            false,
            Some(redact("090-1234-5678の件", None)),
        ))
        .unwrap();
    let row = store
        .feedback()
        .unwrap()
        .into_iter()
        .find(|f| f.entry_id == entry)
        .unwrap();
    assert!(!row.helpful);
    assert_eq!(row.question.as_deref(), Some("[電話番号]の件"));
    store
        .record_edit(&Edit {
            at: String::new(),
            who: "editor".into(),
            entry_id: entry.clone(),
            phrasing: "別の聞き方".into(),
        })
        .unwrap();
    assert!(
        store
            .edits()
            .unwrap()
            .iter()
            .any(|e| e.entry_id == entry && !e.at.is_empty())
    );
    let day = format!("day-{mark}");
    store
        .add_decisions(&[(day.clone(), "answer".into(), 2)])
        .unwrap();
    store
        .add_decisions(&[(day.clone(), "answer".into(), 3)])
        .unwrap();
    let counted = store
        .decisions_per_day()
        .unwrap()
        .into_iter()
        .find(|(d, _, _)| *d == day)
        .unwrap();
    assert_eq!(counted.2, 5);
    assert!(store.health().is_ok());
}

#[tokio::test]
async fn two_replicas_on_one_database_are_reviewed_as_one() {
    let url = database_url();
    let args = ["--database", url.as_str()];
    let env = [("KOTAE_STAFF", STAFF)];
    let first = Server::start_custom(&shipped_faq(), &args, &env, Stdio::inherit());
    let second = Server::start_custom(&shipped_faq(), &args, &env, Stdio::inherit());
    let mark = marker();
    let (one, two) = (
        format!("明日の天気は{mark}ですか"),
        format!("駐車場は{mark}台ありますか"),
    );
    ask(&first, &one).await;
    ask(&second, &two).await;
    for server in [&first, &second] {
        client()
            .post(server.url("/api/feedback"))
            .json(&json!({"id": "contact", "helpful": true}))
            .send()
            .await
            .unwrap();
    }
    // Each replica's writer stores its unanswered question off the request path.
    let mut seen = String::new();
    for _ in 0..50 {
        let review = common::staff_get(&second, "/api/staff/review", TOKEN).await;
        seen = review["groups"].to_string();
        if seen.contains(&one) && seen.contains(&two) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        seen.contains(&one) && seen.contains(&two),
        "the review on one replica misses the other's: {seen}"
    );
    let ready = common::readyz(&first).await;
    assert_eq!(ready["store"], "ok");
    let index = tempfile::tempdir().unwrap();
    let cli = common::run(
        &shipped_faq(),
        index.path(),
        &["review", "--database", &url, "--json"],
    );
    let text = String::from_utf8_lossy(&cli.stdout);
    assert!(text.contains(&one) && text.contains(&two), "{text}");
}
