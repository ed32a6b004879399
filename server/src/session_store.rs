//! tower-sessions store on the active database (SQLite or PostgreSQL through sqlx `Any`), so a
//! second app instance behind a load balancer sees the same sessions. The sqlx-store crate has one
//! store per backend and would need a second, backend-typed pool; this keeps one pool. See
//! docs/decisions.md (D2).
//!
//! Sessions read recently are kept in memory for `cache_for` (write-through: this instance's own
//! saves and deletes update the copy at once), so a contestant answering every few seconds does
//! not cost a database read per answer. With several instances behind a load balancer, a change
//! made through another instance (a logout, say) is seen here within `cache_for`; set
//! `SW_SESSION_CACHE_SECONDS=0` there unless sessions are sticky.
use app::base::db::Db;
use async_trait::async_trait;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

/// Sessions kept in memory at most (the least recently used is dropped first).
const CACHE_ENTRIES: usize = 100_000;

#[derive(Clone)]
pub struct DbSessionStore {
    db: Db,
    cache_for: Duration,
    cache: Arc<Mutex<lru::LruCache<Id, (Instant, Record)>>>,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DbSessionStore(cache {:?})", self.cache_for)
    }
}

impl DbSessionStore {
    /// A store without the in-memory copy.
    pub fn new(db: Db) -> Self {
        Self::with_cache(db, Duration::ZERO)
    }

    pub fn with_cache(db: Db, cache_for: Duration) -> Self {
        let cap = std::num::NonZeroUsize::new(CACHE_ENTRIES).unwrap_or(std::num::NonZeroUsize::MIN);
        DbSessionStore { db, cache_for, cache: Arc::new(Mutex::new(lru::LruCache::new(cap))) }
    }

    fn remember(&self, record: &Record) {
        if self.cache_for.is_zero() {
            return;
        }
        if let Ok(mut c) = self.cache.lock() {
            c.put(record.id, (Instant::now(), record.clone()));
        }
    }

    fn forget(&self, id: &Id) {
        if let Ok(mut c) = self.cache.lock() {
            c.pop(id);
        }
    }

    fn cached(&self, id: &Id) -> Option<Record> {
        if self.cache_for.is_zero() {
            return None;
        }
        let mut c = self.cache.lock().ok()?;
        let (at, record) = c.get(id)?;
        if at.elapsed() < self.cache_for && record.expiry_date > OffsetDateTime::now_utc() {
            Some(record.clone())
        } else {
            c.pop(id);
            None
        }
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn encode(record: &Record) -> session_store::Result<Vec<u8>> {
    serde_json::to_vec(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // Ids are 128 random bits; on the (theoretical) collision, draw another.
        loop {
            let res = sqlx::query("insert into sessions (id, data, expiry_date) values ($1, $2, $3)")
                .bind(record.id.to_string())
                .bind(encode(record)?)
                .bind(record.expiry_date.unix_timestamp())
                .execute(&self.db.pool)
                .await;
            match res {
                Ok(_) => {
                    self.remember(record);
                    return Ok(());
                }
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => record.id = Id::default(),
                Err(e) => return Err(backend(e)),
            }
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        sqlx::query(
            "insert into sessions (id, data, expiry_date) values ($1, $2, $3) \
             on conflict (id) do update set data = excluded.data, expiry_date = excluded.expiry_date",
        )
        .bind(record.id.to_string())
        .bind(encode(record)?)
        .bind(record.expiry_date.unix_timestamp())
        .execute(&self.db.pool)
        .await
        .map_err(backend)?;
        self.remember(record);
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        if let Some(record) = self.cached(id) {
            return Ok(Some(record));
        }
        let row: Option<(Vec<u8>, i64)> =
            sqlx::query_as("select data, expiry_date from sessions where id = $1 and expiry_date > $2")
                .bind(id.to_string())
                .bind(OffsetDateTime::now_utc().unix_timestamp())
                .fetch_optional(&self.db.pool)
                .await
                .map_err(backend)?;
        let Some((data, expiry)) = row else { return Ok(None) };
        let data = serde_json::from_slice(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(expiry).map_err(backend)?;
        let record = Record { id: *id, data, expiry_date };
        self.remember(&record);
        Ok(Some(record))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.forget(id);
        sqlx::query("delete from sessions where id = $1")
            .bind(id.to_string())
            .execute(&self.db.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query("delete from sessions where expiry_date <= $1")
            .bind(OffsetDateTime::now_utc().unix_timestamp())
            .execute(&self.db.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
