//! The work panel of one case: every operation the user may take now, as its own form.
use super::*;
use crate::cases::rules::Op;

/// Errors of the case action, by field, for the form of one operation (the server prefixes each
/// field with the operation: "reply.code").
#[component]
pub(super) fn OpErrors(error: Signal<Option<AppError>>, op: &'static str, field: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let key = format!("{op}.{field}");
    let id = format!("{op}-{field}-errors");
    move || {
        let codes = error.get().map(|e| e.field_codes(&key)).unwrap_or_default();
        (!codes.is_empty()).then(|| {
            view! {
                <ul class="field-errors" id=id.clone()>
                    {codes.into_iter().map(|c| view! { <li>{error_text(i18n.get_locale(), &c)}</li> }).collect_view()}
                </ul>
            }
        })
    }
}

/// A form for one operation: hidden case number and op, a heading, the fields, errors, submit.
#[component]
pub(super) fn OpForm(act: ServerAction<CaseAction>, case_number: String, op: &'static str, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || act.value().get().and_then(|r| r.err()));
    view! {
        <ActionForm action=act attr:class="stack-form op-form" attr:id=format!("op-{op}")>
            <h3>{move || wf_label(i18n.get_locale(), &format!("op_{op}"))}</h3>
            <input type="hidden" name="case_number" value=case_number />
            <input type="hidden" name="op" value=op />
            <OpErrors error op field="op" />
            {children()}
            <button type="submit">{move || wf_label(i18n.get_locale(), &format!("op_{op}"))}</button>
        </ActionForm>
    }
}

#[component]
pub(super) fn TextField(
    act: ServerAction<CaseAction>,
    op: &'static str,
    name: &'static str,
    label: String,
    #[prop(optional)] required: bool,
    #[prop(optional)] long: bool,
    #[prop(optional)] value: String,
) -> impl IntoView {
    let error = Signal::derive(move || act.value().get().and_then(|r| r.err()));
    let id = format!("{op}-{name}");
    let input = if long {
        view! { <textarea id=id.clone() name=name rows="3" maxlength="2000" required=required>{value}</textarea> }.into_any()
    } else {
        view! { <input id=id.clone() name=name type="text" maxlength="200" required=required value=value /> }.into_any()
    };
    view! {
        <label for=id>{label}</label>
        {input}
        <OpErrors error op field=name />
    }
}

#[component]
pub(super) fn CodeSelect(
    act: ServerAction<CaseAction>,
    op: &'static str,
    name: &'static str,
    label: String,
    codes: Vec<&'static str>,
    prefix: &'static str,
    /// Not every use of the form needs it (e.g. the accident level when the amount is typed).
    #[prop(optional)]
    optional: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || act.value().get().and_then(|r| r.err()));
    let id = format!("{op}-{name}");
    view! {
        <label for=id.clone()>{label}</label>
        <select id=id name=name required=!optional>
            <option value="">{t!(i18n, wf_choose)}</option>
            {codes
                .into_iter()
                .map(|c| {
                    let key = format!("{prefix}{c}");
                    view! { <option value=c>{move || wf_label(i18n.get_locale(), &key)}</option> }
                })
                .collect_view()}
        </select>
        <OpErrors error op field=name />
    }
}

