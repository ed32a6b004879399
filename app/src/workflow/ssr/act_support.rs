//! What the case operations share: the input, staff messages, department lookup, and keeping
//! merged cases in step.
use super::*;
use crate::cases::ssr::{event, Tx};

/// The fields any operation's form may carry.
#[derive(Clone, Debug, Default)]
pub struct ActInput {
    pub op: String,
    pub code: String,
    pub text: String,
    pub reason: String,
    pub amount: String,
    pub days: String,
    pub date: String,
    pub lead: String,
    pub cooperating: Vec<String>,
    pub actions: Vec<String>,
    pub other_case: String,
    pub target: String,
    pub responsible: String,
    pub measures: String,
    pub funds: String,
    pub contingency: String,
    /// A concealed accident's level (`reports::rules::ACCIDENT_LEVELS`) and concealed deaths.
    pub level: String,
    pub deaths: String,
    /// The reward decision the approver saw (`RewardDecision::version`): approval is bound to it.
    pub version: String,
}

pub(super) async fn staff_message(
    tx: &mut Tx<'_>,
    report_id: i64,
    user_id: i64,
    body: &str,
    ts: i64,
) -> Result<(), AppError> {
    if body.trim().is_empty() {
        return Ok(());
    }
    sqlx::query("insert into report_messages (report_id, author, staff_user_id, body, created_at) values ($1, 'staff', $2, $3, $4)")
        .bind(report_id)
        .bind(user_id)
        .bind(body.trim())
        .bind(ts)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// An active department by code.
pub(super) async fn department_id(conn: &mut sqlx::AnyConnection, code: &str) -> Result<Option<super::validate::Dept>, AppError> {
    let row: Option<(i64, Option<i64>)> = sqlx::query_as("select id, town_id from departments where code = $1 and active = 1")
        .bind(code.trim())
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(id, town_id)| super::validate::Dept { id, town_id }))
}

/// Bring the cases merged into `primary` (并案) to its state while it is being handled: same
/// status, departments and findings, and at the reply the same joint reply and objection window
/// (each reporter may then object or claim on their own case). A timeline entry marks each
/// change of a follower's status. Fines stay with the primary, which holds the reward priority.
pub(super) async fn sync_followers(tx: &mut Tx<'_>, primary: i64, ts: i64) -> Result<(), AppError> {
    type P = (Status, Option<i64>, Option<String>, Option<String>, Option<String>, Option<String>, Option<i64>, Option<i64>);
    let p: Option<P> = sqlx::query_as(
        "select status, lead_department_id, verification_result, handling_actions, handling_account, reply_text, \
         replied_at, objection_until from reports where id = $1",
    )
    .bind(primary)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((status, lead, result, actions, account, reply, replied_at, objection_until)) = p else { return Ok(()) };
    if !(Status::HANDLING.contains(&status) || status == Status::Replied) {
        return Ok(());
    }
    let followers: Vec<(i64, Status, Option<i64>)> = sqlx::query_as(&format!(
        "select id, status, lead_department_id from reports where merged_into = $1 and status in {}",
        sql_list(&Status::HANDLING)
    ))
    .bind(primary)
    .fetch_all(&mut **tx)
    .await?;
    let lead_code: Option<String> = match lead {
        Some(l) => sqlx::query_scalar("select code from departments where id = $1").bind(l).fetch_optional(&mut **tx).await?,
        None => None,
    };
    for (fid, fstatus, flead) in followers {
        sqlx::query(
            "update reports set status = $2, lead_department_id = $3, verification_result = $4, handling_actions = $5, \
             handling_account = $6, reply_text = $7, replied_at = $8, objection_until = $9, due_at = null, \
             routed_at = case when $3 is null then routed_at else coalesce(routed_at, $10) end, updated_at = $10 where id = $1",
        )
        .bind(fid)
        .bind(status)
        .bind(lead)
        .bind(&result)
        .bind(&actions)
        .bind(&account)
        .bind(&reply)
        .bind(replied_at)
        .bind(objection_until)
        .bind(ts)
        .execute(&mut **tx)
        .await?;
        sqlx::query("delete from report_departments where report_id = $1").bind(fid).execute(&mut **tx).await?;
        sqlx::query(
            "insert into report_departments (report_id, department_id, role) \
             select $1, department_id, role from report_departments where report_id = $2",
        )
        .bind(fid)
        .bind(primary)
        .execute(&mut **tx)
        .await?;
        if fstatus != status || (flead != lead && status != Status::Accepted) {
            let note = if status == Status::Verifying { lead_code.as_deref() } else { None };
            event(tx, fid, status.as_str(), None, note, ts).await?;
        }
    }
    Ok(())
}
