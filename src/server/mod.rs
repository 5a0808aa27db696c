//! The HTTP service: router, shared state, middleware and graceful shutdown.
//!
//! `router(state)` is a plain function so tests can drive it in-process or on a
//! real socket. Handlers live in [`api`] (JSON) and [`assets`] (the member widget
//! and the staff console); every error is an [`error::ApiError`]. Reloads swap
//! whole matcher snapshots ([`reload`]); nothing a request uses is ever locked.

pub mod api;
pub mod assets;
pub mod connections;
pub mod error;
pub mod head;
pub mod metrics;
pub mod middleware;
pub mod reload;
pub mod staff;

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

use axum::error_handling::HandleErrorLayer;
use tower_governor::GovernorLayer;
use tower_governor::governor::GovernorConfigBuilder;

use crate::config::{Config, Limits, ServerConfig};
use crate::error::{Error, Result};
use crate::matcher::Matcher;
use crate::store::{DecisionTally, Store, UnansweredQueue};
use metrics::Metrics;
use reload::Live;

/// What every handler can reach; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The serving matcher (swapped whole on reload).
    pub live: Arc<Live>,
    /// Request limits.
    pub limits: Arc<Limits>,
    /// Where feedback and unanswered questions go.
    pub store: Arc<dyn Store>,
    /// Unanswered questions on their way to the store.
    pub unanswered: UnansweredQueue,
    /// Counters and histograms.
    pub metrics: Arc<Metrics>,
    /// Server settings (timeouts, limits, origins, admin token).
    pub server: Arc<ServerConfig>,
    /// Requests in flight per client address.
    pub in_flight: Arc<middleware::InFlight>,
    /// Questions decided each way today, for the dashboard.
    pub tally: Arc<DecisionTally>,
}

impl AppState {
    /// State for serving `matcher`, rebuilt from `config` on reload.
    pub fn new(
        matcher: Matcher,
        config: &Config,
        server: ServerConfig,
        store: Arc<dyn Store>,
    ) -> AppState {
        let metrics = Metrics::new();
        metrics.serving(
            &reload::generation_of(&matcher),
            matcher.faq().entries.len(),
        );
        AppState {
            live: Arc::new(Live::new(matcher, config.clone())),
            limits: Arc::new(config.limits),
            unanswered: UnansweredQueue::start(store.clone(), 16 * 1024),
            store,
            metrics: Arc::new(metrics),
            server: Arc::new(server),
            in_flight: Arc::default(),
            tally: Arc::default(),
        }
    }

    /// Reloads the FAQ and records the outcome in the metrics.
    pub async fn reload(&self) -> Result<reload::Reloaded> {
        let outcome = self.live.reload().await;
        self.metrics.reload(outcome.is_ok());
        if let Ok(reloaded) = &outcome {
            self.metrics.serving(&reloaded.generation, reloaded.entries);
        }
        outcome
    }
}

/// Our pages load scripts, styles and data from this server only; no inline
/// script can run, and only this origin may frame them.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; \
     form-action 'none'; object-src 'none'";

/// CORS for the configured origins only; pages are same-origin anyway.
fn cors(allow_origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = allow_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(Duration::from_secs(600))
}

/// Every route but `/healthz`: the API, the pages and their assets, readiness and
/// metrics; staff and admin routes only when configured.
fn routes(state: &AppState) -> Router<AppState> {
    let mut api = Router::new()
        .route("/ask", post(api::ask))
        .route("/search", get(api::search))
        .route("/suggest", get(api::suggest))
        .route("/faq", get(api::faq))
        .route("/faq/{id}", get(api::faq_entry))
        .route("/feedback", post(api::feedback));
    if !state.server.staff.is_empty() {
        // Member text, even redacted, is never public: without staff, no route.
        api = api
            .route("/staff/review", get(staff::review))
            .route("/staff/alternates", post(staff::add_alternate))
            .route("/staff/dashboard", get(staff::dashboard));
    }
    let router = Router::new()
        .nest("/api", api)
        .route("/", get(assets::demo_page))
        .route("/widget.js", get(assets::widget_js))
        .route("/widget.css", get(assets::widget_css))
        .route("/staff", get(assets::staff_page))
        .route("/staff.js", get(assets::staff_js))
        .route("/staff.css", get(assets::staff_css))
        .route("/staff/review", get(assets::review_page))
        .route("/review.js", get(assets::review_js))
        .route("/favicon.svg", get(assets::favicon))
        .route("/favicon.ico", get(assets::favicon))
        .route("/readyz", get(api::readyz))
        .route("/metrics", get(api::metrics));
    if state.server.admin_token.is_some() {
        router.route("/admin/reload", post(api::admin_reload))
    } else {
        router
    }
}

/// All routes with their middleware.
pub fn router(state: AppState) -> Router {
    let body_limit = state.limits.max_body_bytes;
    let cors = cors(&state.server.allow_origins);
    let router = routes(&state);
    let router = router
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        // Layers run outside-in from the last one added: trace, metrics, security
        // headers, panic → 500 JSON, overload shedding, timeout, CORS, body limit.
        // Spans and metrics carry the route, never the URI: `/api/search?q=` holds
        // the member's text.
        .layer(DefaultBodyLimit::max(body_limit))
        // CORS wraps the whole router so that preflight requests are answered
        // before routing (a route's 405 would otherwise answer them). Only the
        // configured origins get CORS headers; pages are same-origin anyway.
        .layer(cors)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::timeout,
        ))
        .layer(
            tower::ServiceBuilder::new()
                .layer(HandleErrorLayer::new(middleware::overloaded))
                .load_shed()
                .concurrency_limit(state.server.max_concurrency),
        )
        // Outside the global limit: a client over its share is refused before it
        // takes a slot meant for everyone.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::per_client,
        ));
    // Liveness stays outside the rate limit: an orchestrator must never read a
    // 429 as a dead process.
    let router = rate_limited(router, &state.server)
        .route("/healthz", get(api::healthz))
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(error::ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "kotae could not answer this request",
            ))
        }));
    with_security_headers(router)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::record,
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

