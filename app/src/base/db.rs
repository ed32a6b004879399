//! Database access for both backends from one binary.
//!
//! `DATABASE_URL` chooses SQLite or PostgreSQL at run time, so the app talks to sqlx's `Any`
//! driver: queries are written once in portable SQL (`$1` placeholders work on both; `RETURNING`
//! works on SQLite >= 3.35), times are stored as Unix seconds (i64) and money as fen (i64), which
//! are the types `Any` carries faithfully on both backends. The two migration folders hold the same
//! schema in each dialect and are embedded in the binary. See docs/decisions.md (D1).
use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQLite's durability setting (`SW_SQLITE_SYNCHRONOUS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqliteSync {
    /// Every commit is on disk before it is acknowledged: nothing acknowledged is lost even when
    /// the machine loses power.
    Full,
    /// Commits survive a crash of the process, not of the machine.
    Normal,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// The data key, for the keyed audit chain (`workflow::audit`); absent in commands that
    /// neither write nor check the chain (`migrate`).
    pub audit_key: Option<std::sync::Arc<crate::base::crypto::DataKey>>,
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Open the database named by `url`. For SQLite the parent directory and file are created.
    /// The error names the setting so an operator knows what to fix.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Db> {
        Self::connect_with(url, max_connections, SqliteSync::Full).await
    }

    /// `connect`, choosing SQLite's `synchronous` setting (ignored for PostgreSQL).
    pub async fn connect_with(url: &str, max_connections: u32, sync: SqliteSync) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!(
                "DATABASE_URL must start with sqlite: or postgres:// (got a URL with another scheme)"
            );
        };
        let mut url = url.to_string();
        if backend == Backend::Sqlite {
            let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or("");
            if path != ":memory:" && !path.is_empty() {
                if let Some(parent) = std::path::Path::new(path).parent() {
                    if !parent.as_os_str().is_empty() {
                        std::fs::create_dir_all(parent).with_context(|| {
                            format!("DATABASE_URL: cannot create directory {}", parent.display())
                        })?;
                    }
                }
            }
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') { "&mode=rwc" } else { "?mode=rwc" });
            }
        }
        let options = AnyConnectOptions::from_str(&url)
            .context("DATABASE_URL is not a valid database URL")?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            // A connection left unused for 10 s is closed, down to one: after a burst the pool
            // does not keep what it grew to. On SQLite each connection holds its own page cache
            // and its own map of the database file (counted once per connection in the server's
            // resident memory: eight connections made an idle server 41 MB larger after the page
            // benchmark; docs/benchmarks.md). The pool hands out its idle connections in turn,
            // so a job every 5 s (closing expired contest attempts) keeps every connection
            // younger than 40 s in use: the limit has to be shorter than that to shrink the pool
            // at all. Opening a connection again costs ≈1 ms on SQLite.
            .min_connections(1)
            .idle_timeout(Some(Duration::from_secs(10)))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run while one writer commits; foreign keys are off
                        // by default in SQLite.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        // Writers queue for up to 20 s (under the 30 s request timeout): a report carrying
                        // 60 MB of attachments holds the write lock for a while, and 5 s was seen
                        // to fail writers queued behind a burst of them.
                        conn.execute("PRAGMA busy_timeout = 20000").await?;
                        // WAL with NORMAL survives a crash of the process (kill -9); FULL also
                        // survives a crash of the machine or a power loss, at about 1.5 ms of
                        // fsync per write transaction here (docs/benchmarks.md).
                        conn.execute(match sync {
                            SqliteSync::Full => "PRAGMA synchronous = FULL",
                            SqliteSync::Normal => "PRAGMA synchronous = NORMAL",
                        })
                        .await?;
                        // Pages read through a shared memory map rather than copied into
                        // each connection's cache: in WAL mode a connection drops its whole
                        // cache when another one has committed (every request saves its
                        // session), and the reporting queries then re-read megabytes with
                        // `pread` (the district overview: 100 ms on a warm connection, 250 ms
                        // on the others; docs/benchmarks.md).
                        conn.execute("PRAGMA mmap_size = 268435456").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .context("DATABASE_URL: cannot open the database")?;
        Ok(Db { pool, backend, audit_key: None })
    }

    /// Begin a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`, waiting up to the busy timeout): a deferred transaction that reads
    /// first and writes later fails at once with SQLITE_BUSY when another connection committed in
    /// between, which under load turned into spurious errors.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// The same pool, able to write and check the audit chain.
    pub fn with_data_key(mut self, key: std::sync::Arc<crate::base::crypto::DataKey>) -> Db {
        self.audit_key = Some(key);
        self
    }

    /// Apply pending migrations; any failure stops start-up.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        // Nothing pending: leave the schema alone. This lets the server run as a PostgreSQL role
        // without DDL rights once `safewhistle migrate` has run as the owner (docs/security.md).
        if self.applied_versions().await.is_some_and(|done| migrator.iter().all(|m| done.contains(&m.version))) {
            return Ok(());
        }
        migrator.run(&self.pool).await.context("running database migrations")?;
        Ok(())
    }

    /// Versions recorded as applied, or `None` before the first migration.
    async fn applied_versions(&self) -> Option<Vec<i64>> {
        sqlx::query_scalar::<_, i64>("select version from _sqlx_migrations where success = true")
            .fetch_all(&self.pool)
            .await
            .ok()
    }
}

/// Current time as Unix seconds.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
