//! Case operations as data: reason codes (domain-rules §4.3), handling actions, and which
//! operation is allowed in which state. Pure, so the state machine is tested as a table; the
//! storage layer repeats each precondition in its conditional UPDATE so two concurrent clicks
//! cannot both succeed.

/// 不予受理 reasons.
pub const REFUSAL_CODES: [&str; 6] = [
    "duplicate_already_accepted",
    "no_clear_target_or_facts",
    "not_safety_matter",
    "out_of_jurisdiction_transferred",
    "out_of_region",
    "employee_report_without_real_name",
];

/// 核查结论.
pub const VERIFICATION_RESULTS: [&str; 4] = ["true", "partly_true", "not_true", "unverifiable"];

/// 处理措施.
pub const ACTIONS: [&str; 6] =
    ["order_rectification", "administrative_penalty", "suspend_operation", "refer_police", "close_down", "no_action"];

/// Reward eligibility: `eligible` when granted, otherwise the 不予奖励 reason.
pub const REWARD_CODES: [&str; 10] = [
    "eligible",
    "already_known",
    "within_rectification_period",
    "self_reported_by_unit",
    "not_verified",
    "media_exposed",
    "judicial_handling",
    "staff_or_relative",
    "not_first_reporter",
    "anonymous_unidentifiable",
];

/// Decisions on an extension request, and the states an extension goes through.
pub const EXTENSION_DECISIONS: [&str; 2] = ["approve", "refuse"];
pub const EXTENSION_STATES: [&str; 3] = ["requested", "approved", "refused"];

/// Whether the reply finds the reporter eligible for a reward.
pub const YES_NO: [&str; 2] = ["yes", "no"];

/// Results of the review of an objection.
pub const REVIEW_OUTCOMES: [&str; 2] = ["upheld", "reverify"];

/// Sealed values staff may reveal with a reason: the reporter's identity, the reward payee.
pub const SEALED_FIELDS: [&str; 6] = ["name", "phone", "joint", "id_number", "bank", "account"];

/// Longest free texts staff write.
pub const NOTE_MAX: usize = 2000;


use super::Status;

crate::base::enum_with_all! {
    /// Every operation staff can take on a case. On the wire (the case page's list of what the
    /// user may do) by its code, as `as_str` gives it.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Op {
        Accept,
        Refuse,
        Duplicate,
        Merge,
        Transfer,
        Route,
        Verify,
        Rectify,
        RectifyDone,
        RequestExtension,
        DecideExtension,
        Reply,
        Escalate,
        ReviewResult,
        Close,
        RewardDecide,
        RewardApprove,
        RewardPay,
    }
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Accept => "accept",
            Op::Refuse => "refuse",
            Op::Duplicate => "duplicate",
            Op::Merge => "merge",
            Op::Transfer => "transfer",
            Op::Route => "route",
            Op::Verify => "verify",
            Op::Rectify => "rectify",
            Op::RectifyDone => "rectify_done",
            Op::RequestExtension => "request_extension",
            Op::DecideExtension => "decide_extension",
            Op::Reply => "reply",
            Op::Escalate => "escalate",
            Op::ReviewResult => "review_result",
            Op::Close => "close",
            Op::RewardDecide => "reward_decide",
            Op::RewardApprove => "reward_approve",
            Op::RewardPay => "reward_pay",
        }
    }

    pub fn parse(s: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// Who may take it: the bureau's intake desk, the case's lead department, or reward staff.
    pub fn actor(self) -> Actor {
        use Op::*;
        match self {
            Accept | Refuse | Duplicate | Merge | Transfer | Route | DecideExtension | Escalate | ReviewResult | Close => {
                Actor::Intake
            }
            Verify | Rectify | RectifyDone | RequestExtension | Reply => Actor::LeadDepartment,
            RewardDecide | RewardApprove | RewardPay => Actor::Reward,
        }
    }

    /// Case statuses in which the operation may be taken.
    pub fn from_statuses(self) -> &'static [Status] {
        use Op::*;
        use Status as S;
        match self {
            Accept | Refuse | Duplicate | Transfer => &[S::Submitted],
            Merge => &[S::Submitted, S::Accepted, S::Verifying, S::Extended],
            Route => &Status::HANDLING,
            Verify | Rectify | RectifyDone | RequestExtension | Reply => &[S::Verifying, S::Extended],
            DecideExtension => &[S::Verifying],
            Escalate => &[S::Objection],
            ReviewResult => &[S::Review],
            Close => &[S::Replied],
            RewardDecide | RewardApprove => &[S::Replied, S::Closed],
            RewardPay => &[S::Replied, S::Closed, S::Objection, S::Review],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Intake,
    LeadDepartment,
    Reward,
}

/// What the case looks like to the preconditions beyond its status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseFacts {
    pub status: Status,
    pub verified: bool,
    pub substantiated: bool,
    pub has_rectification: bool,
    pub rectification_done: bool,
    pub extension_status: Option<String>,
    pub reward_status: String,
    pub reward_decided: bool,
    pub reward_approved: bool,
    /// Merged into an earlier case (并案): it follows that case and gets its joint reply.
    pub merged: bool,
}

