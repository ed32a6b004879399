//! Storage of disaster information officers and their trainings (server only). A district has a
//! few hundred officers and a few trainings a year, so the coverage is counted in Rust from one
//! read of each table (`officers::coverage`).
use super::officers::*;
use super::rules::{hours_text, HourRules};
use crate::base::audit::{self, Entry};
use crate::base::calendar::Day;
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// The units of the three levels: the district, then the active towns/streets, then their active
/// villages/communities (by town, then code).
pub async fn units(db: &Db) -> Result<Vec<Unit>, AppError> {
    let mut out = vec![Unit {
        key: UnitKey::District.to_string(),
        level: Level::District,
        name: String::new(),
        name_en: String::new(),
        parent_key: String::new(),
        parent: String::new(),
        parent_en: String::new(),
    }];
    let towns: Vec<(String, String, String)> =
        sqlx::query_as("select code, name_zh, name_en from towns where active = 1 order by code").fetch_all(&db.pool).await?;
    for (code, name, name_en) in towns {
        let key = UnitKey::Town(code).to_string();
        out.push(Unit { key, level: Level::Town, name, name_en, parent_key: String::new(), parent: String::new(), parent_en: String::new() });
    }
    let villages: Vec<(String, String, String, String, String, String)> = sqlx::query_as(
        "select v.code, v.name_zh, v.name_en, t.code, t.name_zh, t.name_en from villages v join towns t on t.id = v.town_id \
         where v.active = 1 and t.active = 1 order by t.code, v.code",
    )
    .fetch_all(&db.pool)
    .await?;
    for (code, name, name_en, town, parent, parent_en) in villages {
        let key = UnitKey::Village(code).to_string();
        out.push(Unit { key, level: Level::Village, name, name_en, parent_key: UnitKey::Town(town).to_string(), parent, parent_en });
    }
    Ok(out)
}

/// (id, name, level, town code, town names, village code, village names, contact, appointed, active)
type OfficerRow = (i64, String, String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, String, i64, i64);

const OFFICER_SELECT: &str = "select o.id, o.name, o.level, t.code, t.name_zh, t.name_en, v.code, v.name_zh, v.name_en, o.contact, o.appointed_on, o.active \
     from info_officers o left join towns t on t.id = o.town_id left join villages v on v.id = o.village_id";

fn unit_of(level: &str, town: (Option<String>, Option<String>, Option<String>), village: (Option<String>, Option<String>, Option<String>)) -> Result<Unit, AppError> {
    let level = Level::parse(level).ok_or_else(|| AppError::internal("officer level", level))?;
    let (tc, tn, te) = (town.0.unwrap_or_default(), town.1.unwrap_or_default(), town.2.unwrap_or_default());
    let (vc, vn, ve) = (village.0.unwrap_or_default(), village.1.unwrap_or_default(), village.2.unwrap_or_default());
    Ok(match level {
        Level::District => Unit {
            key: UnitKey::District.to_string(),
            level,
            name: String::new(),
            name_en: String::new(),
            parent_key: String::new(),
            parent: String::new(),
            parent_en: String::new(),
        },
        Level::Town => Unit { key: UnitKey::Town(tc).to_string(), level, name: tn, name_en: te, parent_key: String::new(), parent: String::new(), parent_en: String::new() },
        Level::Village => Unit { key: UnitKey::Village(vc).to_string(), level, name: vn, name_en: ve, parent_key: UnitKey::Town(tc).to_string(), parent: tn, parent_en: te },
    })
}

struct Stored {
    officer: Officer,
    appointed: Day,
    trained_on: Vec<Day>,
}

