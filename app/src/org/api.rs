//! Server functions of the organisation page (system administrator only; enterprises also the
//! training administrator).
use crate::base::errors::AppError;
use leptos::prelude::*;

#[server(endpoint = "org_data")]
pub async fn load_org() -> Result<super::OrgData, AppError> {
    use crate::accounts::{ssr::require, Permission};
    require(Permission::ManageWorkflowRules).await?;
    let state = crate::state::app_state()?;
    super::ssr::org(&state.db).await
}

#[server(endpoint = "save_department")]
pub async fn save_department(
    code: String,
    name_zh: String,
    name_en: String,
    town: Option<String>,
    active: Option<String>,
) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageWorkflowRules).await?;
    let state = crate::state::app_state()?;
    let town = town.unwrap_or_default();
    super::ssr::save_department(&state.db, user.id, &code, &name_zh, &name_en, &town, active.is_some()).await?;
    leptos_axum::redirect("/admin/organisation");
    Ok(())
}

#[server(endpoint = "save_town")]
pub async fn save_town(code: String, name_zh: String, name_en: String, kind: String, active: Option<String>) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageWorkflowRules).await?;
    let state = crate::state::app_state()?;
    super::ssr::save_town(&state.db, user.id, &code, &name_zh, &name_en, &kind, active.is_some()).await?;
    state.area::<super::ssr::ChoiceCache>()?.invalidate();
    leptos_axum::redirect("/admin/organisation");
    Ok(())
}

#[server(endpoint = "save_village")]
pub async fn save_village(
    code: String,
    name_zh: String,
    name_en: String,
    town: String,
    kind: String,
    active: Option<String>,
) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageWorkflowRules).await?;
    let state = crate::state::app_state()?;
    super::ssr::save_village(&state.db, user.id, &code, &name_zh, &name_en, &town, &kind, active.is_some()).await?;
    leptos_axum::redirect("/admin/organisation#villages");
    Ok(())
}

#[server(endpoint = "save_enterprise")]
#[allow(clippy::too_many_arguments)]
pub async fn save_enterprise(
    credit_code: String,
    name: String,
    town: String,
    village: Option<String>,
    sector: Option<String>,
    employees: String,
    high_risk: Option<String>,
    active: Option<String>,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageEnterprises).await?;
    let state = crate::state::app_state()?;
    let input = super::ssr::EnterpriseInput {
        credit_code: &credit_code,
        name: &name,
        town: &town,
        village: village.as_deref().unwrap_or_default(),
        sector: sector.as_deref().unwrap_or_default(),
        employees: &employees,
        high_risk: high_risk.is_some(),
        active: active.is_some(),
    };
    super::ssr::save_enterprise(&state.db, user.id, &input).await?;
    // Back to the page the form was on: the training administrator's enterprise (a new one's
    // code is upper-cased as stored), or the organisation page.
    let code = credit_code.trim().to_uppercase();
    match back.as_deref() {
        Some("training") if code.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            leptos_axum::redirect(&format!("/staff/training/enterprises/{code}?saved=1"))
        }
        _ => leptos_axum::redirect("/admin/organisation#enterprises"),
    }
    Ok(())
}
