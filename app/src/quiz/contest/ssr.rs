//! Storage of contests (server only): the contests and their drawable questions, and the
//! contestants (who is who in a session). Attempts are in `attempts`, rankings in `ranking`.
//!
//! The server's clock is the only clock: an attempt's deadline is fixed when it starts (the time
//! limit, or the contest's close if sooner); an answer is stored only by a statement that checks
//! the attempt is open and the deadline not passed, in the same statement; the periodic job
//! `close_expired` closes and scores attempts whose deadline passed even if their browser is gone.
use crate::base::validate::normal_code;
use super::figures::StatsView;
use super::*;
use crate::base::audit::{self, Entry};
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use crate::state::AppState;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tower_sessions::Session;

/// Milliseconds since the Unix epoch by the server's clock.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// The quiz area's state: the drawable questions of each contest (read from the bank at most
/// once a minute, so 10,000 starts in a minute do not each scan the bank) and the per-contestant
/// limit on answer writes.
#[derive(Default)]
pub struct ContestState {
    candidates: Mutex<HashMap<i64, (Instant, Arc<Vec<Candidate>>)>>,
    writes: Mutex<HashMap<i64, (Instant, u32)>>,
    stats: Mutex<HashMap<i64, (Instant, Arc<StatsView>)>>,
}

const CANDIDATES_FOR: Duration = Duration::from_secs(60);
/// Answer writes per contestant per window (a person answers every few seconds; the page saves
/// on each change).
const WRITES_PER_WINDOW: u32 = 40;
const WRITE_WINDOW: Duration = Duration::from_secs(10);

impl ContestState {
    /// A contest's statistics computed less than `fresh` ago.
    pub fn cached_stats(&self, id: i64, fresh: Duration) -> Option<Arc<StatsView>> {
        let map = self.stats.lock().ok()?;
        map.get(&id).filter(|(at, _)| at.elapsed() < fresh).map(|(_, s)| s.clone())
    }
    pub fn keep_stats(&self, id: i64, s: Arc<StatsView>) {
        if let Ok(mut map) = self.stats.lock() {
            if map.len() > 100 {
                map.clear();
            }
            map.insert(id, (Instant::now(), s));
        }
    }
    pub fn forget_stats(&self, id: i64) {
        if let Ok(mut map) = self.stats.lock() {
            map.remove(&id);
        }
    }

    /// Whether contestant `id` may write once more now.
    pub(super) fn allow_write(&self, id: i64) -> bool {
        let now = Instant::now();
        let Ok(mut map) = self.writes.lock() else { return true };
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| now.duration_since(*start) < WRITE_WINDOW);
        }
        let entry = map.entry(id).or_insert((now, 0));
        if now.duration_since(entry.0) >= WRITE_WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= WRITES_PER_WINDOW
    }
}

// ---- contests -----------------------------------------------------------------------------------

#[derive(sqlx::FromRow)]
struct ContestRow {
    id: i64,
    title: String,
    description: String,
    opens_at: i64,
    closes_at: i64,
    time_limit_s: i64,
    attempts_per_day: i64,
    attempts_total: i64,
    valid_percent: i64,
    audience: String,
    review: i64,
    partial_credit: i64,
    name_privacy: String,
    pools: String,
    enterprises: String,
    towns: String,
    credit_minutes: i64,
}

const CONTEST_SQL: &str = "select id, title, description, opens_at, closes_at, time_limit_s, attempts_per_day, \
     attempts_total, valid_percent, audience, review, partial_credit, name_privacy, pools, enterprises, towns, credit_minutes from quiz_contests";

fn ids(list: &str) -> Vec<i64> {
    list.split(',').filter_map(|s| s.parse().ok()).collect()
}

fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        String::new()
    } else {
        format!(",{},", ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
    }
}

