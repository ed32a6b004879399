//! Every operation on a case, in one function (`act`): role and scope, state machine, then one
//! transaction with a conditional update, the reporter-visible timeline entry and the audit entry.
use super::*;

/// Take one operation on a case. Validation errors name the field; state errors come on "op".
pub async fn act(state: &AppState, user: &CurrentUser, case_number: &str, input: ActInput) -> Result<(), AppError> {
    let db = &state.db;
    let op = Op::parse(input.op.trim()).ok_or_else(|| AppError::field("op", "unknown_op"))?;
    let id = case_id(db, user, case_number).await?;
    let w = work_row(db, id).await?;
    if !actor_allowed(op, user, &w) {
        return Err(AppError::Forbidden);
    }
    let rect = rectification(db, id).await?;
    let dec = decision(db, id).await?;
    rules::check(op, &facts(&w, &rect, &dec)).map_err(|code| AppError::field("op", code))?;
    let dl = &*state.deadlines;
    let ts = now();
    let mut e = Errs(Vec::new());
    let status = w.status.as_str();
    let mut reason: Option<String> = None;
    let mut details = json!({});
    let mut tx = db.begin().await?;
    match op {
        Op::Accept => {
            e.text("text", &input.text, 0, rules::NOTE_MAX);
            e.done()?;
            let due = deadline(db, dl, Stage::Verification, ts).await?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set status = 'accepted', accepted_at = $2, due_at = $3, updated_at = $2 \
                     where id = $1 and status = 'submitted'",
                )
                .bind(id)
                .bind(ts)
                .bind(due),
            )
            .await?;
            event(&mut tx, id, "accepted", None, None, ts).await?;
            staff_message(&mut tx, id, user.id, &input.text, ts).await?;
            details = json!({ "due_at": due });
        }
        Op::Refuse => {
            if !rules::REFUSAL_CODES.contains(&input.code.as_str()) {
                e.push("code", "required");
            }
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set status = 'not_accepted', decision_code = $2, due_at = null, closed_at = $3, \
                     updated_at = $3 where id = $1 and status = 'submitted'",
                )
                .bind(id)
                .bind(&input.code)
                .bind(ts),
            )
            .await?;
            event(&mut tx, id, "not_accepted", Some(&input.code), None, ts).await?;
            staff_message(&mut tx, id, user.id, &input.text, ts).await?;
            reason = Some(input.code.clone());
        }
        Op::Duplicate => {
            let other = crate::cases::normalize_code(&input.other_case);
            let earlier: Option<(i64, i64)> = sqlx::query_as("select id, received_at from reports where case_number = $1")
                .bind(&other)
                .fetch_optional(&db.pool)
                .await?;
            match earlier {
                None => e.push("other_case", "case_unknown"),
                Some((oid, orec)) if oid == id || (orec, oid) > (w.received_at, id) => e.push("other_case", "not_earlier"),
                _ => {}
            }
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            let oid = earlier.map(|x| x.0).unwrap_or_default();
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set status = 'not_accepted', decision_code = 'duplicate_already_accepted', \
                     duplicate_of = $2, due_at = null, closed_at = $3, updated_at = $3 where id = $1 and status = 'submitted'",
                )
                .bind(id)
                .bind(oid)
                .bind(ts),
            )
            .await?;
            event(&mut tx, id, "not_accepted", Some("duplicate_already_accepted"), None, ts).await?;
            staff_message(&mut tx, id, user.id, &input.text, ts).await?;
            details = json!({ "duplicate_of": other });
        }
        Op::Merge => {
            // 并案: this case joins an EARLIER open case (the earliest registered report keeps
            // the reward priority), follows its handling and receives its joint reply.
            let other = crate::cases::normalize_code(&input.other_case);
            let primary: Option<(i64, i64, String, Option<i64>)> =
                sqlx::query_as("select id, received_at, status, merged_into from reports where case_number = $1")
                    .bind(&other)
                    .fetch_optional(&db.pool)
                    .await?;
            match &primary {
                None => e.push("other_case", "case_unknown"),
                Some((oid, orec, ..)) if *oid == id || (*orec, *oid) > (w.received_at, id) => e.push("other_case", "not_earlier"),
                Some((_, _, _, Some(_))) => e.push("other_case", "primary_merged"),
                Some((_, _, st, _)) if !["accepted", "verifying", "extended"].contains(&st.as_str()) => {
                    e.push("other_case", "primary_not_open")
                }
                _ => {}
            }
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            let oid = primary.map(|p| p.0).unwrap_or_default();
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set merged_into = $2, accepted_at = coalesce(accepted_at, $3), due_at = null, \
                     status = case when status = 'submitted' then 'accepted' else status end, updated_at = $3 \
                     where id = $1 and merged_into is null and status = $4",
                )
                .bind(id)
                .bind(oid)
                .bind(ts)
                .bind(status),
            )
            .await?;
            // Cases already merged into this one move with it.
            sqlx::query("update reports set merged_into = $2, updated_at = $3 where merged_into = $1")
                .bind(id)
                .bind(oid)
                .bind(ts)
                .execute(&mut *tx)
                .await?;
            event(&mut tx, id, "merged", None, None, ts).await?;
            staff_message(&mut tx, id, user.id, &input.text, ts).await?;
            details = json!({ "merged_into": other });
            sync_followers(&mut tx, oid, ts).await?;
        }
        Op::Transfer => {
            e.text("target", &input.target, 2, 100);
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set status = 'transferred', transfer_target = $2, due_at = null, closed_at = $3, \
                     updated_at = $3 where id = $1 and status = 'submitted'",
                )
                .bind(id)
                .bind(input.target.trim())
                .bind(ts),
            )
            .await?;
            event(&mut tx, id, "transferred", None, Some(input.target.trim()), ts).await?;
            staff_message(&mut tx, id, user.id, &input.text, ts).await?;
            details = json!({ "target": input.target.trim() });
        }
        Op::Route => {
            let lead = department_id(db, &input.lead).await?;
            if lead.is_none() {
                e.push("lead", "required");
            }
            let mut coop = Vec::new();
            for c in &input.cooperating {
                match department_id(db, c).await? {
                    Some((cid, _)) if Some(cid) != lead.as_ref().map(|l| l.0) => coop.push((cid, c.trim().to_string())),
                    Some(_) => e.push("cooperating", "lead_also_cooperating"),
                    None => e.push("cooperating", "department_unknown"),
                }
            }
            coop.sort();
            coop.dedup();
            let suggestion = suggest(db, w.sector_id, w.town_id).await?;
            let matches_suggestion = suggestion.as_ref().is_some_and(|(l, cs)| {
                let mut want: Vec<&str> = cs.iter().map(|c| c.code.as_str()).collect();
                want.sort();
                let mut got: Vec<&str> = coop.iter().map(|c| c.1.as_str()).collect();
                got.sort();
                l.code == input.lead.trim() && want == got
            });
            if !matches_suggestion {
                // An override (or a case no rule covers) needs a reason.
                e.text("reason", &input.reason, 2, rules::NOTE_MAX);
            }
            e.done()?;
            let (lead_id, lead_station) = lead.unwrap_or_default();
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set lead_department_id = $2, routed_at = $3, updated_at = $3, \
                     status = case when status = 'accepted' then 'verifying' else status end \
                     where id = $1 and status = $4",
                )
                .bind(id)
                .bind(lead_id)
                .bind(ts)
                .bind(status),
            )
            .await?;
            sqlx::query("delete from report_departments where report_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("insert into report_departments (report_id, department_id, role) values ($1, $2, 'lead')")
                .bind(id)
                .bind(lead_id)
                .execute(&mut *tx)
                .await?;
            for (cid, _) in &coop {
                sqlx::query("insert into report_departments (report_id, department_id, role) values ($1, $2, 'cooperating')")
                    .bind(id)
                    .bind(cid)
                    .execute(&mut *tx)
                    .await?;
            }
            // A town/street station as lead department is a hand-down (交办) to the locality.
            let handed_down = lead_station.is_some();
            event(&mut tx, id, "verifying", handed_down.then_some("handed_down"), Some(input.lead.trim()), ts).await?;
            details = json!({
                "lead": input.lead.trim(),
                "cooperating": coop.iter().map(|c| c.1.clone()).collect::<Vec<_>>(),
                "override": !matches_suggestion,
                "handed_down": handed_down,
            });
            if !matches_suggestion {
                reason = Some(input.reason.trim().to_string());
            }
        }
        Op::Verify => {
            if !rules::VERIFICATION_RESULTS.contains(&input.code.as_str()) {
                e.push("code", "required");
            }
            let mut actions: Vec<String> = input.actions.iter().map(|a| a.trim().to_string()).collect();
            actions.sort();
            actions.dedup();
            if actions.is_empty() {
                e.push("actions", "required");
            }
            if actions.iter().any(|a| !rules::ACTIONS.contains(&a.as_str())) {
                e.push("actions", "action_unknown");
            }
            let mut fine = None;
            if actions.iter().any(|a| a == "administrative_penalty") || !input.amount.trim().is_empty() {
                match crate::base::format::parse_yuan(&input.amount) {
                    Ok(0) => e.push("amount", "amount_zero"),
                    Ok(f) => fine = Some(f),
                    Err(code) => e.push("amount", code),
                }
            }
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set verification_result = $2, verified_at = $3, fine_fen = $4, handling_actions = $5, \
                     handling_account = $6, updated_at = $3 where id = $1 and status = $7 and reply_text is null",
                )
                .bind(id)
                .bind(&input.code)
                .bind(ts)
                .bind(fine)
                .bind(actions.join(","))
                .bind(input.text.trim())
                .bind(status),
            )
            .await?;
            details = json!({ "result": input.code, "actions": actions, "fine_fen": fine });
        }
        Op::Rectify => {
            e.text("responsible", &input.responsible, 2, 100);
            e.text("measures", &input.measures, 2, rules::NOTE_MAX);
            e.text("funds", &input.funds, 1, 200);
            e.text("contingency", &input.contingency, 2, rules::NOTE_MAX);
            let today = Day::of_timestamp(ts);
            match Day::parse(&input.date) {
                Some(d) if d >= today && d.0 <= today.0 + 5 * 366 => {}
                Some(_) => e.push("date", "date_out_of_range"),
                None => e.push("date", "date_invalid"),
            }
            e.done()?;
            let done = sqlx::query(
                "insert into rectifications (report_id, responsible, measures, funds, deadline, contingency, created_at) \
                 select $1, $2, $3, $4, $5, $6, $7 where not exists (select 1 from rectifications where report_id = $1)",
            )
            .bind(id)
            .bind(input.responsible.trim())
            .bind(input.measures.trim())
            .bind(input.funds.trim())
            .bind(input.date.trim())
            .bind(input.contingency.trim())
            .bind(ts)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(AppError::field("op", "conflict"));
            }
            details = json!({ "deadline": input.date.trim() });
        }
        Op::RectifyDone => {
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update rectifications set completed_at = $2, evidence = $3 where report_id = $1 and completed_at is null",
                )
                .bind(id)
                .bind(ts)
                .bind(input.text.trim()),
            )
            .await?;
        }
        Op::RequestExtension => {
            match input.days.trim().parse::<i64>() {
                Ok(d) if (1..=dl.extension_max_days).contains(&d) => {}
                _ => e.push("days", "extension_days_range"),
            }
            e.text("reason", &input.reason, 2, rules::NOTE_MAX);
            e.done()?;
            let days: i64 = input.days.trim().parse().unwrap_or(0);
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set extension_days = $2, extension_reason = $3, extension_status = 'requested', \
                     updated_at = $4 where id = $1 and extension_status is null and status = $5",
                )
                .bind(id)
                .bind(days)
                .bind(input.reason.trim())
                .bind(ts)
                .bind(status),
            )
            .await?;
            reason = Some(input.reason.trim().to_string());
            details = json!({ "days": days });
        }
        Op::DecideExtension => {
            let approve = match input.code.as_str() {
                "approve" => true,
                "refuse" => false,
                _ => {
                    e.push("code", "required");
                    false
                }
            };
            if !approve {
                e.text("reason", &input.reason, 2, rules::NOTE_MAX);
            }
            e.done()?;
            let days = w.extension_days.unwrap_or(0);
            if approve {
                exactly_one(
                    &mut tx,
                    sqlx::query(
                        "update reports set status = 'extended', extension_status = 'approved', \
                         due_at = coalesce(due_at, $3) + $2, updated_at = $3 \
                         where id = $1 and status = 'verifying' and extension_status = 'requested'",
                    )
                    .bind(id)
                    .bind(days * 86_400)
                    .bind(ts),
                )
                .await?;
                event(&mut tx, id, "extended", None, w.extension_reason.as_deref(), ts).await?;
            } else {
                exactly_one(
                    &mut tx,
                    sqlx::query(
                        "update reports set extension_status = 'refused', updated_at = $2 \
                         where id = $1 and extension_status = 'requested'",
                    )
                    .bind(id)
                    .bind(ts),
                )
                .await?;
                reason = Some(input.reason.trim().to_string());
            }
            details = json!({ "approved": approve, "days": days });
        }
        Op::Reply => {
            let eligible = match input.code.as_str() {
                "yes" => true,
                "no" => false,
                _ => {
                    e.push("code", "required");
                    false
                }
            };
            e.text("text", &input.text, 0, rules::NOTE_MAX);
            e.done()?;
            let actions: Vec<String> = w.handling_actions.clone().unwrap_or_default().split(',').filter(|s| !s.is_empty()).map(String::from).collect();
            let followers: i64 = sqlx::query_scalar("select count(*) from reports where merged_into = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await?;
            // The bureau replies in Chinese, whatever language the officer's pages are in.
            let reply = crate::cases::reply::compose_reply(
                crate::i18n::Locale::zh_CN,
                &crate::cases::reply::ReplyFacts {
                    result: w.verification_result.as_deref().unwrap_or_default(),
                    account: w.handling_account.as_deref().unwrap_or_default(),
                    actions: &actions,
                    fine_fen: w.fine_fen,
                    eligible,
                    merged_with: followers,
                    note: &input.text,
                },
            );
            let until = deadline(db, dl, Stage::Objection, ts).await?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set status = 'replied', reply_text = $2, replied_at = $3, objection_until = $4, \
                     due_at = null, updated_at = $3 where id = $1 and status = $5 and verification_result is not null",
                )
                .bind(id)
                .bind(&reply)
                .bind(ts)
                .bind(until)
                .bind(status),
            )
            .await?;
            event(&mut tx, id, "replied", None, None, ts).await?;
            details = json!({ "objection_until": until, "eligible": input.code == "yes" });
        }
        Op::Escalate => {
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            let due = deadline(db, dl, Stage::Review, ts).await?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set status = 'review', escalated_at = $2, due_at = $3, updated_at = $2 \
                     where id = $1 and status = 'objection'",
                )
                .bind(id)
                .bind(ts)
                .bind(due),
            )
            .await?;
            event(&mut tx, id, "review", None, None, ts).await?;
            reason = Some(input.text.trim().to_string());
            details = json!({ "to": "city", "due_at": due });
        }
        Op::ReviewResult => {
            let upheld = match input.code.as_str() {
                "upheld" => true,
                "reverify" => false,
                _ => {
                    e.push("code", "required");
                    true
                }
            };
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            if upheld {
                exactly_one(
                    &mut tx,
                    sqlx::query(
                        "update reports set status = 'closed', review_outcome = 'upheld', closed_at = $2, due_at = null, \
                         updated_at = $2 where id = $1 and status = 'review'",
                    )
                    .bind(id)
                    .bind(ts),
                )
                .await?;
                event(&mut tx, id, "closed", Some("review_upheld"), None, ts).await?;
            } else {
                let due = deadline(db, dl, Stage::Verification, ts).await?;
                exactly_one(
                    &mut tx,
                    sqlx::query(
                        "update reports set status = 'verifying', review_outcome = 'reverify', verification_result = null, \
                         reply_text = null, due_at = $3, updated_at = $2 where id = $1 and status = 'review'",
                    )
                    .bind(id)
                    .bind(ts)
                    .bind(due),
                )
                .await?;
                event(&mut tx, id, "verifying", Some("review_reverify"), None, ts).await?;
            }
            staff_message(&mut tx, id, user.id, &input.text, ts).await?;
            details = json!({ "outcome": input.code });
        }
        Op::Close => {
            if w.objection_until.is_some_and(|u| u >= ts) {
                return Err(AppError::field("op", "objection_window_open"));
            }
            exactly_one(
                &mut tx,
                sqlx::query("update reports set status = 'closed', closed_at = $2, updated_at = $2 where id = $1 and status = 'replied'")
                    .bind(id)
                    .bind(ts),
            )
            .await?;
            event(&mut tx, id, "closed", None, None, ts).await?;
        }
        Op::RewardDecide => {
            if !rules::REWARD_CODES.contains(&input.code.as_str()) {
                e.push("code", "required");
            }
            let eligible = input.code == "eligible";
            let mut amount = 0;
            // The configured rules' amount: from the fine, or for a concealed accident from its
            // level and concealed deaths as verified (domain-rules §1). An empty amount takes it.
            let suggested_fen = if w.report_type == "concealed_accident" {
                if input.level.trim().is_empty() && input.deaths.trim().is_empty() {
                    None
                } else {
                    match crate::rewards::rules::parse_reward_case("concealed", "", input.level.trim(), &input.deaths) {
                        Ok(c) => Some(crate::rewards::rules::suggest_reward(state.area::<crate::rewards::rules::RewardRules>()?, &c) * 100),
                        Err((field, code)) => {
                            e.push(field, code);
                            None
                        }
                    }
                }
            } else {
                fine_suggestion_fen(state, &w)
            };
            if eligible && input.amount.trim().is_empty() && suggested_fen.is_some() {
                amount = suggested_fen.unwrap_or_default();
            } else if eligible {
                match crate::base::format::parse_yuan(&input.amount) {
                    Ok(0) => e.push("amount", "amount_zero"),
                    Ok(a) if a > state.area::<crate::rewards::rules::RewardRules>()?.cap_yuan * 100 => e.push("amount", "amount_over_cap"),
                    Ok(a) => amount = a,
                    Err(code) => e.push("amount", code),
                }
            }
            e.text("text", &input.text, 2, rules::NOTE_MAX);
            e.done()?;
            sqlx::query("delete from reward_decisions where report_id = $1 and approved_by is null")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let done = sqlx::query(
                "insert into reward_decisions (report_id, eligible, reason_code, amount_fen, note, decided_by, decided_at) \
                 select $1, $2, $3, $4, $5, $6, $7 where not exists (select 1 from reward_decisions where report_id = $1)",
            )
            .bind(id)
            .bind(i64::from(eligible))
            .bind(&input.code)
            .bind(amount)
            .bind(input.text.trim())
            .bind(user.id)
            .bind(ts)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(AppError::field("op", "conflict"));
            }
            reason = Some(input.code.clone());
            details = json!({ "eligible": eligible, "amount_fen": amount, "suggested_fen": suggested_fen,
                "level": input.level.trim(), "deaths": input.deaths.trim() });
        }
        Op::RewardApprove => {
            let Some((_, code, _, _, by, ..)) = dec.clone() else {
                return Err(AppError::field("op", "needs_decision"));
            };
            if by == user.id {
                return Err(AppError::field("op", "own_decision"));
            }
            // The approval is bound to the decision the approver saw: if the first officer
            // decided again in between (another amount), nothing is approved and the page shows
            // the new decision to be looked at again.
            let Some((seen_eligible, seen_amount, seen_at)) = super::parse_decision_version(&input.version) else {
                return Err(AppError::field("op", "decision_changed"));
            };
            let approved = sqlx::query(
                "update reward_decisions set approved_by = $2, approved_at = $3 \
                 where report_id = $1 and approved_by is null and decided_by <> $2 \
                 and eligible = $4 and amount_fen = $5 and decided_at = $6",
            )
            .bind(id)
            .bind(user.id)
            .bind(ts)
            .bind(seen_eligible)
            .bind(seen_amount)
            .bind(seen_at)
            .execute(&mut *tx)
            .await?;
            if approved.rows_affected() != 1 {
                return Err(AppError::field("op", "decision_changed"));
            }
            let (eligible, amount) = (seen_eligible, seen_amount);
            if eligible == 1 {
                let until = deadline(db, dl, Stage::Claim, ts).await?;
                exactly_one(
                    &mut tx,
                    sqlx::query(
                        "update reports set reward_status = 'approved', reward_amount_fen = $2, reward_notified_at = $3, \
                         reward_claim_until = $4, updated_at = $3 where id = $1 and reward_status = 'none'",
                    )
                    .bind(id)
                    .bind(amount)
                    .bind(ts)
                    .bind(until),
                )
                .await?;
                event(&mut tx, id, "reward_approved", None, None, ts).await?;
                details = json!({ "amount_fen": amount, "claim_until": until });
            } else {
                exactly_one(
                    &mut tx,
                    sqlx::query("update reports set reward_status = 'denied', updated_at = $2 where id = $1 and reward_status = 'none'")
                        .bind(id)
                        .bind(ts),
                )
                .await?;
                event(&mut tx, id, "reward_denied", Some(&code), None, ts).await?;
                details = json!({ "denied": code });
            }
        }
        Op::RewardPay => {
            e.text("text", &input.text, 2, 100);
            e.done()?;
            exactly_one(
                &mut tx,
                sqlx::query(
                    "update reports set reward_status = 'paid', reward_paid_at = $2, payment_reference = $3, updated_at = $2 \
                     where id = $1 and reward_status = 'claimed'",
                )
                .bind(id)
                .bind(ts)
                .bind(input.text.trim()),
            )
            .await?;
            event(&mut tx, id, "reward_paid", None, None, ts).await?;
            details = json!({ "reference": input.text.trim() });
        }
    }
    // Merged cases follow their primary: routing, verification, extension and the joint reply
    // (a merge syncs its primary itself; other operations change nothing that is copied).
    if matches!(op, Op::Route | Op::Verify | Op::DecideExtension | Op::Reply) {
        sync_followers(&mut tx, id, ts).await?;
    }
    audit::append(
        db,
        &mut tx,
        Entry { user_id: Some(user.id), action: op.as_str(), report_id: Some(id), reason: reason.as_deref(), details: details.to_string() },
        ts,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