/// Headers every response carries: CSP, no sniffing, no framing by others, no
/// referrer, and no caching unless the handler says otherwise.
fn with_security_headers(router: Router<AppState>) -> Router<AppState> {
    router
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
}

/// Every route, preflight and fallback included, rate-limited per client address
/// (`rate_limit_per_second`, 0 = off).
fn rate_limited(router: Router<AppState>, server: &ServerConfig) -> Router<AppState> {
    if server.rate_limit_per_second == 0 {
        return router;
    }
    let mut governor = GovernorConfigBuilder::default().key_extractor(middleware::ClientAddress {
        trust_proxy: server.trust_proxy,
    });
    governor
        .period(Duration::from_nanos(
            1_000_000_000 / server.rate_limit_per_second.max(1),
        ))
        .burst_size(server.rate_limit_burst);
    match governor.finish() {
        Some(config) => {
            router.layer(GovernorLayer::new(config).error_handler(middleware::rate_limited))
        }
        None => router,
    }
}

/// Binds `addr` and serves until Ctrl-C or SIGTERM, letting requests in flight
/// finish and writing every queued unanswered question before it returns.
pub async fn serve(state: AppState, addr: SocketAddr) -> Result<()> {
    spawn_reload_on_hangup(state.clone());
    spawn_retention(state.clone());
    if state.server.watch {
        spawn_watch(state.clone());
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Config(format!("cannot listen on {addr}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::Config(format!("cannot read the bound address: {e}")))?;
    tracing::info!(addr = %local, "kotae is listening");
    println!("kotae listening on http://{local}");
    let server = state.server.clone();
    connections::accept_loop(listener, router(state.clone()), &server, shutdown_signal()).await;
    let queue = state.unanswered.clone();
    let store = state.store.clone();
    let tally = state.tally.clone();
    tokio::task::spawn_blocking(move || {
        if !queue.drain(Duration::from_secs(10)) {
            tracing::warn!("some unanswered questions could not be written before exit");
        }
        if let Err(err) = tally.flush(&*store) {
            tracing::warn!(error = %err, "the day's decision counts could not be stored at exit");
        }
        if let Err(err) = store.checkpoint() {
            tracing::warn!(error = %err, "no checkpoint of the feedback store at exit");
        }
    })
    .await
    .map_err(|e| Error::Store(format!("shutdown writer stopped: {e}")))
}

/// Every minute, adds the day's decision counts to the store; at start and every
/// hour, deletes records past `retention_days` and checkpoints the store so its
/// main file stays a full backup.
fn spawn_retention(state: AppState) {
    let days = state.server.retention_days;
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_secs(60));
        let mut minute: u64 = 0;
        loop {
            ticker.tick().await;
            let hourly = minute.is_multiple_of(60);
            minute += 1;
            let store = state.store.clone();
            let tally = state.tally.clone();
            let done = tokio::task::spawn_blocking(move || {
                tally.flush(&*store)?;
                if !hourly {
                    return Ok(0);
                }
                let purged = if days > 0 {
                    store.purge_older_than(days)?
                } else {
                    0
                };
                store.checkpoint()?;
                Ok::<_, Error>(purged)
            })
            .await;
            match done {
                Ok(Ok(purged)) if purged > 0 => {
                    tracing::info!(purged, days, "deleted records past the retention period")
                }
                Ok(Ok(_)) => {}
                Ok(Err(err)) => tracing::warn!(error = %err, "store maintenance failed"),
                Err(err) => tracing::warn!(error = %err, "store maintenance stopped"),
            }
        }
    });
}

/// SIGHUP reloads the FAQ, as daemons conventionally do.
fn spawn_reload_on_hangup(state: AppState) {
    #[cfg(unix)]
    tokio::spawn(async move {
        let Ok(mut hangup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            tracing::warn!("cannot listen for SIGHUP; reload with POST /admin/reload");
            return;
        };
        while hangup.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading the FAQ");
            let _ = state.reload().await;
        }
    });
    #[cfg(not(unix))]
    let _ = state;
}

/// `--watch`: polls the FAQ directory and reloads when its files change. Polling
/// (every 2 s, names, sizes and modification times only) needs no platform API and
/// costs nothing measurable.
fn spawn_watch(state: AppState) {
    let dir = state.live.matcher().faq().dir.clone();
    // Stamped now, before the server listens: an edit made while it starts is seen.
    let mut seen = directory_stamp(&dir);
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_secs(2));
        loop {
            ticker.tick().await;
            let now = directory_stamp(&dir);
            if now != seen {
                // Let an editor's multi-file save settle before reading.
                tokio::time::sleep(Duration::from_millis(500)).await;
                seen = directory_stamp(&dir);
                tracing::info!(dir = %dir.display(), "FAQ directory changed: reloading");
                let _ = state.reload().await;
            }
        }
    });
}

fn directory_stamp(dir: &std::path::Path) -> Vec<(String, u64, Option<std::time::SystemTime>)> {
    let mut stamp: Vec<_> = std::fs::read_dir(dir)
        .map(|items| {
            items
                .flatten()
                .filter_map(|item| {
                    let meta = item.metadata().ok()?;
                    Some((
                        item.file_name().to_string_lossy().into_owned(),
                        meta.len(),
                        meta.modified().ok(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    stamp.sort();
    stamp
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