fn contest(r: ContestRow) -> Result<Contest, AppError> {
    Ok(Contest {
        id: r.id,
        title: r.title,
        description: r.description,
        opens_at: r.opens_at,
        closes_at: r.closes_at,
        time_limit_s: r.time_limit_s,
        attempts_per_day: r.attempts_per_day,
        attempts_total: r.attempts_total,
        valid_percent: r.valid_percent,
        credit_minutes: r.credit_minutes,
        audience: Audience::parse(&r.audience).ok_or_else(|| AppError::internal("contest audience", &r.audience))?,
        review: r.review == 1,
        partial_credit: r.partial_credit == 1,
        privacy: Privacy::parse(&r.name_privacy).ok_or_else(|| AppError::internal("contest privacy", &r.name_privacy))?,
        pools: serde_json::from_str(&r.pools).map_err(|e| AppError::internal("contest pools", e))?,
        enterprises: ids(&r.enterprises),
        towns: ids(&r.towns),
    })
}

pub async fn find_contest(db: &Db, id: i64) -> Result<Contest, AppError> {
    let row: Option<ContestRow> =
        sqlx::query_as(&format!("{CONTEST_SQL} where id = $1")).bind(id).fetch_optional(&db.pool).await?;
    contest(row.ok_or(AppError::NotFound)?)
}

/// Every contest, the newest window first.
pub async fn list(db: &Db) -> Result<Vec<Contest>, AppError> {
    let rows: Vec<ContestRow> =
        sqlx::query_as(&format!("{CONTEST_SQL} order by opens_at desc, id desc limit 200")).fetch_all(&db.pool).await?;
    rows.into_iter().map(contest).collect()
}

pub async fn summaries(db: &Db) -> Result<Vec<ContestSummary>, AppError> {
    let now = now();
    Ok(list(db)
        .await?
        .into_iter()
        .map(|c| ContestSummary { id: c.id, phase: c.phase(now), title: c.title, opens_at: c.opens_at, closes_at: c.closes_at, audience: c.audience })
        .collect())
}

pub async fn admin_data(db: &Db) -> Result<ContestAdminData, AppError> {
    let towns: Vec<(i64, String, String)> =
        sqlx::query_as("select id, name_zh, name_en from towns order by id").fetch_all(&db.pool).await?;
    let enterprises: Vec<(i64, String)> =
        sqlx::query_as("select id, name from enterprises where active = 1 order by id limit 2000").fetch_all(&db.pool).await?;
    Ok(ContestAdminData {
        contests: list(db).await?,
        sectors: crate::org::ssr::all_choices(db, "sectors").await?,
        towns,
        enterprises,
    })
}

/// Active questions at their current version, as papers draw them.
async fn load_candidates(db: &Db) -> Result<Vec<Candidate>, AppError> {
    let rows: Vec<(i64, i64, String, String, String)> = sqlx::query_as(
        "select q.id, v.version, v.kind, v.tags, v.options from quiz_questions q \
         join quiz_question_versions v on v.question_id = q.id and v.version = q.current_version where q.active = 1",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, version, kind, tags, options) in rows {
        let kind = Kind::parse(&kind).ok_or_else(|| AppError::internal("question kind", &kind))?;
        let options: Vec<String> = serde_json::from_str(&options).map_err(|e| AppError::internal("question options", e))?;
        let tags = tags.split(',').filter(|t| !t.is_empty()).map(String::from).collect();
        out.push(Candidate { question_id: id, version, kind, tags, options: options.len() });
    }
    Ok(out)
}

pub(super) async fn candidates(db: &Db, cs: &ContestState, contest_id: i64) -> Result<Arc<Vec<Candidate>>, AppError> {
    if let Ok(map) = cs.candidates.lock() {
        if let Some((at, list)) = map.get(&contest_id) {
            if at.elapsed() < CANDIDATES_FOR {
                return Ok(list.clone());
            }
        }
    }
    let list = Arc::new(load_candidates(db).await?);
    if let Ok(mut map) = cs.candidates.lock() {
        map.insert(contest_id, (Instant::now(), list.clone()));
    }
    Ok(list)
}

