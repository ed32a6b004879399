//! Storage of the staff workflow. Every operation: role and scope check, state check
//! (`rules::check`), then one transaction with a conditional UPDATE (so a second, concurrent click
//! changes nothing), the reporter-visible timeline entry and the audit-log entry.
use crate::base::audit::{self, Entry};
use crate::base::calendar::{deadline, urgency, Day, DeadlineRules, Stage};
use crate::cases::ssr::{case_id, scope, Scope};
use crate::cases::rules::{self, CaseFacts, Op};
use super::*;
use crate::accounts::{CurrentUser, Role};
use crate::base::db::{now, Db};
use crate::base::errors::{AppError, FieldError};
use crate::state::AppState;
use serde_json::json;

/// Statuses in which a staff clock runs.
pub const OPEN: [&str; 6] = ["submitted", "accepted", "verifying", "extended", "objection", "review"];
const OPEN_SQL: &str = "('submitted', 'accepted', 'verifying', 'extended', 'objection', 'review')";


// ---- queue, dashboard, export ------------------------------------------------------------------------

enum Bind {
    I(i64),
    S(String),
}

/// WHERE clause and binds for a filter within a scope.
fn filter_sql(f: &QueueFilter, sc: Scope, t: i64, soon_days: i64) -> (String, Vec<Bind>) {
    let mut conds = vec!["1 = 1".to_string()];
    let mut binds = Vec::new();
    let mut push = |c: &str, b: Bind, conds: &mut Vec<String>| {
        binds.push(b);
        conds.push(c.replace("$?", &format!("${}", binds.len())));
    };
    if let Scope::Department(d) = sc {
        push(
            "exists (select 1 from report_departments rd where rd.report_id = r.id and rd.department_id = $?)",
            Bind::I(d),
            &mut conds,
        );
    }
    if !f.status.is_empty() {
        push("r.status = $?", Bind::S(f.status.clone()), &mut conds);
    }
    if !f.report_type.is_empty() {
        push("r.report_type = $?", Bind::S(f.report_type.clone()), &mut conds);
    }
    if !f.sector.is_empty() {
        push("s.code = $?", Bind::S(f.sector.clone()), &mut conds);
    }
    if !f.town.is_empty() {
        push("t.code = $?", Bind::S(f.town.clone()), &mut conds);
    }
    if !f.department.is_empty() {
        push(
            "exists (select 1 from report_departments rd2 join departments dd on dd.id = rd2.department_id \
             where rd2.report_id = r.id and dd.code = $?)",
            Bind::S(f.department.clone()),
            &mut conds,
        );
    }
    match f.due.as_str() {
        "overdue" => push(&format!("r.status in {OPEN_SQL} and r.due_at < $?"), Bind::I(t), &mut conds),
        "soon" => {
            push(&format!("r.status in {OPEN_SQL} and r.due_at >= $?"), Bind::I(t), &mut conds);
            push("r.due_at <= $?", Bind::I(t + soon_days * 86_400), &mut conds);
        }
        "unrouted" => conds.push("r.status = 'accepted' and r.lead_department_id is null and r.merged_into is null".into()),
        _ => {}
    }
    let q = f.q.trim();
    if !q.is_empty() {
        let n = crate::cases::normalize_code(q);
        let like = format!("%{}%", q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        binds.push(Bind::S(n));
        let a = binds.len();
        binds.push(Bind::S(like));
        let b = binds.len();
        conds.push(format!(
            "(r.case_number = ${a} or lower(r.description) like ${b} escape '\\' \
             or lower(coalesce(r.unit_name, '')) like ${b} escape '\\' or lower(r.address) like ${b} escape '\\')"
        ));
    }
    (conds.join(" and "), binds)
}

const QUEUE_FROM: &str = "from reports r join sectors s on s.id = r.sector_id join towns t on t.id = r.town_id \
     left join departments d on d.id = r.lead_department_id";

type QueueSqlRow = (String, String, String, String, String, Option<String>, i64, Option<i64>, i64, String, Option<String>);

pub async fn queue_rows(
    db: &Db,
    sc: Scope,
    f: &QueueFilter,
    rules: &DeadlineRules,
    limit: i64,
) -> Result<(Vec<QueueRow>, i64), AppError> {
    let t = now();
    let (wh, binds) = filter_sql(f, sc, t, rules.due_soon_days);
    let order = if f.sort == "received" {
        "r.received_at desc, r.id desc"
    } else {
        "case when r.due_at is null then 1 else 0 end, r.due_at, r.received_at, r.id"
    };
    let sql = format!(
        "select r.case_number, r.report_type, s.code, t.code, r.status, d.code, r.received_at, r.due_at, r.spam, \
         r.reward_status, (select m.case_number from reports m where m.id = r.merged_into) {QUEUE_FROM} \
         where {wh} order by {order} limit {limit}"
    );
    let mut query = sqlx::query_as::<_, QueueSqlRow>(&sql);
    let count_sql = format!("select count(*) {QUEUE_FROM} where {wh}");
    let mut cq = sqlx::query_scalar::<_, i64>(&count_sql);
    for b in &binds {
        match b {
            Bind::I(v) => {
                query = query.bind(*v);
                cq = cq.bind(*v);
            }
            Bind::S(v) => {
                query = query.bind(v.clone());
                cq = cq.bind(v.clone());
            }
        }
    }
    let rows = query.fetch_all(&db.pool).await?;
    let total = cq.fetch_one(&db.pool).await?;
    let rows = rows
        .into_iter()
        .map(|r| QueueRow {
            urgency: r.7.filter(|_| OPEN.contains(&r.4.as_str())).map(|due| urgency(due, t, rules.due_soon_days)),
            case_number: r.0,
            report_type: r.1,
            sector: r.2,
            town: r.3,
            status: r.4,
            lead_department: r.5,
            received_at: r.6,
            due_at: r.7,
            spam: r.8 == 1,
            reward_status: r.9,
            merged_into: r.10,
        })
        .collect();
    Ok((rows, total))
}

pub async fn queue(state: &AppState, user: &CurrentUser, f: &QueueFilter) -> Result<Queue, AppError> {
    let sc = scope(user)?;
    let db = &state.db;
    let (rows, total) = queue_rows(db, sc, f, &state.deadlines, 500).await?;
    let scoped_to = match sc {
        Scope::Department(d) => {
            Some(sqlx::query_scalar("select code from departments where id = $1").bind(d).fetch_one(&db.pool).await?)
        }
        Scope::All => None,
    };
    Ok(Queue {
        rows,
        total,
        sectors: crate::org::ssr::all_choices(db, "sectors").await?,
        towns: crate::org::ssr::all_choices(db, "towns").await?,
        departments: crate::org::ssr::departments(db).await?,
        scoped_to,
    })
}

/// Rows for the CSV/XLSX export: the filtered list without any reporter identity or free text
/// the reporter wrote.
pub struct ExportRow {
    pub case_number: String,
    pub report_type: String,
    pub sector: String,
    pub town: String,
    pub status: String,
    pub lead_department: String,
    pub received: String,
    pub due: String,
    pub accepted: String,
    pub replied: String,
    pub verification: String,
    pub fine_yuan: String,
    pub reward_status: String,
    pub reward_yuan: String,
}

pub const EXPORT_HEADER: [&str; 14] = [
    "case_number",
    "report_type",
    "sector",
    "town",
    "status",
    "lead_department",
    "received",
    "due",
    "accepted",
    "replied",
    "verification_result",
    "fine_yuan",
    "reward_status",
    "reward_yuan",
];

impl ExportRow {
    pub fn cells(&self) -> [&str; 14] {
        [
            &self.case_number,
            &self.report_type,
            &self.sector,
            &self.town,
            &self.status,
            &self.lead_department,
            &self.received,
            &self.due,
            &self.accepted,
            &self.replied,
            &self.verification,
            &self.fine_yuan,
            &self.reward_status,
            &self.reward_yuan,
        ]
    }
}

fn date_opt(ts: Option<i64>) -> String {
    ts.map(|t| Day::of_timestamp(t).to_string()).unwrap_or_default()
}

fn yuan_opt(fen: Option<i64>) -> String {
    fen.map(|f| format!("{}.{:02}", f / 100, f % 100)).unwrap_or_default()
}

pub async fn export_rows(state: &AppState, user: &CurrentUser, f: &QueueFilter) -> Result<Vec<ExportRow>, AppError> {
    let sc = scope(user)?;
    let t = now();
    let (wh, binds) = filter_sql(f, sc, t, state.deadlines.due_soon_days);
    let sql = format!(
        "select r.case_number, r.report_type, s.code, t.code, r.status, d.code, r.received_at, r.due_at, \
         r.accepted_at, r.replied_at, r.verification_result, r.fine_fen, r.reward_status, r.reward_amount_fen \
         {QUEUE_FROM} where {wh} order by r.received_at, r.id limit 100000"
    );
    type Row = (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        i64,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<i64>,
        String,
        Option<i64>,
    );
    let mut query = sqlx::query_as::<_, Row>(&sql);
    for b in &binds {
        query = match b {
            Bind::I(v) => query.bind(*v),
            Bind::S(v) => query.bind(v.clone()),
        };
    }
    let rows = query.fetch_all(&state.db.pool).await?;
    audit::record(
        &state.db,
        Entry {
            user_id: Some(user.id),
            action: "export",
            report_id: None,
            reason: None,
            details: json!({ "filter": f.query_string(), "rows": rows.len() }).to_string(),
        },
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ExportRow {
            case_number: r.0,
            report_type: r.1,
            sector: r.2,
            town: r.3,
            status: r.4,
            lead_department: r.5.unwrap_or_default(),
            received: date_opt(Some(r.6)),
            due: date_opt(r.7),
            accepted: date_opt(r.8),
            replied: date_opt(r.9),
            verification: r.10.unwrap_or_default(),
            fine_yuan: yuan_opt(r.11),
            reward_status: r.12,
            reward_yuan: yuan_opt(r.13),
        })
        .collect())
}

