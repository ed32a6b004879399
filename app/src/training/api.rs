//! Server functions of an enterprise's training records (the enterprise safety manager,
//! `ManageEnterpriseTraining`; every one narrowed to the manager's own enterprise).
use super::{CertificatesView, Compliance, EnterpriseStaff, MyRecord, Session, SessionSheet};
use crate::base::errors::AppError;
use leptos::prelude::*;
use std::collections::HashMap;

#[cfg(feature = "ssr")]
async fn manager() -> Result<(crate::accounts::CurrentUser, i64, crate::state::AppState), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageEnterpriseTraining).await?;
    let enterprise = super::ssr::enterprise_of(&user)?;
    Ok((user, enterprise, crate::state::app_state()?))
}

/// The enterprise and its employees.
#[server(endpoint = "training_staff")]
pub async fn training_staff() -> Result<EnterpriseStaff, AppError> {
    let (_, enterprise, state) = manager().await?;
    let mut staff = super::ssr::staff(&state.db, enterprise).await?;
    staff.report = super::ssr::take_report(&crate::accounts::ssr::session().await?).await?;
    Ok(staff)
}

/// Add an employee (no `id`) or change one; `active` unticked retires them (kept for the record).
#[server(endpoint = "save_employee")]
pub async fn save_employee(
    id: Option<String>,
    #[server(default)] name: String,
    #[server(default)] category: String,
    #[server(default)] hired_on: String,
    #[server(default)] contact: String,
    #[server(default)] account: String,
    active: Option<String>,
) -> Result<(), AppError> {
    let (user, enterprise, state) = manager().await?;
    let id = match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
        None => None,
    };
    let valid = super::validate_employee(&name, &category, &hired_on, &contact, super::ssr::today())?;
    super::ssr::save_employee(&state.db, user.id, enterprise, id, &valid, id.is_none() || active.is_some(), &account).await?;
    leptos_axum::redirect("/training/enterprise");
    Ok(())
}

/// The enterprise's sessions, newest first.
#[server(endpoint = "training_sessions")]
pub async fn training_sessions() -> Result<Vec<Session>, AppError> {
    let (_, enterprise, state) = manager().await?;
    super::session_store::sessions(&state.db, state.area::<super::rules::HourRules>()?, enterprise).await
}

/// Record a session (no `id`) or change one; then its attendance sheet.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "save_session")]
pub async fn save_session(
    id: Option<String>,
    #[server(default)] title: String,
    #[server(default)] audience: String,
    #[server(default)] phase: String,
    #[server(default)] hours: String,
    #[server(default)] held_on: String,
    #[server(default)] trainer: String,
    #[server(default)] material: String,
) -> Result<(), AppError> {
    let (user, enterprise, state) = manager().await?;
    let rules = state.area::<super::rules::HourRules>()?;
    let valid = super::validate_session(&title, &audience, &phase, &hours, &held_on, &trainer, &material, rules.minutes_per_hour, super::ssr::today())?;
    let today = super::ssr::today();
    let id = match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            let id = s.parse::<i64>().map_err(|_| AppError::NotFound)?;
            super::session_store::change_session(&state.db, user.id, enterprise, id, &valid, today).await?;
            id
        }
        None => super::session_store::save_session(&state.db, user.id, enterprise, &valid).await?,
    };
    leptos_axum::redirect(&format!("/training/enterprise/sessions/{id}"));
    Ok(())
}

/// A session and its attendance sheet, with the report of a sign-in sheet just imported into it.
#[server(endpoint = "training_session")]
pub async fn training_session(id: i64) -> Result<SessionSheet, AppError> {
    let (_, enterprise, state) = manager().await?;
    let mut sheet = super::session_store::sheet(&state.db, state.area::<super::rules::HourRules>()?, enterprise, id, super::ssr::today()).await?;
    sheet.report = super::sign_in_import::take_report(&crate::accounts::ssr::session().await?, id).await?;
    Ok(sheet)
}

