//! The year's training as xAPI 2.0 statements (IEEE 9274.1.1-2023; server only; issue 15), for
//! other learning record stores:
//!
//! - `GET /training/enterprise/xapi.json?year=`: the enterprise safety manager's enterprise;
//! - `GET /staff/training/xapi.json?year=`: the training administrator's whole district.
//!
//! A JSON array of statements, as a store's `POST /statements` takes it: an employee *attended* an
//! on-site session (`…/verbs/attended`, a `meeting` activity) or *completed* a network classroom
//! course (`…/verbs/completed`, a `course` activity, passed), with the minutes credited as the
//! result's duration and the enterprise in a context extension. The actor is the employee's
//! record on this portal (an `account` under the portal's address, with the name the enterprise
//! recorded; no contact details). Statement ids are derived from what they state (a session and
//! an attendee, a course and a learner), so a second export repeats the same ids and a store that
//! has a statement keeps one copy (statements are immutable: a session corrected later keeps its
//! id, and a store that took the earlier version keeps that one).
//!
//! Streamed from database cursors in 64 KB pieces, like the compliance files (`export`).
use super::export::{checked_year, YearQuery};
use crate::base::calendar::Day;
use crate::base::db::Db;
use crate::base::errors::{error_response, AppError};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::Response;
use futures_util::TryStreamExt;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

pub const PATHS: [&str; 2] = ["/training/enterprise/xapi.json", "/staff/training/xapi.json"];

pub const VERB_ATTENDED: &str = "http://adlnet.gov/expapi/verbs/attended";
pub const VERB_COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
const TYPE_MEETING: &str = "http://adlnet.gov/expapi/activities/meeting";
const TYPE_COURSE: &str = "http://adlnet.gov/expapi/activities/course";
const PIECE: usize = 64 * 1024;

/// A statement id: a version-8 UUID from the SHA-256 of what the statement is about.
pub fn statement_id(kind: &str, activity: i64, employee: i64) -> String {
    let digest = Sha256::digest(format!("safewhistle:xapi:{kind}:{activity}:{employee}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// A Unix timestamp in China time, as xAPI writes it: `2026-03-05T14:07:00+08:00`.
pub fn timestamp(ts: i64) -> String {
    let day = Day::of_timestamp(ts);
    let s = ts - day.start_timestamp();
    format!("{day}T{:02}:{:02}:{:02}+08:00", s / 3600, s % 3600 / 60, s % 60)
}

/// What one statement says.
pub struct Record<'a> {
    /// `attended` a session, or `completed` a course.
    pub completed_course: bool,
    pub activity_id: i64,
    pub title: &'a str,
    pub employee_id: i64,
    pub employee: &'a str,
    pub enterprise: &'a str,
    pub credit_code: &'a str,
    pub minutes: i64,
    /// When: a course's completion time; a session's day (at midnight).
    pub at: i64,
}

/// The statement of `r`, with activity and account IRIs under `base` (no trailing slash).
pub fn statement(base: &str, r: &Record<'_>) -> Value {
    let (kind, verb, zh, en, activity_type) = if r.completed_course {
        ("course", VERB_COMPLETED, "完成", "completed", TYPE_COURSE)
    } else {
        ("training-session", VERB_ATTENDED, "参加", "attended", TYPE_MEETING)
    };
    let mut result = json!({ "completion": true, "duration": format!("PT{}M", r.minutes) });
    if r.completed_course {
        // A course counts only once its lessons' checks are passed.
        result["success"] = json!(true);
    }
    json!({
        "id": statement_id(kind, r.activity_id, r.employee_id),
        "actor": {
            "objectType": "Agent",
            "name": r.employee,
            "account": { "homePage": base, "name": format!("employee-{}", r.employee_id) },
        },
        "verb": { "id": verb, "display": { "zh-CN": zh, "en-US": en } },
        "object": {
            "objectType": "Activity",
            "id": format!("{base}/xapi/activities/{kind}/{}", r.activity_id),
            "definition": { "name": { "zh-CN": r.title }, "type": activity_type },
        },
        "result": result,
        "context": {
            "platform": "安全哨 SafeWhistle",
            "language": "zh-CN",
            "extensions": {
                format!("{base}/xapi/extensions/enterprise"): { "name": r.enterprise, "creditCode": r.credit_code },
            },
        },
        "timestamp": timestamp(r.at),
        "version": "2.0.0",
    })
}

/// Sends the bytes in pieces of about `PIECE`.
struct Pieces {
    buf: Vec<u8>,
    out: mpsc::Sender<Result<Bytes, std::io::Error>>,
}

impl Pieces {
    /// False when the download is gone.
    async fn push(&mut self, force: bool) -> bool {
        if self.buf.is_empty() || (!force && self.buf.len() < PIECE) {
            return true;
        }
        let piece = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(PIECE)));
        self.out.send(Ok(piece)).await.is_ok()
    }

    async fn add(&mut self, first: &mut bool, v: &Value) -> Result<bool, AppError> {
        if !std::mem::take(first) {
            self.buf.push(b',');
        }
        serde_json::to_writer(&mut self.buf, v).map_err(|e| AppError::internal("xapi statement", e))?;
        self.buf.push(b'\n');
        Ok(self.push(false).await)
    }
}

