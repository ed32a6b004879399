//! Storing a checked case operation: one function per operation, each inside the operation's
//! transaction. Every UPDATE repeats its precondition (status, not yet done) so that of two
//! concurrent clicks only one changes anything; the other gets "conflict" and rolls back.
use super::validate::{Ctx, ValidOp};
use super::*;
use crate::cases::ssr::{event, exactly_one, Logged, Tx};
use crate::rewards::ssr as reward;

pub(super) async fn store(tx: &mut Tx<'_>, c: &Ctx<'_>, op: &ValidOp) -> Result<Logged, AppError> {
    let (id, ts) = (c.id, c.now);
    match op {
        ValidOp::Accept { note, due } => accept(tx, c, note, *due).await,
        ValidOp::Refuse { code, note } => refuse(tx, c, code, note).await,
        ValidOp::Duplicate { of, of_number, note } => duplicate(tx, c, *of, of_number, note).await,
        ValidOp::Merge { into, into_number, note } => merge(tx, c, *into, into_number, note).await,
        ValidOp::Transfer { target, note } => transfer(tx, c, target, note).await,
        ValidOp::Route { .. } => route(tx, c, op).await,
        ValidOp::Verify { result, actions, fine_fen, account } => verify(tx, c, result, actions, *fine_fen, account).await,
        ValidOp::Rectify { .. } => rectify(tx, c, op).await,
        ValidOp::RectifyDone { evidence } => rectify_done(tx, c, evidence).await,
        ValidOp::RequestExtension { days, reason } => request_extension(tx, c, *days, reason).await,
        ValidOp::DecideExtension { approve, days, refusal } => decide_extension(tx, c, *approve, *days, refusal).await,
        ValidOp::Reply { text, eligible, objection_until } => reply(tx, c, text, *eligible, *objection_until).await,
        ValidOp::Escalate { reason, due } => escalate(tx, c, reason, *due).await,
        ValidOp::ReviewResult { upheld, note, due } => review_result(tx, c, *upheld, note, *due).await,
        ValidOp::Close => close(tx, c).await,
        ValidOp::RewardDecide(d) => reward::store_decide(tx, id, c.user_id, d, ts).await,
        ValidOp::RewardApprove(a) => reward::store_approve(tx, id, c.user_id, a, ts).await,
        ValidOp::RewardPay(p) => reward::store_pay(tx, id, p, ts).await,
    }
}

async fn accept(tx: &mut Tx<'_>, c: &Ctx<'_>, note: &str, due: i64) -> Result<Logged, AppError> {
    exactly_one(
        tx,
        sqlx::query(
            "update reports set status = 'accepted', accepted_at = $2, due_at = $3, updated_at = $2 \
             where id = $1 and status = 'submitted'",
        )
        .bind(c.id)
        .bind(c.now)
        .bind(due),
    )
    .await?;
    event(tx, c.id, "accepted", None, None, c.now).await?;
    staff_message(tx, c.id, c.user_id, note, c.now).await?;
    Ok(Logged::details(json!({ "due_at": due })))
}

async fn refuse(tx: &mut Tx<'_>, c: &Ctx<'_>, code: &str, note: &str) -> Result<Logged, AppError> {
    exactly_one(
        tx,
        sqlx::query(
            "update reports set status = 'not_accepted', decision_code = $2, due_at = null, closed_at = $3, \
             updated_at = $3 where id = $1 and status = 'submitted'",
        )
        .bind(c.id)
        .bind(code)
        .bind(c.now),
    )
    .await?;
    event(tx, c.id, "not_accepted", Some(code), None, c.now).await?;
    staff_message(tx, c.id, c.user_id, note, c.now).await?;
    Ok(Logged::because(code, json!({})))
}

async fn duplicate(tx: &mut Tx<'_>, c: &Ctx<'_>, of: i64, of_number: &str, note: &str) -> Result<Logged, AppError> {
    exactly_one(
        tx,
        sqlx::query(
            "update reports set status = 'not_accepted', decision_code = 'duplicate_already_accepted', \
             duplicate_of = $2, due_at = null, closed_at = $3, updated_at = $3 where id = $1 and status = 'submitted'",
        )
        .bind(c.id)
        .bind(of)
        .bind(c.now),
    )
    .await?;
    event(tx, c.id, "not_accepted", Some("duplicate_already_accepted"), None, c.now).await?;
    staff_message(tx, c.id, c.user_id, note, c.now).await?;
    Ok(Logged::details(json!({ "duplicate_of": of_number })))
}

