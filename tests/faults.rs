//! Faults an operator meets, on the real binary, real sockets and real files:
//! clients that hold connections, a shutdown under load, a damaged or vanished
//! database, damaged index and dictionary files, hostile requests and settings.
//! Each test is one row of the README's "Reliability" table.

mod common;

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Server, client, kotae, shipped_faq};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

fn address(server: &Server) -> SocketAddr {
    server.authority().parse().unwrap()
}

/// A connection to `server` from the loopback address `from` (127.0.0.x), so
/// that one test can play several clients.
async fn connect_from(server: &Server, from: [u8; 4]) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    socket.connect(address(server)).await.unwrap()
}

/// `POST path` with a JSON body: the status and the JSON reply (null if none).
async fn post(server: &Server, path: &str, body: Value) -> (StatusCode, Value) {
    let response = client()
        .post(server.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn ask(server: &Server, question: &str) -> (StatusCode, Value) {
    post(server, "/api/ask", json!({ "question": question })).await
}

#[tokio::test]
async fn a_half_sent_request_is_closed_after_the_header_timeout() {
    let server = Server::start_with_args(&shipped_faq(), &["--header-timeout-ms", "500"]);
    let mut stream = TcpStream::connect(address(&server)).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "the connection was still open after 10 s");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn idle_connections_beyond_the_cap_do_not_lock_members_out() {
    let server = Server::start_with_args(
        &shipped_faq(),
        &["--max-connections", "20", "--header-timeout-ms", "1000"],
    );
    let mut idle = Vec::new();
    for _ in 0..60 {
        idle.push(TcpStream::connect(address(&server)).await.unwrap());
    }
    let started = Instant::now();
    let (status, reply) = ask(&server, "クレジットカードの情報は大丈夫ですか").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["answer"]["id"], "credit-card");
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[tokio::test]
async fn idle_connections_beyond_the_open_file_limit_do_not_lock_members_out() {
    let server = common::Server::start_with_file_limit(
        &shipped_faq(),
        &["--header-timeout-ms", "1000"],
        256,
    );
    let mut idle = Vec::new();
    for _ in 0..300 {
        idle.push(TcpStream::connect(address(&server)).await.unwrap());
    }
    let (status, reply) = ask(&server, "クレジットカードの情報は大丈夫ですか").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["answer"]["id"], "credit-card");
}

/// Sends raw bytes and returns the raw response.
async fn raw(server: &Server, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(address(server)).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response)).await;
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn heads_hyper_cannot_parse_get_the_json_error_contract() {
    let server = Server::start();
    let nul = raw(
        &server,
        b"GET /healthz HTTP/1.1\r\nhost: x\r\nx-a: b\0c\r\n\r\n",
    )
    .await;
    assert!(nul.starts_with("HTTP/1.1 400"), "{nul}");
    assert!(
        nul.contains("application/json") && nul.contains(r#""code":"invalid_header""#),
        "{nul}"
    );
    let mut huge = b"GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 1024 * 1024));
    huge.extend_from_slice(b"\r\n\r\n");
    let big = raw(&server, &huge).await;
    assert!(
        big.starts_with("HTTP/1.1 431"),
        "{}",
        &big[..big.len().min(200)]
    );
    assert!(big.contains(r#""code":"headers_too_large""#));
    // The server keeps answering.
    let (status, _) = ask(&server, "クレジットカードの情報は大丈夫ですか").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn slow_bodies_from_a_few_addresses_leave_room_for_members() {
    let server = Server::start_with_args(
        &shipped_faq(),
        &[
            "--per-client-concurrency",
            "4",
            "--rate-limit-per-second",
            "0",
        ],
    );
    // Twelve clients each start 50 requests whose bodies never finish.
    let mut slow = Vec::new();
    for client_number in 0..12u8 {
        for _ in 0..50 {
            let mut stream = connect_from(&server, [127, 0, 1, client_number + 1]).await;
            stream
                .write_all(
                    b"POST /api/ask HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"question\":",
                )
                .await
                .unwrap();
            slow.push(stream);
        }
    }
    let mut answered = 0;
    for _ in 0..30 {
        let (status, _) = ask(&server, "クレジットカードの情報は大丈夫ですか").await;
        answered += usize::from(status == StatusCode::OK);
    }
    assert_eq!(answered, 30);
}

#[tokio::test]
async fn sigterm_writes_every_queued_unanswered_question() {
    // One test client plays 200 members: the per-address limits are off.
    let server = Server::start_with_args(
        &shipped_faq(),
        &[
            "--rate-limit-per-second",
            "0",
            "--per-client-concurrency",
            "4096",
        ],
    );
    let mut asks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let url = server.url("/api/ask");
        asks.spawn(async move {
            client()
                .post(url)
                .json(&json!({ "question": format!("明日の天気は晴れますか{i}") }))
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    while let Some(status) = asks.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::OK);
    }
    let (status, data) = server.terminate();
    assert!(status.success(), "{status}");
    let connection = rusqlite::Connection::open(data.path().join("kotae.sqlite3")).unwrap();
    let stored: i64 = connection
        .query_row("SELECT count(*) FROM unanswered", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 200);
}

async fn feedback(server: &Server) -> (StatusCode, Value) {
    let body = json!({"id": "contact", "helpful": true, "question": "ありがとう"});
    post(server, "/api/feedback", body).await
}

#[tokio::test]
async fn feedback_into_a_truncated_database_is_refused_not_acknowledged() {
    let server = Server::start();
    assert_eq!(feedback(&server).await.0, StatusCode::CREATED);
    let file = server.data.path().join("kotae.sqlite3");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&file)
        .unwrap()
        .set_len(0)
        .unwrap();
    let (status, body) = feedback(&server).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "store_unavailable");
    assert_eq!(common::readyz(&server).await["store"], "degraded");
    let (status, reply) = ask(&server, "クレジットカードの情報は大丈夫ですか").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["answer"]["id"], "credit-card");
}

#[tokio::test]
async fn a_damaged_database_still_lets_kotae_answer() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("kotae.sqlite3"), vec![0x5a; 8192]).unwrap();
    let server = Server::start_in(&shipped_faq(), data, &[], &[], Stdio::null());
    let (status, reply) = ask(&server, "クレジットカードの情報は大丈夫ですか").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["answer"]["id"], "credit-card");
    let (status, body) = feedback(&server).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let ready = common::readyz(&server).await;
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["store"], "degraded");
    assert!(!ready.to_string().contains('/'), "no path in {ready}");
}

