//! One serialisable error type for every server function. Internal details are logged on the
//! server with `tracing` and never sent to the browser; the browser receives a stable code that
//! the UI translates.
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// A field-level validation message: the form field's name and a translation key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Not logged in (or the session expired).
    #[error("unauthorized")]
    Unauthorized,
    /// Logged in, but the role or scope does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// Staff must enrol a TOTP second factor before doing anything else.
    #[error("totp enrolment required")]
    TotpEnrollmentRequired,
    #[error("not found")]
    NotFound,
    /// Login failed: the same answer whether the account exists or not.
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("too many attempts")]
    RateLimited,
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Anything unexpected; the detail is in the server log only.
    #[error("internal error")]
    Internal,
    /// Framework-level failures (bad arguments, network) carried as a short code.
    #[error("request failed")]
    Request(String),
}

impl AppError {
    pub fn field(field: &str, code: &str) -> Self {
        AppError::Validation(vec![FieldError { field: field.into(), code: code.into() }])
    }

    /// HTTP status used when the error leaves the server.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::InvalidCredentials => 401,
            AppError::Forbidden | AppError::TotpEnrollmentRequired => 403,
            AppError::NotFound => 404,
            AppError::RateLimited => 429,
            AppError::Validation(_) | AppError::Request(_) => 400,
            AppError::Internal => 500,
        }
    }

    /// Field errors for one field (for display beside the input).
    pub fn field_codes(&self, name: &str) -> Vec<String> {
        match self {
            AppError::Validation(errs) => {
                errs.iter().filter(|e| e.field == name).map(|e| e.code.clone()).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Log an unexpected error with its cause on the server and turn it into `Internal`.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "{context}");
        AppError::Internal
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let code = match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => "bad_arguments",
            ServerFnErrorErr::Request(_) => "network",
            ServerFnErrorErr::Deserialization(_) | ServerFnErrorErr::Serialization(_) => "encoding",
            _ => "server",
        };
        AppError::Request(code.into())
    }
}

/// The error as a plain HTTP response (routes outside Leptos: forms with files, downloads): its
/// status code and the same JSON a server function would send.
#[cfg(feature = "ssr")]
pub fn error_response(err: &AppError) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = axum::http::StatusCode::from_u16(err.status_code()).unwrap_or(axum::http::StatusCode::BAD_REQUEST);
    (status, axum::Json(err.clone())).into_response()
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::internal("database error", err)
    }
}
