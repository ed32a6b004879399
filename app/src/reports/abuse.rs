//! Abuse control without third parties and without storing who the client is:
//! - per-client rate limits held only in memory, keyed by a salted hash of the peer address that
//!   changes with every restart and is never written anywhere;
//! - single-use form tokens (HMAC-signed, spent in the database in the same transaction as the
//!   data they protect);
//! - a proof-of-work challenge (the token's nonce) that the WebAssembly app solves; without
//!   JavaScript a short server-side delay takes its place.
use crate::base::crypto::DataKey;
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use rand::RngCore;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bucket {
    Submit,
    Lookup,
    Message,
}

impl Bucket {
    /// The name of its budget in the shared `RateLimiter`.
    pub fn key(self) -> &'static str {
        match self {
            Bucket::Submit => "report_submit",
            Bucket::Lookup => "report_lookup",
            Bucket::Message => "report_message",
        }
    }
}

pub use crate::base::clients::{RateLimiter, TrustedProxies};

/// A signed form token: "expiry.nonce.mac". `purpose` is bound into the MAC.
pub fn issue_token(key: &DataKey, purpose: &str, ttl_secs: i64) -> String {
    let mut nonce = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let nonce = hex::encode(nonce);
    let expiry = now() + ttl_secs;
    let mac = hex::encode(key.mac(format!("{purpose}.{expiry}.{nonce}").as_bytes()));
    format!("{expiry}.{nonce}.{mac}")
}

pub struct CheckedToken {
    pub nonce: String,
    pub expiry: i64,
}

/// Verify the signature and expiry (not yet whether it was used: see `spend_token`).
pub fn check_token(key: &DataKey, purpose: &str, token: &str) -> Result<CheckedToken, AppError> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let bad = || AppError::field("form", "form_token_invalid");
    let [expiry, nonce, mac] = parts[..] else { return Err(bad()) };
    let expiry: i64 = expiry.parse().map_err(|_| bad())?;
    if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let want = key.mac(format!("{purpose}.{expiry}.{nonce}").as_bytes());
    let got = hex::decode(mac).map_err(|_| bad())?;
    // Constant-time comparison.
    if got.len() != want.len() || got.iter().zip(want.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) != 0 {
        return Err(bad());
    }
    if expiry < now() {
        return Err(AppError::field("form", "form_expired"));
    }
    Ok(CheckedToken { nonce: nonce.to_string(), expiry })
}

/// Cheap early check, so a replayed form does not cost image work first.
pub async fn token_spent(db: &Db, nonce: &str) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar("select count(*) from used_form_tokens where nonce = $1")
        .bind(nonce)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

/// Mark the token used inside the caller's transaction; a second use fails.
pub async fn spend_token(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    token: &CheckedToken,
) -> Result<(), AppError> {
    // The expiry is kept rounded up to the hour: to the second it would date when the reporter
    // opened the form (matchable against a proxy log), and this row is written with the report.
    let done = sqlx::query("insert into used_form_tokens (nonce, expires_at) values ($1, $2) on conflict (nonce) do nothing")
        .bind(&token.nonce)
        .bind(round_up_to_hour(token.expiry))
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::field("form", "form_token_used"));
    }
    Ok(())
}

fn round_up_to_hour(t: i64) -> i64 {
    (t + 3599).div_euclid(3600) * 3600
}

/// The tip-off's periodic job: forget spent form tokens once they have expired.
pub fn jobs() -> Vec<crate::base::jobs::Job> {
    vec![crate::base::jobs::Job::new("spent form tokens", std::time::Duration::from_secs(300), |db| async move {
        Ok(format!("deleted {}", delete_expired_tokens(&db).await?))
    })]
}

pub async fn delete_expired_tokens(db: &Db) -> Result<u64, AppError> {
    Ok(sqlx::query("delete from used_form_tokens where expires_at < $1")
        .bind(now())
        .execute(&db.pool)
        .await?
        .rows_affected())
}

/// With a valid proof of work, go on at once; otherwise wait `delay_ms` (JavaScript off).
pub async fn pow_or_delay(challenge: &str, pow: Option<&str>, bits: u32, delay_ms: u64) {
    let solved = pow
        .and_then(|p| p.trim().parse::<u64>().ok())
        .is_some_and(|c| super::rules::pow_ok(challenge, c, bits));
    if !solved && delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
    }
}
