//! Storage of contests (server only): the contests, contestants (who is who in a session),
//! attempts with their drawn papers, saving answers, finishing and scoring, and rankings.
//!
//! The server's clock is the only clock: an attempt's deadline is fixed when it starts (the time
//! limit, or the contest's close if sooner); an answer is stored only by a statement that checks
//! the attempt is open and the deadline not passed, in the same statement; the periodic job
//! `close_expired` closes and scores attempts whose deadline passed even if their browser is gone.
use super::*;
use crate::base::audit::{self, Entry};
use crate::base::calendar::Day;
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
    fn allow_write(&self, id: i64) -> bool {
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

pub fn area() -> crate::state::Area {
    use crate::base::jobs::Job;
    crate::state::Area::new().with(ContestState::default()).jobs(vec![Job::new(
        "close_expired_attempts",
        Duration::from_secs(5),
        |db| async move { close_expired(&db).await.map(|n| if n == 0 { String::new() } else { format!("{n} attempts closed") }) },
    )])
}

// ---- contests -----------------------------------------------------------------------------------

type ContestRow = (i64, String, String, i64, i64, i64, i64, i64, i64, String, i64, i64, String, String, String, String);

const CONTEST_SQL: &str = "select id, title, description, opens_at, closes_at, time_limit_s, attempts_per_day, \
     attempts_total, valid_percent, audience, review, partial_credit, name_privacy, pools, enterprises, towns from quiz_contests";

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
        id: r.0,
        title: r.1,
        description: r.2,
        opens_at: r.3,
        closes_at: r.4,
        time_limit_s: r.5,
        attempts_per_day: r.6,
        attempts_total: r.7,
        valid_percent: r.8,
        audience: Audience::parse(&r.9).ok_or_else(|| AppError::internal("contest audience", &r.9))?,
        review: r.10 == 1,
        partial_credit: r.11 == 1,
        privacy: Privacy::parse(&r.12).ok_or_else(|| AppError::internal("contest privacy", &r.12))?,
        pools: serde_json::from_str(&r.13).map_err(|e| AppError::internal("contest pools", e))?,
        enterprises: ids(&r.14),
        towns: ids(&r.15),
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

async fn candidates(db: &Db, cs: &ContestState, contest_id: i64) -> Result<Arc<Vec<Candidate>>, AppError> {
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
                 created_by, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
                 $15, $16, $17, $17) returning id",
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
                     partial_credit = $12, name_privacy = $13, pools = $14, enterprises = $15, towns = $16, updated_at = $17 \
                     where id = $1",
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
const SESSION_NEW_CODE: &str = "quiz.new_code";
const SESSION_CONTESTANTS_MAX: usize = 20;

fn session_err(e: impl std::fmt::Display) -> AppError {
    AppError::internal("session", e)
}

async fn session_contestants(session: &Session) -> Result<Vec<i64>, AppError> {
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
async fn my_contestant(db: &Db, v: &Visitor, contest_id: i64) -> Result<Option<(i64, String)>, AppError> {
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
async fn employee_units(
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

const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A new contestant code: 16 characters of 32 (80 random bits), in groups of four.
fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..16).map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())])).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A typed code in the stored form: letters and digits only, upper case.
fn normal_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
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

