//! Thin JSON handlers: extract, validate into library types, call the matcher, map
//! to the response shape. Nothing else happens here.

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};

use axum::http::{HeaderMap, header};

use super::error::ApiError;
use super::reload::generation_of;
use super::{AppState, middleware};
use crate::error::{Error, QuestionProblem};
use crate::faq::{Entry, Hotline};
use crate::matcher::{Decision, Explain, Fallback, Question, Reply};
use crate::redact::redact;
use crate::store::{Feedback, Pending};

/// `axum::Json` whose rejections answer in our error shape.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct AppJson<T>(pub T);

/// Query string extractor whose rejections answer in our error shape.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct AppQuery<T>(pub T);

/// Path parameters extractor whose rejections answer in our error shape.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct AppPath<T>(pub T);

/// `POST /api/ask` body.
#[derive(Debug, Deserialize)]
pub struct AskRequest {
    /// The member's question.
    pub question: String,
    /// Number of candidates (1..=10, default 3).
    pub top_k: Option<i64>,
    /// Include the decision's detail.
    #[serde(default)]
    pub explain: bool,
}

/// An entry as the API shows it.
#[derive(Debug, Serialize)]
pub struct EntryView {
    id: String,
    question: String,
    answer: String,
    category: String,
}

impl From<&Entry> for EntryView {
    fn from(entry: &Entry) -> Self {
        EntryView {
            id: entry.id.clone(),
            question: entry.question.clone(),
            answer: entry.answer.clone(),
            category: entry.category.clone(),
        }
    }
}

/// A candidate as the API shows it.
#[derive(Debug, Serialize)]
pub struct CandidateView {
    id: String,
    question: String,
    score: f32,
    /// The entry's score in the semantic model's order, when it ordered them.
    #[serde(skip_serializing_if = "Option::is_none")]
    semantic: Option<f32>,
}

/// `POST /api/ask` response.
#[derive(Debug, Serialize)]
pub struct AskResponse {
    decision: Decision,
    confidence: f32,
    answer: Option<EntryView>,
    candidates: Vec<CandidateView>,
    fallback: Option<Fallback>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explain: Option<Explain>,
}

impl From<Reply> for AskResponse {
    fn from(reply: Reply) -> Self {
        AskResponse {
            decision: reply.decision,
            confidence: (reply.confidence * 1000.0).round() / 1000.0,
            answer: reply.answer.as_ref().map(EntryView::from),
            candidates: reply
                .candidates
                .into_iter()
                .map(|c| CandidateView {
                    id: c.id,
                    question: c.question,
                    score: c.score,
                    semantic: c.semantic,
                })
                .collect(),
            fallback: reply.fallback,
            message: reply.message,
            explain: reply.explain,
        }
    }
}

/// Answers a member's question.
pub async fn ask(
    State(state): State<AppState>,
    AppJson(request): AppJson<AskRequest>,
) -> Result<Json<AskResponse>, ApiError> {
    let limits = &state.limits;
    let top_k = match request.top_k {
        None => limits.default_top_k,
        Some(k) if (1..=limits.max_top_k as i64).contains(&k) => k as usize,
        Some(k) => {
            return Err(ApiError::invalid(
                "invalid_top_k",
                format!("top_k must be between 1 and {}, got {k}", limits.max_top_k),
            ));
        }
    };
    let mut question = Question::new(&request.question, top_k, request.explain, limits)?;
    let matcher = state.live.matcher();
    let reply = if matcher.has_semantic() {
        // An unanswered question waits ~10 ms for the semantic model: off the
        // async workers, so that it does not stall the other connections.
        let (returned, reply) = tokio::task::spawn_blocking(move || {
            let reply = matcher.ask(&question);
            (question, reply)
        })
        .await
        .map_err(|e| Error::Analysis(format!("the matcher task failed: {e}")))?;
        question = returned;
        reply?
    } else {
        // Words only, every question takes microseconds: a trip to the blocking
        // pool would cost more than it saves.
        matcher.ask(&question)?
    };
    state.metrics.decision(reply.decision.as_str());
    state.tally.count(reply.decision.as_str());
    if matches!(reply.decision, Decision::Clarify | Decision::Fallback) {
        record_unanswered(&state, question.text(), &reply);
    }
    Ok(Json(reply.into()))
}

