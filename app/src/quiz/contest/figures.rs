//! What the administrator's statistics page shows (both targets); computed in `stats`.
use super::Kind;
use serde::{Deserialize, Serialize};

/// One question's figures in a contest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionStat {
    pub question_id: i64,
    pub kind: Kind,
    pub stem: String,
    pub options: Vec<String>,
    /// The right answer in stored form.
    pub answer: String,
    pub drawn: i64,
    pub answered: i64,
    pub correct: i64,
    /// The answers given (stored form) and how often, most frequent first.
    pub distribution: Vec<(String, i64)>,
    /// The median time taken for this question (since the previous answer).
    pub median_ms: Option<i64>,
}

/// An attempt flagged for the administrator's review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub token: String,
    pub nickname: String,
    pub score: i64,
    pub time_used_ms: i64,
    /// "too_fast" or "same_answers".
    pub reason: String,
    /// Attempts with the same wrong answers share a group number.
    pub group: Option<i64>,
    /// "" (to review), "cleared" or "disqualified".
    pub review: String,
}

/// A contest's statistics for the administrator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatsView {
    pub contest_id: i64,
    pub title: String,
    pub participants: i64,
    pub finished: i64,
    pub valid: i64,
    pub average_score: f64,
    pub max_score: i64,
    pub average_time_ms: i64,
    /// Attempts by score in tenths of the full marks (the last bin includes full marks).
    pub score_bins: Vec<i64>,
    pub questions: Vec<QuestionStat>,
    pub flags: Vec<Flag>,
}
