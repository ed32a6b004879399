//! Server functions of the public tip-off. All are public (anonymous reporters have no account);
//! each one checks what it needs itself: a signed form token, a proven access code in the
//! session (the "grant"), rate limits. Attachment uploads are plain multipart routes in the
//! server crate (`/report/submit`, `/lookup/message`) that call into `ssr`.
use super::{CaseView, Receipt, ReportFormContext};
use crate::base::errors::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::state::client_ip;

#[cfg(feature = "ssr")]
async fn session() -> Result<tower_sessions::Session, AppError> {
    crate::accounts::ssr::session().await
}

/// Choices, limits and a fresh form token for the report form (plus the last error and draft
/// after a failed submission without JavaScript). `lang` is the page's language (an unknown one, or
/// none, means the default, Chinese).
#[server(endpoint = "report_form")]
pub async fn report_form(lang: Option<String>) -> Result<ReportFormContext, AppError> {
    let state = crate::state::app_state()?;
    let locale = lang.and_then(|l| l.parse::<crate::i18n::Locale>().ok()).unwrap_or_default();
    super::ssr::form_context(&state, &session().await?, locale).await
}

/// The receipt of the report just submitted in this session, once.
#[server(endpoint = "take_receipt")]
pub async fn take_receipt() -> Result<Option<Receipt>, AppError> {
    let state = crate::state::app_state()?;
    crate::base::sealed::take_sealed(&state.data_key, &session().await?, super::ssr::SESSION_RECEIPT).await
}

/// Prove number + access code; the case is then open in this session for a while.
#[server(endpoint = "lookup_case")]
pub async fn lookup_case(case_number: String, access_code: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let id = super::ssr::lookup(&state, client_ip(), &case_number, &access_code).await?;
    super::ssr::grant(&session().await?, &state, id).await?;
    leptos_axum::redirect("/lookup/case");
    Ok(())
}

/// The case opened in this session, or `None` when no case is open.
#[server(endpoint = "my_case")]
pub async fn my_case() -> Result<Option<CaseView>, AppError> {
    let state = crate::state::app_state()?;
    let session = session().await?;
    match super::ssr::granted(&state, &session).await? {
        Some(id) => Ok(Some(super::ssr::case_view(&state, &session, id).await?)),
        None => Ok(None),
    }
}

/// Close the case in this session (on a shared phone).
#[server(endpoint = "close_case")]
pub async fn close_case() -> Result<(), AppError> {
    let session = session().await?;
    session
        .remove::<String>(super::ssr::SESSION_GRANT)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    leptos_axum::redirect("/lookup");
    Ok(())
}

#[server(endpoint = "withdraw_report")]
pub async fn withdraw_report(confirm: Option<String>) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let id = super::ssr::require_grant(&state, &session().await?).await?;
    if confirm.as_deref() != Some("yes") {
        return Err(AppError::field("withdraw", "confirm_required"));
    }
    super::ssr::withdraw(&state, id).await?;
    leptos_axum::redirect("/lookup/case");
    Ok(())
}

#[server(endpoint = "file_objection")]
pub async fn file_objection(objection: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let id = super::ssr::require_grant(&state, &session().await?).await?;
    super::ssr::object(&state, id, &objection).await?;
    leptos_axum::redirect("/lookup/case");
    Ok(())
}

#[server(endpoint = "claim_reward")]
pub async fn claim_reward(
    claim_code: String,
    payee_name: String,
    id_number: String,
    bank: String,
    account: String,
) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let id = super::ssr::require_grant(&state, &session().await?).await?;
    let input = super::ssr::ClaimInput { access_code: claim_code, payee_name, id_number, bank, account };
    super::ssr::claim(&state, id, input).await?;
    leptos_axum::redirect("/lookup/case");
    Ok(())
}

/// The reward rules in force, for the public estimator.
#[server(endpoint = "reward_rules")]
pub async fn reward_rules() -> Result<crate::rewards::rules::RewardRules, AppError> {
    Ok(crate::state::app_state()?.area::<crate::rewards::rules::RewardRules>()?.clone())
}
