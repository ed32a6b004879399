//! The quiz area as the server plugs it in: its settings, the contests' state, the answer path's
//! caches and its writer (answers committed in groups on SQLite), the job that closes attempts at
//! their deadline, and the question bank's and rankings' file routes.
use super::contest::{attempts, ssr::ContestState, writer::AnswerWriter};
use crate::base::jobs::Job;
use std::time::Duration;

pub fn area(settings: super::QuizSettings) -> crate::state::Area {
    let close = Job::new("close_expired_attempts", Duration::from_secs(5), |db| async move {
        attempts::close_expired(&db).await.map(|n| if n == 0 { String::new() } else { format!("{n} attempts closed") })
    });
    crate::state::Area::new()
        .with(settings)
        .with(ContestState::default())
        .with(attempts::AnswerCache::default())
        .with(AnswerWriter::default())
        .jobs(vec![close])
        .http(super::transfer::ssr::routes())
}
