//! The training administrator's enterprise pages: the list with a search and a new enterprise
//! (`/staff/training/enterprises?q=`), and one enterprise with its safety managers' accounts
//! (`/staff/training/enterprises/:code`). Plain forms: they work without JavaScript.
use super::enterprises::{training_enterprise, training_enterprises, CreateManagerAccount, SetManagerActive, SetManagerPassword, LISTED_MAX};
use crate::i18n::*;
use crate::org::api::SaveEnterprise;
use crate::org::pages::EnterpriseForm;
use crate::org::{choice_name, Choice};
use crate::ui::{ErrorPage, FieldErrors, FormError};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The name of the choice with `code` (empty when none).
fn named(locale: Locale, choices: &[Choice], code: &Option<String>) -> String {
    code.as_ref().and_then(|c| choices.iter().find(|x| &x.code == c)).map(|c| choice_name(locale, c)).unwrap_or_default()
}

/// The enterprise form's errors, field by field.
#[component]
fn EnterpriseErrors(err: Signal<Option<crate::base::errors::AppError>>) -> impl IntoView {
    view! {
        <div id="enterprise-errors">
            <FormError error=err />
            {["credit_code", "name", "town", "village", "sector", "employees", "high_risk", "active"]
                .map(|field| view! { <FieldErrors error=err field /> })
                .collect_view()}
        </div>
    }
}

