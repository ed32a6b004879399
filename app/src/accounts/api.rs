//! Account server functions. Each one calls the guard (`ssr::require`) first, except `login` and
//! `current_user`, which anonymous visitors must be able to reach.
use super::{CurrentUser, TotpEnrollment, UserSummary};
use crate::base::errors::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

/// The logged-in user, or `None` for anonymous visitors.
#[server(endpoint = "current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    super::ssr::current_user_opt().await
}

/// Log in with username, password and (when enrolled) a TOTP code. Every failure gives the same
/// answer. On success the session id is rotated and the browser goes to the workbench.
#[server(endpoint = "login")]
pub async fn login(username: String, password: String, totp_code: Option<String>) -> Result<(), AppError> {
    use super::ssr;
    let state = crate::state::app_state()?;
    let username = username.trim().to_string();
    if username.is_empty() || password.is_empty() || username.len() > 64 || password.len() > 256 {
        // Still counts as a failed attempt for the name, without revealing anything.
        return Err(AppError::InvalidCredentials);
    }
    let user = ssr::authenticate(&state, &username, &password, totp_code.as_deref().unwrap_or("")).await?;
    let current = user.to_current(state.auth.staff_totp_required)?;
    let session = ssr::session().await?;
    ssr::start_session(&session, user.id).await?;
    tracing::info!(user_id = user.id, "login");
    let target = if current.totp_enrollment_required {
        "/account"
    } else if current.role.is_bureau_staff() {
        "/staff"
    } else {
        "/account"
    };
    leptos_axum::redirect(target);
    Ok(())
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let session = super::ssr::session().await?;
    super::ssr::end_session(&session).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Start TOTP enrolment: a new secret kept in the session until a code from it is confirmed.
#[server(endpoint = "totp_begin")]
pub async fn totp_begin() -> Result<TotpEnrollment, AppError> {
    use super::ssr;
    let user = ssr::require(super::Permission::ManageOwnTotp).await?;
    let state = crate::state::app_state()?;
    let session = ssr::session().await?;
    let secret = match session
        .get::<String>(ssr::SESSION_TOTP_PENDING)
        .await
        .map_err(|e| AppError::internal("session", e))?
    {
        Some(s) => s,
        None => {
            let s = ssr::new_totp_secret();
            session
                .insert(ssr::SESSION_TOTP_PENDING, &s)
                .await
                .map_err(|e| AppError::internal("session", e))?;
            s
        }
    };
    let totp = ssr::build_totp(&secret, &user.username, &state.auth.totp_issuer).ok_or(AppError::Internal)?;
    let otpauth_url = totp.get_url();
    let qr_svg = qrcode::QrCode::new(otpauth_url.as_bytes())
        .map(|code| {
            code.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build()
        })
        .map_err(|e| AppError::internal("qr code", e))?;
    Ok(TotpEnrollment { secret_base32: secret, otpauth_url, qr_svg })
}

/// Confirm enrolment with a code from the authenticator app.
#[server(endpoint = "totp_confirm")]
pub async fn totp_confirm(code: String, password: String) -> Result<(), AppError> {
    use super::ssr;
    let user = ssr::require(super::Permission::ManageOwnTotp).await?;
    let state = crate::state::app_state()?;
    // A stolen session alone must not be enough to put the second factor in someone else's hands.
    ssr::confirm_password(&state, &user, &password).await?;
    let session = ssr::session().await?;
    let pending = session
        .get::<String>(ssr::SESSION_TOTP_PENDING)
        .await
        .map_err(|e| AppError::internal("session", e))?
        .ok_or_else(|| AppError::field("code", "totp_not_started"))?;
    let Some(step) = ssr::totp_step(&pending, &user.username, &state.auth.totp_issuer, &code) else {
        return Err(AppError::field("code", "totp_wrong"));
    };
    ssr::set_totp_secret(&state, user.id, Some(&pending)).await?;
    {
        use crate::base::audit::{self, Entry};
        let mut tx = state.db.begin().await?;
        let details = serde_json::json!({ "user_id": user.id }).to_string();
        let entry = Entry { user_id: Some(user.id), action: "totp_enrolled", report_id: None, reason: None, details };
        audit::append(&state.db, &mut tx, entry, crate::base::db::now()).await?;
        tx.commit().await?;
    }
    // The confirming code is spent: it cannot also be used to log in.
    ssr::claim_totp_step(&state.db, user.id, step).await?;
    session
        .remove::<String>(ssr::SESSION_TOTP_PENDING)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    tracing::info!(user_id = user.id, "totp enrolled");
    leptos_axum::redirect("/account");
    Ok(())
}

/// All accounts (administrators only).
#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    super::ssr::require(super::Permission::ManageUsers).await?;
    let state = crate::state::app_state()?;
    super::ssr::list_users(&state.db).await
}

/// Departments, for scoping handler accounts (bureau staff).
#[server(endpoint = "list_departments")]
pub async fn list_departments() -> Result<Vec<Department>, AppError> {
    super::ssr::require(super::Permission::ReadReferenceData).await?;
    let state = crate::state::app_state()?;
    let rows: Vec<(i64, String, String, String)> =
        sqlx::query_as("select id, code, name_zh, name_en from departments where active = 1 order by id")
            .fetch_all(&state.db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name_zh, name_en)| Department { id, code, name_zh, name_en })
        .collect())
}

/// Create an account (administrators only). Field errors come back for display beside the fields.
#[server(endpoint = "create_user")]
pub async fn create_user(
    username: String,
    display_name: String,
    role: String,
    department_id: Option<String>,
    enterprise_id: Option<String>,
    password: String,
) -> Result<(), AppError> {
    use super::ssr;
    let admin = ssr::require(super::Permission::ManageUsers).await?;
    let state = crate::state::app_state()?;
    let role = super::Role::parse(&role).ok_or_else(|| AppError::field("role", "role_unknown"))?;
    let parse_id = |v: Option<String>, field: &str| -> Result<Option<i64>, AppError> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => s.parse::<i64>().map(Some).map_err(|_| AppError::field(field, "not_a_number")),
        }
    };
    let new_user = ssr::NewUser {
        username: username.trim().to_string(),
        display_name,
        role,
        department_id: parse_id(department_id, "department_id")?,
        enterprise_id: parse_id(enterprise_id, "enterprise_id")?,
        is_demo: false,
    };
    let id = ssr::create_user(&state, new_user, password, Some(admin.id)).await?;
    tracing::info!(admin_id = admin.id, new_user_id = id, "account created");
    leptos_axum::redirect("/admin/users");
    Ok(())
}

/// The staff workbench's data: who is logged in (bureau staff only).
#[server(endpoint = "staff_home")]
pub async fn staff_home() -> Result<CurrentUser, AppError> {
    super::ssr::require(super::Permission::StaffWorkbench).await
}
