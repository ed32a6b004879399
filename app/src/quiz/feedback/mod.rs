//! Error reports on questions (纠错): anyone who met a question (in practice, the daily challenge
//! or a contest's review) can say what is wrong with it; a training administrator fixes the
//! question or rejects the report. Nothing about the sender is kept.
use crate::base::validate::FieldErrors;
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(test)]
mod tests;

crate::base::enum_with_all! {
    /// What is wrong with the question.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub enum Reason {
        Answer,
        Stem,
        Options,
        Explanation,
        Outdated,
        Other,
    }
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Answer => "answer",
            Reason::Stem => "stem",
            Reason::Options => "options",
            Reason::Explanation => "explanation",
            Reason::Outdated => "outdated",
            Reason::Other => "other",
        }
    }
    pub fn parse(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == code)
    }
}

crate::base::enum_with_all! {
    /// Where the sender met the question.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub enum Origin {
        Practice,
        Daily,
        Contest,
    }
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Practice => "practice",
            Origin::Daily => "daily",
            Origin::Contest => "contest",
        }
    }
    pub fn parse(code: &str) -> Option<Origin> {
        Origin::ALL.into_iter().find(|o| o.as_str() == code)
    }
}

pub const COMMENT_MAX: usize = 500;
pub const NOTE_MAX: usize = 500;
/// Reports one browser session may send about questions it has not reported yet (repeats about
/// the same question version are refused); the per-client hourly budget is in `QuizSettings`.
pub const SESSION_REMEMBERS: usize = 50;

/// A checked report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidFeedback {
    pub origin: Origin,
    pub reason: Reason,
    pub comment: String,
}

/// Check what the form sent: a known reason, a comment of at most `COMMENT_MAX` characters (and
/// one is needed when the reason is "other"). An unknown origin counts as practice.
pub fn validate_feedback(origin: &str, reason: &str, comment: &str) -> Result<ValidFeedback, FieldErrors> {
    let mut e = FieldErrors::default();
    let reason = Reason::parse(reason.trim());
    if reason.is_none() {
        e.push("reason", "required");
    }
    let comment = comment.trim();
    let min = if reason == Some(Reason::Other) { 2 } else { 0 };
    e.text("comment", comment, min, COMMENT_MAX);
    let origin = Origin::parse(origin.trim()).unwrap_or(Origin::Practice);
    e.or(())?;
    Ok(ValidFeedback { origin, reason: reason.unwrap_or(Reason::Other), comment: comment.to_string() })
}

/// The question a report is about, as the public form shows it (no answer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedQuestion {
    pub question_id: i64,
    pub version: i64,
    pub stem: String,
    pub options: Vec<String>,
}

/// A decision on a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Open,
    Fixed,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Fixed => "fixed",
            Status::Rejected => "rejected",
        }
    }
    pub fn parse(code: &str) -> Option<Status> {
        [Status::Open, Status::Fixed, Status::Rejected].into_iter().find(|s| s.as_str() == code)
    }
}

/// One report as the administrator sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackItem {
    pub id: i64,
    pub question_id: i64,
    /// The version the sender saw, and the question's version now (a later one: edited since).
    pub version: i64,
    pub current_version: i64,
    pub stem: String,
    pub answer: String,
    pub origin: Origin,
    pub reason: Reason,
    pub comment: String,
    pub created_at: i64,
    pub status: Status,
    pub decided_by: String,
    pub note: String,
}

/// The review list: reports of one status (newest first, at most `LIST_MAX`) and the open count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackList {
    pub items: Vec<FeedbackItem>,
    pub open: i64,
}

pub const LIST_MAX: i64 = 200;