/// The contest page: the contest, how the visitor may join, and their attempts.
pub async fn entry(state: &AppState, session: &Session, contest_id: i64) -> Result<ContestView, AppError> {
    let db = &state.db;
    let c = find_contest(db, contest_id).await?;
    let v = visitor(state, session).await?;
    let phase = c.phase(now());
    let mine = my_contestant(db, &v, contest_id).await?;
    let join = match (&mine, c.audience, &v.user) {
        (Some(_), _, _) => Join::Joined,
        (None, Audience::Public, _) => Join::Nickname,
        (None, Audience::Employees, None) => Join::SignIn,
        (None, Audience::Employees, Some(u)) => {
            if employee_units(db, &c, u).await?.is_some() {
                Join::Eligible
            } else {
                Join::NotEligible
            }
        }
    };
    let me = match mine {
        None => None,
        Some((id, nickname)) => {
            close_expired_of(db, id).await?;
            let rows: Vec<(String, i64, String, Option<i64>, i64, i64, i64)> = sqlx::query_as(
                "select token, number, state, score, max_score, started_at, day from quiz_attempts \
                 where contestant_id = $1 order by number",
            )
            .bind(id)
            .fetch_all(&db.pool)
            .await?;
            let today = Day::of_timestamp(now()).0;
            let open_attempt = rows.iter().find(|r| r.2 == "open").map(|r| r.0.clone());
            Some(Me {
                nickname,
                new_code: crate::base::sealed::get_sealed::<(i64, String)>(&state.data_key, session, SESSION_NEW_CODE)
                    .await?
                    .filter(|(contest, _)| *contest == contest_id)
                    .map(|(_, code)| code),
                attempts_today: rows.iter().filter(|r| r.6 == today).count() as i64,
                open_attempt,
                attempts: rows
                    .into_iter()
                    .map(|r| AttemptSummary { token: r.0, number: r.1, state: r.2, score: r.3, max_score: r.4, started_at_ms: r.5 })
                    .collect(),
            })
        }
    };
    Ok(ContestView { contest: c, phase, join, me })
}

// ---- attempts -----------------------------------------------------------------------------------

/// A new attempt's public id: 128 random bits, hex.
fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    hex::encode(bytes)
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Start an attempt (or return the one already running: a second tab or a double click gets
/// the same paper). Returns its token.
pub async fn start(state: &AppState, session: &Session, contest_id: i64) -> Result<String, AppError> {
    let db = &state.db;
    let c = find_contest(db, contest_id).await?;
    let v = visitor(state, session).await?;
    let (contestant, _) = my_contestant(db, &v, contest_id).await?.ok_or(AppError::Unauthorized)?;
    // The code has been shown long enough: it is not shown again.
    let _ = crate::base::sealed::take_sealed::<(i64, String)>(&state.data_key, session, SESSION_NEW_CODE).await?;
    close_expired_of(db, contestant).await?;
    let running: Option<String> =
        sqlx::query_scalar("select token from quiz_attempts where contestant_id = $1 and state = 'open'")
            .bind(contestant)
            .fetch_optional(&db.pool)
            .await?;
    if let Some(token) = running {
        return Ok(token);
    }
    let now_s = now();
    if c.phase(now_s) != Phase::Open {
        return Err(AppError::field("contest", "contest_not_open"));
    }
    let today = Day::of_timestamp(now_s).0;
    let (made, made_today): (i64, i64) = sqlx::query_as(
        "select count(*), coalesce(sum(case when day = $2 then 1 else 0 end), 0) from quiz_attempts where contestant_id = $1",
    )
    .bind(contestant)
    .bind(today)
    .fetch_one(&db.pool)
    .await?;
    if made >= c.attempts_total {
        return Err(AppError::field("contest", "attempts_used_up"));
    }
    if made_today >= c.attempts_per_day {
        return Err(AppError::field("contest", "attempts_today_used_up"));
    }
    let bank = candidates(db, state.area::<ContestState>()?, contest_id).await?;
    let paper = {
        use rand::Rng;
        let mut rng = rand::thread_rng();
        draw_paper(&c.pools, &bank, &mut |n| rng.gen_range(0..n.max(1)))
    }
    .ok_or_else(|| AppError::field("contest", "paper_unavailable"))?;
    let token = new_token();
    let started = now_ms();
    let deadline = (started + c.time_limit_s * 1000).min(c.closes_at * 1000);
    let mut tx = db.begin().await?;
    let inserted = sqlx::query_scalar::<_, i64>(
        "insert into quiz_attempts (token, contest_id, contestant_id, number, day, started_at, deadline_at, state, questions, max_score) \
         values ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9) returning id",
    )
    .bind(&token)
    .bind(contest_id)
    .bind(contestant)
    .bind(made + 1)
    .bind(today)
    .bind(started)
    .bind(deadline)
    .bind(paper.len() as i64)
    .bind(paper.iter().map(|p| p.points).sum::<i64>())
    .fetch_one(&mut *tx)
    .await;
    let attempt_id = match inserted {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            // Another tab started this number at the same moment: that attempt is the one.
            drop(tx);
            let running: Option<String> =
                sqlx::query_scalar("select token from quiz_attempts where contestant_id = $1 and state = 'open'")
                    .bind(contestant)
                    .fetch_optional(&db.pool)
                    .await?;
            return running.ok_or_else(|| AppError::field("op", "conflict"));
        }
        Err(e) => return Err(e.into()),
    };
    // One statement for the whole paper.
    let mut sql = String::from("insert into quiz_attempt_items (attempt_id, position, question_id, version, option_order, points) values ");
    for (i, item) in paper.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        // Every value is a number or letters A–H made here, never user input.
        sql.push_str(&format!(
            "({attempt_id}, {}, {}, {}, '{}', {})",
            i + 1,
            item.question_id,
            item.version,
            item.option_order,
            item.points
        ));
    }
    sqlx::query(&sql).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(token)
}

