//! A bounded load test on loopback with a FAQ reload in the middle: zero failed
//! requests, zero 5xx, and every question gets the same decision and answer before
//! and after the swap.
//!
//! Short by default (3 s, 64 connections) so it runs in CI; the README's long run:
//! `KOTAE_LOAD_SECONDS=20 cargo test --release --test load -- --nocapture`.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Server, faq_copy};
use serde_json::{Value, json};

const TOKEN: &str = "load-test-admin-token-0123456789";

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A rotating mix of real member questions (our tuning set).
fn questions() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval/tune.jsonl");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v["question"].as_str().map(str::to_string))
        .take(150)
        .collect()
}

#[derive(Default)]
struct Tally {
    ok: u64,
    server_errors: u64,
    other_status: u64,
    transport_errors: u64,
    latencies_us: Vec<u64>,
    /// question index → every (decision, answer id) seen.
    outcomes: HashMap<usize, Vec<(String, String)>>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sustained_load_with_a_reload_in_the_middle_loses_nothing() {
    let seconds = setting("KOTAE_LOAD_SECONDS", 3);
    let connections = setting("KOTAE_LOAD_CONNECTIONS", 64) as usize;
    let faq = faq_copy();
    let server = Server::start_custom(
        faq.path(),
        // One load generator plays many members: the per-address limits are off.
        &[
            "--rate-limit-per-second",
            "0",
            "--max-concurrency",
            "4096",
            "--per-client-concurrency",
            "4096",
        ],
        &[("KOTAE_ADMIN_TOKEN", TOKEN), ("KOTAE_LOG", "warn")],
        Stdio::inherit(),
    );
    let questions = Arc::new(questions());
    assert!(
        questions.len() >= 100,
        "a mix of at least 100 distinct questions"
    );
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);

    let mut workers = Vec::new();
    for worker in 0..connections {
        let (http, questions, tally, url) = (
            http.clone(),
            questions.clone(),
            tally.clone(),
            server.url("/api/ask"),
        );
        workers.push(tokio::spawn(async move {
            let mut i = worker * 7;
            while Instant::now() < deadline {
                let index = i % questions.len();
                i += 1;
                let sent = Instant::now();
                let result = http
                    .post(&url)
                    .json(&json!({"question": questions[index]}))
                    .send()
                    .await;
                let outcome = match result {
                    Ok(response) => {
                        let status = response.status();
                        let body: Option<Value> = response.json().await.ok();
                        Some((status, body))
                    }
                    Err(_) => None,
                };
                let elapsed = sent.elapsed().as_micros() as u64;
                let mut tally = tally.lock().unwrap();
                match outcome {
                    None => tally.transport_errors += 1,
                    Some((status, _)) if status.is_server_error() => tally.server_errors += 1,
                    Some((status, Some(body))) if status.is_success() => {
                        tally.ok += 1;
                        tally.latencies_us.push(elapsed);
                        let decision = body["decision"].as_str().unwrap_or("").to_string();
                        let id = body["answer"]["id"].as_str().unwrap_or("").to_string();
                        tally
                            .outcomes
                            .entry(index)
                            .or_default()
                            .push((decision, id));
                    }
                    Some(_) => tally.other_status += 1,
                }
            }
        }));
    }

    // Halfway: publish a FAQ change (a comment, so meaning is unchanged but a new
    // index generation is built and swapped in) and reload.
    tokio::time::sleep(Duration::from_millis(seconds * 500)).await;
    let synonyms = faq.path().join("synonyms.txt");
    let mut text = std::fs::read_to_string(&synonyms).unwrap();
    text.push_str("\n# edited during the load test\n");
    std::fs::write(&synonyms, text).unwrap();
    let reload = http
        .post(server.url("/admin/reload"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let reload_status = reload.status();
    let reload_body: Value = reload.json().await.unwrap();

    for worker in workers {
        worker.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut tally = tally.lock().unwrap();
    tally.latencies_us.sort_unstable();
    let percentile = |p: f64| {
        let n = tally.latencies_us.len();
        tally.latencies_us[((n as f64 * p) as usize).min(n - 1)] as f64 / 1000.0
    };
    let changed: Vec<usize> = tally
        .outcomes
        .iter()
        .filter(|(_, seen)| seen.iter().any(|o| *o != seen[0]))
        .map(|(i, _)| *i)
        .collect();
    println!(
        "load: {} requests in {:.1} s ({:.0} req/s) over {} connections; p50 {:.2} ms, p99 {:.2} ms; \
         5xx {}, other non-2xx {}, failed {}; reload {} ({}); questions whose decision changed: {}",
        tally.ok,
        elapsed,
        tally.ok as f64 / elapsed,
        connections,
        percentile(0.50),
        percentile(0.99),
        tally.server_errors,
        tally.other_status,
        tally.transport_errors,
        reload_status,
        reload_body["reload"]["generation"],
        changed.len()
    );
    assert_eq!(reload_status, reqwest::StatusCode::OK, "{reload_body}");
    assert_eq!(
        reload_body["reload"]["built"], true,
        "a new generation was swapped in"
    );
    assert!(tally.ok > 0);
    assert_eq!(tally.server_errors, 0, "no 5xx");
    assert_eq!(tally.other_status, 0, "no other non-2xx");
    assert_eq!(tally.transport_errors, 0, "no failed requests");
    assert!(
        changed.is_empty(),
        "decisions changed across the swap for {changed:?}"
    );
}