/// The generation directory of a freshly indexed FAQ under `index`.
fn generation(index: &std::path::Path) -> std::path::PathBuf {
    std::fs::read_dir(index)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("gen-"))
        .unwrap()
}

fn index_files(generation: &std::path::Path, extension: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(generation)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect()
}

#[test]
fn a_damaged_index_generation_is_rebuilt_not_served() {
    type Damage = fn(&std::path::Path);
    let damages: [(&str, Damage); 3] = [
        ("manifest removed", |g| {
            std::fs::remove_file(g.join("kotae-manifest.json")).unwrap()
        }),
        ("a .pos file removed", |g| {
            std::fs::remove_file(&index_files(g, "pos")[0]).unwrap()
        }),
        ("random bytes in a .term file", |g| {
            let file = &index_files(g, "term")[0];
            let len = std::fs::metadata(file).unwrap().len() as usize;
            let noise: Vec<u8> = (0..len).map(|i| (i * 7919 % 251) as u8).collect();
            std::fs::write(file, noise).unwrap();
        }),
    ];
    for (what, damage) in damages {
        let index = tempfile::tempdir().unwrap();
        let first = common::run(&shipped_faq(), index.path(), &["index"]);
        assert!(first.status.success());
        damage(&generation(index.path()));
        let asked = common::run(
            &shipped_faq(),
            index.path(),
            &["ask", "クレジットカードの情報は大丈夫ですか"],
        );
        let stdout = String::from_utf8_lossy(&asked.stdout);
        assert!(
            asked.status.success(),
            "{what}: {stdout}{}",
            String::from_utf8_lossy(&asked.stderr)
        );
        assert!(stdout.contains("credit-card"), "{what}: {stdout}");
    }
}

#[tokio::test]
async fn index_files_truncated_while_serving_do_not_stop_the_answers() {
    let mut server = Server::start();
    let generation = generation(server.index());
    for item in std::fs::read_dir(&generation).unwrap().flatten() {
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .open(item.path())
            .and_then(|f| f.set_len(0));
    }
    for _ in 0..3 {
        let (status, reply) = ask(&server, "クレジットカードの情報は大丈夫ですか").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(reply["answer"]["id"], "credit-card");
    }
    assert!(server.is_running());
}

