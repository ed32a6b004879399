//! The tower layers around every route. Order matters; from the outside in:
//! observe (metrics, log line) → request id → security headers → compression → body limit →
//! timeout → stalled-render retry → CSRF origin check → session → reactive-owner isolation. The log line never carries a client address or user
//! agent: the anonymity of public routes depends on it.
use crate::config::Config;
use crate::metrics::{Metrics, RequestLabels, RouteLabels};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_sessions::{SessionManagerLayer, SessionStore};

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Used when a response did not set its own policy (Leptos pages set one with a nonce).
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// What the areas' own routes (`app::state::HttpRoutes`) tell the layers.
#[derive(Clone, Debug, Default)]
pub struct AreaPaths {
    /// Paths whose bodies carry files: the larger body limit.
    pub upload: Vec<&'static str>,
    /// Path prefixes that are not pages: never repeated by the stalled-render retry.
    pub not_pages: Vec<&'static str>,
    /// What the page cache takes from the application (fresh form tokens, when to drop pages).
    pub fresh: crate::page_cache::Fresh,
}

pub fn apply<S: SessionStore + Clone>(
    router: Router,
    config: &Config,
    metrics: Metrics,
    session_layer: SessionManagerLayer<S>,
    paths: AreaPaths,
) -> Router {
    let paths = Arc::new(paths);
    let headers = [
        (header::CONTENT_SECURITY_POLICY, DEFAULT_CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(self), payment=(), usb=(), interest-cohort=()",
        ),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (HeaderName::from_static("cross-origin-resource-policy"), "same-origin"),
    ];
    // `.layer` wraps like an onion: the last call is the outermost layer.
    let mut router = router
        .layer(middleware::from_fn(isolate_reactive_owner))
        .layer(middleware::from_fn(server_fn_error_status))
        .layer(session_layer)
        // Outside the sessions: a kept page needs none (only visitors without one get it).
        .layer(middleware::from_fn_with_state(crate::page_cache::PageCache::new(metrics.page_cache_hits.clone(), paths.fresh.clone()), crate::page_cache::serve))
        .layer(middleware::from_fn(csrf_origin_check))
        .layer(middleware::from_fn_with_state(
            StallRetry {
                after: stall_deadline(config.request_timeout_secs),
                retries: metrics.render_retries.clone(),
                paths: paths.clone(),
            },
            retry_stalled_page,
        ))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(config.request_timeout_secs)))
        .layer(middleware::from_fn_with_state(
            BodyLimits { normal: config.max_body_bytes, upload: config.report_settings().upload_body_limit(), paths },
            body_limit,
        ))
        .layer(middleware::from_fn(cache_policy))
        // Pages are compressed per request, at the cheapest level. Measured on the home page
        // (3,996 B) and the report form (11,078 B), with the `MALLOC_MMAP_THRESHOLD_=131072` that
        // deployments set: brotli quality 4 (tower-http's default) costs 366/615 µs per page,
        // because its 512 KB hash table is a fresh mmap each time; quality 1 costs 30/81 µs for
        // 16 % more bytes (2,076 vs 1,791 B). Built assets come precompressed at the highest
        // level and pass through untouched (docs/benchmarks.md, issue 12).
        .layer(
            CompressionLayer::new().quality(tower_http::CompressionLevel::Precise(1)).compress_when(
                // Videos and PDFs are compressed already, and a compressed body would break the
                // byte ranges a video player asks for (the classroom's lesson files).
                DefaultPredicate::new()
                    .and(NotForContentType::const_new("video/"))
                    .and(NotForContentType::const_new("application/pdf")),
            ),
        )
        // Inside the security headers, so the error page gets them too.
        .layer(CatchPanicLayer::custom(panic_response));
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    router
        .layer(PropagateRequestIdLayer::new(X_REQUEST_ID))
        .layer(SetRequestIdLayer::new(X_REQUEST_ID, MakeRequestUuid))
        .layer(middleware::from_fn_with_state(metrics, observe))
}

/// Runs each request's handler under a fresh, empty reactive owner.
///
/// Why: Leptos keeps the "current owner" in a thread-local, and some of its server-side paths
/// leave a page's owner set on a tokio worker after they return. Handlers that start with
/// `Owner::new()` (leptos_axum's static-file fallback and its server-function handler) then
/// become children of *another request's* page and see its context. Found as a real defect
/// (issue 12): the fallback serving `/favicon.svg` found the page's `ResponseOptions` and moved
/// its headers — the page's nonce CSP — onto the icon's response, so the page went out with the
/// restrictive default policy and its scripts were blocked (about 1 staff page load in 25 right
/// after logging in). With this layer nothing a request's handler does can reach a reactive owner
/// it did not create. The test is `no_request_sees_a_reactive_owner_left_on_its_thread`.
async fn isolate_reactive_owner(req: Request, next: Next) -> Response {
    OwnerIsolated { owner: leptos::prelude::Owner::new_root(None), inner: Box::pin(next.run(req)) }.await
}