#[component]
pub fn CaseWorkPanel(case_number: String, act: ServerAction<CaseAction>, act_done: RwSignal<u32>) -> impl IntoView {
    let n = case_number.clone();
    let work = crate::ui::json_resource(move || (n.clone(), act_done.get()), |(n, _)| load_case_work(n));
    let top_error = Signal::derive(move || {
        act.value().get().and_then(|r| r.err()).filter(|e| !matches!(e, AppError::Validation(_)))
    });
    view! {
        <FormError error=top_error />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match work.await {
                    Ok(w) => view! { <CaseWorkView w act /> }.into_any(),
                    // The report above already shows the refusal or "not found".
                    Err(_) => ().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub(super) fn CaseWorkView(w: CaseWork, act: ServerAction<CaseAction>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let can = |op: Op| w.can.contains(&op);
    let n = w.case_number.clone();
    let tr = move |key: &str| wf_label(i18n.get_locale_untracked(), key);
    let (sug_lead, sug_coop): (Option<String>, Vec<String>) = match &w.suggestion {
        Some((l, cs)) => (Some(l.code.clone()), cs.iter().map(|c| c.code.clone()).collect()),
        None => (None, vec![]),
    };

    // ---- facts of the workflow
    let facts = view! {
        <dl class="facts" id="workflow-facts">
            <dt>{t!(i18n, case_deadline)}</dt>
            <dd id="workflow-due">{w.due_at.map(fmt_date)} " " <UrgencyBadge urgency=w.urgency /></dd>
            {w.decision_code.clone().map(|c| view! { <dt>{t!(i18n, wf_decision)}</dt><dd>{tr(&format!("rc_{c}"))}</dd> })}
            {w.duplicate_of.clone().map(|c| view! { <dt>{t!(i18n, wf_duplicate_of)}</dt><dd><a href=format!("/staff/reports/{c}")>{c.clone()}</a></dd> })}
            {w.merged_into.clone().map(|c| view! { <dt>{t!(i18n, wf_merged_into)}</dt><dd id="workflow-merged-into"><a href=format!("/staff/reports/{c}")>{c.clone()}</a></dd> })}
            {(!w.merged.is_empty()).then(|| view! {
                <dt>{t!(i18n, wf_merged_cases)}</dt>
                <dd id="workflow-merged">
                    {w.merged.iter().map(|c| view! { <a href=format!("/staff/reports/{c}")>{c.clone()}</a> " " }).collect_view()}
                </dd>
            })}
            {w.transfer_target.clone().map(|t| view! { <dt>{t!(i18n, wf_transfer_target)}</dt><dd>{t}</dd> })}
            <dt>{t!(i18n, wf_lead)}</dt>
            <dd id="workflow-lead">{w.lead_department.as_ref().map(|d| choice_name(locale, d))}</dd>
            <dt>{t!(i18n, wf_cooperating)}</dt>
            <dd>{w.cooperating.iter().map(|d| choice_name(locale, d)).collect::<Vec<_>>().join("、")}</dd>
            <dt>{t!(i18n, wf_verification)}</dt>
            <dd id="workflow-verification">{w.verification_result.clone().map(|v| tr(&format!("vr_{v}")))}</dd>
            <dt>{t!(i18n, wf_actions)}</dt>
            <dd>{w.actions.iter().map(|a| tr(&format!("ac_{a}"))).collect::<Vec<_>>().join("、")}</dd>
            <dt>{t!(i18n, wf_fine)}</dt>
            <dd id="workflow-fine">{w.fine_fen.map(fmt_yuan)}</dd>
            <dt>{t!(i18n, wf_account)}</dt>
            <dd>{w.account.clone()}</dd>
            {w.extension_status.clone().map(|s| view! {
                <dt>{t!(i18n, wf_extension)}</dt>
                <dd id="workflow-extension">{format!("{} · {} · ", tr(&format!("ext_{s}")), w.extension_days.unwrap_or(0))}{w.extension_reason.clone()}</dd>
            })}
            {w.objection.clone().map(|o| view! { <dt>{t!(i18n, wf_objection)}</dt><dd id="workflow-objection">{o}</dd> })}
            {w.review_outcome.clone().map(|o| view! { <dt>{t!(i18n, wf_review)}</dt><dd>{tr(&format!("review_{o}"))}</dd> })}
            <dt>{t!(i18n, case_reward)}</dt>
            <dd id="workflow-reward">
                {reward_label(locale, &w.reward_status)}
                {w.reward_amount_fen.map(|a| format!(" · ¥{}", fmt_yuan(a)))}
                {w.reward_claim_until.map(|u| format!(" · {} {}", t_string!(i18n, case_claim_until), fmt_date(u)))}
            </dd>
            {(!w.related.is_empty()).then(|| view! {
                <dt>{t!(i18n, wf_related)}</dt>
                <dd id="workflow-related">
                    {w.related.iter().map(|c| view! { <a href=format!("/staff/reports/{c}")>{c.clone()}</a> " " }).collect_view()}
                </dd>
            })}
        </dl>
    };

    let rect = w.rectification.clone().map(|r| {
        view! {
            <h3>{t!(i18n, wf_rectification)}</h3>
            <dl class="facts" id="rectification">
                <dt>{t!(i18n, wf_responsible)}</dt><dd>{r.responsible}</dd>
                <dt>{t!(i18n, wf_measures)}</dt><dd>{r.measures}</dd>
                <dt>{t!(i18n, wf_funds)}</dt><dd>{r.funds}</dd>
                <dt>{t!(i18n, wf_rect_deadline)}</dt><dd>{r.deadline}</dd>
                <dt>{t!(i18n, wf_contingency)}</dt><dd>{r.contingency}</dd>
                <dt>{t!(i18n, wf_completed)}</dt>
                <dd id="rectification-done">{r.completed_at.map(fmt_date)} " " {r.evidence}</dd>
            </dl>
        }
    });

    let decision = w.reward_decision.clone().map(|d| {
        view! {
            <h3>{t!(i18n, wf_reward_decision)}</h3>
            <dl class="facts" id="reward-decision">
                <dt>{t!(i18n, wf_reward_code)}</dt><dd>{tr(&format!("rd_{}", d.reason_code))}</dd>
                <dt>{t!(i18n, wf_amount)}</dt><dd>{fmt_yuan(d.amount_fen)}</dd>
                <dt>{t!(i18n, wf_note)}</dt><dd>{d.note}</dd>
                <dt>{t!(i18n, wf_decided_by)}</dt><dd>{d.decided_by} " · " {fmt_date(d.decided_at)}</dd>
                <dt>{t!(i18n, wf_approved_by)}</dt>
                <dd id="reward-approved-by">{d.approved_by.map(|a| format!("{a} · {}", d.approved_at.map(fmt_date).unwrap_or_default()))}</dd>
            </dl>
        }
    });

    // ---- forms, only for operations the user may take now
    let mut forms: Vec<AnyView> = Vec::new();
    if can(Op::Accept) {
        forms.push(view! {
            <OpForm act case_number=n.clone() op="accept">
                <TextField act op="accept" name="text" label=tr("wf_message_to_reporter") long=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::Refuse) {
        forms.push(view! {
            <OpForm act case_number=n.clone() op="refuse">
                <CodeSelect act op="refuse" name="code" label=tr("wf_reason_code") codes=rules::REFUSAL_CODES.to_vec() prefix="rc_" />
                <TextField act op="refuse" name="text" label=tr("wf_message_to_reporter") long=true required=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::Duplicate) {
        let first = w.related.first().cloned().unwrap_or_default();
        forms.push(view! {
            <OpForm act case_number=n.clone() op="duplicate">
                <TextField act op="duplicate" name="other_case" label=tr("wf_earlier_case") required=true value=first />
                <TextField act op="duplicate" name="text" label=tr("wf_message_to_reporter") long=true required=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::Merge) {
        let first = w.merge_target.clone().unwrap_or_default();
        forms.push(view! {
            <OpForm act case_number=n.clone() op="merge">
                <p class="hint">{tr("wf_merge_hint")}</p>
                <TextField act op="merge" name="other_case" label=tr("wf_merge_into") required=true value=first />
                <TextField act op="merge" name="text" label=tr("wf_message_to_reporter") long=true required=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::Transfer) {
        forms.push(view! {
            <OpForm act case_number=n.clone() op="transfer">
                <TextField act op="transfer" name="target" label=tr("wf_transfer_target") required=true />
                <TextField act op="transfer" name="text" label=tr("wf_message_to_reporter") long=true required=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::Route) {
        let error = Signal::derive(move || act.value().get().and_then(|r| r.err()));
        let current_lead = w.lead_department.as_ref().map(|d| d.code.clone()).or(sug_lead.clone());
        let current_coop: Vec<String> = if w.lead_department.is_some() {
            w.cooperating.iter().map(|c| c.code.clone()).collect()
        } else {
            sug_coop.clone()
        };
        let suggestion_text = match &w.suggestion {
            Some((l, cs)) => format!(
                "{}{}",
                choice_name(locale, l),
                if cs.is_empty() { String::new() } else { format!(" + {}", cs.iter().map(|c| choice_name(locale, c)).collect::<Vec<_>>().join("、")) }
            ),
            None => tr("wf_no_rule"),
        };
        forms.push(view! {
            <OpForm act case_number=n.clone() op="route">
                <p class="hint" id="route-suggestion">{t!(i18n, wf_suggestion)} ": " {suggestion_text}</p>
                <label for="route-lead">{t!(i18n, wf_lead)}</label>
                <select id="route-lead" name="lead" required>
                    <option value="">{t!(i18n, wf_choose)}</option>
                    {w.departments
                        .iter()
                        .map(|d| {
                            let sel = current_lead.as_deref() == Some(d.code.as_str());
                            view! { <option value=d.code.clone() selected=sel>{choice_name(locale, d)}</option> }
                        })
                        .collect_view()}
                </select>
                <OpErrors error op="route" field="lead" />
                <fieldset>
                    <legend>{t!(i18n, wf_cooperating)}</legend>
                    {w.departments.iter().map(|d| {
                        let checked = current_coop.contains(&d.code);
                        let id = format!("coop-{}", d.code);
                        let for_id = id.clone();
                        view! {
                            <label class="check" for=for_id>
                                <input type="checkbox" id=id name=format!("cooperating[{}]", d.code) value=d.code.clone() checked=checked />
                                {choice_name(locale, d)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <OpErrors error op="route" field="cooperating" />
                <TextField act op="route" name="reason" label=tr("wf_override_reason") long=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::Verify) {
        let error = Signal::derive(move || act.value().get().and_then(|r| r.err()));
        forms.push(view! {
            <OpForm act case_number=n.clone() op="verify">
                <CodeSelect act op="verify" name="code" label=tr("wf_verification") codes=rules::VERIFICATION_RESULTS.to_vec() prefix="vr_" />
                <fieldset>
                    <legend>{t!(i18n, wf_actions)}</legend>
                    {rules::ACTIONS.iter().map(|a| {
                        let id = format!("action-{a}");
                        let for_id = id.clone();
                        let key = format!("ac_{a}");
                        view! {
                            <label class="check" for=for_id>
                                <input type="checkbox" id=id name=format!("actions[{a}]") value=*a />
                                {move || wf_label(i18n.get_locale(), &key)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <OpErrors error op="verify" field="actions" />
                <TextField act op="verify" name="amount" label=tr("wf_fine_yuan") />
                <TextField act op="verify" name="text" label=tr("wf_account") long=true required=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::Rectify) {
        let error = Signal::derive(move || act.value().get().and_then(|r| r.err()));
        forms.push(view! {
            <OpForm act case_number=n.clone() op="rectify">
                <TextField act op="rectify" name="responsible" label=tr("wf_responsible") required=true />
                <TextField act op="rectify" name="measures" label=tr("wf_measures") long=true required=true />
                <TextField act op="rectify" name="funds" label=tr("wf_funds") required=true />
                <label for="rectify-date">{t!(i18n, wf_rect_deadline)}</label>
                <input id="rectify-date" name="date" type="date" required />
                <OpErrors error op="rectify" field="date" />
                <TextField act op="rectify" name="contingency" label=tr("wf_contingency") long=true required=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::RectifyDone) {
        forms.push(view! {
            <OpForm act case_number=n.clone() op="rectify_done">
                <TextField act op="rectify_done" name="text" label=tr("wf_evidence") long=true required=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::RequestExtension) {
        let error = Signal::derive(move || act.value().get().and_then(|r| r.err()));
        let max = w.max_extension_days;
        forms.push(view! {
            <OpForm act case_number=n.clone() op="request_extension">
                <label for="request_extension-days">{t!(i18n, wf_extension_days)} " (≤ " {max} ")"</label>
                <input id="request_extension-days" name="days" type="number" min="1" max=max.to_string() required />
                <OpErrors error op="request_extension" field="days" />
                <TextField act op="request_extension" name="reason" label=tr("wf_extension_reason") long=true required=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::DecideExtension) {
        forms.push(view! {
            <OpForm act case_number=n.clone() op="decide_extension">
                <CodeSelect act op="decide_extension" name="code" label=tr("wf_decision") codes=rules::EXTENSION_DECISIONS.to_vec() prefix="ext_" />
                <TextField act op="decide_extension" name="reason" label=tr("wf_refusal_reason") long=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::Reply) {
        forms.push(view! {
            <OpForm act case_number=n.clone() op="reply">
                <p class="hint">{t!(i18n, wf_reply_hint)}</p>
                <CodeSelect act op="reply" name="code" label=tr("wf_reward_eligible") codes=rules::YES_NO.to_vec() prefix="yn_" />
                <TextField act op="reply" name="text" label=tr("wf_reply_extra") long=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::Escalate) {
        forms.push(view! {
            <OpForm act case_number=n.clone() op="escalate">
                <p class="hint">{t!(i18n, wf_escalate_hint)}</p>
                <TextField act op="escalate" name="text" label=tr("wf_handoff_note") long=true required=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::ReviewResult) {
        forms.push(view! {
            <OpForm act case_number=n.clone() op="review_result">
                <CodeSelect act op="review_result" name="code" label=tr("wf_review") codes=rules::REVIEW_OUTCOMES.to_vec() prefix="review_" />
                <TextField act op="review_result" name="text" label=tr("wf_message_to_reporter") long=true required=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::Close) {
        forms.push(view! { <OpForm act case_number=n.clone() op="close"><span></span></OpForm> }.into_any());
    }
    if can(Op::RewardDecide) {
        let suggested = w.suggested_reward_fen;
        let concealed = w.report_type == "concealed_accident";
        forms.push(view! {
            <OpForm act case_number=n.clone() op="reward_decide">
                {suggested.map(|s| view! { <p class="hint" id="reward-suggested">{t!(i18n, wf_suggested_amount)} " ¥" {fmt_yuan(s)}</p> })}
                <CodeSelect act op="reward_decide" name="code" label=tr("wf_reward_code") codes=rules::REWARD_CODES.to_vec() prefix="rd_" />
                {concealed.then(|| view! {
                    <p class="hint">{tr("wf_concealed_hint")}</p>
                    <CodeSelect act op="reward_decide" name="level" label=tr("wf_accident_level") codes=crate::rewards::rules::ACCIDENT_LEVELS.to_vec() prefix="level_" optional=true />
                    <TextField act op="reward_decide" name="deaths" label=tr("wf_concealed_deaths") />
                })}
                <TextField act op="reward_decide" name="amount" label=tr("wf_amount_yuan") value=suggested.map(|s| (s / 100).to_string()).unwrap_or_default() />
                <TextField act op="reward_decide" name="text" label=tr("wf_note") long=true required=true />
            </OpForm>
        }.into_any());
    }
    if can(Op::RewardApprove) && !w.reward_decision.as_ref().is_some_and(|d| d.decided_by_me) {
        let version = w.reward_decision.as_ref().map(|d| d.version()).unwrap_or_default();
        forms.push(
            view! {
                <OpForm act case_number=n.clone() op="reward_approve">
                    <input type="hidden" name="version" value=version />
                </OpForm>
            }
            .into_any(),
        );
    }
    if can(Op::RewardPay) {
        forms.push(view! {
            <OpForm act case_number=n.clone() op="reward_pay">
                <TextField act op="reward_pay" name="text" label=tr("wf_payment_reference") required=true />
            </OpForm>
        }.into_any());
    }
    let no_forms = forms.is_empty();
    let reveal = (w.can_reveal_identity || w.can_reveal_payee)
        .then(|| view! { <RevealForm case_number=n.clone() identity=w.can_reveal_identity payee=w.can_reveal_payee /> });

    view! {
        <section id="workflow">
            <h2>{t!(i18n, wf_title)}</h2>
            {facts}
            {rect}
            {decision}
            {reveal}
            <div class="op-forms">{forms}</div>
            {no_forms.then(|| view! { <p class="hint" id="no-actions">{t!(i18n, wf_no_actions)}</p> })}
            <h2>{t!(i18n, wf_history)}</h2>
            <ol class="timeline" id="case-history">
                {w.history.into_iter().map(|h| {
                    let action = h.action.clone();
                    view! {
                        <li>
                            <time>{fmt_date(h.at)}</time> " " {h.user.clone()} " · "
                            {move || wf_label(i18n.get_locale(), &format!("op_{action}"))}
                            {h.reason.clone().map(|r| view! { <p class="note">{r}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
pub(super) fn RevealForm(case_number: String, identity: bool, payee: bool) -> impl IntoView {
    let i18n = use_i18n();
    let reveal = ServerAction::<RevealSealed>::new();
    let error = Signal::derive(move || reveal.value().get().and_then(|r| r.err()));
    let shown = move || reveal.value().get().and_then(|r| r.ok());
    view! {
        <ActionForm action=reveal attr:class="stack-form" attr:id="reveal-form">
            <h3>{t!(i18n, wf_reveal_title)}</h3>
            <p class="hint">{t!(i18n, wf_reveal_hint)}</p>
            <input type="hidden" name="case_number" value=case_number />
            <label for="reveal-what">{t!(i18n, wf_reveal_what)}</label>
            <select id="reveal-what" name="what">
                {identity.then(|| view! { <option value="identity">{t!(i18n, staff_identity)}</option> })}
                {payee.then(|| view! { <option value="payee">{t!(i18n, wf_payee)}</option> })}
            </select>
            <label for="reveal-reason">{t!(i18n, wf_reveal_reason)}</label>
            <input id="reveal-reason" name="reason" type="text" required minlength="4" maxlength="500" />
            <crate::ui::FieldErrors error field="reason" />
            <FormError error />
            <button type="submit" class="secondary">{t!(i18n, wf_reveal_button)}</button>
            {move || shown().map(|r| view! {
                <dl class="facts revealed" id="revealed">
                    {r.lines.into_iter().map(|(k, v)| {
                        let key = format!("sealed_{k}");
                        view! { <dt>{move || wf_label(i18n.get_locale(), &key)}</dt><dd>{v}</dd> }
                    }).collect_view()}
                </dl>
            })}
        </ActionForm>
    }
}