/// Every officer (or the one `only`), without their trainings: active ones first, by unit and name.
async fn officer_rows(db: &Db, only: Option<i64>) -> Result<Vec<(Officer, Day)>, AppError> {
    let sql = match only {
        Some(_) => format!("{OFFICER_SELECT} where o.id = $1"),
        None => format!("{OFFICER_SELECT} where 1 = 1 order by o.active desc, o.level, t.code, v.code, o.name, o.id"),
    };
    let rows: Vec<OfficerRow> = sqlx::query_as(&sql).bind(only.unwrap_or(0)).fetch_all(&db.pool).await?;
    rows.into_iter()
        .map(|(id, name, level, tc, tn, te, vc, vn, ve, contact, appointed, active)| {
            let officer = Officer {
                id,
                name,
                unit: unit_of(&level, (tc, tn, te), (vc, vn, ve))?,
                contact,
                appointed_on: Day(appointed).to_string(),
                active: active == 1,
                last_trained: None,
                trained_this_year: false,
            };
            Ok((officer, Day(appointed)))
        })
        .collect()
}

/// Every officer (or the one `only`), with the days of the trainings each attended.
async fn read_officers(db: &Db, only: Option<i64>) -> Result<Vec<Stored>, AppError> {
    let rows = officer_rows(db, only).await?;
    let days: Vec<(i64, i64)> = match only {
        Some(id) => sqlx::query_as(
            "select a.officer_id, t.held_on from info_officer_attendance a join info_officer_trainings t on t.id = a.training_id where a.officer_id = $1",
        )
        .bind(id)
        .fetch_all(&db.pool)
        .await?,
        None => sqlx::query_as("select a.officer_id, t.held_on from info_officer_attendance a join info_officer_trainings t on t.id = a.training_id")
            .fetch_all(&db.pool)
            .await?,
    };
    let mut trained: HashMap<i64, Vec<Day>> = HashMap::new();
    for (id, day) in days {
        trained.entry(id).or_default().push(Day(day));
    }
    Ok(rows
        .into_iter()
        .map(|(officer, appointed)| {
            let mut days = trained.remove(&officer.id).unwrap_or_default();
            days.sort_unstable();
            Stored { officer, appointed, trained_on: days }
        })
        .collect())
}

/// Fill in what the officer's list shows about their training (by `today`, in `year`).
fn with_training(s: Stored, year: i64, today: Day) -> Officer {
    let held: Vec<&Day> = s.trained_on.iter().filter(|d| **d <= today).collect();
    Officer {
        last_trained: held.last().map(|d| d.to_string()),
        trained_this_year: held.iter().any(|d| d.ymd().0 == year),
        ..s.officer
    }
}

/// Which trainings to list.
enum Which {
    /// Those held in a year.
    Year(i64),
    /// Those an officer attended.
    Attended(i64),
    /// One.
    One(i64),
}

/// Trainings of officers, newest first.
async fn trainings(db: &Db, r: &HourRules, which: Which) -> Result<Vec<OfficerTraining>, AppError> {
    type Row = (i64, String, i64, i64, String, String, i64);
    let base = "select t.id, t.title, t.held_on, t.minutes, t.trainer, t.material, \
                (select count(*) from info_officer_attendance a where a.training_id = t.id) from info_officer_trainings t";
    let order = "order by t.held_on desc, t.id desc";
    let rows: Vec<Row> = match which {
        Which::Attended(id) => {
            sqlx::query_as(&format!("{base} join info_officer_attendance x on x.training_id = t.id where x.officer_id = $1 {order}"))
                .bind(id)
                .fetch_all(&db.pool)
                .await?
        }
        Which::Year(y) => {
            let (from, to) = (Day::from_ymd(y, 1, 1), Day::from_ymd(y, 12, 31));
            let (from, to) = from.zip(to).ok_or_else(|| AppError::field("year", "date_out_of_range"))?;
            sqlx::query_as(&format!("{base} where t.held_on >= $1 and t.held_on <= $2 {order}"))
                .bind(from.0)
                .bind(to.0)
                .fetch_all(&db.pool)
                .await?
        }
        Which::One(id) => sqlx::query_as(&format!("{base} where t.id = $1")).bind(id).fetch_all(&db.pool).await?,
    };
    Ok(rows
        .into_iter()
        .map(|(id, title, held_on, minutes, trainer, material, attendees)| OfficerTraining {
            id,
            title,
            held_on: Day(held_on).to_string(),
            hours: hours_text(r, u32::try_from(minutes).unwrap_or(0)),
            trainer,
            material,
            attendees,
        })
        .collect())
}

