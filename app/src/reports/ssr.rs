//! Storage of reports and everything a reporter does with them. A report is stored in one
//! transaction with its attachments, sealed identity and first timeline entry, or not at all.
use super::abuse::{self, Bucket, CheckedToken};
use super::media::{self, CleanFile};
use crate::base::spool::{Spool, SpoolError, SpooledFile};
use super::rules;
use crate::org::Choice;
use crate::cases::CaseMessage;
use super::{CaseView, FormChoice, Receipt, ReportDraft, ReportFormContext, TimelineEntry};
use crate::base::db::now;
use crate::base::errors::{AppError, FieldError};
use crate::base::sealed::{get_sealed, put_sealed, take_sealed};
use crate::state::AppState;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::IpAddr;
use tower_sessions::Session;

/// Limits and deadlines of the tip-off; every one is configuration (see the README table).
#[derive(Clone, Debug)]
pub struct ReportSettings {
    pub max_files: usize,
    pub max_file_bytes: usize,
    pub pow_bits: u32,
    pub nojs_delay_ms: u64,
    pub form_ttl_secs: i64,
    pub submits_per_hour: u32,
    pub lookups_per_hour: u32,
    pub messages_per_hour: u32,
    pub case_max_failures: i64,
    pub case_lock_seconds: i64,
    /// Minutes a successful lookup stays valid in the session.
    pub grant_minutes: i64,
    /// Reverse proxies whose X-Forwarded-For names the client (for the in-memory limits only).
    pub proxies: abuse::TrustedProxies,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            max_files: 6,
            max_file_bytes: 10 * 1024 * 1024,
            pow_bits: 18,
            nojs_delay_ms: 2000,
            form_ttl_secs: 4 * 3600,
            submits_per_hour: 10,
            lookups_per_hour: 60,
            messages_per_hour: 30,
            case_max_failures: 5,
            case_lock_seconds: 3600,
            grant_minutes: 30,
            proxies: Default::default(),
        }
    }
}

/// The tip-off's settings, as the server registered them.
pub fn settings(state: &AppState) -> Result<&ReportSettings, AppError> {
    state.area::<ReportSettings>()
}

impl ReportSettings {
    /// The largest request body an upload route accepts.
    pub fn upload_body_limit(&self) -> usize {
        self.max_files * self.max_file_bytes + 256 * 1024
    }
}

pub const SESSION_RECEIPT: &str = "report.receipt";
pub const SESSION_FLASH: &str = "report.flash";
pub const SESSION_GRANT: &str = "report.grant";
pub const SESSION_MESSAGE_ERROR: &str = "report.message_error";
pub const PURPOSE_REPORT: &str = "report";
pub const PURPOSE_MESSAGE: &str = "message";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flash {
    pub error: AppError,
    pub draft: ReportDraft,
}

/// A successful lookup, kept in the session (the code itself is never kept).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Grant {
    pub report_id: i64,
    pub until: i64,
}

// ---- reference data -------------------------------------------------------------------------------

/// The form's context with the choices named in the page's language.
pub async fn form_context(
    state: &AppState,
    session: &Session,
    locale: crate::i18n::Locale,
) -> Result<ReportFormContext, AppError> {
    let flash: Option<Flash> = take_sealed(&state.data_key, session, SESSION_FLASH).await?;
    let s = settings(state)?;
    let choices = state.area::<crate::org::ssr::ChoiceCache>()?.get(&state.db).await?;
    Ok(ReportFormContext {
        sectors: choices.sectors.iter().map(|c| FormChoice::named(c, locale)).collect(),
        towns: choices.towns.iter().map(|c| FormChoice::named(c, locale)).collect(),
        token: abuse::issue_token(&state.data_key, PURPOSE_REPORT, s.form_ttl_secs),
        pow_bits: s.pow_bits,
        max_files: s.max_files as u32,
        max_file_mb: (s.max_file_bytes / (1024 * 1024)).max(1) as u32,
        draft: flash.as_ref().map(|f| f.draft.clone()),
        error: flash.map(|f| f.error),
    })
}

// ---- multipart forms ------------------------------------------------------------------------------

