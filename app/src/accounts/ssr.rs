//! Server-only account logic: storage, argon2id hashing, login throttling, sessions and the guard
//! that every server function calls before it does anything.
use super::{CurrentUser, Permission, Role, UserSummary};
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use crate::state::{app_state, AppState};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use tower_sessions::Session;

/// Session key holding the logged-in user's id.
pub const SESSION_USER: &str = "auth.user_id";
/// Session key holding a TOTP secret being enrolled (base32), until the user confirms a code.
pub const SESSION_TOTP_PENDING: &str = "auth.totp_pending";

/// An argon2id hash (same parameters as real ones) of a random string, made once: verifying
/// against it costs the same as a real check, so a login for an unknown account takes as long as
/// one for a known account.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub fn dummy_hash() -> String {
    DUMMY_HASH
        .get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            let random = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(random.as_str().as_bytes(), &salt)
                .map(|h| h.to_string())
                .unwrap_or_default()
        })
        .clone()
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub totp_secret: Option<String>,
    pub active: i64,
}

const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, department_id, \
                            enterprise_id, totp_secret, active";

impl UserRow {
    pub fn role(&self) -> Result<Role, AppError> {
        Role::parse(&self.role).ok_or_else(|| AppError::internal("unknown role in database", &self.role))
    }

    pub fn to_current(&self, settings_require_totp: bool) -> Result<CurrentUser, AppError> {
        let role = self.role()?;
        let totp_enabled = self.totp_secret.is_some();
        Ok(CurrentUser {
            id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role,
            department_id: self.department_id,
            enterprise_id: self.enterprise_id,
            totp_enabled,
            totp_enrollment_required: settings_require_totp && role.is_bureau_staff() && !totp_enabled,
        })
    }
}

pub fn hash_password_blocking(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal("argon2 hash failed", e))
}

pub fn verify_password_blocking(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

pub async fn find_user_by_username(db: &Db, username: &str) -> Result<Option<UserRow>, AppError> {
    let sql = format!("select {USER_COLUMNS} from users where username = $1");
    Ok(sqlx::query_as::<_, UserRow>(&sql).bind(username).fetch_optional(&db.pool).await?)
}

pub async fn find_user_by_id(db: &Db, id: i64) -> Result<Option<UserRow>, AppError> {
    let sql = format!("select {USER_COLUMNS} from users where id = $1");
    Ok(sqlx::query_as::<_, UserRow>(&sql).bind(id).fetch_optional(&db.pool).await?)
}

/// A new account's data, already validated by `validate_new_user`.
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub is_demo: bool,
}

/// Check a new account against the policy and the reference data; all problems at once.
pub async fn validate_new_user(db: &Db, u: &NewUser, password: &str) -> Result<(), AppError> {
    let mut errs = Vec::new();
    let mut push = |field: &str, code: &str| {
        errs.push(crate::base::errors::FieldError { field: field.into(), code: code.into() })
    };
    if let Err(code) = super::rules::check_username(&u.username) {
        push("username", code);
    }
    if let Err(code) = super::rules::check_password(password) {
        push("password", code);
    }
    let name_len = u.display_name.trim().chars().count();
    if name_len == 0 || name_len > 64 {
        push("display_name", "display_name_invalid");
    }
    match (u.role.needs_department(), u.department_id) {
        (true, None) => push("department_id", "department_required"),
        (false, Some(_)) => push("department_id", "department_not_allowed"),
        (true, Some(id)) => {
            let found: Option<i64> = sqlx::query_scalar("select id from departments where id = $1")
                .bind(id)
                .fetch_optional(&db.pool)
                .await?;
            if found.is_none() {
                push("department_id", "department_unknown");
            }
        }
        (false, None) => {}
    }
    match (u.role.needs_enterprise(), u.enterprise_id) {
        (true, None) => push("enterprise_id", "enterprise_required"),
        (false, Some(_)) => push("enterprise_id", "enterprise_not_allowed"),
        (true, Some(id)) => {
            let found: Option<i64> = sqlx::query_scalar("select id from enterprises where id = $1")
                .bind(id)
                .fetch_optional(&db.pool)
                .await?;
            if found.is_none() {
                push("enterprise_id", "enterprise_unknown");
            }
        }
        (false, None) => {}
    }
    if find_user_by_username(db, &u.username).await?.is_some() {
        push("username", "username_taken");
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errs))
    }
}