/// 并案: this case follows an earlier open one (the earliest registered report keeps the reward
/// priority); cases already merged into this one move with it.
async fn merge(tx: &mut Tx<'_>, c: &Ctx<'_>, into: i64, into_number: &str, note: &str) -> Result<Logged, AppError> {
    exactly_one(
        tx,
        sqlx::query(
            "update reports set merged_into = $2, accepted_at = coalesce(accepted_at, $3), due_at = null, \
             status = case when status = 'submitted' then 'accepted' else status end, updated_at = $3 \
             where id = $1 and merged_into is null and status = $4",
        )
        .bind(c.id)
        .bind(into)
        .bind(c.now)
        .bind(c.w.status),
    )
    .await?;
    sqlx::query("update reports set merged_into = $2, updated_at = $3 where merged_into = $1")
        .bind(c.id)
        .bind(into)
        .bind(c.now)
        .execute(&mut **tx)
        .await?;
    event(tx, c.id, "merged", None, None, c.now).await?;
    staff_message(tx, c.id, c.user_id, note, c.now).await?;
    sync_followers(tx, into, c.now).await?;
    Ok(Logged::details(json!({ "merged_into": into_number })))
}

async fn transfer(tx: &mut Tx<'_>, c: &Ctx<'_>, target: &str, note: &str) -> Result<Logged, AppError> {
    exactly_one(
        tx,
        sqlx::query(
            "update reports set status = 'transferred', transfer_target = $2, due_at = null, closed_at = $3, \
             updated_at = $3 where id = $1 and status = 'submitted'",
        )
        .bind(c.id)
        .bind(target)
        .bind(c.now),
    )
    .await?;
    event(tx, c.id, "transferred", None, Some(target), c.now).await?;
    staff_message(tx, c.id, c.user_id, note, c.now).await?;
    Ok(Logged::details(json!({ "target": target })))
}

async fn route(tx: &mut Tx<'_>, c: &Ctx<'_>, op: &ValidOp) -> Result<Logged, AppError> {
    let ValidOp::Route { lead, lead_code, handed_down, cooperating, override_reason } = op else {
        return Err(AppError::Internal);
    };
    exactly_one(
        tx,
        sqlx::query(
            "update reports set lead_department_id = $2, routed_at = $3, updated_at = $3, \
             status = case when status = 'accepted' then 'verifying' else status end \
             where id = $1 and status = $4",
        )
        .bind(c.id)
        .bind(lead)
        .bind(c.now)
        .bind(c.w.status),
    )
    .await?;
    sqlx::query("delete from report_departments where report_id = $1").bind(c.id).execute(&mut **tx).await?;
    let roles = std::iter::once((*lead, "lead")).chain(cooperating.iter().map(|(d, _)| (*d, "cooperating")));
    for (department, role) in roles {
        sqlx::query("insert into report_departments (report_id, department_id, role) values ($1, $2, $3)")
            .bind(c.id)
            .bind(department)
            .bind(role)
            .execute(&mut **tx)
            .await?;
    }
    event(tx, c.id, "verifying", handed_down.then_some("handed_down"), Some(lead_code), c.now).await?;
    let details = json!({
        "lead": lead_code,
        "cooperating": cooperating.iter().map(|c| c.1.clone()).collect::<Vec<_>>(),
        "override": override_reason.is_some(),
        "handed_down": handed_down,
    });
    Ok(Logged { reason: override_reason.clone(), details })
}

async fn verify(
    tx: &mut Tx<'_>,
    c: &Ctx<'_>,
    result: &str,
    actions: &[String],
    fine_fen: Option<i64>,
    account: &str,
) -> Result<Logged, AppError> {
    exactly_one(
        tx,
        sqlx::query(
            "update reports set verification_result = $2, verified_at = $3, fine_fen = $4, handling_actions = $5, \
             handling_account = $6, updated_at = $3 where id = $1 and status = $7 and reply_text is null",
        )
        .bind(c.id)
        .bind(result)
        .bind(c.now)
        .bind(fine_fen)
        .bind(actions.join(","))
        .bind(account)
        .bind(c.w.status),
    )
    .await?;
    Ok(Logged::details(json!({ "result": result, "actions": actions, "fine_fen": fine_fen })))
}

async fn rectify(tx: &mut Tx<'_>, c: &Ctx<'_>, op: &ValidOp) -> Result<Logged, AppError> {
    let ValidOp::Rectify { responsible, measures, funds, deadline, contingency } = op else {
        return Err(AppError::Internal);
    };
    exactly_one(
        tx,
        sqlx::query(
            "insert into rectifications (report_id, responsible, measures, funds, deadline, contingency, created_at) \
             select $1, $2, $3, $4, $5, $6, $7 where not exists (select 1 from rectifications where report_id = $1)",
        )
        .bind(c.id)
        .bind(responsible)
        .bind(measures)
        .bind(funds)
        .bind(deadline)
        .bind(contingency)
        .bind(c.now),
    )
    .await?;
    Ok(Logged::details(json!({ "deadline": deadline })))
}

async fn rectify_done(tx: &mut Tx<'_>, c: &Ctx<'_>, evidence: &str) -> Result<Logged, AppError> {
    exactly_one(
        tx,
        sqlx::query("update rectifications set completed_at = $2, evidence = $3 where report_id = $1 and completed_at is null")
            .bind(c.id)
            .bind(c.now)
            .bind(evidence),
    )
    .await?;
    Ok(Logged::details(json!({})))
}

