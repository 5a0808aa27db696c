//! Live FAQ updates: the matcher in use is an immutable snapshot behind an
//! `ArcSwap`; a reload builds a whole new one off the async runtime and swaps it in.
//!
//! Requests in flight keep the snapshot they started with (they hold an `Arc`), so
//! a swap never changes an answer half-way. A reload that fails — invalid FAQ,
//! synonyms or user dictionary — changes nothing: the old snapshot keeps serving
//! and the error is reported (admin response, `/readyz`, metrics, log).

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use arc_swap::ArcSwap;
use serde::Serialize;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::matcher::Matcher;

/// The serving matcher and how its reloads went.
pub struct Live {
    matcher: ArcSwap<Matcher>,
    config: Config,
    status: Mutex<ReloadStatus>,
    /// One reload at a time; a second request waits and then rebuilds (cheaply,
    /// when the content has not changed again).
    reloading: tokio::sync::Mutex<()>,
}

/// What `/readyz` and the admin endpoint report about reloads.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReloadStatus {
    /// Successful reloads since start.
    pub count: u64,
    /// Failed reloads since start.
    pub failures: u64,
    /// Unix time (seconds) of the last successful reload.
    pub last_success: Option<u64>,
    /// The last failure's message, until a reload succeeds.
    pub last_error: Option<String>,
}

/// The outcome of a successful reload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reloaded {
    /// The index generation now serving.
    pub generation: String,
    /// FAQ entries now serving.
    pub entries: usize,
    /// Whether a new index was built (false: the content was already indexed).
    pub built: bool,
}

impl Live {
    /// Serves `matcher`; reloads rebuild from `config`.
    pub fn new(matcher: Matcher, config: Config) -> Live {
        Live {
            matcher: ArcSwap::from_pointee(matcher),
            config,
            status: Mutex::new(ReloadStatus::default()),
            reloading: tokio::sync::Mutex::new(()),
        }
    }

    /// The snapshot to answer one request with.
    pub fn matcher(&self) -> Arc<Matcher> {
        self.matcher.load_full()
    }

    /// Reload statistics.
    pub fn status(&self) -> ReloadStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Validates the FAQ directory again, builds a matcher (and index generation)
    /// from it and swaps it in; on error the current matcher keeps serving.
    pub async fn reload(&self) -> Result<Reloaded> {
        let _one_at_a_time = self.reloading.lock().await;
        let config = self.config.clone();
        let built = tokio::task::spawn_blocking(move || Matcher::build(&config))
            .await
            .map_err(|e| Error::Index(format!("reload task stopped: {e}")))
            .and_then(|result| result);
        let mut status = self
            .status
            .lock()
            .map_err(|_| Error::Index("reload status poisoned".into()))?;
        match built {
            Ok(matcher) => {
                let reloaded = Reloaded {
                    generation: generation_of(&matcher),
                    entries: matcher.faq().entries.len(),
                    built: matcher.index().built,
                };
                self.matcher.store(Arc::new(matcher));
                status.count += 1;
                status.last_success = Some(now());
                status.last_error = None;
                tracing::info!(generation = %reloaded.generation, entries = reloaded.entries, built = reloaded.built, "FAQ reloaded");
                Ok(reloaded)
            }
            Err(err) => {
                status.failures += 1;
                // Readiness is public: it says what kind of failure, never a path.
                status.last_error = Some(public_reason(&err).to_string());
                tracing::warn!(error = %err, "FAQ reload failed; the previous FAQ keeps serving");
                Err(err)
            }
        }
    }
}

/// What `/readyz` may say about a failed reload; the detail is in the log.
fn public_reason(err: &Error) -> &'static str {
    match err {
        Error::InvalidFaq(_) => "the FAQ directory is invalid",
        _ => "the FAQ could not be loaded or indexed",
    }
}

/// The generation directory name of a matcher's index.
pub fn generation_of(matcher: &Matcher) -> String {
    matcher
        .index()
        .dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}
