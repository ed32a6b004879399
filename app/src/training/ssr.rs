//! Training storage (server only). Everything an enterprise safety manager reads or changes is
//! narrowed to their own enterprise here: another enterprise's employee or session is "not
//! found", and an attendance list naming someone else's employee is refused whole.
use super::rules::{self, Category, HourRules};
use super::*;
use crate::base::audit::{self, Entry};
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use serde_json::json;
use std::collections::HashMap;

/// What the training area plugs into the server: the district's hour rules.
pub fn area(rules: HourRules) -> crate::state::Area {
    crate::state::Area::new().with(rules).http(routes())
}

pub fn today() -> Day {
    Day::of_timestamp(now())
}

/// 学时 of `minutes`, as shown: "4", "1.5".
pub fn hours_text(r: &HourRules, minutes: u32) -> String {
    rules::hours_text(r, minutes)
}

/// The enterprise a manager keeps: their account's own.
pub fn enterprise_of(user: &crate::accounts::CurrentUser) -> Result<i64, AppError> {
    user.enterprise_id.ok_or(AppError::Forbidden)
}

pub(super) fn day_text(d: i64) -> String {
    Day(d).to_string()
}

pub(super) fn category(code: &str) -> Result<Category, AppError> {
    Category::parse(code).ok_or_else(|| AppError::internal("training category", code))
}

/// The enterprise's name, credit code and high-risk flag.
async fn enterprise(db: &Db, id: i64) -> Result<(String, String, bool), AppError> {
    let row: Option<(String, Option<String>, i64)> =
        sqlx::query_as("select name, credit_code, high_risk from enterprises where id = $1").bind(id).fetch_optional(&db.pool).await?;
    let (name, code, high_risk) = row.ok_or(AppError::NotFound)?;
    Ok((name, code.unwrap_or_default(), high_risk == 1))
}

type EmployeeRow = (i64, String, String, i64, String, i64, Option<String>);

