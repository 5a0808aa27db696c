//! End to end: the real `kotae serve` on an ephemeral port, spoken to over HTTP.
//! Every endpoint, and every error status with its JSON body.

mod common;

use common::{Server, client};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn ask(server: &Server, body: Value) -> (StatusCode, Value) {
    let response = client()
        .post(server.url("/api/ask"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

fn official_answer(id: &str) -> String {
    let text = std::fs::read_to_string(common::shipped_faq().join("notice.json")).unwrap();
    let entries: Vec<Value> = serde_json::from_str(&text).unwrap();
    entries
        .iter()
        .find(|e| e["id"] == id)
        .map(|e| e["answer"].as_str().unwrap().to_string())
        .unwrap()
}

#[tokio::test]
async fn a_clear_question_gets_the_official_answer() {
    let server = Server::start();
    let (status, body) = ask(
        &server,
        json!({"question": "クレジットカードの情報は大丈夫ですか"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["decision"], "answer", "{body}");
    assert_eq!(body["answer"]["id"], "credit-card");
    assert_eq!(body["answer"]["answer"], official_answer("credit-card"));
    assert_eq!(body["answer"]["category"], "個人情報");
    assert!(body["fallback"].is_null());
    let confidence = body["confidence"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&confidence));
    let candidates = body["candidates"].as_array().unwrap();
    assert_eq!(candidates[0]["id"], "credit-card");
    assert!(candidates.len() <= 3);
    assert!(candidates[0]["question"].is_string() && candidates[0]["score"].is_number());
}

#[tokio::test]
async fn an_unrelated_question_falls_back_to_the_hotline() {
    let server = Server::start();
    let (status, body) = ask(&server, json!({"question": "明日の天気はどうですか"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["decision"], "fallback", "{body}");
    assert!(body["answer"].is_null());
    assert_eq!(body["fallback"]["phone"], "0120-911-922");
    let hours = body["fallback"]["hours"].as_str().unwrap();
    assert!(
        hours.contains("9時~18時") && hours.contains("1月30日"),
        "{hours}"
    );
    assert!(!body["fallback"]["message"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn one_shared_word_is_not_enough_to_answer() {
    let server = Server::start();
    let (_, body) = ask(&server, json!({"question": "出資金を返金してほしい"})).await;
    assert_ne!(body["decision"], "answer", "{body}");
}

#[tokio::test]
async fn greetings_get_small_talk() {
    let server = Server::start();
    let (_, body) = ask(&server, json!({"question": "こんにちは"})).await;
    assert_eq!(body["decision"], "smalltalk", "{body}");
    assert!(body["message"].as_str().unwrap().contains("ご質問"));
    assert!(body["answer"].is_null() && body["fallback"].is_null());
}

#[tokio::test]
async fn top_k_limits_the_candidates_and_explain_shows_the_evidence() {
    let server = Server::start();
    let (_, body) = ask(
        &server,
        json!({"question": "個人情報は漏れたの", "top_k": 1, "explain": true}),
    )
    .await;
    assert_eq!(body["candidates"].as_array().unwrap().len(), 1, "{body}");
    let explain = &body["explain"];
    assert!(explain["analysis"]["normalized"].is_string(), "{body}");
    assert!(
        explain["concepts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["text"] == "漏れる")
    );
    assert!(explain["reason"].as_str().unwrap().contains("coverage"));
    let (_, plain) = ask(&server, json!({"question": "個人情報は漏れたの"})).await;
    assert!(plain.get("explain").is_none());
}

#[tokio::test]
async fn search_faq_and_health_endpoints() {
    let server = Server::start();
    let http = client();
    let search: Value = http
        .get(server.url("/api/search"))
        .query(&[("q", "口座"), ("limit", "2")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let results = search["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["id"], "bank-account", "{search}");
    assert!(results[0]["answer"].is_string() && results[0]["score"].is_number());

    let faq: Value = http
        .get(server.url("/api/faq"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = faq["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "leak-possibility",
            "leaked-items",
            "notification-method",
            "notification-delay",
            "credit-card",
            "bank-account",
            "investment-points",
            "leak-impact",
            "data-deletion",
            "contact",
            "incident-overview"
        ]
    );
    let entry: Value = http
        .get(server.url("/api/faq/contact"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(entry["answer"].as_str().unwrap().contains("0120-911-922"));

    let health = http.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let ready = http.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["entries"], 11);
}

/// Sends a raw request and returns the status and the JSON error code.
async fn error_of(request: reqwest::RequestBuilder) -> (StatusCode, String) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body: Value = response
        .json()
        .await
        .unwrap_or_else(|e| panic!("{status}: body is not JSON ({e})"));
    assert!(
        content_type.starts_with("application/json"),
        "{status}: {content_type}"
    );
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_string();
    assert!(body["error"]["message"].is_string(), "{body}");
    (status, code)
}

#[tokio::test]
async fn every_error_is_json_with_the_right_status() {
    let server = Server::start();
    let http = client();
    let ask_url = server.url("/api/ask");
    let json_post = |body: String| {
        http.post(&ask_url)
            .header("content-type", "application/json")
            .body(body)
    };
    let cases: Vec<(reqwest::RequestBuilder, StatusCode, &str)> = vec![
        (
            json_post("{\"question\": ".into()),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            json_post("{}".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            json_post("{\"question\": 42}".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            json_post("{\"question\": \"a\", \"top_k\": \"3\"}".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            json_post(json!({"question": "x".repeat(17 * 1024)}).to_string()),
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
        ),
        (
            http.post(&ask_url)
                .header("content-type", "text/plain")
                .body("{\"question\":\"a\"}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            http.post(&ask_url).body("{\"question\":\"a\"}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            json_post(json!({"question": ""}).to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_question",
        ),
        (
            json_post(json!({"question": " \u{3000}\n\t"}).to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_question",
        ),
        (
            json_post(json!({"question": "あ".repeat(1001)}).to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "question_too_long",
        ),
        (
            json_post(json!({"question": "a", "top_k": 0}).to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_top_k",
        ),
        (
            json_post(json!({"question": "a", "top_k": 11}).to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_top_k",
        ),
        (
            http.get(server.url("/api/faq/no-such-entry")),
            StatusCode::NOT_FOUND,
            "unknown_entry",
        ),
        (
            http.get(server.url("/no/such/route")),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            http.get(&ask_url),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            http.delete(server.url("/api/faq")),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            http.get(server.url("/api/search")),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            http.get(server.url("/api/search?q=%20")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_question",
        ),
        (
            http.get(server.url("/api/search?q=a&limit=0")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_limit",
        ),
        (
            http.get(server.url("/api/search?q=a&limit=x")),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
    ];
    for (request, status, code) in cases {
        let (got_status, got_code) = error_of(request).await;
        assert_eq!((got_status, got_code.as_str()), (status, code));
    }
    // A 1,000-character question is still accepted.
    let (status, _) = ask(&server, json!({"question": "あ".repeat(1000)})).await;
    assert_eq!(status, StatusCode::OK);
}
