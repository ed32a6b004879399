//! The staff queue, its CSV/XLSX export rows and the dashboard figures, all within the user's scope.
use super::*;

pub(super) enum Bind {
    I(i64),
    S(String),
}

/// WHERE clause and binds for a filter within a scope.
pub(super) fn filter_sql(f: &QueueFilter, sc: Scope, t: i64, soon_days: i64) -> (String, Vec<Bind>) {
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
        "overdue" => push(&format!("r.status in {} and r.due_at < $?", open_sql()), Bind::I(t), &mut conds),
        "soon" => {
            push(&format!("r.status in {} and r.due_at >= $?", open_sql()), Bind::I(t), &mut conds);
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

pub(super) const QUEUE_FROM: &str = "from reports r join sectors s on s.id = r.sector_id join towns t on t.id = r.town_id \
     left join departments d on d.id = r.lead_department_id";

pub(super) type QueueSqlRow = (String, String, String, String, String, Option<String>, i64, Option<i64>, i64, String, Option<String>);

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
            urgency: r.7.filter(|_| is_open(&r.4)).map(|due| urgency(due, t, rules.due_soon_days)),
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

pub(super) fn date_opt(ts: Option<i64>) -> String {
    ts.map(|t| Day::of_timestamp(t).to_string()).unwrap_or_default()
}

pub(super) fn yuan_opt(fen: Option<i64>) -> String {
    fen.map(crate::base::format::fmt_yuan_plain).unwrap_or_default()
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
        if let Some(due) = due.filter(|_| is_open(&status)) {
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

pub(super) fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let m = v.len() / 2;
    Some(if v.len() % 2 == 0 { (v[m - 1] + v[m]) / 2.0 } else { v[m] })
}
