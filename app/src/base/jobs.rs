//! Periodic jobs (server only). Each area lists its jobs — a name, how often, and what to run —
//! and the server runs every area's list with `run`: each job at start-up and then whenever its
//! interval has passed, one after the other, a failure logged and tried again next time.
use super::db::Db;
use super::errors::AppError;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

type JobFuture = Pin<Box<dyn Future<Output = Result<String, AppError>> + Send>>;

/// One periodic job. Its work returns a short summary for the log.
#[derive(Clone)]
pub struct Job {
    pub name: &'static str,
    pub every: Duration,
    work: Arc<dyn Fn(Db) -> JobFuture + Send + Sync>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Job({}, every {:?})", self.name, self.every)
    }
}

impl Job {
    pub fn new<F, Fut>(name: &'static str, every: Duration, work: F) -> Job
    where
        F: Fn(Db) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, AppError>> + Send + 'static,
    {
        Job { name, every, work: Arc::new(move |db| Box::pin(work(db))) }
    }

    pub async fn run_once(&self, db: &Db) -> Result<String, AppError> {
        (self.work)(db.clone()).await
    }
}

/// When each job is next due; pure, so the timing rules are tested without waiting.
pub struct Schedule {
    next: Vec<Instant>,
}

impl Schedule {
    /// Every job is due at `start`.
    pub fn new(jobs: &[Job], start: Instant) -> Schedule {
        Schedule { next: vec![start; jobs.len()] }
    }

    /// The jobs due at `now`; each is then next due one interval after `now`.
    pub fn take_due(&mut self, jobs: &[Job], now: Instant) -> Vec<usize> {
        let mut due = Vec::new();
        for (i, (job, next)) in jobs.iter().zip(self.next.iter_mut()).enumerate() {
            if *next <= now {
                due.push(i);
                *next = now + job.every;
            }
        }
        due
    }

    /// How long until the next job is due (zero if one is due now).
    pub fn wait(&self, now: Instant) -> Duration {
        self.next.iter().map(|n| n.saturating_duration_since(now)).min().unwrap_or(Duration::from_secs(60))
    }
}

/// Run `jobs` for as long as the returned future is polled (the server aborts it at shutdown).
pub async fn run(db: Db, jobs: Vec<Job>) {
    let mut schedule = Schedule::new(&jobs, Instant::now());
    loop {
        for i in schedule.take_due(&jobs, Instant::now()) {
            let job = &jobs[i];
            match job.run_once(&db).await {
                // A run that did nothing (empty summary) is not worth a line at the default level.
                Ok(summary) if summary.is_empty() => tracing::debug!(job = job.name, "job done"),
                Ok(summary) => tracing::info!(job = job.name, summary, "job done"),
                Err(e) => tracing::warn!(job = job.name, error = ?e, "job failed"),
            }
        }
        tokio::time::sleep(schedule.wait(Instant::now()).max(Duration::from_millis(100))).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(name: &'static str, secs: u64) -> Job {
        Job::new(name, Duration::from_secs(secs), |_db| async { Ok(String::new()) })
    }

    #[test]
    fn every_job_runs_at_start_then_after_its_own_interval() {
        let jobs = [job("often", 300), job("hourly", 3600)];
        let t0 = Instant::now();
        let mut s = Schedule::new(&jobs, t0);
        assert_eq!(s.take_due(&jobs, t0), [0, 1], "both at start-up");
        assert_eq!(s.take_due(&jobs, t0), Vec::<usize>::new(), "not twice at once");
        assert_eq!(s.wait(t0), Duration::from_secs(300));
        let t1 = t0 + Duration::from_secs(301);
        assert_eq!(s.take_due(&jobs, t1), [0]);
        let t2 = t0 + Duration::from_secs(3600);
        assert_eq!(s.take_due(&jobs, t2), [0, 1]);
        assert_eq!(s.wait(t2), Duration::from_secs(300));
        // A late wake-up (a busy machine) runs a job once, not once per missed interval.
        let t3 = t2 + Duration::from_secs(3 * 3600);
        assert_eq!(s.take_due(&jobs, t3), [0, 1]);
        assert_eq!(s.take_due(&jobs, t3 + Duration::from_secs(1)), Vec::<usize>::new());
    }
}
