//! The personal-data test set (`tests/privacy/pii.jsonl`): messages written the way
//! worried members write, each piece of personal data in them labelled with its
//! kind. Redaction must remove every piece; ordinary questions
//! (`tests/privacy/clean.jsonl`) must mostly keep their words.
//!
//! `cargo test --test privacy -- --nocapture` prints the table per kind that the
//! README shows.

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use kotae::matcher::Matcher;
use kotae::redact::redact;
use serde::Deserialize;

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<(Matcher, tempfile::TempDir)> = OnceLock::new();
    &MATCHER.get_or_init(common::shipped_matcher).0
}

#[derive(Deserialize)]
struct Message {
    text: String,
    #[serde(default)]
    pieces: Vec<Piece>,
}

#[derive(Deserialize)]
struct Piece {
    kind: String,
    value: String,
}

fn messages(file: &str) -> Vec<Message> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/privacy")
        .join(file);
    std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The NFKC form of a piece, as redaction sees the text.
fn nfkc(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfkc().collect()
}

/// Redacts every message of `file`; prints the table per kind and returns the
/// pieces left over, with the text they were left in.
fn leftover_pieces(file: &str) -> (usize, Vec<String>) {
    let set = messages(file);
    let mut per_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut leaks = Vec::new();
    for message in &set {
        let redacted = redact(&message.text, Some(matcher().analyzer()));
        for piece in &message.pieces {
            let counts = per_kind.entry(piece.kind.clone()).or_default();
            counts.0 += 1;
            let value = nfkc(&piece.value);
            if redacted.as_str().contains(&value) || redacted.as_str().contains(&piece.value) {
                counts.1 += 1;
                leaks.push(format!("{} ({}) in {}", piece.value, piece.kind, redacted));
            }
        }
    }
    println!(
        "{file}: {} messages\n| kind | pieces | left after redaction |\n|---|---|---|",
        set.len()
    );
    for (kind, (total, leaked)) in &per_kind {
        println!("| {kind} | {total} | {leaked} |");
    }
    let total: usize = per_kind.values().map(|c| c.0).sum();
    println!("| all | {total} | {} |", leaks.len());
    (total, leaks)
}

#[test]
fn every_piece_of_personal_data_is_redacted() {
    assert!(messages("pii.jsonl").len() >= 150);
    let (_, leaks) = leftover_pieces("pii.jsonl");
    assert!(
        leaks.is_empty(),
        "{} pieces leaked:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

/// A second set, written independently and never used to tune redaction.
#[test]
fn the_held_aside_set_keeps_almost_nothing() {
    let (total, leaks) = leftover_pieces("pii-holdout.jsonl");
    println!("{}", leaks.join("\n"));
    assert!(total >= 300);
    // A floor a few pieces below what it measured, not a frozen number.
    assert!(
        leaks.len() * 100 <= total * 10,
        "{} of {total} pieces left",
        leaks.len()
    );
}

#[test]
fn ordinary_questions_keep_their_words() {
    for file in ["clean.jsonl", "clean-holdout.jsonl"] {
        let set = messages(file);
        let mut changed = Vec::new();
        for message in &set {
            let redacted = redact(&message.text, Some(matcher().analyzer()));
            if redacted.as_str() != nfkc(message.text.trim()) {
                changed.push(format!("{} → {}", message.text, redacted));
            }
        }
        println!(
            "{file}: changed by redaction: {} of {}",
            changed.len(),
            set.len()
        );
        for line in &changed {
            println!("  {line}");
        }
        // Redaction errs towards removing too much; most questions stay whole.
        assert!(changed.len() * 5 <= set.len(), "{}", changed.join("\n"));
    }
}

/// Every message of the set, sent as a member would (asked, asked with `explain`,
/// given feedback), with debug JSON logs: no piece may reach the log, the
/// database or `kotae review`.
#[tokio::test]
async fn no_piece_reaches_the_log_the_database_or_the_review() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("kotae.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let server = common::Server::start_custom(
        &common::shipped_faq(),
        &["--log-format", "json", "--rate-limit-per-second", "0"],
        &[("KOTAE_LOG", "debug")],
        Stdio::from(log),
    );
    let http = common::client();
    let set = messages("pii.jsonl");
    for message in &set {
        for explain in [false, true] {
            let reply = http
                .post(server.url("/api/ask"))
                .json(&serde_json::json!({"question": message.text, "explain": explain}))
                .send()
                .await
                .unwrap();
            assert!(reply.status().is_success(), "{}", reply.status());
        }
        let recorded = http
            .post(server.url("/api/feedback"))
            .json(&serde_json::json!({"id": "contact", "helpful": false, "question": message.text}))
            .send()
            .await
            .unwrap();
        assert_eq!(recorded.status(), reqwest::StatusCode::CREATED);
    }
    // Stopping drains the queue of unanswered questions into the database.
    let (status, data_dir) = server.terminate();
    assert!(status.success(), "{status}");
    let data = data_dir.path().to_path_buf();
    let mut written = common::without_measurements(&std::fs::read_to_string(&log_path).unwrap());
    let connection = rusqlite::Connection::open(data.join("kotae.sqlite3")).unwrap();
    let feedback: Vec<String> = connection
        .prepare("SELECT question FROM feedback ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // Feedback rows are one per message, in order: each is checked against its own
    // message's pieces, however short.
    assert_eq!(feedback.len(), set.len());
    for (row, message) in feedback.iter().zip(&set) {
        for piece in &message.pieces {
            assert!(
                !row.contains(&piece.value) && !row.contains(&nfkc(&piece.value)),
                "feedback row {row:?} holds {:?}",
                piece.value
            );
        }
    }
    let mut statement = connection
        .prepare("SELECT question FROM unanswered")
        .unwrap();
    for row in statement.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        written.push('\n');
        written.push_str(&row.unwrap());
    }
    for format in [&[][..], &["--json"][..]] {
        let review = common::kotae()
            .args(["--faq"])
            .arg(common::shipped_faq())
            .args(["--index"])
            .arg(dir.path().join("index"))
            .args(["review", "--data"])
            .arg(&data)
            .args(format)
            .output()
            .unwrap();
        assert!(review.status.success());
        written.push_str(&String::from_utf8_lossy(&review.stdout));
    }
    // The log, the unanswered table and the review mix all messages: a piece found
    // there is a leak unless the same characters also occur in some message
    // outside its personal data (`しょう` in `でしょうか`).
    let ordinary = set
        .iter()
        .map(|m| {
            m.pieces.iter().fold(nfkc(&m.text), |text, p| {
                text.replace(&nfkc(&p.value), "\u{0}")
            })
        })
        .collect::<Vec<_>>()
        .join("\u{0}");
    let leaked: Vec<&str> = set
        .iter()
        .flat_map(|m| &m.pieces)
        .filter(|p| !ordinary.contains(&nfkc(&p.value)))
        .filter(|p| written.contains(&p.value) || written.contains(&nfkc(&p.value)))
        .map(|p| p.value.as_str())
        .collect();
    assert!(leaked.is_empty(), "written somewhere: {leaked:?}");
}