async fn request_extension(tx: &mut Tx<'_>, c: &Ctx<'_>, days: i64, reason: &str) -> Result<Logged, AppError> {
    exactly_one(
        tx,
        sqlx::query(
            "update reports set extension_days = $2, extension_reason = $3, extension_status = 'requested', \
             updated_at = $4 where id = $1 and extension_status is null and status = $5",
        )
        .bind(c.id)
        .bind(days)
        .bind(reason)
        .bind(c.now)
        .bind(c.w.status),
    )
    .await?;
    Ok(Logged::because(reason, json!({ "days": days })))
}

async fn decide_extension(
    tx: &mut Tx<'_>,
    c: &Ctx<'_>,
    approve: bool,
    days: i64,
    refusal: &Option<String>,
) -> Result<Logged, AppError> {
    if approve {
        exactly_one(
            tx,
            sqlx::query(
                "update reports set status = 'extended', extension_status = 'approved', \
                 due_at = coalesce(due_at, $3) + $2, updated_at = $3 \
                 where id = $1 and status = 'verifying' and extension_status = 'requested'",
            )
            .bind(c.id)
            .bind(days * 86_400)
            .bind(c.now),
        )
        .await?;
        event(tx, c.id, "extended", None, c.w.extension_reason.as_deref(), c.now).await?;
    } else {
        exactly_one(
            tx,
            sqlx::query(
                "update reports set extension_status = 'refused', updated_at = $2 where id = $1 and extension_status = 'requested'",
            )
            .bind(c.id)
            .bind(c.now),
        )
        .await?;
    }
    Ok(Logged { reason: refusal.clone(), details: json!({ "approved": approve, "days": days }) })
}

async fn reply(tx: &mut Tx<'_>, c: &Ctx<'_>, text: &str, eligible: bool, objection_until: i64) -> Result<Logged, AppError> {
    exactly_one(
        tx,
        sqlx::query(
            "update reports set status = 'replied', reply_text = $2, replied_at = $3, objection_until = $4, \
             due_at = null, updated_at = $3 where id = $1 and status = $5 and verification_result is not null",
        )
        .bind(c.id)
        .bind(text)
        .bind(c.now)
        .bind(objection_until)
        .bind(c.w.status),
    )
    .await?;
    event(tx, c.id, "replied", None, None, c.now).await?;
    Ok(Logged::details(json!({ "objection_until": objection_until, "eligible": eligible })))
}

/// 复核: the objection goes to the city bureau, with its own deadline.
async fn escalate(tx: &mut Tx<'_>, c: &Ctx<'_>, reason: &str, due: i64) -> Result<Logged, AppError> {
    exactly_one(
        tx,
        sqlx::query(
            "update reports set status = 'review', escalated_at = $2, due_at = $3, updated_at = $2 \
             where id = $1 and status = 'objection'",
        )
        .bind(c.id)
        .bind(c.now)
        .bind(due),
    )
    .await?;
    event(tx, c.id, "review", None, None, c.now).await?;
    Ok(Logged::because(reason, json!({ "to": "city", "due_at": due })))
}

async fn review_result(tx: &mut Tx<'_>, c: &Ctx<'_>, upheld: bool, note: &str, due: Option<i64>) -> Result<Logged, AppError> {
    if upheld {
        exactly_one(
            tx,
            sqlx::query(
                "update reports set status = 'closed', review_outcome = 'upheld', closed_at = $2, due_at = null, \
                 updated_at = $2 where id = $1 and status = 'review'",
            )
            .bind(c.id)
            .bind(c.now),
        )
        .await?;
        event(tx, c.id, "closed", Some("review_upheld"), None, c.now).await?;
    } else {
        exactly_one(
            tx,
            sqlx::query(
                "update reports set status = 'verifying', review_outcome = 'reverify', verification_result = null, \
                 reply_text = null, due_at = $3, updated_at = $2 where id = $1 and status = 'review'",
            )
            .bind(c.id)
            .bind(c.now)
            .bind(due),
        )
        .await?;
        event(tx, c.id, "verifying", Some("review_reverify"), None, c.now).await?;
    }
    staff_message(tx, c.id, c.user_id, note, c.now).await?;
    Ok(Logged::details(json!({ "outcome": if upheld { "upheld" } else { "reverify" } })))
}

async fn close(tx: &mut Tx<'_>, c: &Ctx<'_>) -> Result<Logged, AppError> {
    exactly_one(
        tx,
        sqlx::query("update reports set status = 'closed', closed_at = $2, updated_at = $2 where id = $1 and status = 'replied'")
            .bind(c.id)
            .bind(c.now),
    )
    .await?;
    event(tx, c.id, "closed", None, None, c.now).await?;
    Ok(Logged::details(json!({})))
}
