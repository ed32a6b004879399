//! One case as staff see it: its row, facts for the state machine, routing suggestion, history.
use super::*;

#[derive(Default, sqlx::FromRow)]
pub struct WorkRow {
    pub(super) case_number: String,
    pub(super) status: Status,
    pub(super) report_type: String,
    pub(super) sector_id: i64,
    pub(super) town_id: i64,
    pub(super) unit_name: Option<String>,
    pub(super) address: String,
    pub(super) received_at: i64,
    pub(super) due_at: Option<i64>,
    pub(super) anonymous: i64,
    pub(super) decision_code: Option<String>,
    pub(super) duplicate_of: Option<i64>,
    pub(super) transfer_target: Option<String>,
    pub(super) lead_department_id: Option<i64>,
    pub(super) verification_result: Option<String>,
    pub(super) fine_fen: Option<i64>,
    pub(super) handling_actions: Option<String>,
    pub(super) handling_account: Option<String>,
    pub(super) extension_days: Option<i64>,
    pub(super) extension_reason: Option<String>,
    pub(super) extension_status: Option<String>,
    pub(super) review_outcome: Option<String>,
    pub(super) reply_text: Option<String>,
    pub(super) objection_until: Option<i64>,
    pub(super) reward_status: String,
    pub(super) reward_amount_fen: Option<i64>,
    pub(super) reward_claim_until: Option<i64>,
    pub(super) merged_into: Option<i64>,
}

pub(super) const WORK_SQL: &str = "select case_number, status, report_type, sector_id, town_id, unit_name, address, \
     received_at, due_at, anonymous, decision_code, duplicate_of, transfer_target, lead_department_id, \
     verification_result, fine_fen, handling_actions, handling_account, extension_days, extension_reason, \
     extension_status, review_outcome, reply_text, objection_until, reward_status, reward_amount_fen, \
     reward_claim_until, merged_into from reports where id = $1";

/// Other reports received no later than this one (bound as $2) at the same address ($3) or unit
/// ($4), excluding itself ($1): duplicate and merge candidates.
pub(super) const EARLIER_SAME_PLACE: &str = "id <> $1 and (received_at < $2 or (received_at = $2 and id < $1)) and \
     (address = $3 or (unit_name is not null and unit_name <> '' and unit_name = $4))";

/// `$5`: a department id, or 0 for no restriction.
pub(super) const IN_DEPARTMENT: &str =
    "($5 = 0 or exists (select 1 from report_departments rd where rd.report_id = reports.id and rd.department_id = $5))";

pub(super) async fn case_number_of(conn: &mut sqlx::AnyConnection, id: Option<i64>) -> Result<Option<String>, AppError> {
    match id {
        Some(id) => Ok(sqlx::query_scalar("select case_number from reports where id = $1").bind(id).fetch_optional(conn).await?),
        None => Ok(None),
    }
}

async fn display_name(conn: &mut sqlx::AnyConnection, user_id: i64) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("select display_name from users where id = $1").bind(user_id).fetch_one(conn).await?)
}

pub(super) async fn work_row(conn: &mut sqlx::AnyConnection, id: i64) -> Result<WorkRow, AppError> {
    sqlx::query_as(WORK_SQL).bind(id).fetch_optional(conn).await?.ok_or(AppError::NotFound)
}

pub(super) async fn rectification(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Option<Rectification>, AppError> {
    let r: Option<(String, String, String, String, String, Option<i64>, Option<String>)> = sqlx::query_as(
        "select responsible, measures, funds, deadline, contingency, completed_at, evidence from rectifications \
         where report_id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(r.map(|r| Rectification {
        responsible: r.0,
        measures: r.1,
        funds: r.2,
        deadline: r.3,
        contingency: r.4,
        completed_at: r.5,
        evidence: r.6,
    }))
}

pub(super) fn facts(w: &WorkRow, rect: &Option<Rectification>, dec: &Option<crate::rewards::ssr::DecisionRow>) -> CaseFacts {
    CaseFacts {
        status: w.status,
        verified: w.verification_result.is_some(),
        substantiated: matches!(w.verification_result.as_deref(), Some("true" | "partly_true")),
        has_rectification: rect.is_some(),
        rectification_done: rect.as_ref().is_some_and(|r| r.completed_at.is_some()),
        extension_status: w.extension_status.clone(),
        reward_status: w.reward_status.clone(),
        reward_decided: dec.is_some(),
        reward_approved: dec.as_ref().is_some_and(|d| d.6.is_some()),
        merged: w.merged_into.is_some(),
    }
}

