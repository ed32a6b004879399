//! The training administrator's district overview (`/staff/training`, issue 15): for one year,
//! the share of employees who met their training requirement, by sector, town/street and
//! village/community, and the enterprises furthest behind.
//!
//! At district scale (100,000 employees, 1,000,000 attendance rows) the overview does not read
//! attendance row by row. An employee hired long enough before the year owes the yearly hours
//! over the whole calendar year, so their standing is their minutes in that year against the
//! requirement of their category: SQL sums that per enterprise from `training_year_minutes` (kept
//! by `credits::ssr::refresh_year_minutes` wherever credits change). Recent hires, whose initial
//! window straddles years, are judged as `rules::standing` judges them on the enterprise's own
//! compliance page: the database sums each one's credits within their window (the distinct
//! windows, a few hundred, go with the query). The integration test holds the two views to the
//! same figures.
use serde::{Deserialize, Serialize};

/// Enterprises listed as furthest behind.
pub const BEHIND_LISTED: usize = 50;

/// One sector, town/street or village/community (or the enterprises not placed in one: empty
/// names).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitTally {
    pub name: String,
    pub name_en: String,
    /// The town/street a village/community is in (empty for the others).
    pub parent: String,
    pub parent_en: String,
    pub enterprises: i64,
    /// Employees with a requirement this year, and those who met it.
    pub counted: i64,
    pub met: i64,
    pub percent: i64,
}

/// An enterprise in the list of those furthest behind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseTally {
    pub name: String,
    pub credit_code: String,
    pub town: String,
    pub town_en: String,
    pub high_risk: bool,
    pub counted: i64,
    pub met: i64,
    pub percent: i64,
}

/// The district's training compliance in one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct District {
    pub year: i64,
    pub enterprises: i64,
    /// Enterprises with someone who owes training in the year.
    pub reporting: i64,
    pub counted: i64,
    pub met: i64,
    pub percent: i64,
    pub sectors: Vec<UnitTally>,
    pub towns: Vec<UnitTally>,
    pub villages: Vec<UnitTally>,
    /// The enterprises with the lowest share compliant (those owing nothing left out).
    pub behind: Vec<EnterpriseTally>,
}

