//! Running kotae for real: live FAQ updates, limits and timeouts, bad input,
//! metrics, and personal data that never reaches a log line or a stored row.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::Duration;

use common::{Server, ask, client, faq_copy};
use reqwest::StatusCode;
use serde_json::{Value, json};

const TOKEN: &str = "test-admin-token-0123456789";

async fn reload(server: &Server, token: Option<&str>) -> (StatusCode, Value) {
    let mut request = client().post(server.url("/admin/reload"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// Polls `/readyz` (up to 10 s) until the server serves `entries` entries.
async fn wait_for_entries(server: &Server, entries: u64) -> Value {
    let mut seen = Value::Null;
    for _ in 0..40 {
        seen = common::readyz(server).await["entries"].clone();
        if seen == entries {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    seen
}

/// A server on `faq` with the admin routes enabled.
fn admin_server(faq: &std::path::Path) -> Server {
    Server::start_custom(faq, &[], &[("KOTAE_ADMIN_TOKEN", TOKEN)], Stdio::inherit())
}

const NEW_ENTRY: &str = r#"[{"id": "store-hours", "question": "店舗の営業時間は何時から何時までですか？",
  "answer": "店舗の営業時間は9時から21時までです。", "alternates": ["お店は何時まで開いていますか"],
  "category": "店舗", "source": "test"}]"#;

#[tokio::test]
async fn admin_reload_needs_the_token_and_swaps_in_the_new_faq() {
    let faq = faq_copy();
    let server = admin_server(faq.path());
    assert_ne!(
        ask(&server, "お店は何時まで開いていますか").await["answer"]["id"],
        "store-hours"
    );

    let (status, body) = reload(&server, None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    let (status, _) = reload(&server, Some("wrong-token-wrong-token")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    std::fs::write(faq.path().join("store.json"), NEW_ENTRY).unwrap();
    let (status, body) = reload(&server, Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["reload"]["entries"], 12);
    assert_eq!(body["reload"]["built"], true);
    let reply = ask(&server, "お店は何時まで開いていますか").await;
    assert_eq!(reply["answer"]["id"], "store-hours", "{reply}");

    let ready = common::readyz(&server).await;
    assert_eq!(ready["entries"], 12);
    assert_eq!(ready["reloads"]["count"], 1);
    assert!(ready["reloads"]["last_success"].is_u64());
}

#[tokio::test]
async fn an_invalid_faq_is_refused_and_the_old_one_keeps_serving() {
    let faq = faq_copy();
    let server = admin_server(faq.path());
    std::fs::write(
        faq.path().join("broken.json"),
        r#"[{"id": "credit-card", "question": "重複", "answer": "x"}]"#,
    )
    .unwrap();
    let (status, body) = reload(&server, Some(TOKEN)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "invalid_faq");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("duplicate id"),
        "{body}"
    );
    let reply = ask(&server, "クレジットカードの情報は大丈夫ですか").await;
    assert_eq!(reply["answer"]["id"], "credit-card");
    let ready = common::readyz(&server).await;
    assert_eq!(ready["reloads"]["failures"], 1);
    // Readiness is public: the kind of failure, never the detail or a path (the
    // detail went to the admin above and to the log).
    let reason = ready["reloads"]["last_error"].as_str().unwrap();
    assert_eq!(reason, "the FAQ directory is invalid");
    assert!(
        !ready
            .to_string()
            .contains(&*server.data.path().to_string_lossy())
    );
    let metrics = common::get_text(&server.url("/metrics")).await;
    assert!(
        metrics.contains(r#"kotae_reloads_total{outcome="failure"} 1"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn admin_routes_do_not_exist_without_a_token() {
    let server = Server::start();
    let (status, body) = reload(&server, Some(TOKEN)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

#[tokio::test]
async fn sighup_and_watch_reload_the_faq() {
    let faq = faq_copy();
    let server = Server::start_with_args(faq.path(), &["--watch", "true"]);
    std::fs::write(faq.path().join("store.json"), NEW_ENTRY).unwrap();
    // The watcher polls every 2 s.
    assert_eq!(
        wait_for_entries(&server, 12).await,
        12,
        "--watch picked up the new file"
    );

    let faq2 = faq_copy();
    let plain = Server::start_with(faq2.path());
    std::fs::write(faq2.path().join("store.json"), NEW_ENTRY).unwrap();
    let status = std::process::Command::new("kill")
        .args(["-HUP", &plain.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(wait_for_entries(&plain, 12).await, 12, "SIGHUP reloaded");
}

#[tokio::test]
async fn one_client_over_its_rate_gets_429_with_retry_after() {
    let server = Server::start_with_args(
        &common::shipped_faq(),
        &["--rate-limit-per-second", "1", "--rate-limit-burst", "3"],
    );
    let http = client();
    let mut limited = None;
    for _ in 0..10 {
        let response = http
            .post(server.url("/api/ask"))
            .json(&json!({"question": "クレカ"}))
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(response);
            break;
        }
    }
    let response = limited.expect("a 429 within 10 quick requests");
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    // Health checks are not rate limited.
    assert_eq!(
        http.get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

/// Sends raw bytes and returns the status line's code and the body.
fn raw(authority: &str, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(authority).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, body)
}

fn post(body: &[u8], length: usize) -> Vec<u8> {
    let mut request = format!(
        "POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

#[tokio::test]
async fn bad_input_always_gets_a_json_error_and_never_hurts_the_server() {
    let server = Server::start_with_args(&common::shipped_faq(), &["--request-timeout-ms", "1000"]);
    // A question the words answer: the case is about the JSON, and an embedding
    // for an unanswered one can outlast the short request timeout while the other
    // tests' servers start on the same cores.
    let nested = format!(
        r#"{{"question": "クレジットカードの情報は大丈夫ですか", "x": {}{}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let deep_question = format!(
        r#"{{"question": {}{}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let big = vec![b'a'; 1024 * 1024];
    let invalid_utf8: &[u8] = b"{\"question\": \"\xff\xfe\xfd\"}";
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "invalid UTF-8",
            post(invalid_utf8, invalid_utf8.len()),
            400,
            "invalid_json",
        ),
        // Nesting in a field kotae ignores is skipped without recursion: answered.
        (
            "deeply nested ignored field",
            post(nested.as_bytes(), nested.len()),
            200,
            "",
        ),
        (
            "deeply nested question",
            post(deep_question.as_bytes(), deep_question.len()),
            422,
            "invalid_field",
        ),
        (
            "truncated JSON",
            post(br#"{"question": "a"#, 15),
            400,
            "invalid_json",
        ),
        ("not an object", post(b"[1, 2]", 6), 422, "invalid_field"),
        (
            "wrong type",
            post(br#"{"question": ["a"]}"#, 19),
            422,
            "invalid_field",
        ),
        (
            "top_k 0",
            post(br#"{"question":"a","top_k":0}"#, 26),
            422,
            "invalid_top_k",
        ),
        (
            "top_k 99",
            post(br#"{"question":"a","top_k":99}"#, 27),
            422,
            "invalid_top_k",
        ),
        (
            "top_k negative",
            post(br#"{"question":"a","top_k":-1}"#, 27),
            422,
            "invalid_top_k",
        ),
        ("1 MB body", post(&big, big.len()), 413, "body_too_large"),
    ];
    for (name, request, status, code) in cases {
        let authority = server.authority();
        let (got, body) = tokio::task::spawn_blocking(move || raw(&authority, &request))
            .await
            .unwrap();
        let json: Value =
            serde_json::from_str(&body).unwrap_or_else(|_| panic!("{name}: body {body:?}"));
        assert_eq!(
            (got, json["error"]["code"].as_str().unwrap_or("")),
            (status, code),
            "{name}"
        );
    }
    // A body that never finishes arriving is cut off by the request timeout.
    let authority = server.authority();
    let (got, body) =
        tokio::task::spawn_blocking(move || raw(&authority, &post(br#"{"question": "#, 200)))
            .await
            .unwrap();
    assert_eq!(got, 408, "{body}");
    assert!(body.contains("request_timeout"), "{body}");
    // The server is still fine.
    assert_eq!(
        ask(&server, "クレカ大丈夫？").await["candidates"][0]["id"],
        "credit-card"
    );
}

#[tokio::test]
async fn metrics_count_requests_decisions_and_the_generation() {
    let server = Server::start();
    ask(&server, "クレジットカードの情報は大丈夫ですか").await;
    ask(&server, "明日の天気は").await;
    let response = client().get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    for needle in [
        r#"kotae_http_requests_total{route="/api/ask",status="200"} 2"#,
        r#"kotae_decisions_total{decision="answer"} 1"#,
        r#"kotae_decisions_total{decision="fallback"} 1"#,
        "kotae_http_request_duration_seconds_bucket",
        "kotae_index_generation{generation=\"gen-",
        "kotae_faq_entries 11",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    assert!(!text.contains("天気"), "no member text in metrics");
}

/// One question per redaction rule, with the secret that must never be written.
const PII: &[(&str, &str)] = &[
    ("明日の天気は？電話は090-1234-5678です", "1234-5678"),
    (
        "明日の天気は？ﾒｰﾙはtaro.yamada@example.jpです",
        "yamada@example",
    ),
    ("明日の天気は？〒630-8123に住んでいます", "8123"),
    ("明日の天気は？口座は1234 5678です", "1234 5678"),
    ("明日の天気は？組合員番号は87654321です", "87654321"),
    ("明日の天気は？名前は山田花子です", "山田花子"),
    ("明日の天気は？電話は０９０１２３４５６７８", "12345678"),
];

#[tokio::test]
async fn personal_data_never_reaches_logs_or_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("kotae.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let server = Server::start_custom(
        &common::shipped_faq(),
        &["--log-format", "json"],
        &[("KOTAE_LOG", "debug")],
        Stdio::from(log),
    );
    let http = client();
    for (question, _) in PII {
        let reply = ask(&server, question).await;
        assert_ne!(
            reply["decision"], "answer",
            "{question}: the PII case must be recorded as unanswered"
        );
        http.post(server.url("/api/feedback"))
            .json(&json!({"id": "contact", "helpful": false, "question": question}))
            .send()
            .await
            .unwrap();
        http.get(server.url("/api/search"))
            .query(&[("q", question)])
            .send()
            .await
            .unwrap();
    }
    // Let the unanswered records (written off the request path) land.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let logged = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        logged.contains("not answered"),
        "debug logging is on: {logged}"
    );
    let logged = common::without_measurements(&logged);
    let connection = rusqlite::Connection::open(server.data.path().join("kotae.sqlite3")).unwrap();
    let mut stored = Vec::new();
    for sql in [
        "SELECT question FROM feedback",
        "SELECT question FROM unanswered",
    ] {
        let mut statement = connection.prepare(sql).unwrap();
        let rows: Vec<String> = statement
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows.len(), PII.len(), "{sql}");
        stored.extend(rows);
    }
    for (question, secret) in PII {
        assert!(
            !logged.contains(secret),
            "log holds {secret:?} of {question:?}"
        );
        for row in &stored {
            assert!(!row.contains(secret), "stored row {row:?} holds {secret:?}");
        }
    }
}