/// A multipart form read within limits: text fields (valid UTF-8 only) and the files, spooled
/// to disk (see `crate::spool`). The file names and types the browser sends are ignored.
#[derive(Default)]
pub struct UploadForm {
    pub fields: HashMap<String, String>,
    pub files: Vec<SpooledFile>,
    /// The form's token, valid and unspent when it arrived; the client's budget was charged then.
    pub token: Option<CheckedToken>,
    /// Why the form is refused although its token was genuine (used already, or the client is
    /// over its limit): its files were skipped, its text is kept to refill the form.
    pub refused: Option<AppError>,
}

impl UploadForm {
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.fields.get(name).map(String::as_str), Some("on" | "true" | "1" | "yes"))
    }

    /// The checked token, or why the form cannot be taken.
    fn admit(&mut self) -> Result<CheckedToken, AppError> {
        if let Some(e) = self.refused.take() {
            return Err(e);
        }
        self.token.take().ok_or_else(|| AppError::field("form", "form_token_invalid"))
    }
}

const MAX_FIELD_BYTES: usize = 32 * 1024;

/// Who may send a form with files: the signed form token for `purpose` must come before any file
/// (the form puts it first) and is checked when it arrives, with whether it was used already and
/// the client's per-hour budget for `bucket` (charged only for a genuine, unspent token). So the
/// files of a forged or replayed post are never read, and nobody can use up the budget of
/// everyone behind the same proxy with junk.
pub struct FormGate<'a> {
    pub state: &'a AppState,
    pub purpose: &'static str,
    pub bucket: Bucket,
    pub client: Option<IpAddr>,
}

impl FormGate<'_> {
    async fn admit(&self, text: &str) -> Result<CheckedToken, AppError> {
        let st = self.state;
        let token = abuse::check_token(&st.data_key, self.purpose, text)?;
        if abuse::token_spent(&st.db, &token.nonce).await? {
            return Err(AppError::field("form", "form_token_used"));
        }
        let per_hour = match self.bucket {
            Bucket::Submit => settings(st)?.submits_per_hour,
            Bucket::Lookup => settings(st)?.lookups_per_hour,
            Bucket::Message => settings(st)?.messages_per_hour,
        };
        if !st.area::<abuse::RateLimiter>()?.allow(self.bucket, self.client, per_hour) {
            return Err(AppError::RateLimited);
        }
        Ok(token)
    }
}

/// Read a multipart form through `gate`, spooling its files (each within the size limit, at most
/// `max_files`); memory holds only the text fields and one write buffer.
pub async fn read_multipart(
    mut mp: axum::extract::Multipart,
    spool: &Spool,
    gate: FormGate<'_>,
) -> Result<UploadForm, AppError> {
    let settings = settings(gate.state)?;
    let mut form = UploadForm::default();
    let malformed = |_| AppError::Request("bad_form".into());
    while let Some(mut field) = mp.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "files" {
            if form.token.is_none() && form.refused.is_none() {
                return Err(AppError::field("form", "form_token_invalid"));
            }
            if form.refused.is_some() {
                // A refused form's files are read past, not kept.
                while field.chunk().await.map_err(malformed)?.is_some() {}
                continue;
            }
            let mut writer = None;
            while let Some(chunk) = field.chunk().await.map_err(malformed)? {
                if chunk.is_empty() {
                    continue;
                }
                let w = match &mut writer {
                    Some(w) => w,
                    None => {
                        if form.files.len() >= settings.max_files {
                            return Err(AppError::field("files", "too_many_files"));
                        }
                        writer.insert(spool.writer().await?)
                    }
                };
                if w.len() + chunk.len() as u64 > settings.max_file_bytes as u64 {
                    return Err(AppError::field("files", "file_too_large"));
                }
                w.write(&chunk).await?;
            }
            // No writer: an empty file input.
            if let Some(w) = writer {
                form.files.push(w.finish().await?);
            }
        } else {
            let mut buf = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(malformed)? {
                if buf.len() + chunk.len() > MAX_FIELD_BYTES {
                    return Err(AppError::field(&name, "too_long"));
                }
                buf.extend_from_slice(&chunk);
            }
            let text = String::from_utf8(buf).map_err(|_| AppError::field(&name, "invalid_utf8"))?;
            if name == "form_token" {
                if form.token.is_some() || form.refused.is_some() {
                    return Err(AppError::field("form", "form_token_invalid"));
                }
                match gate.admit(&text).await {
                    Ok(token) => form.token = Some(token),
                    // A forged or expired token: stop reading at once.
                    Err(e @ AppError::Validation(_)) if !is_used_token(&e) => return Err(e),
                    Err(e) => form.refused = Some(e),
                }
            }
            form.fields.insert(name, text);
        }
    }
    Ok(form)
}

