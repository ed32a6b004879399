//! Certificates on the server: issuing (inside the issuer's own transaction), finding by code,
//! who may print or manage one, revoking and reissuing (audited), and the QR code.
use super::*;
use crate::accounts::{CurrentUser, Role};
use crate::base::audit::{self, Entry};
use crate::base::calendar::Day;
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use serde_json::json;

/// Verifications one client may make per hour (in memory only): plenty for people checking the
/// certificates in front of them, too few to walk the code space.
pub const VERIFY_PER_HOUR: u32 = 300;

/// The certificates' settings: the portal's public address for the QR code (empty: the address
/// the request came to).
#[derive(Clone, Debug, Default)]
pub struct CertificateSettings {
    pub public_url: String,
}

pub fn area(settings: CertificateSettings) -> crate::state::Area {
    crate::state::Area::new().with(settings)
}

/// What an issuer states on a new certificate.
pub struct NewCertificate {
    pub kind: Kind,
    pub source_id: i64,
    pub holder: String,
    pub title: String,
    pub issuer: String,
    pub hours: Option<String>,
    pub issued_on: Day,
    pub valid_until: Option<Day>,
    pub enterprise_id: Option<i64>,
    pub employee_id: Option<i64>,
}

/// Issue a certificate in the caller's transaction; its code (ungrouped).
pub async fn issue(tx: &mut sqlx::Transaction<'static, sqlx::Any>, c: &NewCertificate, user_id: Option<i64>, replaces: Option<i64>, ts: i64) -> Result<String, AppError> {
    let code = crate::base::validate::normal_code(&crate::base::crypto::random_code(CODE_CHARS));
    sqlx::query(
        "insert into certificates (code, kind, source_id, holder, title, issuer, hours, issued_on, valid_until, enterprise_id, \
         employee_id, issued_by, replaces, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&code)
    .bind(c.kind.as_str())
    .bind(c.source_id)
    .bind(&c.holder)
    .bind(&c.title)
    .bind(&c.issuer)
    .bind(c.hours.clone())
    .bind(c.issued_on.0)
    .bind(c.valid_until.map(|d| d.0))
    .bind(c.enterprise_id)
    .bind(c.employee_id)
    .bind(user_id)
    .bind(replaces)
    .bind(ts)
    .execute(&mut **tx)
    .await?;
    Ok(code)
}

/// A stored certificate with what decides who may see and manage it.
pub struct Found {
    pub id: i64,
    pub certificate: Certificate,
    pub source_id: i64,
    pub enterprise_id: Option<i64>,
    pub employee_id: Option<i64>,
    pub valid_until: Option<Day>,
}

type Row = (i64, String, String, i64, String, String, String, Option<String>, i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>);

const COLUMNS: &str = "id, code, kind, source_id, holder, title, issuer, hours, issued_on, valid_until, enterprise_id, employee_id, revoked_at";

fn found(r: Row, today: Day) -> Result<Found, AppError> {
    let kind = Kind::parse(&r.2).ok_or_else(|| AppError::internal("certificate kind", &r.2))?;
    let valid_until = r.9.map(Day);
    let standing = match (r.12, valid_until) {
        (Some(_), _) => Standing::Revoked,
        (None, Some(until)) if until < today => Standing::Expired,
        _ => Standing::Valid,
    };
    Ok(Found {
        id: r.0,
        certificate: Certificate {
            code: grouped(&r.1),
            kind,
            holder: r.4,
            title: r.5,
            issuer: r.6,
            hours: r.7,
            issued_on: Day(r.8).to_string(),
            valid_until: valid_until.map(|d| d.to_string()),
            standing,
            revoked_on: r.12.map(|ts| Day::of_timestamp(ts).to_string()),
        },
        source_id: r.3,
        enterprise_id: r.10,
        employee_id: r.11,
        valid_until,
    })
}

/// The certificate with this (checked, ungrouped) code.
pub async fn find(db: &Db, code: &str) -> Result<Option<Found>, AppError> {
    let row: Option<Row> = sqlx::query_as(&format!("select {COLUMNS} from certificates where code = $1"))
        .bind(code)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| found(r, Day::of_timestamp(now()))).transpose()
}

/// The certificates of one enterprise, newest first (at most `LISTED`).
pub async fn of_enterprise(db: &Db, enterprise_id: i64) -> Result<Vec<Certificate>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "select {COLUMNS} from certificates where enterprise_id = $1 order by created_at desc, id desc limit {LISTED}"
    ))
    .bind(enterprise_id)
    .fetch_all(&db.pool)
    .await?;
    let today = Day::of_timestamp(now());
    rows.into_iter().map(|r| found(r, today).map(|f| f.certificate)).collect()
}