struct OwnerIsolated<F> {
    owner: leptos::prelude::Owner,
    inner: std::pin::Pin<Box<F>>,
}

impl<F: std::future::Future> std::future::Future for OwnerIsolated<F> {
    type Output = F::Output;

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<F::Output> {
        let this = self.get_mut();
        // `with` restores whatever was current before, after each poll.
        this.owner.with(|| this.inner.as_mut().poll(cx))
    }
}

/// A panic anywhere below answers 500 with a short page in both languages (the reader's language
/// is not known here) instead of dropping the connection, and is logged. The message carries no
/// request data beyond what the code put into the panic.
fn panic_response(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = detail, "request handler panicked; answered 500");
    error_page()
}

/// The bilingual "something went wrong" page, answered 500.
pub(crate) fn error_page() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        PANIC_PAGE,
    )
        .into_response()
}

const PANIC_PAGE: &str = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>安全哨 SafeWhistle</title>\
<link rel=\"stylesheet\" href=\"/pkg/safewhistle.css\"></head><body><main class=\"page narrow error-page\">\
<h1>服务器内部错误</h1><p>请求未能完成，请稍后重试。如您正在提交举报而没有看到回执，请返回举报页面重新提交。</p>\
<h1 lang=\"en\">Internal server error</h1><p lang=\"en\">The request could not be completed; please try again later. \
If you were sending a report and saw no receipt, please go back and send it again.</p>\
<p><a href=\"/\">返回首页 / Back to the home page</a></p></main></body></html>";

/// Nothing dynamic is kept by browsers or shared caches: pages carry receipts, access codes, case
/// contents and staff data. The bundle under a build's `/v/<build id>/` prefix never changes at
/// that address (D39), so browsers keep it for a year without asking again; the other static
/// files (the icon, the unversioned `/pkg/` copy) may be cached but are revalidated.
async fn cache_policy(req: Request, next: Next) -> Response {
    let kind = {
        let path = req.uri().path();
        if path.starts_with("/v/") {
            StaticKind::Versioned
        } else if path.starts_with("/pkg/") || path == "/favicon.svg" {
            StaticKind::Revalidated
        } else {
            StaticKind::Dynamic
        }
    };
    let mut resp = next.run(req).await;
    if !resp.headers().contains_key(header::CACHE_CONTROL) {
        // A `304 Not Modified` answers a revalidation: it must repeat the file's policy, or the
        // browser would store `no-store` over the copy it has.
        let status = resp.status();
        let policy = match kind {
            _ if !status.is_success() && status != StatusCode::NOT_MODIFIED => "no-store",
            StaticKind::Versioned => "public, max-age=31536000, immutable",
            StaticKind::Revalidated => "no-cache",
            StaticKind::Dynamic => "no-store",
        };
        resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    resp
}

enum StaticKind {
    Versioned,
    Revalidated,
    Dynamic,
}

/// Count and time each request; log failures. Only method, route, status, latency and the
/// request id are recorded.
async fn observe(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "fallback".to_string());
    let request_id = req
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let resp = next.run(req).await;
    let elapsed = start.elapsed();
    let status = resp.status();
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method: method.clone(),
            route: route.clone(),
            status: format!("{}xx", status.as_u16() / 100),
        })
        .inc();
    metrics.latency.get_or_create(&RouteLabels { route: route.clone() }).observe(elapsed.as_secs_f64());
    let ms = elapsed.as_secs_f64() * 1000.0;
    if status.is_server_error() {
        tracing::warn!(%method, %route, status = status.as_u16(), ms, request_id, "request failed");
    } else {
        tracing::debug!(%method, %route, status = status.as_u16(), ms, request_id, "request");
    }
    resp
}