/// Insert a validated account with an already computed password hash.
pub async fn insert_user(db: &Db, u: &NewUser, password_hash: &str) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let id = insert_user_in(&mut tx, u, password_hash).await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_user_in(tx: &mut sqlx::Transaction<'_, sqlx::Any>, u: &NewUser, password_hash: &str) -> Result<i64, AppError> {
    let ts = now();
    let res: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "insert into users (username, display_name, password_hash, role, department_id, \
         enterprise_id, is_demo, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning id",
    )
    .bind(&u.username)
    .bind(u.display_name.trim())
    .bind(password_hash)
    .bind(u.role.as_str())
    .bind(u.department_id)
    .bind(u.enterprise_id)
    .bind(i64::from(u.is_demo))
    .bind(ts)
    .fetch_one(&mut **tx)
    .await;
    match res {
        Ok(id) => Ok(id),
        // Two creations racing for one name: the unique index decides, on both backends.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(AppError::field("username", "username_taken"))
        }
        Err(e) => Err(e.into()),
    }
}

/// Validate, hash (on the bounded CPU pool) and store a new account, with its audit entry in the
/// same transaction. `by` is the administrator (none from the command line).
pub async fn create_user(state: &AppState, u: NewUser, password: String, by: Option<i64>) -> Result<i64, AppError> {
    use crate::base::audit::{self, Entry};
    validate_new_user(&state.db, &u, &password).await?;
    let hash = state.run_cpu(move || hash_password_blocking(&password)).await??;
    let mut tx = state.db.begin().await?;
    let id = insert_user_in(&mut tx, &u, &hash).await?;
    let details = serde_json::json!({
        "user_id": id, "username": u.username, "role": u.role.as_str(),
        "department_id": u.department_id, "enterprise_id": u.enterprise_id,
    });
    let entry = Entry { user_id: by, action: "user_created", report_id: None, reason: None, details: details.to_string() };
    audit::append(&state.db, &mut tx, entry, now()).await?;
    tx.commit().await?;
    Ok(id)
}

/// The enterprise safety managers' accounts of an enterprise: (id, username, display name, active).
pub async fn enterprise_managers(db: &Db, enterprise_id: i64) -> Result<Vec<(i64, String, String, bool)>, AppError> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "select id, username, display_name, active from users where enterprise_id = $1 and role = 'enterprise_manager' order by active desc, username",
    )
    .bind(enterprise_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(id, u, d, a)| (id, u, d, a == 1)).collect())
}

/// Disable or re-enable an account of `role` (anything else is not found: this is no general
/// account tool). A disabled account's sessions end at its next request (`current_user_in`).
pub async fn set_role_account_active(db: &Db, by: i64, user_id: i64, role: Role, active: bool) -> Result<(), AppError> {
    use crate::base::audit::{self, Entry};
    let ts = now();
    let mut tx = db.begin().await?;
    let done = sqlx::query("update users set active = $1, updated_at = $2 where id = $3 and role = $4")
        .bind(i64::from(active))
        .bind(ts)
        .bind(user_id)
        .bind(role.as_str())
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    let details = serde_json::json!({ "user_id": user_id, "role": role.as_str(), "active": active });
    let entry = Entry { user_id: Some(by), action: "user_active_changed", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(())
}

/// Set a new password on an account of `role` (a manager who forgot theirs), checked against the
/// policy; its failed-login lock is lifted.
pub async fn set_role_account_password(state: &AppState, by: i64, user_id: i64, role: Role, password: String) -> Result<(), AppError> {
    use crate::base::audit::{self, Entry};
    super::rules::check_password(&password).map_err(|code| AppError::field("password", code))?;
    let row = find_user_by_id(&state.db, user_id).await?.filter(|u| u.role == role.as_str()).ok_or(AppError::NotFound)?;
    let hash = state.run_cpu(move || hash_password_blocking(&password)).await??;
    let ts = now();
    let mut tx = state.db.begin().await?;
    sqlx::query("update users set password_hash = $1, updated_at = $2 where id = $3").bind(&hash).bind(ts).bind(user_id).execute(&mut *tx).await?;
    let details = serde_json::json!({ "user_id": user_id, "role": role.as_str() });
    let entry = Entry { user_id: Some(by), action: "user_password_set", report_id: None, reason: None, details: details.to_string() };
    audit::append(&state.db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    key_clear(&state.db, &throttle_key(&row.username)).await
}

/// Ask for the password again before a security change (a new TOTP secret). Counted and locked
/// like a login attempt on the same name.
pub async fn confirm_password(state: &AppState, user: &CurrentUser, password: &str) -> Result<(), AppError> {
    let key = throttle_key(&user.username);
    if !key_begin_attempt(&state.db, &key, state.auth.max_failures, state.auth.lock_seconds).await? {
        return Err(AppError::RateLimited);
    }
    let row = find_user_by_username(&state.db, &user.username).await?.ok_or(AppError::Unauthorized)?;
    let (pw, hash) = (password.to_string(), row.password_hash);
    if password.is_empty() || password.len() > 256 || !state.login_gate.run(move || verify_password_blocking(&pw, &hash)).await? {
        return Err(AppError::field("password", "invalid_credentials"));
    }
    key_clear(&state.db, &key).await
}

pub async fn list_users(db: &Db) -> Result<Vec<UserSummary>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        username: String,
        display_name: String,
        role: String,
        dept: Option<String>,
        ent: Option<String>,
        totp: i64,
        active: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "select u.id, u.username, u.display_name, u.role, d.name_zh as dept, e.name as ent, \
         case when u.totp_secret is null then 0 else 1 end as totp, u.active \
         from users u left join departments d on d.id = u.department_id \
         left join enterprises e on e.id = u.enterprise_id order by u.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(UserSummary {
                id: r.id,
                role: Role::parse(&r.role)
                    .ok_or_else(|| AppError::internal("unknown role in database", &r.role))?,
                username: r.username,
                display_name: r.display_name,
                scope: r.dept.or(r.ent),
                totp_enabled: r.totp == 1,
                active: r.active == 1,
            })
        })
        .collect()
}

