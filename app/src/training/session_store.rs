//! An enterprise's on-site training sessions and their attendance sheets (server only), narrowed
//! to the manager's own enterprise: another enterprise's session is "not found", and an
//! attendance list naming someone else's employee is refused whole.
use super::ssr::{category, day_text, hours_text};
use super::*;
use crate::base::audit::{self, Entry};
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use super::rules::HourRules;
use serde_json::json;
use std::collections::HashSet;

type SessionRow = (i64, String, String, String, i64, i64, String, String, i64);

fn session_of(r: &HourRules, row: SessionRow) -> Result<Session, AppError> {
    let minutes = u32::try_from(row.4).map_err(|e| AppError::internal("session minutes", e))?;
    Ok(Session {
        id: row.0,
        title: row.1,
        audience: Audience::parse(&row.2).ok_or_else(|| AppError::internal("session audience", &row.2))?,
        phase: SessionPhase::parse(&row.3).ok_or_else(|| AppError::internal("session phase", &row.3))?,
        minutes,
        hours: hours_text(r, minutes),
        held_on: day_text(row.5),
        trainer: row.6,
        material: row.7,
        attendees: row.8,
    })
}

const SESSION_COLUMNS: &str = "s.id, s.title, s.audience, s.phase, s.minutes, s.held_on, s.trainer, s.material, \
     (select count(*) from training_attendance a where a.session_id = s.id)";

/// The enterprise's sessions, newest first (at most `SESSIONS_LISTED`).
pub async fn sessions(db: &Db, r: &HourRules, enterprise_id: i64) -> Result<Vec<Session>, AppError> {
    let rows: Vec<SessionRow> = sqlx::query_as(&format!(
        "select {SESSION_COLUMNS} from training_sessions s where s.enterprise_id = $1 order by s.held_on desc, s.id desc limit {SESSIONS_LISTED}"
    ))
    .bind(enterprise_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(|row| session_of(r, row)).collect()
}

pub const SESSIONS_LISTED: i64 = 500;

/// Record a session; audited. Its id.
pub async fn save_session(db: &Db, user_id: i64, enterprise_id: i64, v: &ValidSession) -> Result<i64, AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "insert into training_sessions (enterprise_id, title, audience, phase, minutes, held_on, trainer, material, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id",
    )
    .bind(enterprise_id)
    .bind(&v.title)
    .bind(v.audience.as_str())
    .bind(v.phase.as_str())
    .bind(i64::from(v.minutes))
    .bind(v.held_on.0)
    .bind(&v.trainer)
    .bind(&v.material)
    .bind(user_id)
    .bind(ts)
    .fetch_one(&mut *tx)
    .await?;
    let details = json!({ "enterprise": enterprise_id, "session": id, "minutes": v.minutes, "held_on": v.held_on.to_string() });
    let entry = Entry { user_id: Some(user_id), action: "training_session_saved", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(id)
}

/// Change a session of this enterprise; audited with what it was. Its attendance follows its day
/// and minutes, and the yearly totals of its attendees are recomputed for the year it was in and
/// the year it moves to. Refused: a session with attendance moved past `today`
/// (`held_on` = `session_attended_future`); another enterprise's session (not found).
pub async fn change_session(db: &Db, user_id: i64, enterprise_id: i64, id: i64, v: &ValidSession, today: Day) -> Result<(), AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let row: Option<(i64, i64)> = sqlx::query_as("select held_on, minutes from training_sessions where id = $1 and enterprise_id = $2")
        .bind(id)
        .bind(enterprise_id)
        .fetch_optional(&mut *tx)
        .await?;
    let (was_on, was_minutes) = row.ok_or(AppError::NotFound)?;
    let attendees: Vec<i64> = sqlx::query_scalar("select employee_id from training_attendance where session_id = $1 order by employee_id")
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
    if !attendees.is_empty() && v.held_on > today {
        return Err(AppError::field("held_on", "session_attended_future"));
    }
    sqlx::query(
        "update training_sessions set title = $1, audience = $2, phase = $3, minutes = $4, held_on = $5, trainer = $6, material = $7 \
         where id = $8 and enterprise_id = $9",
    )
    .bind(&v.title)
    .bind(v.audience.as_str())
    .bind(v.phase.as_str())
    .bind(i64::from(v.minutes))
    .bind(v.held_on.0)
    .bind(&v.trainer)
    .bind(&v.material)
    .bind(id)
    .bind(enterprise_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("update training_attendance set held_on = $1, minutes = $2 where session_id = $3")
        .bind(v.held_on.0)
        .bind(i64::from(v.minutes))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    crate::credits::ssr::refresh_year_minutes(&mut tx, &attendees, was_on).await?;
    if Day(was_on).ymd().0 != v.held_on.ymd().0 {
        crate::credits::ssr::refresh_year_minutes(&mut tx, &attendees, v.held_on.0).await?;
    }
    let details = json!({
        "enterprise": enterprise_id,
        "session": id,
        "minutes": [was_minutes, v.minutes],
        "held_on": [Day(was_on).to_string(), v.held_on.to_string()],
        "attendees": attendees.len(),
    });
    let entry = Entry { user_id: Some(user_id), action: "training_session_changed", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(())
}

/// A session of this enterprise with its attendance sheet.
pub async fn sheet(db: &Db, r: &HourRules, enterprise_id: i64, id: i64, today: Day) -> Result<SessionSheet, AppError> {
    let row: Option<SessionRow> =
        sqlx::query_as(&format!("select {SESSION_COLUMNS} from training_sessions s where s.id = $1 and s.enterprise_id = $2"))
            .bind(id)
            .bind(enterprise_id)
            .fetch_optional(&db.pool)
            .await?;
    let session = session_of(r, row.ok_or(AppError::NotFound)?)?;
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "select e.id, e.name, e.category, case when a.employee_id is null then 0 else 1 end from training_employees e \
         left join training_attendance a on a.employee_id = e.id and a.session_id = $2 \
         where e.enterprise_id = $1 and (e.active = 1 or a.employee_id is not null) order by e.name, e.id",
    )
    .bind(enterprise_id)
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let lines = rows
        .into_iter()
        .map(|r| Ok(SheetLine { employee_id: r.0, name: r.1, category: category(&r.2)?, attended: r.3 == 1 }))
        .collect::<Result<_, AppError>>()?;
    let open = Day::parse(&session.held_on).is_some_and(|d| d <= today);
    Ok(SessionSheet { session, open, lines, report: None })
}

