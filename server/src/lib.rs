//! The `safewhistle` server: configuration, start-up, the router and its tower layers, routes
//! outside Leptos (health, metrics, language switch), background jobs and the admin CLI.
//! `build` is what both `main` and the integration tests call, so tests run the real app.
pub mod assets;
pub mod bench_hello;
pub mod cli;
pub mod config;
pub mod http_layers;
pub mod metrics;
pub mod page_cache;
pub mod seed;
pub mod session_store;

use anyhow::Context;
use app::app::{shell, App};
use app::base::db::Db;
use app::state::{AppState, Area, Areas, AuthSettings, CpuGate};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use config::Config;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use metrics::Metrics;
use session_store::DbSessionStore;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

/// Router state: the app's state plus what only the server's own routes need.
#[derive(Clone)]
pub struct ServerState {
    pub app: AppState,
    pub metrics: Metrics,
}

/// Every area with what it plugs in (state, periodic jobs, routes outside Leptos): one line each.
/// An area's pages are in the app's route tables; its settings come from `Config`.
fn areas(config: &Config, spool: app::base::spool::Spool) -> Vec<Area> {
    vec![
        app::state::clients_area(config.proxies().unwrap_or_default()),
        app::accounts::ssr::area(config.login_lock_seconds.max(config.case_lock_seconds)),
        app::org::ssr::area(),
        app::reports::ssr::area(config.report_settings(), spool),
        app::rewards::ssr::area(config.reward_rules().unwrap_or_default()),
        app::workflow::ssr::area(),
        app::quiz::area::area(config.quiz_settings()),
        app::certificates::ssr::area(app::certificates::ssr::CertificateSettings { public_url: config.public_url.clone() }),
        app::training::ssr::area(config.training_rules().unwrap_or_default()),
    ]
}

impl axum::extract::FromRef<ServerState> for LeptosOptions {
    fn from_ref(s: &ServerState) -> Self {
        s.app.leptos_options.clone()
    }
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    db: Db,
    /// Every area's periodic jobs.
    jobs: Vec<app::base::jobs::Job>,
    /// The separate metrics listener (`SW_METRICS_BIND`), if configured.
    metrics: Option<(TcpListener, Router)>,
}

/// Open the database and run migrations (fails loudly, naming the setting).
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect_with(&config.database_url, config.pool_size(), config.sqlite_sync()?).await?;
    db.migrate().await?;
    // With the data key the pool can write and check the keyed audit chain.
    Ok(match config.data_key() {
        Ok(key) => db.with_data_key(Arc::new(key)),
        Err(_) => db,
    })
}

/// Build the whole application: database, migrations, state, router, listener.
pub async fn build(config: Config) -> anyhow::Result<Application> {
    let data_key = config.data_key()?;
    let db = open_database(&config).await?;
    let mut leptos_options = get_configuration(None)
        .context("reading Leptos settings (LEPTOS_* environment variables)")?
        .leptos_options;
    leptos_options.site_addr = config.bind;
    let spool = app::base::spool::Spool::new(config.upload_spool_dir.as_deref(), config.upload_spool_bytes)
        .context("SW_UPLOAD_SPOOL_DIR: cannot make the upload spool directory")?;
    let mut values = Areas::default();
    let mut jobs = Vec::new();
    let mut routes = Vec::new();
    for area in areas(&config, spool) {
        values = values.merge(area.values);
        jobs.extend(area.jobs);
        routes.extend(area.http);
    }
    let state = AppState {
        leptos_options,
        db: db.clone(),
        auth: Arc::new(AuthSettings {
            staff_totp_required: config.staff_totp_required,
            max_failures: config.login_max_failures,
            lock_seconds: config.login_lock_seconds,
            totp_issuer: config.totp_issuer.clone(),
        }),
        // A few hundred waiting jobs at most; beyond that a request is refused at once (429)
        // rather than queued without bound.
        cpu_pool: Arc::new(CpuGate::new(config.cpu_workers, 256)),
        login_gate: Arc::new(CpuGate::new(config.cpu_workers.div_ceil(2), 32)),
        data_key: Arc::new(data_key),
        deadlines: Arc::new(config.deadline_rules().unwrap_or_default()),
        areas: values,
    };
    let metrics = Metrics::new();
    let router = router(state, &config, metrics.clone(), routes);
    let listener = TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("SW_BIND: cannot listen on {}", config.bind))?;
    let metrics = match config.metrics_bind {
        None => None,
        Some(addr) => {
            let l = TcpListener::bind(addr).await.with_context(|| format!("SW_METRICS_BIND: cannot listen on {addr}"))?;
            let r = Router::new().route("/metrics", get(metrics_handler)).with_state(metrics);
            Some((l, r))
        }
    };
    Ok(Application { listener, router, db, jobs, metrics })
}