fn is_used_token(e: &AppError) -> bool {
    matches!(e, AppError::Validation(errs) if errs.iter().any(|f| f.code == "form_token_used"))
}

/// An attachment checked and cleaned, waiting in the spool to be stored.
struct Cleaned {
    kind: media::Kind,
    content_type: &'static str,
    metadata_removed: bool,
    gps: Option<(f64, f64)>,
    sha256: String,
    file: SpooledFile,
}

/// Read one spooled upload, clean it and spool the result (on a blocking thread; the upload's
/// file is deleted as soon as it is read).
fn clean_spooled(file: SpooledFile) -> Result<Result<Cleaned, media::MediaError>, SpoolError> {
    use sha2::Digest as _;
    let spool = file.spool().clone();
    let raw = file.read_blocking()?;
    drop(file);
    let clean: CleanFile = match media::clean(raw) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let sha256 = hex::encode(sha2::Sha256::digest(&clean.bytes));
    let stored = spool.store_blocking(&clean.bytes)?;
    Ok(Ok(Cleaned {
        kind: clean.kind,
        content_type: clean.content_type,
        metadata_removed: clean.metadata_removed,
        gps: clean.gps,
        sha256,
        file: stored,
    }))
}

/// Check every attachment on the CPU pool, one job per file (so a single report uses every core);
/// the first refused file fails the whole form.
async fn clean_files(state: &AppState, files: Vec<SpooledFile>) -> Result<Vec<Cleaned>, AppError> {
    let mut jobs = tokio::task::JoinSet::new();
    for (i, file) in files.into_iter().enumerate() {
        let st = state.clone();
        jobs.spawn(async move { (i, st.run_cpu(move || clean_spooled(file)).await) });
    }
    let mut results = Vec::new();
    while let Some(joined) = jobs.join_next().await {
        let (i, r) = joined.map_err(|e| AppError::internal("attachment job", e))?;
        results.push((i, r??));
    }
    results.sort_by_key(|(i, _)| *i);
    let mut out = Vec::new();
    for (i, r) in results {
        match r {
            Ok(f) => out.push(f),
            Err(e) => {
                tracing::info!(file = i + 1, reason = e.code(), "attachment refused");
                return Err(AppError::field("files", e.code()));
            }
        }
    }
    Ok(out)
}

/// What an attachment's ciphertext is bound to: its report and content digest.
pub fn attachment_context(report_id: i64, sha256: &str) -> String {
    format!("attachments:{report_id}:{sha256}")
}

