//! Each case operation's input, checked without touching the database: `validate(op, input,
//! context)` gives one typed variant per operation (`ValidOp`) or every field error at once. The
//! context (`Ctx`) is everything the checks need, read by `act` inside the operation's
//! transaction; deadlines are computed here from the calendar read with it.
use super::*;
use crate::base::calendar::Calendar;
use crate::base::validate::FieldErrors;
use crate::cases::reply::{compose_reply, ReplyFacts};
use crate::rewards::rules::RewardRules;
use crate::rewards::ssr::{self as reward, DecisionRow};
use rules::NOTE_MAX;

/// Another case named in the form (duplicate of, merge into).
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct OtherCase {
    pub id: i64,
    pub received_at: i64,
    pub status: Status,
    pub merged_into: Option<i64>,
}

/// An active department: its id and, for a town/street station, its town.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dept {
    pub id: i64,
    pub town_id: Option<i64>,
}

/// What the checks need beyond the input, read inside the operation's transaction.
pub struct Ctx<'a> {
    pub id: i64,
    pub user_id: i64,
    pub now: i64,
    pub w: WorkRow,
    pub calendar: Calendar,
    pub deadlines: &'a DeadlineRules,
    pub rewards: &'a RewardRules,
    /// The case named in `other_case` (duplicate, merge) and its normalised number.
    pub other: Option<OtherCase>,
    pub other_number: String,
    /// Routing: the lead department typed, each cooperating department typed (in order), and
    /// the routing table's suggestion (lead code, cooperating codes) for the case's sector and town.
    pub lead: Option<Dept>,
    pub cooperating: Vec<Option<Dept>>,
    pub suggestion: Option<(String, Vec<String>)>,
    /// Cases merged into this one (answered with its reply).
    pub followers: i64,
    pub decision: Option<DecisionRow>,
}

impl Ctx<'_> {
    fn due(&self, stage: Stage) -> i64 {
        self.deadlines.deadline(&self.calendar, stage, self.now)
    }
}

/// A checked operation, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValidOp {
    Accept { note: String, due: i64 },
    Refuse { code: String, note: String },
    Duplicate { of: i64, of_number: String, note: String },
    Merge { into: i64, into_number: String, note: String },
    Transfer { target: String, note: String },
    Route { lead: i64, lead_code: String, handed_down: bool, cooperating: Vec<(i64, String)>, override_reason: Option<String> },
    Verify { result: String, actions: Vec<String>, fine_fen: Option<i64>, account: String },
    Rectify { responsible: String, measures: String, funds: String, deadline: String, contingency: String },
    RectifyDone { evidence: String },
    RequestExtension { days: i64, reason: String },
    DecideExtension { approve: bool, days: i64, refusal: Option<String> },
    Reply { text: String, eligible: bool, objection_until: i64 },
    Escalate { reason: String, due: i64 },
    ReviewResult { upheld: bool, note: String, due: Option<i64> },
    Close,
    RewardDecide(reward::Decide),
    RewardApprove(reward::Approve),
    RewardPay(reward::Pay),
}

fn pick<T: Copy>(e: &mut FieldErrors, field: &str, value: &str, choices: &[(&str, T)], fallback: T) -> T {
    match choices.iter().find(|(code, _)| *code == value) {
        Some((_, v)) => *v,
        None => {
            e.push(field, "required");
            fallback
        }
    }
}

/// Another case this one may point to: known, and registered earlier (the earliest report keeps
/// the reward priority).
fn earlier(e: &mut FieldErrors, c: &Ctx<'_>) -> Option<OtherCase> {
    match &c.other {
        None => e.push("other_case", "case_unknown"),
        Some(o) if o.id == c.id || (o.received_at, o.id) > (c.w.received_at, c.id) => e.push("other_case", "not_earlier"),
        Some(o) => return Some(o.clone()),
    }
    None
}