// ---- login throttling -------------------------------------------------------------------------

/// The throttle key is the normalised username, whether or not the account exists, so the
/// lock-out behaves the same for real and made-up names. No client address is involved.
fn throttle_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

/// Failures counted on a throttle key within the last `window_seconds`.
pub async fn key_failures(db: &Db, key: &str, window_seconds: i64) -> Result<i64, AppError> {
    let n: Option<i64> = sqlx::query_scalar("select failures from login_throttle where key = $1 and window_start >= $2")
        .bind(key)
        .bind(now() - window_seconds)
        .fetch_optional(&db.pool)
        .await?;
    Ok(n.unwrap_or(0))
}

pub async fn key_record_failure(db: &Db, key: &str, max_failures: i64, lock_seconds: i64) -> Result<(), AppError> {
    let ts = now();
    // Failures count within one lock window; the window restarts once it has passed.
    sqlx::query(
        "insert into login_throttle (key, failures, window_start, locked_until) values ($1, 1, $2, 0) \
         on conflict (key) do update set \
           failures = case when login_throttle.window_start < $3 then 1 else login_throttle.failures + 1 end, \
           window_start = case when login_throttle.window_start < $3 then $2 else login_throttle.window_start end",
    )
    .bind(key)
    .bind(ts)
    .bind(ts - lock_seconds)
    .execute(&db.pool)
    .await?;
    sqlx::query("update login_throttle set locked_until = $2 where key = $1 and failures >= $3")
        .bind(key)
        .bind(ts + lock_seconds)
        .bind(max_failures)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The accounts' periodic job: purge throttle rows (logins and case numbers) older than
/// `window_seconds` and no longer locked.
/// The accounts area: its periodic job (throttle rows older than `window_seconds` go).
pub fn area(window_seconds: i64) -> crate::state::Area {
    crate::state::Area::new().jobs(jobs(window_seconds))
}

pub fn jobs(window_seconds: i64) -> Vec<crate::base::jobs::Job> {
    vec![crate::base::jobs::Job::new("throttle rows", std::time::Duration::from_secs(300), move |db| async move {
        Ok(format!("purged {}", purge_throttle(&db, window_seconds).await?))
    })]
}

/// Forget throttle rows whose window and lock have both passed (the periodic job calls this), so
/// the table does not keep a trace of which case numbers were looked up.
pub async fn purge_throttle(db: &Db, window_seconds: i64) -> Result<u64, AppError> {
    let ts = now();
    Ok(sqlx::query("delete from login_throttle where window_start < $1 and locked_until < $2")
        .bind(ts - window_seconds)
        .bind(ts)
        .execute(&db.pool)
        .await?
        .rows_affected())
}

pub async fn key_clear(db: &Db, key: &str) -> Result<(), AppError> {
    sqlx::query("delete from login_throttle where key = $1").bind(key).execute(&db.pool).await?;
    Ok(())
}

/// Count one attempt on a throttle key before any verification, atomically (one upsert), so
/// parallel guesses cannot all pass a check made earlier. `true` when the attempt may go on:
/// the key is not locked and this attempt is within `max_failures` in the current window.
/// The caller clears the key on success; a failure was already counted.
pub async fn key_begin_attempt(db: &Db, key: &str, max_failures: i64, lock_seconds: i64) -> Result<bool, AppError> {
    let ts = now();
    let (attempts, locked_until): (i64, i64) = sqlx::query_as(
        "insert into login_throttle (key, failures, window_start, locked_until) values ($1, 1, $2, 0) \
         on conflict (key) do update set \
           failures = case when login_throttle.window_start < $3 then 1 else login_throttle.failures + 1 end, \
           window_start = case when login_throttle.window_start < $3 then $2 else login_throttle.window_start end \
         returning failures, locked_until",
    )
    .bind(key)
    .bind(ts)
    .bind(ts - lock_seconds)
    .fetch_one(&db.pool)
    .await?;
    if locked_until > ts {
        return Ok(false);
    }
    if attempts >= max_failures {
        // This is the last attempt of the window (or one beyond it): lock now, so later ones are
        // refused without any verification work.
        sqlx::query("update login_throttle set locked_until = $2 where key = $1 and locked_until <= $3")
            .bind(key)
            .bind(ts + lock_seconds)
            .bind(ts)
            .execute(&db.pool)
            .await?;
    }
    Ok(attempts <= max_failures)
}

/// Check a username/password/TOTP triple. The attempt is counted before argon2 runs; a locked
/// name (real or made up alike) is refused at once without argon2. Every other failure returns
/// the same error after the same amount of argon2 work, whether the account exists, is disabled,
/// or only the code was wrong. Login runs on its own bounded queue (`login_gate`), so a flood of
/// logins cannot take the CPU permits that report submissions and lookups need.
pub async fn authenticate(
    state: &AppState,
    username: &str,
    password: &str,
    totp_code: &str,
) -> Result<UserRow, AppError> {
    let db = &state.db;
    let key = throttle_key(username);
    if !key_begin_attempt(db, &key, state.auth.max_failures, state.auth.lock_seconds).await? {
        return Err(AppError::RateLimited);
    }
    let user = find_user_by_username(db, username).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let pw = password.to_string();
    let password_ok = state
        .login_gate
        .run(move || verify_password_blocking(&pw, &hash.unwrap_or_else(dummy_hash)))
        .await?;
    let ok_user = match user {
        Some(u) if password_ok && u.active == 1 => {
            let totp_ok = match &u.totp_secret {
                None => true,
                Some(stored) => match open_totp_secret(state, u.id, stored)
                    .and_then(|secret| totp_step(&secret, &u.username, &state.auth.totp_issuer, totp_code))
                {
                    // A code is good once: its time step must be newer than the last one used.
                    Some(step) => claim_totp_step(db, u.id, step).await?,
                    None => false,
                },
            };
            totp_ok.then_some(u)
        }
        _ => None,
    };
    match ok_user {
        Some(u) => {
            key_clear(db, &key).await?;
            Ok(u)
        }
        None => Err(AppError::InvalidCredentials),
    }
}

// ---- TOTP -------------------------------------------------------------------------------------

pub fn build_totp(secret_base32: &str, account: &str, issuer: &str) -> Option<totp_rs::TOTP> {
    let bytes = totp_rs::Secret::Encoded(secret_base32.to_string()).to_bytes().ok()?;
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes, Some(issuer.to_string()), account.to_string())
        .ok()
}