/// An attempt as stored, with its contestant's account.
pub struct AttemptRow {
    pub id: i64,
    pub token: String,
    pub contest_id: i64,
    pub contestant_id: i64,
    pub user_id: Option<i64>,
    pub state: String,
    pub started_at: i64,
    pub deadline_at: i64,
    pub finished_at: Option<i64>,
}

/// The visitor's attempt `token`; "not found" for anyone else's (a tampered or guessed token
/// reveals nothing).
pub async fn my_attempt(state: &AppState, session: &Session, token: &str) -> Result<AttemptRow, AppError> {
    if token.len() != 32 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let row: Option<(i64, String, i64, i64, Option<i64>, String, i64, i64, Option<i64>)> = sqlx::query_as(
        "select a.id, a.token, a.contest_id, a.contestant_id, c.user_id, a.state, a.started_at, a.deadline_at, a.finished_at \
         from quiz_attempts a join quiz_contestants c on c.id = a.contestant_id where a.token = $1",
    )
    .bind(token)
    .fetch_optional(&state.db.pool)
    .await?;
    let r = row.ok_or(AppError::NotFound)?;
    let a = AttemptRow {
        id: r.0,
        token: r.1,
        contest_id: r.2,
        contestant_id: r.3,
        user_id: r.4,
        state: r.5,
        started_at: r.6,
        deadline_at: r.7,
        finished_at: r.8,
    };
    let v = visitor(state, session).await?;
    let mine = v.contestants.contains(&a.contestant_id) || (a.user_id.is_some() && v.user.as_ref().map(|u| u.id) == a.user_id);
    if !mine {
        return Err(AppError::NotFound);
    }
    Ok(a)
}

type ItemRow = (i64, String, String, String, i64, Option<String>, i64, String, String, String, Option<i64>, Option<i64>);

const ITEM_SQL: &str = "select i.position, v.kind, v.stem, v.options, i.points, i.given, i.marked, i.option_order, v.answer, \
     v.explanation, i.earned, i.correct from quiz_attempt_items i \
     join quiz_question_versions v on v.question_id = i.question_id and v.version = i.version \
     where i.attempt_id = $1 order by i.position";

fn paper_question(r: &ItemRow) -> Result<PaperQuestion, AppError> {
    let kind = Kind::parse(&r.1).ok_or_else(|| AppError::internal("question kind", &r.1))?;
    let stored: Vec<String> = serde_json::from_str(&r.3).map_err(|e| AppError::internal("question options", e))?;
    let options = r.7.chars().filter_map(|c| stored.get((c as usize).saturating_sub('A' as usize)).cloned()).collect();
    let given = match (&r.5, kind) {
        (None, _) => Vec::new(),
        (Some(g), Kind::Single | Kind::Multiple) => stored_to_shown(&r.7, g),
        (Some(g), _) => vec![g.clone()],
    };
    Ok(PaperQuestion { position: r.0, kind, stem: r.2.clone(), options, points: r.4, given, marked: r.6 == 1 })
}

