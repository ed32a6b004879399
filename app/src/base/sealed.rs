//! Sealed session values (server only): values that hold an access code, report text or a case
//! grant are sealed with the data key before they go into the session, so the sessions table
//! never holds them in clear.
use super::crypto::DataKey;
use super::errors::AppError;
use serde::Serialize;
use tower_sessions::Session;

fn session_err(e: impl std::fmt::Display) -> AppError {
    AppError::internal("session", e)
}

/// Session values that hold an access code, report text or a case grant are sealed with the data
/// key, so the sessions table never holds them in clear (they live there for minutes). The seal
/// is bound to a random value kept in the same session, so a sealed value copied into another
/// session does not open there.
pub async fn put_sealed<T: Serialize>(data_key: &DataKey, session: &Session, key: &str, value: &T) -> Result<(), AppError> {
    let plain = serde_json::to_vec(value).map_err(|e| AppError::internal("session value", e))?;
    let binding = session_binding(session, true).await?.unwrap_or_default();
    let sealed = data_key.encrypt(&plain, &format!("session:{key}:{binding}"));
    session.insert(key, sealed).await.map_err(session_err)
}

const SESSION_BINDING: &str = "seal_binding";

/// The session's seal binding; created on first use when `create`.
async fn session_binding(session: &Session, create: bool) -> Result<Option<String>, AppError> {
    if let Some(b) = session.get::<String>(SESSION_BINDING).await.map_err(session_err)? {
        return Ok(Some(b));
    }
    if !create {
        return Ok(None);
    }
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let b = hex::encode(bytes);
    session.insert(SESSION_BINDING, &b).await.map_err(session_err)?;
    Ok(Some(b))
}

fn open_sealed<T: serde::de::DeserializeOwned>(data_key: &DataKey, key: &str, binding: &str, sealed: &str) -> Option<T> {
    let plain = data_key.decrypt(sealed, &format!("session:{key}:{binding}")).ok()?;
    serde_json::from_slice(&plain).ok()
}

/// Read a sealed value and remove it (shown once).
pub async fn take_sealed<T: serde::de::DeserializeOwned>(
    data_key: &DataKey,
    session: &Session,
    key: &str,
) -> Result<Option<T>, AppError> {
    // Look before removing: a removal marks the session changed, which would write it back to
    // the database on every visit of a page that only might show a value.
    if session.get::<String>(key).await.map_err(session_err)?.is_none() {
        return Ok(None);
    }
    let Some(sealed) = session.remove::<String>(key).await.map_err(session_err)? else {
        return Ok(None);
    };
    let Some(binding) = session_binding(session, false).await? else { return Ok(None) };
    Ok(open_sealed(data_key, key, &binding, &sealed))
}

/// Read a sealed value and keep it.
pub async fn get_sealed<T: serde::de::DeserializeOwned>(
    data_key: &DataKey,
    session: &Session,
    key: &str,
) -> Result<Option<T>, AppError> {
    let Some(sealed) = session.get::<String>(key).await.map_err(session_err)? else {
        return Ok(None);
    };
    let Some(binding) = session_binding(session, false).await? else { return Ok(None) };
    Ok(open_sealed(data_key, key, &binding, &sealed))
}