/// Store a checked contest (new when `id` is None). Each pool must be drawable from the bank as
/// it is, and listed units must exist. Once a contest has attempts, its paper rules stay as they
/// were (only title, description, close, review and name display change), so every attempt is
/// scored by the rules it was drawn under.
pub async fn save_contest(db: &Db, cs: &ContestState, user_id: i64, id: Option<i64>, c: &Contest) -> Result<i64, AppError> {
    let bank = load_candidates(db).await?;
    let mut e = FieldErrors::default();
    if draw_paper(&c.pools, &bank, &mut |_| 0).is_none() {
        e.push("pools", "pool_not_enough");
    }
    for (table, list, field) in [("enterprises", &c.enterprises, "enterprises"), ("towns", &c.towns, "towns")] {
        if !list.is_empty() {
            let found: i64 = sqlx::query_scalar(&format!(
                "select count(*) from {table} where id in ({})",
                list.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            ))
            .fetch_one(&db.pool)
            .await?;
            if found != list.len() as i64 {
                e.push(field, "unknown_choice");
            }
        }
    }
    e.done()?;
    let pools = serde_json::to_string(&c.pools).map_err(|e| AppError::internal("contest pools", e))?;
    let ts = now();
    let mut tx = db.begin().await?;
    let id = match id {
        None => {
            sqlx::query_scalar(
                "insert into quiz_contests (title, description, opens_at, closes_at, time_limit_s, attempts_per_day, \
                 attempts_total, valid_percent, audience, review, partial_credit, name_privacy, pools, enterprises, towns, \
                 created_by, created_at, updated_at, credit_minutes) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
                 $15, $16, $17, $17, $18) returning id",
            )
            .bind(&c.title)
            .bind(&c.description)
            .bind(c.opens_at)
            .bind(c.closes_at)
            .bind(c.time_limit_s)
            .bind(c.attempts_per_day)
            .bind(c.attempts_total)
            .bind(c.valid_percent)
            .bind(c.audience.as_str())
            .bind(i64::from(c.review))
            .bind(i64::from(c.partial_credit))
            .bind(c.privacy.as_str())
            .bind(&pools)
            .bind(id_list(&c.enterprises))
            .bind(id_list(&c.towns))
            .bind(user_id)
            .bind(ts)
            .bind(c.credit_minutes)
            .fetch_one(&mut *tx)
            .await?
        }
        Some(id) => {
            let started: i64 = sqlx::query_scalar("select count(*) from quiz_attempts where contest_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            let done = if started > 0 {
                // Only what does not change how papers are drawn and scored.
                sqlx::query(
                    "update quiz_contests set title = $2, description = $3, closes_at = $4, review = $5, name_privacy = $6, \
                     updated_at = $7 where id = $1 and opens_at < $4",
                )
                .bind(id)
                .bind(&c.title)
                .bind(&c.description)
                .bind(c.closes_at)
                .bind(i64::from(c.review))
                .bind(c.privacy.as_str())
                .bind(ts)
                .execute(&mut *tx)
                .await?
            } else {
                sqlx::query(
                    "update quiz_contests set title = $2, description = $3, opens_at = $4, closes_at = $5, time_limit_s = $6, \
                     attempts_per_day = $7, attempts_total = $8, valid_percent = $9, audience = $10, review = $11, \
                     partial_credit = $12, name_privacy = $13, pools = $14, enterprises = $15, towns = $16, updated_at = $17, \
                     credit_minutes = $18 where id = $1",
                )
                .bind(id)
                .bind(&c.title)
                .bind(&c.description)
                .bind(c.opens_at)
                .bind(c.closes_at)
                .bind(c.time_limit_s)
                .bind(c.attempts_per_day)
                .bind(c.attempts_total)
                .bind(c.valid_percent)
                .bind(c.audience.as_str())
                .bind(i64::from(c.review))
                .bind(i64::from(c.partial_credit))
                .bind(c.privacy.as_str())
                .bind(&pools)
                .bind(id_list(&c.enterprises))
                .bind(id_list(&c.towns))
                .bind(ts)
                .bind(c.credit_minutes)
                .execute(&mut *tx)
                .await?
            };
            if done.rows_affected() != 1 {
                return Err(if started > 0 { AppError::field("closes", "window_order") } else { AppError::NotFound });
            }
            id
        }
    };
    let details = serde_json::json!({ "contest": id, "title": c.title, "opens_at": c.opens_at, "closes_at": c.closes_at });
    let entry = Entry { user_id: Some(user_id), action: "contest_saved", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    if let Ok(mut map) = cs.candidates.lock() {
        map.remove(&id);
    }
    Ok(id)
}

