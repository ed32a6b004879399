//! Storage of a reward (server only): the reward officer's decision, the second officer's
//! approval, the reporter's claim with the sealed payee, the payment, and the expiry of unclaimed
//! rewards. Each staff operation is a pure `validate_*` (typed result or the field errors) and a
//! `store_*` that writes inside the caller's transaction; the caller (the case operations in
//! `workflow`) checks role, scope and state first and writes the audit entry.
use super::rules::{parse_reward_case, suggest_reward, RewardRules};
use crate::base::crypto::DataKey;
use crate::base::calendar::{Calendar, DeadlineRules, Stage};
use crate::base::errors::AppError;
use crate::base::validate::FieldErrors;
use crate::cases::rules::{NOTE_MAX, REWARD_CODES};
use crate::cases::ssr::{event, exactly_one, Logged, TimedChange, Tx, TOUCH_UPDATED};
use serde_json::json;

/// The rewards area: the reward rules in force (configuration).
pub fn area(rules: RewardRules) -> crate::state::Area {
    crate::state::Area::new().with(rules)
}

/// A stored decision: (eligible 0/1, reason code, amount in fen, note, decided by, decided at,
/// approved by, approved at).
pub type DecisionRow = (i64, String, i64, String, i64, i64, Option<i64>, Option<i64>);

pub async fn decision(conn: &mut sqlx::AnyConnection, report_id: i64) -> Result<Option<DecisionRow>, AppError> {
    Ok(sqlx::query_as(
        "select eligible, reason_code, amount_fen, note, decided_by, decided_at, approved_by, approved_at \
         from reward_decisions where report_id = $1",
    )
    .bind(report_id)
    .fetch_optional(conn)
    .await?)
}

/// What the reward officer typed.
pub struct DecideInput<'a> {
    pub code: &'a str,
    pub amount: &'a str,
    /// A concealed accident's level (`rules::ACCIDENT_LEVELS`) and concealed deaths as verified.
    pub level: &'a str,
    pub deaths: &'a str,
    pub note: &'a str,
}

/// What the decision depends on besides the input.
pub struct DecideCase<'a> {
    pub rules: &'a RewardRules,
    pub concealed_accident: bool,
    pub fine_fen: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decide {
    pub eligible: bool,
    pub code: String,
    pub amount_fen: i64,
    pub suggested_fen: Option<i64>,
    pub note: String,
    pub level: String,
    pub deaths: String,
}

/// The decision (给予 / 不予奖励): the reason code, and for a reward its amount, which an empty
/// field takes from the configured rules: from the fine, or for a concealed accident from its
/// level and concealed deaths (domain-rules §1). Never over the cap, never zero.
pub fn validate_decide(i: &DecideInput<'_>, c: &DecideCase<'_>) -> Result<Decide, FieldErrors> {
    let mut e = FieldErrors::default();
    if !REWARD_CODES.contains(&i.code) {
        e.push("code", "required");
    }
    let eligible = i.code == "eligible";
    let suggested_fen = if c.concealed_accident {
        if i.level.trim().is_empty() && i.deaths.trim().is_empty() {
            None
        } else {
            match parse_reward_case("concealed", "", i.level.trim(), i.deaths) {
                Ok(case) => Some(suggest_reward(c.rules, &case) * 100),
                Err((field, code)) => {
                    e.push(field, code);
                    None
                }
            }
        }
    } else {
        super::rules::fine_suggestion_fen(c.rules, false, c.fine_fen)
    };
    let mut amount_fen = 0;
    if eligible && i.amount.trim().is_empty() && suggested_fen.is_some() {
        amount_fen = suggested_fen.unwrap_or_default();
    } else if eligible {
        match crate::base::format::parse_yuan(i.amount) {
            Ok(0) => e.push("amount", "amount_zero"),
            Ok(a) if a > c.rules.cap_yuan.saturating_mul(100) => e.push("amount", "amount_over_cap"),
            Ok(a) => amount_fen = a,
            Err(code) => e.push("amount", code),
        }
    }
    e.text("text", i.note, 2, NOTE_MAX);
    e.or(Decide {
        eligible,
        code: i.code.to_string(),
        amount_fen,
        suggested_fen,
        note: i.note.trim().to_string(),
        level: i.level.trim().to_string(),
        deaths: i.deaths.trim().to_string(),
    })
}

