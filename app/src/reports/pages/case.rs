//! Lookup with number and access code, and the reporter's case page (messages, withdrawal, objection, reward claim).
use super::*;

fn read_lookup(f: &crate::ui::FormFields) -> Option<LookupCase> {
    Some(LookupCase { case_number: f.text("case_number")?, access_code: f.text("access_code")? })
}

#[component]
pub fn LookupPage() -> impl IntoView {
    let i18n = use_i18n();
    let lookup = ServerAction::<LookupCase>::new();
    let error = Signal::derive(move || lookup.value().get().and_then(|r| r.err()));
    view! {
        <article class="page narrow">
            <h1>{t!(i18n, lookup_title)}</h1>
            <p class="lead">{t!(i18n, lookup_lead)}</p>
            <PostForm action=lookup read=read_lookup attr:class="stack-form">
                <FormError error />
                <label for="case_number">{t!(i18n, receipt_case_number)}</label>
                <input id="case_number" name="case_number" type="text" required maxlength="20" autocomplete="off" />
                <FieldErrors error field="case_number" />
                <label for="access_code">{t!(i18n, receipt_access_code)}</label>
                <input id="access_code" name="access_code" type="text" required maxlength="40" autocomplete="off" />
                <FieldErrors error field="access_code" />
                <button type="submit">{t!(i18n, lookup_submit)}</button>
            </PostForm>
            <h2>{t!(i18n, lookup_deadlines_title)}</h2>
            <ul>
                <li>{t!(i18n, lookup_deadline_accept)}</li>
                <li>{t!(i18n, lookup_deadline_verify)}</li>
                <li>{t!(i18n, lookup_deadline_objection)}</li>
            </ul>
            <p>{t!(i18n, lookup_code_note)}</p>
        </article>
    }
}

fn read_object(f: &crate::ui::FormFields) -> Option<FileObjection> {
    Some(FileObjection { objection: f.text("objection")? })
}

fn read_claim(f: &crate::ui::FormFields) -> Option<ClaimReward> {
    Some(ClaimReward {
        claim_code: f.text("claim_code")?,
        payee_name: f.text("payee_name")?,
        id_number: f.text("id_number")?,
        bank: f.text("bank")?,
        account: f.text("account")?,
    })
}

fn read_withdraw(f: &crate::ui::FormFields) -> Option<WithdrawReport> {
    Some(WithdrawReport { confirm: f.text("confirm") })
}

fn read_close(_: &crate::ui::FormFields) -> Option<CloseCase> {
    Some(CloseCase {})
}

/// The actions on a case. They live on the page so that the case is fetched again after each one
/// (in the WebAssembly app the redirect back to the same page does not reload it).
#[derive(Clone, Copy)]
struct CaseActions {
    withdraw: ServerAction<WithdrawReport>,
    object: ServerAction<FileObjection>,
    claim: ServerAction<ClaimReward>,
    close: ServerAction<CloseCase>,
}

