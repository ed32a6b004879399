//! Server functions of the question bank (training administrator only).
use super::{BankFilter, BankPage, PracticeData, PracticeResult, QuestionVersion};
use crate::base::errors::AppError;
use leptos::prelude::*;
use std::collections::HashMap;

#[server(endpoint = "question_bank")]
pub async fn question_bank(#[server(default)] filter: BankFilter) -> Result<BankPage, AppError> {
    use crate::accounts::{ssr::require, Permission};
    require(Permission::ManageQuestions).await?;
    let state = crate::state::app_state()?;
    super::ssr::bank(&state.db, &filter).await
}

/// Add a question (no `id`) or save the next version of one. Tags come as a map
/// (`tags[FC]=FC`), the shape a group of checkboxes posts.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "save_question")]
pub async fn save_question(
    id: Option<String>,
    kind: String,
    stem: String,
    options: Option<String>,
    answer: String,
    explanation: Option<String>,
    tags: Option<HashMap<String, String>>,
    difficulty: String,
    source: Option<String>,
    active: Option<String>,
) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageQuestions).await?;
    let state = crate::state::app_state()?;
    let id = match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
        None => None,
    };
    let draft = super::QuestionDraft {
        kind,
        stem,
        options: options.unwrap_or_default(),
        answer,
        explanation: explanation.unwrap_or_default(),
        tags: tags.unwrap_or_default().into_values().collect(),
        difficulty,
        source: source.unwrap_or_default(),
        active: active.is_some(),
    };
    let valid = super::validate_question(&draft, &super::ssr::known_tags(&state.db).await?)?;
    super::ssr::save_question(&state.db, user.id, id, &valid).await?;
    leptos_axum::redirect("/staff/questions");
    Ok(())
}

#[server(endpoint = "question_history")]
pub async fn question_history(id: i64) -> Result<Vec<QuestionVersion>, AppError> {
    use crate::accounts::{ssr::require, Permission};
    require(Permission::ManageQuestions).await?;
    let state = crate::state::app_state()?;
    super::ssr::history(&state.db, id).await
}

/// Practice (练习): anyone, no account. A random question without its answer.
#[server(endpoint = "practice_question")]
pub async fn practice_question(tag: String) -> Result<PracticeData, AppError> {
    let state = crate::state::app_state()?;
    super::ssr::practice(&state.db, state.area::<crate::org::ssr::ChoiceCache>()?, &tag).await
}

/// Practice feedback for the version shown: right or not, the answer and the explanation.
#[server(endpoint = "practice_check")]
pub async fn practice_check(id: i64, version: i64, #[server(default)] picks: Vec<String>) -> Result<PracticeResult, AppError> {
    let state = crate::state::app_state()?;
    if picks.len() > super::OPTIONS_MAX || picks.iter().any(|p| p.chars().count() > super::OPTION_MAX) {
        return Err(AppError::field("pick", "too_long"));
    }
    super::ssr::practice_check(&state.db, id, version, &picks).await
}
