//! Taking an operation on a case (`act`): scope, then one transaction that reads the case and
//! everything the checks need, checks role and state (`rules::check`) and the input
//! (`validate`), stores it (`store`), keeps merged cases in step and writes the audit entry.
use super::validate::{validate, Ctx, OtherCase};
use super::*;
use crate::cases::ssr::Tx;
use crate::rewards::rules::RewardRules;

/// Take one operation on a case. Validation errors name the field; state errors come on "op".
pub async fn act(state: &AppState, user: &CurrentUser, case_number: &str, input: ActInput) -> Result<(), AppError> {
    let db = &state.db;
    let op = Op::parse(input.op.trim()).ok_or_else(|| AppError::field("op", "unknown_op"))?;
    // Scope first (another department's case answers 404), before any transaction is open.
    let id = case_id(db, user, case_number).await?;
    let mut tx = db.begin().await?;
    let w = work_row(&mut tx, id).await?;
    if !actor_allowed(op, user, &w) {
        return Err(AppError::Forbidden);
    }
    let rect = rectification(&mut tx, id).await?;
    let decision = crate::rewards::ssr::decision(&mut tx, id).await?;
    rules::check(op, &facts(&w, &rect, &decision)).map_err(|code| AppError::field("op", code))?;
    let ctx = context(&mut tx, state, op, &input, id, user.id, w, decision).await?;
    let valid = validate(op, &input, &ctx)?;
    let logged = super::store::store(&mut tx, &ctx, &valid).await?;
    // Merged cases follow their primary: routing, verification, extension and the joint reply
    // (a merge syncs its primary itself; other operations change nothing that is copied).
    if matches!(op, Op::Route | Op::Verify | Op::DecideExtension | Op::Reply) {
        sync_followers(&mut tx, id, ctx.now).await?;
    }
    let entry = Entry {
        user_id: Some(user.id),
        action: op.as_str(),
        report_id: Some(id),
        reason: logged.reason.as_deref(),
        details: logged.details.to_string(),
    };
    audit::append(db, &mut tx, entry, ctx.now).await?;
    tx.commit().await?;
    Ok(())
}

/// Read what `validate` needs for this operation, inside its transaction.
#[allow(clippy::too_many_arguments)]
async fn context<'a>(
    tx: &mut Tx<'_>,
    state: &'a AppState,
    op: Op,
    input: &ActInput,
    id: i64,
    user_id: i64,
    w: WorkRow,
    decision: Option<crate::rewards::ssr::DecisionRow>,
) -> Result<Ctx<'a>, AppError> {
    let other_number = crate::cases::normalize_code(&input.other_case);
    let other: Option<OtherCase> = if matches!(op, Op::Duplicate | Op::Merge) {
        sqlx::query_as("select id, received_at, status, merged_into from reports where case_number = $1")
            .bind(&other_number)
            .fetch_optional(&mut **tx)
            .await?
    } else {
        None
    };
    let (mut lead, mut cooperating, mut suggestion) = (None, Vec::new(), None);
    if op == Op::Route {
        lead = department_id(tx, &input.lead).await?;
        for code in &input.cooperating {
            cooperating.push(department_id(tx, code).await?);
        }
        suggestion = suggest(tx, w.sector_id, w.town_id)
            .await?
            .map(|(lead, coop)| (lead.code, coop.into_iter().map(|c| c.code).collect()));
    }
    let followers: i64 = if op == Op::Reply {
        sqlx::query_scalar("select count(*) from reports where merged_into = $1").bind(id).fetch_one(&mut **tx).await?
    } else {
        0
    };
    Ok(Ctx {
        id,
        user_id,
        now: now(),
        w,
        calendar: crate::base::calendar::load_calendar(&mut **tx).await?,
        deadlines: &state.deadlines,
        rewards: state.area::<RewardRules>()?,
        other,
        other_number,
        lead,
        cooperating,
        suggestion,
        followers,
        decision,
    })
}
