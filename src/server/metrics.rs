//! Prometheus metrics: requests by route and status, latency, decisions, the index
//! generation and reloads. Rendered as text by `GET /metrics`.

use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Labels of a finished request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: u16,
}

/// Labels naming a route.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

/// Labels of a decision.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DecisionLabels {
    decision: String,
}

/// Labels of a reload outcome.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: String,
}

/// Labels naming the index generation.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GenerationLabels {
    generation: String,
}

/// kotae's metrics and their registry.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    decisions: Family<DecisionLabels, Counter>,
    reloads: Family<OutcomeLabels, Counter>,
    generation: Family<GenerationLabels, Gauge>,
    current_generation: Mutex<String>,
    entries: Gauge,
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
            ])
        });
        let decisions = Family::<DecisionLabels, Counter>::default();
        let reloads = Family::<OutcomeLabels, Counter>::default();
        let generation = Family::<GenerationLabels, Gauge>::default();
        let entries = Gauge::default();
        registry.register(
            "kotae_http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "kotae_http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register(
            "kotae_decisions",
            "Questions answered by decision",
            decisions.clone(),
        );
        registry.register("kotae_reloads", "FAQ reloads by outcome", reloads.clone());
        registry.register(
            "kotae_index_generation",
            "The index generation serving (1) by name",
            generation.clone(),
        );
        registry.register("kotae_faq_entries", "FAQ entries serving", entries.clone());
        Metrics {
            registry,
            requests,
            latency,
            decisions,
            reloads,
            generation,
            current_generation: Mutex::new(String::new()),
            entries,
        }
    }

    /// Counts a finished request.
    pub fn request(&self, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_string(),
            })
            .observe(seconds);
    }

    /// Counts a decision.
    pub fn decision(&self, decision: &str) {
        self.decisions
            .get_or_create(&DecisionLabels {
                decision: decision.to_string(),
            })
            .inc();
    }

    /// Counts a reload.
    pub fn reload(&self, success: bool) {
        let outcome = if success { "success" } else { "failure" };
        self.reloads
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_string(),
            })
            .inc();
    }

    /// Records the generation and size of the FAQ now serving.
    pub fn serving(&self, generation: &str, entries: usize) {
        if let Ok(mut current) = self.current_generation.lock() {
            if !current.is_empty() && *current != generation {
                self.generation.remove(&GenerationLabels {
                    generation: current.clone(),
                });
            }
            *current = generation.to_string();
        }
        self.generation
            .get_or_create(&GenerationLabels {
                generation: generation.to_string(),
            })
            .set(1);
        self.entries.set(entries as i64);
    }

    /// The metrics in Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_what_was_recorded() {
        let metrics = Metrics::new();
        metrics.request("/api/ask", 200, 0.0002);
        metrics.decision("answer");
        metrics.reload(false);
        metrics.serving("gen-a", 11);
        metrics.serving("gen-b", 12);
        let text = metrics.render();
        assert!(
            text.contains(r#"kotae_http_requests_total{route="/api/ask",status="200"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"kotae_decisions_total{decision="answer"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"kotae_reloads_total{outcome="failure"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"kotae_index_generation{generation="gen-b"} 1"#),
            "{text}"
        );
        assert!(!text.contains("gen-a"), "{text}");
        assert!(text.contains("kotae_faq_entries 12"), "{text}");
        assert!(
            text.contains("kotae_http_request_duration_seconds_bucket"),
            "{text}"
        );
    }
}
