//! Browser tests: the real server, driven through Debian's Chromium by chromedriver
//! (WebDriver), as a member and a call-center employee use it. The widget and
//! console screenshots in `docs/` are taken here.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::Server;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const WAIT: Duration = Duration::from_secs(20);

/// A headless Chromium session through its own chromedriver; both end on drop.
struct Browser {
    client: Option<Client>,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn start(width: u32, height: u32) -> Browser {
        assert!(
            Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
            "browser tests need Debian's chromium and chromium-driver (bash scripts/test.sh installs them)"
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().unwrap();
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_string(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={width},{height}"),
                    "--lang=ja",
                ]
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..100 {
            let mut builder =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
            builder.capabilities(capabilities.clone());
            match builder.connect(&url).await {
                Ok(client) => {
                    return Browser {
                        client: Some(client),
                        driver,
                        _profile: profile,
                    };
                }
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("could not start a Chromium session: {last_error}");
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("session open")
    }

    async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
}

/// Types a question into the widget and presses Enter.
async fn ask(client: &Client, question: &str) {
    let input = wait_for(client, ".kotae-input").await;
    input.send_keys(question).await.unwrap();
    input.send_keys("\u{E007}").await.unwrap();
}

/// Where the screenshots go: the README's `docs/` with `KOTAE_SCREENSHOTS=docs`
/// (to refresh them), else a directory under `target/`, so that running the tests
/// never changes a tracked file.
fn docs() -> PathBuf {
    if std::env::var("KOTAE_SCREENSHOTS").is_ok_and(|v| v == "docs") {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs")
    } else {
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots")
    }
}

#[tokio::test]
async fn a_member_asks_and_gets_the_official_answer_as_text() {
    let server = Server::start();
    let browser = Browser::start(390, 844).await;
    let client = browser.client();
    client.goto(&server.url("/")).await.unwrap();
    ask(client, "クレジットカードの情報は大丈夫ですか").await;
    let answer = wait_for(client, ".kotae-answer .kotae-text").await;
    assert_eq!(
        answer.text().await.unwrap(),
        "ならコープではクレジットカードの情報は保持しておりません。"
    );
    let log = client.find(Locator::Css(".kotae-log")).await.unwrap();
    assert_eq!(
        log.attr("aria-live").await.unwrap().as_deref(),
        Some("polite")
    );
    std::fs::create_dir_all(docs()).unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(docs().join("widget.png"), png).unwrap();
    browser.close().await;
}

#[tokio::test]
async fn clarify_offers_candidates_and_a_click_shows_that_answer() {
    let server = Server::start();
    let browser = Browser::start(390, 844).await;
    let client = browser.client();
    client.goto(&server.url("/")).await.unwrap();
    ask(client, "情報は大丈夫？").await;
    let choice = wait_for(client, ".kotae-choice").await;
    let chosen = choice.text().await.unwrap();
    choice.click().await.unwrap();
    let question = wait_for(client, ".kotae-answer .kotae-question").await;
    assert_eq!(question.text().await.unwrap(), format!("Q. {chosen}"));
    browser.close().await;
}

#[tokio::test]
async fn fallback_shows_the_hotline_as_a_tel_link() {
    let server = Server::start();
    let browser = Browser::start(390, 844).await;
    let client = browser.client();
    client.goto(&server.url("/")).await.unwrap();
    ask(client, "明日の天気はどうですか").await;
    let link = wait_for(client, ".kotae-fallback a.kotae-tel").await;
    assert_eq!(
        link.attr("href").await.unwrap().as_deref(),
        Some("tel:0120911922")
    );
    assert_eq!(link.text().await.unwrap(), "0120-911-922");
    let hours = wait_for(client, ".kotae-fallback .kotae-hours").await;
    assert!(hours.text().await.unwrap().contains("9時~18時"));
    browser.close().await;
}

#[tokio::test]
async fn enter_during_ime_composition_does_not_send() {
    let server = Server::start();
    let browser = Browser::start(390, 844).await;
    let client = browser.client();
    client.goto(&server.url("/")).await.unwrap();
    let input = wait_for(client, ".kotae-input").await;
    input.send_keys("くれじっと").await.unwrap();
    // What an IME does when Enter confirms a conversion: composition events and a
    // keydown that reports isComposing / keyCode 229.
    client
        .execute(
            r#"const input = document.querySelector('.kotae-input');
               input.dispatchEvent(new CompositionEvent('compositionstart', {data: ''}));
               input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', keyCode: 229, isComposing: true, bubbles: true, cancelable: true}));
               input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', keyCode: 13, bubbles: true, cancelable: true}));
               input.dispatchEvent(new CompositionEvent('compositionend', {data: 'クレジット'}));"#,
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        client
            .find_all(Locator::Css(".kotae-user"))
            .await
            .unwrap()
            .is_empty(),
        "nothing was sent"
    );
    assert_eq!(
        input.prop("value").await.unwrap().as_deref(),
        Some("くれじっと")
    );
    // Shift+Enter is a newline, not a send.
    client
        .execute(
            r#"document.querySelector('.kotae-input').dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', keyCode: 13, shiftKey: true, bubbles: true, cancelable: true}));"#,
            vec![],
        )
        .await
        .unwrap();
    assert!(
        client
            .find_all(Locator::Css(".kotae-user"))
            .await
            .unwrap()
            .is_empty()
    );
    // After the composition ends, Enter sends.
    input.send_keys("\u{E007}").await.unwrap();
    wait_for(client, ".kotae-user").await;
    browser.close().await;
}

#[tokio::test]
async fn feedback_is_stored_with_the_question_redacted() {
    let server = Server::start();
    let browser = Browser::start(390, 844).await;
    let client = browser.client();
    client.goto(&server.url("/")).await.unwrap();
    ask(client, "クレジットカードの情報は大丈夫ですか 090-1234-5678").await;
    let up = wait_for(client, ".kotae-answer .kotae-vote").await;
    up.click().await.unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//*[contains(text(), 'ありがとうございました')]",
        ))
        .await
        .unwrap();
    let connection = rusqlite::Connection::open(server.data.path().join("kotae.sqlite3")).unwrap();
    let (id, helpful, question): (String, bool, String) = connection
        .query_row(
            "SELECT entry_id, helpful, question FROM feedback",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(id, "credit-card");
    assert!(helpful);
    assert!(
        question.contains("[電話番号]") && !question.contains("5678"),
        "{question}"
    );
    browser.close().await;
}

#[tokio::test]
async fn staff_search_highlights_matches_and_works_by_keyboard() {
    let server = Server::start();
    let browser = Browser::start(1280, 800).await;
    let client = browser.client();
    client.goto(&server.url("/staff")).await.unwrap();
    let hotline = wait_for(client, "#hotline").await;
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//*[@id='hotline'][contains(text(), '0120-911-922')]",
        ))
        .await
        .unwrap();
    assert!(hotline.text().await.unwrap().contains("9時~18時"));
    let search = wait_for(client, "#q").await;
    search.send_keys("口座").await.unwrap();
    let mark = wait_for(client, ".result .result-snippet mark").await;
    assert_eq!(mark.text().await.unwrap(), "口座");
    let results = client.find_all(Locator::Css(".result")).await.unwrap();
    assert!(results.len() >= 2, "several results");
    // ↓ moves the selection to the second result, Enter opens it.
    search.send_keys("\u{E015}").await.unwrap();
    let second = client.find(Locator::Css("#result-1")).await.unwrap();
    assert_eq!(
        second.attr("aria-selected").await.unwrap().as_deref(),
        Some("true")
    );
    let second_question = second
        .find(Locator::Css(".result-question"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    search.send_keys("\u{E007}").await.unwrap();
    let detail = wait_for(client, "#detail:not([hidden]) #detail-question").await;
    assert_eq!(detail.text().await.unwrap(), second_question);
    // ↑ goes back to the first.
    search.send_keys("\u{E013}").await.unwrap();
    let first = client.find(Locator::Css("#result-0")).await.unwrap();
    assert_eq!(
        first.attr("aria-selected").await.unwrap().as_deref(),
        Some("true")
    );
    search.send_keys("\u{E007}").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    std::fs::create_dir_all(docs()).unwrap();
    std::fs::write(docs().join("staff.png"), client.screenshot().await.unwrap()).unwrap();
    browser.close().await;
}

#[tokio::test]
async fn hostile_answer_markup_is_shown_as_plain_text() {
    let faq = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let server = Server::start_with(&faq);
    let browser = Browser::start(390, 844).await;
    let client = browser.client();
    client.goto(&server.url("/")).await.unwrap();
    ask(client, "スクリプトの答えはどう表示されますか").await;
    let answer = wait_for(client, ".kotae-answer .kotae-text").await;
    let text = answer.text().await.unwrap();
    assert!(
        text.contains("<script>document.title='pwned'</script>"),
        "{text}"
    );
    assert!(text.contains("<img src=x onerror="), "{text}");
    assert!(
        client
            .find_all(Locator::Css(".kotae-log img, .kotae-log script"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_ne!(client.title().await.unwrap(), "pwned");
    // The staff console shows the same answer as text too.
    client.goto(&server.url("/staff")).await.unwrap();
    wait_for(client, "#q")
        .await
        .send_keys("スクリプト")
        .await
        .unwrap();
    wait_for(client, ".result").await;
    wait_for(client, "#q")
        .await
        .send_keys("\u{E007}")
        .await
        .unwrap();
    let detail = wait_for(client, "#detail:not([hidden]) #detail-answer").await;
    assert!(detail.text().await.unwrap().contains("<script>"));
    assert!(
        client
            .find_all(Locator::Css(".results img, #detail img"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_ne!(client.title().await.unwrap(), "pwned");
    browser.close().await;
}

#[tokio::test]
async fn suggestions_appear_after_ime_composition_and_are_chosen_by_keyboard() {
    let server = Server::start();
    let browser = Browser::start(390, 844).await;
    let client = browser.client();
    client.goto(&server.url("/")).await.unwrap();
    let input = wait_for(client, ".kotae-input").await;
    // While the IME composes, the text is not what the member means yet.
    client
        .execute(
            r#"const input = document.querySelector('.kotae-input');
               input.dispatchEvent(new CompositionEvent('compositionstart', {data: ''}));
               input.value = 'くれじ';
               input.dispatchEvent(new InputEvent('input', {isComposing: true, data: 'くれじ', inputType: 'insertCompositionText'}));"#,
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let list = client
        .find(Locator::Css(".kotae-suggestions"))
        .await
        .unwrap();
    assert!(
        !list.is_displayed().await.unwrap(),
        "no suggestions while composing"
    );
    client
        .execute(
            r#"const input = document.querySelector('.kotae-input');
               input.value = 'クレジ';
               input.dispatchEvent(new CompositionEvent('compositionend', {data: 'クレジ'}));"#,
            vec![],
        )
        .await
        .unwrap();
    let first = wait_for(client, ".kotae-suggestion").await;
    assert!(first.text().await.unwrap().contains("クレジットカード"));
    assert_eq!(list.attr("role").await.unwrap().as_deref(), Some("listbox"));
    assert_eq!(
        input.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );
    // ArrowDown selects the first suggestion; Enter asks it.
    input.send_keys("\u{E015}").await.unwrap();
    assert_eq!(
        first.attr("aria-selected").await.unwrap().as_deref(),
        Some("true")
    );
    input.send_keys("\u{E007}").await.unwrap();
    let answer = wait_for(client, ".kotae-answer .kotae-text").await;
    assert_eq!(
        answer.text().await.unwrap(),
        "ならコープではクレジットカードの情報は保持しておりません。"
    );
    assert!(!list.is_displayed().await.unwrap());
    browser.close().await;
}

#[tokio::test]
async fn an_editor_imports_a_faq_reviews_it_and_adds_a_members_question_as_an_alternate() {
    const TOKEN: &str = "review-token-0123456789";
    const QUESTION: &str = "他の市から越してきたら窓口はどこ";
    // Another organisation's FAQ, as its FAQ tool exports it: Shift_JIS CSV.
    let work = tempfile::tempdir().unwrap();
    let csv = work.path().join("city.csv");
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(
        "質問,回答,言い換え,カテゴリ\r\n転入届はどこで出せますか,市民課の窓口か各支所で受け付けています。,\"引っ越してきたときの手続き\n住所を移す届け出\",届出\r\n図書館の本は何冊まで借りられますか,一人10冊まで、2週間借りられます。,本の貸出冊数,図書館\r\n",
    );
    std::fs::write(&csv, &bytes).unwrap();
    let faq = work.path().join("faq");
    let imported = common::run(
        &faq,
        &work.path().join("index"),
        &["import", csv.to_str().unwrap()],
    );
    assert!(imported.status.success());
    let moving_in = kotae::tabular::stable_id("転入届はどこで出せますか");
    let server = Server::start_custom(
        &faq,
        &[],
        &[("KOTAE_STAFF", "editor:review-token-0123456789")],
        Stdio::inherit(),
    );
    let ask = || async {
        common::client()
            .post(server.url("/api/ask"))
            .json(&json!({ "question": QUESTION }))
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    assert_ne!(ask().await["decision"], "answer");
    // The unanswered question is written off the request path.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let browser = Browser::start(1280, 900).await;
    let client = browser.client();
    client.goto(&server.url("/staff/review")).await.unwrap();
    let token = wait_for(client, "#token").await;
    token.send_keys(TOKEN).await.unwrap();
    token.send_keys("\u{E007}").await.unwrap();
    let example = wait_for(client, ".review-example .review-text").await;
    assert_eq!(example.text().await.unwrap(), QUESTION);
    let picker = wait_for(client, ".review-example select").await;
    picker.select_by_value(&moving_in).await.unwrap();
    wait_for(client, ".review-example .review-add")
        .await
        .click()
        .await
        .unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//p[@id='status' and contains(., '再読み込みしました')]",
        ))
        .await
        .unwrap();
    wait_for(client, "#edits li").await;
    // The dashboard: decisions per day as a chart, 👎 per entry.
    wait_for(client, "#chart-days svg rect").await;
    wait_for(client, "#chart-unanswered svg rect").await;
    wait_for(client, "#votes td").await;
    client
        .execute(
            "document.querySelector('.dashboard').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    std::fs::create_dir_all(docs()).unwrap();
    std::fs::write(
        docs().join("dashboard.png"),
        client.screenshot().await.unwrap(),
    )
    .unwrap();
    client
        .execute("window.scrollTo(0, 0)", vec![])
        .await
        .unwrap();
    // "Try a question" explains the decision in words: the next member is answered.
    let question = wait_for(client, "#try-question").await;
    question.send_keys(QUESTION).await.unwrap();
    question.send_keys("\u{E007}").await.unwrap();
    let summary = wait_for(client, "#try-result .try-summary").await;
    assert!(summary.text().await.unwrap().contains("回答する"));
    let rule = wait_for(client, "#try-result .try-rule").await;
    assert!(rule.text().await.unwrap().contains("決めたルール"));
    wait_for(client, "#try-result .try-matched").await;
    std::fs::create_dir_all(docs()).unwrap();
    std::fs::write(
        docs().join("review.png"),
        client.screenshot().await.unwrap(),
    )
    .unwrap();
    let reply = ask().await;
    assert_eq!(reply["decision"], "answer", "{reply}");
    assert_eq!(reply["answer"]["id"], moving_in.as_str());
    browser.close().await;
}
