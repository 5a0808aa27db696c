//! The FAQ editors' review console over HTTP and in the browser: behind a staff
//! token, the unanswered questions grouped, and a member's phrasing added as an
//! alternate — written into the FAQ file, reloaded, recorded — after which the same
//! question is answered.

mod common;

use std::process::Stdio;

use common::{Server, ask, client, faq_copy};
use reqwest::StatusCode;
use serde_json::{Value, json};

const STAFF: &str = "editor:review-token-0123456789";
const TOKEN: &str = "review-token-0123456789";
const QUESTION: &str = "担当者と直接話がしたいです";

/// Waits until the unanswered question has been written by the background writer.
async fn review_with_groups(server: &Server) -> Value {
    for _ in 0..50 {
        let review = common::staff_get(server, "/api/staff/review", TOKEN).await;
        if review["groups"].as_array().is_some_and(|g| !g.is_empty()) {
            return review;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the unanswered question never reached the review");
}

#[tokio::test]
async fn without_staff_the_review_routes_do_not_exist() {
    let server = Server::start();
    let response = client()
        .get(server.url("/api/staff/review"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_editor_adds_a_members_phrasing_and_the_question_is_then_answered() {
    let faq = faq_copy();
    let server = Server::start_custom(faq.path(), &[], &[("KOTAE_STAFF", STAFF)], Stdio::inherit());
    assert_ne!(ask(&server, QUESTION).await["decision"], "answer");
    let refused = client()
        .get(server.url("/api/staff/review"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let review = review_with_groups(&server).await;
    assert_eq!(review["staff"], "editor");
    assert_eq!(review["groups"][0]["examples"][0], QUESTION);
    let added = client()
        .post(server.url("/api/staff/alternates"))
        .bearer_auth(TOKEN)
        .json(&json!({"entry_id": "contact", "phrasing": QUESTION}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        added.status(),
        StatusCode::CREATED,
        "{}",
        added.text().await.unwrap()
    );
    let reply = ask(&server, QUESTION).await;
    assert_eq!(reply["decision"], "answer", "{reply}");
    assert_eq!(reply["answer"]["id"], "contact");
    let file = std::fs::read_to_string(faq.path().join("notice.json")).unwrap();
    assert!(file.contains(QUESTION));
    let review = review_with_groups(&server).await;
    assert_eq!(review["edits"][0]["who"], "editor");
    assert_eq!(review["edits"][0]["entry_id"], "contact");
}

#[tokio::test]
async fn personal_data_in_a_phrasing_never_reaches_the_faq() {
    let faq = faq_copy();
    let server = Server::start_custom(faq.path(), &[], &[("KOTAE_STAFF", STAFF)], Stdio::inherit());
    let added = client()
        .post(server.url("/api/staff/alternates"))
        .bearer_auth(TOKEN)
        .json(&json!({"entry_id": "contact", "phrasing": "電話090-1234-5678の山田ですが担当者と話したい"}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::CREATED);
    let file = std::fs::read_to_string(faq.path().join("notice.json")).unwrap();
    assert!(
        !file.contains("1234") && !file.contains("山田"),
        "the FAQ holds personal data"
    );
}

#[tokio::test]
async fn the_dashboard_counts_todays_decisions_and_each_entrys_votes() {
    let server = Server::start_custom(
        &common::shipped_faq(),
        &[],
        &[("KOTAE_STAFF", STAFF)],
        Stdio::inherit(),
    );
    assert_eq!(
        ask(&server, "クレジットカードの情報は大丈夫ですか").await["decision"],
        "answer"
    );
    assert_eq!(
        ask(&server, "明日の天気は晴れますか").await["decision"],
        "fallback"
    );
    client()
        .post(server.url("/api/feedback"))
        .json(&json!({"id": "credit-card", "helpful": false}))
        .send()
        .await
        .unwrap();
    let dashboard = common::staff_get(&server, "/api/staff/dashboard", TOKEN).await;
    let today = &dashboard["days"][0];
    assert_eq!(today["answer"], 1, "{dashboard}");
    assert_eq!(today["fallback"], 1, "{dashboard}");
    let card = dashboard["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "credit-card")
        .unwrap();
    assert_eq!(card["not_helpful"], 1);
    assert_eq!(card["not_helpful_rate"], 1.0);
    let refused = client()
        .get(server.url("/api/staff/dashboard"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
}
