//! Answer writes committed in groups on SQLite. SQLite has one writer, and with
//! `synchronous = full` every commit waits for the disk (about 1.5 ms here): one commit per
//! answer caps a district contest at a few hundred answers a second. So answers go to one task
//! that takes every answer waiting (up to `GROUP_MAX`), stores them in one transaction — each by
//! the same conditional update as alone (D23), so a late answer is refused just the same — and
//! replies to each only after the commit. Nothing is acknowledged before it is durable.
//! PostgreSQL commits concurrent transactions in groups itself; there the update runs directly.
use crate::base::db::{Backend, Db};
use crate::base::errors::AppError;
use std::sync::OnceLock;
use tokio::sync::{mpsc, oneshot};

const GROUP_MAX: usize = 256;
/// Answers waiting for the writer at most; beyond that the request is refused (429) rather than
/// queued without bound.
const QUEUE_MAX: usize = 20_000;

const UPDATE_SQL: &str = "update quiz_attempt_items set given = $3, answered_at = $4, marked = $5 where attempt_id = $1 and position = $2 \
     and exists (select 1 from quiz_attempts a where a.id = $1 and a.state = 'open' and a.deadline_at > $4)";

/// One answer to store.
pub struct AnswerWrite {
    pub attempt_id: i64,
    pub position: i64,
    pub given: Option<String>,
    pub at_ms: i64,
    pub marked: bool,
}

type Job = (AnswerWrite, oneshot::Sender<Result<bool, AppError>>);

#[derive(Default)]
pub struct AnswerWriter {
    queue: OnceLock<mpsc::Sender<Job>>,
}

impl AnswerWriter {
    /// Store one answer; `Ok(false)` when the attempt is closed (or the position not on it).
    pub async fn write(&self, db: &Db, w: AnswerWrite) -> Result<bool, AppError> {
        if db.backend != Backend::Sqlite {
            return update(&db.pool, &w).await;
        }
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE_MAX);
            tokio::spawn(run(db.clone(), rx));
            tx
        });
        let (reply, answer) = oneshot::channel();
        queue.try_send((w, reply)).map_err(|_| AppError::RateLimited)?;
        answer.await.map_err(|e| AppError::internal("answer writer stopped", e))?
    }
}

async fn update<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(ex: E, w: &AnswerWrite) -> Result<bool, AppError> {
    let done = sqlx::query(UPDATE_SQL)
        .bind(w.attempt_id)
        .bind(w.position)
        .bind(w.given.clone())
        .bind(w.at_ms)
        .bind(i64::from(w.marked))
        .execute(ex)
        .await?;
    Ok(done.rows_affected() == 1)
}

async fn run(db: Db, mut rx: mpsc::Receiver<Job>) {
    let mut group: Vec<Job> = Vec::with_capacity(GROUP_MAX);
    while let Some(first) = rx.recv().await {
        group.push(first);
        while group.len() < GROUP_MAX {
            match rx.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let results = store(&db, &group).await;
        for ((_, reply), result) in group.drain(..).zip(results) {
            let _ = reply.send(result);
        }
    }
}

/// One transaction for the group: each answer's own result, or the same error for all when the
/// transaction fails (nothing of it was stored).
async fn store(db: &Db, group: &[Job]) -> Vec<Result<bool, AppError>> {
    let attempt = async {
        let mut tx = db.begin().await?;
        let mut out = Vec::with_capacity(group.len());
        for (w, _) in group {
            out.push(update(&mut *tx, w).await?);
        }
        tx.commit().await?;
        Ok::<_, AppError>(out)
    };
    match attempt.await {
        Ok(out) => out.into_iter().map(Ok).collect(),
        Err(e) => group.iter().map(|_| Err(e.clone())).collect(),
    }
}