#[test]
fn a_damaged_dictionary_cache_is_compiled_again() {
    let dictionary = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let tokenize = || {
        kotae()
            .env("KOTAE_DICT_DIR", dictionary.path())
            .args(["--faq"])
            .arg(shipped_faq())
            .args(["--index"])
            .arg(index.path())
            .args(["tokenize", "個人情報が漏えいしましたか"])
            .output()
            .unwrap()
    };
    let before = tokenize();
    assert!(before.status.success());
    let compiled = std::fs::read_dir(dictionary.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir())
        .unwrap();
    for item in std::fs::read_dir(&compiled).unwrap().flatten() {
        if item.file_name() != "kotae-checksums.json" {
            std::fs::write(item.path(), b"").unwrap();
        }
    }
    let after = tokenize();
    assert!(
        after.status.success(),
        "{}",
        String::from_utf8_lossy(&after.stderr)
    );
    assert_eq!(
        before.stdout, after.stdout,
        "the same analysis after recompiling"
    );
}

#[tokio::test]
async fn a_path_that_is_not_utf8_gets_the_json_error_contract() {
    let server = Server::start();
    let response = client()
        .get(server.url("/api/faq/%FF"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_path");
}

#[test]
fn an_out_of_range_setting_is_a_clear_error_not_a_panic() {
    let output = kotae()
        .args([
            "serve",
            "--rate-limit-per-second",
            "4294967296",
            "--addr",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("rate_limit_per_second"), "{stderr}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_member_has_their_own_rate_limit() {
    let server = Server::start_with_args(
        &shipped_faq(),
        &[
            "--trust-proxy",
            "true",
            "--rate-limit-per-second",
            "1",
            "--rate-limit-burst",
            "2",
        ],
    );
    let from = |forwarded: &'static str| {
        let url = server.url("/readyz");
        async move {
            client()
                .get(url)
                .header("x-forwarded-for", forwarded)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // The proxy appends the address it saw: the last entry is the member, and
    // what a client wrote before it (a spoofed first entry) changes nothing.
    let mut statuses = Vec::new();
    for spoofed in ["", "198.51.100.1, ", "198.51.100.2, ", "198.51.100.3, "] {
        let header: &'static str = Box::leak(format!("{spoofed}203.0.113.1").into_boxed_str());
        statuses.push(from(header).await);
    }
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert_eq!(from("203.0.113.2").await, StatusCode::OK);
}

#[tokio::test]
async fn wrong_admin_tokens_are_rate_limited() {
    let server = common::Server::start_custom(
        &shipped_faq(),
        &["--rate-limit-per-second", "2", "--rate-limit-burst", "5"],
        &[("KOTAE_ADMIN_TOKEN", "correct-token-0123456789")],
        Stdio::null(),
    );
    let mut limited = false;
    for _ in 0..20 {
        let status = client()
            .post(server.url("/admin/reload"))
            .bearer_auth("wrong-token-0123456789")
            .send()
            .await
            .unwrap()
            .status();
        limited |= status == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(limited);
}

#[tokio::test]
async fn dictionary_files_truncated_while_serving_do_not_stop_the_answers() {
    // A private copy of the compiled dictionary, damaged while kotae serves.
    let dictionary = tempfile::tempdir().unwrap();
    let shared = common::dictionary_cache();
    let compiled = std::fs::read_dir(&shared)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .unwrap();
    let copy = dictionary.path().join(compiled.file_name().unwrap());
    std::fs::create_dir(&copy).unwrap();
    for item in std::fs::read_dir(&compiled).unwrap().flatten() {
        std::fs::copy(item.path(), copy.join(item.file_name())).unwrap();
    }
    let dict_dir = dictionary.path().to_string_lossy().into_owned();
    let mut server = Server::start_custom(
        &shipped_faq(),
        &[],
        &[("KOTAE_DICT_DIR", dict_dir.as_str())],
        Stdio::null(),
    );
    for item in std::fs::read_dir(&copy).unwrap().flatten() {
        std::fs::OpenOptions::new()
            .write(true)
            .open(item.path())
            .unwrap()
            .set_len(0)
            .unwrap();
    }
    for _ in 0..3 {
        let (status, reply) = ask(&server, "クレジットカードの情報は大丈夫ですか").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(reply["answer"]["id"], "credit-card");
    }
    assert!(server.is_running());
}
