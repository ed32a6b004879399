//! Revealing the sealed identity or payee details of a case, with a reason, audit-logged.
use super::*;

/// Decrypt the reporter's identity ("identity") or the reward payee ("payee") for staff with a
/// reason; the reveal is written to the audit log in the same transaction as nothing else.
pub async fn reveal(state: &AppState, user: &CurrentUser, case_number: &str, what: &str, reason: &str) -> Result<Revealed, AppError> {
    let db = &state.db;
    let id = case_id(db, user, case_number).await?;
    let allowed = match what {
        "identity" => matches!(user.role, Role::IntakeOfficer | Role::RewardOfficer),
        "payee" => user.role == Role::RewardOfficer,
        _ => false,
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let mut e = FieldErrors::default();
    e.text("reason", reason, 4, 500);
    e.done()?;
    let lines = if what == "identity" {
        let sealed: Option<String> = sqlx::query_scalar("select sealed from report_identities where report_id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
        let sealed = sealed.ok_or_else(|| AppError::field("reason", "nothing_sealed"))?;
        let (name, phone, joint) = crate::cases::ssr::open_identity(&state.data_key, id, &sealed)?;
        vec![("name".into(), name), ("phone".into(), phone), ("joint".into(), joint)]
    } else {
        let sealed: Option<String> = sqlx::query_scalar("select sealed from reward_claims where report_id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
        let sealed = sealed.ok_or_else(|| AppError::field("reason", "nothing_sealed"))?;
        let p = crate::rewards::ssr::open_payee(&state.data_key, id, &sealed)?;
        vec![("name".into(), p.name), ("id_number".into(), p.id_number), ("bank".into(), p.bank), ("account".into(), p.account)]
    };
    audit::record(
        db,
        Entry {
            user_id: Some(user.id),
            action: if what == "identity" { "identity_revealed" } else { "payee_revealed" },
            report_id: Some(id),
            reason: Some(reason.trim()),
            details: "{}".into(),
        },
    )
    .await?;
    tracing::info!(user_id = user.id, report_id = id, what, "sealed data revealed");
    Ok(Revealed { lines })
}