/// May this user take `op` on this case (role and, for departments, the lead)?
pub(super) fn actor_allowed(op: Op, user: &CurrentUser, w: &WorkRow) -> bool {
    match op.actor() {
        rules::Actor::Intake => user.role == Role::IntakeOfficer,
        rules::Actor::LeadDepartment => {
            user.role == Role::DepartmentHandler && user.department_id.is_some() && user.department_id == w.lead_department_id
        }
        rules::Actor::Reward => user.role == Role::RewardOfficer,
    }
}

pub(super) async fn choice_by_id(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Choice, AppError> {
    let (code, name_zh, name_en): (String, String, String) =
        sqlx::query_as("select code, name_zh, name_en from departments where id = $1").bind(id).fetch_one(conn).await?;
    Ok(Choice { code, name_zh, name_en })
}

/// The routing table's answer for a sector and town: the town-specific rule first, then the
/// sector's rule for any town.
pub async fn suggest(conn: &mut sqlx::AnyConnection, sector_id: i64, town_id: i64) -> Result<Option<(Choice, Vec<Choice>)>, AppError> {
    let rule: Option<(i64, i64)> = sqlx::query_as(
        "select id, lead_department_id from routing_rules where sector_id = $1 and (town_id = $2 or town_id is null) \
         order by case when town_id is null then 1 else 0 end limit 1",
    )
    .bind(sector_id)
    .bind(town_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((rule_id, lead)) = rule else { return Ok(None) };
    let coop: Vec<(String, String, String)> = sqlx::query_as(
        "select d.code, d.name_zh, d.name_en from routing_cooperators c join departments d on d.id = c.department_id \
         where c.rule_id = $1 order by d.id",
    )
    .bind(rule_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some((
        choice_by_id(conn, lead).await?,
        coop.into_iter().map(|(code, name_zh, name_en)| Choice { code, name_zh, name_en }).collect(),
    )))
}

pub async fn history(db: &Db, report_id: Option<i64>, limit: i64) -> Result<Vec<AuditEntry>, AppError> {
    let filter = if report_id.is_some() { "where a.report_id = $1" } else { "where $1 = $1" };
    let rows: Vec<(i64, i64, Option<String>, String, Option<String>, Option<String>, String)> = sqlx::query_as(&format!(
        "select a.seq, a.at, u.display_name, a.action, r.case_number, a.reason, a.details from audit_log a \
         left join users u on u.id = a.user_id left join reports r on r.id = a.report_id {filter} \
         order by a.seq desc limit {limit}"
    ))
    .bind(report_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(seq, at, user, action, case_number, reason, details)| AuditEntry {
            seq,
            at,
            user,
            action,
            case_number,
            reason,
            details,
        })
        .collect())
}

pub async fn case_work(state: &AppState, user: &CurrentUser, case_number: &str) -> Result<CaseWork, AppError> {
    let db = &state.db;
    let id = case_id(db, user, case_number).await?;
    let mut conn = db.pool.acquire().await?;
    let w = work_row(&mut conn, id).await?;
    let rect = rectification(&mut conn, id).await?;
    let dec = crate::rewards::ssr::decision(&mut conn, id).await?;
    let f = facts(&w, &rect, &dec);
    let t = now();
    let can = Op::ALL
        .into_iter()
        .filter(|op| actor_allowed(*op, user, &w) && rules::check(*op, &f).is_ok())
        .collect();
    let cooperating: Vec<(String, String, String)> = sqlx::query_as(
        "select d.code, d.name_zh, d.name_en from report_departments rd join departments d on d.id = rd.department_id \
         where rd.report_id = $1 and rd.role = 'cooperating' order by d.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let lead = match w.lead_department_id {
        Some(d) => Some(choice_by_id(&mut conn, d).await?),
        None => None,
    };
    let duplicate_of = case_number_of(&mut conn, w.duplicate_of).await?;
    let merged_into = case_number_of(&mut conn, w.merged_into).await?;
    let merged: Vec<String> = sqlx::query_scalar("select case_number from reports where merged_into = $1 order by received_at, id")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    let objection: Option<String> =
        sqlx::query_scalar("select body from objections where report_id = $1 order by id desc limit 1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    // Earlier reports on the same unit or address: duplicate candidates. A department handler
    // sees only those of its own department (0 = every department).
    let own_department = match scope(user)? {
        Scope::Department(d) => d,
        Scope::All => 0,
    };
    let related: Vec<String> = sqlx::query_scalar(&format!(
        "select case_number from reports where {EARLIER_SAME_PLACE} and {IN_DEPARTMENT} order by received_at limit 10"
    ))
    .bind(id)
    .bind(w.received_at)
    .bind(&w.address)
    .bind(w.unit_name.clone().unwrap_or_default())
    .bind(own_department)
    .fetch_all(&mut *conn)
    .await?;
    // The earliest of them still open and not merged itself: what a merge would join.
    let merge_target: Option<String> = sqlx::query_scalar(&format!(
        "select case_number from reports where {EARLIER_SAME_PLACE} and {IN_DEPARTMENT} and merged_into is null \
         and status in {handling} order by received_at, id limit 1", handling = sql_list(&Status::HANDLING)
    ))
    .bind(id)
    .bind(w.received_at)
    .bind(&w.address)
    .bind(w.unit_name.clone().unwrap_or_default())
    .bind(own_department)
    .fetch_optional(&mut *conn)
    .await?;
    let reward_decision = match &dec {
        Some((eligible, reason_code, amount_fen, note, by, at, approved_by, approved_at)) => {
            Some(RewardDecision {
                eligible: *eligible == 1,
                reason_code: reason_code.clone(),
                amount_fen: *amount_fen,
                note: note.clone(),
                decided_by: display_name(&mut conn, *by).await?,
                decided_at: *at,
                decided_by_me: *by == user.id,
                approved_by: match approved_by {
                    Some(a) => Some(display_name(&mut conn, *a).await?),
                    None => None,
                },
                approved_at: *approved_at,
            })
        }
        None => None,
    };
    let suggested_reward_fen = crate::rewards::rules::fine_suggestion_fen(
        state.area::<crate::rewards::rules::RewardRules>()?,
        w.report_type == "concealed_accident",
        w.fine_fen,
    );
    let suggestion = suggest(&mut conn, w.sector_id, w.town_id).await?;
    // The page's own reads are done: give the connection back before the shared ones below.
    drop(conn);
    let is_reward = user.role == Role::RewardOfficer;
    Ok(CaseWork {
        urgency: w.due_at.filter(|_| w.status.is_open()).map(|d| urgency(d, t, state.deadlines.due_soon_days)),
        can,
        can_reveal_identity: matches!(user.role, Role::IntakeOfficer | Role::RewardOfficer) && w.anonymous == 0,
        can_reveal_payee: is_reward && matches!(w.reward_status.as_str(), "claimed" | "paid"),
        suggestion,
        departments: crate::org::ssr::departments(db).await?,
        history: history(db, Some(id), 200).await?,
        max_extension_days: state.deadlines.extension_max_days,
        case_number: w.case_number,
        status: w.status.as_str().to_string(),
        report_type: w.report_type,
        received_at: w.received_at,
        due_at: w.due_at,
        anonymous: w.anonymous == 1,
        decision_code: w.decision_code,
        duplicate_of,
        merged_into,
        merged,
        merge_target,
        transfer_target: w.transfer_target,
        lead_department: lead,
        cooperating: cooperating.into_iter().map(|(code, name_zh, name_en)| Choice { code, name_zh, name_en }).collect(),
        verification_result: w.verification_result,
        fine_fen: w.fine_fen,
        actions: w.handling_actions.map(|a| a.split(',').filter(|s| !s.is_empty()).map(String::from).collect()).unwrap_or_default(),
        account: w.handling_account,
        rectification: rect,
        extension_days: w.extension_days,
        extension_reason: w.extension_reason,
        extension_status: w.extension_status,
        objection,
        review_outcome: w.review_outcome,
        reply: w.reply_text,
        reward_status: w.reward_status,
        reward_amount_fen: w.reward_amount_fen,
        reward_claim_until: w.reward_claim_until,
        reward_decision,
        suggested_reward_fen,
        related,
    })
}