/// Who attended: the ticked employees (`attended[ID]=ID`, the shape a group of checkboxes posts),
/// or everyone on the sheet with `everyone`.
#[server(endpoint = "save_attendance")]
pub async fn save_attendance(session: i64, attended: Option<HashMap<String, String>>, everyone: Option<String>) -> Result<(), AppError> {
    let (user, enterprise, state) = manager().await?;
    let rules = state.area::<super::rules::HourRules>()?;
    let today = super::ssr::today();
    let ids: Vec<i64> = if everyone.is_some() {
        let sheet = super::session_store::sheet(&state.db, rules, enterprise, session, today).await?;
        sheet.lines.iter().map(|l| l.employee_id).collect()
    } else {
        attended
            .unwrap_or_default()
            .into_values()
            .map(|v| v.trim().parse::<i64>().map_err(|_| AppError::field("op", "employee_unknown")))
            .collect::<Result<_, _>>()?
    };
    super::session_store::set_attendance(&state.db, user.id, enterprise, session, &ids, today).await?;
    leptos_axum::redirect(&format!("/training/enterprise/sessions/{session}?saved=1"));
    Ok(())
}

/// Required against completed hours of every employee in `year` (this year when none).
#[server(endpoint = "training_compliance")]
pub async fn training_compliance(year: Option<i64>) -> Result<Compliance, AppError> {
    let (_, enterprise, state) = manager().await?;
    let today = super::ssr::today();
    let this_year = today.ymd().0;
    let year = year.unwrap_or(this_year);
    if !(1990..=this_year + 1).contains(&year) {
        return Err(AppError::field("year", "date_out_of_range"));
    }
    super::ssr::compliance(&state.db, state.area::<super::rules::HourRules>()?, enterprise, year, today).await
}

/// Special-operation certificates (those needing attention first) and the certificates issued.
#[server(endpoint = "training_certificates")]
pub async fn training_certificates() -> Result<CertificatesView, AppError> {
    let (_, enterprise, state) = manager().await?;
    super::certs::certificates_view(&state.db, state.area::<super::rules::HourRules>()?, enterprise, super::ssr::today()).await
}

/// Record a special-operation certificate (特种作业操作证) of an employee.
#[server(endpoint = "save_op_certificate")]
pub async fn save_op_certificate(
    #[server(default)] employee: String,
    #[server(default)] operation: String,
    #[server(default)] number: String,
    #[server(default)] issued_on: String,
    #[server(default)] reviews: String,
) -> Result<(), AppError> {
    let (user, enterprise, state) = manager().await?;
    let valid = super::validate_op_certificate(&employee, &operation, &number, &issued_on, &reviews, super::ssr::today())?;
    super::certs::save_op_certificate(&state.db, user.id, enterprise, &valid).await?;
    leptos_axum::redirect("/training/enterprise/certificates");
    Ok(())
}

/// Record a review (复审) of a special-operation certificate.
#[server(endpoint = "add_op_review")]
pub async fn add_op_review(id: i64, #[server(default)] reviewed_on: String) -> Result<(), AppError> {
    let (user, enterprise, state) = manager().await?;
    super::certs::add_review(&state.db, user.id, enterprise, id, &reviewed_on, super::ssr::today()).await?;
    leptos_axum::redirect("/training/enterprise/certificates");
    Ok(())
}

/// Issue certificates to a held session's attendees who have none for it yet.
#[server(endpoint = "issue_session_certificates")]
pub async fn issue_session_certificates(session: i64) -> Result<(), AppError> {
    let (user, enterprise, state) = manager().await?;
    let rules = state.area::<super::rules::HourRules>()?;
    super::certs::issue_session_certificates(&state.db, rules, user.id, enterprise, session, super::ssr::today()).await?;
    leptos_axum::redirect("/training/enterprise/certificates");
    Ok(())
}

/// An employee's own record: this year's hours against the requirement, the sessions attended
/// and their certificates. Not found for an account no enterprise has linked to its records.
#[server(endpoint = "my_training")]
pub async fn my_training() -> Result<MyRecord, AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::OwnTraining).await?;
    let state = crate::state::app_state()?;
    super::ssr::my_record(&state.db, state.area::<super::rules::HourRules>()?, user.id, super::ssr::today()).await
}