pub async fn dashboard(state: &AppState, user: &CurrentUser, f: &QueueFilter) -> Result<Dashboard, AppError> {
    let sc = scope(user)?;
    let t = now();
    let db = &state.db;
    let (wh, binds) = filter_sql(f, sc, t, state.deadlines.due_soon_days);
    async fn group(db: &Db, wh: &str, binds: &[Bind], key: &str, label: &str) -> Result<Vec<Count>, AppError> {
        // The label follows from the key: aggregate it rather than group by it (PostgreSQL refuses
        // a constant in GROUP BY).
        let label = if label == "''" { label.to_string() } else { format!("max({label})") };
        let sql = format!(
            "select {key}, {label}, count(*) {QUEUE_FROM} where {wh} group by {key} order by count(*) desc, {key}"
        );
        let mut q = sqlx::query_as::<_, (Option<String>, Option<String>, i64)>(&sql);
        for b in binds {
            q = match b {
                Bind::I(v) => q.bind(*v),
                Bind::S(v) => q.bind(v.clone()),
            };
        }
        let rows = q.fetch_all(&db.pool).await?;
        Ok(rows
            .into_iter()
            .map(|(k, l, count)| {
                let (zh, en) = l.unwrap_or_default().split_once('\u{1f}').map(|(a, b)| (a.to_string(), b.to_string())).unwrap_or_default();
                Count { key: k.unwrap_or_default(), label_zh: zh, label_en: en, count }
            })
            .collect())
    }
    let by_status = group(db, &wh, &binds, "r.status", "''").await?;
    let by_type = group(db, &wh, &binds, "r.report_type", "''").await?;
    let sep = "|| char(31) ||";
    let (sector_label, dept_label, town_label) = if db.backend == crate::base::db::Backend::Postgres {
        (
            "s.name_zh || chr(31) || s.name_en".to_string(),
            "d.name_zh || chr(31) || d.name_en".to_string(),
            "t.name_zh || chr(31) || t.name_en".to_string(),
        )
    } else {
        (format!("s.name_zh {sep} s.name_en"), format!("d.name_zh {sep} d.name_en"), format!("t.name_zh {sep} t.name_en"))
    };
    let by_sector = group(db, &wh, &binds, "s.code", &sector_label).await?;
    let by_department = group(db, &wh, &binds, "d.code", &dept_label).await?;
    let by_town = group(db, &wh, &binds, "t.code", &town_label).await?;
    let sql = format!(
        "select r.status, r.received_at, r.due_at, r.accepted_at, r.replied_at, r.reward_status, r.reward_amount_fen, \
         (select count(*) from deadline_breaches b where b.report_id = r.id) {QUEUE_FROM} where {wh}"
    );
    type Row = (String, i64, Option<i64>, Option<i64>, Option<i64>, String, Option<i64>, i64);
    let mut q = sqlx::query_as::<_, Row>(&sql);
    for b in &binds {
        q = match b {
            Bind::I(v) => q.bind(*v),
            Bind::S(v) => q.bind(v.clone()),
        };
    }
    let rows = q.fetch_all(&db.pool).await?;
    let soon = state.deadlines.due_soon_days;
    let mut d = Dashboard {
        total: rows.len() as i64,
        by_status,
        by_type,
        by_sector,
        by_department,
        by_town,
        overdue: 0,
        due_soon: 0,
        breaches: 0,
        median_days_to_accept: None,
        median_days_to_close: None,
        rewards_approved: 0,
        rewards_approved_fen: 0,
        rewards_paid: 0,
        rewards_paid_fen: 0,
    };
    let mut accept = Vec::new();
    let mut close = Vec::new();
    for (status, received, due, accepted, replied, reward, amount, breaches) in rows {
        if let Some(due) = due.filter(|_| OPEN.contains(&status.as_str())) {
            match urgency(due, t, soon) {
                crate::base::calendar::Urgency::Overdue => d.overdue += 1,
                crate::base::calendar::Urgency::DueSoon => d.due_soon += 1,
                crate::base::calendar::Urgency::OnTime => {}
            }
        }
        d.breaches += breaches;
        if let Some(a) = accepted {
            accept.push((a - received) as f64 / 86_400.0);
        }
        if let Some(r) = replied {
            close.push((r - received) as f64 / 86_400.0);
        }
        if ["approved", "claimed", "paid", "expired"].contains(&reward.as_str()) {
            d.rewards_approved += 1;
            d.rewards_approved_fen += amount.unwrap_or(0);
        }
        if reward == "paid" {
            d.rewards_paid += 1;
            d.rewards_paid_fen += amount.unwrap_or(0);
        }
    }
    d.median_days_to_accept = median(&mut accept);
    d.median_days_to_close = median(&mut close);
    Ok(d)
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let m = v.len() / 2;
    Some(if v.len() % 2 == 0 { (v[m - 1] + v[m]) / 2.0 } else { v[m] })
}

// ---- one case -------------------------------------------------------------------------------------------

#[derive(sqlx::FromRow)]
struct WorkRow {
    case_number: String,
    status: String,
    report_type: String,
    sector_id: i64,
    town_id: i64,
    unit_name: Option<String>,
    address: String,
    received_at: i64,
    due_at: Option<i64>,
    anonymous: i64,
    decision_code: Option<String>,
    duplicate_of: Option<i64>,
    transfer_target: Option<String>,
    lead_department_id: Option<i64>,
    verification_result: Option<String>,
    fine_fen: Option<i64>,
    handling_actions: Option<String>,
    handling_account: Option<String>,
    extension_days: Option<i64>,
    extension_reason: Option<String>,
    extension_status: Option<String>,
    review_outcome: Option<String>,
    reply_text: Option<String>,
    objection_until: Option<i64>,
    reward_status: String,
    reward_amount_fen: Option<i64>,
    reward_claim_until: Option<i64>,
    merged_into: Option<i64>,
}

