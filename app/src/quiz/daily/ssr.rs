//! Storage of the daily challenge (server only): drawing a day's questions once (two tabs at the
//! first visit keep whichever draw was stored first), reading the day with the streaks, and
//! storing an answer once.
use super::*;
use crate::base::calendar::Day;
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use crate::quiz::{answer_parts, is_correct};
use rand::seq::SliceRandom;

/// Today in China time, as days since 1970-01-01.
pub fn today() -> i64 {
    Day::of_timestamp(now()).0
}

/// Draw `count` questions for the user's `day` unless it has them already: active questions at
/// their current version, those tagged with the user's enterprise's sector first, then the rest;
/// questions drawn in the last `FRESH_DAYS` days only when nothing else is left.
async fn draw(db: &Db, user_id: i64, enterprise_id: Option<i64>, day: i64, count: usize) -> Result<(), AppError> {
    let have: i64 = sqlx::query_scalar("select count(*) from quiz_daily where user_id = $1 and day = $2")
        .bind(user_id)
        .bind(day)
        .fetch_one(&db.pool)
        .await?;
    if have > 0 {
        return Ok(());
    }
    let candidates: Vec<(i64, i64, String)> = sqlx::query_as(
        "select q.id, q.current_version, v.tags from quiz_questions q \
         join quiz_question_versions v on v.question_id = q.id and v.version = q.current_version where q.active = 1",
    )
    .fetch_all(&db.pool)
    .await?;
    let recent: std::collections::HashSet<i64> = sqlx::query_scalar::<_, i64>("select distinct question_id from quiz_daily where user_id = $1 and day >= $2")
        .bind(user_id)
        .bind(day - FRESH_DAYS)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .collect();
    let sector: Option<String> = match enterprise_id {
        Some(e) => {
            sqlx::query_scalar("select s.code from enterprises e join sectors s on s.id = e.sector_id where e.id = $1")
                .bind(e)
                .fetch_optional(&db.pool)
                .await?
        }
        None => None,
    };
    let tag = sector.map(|s| format!(",{s},"));
    // Groups in order of preference, each shuffled.
    let mut groups: [Vec<(i64, i64)>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for (id, version, tags) in candidates {
        let group = if recent.contains(&id) {
            2
        } else if tag.as_deref().is_some_and(|t| tags.contains(t)) {
            0
        } else {
            1
        };
        groups[group].push((id, version));
    }
    let chosen = {
        let mut rng = rand::thread_rng();
        let mut chosen = Vec::with_capacity(count);
        for g in groups.iter_mut() {
            g.shuffle(&mut rng);
            chosen.extend(g.iter().take(count - chosen.len()).copied());
        }
        chosen
    };
    if chosen.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    for (i, (id, version)) in chosen.iter().enumerate() {
        // A second tab drawing at the same moment: the first draw stored wins, position by position.
        sqlx::query(
            "insert into quiz_daily (user_id, day, position, question_id, version) values ($1, $2, $3, $4, $5) \
             on conflict (user_id, day, position) do nothing",
        )
        .bind(user_id)
        .bind(day)
        .bind(i as i64 + 1)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

type Row = (i64, i64, i64, String, String, String, String, String, Option<String>, Option<i64>);

/// Today's questions (drawn now if needed), the streaks and the recent days.
pub async fn view(db: &Db, user: &crate::accounts::CurrentUser, count: usize) -> Result<DailyView, AppError> {
    let day = today();
    draw(db, user.id, user.enterprise_id, day, count).await?;
    let rows: Vec<Row> = sqlx::query_as(
        "select d.position, d.question_id, d.version, v.kind, v.stem, v.options, v.answer, v.explanation, d.given, d.correct \
         from quiz_daily d join quiz_question_versions v on v.question_id = d.question_id and v.version = d.version \
         where d.user_id = $1 and d.day = $2 order by d.position",
    )
    .bind(user.id)
    .bind(day)
    .fetch_all(&db.pool)
    .await?;
    let mut questions = Vec::with_capacity(rows.len());
    for r in rows {
        let kind = Kind::parse(&r.3).ok_or_else(|| AppError::internal("question kind", &r.3))?;
        let options: Vec<String> = serde_json::from_str(&r.5).map_err(|e| AppError::internal("question options", e))?;
        let answered = match r.8 {
            Some(given) => Some(DailyAnswer {
                given: serde_json::from_str(&given).map_err(|e| AppError::internal("daily answer", e))?,
                correct: r.9 == Some(1),
                answer: answer_parts(kind, &r.6),
                explanation: r.7,
            }),
            None => None,
        };
        questions.push(DailyQuestion { position: r.0, question_id: r.1, version: r.2, kind, stem: r.4, options, answered });
    }
    let completed: Vec<i64> = sqlx::query_scalar(
        "select day from quiz_daily where user_id = $1 group by day having count(*) = count(answered_at) order by day desc limit 3660",
    )
    .bind(user.id)
    .fetch_all(&db.pool)
    .await?;
    let (streak, best) = streaks(&completed, day);
    let recent = (day - STRIP_DAYS + 1..=day).map(|d| (d, completed.contains(&d))).collect();
    Ok(DailyView { day, questions, streak, best, recent })
}

/// Answer today's question at `position`, once. Refused: a page of another day
/// (`daily_day_over`), a position not drawn ("not found"), picks that do not fit the question
/// (field `pick`), a question answered already (`daily_answered`).
pub async fn answer(db: &Db, user_id: i64, day: i64, position: i64, picks: &[String]) -> Result<bool, AppError> {
    if day != today() {
        return Err(AppError::field("op", "daily_day_over"));
    }
    let row: Option<(String, String, String)> = sqlx::query_as(
        "select v.kind, v.options, v.answer from quiz_daily d \
         join quiz_question_versions v on v.question_id = d.question_id and v.version = d.version \
         where d.user_id = $1 and d.day = $2 and d.position = $3",
    )
    .bind(user_id)
    .bind(day)
    .bind(position)
    .fetch_optional(&db.pool)
    .await?;
    let (kind, options, answer) = row.ok_or(AppError::NotFound)?;
    let kind = Kind::parse(&kind).ok_or_else(|| AppError::internal("question kind", &kind))?;
    let options: Vec<String> = serde_json::from_str(&options).map_err(|e| AppError::internal("question options", e))?;
    let picks = check_picks(kind, options.len(), picks).map_err(|code| AppError::field("pick", code))?;
    let correct = is_correct(kind, &answer, &picks);
    let given = serde_json::to_string(&picks).map_err(|e| AppError::internal("daily answer", e))?;
    let done = sqlx::query(
        "update quiz_daily set given = $4, correct = $5, answered_at = $6 \
         where user_id = $1 and day = $2 and position = $3 and answered_at is null",
    )
    .bind(user_id)
    .bind(day)
    .bind(position)
    .bind(given)
    .bind(i64::from(correct))
    .bind(now())
    .execute(&db.pool)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::field("op", "daily_answered"));
    }
    Ok(correct)
}
