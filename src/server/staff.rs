//! The FAQ editors' review routes, behind a staff bearer token: what members asked
//! that kotae could not answer (grouped as `kotae review` groups it), and adding a
//! member's phrasing as an alternate of an entry — written into the FAQ files,
//! validated, reloaded, and recorded with who did it and when. Member text is
//! never public, even redacted: these routes exist only when staff are configured.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};

use super::api::AppJson;
use super::error::ApiError;
use super::{AppState, middleware};
use crate::error::Error;
use crate::redact::redact;
use crate::review::{self, Group};
use crate::store::Edit;

/// The name of the staff member whose token the request carries.
fn staff_member(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    let member = state
        .server
        .staff
        .iter()
        .find(|m| middleware::authorized(headers, &m.token));
    match member {
        Some(member) => Ok(member.name.clone()),
        None => {
            tracing::warn!("staff request refused: missing or wrong token");
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send Authorization: Bearer <staff token>",
            ))
        }
    }
}

/// `GET /api/staff/review` response.
#[derive(Debug, Serialize)]
pub struct ReviewResponse {
    /// Who is logged in.
    staff: String,
    /// Unanswered questions, grouped, most frequent first.
    groups: Vec<Group>,
    /// Recent changes made here, newest first.
    edits: Vec<Edit>,
}

/// The review: unanswered questions grouped, with candidates and feedback.
pub async fn review(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<ReviewResponse>, ApiError> {
    let staff = staff_member(&state, &headers)?;
    let store = state.store.clone();
    let analyzer = state.live.matcher().analyzer().clone();
    let (groups, edits) = tokio::task::spawn_blocking(move || {
        let groups = review::groups(&analyzer, &store.unanswered()?, &store.feedback()?)?;
        let mut edits = store.edits()?;
        edits.truncate(20);
        Ok::<_, Error>((groups, edits))
    })
    .await
    .map_err(|e| Error::Store(format!("review reader stopped: {e}")))??;
    Ok(Json(ReviewResponse {
        staff,
        groups,
        edits,
    }))
}

/// `POST /api/staff/alternates` body.
#[derive(Debug, Deserialize)]
pub struct AlternateRequest {
    /// The entry the phrasing asks about.
    pub entry_id: String,
    /// The member's phrasing (redacted again before it is written).
    pub phrasing: String,
}

/// Adds a member's phrasing as an alternate of an entry, reloads, and records who
/// did it. An edit that would make the FAQ invalid is refused and undone.
pub async fn add_alternate(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppJson(request): AppJson<AlternateRequest>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let who = staff_member(&state, &headers)?;
    let matcher = state.live.matcher();
    if matcher.faq().entry(&request.entry_id).is_none() {
        return Err(ApiError::invalid(
            "unknown_entry",
            format!("no FAQ entry with id {:?}", request.entry_id),
        ));
    }
    let phrasing = redact(&request.phrasing, Some(matcher.analyzer())).into_string();
    let dir = matcher.faq().dir.clone();
    let entry_id = request.entry_id.clone();
    let written = phrasing.clone();
    tokio::task::spawn_blocking(move || crate::editor::add_alternate(&dir, &entry_id, &written))
        .await
        .map_err(|e| Error::Store(format!("FAQ writer stopped: {e}")))?
        .map_err(|err| ApiError::invalid("invalid_edit", err.to_string()))?;
    let reloaded = state.reload().await?;
    let edit = Edit {
        at: String::new(),
        who,
        entry_id: request.entry_id,
        phrasing,
    };
    tracing::info!(who = %edit.who, entry = %edit.entry_id, "alternate added from the review console");
    let store = state.store.clone();
    let audit = edit.clone();
    tokio::task::spawn_blocking(move || store.record_edit(&audit))
        .await
        .map_err(|e| Error::Store(format!("audit writer stopped: {e}")))??;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"status": "added", "edit": edit, "reload": reloaded})),
    ))
}

/// One day of the dashboard: how many questions were decided each way.
#[derive(Debug, Default, Serialize)]
pub struct Day {
    day: String,
    answer: u64,
    clarify: u64,
    fallback: u64,
    smalltalk: u64,
}

/// An entry's feedback on the dashboard.
#[derive(Debug, Serialize)]
pub struct EntryVotes {
    id: String,
    question: String,
    helpful: usize,
    not_helpful: usize,
    /// 👎 as a share of all votes.
    not_helpful_rate: f64,
}

/// `GET /api/staff/dashboard` response.
#[derive(Debug, Serialize)]
pub struct Dashboard {
    days: Vec<Day>,
    /// The most frequent groups of unanswered questions: count and one example.
    top_unanswered: Vec<(usize, String)>,
    entries: Vec<EntryVotes>,
}

/// How kotae is doing: decisions per day, the most asked unanswered questions and
/// each entry's 👎 rate.
pub async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Dashboard>, ApiError> {
    staff_member(&state, &headers)?;
    let store = state.store.clone();
    let analyzer = state.live.matcher().analyzer().clone();
    let pending = state.tally.pending();
    let (counts, groups, feedback) = tokio::task::spawn_blocking(move || {
        let mut counts = store.decisions_per_day()?;
        counts.extend(pending);
        let feedback = store.feedback()?;
        let groups = review::groups(&analyzer, &store.unanswered()?, &feedback)?;
        Ok::<_, Error>((counts, groups, feedback))
    })
    .await
    .map_err(|e| Error::Store(format!("dashboard reader stopped: {e}")))??;
    let matcher = state.live.matcher();
    let entries = matcher
        .faq()
        .entries
        .iter()
        .map(|entry| {
            let votes = feedback.iter().filter(|f| f.entry_id == entry.id);
            let helpful = votes.clone().filter(|f| f.helpful).count();
            let not_helpful = votes.filter(|f| !f.helpful).count();
            EntryVotes {
                id: entry.id.clone(),
                question: entry.question.clone(),
                helpful,
                not_helpful,
                not_helpful_rate: not_helpful as f64 / (helpful + not_helpful).max(1) as f64,
            }
        })
        .collect();
    Ok(Json(Dashboard {
        days: per_day(&counts),
        top_unanswered: groups
            .iter()
            .take(10)
            .map(|g| (g.count, g.examples.first().cloned().unwrap_or_default()))
            .collect(),
        entries,
    }))
}

/// Decision counts `(day, decision, count)` as one row per day, oldest first.
fn per_day(counts: &[(String, String, u64)]) -> Vec<Day> {
    let mut days: std::collections::BTreeMap<&str, Day> = std::collections::BTreeMap::new();
    for (day, decision, count) in counts {
        let row = days.entry(day.as_str()).or_insert_with(|| Day {
            day: day.clone(),
            ..Day::default()
        });
        match decision.as_str() {
            "answer" => row.answer += count,
            "clarify" => row.clarify += count,
            "fallback" => row.fallback += count,
            "smalltalk" => row.smalltalk += count,
            _ => {}
        }
    }
    days.into_values().collect()
}