const WORK_SQL: &str = "select case_number, status, report_type, sector_id, town_id, unit_name, address, \
     received_at, due_at, anonymous, decision_code, duplicate_of, transfer_target, lead_department_id, \
     verification_result, fine_fen, handling_actions, handling_account, extension_days, extension_reason, \
     extension_status, review_outcome, reply_text, objection_until, reward_status, reward_amount_fen, \
     reward_claim_until, merged_into from reports where id = $1";

/// Other reports received no later than this one (bound as $2) at the same address ($3) or unit
/// ($4), excluding itself ($1): duplicate and merge candidates.
const EARLIER_SAME_PLACE: &str = "id <> $1 and (received_at < $2 or (received_at = $2 and id < $1)) and \
     (address = $3 or (unit_name is not null and unit_name <> '' and unit_name = $4))";

/// `$5`: a department id, or 0 for no restriction.
const IN_DEPARTMENT: &str =
    "($5 = 0 or exists (select 1 from report_departments rd where rd.report_id = reports.id and rd.department_id = $5))";

async fn case_number_of(db: &Db, id: Option<i64>) -> Result<Option<String>, AppError> {
    match id {
        Some(id) => Ok(sqlx::query_scalar("select case_number from reports where id = $1").bind(id).fetch_optional(&db.pool).await?),
        None => Ok(None),
    }
}

/// The reward the configured rules give for the case's fine (hazard and violation reports; a
/// concealed accident's amount comes from its level and deaths instead), in fen.
fn fine_suggestion_fen(state: &AppState, w: &WorkRow) -> Option<i64> {
    let fine = w.fine_fen.filter(|f| *f > 0 && w.report_type != "concealed_accident")?;
    let rules = state.area::<crate::rewards::rules::RewardRules>().ok()?;
    Some(crate::rewards::rules::suggest_reward(rules, &crate::rewards::rules::RewardCase::Fine(fine as f64 / 100.0)) * 100)
}

async fn work_row(db: &Db, id: i64) -> Result<WorkRow, AppError> {
    sqlx::query_as(WORK_SQL).bind(id).fetch_optional(&db.pool).await?.ok_or(AppError::NotFound)
}