/// Store a decision, replacing one not yet approved (an approved one stays: "conflict").
pub async fn store_decide(tx: &mut Tx<'_>, report_id: i64, user_id: i64, d: &Decide, ts: i64) -> Result<Logged, AppError> {
    sqlx::query("delete from reward_decisions where report_id = $1 and approved_by is null")
        .bind(report_id)
        .execute(&mut **tx)
        .await?;
    let done = sqlx::query(
        "insert into reward_decisions (report_id, eligible, reason_code, amount_fen, note, decided_by, decided_at) \
         select $1, $2, $3, $4, $5, $6, $7 where not exists (select 1 from reward_decisions where report_id = $1)",
    )
    .bind(report_id)
    .bind(i64::from(d.eligible))
    .bind(&d.code)
    .bind(d.amount_fen)
    .bind(&d.note)
    .bind(user_id)
    .bind(ts)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::field("op", "conflict"));
    }
    Ok(Logged::because(
        d.code.clone(),
        json!({ "eligible": d.eligible, "amount_fen": d.amount_fen, "suggested_fen": d.suggested_fen,
            "level": d.level, "deaths": d.deaths }),
    ))
}

/// A second officer's approval of the decision they saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approve {
    pub eligible: bool,
    pub amount_fen: i64,
    pub decided_at: i64,
    pub reason_code: String,
    /// For a reward: the end of the claim period (领奖期限), from the approval.
    pub claim_until: Option<i64>,
}

/// The approval is bound to the decision the approver saw (`version`, see
/// `RewardDecision::version`): if the first officer decided again in between, nothing is
/// approved and the page shows the new decision to be looked at again. Nobody approves their own.
pub fn validate_approve(
    version: &str,
    stored: Option<&DecisionRow>,
    user_id: i64,
    calendar: &Calendar,
    deadlines: &DeadlineRules,
    now: i64,
) -> Result<Approve, FieldErrors> {
    let Some((_, code, _, _, by, ..)) = stored else { return Err(FieldErrors::op("needs_decision")) };
    if *by == user_id {
        return Err(FieldErrors::op("own_decision"));
    }
    let Some((eligible, amount_fen, decided_at)) = super::parse_decision_version(version) else {
        return Err(FieldErrors::op("decision_changed"));
    };
    Ok(Approve {
        eligible: eligible == 1,
        amount_fen,
        decided_at,
        reason_code: code.clone(),
        claim_until: (eligible == 1).then(|| deadlines.deadline(calendar, Stage::Claim, now)),
    })
}

pub async fn store_approve(tx: &mut Tx<'_>, report_id: i64, user_id: i64, a: &Approve, ts: i64) -> Result<Logged, AppError> {
    let approved = sqlx::query(
        "update reward_decisions set approved_by = $2, approved_at = $3 \
         where report_id = $1 and approved_by is null and decided_by <> $2 \
         and eligible = $4 and amount_fen = $5 and decided_at = $6",
    )
    .bind(report_id)
    .bind(user_id)
    .bind(ts)
    .bind(i64::from(a.eligible))
    .bind(a.amount_fen)
    .bind(a.decided_at)
    .execute(&mut **tx)
    .await?;
    if approved.rows_affected() != 1 {
        return Err(AppError::field("op", "decision_changed"));
    }
    match a.claim_until {
        Some(until) if a.eligible => {
            exactly_one(
                tx,
                sqlx::query(
                    "update reports set reward_status = 'approved', reward_amount_fen = $2, reward_notified_at = $3, \
                     reward_claim_until = $4, updated_at = $3 where id = $1 and reward_status = 'none'",
                )
                .bind(report_id)
                .bind(a.amount_fen)
                .bind(ts)
                .bind(until),
            )
            .await?;
            event(tx, report_id, "reward_approved", None, None, ts).await?;
            Ok(Logged::details(json!({ "amount_fen": a.amount_fen, "claim_until": until })))
        }
        _ => {
            exactly_one(
                tx,
                sqlx::query("update reports set reward_status = 'denied', updated_at = $2 where id = $1 and reward_status = 'none'")
                    .bind(report_id)
                    .bind(ts),
            )
            .await?;
            event(tx, report_id, "reward_denied", Some(&a.reason_code), None, ts).await?;
            Ok(Logged::details(json!({ "denied": a.reason_code })))
        }
    }
}

/// The payment of a claimed reward, with its payment reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pay {
    pub reference: String,
}

pub fn validate_pay(reference: &str) -> Result<Pay, FieldErrors> {
    let mut e = FieldErrors::default();
    e.text("text", reference, 2, 100);
    e.or(Pay { reference: reference.trim().to_string() })
}

pub async fn store_pay(tx: &mut Tx<'_>, report_id: i64, p: &Pay, ts: i64) -> Result<Logged, AppError> {
    exactly_one(
        tx,
        sqlx::query(
            "update reports set reward_status = 'paid', reward_paid_at = $2, payment_reference = $3, updated_at = $2 \
             where id = $1 and reward_status = 'claimed'",
        )
        .bind(report_id)
        .bind(ts)
        .bind(&p.reference),
    )
    .await?;
    event(tx, report_id, "reward_paid", None, None, ts).await?;
    Ok(Logged::details(json!({ "reference": p.reference })))
}