/// Write the year's statements (sessions attended, then courses completed) into `out`.
async fn produce(db: Db, base: String, year: i64, enterprise: Option<i64>, out: mpsc::Sender<Result<Bytes, std::io::Error>>) -> Result<(), AppError> {
    let (from, to) = super::district::ssr::year_days(year)?;
    let filter = enterprise.unwrap_or(0);
    let mut p = Pieces { buf: Vec::with_capacity(PIECE), out };
    let mut first = true;
    p.buf.push(b'[');
    type Row = (i64, i64, String, String, i64, i64, String, String);
    let mut sessions = sqlx::query_as::<_, Row>(
        "select a.session_id, a.employee_id, e.name, s.title, a.held_on, a.minutes, n.name, coalesce(n.credit_code, '') \
         from training_attendance a join training_sessions s on s.id = a.session_id \
         join training_employees e on e.id = a.employee_id join enterprises n on n.id = a.enterprise_id \
         where a.held_on >= $1 and a.held_on <= $2 and ($3 = 0 or a.enterprise_id = $3) order by a.session_id, a.employee_id",
    )
    .bind(from.0)
    .bind(to.0)
    .bind(filter)
    .fetch(&db.pool);
    while let Some((session, employee_id, employee, title, day, minutes, enterprise, credit_code)) = sessions.try_next().await? {
        let r = Record {
            completed_course: false,
            activity_id: session,
            title: &title,
            employee_id,
            employee: &employee,
            enterprise: &enterprise,
            credit_code: &credit_code,
            minutes,
            at: Day(day).start_timestamp(),
        };
        if !p.add(&mut first, &statement(&base, &r)).await? {
            return Ok(());
        }
    }
    drop(sessions);
    let mut courses = sqlx::query_as::<_, Row>(
        "select c.course_id, c.employee_id, e.name, k.title, c.completed_at, c.minutes, n.name, coalesce(n.credit_code, '') \
         from training_course_completions c join training_courses k on k.id = c.course_id \
         join training_employees e on e.id = c.employee_id join enterprises n on n.id = c.enterprise_id \
         where c.completed_on >= $1 and c.completed_on <= $2 and ($3 = 0 or c.enterprise_id = $3) order by c.course_id, c.employee_id",
    )
    .bind(from.0)
    .bind(to.0)
    .bind(filter)
    .fetch(&db.pool);
    while let Some((course, employee_id, employee, title, at, minutes, enterprise, credit_code)) = courses.try_next().await? {
        let r = Record { completed_course: true, activity_id: course, title: &title, employee_id, employee: &employee, enterprise: &enterprise, credit_code: &credit_code, minutes, at };
        if !p.add(&mut first, &statement(&base, &r)).await? {
            return Ok(());
        }
    }
    p.buf.extend_from_slice(b"]\n");
    p.push(true).await;
    Ok(())
}

/// The portal's address for the IRIs: the configured public address, else the one the request
/// came to.
fn base(state: &AppState, headers: &HeaderMap) -> Result<String, AppError> {
    let configured = state.area::<crate::certificates::ssr::CertificateSettings>()?.public_url.trim().trim_end_matches('/').to_string();
    if !configured.is_empty() {
        return Ok(configured);
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c)))
        .unwrap_or("localhost");
    Ok(format!("http://{host}"))
}

