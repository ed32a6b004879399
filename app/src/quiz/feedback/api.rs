//! Server functions of error reports: the public form (anyone) and the review (training
//! administrator, `ManageQuestions`).
use super::{FeedbackList, ReportedQuestion};
use crate::base::errors::AppError;
use leptos::prelude::*;

/// The question a report would be about (stem and options of an active question's version).
#[server(endpoint = "feedback_target")]
pub async fn feedback_target(question: i64, version: i64) -> Result<ReportedQuestion, AppError> {
    let state = crate::state::app_state()?;
    super::ssr::target(&state.db, question, version).await
}

/// Send an error report (public; nothing about the sender is stored).
#[server(endpoint = "send_feedback")]
pub async fn send_feedback(
    question: i64,
    version: i64,
    #[server(default)] origin: String,
    #[server(default)] reason: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let session = crate::accounts::ssr::session().await?;
    let valid = super::validate_feedback(&origin, &reason, &comment)?;
    super::ssr::send(&state, &session, question, version, &valid).await?;
    leptos_axum::redirect(&format!("/quiz/feedback?q={question}&v={version}&from={}&sent=1", valid.origin.as_str()));
    Ok(())
}

/// The reports of one status ("open" unless another is named).
#[server(endpoint = "question_feedback")]
pub async fn question_feedback(#[server(default)] status: String) -> Result<FeedbackList, AppError> {
    use crate::accounts::{ssr::require, Permission};
    require(Permission::ManageQuestions).await?;
    let state = crate::state::app_state()?;
    super::ssr::list(&state.db, super::Status::parse(&status).unwrap_or(super::Status::Open)).await
}

/// Decide an open report: "fixed" (the question was corrected) or "rejected" (it is right as it
/// is), with a note.
#[server(endpoint = "decide_feedback")]
pub async fn decide_feedback(id: i64, status: String, #[server(default)] note: String) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageQuestions).await?;
    let state = crate::state::app_state()?;
    let status = super::Status::parse(&status).unwrap_or(super::Status::Open);
    super::ssr::decide(&state.db, user.id, id, status, &note).await?;
    leptos_axum::redirect("/staff/questions/feedback");
    Ok(())
}