/// The district's compliance in `year` (this year when none).
#[leptos::server(endpoint = "training_district")]
pub async fn training_district(
    year: Option<i64>,
) -> Result<District, crate::base::errors::AppError> {
    use crate::accounts::{ssr::require, Permission};
    use crate::base::errors::AppError;
    require(Permission::TrainingOverview).await?;
    let state = crate::state::app_state()?;
    let today = crate::base::calendar::Day::of_timestamp(crate::base::db::now());
    let this_year = today.ymd().0;
    let year = year.unwrap_or(this_year);
    if !(1990..=this_year + 1).contains(&year) {
        return Err(AppError::field("year", "date_out_of_range"));
    }
    ssr::district(
        &state.db,
        state.area::<super::rules::HourRules>()?,
        year,
        today,
    )
    .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::base::calendar::Day;
    use crate::base::db::Db;
    use crate::base::errors::AppError;
    use crate::credits::ssr::{credit_sum, credits};
    use crate::training::percent;
    use crate::training::rules::{self, Category, HourRules};
    use std::collections::HashMap;

    /// Hired before this day, a person's initial training fell due before the year of `jan1`
    /// began, so their window that year is the whole calendar year (a manager has
    /// `manager_months` months; 31 days each is an upper bound).
    pub fn since(r: &HourRules, jan1: Day) -> Day {
        Day(jan1.0 - 31 * i64::from(r.manager_months) - 1)
    }

    /// The attendance (day, minutes) of each active employee hired from `since` on, within the
    /// reach of their windows in `year`: an initial window reaches twelve months back from its
    /// due date, and a manager's due date up to `manager_months` into the next year. All
    /// enterprises, or only `enterprise`.
    pub async fn recent_attendance(
        db: &Db,
        r: &HourRules,
        year: i64,
        today: Day,
        enterprise: Option<i64>,
    ) -> Result<HashMap<i64, Vec<(Day, u32)>>, AppError> {
        let (jan1, dec31) = year_days(year)?;
        let since = since(r, jan1);
        let last = Day(dec31.0 + 31 * i64::from(r.manager_months) + 1);
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(&credits(
            "select a.employee_id, a.{day}, a.minutes from {credits} a \
             join training_employees e on e.id = a.employee_id \
             where e.active = 1 and e.hired_on >= $1 and a.{day} >= $2 and a.{day} <= $3 \
             and ($4 = 0 or e.enterprise_id = $4)",
        ))
        .bind(since.0)
        .bind(since.0 - 370)
        .bind(last.0.min(today.0))
        .bind(enterprise.unwrap_or(0))
        .fetch_all(&db.pool)
        .await?;
        let mut done: HashMap<i64, Vec<(Day, u32)>> = HashMap::new();
        for (employee, day, minutes) in rows {
            done.entry(employee).or_default().push((Day(day), u32::try_from(minutes).unwrap_or(0)));
        }
        Ok(done)
    }

    pub fn year_days(year: i64) -> Result<(Day, Day), AppError> {
        let from = Day::from_ymd(year, 1, 1)
            .ok_or_else(|| AppError::field("year", "date_out_of_range"))?;
        let to = Day::from_ymd(year, 12, 31)
            .ok_or_else(|| AppError::field("year", "date_out_of_range"))?;
        Ok((from, to))
    }

    struct Place {
        name: String,
        credit_code: String,
        high_risk: bool,
        town: Option<i64>,
        village: Option<i64>,
        sector: Option<i64>,
    }

    /// (counted, met) of each enterprise.
    type Counts = HashMap<i64, (i64, i64)>;

    /// Employees hired before `since` (all of whose yearly window is the calendar year): per
    /// enterprise, how many, and how many have the minutes their category and sector require.
    async fn established(
        db: &Db,
        r: &HourRules,
        year: i64,
        since: Day,
        counts: &mut Counts,
    ) -> Result<(), AppError> {
        let old = Day(since.0 - 3660);
        let required = |category: Category, high_risk: bool| -> i64 {
            rules::requirement(r, category, high_risk, old, year)
                .map(|q| i64::from(q.hours) * i64::from(r.minutes_per_hour))
                .unwrap_or(0)
        };
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "select e.enterprise_id, count(*), sum(case when coalesce(y.minutes, 0) >= \
               (case when e.category in ('principal', 'safety_manager') \
                 then (case when n.high_risk = 1 then $3 else $4 end) \
                 else (case when n.high_risk = 1 then $5 else $6 end) end) then 1 else 0 end) \
             from training_employees e join enterprises n on n.id = e.enterprise_id \
             left join training_year_minutes y on y.employee_id = e.id and y.year = $1 \
             where e.active = 1 and n.active = 1 and e.hired_on < $2 group by e.enterprise_id",
        )
        .bind(year)
        .bind(since.0)
        .bind(required(Category::Principal, true))
        .bind(required(Category::Principal, false))
        .bind(required(Category::Other, true))
        .bind(required(Category::Other, false))
        .fetch_all(&db.pool)
        .await?;
        for (enterprise, n, met) in rows {
            let c = counts.entry(enterprise).or_default();
            c.0 += n;
            c.1 += met;
        }
        Ok(())
    }

    /// Employees hired from `since` on, whose window is not the calendar year. A window and the
    /// hours owed depend only on the day a person took the post, whether they are a manager and
    /// whether their sector is high-risk (`rules::requirement`), so the few hundred distinct
    /// windows go to the database with both requirements, and it judges each person against the
    /// credits inside theirs up to `today` (`rules::standing`: met when nothing is short),
    /// returning one row per enterprise. Deciding person by person in the server read about
    /// 12,000 people and as many sums through the `Any` driver: 140 ms of the overview's 270 on
    /// SQLite (docs/benchmarks.md).
    async fn recent(
        db: &Db,
        r: &HourRules,
        year: i64,
        since: Day,
        today: Day,
        counts: &mut Counts,
    ) -> Result<(), AppError> {
        let starts: Vec<(i64, i64)> = sqlx::query_as(
            "select distinct hired_on, case when category in ('principal', 'safety_manager') then 1 else 0 end \
             from training_employees where active = 1 and hired_on >= $1",
        )
        .bind(since.0)
        .fetch_all(&db.pool)
        .await?;
        let required = |q: &rules::Requirement| i64::from(q.hours) * i64::from(r.minutes_per_hour);
        // Day numbers and minutes computed here (never input), written into the statement: a
        // bound parameter each would pass SQLite's limit at a few thousand windows.
        let mut values = Vec::with_capacity(starts.len());
        for (hired, manager) in starts {
            let category = if manager == 1 { Category::Principal } else { Category::Other };
            let (Some(q), Some(high)) = (
                rules::requirement(r, category, false, Day(hired), year),
                rules::requirement(r, category, true, Day(hired), year),
            ) else {
                continue;
            };
            values.push(format!(
                "({hired}, {manager}, {}, {}, {}, {})",
                q.from.0,
                q.due.0.min(today.0),
                required(&q),
                required(&high)
            ));
        }
        if values.is_empty() {
            return Ok(());
        }
        // `cross join` keeps SQLite's order: the windows, the people hired that day
        // (`training_employees_hired`), then each one's credits by employee and day; left to
        // itself it scanned every employee against every window (seconds). PostgreSQL plans it
        // as an inner join.
        let sql = format!(
            "with w (hired, manager, lo, hi, req, req_high) as (values {}) \
             select e.enterprise_id, count(*), sum(case when {} >= (case when n.high_risk = 1 then w.req_high else w.req end) then 1 else 0 end) \
             from w cross join training_employees e cross join enterprises n \
             where e.hired_on = w.hired and w.manager = (case when e.category in ('principal', 'safety_manager') then 1 else 0 end) \
             and n.id = e.enterprise_id and e.active = 1 and n.active = 1 and e.hired_on >= $1 \
             group by e.enterprise_id",
            values.join(", "),
            credit_sum("e.id", "w.lo", "w.hi")
        );
        // Not kept among the prepared statements: the text changes with the day.
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(&sql)
            .persistent(false)
            .bind(since.0)
            .fetch_all(&db.pool)
            .await?;
        for (enterprise, n, met) in rows {
            let c = counts.entry(enterprise).or_default();
            c.0 += n;
            c.1 += met;
        }
        Ok(())
    }

    type Names = HashMap<i64, (String, String)>;

    async fn names(db: &Db, table: &str) -> Result<Names, AppError> {
        let rows: Vec<(i64, String, String)> =
            sqlx::query_as(&format!("select id, name_zh, name_en from {table}"))
                .fetch_all(&db.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, zh, en)| (id, (zh, en)))
            .collect())
    }

    /// Sum the enterprises' counts by the unit `key` gives (none: not placed).
    fn tally(
        places: &HashMap<i64, Place>,
        counts: &Counts,
        key: impl Fn(&Place) -> Option<i64>,
    ) -> Vec<(Option<i64>, i64, i64, i64)> {
        let mut by: HashMap<Option<i64>, (i64, i64, i64)> = HashMap::new();
        for (id, place) in places {
            let t = by.entry(key(place)).or_default();
            let (n, met) = counts.get(id).copied().unwrap_or((0, 0));
            t.0 += 1;
            t.1 += n;
            t.2 += met;
        }
        let mut out: Vec<_> = by.into_iter().map(|(k, (e, n, m))| (k, e, n, m)).collect();
        // By id, the enterprises not placed last.
        out.sort_by_key(|(k, ..)| (k.is_none(), *k));
        out
    }

    fn units(
        rows: Vec<(Option<i64>, i64, i64, i64)>,
        names: &Names,
        parent: impl Fn(i64) -> (String, String),
    ) -> Vec<UnitTally> {
        rows.into_iter()
            .map(|(k, enterprises, counted, met)| {
                let (name, name_en) = k.and_then(|id| names.get(&id).cloned()).unwrap_or_default();
                let (parent, parent_en) = k.map(&parent).unwrap_or_default();
                UnitTally {
                    name,
                    name_en,
                    parent,
                    parent_en,
                    enterprises,
                    counted,
                    met,
                    percent: percent(met, counted),
                }
            })
            .collect()
    }

    /// The district's compliance in `year` as of `today`, over the active enterprises.
    pub async fn district(
        db: &Db,
        r: &HourRules,
        year: i64,
        today: Day,
    ) -> Result<District, AppError> {
        let (jan1, _) = year_days(year)?;
        let since = since(r, jan1);
        type PlaceRow = (
            i64,
            String,
            Option<String>,
            i64,
            Option<i64>,
            Option<i64>,
            Option<i64>,
        );
        let rows: Vec<PlaceRow> =
            sqlx::query_as("select id, name, credit_code, high_risk, town_id, village_id, sector_id from enterprises where active = 1")
                .fetch_all(&db.pool)
                .await?;
        let places: HashMap<i64, Place> = rows
            .into_iter()
            .map(|(id, name, code, high_risk, town, village, sector)| {
                (
                    id,
                    Place {
                        name,
                        credit_code: code.unwrap_or_default(),
                        high_risk: high_risk == 1,
                        town,
                        village,
                        sector,
                    },
                )
            })
            .collect();
        let mut counts = Counts::new();
        established(db, r, year, since, &mut counts).await?;
        recent(db, r, year, since, today, &mut counts).await?;
        let (towns, villages, sectors) = (
            names(db, "towns").await?,
            names(db, "villages").await?,
            names(db, "sectors").await?,
        );
        let village_town: Vec<(i64, i64)> = sqlx::query_as("select id, town_id from villages")
            .fetch_all(&db.pool)
            .await?;
        let village_town: HashMap<i64, i64> = village_town.into_iter().collect();
        let none = |_| (String::new(), String::new());
        let town_of_village = |v: i64| {
            village_town
                .get(&v)
                .and_then(|t| towns.get(t).cloned())
                .unwrap_or_default()
        };
        let (counted, met) = counts
            .iter()
            .filter(|(id, _)| places.contains_key(id))
            .fold((0, 0), |(n, m), (_, c)| (n + c.0, m + c.1));
        let mut behind: Vec<EnterpriseTally> = counts
            .iter()
            .filter(|(_, c)| c.0 > 0)
            .filter_map(|(id, &(n, m))| places.get(id).map(|p| (p, n, m)))
            .map(|(p, n, m)| {
                let (town, town_en) = p
                    .town
                    .and_then(|t| towns.get(&t).cloned())
                    .unwrap_or_default();
                EnterpriseTally {
                    name: p.name.clone(),
                    credit_code: p.credit_code.clone(),
                    town,
                    town_en,
                    high_risk: p.high_risk,
                    counted: n,
                    met: m,
                    percent: percent(m, n),
                }
            })
            .filter(|e| e.met < e.counted)
            .collect();
        behind.sort_by(|a, b| {
            a.percent
                .cmp(&b.percent)
                .then(b.counted.cmp(&a.counted))
                .then(a.credit_code.cmp(&b.credit_code))
        });
        behind.truncate(BEHIND_LISTED);
        Ok(District {
            year,
            enterprises: places.len() as i64,
            reporting: counts
                .iter()
                .filter(|(id, c)| c.0 > 0 && places.contains_key(id))
                .count() as i64,
            counted,
            met,
            percent: percent(met, counted),
            sectors: units(tally(&places, &counts, |p| p.sector), &sectors, none),
            towns: units(tally(&places, &counts, |p| p.town), &towns, none),
            villages: units(
                tally(&places, &counts, |p| p.village),
                &villages,
                town_of_village,
            ),
            behind,
        })
    }
}