pub const LISTED: i64 = 500;

/// The certificates naming one employee, newest first.
pub async fn of_employee(db: &Db, employee_id: i64) -> Result<Vec<Certificate>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "select {COLUMNS} from certificates where employee_id = $1 order by created_at desc, id desc limit {LISTED}"
    ))
    .bind(employee_id)
    .fetch_all(&db.pool)
    .await?;
    let today = Day::of_timestamp(now());
    rows.into_iter().map(|r| found(r, today).map(|f| f.certificate)).collect()
}

/// (may print it, may revoke or reissue it): the training administrator and the issuing
/// enterprise's safety manager manage it; the holder (an employee account linked to the
/// employee it names) prints it.
pub async fn access(db: &Db, user: &CurrentUser, f: &Found) -> Result<(bool, bool), AppError> {
    match user.role {
        Role::TrainingAdmin => Ok((true, true)),
        Role::EnterpriseManager if f.enterprise_id.is_some() && user.enterprise_id == f.enterprise_id => Ok((true, true)),
        Role::Employee => {
            let Some(employee) = f.employee_id else { return Ok((false, false)) };
            let n: i64 = sqlx::query_scalar("select count(*) from training_employees where id = $1 and user_id = $2")
                .bind(employee)
                .bind(user.id)
                .fetch_one(&db.pool)
                .await?;
            Ok((n == 1, false))
        }
        _ => Ok((false, false)),
    }
}

/// Revoke a standing certificate, with the reason; audited. One already revoked: `conflict`.
pub async fn revoke(db: &Db, user_id: i64, f: &Found, reason: &str) -> Result<(), AppError> {
    let mut e = crate::base::validate::FieldErrors::default();
    let reason = reason.trim();
    e.text("reason", reason, 2, REASON_MAX);
    e.done()?;
    let ts = now();
    let mut tx = db.begin().await?;
    revoke_in(&mut tx, f.id, reason, ts).await?;
    let details = json!({ "certificate": f.id, "reason": reason });
    let entry = Entry { user_id: Some(user_id), action: "certificate_revoked", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(())
}

async fn revoke_in(tx: &mut sqlx::Transaction<'static, sqlx::Any>, id: i64, reason: &str, ts: i64) -> Result<(), AppError> {
    let done = sqlx::query("update certificates set revoked_at = $2, revoked_reason = $3 where id = $1 and revoked_at is null")
        .bind(id)
        .bind(ts)
        .bind(reason)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::field("op", "conflict"));
    }
    Ok(())
}

/// Reissue a certificate under a new code, dated today, with the same statements and the same
/// validity period from today; the old code then reads "revoked". Audited; the new code.
pub async fn reissue(db: &Db, user_id: i64, f: &Found) -> Result<String, AppError> {
    let ts = now();
    let today = Day::of_timestamp(ts);
    let issued = Day::parse(&f.certificate.issued_on).unwrap_or(today);
    let c = &f.certificate;
    let new = NewCertificate {
        kind: c.kind,
        source_id: f.source_id,
        holder: c.holder.clone(),
        title: c.title.clone(),
        issuer: c.issuer.clone(),
        hours: c.hours.clone(),
        issued_on: today,
        valid_until: f.valid_until.map(|until| Day(today.0 + (until.0 - issued.0))),
        enterprise_id: f.enterprise_id,
        employee_id: f.employee_id,
    };
    let mut tx = db.begin().await?;
    revoke_in(&mut tx, f.id, "reissued", ts).await?;
    let code = issue(&mut tx, &new, Some(user_id), Some(f.id), ts).await?;
    let details = json!({ "certificate": f.id });
    let entry = Entry { user_id: Some(user_id), action: "certificate_reissued", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    Ok(code)
}

/// The QR code of `text` as an SVG drawing (no image from anywhere else).
pub fn qr_svg(text: &str) -> Result<String, AppError> {
    qrcode::QrCode::new(text.as_bytes())
        .map(|code| code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(160, 160).quiet_zone(true).build())
        // Drawn inside an HTML page: the XML declaration has no place there.
        .map(|svg| svg.find("<svg").map(|i| svg[i..].to_string()).unwrap_or(svg))
        .map_err(|e| AppError::internal("qr code", e))
}

/// The public address of the verification page for `code` (as printed: grouped).
pub fn verify_url(settings: &CertificateSettings, code: &str) -> String {
    let base = if settings.public_url.trim().is_empty() {
        let host = leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|p| p.headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).map(str::to_string))
            .filter(|h| h.chars().all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c)))
            .unwrap_or_else(|| "localhost".into());
        format!("http://{host}")
    } else {
        settings.public_url.trim().trim_end_matches('/').to_string()
    };
    format!("{base}/verify?code={code}")
}