/// Keeps a question kotae could not answer for FAQ editors (`kotae review`): a
/// channel send to the background writer, which redacts it before anything is
/// stored or logged.
fn record_unanswered(state: &AppState, question: &str, reply: &Reply) {
    let record = Pending {
        question: question.to_string(),
        analyzer: Some(state.live.matcher().analyzer().clone()),
        decision: reply.decision.as_str(),
        confidence: reply.confidence,
        candidates: reply.candidates.iter().map(|c| c.id.clone()).collect(),
    };
    if !state.unanswered.push(record) {
        tracing::warn!("unanswered-question queue full: a record was dropped");
    }
}

/// `GET /api/search` parameters.
#[derive(Debug, Deserialize)]
pub struct SearchParams {
    /// Search text.
    pub q: String,
    /// Most results (1..=50, default 10).
    pub limit: Option<usize>,
    /// Only entries of this category.
    pub category: Option<String>,
}

/// One staff search result.
#[derive(Debug, Serialize)]
pub struct SearchResult {
    #[serde(flatten)]
    entry: EntryView,
    score: f32,
    /// Answer excerpt as HTML: escaped, matches in `<mark>`.
    snippet: String,
}

/// `GET /api/search` response.
#[derive(Debug, Serialize)]
pub struct SearchResponse {
    results: Vec<SearchResult>,
}

/// Ranked entries for staff, without a decision.
pub async fn search(
    State(state): State<AppState>,
    AppQuery(params): AppQuery<SearchParams>,
) -> Result<Json<SearchResponse>, ApiError> {
    let limit = params.limit.unwrap_or(10);
    if !(1..=50).contains(&limit) {
        return Err(ApiError::invalid(
            "invalid_limit",
            "limit must be between 1 and 50",
        ));
    }
    // Search shares the question's validation (empty, length).
    let question = Question::new(&params.q, limit, false, &state.limits)?;
    let category = params.category.as_deref().filter(|c| !c.is_empty());
    let hits = state
        .live
        .matcher()
        .search(question.text(), limit, category)?;
    Ok(Json(SearchResponse {
        results: hits
            .into_iter()
            .map(|hit| SearchResult {
                entry: EntryView::from(&hit.entry),
                score: hit.score,
                snippet: hit.snippet,
            })
            .collect(),
    }))
}

/// `GET /api/suggest` parameters.
#[derive(Debug, Deserialize)]
pub struct SuggestParams {
    /// What the member has typed so far.
    pub q: String,
    /// Most suggestions (1..=10, default 5).
    pub limit: Option<usize>,
}

/// One suggested official question.
#[derive(Debug, Serialize)]
pub struct Suggestion {
    id: String,
    question: String,
}

/// `GET /api/suggest` response.
#[derive(Debug, Serialize)]
pub struct SuggestResponse {
    suggestions: Vec<Suggestion>,
}

/// Official questions matching what a member is typing. An empty or blank text
/// gets no suggestions rather than an error: it is what a member has typed so far.
pub async fn suggest(
    State(state): State<AppState>,
    AppQuery(params): AppQuery<SuggestParams>,
) -> Result<Json<SuggestResponse>, ApiError> {
    let limit = params.limit.unwrap_or(5);
    if !(1..=10).contains(&limit) {
        return Err(ApiError::invalid(
            "invalid_limit",
            "limit must be between 1 and 10",
        ));
    }
    if params.q.trim().is_empty() {
        return Ok(Json(SuggestResponse {
            suggestions: Vec::new(),
        }));
    }
    let question = Question::new(&params.q, limit, false, &state.limits)?;
    let suggestions = state
        .live
        .matcher()
        .suggest(question.text(), limit)?
        .into_iter()
        .map(|(id, question)| Suggestion { id, question })
        .collect();
    Ok(Json(SuggestResponse { suggestions }))
}

/// `POST /api/feedback` body.
#[derive(Debug, Deserialize)]
pub struct FeedbackRequest {
    /// The entry whose answer was shown.
    pub id: String,
    /// 👍 or 👎.
    pub helpful: bool,
    /// The member's question (redacted before it is stored).
    pub question: Option<String>,
}

