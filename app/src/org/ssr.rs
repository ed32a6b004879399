//! Storage of the organisation data (server only): the lists forms choose from, and the admin's
//! edits with their checks and audit entries.
use super::*;
use crate::base::db::{now, Db};
use crate::base::audit::{self, Entry};
use crate::base::errors::{AppError, FieldError};
use serde_json::json;

/// Case statuses in which a department is handling a case, as an SQL list. `cases::Status`
/// lives a layer above; its test checks this copy (`cases::sql_list(&Status::HANDLING)`).
pub const HANDLING_SQL: &str = "('accepted', 'verifying', 'extended')";

/// The organisation area: the cache of choices (departments, towns, sectors) forms offer.
pub fn area() -> crate::state::Area {
    crate::state::Area::new().with(ChoiceCache::default())
}

pub async fn org(db: &Db) -> Result<OrgData, AppError> {
    type D = (String, String, String, Option<String>, i64, i64, i64);
    let deps: Vec<D> = sqlx::query_as(&format!(
        "select d.code, d.name_zh, d.name_en, t.code, d.active, \
         (select count(*) from reports r where r.lead_department_id = d.id and r.status in {HANDLING_SQL}), \
         (select count(*) from users u where u.department_id = d.id and u.active = 1) \
         from departments d left join towns t on t.id = d.town_id order by d.town_id is not null, d.id"
    ))
    .fetch_all(&db.pool)
    .await?;
    let towns: Vec<(String, String, String, String, i64, i64)> = sqlx::query_as(
        "select t.code, t.name_zh, t.name_en, t.kind, t.active, (select count(*) from reports r where r.town_id = t.id) \
         from towns t order by t.id",
    )
    .fetch_all(&db.pool)
    .await?;
    type V = (String, String, String, String, String, i64, i64);
    let villages: Vec<V> = sqlx::query_as(
        "select v.code, v.name_zh, v.name_en, t.code, v.kind, v.active, \
         (select count(*) from enterprises e where e.village_id = v.id and e.active = 1) \
         from villages v join towns t on t.id = v.town_id order by t.id, v.code",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(OrgData {
        villages: villages
            .into_iter()
            .map(|v| OrgVillage { code: v.0, name_zh: v.1, name_en: v.2, town: v.3, kind: v.4, active: v.5 == 1, enterprises: v.6 })
            .collect(),
        enterprises: enterprises(db, "").await?,
        sectors: all_choices(db, "sectors").await?,
        departments: deps
            .into_iter()
            .map(|d| OrgDepartment {
                code: d.0,
                name_zh: d.1,
                name_en: d.2,
                town: d.3,
                active: d.4 == 1,
                open_cases: d.5,
                users: d.6,
            })
            .collect(),
        towns: towns
            .into_iter()
            .map(|t| OrgTown { code: t.0, name_zh: t.1, name_en: t.2, kind: t.3, active: t.4 == 1, reports: t.5 })
            .collect(),
    })
}

/// What an enterprise's form offers: every town/street, village/community and sector.
pub async fn enterprise_choices(db: &Db) -> Result<EnterpriseChoices, AppError> {
    let villages: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "select v.code, t.name_zh, v.name_zh, t.name_en, v.name_en from villages v join towns t on t.id = v.town_id order by t.id, v.code",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(EnterpriseChoices {
        towns: all_choices(db, "towns").await?,
        villages: villages
            .into_iter()
            .map(|(code, tz, vz, te, ve)| Choice { code, name_zh: format!("{tz} · {vz}"), name_en: format!("{te} · {ve}") })
            .collect(),
        sectors: all_choices(db, "sectors").await?,
    })
}

/// (id, credit code, name, town, village, sector, employees, active, active accounts, high risk)
type EnterpriseRow = (i64, String, String, Option<String>, Option<String>, Option<String>, i64, i64, i64, i64);

const ENTERPRISE_SELECT: &str = "select e.id, e.credit_code, e.name, t.code, v.code, s.code, e.employees, e.active, \
     (select count(*) from users u where u.enterprise_id = e.id and u.active = 1), e.high_risk \
     from enterprises e left join towns t on t.id = e.town_id left join villages v on v.id = e.village_id \
     left join sectors s on s.id = e.sector_id where e.credit_code is not null";

fn enterprise_of(e: EnterpriseRow) -> (i64, OrgEnterprise) {
    let enterprise = OrgEnterprise {
        credit_code: e.1,
        name: e.2,
        town: e.3,
        village: e.4,
        sector: e.5,
        employees: e.6,
        active: e.7 == 1,
        users: e.8,
        high_risk: e.9 == 1,
    };
    (e.0, enterprise)
}

/// The enterprises (by name), or those whose name or credit code contains `search`.
pub async fn enterprises(db: &Db, search: &str) -> Result<Vec<OrgEnterprise>, AppError> {
    let pattern = format!("%{}%", search.trim().replace(['%', '_', '\\'], ""));
    let sql = format!("{ENTERPRISE_SELECT} and (e.name like $1 or e.credit_code like $2) order by e.name, e.id");
    let rows: Vec<EnterpriseRow> = sqlx::query_as(&sql).bind(&pattern).bind(pattern.to_uppercase()).fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(|e| enterprise_of(e).1).collect())
}

