//! Server functions of contests. Setting up a contest needs `ManageContests`; the contestant's
//! functions are public, and each finds the visitor's own contestant or attempt from the session
//! (or account): an attempt token that is not the visitor's is "not found".
use super::figures::StatsView;
use super::{ContestAdminData, ContestSummary, ContestView, PaperView, PoolDraft, Ranking, ResultView, Saved};
use crate::base::errors::AppError;
use leptos::prelude::*;
use std::collections::{BTreeMap, HashMap};

#[server(endpoint = "contest_list")]
pub async fn contest_list() -> Result<Vec<ContestSummary>, AppError> {
    let state = crate::state::app_state()?;
    super::ssr::summaries(&state.db).await
}

#[server(endpoint = "contest_entry")]
pub async fn contest_entry(id: i64) -> Result<ContestView, AppError> {
    let state = crate::state::app_state()?;
    let session = crate::accounts::ssr::session().await?;
    super::attempts::entry(&state, &session, id).await
}

/// Join a contest (a nickname for a public one; an employee's account for theirs).
#[server(endpoint = "join_contest")]
pub async fn join_contest(id: i64, #[server(default)] nickname: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let session = crate::accounts::ssr::session().await?;
    super::ssr::join(&state, &session, id, &nickname).await?;
    leptos_axum::redirect(&format!("/quiz/contest/{id}"));
    Ok(())
}

/// Come back to a public contest with a contestant code.
#[server(endpoint = "resume_contest")]
pub async fn resume_contest(id: i64, code: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let session = crate::accounts::ssr::session().await?;
    super::ssr::resume(&state, &session, id, &code).await?;
    leptos_axum::redirect(&format!("/quiz/contest/{id}"));
    Ok(())
}

/// Start an attempt, or go back to the one running.
#[server(endpoint = "start_attempt")]
pub async fn start_attempt(id: i64) -> Result<String, AppError> {
    let state = crate::state::app_state()?;
    let session = crate::accounts::ssr::session().await?;
    let token = super::attempts::start(&state, &session, id).await?;
    leptos_axum::redirect(&format!("/quiz/attempt/{token}"));
    Ok(token)
}

#[server(endpoint = "attempt_paper")]
pub async fn attempt_paper(token: String) -> Result<PaperView, AppError> {
    let state = crate::state::app_state()?;
    let session = crate::accounts::ssr::session().await?;
    let a = super::attempts::my_attempt(&state, &session, &token).await?;
    super::attempts::paper(&state, &a).await
}

/// Save the answer to one question. `picks` is a map, the shape radio buttons, checkboxes and a
/// text field post (`picks[0]=A`, `picks[B]=B`). `go` says where a plain form goes next: "next",
/// "prev", a question number, "submit" (save, then hand in), or "stay" (a background save).
#[server(endpoint = "save_answer")]
pub async fn save_answer(
    token: String,
    position: i64,
    #[server(default)] picks: HashMap<String, String>,
    #[server(default)] marked: Option<String>,
    #[server(default)] go: Option<String>,
) -> Result<Saved, AppError> {
    let state = crate::state::app_state()?;
    let session = crate::accounts::ssr::session().await?;
    let a = super::attempts::my_attempt_for_answer(&state, &session, &token).await?;
    if picks.len() > crate::quiz::OPTIONS_MAX {
        return Err(AppError::field("answer", "option_unknown"));
    }
    let picks = crate::quiz::picks_in_order(picks);
    let go = go.unwrap_or_default();
    let saved = super::attempts::save_answer(&state, &a, position, &picks, marked.is_some()).await;
    if go == "submit" {
        // Handing in: what could be saved is saved; a closed attempt is handed in as it stands.
        match &saved {
            Err(AppError::Validation(f)) if f.iter().any(|e| e.code == "attempt_closed") => {}
            Err(e) => return Err(e.clone()),
            Ok(_) => {}
        }
        super::attempts::submit(&state, &a).await?;
        leptos_axum::redirect(&format!("/quiz/attempt/{token}/result"));
        return Ok(Saved { position, remaining_ms: 0 });
    }
    let saved = saved?;
    let target = match go.as_str() {
        "next" => Some(position + 1),
        "prev" => Some((position - 1).max(1)),
        n => n.parse::<i64>().ok(),
    };
    if let Some(q) = target {
        leptos_axum::redirect(&format!("/quiz/attempt/{token}?q={q}"));
    }
    Ok(saved)
}

