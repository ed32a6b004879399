//! Server-side state handed to every SSR render and server function as Leptos context.
use crate::db::Db;
use leptos::config::LeptosOptions;
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
    pub data_key: Arc<crate::crypto::DataKey>,
    /// Bounds CPU-heavy work (argon2) so it cannot starve request handling on a 2-core machine.
    pub cpu_pool: Arc<Semaphore>,
    /// Limits and deadlines of the public tip-off.
    pub reports: Arc<crate::reports::ssr::ReportSettings>,
    /// In-memory per-client rate limits (never persisted).
    pub limiter: Arc<crate::reports::abuse::RateLimiter>,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// Run CPU-heavy work on the blocking pool, at most `cpu_pool` permits at a time.
    pub async fn run_cpu<T, F>(&self, f: F) -> Result<T, crate::errors::AppError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self
            .cpu_pool
            .acquire()
            .await
            .map_err(|e| crate::errors::AppError::internal("cpu pool closed", e))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| crate::errors::AppError::internal("blocking task failed", e))
    }
}

/// The state from Leptos context (provided by the server for every request).
pub fn app_state() -> Result<AppState, crate::errors::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        crate::errors::AppError::Internal
    })
}