pub fn validate(op: Op, i: &ActInput, c: &Ctx<'_>) -> Result<ValidOp, FieldErrors> {
    let mut e = FieldErrors::default();
    let note = i.text.trim().to_string();
    match op {
        Op::Accept => {
            e.text("text", &i.text, 0, NOTE_MAX);
            e.or(ValidOp::Accept { note, due: c.due(Stage::Verification) })
        }
        Op::Refuse => {
            if !rules::REFUSAL_CODES.contains(&i.code.as_str()) {
                e.push("code", "required");
            }
            e.text("text", &i.text, 2, NOTE_MAX);
            e.or(ValidOp::Refuse { code: i.code.clone(), note })
        }
        Op::Duplicate => {
            let of = earlier(&mut e, c).map(|o| o.id).unwrap_or_default();
            e.text("text", &i.text, 2, NOTE_MAX);
            e.or(ValidOp::Duplicate { of, of_number: c.other_number.clone(), note })
        }
        Op::Merge => {
            // 并案: this case joins an EARLIER open case, follows its handling and receives its
            // joint reply.
            let into = earlier(&mut e, c);
            match &into {
                Some(o) if o.merged_into.is_some() => e.push("other_case", "primary_merged"),
                Some(o) if !Status::HANDLING.contains(&o.status) => {
                    e.push("other_case", "primary_not_open")
                }
                _ => {}
            }
            e.text("text", &i.text, 2, NOTE_MAX);
            e.or(ValidOp::Merge { into: into.map(|o| o.id).unwrap_or_default(), into_number: c.other_number.clone(), note })
        }
        Op::Transfer => {
            e.text("target", &i.target, 2, 100);
            e.text("text", &i.text, 2, NOTE_MAX);
            e.or(ValidOp::Transfer { target: i.target.trim().to_string(), note })
        }
        Op::Route => validate_route(e, i, c),
        Op::Verify => {
            if !rules::VERIFICATION_RESULTS.contains(&i.code.as_str()) {
                e.push("code", "required");
            }
            let mut actions: Vec<String> = i.actions.iter().map(|a| a.trim().to_string()).collect();
            actions.sort();
            actions.dedup();
            if actions.is_empty() {
                e.push("actions", "required");
            }
            if actions.iter().any(|a| !rules::ACTIONS.contains(&a.as_str())) {
                e.push("actions", "action_unknown");
            }
            let mut fine_fen = None;
            if actions.iter().any(|a| a == "administrative_penalty") || !i.amount.trim().is_empty() {
                match crate::base::format::parse_yuan(&i.amount) {
                    Ok(0) => e.push("amount", "amount_zero"),
                    Ok(f) => fine_fen = Some(f),
                    Err(code) => e.push("amount", code),
                }
            }
            e.text("text", &i.text, 2, NOTE_MAX);
            e.or(ValidOp::Verify { result: i.code.clone(), actions, fine_fen, account: note })
        }
        Op::Rectify => {
            e.text("responsible", &i.responsible, 2, 100);
            e.text("measures", &i.measures, 2, NOTE_MAX);
            e.text("funds", &i.funds, 1, 200);
            e.text("contingency", &i.contingency, 2, NOTE_MAX);
            let today = Day::of_timestamp(c.now);
            match Day::parse(&i.date) {
                Some(d) if d >= today && d.0 <= today.0 + 5 * 366 => {}
                Some(_) => e.push("date", "date_out_of_range"),
                None => e.push("date", "date_invalid"),
            }
            e.or(ValidOp::Rectify {
                responsible: i.responsible.trim().to_string(),
                measures: i.measures.trim().to_string(),
                funds: i.funds.trim().to_string(),
                deadline: i.date.trim().to_string(),
                contingency: i.contingency.trim().to_string(),
            })
        }
        Op::RectifyDone => {
            e.text("text", &i.text, 2, NOTE_MAX);
            e.or(ValidOp::RectifyDone { evidence: note })
        }
        Op::RequestExtension => {
            let days = match i.days.trim().parse::<i64>() {
                Ok(d) if (1..=c.deadlines.extension_max_days).contains(&d) => d,
                _ => {
                    e.push("days", "extension_days_range");
                    0
                }
            };
            e.text("reason", &i.reason, 2, NOTE_MAX);
            e.or(ValidOp::RequestExtension { days, reason: i.reason.trim().to_string() })
        }
        Op::DecideExtension => {
            let approve = pick(&mut e, "code", &i.code, &[("approve", true), ("refuse", false)], false);
            if !approve {
                e.text("reason", &i.reason, 2, NOTE_MAX);
            }
            let refusal = (!approve).then(|| i.reason.trim().to_string());
            e.or(ValidOp::DecideExtension { approve, days: c.w.extension_days.unwrap_or(0), refusal })
        }
        Op::Reply => {
            let eligible = pick(&mut e, "code", &i.code, &[("yes", true), ("no", false)], false);
            e.text("text", &i.text, 0, NOTE_MAX);
            let actions: Vec<String> =
                c.w.handling_actions.as_deref().unwrap_or_default().split(',').filter(|s| !s.is_empty()).map(String::from).collect();
            // The bureau replies in Chinese, whatever language the officer's pages are in.
            let text = compose_reply(
                crate::i18n::Locale::zh_CN,
                &ReplyFacts {
                    result: c.w.verification_result.as_deref().unwrap_or_default(),
                    account: c.w.handling_account.as_deref().unwrap_or_default(),
                    actions: &actions,
                    fine_fen: c.w.fine_fen,
                    eligible,
                    merged_with: c.followers,
                    note: &i.text,
                },
            );
            e.or(ValidOp::Reply { text, eligible, objection_until: c.due(Stage::Objection) })
        }
        Op::Escalate => {
            e.text("text", &i.text, 2, NOTE_MAX);
            e.or(ValidOp::Escalate { reason: note, due: c.due(Stage::Review) })
        }
        Op::ReviewResult => {
            let upheld = pick(&mut e, "code", &i.code, &[("upheld", true), ("reverify", false)], true);
            e.text("text", &i.text, 2, NOTE_MAX);
            e.or(ValidOp::ReviewResult { upheld, note, due: (!upheld).then(|| c.due(Stage::Verification)) })
        }
        Op::Close => {
            if c.w.objection_until.is_some_and(|u| u >= c.now) {
                return Err(FieldErrors::op("objection_window_open"));
            }
            Ok(ValidOp::Close)
        }
        Op::RewardDecide => reward::validate_decide(
            &reward::DecideInput { code: &i.code, amount: &i.amount, level: &i.level, deaths: &i.deaths, note: &i.text },
            &reward::DecideCase {
                rules: c.rewards,
                concealed_accident: c.w.report_type == "concealed_accident",
                fine_fen: c.w.fine_fen,
            },
        )
        .map(ValidOp::RewardDecide),
        Op::RewardApprove => {
            reward::validate_approve(&i.version, c.decision.as_ref(), c.user_id, &c.calendar, c.deadlines, c.now)
                .map(ValidOp::RewardApprove)
        }
        Op::RewardPay => reward::validate_pay(&i.text).map(ValidOp::RewardPay),
    }
}

