//! Server functions of the disaster information officers (灾害信息员): the training administrator
//! (`ManageInfoOfficers`) keeps the officers of the three levels and their trainings and reads
//! the coverage.
use super::officers::{OfficerDetail, OfficerSheet, OfficersView};
use crate::base::errors::AppError;
use leptos::prelude::*;
use std::collections::HashMap;

#[cfg(feature = "ssr")]
async fn admin() -> Result<(crate::accounts::CurrentUser, crate::state::AppState), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageInfoOfficers).await?;
    Ok((user, crate::state::app_state()?))
}

#[cfg(feature = "ssr")]
fn today() -> crate::base::calendar::Day {
    crate::base::calendar::Day::of_timestamp(crate::base::db::now())
}

/// An id as a form sends it; a malformed one is "not found".
#[cfg(feature = "ssr")]
fn id_of(id: Option<String>) -> Result<Option<i64>, AppError> {
    match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s.parse::<i64>().map(Some).map_err(|_| AppError::NotFound),
        None => Ok(None),
    }
}

/// The coverage in `year` (this year when none), the officers and the year's trainings.
#[server(endpoint = "info_officers")]
pub async fn info_officers(year: Option<i64>) -> Result<OfficersView, AppError> {
    let (_, state) = admin().await?;
    let today = today();
    let this_year = today.ymd().0;
    let year = year.unwrap_or(this_year);
    if !(1990..=this_year + 1).contains(&year) {
        return Err(AppError::field("year", "date_out_of_range"));
    }
    super::officer_store::officers_view(&state.db, state.area::<super::rules::HourRules>()?, year, today).await
}

/// One officer and the trainings they attended.
#[server(endpoint = "info_officer")]
pub async fn info_officer(id: i64) -> Result<OfficerDetail, AppError> {
    let (_, state) = admin().await?;
    super::officer_store::officer_detail(&state.db, state.area::<super::rules::HourRules>()?, id, today()).await
}

/// Appoint an officer (no `id`) or change one; `active` unticked retires them.
#[server(endpoint = "save_info_officer")]
pub async fn save_info_officer(
    id: Option<String>,
    #[server(default)] name: String,
    #[server(default)] unit: String,
    #[server(default)] contact: String,
    #[server(default)] appointed_on: String,
    active: Option<String>,
) -> Result<(), AppError> {
    let (user, state) = admin().await?;
    let id = id_of(id)?;
    let valid = super::officers::validate_officer(&name, &unit, &contact, &appointed_on, today())?;
    super::officer_store::save_officer(&state.db, user.id, id, &valid, id.is_none() || active.is_some()).await?;
    leptos_axum::redirect(match id {
        Some(_) => "/staff/training/officers?saved=1",
        None => "/staff/training/officers?added=1",
    });
    Ok(())
}

/// Record a training of officers; then its attendance sheet.
#[server(endpoint = "save_officer_training")]
pub async fn save_officer_training(
    #[server(default)] title: String,
    #[server(default)] hours: String,
    #[server(default)] held_on: String,
    #[server(default)] trainer: String,
    #[server(default)] material: String,
) -> Result<(), AppError> {
    let (user, state) = admin().await?;
    let rules = state.area::<super::rules::HourRules>()?;
    let valid = super::officers::validate_officer_training(&title, &hours, &held_on, &trainer, &material, rules.minutes_per_hour, today())?;
    let id = super::officer_store::save_training(&state.db, user.id, &valid).await?;
    leptos_axum::redirect(&format!("/staff/training/officers/trainings/{id}"));
    Ok(())
}

/// A training of officers and its attendance sheet.
#[server(endpoint = "officer_training")]
pub async fn officer_training(id: i64) -> Result<OfficerSheet, AppError> {
    let (_, state) = admin().await?;
    super::officer_store::sheet(&state.db, state.area::<super::rules::HourRules>()?, id, today()).await
}

/// Who attended: the ticked officers (`attended[ID]=ID`), or everyone on the sheet with
/// `everyone`.
#[server(endpoint = "save_officer_attendance")]
pub async fn save_officer_attendance(training: i64, attended: Option<HashMap<String, String>>, everyone: Option<String>) -> Result<(), AppError> {
    let (user, state) = admin().await?;
    let today = today();
    let ids: Vec<i64> = if everyone.is_some() {
        let sheet = super::officer_store::sheet(&state.db, state.area::<super::rules::HourRules>()?, training, today).await?;
        sheet.lines.iter().map(|l| l.officer_id).collect()
    } else {
        attended
            .unwrap_or_default()
            .into_values()
            .map(|v| v.trim().parse::<i64>().map_err(|_| AppError::field("op", "officer_unknown")))
            .collect::<Result<_, _>>()?
    };
    super::officer_store::set_attendance(&state.db, user.id, training, &ids, today).await?;
    leptos_axum::redirect(&format!("/staff/training/officers/trainings/{training}?saved=1"));
    Ok(())
}