async fn rectification(db: &Db, id: i64) -> Result<Option<Rectification>, AppError> {
    let r: Option<(String, String, String, String, String, Option<i64>, Option<String>)> = sqlx::query_as(
        "select responsible, measures, funds, deadline, contingency, completed_at, evidence from rectifications \
         where report_id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
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

type DecisionRow = (i64, String, i64, String, i64, i64, Option<i64>, Option<i64>);

async fn decision(db: &Db, id: i64) -> Result<Option<DecisionRow>, AppError> {
    Ok(sqlx::query_as(
        "select eligible, reason_code, amount_fen, note, decided_by, decided_at, approved_by, approved_at \
         from reward_decisions where report_id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

fn facts(w: &WorkRow, rect: &Option<Rectification>, dec: &Option<DecisionRow>) -> CaseFacts {
    CaseFacts {
        status: w.status.clone(),
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
fn actor_allowed(op: Op, user: &CurrentUser, w: &WorkRow) -> bool {
    match op.actor() {
        rules::Actor::Intake => user.role == Role::IntakeOfficer,
        rules::Actor::LeadDepartment => {
            user.role == Role::DepartmentHandler && user.department_id.is_some() && user.department_id == w.lead_department_id
        }
        rules::Actor::Reward => user.role == Role::RewardOfficer,
    }
}

async fn choice_by_id(db: &Db, id: i64) -> Result<Choice, AppError> {
    let (code, name_zh, name_en): (String, String, String) =
        sqlx::query_as("select code, name_zh, name_en from departments where id = $1").bind(id).fetch_one(&db.pool).await?;
    Ok(Choice { code, name_zh, name_en })
}

/// The routing table's answer for a sector and town: the town-specific rule first, then the
/// sector's rule for any town.
pub async fn suggest(db: &Db, sector_id: i64, town_id: i64) -> Result<Option<(Choice, Vec<Choice>)>, AppError> {
    let rule: Option<(i64, i64)> = sqlx::query_as(
        "select id, lead_department_id from routing_rules where sector_id = $1 and (town_id = $2 or town_id is null) \
         order by case when town_id is null then 1 else 0 end limit 1",
    )
    .bind(sector_id)
    .bind(town_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((rule_id, lead)) = rule else { return Ok(None) };
    let coop: Vec<(String, String, String)> = sqlx::query_as(
        "select d.code, d.name_zh, d.name_en from routing_cooperators c join departments d on d.id = c.department_id \
         where c.rule_id = $1 order by d.id",
    )
    .bind(rule_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(Some((
        choice_by_id(db, lead).await?,
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
    let w = work_row(db, id).await?;
    let rect = rectification(db, id).await?;
    let dec = decision(db, id).await?;
    let f = facts(&w, &rect, &dec);
    let t = now();
    let can = Op::ALL
        .into_iter()
        .filter(|op| actor_allowed(*op, user, &w) && rules::check(*op, &f).is_ok())
        .map(|op| op.as_str().to_string())
        .collect();
    let cooperating: Vec<(String, String, String)> = sqlx::query_as(
        "select d.code, d.name_zh, d.name_en from report_departments rd join departments d on d.id = rd.department_id \
         where rd.report_id = $1 and rd.role = 'cooperating' order by d.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let lead = match w.lead_department_id {
        Some(d) => Some(choice_by_id(db, d).await?),
        None => None,
    };
    let duplicate_of = case_number_of(db, w.duplicate_of).await?;
    let merged_into = case_number_of(db, w.merged_into).await?;
    let merged: Vec<String> = sqlx::query_scalar("select case_number from reports where merged_into = $1 order by received_at, id")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    let objection: Option<String> =
        sqlx::query_scalar("select body from objections where report_id = $1 order by id desc limit 1")
            .bind(id)
            .fetch_optional(&db.pool)
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
    .fetch_all(&db.pool)
    .await?;
    // The earliest of them still open and not merged itself: what a merge would join.
    let merge_target: Option<String> = sqlx::query_scalar(&format!(
        "select case_number from reports where {EARLIER_SAME_PLACE} and {IN_DEPARTMENT} and merged_into is null \
         and status in ('accepted', 'verifying', 'extended') order by received_at, id limit 1"
    ))
    .bind(id)
    .bind(w.received_at)
    .bind(&w.address)
    .bind(w.unit_name.clone().unwrap_or_default())
    .bind(own_department)
    .fetch_optional(&db.pool)
    .await?;
    let reward_decision = match &dec {
        Some((eligible, reason_code, amount_fen, note, by, at, approved_by, approved_at)) => {
            let name = |uid: i64| async move {
                sqlx::query_scalar::<_, String>("select display_name from users where id = $1")
                    .bind(uid)
                    .fetch_one(&db.pool)
                    .await
            };
            Some(RewardDecision {
                eligible: *eligible == 1,
                reason_code: reason_code.clone(),
                amount_fen: *amount_fen,
                note: note.clone(),
                decided_by: name(*by).await?,
                decided_at: *at,
                decided_by_me: *by == user.id,
                approved_by: match approved_by {
                    Some(a) => Some(name(*a).await?),
                    None => None,
                },
                approved_at: *approved_at,
            })
        }
        None => None,
    };
    let suggested_reward_fen = fine_suggestion_fen(state, &w);
    let is_reward = user.role == Role::RewardOfficer;
    Ok(CaseWork {
        urgency: w.due_at.filter(|_| OPEN.contains(&w.status.as_str())).map(|d| urgency(d, t, state.deadlines.due_soon_days)),
        can,
        can_reveal_identity: matches!(user.role, Role::IntakeOfficer | Role::RewardOfficer) && w.anonymous == 0,
        can_reveal_payee: is_reward && matches!(w.reward_status.as_str(), "claimed" | "paid"),
        suggestion: suggest(db, w.sector_id, w.town_id).await?,
        departments: crate::org::ssr::departments(db).await?,
        history: history(db, Some(id), 200).await?,
        max_extension_days: state.deadlines.extension_max_days,
        case_number: w.case_number,
        status: w.status,
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

// ---- operations ----------------------------------------------------------------------------------------

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

struct Errs(Vec<FieldError>);

impl Errs {
    fn push(&mut self, field: &str, code: &str) {
        self.0.push(FieldError { field: field.into(), code: code.into() });
    }
    fn text(&mut self, field: &str, value: &str, min: usize, max: usize) {
        crate::base::validate::check_text(&mut self.0, field, value, min, max);
    }
    fn done(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

async fn event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    report_id: i64,
    kind: &str,
    code: Option<&str>,
    note: Option<&str>,
    ts: i64,
) -> Result<(), AppError> {
    sqlx::query("insert into report_events (report_id, kind, code, note, created_at) values ($1, $2, $3, $4, $5)")
        .bind(report_id)
        .bind(kind)
        .bind(code)
        .bind(note)
        .bind(ts)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn staff_message(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
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

/// Run a conditional statement; anything but exactly one changed row means another action got
/// there first (or the state changed): refuse and roll back.
async fn exactly_one<'q>(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> Result<(), AppError> {
    let done = q.execute(&mut **tx).await?;
    if done.rows_affected() != 1 {
        return Err(AppError::field("op", "conflict"));
    }
    Ok(())
}

/// An active department's id and, for a town/street station, its town.
async fn department_id(db: &Db, code: &str) -> Result<Option<(i64, Option<i64>)>, AppError> {
    Ok(sqlx::query_as("select id, town_id from departments where code = $1 and active = 1")
        .bind(code.trim())
        .fetch_optional(&db.pool)
        .await?)
}

fn label_actions(actions: &[String], fine_fen: Option<i64>) -> String {
    actions
        .iter()
        .map(|a| match a.as_str() {
            "order_rectification" => "责令整改".to_string(),
            "administrative_penalty" => match fine_fen {
                Some(f) => format!("行政处罚（罚款 {} 元）", yuan_opt(Some(f))),
                None => "行政处罚".to_string(),
            },
            "suspend_operation" => "责令停产停业".to_string(),
            "refer_police" => "移送公安机关".to_string(),
            "close_down" => "提请关闭".to_string(),
            _ => "不予处理".to_string(),
        })
        .collect::<Vec<_>>()
        .join("；")
}

fn label_result(r: &str) -> &'static str {
    match r {
        "true" => "属实",
        "partly_true" => "部分属实",
        "not_true" => "不属实",
        _ => "无法核实",
    }
}

/// Bring the cases merged into `primary` (并案) to its state while it is being handled: same
/// status, departments and findings, and at the reply the same joint reply and objection window
/// (each reporter may then object or claim on their own case). A timeline entry marks each
/// change of a follower's status. Fines stay with the primary, which holds the reward priority.
async fn sync_followers(tx: &mut sqlx::Transaction<'_, sqlx::Any>, primary: i64, ts: i64) -> Result<(), AppError> {
    type P = (String, Option<i64>, Option<String>, Option<String>, Option<String>, Option<String>, Option<i64>, Option<i64>);
    let p: Option<P> = sqlx::query_as(
        "select status, lead_department_id, verification_result, handling_actions, handling_account, reply_text, \
         replied_at, objection_until from reports where id = $1",
    )
    .bind(primary)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((status, lead, result, actions, account, reply, replied_at, objection_until)) = p else { return Ok(()) };
    if !["accepted", "verifying", "extended", "replied"].contains(&status.as_str()) {
        return Ok(());
    }
    let followers: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
        "select id, status, lead_department_id from reports where merged_into = $1 and status in ('accepted', 'verifying', 'extended')",
    )
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
        .bind(&status)
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
        if fstatus != status || (flead != lead && status != "accepted") {
            let note = if status == "verifying" { lead_code.as_deref() } else { None };
            event(tx, fid, &status, None, note, ts).await?;
        }
    }
    Ok(())
}

/// Take one operation on a case. Validation errors name the field; state errors come on "op".
pub async fn act(state: &AppState, user: &CurrentUser, case_number: &str, input: ActInput) -> Result<(), AppError> {
    let db = &state.db;
    let op = Op::parse(input.op.trim()).ok_or_else(|| AppError::field("op", "unknown_op"))?;
    let id = case_id(db, user, case_number).await?;
    let w = work_row(db, id).await?;
    if !actor_allowed(op, user, &w) {
        return Err(AppError::Forbidden);
    }
    let rect = rectification(db, id).await?;
    let dec = decision(db, id).await?;
    rules::check(op, &facts(&w, &rect, &dec)).map_err(|code| AppError::field("op", code))?;
    let dl = &*state.deadlines;
    let ts = now();
    let mut e = Errs(Vec::new());
    let status = w.status.as_str();
    let mut reason: Option<String> = None;
    let mut details = json!({});
    let mut tx = db.begin().await?;
    match op {
        Op::Accept => {
            e.text("text", &input.text, 0, rules::NOTE_MAX);
            e.done()?;
            let due = deadline(db, dl, Stage::Verification, ts).await?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set status = 'accepted', accepted_at = $2, due_at = $3, updated_at = $2 \
                     where id = $1 and status = 'submitted'",
                )
                .bind(id)
                .bind(ts)
                .bind(due),
            )
            .await?;
            event(&mut tx, id, "accepted", None, None, ts).await?;
            staff_message(&mut tx, id, user.id, &input.text, ts).await?;
            details = json!({ "due_at": due });
        }
        Op::Refuse => {
            if !rules::REFUSAL_CODES.contains(&input.code.as_str()) {
                e.push("code", "required");
            }
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set status = 'not_accepted', decision_code = $2, due_at = null, closed_at = $3, \
                     updated_at = $3 where id = $1 and status = 'submitted'",
                )
                .bind(id)
                .bind(&input.code)
                .bind(ts),
            )
            .await?;
            event(&mut tx, id, "not_accepted", Some(&input.code), None, ts).await?;
            staff_message(&mut tx, id, user.id, &input.text, ts).await?;
            reason = Some(input.code.clone());
        }
        Op::Duplicate => {
            let other = crate::cases::normalize_code(&input.other_case);
            let earlier: Option<(i64, i64)> = sqlx::query_as("select id, received_at from reports where case_number = $1")
                .bind(&other)
                .fetch_optional(&db.pool)
                .await?;
            match earlier {
                None => e.push("other_case", "case_unknown"),
                Some((oid, orec)) if oid == id || (orec, oid) > (w.received_at, id) => e.push("other_case", "not_earlier"),
                _ => {}
            }
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            let oid = earlier.map(|x| x.0).unwrap_or_default();
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set status = 'not_accepted', decision_code = 'duplicate_already_accepted', \
                     duplicate_of = $2, due_at = null, closed_at = $3, updated_at = $3 where id = $1 and status = 'submitted'",
                )
                .bind(id)
                .bind(oid)
                .bind(ts),
            )
            .await?;
            event(&mut tx, id, "not_accepted", Some("duplicate_already_accepted"), None, ts).await?;
            staff_message(&mut tx, id, user.id, &input.text, ts).await?;
            details = json!({ "duplicate_of": other });
        }
        Op::Merge => {
            // 并案: this case joins an EARLIER open case (the earliest registered report keeps
            // the reward priority), follows its handling and receives its joint reply.
            let other = crate::cases::normalize_code(&input.other_case);
            let primary: Option<(i64, i64, String, Option<i64>)> =
                sqlx::query_as("select id, received_at, status, merged_into from reports where case_number = $1")
                    .bind(&other)
                    .fetch_optional(&db.pool)
                    .await?;
            match &primary {
                None => e.push("other_case", "case_unknown"),
                Some((oid, orec, ..)) if *oid == id || (*orec, *oid) > (w.received_at, id) => e.push("other_case", "not_earlier"),
                Some((_, _, _, Some(_))) => e.push("other_case", "primary_merged"),
                Some((_, _, st, _)) if !["accepted", "verifying", "extended"].contains(&st.as_str()) => {
                    e.push("other_case", "primary_not_open")
                }
                _ => {}
            }
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            let oid = primary.map(|p| p.0).unwrap_or_default();
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set merged_into = $2, accepted_at = coalesce(accepted_at, $3), due_at = null, \
                     status = case when status = 'submitted' then 'accepted' else status end, updated_at = $3 \
                     where id = $1 and merged_into is null and status = $4",
                )
                .bind(id)
                .bind(oid)
                .bind(ts)
                .bind(status),
            )
            .await?;
            // Cases already merged into this one move with it.
            sqlx::query("update reports set merged_into = $2, updated_at = $3 where merged_into = $1")
                .bind(id)
                .bind(oid)
                .bind(ts)
                .execute(&mut *tx)
                .await?;
            event(&mut tx, id, "merged", None, None, ts).await?;
            staff_message(&mut tx, id, user.id, &input.text, ts).await?;
            details = json!({ "merged_into": other });
            sync_followers(&mut tx, oid, ts).await?;
        }
        Op::Transfer => {
            e.text("target", &input.target, 2, 100);
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set status = 'transferred', transfer_target = $2, due_at = null, closed_at = $3, \
                     updated_at = $3 where id = $1 and status = 'submitted'",
                )
                .bind(id)
                .bind(input.target.trim())
                .bind(ts),
            )
            .await?;
            event(&mut tx, id, "transferred", None, Some(input.target.trim()), ts).await?;
            staff_message(&mut tx, id, user.id, &input.text, ts).await?;
            details = json!({ "target": input.target.trim() });
        }
        Op::Route => {
            let lead = department_id(db, &input.lead).await?;
            if lead.is_none() {
                e.push("lead", "required");
            }
            let mut coop = Vec::new();
            for c in &input.cooperating {
                match department_id(db, c).await? {
                    Some((cid, _)) if Some(cid) != lead.as_ref().map(|l| l.0) => coop.push((cid, c.trim().to_string())),
                    Some(_) => e.push("cooperating", "lead_also_cooperating"),
                    None => e.push("cooperating", "department_unknown"),
                }
            }
            coop.sort();
            coop.dedup();
            let suggestion = suggest(db, w.sector_id, w.town_id).await?;
            let matches_suggestion = suggestion.as_ref().is_some_and(|(l, cs)| {
                let mut want: Vec<&str> = cs.iter().map(|c| c.code.as_str()).collect();
                want.sort();
                let mut got: Vec<&str> = coop.iter().map(|c| c.1.as_str()).collect();
                got.sort();
                l.code == input.lead.trim() && want == got
            });
            if !matches_suggestion {
                // An override (or a case no rule covers) needs a reason.
                e.text("reason", &input.reason, 2, rules::NOTE_MAX);
            }
            e.done()?;
            let (lead_id, lead_station) = lead.unwrap_or_default();
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set lead_department_id = $2, routed_at = $3, updated_at = $3, \
                     status = case when status = 'accepted' then 'verifying' else status end \
                     where id = $1 and status = $4",
                )
                .bind(id)
                .bind(lead_id)
                .bind(ts)
                .bind(status),
            )
            .await?;
            sqlx::query("delete from report_departments where report_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("insert into report_departments (report_id, department_id, role) values ($1, $2, 'lead')")
                .bind(id)
                .bind(lead_id)
                .execute(&mut *tx)
                .await?;
            for (cid, _) in &coop {
                sqlx::query("insert into report_departments (report_id, department_id, role) values ($1, $2, 'cooperating')")
                    .bind(id)
                    .bind(cid)
                    .execute(&mut *tx)
                    .await?;
            }
            // A town/street station as lead department is a hand-down (交办) to the locality.
            let handed_down = lead_station.is_some();
            event(&mut tx, id, "verifying", handed_down.then_some("handed_down"), Some(input.lead.trim()), ts).await?;
            details = json!({
                "lead": input.lead.trim(),
                "cooperating": coop.iter().map(|c| c.1.clone()).collect::<Vec<_>>(),
                "override": !matches_suggestion,
                "handed_down": handed_down,
            });
            if !matches_suggestion {
                reason = Some(input.reason.trim().to_string());
            }
        }
        Op::Verify => {
            if !rules::VERIFICATION_RESULTS.contains(&input.code.as_str()) {
                e.push("code", "required");
            }
            let mut actions: Vec<String> = input.actions.iter().map(|a| a.trim().to_string()).collect();
            actions.sort();
            actions.dedup();
            if actions.is_empty() {
                e.push("actions", "required");
            }
            if actions.iter().any(|a| !rules::ACTIONS.contains(&a.as_str())) {
                e.push("actions", "action_unknown");
            }
            let mut fine = None;
            if actions.iter().any(|a| a == "administrative_penalty") || !input.amount.trim().is_empty() {
                match crate::base::format::parse_yuan(&input.amount) {
                    Ok(0) => e.push("amount", "amount_zero"),
                    Ok(f) => fine = Some(f),
                    Err(code) => e.push("amount", code),
                }
            }
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set verification_result = $2, verified_at = $3, fine_fen = $4, handling_actions = $5, \
                     handling_account = $6, updated_at = $3 where id = $1 and status = $7 and reply_text is null",
                )
                .bind(id)
                .bind(&input.code)
                .bind(ts)
                .bind(fine)
                .bind(actions.join(","))
                .bind(input.text.trim())
                .bind(status),
            )
            .await?;
            details = json!({ "result": input.code, "actions": actions, "fine_fen": fine });
        }
        Op::Rectify => {
            e.text("responsible", &input.responsible, 2, 100);
            e.text("measures", &input.measures, 2, rules::NOTE_MAX);
            e.text("funds", &input.funds, 1, 200);
            e.text("contingency", &input.contingency, 2, rules::NOTE_MAX);
            let today = Day::of_timestamp(ts);
            match Day::parse(&input.date) {
                Some(d) if d >= today && d.0 <= today.0 + 5 * 366 => {}
                Some(_) => e.push("date", "date_out_of_range"),
                None => e.push("date", "date_invalid"),
            }
            e.done()?;
            let done = sqlx::query(
                "insert into rectifications (report_id, responsible, measures, funds, deadline, contingency, created_at) \
                 select $1, $2, $3, $4, $5, $6, $7 where not exists (select 1 from rectifications where report_id = $1)",
            )
            .bind(id)
            .bind(input.responsible.trim())
            .bind(input.measures.trim())
            .bind(input.funds.trim())
            .bind(input.date.trim())
            .bind(input.contingency.trim())
            .bind(ts)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(AppError::field("op", "conflict"));
            }
            details = json!({ "deadline": input.date.trim() });
        }
        Op::RectifyDone => {
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update rectifications set completed_at = $2, evidence = $3 where report_id = $1 and completed_at is null",
                )
                .bind(id)
                .bind(ts)
                .bind(input.text.trim()),
            )
            .await?;
        }
        Op::RequestExtension => {
            match input.days.trim().parse::<i64>() {
                Ok(d) if (1..=dl.extension_max_days).contains(&d) => {}
                _ => e.push("days", "extension_days_range"),
            }
            e.text("reason", &input.reason, 2, rules::NOTE_MAX);
            e.done()?;
            let days: i64 = input.days.trim().parse().unwrap_or(0);
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set extension_days = $2, extension_reason = $3, extension_status = 'requested', \
                     updated_at = $4 where id = $1 and extension_status is null and status = $5",
                )
                .bind(id)
                .bind(days)
                .bind(input.reason.trim())
                .bind(ts)
                .bind(status),
            )
            .await?;
            reason = Some(input.reason.trim().to_string());
            details = json!({ "days": days });
        }
        Op::DecideExtension => {
            let approve = match input.code.as_str() {
                "approve" => true,
                "refuse" => false,
                _ => {
                    e.push("code", "required");
                    false
                }
            };
            if !approve {
                e.text("reason", &input.reason, 2, rules::NOTE_MAX);
            }
            e.done()?;
            let days = w.extension_days.unwrap_or(0);
            if approve {
                exactly_one(
                    &mut tx,
                    sqlx::query(
                        "update reports set status = 'extended', extension_status = 'approved', \
                         due_at = coalesce(due_at, $3) + $2, updated_at = $3 \
                         where id = $1 and status = 'verifying' and extension_status = 'requested'",
                    )
                    .bind(id)
                    .bind(days * 86_400)
                    .bind(ts),
                )
                .await?;
                event(&mut tx, id, "extended", None, w.extension_reason.as_deref(), ts).await?;
            } else {
                exactly_one(
                    &mut tx,
                    sqlx::query(
                        "update reports set extension_status = 'refused', updated_at = $2 \
                         where id = $1 and extension_status = 'requested'",
                    )
                    .bind(id)
                    .bind(ts),
                )
                .await?;
                reason = Some(input.reason.trim().to_string());
            }
            details = json!({ "approved": approve, "days": days });
        }
        Op::Reply => {
            let eligible = match input.code.as_str() {
                "yes" => "符合奖励条件，奖励审核后另行通知。",
                "no" => "不符合奖励条件。",
                _ => {
                    e.push("code", "required");
                    ""
                }
            };
            e.text("text", &input.text, 0, rules::NOTE_MAX);
            e.done()?;
            let actions: Vec<String> = w.handling_actions.clone().unwrap_or_default().split(',').filter(|s| !s.is_empty()).map(String::from).collect();
            let mut reply = format!(
                "核查结论：{}\n核查情况：{}\n处理决定：{}\n奖励：{}",
                label_result(w.verification_result.as_deref().unwrap_or_default()),
                w.handling_account.clone().unwrap_or_default(),
                label_actions(&actions, w.fine_fen),
                eligible
            );
            let followers: i64 = sqlx::query_scalar("select count(*) from reports where merged_into = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await?;
            if followers > 0 {
                reply.push_str(&format!("\n并案：本案与另外 {followers} 件相关举报合并办理，统一答复。"));
            }
            if !input.text.trim().is_empty() {
                reply.push_str("\n\n");
                reply.push_str(input.text.trim());
            }
            let until = deadline(db, dl, Stage::Objection, ts).await?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set status = 'replied', reply_text = $2, replied_at = $3, objection_until = $4, \
                     due_at = null, updated_at = $3 where id = $1 and status = $5 and verification_result is not null",
                )
                .bind(id)
                .bind(&reply)
                .bind(ts)
                .bind(until)
                .bind(status),
            )
            .await?;
            event(&mut tx, id, "replied", None, None, ts).await?;
            details = json!({ "objection_until": until, "eligible": input.code == "yes" });
        }
        Op::Escalate => {
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            let due = deadline(db, dl, Stage::Review, ts).await?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set status = 'review', escalated_at = $2, due_at = $3, updated_at = $2 \
                     where id = $1 and status = 'objection'",
                )
                .bind(id)
                .bind(ts)
                .bind(due),
            )
            .await?;
            event(&mut tx, id, "review", None, None, ts).await?;
            reason = Some(input.text.trim().to_string());
            details = json!({ "to": "city", "due_at": due });
        }
        Op::ReviewResult => {
            let upheld = match input.code.as_str() {
                "upheld" => true,
                "reverify" => false,
                _ => {
                    e.push("code", "required");
                    true
                }
            };
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            if upheld {
                exactly_one(
                    &mut tx,
                    sqlx::query(
                        "update reports set status = 'closed', review_outcome = 'upheld', closed_at = $2, due_at = null, \
                         updated_at = $2 where id = $1 and status = 'review'",
                    )
                    .bind(id)
                    .bind(ts),
                )
                .await?;
                event(&mut tx, id, "closed", Some("review_upheld"), None, ts).await?;
            } else {
                let due = deadline(db, dl, Stage::Verification, ts).await?;
                exactly_one(
                    &mut tx,
                    sqlx::query(
                        "update reports set status = 'verifying', review_outcome = 'reverify', verification_result = null, \
                         reply_text = null, due_at = $3, updated_at = $2 where id = $1 and status = 'review'",
                    )
                    .bind(id)
                    .bind(ts)
                    .bind(due),
                )
                .await?;
                event(&mut tx, id, "verifying", Some("review_reverify"), None, ts).await?;
            }
            staff_message(&mut tx, id, user.id, &input.text, ts).await?;
            details = json!({ "outcome": input.code });
        }
        Op::Close => {
            if w.objection_until.is_some_and(|u| u >= ts) {
                return Err(AppError::field("op", "objection_window_open"));
            }
            exactly_one(
                &mut tx,
                sqlx::query("update reports set status = 'closed', closed_at = $2, updated_at = $2 where id = $1 and status = 'replied'")
                    .bind(id)
                    .bind(ts),
            )
            .await?;
            event(&mut tx, id, "closed", None, None, ts).await?;
        }
        Op::RewardDecide => {
            if !rules::REWARD_CODES.contains(&input.code.as_str()) {
                e.push("code", "required");
            }
            let eligible = input.code == "eligible";
            let mut amount = 0;
            // The configured rules' amount: from the fine, or for a concealed accident from its
            // level and concealed deaths as verified (domain-rules §1). An empty amount takes it.
            let suggested_fen = if w.report_type == "concealed_accident" {
                if input.level.trim().is_empty() && input.deaths.trim().is_empty() {
                    None
                } else {
                    match crate::rewards::rules::parse_reward_case("concealed", "", input.level.trim(), &input.deaths) {
                        Ok(c) => Some(crate::rewards::rules::suggest_reward(state.area::<crate::rewards::rules::RewardRules>()?, &c) * 100),
                        Err((field, code)) => {
                            e.push(field, code);
                            None
                        }
                    }
                }
            } else {
                fine_suggestion_fen(state, &w)
            };
            if eligible && input.amount.trim().is_empty() && suggested_fen.is_some() {
                amount = suggested_fen.unwrap_or_default();
            } else if eligible {
                match crate::base::format::parse_yuan(&input.amount) {
                    Ok(0) => e.push("amount", "amount_zero"),
                    Ok(a) if a > state.area::<crate::rewards::rules::RewardRules>()?.cap_yuan * 100 => e.push("amount", "amount_over_cap"),
                    Ok(a) => amount = a,
                    Err(code) => e.push("amount", code),
                }
            }
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            sqlx::query("delete from reward_decisions where report_id = $1 and approved_by is null")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let done = sqlx::query(
                "insert into reward_decisions (report_id, eligible, reason_code, amount_fen, note, decided_by, decided_at) \
                 select $1, $2, $3, $4, $5, $6, $7 where not exists (select 1 from reward_decisions where report_id = $1)",
            )
            .bind(id)
            .bind(i64::from(eligible))
            .bind(&input.code)
            .bind(amount)
            .bind(input.text.trim())
            .bind(user.id)
            .bind(ts)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(AppError::field("op", "conflict"));
            }
            reason = Some(input.code.clone());
            details = json!({ "eligible": eligible, "amount_fen": amount, "suggested_fen": suggested_fen,
                "level": input.level.trim(), "deaths": input.deaths.trim() });
        }
        Op::RewardApprove => {
            let Some((_, code, _, _, by, ..)) = dec.clone() else {
                return Err(AppError::field("op", "needs_decision"));
            };
            if by == user.id {
                return Err(AppError::field("op", "own_decision"));
            }
            // The approval is bound to the decision the approver saw: if the first officer
            // decided again in between (another amount), nothing is approved and the page shows
            // the new decision to be looked at again.
            let Some((seen_eligible, seen_amount, seen_at)) = super::parse_decision_version(&input.version) else {
                return Err(AppError::field("op", "decision_changed"));
            };
            let approved = sqlx::query(
                "update reward_decisions set approved_by = $2, approved_at = $3 \
                 where report_id = $1 and approved_by is null and decided_by <> $2 \
                 and eligible = $4 and amount_fen = $5 and decided_at = $6",
            )
            .bind(id)
            .bind(user.id)
            .bind(ts)
            .bind(seen_eligible)
            .bind(seen_amount)
            .bind(seen_at)
            .execute(&mut *tx)
            .await?;
            if approved.rows_affected() != 1 {
                return Err(AppError::field("op", "decision_changed"));
            }
            let (eligible, amount) = (seen_eligible, seen_amount);
            if eligible == 1 {
                let until = deadline(db, dl, Stage::Claim, ts).await?;
                exactly_one(
                    &mut tx,
                    sqlx::query(
                        "update reports set reward_status = 'approved', reward_amount_fen = $2, reward_notified_at = $3, \
                         reward_claim_until = $4, updated_at = $3 where id = $1 and reward_status = 'none'",
                    )
                    .bind(id)
                    .bind(amount)
                    .bind(ts)
                    .bind(until),
                )
                .await?;
                event(&mut tx, id, "reward_approved", None, None, ts).await?;
                details = json!({ "amount_fen": amount, "claim_until": until });
            } else {
                exactly_one(
                    &mut tx,
                    sqlx::query("update reports set reward_status = 'denied', updated_at = $2 where id = $1 and reward_status = 'none'")
                        .bind(id)
                        .bind(ts),
                )
                .await?;
                event(&mut tx, id, "reward_denied", Some(&code), None, ts).await?;
                details = json!({ "denied": code });
            }
        }
        Op::RewardPay => {
            e.text("text", &input.text, 2, 100);
            e.done()?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set reward_status = 'paid', reward_paid_at = $2, payment_reference = $3, updated_at = $2 \
                     where id = $1 and reward_status = 'claimed'",
                )
                .bind(id)
                .bind(ts)
                .bind(input.text.trim()),
            )
            .await?;
            event(&mut tx, id, "reward_paid", None, None, ts).await?;
            details = json!({ "reference": input.text.trim() });
        }
    }
    // Merged cases follow their primary: routing, verification, extension and the joint reply
    // (a merge syncs its primary itself; other operations change nothing that is copied).
    if matches!(op, Op::Route | Op::Verify | Op::DecideExtension | Op::Reply) {
        sync_followers(&mut tx, id, ts).await?;
    }
    audit::append(
        db,
        &mut tx,
        Entry { user_id: Some(user.id), action: op.as_str(), report_id: Some(id), reason: reason.as_deref(), details: details.to_string() },
        ts,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

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
    let mut e = Errs(Vec::new());
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
        let plain = state
            .data_key
            .decrypt(&sealed, &format!("reward_claims:{id}"))
            .map_err(|e| AppError::internal("payee", e))?;
        let v: serde_json::Value = serde_json::from_slice(&plain).map_err(|e| AppError::internal("payee", e))?;
        ["name", "id_number", "bank", "account"]
            .iter()
            .map(|k| (k.to_string(), v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_string()))
            .collect()
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

// ---- the daily job ------------------------------------------------------------------------------------

/// The workflow's periodic job: the deadline work below, hourly (idempotent, so "daily" is a
/// lower bound).
pub fn jobs() -> Vec<crate::base::jobs::Job> {
    vec![crate::base::jobs::Job::new("deadlines", std::time::Duration::from_secs(3600), |db| async move {
        let (b, e, c) = daily(&db).await?;
        Ok(format!("breaches recorded {b}, rewards expired {e}, cases closed {c}"))
    })]
}

/// Record deadline breaches, expire unclaimed rewards and close replied cases whose objection
/// window has passed. Idempotent; run daily (and at start-up).
pub async fn daily(db: &Db) -> Result<(i64, i64, i64), AppError> {
    let t = now();
    let breaches = sqlx::query(&format!(
        "insert into deadline_breaches (report_id, stage, due_at, recorded_at) \
         select r.id, case r.status when 'submitted' then 'acceptance' when 'review' then 'review' \
         when 'objection' then 'objection' else 'verification' end, r.due_at, $1 from reports r \
         where r.status in {OPEN_SQL} and r.due_at is not null and r.due_at < $1 and not exists \
         (select 1 from deadline_breaches b where b.report_id = r.id and b.due_at = r.due_at)"
    ))
    .bind(t)
    .execute(&db.pool)
    .await?
    .rows_affected() as i64;
    let mut expired = 0;
    let ids: Vec<i64> =
        sqlx::query_scalar("select id from reports where reward_status = 'approved' and reward_claim_until < $1")
            .bind(t)
            .fetch_all(&db.pool)
            .await?;
    for id in ids {
        let mut tx = db.begin().await?;
        let done = sqlx::query(
            "update reports set reward_status = 'expired', updated_at = $2 where id = $1 and reward_status = 'approved' \
             and reward_claim_until < $2",
        )
        .bind(id)
        .bind(t)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            event(&mut tx, id, "reward_expired", None, None, t).await?;
            audit::append(db, &mut tx, Entry { user_id: None, action: "reward_expired", report_id: Some(id), reason: None, details: "{}".into() }, t).await?;
            expired += 1;
        }
        tx.commit().await?;
    }
    let mut closed = 0;
    let ids: Vec<i64> = sqlx::query_scalar("select id from reports where status = 'replied' and objection_until < $1")
        .bind(t)
        .fetch_all(&db.pool)
        .await?;
    for id in ids {
        let mut tx = db.begin().await?;
        let done = sqlx::query(
            "update reports set status = 'closed', closed_at = $2, updated_at = $2 where id = $1 and status = 'replied' \
             and objection_until < $2",
        )
        .bind(id)
        .bind(t)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            event(&mut tx, id, "closed", None, None, t).await?;
            audit::append(db, &mut tx, Entry { user_id: None, action: "close", report_id: Some(id), reason: Some("objection_window_passed"), details: "{}".into() }, t).await?;
            closed += 1;
        }
        tx.commit().await?;
    }
    Ok((breaches, expired, closed))
}

