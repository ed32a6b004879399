//! The public tip-off (举报): the report form, receipts, follow-up with number + access code,
//! messages, withdrawal, objections and reward claims. Pure rules shared by the server and the
//! WebAssembly app live here; storage and media handling are in `ssr`, `media` and `abuse`.
pub mod api;
pub mod pages;
pub mod rules;

#[cfg(feature = "ssr")]
pub mod abuse;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(all(test, feature = "ssr"))]
mod hostile_tests;

use crate::base::errors::AppError;
use crate::org::Choice;
use serde::{Deserialize, Serialize};

/// A choice of the report form, named in the reader's language only (the form is rendered in one
/// language; sending both names doubled what every visitor downloads and the server encodes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormChoice {
    pub code: String,
    pub name: String,
}

impl FormChoice {
    pub fn named(c: &Choice, locale: crate::i18n::Locale) -> Self {
        FormChoice { code: c.code.clone(), name: crate::org::choice_name(locale, c) }
    }
}

/// The text fields of the report form, as typed. Kept to refill the form after an error when
/// JavaScript is off (name and phone are never kept: they are typed again).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDraft {
    pub report_type: String,
    pub sector: String,
    pub town: String,
    pub unit_name: String,
    pub address: String,
    pub latitude: String,
    pub longitude: String,
    pub use_photo_location: bool,
    pub seen_on: String,
    pub description: String,
    pub anonymous: bool,
    pub works_there: String,
    pub joint_reporters: String,
}

/// Everything the report form needs: choices, limits, a fresh single-use form token and its
/// proof-of-work settings, and — after a failed plain-form submission — the error and the draft.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportFormContext {
    pub sectors: Vec<FormChoice>,
    pub towns: Vec<FormChoice>,
    pub token: String,
    pub pow_bits: u32,
    pub max_files: u32,
    pub max_file_mb: u32,
    pub draft: Option<ReportDraft>,
    pub error: Option<AppError>,
}

/// Shown once after submitting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub case_number: String,
    pub access_code: String,
    pub received_at: i64,
    pub anonymous: bool,
    pub files_stored: u32,
    pub location_from_photo: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub kind: String,
    /// A reason or result code (translated on the page), e.g. the refusal reason.
    pub code: Option<String>,
    pub note: Option<String>,
    /// The department a routing entry names (shown in the reader's language).
    pub department: Option<Choice>,
    pub at: i64,
}

/// What a reporter sees of their case after proving the access code. Not the report's content:
/// a lost phone with an open page should reveal as little as possible.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    pub case_number: String,
    pub status: String,
    pub received_at: i64,
    pub due_at: Option<i64>,
    pub anonymous: bool,
    pub timeline: Vec<TimelineEntry>,
    pub reply: Option<String>,
    pub replied_at: Option<i64>,
    pub messages: Vec<crate::cases::CaseMessage>,
    pub can_withdraw: bool,
    pub can_message: bool,
    pub objection_until: Option<i64>,
    pub can_object: bool,
    pub reward_status: String,
    pub reward_amount_fen: Option<i64>,
    pub reward_claim_until: Option<i64>,
    pub can_claim: bool,
    /// A fresh single-use token for the message form (multipart, posted outside server functions).
    pub message_token: String,
    pub message_error: Option<AppError>,
}
