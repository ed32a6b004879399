//! Upload forms: reading a multipart body through its gate into the spool, cleaning and storing the files.
use super::*;

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
    pub(super) fn admit(&mut self) -> Result<CheckedToken, AppError> {
        if let Some(e) = self.refused.take() {
            return Err(e);
        }
        self.token.take().ok_or_else(|| AppError::field("form", "form_token_invalid"))
    }
}

pub(super) const MAX_FIELD_BYTES: usize = 32 * 1024;

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
        if !st.area::<abuse::RateLimiter>()?.allow(self.bucket.key(), self.client, per_hour) {
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

pub(super) fn is_used_token(e: &AppError) -> bool {
    matches!(e, AppError::Validation(errs) if errs.iter().any(|f| f.code == "form_token_used"))
}

/// An attachment checked and cleaned, waiting in the spool to be stored.
pub(super) struct Cleaned {
    pub(super) kind: media::Kind,
    pub(super) content_type: &'static str,
    pub(super) metadata_removed: bool,
    pub(super) gps: Option<(f64, f64)>,
    pub(super) sha256: String,
    pub(super) file: SpooledFile,
}

/// Read one spooled upload, clean it and spool the result (on a blocking thread; the upload's
/// file is deleted as soon as it is read).
pub(super) fn clean_spooled(file: SpooledFile) -> Result<Result<Cleaned, media::MediaError>, SpoolError> {
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
pub(super) async fn clean_files(state: &AppState, files: Vec<SpooledFile>) -> Result<Vec<Cleaned>, AppError> {
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


/// Attachments are stored encrypted with the data key (`sealed = 1`): a copy of the database or
/// a backup alone does not show reporters' photos and documents.
pub(super) async fn insert_attachments(
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
        let sealed = key.encrypt_bytes(&bytes, &crate::cases::ssr::attachment_context(report_id, &f.sha256));
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
