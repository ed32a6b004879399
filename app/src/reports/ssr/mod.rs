//! Storage of reports and everything a reporter does with them. A report is stored in one
//! transaction with its attachments, sealed identity and first timeline entry, or not at all.
use super::abuse::{self, Bucket, CheckedToken};
use crate::base::media::{self, CleanFile};
use crate::base::spool::{Spool, SpoolError, SpooledFile};
use super::rules;
use crate::org::Choice;
use crate::cases::CaseMessage;
use super::{CaseView, FormChoice, Receipt, ReportDraft, ReportFormContext, TimelineEntry};
use crate::base::db::now;
use crate::base::errors::{AppError, FieldError};
use crate::base::sealed::{get_sealed, put_sealed, take_sealed};
use crate::state::AppState;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::IpAddr;
use tower_sessions::Session;

/// Limits and deadlines of the tip-off; every one is configuration (see the README table).
#[derive(Clone, Debug)]
pub struct ReportSettings {
    pub max_files: usize,
    pub max_file_bytes: usize,
    pub pow_bits: u32,
    pub nojs_delay_ms: u64,
    pub form_ttl_secs: i64,
    pub submits_per_hour: u32,
    pub lookups_per_hour: u32,
    pub messages_per_hour: u32,
    pub case_max_failures: i64,
    pub case_lock_seconds: i64,
    /// Minutes a successful lookup stays valid in the session.
    pub grant_minutes: i64,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            max_files: 6,
            max_file_bytes: 10 * 1024 * 1024,
            pow_bits: 18,
            nojs_delay_ms: 2000,
            form_ttl_secs: 4 * 3600,
            submits_per_hour: 10,
            lookups_per_hour: 60,
            messages_per_hour: 30,
            case_max_failures: 5,
            case_lock_seconds: 3600,
            grant_minutes: 30,
        }
    }
}

/// The tip-off area: its settings, the in-memory rate limits, the upload slots and spool, the
/// job that forgets spent form tokens, and the two upload forms' routes.
pub fn area(settings: ReportSettings, spool: Spool) -> crate::state::Area {
    crate::state::Area::new()
        .with(settings)
        .with(Uploads::new(spool))
        .jobs(abuse::jobs())
        .http(http())
}

/// The tip-off's settings, as the server registered them.
pub fn settings(state: &AppState) -> Result<&ReportSettings, AppError> {
    state.area::<ReportSettings>()
}

impl ReportSettings {
    /// The largest request body an upload route accepts.
    pub fn upload_body_limit(&self) -> usize {
        self.max_files * self.max_file_bytes + 256 * 1024
    }
}

pub const SESSION_RECEIPT: &str = "report.receipt";
pub const SESSION_FLASH: &str = "report.flash";
pub const SESSION_GRANT: &str = "report.grant";
pub const SESSION_MESSAGE_ERROR: &str = "report.message_error";
pub const PURPOSE_REPORT: &str = "report";
pub const PURPOSE_MESSAGE: &str = "message";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flash {
    pub error: AppError,
    pub draft: ReportDraft,
}

/// A successful lookup, kept in the session (the code itself is never kept).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Grant {
    pub report_id: i64,
    pub until: i64,
}

/// A new signed token for the report form, as a render of the form would carry (the server's
/// page cache puts one into each copy of the form it serves).
pub fn report_form_token(state: &AppState) -> Result<String, AppError> {
    Ok(abuse::issue_token(&state.data_key, PURPOSE_REPORT, settings(state)?.form_ttl_secs))
}

// ---- reference data -------------------------------------------------------------------------------

/// The form's context with the choices named in the page's language.
pub async fn form_context(
    state: &AppState,
    session: &Session,
    locale: crate::i18n::Locale,
) -> Result<ReportFormContext, AppError> {
    let flash: Option<Flash> = take_sealed(&state.data_key, session, SESSION_FLASH).await?;
    let s = settings(state)?;
    let choices = state.area::<crate::org::ssr::ChoiceCache>()?.get(&state.db).await?;
    Ok(ReportFormContext {
        sectors: choices.sectors.iter().map(|c| FormChoice::named(c, locale)).collect(),
        towns: choices.towns.iter().map(|c| FormChoice::named(c, locale)).collect(),
        token: report_form_token(state)?,
        pow_bits: s.pow_bits,
        max_files: s.max_files as u32,
        max_file_mb: (s.max_file_bytes / (1024 * 1024)).max(1) as u32,
        draft: flash.as_ref().map(|f| f.draft.clone()),
        error: flash.map(|f| f.error),
    })
}

mod follow_up;
mod http;
mod submit;
mod uploads;

pub use follow_up::*;
pub use http::{http, Uploads, UPLOAD_SLOTS};
pub use submit::*;
pub use uploads::*;
