//! Answer writes and attempt starts committed in groups on SQLite. SQLite has one writer, and
//! with `synchronous = full` every commit waits for the disk (about 1.5 ms here): one commit per
//! answer caps a district contest at a few hundred answers a second, and a start committed on its
//! own queues behind every answer group during a synchronised start (D24, D25). So answers and
//! new attempts go to one task that takes every write waiting (up to `GROUP_MAX`) and stores them
//! in one transaction — each answer by the same conditional update as alone (D23), so a late
//! answer is refused just the same; each start by the same inserts, the database's unique key
//! still refusing a second attempt of the same number — and replies to each only after the
//! commit. Nothing is acknowledged before it is durable. A statement refused inside the group
//! (a second tab's start) undoes only itself. PostgreSQL commits concurrent transactions in
//! groups itself; there each write runs directly.
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

/// A new attempt with its drawn paper, to insert.
pub struct NewAttempt {
    pub token: String,
    pub contest_id: i64,
    pub contestant_id: i64,
    pub number: i64,
    pub day: i64,
    pub started_at: i64,
    pub deadline_at: i64,
    pub max_score: i64,
    /// (question id, version, shown-to-stored option order, points) by position from 1.
    pub items: Vec<(i64, i64, String, i64)>,
}

enum Write {
    Answer(AnswerWrite, oneshot::Sender<Result<bool, AppError>>),
    Start(NewAttempt, oneshot::Sender<Result<Option<i64>, AppError>>),
}

#[derive(Default)]
pub struct AnswerWriter {
    queue: OnceLock<mpsc::Sender<Write>>,
}

impl AnswerWriter {
    fn queue(&self, db: &Db) -> &mpsc::Sender<Write> {
        self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE_MAX);
            tokio::spawn(run(db.clone(), rx));
            tx
        })
    }

    /// Store one answer; `Ok(false)` when the attempt is closed (or the position not on it).
    pub async fn write(&self, db: &Db, w: AnswerWrite) -> Result<bool, AppError> {
        if db.backend != Backend::Sqlite {
            return update(&db.pool, &w).await;
        }
        let (reply, answer) = oneshot::channel();
        self.queue(db).try_send(Write::Answer(w, reply)).map_err(|_| AppError::RateLimited)?;
        answer.await.map_err(|e| AppError::internal("answer writer stopped", e))?
    }

    /// Insert a new attempt and its paper; its id, or `Ok(None)` when the contestant already has
    /// an attempt of that number (another tab started it at the same moment).
    pub async fn start(&self, db: &Db, a: NewAttempt) -> Result<Option<i64>, AppError> {
        if db.backend != Backend::Sqlite {
            let mut tx = db.begin().await?;
            return match insert(&mut tx, &a).await? {
                Some(id) => {
                    tx.commit().await?;
                    Ok(Some(id))
                }
                None => Ok(None),
            };
        }
        let (reply, answer) = oneshot::channel();
        self.queue(db).try_send(Write::Start(a, reply)).map_err(|_| AppError::RateLimited)?;
        answer.await.map_err(|e| AppError::internal("answer writer stopped", e))?
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// The attempt's row, then its whole paper in one statement. `None` on the unique key.
async fn insert(conn: &mut sqlx::AnyConnection, a: &NewAttempt) -> Result<Option<i64>, AppError> {
    let inserted = sqlx::query_scalar::<_, i64>(
        "insert into quiz_attempts (token, contest_id, contestant_id, number, day, started_at, deadline_at, state, questions, max_score) \
         values ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9) returning id",
    )
    .bind(&a.token)
    .bind(a.contest_id)
    .bind(a.contestant_id)
    .bind(a.number)
    .bind(a.day)
    .bind(a.started_at)
    .bind(a.deadline_at)
    .bind(a.items.len() as i64)
    .bind(a.max_score)
    .fetch_one(&mut *conn)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let mut sql = String::from("insert into quiz_attempt_items (attempt_id, position, question_id, version, option_order, points) values ");
    for (i, (question, version, order, points)) in a.items.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        // Every value is a number, or letters A–H checked here, never user input.
        if !order.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(AppError::internal("option order", order));
        }
        sql.push_str(&format!("({id}, {}, {question}, {version}, '{order}', {points})", i + 1));
    }
    sqlx::query(&sql).execute(&mut *conn).await?;
    Ok(Some(id))
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

async fn run(db: Db, mut rx: mpsc::Receiver<Write>) {
    let mut group: Vec<Write> = Vec::with_capacity(GROUP_MAX);
    while let Some(first) = rx.recv().await {
        group.push(first);
        while group.len() < GROUP_MAX {
            match rx.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        match store(&db, &group).await {
            Ok(results) => {
                for (job, result) in group.drain(..).zip(results) {
                    match (job, result) {
                        (Write::Answer(_, reply), Done::Answer(r)) => {
                            let _ = reply.send(Ok(r));
                        }
                        (Write::Start(_, reply), Done::Start(r)) => {
                            let _ = reply.send(Ok(r));
                        }
                        (Write::Answer(_, reply), Done::Start(_)) => {
                            let _ = reply.send(Err(AppError::internal("answer writer", "result out of order")));
                        }
                        (Write::Start(_, reply), Done::Answer(_)) => {
                            let _ = reply.send(Err(AppError::internal("answer writer", "result out of order")));
                        }
                    }
                }
            }
            // The transaction failed: nothing of the group was stored; every writer hears why.
            Err(e) => {
                for job in group.drain(..) {
                    match job {
                        Write::Answer(_, reply) => {
                            let _ = reply.send(Err(e.clone()));
                        }
                        Write::Start(_, reply) => {
                            let _ = reply.send(Err(e.clone()));
                        }
                    }
                }
            }
        }
    }
}

enum Done {
    Answer(bool),
    Start(Option<i64>),
}

/// One transaction for the group: each write's own result, in order.
async fn store(db: &Db, group: &[Write]) -> Result<Vec<Done>, AppError> {
    let mut tx = db.begin().await?;
    let mut out = Vec::with_capacity(group.len());
    for job in group {
        out.push(match job {
            Write::Answer(w, _) => Done::Answer(update(&mut *tx, w).await?),
            Write::Start(a, _) => Done::Start(insert(&mut tx, a).await?),
        });
    }
    tx.commit().await?;
    Ok(out)
}