/// The paper of a running attempt (closing it first if its deadline passed).
pub async fn paper(state: &AppState, a: &AttemptRow) -> Result<PaperView, AppError> {
    let db = &state.db;
    let mut open = a.state == "open";
    let now = now_ms();
    if open && now >= a.deadline_at {
        finish(db, a.id, false).await?;
        open = false;
    }
    let rows: Vec<ItemRow> = sqlx::query_as(ITEM_SQL).bind(a.id).fetch_all(&db.pool).await?;
    let title: String =
        sqlx::query_scalar("select title from quiz_contests where id = $1").bind(a.contest_id).fetch_one(&db.pool).await?;
    Ok(PaperView {
        token: a.token.clone(),
        contest_id: a.contest_id,
        title,
        open,
        deadline_at_ms: a.deadline_at,
        remaining_ms: if open { a.deadline_at - now } else { 0 },
        questions: rows.iter().map(paper_question).collect::<Result<_, _>>()?,
    })
}

/// Save the answer to question `position` (as shown: letters, "true"/"false" or text; none to
/// clear it) and its review mark. The write checks, in the same statement, that the attempt is
/// open and its deadline not passed, so a late answer changes nothing. Saving the same answer
/// twice is the same as once.
pub async fn save_answer(state: &AppState, a: &AttemptRow, position: i64, picks: &[String], marked: bool) -> Result<Saved, AppError> {
    let db = &state.db;
    if !state.area::<ContestState>()?.allow_write(a.contestant_id) {
        return Err(AppError::RateLimited);
    }
    let now = now_ms();
    if a.state != "open" || now >= a.deadline_at {
        return Err(AppError::field("answer", "attempt_closed"));
    }
    let item: Option<(String, String)> = sqlx::query_as(
        "select v.kind, i.option_order from quiz_attempt_items i \
         join quiz_question_versions v on v.question_id = i.question_id and v.version = i.version \
         where i.attempt_id = $1 and i.position = $2",
    )
    .bind(a.id)
    .bind(position)
    .fetch_optional(&db.pool)
    .await?;
    let (kind, order) = item.ok_or_else(|| AppError::field("answer", "not_in_paper"))?;
    let kind = Kind::parse(&kind).ok_or_else(|| AppError::internal("question kind", &kind))?;
    let picks: Vec<String> = picks.iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
    let given: Option<String> = if picks.is_empty() {
        None
    } else {
        match kind {
            Kind::Single | Kind::Multiple => {
                let stored = shown_to_stored(&order, &picks).ok_or_else(|| AppError::field("answer", "option_unknown"))?;
                if kind == Kind::Single && stored.len() != 1 {
                    return Err(AppError::field("answer", "option_unknown"));
                }
                Some(stored)
            }
            Kind::TrueFalse => match picks.as_slice() {
                [p] if p == "true" || p == "false" => Some(p.clone()),
                _ => return Err(AppError::field("answer", "option_unknown")),
            },
            Kind::Fill => {
                let text = picks.join(" ");
                if text.chars().count() > crate::quiz::OPTION_MAX || !crate::base::validate::clean_text(&text) {
                    return Err(AppError::field("answer", "too_long"));
                }
                Some(text)
            }
        }
    };
    let done = sqlx::query(
        "update quiz_attempt_items set given = $3, answered_at = $4, marked = $5 where attempt_id = $1 and position = $2 \
         and exists (select 1 from quiz_attempts a where a.id = $1 and a.state = 'open' and a.deadline_at > $4)",
    )
    .bind(a.id)
    .bind(position)
    .bind(given)
    .bind(now)
    .bind(i64::from(marked))
    .execute(&db.pool)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::field("answer", "attempt_closed"));
    }
    Ok(Saved { position, remaining_ms: a.deadline_at - now })
}

