//! Rewards for a verified report (domain-rules §1): the rules in force and the suggested amount
//! (`rules`, pure, both targets: the public estimator runs them in the browser), and the reward
//! officers' decision, second approval and payment and the expiry of unclaimed rewards (`ssr`).
//! Rewards sit below both sides that use them: `reports` (the reporter's claim) and `workflow`
//! (the staff case page), and above `cases` (decision D20).
use serde::{Deserialize, Serialize};

pub mod rules;
#[cfg(feature = "ssr")]
pub mod ssr;

/// A reward decision as the staff case page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardDecision {
    pub eligible: bool,
    pub reason_code: String,
    pub amount_fen: i64,
    pub note: String,
    pub decided_by: String,
    pub decided_at: i64,
    pub decided_by_me: bool,
    pub approved_by: Option<String>,
    pub approved_at: Option<i64>,
}

impl RewardDecision {
    /// What a second approval is bound to: the outcome, the amount and when it was decided.
    pub fn version(&self) -> String {
        format!("{}:{}:{}", i64::from(self.eligible), self.amount_fen, self.decided_at)
    }
}

/// Parse `RewardDecision::version`: (eligible 0/1, amount in fen, decided at).
pub fn parse_decision_version(v: &str) -> Option<(i64, i64, i64)> {
    let mut parts = v.trim().split(':');
    let eligible = parts.next()?.parse::<i64>().ok().filter(|e| *e == 0 || *e == 1)?;
    let amount = parts.next()?.parse::<i64>().ok()?;
    let at = parts.next()?.parse::<i64>().ok()?;
    parts.next().is_none().then_some((eligible, amount, at))
}