/// Routing (分办): a lead department, cooperating ones, and a reason when the choice differs from
/// the routing table's suggestion (or no rule covers the case).
fn validate_route(mut e: FieldErrors, i: &ActInput, c: &Ctx<'_>) -> Result<ValidOp, FieldErrors> {
    if c.lead.is_none() {
        e.push("lead", "required");
    }
    let lead_id = c.lead.map(|l| l.id);
    let mut cooperating = Vec::new();
    for (code, dept) in i.cooperating.iter().zip(c.cooperating.iter()) {
        match dept {
            Some(d) if Some(d.id) != lead_id => cooperating.push((d.id, code.trim().to_string())),
            Some(_) => e.push("cooperating", "lead_also_cooperating"),
            None => e.push("cooperating", "department_unknown"),
        }
    }
    cooperating.sort();
    cooperating.dedup();
    let matches_suggestion = c.suggestion.as_ref().is_some_and(|(lead, coop)| {
        let mut want: Vec<&str> = coop.iter().map(String::as_str).collect();
        want.sort();
        let mut got: Vec<&str> = cooperating.iter().map(|c| c.1.as_str()).collect();
        got.sort();
        lead == i.lead.trim() && want == got
    });
    if !matches_suggestion {
        e.text("reason", &i.reason, 2, NOTE_MAX);
    }
    e.or(ValidOp::Route {
        lead: lead_id.unwrap_or_default(),
        lead_code: i.lead.trim().to_string(),
        // A town/street station as lead department is a hand-down (交办) to the locality.
        handed_down: c.lead.is_some_and(|l| l.town_id.is_some()),
        cooperating,
        override_reason: (!matches_suggestion).then(|| i.reason.trim().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_767_225_600; // 2026-01-01 00:00 UTC
    const RECEIVED: i64 = NOW - 86_400;

    fn ctx<'a>(dl: &'a DeadlineRules, rr: &'a RewardRules, status: Status) -> Ctx<'a> {
        Ctx {
            id: 10,
            user_id: 1,
            now: NOW,
            w: WorkRow { status, received_at: RECEIVED, reward_status: "none".into(), ..Default::default() },
            calendar: Calendar::default(),
            deadlines: dl,
            rewards: rr,
            other: None,
            other_number: String::new(),
            lead: None,
            cooperating: vec![],
            suggestion: None,
            followers: 0,
            decision: None,
        }
    }

    fn input(f: impl FnOnce(&mut ActInput)) -> ActInput {
        let mut i = ActInput { text: "核查情况说明".into(), ..Default::default() };
        f(&mut i);
        i
    }

    /// The field errors, or the operation when valid.
    fn run(op: Op, i: &ActInput, c: &Ctx<'_>) -> Result<ValidOp, Vec<(String, String)>> {
        validate(op, i, c).map_err(|e| e.0.into_iter().map(|f| (f.field, f.code)).collect())
    }

    fn err(field: &str, code: &str) -> Vec<(String, String)> {
        vec![(field.to_string(), code.to_string())]
    }

    #[test]
    fn operations_as_a_table() {
        let (dl, rr) = (DeadlineRules::default(), RewardRules::default());
        let c = ctx(&dl, &rr, Status::Submitted);
        let due = |stage| dl.deadline(&Calendar::default(), stage, NOW);
        let table: Vec<(Op, ActInput, Result<ValidOp, Vec<(String, String)>>)> = vec![
            (Op::Accept, input(|i| i.text = " ".into()), Ok(ValidOp::Accept { note: String::new(), due: due(Stage::Verification) })),
            (Op::Accept, input(|i| i.text = "a\u{0}".into()), Err(err("text", "invalid_characters"))),
            (Op::Refuse, input(|i| i.code = "out_of_region".into()), Ok(ValidOp::Refuse { code: "out_of_region".into(), note: "核查情况说明".into() })),
            (Op::Refuse, input(|i| i.code = "because".into()), Err(err("code", "required"))),
            (Op::Duplicate, input(|_| ()), Err(err("other_case", "case_unknown"))),
            (Op::Transfer, input(|i| i.target = " 市场监管局 ".into()), Ok(ValidOp::Transfer { target: "市场监管局".into(), note: "核查情况说明".into() })),
            (Op::Transfer, input(|i| i.text = String::new()), Err(vec![("target".into(), "required".into()), ("text".into(), "required".into())])),
            (
                Op::Verify,
                input(|i| {
                    i.code = "true".into();
                    i.actions = vec!["administrative_penalty".into(), " order_rectification".into(), "administrative_penalty".into()];
                    i.amount = "20,000.50".into();
                }),
                Ok(ValidOp::Verify {
                    result: "true".into(),
                    actions: vec!["administrative_penalty".into(), "order_rectification".into()],
                    fine_fen: Some(2_000_050),
                    account: "核查情况说明".into(),
                }),
            ),
            (Op::Verify, input(|i| i.code = "true".into()), Err(err("actions", "required"))),
            (
                Op::Verify,
                input(|i| {
                    i.code = "true".into();
                    i.actions = vec!["administrative_penalty".into()];
                }),
                Err(err("amount", "required")),
            ),
            (Op::Verify, input(|i| { i.code = "true".into(); i.actions = vec!["shrug".into()]; }), Err(err("actions", "action_unknown"))),
            (Op::Rectify, input(|i| { i.responsible = "张三".into(); i.measures = "加装护栏".into(); i.funds = "1万".into(); i.contingency = "停用设备".into(); i.date = "2025-12-31".into(); }), Err(err("date", "date_out_of_range"))),
            (Op::Rectify, input(|i| { i.responsible = "张三".into(); i.measures = "加装护栏".into(); i.funds = "1万".into(); i.contingency = "停用设备".into(); i.date = "2026-02-30".into(); }), Err(err("date", "date_invalid"))),
            (
                Op::Rectify,
                input(|i| { i.responsible = "张三".into(); i.measures = "加装护栏".into(); i.funds = "1万".into(); i.contingency = "停用设备".into(); i.date = "2026-01-15".into(); }),
                Ok(ValidOp::Rectify { responsible: "张三".into(), measures: "加装护栏".into(), funds: "1万".into(), deadline: "2026-01-15".into(), contingency: "停用设备".into() }),
            ),
            (Op::RequestExtension, input(|i| { i.days = "31".into(); i.reason = "需要检测".into(); }), Err(err("days", "extension_days_range"))),
            (Op::RequestExtension, input(|i| { i.days = "30".into(); i.reason = "需要检测".into(); }), Ok(ValidOp::RequestExtension { days: 30, reason: "需要检测".into() })),
            (Op::DecideExtension, input(|i| i.code = "approve".into()), Ok(ValidOp::DecideExtension { approve: true, days: 0, refusal: None })),
            (Op::DecideExtension, input(|i| i.code = "refuse".into()), Err(err("reason", "required"))),
            (Op::DecideExtension, input(|i| i.code = "maybe".into()), Err(vec![("code".into(), "required".into()), ("reason".into(), "required".into())])),
            (Op::Escalate, input(|_| ()), Ok(ValidOp::Escalate { reason: "核查情况说明".into(), due: due(Stage::Review) })),
            (Op::ReviewResult, input(|i| i.code = "upheld".into()), Ok(ValidOp::ReviewResult { upheld: true, note: "核查情况说明".into(), due: None })),
            (Op::ReviewResult, input(|i| i.code = "reverify".into()), Ok(ValidOp::ReviewResult { upheld: false, note: "核查情况说明".into(), due: Some(due(Stage::Verification)) })),
            (Op::ReviewResult, input(|_| ()), Err(err("code", "required"))),
            (Op::Close, input(|_| ()), Ok(ValidOp::Close)),
            (Op::RewardPay, input(|i| i.text = "x".into()), Err(err("text", "too_short"))),
            (Op::RewardApprove, input(|_| ()), Err(err("op", "needs_decision"))),
        ];
        for (op, i, want) in table {
            assert_eq!(run(op, &i, &c), want, "{op:?} {i:?}");
        }
    }

    #[test]
    fn duplicates_and_merges_point_to_an_earlier_open_case() {
        let (dl, rr) = (DeadlineRules::default(), RewardRules::default());
        let other = |id, received_at, status: Status, merged_into| {
            let mut c = ctx(&dl, &rr, Status::Submitted);
            c.other = Some(OtherCase { id, received_at, status, merged_into });
            c.other_number = "AQ0000000001".into();
            c
        };
        let i = input(|_| ());
        assert_eq!(run(Op::Duplicate, &i, &other(10, RECEIVED, Status::Accepted, None)), Err(err("other_case", "not_earlier")));
        assert_eq!(run(Op::Duplicate, &i, &other(11, RECEIVED, Status::Accepted, None)), Err(err("other_case", "not_earlier")));
        assert_eq!(
            run(Op::Duplicate, &i, &other(9, RECEIVED, Status::Closed, None)),
            Ok(ValidOp::Duplicate { of: 9, of_number: "AQ0000000001".into(), note: "核查情况说明".into() })
        );
        assert_eq!(run(Op::Merge, &i, &other(3, RECEIVED - 5, Status::Closed, None)), Err(err("other_case", "primary_not_open")));
        assert_eq!(run(Op::Merge, &i, &other(3, RECEIVED - 5, Status::Verifying, Some(2))), Err(err("other_case", "primary_merged")));
        assert_eq!(
            run(Op::Merge, &i, &other(3, RECEIVED - 5, Status::Verifying, None)),
            Ok(ValidOp::Merge { into: 3, into_number: "AQ0000000001".into(), note: "核查情况说明".into() })
        );
    }

    #[test]
    fn routing_needs_a_reason_only_to_override_the_table() {
        let (dl, rr) = (DeadlineRules::default(), RewardRules::default());
        let mut c = ctx(&dl, &rr, Status::Accepted);
        c.suggestion = Some(("fire".into(), vec!["market".into()]));
        c.lead = Some(Dept { id: 5, town_id: None });
        c.cooperating = vec![Some(Dept { id: 6, town_id: None })];
        let as_suggested = input(|i| {
            i.lead = "fire".into();
            i.cooperating = vec!["market".into()];
        });
        assert_eq!(
            run(Op::Route, &as_suggested, &c),
            Ok(ValidOp::Route { lead: 5, lead_code: "fire".into(), handed_down: false, cooperating: vec![(6, "market".into())], override_reason: None })
        );
        // Another cooperating department: an override, which needs a reason.
        c.cooperating = vec![Some(Dept { id: 7, town_id: None })];
        let other = input(|i| {
            i.lead = "fire".into();
            i.cooperating = vec!["police".into()];
        });
        assert_eq!(run(Op::Route, &other, &c), Err(err("reason", "required")));
        // A town station as lead is a hand-down; the lead may not also cooperate; unknown codes.
        c.lead = Some(Dept { id: 8, town_id: Some(2) });
        c.cooperating = vec![Some(Dept { id: 8, town_id: Some(2) }), None];
        let bad = input(|i| {
            i.lead = "town".into();
            i.cooperating = vec!["town".into(), "nobody".into()];
            i.reason = "就近处置".into();
        });
        assert_eq!(
            run(Op::Route, &bad, &c),
            Err(vec![("cooperating".into(), "lead_also_cooperating".into()), ("cooperating".into(), "department_unknown".into())])
        );
        c.cooperating = vec![];
        let handed = input(|i| {
            i.lead = "town".into();
            i.reason = "就近处置".into();
        });
        assert!(matches!(run(Op::Route, &handed, &c), Ok(ValidOp::Route { handed_down: true, override_reason: Some(_), .. })));
        c.lead = None;
        assert_eq!(run(Op::Route, &handed, &c), Err(err("lead", "required")));
    }

    #[test]
    fn replies_are_composed_from_the_findings_and_close_waits_for_the_objection_window() {
        let (dl, rr) = (DeadlineRules::default(), RewardRules::default());
        let mut c = ctx(&dl, &rr, Status::Verifying);
        c.w.verification_result = Some("true".into());
        c.w.handling_account = Some("现场检查属实".into());
        c.w.handling_actions = Some("order_rectification".into());
        c.followers = 2;
        let Ok(ValidOp::Reply { text, eligible: true, objection_until }) = run(Op::Reply, &input(|i| i.code = "yes".into()), &c) else {
            panic!("a valid reply");
        };
        assert!(text.contains("现场检查属实") && text.contains("核查情况说明"), "{text}");
        assert_eq!(objection_until, dl.deadline(&Calendar::default(), Stage::Objection, NOW));
        assert_eq!(run(Op::Reply, &input(|_| ()), &c), Err(err("code", "required")));
        c.w.objection_until = Some(NOW);
        assert_eq!(run(Op::Close, &input(|_| ()), &c), Err(err("op", "objection_window_open")));
        c.w.objection_until = Some(NOW - 1);
        assert_eq!(run(Op::Close, &input(|_| ()), &c), Ok(ValidOp::Close));
    }
}
