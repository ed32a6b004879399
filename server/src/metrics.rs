//! Prometheus metrics kept per app instance (no global registry, so tests can run many apps in
//! one process). Labels are low-cardinality: method, matched route, status class.
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::Arc;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
}

#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Family<RouteLabels, Histogram>,
    /// Page renders that had not answered within the stall deadline and were started again
    /// (`http_layers::retry_stalled_page`).
    pub render_retries: Counter,
    /// Public pages served from `page_cache` without a render.
    pub page_cache_hits: Counter,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("safewhistle");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register("http_requests", "HTTP requests by method, route and status class", requests.clone());
        registry.register("http_request_duration_seconds", "HTTP request latency by route", latency.clone());
        let render_retries = Counter::default();
        registry.register(
            "page_render_retries",
            "Page renders abandoned after the stall deadline and started again",
            render_retries.clone(),
        );
        let page_cache_hits = Counter::default();
        registry.register(
            "page_cache_hits",
            "Public pages served from the page cache with a fresh nonce, without a render",
            page_cache_hits.clone(),
        );
        Metrics { registry: Arc::new(registry), requests, latency, render_retries, page_cache_hits }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
