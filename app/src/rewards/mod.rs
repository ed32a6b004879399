//! Rewards for a verified report (domain-rules §1): the rules in force and the suggested amount.
//! Pure; both targets (the public estimator uses them in the browser). The reward decision,
//! second approval, claim and payment are still stored by `workflow` and `reports` (issue 13).
pub mod rules;