// ---- routing table, calendar, audit (admin) -------------------------------------------------------------

pub async fn routing_table(db: &Db) -> Result<RoutingTable, AppError> {
    type Row = (i64, String, String, String, Option<String>, Option<String>, Option<String>, String, String, String);
    let rows: Vec<Row> = sqlx::query_as(
        "select r.id, s.code, s.name_zh, s.name_en, t.code, t.name_zh, t.name_en, d.code, d.name_zh, d.name_en \
         from routing_rules r join sectors s on s.id = r.sector_id left join towns t on t.id = r.town_id \
         join departments d on d.id = r.lead_department_id order by s.sort_order, s.id, r.town_id is not null, t.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let coop: Vec<(i64, String, String, String)> = sqlx::query_as(
        "select c.rule_id, d.code, d.name_zh, d.name_en from routing_cooperators c join departments d on d.id = c.department_id \
         order by d.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let rules = rows
        .into_iter()
        .map(|r| RoutingRule {
            id: r.0,
            sector: Choice { code: r.1, name_zh: r.2, name_en: r.3 },
            town: r.4.map(|code| Choice { code, name_zh: r.5.unwrap_or_default(), name_en: r.6.unwrap_or_default() }),
            lead: Choice { code: r.7, name_zh: r.8, name_en: r.9 },
            cooperating: coop
                .iter()
                .filter(|c| c.0 == r.0)
                .map(|c| Choice { code: c.1.clone(), name_zh: c.2.clone(), name_en: c.3.clone() })
                .collect(),
        })
        .collect();
    Ok(RoutingTable { rules, sectors: crate::org::ssr::all_choices(db, "sectors").await?, towns: crate::org::ssr::all_choices(db, "towns").await?, departments: crate::org::ssr::departments(db).await? })
}

/// Add or replace the rule for a sector (and town, or any town when empty).
pub async fn save_rule(
    db: &Db,
    user_id: Option<i64>,
    sector: &str,
    town: &str,
    lead: &str,
    cooperating: &[String],
) -> Result<(), AppError> {
    let mut e = Errs(Vec::new());
    let sector_id: Option<i64> =
        sqlx::query_scalar("select id from sectors where code = $1").bind(sector.trim()).fetch_optional(&db.pool).await?;
    if sector_id.is_none() {
        e.push("sector", "required");
    }
    let town_id: Option<i64> = if town.trim().is_empty() {
        None
    } else {
        let t = sqlx::query_scalar("select id from towns where code = $1").bind(town.trim()).fetch_optional(&db.pool).await?;
        if t.is_none() {
            e.push("town", "town_unknown");
        }
        t
    };
    let lead_id = department_id(db, lead).await?.map(|d| d.0);
    if lead_id.is_none() {
        e.push("lead", "sector_needs_department");
    }
    let mut coop = Vec::new();
    for c in cooperating {
        match department_id(db, c).await?.map(|d| d.0) {
            Some(cid) if Some(cid) == lead_id => e.push("cooperating", "lead_also_cooperating"),
            Some(cid) => coop.push(cid),
            None => e.push("cooperating", "department_unknown"),
        }
    }
    coop.sort();
    coop.dedup();
    e.done()?;
    let (sector_id, lead_id) = (sector_id.unwrap_or_default(), lead_id.unwrap_or_default());
    let ts = now();
    let mut tx = db.begin().await?;
    let old: Option<i64> = sqlx::query_scalar(
        "select id from routing_rules where sector_id = $1 and ((town_id is null and $2 = 0) or town_id = $2)",
    )
    .bind(sector_id)
    .bind(town_id.unwrap_or(0))
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(old) = old {
        sqlx::query("delete from routing_cooperators where rule_id = $1").bind(old).execute(&mut *tx).await?;
        sqlx::query("delete from routing_rules where id = $1").bind(old).execute(&mut *tx).await?;
    }
    let rule_id: i64 = sqlx::query_scalar(
        "insert into routing_rules (sector_id, town_id, lead_department_id, updated_at) values ($1, $2, $3, $4) returning id",
    )
    .bind(sector_id)
    .bind(town_id)
    .bind(lead_id)
    .bind(ts)
    .fetch_one(&mut *tx)
    .await?;
    for cid in &coop {
        sqlx::query("insert into routing_cooperators (rule_id, department_id) values ($1, $2)")
            .bind(rule_id)
            .bind(cid)
            .execute(&mut *tx)
            .await?;
    }
    audit::append(
        db,
        &mut tx,
        Entry {
            user_id,
            action: "routing_rule_saved",
            report_id: None,
            reason: None,
            details: json!({ "sector": sector.trim(), "town": town.trim(), "lead": lead.trim(), "cooperating": cooperating }).to_string(),
        },
        ts,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Delete a rule; a sector's any-town rule cannot go (the sector would have no department).
pub async fn delete_rule(db: &Db, user_id: i64, rule_id: i64) -> Result<(), AppError> {
    let r: Option<(Option<i64>, String)> = sqlx::query_as(
        "select r.town_id, s.code from routing_rules r join sectors s on s.id = r.sector_id where r.id = $1",
    )
    .bind(rule_id)
    .fetch_optional(&db.pool)
    .await?;
    let (town, sector) = r.ok_or(AppError::NotFound)?;
    if town.is_none() {
        return Err(AppError::field("rule", "sector_needs_department"));
    }
    let ts = now();
    let mut tx = db.begin().await?;
    sqlx::query("delete from routing_cooperators where rule_id = $1").bind(rule_id).execute(&mut *tx).await?;
    sqlx::query("delete from routing_rules where id = $1").bind(rule_id).execute(&mut *tx).await?;
    audit::append(
        db,
        &mut tx,
        Entry { user_id: Some(user_id), action: "routing_rule_deleted", report_id: None, reason: None, details: json!({ "sector": sector, "rule": rule_id }).to_string() },
        ts,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn holidays(db: &Db) -> Result<Vec<HolidayRow>, AppError> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("select day, kind, name from holidays order by day desc").fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(|(day, kind, name)| HolidayRow { day, kind, name }).collect())
}

pub async fn save_holiday(db: &Db, user_id: i64, day: &str, kind: &str, name: &str) -> Result<(), AppError> {
    let mut e = Errs(Vec::new());
    let d = Day::parse(day);
    match d {
        None => e.push("day", "date_invalid"),
        Some(d) if !(2000..=2100).contains(&d.ymd().0) => e.push("day", "date_out_of_range"),
        Some(d) if kind == "work" && !d.is_weekend() => e.push("kind", "workday_on_weekday"),
        _ => {}
    }
    if !["off", "work"].contains(&kind) {
        e.push("kind", "required");
    }
    e.text("name", name, 1, 50);
    e.done()?;
    let day = d.map(|d| d.to_string()).unwrap_or_default();
    let ts = now();
    let mut tx = db.begin().await?;
    sqlx::query("delete from holidays where day = $1").bind(&day).execute(&mut *tx).await?;
    sqlx::query("insert into holidays (day, kind, name) values ($1, $2, $3)")
        .bind(&day)
        .bind(kind)
        .bind(name.trim())
        .execute(&mut *tx)
        .await?;
    audit::append(db, &mut tx, Entry { user_id: Some(user_id), action: "holiday_saved", report_id: None, reason: None, details: json!({ "day": day, "kind": kind, "name": name.trim() }).to_string() }, ts).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_holiday(db: &Db, user_id: i64, day: &str) -> Result<(), AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let done = sqlx::query("delete from holidays where day = $1").bind(day.trim()).execute(&mut *tx).await?;
    if done.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    audit::append(db, &mut tx, Entry { user_id: Some(user_id), action: "holiday_deleted", report_id: None, reason: None, details: json!({ "day": day.trim() }).to_string() }, ts).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn audit_page(db: &Db, case_number: &str) -> Result<AuditPage, AppError> {
    let report_id = if case_number.trim().is_empty() {
        None
    } else {
        let n = crate::cases::normalize_code(case_number);
        Some(
            sqlx::query_scalar("select id from reports where case_number = $1")
                .bind(&n)
                .fetch_optional(&db.pool)
                .await?
                .ok_or(AppError::NotFound)?,
        )
    };
    let total: i64 = sqlx::query_scalar("select count(*) from audit_log").fetch_one(&db.pool).await?;
    Ok(AuditPage { entries: history(db, report_id, 300).await?, total, chain: audit::verify(db).await? })
}