#[server(endpoint = "submit_attempt")]
pub async fn submit_attempt(token: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let session = crate::accounts::ssr::session().await?;
    let a = super::attempts::my_attempt(&state, &session, &token).await?;
    super::attempts::submit(&state, &a).await?;
    leptos_axum::redirect(&format!("/quiz/attempt/{token}/result"));
    Ok(())
}

#[server(endpoint = "attempt_result")]
pub async fn attempt_result(token: String) -> Result<ResultView, AppError> {
    let state = crate::state::app_state()?;
    let session = crate::accounts::ssr::session().await?;
    let a = super::attempts::my_attempt(&state, &session, &token).await?;
    super::attempts::result(&state, &a).await
}

#[server(endpoint = "contest_ranking")]
pub async fn contest_ranking(id: i64, #[server(default)] by: String, #[server(default)] sort: String) -> Result<Ranking, AppError> {
    let state = crate::state::app_state()?;
    super::ranking::ranking(&state.db, id, &by, &sort, super::ranking::RANKING_ROWS).await
}

#[server(endpoint = "contest_admin")]
pub async fn contest_admin() -> Result<ContestAdminData, AppError> {
    use crate::accounts::{ssr::require, Permission};
    require(Permission::ManageContests).await?;
    let state = crate::state::app_state()?;
    super::ssr::admin_data(&state.db).await
}

/// Add a contest (no `id`) or change one. Pools come as `pools[0][kind]=single…`; eligible
/// enterprises and towns as checkbox maps (`enterprises[3]=3`).
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "save_contest")]
pub async fn save_contest(
    #[server(default)] id: Option<String>,
    title: String,
    #[server(default)] description: String,
    opens: String,
    closes: String,
    time_limit_min: String,
    attempts_per_day: String,
    attempts_total: String,
    valid_percent: String,
    #[server(default)] credit_minutes: String,
    audience: String,
    #[server(default)] review: Option<String>,
    #[server(default)] partial_credit: Option<String>,
    privacy: String,
    #[server(default)] pools: BTreeMap<String, PoolDraft>,
    #[server(default)] enterprises: HashMap<String, String>,
    #[server(default)] towns: HashMap<String, String>,
) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageContests).await?;
    let state = crate::state::app_state()?;
    let id = match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
        None => None,
    };
    let numbers = |m: HashMap<String, String>| -> Result<Vec<i64>, AppError> {
        m.into_values().map(|v| v.trim().parse::<i64>().map_err(|_| AppError::field("enterprises", "unknown_choice"))).collect()
    };
    let draft = super::ContestDraft {
        title,
        description,
        opens,
        closes,
        time_limit_min,
        attempts_per_day,
        attempts_total,
        valid_percent,
        credit_minutes,
        audience,
        review: review.is_some(),
        partial_credit: partial_credit.is_some(),
        privacy,
        pools,
        enterprises: numbers(enterprises)?,
        towns: numbers(towns)?,
    };
    let valid = super::validate_contest(&draft, &crate::quiz::ssr::known_tags(&state.db).await?)?;
    super::ssr::save_contest(&state.db, state.area::<super::ssr::ContestState>()?, user.id, id, &valid).await?;
    leptos_axum::redirect("/staff/contests");
    Ok(())
}

#[server(endpoint = "contest_stats")]
pub async fn contest_stats(id: i64) -> Result<StatsView, AppError> {
    use crate::accounts::{ssr::require, Permission};
    require(Permission::ManageContests).await?;
    let state = crate::state::app_state()?;
    super::stats::stats(&state.db, state.area::<super::ssr::ContestState>()?, id).await
}

/// Clear a flagged attempt, or disqualify its contestant (out of the rankings).
#[server(endpoint = "review_attempt")]
pub async fn review_attempt(token: String, decision: String) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageContests).await?;
    let state = crate::state::app_state()?;
    let contest = super::stats::review(&state.db, state.area::<super::ssr::ContestState>()?, user.id, &token, &decision).await?;
    leptos_axum::redirect(&format!("/staff/contests/{contest}"));
    Ok(())
}