/// Every employee of the enterprise, active ones first, by name.
pub async fn staff(db: &Db, enterprise_id: i64) -> Result<EnterpriseStaff, AppError> {
    let (name, credit_code, high_risk) = enterprise(db, enterprise_id).await?;
    let rows: Vec<EmployeeRow> = sqlx::query_as(
        "select e.id, e.name, e.category, e.hired_on, e.contact, e.active, u.username from training_employees e \
         left join users u on u.id = e.user_id where e.enterprise_id = $1 order by e.active desc, e.name, e.id",
    )
    .bind(enterprise_id)
    .fetch_all(&db.pool)
    .await?;
    let employees = rows
        .into_iter()
        .map(|r| {
            Ok(Employee {
                id: r.0,
                name: r.1,
                category: category(&r.2)?,
                hired_on: day_text(r.3),
                contact: r.4,
                active: r.5 == 1,
                account: r.6.unwrap_or_default(),
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(EnterpriseStaff { enterprise: name, credit_code, high_risk, employees, report: None })
}

/// The account an employee record is linked to: an employee account of the same enterprise
/// (`account_unknown` otherwise), not linked to another record (`account_linked`).
async fn account_of(tx: &mut sqlx::Transaction<'static, sqlx::Any>, enterprise_id: i64, record: Option<i64>, username: &str) -> Result<Option<i64>, AppError> {
    let username = username.trim();
    if username.is_empty() {
        return Ok(None);
    }
    let user: Option<i64> = sqlx::query_scalar("select id from users where username = $1 and role = 'employee' and enterprise_id = $2 and active = 1")
        .bind(username)
        .bind(enterprise_id)
        .fetch_optional(&mut **tx)
        .await?;
    let user = user.ok_or_else(|| AppError::field("account", "account_unknown"))?;
    let other: Option<i64> = sqlx::query_scalar("select id from training_employees where user_id = $1").bind(user).fetch_optional(&mut **tx).await?;
    if other.is_some_and(|o| Some(o) != record) {
        return Err(AppError::field("account", "account_linked"));
    }
    Ok(Some(user))
}

/// Add an employee (`id` none) or change one of this enterprise's, with the username of their
/// own account to link (empty: none); audited.
pub async fn save_employee(db: &Db, user_id: i64, enterprise_id: i64, id: Option<i64>, v: &ValidEmployee, active: bool, account: &str) -> Result<i64, AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let linked = account_of(&mut tx, enterprise_id, id, account).await?;
    let id = match id {
        Some(id) => {
            let done = sqlx::query(
                "update training_employees set name = $3, category = $4, hired_on = $5, contact = $6, active = $7, updated_at = $8, \
                 user_id = $9 where id = $1 and enterprise_id = $2",
            )
            .bind(id)
            .bind(enterprise_id)
            .bind(&v.name)
            .bind(v.category.as_str())
            .bind(v.hired_on.0)
            .bind(&v.contact)
            .bind(i64::from(active))
            .bind(ts)
            .bind(linked)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(AppError::NotFound);
            }
            id
        }
        None => {
            let n: i64 = sqlx::query_scalar("select count(*) from training_employees where enterprise_id = $1")
                .bind(enterprise_id)
                .fetch_one(&mut *tx)
                .await?;
            if n >= EMPLOYEES_MAX {
                return Err(AppError::field("op", "employees_too_many"));
            }
            let id = insert_employee(&mut tx, enterprise_id, v, ts).await?;
            sqlx::query("update training_employees set user_id = $2 where id = $1").bind(id).bind(linked).execute(&mut *tx).await?;
            id
        }
    };
    let details = json!({ "enterprise": enterprise_id, "employee": id, "active": active });
    let entry = Entry { user_id: Some(user_id), action: "training_employee_saved", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn insert_employee(tx: &mut sqlx::Transaction<'static, sqlx::Any>, enterprise_id: i64, v: &ValidEmployee, ts: i64) -> Result<i64, AppError> {
    let id: i64 = sqlx::query_scalar(
        "insert into training_employees (enterprise_id, name, category, hired_on, contact, active, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, 1, $6, $6) returning id",
    )
    .bind(enterprise_id)
    .bind(&v.name)
    .bind(v.category.as_str())
    .bind(v.hired_on.0)
    .bind(&v.contact)
    .bind(ts)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// One employee's standing in `year` against the trainings (day, minutes) they attended; none
/// before the year they took the post.
fn line_of(r: &HourRules, (id, name, category, hired): (i64, String, Category, Day), high_risk: bool, year: i64, trainings: &[(Day, u32)], today: Day) -> Option<ComplianceLine> {
    let req = rules::requirement(r, category, high_risk, hired, year)?;
    let s = rules::standing(r, &req, trainings, today);
    Some(ComplianceLine {
        employee_id: id,
        name,
        category,
        phase: req.phase,
        required_hours: hours_text(r, s.required_minutes),
        done_hours: hours_text(r, s.done_minutes),
        shortfall_hours: hours_text(r, s.shortfall_minutes),
        due: s.due.to_string(),
        state: s.state,
    })
}

/// The enterprise's compliance in `year`: each active employee's requirement against the
/// training they attended in its window up to `today`; those behind first.
pub async fn compliance(db: &Db, r: &HourRules, enterprise_id: i64, year: i64, today: Day) -> Result<Compliance, AppError> {
    let (name, _, high_risk) = enterprise(db, enterprise_id).await?;
    let people: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "select id, name, category, hired_on from training_employees where enterprise_id = $1 and active = 1 order by name, id",
    )
    .bind(enterprise_id)
    .fetch_all(&db.pool)
    .await?;
    // Initial windows reach a year back from their due date, and a manager's due date up to
    // `manager_months` into the next year.
    let from = Day::from_ymd(year - 1, 1, 1).ok_or_else(|| AppError::field("year", "date_out_of_range"))?;
    let to = Day::from_ymd(year + 2, 12, 31).ok_or_else(|| AppError::field("year", "date_out_of_range"))?;
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "select employee_id, held_on, minutes from training_credits where enterprise_id = $1 and held_on >= $2 and held_on <= $3",
    )
    .bind(enterprise_id)
    .bind(from.0)
    .bind(to.0.min(today.0))
    .fetch_all(&db.pool)
    .await?;
    let mut done: HashMap<i64, Vec<(Day, u32)>> = HashMap::new();
    for (employee, day, minutes) in rows {
        done.entry(employee).or_default().push((Day(day), u32::try_from(minutes).unwrap_or(0)));
    }
    let mut lines = Vec::new();
    for (id, person, code, hired) in people {
        let trainings = done.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        lines.extend(line_of(r, (id, person, category(&code)?, Day(hired)), high_risk, year, trainings, today));
    }
    let rank = |s: rules::HoursState| match s {
        rules::HoursState::Overdue => 0,
        rules::HoursState::Open => 1,
        rules::HoursState::Met => 2,
    };
    lines.sort_by_key(|l| rank(l.state));
    let counted = lines.len() as i64;
    let met = lines.iter().filter(|l| l.state == rules::HoursState::Met).count() as i64;
    Ok(Compliance { enterprise: name, high_risk, year, lines, counted, met, percent: percent(met, counted) })
}

/// Where the last import's report waits for the employee page.
const SESSION_IMPORT_REPORT: &str = "training.import_report";

/// Store the employees read from a file in one transaction with one audit entry: all of them if
/// every line is good, only the good ones if asked, otherwise none. A line naming someone already
/// recorded (same name and day of taking the post) updates their category and contact.
pub async fn import_employees(
    db: &Db,
    user_id: i64,
    enterprise_id: i64,
    read: Vec<Result<ReadEmployee, Vec<crate::base::table::LineError>>>,
    good_only: bool,
) -> Result<crate::base::table::ImportReport, AppError> {
    let mut report = crate::base::table::ImportReport { total: read.len(), ..Default::default() };
    let mut good = Vec::new();
    for r in read {
        match r {
            Ok(e) => good.push(e),
            Err(errs) => {
                report.errors_total += errs.len();
                report.errors.extend(errs);
            }
        }
    }
    report.errors.truncate(IMPORT_ERRORS_SHOWN);
    report.good = good.len();
    if good.is_empty() || (report.errors_total > 0 && !good_only) {
        return Ok(report);
    }
    let ts = now();
    let mut tx = db.begin().await?;
    let existing: Vec<(i64, String, i64)> = sqlx::query_as("select id, name, hired_on from training_employees where enterprise_id = $1")
        .bind(enterprise_id)
        .fetch_all(&mut *tx)
        .await?;
    let existing: HashMap<(String, i64), i64> = existing.into_iter().map(|(id, name, day)| ((name, day), id)).collect();
    let new = good.iter().filter(|e| !existing.contains_key(&(e.employee.name.clone(), e.employee.hired_on.0))).count() as i64;
    if existing.len() as i64 + new > EMPLOYEES_MAX {
        return Ok(crate::base::table::ImportReport { file_error: Some("employees_too_many".into()), ..report });
    }
    let (mut added, mut updated) = (0, 0);
    for e in &good {
        let v = &e.employee;
        match existing.get(&(v.name.clone(), v.hired_on.0)) {
            Some(id) => {
                sqlx::query("update training_employees set category = $2, contact = $3, active = 1, updated_at = $4 where id = $1")
                    .bind(id)
                    .bind(v.category.as_str())
                    .bind(&v.contact)
                    .bind(ts)
                    .execute(&mut *tx)
                    .await?;
                updated += 1;
            }
            None => {
                insert_employee(&mut tx, enterprise_id, v, ts).await?;
                added += 1;
            }
        }
    }
    let details = json!({ "enterprise": enterprise_id, "added": added, "updated": updated, "skipped": report.total - good.len() });
    let entry = Entry { user_id: Some(user_id), action: "training_employees_imported", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    report.imported = good.len();
    Ok(report)
}

/// The last import's report, once.
pub async fn take_report(session: &tower_sessions::Session) -> Result<Option<crate::base::table::ImportReport>, AppError> {
    session.remove(SESSION_IMPORT_REPORT).await.map_err(|e| AppError::internal("session", e))
}

/// The training area's routes outside Leptos: the employee file's upload and its template, the
/// compliance and records files (`export`), the xAPI statements, the classroom's files and a session's
/// sign-in sheet (`sign_in_import`).
pub fn routes() -> crate::state::HttpRoutes {
    use axum::routing::{get, post};
    crate::state::HttpRoutes {
        router: axum::Router::new()
            .route("/training/enterprise/import", post(upload).layer(axum::extract::DefaultBodyLimit::disable()))
            .route("/training/enterprise/template.csv", get(template))
            .merge(super::export::router())
            .merge(super::xapi::router())
            .merge(super::classroom_http::router())
            .merge(super::sign_in_import::router()),
        upload_paths: &["/training/enterprise/import", super::classroom_http::UPLOAD_PATH, super::sign_in_import::UPLOAD_PATH],
        not_pages: &[
            "/training/enterprise/import",
            "/training/enterprise/template.csv",
            super::export::PATHS[0],
            super::export::PATHS[1],
            super::export::PATHS[2],
            super::export::PATHS[3],
            super::export::PATHS[4],
            super::export::PATHS[5],
            super::export::PATHS[6],
            super::export::PATHS[7],
            super::xapi::PATHS[0],
            super::xapi::PATHS[1],
            super::classroom_http::UPLOAD_PATH,
            super::classroom_http::FILES_PREFIX,
            super::sign_in_import::UPLOAD_PATH,
            super::sign_in_import::TEMPLATE_PATH,
        ],
    }
}

async fn template(axum::extract::State(state): axum::extract::State<crate::state::AppState>, session: tower_sessions::Session) -> axum::response::Response {
    use crate::accounts::{ssr::require_in, Permission};
    if let Err(e) = require_in(&state, &session, Permission::ManageEnterpriseTraining).await {
        return crate::base::errors::error_response(&e);
    }
    let mut body = String::from("\u{feff}");
    body.push_str(&import_template().join(","));
    body.push_str("\r\n张三,其他从业人员,2024-03-01,13800000000\r\n");
    crate::base::download::download(body, "text/csv; charset=utf-8", "employees-template.csv")
}

/// POST /training/enterprise/import (multipart: `file`, `good_only`): CSV (UTF-8 or GBK) or
/// XLSX. The report goes to the session for the employee page; a request that accepts JSON also
/// gets it as JSON.
async fn upload(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    session: tower_sessions::Session,
    headers: axum::http::HeaderMap,
    form: axum::extract::Multipart,
) -> axum::response::Response {
    use crate::accounts::{ssr::require_in, Permission};
    use crate::base::table::{self, ImportReport};
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::IntoResponse;
    let fail = |e: AppError| crate::base::errors::error_response(&e);
    let user = match require_in(&state, &session, Permission::ManageEnterpriseTraining).await {
        Ok(u) => u,
        Err(e) => return fail(e),
    };
    let enterprise = match enterprise_of(&user) {
        Ok(id) => id,
        Err(e) => return fail(e),
    };
    let up = match table::read_upload(form, IMPORT_FILE_MAX).await {
        Ok(up) => up,
        Err(e) => return fail(e),
    };
    let good_only = up.fields.get("good_only").is_some_and(|v| !v.is_empty());
    let report = if up.too_large {
        Ok(ImportReport { file_error: Some("file_too_large".into()), ..Default::default() })
    } else if up.bytes.is_empty() {
        Ok(ImportReport { file_error: Some("file_required".into()), ..Default::default() })
    } else {
        let bytes = up.bytes;
        let today = today();
        let read = tokio::task::spawn_blocking(move || {
            let rows = if table::is_xlsx(&bytes) {
                table::read_xlsx(&bytes, IMPORT_ROWS_MAX).map(|(rows, formulas)| (rows, formulas))
            } else {
                table::read_csv(&bytes, IMPORT_ROWS_MAX).map(|rows| (rows, Vec::new()))
            };
            rows.and_then(|(rows, formulas)| {
                let mut read = read_employees(rows, today)?;
                // A formula's line is refused whatever its cached value says.
                for e in formulas {
                    let line_of = |r: &Result<ReadEmployee, Vec<table::LineError>>| match r {
                        Ok(x) => x.line,
                        Err(errs) => errs.first().map(|x| x.line).unwrap_or(0),
                    };
                    if let Some(slot) = read.iter_mut().find(|r| line_of(r) == e.line) {
                        match slot {
                            Ok(_) => *slot = Err(vec![e]),
                            Err(errs) => errs.push(e),
                        }
                    }
                }
                Ok(read)
            })
        })
        .await;
        match read {
            Err(e) => Err(AppError::internal("employee import", e)),
            Ok(Err(code)) => Ok(ImportReport { file_error: Some(code), ..Default::default() }),
            Ok(Ok(read)) => import_employees(&state.db, user.id, enterprise, read, good_only).await,
        }
    };
    let report = match report {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    if let Err(e) = session.insert(SESSION_IMPORT_REPORT, &report).await {
        return fail(AppError::internal("session", e));
    }
    if table::wants_json(&headers) {
        axum::Json(report).into_response()
    } else {
        (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/training/enterprise#import"))]).into_response()
    }
}

/// The record of the employee linked to account `user_id`.
pub async fn my_record(db: &Db, r: &HourRules, user_id: i64, today: Day) -> Result<MyRecord, AppError> {
    let row: Option<(i64, String, String, i64, String, i64)> = sqlx::query_as(
        "select e.id, e.name, e.category, e.hired_on, n.name, n.high_risk from training_employees e \
         join enterprises n on n.id = e.enterprise_id where e.user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    let (id, name, code, hired, enterprise, high_risk) = row.ok_or(AppError::NotFound)?;
    let category = category(&code)?;
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "select a.held_on, s.title, a.minutes from training_attendance a join training_sessions s on s.id = a.session_id \
         where a.employee_id = $1 order by a.held_on desc, s.id desc",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let done = super::classroom_store::completed(db, id).await?;
    let contests: Vec<(i64, String, i64)> = sqlx::query_as(
        "select credited_on, title, minutes from training_contest_credits where employee_id = $1 order by credited_on desc, contest_id desc",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let trainings: Vec<(Day, u32)> = rows
        .iter()
        .chain(done.iter())
        .chain(contests.iter())
        .map(|(d, _, m)| (Day(*d), u32::try_from(*m).unwrap_or(0)))
        .collect();
    let standing = line_of(r, (id, name.clone(), category, Day(hired)), high_risk == 1, today.ymd().0, &trainings, today);
    let listed = |rows: Vec<(i64, String, i64)>| -> Vec<Attended> {
        rows.into_iter()
            .map(|(d, title, m)| Attended { held_on: day_text(d), title, hours: hours_text(r, u32::try_from(m).unwrap_or(0)) })
            .collect()
    };
    let certificates = crate::certificates::ssr::of_employee(db, id).await?;
    Ok(MyRecord {
        name,
        enterprise,
        category,
        standing,
        attended: listed(rows),
        courses: listed(done),
        contests: listed(contests),
        certificates,
    })
}
