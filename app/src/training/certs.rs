//! Certificates in the training area (server only): the enterprise's special-operation
//! certificates (特种作业操作证) with their reviews, and the portal's certificates issued to a held
//! session's attendees (`crate::certificates` keeps, checks and prints them).
use super::rules::{self, HourRules};
use super::ssr::{day_text, hours_text};
use super::*;
use crate::base::audit::{self, Entry};
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use serde_json::json;

type OpRow = (i64, String, String, String, i64, String);

/// The manager's certificates page.
pub async fn certificates_view(db: &Db, r: &HourRules, enterprise_id: i64, today: Day) -> Result<CertificatesView, AppError> {
    let rows: Vec<OpRow> = sqlx::query_as(
        "select c.id, e.name, c.operation, c.number, c.issued_on, c.reviews from training_op_certificates c \
         join training_employees e on e.id = c.employee_id where c.enterprise_id = $1",
    )
    .bind(enterprise_id)
    .fetch_all(&db.pool)
    .await?;
    let mut operations = Vec::with_capacity(rows.len());
    for (id, employee, operation, number, issued, reviews) in rows {
        let reviews: Vec<String> = serde_json::from_str(&reviews).map_err(|e| AppError::internal("certificate reviews", e))?;
        let days: Vec<Day> = reviews.iter().filter_map(|d| Day::parse(d)).collect();
        let c = rules::certificate(r, Day(issued), &days, today);
        operations.push(OpCertificate {
            id,
            employee,
            operation,
            number,
            issued_on: day_text(issued),
            reviews,
            expires: c.expires.to_string(),
            next_review: c.next_review.map(|d| d.to_string()),
            state: c.state,
        });
    }
    // Those needing attention first: expired, review overdue, expiring, review soon, valid.
    let rank = |s: rules::CertState| match s {
        rules::CertState::Expired => 0,
        rules::CertState::ReviewOverdue => 1,
        rules::CertState::ExpiringSoon => 2,
        rules::CertState::ReviewSoon => 3,
        rules::CertState::Valid => 4,
    };
    operations.sort_by(|a, b| rank(a.state).cmp(&rank(b.state)).then_with(|| a.expires.cmp(&b.expires)));
    let employees: Vec<(i64, String)> = sqlx::query_as("select id, name from training_employees where enterprise_id = $1 and active = 1 order by name, id")
        .bind(enterprise_id)
        .fetch_all(&db.pool)
        .await?;
    let issued = crate::certificates::ssr::of_enterprise(db, enterprise_id).await?;
    Ok(CertificatesView { operations, employees, issued })
}

fn reviews_json(days: &[Day]) -> String {
    serde_json::Value::from(days.iter().map(|d| d.to_string()).collect::<Vec<_>>()).to_string()
}

/// Record a special-operation certificate of one of this enterprise's employees; audited. The
/// same operation and number twice: `certificate_repeated`.
pub async fn save_op_certificate(db: &Db, user_id: i64, enterprise_id: i64, v: &ValidOpCertificate) -> Result<i64, AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let own: Option<i64> = sqlx::query_scalar("select id from training_employees where id = $1 and enterprise_id = $2")
        .bind(v.employee_id)
        .bind(enterprise_id)
        .fetch_optional(&mut *tx)
        .await?;
    if own.is_none() {
        return Err(AppError::field("employee", "employee_unknown"));
    }
    let taken: i64 = sqlx::query_scalar("select count(*) from training_op_certificates where operation = $1 and number = $2")
        .bind(v.operation)
        .bind(&v.number)
        .fetch_one(&mut *tx)
        .await?;
    if taken > 0 {
        return Err(AppError::field("number", "certificate_repeated"));
    }
    let id: i64 = sqlx::query_scalar(
        "insert into training_op_certificates (enterprise_id, employee_id, operation, number, issued_on, reviews, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7) returning id",
    )
    .bind(enterprise_id)
    .bind(v.employee_id)
    .bind(v.operation)
    .bind(&v.number)
    .bind(v.issued_on.0)
    .bind(reviews_json(&v.reviews))
    .bind(ts)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match e.as_database_error().is_some_and(|d| d.is_unique_violation()) {
        true => AppError::field("number", "certificate_repeated"),
        false => e.into(),
    })?;
    let details = json!({ "enterprise": enterprise_id, "op_certificate": id, "employee": v.employee_id, "operation": v.operation });
    let entry = Entry { user_id: Some(user_id), action: "training_op_certificate_saved", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(id)
}

