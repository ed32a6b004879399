//! Submitting a report: checks, then one transaction with the report, its sealed identity, files and first timeline entry.
use super::*;

/// Times of what a reporter does are stored to the day (00:00 China time), the precision the
/// deadlines need: to the second they could be matched with a proxy or network log to find who
/// sent a report. Order comes from the row sequence (ids), not from these times.
pub fn reporter_day(ts: i64) -> i64 {
    crate::base::calendar::Day::of_timestamp(ts).start_timestamp()
}

pub(super) fn random_symbols(n: usize) -> String {
    let mut rng = rand::rngs::OsRng;
    (0..n).map(|_| crate::cases::CODE_ALPHABET[rng.gen_range(0..32)] as char).collect()
}

/// Today's date in China ("YYYY-MM-DD"), to refuse dates in the future.
pub(super) fn today_in_china() -> String {
    let t = time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC));
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

pub(super) fn draft_from(form: &UploadForm) -> ReportDraft {
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

pub(super) async fn submit_inner(state: &AppState, form: &mut UploadForm, draft: &ReportDraft) -> Result<Receipt, AppError> {
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
    crate::cases::ssr::event(&mut tx, report_id, "submitted", None, None, ts).await?;
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
