//! Rankings (server only): of people by their best result (ties by time used, then finish), and
//! of enterprises, towns/streets and villages/communities by total, average, participation rate
//! and valid results. They read the best result kept per contestant (D23); disqualified
//! contestants are left out.
use super::ssr::find_contest;
use super::*;
use crate::base::db::Db;
use crate::base::errors::AppError;

pub const RANKING_ROWS: i64 = 100;

/// A contest's ranking: of people (`by` = "person") or of enterprises, towns/streets or
/// villages/communities, sorted by total, average, participation or valid results. Reads the
/// best result kept per contestant; a unit's registered employees come from the enterprises. At
/// most `rows_max` rows: the public page shows the top `RANKING_ROWS`, the staff's files all.
pub async fn ranking(db: &Db, contest_id: i64, by: &str, sort: &str, rows_max: i64) -> Result<Ranking, AppError> {
    let c = find_contest(db, contest_id).await?;
    let sort = match sort {
        "average" | "participation" | "valid" => sort,
        _ => "total",
    };
    let mut rows = Vec::new();
    if by == "person" || !matches!(by, "enterprise" | "town" | "village") {
        let people: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "select nickname, best_score, best_time_ms, valid_results from quiz_contestants \
             where contest_id = $1 and best_score is not null and disqualified = 0 \
             order by best_score desc, best_time_ms, best_at limit $2",
        )
        .bind(contest_id)
        .bind(rows_max)
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
    rows.truncate(usize::try_from(rows_max).unwrap_or(usize::MAX));
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i as i64 + 1;
    }
    Ok(Ranking { contest_id, title: c.title, by: by.into(), sort: sort.into(), privacy: c.privacy, rows })
}