/// The 30-second time step whose code `code` is (current step ±1 for clock skew), if any.
pub fn totp_step(secret_base32: &str, account: &str, issuer: &str, code: &str) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let totp = build_totp(secret_base32, account, issuer)?;
    let now = u64::try_from(now()).ok()?;
    [now.saturating_sub(30), now, now + 30]
        .into_iter()
        .find(|t| totp.generate(*t) == code)
        .and_then(|t| i64::try_from(t / 30).ok())
}

/// Record `step` as the user's last used TOTP step; false if it (or a later one) was used already.
/// The conditional update makes two concurrent logins with one code race safely: one wins.
pub async fn claim_totp_step(db: &Db, user_id: i64, step: i64) -> Result<bool, AppError> {
    let res = sqlx::query(
        "update users set totp_last_step = $2 where id = $1 and (totp_last_step is null or totp_last_step < $2)",
    )
    .bind(user_id)
    .bind(step)
    .execute(&db.pool)
    .await?;
    Ok(res.rows_affected() == 1)
}

pub fn new_totp_secret() -> String {
    totp_rs::Secret::generate_secret().to_encoded().to_string()
}

fn totp_context(user_id: i64) -> String {
    format!("users.totp_secret:{user_id}")
}

/// Decrypt a stored TOTP secret; `None` (and a log line) if it cannot be opened with this key.
pub fn open_totp_secret(state: &AppState, user_id: i64, stored: &str) -> Option<String> {
    match state.data_key.decrypt(stored, &totp_context(user_id)) {
        Ok(bytes) => String::from_utf8(bytes).ok(),
        Err(e) => {
            tracing::error!(user_id, error = %e, "cannot decrypt TOTP secret (wrong SW_DATA_KEY?)");
            None
        }
    }
}

