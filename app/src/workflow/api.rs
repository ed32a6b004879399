//! Server functions of the staff workflow. Each checks the role (`require`) and then the scope
//! of the case inside `ssr` (departments see only their own cases; only the lead department acts).
use super::*;
use crate::base::errors::AppError;
use leptos::prelude::*;
use std::collections::HashMap;

#[server(endpoint = "staff_queue")]
pub async fn staff_queue(filter: QueueFilter) -> Result<Queue, AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ReadReports).await?;
    let state = crate::state::app_state()?;
    ssr::queue(&state, &user, &filter).await
}

#[server(endpoint = "case_work")]
pub async fn load_case_work(case_number: String) -> Result<CaseWork, AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ReadReports).await?;
    let state = crate::state::app_state()?;
    ssr::case_work(&state, &user, &case_number).await
}

/// One form for every case operation; `op` names it (see `rules::Op`). Checkbox groups arrive as
/// maps (`cooperating[ZJJ]=ZJJ`, `actions[order_rectification]=…`).
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "case_action")]
pub async fn case_action(
    case_number: String,
    op: String,
    code: Option<String>,
    text: Option<String>,
    reason: Option<String>,
    amount: Option<String>,
    days: Option<String>,
    date: Option<String>,
    lead: Option<String>,
    cooperating: Option<HashMap<String, String>>,
    actions: Option<HashMap<String, String>>,
    other_case: Option<String>,
    target: Option<String>,
    responsible: Option<String>,
    measures: Option<String>,
    funds: Option<String>,
    contingency: Option<String>,
    level: Option<String>,
    deaths: Option<String>,
    version: Option<String>,
) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ReadReports).await?;
    let state = crate::state::app_state()?;
    let keys = |m: Option<HashMap<String, String>>| {
        let mut v: Vec<String> = m.unwrap_or_default().into_keys().collect();
        v.sort();
        v
    };
    let op_name = op.clone();
    let input = ssr::ActInput {
        op,
        code: code.unwrap_or_default(),
        text: text.unwrap_or_default(),
        reason: reason.unwrap_or_default(),
        amount: amount.unwrap_or_default(),
        days: days.unwrap_or_default(),
        date: date.unwrap_or_default(),
        lead: lead.unwrap_or_default(),
        cooperating: keys(cooperating),
        actions: keys(actions),
        other_case: other_case.unwrap_or_default(),
        target: target.unwrap_or_default(),
        responsible: responsible.unwrap_or_default(),
        measures: measures.unwrap_or_default(),
        funds: funds.unwrap_or_default(),
        contingency: contingency.unwrap_or_default(),
        level: level.unwrap_or_default(),
        deaths: deaths.unwrap_or_default(),
        version: version.unwrap_or_default(),
    };
    // Field errors carry the operation ("reply.code") so each form on the page shows its own.
    ssr::act(&state, &user, &case_number, input).await.map_err(|e| match e {
        AppError::Validation(errs) => AppError::Validation(
            errs.into_iter()
                .map(|mut f| {
                    f.field = format!("{op_name}.{}", f.field);
                    f
                })
                .collect(),
        ),
        other => other,
    })?;
    leptos_axum::redirect(&format!("/staff/reports/{}", crate::cases::normalize_code(&case_number)));
    Ok(())
}

/// Reveal the sealed reporter identity ("identity") or reward payee ("payee") with a reason.
#[server(endpoint = "reveal_sealed")]
pub async fn reveal_sealed(case_number: String, what: String, reason: String) -> Result<Revealed, AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::RevealIdentity).await?;
    let state = crate::state::app_state()?;
    ssr::reveal(&state, &user, &case_number, &what, &reason).await
}

#[server(endpoint = "staff_dashboard")]
pub async fn staff_dashboard(filter: QueueFilter) -> Result<Dashboard, AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ReadReports).await?;
    let state = crate::state::app_state()?;
    ssr::dashboard(&state, &user, &filter).await
}

#[server(endpoint = "routing_table")]
pub async fn load_routing_table() -> Result<RoutingTable, AppError> {
    use crate::accounts::{ssr::require, Permission};
    require(Permission::ManageWorkflowRules).await?;
    let state = crate::state::app_state()?;
    ssr::routing_table(&state.db).await
}

#[server(endpoint = "save_routing_rule")]
pub async fn save_routing_rule(
    sector: String,
    town: Option<String>,
    lead: String,
    cooperating: Option<HashMap<String, String>>,
) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageWorkflowRules).await?;
    let state = crate::state::app_state()?;
    let coop: Vec<String> = cooperating.unwrap_or_default().into_keys().collect();
    ssr::save_rule(&state.db, Some(user.id), &sector, &town.unwrap_or_default(), &lead, &coop).await?;
    leptos_axum::redirect("/admin/routing");
    Ok(())
}

#[server(endpoint = "delete_routing_rule")]
pub async fn delete_routing_rule(id: i64) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageWorkflowRules).await?;
    let state = crate::state::app_state()?;
    ssr::delete_rule(&state.db, user.id, id).await?;
    leptos_axum::redirect("/admin/routing");
    Ok(())
}

#[server(endpoint = "holiday_list")]
pub async fn holiday_list() -> Result<Vec<HolidayRow>, AppError> {
    use crate::accounts::{ssr::require, Permission};
    require(Permission::ManageWorkflowRules).await?;
    let state = crate::state::app_state()?;
    ssr::holidays(&state.db).await
}

#[server(endpoint = "save_holiday")]
pub async fn save_holiday(day: String, kind: String, name: String) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageWorkflowRules).await?;
    let state = crate::state::app_state()?;
    ssr::save_holiday(&state.db, user.id, &day, &kind, &name).await?;
    leptos_axum::redirect("/admin/calendar");
    Ok(())
}

#[server(endpoint = "delete_holiday")]
pub async fn delete_holiday(day: String) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageWorkflowRules).await?;
    let state = crate::state::app_state()?;
    ssr::delete_holiday(&state.db, user.id, &day).await?;
    leptos_axum::redirect("/admin/calendar");
    Ok(())
}

#[server(endpoint = "audit_log")]
pub async fn audit_log(case_number: Option<String>) -> Result<AuditPage, AppError> {
    use crate::accounts::{ssr::require, Permission};
    require(Permission::ReadAuditLog).await?;
    let state = crate::state::app_state()?;
    ssr::audit_page(&state.db, &case_number.unwrap_or_default()).await
}