// ---- contestants ------------------------------------------------------------------------------

/// The contestants this browser session has joined or come back as (public contests).
const SESSION_CONTESTANTS: &str = "quiz.contestants";
/// A new contestant code (with its contest), shown on the contest page until the first attempt
/// starts (so a page shown twice, e.g. by a redirect and a refetch, still shows it).
pub(super) const SESSION_NEW_CODE: &str = "quiz.new_code";
const SESSION_CONTESTANTS_MAX: usize = 20;

fn session_err(e: impl std::fmt::Display) -> AppError {
    AppError::internal("session", e)
}

pub(super) async fn session_contestants(session: &Session) -> Result<Vec<i64>, AppError> {
    Ok(session.get::<Vec<i64>>(SESSION_CONTESTANTS).await.map_err(session_err)?.unwrap_or_default())
}

async fn remember_contestant(session: &Session, id: i64) -> Result<(), AppError> {
    let mut list = session_contestants(session).await?;
    if !list.contains(&id) {
        list.push(id);
        if list.len() > SESSION_CONTESTANTS_MAX {
            list.remove(0);
        }
        session.insert(SESSION_CONTESTANTS, list).await.map_err(session_err)?;
    }
    Ok(())
}

/// Who the visitor is, as far as contests go: their account (if signed in) and the contestants
/// their session holds.
pub struct Visitor {
    pub user: Option<crate::accounts::CurrentUser>,
    pub contestants: Vec<i64>,
}

pub async fn visitor(state: &AppState, session: &Session) -> Result<Visitor, AppError> {
    Ok(Visitor {
        user: crate::accounts::ssr::current_user_in(state, session).await?,
        contestants: session_contestants(session).await?,
    })
}

/// The visitor's contestant in `contest_id`: by account, else by session.
pub(super) async fn my_contestant(db: &Db, v: &Visitor, contest_id: i64) -> Result<Option<(i64, String)>, AppError> {
    if let Some(u) = &v.user {
        let row: Option<(i64, String)> =
            sqlx::query_as("select id, nickname from quiz_contestants where contest_id = $1 and user_id = $2")
                .bind(contest_id)
                .bind(u.id)
                .fetch_optional(&db.pool)
                .await?;
        if row.is_some() {
            return Ok(row);
        }
    }
    for id in v.contestants.iter().rev() {
        let row: Option<(i64, String)> = sqlx::query_as("select id, nickname from quiz_contestants where id = $1 and contest_id = $2")
            .bind(id)
            .bind(contest_id)
            .fetch_optional(&db.pool)
            .await?;
        if row.is_some() {
            return Ok(row);
        }
    }
    Ok(None)
}

/// The enterprise, town and village of a signed-in enterprise user, when eligible for `c`.
pub(super) async fn employee_units(
    db: &Db,
    c: &Contest,
    user: &crate::accounts::CurrentUser,
) -> Result<Option<(i64, Option<i64>, Option<i64>)>, AppError> {
    let Some(enterprise) = user.enterprise_id else { return Ok(None) };
    let row: Option<(Option<i64>, Option<i64>)> = sqlx::query_as("select town_id, village_id from enterprises where id = $1")
        .bind(enterprise)
        .fetch_optional(&db.pool)
        .await?;
    let Some((town, village)) = row else { return Ok(None) };
    let listed = c.enterprises.is_empty() && c.towns.is_empty()
        || c.enterprises.contains(&enterprise)
        || town.is_some_and(|t| c.towns.contains(&t));
    Ok(listed.then_some((enterprise, town, village)))
}

