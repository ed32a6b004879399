//! Baseline for docs/benchmarks.md: a bare axum handler returning a static page of about the same
//! size as the rendered home page, measured in the same run as the real server.
use axum::{response::Html, routing::get, Router};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("BARE_BIND").unwrap_or_else(|_| "127.0.0.1:3900".into());
    let size: usize = std::env::var("BARE_SIZE").ok().and_then(|s| s.parse().ok()).unwrap_or(8000);
    let body: &'static str = Box::leak(format!("<!DOCTYPE html><html><body>{}</body></html>", "x".repeat(size)).into_boxed_str());
    let app = Router::new().route("/", get(move || async move { Html(body) }));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await
}
