//! The admin's routing table and holiday calendar, and the audit page.
use super::*;

pub async fn routing_table(db: &Db) -> Result<RoutingTable, AppError> {
    type Row = (i64, String, String, String, Option<String>, Option<String>, Option<String>, String, String, String);
    let rows: Vec<Row> = sqlx::query_as(
        "select r.id, s.code, s.name_zh, s.name_en, t.code, t.name_zh, t.name_en, d.code, d.name_zh, d.name_en \
         from routing_rules r join sectors s on s.id = r.sector_id left join towns t on t.id = r.town_id \
         join departments d on d.id = r.lead_department_id order by s.sort_order, s.id, r.town_id is not null, t.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let coop: Vec<(i64, String, String, String)> = sqlx::query_as(
        "select c.rule_id, d.code, d.name_zh, d.name_en from routing_cooperators c join departments d on d.id = c.department_id \
         order by d.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let rules = rows
        .into_iter()
        .map(|r| RoutingRule {
            id: r.0,
            sector: Choice { code: r.1, name_zh: r.2, name_en: r.3 },
            town: r.4.map(|code| Choice { code, name_zh: r.5.unwrap_or_default(), name_en: r.6.unwrap_or_default() }),
            lead: Choice { code: r.7, name_zh: r.8, name_en: r.9 },
            cooperating: coop
                .iter()
                .filter(|c| c.0 == r.0)
                .map(|c| Choice { code: c.1.clone(), name_zh: c.2.clone(), name_en: c.3.clone() })
                .collect(),
        })
        .collect();
    Ok(RoutingTable { rules, sectors: crate::org::ssr::all_choices(db, "sectors").await?, towns: crate::org::ssr::all_choices(db, "towns").await?, departments: crate::org::ssr::departments(db).await? })
}

/// Add or replace the rule for a sector (and town, or any town when empty).
pub async fn save_rule(
    db: &Db,
    user_id: Option<i64>,
    sector: &str,
    town: &str,
    lead: &str,
    cooperating: &[String],
) -> Result<(), AppError> {
    let mut e = FieldErrors::default();
    let sector_id: Option<i64> =
        sqlx::query_scalar("select id from sectors where code = $1").bind(sector.trim()).fetch_optional(&db.pool).await?;
    if sector_id.is_none() {
        e.push("sector", "required");
    }
    let town_id: Option<i64> = if town.trim().is_empty() {
        None
    } else {
        let t = sqlx::query_scalar("select id from towns where code = $1").bind(town.trim()).fetch_optional(&db.pool).await?;
        if t.is_none() {
            e.push("town", "town_unknown");
        }
        t
    };
    let mut conn = db.pool.acquire().await?;
    let lead_id = department_id(&mut conn, lead).await?.map(|d| d.id);
    if lead_id.is_none() {
        e.push("lead", "sector_needs_department");
    }
    let mut coop = Vec::new();
    for c in cooperating {
        match department_id(&mut conn, c).await?.map(|d| d.id) {
            Some(cid) if Some(cid) == lead_id => e.push("cooperating", "lead_also_cooperating"),
            Some(cid) => coop.push(cid),
            None => e.push("cooperating", "department_unknown"),
        }
    }
    drop(conn);
    coop.sort();
    coop.dedup();
    e.done()?;
    let (sector_id, lead_id) = (sector_id.unwrap_or_default(), lead_id.unwrap_or_default());
    let ts = now();
    let mut tx = db.begin().await?;
    let old: Option<i64> = sqlx::query_scalar(
        "select id from routing_rules where sector_id = $1 and ((town_id is null and $2 = 0) or town_id = $2)",
    )
    .bind(sector_id)
    .bind(town_id.unwrap_or(0))
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(old) = old {
        sqlx::query("delete from routing_cooperators where rule_id = $1").bind(old).execute(&mut *tx).await?;
        sqlx::query("delete from routing_rules where id = $1").bind(old).execute(&mut *tx).await?;
    }
    let rule_id: i64 = sqlx::query_scalar(
        "insert into routing_rules (sector_id, town_id, lead_department_id, updated_at) values ($1, $2, $3, $4) returning id",
    )
    .bind(sector_id)
    .bind(town_id)
    .bind(lead_id)
    .bind(ts)
    .fetch_one(&mut *tx)
    .await?;
    for cid in &coop {
        sqlx::query("insert into routing_cooperators (rule_id, department_id) values ($1, $2)")
            .bind(rule_id)
            .bind(cid)
            .execute(&mut *tx)
            .await?;
    }
    audit::append(
        db,
        &mut tx,
        Entry {
            user_id,
            action: "routing_rule_saved",
            report_id: None,
            reason: None,
            details: json!({ "sector": sector.trim(), "town": town.trim(), "lead": lead.trim(), "cooperating": cooperating }).to_string(),
        },
        ts,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Delete a rule; a sector's any-town rule cannot go (the sector would have no department).
pub async fn delete_rule(db: &Db, user_id: i64, rule_id: i64) -> Result<(), AppError> {
    let r: Option<(Option<i64>, String)> = sqlx::query_as(
        "select r.town_id, s.code from routing_rules r join sectors s on s.id = r.sector_id where r.id = $1",
    )
    .bind(rule_id)
    .fetch_optional(&db.pool)
    .await?;
    let (town, sector) = r.ok_or(AppError::NotFound)?;
    if town.is_none() {
        return Err(AppError::field("rule", "sector_needs_department"));
    }
    let ts = now();
    let mut tx = db.begin().await?;
    sqlx::query("delete from routing_cooperators where rule_id = $1").bind(rule_id).execute(&mut *tx).await?;
    sqlx::query("delete from routing_rules where id = $1").bind(rule_id).execute(&mut *tx).await?;
    audit::append(
        db,
        &mut tx,
        Entry { user_id: Some(user_id), action: "routing_rule_deleted", report_id: None, reason: None, details: json!({ "sector": sector, "rule": rule_id }).to_string() },
        ts,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn holidays(db: &Db) -> Result<Vec<HolidayRow>, AppError> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("select day, kind, name from holidays order by day desc").fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(|(day, kind, name)| HolidayRow { day, kind, name }).collect())
}

pub async fn save_holiday(db: &Db, user_id: i64, day: &str, kind: &str, name: &str) -> Result<(), AppError> {
    let mut e = FieldErrors::default();
    let d = Day::parse(day);
    match d {
        None => e.push("day", "date_invalid"),
        Some(d) if !(2000..=2100).contains(&d.ymd().0) => e.push("day", "date_out_of_range"),
        Some(d) if kind == "work" && !d.is_weekend() => e.push("kind", "workday_on_weekday"),
        _ => {}
    }
    if !["off", "work"].contains(&kind) {
        e.push("kind", "required");
    }
    e.text("name", name, 1, 50);
    e.done()?;
    let day = d.map(|d| d.to_string()).unwrap_or_default();
    let ts = now();
    let mut tx = db.begin().await?;
    sqlx::query("delete from holidays where day = $1").bind(&day).execute(&mut *tx).await?;
    sqlx::query("insert into holidays (day, kind, name) values ($1, $2, $3)")
        .bind(&day)
        .bind(kind)
        .bind(name.trim())
        .execute(&mut *tx)
        .await?;
    audit::append(db, &mut tx, Entry { user_id: Some(user_id), action: "holiday_saved", report_id: None, reason: None, details: json!({ "day": day, "kind": kind, "name": name.trim() }).to_string() }, ts).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_holiday(db: &Db, user_id: i64, day: &str) -> Result<(), AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let done = sqlx::query("delete from holidays where day = $1").bind(day.trim()).execute(&mut *tx).await?;
    if done.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    audit::append(db, &mut tx, Entry { user_id: Some(user_id), action: "holiday_deleted", report_id: None, reason: None, details: json!({ "day": day.trim() }).to_string() }, ts).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn audit_page(db: &Db, case_number: &str) -> Result<AuditPage, AppError> {
    let report_id = if case_number.trim().is_empty() {
        None
    } else {
        let n = crate::cases::normalize_code(case_number);
        Some(
            sqlx::query_scalar("select id from reports where case_number = $1")
                .bind(&n)
                .fetch_optional(&db.pool)
                .await?
                .ok_or(AppError::NotFound)?,
        )
    };
    let total: i64 = sqlx::query_scalar("select count(*) from audit_log").fetch_one(&db.pool).await?;
    Ok(AuditPage { entries: history(db, report_id, 300).await?, total, chain: audit::verify(db).await? })
}