/// Record a review of one of this enterprise's special-operation certificates (after its issue,
/// not in the future); audited.
pub async fn add_review(db: &Db, user_id: i64, enterprise_id: i64, id: i64, reviewed_on: &str, today: Day) -> Result<(), AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let row: Option<(i64, String)> = sqlx::query_as("select issued_on, reviews from training_op_certificates where id = $1 and enterprise_id = $2")
        .bind(id)
        .bind(enterprise_id)
        .fetch_optional(&mut *tx)
        .await?;
    let (issued, reviews) = row.ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::default();
    let day = check_day(&mut e, "reviewed_on", reviewed_on, Some(Day(issued)), today);
    e.done()?;
    let mut days: Vec<Day> = serde_json::from_str::<Vec<String>>(&reviews)
        .map_err(|e| AppError::internal("certificate reviews", e))?
        .iter()
        .filter_map(|d| Day::parse(d))
        .collect();
    days.extend(day);
    days.sort_unstable();
    days.dedup();
    sqlx::query("update training_op_certificates set reviews = $2, updated_at = $3 where id = $1")
        .bind(id)
        .bind(reviews_json(&days))
        .bind(ts)
        .execute(&mut *tx)
        .await?;
    let details = json!({ "enterprise": enterprise_id, "op_certificate": id, "reviewed_on": day.map(|d| d.to_string()) });
    let entry = Entry { user_id: Some(user_id), action: "training_op_certificate_reviewed", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(())
}

/// Issue a certificate to everyone who attended a held session of this enterprise and has none
/// standing for it yet; audited. How many were issued.
pub async fn issue_session_certificates(db: &Db, r: &HourRules, user_id: i64, enterprise_id: i64, session_id: i64, today: Day) -> Result<usize, AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let row: Option<(String, i64, i64, String)> = sqlx::query_as(
        "select s.title, s.minutes, s.held_on, e.name from training_sessions s join enterprises e on e.id = s.enterprise_id \
         where s.id = $1 and s.enterprise_id = $2",
    )
    .bind(session_id)
    .bind(enterprise_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (title, minutes, held_on, issuer) = row.ok_or(AppError::NotFound)?;
    if held_on > today.0 {
        return Err(AppError::field("op", "session_not_held"));
    }
    let people: Vec<(i64, String)> = sqlx::query_as(
        "select e.id, e.name from training_attendance a join training_employees e on e.id = a.employee_id \
         where a.session_id = $1 and not exists (select 1 from certificates c where c.kind = 'session' and c.source_id = $1 \
         and c.employee_id = e.id and c.revoked_at is null) order by e.name, e.id",
    )
    .bind(session_id)
    .fetch_all(&mut *tx)
    .await?;
    let hours = hours_text(r, u32::try_from(minutes).unwrap_or(0));
    for (employee, name) in &people {
        let c = crate::certificates::ssr::NewCertificate {
            kind: crate::certificates::Kind::Session,
            source_id: session_id,
            holder: name.clone(),
            title: title.clone(),
            issuer: issuer.clone(),
            hours: Some(hours.clone()),
            issued_on: today,
            valid_until: None,
            enterprise_id: Some(enterprise_id),
            employee_id: Some(*employee),
        };
        crate::certificates::ssr::issue(&mut tx, &c, Some(user_id), None, ts).await?;
    }
    let details = json!({ "enterprise": enterprise_id, "session": session_id, "certificates": people.len() });
    let entry = Entry { user_id: Some(user_id), action: "training_certificates_issued", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(people.len())
}