/// `/staff/training/enterprises?q=`: the enterprises (a search by name or credit code) and a
/// new one.
#[component]
pub fn EnterprisesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let save = ServerAction::<SaveEnterprise>::new();
    let q = move || query.with(|q| q.get("q"));
    let data = crate::ui::json_resource(q, training_enterprises);
    let err = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    view! {
        <section class="page wide">
            <h1>{t!(i18n, te_title)}</h1>
            <p><a href="/staff/training">{t!(i18n, tr_district_title)}</a></p>
            <form method="get" action="/staff/training/enterprises" class="inline" role="search">
                <label for="enterprise-search">{t!(i18n, te_search)}</label>
                <input id="enterprise-search" name="q" type="search" maxlength="50" value=move || q().unwrap_or_default() />
                <button type="submit">{t!(i18n, te_search_go)}</button>
            </form>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match data.await {
                        Ok(d) => {
                            let choices = d.choices.clone();
                            view! {
                                <p id="enterprises-found">{t!(i18n, te_found)} " " {d.found}</p>
                                {(d.found > LISTED_MAX).then(|| view! { <p class="hint">{t!(i18n, te_narrow)}</p> })}
                                <div class="table-wrap">
                                    <table id="enterprise-table">
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, tr_enterprise)}</th>
                                                <th scope="col">{t!(i18n, tr_credit_code)}</th>
                                                <th scope="col">{t!(i18n, tr_town)}</th>
                                                <th scope="col">{t!(i18n, tr_sector)}</th>
                                                <th scope="col">{t!(i18n, te_accounts)}</th>
                                                <th scope="col">{t!(i18n, tr_state)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {d.enterprises
                                                .iter()
                                                .map(|e| {
                                                    let state = match (e.active, e.high_risk) {
                                                        (false, _) => t_string!(i18n, te_retired).to_string(),
                                                        (true, true) => t_string!(i18n, tr_high_risk).to_string(),
                                                        (true, false) => String::new(),
                                                    };
                                                    view! {
                                                        <tr data-code=e.credit_code.clone()>
                                                            <td><a href=format!("/staff/training/enterprises/{}", e.credit_code)>{e.name.clone()}</a></td>
                                                            <td>{e.credit_code.clone()}</td>
                                                            <td>{named(locale, &choices.towns, &e.town)}</td>
                                                            <td>{named(locale, &choices.sectors, &e.sector)}</td>
                                                            <td>{e.users}</td>
                                                            <td>{state}</td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <h2>{t!(i18n, te_new)}</h2>
                                <p class="hint">{t!(i18n, te_new_hint)}</p>
                                <EnterpriseErrors err=err />
                                <div id="enterprise-new">
                                    <EnterpriseForm action=save choices=d.choices back="training" />
                                </div>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/staff/training/enterprises/:code`: the enterprise's details, its managers' accounts (each
/// disabled or enabled, or given a new password) and a new manager's account.
#[component]
pub fn EnterpriseAccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let save = ServerAction::<SaveEnterprise>::new();
    let create = ServerAction::<CreateManagerAccount>::new();
    let toggle = ServerAction::<SetManagerActive>::new();
    let password = ServerAction::<SetManagerPassword>::new();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let data = crate::ui::json_resource(
        move || (code(), save.version().get(), create.version().get(), toggle.version().get()),
        |(code, ..)| training_enterprise(code),
    );
    let save_err = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let create_err = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let toggle_err = Signal::derive(move || toggle.value().get().and_then(|r| r.err()));
    let password_err = Signal::derive(move || password.value().get().and_then(|r| r.err()));
    let notice = move || {
        query.with(|q| {
            if q.get("created").is_some() {
                Some(t_string!(i18n, te_created).to_string())
            } else if q.get("password").is_some() {
                Some(t_string!(i18n, te_password_set).to_string())
            } else if q.get("saved").is_some() {
                Some(t_string!(i18n, te_saved).to_string())
            } else {
                None
            }
        })
    };
    view! {
        <section class="page wide">
            <h1>{t!(i18n, te_title)}</h1>
            <p><a href="/staff/training/enterprises">{t!(i18n, te_back)}</a></p>
            {move || notice().map(|text| view! { <p id="enterprise-notice" class="notice" role="status">{text}</p> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => {
                            let e = d.enterprise.clone();
                            let code = e.credit_code.clone();
                            let (code1, code2) = (code.clone(), code.clone());
                            view! {
                                <h2 id="enterprise-name">{e.name.clone()}</h2>
                                <dl class="facts">
                                    <dt>{t!(i18n, tr_credit_code)}</dt><dd>{code.clone()}</dd>
                                    <dt>{t!(i18n, te_records)}</dt><dd id="enterprise-records">{d.records}</dd>
                                </dl>
                                <h3>{t!(i18n, te_managers)}</h3>
                                {d.managers.is_empty().then(|| view! { <p id="managers-none">{t!(i18n, te_managers_none)}</p> })}
                                <FieldErrors error=toggle_err field="op" />
                                <FormError error=toggle_err />
                                <FieldErrors error=password_err field="password" />
                                <FormError error=password_err />
                                <ul id="managers">
                                    {d.managers
                                        .into_iter()
                                        .map(|m| {
                                            let (c1, c2) = (code.clone(), code.clone());
                                            let pw_id = format!("manager-password-{}", m.id);
                                            view! {
                                                <li data-username=m.username.clone() data-active=m.active.to_string()>
                                                    <strong>{m.display_name.clone()}</strong> " (" {m.username.clone()} ") · "
                                                    <span class="manager-state">
                                                        {if m.active { t!(i18n, te_active).into_any() } else { t!(i18n, te_disabled).into_any() }}
                                                    </span>
                                                    <ActionForm action=toggle attr:class="inline manager-toggle">
                                                        <input type="hidden" name="enterprise" value=c1 />
                                                        <input type="hidden" name="id" value=m.id.to_string() />
                                                        {(!m.active).then(|| view! { <input type="hidden" name="active" value="1" /> })}
                                                        <button type="submit" class="secondary">
                                                            {if m.active { t!(i18n, te_disable).into_any() } else { t!(i18n, te_enable).into_any() }}
                                                        </button>
                                                    </ActionForm>
                                                    <ActionForm action=password attr:class="inline manager-password">
                                                        <input type="hidden" name="enterprise" value=c2 />
                                                        <input type="hidden" name="id" value=m.id.to_string() />
                                                        <label for=pw_id.clone()>{t!(i18n, te_new_password)}</label>
                                                        <input id=pw_id name="password" type="password" autocomplete="new-password" minlength="10" required />
                                                        <button type="submit" class="secondary">{t!(i18n, te_set_password)}</button>
                                                    </ActionForm>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                <h3>{t!(i18n, te_manager_new)}</h3>
                                <ActionForm action=create attr:id="manager-form" attr:class="stacked">
                                    <input type="hidden" name="enterprise" value=code1 />
                                    <label for="manager-username">{t!(i18n, account_username)}</label>
                                    <input id="manager-username" name="username" type="text" required autocomplete="off" maxlength="64" />
                                    <FieldErrors error=create_err field="username" />
                                    <label for="manager-display">{t!(i18n, account_name)}</label>
                                    <input id="manager-display" name="display_name" type="text" required maxlength="64" />
                                    <FieldErrors error=create_err field="display_name" />
                                    <label for="manager-password">{t!(i18n, te_initial_password)}</label>
                                    <input id="manager-password" name="password" type="password" autocomplete="new-password" minlength="10" required />
                                    <FieldErrors error=create_err field="password" />
                                    <FieldErrors error=create_err field="op" />
                                    <FormError error=create_err />
                                    <button type="submit">{t!(i18n, te_create)}</button>
                                </ActionForm>
                                <h3>{t!(i18n, te_details)}</h3>
                                <EnterpriseErrors err=save_err />
                                <div id="enterprise-edit" data-code=code2>
                                    <EnterpriseForm action=save enterprise=e choices=d.choices back="training" />
                                </div>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