/// Longest payee name.
pub const PAYEE_NAME_MAX: usize = 50;

/// Who the reward is paid to: stored sealed with the data key (`reward_claims`), opened only by
/// a reward officer with a reason, audit-logged.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Payee {
    pub name: String,
    pub id_number: String,
    pub bank: String,
    pub account: String,
}

/// The payee fields as they may be stored (the identity card's check digit, the account digits).
pub fn validate_payee(name: &str, id_number: &str, bank: &str, account: &str) -> Result<Payee, FieldErrors> {
    use crate::base::validate::{valid_account_number, valid_id_number};
    let mut e = FieldErrors::default();
    e.text("payee_name", name, 2, PAYEE_NAME_MAX);
    if !valid_id_number(id_number) {
        e.push("id_number", "id_number_invalid");
    }
    e.text("bank", bank, 2, 100);
    if !valid_account_number(account) {
        e.push("account", "account_invalid");
    }
    e.or(Payee {
        name: name.trim().into(),
        id_number: id_number.trim().to_ascii_uppercase(),
        bank: bank.trim().into(),
        account: account.chars().filter(|c| *c != ' ').collect(),
    })
}

/// What a payee's ciphertext is bound to: its report.
fn payee_context(report_id: i64) -> String {
    format!("reward_claims:{report_id}")
}

/// Decrypt a claim's payee (staff side; the caller logs the reveal).
pub fn open_payee(key: &DataKey, report_id: i64, sealed: &str) -> Result<Payee, AppError> {
    let plain = key.decrypt(sealed, &payee_context(report_id)).map_err(|e| AppError::internal("payee", e))?;
    serde_json::from_slice(&plain).map_err(|e| AppError::internal("payee", e))
}

/// Store the claim of an approved reward within its claim period: the payee sealed, the status
/// `claimed`, a timeline entry. `t` is the exact time (for the claim period), `ts` the time the
/// reporter's side records (rounded to the day, see `reports`). "cannot_claim" otherwise.
pub async fn store_claim(tx: &mut Tx<'_>, key: &DataKey, report_id: i64, payee: &Payee, t: i64, ts: i64) -> Result<(), AppError> {
    let plain = serde_json::to_vec(payee).map_err(|e| AppError::internal("payee", e))?;
    let sealed = key.encrypt(&plain, &payee_context(report_id));
    let done = sqlx::query(&format!(
        "update reports set reward_status = 'claimed', {TOUCH_UPDATED} \
         where id = $1 and reward_status = 'approved' and reward_claim_until >= $3"
    ))
    .bind(report_id)
    .bind(ts)
    .bind(t)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::field("claim_code", "cannot_claim"));
    }
    sqlx::query("insert into reward_claims (report_id, sealed, created_at) values ($1, $2, $3)")
        .bind(report_id)
        .bind(sealed)
        .bind(ts)
        .execute(&mut **tx)
        .await?;
    event(tx, report_id, "reward_claimed", None, None, ts).await?;
    Ok(())
}

