//! Following a case with its number and access code: lookup, the grant in the session, the reporter's view, messages, withdrawal, objection and the reward claim.
use crate::cases::ssr::TOUCH_UPDATED;
use crate::cases::Status;
use super::*;

pub(super) fn case_throttle_key(number: &str) -> String {
    format!("case:{number}")
}

/// Check number + code. Unknown numbers and wrong codes get the same answer after the same
/// argon2 work, and wrong codes count against the case number (not the client).
pub async fn lookup(state: &AppState, client: Option<IpAddr>, number: &str, code: &str) -> Result<i64, AppError> {
    use crate::accounts::ssr as acc;
    let s = settings(state)?;
    let number = crate::cases::normalize_code(number);
    let code = crate::cases::normalize_code(code);
    if !crate::cases::is_case_number(&number) {
        return Err(AppError::field("case_number", "case_number_invalid"));
    }
    if !crate::cases::is_access_code(&code) {
        return Err(AppError::field("access_code", "access_code_invalid"));
    }
    // Only well-formed lookups (which cost argon2 work) count against the client's budget.
    if !state.area::<abuse::RateLimiter>()?.allow(Bucket::Lookup.key(), client, s.lookups_per_hour) {
        return Err(AppError::RateLimited);
    }
    let key = case_throttle_key(&number);
    slow_down_if_guessed(state, &key).await?;
    let row: Option<(i64, String)> = sqlx::query_as("select id, access_hash from reports where case_number = $1")
        .bind(&number)
        .fetch_optional(&state.db.pool)
        .await?;
    let hash = row.as_ref().map(|r| r.1.clone()).unwrap_or_else(acc::dummy_hash);
    let ok = state.run_cpu(move || acc::verify_password_blocking(&code, &hash)).await?;
    match row {
        Some((id, _)) if ok => {
            acc::key_clear(&state.db, &key).await?;
            Ok(id)
        }
        _ => {
            acc::key_record_failure(&state.db, &key, s.case_max_failures, s.case_lock_seconds).await?;
            Err(AppError::field("access_code", "lookup_failed"))
        }
    }
}

/// How long every further try on a case number waits once it has had `case_max_failures` wrong
/// codes within `case_lock_seconds`.
pub(super) const GUESS_SLOWDOWN: std::time::Duration = std::time::Duration::from_secs(2);

/// Anyone who knows a case number (it is printed on staff sheets) could otherwise lock the
/// reporter out by sending wrong codes. With 100-bit codes guessing is hopeless anyway, so wrong
/// guesses only slow down further tries on that number; the right code is never refused.
pub(super) async fn slow_down_if_guessed(state: &AppState, key: &str) -> Result<(), AppError> {
    let s = settings(state)?;
    if crate::accounts::ssr::key_failures(&state.db, key, s.case_lock_seconds).await? >= s.case_max_failures {
        tokio::time::sleep(GUESS_SLOWDOWN).await;
    }
    Ok(())
}

pub async fn grant(session: &Session, state: &AppState, report_id: i64) -> Result<(), AppError> {
    // A new session id at the moment of proving the code (no fixation); the grant is sealed.
    session.cycle_id().await.map_err(|e| AppError::internal("session", e))?;
    put_sealed(&state.data_key, session, SESSION_GRANT, &Grant { report_id, until: now() + settings(state)?.grant_minutes * 60 }).await
}

pub async fn granted(state: &AppState, session: &Session) -> Result<Option<i64>, AppError> {
    let g: Option<Grant> = get_sealed(&state.data_key, session, SESSION_GRANT).await?;
    Ok(g.filter(|g| g.until > now()).map(|g| g.report_id))
}

pub async fn require_grant(state: &AppState, session: &Session) -> Result<i64, AppError> {
    granted(state, session).await?.ok_or(AppError::Unauthorized)
}

#[derive(sqlx::FromRow)]
pub(super) struct CaseRow {
    pub(super) case_number: String,
    pub(super) status: Status,
    pub(super) received_at: i64,
    pub(super) due_at: Option<i64>,
    pub(super) anonymous: i64,
    pub(super) reply_text: Option<String>,
    pub(super) replied_at: Option<i64>,
    pub(super) objection_until: Option<i64>,
    pub(super) reward_status: String,
    pub(super) reward_amount_fen: Option<i64>,
    pub(super) reward_claim_until: Option<i64>,
}


