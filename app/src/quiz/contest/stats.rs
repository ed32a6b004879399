//! Statistics of a contest and suspicious attempts (server only): participation and the score
//! distribution, per question the answer distribution, the share right and the time taken; and
//! attempts flagged for the administrator — answers faster than anyone can read, or the same wrong
//! answers as another attempt. Computed from the finished attempts in one pass and kept for
//! `STATS_FOR`, so a busy contest is not read again on every visit of the page.
use super::figures::{Flag, QuestionStat, StatsView};
use super::*;
use crate::base::db::Db;
use crate::base::errors::AppError;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

/// How long computed statistics are reused.
pub const STATS_FOR: Duration = Duration::from_secs(30);
/// A median time between answers below this is faster than a question can be read.
pub const MIN_READ_MS: i64 = 2_000;
/// Wrong answers two attempts must share, all identical, to be flagged together.
pub const SAME_WRONG_MIN: usize = 3;

type AttemptRow = (i64, String, String, Option<i64>, i64, i64, Option<i64>, Option<i64>, Option<String>);
type ItemRow = (i64, i64, Option<String>, Option<i64>, Option<i64>);

/// The statistics of contest `id` (cached for `STATS_FOR`).
pub async fn stats(db: &Db, cs: &ssr::ContestState, id: i64) -> Result<StatsView, AppError> {
    if let Some(s) = cs.cached_stats(id, STATS_FOR) {
        return Ok((*s).clone());
    }
    let s = compute(db, id).await?;
    cs.keep_stats(id, Arc::new(s.clone()));
    Ok(s)
}

