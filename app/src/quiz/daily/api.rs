//! Server functions of the daily challenge: signed-in employees only (`DailyChallenge`), each
//! working on their own questions.
use super::DailyView;
use crate::base::errors::AppError;
use leptos::prelude::*;
use std::collections::HashMap;

#[server(endpoint = "daily_challenge")]
pub async fn daily_challenge() -> Result<DailyView, AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::DailyChallenge).await?;
    let state = crate::state::app_state()?;
    let count = state.area::<crate::quiz::QuizSettings>()?.daily_questions;
    super::ssr::view(&state.db, &user, count).await
}

/// Answer one of today's questions (`day` is the page's day: an answer from yesterday's page
/// after midnight is refused rather than given to today's question). `picks` is a map, the shape
/// radio buttons, checkboxes and a text field post (`picks[0]=A`, `picks[B]=B`).
#[server(endpoint = "daily_answer")]
pub async fn daily_answer(day: i64, position: i64, #[server(default)] picks: HashMap<String, String>) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::DailyChallenge).await?;
    let state = crate::state::app_state()?;
    if picks.len() > crate::quiz::OPTIONS_MAX {
        return Err(AppError::field("pick", "option_unknown"));
    }
    let picks = crate::quiz::picks_in_order(picks);
    super::ssr::answer(&state.db, user.id, day, position, &picks).await?;
    leptos_axum::redirect(&format!("/quiz/daily#daily-q{position}"));
    Ok(())
}
