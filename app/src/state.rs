//! Server-side state handed to every SSR render and server function as Leptos context.
use crate::base::db::Db;
use leptos::config::LeptosOptions;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Security settings the app logic needs (the server's `Config` fills them in).
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// Bureau staff must have a TOTP second factor; without one they can only enrol.
    pub staff_totp_required: bool,
    /// Failed logins per username before the account name is locked for `lock_seconds`.
    pub max_failures: i64,
    pub lock_seconds: i64,
    /// Issuer shown in authenticator apps.
    pub totp_issuer: String,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            staff_totp_required: false,
            max_failures: 5,
            lock_seconds: 900,
            totp_issuer: "SafeWhistle".into(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub auth: Arc<AuthSettings>,
    /// Key for secrets stored encrypted (TOTP secrets; later reporter identity).
    pub data_key: Arc<crate::base::crypto::DataKey>,
    /// Bounds CPU-heavy work (argon2, image re-encoding) so it cannot starve request handling on a
    /// 2-core machine.
    pub cpu_pool: Arc<CpuGate>,
    /// Staff login's own argon2 queue, apart from `cpu_pool`: a login flood cannot take the
    /// permits that report submissions and case lookups need.
    pub login_gate: Arc<CpuGate>,
    /// Lengths of the workflow's stages and which count working days (every area that sets a
    /// deadline reads them).
    pub deadlines: Arc<crate::base::calendar::DeadlineRules>,
    /// What each area keeps for itself (its settings, caches and limits), registered by the
    /// server at start-up and found by type (`area`).
    pub areas: Areas,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Per-area state, one value per type. The server registers each area's values; an area reads its
/// own with `AppState::area`. So `AppState` names no area's types.
#[derive(Clone, Default)]
pub struct Areas(Arc<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>);

impl std::fmt::Debug for Areas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Areas({} values)", self.0.len())
    }
}

impl Areas {
    /// Add (or replace) the value of type `T`. Only while building the state.
    pub fn with<T: Any + Send + Sync>(mut self, value: T) -> Self {
        Arc::make_mut(&mut self.0).insert(TypeId::of::<T>(), Arc::new(value));
        self
    }

    /// Every value of both (`other` wins on a type both have).
    pub fn merge(mut self, other: Areas) -> Self {
        let map = Arc::make_mut(&mut self.0);
        for (k, v) in other.0.iter() {
            map.insert(*k, v.clone());
        }
        self
    }

    pub fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.0.get(&TypeId::of::<T>()).and_then(|v| (**v).downcast_ref::<T>())
    }
}

/// Everything an area plugs into the server: its state values (settings, caches, limits), its
/// periodic jobs and its routes outside Leptos. Each area has one function that builds its
/// `Area`; the server lists those functions, one line each, and composes them.
#[derive(Default)]
pub struct Area {
    pub values: Areas,
    pub jobs: Vec<crate::base::jobs::Job>,
    pub http: Option<HttpRoutes>,
}

impl Area {
    pub fn new() -> Area {
        Area::default()
    }
    /// A value the area reads back with `AppState::area::<T>()`.
    pub fn with<T: Any + Send + Sync>(mut self, value: T) -> Area {
        self.values = self.values.with(value);
        self
    }
    pub fn jobs(mut self, jobs: Vec<crate::base::jobs::Job>) -> Area {
        self.jobs.extend(jobs);
        self
    }
    pub fn http(mut self, routes: HttpRoutes) -> Area {
        self.http = Some(routes);
        self
    }
}

/// What an area serves outside Leptos (forms that carry files, downloads): its axum routes and
/// how the server's layers must treat them. The server merges every area's.
pub struct HttpRoutes {
    pub router: axum::Router<AppState>,
    /// Paths whose bodies carry files (they get the larger body limit).
    pub upload_paths: &'static [&'static str],
    /// Path prefixes that are not pages (so never repeated by the stalled-render retry).
    pub not_pages: &'static [&'static str],
}

impl AppState {
    /// An area's own state. Missing means the server did not register it: an internal error
    /// (logged), not a panic.
    pub fn area<T: Any + Send + Sync>(&self) -> Result<&T, crate::base::errors::AppError> {
        self.areas.get::<T>().ok_or_else(|| {
            tracing::error!(missing = std::any::type_name::<T>(), "area state not registered");
            crate::base::errors::AppError::Internal
        })
    }

    /// Run CPU-heavy work on the blocking pool, at most `cpu_pool` permits at a time.
    pub async fn run_cpu<T, F>(&self, f: F) -> Result<T, crate::base::errors::AppError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.cpu_pool.run(f).await
    }
}

/// A bounded queue in front of the blocking thread pool: `workers` jobs run at once, at most
/// `max_queued` more wait (beyond that the caller gets `RateLimited` at once). The permit moves
/// into the blocking closure, so it is released when the work really ends, not when the waiting
/// request is dropped (a timed-out request cannot leak the worker cap).
pub struct CpuGate {
    permits: Arc<Semaphore>,
    queued: AtomicUsize,
    max_queued: usize,
}

impl std::fmt::Debug for CpuGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CpuGate({} free)", self.permits.available_permits())
    }
}

impl CpuGate {
    pub fn new(workers: usize, max_queued: usize) -> Self {
        CpuGate { permits: Arc::new(Semaphore::new(workers.max(1))), queued: AtomicUsize::new(0), max_queued }
    }

    pub async fn run<T, F>(&self, f: F) -> Result<T, crate::base::errors::AppError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        use crate::base::errors::AppError;
        if self.queued.fetch_add(1, Ordering::SeqCst) >= self.max_queued {
            self.queued.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::RateLimited);
        }
        let permit = self.permits.clone().acquire_owned().await;
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let permit = permit.map_err(|e| AppError::internal("cpu pool closed", e))?;
        tokio::task::spawn_blocking(move || {
            let _held = permit;
            f()
        })
        .await
        .map_err(|e| AppError::internal("blocking task failed", e))
    }
}

/// The state from Leptos context (provided by the server for every request).
pub fn app_state() -> Result<AppState, crate::base::errors::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        crate::base::errors::AppError::Internal
    })
}

/// The client address of a request, for in-memory rate limits only (never stored or logged): the
/// TCP peer, or behind a trusted reverse proxy the address it forwarded (`TrustedProxies::client`).
pub fn client_address(state: &AppState, peer: std::net::IpAddr, headers: &http::HeaderMap) -> Option<std::net::IpAddr> {
    Some(state.area::<crate::base::clients::TrustedProxies>().ok()?.client(peer, headers))
}

/// The client address of the request a server function runs in (see `client_address`).
pub fn client_ip() -> Option<std::net::IpAddr> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()?.0.ip();
    client_address(&app_state().ok()?, peer, &parts.headers)
}

/// The shared per-client limits: which proxies to believe, and the rate limiter every public form
/// counts against (each with its own bucket). Registered by the server like an area.
pub fn clients_area(proxies: crate::base::clients::TrustedProxies) -> Area {
    Area::new().with(proxies).with(crate::base::clients::RateLimiter::default())
}