/// The enterprise with this credit code (as stored: upper case), with its id.
pub async fn enterprise_by_code(db: &Db, code: &str) -> Result<Option<(i64, OrgEnterprise)>, AppError> {
    let sql = format!("{ENTERPRISE_SELECT} and e.credit_code = $1");
    let row: Option<EnterpriseRow> = sqlx::query_as(&sql).bind(code).fetch_optional(&db.pool).await?;
    Ok(row.map(enterprise_of))
}

fn check_names(errs: &mut Vec<FieldError>, code: &str, name_zh: &str, name_en: &str) {
    if !valid_code(code) {
        errs.push(FieldError { field: "code".into(), code: "code_invalid".into() });
    }
    crate::base::validate::check_text(errs, "name_zh", name_zh, 2, 40);
    crate::base::validate::check_text(errs, "name_en", name_en, 2, 80);
}

fn done(errs: Vec<FieldError>) -> Result<(), AppError> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errs))
    }
}

/// The id of the town or sector (`table`) a form names by code. An unknown code (or a missing
/// one, when `required`) adds the error `<field>_unknown`; an empty optional one is `None`.
async fn id_of(
    db: &Db,
    errs: &mut Vec<FieldError>,
    table: &'static str,
    field: &str,
    code: &str,
    required: bool,
) -> Result<Option<i64>, AppError> {
    let code = code.trim();
    if code.is_empty() && !required {
        return Ok(None);
    }
    let id: Option<i64> =
        sqlx::query_scalar(&format!("select id from {table} where code = $1")).bind(code).fetch_optional(&db.pool).await?;
    if id.is_none() {
        errs.push(FieldError { field: field.into(), code: format!("{field}_unknown") });
    }
    Ok(id)
}

/// Add a department or change an existing one (by code).
pub async fn save_department(
    db: &Db,
    user_id: i64,
    code: &str,
    name_zh: &str,
    name_en: &str,
    town: &str,
    active: bool,
) -> Result<(), AppError> {
    let code = code.trim().to_uppercase();
    let mut errs = Vec::new();
    check_names(&mut errs, &code, name_zh, name_en);
    let town_id = id_of(db, &mut errs, "towns", "town", town, false).await?;
    let existing: Option<i64> =
        sqlx::query_scalar("select id from departments where code = $1").bind(&code).fetch_optional(&db.pool).await?;
    if let (Some(id), false) = (existing, active) {
        let in_rules: i64 = sqlx::query_scalar(
            "select count(*) from routing_rules r where r.lead_department_id = $1 \
             or exists (select 1 from routing_cooperators c where c.rule_id = r.id and c.department_id = $1)",
        )
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
        if in_rules > 0 {
            errs.push(FieldError { field: "active".into(), code: "department_in_routing".into() });
        }
        let open: i64 = sqlx::query_scalar(&format!(
            "select count(*) from report_departments rd join reports r on r.id = rd.report_id \
             where rd.department_id = $1 and r.status in {HANDLING_SQL}"
        ))
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
        if open > 0 {
            errs.push(FieldError { field: "active".into(), code: "department_has_open_cases".into() });
        }
    }
    done(errs)?;
    let row = Row { table: "departments", code: &code, name_zh, name_en, extras: vec![("town_id", Extra::Id(town_id))], active };
    let details = json!({ "code": code, "name_zh": name_zh.trim(), "name_en": name_en.trim(), "town": town.trim(),
        "active": active, "new": existing.is_none() });
    write(db, user_id, existing, row, "department_saved", details).await
}

