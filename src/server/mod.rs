//! The HTTP service: router, shared state, middleware and graceful shutdown.
//!
//! `router(state)` is a plain function so tests can drive it in-process or on a
//! real socket. Handlers live in [`api`] (JSON) and [`assets`] (the member widget
//! and the staff console); every error is an [`error::ApiError`].

pub mod api;
pub mod assets;
pub mod error;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Limits;
use crate::error::{Error, Result};
use crate::matcher::Matcher;
use crate::store::Store;

/// What every handler can reach; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The matcher over the served FAQ.
    pub matcher: Arc<Matcher>,
    /// Request limits.
    pub limits: Arc<Limits>,
    /// Where feedback goes.
    pub store: Arc<dyn Store>,
    /// Origins (`https://coop.example`) whose pages may call `/api/*` from a
    /// browser; empty means same origin only.
    pub allowed_origins: Arc<Vec<HeaderValue>>,
}

/// Our pages load scripts, styles and data from this server only; no inline
/// script can run, and only this origin may frame them.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; \
     form-action 'none'; object-src 'none'";

/// All routes with their middleware.
pub fn router(state: AppState) -> Router {
    let body_limit = state.limits.max_body_bytes;
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(state.allowed_origins.iter().cloned()))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(Duration::from_secs(600));
    let api = Router::new()
        .route("/ask", post(api::ask))
        .route("/search", get(api::search))
        .route("/faq", get(api::faq))
        .route("/faq/{id}", get(api::faq_entry))
        .route("/feedback", post(api::feedback));
    Router::new()
        .nest("/api", api)
        .route("/", get(assets::demo_page))
        .route("/widget.js", get(assets::widget_js))
        .route("/widget.css", get(assets::widget_css))
        .route("/staff", get(assets::staff_page))
        .route("/staff.js", get(assets::staff_js))
        .route("/staff.css", get(assets::staff_css))
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        // Layers run outside-in from the last one added. Order: trace (outermost,
        // so every response is traced), security headers, panic → 500 JSON, CORS,
        // body limit. Spans carry the route, never the URI: `/api/search?q=` holds the
        // member's text.
        .layer(DefaultBodyLimit::max(body_limit))
        // CORS wraps the whole router so that preflight requests are answered
        // before routing (a route's 405 would otherwise answer them). Only the
        // configured origins get CORS headers; pages are same-origin anyway.
        .layer(cors)
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(error::ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "kotae could not answer this request",
            ))
        }))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("cache-control"),
            HeaderValue::from_static("no-store"),
        ))
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
