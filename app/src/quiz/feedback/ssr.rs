//! Storage of error reports (server only): the public form's question, storing a report (after
//! the client's hourly budget and the session's repeat check), the review list and decisions.
use super::*;
use crate::base::audit::{self, Entry};
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use crate::state::AppState;
use serde_json::json;
use tower_sessions::Session;

/// Question versions this session has reported already: (question, version), newest last.
const SESSION_SENT: &str = "quiz.feedback_sent";

/// The question version a report would be about: an active question's stem and options (never its
/// answer). "not found" for an unknown version or a retired question.
pub async fn target(db: &Db, question_id: i64, version: i64) -> Result<ReportedQuestion, AppError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "select v.stem, v.options from quiz_question_versions v join quiz_questions q on q.id = v.question_id \
         where v.question_id = $1 and v.version = $2 and q.active = 1",
    )
    .bind(question_id)
    .bind(version)
    .fetch_optional(&db.pool)
    .await?;
    let (stem, options) = row.ok_or(AppError::NotFound)?;
    let options: Vec<String> = serde_json::from_str(&options).map_err(|e| AppError::internal("question options", e))?;
    Ok(ReportedQuestion { question_id, version, stem, options })
}

/// Store a report. Refused: an unknown or retired question ("not found"), a version this session
/// reported already (`feedback_repeated`), a client over its hourly budget (429).
pub async fn send(state: &AppState, session: &Session, question_id: i64, version: i64, f: &ValidFeedback) -> Result<(), AppError> {
    let db = &state.db;
    target(db, question_id, version).await?;
    let mut sent: Vec<(i64, i64)> =
        session.get(SESSION_SENT).await.map_err(|e| AppError::internal("session", e))?.unwrap_or_default();
    if sent.contains(&(question_id, version)) {
        return Err(AppError::field("op", "feedback_repeated"));
    }
    let per_hour = state.area::<crate::quiz::QuizSettings>()?.feedback_per_hour;
    if !state.area::<crate::base::clients::RateLimiter>()?.allow("quiz_feedback", crate::state::client_ip(), per_hour) {
        return Err(AppError::RateLimited);
    }
    sqlx::query(
        "insert into quiz_feedback (question_id, version, origin, reason, comment, created_at) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(question_id)
    .bind(version)
    .bind(f.origin.as_str())
    .bind(f.reason.as_str())
    .bind(&f.comment)
    .bind(now())
    .execute(&db.pool)
    .await?;
    sent.push((question_id, version));
    if sent.len() > SESSION_REMEMBERS {
        sent.remove(0);
    }
    session.insert(SESSION_SENT, sent).await.map_err(|e| AppError::internal("session", e))?;
    Ok(())
}

type ItemRow = (i64, i64, i64, i64, String, String, String, String, String, i64, String, Option<String>, String);

/// Reports of one status, newest first, with the open count.
pub async fn list(db: &Db, status: Status) -> Result<FeedbackList, AppError> {
    let rows: Vec<ItemRow> = sqlx::query_as(&format!(
        "select f.id, f.question_id, f.version, q.current_version, v.stem, v.answer, f.origin, f.reason, f.comment, \
         f.created_at, f.status, u.display_name, f.decision_note from quiz_feedback f \
         join quiz_questions q on q.id = f.question_id \
         join quiz_question_versions v on v.question_id = f.question_id and v.version = f.version \
         left join users u on u.id = f.decided_by where f.status = $1 order by f.created_at desc, f.id desc limit {LIST_MAX}"
    ))
    .bind(status.as_str())
    .fetch_all(&db.pool)
    .await?;
    let open: i64 = sqlx::query_scalar("select count(*) from quiz_feedback where status = 'open'").fetch_one(&db.pool).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(FeedbackItem {
                id: r.0,
                question_id: r.1,
                version: r.2,
                current_version: r.3,
                stem: r.4,
                answer: r.5,
                origin: Origin::parse(&r.6).ok_or_else(|| AppError::internal("feedback origin", &r.6))?,
                reason: Reason::parse(&r.7).ok_or_else(|| AppError::internal("feedback reason", &r.7))?,
                comment: r.8,
                created_at: r.9,
                status: Status::parse(&r.10).ok_or_else(|| AppError::internal("feedback status", &r.10))?,
                decided_by: r.11.unwrap_or_default(),
                note: r.12,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(FeedbackList { items, open })
}

/// Decide an open report (fixed or rejected, with a note), audited, in one transaction. A report
/// decided already is refused (`conflict`): two administrators cannot both decide it.
pub async fn decide(db: &Db, user_id: i64, id: i64, status: Status, note: &str) -> Result<(), AppError> {
    let mut e = crate::base::validate::FieldErrors::default();
    if status == Status::Open {
        e.push("status", "required");
    }
    let note = note.trim();
    e.text("note", note, 0, NOTE_MAX);
    e.done()?;
    let ts = now();
    let mut tx = db.begin().await?;
    let question: Option<i64> = sqlx::query_scalar("select question_id from quiz_feedback where id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let question = question.ok_or(AppError::NotFound)?;
    let done = sqlx::query(
        "update quiz_feedback set status = $2, decided_by = $3, decided_at = $4, decision_note = $5 where id = $1 and status = 'open'",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(user_id)
    .bind(ts)
    .bind(note)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::field("op", "conflict"));
    }
    let details = json!({ "feedback": id, "question": question, "status": status.as_str() });
    let entry = Entry { user_id: Some(user_id), action: "question_feedback_decided", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(())
}