/// Records a member's 👍/👎 on an answer.
pub async fn feedback(
    State(state): State<AppState>,
    AppJson(request): AppJson<FeedbackRequest>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    if state.live.matcher().faq().entry(&request.id).is_none() {
        return Err(ApiError::invalid(
            "unknown_entry",
            format!("no FAQ entry with id {:?}", request.id),
        ));
    }
    // The same limit as for asking: nothing longer is ever stored.
    let max = state.limits.max_question_chars;
    if request
        .question
        .as_ref()
        .is_some_and(|q| q.chars().count() > max)
    {
        return Err(Error::InvalidQuestion(QuestionProblem::TooLong(max)).into());
    }
    let analyzer = state.live.matcher().analyzer().clone();
    let store = state.store.clone();
    tokio::task::spawn_blocking(move || {
        let question = request
            .question
            .as_deref()
            .map(|q| redact(q, Some(&analyzer)));
        store.record_feedback(&Feedback::new(&request.id, request.helpful, question))
    })
    .await
    .map_err(|e| Error::Store(format!("feedback writer stopped: {e}")))??;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"status": "recorded"})),
    ))
}

/// `GET /api/faq` response.
#[derive(Debug, Serialize)]
pub struct FaqResponse {
    entries: Vec<EntryView>,
    hotline: Option<Hotline>,
}

/// Every entry, in FAQ order, and the hotline.
pub async fn faq(State(state): State<AppState>) -> Json<FaqResponse> {
    let matcher = state.live.matcher();
    let faq = matcher.faq();
    Json(FaqResponse {
        entries: faq.entries.iter().map(EntryView::from).collect(),
        hotline: faq.hotline().cloned(),
    })
}

/// One entry by id.
pub async fn faq_entry(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
) -> Result<Json<EntryView>, ApiError> {
    state
        .live
        .matcher()
        .faq()
        .entry(&id)
        .map(|entry| Json(EntryView::from(entry)))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_entry",
                format!("no FAQ entry with id {id:?}"),
            )
        })
}

/// Liveness: the process answers HTTP.
pub async fn healthz() -> impl IntoResponse {
    Json(serde_json::json!({"status": "ok"}))
}

/// Readiness: the index is open and a real question gets answered; with the
/// reload history.
pub async fn readyz(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let matcher = state.live.matcher();
    let faq = matcher.faq();
    let probe = faq
        .entries
        .first()
        .map(|e| e.question.clone())
        .unwrap_or_default();
    if matcher.search(&probe, 1, None)?.is_empty() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "the index returned nothing for a known question",
        ));
    }
    let store = state.store.clone();
    let health = tokio::task::spawn_blocking(move || store.health())
        .await
        .unwrap_or_else(|e| Err(e.to_string()));
    let store = match health {
        Ok(()) => "ok",
        Err(reason) => {
            tracing::warn!(reason, "readiness: the feedback store is degraded");
            "degraded"
        }
    };
    Ok(Json(serde_json::json!({
        "status": "ready",
        "entries": faq.entries.len(),
        "index": generation_of(&matcher),
        "store": store,
        "near_duplicates": matcher.near_duplicates(),
        "semantic": if matcher.has_semantic() { "on" } else { "off" },
        "reloads": state.live.status(),
    })))
}

/// Prometheus metrics, text format.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

/// `POST /admin/reload` (bearer token): validate, rebuild and swap the FAQ.
/// An invalid FAQ is refused with its problems; the old one keeps serving.
pub async fn admin_reload(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let token = state.server.admin_token.as_deref().unwrap_or_default();
    if token.is_empty() || !middleware::authorized(&headers, token) {
        tracing::warn!("admin request refused: missing or wrong token");
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send Authorization: Bearer <admin token>",
        ));
    }
    match state.reload().await {
        Ok(reloaded) => Ok(Json(
            serde_json::json!({"status": "reloaded", "reload": reloaded}),
        )),
        Err(Error::InvalidFaq(problems)) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_faq",
            format!("the FAQ was not reloaded: {}", problems.join("; ")),
        )),
        Err(other) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reload_failed",
            format!("the FAQ was not reloaded: {other}"),
        )),
    }
}

/// Any route we do not have.
pub async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// A route we have, with the wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}
