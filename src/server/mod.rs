//! The HTTP service: router, shared state, middleware and graceful shutdown.
//!
//! `router(state)` is a plain function so tests can drive it in-process or on a
//! real socket. Handlers live in [`api`]; every error is an [`error::ApiError`].

pub mod api;
pub mod error;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

use crate::config::Limits;
use crate::error::{Error, Result};
use crate::matcher::Matcher;

/// What every handler can reach; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The matcher over the served FAQ.
    pub matcher: Arc<Matcher>,
    /// Request limits.
    pub limits: Arc<Limits>,
}

/// All routes with their middleware.
pub fn router(state: AppState) -> Router {
    let body_limit = state.limits.max_body_bytes;
    Router::new()
        .route("/api/ask", post(api::ask))
        .route("/api/search", get(api::search))
        .route("/api/faq", get(api::faq))
        .route("/api/faq/{id}", get(api::faq_entry))
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        // Order: the body limit applies inside tracing, so an oversized body is
        // traced like any other request. Spans carry the route, never the URI:
        // `/api/search?q=` holds the member's text.
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                let route = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_else(|| "unmatched".to_string());
                tracing::info_span!("request", method = %request.method(), route)
            }),
        )
        .with_state(state)
}

/// Binds `addr` and serves until Ctrl-C or SIGTERM, letting requests in flight finish.
pub async fn serve(state: AppState, addr: SocketAddr) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Config(format!("cannot listen on {addr}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::Config(format!("cannot read the bound address: {e}")))?;
    tracing::info!(addr = %local, "kotae is listening");
    println!("kotae listening on http://{local}");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| Error::Config(format!("server error: {e}")))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
