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
async fn explain_names_the_rule_that_decided() {
    let server = Server::start();
    // Reports a problem with the hotline; the entry on it only says it works.
    let (_, body) = ask(
        &server,
        json!({"question": "電話がつながりません", "explain": true}),
    )
    .await;
    assert_eq!(body["decision"], "clarify", "{body}");
    assert_eq!(body["explain"]["rule"], "problem-report", "{body}");
    // A clear answer: no rule spoke.
    let (_, body) = ask(
        &server,
        json!({"question": "個人情報は漏れたのですか", "explain": true}),
    )
    .await;
    assert_eq!(body["decision"], "answer", "{body}");
    assert!(body["explain"]["rule"].is_null(), "{body}");
}

#[tokio::test]
async fn offered_choices_are_in_the_semantic_models_order() {
    // With the model installed (the test command installs it), the entries offered
    // instead of an answer carry their semantic closeness, best first; an answer
    // is decided by the words alone and carries none.
    let server = Server::start();
    let (_, body) = ask(
        &server,
        json!({"question": "電話がつながりません", "top_k": 3}),
    )
    .await;
    assert_eq!(body["decision"], "clarify", "{body}");
    let closeness: Vec<f64> = body["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["semantic"].as_f64().expect("semantic closeness"))
        .collect();
    assert_eq!(closeness.len(), 3, "{body}");
    assert!(closeness.windows(2).all(|w| w[0] >= w[1]), "{body}");
    let (_, body) = ask(&server, json!({"question": "個人情報は漏れたのですか"})).await;
    assert_eq!(body["decision"], "answer", "{body}");
    assert!(body["candidates"][0].get("semantic").is_none(), "{body}");
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
    assert_eq!(ids, common::SHIPPED_IDS);
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
    // The test command installs the semantic model.
    assert_eq!(ready["semantic"], "on");
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

#[tokio::test]
async fn feedback_is_recorded_and_bad_feedback_is_refused() {
    let server = Server::start();
    let http = client();
    let url = server.url("/api/feedback");
    let ok = http
        .post(&url)
        .json(
            &json!({"id": "credit-card", "helpful": true, "question": "私の電話090-1234-5678は？"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::CREATED);
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (
            json!({"id": "no-such", "helpful": true}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_entry",
        ),
        (
            json!({"id": "credit-card"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            json!({"id": "credit-card", "helpful": "yes"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            json!({"id": "credit-card", "helpful": true, "question": "あ".repeat(1001)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "question_too_long",
        ),
    ];
    for (body, status, code) in cases {
        let (got_status, got_code) = error_of(http.post(&url).json(&body)).await;
        assert_eq!((got_status, got_code.as_str()), (status, code), "{body}");
    }
    let database = server.data.path().join("kotae.sqlite3");
    let connection = rusqlite::Connection::open(database).unwrap();
    let rows: Vec<(String, bool, Option<String>)> = connection
        .prepare("SELECT entry_id, helpful, question FROM feedback")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "credit-card");
    let question = rows[0].2.clone().unwrap();
    assert!(
        !question.contains("1234") && question.contains("[電話番号]"),
        "{question}"
    );
}

#[tokio::test]
async fn pages_carry_security_headers_and_assets_their_types() {
    let server = Server::start();
    let http = client();
    for (path, content_type) in [
        ("/", "text/html"),
        ("/staff", "text/html"),
        ("/widget.js", "text/javascript"),
        ("/widget.css", "text/css"),
        ("/staff.js", "text/javascript"),
        ("/staff.css", "text/css"),
    ] {
        let response = http.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let headers = response.headers();
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with(content_type),
            "{path}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
        assert_eq!(headers["x-frame-options"], "SAMEORIGIN");
    }
    let page = common::get_text(&server.url("/")).await;
    assert!(
        page.contains("src=\"/widget.js\"") && !page.contains("<script>"),
        "no inline script"
    );
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let allowed = "https://coop.example";
    let server = Server::start_with_args(&common::shipped_faq(), &["--allow-origin", allowed]);
    let http = client();
    let preflight = |origin: &'static str| {
        http.request(reqwest::Method::OPTIONS, server.url("/api/ask"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let yes = preflight(allowed).await.unwrap();
    assert_eq!(yes.headers()["access-control-allow-origin"], allowed);
    let no = preflight("https://evil.example").await.unwrap();
    assert!(no.headers().get("access-control-allow-origin").is_none());

    let default = Server::start();
    let response = client()
        .post(default.url("/api/ask"))
        .header("origin", allowed)
        .json(&json!({"question": "クレカ"}))
        .send()
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none(),
        "same origin only by default"
    );
}

#[tokio::test]
async fn search_snippets_mark_the_matches_and_escape_everything() {
    let faq = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let server = Server::start_with(&faq);
    let body: Value = client()
        .get(server.url("/api/search"))
        .query(&[("q", "スクリプト")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let snippet = body["results"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>スクリプト</mark>"), "{snippet}");
    assert!(
        !snippet.contains("<script") && snippet.contains("&lt;script&gt;"),
        "{snippet}"
    );
    assert!(!snippet.contains("<img"), "{snippet}");

    let filtered: Value = client()
        .get(server.url("/api/search"))
        .query(&[("q", "スクリプト"), ("category", "存在しない")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(filtered["results"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn every_page_asset_is_served_so_no_load_logs_a_404() {
    let server = Server::start();
    for path in [
        "/",
        "/staff",
        "/widget.js",
        "/widget.css",
        "/staff.js",
        "/staff.css",
        "/favicon.ico",
        "/favicon.svg",
    ] {
        let response = client().get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    let page = client()
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"<link rel="icon" href="/favicon.svg""#));
}

async fn suggest(server: &Server, q: &str) -> (StatusCode, Value) {
    let response = client()
        .get(server.url("/api/suggest"))
        .query(&[("q", q)])
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn suggestions_follow_what_a_member_has_typed_so_far() {
    let server = Server::start();
    let (status, body) = suggest(&server, "クレジ").await;
    assert_eq!(status, StatusCode::OK);
    let suggestions = body["suggestions"].as_array().unwrap();
    assert!(!suggestions.is_empty() && suggestions.len() <= 5, "{body}");
    assert_eq!(suggestions[0]["id"], "credit-card", "{body}");
    assert!(
        suggestions[0]["question"]
            .as_str()
            .unwrap()
            .contains("クレジットカード")
    );
    let (status, body) = suggest(&server, "  ").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["suggestions"], json!([]));
    let response = client()
        .get(server.url("/api/suggest?q=%E5%8F%A3%E5%BA%A7&limit=99"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