/// Set who attended a session to exactly `attended` (the sheet's ticks), in one transaction;
/// audited. Refused whole: a session whose day is still ahead (`session_not_held`), anyone who is
/// not this enterprise's employee (`employee_unknown`).
pub async fn set_attendance(db: &Db, user_id: i64, enterprise_id: i64, session_id: i64, attended: &[i64], today: Day) -> Result<usize, AppError> {
    write_attendance(db, user_id, enterprise_id, session_id, attended, today, false).await
}

/// Add `attended` to whoever is already recorded as attending (a sign-in sheet's import, so
/// audited as coming from one), with `set_attendance`'s refusals; how many attend now. The
/// union is taken inside the transaction: a tick saved meanwhile is not lost.
pub async fn add_attendance(db: &Db, user_id: i64, enterprise_id: i64, session_id: i64, attended: &[i64], today: Day) -> Result<usize, AppError> {
    write_attendance(db, user_id, enterprise_id, session_id, attended, today, true).await
}

async fn write_attendance(db: &Db, user_id: i64, enterprise_id: i64, session_id: i64, attended: &[i64], today: Day, imported: bool) -> Result<usize, AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let row: Option<(i64, i64)> = sqlx::query_as("select held_on, minutes from training_sessions where id = $1 and enterprise_id = $2")
        .bind(session_id)
        .bind(enterprise_id)
        .fetch_optional(&mut *tx)
        .await?;
    let (held_on, minutes) = row.ok_or(AppError::NotFound)?;
    if held_on > today.0 {
        return Err(AppError::field("op", "session_not_held"));
    }
    let mut ids: HashSet<i64> = attended.iter().copied().collect();
    if !ids.is_empty() {
        let own: Vec<i64> = sqlx::query_scalar("select id from training_employees where enterprise_id = $1")
            .bind(enterprise_id)
            .fetch_all(&mut *tx)
            .await?;
        let own: HashSet<i64> = own.into_iter().collect();
        if !ids.is_subset(&own) {
            return Err(AppError::field("op", "employee_unknown"));
        }
    }
    let before: Vec<i64> = sqlx::query_scalar("select employee_id from training_attendance where session_id = $1").bind(session_id).fetch_all(&mut *tx).await?;
    if imported {
        ids.extend(before.iter().copied());
    }
    sqlx::query("delete from training_attendance where session_id = $1").bind(session_id).execute(&mut *tx).await?;
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    for chunk in ids.chunks(100) {
        let values: Vec<String> = (0..chunk.len()).map(|i| format!("($1, ${}, $2, $3, $4)", i + 5)).collect();
        let sql = format!(
            "insert into training_attendance (session_id, employee_id, enterprise_id, held_on, minutes) values {}",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(session_id).bind(enterprise_id).bind(held_on).bind(minutes);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *tx).await?;
    }
    let mut touched: Vec<i64> = before.into_iter().chain(ids.iter().copied()).collect();
    touched.sort_unstable();
    touched.dedup();
    crate::credits::ssr::refresh_year_minutes(&mut tx, &touched, held_on).await?;
    let mut details = json!({ "enterprise": enterprise_id, "session": session_id, "attended": ids.len() });
    if imported {
        details["via"] = json!("sign_in_import");
    }
    let entry = Entry { user_id: Some(user_id), action: "training_attendance_saved", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(ids.len())
}
