//! Case storage every area shares (server only): who may see which case, and the reporter's
//! sealed identity.
use crate::accounts::{CurrentUser, Role};
use crate::base::crypto::DataKey;
use crate::base::db::Db;
use crate::base::errors::AppError;
use serde::{Deserialize, Serialize};

/// Which reports a user may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Department(i64),
}

pub fn scope(user: &CurrentUser) -> Result<Scope, AppError> {
    match user.role {
        Role::IntakeOfficer | Role::RewardOfficer => Ok(Scope::All),
        Role::DepartmentHandler => user.department_id.map(Scope::Department).ok_or(AppError::Forbidden),
        _ => Err(AppError::Forbidden),
    }
}

/// The report id behind a case number, if the user's scope covers it: 404 for an unknown
/// number and, alike, for another department's case.
pub async fn case_id(db: &Db, user: &CurrentUser, case_number: &str) -> Result<i64, AppError> {
    let sc = scope(user)?;
    let n = crate::cases::normalize_code(case_number);
    if !crate::cases::is_case_number(&n) {
        return Err(AppError::NotFound);
    }
    let id: i64 = sqlx::query_scalar("select id from reports where case_number = $1")
        .bind(&n)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    in_scope(db, sc, id).await?;
    Ok(id)
}

pub async fn in_scope(db: &Db, sc: Scope, report_id: i64) -> Result<(), AppError> {
    if let Scope::Department(d) = sc {
        let n: i64 =
            sqlx::query_scalar("select count(*) from report_departments where report_id = $1 and department_id = $2")
                .bind(report_id)
                .bind(d)
                .fetch_one(&db.pool)
                .await?;
        if n == 0 {
            // "Not yours" answers like "does not exist": a handler learns nothing about other
            // departments' case numbers.
            return Err(AppError::NotFound);
        }
    }
    Ok(())
}

/// A real-name reporter's identity, stored sealed with the data key (`report_identities`).
#[derive(Serialize, Deserialize)]
pub struct SealedIdentity {
    pub name: String,
    pub phone: String,
    pub joint_reporters: String,
}

/// What an identity's ciphertext is bound to: its report.
pub fn identity_context(report_id: i64) -> String {
    format!("report_identities:{report_id}")
}

/// What an attachment's ciphertext is bound to: its report and content digest.
pub fn attachment_context(report_id: i64, sha256: &str) -> String {
    format!("attachments:{report_id}:{sha256}")
}

/// Decrypt a real-name report's identity (staff side; every call must be logged by the caller).
pub fn open_identity(key: &DataKey, report_id: i64, sealed: &str) -> Result<(String, String, String), AppError> {
    let plain = key.decrypt(sealed, &identity_context(report_id)).map_err(|e| AppError::internal("identity", e))?;
    let id: SealedIdentity = serde_json::from_slice(&plain).map_err(|e| AppError::internal("identity", e))?;
    Ok((id.name, id.phone, id.joint_reporters))
}

/// A transaction on the shared pool (`Db::begin`).
pub type Tx<'c> = sqlx::Transaction<'c, sqlx::Any>;

/// Add an entry to the case's timeline, the history both the reporter and staff see.
pub async fn event(tx: &mut Tx<'_>, report_id: i64, kind: &str, code: Option<&str>, note: Option<&str>, ts: i64) -> Result<(), AppError> {
    sqlx::query("insert into report_events (report_id, kind, code, note, created_at) values ($1, $2, $3, $4, $5)")
        .bind(report_id)
        .bind(kind)
        .bind(code)
        .bind(note)
        .bind(ts)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Run a conditional statement; anything but exactly one changed row means another action got
/// there first (or the state changed): refuse ("conflict") and let the caller roll back.
pub async fn exactly_one<'q>(
    tx: &mut Tx<'_>,
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> Result<(), AppError> {
    let done = q.execute(&mut **tx).await?;
    if done.rows_affected() != 1 {
        return Err(AppError::field("op", "conflict"));
    }
    Ok(())
}

/// A change the clock makes to cases (no one acts): which cases it applies to, the conditional
/// UPDATE that makes it (`$1` the case, `$2` the time; it repeats the selection's condition, so
/// a case changed meanwhile is left alone), and the timeline and audit entries it leaves.
pub struct TimedChange {
    /// Selects the ids of the cases due (`$1` the time).
    pub due: &'static str,
    pub update: &'static str,
    pub event: &'static str,
    pub action: &'static str,
    pub reason: Option<&'static str>,
}

/// Apply a timed change to every case due at `t`, each in its own transaction with its timeline
/// and audit entries; returns how many changed. Idempotent (run by the periodic jobs).
pub async fn apply_timed(db: &Db, change: &TimedChange, t: i64) -> Result<i64, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(change.due).bind(t).fetch_all(&db.pool).await?;
    let mut changed = 0;
    for id in ids {
        let mut tx = db.begin().await?;
        if sqlx::query(change.update).bind(id).bind(t).execute(&mut *tx).await?.rows_affected() == 1 {
            event(&mut tx, id, change.event, None, None, t).await?;
            let entry = crate::base::audit::Entry {
                user_id: None,
                action: change.action,
                report_id: Some(id),
                reason: change.reason,
                details: "{}".into(),
            };
            crate::base::audit::append(db, &mut tx, entry, t).await?;
            changed += 1;
        }
        tx.commit().await?;
    }
    Ok(changed)
}

/// `updated_at` moved to `$2` but never back (a reporter's times are rounded to the day, so an
/// earlier staff change may carry a later time).
pub const TOUCH_UPDATED: &str = "updated_at = case when updated_at > $2 then updated_at else $2 end";

/// What an operation adds to the audit log besides who, what and when: the reason given and the
/// details (JSON) a reviewer needs.
#[derive(Debug, Default)]
pub struct Logged {
    pub reason: Option<String>,
    pub details: serde_json::Value,
}

impl Logged {
    pub fn details(details: serde_json::Value) -> Logged {
        Logged { reason: None, details }
    }
    pub fn because(reason: impl Into<String>, details: serde_json::Value) -> Logged {
        Logged { reason: Some(reason.into()), details }
    }
}

/// A case status is stored as its code (`reports.status`); reading an unknown code is an error,
/// not a silent default.
impl sqlx::Type<sqlx::Any> for super::Status {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <String as sqlx::Type<sqlx::Any>>::type_info()
    }
    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <String as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for super::Status {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let code = <String as sqlx::Decode<'r, sqlx::Any>>::decode(value)?;
        super::Status::parse(&code).ok_or_else(|| format!("unknown case status {code:?}").into())
    }
}

impl<'q> sqlx::Encode<'q, sqlx::Any> for super::Status {
    fn encode_by_ref(
        &self,
        buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        let code: &'q str = self.as_str();
        <&'q str as sqlx::Encode<'q, sqlx::Any>>::encode_by_ref(&code, buf)
    }
}