/// Add a town/street or change an existing one (by code).
pub async fn save_town(
    db: &Db,
    user_id: i64,
    code: &str,
    name_zh: &str,
    name_en: &str,
    kind: &str,
    active: bool,
) -> Result<(), AppError> {
    let code = code.trim().to_uppercase();
    let mut errs = Vec::new();
    check_names(&mut errs, &code, name_zh, name_en);
    if !["town", "street"].contains(&kind) {
        errs.push(FieldError { field: "kind".into(), code: "required".into() });
    }
    let existing: Option<i64> =
        sqlx::query_scalar("select id from towns where code = $1").bind(&code).fetch_optional(&db.pool).await?;
    if let (Some(id), false) = (existing, active) {
        let rules: i64 = sqlx::query_scalar("select count(*) from routing_rules where town_id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
        if rules > 0 {
            errs.push(FieldError { field: "active".into(), code: "town_in_routing".into() });
        }
    }
    done(errs)?;
    let row = Row { table: "towns", code: &code, name_zh, name_en, extras: vec![("kind", Extra::Text(kind))], active };
    let details = json!({ "code": code, "name_zh": name_zh.trim(), "name_en": name_en.trim(), "kind": kind,
        "active": active, "new": existing.is_none() });
    write(db, user_id, existing, row, "town_saved", details).await
}

/// Add a village/community or change an existing one (by code).
#[allow(clippy::too_many_arguments)]
pub async fn save_village(
    db: &Db,
    user_id: i64,
    code: &str,
    name_zh: &str,
    name_en: &str,
    town: &str,
    kind: &str,
    active: bool,
) -> Result<(), AppError> {
    let code = code.trim().to_uppercase();
    let mut errs = Vec::new();
    check_names(&mut errs, &code, name_zh, name_en);
    if !["village", "community"].contains(&kind) {
        errs.push(FieldError { field: "kind".into(), code: "required".into() });
    }
    let town_id = id_of(db, &mut errs, "towns", "town", town, true).await?;
    let existing: Option<i64> =
        sqlx::query_scalar("select id from villages where code = $1").bind(&code).fetch_optional(&db.pool).await?;
    if let Some(id) = existing {
        let in_use: i64 = sqlx::query_scalar("select count(*) from enterprises where village_id = $1 and active = 1")
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
        if in_use > 0 && !active {
            errs.push(FieldError { field: "active".into(), code: "village_has_enterprises".into() });
        }
        // Its enterprises are placed in its town too: moving it would contradict them.
        let moved: i64 = sqlx::query_scalar(
            "select count(*) from enterprises e join villages v on v.id = e.village_id where v.id = $1 and e.town_id <> $2",
        )
        .bind(id)
        .bind(town_id.unwrap_or_default())
        .fetch_one(&db.pool)
        .await?;
        if moved > 0 {
            errs.push(FieldError { field: "town".into(), code: "village_has_enterprises".into() });
        }
    }
    done(errs)?;
    let extras = vec![("town_id", Extra::Id(town_id)), ("kind", Extra::Text(kind))];
    let row = Row { table: "villages", code: &code, name_zh, name_en, extras, active };
    let details = json!({ "code": code, "name_zh": name_zh.trim(), "name_en": name_en.trim(), "town": town.trim(),
        "kind": kind, "active": active, "new": existing.is_none() });
    write(db, user_id, existing, row, "village_saved", details).await
}

/// What an enterprise's form carries.
pub struct EnterpriseInput<'a> {
    pub credit_code: &'a str,
    pub name: &'a str,
    pub town: &'a str,
    pub village: &'a str,
    pub sector: &'a str,
    pub employees: &'a str,
    pub high_risk: bool,
    pub active: bool,
}

