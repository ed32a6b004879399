//! Storage of the question bank (server only): listing with filters, saving a question as a new
//! version in one transaction with its audit entry, and a question's edit history.
use super::*;
use crate::base::audit::{self, Entry};
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use serde_json::json;

type Row = (i64, i64, String, String, String, String, String, String, i64, String, i64, i64, Option<String>);

const QUESTION_SQL: &str = "select q.id, v.version, v.kind, v.stem, v.options, v.answer, v.explanation, v.tags, \
     v.difficulty, v.source, q.active, q.updated_at, u.display_name from quiz_questions q \
     join quiz_question_versions v on v.question_id = q.id and v.version = q.current_version \
     left join users u on u.id = v.edited_by";

fn question(r: Row) -> Result<Question, AppError> {
    let kind = Kind::parse(&r.2).ok_or_else(|| AppError::internal("question kind", &r.2))?;
    let options: Vec<String> = serde_json::from_str(&r.4).map_err(|e| AppError::internal("question options", e))?;
    Ok(Question {
        id: r.0,
        version: r.1,
        kind,
        stem: r.3,
        options,
        answer: r.5,
        explanation: r.6,
        tags: r.7.split(',').filter(|t| !t.is_empty()).map(String::from).collect(),
        difficulty: r.8,
        source: r.9,
        active: r.10 == 1,
        updated_at: r.11,
        updated_by: r.12.unwrap_or_default(),
    })
}

/// `text` for a LIKE pattern: its own `%`, `_` and `\` taken literally (with `escape '\'`).
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The bank, newest change first, filtered; at most `BANK_PAGE` questions and the total.
pub async fn bank(db: &Db, f: &BankFilter) -> Result<BankPage, AppError> {
    let mut conds = vec!["1 = 1".to_string()];
    let mut binds: Vec<String> = Vec::new();
    let mut push = |cond: &str, value: String| {
        binds.push(value);
        conds.push(cond.replace("$?", &format!("${}", binds.len())));
    };
    if !f.q.trim().is_empty() {
        push("v.stem like $? escape '\\'", format!("%{}%", like_escaped(f.q.trim())));
    }
    if let Some(k) = Kind::parse(f.kind.trim()) {
        push("v.kind = $?", k.as_str().to_string());
    }
    if !f.tag.trim().is_empty() {
        push("v.tags like $? escape '\\'", format!("%,{},%", like_escaped(f.tag.trim())));
    }
    if let Ok(id) = f.id.trim().parse::<i64>() {
        push("cast(q.id as text) = $?", id.to_string());
    }
    if let Ok(d @ 1..=3) = f.difficulty.trim().parse::<i64>() {
        push("cast(v.difficulty as text) = $?", d.to_string());
    }
    let filter = conds.join(" and ");
    let list_sql = format!("{QUESTION_SQL} where {filter} order by q.updated_at desc, q.id desc limit {BANK_PAGE}");
    let count_sql = format!(
        "select count(*) from quiz_questions q join quiz_question_versions v on v.question_id = q.id \
         and v.version = q.current_version where {filter}"
    );
    let mut list = sqlx::query_as::<_, Row>(&list_sql);
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for b in &binds {
        list = list.bind(b.clone());
        count = count.bind(b.clone());
    }
    let rows = list.fetch_all(&db.pool).await?;
    Ok(BankPage {
        questions: rows.into_iter().map(question).collect::<Result<_, _>>()?,
        total: count.fetch_one(&db.pool).await?,
        sectors: crate::org::ssr::all_choices(db, "sectors").await?,
    })
}

/// The sector codes a question may be tagged with.
pub async fn known_tags(db: &Db) -> Result<Vec<String>, AppError> {
    Ok(crate::org::ssr::all_choices(db, "sectors").await?.into_iter().map(|c| c.code).collect())
}

/// Store a checked question: a new one (`id` None) at version 1, or the next version of an
/// existing one, with its audit entry, in one transaction. Returns its id. "not found" for an
/// unknown id.
pub async fn save_question(db: &Db, user_id: i64, id: Option<i64>, q: &ValidQuestion) -> Result<i64, AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let (id, version) = store_question(&mut tx, user_id, id, q, ts).await?;
    let details = json!({ "question": id, "version": version, "kind": q.kind.as_str(), "active": q.active });
    let entry = Entry { user_id: Some(user_id), action: "question_saved", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(id)
}