/// Server-function errors leave server_fn as status 500 with the `AppError` as JSON and a
/// `serverfnerror` header; the status is corrected here, in one place, from the error itself
/// (401, 403, 400, 429 …), so clients and logs see what really happened.
async fn server_fn_error_status(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    if resp.status() != StatusCode::INTERNAL_SERVER_ERROR || !resp.headers().contains_key("serverfnerror") {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<app::base::errors::AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(err.status_code()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Refuse state-changing requests that a browser marks as coming from another site. Together with
/// `SameSite=Strict` session cookies this is the CSRF protection.
async fn csrf_origin_check(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let headers = req.headers();
        let cross_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == "cross-site");
        let origin_mismatch = match (headers.get(header::ORIGIN), headers.get(header::HOST)) {
            (Some(origin), Some(host)) => {
                let origin = origin.to_str().unwrap_or("");
                let origin_host = origin.split("://").nth(1).unwrap_or("");
                origin == "null" || origin_host != host.to_str().unwrap_or("")
            }
            _ => false,
        };
        if cross_site || origin_mismatch {
            return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
        }
    }
    next.run(req).await
}

#[derive(Clone)]
struct BodyLimits {
    normal: usize,
    upload: usize,
    paths: Arc<AreaPaths>,
}

/// Refuse bodies over the limit up front (413 from Content-Length) and cap the rest while read.
async fn body_limit(State(limits): State<BodyLimits>, req: Request, next: Next) -> Response {
    let limit = if limits.paths.upload.contains(&req.uri().path()) { limits.upload } else { limits.normal };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
    }
    let req = req.map(|body| axum::body::Body::new(http_body_util::Limited::new(body, limit)));
    next.run(req).await
}

/// When a page render is given up and started again: a third of the request timeout (10 s with
/// the default 30 s), so a retry still fits inside the timeout. A healthy render takes
/// milliseconds even under the load test on two cores.
pub fn stall_deadline(request_timeout_secs: u64) -> Duration {
    Duration::from_millis((request_timeout_secs.max(1) * 1000) / 3)
}

#[derive(Clone)]
pub struct StallRetry {
    pub after: Duration,
    pub retries: prometheus_client::metrics::counter::Counter,
    pub paths: Arc<AreaPaths>,
}

/// Starts a page render again, once, when it has not answered within the stall deadline.
///
/// Under heavy concurrency about one server render in several thousand never finishes: a lost
/// wake-up inside Leptos' Suspense on the server (upstream leptos #4673 and #4851; measured in
/// docs/benchmarks.md). Every page that waits for data renders in `SsrMode::Async`, so nothing
/// has been sent when the deadline passes, and a page GET is safe to repeat: the abandoned
/// attempt is dropped before the session layer (inside this one) could save anything. Only GET
/// and HEAD of pages; server functions, uploads, downloads and exports are never repeated.
pub async fn retry_stalled_page(State(stall): State<StallRetry>, req: Request, next: Next) -> Response {
    if !is_page_request(&req, &stall.paths) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let first = Request::from_parts(parts.clone(), body);
    match tokio::time::timeout(stall.after, next.clone().run(first)).await {
        Ok(response) => response,
        Err(_) => {
            stall.retries.inc();
            tracing::warn!(path = %parts.uri.path(), "page render stalled; starting it again");
            next.run(Request::from_parts(parts, axum::body::Body::empty())).await
        }
    }
}

fn is_page_request(req: &Request, paths: &AreaPaths) -> bool {
    let path = req.uri().path();
    (req.method() == Method::GET || req.method() == Method::HEAD)
        && !["/api/", "/pkg/", "/v/"].iter().chain(&paths.not_pages).any(|p| path.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tower::ServiceExt;

    /// A router whose handler never answers on its first call and answers at once afterwards.
    fn stalls_once(calls: Arc<AtomicUsize>, retries: prometheus_client::metrics::counter::Counter) -> Router {
        let handler = move || {
            let calls = calls.clone();
            async move {
                if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    std::future::pending::<()>().await;
                }
                "done"
            }
        };
        Router::new().route("/page", get(handler.clone()).post(handler)).layer(middleware::from_fn_with_state(
            StallRetry { after: Duration::from_millis(200), retries, paths: Default::default() },
            retry_stalled_page,
        ))
    }

    #[tokio::test]
    async fn a_stalled_page_render_is_started_again_once() {
        let calls = Arc::new(AtomicUsize::new(0));
        let retries = prometheus_client::metrics::counter::Counter::default();
        let app = stalls_once(calls.clone(), retries.clone());
        let req = Request::builder().uri("/page").body(axum::body::Body::empty()).unwrap();
        let res = app.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(retries.get(), 1);
    }

    #[tokio::test]
    async fn a_post_is_never_repeated() {
        let calls = Arc::new(AtomicUsize::new(0));
        let retries = prometheus_client::metrics::counter::Counter::default();
        let app = stalls_once(calls.clone(), retries.clone());
        let req = Request::builder().method(Method::POST).uri("/page").body(axum::body::Body::empty()).unwrap();
        let outcome = tokio::time::timeout(Duration::from_secs(1), app.oneshot(req)).await;
        assert!(outcome.is_err(), "the stalled POST must not have been answered by a second attempt");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(retries.get(), 0);
    }

    #[test]
    fn the_retry_fits_inside_the_request_timeout() {
        assert_eq!(stall_deadline(30), Duration::from_secs(10));
        assert!(stall_deadline(0) > Duration::ZERO);
    }
}