/// Add an enterprise or change an existing one (by its unified social credit code, fixed once
/// created). Its village/community, if given, must lie in its town/street.
pub async fn save_enterprise(db: &Db, user_id: i64, e: &EnterpriseInput<'_>) -> Result<(), AppError> {
    let credit_code = e.credit_code.trim().to_uppercase();
    let mut errs = Vec::new();
    let existing: Option<i64> =
        sqlx::query_scalar("select id from enterprises where credit_code = $1").bind(&credit_code).fetch_optional(&db.pool).await?;
    if existing.is_none() && !super::valid_credit_code(&credit_code) {
        errs.push(FieldError { field: "credit_code".into(), code: "credit_code_invalid".into() });
    }
    crate::base::validate::check_text(&mut errs, "name", e.name, 2, 100);
    let town_id = id_of(db, &mut errs, "towns", "town", e.town, true).await?;
    let village_id: Option<i64> = if e.village.trim().is_empty() {
        None
    } else {
        let v: Option<(i64, i64)> = sqlx::query_as("select id, town_id from villages where code = $1")
            .bind(e.village.trim())
            .fetch_optional(&db.pool)
            .await?;
        match v {
            None => errs.push(FieldError { field: "village".into(), code: "village_unknown".into() }),
            Some((_, vt)) if Some(vt) != town_id && town_id.is_some() => {
                errs.push(FieldError { field: "village".into(), code: "village_not_in_town".into() })
            }
            _ => {}
        }
        v.map(|v| v.0)
    };
    let sector_id = id_of(db, &mut errs, "sectors", "sector", e.sector, false).await?;
    let employees = match e.employees.trim().parse::<i64>() {
        Ok(n) if (0..=super::EMPLOYEES_MAX).contains(&n) => n,
        _ => {
            errs.push(FieldError { field: "employees".into(), code: "employees_range".into() });
            0
        }
    };
    if let (Some(id), false) = (existing, e.active) {
        let users: i64 = sqlx::query_scalar("select count(*) from users where enterprise_id = $1 and active = 1")
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
        if users > 0 {
            errs.push(FieldError { field: "active".into(), code: "enterprise_has_users".into() });
        }
    }
    done(errs)?;
    let ts = now();
    let sql = match existing {
        Some(_) => "update enterprises set name = $1, town_id = $2, village_id = $3, sector_id = $4, employees = $5, \
                    active = $6, high_risk = $7 where id = $8",
        None => "insert into enterprises (name, town_id, village_id, sector_id, employees, active, high_risk, credit_code, created_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    };
    let q = sqlx::query(sql)
        .bind(e.name.trim())
        .bind(town_id)
        .bind(village_id)
        .bind(sector_id)
        .bind(employees)
        .bind(i64::from(e.active))
        .bind(i64::from(e.high_risk));
    let q = match existing {
        Some(id) => q.bind(id),
        None => q.bind(&credit_code).bind(ts),
    };
    let details = json!({ "credit_code": credit_code, "name": e.name.trim(), "town": e.town.trim(), "village": e.village.trim(),
        "sector": e.sector.trim(), "employees": employees, "high_risk": e.high_risk, "active": e.active, "new": existing.is_none() });
    let mut tx = db.begin().await?;
    q.execute(&mut *tx).await?;
    let entry = Entry { user_id: Some(user_id), action: "enterprise_saved", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(())
}

/// A column a department, town or village has beyond its code, names and active flag.
enum Extra<'a> {
    Id(Option<i64>),
    Text(&'a str),
}

struct Row<'a> {
    table: &'static str,
    code: &'a str,
    name_zh: &'a str,
    name_en: &'a str,
    extras: Vec<(&'static str, Extra<'a>)>,
    active: bool,
}

/// Insert the row (or update the existing one) and log the change in the same transaction.
async fn write(
    db: &Db,
    user_id: i64,
    existing: Option<i64>,
    row: Row<'_>,
    action: &'static str,
    details: serde_json::Value,
) -> Result<(), AppError> {
    let table = row.table;
    let ts = now();
    // $1, $2 the names, then one parameter per extra column, the active flag, and the id (update)
    // or the code and creation time (insert).
    let n = row.extras.len();
    let cols: Vec<&str> = row.extras.iter().map(|e| e.0).collect();
    let sql = match existing {
        Some(_) => {
            let sets: Vec<String> = cols.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 3)).collect();
            format!("update {table} set name_zh = $1, name_en = $2, {}, active = ${} where id = ${}", sets.join(", "), n + 3, n + 4)
        }
        None => {
            let params: Vec<String> = (1..n + 6).map(|i| format!("${i}")).collect();
            format!("insert into {table} (name_zh, name_en, {}, active, code, created_at) values ({})", cols.join(", "), params.join(", "))
        }
    };
    let mut q = sqlx::query(&sql).bind(row.name_zh.trim()).bind(row.name_en.trim());
    for (_, extra) in row.extras {
        q = match extra {
            Extra::Id(id) => q.bind(id),
            Extra::Text(text) => q.bind(text),
        };
    }
    let q = q.bind(i64::from(row.active));
    let q = match existing {
        Some(id) => q.bind(id),
        None => q.bind(row.code).bind(ts),
    };
    let mut tx = db.begin().await?;
    q.execute(&mut *tx).await?;
    let entry = Entry { user_id: Some(user_id), action, report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn sectors(db: &Db) -> Result<Vec<Choice>, AppError> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("select code, name_zh, name_en from sectors where active = 1 order by sort_order, id")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().map(|(code, name_zh, name_en)| Choice { code, name_zh, name_en }).collect())
}