fn stream(state: &AppState, headers: &HeaderMap, year: i64, enterprise: Option<i64>, name: &str) -> Result<Response, AppError> {
    let base = base(state, headers)?;
    let (tx, mut rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let errors = tx.clone();
    let db = state.db.clone();
    tokio::spawn(async move {
        if let Err(e) = produce(db, base, year, enterprise, tx).await {
            tracing::error!(error = ?e, "xapi export");
            let _ = errors.send(Err(std::io::Error::other("xapi export failed"))).await;
        }
    });
    let body = Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)));
    Ok(crate::base::download::download(body, "application/json", name))
}

async fn enterprise_file(state: AppState, session: tower_sessions::Session, headers: HeaderMap, q: YearQuery) -> Response {
    use crate::accounts::{ssr::require_in, Permission};
    let made = async {
        let user = require_in(&state, &session, Permission::ManageEnterpriseTraining).await?;
        let enterprise = user.enterprise_id.ok_or(AppError::Forbidden)?;
        let year = checked_year(&q)?;
        stream(&state, &headers, year, Some(enterprise), &format!("training-xapi-{year}.json"))
    };
    made.await.unwrap_or_else(|e| error_response(&e))
}

async fn district_file(state: AppState, session: tower_sessions::Session, headers: HeaderMap, q: YearQuery) -> Response {
    use crate::accounts::{ssr::require_in, Permission};
    let made = async {
        require_in(&state, &session, Permission::TrainingOverview).await?;
        let year = checked_year(&q)?;
        stream(&state, &headers, year, None, &format!("district-training-xapi-{year}.json"))
    };
    made.await.unwrap_or_else(|e| error_response(&e))
}

/// The two download routes.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::get;
    type S = State<AppState>;
    type Q = Query<YearQuery>;
    axum::Router::new()
        .route(PATHS[0], get(|State(s): S, session, headers: HeaderMap, Query(q): Q| enterprise_file(s, session, headers, q)))
        .route(PATHS[1], get(|State(s): S, session, headers: HeaderMap, Query(q): Q| district_file(s, session, headers, q)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_ids_are_stable_uuids() {
        let a = statement_id("course", 3, 7);
        assert_eq!(a, statement_id("course", 3, 7));
        assert_ne!(a, statement_id("course", 7, 3));
        assert_ne!(a, statement_id("training-session", 3, 7));
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), vec![8, 4, 4, 4, 12]);
        assert!(parts[2].starts_with('8'), "version 8: {a}");
        assert!("89ab".contains(&parts[3][..1]), "RFC 9562 variant: {a}");
    }

    #[test]
    fn timestamps_in_china_time() {
        let day = Day::parse("2026-03-05").expect("a day");
        assert_eq!(timestamp(day.start_timestamp()), "2026-03-05T00:00:00+08:00");
        assert_eq!(timestamp(day.start_timestamp() + 14 * 3600 + 7 * 60 + 9), "2026-03-05T14:07:09+08:00");
        assert_eq!(timestamp(day.end_timestamp()), "2026-03-05T23:59:59+08:00");
    }

    #[test]
    fn statements_carry_what_a_store_needs() {
        let r = Record {
            completed_course: true,
            activity_id: 12,
            title: "危化品安全",
            employee_id: 5,
            employee: "陈一",
            enterprise: "某化工公司",
            credit_code: "91340100MA2NL0H014",
            minutes: 45,
            at: Day::parse("2026-03-05").expect("a day").start_timestamp() + 3600,
        };
        let s = statement("https://aqs.example.cn", &r);
        assert_eq!(s["version"], "2.0.0");
        assert_eq!(s["verb"]["id"], VERB_COMPLETED);
        assert_eq!(s["actor"]["account"]["name"], "employee-5");
        assert_eq!(s["actor"]["account"]["homePage"], "https://aqs.example.cn");
        assert_eq!(s["object"]["id"], "https://aqs.example.cn/xapi/activities/course/12");
        assert_eq!(s["result"]["duration"], "PT45M");
        assert_eq!(s["result"]["success"], true);
        assert_eq!(s["timestamp"], "2026-03-05T01:00:00+08:00");
        assert_eq!(s["context"]["extensions"]["https://aqs.example.cn/xapi/extensions/enterprise"]["creditCode"], "91340100MA2NL0H014");
        let session = statement("https://aqs.example.cn", &Record { completed_course: false, ..r });
        assert_eq!(session["verb"]["id"], VERB_ATTENDED);
        assert!(session["result"].get("success").is_none());
        assert_eq!(session["object"]["definition"]["type"], TYPE_MEETING);
        assert_ne!(session["id"], s["id"]);
    }
}
