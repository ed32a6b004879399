//! Accounts, roles and the deny-by-default permission table used by every server function.
//!
//! `rules` is pure (no I/O) so the permission table is unit-tested as a case table; `api` holds
//! the server functions; `ssr` the storage, password hashing, throttling and the guard;
//! `pages` the login and account pages.
pub mod api;
pub mod pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use rules::{Permission, Role};

use serde::{Deserialize, Serialize};

/// The logged-in user as the UI sees it (no secrets).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub totp_enabled: bool,
    /// Set when staff must enrol TOTP before anything else is allowed.
    pub totp_enrollment_required: bool,
}

/// One row of the admin's user list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Option<String>,
    pub totp_enabled: bool,
    pub active: bool,
}

/// What the TOTP enrolment page shows: the secret as text and as a QR code (inline SVG markup
/// rendered on the server, so no third-party QR service is contacted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrollment {
    pub secret_base32: String,
    pub otpauth_url: String,
    pub qr_svg: String,
}