/// Approved rewards whose claim period has passed expire (run by the daily job).
pub const EXPIRY: TimedChange = TimedChange {
    due: "select id from reports where reward_status = 'approved' and reward_claim_until < $1",
    update: "update reports set reward_status = 'expired', updated_at = $2 where id = $1 and reward_status = 'approved' \
             and reward_claim_until < $2",
    event: "reward_expired",
    action: "reward_expired",
    reason: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(code: &'a str, amount: &'a str, level: &'a str, deaths: &'a str) -> DecideInput<'a> {
        DecideInput { code, amount, level, deaths, note: "核查属实" }
    }

    fn codes(r: Result<Decide, FieldErrors>) -> Vec<(String, String)> {
        match r {
            Ok(_) => vec![],
            Err(e) => e.0.into_iter().map(|f| (f.field, f.code)).collect(),
        }
    }

    #[test]
    fn decisions_as_a_table() {
        let rules = RewardRules::default();
        let hazard = DecideCase { rules: &rules, concealed_accident: false, fine_fen: Some(200_000_00) };
        let unfined = DecideCase { rules: &rules, concealed_accident: false, fine_fen: None };
        let concealed = DecideCase { rules: &rules, concealed_accident: true, fine_fen: None };
        // An empty amount takes the rules' amount: 15 % of a ¥200,000 fine.
        let d = validate_decide(&input("eligible", "", "", ""), &hazard).map_err(|e| e.0);
        assert_eq!(d.map(|d| (d.amount_fen, d.suggested_fen)), Ok((30_000_00, Some(30_000_00))));
        // A typed amount wins; over the cap or zero is refused.
        assert_eq!(validate_decide(&input("eligible", "5000", "", ""), &hazard).map(|d| d.amount_fen), Ok(5_000_00));
        assert_eq!(codes(validate_decide(&input("eligible", "300001", "", ""), &hazard)), [("amount".into(), "amount_over_cap".into())]);
        assert_eq!(codes(validate_decide(&input("eligible", "0", "", ""), &hazard)), [("amount".into(), "amount_zero".into())]);
        // No fine and no amount: the officer must give one.
        assert!(!codes(validate_decide(&input("eligible", "", "", ""), &unfined)).is_empty());
        // A concealed accident: two deaths at the "larger" level.
        let d = validate_decide(&input("eligible", "", "larger", "2"), &concealed);
        assert_eq!(d.map(|d| d.amount_fen), Ok(80_000_00));
        assert_eq!(codes(validate_decide(&input("eligible", "", "larger", "0"), &concealed)), [("deaths".into(), "deaths_out_of_range".into()), ("amount".into(), "required".into())]);
        // A refusal carries no amount; an unknown reason is refused.
        assert_eq!(validate_decide(&input("media_exposed", "", "", ""), &hazard).map(|d| (d.eligible, d.amount_fen)), Ok((false, 0)));
        assert_eq!(codes(validate_decide(&input("because", "", "", ""), &hazard)), [("code".into(), "required".into())]);
        let short = DecideInput { note: "x", ..input("media_exposed", "", "", "") };
        assert_eq!(codes(validate_decide(&short, &hazard)), [("text".into(), "too_short".into())]);
    }

    #[test]
    fn approval_is_bound_to_the_decision_seen_and_never_ones_own() {
        let cal = Calendar::default();
        let dl = DeadlineRules::default();
        let row: DecisionRow = (1, "eligible".into(), 5_000_00, "n".into(), 7, 1_000, None, None);
        let op = |r: Result<Approve, FieldErrors>| r.map_err(|e| e.0[0].code.clone());
        assert_eq!(op(validate_approve("1:500000:1000", None, 8, &cal, &dl, 2_000)), Err("needs_decision".into()));
        assert_eq!(op(validate_approve("1:500000:1000", Some(&row), 7, &cal, &dl, 2_000)), Err("own_decision".into()));
        assert_eq!(op(validate_approve("garbage", Some(&row), 8, &cal, &dl, 2_000)), Err("decision_changed".into()));
        let a = validate_approve("1:500000:1000", Some(&row), 8, &cal, &dl, 2_000).map_err(|e| e.0);
        assert!(a.as_ref().is_ok_and(|a| a.eligible && a.amount_fen == 5_000_00 && a.claim_until.is_some_and(|u| u > 2_000)));
        let denied = validate_approve("0:0:1000", Some(&row), 8, &cal, &dl, 2_000).map_err(|e| e.0);
        assert!(denied.is_ok_and(|a| !a.eligible && a.claim_until.is_none()));
        assert_eq!(validate_pay(" 银行回单 001 ").map(|p| p.reference), Ok("银行回单 001".to_string()));
        assert!(validate_pay("").is_err());
    }

    #[test]
    fn payees_are_checked_normalised_and_sealed_to_their_report() {
        let p = validate_payee(" 张三 ", "11010519491231002x", "工商银行", "6222 0000 1111 2222").map_err(|e| e.0);
        let p = p.as_ref().map(|p| (p.name.as_str(), p.id_number.as_str(), p.account.as_str()));
        assert_eq!(p, Ok(("张三", "11010519491231002X", "6222000011112222")));
        let bad = validate_payee("张", "110105194912310021", "", "12ab").map_err(|e| e.0.into_iter().map(|f| f.field).collect::<Vec<_>>());
        assert_eq!(bad, Err(vec!["payee_name".into(), "id_number".into(), "bank".into(), "account".into()]));
        let key = DataKey::from_base64(&DataKey::generate_base64()).map_err(|e| e.to_string());
        let Ok(key) = key else { panic!("a generated key loads") };
        let payee = Payee { name: "张三".into(), id_number: "X".into(), bank: "B".into(), account: "1".into() };
        let sealed = key.encrypt(&serde_json::to_vec(&payee).unwrap_or_default(), &payee_context(7));
        assert_eq!(open_payee(&key, 7, &sealed).ok(), Some(payee));
        assert!(open_payee(&key, 8, &sealed).is_err(), "bound to its report");
    }
}