pub async fn towns(db: &Db) -> Result<Vec<Choice>, AppError> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("select code, name_zh, name_en from towns where active = 1 order by code").fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(|(code, name_zh, name_en)| Choice { code, name_zh, name_en }).collect())
}

/// Every sector or town/street, retired ones included (staff filters and tables).
pub async fn all_choices(db: &Db, table: &str) -> Result<Vec<Choice>, AppError> {
    let order = if table == "sectors" { "sort_order, id" } else { "id" };
    let rows: Vec<(String, String, String)> =
        sqlx::query_as(&format!("select code, name_zh, name_en from {table} where 1 = 1 order by {order}"))
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().map(|(code, name_zh, name_en)| Choice { code, name_zh, name_en }).collect())
}

pub async fn departments(db: &Db) -> Result<Vec<Choice>, AppError> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("select code, name_zh, name_en from departments where active = 1 order by id")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().map(|(code, name_zh, name_en)| Choice { code, name_zh, name_en }).collect())
}

/// The report form's choice lists (sectors, towns/streets), kept in memory: every visitor of the
/// form needs them and they change a few times a year. A change through the organisation page
/// clears the cache at once; other server instances (PostgreSQL deployments) see it after at most
/// `CHOICES_TTL`.
#[derive(Default)]
pub struct ChoiceCache {
    held: std::sync::RwLock<Option<(std::time::Instant, std::sync::Arc<FormChoices>)>>,
    /// Counts the changes made here, for what keeps pages showing the choices (the server's
    /// page cache) to know when its copy is out of date.
    generation: std::sync::atomic::AtomicU64,
}

pub struct FormChoices {
    pub sectors: Vec<Choice>,
    pub towns: Vec<Choice>,
}

const CHOICES_TTL: std::time::Duration = std::time::Duration::from_secs(60);

impl std::fmt::Debug for ChoiceCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChoiceCache(…)")
    }
}

impl ChoiceCache {
    pub async fn get(&self, db: &Db) -> Result<std::sync::Arc<FormChoices>, AppError> {
        if let Ok(held) = self.held.read() {
            if let Some((at, choices)) = held.as_ref() {
                if at.elapsed() < CHOICES_TTL {
                    return Ok(choices.clone());
                }
            }
        }
        let fresh = std::sync::Arc::new(FormChoices { sectors: sectors(db).await?, towns: towns(db).await? });
        if let Ok(mut held) = self.held.write() {
            *held = Some((std::time::Instant::now(), fresh.clone()));
        }
        Ok(fresh)
    }

    pub fn invalidate(&self) {
        if let Ok(mut held) = self.held.write() {
            *held = None;
        }
        self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// A number that changes each time the choices were changed through this server.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }
}
