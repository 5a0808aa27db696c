//! Cross-cutting request handling: timeouts, metrics, rate-limit and overload
//! answers, admin authentication. Every refusal is our JSON error shape.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_governor::GovernorError;
use tower_governor::key_extractor::KeyExtractor;

use super::AppState;
use super::error::ApiError;

/// Answers 408 when a request (reading its body included) takes longer than the
/// configured timeout: a slow client cannot hold a connection and a worker forever.
pub async fn timeout(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = Duration::from_millis(state.server.request_timeout_ms);
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "the request took too long",
        )
        .into_response(),
    }
}

/// The address a request comes from, for rate and concurrency limits: the peer,
/// or, with `--trust-proxy`, the address the proxy reports (the last entry of
/// `X-Forwarded-For`, which the proxy itself appended, or `X-Real-IP`).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress {
    /// Whether to believe the proxy headers.
    pub trust_proxy: bool,
}

impl ClientAddress {
    /// The client address of `request`, if any is known.
    pub fn of<T>(&self, request: &axum::http::Request<T>) -> Option<IpAddr> {
        let headers = request.headers();
        let proxied = || {
            let forwarded = headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|last| last.trim().parse().ok());
            forwarded.or_else(|| {
                headers
                    .get("x-real-ip")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse().ok())
            })
        };
        let peer = || {
            request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip())
        };
        if self.trust_proxy {
            proxied().or_else(peer)
        } else {
            peer()
        }
    }
}

impl KeyExtractor for ClientAddress {
    type Key = IpAddr;

    fn extract<T>(&self, request: &axum::http::Request<T>) -> Result<IpAddr, GovernorError> {
        self.of(request).ok_or(GovernorError::UnableToExtractKey)
    }
}

/// Requests in flight per client address, so that a few clients holding slow
/// requests cannot take every slot of the global concurrency limit.
#[derive(Debug, Default)]
pub struct InFlight {
    counts: Mutex<HashMap<IpAddr, usize>>,
}

/// One request's place in [`InFlight`]; gives it back when dropped.
struct Slot {
    in_flight: Arc<InFlight>,
    address: IpAddr,
}

impl InFlight {
    fn take(self: &Arc<Self>, address: IpAddr, limit: usize) -> Option<Slot> {
        let mut counts = self.counts.lock().ok()?;
        let count = counts.entry(address).or_default();
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(Slot {
            in_flight: self.clone(),
            address,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut counts) = self.in_flight.counts.lock()
            && let Some(count) = counts.get_mut(&self.address)
        {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.address);
            }
        }
    }
}

/// Answers 429 when one client address already has its share of requests in
/// flight (`--per-client-concurrency`).
pub async fn per_client(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let address = ClientAddress {
        trust_proxy: state.server.trust_proxy,
    }
    .of(&request);
    let Some(address) = address else {
        return next.run(request).await;
    };
    let Some(_slot) = state
        .in_flight
        .take(address, state.server.per_client_concurrency)
    else {
        return ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_in_flight",
            "too many requests from this address at once; retry shortly",
        )
        .into_response();
    };
    next.run(request).await
}

/// Counts every request by route (never by URI: it may hold a member's text) and
/// status, with its latency.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.request(
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// The answer when the global concurrency limit sheds a request.
pub async fn overloaded(_: tower::BoxError) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "overloaded",
        "kotae is busy; please retry shortly",
    )
}

/// The answer when one client sends too much: 429 with `Retry-After`.
pub fn rate_limited(error: GovernorError) -> Response<Body> {
    match error {
        GovernorError::TooManyRequests { wait_time, headers } => {
            let mut response = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many requests; retry in {wait_time} s"),
            )
            .into_response();
            if let Some(headers) = headers {
                response.headers_mut().extend(headers);
            }
            if let Ok(value) = HeaderValue::from_str(&wait_time.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        GovernorError::UnableToExtractKey => ApiError::new(
            StatusCode::BAD_REQUEST,
            "no_client_address",
            "the client address is unknown",
        )
        .into_response(),
        GovernorError::Other { code, msg, .. } => {
            ApiError::new(code, "rate_limited", msg.unwrap_or_default()).into_response()
        }
    }
}

/// Whether the request carries `Authorization: Bearer <token>` for `token`.
pub fn authorized(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    constant_time_eq(given.trim().as_bytes(), token.as_bytes())
}

/// Compares without an early exit, so timing does not reveal the token.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_must_match_exactly() {
        let mut headers = HeaderMap::new();
        assert!(!authorized(&headers, "secret-token-123456"));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer secret-token-123456"),
        );
        assert!(authorized(&headers, "secret-token-123456"));
        assert!(!authorized(&headers, "secret-token-123457"));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic secret-token-123456"),
        );
        assert!(!authorized(&headers, "secret-token-123456"));
    }
}