/// A new contestant code: 16 characters (80 random bits), in groups of four.
fn new_code() -> String {
    crate::base::crypto::random_code(16)
}

fn code_mac(state: &AppState, code: &str) -> String {
    hex::encode(state.data_key.mac(format!("quiz-contestant:{}", normal_code(code)).as_bytes()))
}

/// Join a contest: a member of the public with a nickname (a contestant code is made and shown
/// once), or an eligible employee with their account.
pub async fn join(state: &AppState, session: &Session, contest_id: i64, nickname: &str) -> Result<(), AppError> {
    let db = &state.db;
    let c = find_contest(db, contest_id).await?;
    if c.phase(now()) == Phase::Closed {
        return Err(AppError::field("contest", "contest_closed"));
    }
    let v = visitor(state, session).await?;
    if my_contestant(db, &v, contest_id).await?.is_some() {
        return Ok(());
    }
    let ts = now();
    match c.audience {
        Audience::Public => {
            let nickname = check_nickname(nickname)?;
            // A well-formed join counts against the client's hourly budget (in memory only).
            let per_hour = state.area::<crate::quiz::QuizSettings>()?.contest_joins_per_hour;
            let limiter = state.area::<crate::base::clients::RateLimiter>()?;
            if !limiter.allow("contest_join", crate::state::client_ip(), per_hour) {
                return Err(AppError::RateLimited);
            }
            let code = new_code();
            let id: i64 = sqlx::query_scalar(
                "insert into quiz_contestants (contest_id, user_id, code_mac, nickname, created_at) values ($1, $2, $3, $4, $5) returning id",
            )
            .bind(contest_id)
            .bind(v.user.as_ref().map(|u| u.id))
            .bind(code_mac(state, &code))
            .bind(&nickname)
            .bind(ts)
            .fetch_one(&db.pool)
            .await?;
            remember_contestant(session, id).await?;
            crate::base::sealed::put_sealed(&state.data_key, session, SESSION_NEW_CODE, &(contest_id, code)).await?;
        }
        Audience::Employees => {
            let user = v.user.as_ref().ok_or(AppError::Unauthorized)?;
            let (enterprise, town, village) =
                employee_units(db, &c, user).await?.ok_or_else(|| AppError::field("contest", "not_eligible"))?;
            let done = sqlx::query(
                "insert into quiz_contestants (contest_id, user_id, nickname, enterprise_id, town_id, village_id, created_at) \
                 values ($1, $2, $3, $4, $5, $6, $7) on conflict (contest_id, user_id) do nothing",
            )
            .bind(contest_id)
            .bind(user.id)
            .bind(&user.display_name)
            .bind(enterprise)
            .bind(town)
            .bind(village)
            .bind(ts)
            .execute(&db.pool)
            .await?;
            let _ = done;
        }
    }
    Ok(())
}

/// Come back to a public contest with the contestant code (another device, a new session).
pub async fn resume(state: &AppState, session: &Session, contest_id: i64, code: &str) -> Result<(), AppError> {
    let normal = normal_code(code);
    if normal.len() != 16 {
        return Err(AppError::field("code", "contestant_code_invalid"));
    }
    let id: Option<i64> = sqlx::query_scalar("select id from quiz_contestants where contest_id = $1 and code_mac = $2")
        .bind(contest_id)
        .bind(code_mac(state, &normal))
        .fetch_optional(&state.db.pool)
        .await?;
    let id = id.ok_or_else(|| AppError::field("code", "contestant_code_invalid"))?;
    remember_contestant(session, id).await
}