async fn compute(db: &Db, id: i64) -> Result<StatsView, AppError> {
    let c = ssr::find_contest(db, id).await?;
    let attempts: Vec<AttemptRow> = sqlx::query_as(
        "select a.id, a.token, c.nickname, a.score, a.max_score, a.started_at, a.finished_at, a.valid, a.review \
         from quiz_attempts a join quiz_contestants c on c.id = a.contestant_id \
         where a.contest_id = $1 and a.state <> 'open' order by a.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let items: Vec<ItemRow> = sqlx::query_as(
        "select i.attempt_id, i.question_id, i.given, i.answered_at, i.correct from quiz_attempt_items i \
         join quiz_attempts a on a.id = i.attempt_id where a.contest_id = $1 and a.state <> 'open' order by i.attempt_id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let participants: i64 = sqlx::query_scalar("select count(*) from quiz_contestants where contest_id = $1 and best_score is not null")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;

    // Scores in ten bins of the full marks.
    let mut bins = vec![0i64; 10];
    let (mut sum, mut valid, mut time_sum) = (0i64, 0i64, 0i64);
    let started: HashMap<i64, i64> = attempts.iter().map(|a| (a.0, a.5)).collect();
    for a in &attempts {
        let score = a.3.unwrap_or(0);
        sum += score;
        valid += a.7.unwrap_or(0);
        time_sum += a.6.unwrap_or(a.5) - a.5;
        let bin = if a.4 > 0 { ((score * 10) / a.4).clamp(0, 9) } else { 0 };
        bins[bin as usize] += 1;
    }
    let n = attempts.len().max(1) as f64;

    // Per question, and per attempt the gaps between answers and the wrong answers.
    #[derive(Default)]
    struct Q {
        drawn: i64,
        answered: i64,
        correct: i64,
        given: BTreeMap<String, i64>,
        seconds: Vec<i64>,
    }
    let mut per_q: BTreeMap<i64, Q> = BTreeMap::new();
    let mut per_attempt: BTreeMap<i64, (Vec<i64>, Vec<(i64, String)>)> = BTreeMap::new();
    for (attempt, question, given, at, correct) in &items {
        let q = per_q.entry(*question).or_default();
        q.drawn += 1;
        if let (Some(g), Some(t)) = (given, at) {
            q.answered += 1;
            q.correct += correct.unwrap_or(0);
            *q.given.entry(g.clone()).or_default() += 1;
            let e = per_attempt.entry(*attempt).or_default();
            e.0.push(*t);
            if *correct != Some(1) {
                e.1.push((*question, g.clone()));
            }
        }
    }
    // Time taken for each answer: since the previous answer of the same attempt (or its start).
    let mut answer_gaps: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    {
        let mut by_attempt: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
        for (attempt, question, given, at, _) in &items {
            if let (Some(_), Some(t)) = (given, at) {
                by_attempt.entry(*attempt).or_default().push((*t, *question));
            }
        }
        for (attempt, mut list) in by_attempt {
            list.sort_unstable();
            let mut prev = started.get(&attempt).copied().unwrap_or(list[0].0);
            for (t, question) in list {
                let gap = (t - prev).max(0);
                prev = t;
                if let Some(q) = per_q.get_mut(&question) {
                    q.seconds.push(gap);
                }
                answer_gaps.entry(attempt).or_default().push(gap);
            }
        }
    }

    // Flags.
    let mut flags = Vec::new();
    let by_id: HashMap<i64, &AttemptRow> = attempts.iter().map(|a| (a.0, a)).collect();
    let flag = |a: &AttemptRow, reason: &str, group: Option<i64>| Flag {
        token: a.1.clone(),
        nickname: a.2.clone(),
        score: a.3.unwrap_or(0),
        time_used_ms: a.6.unwrap_or(a.5) - a.5,
        reason: reason.to_string(),
        group,
        review: a.8.clone().unwrap_or_default(),
    };
    for (attempt, gaps) in &answer_gaps {
        if gaps.len() >= 5 {
            let mut g = gaps.clone();
            g.sort_unstable();
            if g[g.len() / 2] < MIN_READ_MS {
                if let Some(a) = by_id.get(attempt) {
                    flags.push(flag(a, "too_fast", None));
                }
            }
        }
    }
    let mut fingerprints: BTreeMap<Vec<(i64, String)>, Vec<i64>> = BTreeMap::new();
    for (attempt, (_, wrong)) in &per_attempt {
        if wrong.len() >= SAME_WRONG_MIN {
            let mut w = wrong.clone();
            w.sort();
            fingerprints.entry(w).or_default().push(*attempt);
        }
    }
    let mut group = 0;
    for same in fingerprints.values().filter(|v| v.len() > 1) {
        group += 1;
        for attempt in same {
            if let Some(a) = by_id.get(attempt) {
                flags.push(flag(a, "same_answers", Some(group)));
            }
        }
    }

    // Question texts at their current version (a paper's own version may be older; the stem is
    // for recognising the question).
    let mut questions = Vec::with_capacity(per_q.len());
    for (question, q) in per_q {
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "select v.kind, v.stem, v.options, v.answer from quiz_questions qq join quiz_question_versions v \
             on v.question_id = qq.id and v.version = qq.current_version where qq.id = $1",
        )
        .bind(question)
        .fetch_optional(&db.pool)
        .await?;
        let Some((kind, stem, options, answer)) = row else { continue };
        let kind = crate::quiz::Kind::parse(&kind).ok_or_else(|| AppError::internal("question kind", &kind))?;
        let options: Vec<String> = serde_json::from_str(&options).map_err(|e| AppError::internal("question options", e))?;
        let mut distribution: Vec<(String, i64)> = q.given.into_iter().collect();
        distribution.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        distribution.truncate(8);
        let mut secs = q.seconds;
        secs.sort_unstable();
        questions.push(QuestionStat {
            question_id: question,
            kind,
            stem,
            options,
            answer,
            drawn: q.drawn,
            answered: q.answered,
            correct: q.correct,
            distribution,
            median_ms: secs.get(secs.len() / 2).copied(),
        });
    }
    questions.sort_by(|a, b| {
        let share = |q: &QuestionStat| q.correct as f64 / q.answered.max(1) as f64;
        share(a).total_cmp(&share(b)).then_with(|| a.question_id.cmp(&b.question_id))
    });
    let max_score = c.max_score();
    Ok(StatsView {
        contest_id: id,
        title: c.title,
        participants,
        finished: attempts.len() as i64,
        valid,
        average_score: sum as f64 / n,
        max_score,
        average_time_ms: (time_sum as f64 / n) as i64,
        score_bins: bins,
        questions,
        flags,
    })
}

/// The administrator's decision on a flagged attempt: "cleared", or "disqualified" (its
/// contestant leaves the rankings). Logged in the audit chain.
pub async fn review(db: &Db, cs: &ssr::ContestState, user_id: i64, token: &str, decision: &str) -> Result<i64, AppError> {
    use crate::base::audit::{self, Entry};
    if !matches!(decision, "cleared" | "disqualified") {
        return Err(AppError::field("decision", "choose_one"));
    }
    let ts = crate::base::db::now();
    let mut tx = db.begin().await?;
    let row: Option<(i64, i64, i64)> =
        sqlx::query_as("select id, contest_id, contestant_id from quiz_attempts where token = $1 and state <> 'open'")
            .bind(token)
            .fetch_optional(&mut *tx)
            .await?;
    let (attempt, contest, contestant) = row.ok_or(AppError::NotFound)?;
    sqlx::query("update quiz_attempts set review = $2 where id = $1").bind(attempt).bind(decision).execute(&mut *tx).await?;
    sqlx::query("update quiz_contestants set disqualified = $2 where id = $1")
        .bind(contestant)
        .bind(i64::from(decision == "disqualified"))
        .execute(&mut *tx)
        .await?;
    let details = serde_json::json!({ "contest": contest, "attempt": attempt, "decision": decision });
    let entry = Entry { user_id: Some(user_id), action: "attempt_reviewed", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    cs.forget_stats(contest);
    Ok(contest)
}