impl Application {
    /// The application's database pool (tests and the CLI share it instead of opening another).
    pub fn db(&self) -> Db {
        self.db.clone()
    }

    pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    /// The metrics listener's address, when `SW_METRICS_BIND` is set.
    pub fn metrics_addr(&self) -> Option<std::net::SocketAddr> {
        self.metrics.as_ref().and_then(|(l, _)| l.local_addr().ok())
    }

    /// Serve until `shutdown` resolves, then finish in-flight requests.
    pub async fn run_until_stopped(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        use tower_sessions::session_store::ExpiredDeletion;
        let store = DbSessionStore::new(self.db.clone());
        let db = self.db.clone();
        // Every area's periodic jobs, and the session store's.
        let mut jobs = self.jobs;
        jobs.push(app::base::jobs::Job::new("expired sessions", std::time::Duration::from_secs(300), move |_db| {
            let store = store.clone();
            async move {
                store.delete_expired().await.map_err(|e| app::base::errors::AppError::internal("sessions", e))?;
                Ok(String::new())
            }
        }));
        let cleanup = tokio::spawn(app::base::jobs::run(db, jobs));
        // Streaming SSR writes a page in several chunks; without TCP_NODELAY, Nagle's algorithm
        // and delayed ACKs hold each page for ~40 ms (measured: docs/benchmarks.md).
        let listener = axum::serve::ListenerExt::tap_io(self.listener, |tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "TCP_NODELAY not set");
            }
        });
        // The peer address reaches the in-memory rate limits only; it is never stored or logged.
        let service = self.router.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let metrics_server = self.metrics.map(|(l, r)| tokio::spawn(async move { axum::serve(l, r).await }));
        let result = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
        cleanup.abort();
        if let Some(m) = metrics_server {
            m.abort();
        }
        result.context("serving HTTP")
    }
}

/// The router with every layer; also usable directly in tests.
pub fn router(state: AppState, config: &Config, metrics: Metrics, area_routes: Vec<app::state::HttpRoutes>) -> Router {
    let leptos_options = state.leptos_options.clone();
    let routes = generate_route_list(App);
    let server_state = ServerState { app: state.clone(), metrics };

    // Every Leptos render gets the state and a fresh CSP nonce.
    let render_ctx = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            leptos::nonce::provide_nonce();
        }
    };
    let store = DbSessionStore::with_cache(state.db.clone(), std::time::Duration::from_secs(config.session_cache_seconds));
    let session_layer = SessionManagerLayer::new(store)
        // With HTTPS, the `__Host-` prefix makes browsers refuse the cookie from any subdomain
        // or insecure page.
        .with_name(if config.cookie_secure { "__Host-sw_session" } else { "sw_session" })
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(config.cookie_secure)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(config.session_idle_minutes)));

    let mut paths = http_layers::AreaPaths::default();
    // The report form kept by the page cache gets a new token each time, and is dropped when an
    // administrator changes its towns or sectors.
    paths.fresh = page_cache::Fresh {
        form_token: Some(Arc::new({
            let state = state.clone();
            move || app::reports::ssr::report_form_token(&state).ok()
        })),
        generation: Some(Arc::new({
            let state = state.clone();
            move || state.area::<app::org::ssr::ChoiceCache>().map_or(0, |c| c.generation())
        })),
    };
    let pkg_dir = format!("{}/{}", leptos_options.site_root, leptos_options.site_pkg_dir);
    // The bundle's address for this build (D39); read once, as the files do not change while the
    // server runs.
    let asset_root: Arc<str> = assets::asset_root(std::path::Path::new(&pkg_dir)).into();
    let serve_pkg = || {
        tower_http::services::ServeDir::new(&pkg_dir).precompressed_br().precompressed_gzip()
    };
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/lang/{locale}", get(set_language))
        // Also registers every server function under /api/… with the same context.
        .leptos_routes_with_context(&server_state, routes, render_ctx.clone(), {
            let options = leptos_options.clone();
            let assets = asset_root.clone();
            move || shell(options.clone(), &assets)
        })
        // The built assets: served from the `.br`/`.gz` files written at build time
        // (`cargo leptos build -P`) when the browser accepts them, so nothing large is compressed
        // per request; without them (a debug build) the compression layer does it. Pages link
        // them under this build's `/v/<id>/` prefix, kept by browsers for a year
        // (`http_layers::cache_policy`); an old build's prefix is not found. The plain `/pkg/`
        // address stays for the server's own error page, revalidated on each use.
        .nest_service(&format!("{asset_root}/{}", leptos_options.site_pkg_dir), serve_pkg())
        .nest_service(&format!("/{}", leptos_options.site_pkg_dir), serve_pkg())
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(render_ctx, {
            let assets = asset_root.clone();
            move |options| shell(options, &assets)
        }))
        .with_state(server_state.clone())
        // What the page header shows of the visitor, decided before the render (D42); inside
        // the session layer, and not on the areas' own routes merged below.
        .layer(axum::middleware::from_fn_with_state(state.clone(), app::accounts::ssr::nav_user_layer));
    for area in area_routes {
        paths.upload.extend(area.upload_paths);
        paths.not_pages.extend(area.not_pages);
        router = router.merge(area.router.with_state(state.clone()));
    }
    http_layers::apply(router, config, server_state.metrics.clone(), session_layer, paths)
}