/// Finish attempt `id`: submitted by its taker (`submitted`), or closed at its deadline. Scores
/// every answer, stores the result and the contestant's best, all in one transaction. Returns
/// false when it was already finished (a second submit, or the job got there first).
pub async fn finish(db: &Db, id: i64, submitted: bool) -> Result<bool, AppError> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let row: Option<(i64, i64, i64, i64, String)> =
        sqlx::query_as("select contestant_id, contest_id, started_at, deadline_at, state from quiz_attempts where id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let (contestant, contest_id, started, deadline, st) = row.ok_or(AppError::NotFound)?;
    if st != "open" {
        return Ok(false);
    }
    // A submit after the deadline is the deadline's closing.
    let (state, finished) = if submitted && now < deadline { ("submitted", now) } else { ("expired", deadline.min(now)) };
    let claimed = sqlx::query("update quiz_attempts set state = $2, finished_at = $3 where id = $1 and state = 'open'")
        .bind(id)
        .bind(state)
        .bind(finished)
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() != 1 {
        return Ok(false);
    }
    let (valid_percent, partial): (i64, i64) =
        sqlx::query_as("select valid_percent, partial_credit from quiz_contests where id = $1").bind(contest_id).fetch_one(&mut *tx).await?;
    let items: Vec<(i64, String, String, Option<String>, i64)> = sqlx::query_as(
        "select i.position, v.kind, v.answer, i.given, i.points from quiz_attempt_items i \
         join quiz_question_versions v on v.question_id = i.question_id and v.version = i.version where i.attempt_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let (mut score, mut correct) = (0i64, 0i64);
    for (position, kind, answer, given, points) in &items {
        let kind = Kind::parse(kind).ok_or_else(|| AppError::internal("question kind", kind))?;
        let (earned, right) = score_item(kind, answer, given.as_deref(), *points, partial == 1);
        score += earned;
        correct += i64::from(right);
        sqlx::query("update quiz_attempt_items set earned = $3, correct = $4 where attempt_id = $1 and position = $2")
            .bind(id)
            .bind(position)
            .bind(earned)
            .bind(i64::from(right))
            .execute(&mut *tx)
            .await?;
    }
    let questions = items.len() as i64;
    let valid = correct * 100 >= valid_percent * questions && questions > 0;
    sqlx::query("update quiz_attempts set score = $2, correct = $3, valid = $4 where id = $1")
        .bind(id)
        .bind(score)
        .bind(correct)
        .bind(i64::from(valid))
        .execute(&mut *tx)
        .await?;
    let best: (Option<i64>, Option<i64>, Option<i64>) =
        sqlx::query_as("select best_score, best_time_ms, best_at from quiz_contestants where id = $1")
            .bind(contestant)
            .fetch_one(&mut *tx)
            .await?;
    let time_ms = finished - started;
    let better = match best {
        (Some(s), Some(t), Some(at)) => rank_key(score, time_ms, finished) < rank_key(s, t, at),
        _ => true,
    };
    sqlx::query(
        "update quiz_contestants set valid_results = valid_results + $2, \
         best_score = case when $3 = 1 then $4 else best_score end, \
         best_time_ms = case when $3 = 1 then $5 else best_time_ms end, \
         best_at = case when $3 = 1 then $6 else best_at end where id = $1",
    )
    .bind(contestant)
    .bind(i64::from(valid))
    .bind(i64::from(better))
    .bind(score)
    .bind(time_ms)
    .bind(finished)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Close every attempt whose deadline has passed (the periodic job). Returns how many.
pub async fn close_expired(db: &Db) -> Result<usize, AppError> {
    let due: Vec<i64> = sqlx::query_scalar("select id from quiz_attempts where state = 'open' and deadline_at <= $1 limit 1000")
        .bind(now_ms())
        .fetch_all(&db.pool)
        .await?;
    let mut n = 0;
    for id in due {
        n += usize::from(finish(db, id, false).await?);
    }
    Ok(n)
}

/// Close a contestant's attempts whose deadline has passed (before counting or showing them).
async fn close_expired_of(db: &Db, contestant: i64) -> Result<(), AppError> {
    let due: Vec<i64> =
        sqlx::query_scalar("select id from quiz_attempts where contestant_id = $1 and state = 'open' and deadline_at <= $2")
            .bind(contestant)
            .bind(now_ms())
            .fetch_all(&db.pool)
            .await?;
    for id in due {
        finish(db, id, false).await?;
    }
    Ok(())
}

/// Submit: finish now. A second submit changes nothing.
pub async fn submit(state: &AppState, a: &AttemptRow) -> Result<(), AppError> {
    if a.state == "open" {
        finish(&state.db, a.id, true).await?;
    }
    Ok(())
}

/// A finished attempt's result: score, time used, rank of the contestant's best, and the review
/// when the contest allows it. An attempt still running has no result yet.
pub async fn result(state: &AppState, a: &AttemptRow) -> Result<ResultView, AppError> {
    let db = &state.db;
    if a.state == "open" && now_ms() >= a.deadline_at {
        finish(db, a.id, false).await?;
    }
    let (st, score, max_score, correct, questions, valid, started, finished): (
        String,
        Option<i64>,
        i64,
        Option<i64>,
        i64,
        Option<i64>,
        i64,
        Option<i64>,
    ) = sqlx::query_as(
        "select state, score, max_score, correct, questions, valid, started_at, finished_at from quiz_attempts where id = $1",
    )
    .bind(a.id)
    .fetch_one(&db.pool)
    .await?;
    let c = find_contest(db, a.contest_id).await?;
    let finished_state = st != "open";
    let rank = if finished_state {
        let best: (Option<i64>, Option<i64>, Option<i64>) =
            sqlx::query_as("select best_score, best_time_ms, best_at from quiz_contestants where id = $1")
                .bind(a.contestant_id)
                .fetch_one(&db.pool)
                .await?;
        match best {
            (Some(s), Some(t), Some(at)) => {
                let ahead: i64 = sqlx::query_scalar(
                    "select count(*) from quiz_contestants where contest_id = $1 and best_score is not null and disqualified = 0 and \
                     (best_score > $2 or (best_score = $2 and (best_time_ms < $3 or (best_time_ms = $3 and best_at < $4))))",
                )
                .bind(a.contest_id)
                .bind(s)
                .bind(t)
                .bind(at)
                .fetch_one(&db.pool)
                .await?;
                Some(ahead + 1)
            }
            _ => None,
        }
    } else {
        None
    };
    let review = if finished_state && c.review {
        let rows: Vec<ItemRow> = sqlx::query_as(ITEM_SQL).bind(a.id).fetch_all(&db.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let question = paper_question(r)?;
            let answer = match question.kind {
                Kind::Single | Kind::Multiple => stored_to_shown(&r.7, &r.8),
                _ => r.8.split('|').map(String::from).collect(),
            };
            out.push(ReviewItem { question, answer, explanation: r.9.clone(), earned: r.10.unwrap_or(0), correct: r.11 == Some(1) });
        }
        out
    } else {
        Vec::new()
    };
    Ok(ResultView {
        token: a.token.clone(),
        contest_id: a.contest_id,
        title: c.title,
        state: st,
        score: score.unwrap_or(0),
        max_score,
        correct: correct.unwrap_or(0),
        questions,
        time_used_ms: finished.map(|f| f - started).unwrap_or(0),
        valid: valid == Some(1),
        rank,
        review,
    })
}

// ---- rankings -----------------------------------------------------------------------------------

pub const RANKING_ROWS: i64 = 100;

/// A contest's ranking: of people (`by` = "person") or of enterprises, towns/streets or
/// villages/communities, sorted by total, average, participation or valid results. Reads the
/// best result kept per contestant; a unit's registered employees come from the enterprises.
pub async fn ranking(db: &Db, contest_id: i64, by: &str, sort: &str) -> Result<Ranking, AppError> {
    let c = find_contest(db, contest_id).await?;
    let sort = match sort {
        "average" | "participation" | "valid" => sort,
        _ => "total",
    };
    let mut rows = Vec::new();
    if by == "person" || !matches!(by, "enterprise" | "town" | "village") {
        let people: Vec<(String, i64, i64, i64)> = sqlx::query_as(&format!(
            "select nickname, best_score, best_time_ms, valid_results from quiz_contestants \
             where contest_id = $1 and best_score is not null and disqualified = 0 \
             order by best_score desc, best_time_ms, best_at limit {RANKING_ROWS}"
        ))
        .bind(contest_id)
        .fetch_all(&db.pool)
        .await?;
        for (i, (name, score, time_ms, valid)) in people.into_iter().enumerate() {
            rows.push(RankRow {
                rank: i as i64 + 1,
                name: shown_name(c.privacy, &name),
                name_en: shown_name(c.privacy, &name),
                participants: 1,
                total: score,
                average: score as f64,
                participation: None,
                valid: i64::from(valid > 0),
                time_ms,
            });
        }
        return Ok(Ranking { contest_id, title: c.title, by: "person".into(), sort: sort.into(), privacy: c.privacy, rows });
    }
    // Unit name and registered employees: of the enterprise, or summed over a town's or village's.
    let (unit_col, name_sql, employees_sql) = match by {
        "enterprise" => (
            "enterprise_id",
            "(select name from enterprises e where e.id = k.unit), (select name from enterprises e where e.id = k.unit)",
            "(select employees from enterprises e where e.id = k.unit)",
        ),
        "town" => (
            "town_id",
            "(select name_zh from towns t where t.id = k.unit), (select name_en from towns t where t.id = k.unit)",
            "(select cast(coalesce(sum(employees), 0) as bigint) from enterprises e where e.town_id = k.unit and e.active = 1)",
        ),
        _ => (
            "village_id",
            "(select name_zh from villages v where v.id = k.unit), (select name_en from villages v where v.id = k.unit)",
            "(select cast(coalesce(sum(employees), 0) as bigint) from enterprises e where e.village_id = k.unit and e.active = 1)",
        ),
    };
    let units: Vec<(Option<String>, Option<String>, i64, i64, i64, i64)> = sqlx::query_as(&format!(
        "select {name_sql}, k.participants, k.total, k.valid, {employees_sql} from \
         (select {unit_col} as unit, count(*) as participants, cast(coalesce(sum(best_score), 0) as bigint) as total, \
          cast(sum(case when valid_results > 0 then 1 else 0 end) as bigint) as valid \
          from quiz_contestants where contest_id = $1 and best_score is not null and disqualified = 0 and {unit_col} is not null \
          group by {unit_col}) k"
    ))
    .bind(contest_id)
    .fetch_all(&db.pool)
    .await?;
    for (name, name_en, participants, total, valid, employees) in units {
        rows.push(RankRow {
            rank: 0,
            name: name.unwrap_or_default(),
            name_en: name_en.unwrap_or_default(),
            participants,
            total,
            average: total as f64 / participants.max(1) as f64,
            participation: (employees > 0).then(|| participants as f64 / employees as f64),
            valid,
            time_ms: 0,
        });
    }
    let key = |r: &RankRow| -> f64 {
        match sort {
            "average" => r.average,
            "participation" => r.participation.unwrap_or(0.0),
            "valid" => r.valid as f64,
            _ => r.total as f64,
        }
    };
    rows.sort_by(|a, b| key(b).total_cmp(&key(a)).then_with(|| b.participants.cmp(&a.participants)).then_with(|| a.name.cmp(&b.name)));
    rows.truncate(RANKING_ROWS as usize);
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i as i64 + 1;
    }
    Ok(Ranking { contest_id, title: c.title, by: by.into(), sort: sort.into(), privacy: c.privacy, rows })
}