/// Why an operation is refused in this state (a translation key suffix), or Ok.
pub fn check(op: Op, f: &CaseFacts) -> Result<(), &'static str> {
    use Op::*;
    if !op.from_statuses().contains(&f.status) {
        return Err("wrong_state");
    }
    match op {
        Merge if f.merged => Err("already_merged"),
        Route | Verify | Rectify | RectifyDone | RequestExtension | DecideExtension | Reply if f.merged => {
            Err("merged_follow_primary")
        }
        Rectify if !f.substantiated => Err("needs_substantiated"),
        Rectify if f.has_rectification => Err("already_done"),
        RectifyDone if !f.has_rectification => Err("needs_rectification"),
        RectifyDone if f.rectification_done => Err("already_done"),
        RequestExtension if f.extension_status.is_some() => Err("extension_once"),
        DecideExtension if f.extension_status.as_deref() != Some("requested") => Err("no_extension_request"),
        Reply if !f.verified => Err("needs_verification"),
        RewardDecide if !f.substantiated => Err("needs_substantiated"),
        RewardDecide if f.reward_status != "none" || f.reward_approved => Err("already_done"),
        RewardApprove if !f.reward_decided => Err("needs_decision"),
        RewardApprove if f.reward_approved => Err("already_done"),
        RewardPay if f.reward_status != "claimed" => Err("needs_claim"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: Status) -> CaseFacts {
        CaseFacts { status, reward_status: "none".into(), ..Default::default() }
    }

    #[test]
    fn state_machine_table() {
        let verified = CaseFacts { verified: true, substantiated: true, ..facts(Status::Verifying) };
        let replied = CaseFacts { verified: true, substantiated: true, ..facts(Status::Replied) };
        let decided = CaseFacts { reward_decided: true, ..replied.clone() };
        let claimed = CaseFacts { reward_status: "claimed".into(), reward_approved: true, ..replied.clone() };
        // (op, facts, expected)
        let cases: Vec<(Op, CaseFacts, Result<(), &str>)> = vec![
            (Op::Accept, facts(Status::Submitted), Ok(())),
            (Op::Accept, facts(Status::Accepted), Err("wrong_state")),
            (Op::Refuse, facts(Status::Withdrawn), Err("wrong_state")),
            (Op::Route, facts(Status::Accepted), Ok(())),
            (Op::Route, facts(Status::Submitted), Err("wrong_state")),
            (Op::Reply, facts(Status::Verifying), Err("needs_verification")),
            (Op::Reply, verified.clone(), Ok(())),
            (Op::Reply, facts(Status::Accepted), Err("wrong_state")),
            (Op::Rectify, facts(Status::Verifying), Err("needs_substantiated")),
            (Op::Rectify, verified.clone(), Ok(())),
            (Op::RectifyDone, verified.clone(), Err("needs_rectification")),
            (Op::RequestExtension, facts(Status::Verifying), Ok(())),
            (
                Op::RequestExtension,
                CaseFacts { extension_status: Some("approved".into()), ..facts(Status::Extended) },
                Err("extension_once"),
            ),
            (Op::DecideExtension, facts(Status::Verifying), Err("no_extension_request")),
            (Op::DecideExtension, CaseFacts { extension_status: Some("requested".into()), ..facts(Status::Verifying) }, Ok(())),
            (Op::Escalate, facts(Status::Objection), Ok(())),
            (Op::Escalate, facts(Status::Replied), Err("wrong_state")),
            (Op::ReviewResult, facts(Status::Review), Ok(())),
            (Op::Close, facts(Status::Replied), Ok(())),
            (Op::RewardDecide, facts(Status::Replied), Err("needs_substantiated")),
            (Op::RewardDecide, replied.clone(), Ok(())),
            (Op::RewardDecide, decided.clone(), Ok(())),
            (Op::RewardApprove, replied.clone(), Err("needs_decision")),
            (Op::RewardApprove, decided.clone(), Ok(())),
            (Op::RewardPay, decided.clone(), Err("needs_claim")),
            (Op::RewardPay, claimed, Ok(())),
            (Op::RewardPay, CaseFacts { reward_status: "approved".into(), ..replied.clone() }, Err("needs_claim")),
            // Merging (并案): from intake up to verification; a merged case only follows its primary.
            (Op::Merge, facts(Status::Submitted), Ok(())),
            (Op::Merge, facts(Status::Extended), Ok(())),
            (Op::Merge, facts(Status::Replied), Err("wrong_state")),
            (Op::Merge, CaseFacts { merged: true, ..facts(Status::Verifying) }, Err("already_merged")),
            (Op::Verify, CaseFacts { merged: true, ..facts(Status::Verifying) }, Err("merged_follow_primary")),
            (Op::Reply, CaseFacts { merged: true, ..verified.clone() }, Err("merged_follow_primary")),
            (Op::Route, CaseFacts { merged: true, ..facts(Status::Accepted) }, Err("merged_follow_primary")),
            (Op::RewardDecide, CaseFacts { merged: true, ..replied }, Ok(())),
        ];
        for (op, f, want) in cases {
            assert_eq!(check(op, &f), want, "{op:?} in {f:?}");
        }
    }

    #[test]
    fn every_op_round_trips_and_has_an_actor() {
        for op in Op::ALL {
            assert_eq!(Op::parse(op.as_str()), Some(op));
            assert_eq!(serde_json::to_value(op).ok(), Some(serde_json::Value::from(op.as_str())));
            assert!(!op.from_statuses().is_empty());
        }
        assert_eq!(Op::parse("delete_everything"), None);
    }

}