/// Liveness and database reachability.
async fn healthz(State(state): State<ServerState>) -> Response {
    match sqlx::query_scalar::<_, i64>("select 1").fetch_one(&state.app.db.pool).await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// `/metrics` on the separate listener only.
async fn metrics_handler(State(metrics): State<Metrics>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")],
        metrics.render(),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
struct LangQuery {
    next: Option<String>,
}

/// Remember the reader's language in a cookie and send them back to the page they were on.
async fn set_language(Path(locale): Path<String>, Query(q): Query<LangQuery>) -> Response {
    if !matches!(locale.as_str(), "zh-CN" | "en") {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    }
    let next = q.next.as_deref().and_then(local_page).unwrap_or("/");
    let cookie = format!("sw_lang={locale}; Path=/; Max-Age=31536000; SameSite=Lax");
    let mut resp = StatusCode::SEE_OTHER.into_response();
    if let (Ok(loc), Ok(c)) = (HeaderValue::from_str(next), HeaderValue::from_str(&cookie)) {
        resp.headers_mut().insert(header::LOCATION, loc);
        resp.headers_mut().insert(header::SET_COOKIE, c);
    }
    resp
}

/// The first path segments of the portal's own pages.
const LOCAL_AREAS: [&str; 9] = ["report", "lookup", "quiz", "training", "login", "account", "staff", "admin", ""];

/// `next` if it is one of the portal's own pages: a plain path of letters, digits and `-._/`
/// under a known area, never `//`, a backslash, a control character or a percent escape (which
/// browsers may turn into any of those). Anything else is refused (open-redirect guard).
pub fn local_page(next: &str) -> Option<&str> {
    let rest = next.strip_prefix('/')?;
    let plain = next.len() <= 200
        && next.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b'_'))
        && !next.contains("//")
        && !next.contains("..");
    let area = rest.split('/').next().unwrap_or("");
    (plain && LOCAL_AREAS.contains(&area)).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{header, Request, StatusCode};
    use leptos::prelude::{provide_context, Owner};
    use tower::ServiceExt;

    /// Issue 12's defect, made deterministic: Leptos may leave a page's reactive owner current on
    /// a worker thread. A request handled next on that thread (here the static-file fallback
    /// serving the icon) must neither see that page's context nor take the headers it set.
    #[tokio::test(flavor = "current_thread")]
    async fn no_request_sees_a_reactive_owner_left_on_its_thread() {
        let dir = std::env::temp_dir().join(format!("sw_owner_test_{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").expect("icon");
        // Read by `get_configuration` in `build`; this test binary has no other Leptos render.
        std::env::set_var("LEPTOS_SITE_ROOT", &dir);
        let config = Config {
            database_url: format!("sqlite://{}/test.db", dir.display()),
            bind: "127.0.0.1:0".parse().expect("addr"),
            data_key: Some(app::base::crypto::DataKey::generate_base64()),
            ..Config::default()
        };
        let app = build(config).await.expect("build app");

        // A page's owner with its response options, left current as Leptos sometimes leaves it.
        let page = Owner::new_root(None);
        let page_response = page.with(|| {
            let options = leptos_axum::ResponseOptions::default();
            options.insert_header(header::CONTENT_SECURITY_POLICY, "script-src 'nonce-PAGE'".parse().expect("value"));
            provide_context(options.clone());
            options
        });
        page.set();

        let req = Request::builder().uri("/favicon.svg").body(Body::empty()).expect("request");
        let resp = app.router.clone().oneshot(req).await.expect("response");
        assert_eq!(resp.status(), StatusCode::OK);
        let csp = resp.headers().get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(!csp.contains("nonce-PAGE"), "the icon's response took the page's policy: {csp}");
        assert!(
            page_response.0.read().expect("lock").headers.contains_key(header::CONTENT_SECURITY_POLICY),
            "the page lost its own policy to another request"
        );
        page.unset();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