/// The administrator's page: the year's coverage, every officer and the year's trainings.
pub async fn officers_view(db: &Db, r: &HourRules, year: i64, today: Day) -> Result<OfficersView, AppError> {
    let units = units(db).await?;
    let stored = read_officers(db, None).await?;
    let facts: Vec<OfficerFacts> = stored
        .iter()
        .map(|s| OfficerFacts { name: s.officer.name.clone(), unit: s.officer.unit.key.clone(), active: s.officer.active, appointed_on: s.appointed, trained_on: s.trained_on.clone() })
        .collect();
    let coverage = coverage(&units, &facts, year, today);
    let officers = stored.into_iter().map(|s| with_training(s, year, today)).collect();
    let trainings = trainings(db, r, Which::Year(year)).await?;
    Ok(OfficersView { coverage, officers, trainings, units })
}

/// One officer, the trainings they attended and the units to move them to.
pub async fn officer_detail(db: &Db, r: &HourRules, id: i64, today: Day) -> Result<OfficerDetail, AppError> {
    let s = read_officers(db, Some(id)).await?.pop().ok_or(AppError::NotFound)?;
    let officer = with_training(s, today.ymd().0, today);
    Ok(OfficerDetail { officer, trainings: trainings(db, r, Which::Attended(id)).await?, units: units(db).await? })
}

/// The ids of the unit's town and village (active ones only: nobody is placed in a retired unit).
async fn place(tx: &mut sqlx::Transaction<'static, sqlx::Any>, unit: &UnitKey) -> Result<(Option<i64>, Option<i64>), AppError> {
    let unknown = || AppError::field("unit", "unknown_choice");
    Ok(match unit {
        UnitKey::District => (None, None),
        UnitKey::Town(code) => {
            let id: Option<i64> = sqlx::query_scalar("select id from towns where code = $1 and active = 1").bind(code).fetch_optional(&mut **tx).await?;
            (Some(id.ok_or_else(unknown)?), None)
        }
        UnitKey::Village(code) => {
            let row: Option<(i64, i64)> = sqlx::query_as(
                "select v.town_id, v.id from villages v join towns t on t.id = v.town_id where v.code = $1 and v.active = 1 and t.active = 1",
            )
            .bind(code)
            .fetch_optional(&mut **tx)
            .await?;
            let (town, village) = row.ok_or_else(unknown)?;
            (Some(town), Some(village))
        }
    })
}

