//! The HTTP benchmark's reference: a trivial axum endpoint that does what
//! `POST /api/ask` does around the matcher — parse the same JSON request, answer a
//! JSON body of the same size — and nothing else. `bench/http.sh` runs it and kotae
//! under the same load and reports kotae's throughput as a share of this ceiling.
//!
//! `cargo run --release --example reference_server -- 127.0.0.1:8091`

use axum::Json;
use axum::Router;
use axum::routing::post;
use serde::Deserialize;

/// The same request shape as kotae's `/api/ask`.
#[derive(Deserialize)]
#[allow(dead_code)]
struct AskRequest {
    question: String,
    top_k: Option<i64>,
    #[serde(default)]
    explain: bool,
}

/// A real kotae answer (the credit-card question), so both bodies weigh the same.
const ANSWER: &str = r#"{"decision":"answer","confidence":0.927,"answer":{"id":"credit-card","question":"クレジットカードの情報は、大丈夫ですか？","answer":"ならコープではクレジットカードの情報は保持しておりません。","category":"個人情報"},"candidates":[{"id":"credit-card","question":"クレジットカードの情報は、大丈夫ですか？","score":1.6543217},{"id":"leaked-items","question":"どのような個人情報が漏えいする可能性が否定できないのですか？","score":0.9072521},{"id":"bank-account","question":"引落口座情報が心配です。","score":0.82627934}],"fallback":null}"#;

async fn ask(
    Json(request): Json<AskRequest>,
) -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    std::hint::black_box(&request.question);
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        ANSWER,
    )
}

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8091".to_string());
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        println!("reference listening on http://{addr}");
        axum::serve(listener, Router::new().route("/api/ask", post(ask))).await
    })
}