/// Write one question (new, or the next version of `id`) inside the caller's transaction.
/// Returns (id, version). Conditional on the version read: of two simultaneous saves, the second
/// changes nothing and is refused (`op=conflict`) rather than failing on the version's unique key.
pub async fn store_question(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: i64,
    id: Option<i64>,
    q: &ValidQuestion,
    ts: i64,
) -> Result<(i64, i64), AppError> {
    let options = serde_json::to_string(&q.options).map_err(|e| AppError::internal("question options", e))?;
    let tags = format!(",{},", q.tags.join(","));
    let (id, version) = match id {
        None => {
            let id: i64 = sqlx::query_scalar(
                "insert into quiz_questions (kind, current_version, active, created_at, updated_at) \
                 values ($1, 1, $2, $3, $3) returning id",
            )
            .bind(q.kind.as_str())
            .bind(i64::from(q.active))
            .bind(ts)
            .fetch_one(&mut **tx)
            .await?;
            (id, 1)
        }
        Some(id) => {
            let current: Option<i64> = sqlx::query_scalar("select current_version from quiz_questions where id = $1")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
            let version = current.ok_or(AppError::NotFound)? + 1;
            let done = sqlx::query(
                "update quiz_questions set kind = $2, current_version = $3, active = $4, updated_at = $5 \
                 where id = $1 and current_version = $3 - 1",
            )
            .bind(id)
            .bind(q.kind.as_str())
            .bind(version)
            .bind(i64::from(q.active))
            .bind(ts)
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(AppError::field("op", "conflict"));
            }
            (id, version)
        }
    };
    sqlx::query(
        "insert into quiz_question_versions (question_id, version, kind, stem, options, answer, explanation, tags, \
         difficulty, source, edited_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id)
    .bind(version)
    .bind(q.kind.as_str())
    .bind(&q.stem)
    .bind(&options)
    .bind(&q.answer)
    .bind(&q.explanation)
    .bind(&tags)
    .bind(q.difficulty)
    .bind(&q.source)
    .bind(user_id)
    .bind(ts)
    .execute(&mut **tx)
    .await?;
    Ok((id, version))
}

/// Every question at its current version, oldest first (for exports).
pub async fn all(db: &Db) -> Result<Vec<Question>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(&format!("{QUESTION_SQL} order by q.id")).fetch_all(&db.pool).await?;
    rows.into_iter().map(question).collect()
}

/// Every version of a question, newest first.
pub async fn history(db: &Db, id: i64) -> Result<Vec<QuestionVersion>, AppError> {
    let rows: Vec<(i64, String, String, Option<String>, i64)> = sqlx::query_as(
        "select v.version, v.stem, v.answer, u.display_name, v.created_at from quiz_question_versions v \
         left join users u on u.id = v.edited_by where v.question_id = $1 order by v.version desc",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(rows
        .into_iter()
        .map(|(version, stem, answer, by, at)| QuestionVersion { version, stem, answer, edited_by: by.unwrap_or_default(), at })
        .collect())
}

type PracticeRow = (i64, i64, String, String, String);

fn practice_question(r: PracticeRow) -> Result<PracticeQuestion, AppError> {
    Ok(PracticeQuestion {
        id: r.0,
        version: r.1,
        kind: Kind::parse(&r.2).ok_or_else(|| AppError::internal("question kind", &r.2))?,
        stem: r.3,
        options: serde_json::from_str(&r.4).map_err(|e| AppError::internal("question options", e))?,
    })
}

/// A random active question (of the sector `tag`, if one is given) without its answer, and the
/// sectors to choose from (from the organisation's cache of form choices: a public page).
pub async fn practice(db: &Db, choices: &crate::org::ssr::ChoiceCache, tag: &str) -> Result<PracticeData, AppError> {
    let sectors = choices.get(db).await?.sectors.clone();
    let tag = tag.trim();
    let pattern = if sectors.iter().any(|s| s.code == tag) { format!("%,{tag},%") } else { "%".to_string() };
    // A random point in the ids, then the first matching question from there on (or, past the
    // last, from the start): two short index walks instead of sorting the whole bank by
    // random() on every request. Questions after a long run of retired ids come up a little
    // more often; for practice that is fine.
    let (low, high): (Option<i64>, Option<i64>) =
        sqlx::query_as("select min(id), max(id) from quiz_questions").fetch_one(&db.pool).await?;
    let (Some(low), Some(high)) = (low, high) else {
        return Ok(PracticeData { sectors, question: None });
    };
    let from = rand::Rng::gen_range(&mut rand::thread_rng(), low..=high);
    const SQL: &str = "select q.id, v.version, v.kind, v.stem, v.options from quiz_questions q \
         join quiz_question_versions v on v.question_id = q.id and v.version = q.current_version \
         where q.active = 1 and v.tags like $1 and q.id >= $2 order by q.id limit 1";
    let mut row: Option<PracticeRow> = sqlx::query_as(SQL).bind(&pattern).bind(from).fetch_optional(&db.pool).await?;
    if row.is_none() {
        row = sqlx::query_as(SQL).bind(&pattern).bind(low).fetch_optional(&db.pool).await?;
    }
    Ok(PracticeData { sectors, question: row.map(practice_question).transpose()? })
}

/// Check a practice answer against the version that was shown (an edit in between does not
/// change what the question meant). 404 for an unknown or retired question.
pub async fn practice_check(db: &Db, id: i64, version: i64, given: &[String]) -> Result<PracticeResult, AppError> {
    let row: Option<(i64, i64, String, String, String, String, String, String)> = sqlx::query_as(
        "select q.id, v.version, v.kind, v.stem, v.options, v.answer, v.explanation, v.source from quiz_questions q \
         join quiz_question_versions v on v.question_id = q.id where q.id = $1 and v.version = $2 and q.active = 1",
    )
    .bind(id)
    .bind(version)
    .fetch_optional(&db.pool)
    .await?;
    let (id, version, kind, stem, options, answer, explanation, source) = row.ok_or(AppError::NotFound)?;
    let question = practice_question((id, version, kind, stem, options))?;
    Ok(PracticeResult { correct: is_correct(question.kind, &answer, given), question, answer, explanation, source })
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(super::like_escaped("100%_a\\b"), "100\\%\\_a\\\\b");
    }
}
