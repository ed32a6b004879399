//! The training administrator's enterprises (issue 15): the enterprises whose training records
//! the district keeps (the same rows as the organisation page's, `org`), and their safety
//! managers' portal accounts — created, disabled, re-enabled, given a new password. Nothing else
//! about accounts: the role and enterprise of these accounts are fixed here.
use crate::base::errors::AppError;
use crate::org::{EnterpriseChoices, OrgEnterprise};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Enterprises a list shows at most (a search narrows it).
pub const LISTED_MAX: usize = 200;

/// The list page: the enterprises found, how many there were, and the form's choices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseList {
    pub search: String,
    pub found: usize,
    pub enterprises: Vec<OrgEnterprise>,
    pub choices: EnterpriseChoices,
}

/// A safety manager's account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagerAccount {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub active: bool,
}

/// One enterprise with its managers' accounts and the people in its training records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseAccounts {
    pub enterprise: OrgEnterprise,
    pub records: i64,
    pub managers: Vec<ManagerAccount>,
    pub choices: EnterpriseChoices,
}

#[cfg(feature = "ssr")]
async fn admin() -> Result<(crate::accounts::CurrentUser, crate::state::AppState), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageEnterpriseAccounts).await?;
    Ok((user, crate::state::app_state()?))
}

/// The enterprise of a credit code: its id and row; not found otherwise.
#[cfg(feature = "ssr")]
async fn enterprise(db: &crate::base::db::Db, code: &str) -> Result<(i64, OrgEnterprise), AppError> {
    let code = code.trim().to_uppercase();
    if code.is_empty() || code.len() > 18 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(AppError::NotFound);
    }
    crate::org::ssr::enterprise_by_code(db, &code).await?.ok_or(AppError::NotFound)
}

/// The enterprises whose name or credit code contains `q` (all when none), at most `LISTED_MAX`.
#[server(endpoint = "training_enterprises")]
pub async fn training_enterprises(q: Option<String>) -> Result<EnterpriseList, AppError> {
    let (_, state) = admin().await?;
    let search: String = q.unwrap_or_default().trim().chars().take(50).collect();
    let mut enterprises = crate::org::ssr::enterprises(&state.db, &search).await?;
    let found = enterprises.len();
    enterprises.truncate(LISTED_MAX);
    Ok(EnterpriseList { search, found, enterprises, choices: crate::org::ssr::enterprise_choices(&state.db).await? })
}

/// One enterprise (by credit code) with its managers' accounts.
#[server(endpoint = "training_enterprise")]
pub async fn training_enterprise(code: String) -> Result<EnterpriseAccounts, AppError> {
    let (_, state) = admin().await?;
    let (id, enterprise) = enterprise(&state.db, &code).await?;
    let records: i64 = sqlx::query_scalar("select count(*) from training_employees where enterprise_id = $1 and active = 1").bind(id).fetch_one(&state.db.pool).await?;
    let managers = crate::accounts::ssr::enterprise_managers(&state.db, id)
        .await?
        .into_iter()
        .map(|(id, username, display_name, active)| ManagerAccount { id, username, display_name, active })
        .collect();
    Ok(EnterpriseAccounts { enterprise, records, managers, choices: crate::org::ssr::enterprise_choices(&state.db).await? })
}

/// Create a safety manager's account for the enterprise (by credit code).
#[server(endpoint = "create_manager_account")]
pub async fn create_manager_account(
    enterprise: String,
    #[server(default)] username: String,
    #[server(default)] display_name: String,
    #[server(default)] password: String,
) -> Result<(), AppError> {
    use crate::accounts::{ssr, Role};
    let (user, state) = admin().await?;
    let (id, row) = self::enterprise(&state.db, &enterprise).await?;
    if !row.active {
        return Err(AppError::field("op", "enterprise_retired"));
    }
    let new_user = ssr::NewUser {
        username: username.trim().to_string(),
        display_name,
        role: Role::EnterpriseManager,
        department_id: None,
        enterprise_id: Some(id),
        is_demo: false,
    };
    ssr::create_user(&state, new_user, password, Some(user.id)).await?;
    leptos_axum::redirect(&format!("/staff/training/enterprises/{}?created=1", row.credit_code));
    Ok(())
}

/// The manager account `id` of the enterprise, checked to be one.
#[cfg(feature = "ssr")]
async fn manager_of(db: &crate::base::db::Db, enterprise: &str, id: i64) -> Result<OrgEnterprise, AppError> {
    let (eid, row) = self::enterprise(db, enterprise).await?;
    let found = crate::accounts::ssr::enterprise_managers(db, eid).await?.into_iter().any(|m| m.0 == id);
    if found {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}

/// Disable a manager's account (no `active`) or enable it again.
#[server(endpoint = "set_manager_active")]
pub async fn set_manager_active(enterprise: String, id: i64, active: Option<String>) -> Result<(), AppError> {
    use crate::accounts::{ssr, Role};
    let (user, state) = admin().await?;
    let row = manager_of(&state.db, &enterprise, id).await?;
    if active.is_some() && !row.active {
        return Err(AppError::field("op", "enterprise_retired"));
    }
    ssr::set_role_account_active(&state.db, user.id, id, Role::EnterpriseManager, active.is_some()).await?;
    leptos_axum::redirect(&format!("/staff/training/enterprises/{}?saved=1", row.credit_code));
    Ok(())
}

/// Set a new password on a manager's account (they tell it to the manager in person).
#[server(endpoint = "set_manager_password")]
pub async fn set_manager_password(enterprise: String, id: i64, #[server(default)] password: String) -> Result<(), AppError> {
    use crate::accounts::{ssr, Role};
    let (user, state) = admin().await?;
    let row = manager_of(&state.db, &enterprise, id).await?;
    ssr::set_role_account_password(&state, user.id, id, Role::EnterpriseManager, password).await?;
    leptos_axum::redirect(&format!("/staff/training/enterprises/{}?password=1", row.credit_code));
    Ok(())
}
