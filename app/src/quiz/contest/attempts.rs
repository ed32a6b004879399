//! Attempts (server only): the contest page's view of a contestant, starting an attempt with its
//! drawn paper, reading it, saving answers, finishing and scoring, the deadline job, results.
//!
//! The server's clock is the only clock (D23): an attempt's deadline is fixed when it starts; an
//! answer is stored only by a statement that checks, in the same statement, that the attempt is
//! open and its deadline not passed; `close_expired` closes and scores attempts whose deadline
//! passed even if their browser is gone.
use super::ssr::{candidates, employee_units, find_contest, my_contestant, now_ms, visitor, ContestState, SESSION_NEW_CODE};
use super::*;
use crate::base::calendar::Day;
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use crate::state::AppState;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tower_sessions::Session;

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
            // The new contestant's code is shown until their first attempt starts; then it is
            // dropped from the session here (not by the start: a start writes nothing but the
            // attempt, D25).
            let pending = crate::base::sealed::get_sealed::<(i64, String)>(&state.data_key, session, SESSION_NEW_CODE)
                .await?
                .filter(|(contest, _)| *contest == contest_id);
            let new_code = match pending {
                Some((_, code)) if rows.is_empty() => Some(code),
                Some(_) => {
                    crate::base::sealed::take_sealed::<(i64, String)>(&state.data_key, session, SESSION_NEW_CODE).await?;
                    None
                }
                None => None,
            };
            Some(Me {
                nickname,
                new_code,
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

/// Start an attempt (or return the one already running: a second tab or a double click gets
/// the same paper). Returns its token.
pub async fn start(state: &AppState, session: &Session, contest_id: i64) -> Result<String, AppError> {
    let db = &state.db;
    let c = find_contest(db, contest_id).await?;
    let v = visitor(state, session).await?;
    let (contestant, _) = my_contestant(db, &v, contest_id).await?.ok_or(AppError::Unauthorized)?;
    close_expired_of(db, contestant).await?;
    let now_s = now();
    let today = Day::of_timestamp(now_s).0;
    // One snapshot for the running attempt and the counts: read apart, a second tab could see no
    // running attempt, then count the first tab's new one and start attempt number 2 beside it.
    // Read together, it either sees the running attempt or draws the same number as the first
    // tab, which the unique key refuses (handled below).
    let (made, made_today, running): (i64, i64, Option<String>) = sqlx::query_as(
        "select count(*), coalesce(sum(case when day = $2 then 1 else 0 end), 0), \
         max(case when state = 'open' then token end) from quiz_attempts where contestant_id = $1",
    )
    .bind(contestant)
    .bind(today)
    .fetch_one(&db.pool)
    .await?;
    if let Some(token) = running {
        return Ok(token);
    }
    if c.phase(now_s) != Phase::Open {
        return Err(AppError::field("contest", "contest_not_open"));
    }
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
    let new = super::writer::NewAttempt {
        token: token.clone(),
        contest_id,
        contestant_id: contestant,
        number: made + 1,
        day: today,
        started_at: started,
        deadline_at: (started + c.time_limit_s * 1000).min(c.closes_at * 1000),
        max_score: paper.iter().map(|p| p.points).sum::<i64>(),
        items: paper.into_iter().map(|p| (p.question_id, p.version, p.option_order, p.points)).collect(),
    };
    match state.area::<super::writer::AnswerWriter>()?.start(db, new).await? {
        Some(_) => Ok(token),
        None => {
            // Another tab started this number at the same moment: that attempt is the one.
            let running: Option<String> =
                sqlx::query_scalar("select token from quiz_attempts where contestant_id = $1 and state = 'open'")
                    .bind(contestant)
                    .fetch_optional(&db.pool)
                    .await?;
            running.ok_or_else(|| AppError::field("op", "conflict"))
        }
    }
}

/// An attempt as stored, with its contestant's account.
#[derive(Clone, Debug)]
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

/// What the answer path reads again and again, kept in memory: an attempt's identity by token
/// (its id, contestant, account and deadline never change) and its paper (position → kind and
/// option order: a drawn paper never changes). Whether the attempt is still open is not cached:
/// the statement that stores an answer checks it (D23). Bounded; least recently used first out.
pub struct AnswerCache {
    attempts: Mutex<lru::LruCache<String, AttemptRow>>,
    papers: Mutex<lru::LruCache<i64, Arc<HashMap<i64, (Kind, String)>>>>,
}

const ANSWER_CACHE_ENTRIES: usize = 20_000;

impl Default for AnswerCache {
    fn default() -> Self {
        let cap = std::num::NonZeroUsize::new(ANSWER_CACHE_ENTRIES).unwrap_or(std::num::NonZeroUsize::MIN);
        AnswerCache { attempts: Mutex::new(lru::LruCache::new(cap)), papers: Mutex::new(lru::LruCache::new(cap)) }
    }
}

/// `my_attempt` for storing an answer: the attempt's identity from memory when it was read
/// before, and the owner check on the session alone (its contestants, or its account's id). The
/// state it returns may be stale; `save_answer`'s conditional update is what decides.
pub async fn my_attempt_for_answer(state: &AppState, session: &Session, token: &str) -> Result<AttemptRow, AppError> {
    let cache = state.area::<AnswerCache>()?;
    let cached = cache.attempts.lock().ok().and_then(|mut c| c.get(token).cloned());
    let a = match cached {
        Some(a) => a,
        None => {
            let a = my_attempt(state, session, token).await?;
            if a.state == "open" {
                if let Ok(mut c) = cache.attempts.lock() {
                    c.put(a.token.clone(), a.clone());
                }
            }
            return Ok(a);
        }
    };
    let contestants = super::ssr::session_contestants(session).await?;
    if contestants.contains(&a.contestant_id) {
        return Ok(a);
    }
    let user = crate::accounts::ssr::session_user_id(session).await?;
    if a.user_id.is_none() || user != a.user_id {
        return Err(AppError::NotFound);
    }
    // An employee's attempt: an account disabled since it started answers no more (one read by
    // primary key; the uncached path checks the same through `visitor`).
    let active: Option<i64> =
        sqlx::query_scalar("select active from users where id = $1").bind(a.user_id).fetch_optional(&state.db.pool).await?;
    if active != Some(1) {
        return Err(AppError::NotFound);
    }
    Ok(a)
}

/// Position → (kind, option order) of attempt `id`'s paper, from memory after the first read.
async fn paper_of(state: &AppState, id: i64) -> Result<Arc<HashMap<i64, (Kind, String)>>, AppError> {
    let cache = state.area::<AnswerCache>()?;
    if let Some(p) = cache.papers.lock().ok().and_then(|mut c| c.get(&id).cloned()) {
        return Ok(p);
    }
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "select i.position, v.kind, i.option_order from quiz_attempt_items i \
         join quiz_question_versions v on v.question_id = i.question_id and v.version = i.version where i.attempt_id = $1",
    )
    .bind(id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut paper = HashMap::with_capacity(rows.len());
    for (position, kind, order) in rows {
        let kind = Kind::parse(&kind).ok_or_else(|| AppError::internal("question kind", &kind))?;
        paper.insert(position, (kind, order));
    }
    let paper = Arc::new(paper);
    if let Ok(mut c) = cache.papers.lock() {
        c.put(id, paper.clone());
    }
    Ok(paper)
}

type ItemRow = (i64, String, String, String, i64, Option<String>, i64, String, String, String, Option<i64>, Option<i64>, i64, i64);

const ITEM_SQL: &str = "select i.position, v.kind, v.stem, v.options, i.points, i.given, i.marked, i.option_order, v.answer, \
     v.explanation, i.earned, i.correct, i.question_id, i.version from quiz_attempt_items i \
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
    match store_answer(state, a, position, picks, marked).await {
        // `a` may be a stale copy from memory: a refused answer to an attempt that has since
        // been finished is refused as closed, whatever else was wrong with it.
        Err(AppError::Validation(e)) if !e.iter().any(|f| f.code == "attempt_closed") => {
            let st: Option<String> =
                sqlx::query_scalar("select state from quiz_attempts where id = $1").bind(a.id).fetch_optional(&state.db.pool).await?;
            if st.as_deref() != Some("open") {
                return Err(AppError::field("answer", "attempt_closed"));
            }
            Err(AppError::Validation(e))
        }
        other => other,
    }
}

async fn store_answer(state: &AppState, a: &AttemptRow, position: i64, picks: &[String], marked: bool) -> Result<Saved, AppError> {
    let db = &state.db;
    if !state.area::<ContestState>()?.allow_write(a.contestant_id) {
        return Err(AppError::RateLimited);
    }
    let now = now_ms();
    if a.state != "open" || now >= a.deadline_at {
        return Err(AppError::field("answer", "attempt_closed"));
    }
    let paper = paper_of(state, a.id).await?;
    let (kind, order) = paper.get(&position).cloned().ok_or_else(|| AppError::field("answer", "not_in_paper"))?;
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
    let write = super::writer::AnswerWrite { attempt_id: a.id, position, given, at_ms: now, marked };
    if !state.area::<super::writer::AnswerWriter>()?.write(db, write).await? {
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
    let (valid_percent, partial, credit_minutes, title): (i64, i64, i64, String) =
        sqlx::query_as("select valid_percent, partial_credit, credit_minutes, title from quiz_contests where id = $1")
            .bind(contest_id)
            .fetch_one(&mut *tx)
            .await?;
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
    let (best_score, best_time, best_at, user_id, valid_before): (Option<i64>, Option<i64>, Option<i64>, Option<i64>, i64) =
        sqlx::query_as("select best_score, best_time_ms, best_at, user_id, valid_results from quiz_contestants where id = $1")
            .bind(contestant)
            .fetch_one(&mut *tx)
            .await?;
    let best = (best_score, best_time, best_at);
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
    if let (true, Some(user_id)) = (valid, user_id) {
        recognise(&mut tx, user_id, contest_id, &title, credit_minutes, valid_before == 0, finished / 1000).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// An employee's valid result (decision D34): the contest's training minutes, if it credits any,
/// once; and with their first valid result a certificate of participation, which their record
/// lists and the public page checks. Accounts not linked to an active employee get neither (the
/// public take part under a nickname, which is no name for a certificate).
async fn recognise(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: i64,
    contest_id: i64,
    title: &str,
    credit_minutes: i64,
    first_valid: bool,
    at: i64,
) -> Result<(), AppError> {
    let Some((employee, enterprise, name)) = crate::credits::ssr::employee_of_account(tx, user_id).await? else {
        return Ok(());
    };
    crate::credits::ssr::credit_contest(tx, (employee, enterprise), contest_id, title, credit_minutes, at).await?;
    if first_valid {
        use crate::i18n::*;
        let c = crate::certificates::ssr::NewCertificate {
            kind: crate::certificates::Kind::Contest,
            source_id: contest_id,
            holder: name,
            title: title.to_string(),
            issuer: td_string!(Locale::zh_CN, bureau_name).to_string(),
            hours: None,
            issued_on: Day::of_timestamp(at),
            valid_until: None,
            enterprise_id: Some(enterprise),
            employee_id: Some(employee),
        };
        crate::certificates::ssr::issue(tx, &c, None, None, at).await?;
    }
    Ok(())
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
    if let Ok(mut c) = state.area::<AnswerCache>()?.attempts.lock() {
        c.pop(&a.token);
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
            out.push(ReviewItem {
                question,
                question_id: r.12,
                version: r.13,
                answer,
                explanation: r.9.clone(),
                earned: r.10.unwrap_or(0),
                correct: r.11 == Some(1),
            });
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