/// Store (encrypted) or clear a user's TOTP secret.
pub async fn set_totp_secret(state: &AppState, user_id: i64, secret: Option<&str>) -> Result<(), AppError> {
    let sealed = secret.map(|s| state.data_key.encrypt(s.as_bytes(), &totp_context(user_id)));
    sqlx::query("update users set totp_secret = $2, updated_at = $3 where id = $1")
        .bind(user_id)
        .bind(sealed)
        .bind(now())
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

// ---- sessions and the guard ---------------------------------------------------------------------

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| AppError::internal("session layer missing", e))
}

fn session_err(e: tower_sessions::session::Error) -> AppError {
    AppError::internal("session store error", e)
}

/// Log the user in: a fresh session id (no fixation), then the user id.
pub async fn start_session(session: &Session, user_id: i64) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_err)?;
    session.insert(SESSION_USER, user_id).await.map_err(session_err)?;
    Ok(())
}

pub async fn end_session(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_err)
}

/// The logged-in user, re-read from the database on every call so that a disabled account or a
/// changed role takes effect at once.
pub async fn current_user_opt() -> Result<Option<CurrentUser>, AppError> {
    current_user_in(&app_state()?, &session().await?).await
}

/// The account id the session is signed in as, without reading the account (for hot paths that
/// only compare it with an owner; everything that acts as the user goes through `require`).
pub async fn session_user_id(session: &Session) -> Result<Option<i64>, AppError> {
    session.get::<i64>(SESSION_USER).await.map_err(session_err)
}

/// `current_user_opt` for plain axum handlers, which have the state and session at hand.
pub async fn current_user_in(state: &AppState, session: &Session) -> Result<Option<CurrentUser>, AppError> {
    let Some(id) = session.get::<i64>(SESSION_USER).await.map_err(session_err)? else {
        return Ok(None);
    };
    match find_user_by_id(&state.db, id).await? {
        Some(u) if u.active == 1 => Ok(Some(u.to_current(state.auth.staff_totp_required)?)),
        _ => {
            end_session(session).await?;
            Ok(None)
        }
    }
}

/// An axum middleware for the page routes: puts the visitor's `NavUser` into the request, where
/// the layout reads it when it draws the header (it cannot wait for the session there). Only GET
/// requests outside the server functions and the built files pay for the lookup, which costs
/// nothing for a visitor without a session cookie.
pub async fn nav_user_layer(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = req.uri().path();
    let page = req.method() == http::Method::GET && !["/api/", "/pkg/", "/v/"].iter().any(|p| path.starts_with(p));
    if page {
        if let Some(session) = req.extensions().get::<Session>().cloned() {
            // A failed lookup shows the login link; the page itself reports the failure.
            let user = current_user_in(&state, &session).await.ok().flatten();
            req.extensions_mut().insert(super::NavUser::of(user.as_ref()));
        }
    }
    next.run(req).await
}

/// The header's `NavUser` for this render (see `nav_user_layer`).
pub fn request_nav_user() -> super::NavUser {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<super::NavUser>().copied())
        .unwrap_or_default()
}

/// The guard: deny unless logged in, enrolled where TOTP is enforced, and the role allows `perm`.
pub async fn require(perm: Permission) -> Result<CurrentUser, AppError> {
    require_in(&app_state()?, &session().await?, perm).await
}

/// The guard for plain axum handlers.
pub async fn require_in(state: &AppState, session: &Session, perm: Permission) -> Result<CurrentUser, AppError> {
    let user = current_user_in(state, session).await?.ok_or(AppError::Unauthorized)?;
    if user.totp_enrollment_required && perm != Permission::ManageOwnTotp {
        return Err(AppError::TotpEnrollmentRequired);
    }
    if !user.role.allows(perm) {
        return Err(AppError::Forbidden);
    }
    Ok(user)
}
