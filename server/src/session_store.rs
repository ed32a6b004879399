//! tower-sessions store on the active database (SQLite or PostgreSQL through sqlx `Any`), so a
//! second app instance behind a load balancer sees the same sessions. The sqlx-store crate has one
//! store per backend and would need a second, backend-typed pool; this keeps one pool. See
//! docs/decisions.md (D2).
use app::base::db::Db;
use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        DbSessionStore { db }
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
                Ok(_) => return Ok(()),
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
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
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
        Ok(Some(Record { id: *id, data, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
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