#[component]
pub fn CasePage() -> impl IntoView {
    let actions = CaseActions {
        withdraw: ServerAction::<WithdrawReport>::new(),
        object: ServerAction::<FileObjection>::new(),
        claim: ServerAction::<ClaimReward>::new(),
        close: ServerAction::<CloseCase>::new(),
    };
    let case = crate::ui::json_resource(
        move || {
            (
                actions.withdraw.version().get(),
                actions.object.version().get(),
                actions.claim.version().get(),
                actions.close.version().get(),
            )
        },
        |_| my_case(),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match case.await {
                    Ok(Some(c)) => view! { <CaseDetails case=c actions /> }.into_any(),
                    Ok(None) => view! { <CaseClosedNotice /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CaseClosedNotice() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page narrow">
            <h1>{t!(i18n, case_title)}</h1>
            <p>{t!(i18n, case_not_open)}</p>
            <p><a href="/lookup">{t!(i18n, lookup_submit)}</a></p>
        </section>
    }
}

#[component]
fn CaseDetails(case: CaseView, actions: CaseActions) -> impl IntoView {
    let i18n = use_i18n();
    let CaseActions { withdraw, object, claim, close } = actions;
    let withdraw_err = Signal::derive(move || withdraw.value().get().and_then(|r| r.err()));
    let object_err = Signal::derive(move || object.value().get().and_then(|r| r.err()));
    let claim_err = Signal::derive(move || claim.value().get().and_then(|r| r.err()));
    let message_err = Signal::stored(case.message_error.clone());
    let status = case.status.clone();
    let deadline = match case.status.as_str() {
        "replied" => case.objection_until,
        "submitted" | "accepted" | "verifying" | "extended" | "objection" | "review" => case.due_at,
        _ => None,
    };
    let reward_status = case.reward_status.clone();
    view! {
        <section class="page case">
            <h1>{t!(i18n, case_title)}</h1>
            <dl class="facts">
                <dt>{t!(i18n, receipt_case_number)}</dt>
                <dd class="code" id="case-number">{case.case_number.clone()}</dd>
                <dt>{t!(i18n, case_status)}</dt>
                <dd id="case-status" data-status=case.status.clone()>
                    {move || status_label(i18n.get_locale(), &status)}
                </dd>
                <dt>{t!(i18n, receipt_received)}</dt>
                <dd>{fmt_date(case.received_at)}</dd>
                {deadline
                    .map(|d| {
                        view! {
                            <dt>{t!(i18n, case_deadline)}</dt>
                            <dd id="case-deadline">{fmt_date(d)}</dd>
                        }
                    })}
            </dl>

            <h2>{t!(i18n, case_timeline)}</h2>
            <ol class="timeline">
                {case
                    .timeline
                    .iter()
                    .map(|e| {
                        let kind = e.kind.clone();
                        let code = e.code.clone();
                        view! {
                            <li>
                                <time>{fmt_date(e.at)}</time>
                                " "
                                {move || status_label(i18n.get_locale(), &kind)}
                                {code.map(|c| {
                                    let key = match c.as_str() {
                                        "review_upheld" | "review_reverify" => c.clone(),
                                        _ if kind_is_reward(&e.kind) => format!("rd_{c}"),
                                        _ => format!("rc_{c}"),
                                    };
                                    view! { <p class="note code">{move || crate::cases::labels::wf_label(i18n.get_locale(), &key)}</p> }
                                })}
                                {e.note.clone().map(|n| view! { <p class="note">{n}</p> })}
                                {e.department.clone().map(|d| view! { <p class="note">{move || choice_name(i18n.get_locale(), &d)}</p> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>

            {case
                .reply
                .clone()
                .map(|reply| {
                    view! {
                        <h2>{t!(i18n, case_reply)}</h2>
                        <p class="hint">{case.replied_at.map(fmt_date)}</p>
                        <div class="reply" id="case-reply">{reply}</div>
                    }
                })}

            <h2>{t!(i18n, case_messages)}</h2>
            <crate::cases::views::MessageList messages=case.messages.clone() staff_view=false />
            {case
                .can_message
                .then(|| {
                    view! {
                        <form method="post" action="/lookup/message" enctype="multipart/form-data" class="stack-form">
                            <FormError error=message_err />
                            <FieldErrors error=message_err field="form" />
                            <input type="hidden" name="form_token" value=case.message_token.clone() />
                            <label for="body">{t!(i18n, case_message_label)}</label>
                            <textarea id="body" name="body" rows="3" required maxlength="2000"></textarea>
                            <FieldErrors error=message_err field="body" />
                            <label for="message-files">{t!(i18n, form_files)}</label>
                            <input id="message-files" name="files" type="file" multiple />
                            <FieldErrors error=message_err field="files" />
                            <button type="submit">{t!(i18n, case_message_send)}</button>
                        </form>
                    }
                })}

            {case
                .can_object
                .then(|| {
                    view! {
                        <h2>{t!(i18n, case_objection_title)}</h2>
                        <p>
                            {move || {
                                td_string!(i18n.get_locale(), case_objection_hint)
                                    .replace("{date}", &case.objection_until.map(fmt_date).unwrap_or_default())
                            }}
                        </p>
                        <PostForm action=object read=read_object attr:class="stack-form">
                            <FormError error=object_err />
                            <label for="objection">{t!(i18n, case_objection_label)}</label>
                            <textarea id="objection" name="objection" rows="4" required maxlength="2000"></textarea>
                            <FieldErrors error=object_err field="objection" />
                            <button type="submit">{t!(i18n, case_objection_submit)}</button>
                        </PostForm>
                    }
                })}

            <h2>{t!(i18n, case_reward)}</h2>
            <p id="reward-status" data-status=case.reward_status.clone()>
                {move || reward_label(i18n.get_locale(), &reward_status)}
                {case.reward_amount_fen.map(|f| format!(" · ¥{}", fmt_yuan(f)))}
                {case
                    .reward_claim_until
                    .filter(|_| case.can_claim)
                    .map(|d| {
                        view! {
                            " · "
                            {move || td_string!(i18n.get_locale(), case_claim_until).replace("{date}", &fmt_date(d))}
                        }
                    })}
            </p>
            {case
                .can_claim
                .then(|| {
                    view! {
                        <p>{t!(i18n, case_claim_hint)}</p>
                        <PostForm action=claim read=read_claim attr:class="stack-form">
                            <FormError error=claim_err />
                            <label for="claim_code">{t!(i18n, receipt_access_code)}</label>
                            <input id="claim_code" name="claim_code" type="text" required autocomplete="off" />
                            <FieldErrors error=claim_err field="claim_code" />
                            <label for="payee_name">{t!(i18n, case_payee_name)}</label>
                            <input id="payee_name" name="payee_name" type="text" required maxlength="50" />
                            <FieldErrors error=claim_err field="payee_name" />
                            <label for="id_number">{t!(i18n, case_id_number)}</label>
                            <input id="id_number" name="id_number" type="text" required maxlength="18" autocomplete="off" />
                            <FieldErrors error=claim_err field="id_number" />
                            <label for="bank">{t!(i18n, case_bank)}</label>
                            <input id="bank" name="bank" type="text" required maxlength="100" />
                            <FieldErrors error=claim_err field="bank" />
                            <label for="account">{t!(i18n, case_account)}</label>
                            <input id="account" name="account" type="text" required inputmode="numeric" maxlength="40" autocomplete="off" />
                            <FieldErrors error=claim_err field="account" />
                            <button type="submit">{t!(i18n, case_claim_submit)}</button>
                        </PostForm>
                    }
                })}

            {case
                .can_withdraw
                .then(|| {
                    view! {
                        <h2>{t!(i18n, case_withdraw_title)}</h2>
                        <PostForm action=withdraw read=read_withdraw attr:class="stack-form">
                            <FormError error=withdraw_err />
                            <label class="check">
                                <input type="checkbox" name="confirm" value="yes" />
                                {t!(i18n, case_withdraw_confirm)}
                            </label>
                            <FieldErrors error=withdraw_err field="withdraw" />
                            <button type="submit" class="secondary">{t!(i18n, case_withdraw_submit)}</button>
                        </PostForm>
                    }
                })}

            <PostForm action=close read=read_close attr:class="inline-form">
                <button type="submit" class="secondary">{t!(i18n, case_close)}</button>
            </PostForm>
        </section>
    }
}