/// Attachments are stored encrypted with the data key (`sealed = 1`): a copy of the database or
/// a backup alone does not show reporters' photos and documents.
async fn insert_attachments(
    key: &crate::base::crypto::DataKey,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    report_id: i64,
    message_id: Option<i64>,
    files: &[Cleaned],
    ts: i64,
) -> Result<(), AppError> {
    // One file in memory at a time.
    for f in files {
        let bytes = f.file.read().await?;
        let sealed = key.encrypt_bytes(&bytes, &attachment_context(report_id, &f.sha256));
        drop(bytes);
        sqlx::query(
            "insert into attachments (report_id, message_id, kind, content_type, size_bytes, sha256, \
             metadata_removed, data, created_at, sealed) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)",
        )
        .bind(report_id)
        .bind(message_id)
        .bind(f.kind.as_str())
        .bind(f.content_type)
        .bind(f.file.len() as i64)
        .bind(&f.sha256)
        .bind(i64::from(f.metadata_removed))
        .bind(sealed)
        .bind(ts)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn add_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    report_id: i64,
    kind: &str,
    note: Option<&str>,
    ts: i64,
) -> Result<(), AppError> {
    sqlx::query("insert into report_events (report_id, kind, note, created_at) values ($1, $2, $3, $4)")
        .bind(report_id)
        .bind(kind)
        .bind(note)
        .bind(ts)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// ---- submitting -------------------------------------------------------------------------------------

/// Times of what a reporter does are stored to the day (00:00 China time), the precision the
/// deadlines need: to the second they could be matched with a proxy or network log to find who
/// sent a report. Order comes from the row sequence (ids), not from these times.
pub fn reporter_day(ts: i64) -> i64 {
    crate::base::calendar::Day::of_timestamp(ts).start_timestamp()
}

/// `updated_at` moved forward to `day` (never back: staff may have touched the case later that day).
const TOUCH_UPDATED: &str = "updated_at = case when updated_at > $2 then updated_at else $2 end";

fn random_symbols(n: usize) -> String {
    let mut rng = rand::rngs::OsRng;
    (0..n).map(|_| crate::cases::CODE_ALPHABET[rng.gen_range(0..32)] as char).collect()
}

/// Today's date in China ("YYYY-MM-DD"), to refuse dates in the future.
fn today_in_china() -> String {
    let t = time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC));
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

fn draft_from(form: &UploadForm) -> ReportDraft {
    ReportDraft {
        report_type: form.text("report_type"),
        sector: form.text("sector"),
        town: form.text("town"),
        unit_name: form.text("unit_name"),
        address: form.text("address"),
        latitude: form.text("latitude"),
        longitude: form.text("longitude"),
        use_photo_location: form.flag("use_photo_location"),
        seen_on: form.text("seen_on"),
        description: form.text("description"),
        anonymous: form.text("identity") != "real_name",
        works_there: form.text("works_there"),
        joint_reporters: form.text("joint_reporters"),
    }
}


/// Handle a submitted report form. On failure the draft comes back for refilling the form.
pub async fn submit_report(
    state: &AppState,
    form: Result<UploadForm, AppError>,
) -> Result<Receipt, (AppError, ReportDraft)> {
    let mut form = match form {
        Ok(f) => f,
        Err(e) => return Err((e, ReportDraft::default())),
    };
    let draft = draft_from(&form);
    submit_inner(state, &mut form, &draft).await.map_err(|e| (e, draft))
}

async fn submit_inner(state: &AppState, form: &mut UploadForm, draft: &ReportDraft) -> Result<Receipt, AppError> {
    let s = settings(state)?;
    // Token, replay and the client's budget were checked as the form arrived (`FormGate`).
    let token = form.admit()?;
    abuse::pow_or_delay(&token.nonce, form.fields.get("pow").map(String::as_str), s.pow_bits, s.nojs_delay_ms).await;

    let name = form.text("name");
    let phone = form.text("phone");
    let mut errs = rules::check_report(draft, &name, &phone);
    let sector_id: Option<i64> = sqlx::query_scalar("select id from sectors where code = $1 and active = 1")
        .bind(draft.sector.trim())
        .fetch_optional(&state.db.pool)
        .await?;
    if sector_id.is_none() && !draft.sector.trim().is_empty() {
        errs.push(FieldError { field: "sector".into(), code: "unknown_choice".into() });
    }
    let town_id: Option<i64> = sqlx::query_scalar("select id from towns where code = $1 and active = 1")
        .bind(draft.town.trim())
        .fetch_optional(&state.db.pool)
        .await?;
    if town_id.is_none() && !draft.town.trim().is_empty() {
        errs.push(FieldError { field: "town".into(), code: "unknown_choice".into() });
    }
    let seen_on = draft.seen_on.trim();
    if crate::base::validate::valid_date(seen_on) && (seen_on > today_in_china().as_str() || seen_on < "2000-01-01") {
        errs.push(FieldError { field: "seen_on".into(), code: "date_out_of_range".into() });
    }
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let (Some(sector_id), Some(town_id)) = (sector_id, town_id) else {
        return Err(AppError::field("sector", "choose_one"));
    };

    let files = clean_files(state, std::mem::take(&mut form.files)).await?;

    let mut coords = match (draft.latitude.trim().parse::<f64>(), draft.longitude.trim().parse::<f64>()) {
        (Ok(a), Ok(o)) => Some((a, o)),
        _ => None,
    };
    // The WebAssembly app reads the photo's position itself (before re-encoding the photo in the
    // browser) and sends it in the coordinate fields, marked as coming from the photo.
    let mut from_photo = coords.is_some() && draft.use_photo_location && form.flag("location_from_photo");
    if coords.is_none() && draft.use_photo_location {
        if let Some(gps) = files.iter().find_map(|f| f.gps) {
            coords = Some(gps);
            from_photo = true;
        }
    }

    let access_code = random_symbols(crate::cases::CODE_SYMBOLS);
    let code = access_code.clone();
    let access_hash = state.run_cpu(move || crate::accounts::ssr::hash_password_blocking(&code)).await??;

    let ts = reporter_day(now());
    let due = crate::base::calendar::deadline(&state.db, &state.deadlines, crate::base::calendar::Stage::Acceptance, ts).await?;
    let opt = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
    let works_there = match draft.works_there.as_str() {
        "yes" => Some(1i64),
        "no" => Some(0i64),
        _ => None,
    };
    let mut tx = state.db.begin().await?;
    abuse::spend_token(&mut tx, &token).await?;
    let mut inserted = None;
    for _ in 0..3 {
        let case_number = format!("AQ{}", random_symbols(crate::cases::CASE_SYMBOLS));
        let taken: i64 = sqlx::query_scalar("select count(*) from reports where case_number = $1")
            .bind(&case_number)
            .fetch_one(&mut *tx)
            .await?;
        if taken > 0 {
            continue;
        }
        let id: i64 = sqlx::query_scalar(
            "insert into reports (case_number, access_hash, report_type, sector_id, town_id, unit_name, address, \
             latitude_e6, longitude_e6, location_from_photo, seen_on, description, anonymous, works_there, \
             received_at, due_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $15) returning id",
        )
        .bind(&case_number)
        .bind(&access_hash)
        .bind(&draft.report_type)
        .bind(sector_id)
        .bind(town_id)
        .bind(opt(&draft.unit_name))
        .bind(draft.address.trim())
        .bind(coords.map(|c| (c.0 * 1e6).round() as i64))
        .bind(coords.map(|c| (c.1 * 1e6).round() as i64))
        .bind(i64::from(from_photo))
        .bind(opt(seen_on))
        .bind(draft.description.trim())
        .bind(i64::from(draft.anonymous))
        .bind(works_there)
        .bind(ts)
        .bind(due)
        .fetch_one(&mut *tx)
        .await?;
        inserted = Some((id, case_number));
        break;
    }
    let Some((report_id, case_number)) = inserted else {
        return Err(AppError::internal("case number", "no free case number after 3 tries"));
    };
    if !draft.anonymous {
        let identity = crate::cases::ssr::SealedIdentity {
            name: name.trim().to_string(),
            phone: phone.trim().to_string(),
            joint_reporters: draft.joint_reporters.trim().to_string(),
        };
        let plain = serde_json::to_vec(&identity).map_err(|e| AppError::internal("identity", e))?;
        let sealed = state.data_key.encrypt(&plain, &crate::cases::ssr::identity_context(report_id));
        sqlx::query("insert into report_identities (report_id, sealed, created_at) values ($1, $2, $3)")
            .bind(report_id)
            .bind(sealed)
            .bind(ts)
            .execute(&mut *tx)
            .await?;
    }
    insert_attachments(&state.data_key, &mut tx, report_id, None, &files, ts).await?;
    add_event(&mut tx, report_id, "submitted", None, ts).await?;
    tx.commit().await?;
    // No report id or time in the log: a log line must not date a report (it could be matched
    // with a proxy or network log to find the reporter).
    tracing::debug!(files = files.len(), "report submitted");
    Ok(Receipt {
        case_number,
        access_code: crate::cases::group_code(&access_code),
        received_at: ts,
        anonymous: draft.anonymous,
        files_stored: files.len() as u32,
        location_from_photo: from_photo,
    })
}


// ---- follow-up -----------------------------------------------------------------------------------------

fn case_throttle_key(number: &str) -> String {
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
    if !state.area::<abuse::RateLimiter>()?.allow(Bucket::Lookup, client, s.lookups_per_hour) {
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
const GUESS_SLOWDOWN: std::time::Duration = std::time::Duration::from_secs(2);

/// Anyone who knows a case number (it is printed on staff sheets) could otherwise lock the
/// reporter out by sending wrong codes. With 100-bit codes guessing is hopeless anyway, so wrong
/// guesses only slow down further tries on that number; the right code is never refused.
async fn slow_down_if_guessed(state: &AppState, key: &str) -> Result<(), AppError> {
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
struct CaseRow {
    case_number: String,
    status: String,
    received_at: i64,
    due_at: Option<i64>,
    anonymous: i64,
    reply_text: Option<String>,
    replied_at: Option<i64>,
    objection_until: Option<i64>,
    reward_status: String,
    reward_amount_fen: Option<i64>,
    reward_claim_until: Option<i64>,
}

const WITHDRAWABLE: [&str; 4] = ["submitted", "accepted", "verifying", "extended"];
const MESSAGE_CLOSED: [&str; 3] = ["withdrawn", "closed", "not_accepted"];

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
    let can_object = r.status == "replied" && r.objection_until.is_some_and(|u| u >= t);
    let can_claim = r.reward_status == "approved" && r.reward_claim_until.is_some_and(|u| u >= t);
    Ok(CaseView {
        can_withdraw: WITHDRAWABLE.contains(&r.status.as_str()) && r.reply_text.is_none(),
        can_message: !MESSAGE_CLOSED.contains(&r.status.as_str()),
        can_object,
        can_claim,
        case_number: r.case_number,
        status: r.status,
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
    let status: String = sqlx::query_scalar("select status from reports where id = $1")
        .bind(report_id)
        .fetch_one(&state.db.pool)
        .await?;
    if MESSAGE_CLOSED.contains(&status.as_str()) {
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
         where id = $1 and reply_text is null and status in ('submitted', 'accepted', 'verifying', 'extended')"
    ))
    .bind(report_id)
    .bind(ts)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::field("withdraw", "cannot_withdraw"));
    }
    add_event(&mut tx, report_id, "withdrawn", None, ts).await?;
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
    add_event(&mut tx, report_id, "objection", None, ts).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Serialize, Deserialize)]
struct SealedPayee {
    name: String,
    id_number: String,
    bank: String,
    account: String,
}

pub struct ClaimInput {
    pub access_code: String,
    pub payee_name: String,
    pub id_number: String,
    pub bank: String,
    pub account: String,
}

/// Claim an approved reward: the access code again, then the payee's identity and account.
pub async fn claim(state: &AppState, report_id: i64, input: ClaimInput) -> Result<(), AppError> {
    use crate::accounts::ssr as acc;
    let mut errs = Vec::new();
    crate::base::validate::check_text(&mut errs, "payee_name", &input.payee_name, 2, rules::NAME_MAX);
    if !crate::base::validate::valid_id_number(&input.id_number) {
        errs.push(FieldError { field: "id_number".into(), code: "id_number_invalid".into() });
    }
    crate::base::validate::check_text(&mut errs, "bank", &input.bank, 2, 100);
    if !crate::base::validate::valid_account_number(&input.account) {
        errs.push(FieldError { field: "account".into(), code: "account_invalid".into() });
    }
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
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let payee = SealedPayee {
        name: input.payee_name.trim().into(),
        id_number: input.id_number.trim().to_ascii_uppercase(),
        bank: input.bank.trim().into(),
        account: input.account.chars().filter(|c| *c != ' ').collect(),
    };
    let plain = serde_json::to_vec(&payee).map_err(|e| AppError::internal("payee", e))?;
    let sealed = state.data_key.encrypt(&plain, &format!("reward_claims:{report_id}"));
    let (t, ts) = (now(), reporter_day(now()));
    let mut tx = state.db.begin().await?;
    let done = sqlx::query(&format!(
        "update reports set reward_status = 'claimed', {TOUCH_UPDATED} \
         where id = $1 and reward_status = 'approved' and reward_claim_until >= $3"
    ))
    .bind(report_id)
    .bind(ts)
    .bind(t)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::field("claim_code", "cannot_claim"));
    }
    sqlx::query("insert into reward_claims (report_id, sealed, created_at) values ($1, $2, $3)")
        .bind(report_id)
        .bind(sealed)
        .bind(ts)
        .execute(&mut *tx)
        .await?;
    add_event(&mut tx, report_id, "reward_claimed", None, ts).await?;
    tx.commit().await?;
    Ok(())
}
