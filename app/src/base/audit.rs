//! The append-only audit log. Each row's hash covers its own fields and the previous row's
//! hash, so editing or deleting a row breaks the chain from there on; triggers refuse UPDATE and
//! DELETE, and `verify` names the first row that does not match. The hash is an HMAC under a key
//! derived from the data key: someone who can write to the database but does not hold the data
//! key cannot rewrite the chain to match, and `head` gives the last row's hash for a record kept
//! outside the database (truncating the log then shows too).
use crate::base::crypto::DataKey;
use crate::base::db::{Backend, Db};
use crate::base::errors::AppError;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry to append. `details` is short JSON without any reporter identity.
pub struct Entry<'a> {
    pub user_id: Option<i64>,
    pub action: &'a str,
    pub report_id: Option<i64>,
    pub reason: Option<&'a str>,
    pub details: String,
}

fn key_of(db: &Db) -> Result<&DataKey, AppError> {
    db.audit_key.as_deref().ok_or_else(|| AppError::internal("audit", "the audit chain needs the data key"))
}

#[allow(clippy::too_many_arguments)]
fn row_hash(
    key: &DataKey,
    seq: i64,
    at: i64,
    user_id: Option<i64>,
    action: &str,
    report_id: Option<i64>,
    reason: Option<&str>,
    details: &str,
    prev: &str,
) -> String {
    let parts = [
        seq.to_string(),
        at.to_string(),
        user_id.map(|v| v.to_string()).unwrap_or_default(),
        action.to_string(),
        report_id.map(|v| v.to_string()).unwrap_or_default(),
        reason.map(|r| format!("+{r}")).unwrap_or_default(),
        details.to_string(),
        prev.to_string(),
    ];
    // Length-prefixed fields: no two different rows serialise to the same bytes.
    hex::encode(key.audit_mac(|update| {
        for part in &parts {
            update(&(part.len() as u64).to_be_bytes());
            update(part.as_bytes());
        }
    }))
}

/// Append inside the caller's transaction (the action and its log entry commit together).
/// PostgreSQL takes a transaction-scoped advisory lock so appends are serialised; SQLite has a
/// single writer already, and the primary key on `seq` refuses a forked chain in any case.
pub async fn append(
    db: &Db,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    entry: Entry<'_>,
    at: i64,
) -> Result<i64, AppError> {
    let key = key_of(db)?;
    if db.backend == Backend::Postgres {
        sqlx::query("select pg_advisory_xact_lock(7240001)").execute(&mut **tx).await?;
    }
    let last: Option<(i64, String)> = sqlx::query_as("select seq, hash from audit_log order by seq desc limit 1")
        .fetch_optional(&mut **tx)
        .await?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let hash = row_hash(key, seq, at, entry.user_id, entry.action, entry.report_id, entry.reason, &entry.details, &prev);
    sqlx::query(
        "insert into audit_log (seq, at, user_id, action, report_id, reason, details, prev_hash, hash) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(seq)
    .bind(at)
    .bind(entry.user_id)
    .bind(entry.action)
    .bind(entry.report_id)
    .bind(entry.reason)
    .bind(&entry.details)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    Ok(seq)
}

/// Append in a transaction of its own.
pub async fn record(db: &Db, entry: Entry<'_>) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    append(db, &mut tx, entry, crate::base::db::now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Check the whole chain. Ok(rows) when intact, Err(seq of the first broken row) otherwise
/// (a missing row is reported at the first sequence number that does not follow).
pub async fn verify(db: &Db) -> Result<Result<i64, i64>, AppError> {
    let key = key_of(db)?;
    type Row = (i64, i64, Option<i64>, String, Option<i64>, Option<String>, String, String, String);
    let mut prev = GENESIS.to_string();
    let mut expected = 1;
    let mut last_seq = 0;
    // In pages, so a long log does not sit in memory at once.
    loop {
        let rows: Vec<Row> = sqlx::query_as(
            "select seq, at, user_id, action, report_id, reason, details, prev_hash, hash from audit_log \
             where seq > $1 order by seq limit 1000",
        )
        .bind(last_seq)
        .fetch_all(&db.pool)
        .await?;
        if rows.is_empty() {
            return Ok(Ok(expected - 1));
        }
        for (seq, at, user_id, action, report_id, reason, details, prev_hash, hash) in rows {
            let computed = row_hash(key, seq, at, user_id, &action, report_id, reason.as_deref(), &details, &prev);
            if seq != expected || prev_hash != prev || computed != hash {
                return Ok(Err(seq.min(expected)));
            }
            prev = hash;
            expected += 1;
            last_seq = seq;
        }
    }
}

/// The last row's sequence number and hash, to be recorded outside the database.
pub async fn head(db: &Db) -> Result<Option<(i64, String)>, AppError> {
    Ok(sqlx::query_as("select seq, hash from audit_log order by seq desc limit 1").fetch_optional(&db.pool).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_covers_every_field() {
        let key = DataKey::from_base64(&DataKey::generate_base64()).expect("key");
        let other = DataKey::from_base64(&DataKey::generate_base64()).expect("key");
        let base = row_hash(&key, 1, 2, Some(3), "accept", Some(4), Some("r"), "{}", GENESIS);
        assert_eq!(base.len(), 64);
        let variants = [
            row_hash(&other, 1, 2, Some(3), "accept", Some(4), Some("r"), "{}", GENESIS),
            row_hash(&key, 2, 2, Some(3), "accept", Some(4), Some("r"), "{}", GENESIS),
            row_hash(&key, 1, 3, Some(3), "accept", Some(4), Some("r"), "{}", GENESIS),
            row_hash(&key, 1, 2, None, "accept", Some(4), Some("r"), "{}", GENESIS),
            row_hash(&key, 1, 2, Some(3), "refuse", Some(4), Some("r"), "{}", GENESIS),
            row_hash(&key, 1, 2, Some(3), "accept", None, Some("r"), "{}", GENESIS),
            row_hash(&key, 1, 2, Some(3), "accept", Some(4), None, "{}", GENESIS),
            row_hash(&key, 1, 2, Some(3), "accept", Some(4), Some(""), "{}", GENESIS),
            row_hash(&key, 1, 2, Some(3), "accept", Some(4), Some("r"), "{ }", GENESIS),
            row_hash(&key, 1, 2, Some(3), "accept", Some(4), Some("r"), "{}", &"1".repeat(64)),
        ];
        for v in variants {
            assert_ne!(v, base);
        }
    }
}