pub async fn case_view(state: &AppState, session: &Session, report_id: i64) -> Result<CaseView, AppError> {
    let r: CaseRow = sqlx::query_as(
        "select case_number, status, received_at, due_at, anonymous, reply_text, replied_at, objection_until, \
         reward_status, reward_amount_fen, reward_claim_until from reports where id = $1",
    )
    .bind(report_id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    // Routing entries carry the lead department's code: shown by name in the reader's language.
    type Ev = (String, Option<String>, Option<String>, i64, Option<String>, Option<String>, Option<String>);
    let timeline: Vec<Ev> = sqlx::query_as(
        "select e.kind, e.code, e.note, e.created_at, d.code, d.name_zh, d.name_en from report_events e \
         left join departments d on e.kind = 'verifying' and d.code = e.note where e.report_id = $1 order by e.id",
    )
    .bind(report_id)
    .fetch_all(&state.db.pool)
    .await?;
    let messages: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "select id, author, body, created_at from report_messages where report_id = $1 order by id",
    )
    .bind(report_id)
    .fetch_all(&state.db.pool)
    .await?;
    let counts: Vec<(i64, i64)> = sqlx::query_as(
        "select message_id, count(*) from attachments where report_id = $1 and message_id is not null group by message_id",
    )
    .bind(report_id)
    .fetch_all(&state.db.pool)
    .await?;
    let count_of = |id: i64| counts.iter().find(|c| c.0 == id).map(|c| c.1 as u32).unwrap_or(0);
    let message_error: Option<AppError> = take_sealed(&state.data_key, session, SESSION_MESSAGE_ERROR).await?;
    let t = now();
    let can_object = r.status == Status::Replied && r.objection_until.is_some_and(|u| u >= t);
    let can_claim = r.reward_status == "approved" && r.reward_claim_until.is_some_and(|u| u >= t);
    Ok(CaseView {
        can_withdraw: Status::WITHDRAWABLE.contains(&r.status) && r.reply_text.is_none(),
        can_message: !Status::MESSAGE_CLOSED.contains(&r.status),
        can_object,
        can_claim,
        case_number: r.case_number,
        status: r.status.as_str().to_string(),
        received_at: r.received_at,
        due_at: r.due_at,
        anonymous: r.anonymous == 1,
        timeline: timeline
            .into_iter()
            .map(|(kind, code, note, at, d_code, d_zh, d_en)| {
                let department = d_code.map(|code| Choice { code, name_zh: d_zh.unwrap_or_default(), name_en: d_en.unwrap_or_default() });
                let note = if department.is_some() { None } else { note };
                TimelineEntry { kind, code, note, department, at }
            })
            .collect(),
        reply: r.reply_text,
        replied_at: r.replied_at,
        messages: messages
            .into_iter()
            .map(|(id, author, body, at)| CaseMessage { author, body, at, files: count_of(id) })
            .collect(),
        objection_until: r.objection_until,
        reward_status: r.reward_status,
        reward_amount_fen: r.reward_amount_fen,
        reward_claim_until: r.reward_claim_until,
        message_token: abuse::issue_token(&state.data_key, PURPOSE_MESSAGE, settings(state)?.form_ttl_secs),
        message_error,
    })
}

