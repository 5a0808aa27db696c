//! Accepting connections: the accept loop, with a cap on open connections, a
//! timeout on request heads (which also closes idle keep-alive connections) and a
//! graceful shutdown that lets requests in flight finish.
//!
//! `axum::serve` sets no hyper timer, so a client that sends half a request line
//! holds its connection (and a file descriptor) forever. This loop drives hyper
//! directly with a timer and a semaphore of connection permits; when the permits
//! run out, new clients wait in the listen backlog instead of making the process
//! run out of file descriptors. The first request head of each connection is read
//! and checked by [`super::head`] before hyper gets it.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use super::head::{self, Head};
use crate::config::ServerConfig;

/// File descriptors kept free for the index, the database and the logs.
const RESERVED_FILES: usize = 64;
/// How long a shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// Serves `app` on `listener` until `shutdown` completes, then waits (at most
/// [`SHUTDOWN_GRACE`]) for open connections to finish their requests.
pub async fn accept_loop(
    listener: TcpListener,
    app: Router,
    server: &ServerConfig,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(connection_cap(server.max_connections)));
    // HTTP/1.1 only: detecting HTTP/2 reads the first bytes without any timeout,
    // so a client that connects and sends nothing would never be closed. (A
    // reverse proxy in front can still speak HTTP/2 to members.)
    let header_timeout = Duration::from_millis(server.header_timeout_ms);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit,
            () = &mut shutdown => break,
        };
        let Ok(permit) = permit else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(err) => {
                // EMFILE and friends: wait instead of spinning.
                tracing::warn!(error = %err, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Each request carries the peer address, as axum's own `serve` gives it.
        let service = TowerToHyperService::new(app.clone().map_request(
            move |mut request: hyper::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request.map(axum::body::Body::new)
            },
        ));
        let builder = builder.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            // The first head is checked here, so that what hyper would refuse with
            // an empty body gets kotae's JSON error instead.
            if let Head::Ready(stream) = head::first_head(stream, header_timeout).await {
                let connection = builder.serve_connection(TokioIo::new(stream), service);
                if let Err(err) = watcher.watch(connection).await {
                    tracing::debug!(error = %err, "connection ended with an error");
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("connections still open after the shutdown grace period");
        }
    }
}

/// The configured cap, lowered to fit the process's open-file limit.
fn connection_cap(configured: usize) -> usize {
    let cap = match open_file_limit() {
        Some(limit) => configured.min(limit.saturating_sub(RESERVED_FILES).max(1)),
        None => configured,
    };
    if cap < configured {
        tracing::info!(
            configured,
            cap,
            "max_connections lowered to fit the open-file limit"
        );
    }
    cap
}

/// The soft limit on open files (Linux: `/proc/self/limits`).
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_never_exceeds_the_configuration_and_is_at_least_one() {
        assert!(connection_cap(10) <= 10);
        assert!(connection_cap(1) == 1);
    }
}