/// Appoint an officer (no `id`) or change one; `active` false retires them (kept for the record).
/// The same person (name) serving twice in one unit is refused.
pub async fn save_officer(db: &Db, user_id: i64, id: Option<i64>, v: &ValidOfficer, active: bool) -> Result<i64, AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let (town, village) = place(&mut tx, &v.unit).await?;
    let level = v.unit.level().as_str();
    let twin: Option<i64> = sqlx::query_scalar(
        "select id from info_officers where name = $1 and level = $2 and coalesce(town_id, 0) = $3 and coalesce(village_id, 0) = $4 \
         and active = 1 and id <> $5",
    )
    .bind(&v.name)
    .bind(level)
    .bind(town.unwrap_or(0))
    .bind(village.unwrap_or(0))
    .bind(id.unwrap_or(0))
    .fetch_optional(&mut *tx)
    .await?;
    if twin.is_some() && active {
        return Err(AppError::field("name", "officer_repeated"));
    }
    let id = match id {
        Some(id) => {
            let done = sqlx::query(
                "update info_officers set name = $1, level = $2, town_id = $3, village_id = $4, contact = $5, appointed_on = $6, active = $7, \
                 updated_at = $8 where id = $9",
            )
            .bind(&v.name)
            .bind(level)
            .bind(town)
            .bind(village)
            .bind(&v.contact)
            .bind(v.appointed_on.0)
            .bind(i64::from(active))
            .bind(ts)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
        None => {
            sqlx::query_scalar(
                "insert into info_officers (name, level, town_id, village_id, contact, appointed_on, active, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, 1, $7, $7) returning id",
            )
            .bind(&v.name)
            .bind(level)
            .bind(town)
            .bind(village)
            .bind(&v.contact)
            .bind(v.appointed_on.0)
            .bind(ts)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    // The audit entry names the unit, not the person: the log is read more widely than the list.
    let details = json!({ "officer": id, "unit": v.unit.to_string(), "active": active });
    let entry = Entry { user_id: Some(user_id), action: "info_officer_saved", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(id)
}

/// Record a training of officers; its id.
pub async fn save_training(db: &Db, user_id: i64, v: &ValidOfficerTraining) -> Result<i64, AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "insert into info_officer_trainings (title, held_on, minutes, trainer, material, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(&v.title)
    .bind(v.held_on.0)
    .bind(i64::from(v.minutes))
    .bind(&v.trainer)
    .bind(&v.material)
    .bind(user_id)
    .bind(ts)
    .fetch_one(&mut *tx)
    .await?;
    let details = json!({ "training": id, "held_on": v.held_on.to_string() });
    let entry = Entry { user_id: Some(user_id), action: "info_officer_training_saved", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(id)
}

/// A training and its sheet: every serving officer, and anyone retired who attended.
pub async fn sheet(db: &Db, r: &HourRules, id: i64, today: Day) -> Result<OfficerSheet, AppError> {
    let training = trainings(db, r, Which::One(id)).await?.pop().ok_or(AppError::NotFound)?;
    let attended: HashSet<i64> = sqlx::query_scalar::<_, i64>("select officer_id from info_officer_attendance where training_id = $1")
        .bind(id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .collect();
    let lines = officer_rows(db, None)
        .await?
        .into_iter()
        .filter(|(o, _)| o.active || attended.contains(&o.id))
        .map(|(o, _)| OfficerSheetLine { attended: attended.contains(&o.id), officer_id: o.id, name: o.name, unit: o.unit })
        .collect();
    let open = Day::parse(&training.held_on).is_some_and(|d| d <= today);
    Ok(OfficerSheet { training, open, lines })
}

/// Who attended a training held by `today`: the officers `attended`, replacing the list before.
/// An id that is no officer's refuses the whole list.
pub async fn set_attendance(db: &Db, user_id: i64, training: i64, attended: &[i64], today: Day) -> Result<usize, AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let held: Option<i64> = sqlx::query_scalar("select held_on from info_officer_trainings where id = $1").bind(training).fetch_optional(&mut *tx).await?;
    if held.ok_or(AppError::NotFound)? > today.0 {
        return Err(AppError::field("op", "session_not_held"));
    }
    let mut ids: Vec<i64> = attended.iter().copied().collect::<HashSet<_>>().into_iter().collect();
    ids.sort_unstable();
    if !ids.is_empty() {
        let known: HashSet<i64> = sqlx::query_scalar::<_, i64>("select id from info_officers").fetch_all(&mut *tx).await?.into_iter().collect();
        if !ids.iter().all(|id| known.contains(id)) {
            return Err(AppError::field("op", "officer_unknown"));
        }
    }
    sqlx::query("delete from info_officer_attendance where training_id = $1").bind(training).execute(&mut *tx).await?;
    for chunk in ids.chunks(200) {
        let values: Vec<String> = (0..chunk.len()).map(|i| format!("($1, ${})", i + 2)).collect();
        let sql = format!("insert into info_officer_attendance (training_id, officer_id) values {}", values.join(", "));
        let mut q = sqlx::query(&sql).bind(training);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *tx).await?;
    }
    let details = json!({ "training": training, "attended": ids.len() });
    let entry = Entry { user_id: Some(user_id), action: "info_officer_attendance_saved", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(ids.len())
}