/// A reporter's message with optional files, in one transaction.
pub async fn add_reporter_message(state: &AppState, report_id: i64, mut form: UploadForm) -> Result<(), AppError> {
    // Token, replay and the client's budget were checked as the form arrived (`FormGate`).
    let token = form.admit()?;
    let body = form.text("body");
    let mut errs = Vec::new();
    crate::base::validate::check_text(&mut errs, "body", &body, 1, crate::cases::MESSAGE_MAX);
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let status: Status = sqlx::query_scalar("select status from reports where id = $1")
        .bind(report_id)
        .fetch_one(&state.db.pool)
        .await?;
    if Status::MESSAGE_CLOSED.contains(&status) {
        return Err(AppError::field("body", "case_closed"));
    }
    let files = clean_files(state, form.files).await?;
    let ts = reporter_day(now());
    let mut tx = state.db.begin().await?;
    abuse::spend_token(&mut tx, &token).await?;
    let message_id: i64 = sqlx::query_scalar(
        "insert into report_messages (report_id, author, body, created_at) values ($1, 'reporter', $2, $3) returning id",
    )
    .bind(report_id)
    .bind(body.trim())
    .bind(ts)
    .fetch_one(&mut *tx)
    .await?;
    insert_attachments(&state.data_key, &mut tx, report_id, Some(message_id), &files, ts).await?;
    sqlx::query(&format!("update reports set {TOUCH_UPDATED} where id = $1")).bind(report_id).bind(ts).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn withdraw(state: &AppState, report_id: i64) -> Result<(), AppError> {
    let ts = reporter_day(now());
    let mut tx = state.db.begin().await?;
    let done = sqlx::query(&format!(
        "update reports set status = 'withdrawn', withdrawn_at = $2, {TOUCH_UPDATED} \
         where id = $1 and reply_text is null and status in {withdrawable}",
        withdrawable = crate::cases::sql_list(&Status::WITHDRAWABLE)
    ))
    .bind(report_id)
    .bind(ts)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::field("withdraw", "cannot_withdraw"));
    }
    crate::cases::ssr::event(&mut tx, report_id, "withdrawn", None, None, ts).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn object(state: &AppState, report_id: i64, body: &str) -> Result<(), AppError> {
    let mut errs = Vec::new();
    crate::base::validate::check_text(&mut errs, "objection", body, rules::OBJECTION_MIN, crate::cases::MESSAGE_MAX);
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let (t, ts) = (now(), reporter_day(now()));
    let mut tx = state.db.begin().await?;
    let done = sqlx::query(&format!(
        "update reports set status = 'objection', {TOUCH_UPDATED} \
         where id = $1 and status = 'replied' and objection_until >= $3"
    ))
    .bind(report_id)
    .bind(ts)
    .bind(t)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::field("objection", "cannot_object"));
    }
    sqlx::query("insert into objections (report_id, body, created_at) values ($1, $2, $3)")
        .bind(report_id)
        .bind(body.trim())
        .bind(ts)
        .execute(&mut *tx)
        .await?;
    crate::cases::ssr::event(&mut tx, report_id, "objection", None, None, ts).await?;
    tx.commit().await?;
    Ok(())
}

pub struct ClaimInput {
    pub access_code: String,
    pub payee_name: String,
    pub id_number: String,
    pub bank: String,
    pub account: String,
}

/// Claim an approved reward: the access code again, then the payee's identity and account
/// (checked, sealed and stored by `rewards`).
pub async fn claim(state: &AppState, report_id: i64, input: ClaimInput) -> Result<(), AppError> {
    use crate::accounts::ssr as acc;
    let payee = crate::rewards::ssr::validate_payee(&input.payee_name, &input.id_number, &input.bank, &input.account);
    let mut errs = payee.as_ref().err().map(|e| e.0.clone()).unwrap_or_default();
    let (number, hash): (String, String) = sqlx::query_as("select case_number, access_hash from reports where id = $1")
        .bind(report_id)
        .fetch_one(&state.db.pool)
        .await?;
    let key = case_throttle_key(&number);
    slow_down_if_guessed(state, &key).await?;
    let code = crate::cases::normalize_code(&input.access_code);
    let ok = crate::cases::is_access_code(&code) && state.run_cpu(move || acc::verify_password_blocking(&code, &hash)).await?;
    if !ok {
        acc::key_record_failure(&state.db, &key, settings(state)?.case_max_failures, settings(state)?.case_lock_seconds)
            .await?;
        errs.insert(0, FieldError { field: "claim_code".into(), code: "lookup_failed".into() });
    }
    let payee = match payee {
        Ok(p) if errs.is_empty() => p,
        _ => return Err(AppError::Validation(errs)),
    };
    let (t, ts) = (now(), reporter_day(now()));
    let mut tx = state.db.begin().await?;
    crate::rewards::ssr::store_claim(&mut tx, &state.data_key, report_id, &payee, t, ts).await?;
    tx.commit().await?;
    Ok(())
}
