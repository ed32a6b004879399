//! The daily deadline work and the workflow's periodic job.
use super::*;
use crate::cases::ssr::{apply_timed, TimedChange};

/// A replied case closes when its objection window has passed without an objection.
const CLOSE_AFTER_OBJECTION_WINDOW: TimedChange = TimedChange {
    due: "select id from reports where status = 'replied' and objection_until < $1",
    update: "update reports set status = 'closed', closed_at = $2, updated_at = $2 where id = $1 and status = 'replied' \
             and objection_until < $2",
    event: "closed",
    action: "close",
    reason: Some("objection_window_passed"),
};

/// The staff workflow area: the deadline job and the staff routes outside Leptos.
pub fn area() -> crate::state::Area {
    crate::state::Area::new().jobs(jobs()).http(super::http())
}

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
    let open = open_sql();
    let breaches = sqlx::query(&format!(
        "insert into deadline_breaches (report_id, stage, due_at, recorded_at) \
         select r.id, case r.status when 'submitted' then 'acceptance' when 'review' then 'review' \
         when 'objection' then 'objection' else 'verification' end, r.due_at, $1 from reports r \
         where r.status in {open} and r.due_at is not null and r.due_at < $1 and not exists \
         (select 1 from deadline_breaches b where b.report_id = r.id and b.due_at = r.due_at)"
    ))
    .bind(t)
    .execute(&db.pool)
    .await?
    .rows_affected() as i64;
    let expired = apply_timed(db, &crate::rewards::ssr::EXPIRY, t).await?;
    let closed = apply_timed(db, &CLOSE_AFTER_OBJECTION_WINDOW, t).await?;
    Ok((breaches, expired, closed))
}
