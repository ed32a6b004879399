//! Admin pages of the workflow: the routing table (sector × town/street → departments), the
//! holiday calendar with make-up working days (调休), and the audit log with its chain check.
use super::api::{audit_log, holiday_list, load_routing_table, DeleteHoliday, DeleteRoutingRule, SaveHoliday, SaveRoutingRule};
use crate::cases::labels::wf_label;
use crate::base::errors::AppError;
use crate::i18n::*;
use crate::base::format::fmt_date;
use crate::org::choice_name;
use crate::ui::{ErrorPage, FieldErrors, FormError};
use leptos::prelude::*;

fn err_of<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

#[component]
pub fn RoutingPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveRoutingRule>::new();
    let delete = ServerAction::<DeleteRoutingRule>::new();
    let table = crate::ui::json_resource(move || (save.version().get(), delete.version().get()), |_| load_routing_table());
    let save_err = err_of(save.value());
    let delete_err = err_of(delete.value());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match table.await {
                    Ok(t) => {
                        let locale = i18n.get_locale_untracked();
                        view! {
                            <section class="page wide">
                                <h1>{t!(i18n, wf_routing_title)}</h1>
                                <p class="hint">{t!(i18n, wf_routing_hint)}</p>
                                <FormError error=delete_err />
                                <FieldErrors error=delete_err field="rule" />
                                <div class="table-wrap">
                                    <table id="routing-table">
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, form_sector)}</th>
                                                <th scope="col">{t!(i18n, form_town)}</th>
                                                <th scope="col">{t!(i18n, wf_lead)}</th>
                                                <th scope="col">{t!(i18n, wf_cooperating)}</th>
                                                <th scope="col"></th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {t.rules.iter().map(|r| {
                                                let id = r.id;
                                                view! {
                                                    <tr data-sector=r.sector.code.clone()>
                                                        <td>{choice_name(locale, &r.sector)}</td>
                                                        <td>{r.town.as_ref().map(|c| choice_name(locale, c)).unwrap_or_else(|| t_string!(i18n, wf_any_town).to_string())}</td>
                                                        <td>{choice_name(locale, &r.lead)}</td>
                                                        <td>{r.cooperating.iter().map(|c| choice_name(locale, c)).collect::<Vec<_>>().join("、")}</td>
                                                        <td>
                                                            <ActionForm action=delete attr:class="inline-form">
                                                                <input type="hidden" name="id" value=id.to_string() />
                                                                <button type="submit" class="secondary">{t!(i18n, wf_delete)}</button>
                                                            </ActionForm>
                                                        </td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <h2>{t!(i18n, wf_routing_add)}</h2>
                                <ActionForm action=save attr:class="stack-form" attr:id="routing-form">
                                    <FormError error=save_err />
                                    <label for="rule-sector">{t!(i18n, form_sector)}</label>
                                    <select id="rule-sector" name="sector" required>
                                        {t.sectors.iter().map(|c| view! { <option value=c.code.clone()>{choice_name(locale, c)}</option> }).collect_view()}
                                    </select>
                                    <FieldErrors error=save_err field="sector" />
                                    <label for="rule-town">{t!(i18n, form_town)}</label>
                                    <select id="rule-town" name="town">
                                        <option value="">{t!(i18n, wf_any_town)}</option>
                                        {t.towns.iter().map(|c| view! { <option value=c.code.clone()>{choice_name(locale, c)}</option> }).collect_view()}
                                    </select>
                                    <FieldErrors error=save_err field="town" />
                                    <label for="rule-lead">{t!(i18n, wf_lead)}</label>
                                    <select id="rule-lead" name="lead">
                                        <option value="">{t!(i18n, wf_choose)}</option>
                                        {t.departments.iter().map(|c| view! { <option value=c.code.clone()>{choice_name(locale, c)}</option> }).collect_view()}
                                    </select>
                                    <FieldErrors error=save_err field="lead" />
                                    <fieldset>
                                        <legend>{t!(i18n, wf_cooperating)}</legend>
                                        {t.departments.iter().map(|d| {
                                            let id = format!("rule-coop-{}", d.code);
                                            let for_id = id.clone();
                                            view! {
                                                <label class="check" for=for_id>
                                                    <input type="checkbox" id=id name=format!("cooperating[{}]", d.code) value=d.code.clone() />
                                                    {choice_name(locale, d)}
                                                </label>
                                            }
                                        }).collect_view()}
                                    </fieldset>
                                    <FieldErrors error=save_err field="cooperating" />
                                    <button type="submit">{t!(i18n, wf_save)}</button>
                                </ActionForm>
                            </section>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveHoliday>::new();
    let delete = ServerAction::<DeleteHoliday>::new();
    let list = crate::ui::json_resource(move || (save.version().get(), delete.version().get()), |_| holiday_list());
    let save_err = err_of(save.value());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(rows) => view! {
                        <section class="page">
                            <h1>{t!(i18n, wf_calendar_title)}</h1>
                            <p class="hint">{t!(i18n, wf_calendar_hint)}</p>
                            <ActionForm action=save attr:class="stack-form" attr:id="holiday-form">
                                <FormError error=save_err />
                                <label for="holiday-day">{t!(i18n, wf_day)}</label>
                                <input id="holiday-day" name="day" type="date" required />
                                <FieldErrors error=save_err field="day" />
                                <label for="holiday-kind">{t!(i18n, wf_day_kind)}</label>
                                <select id="holiday-kind" name="kind">
                                    <option value="off">{t!(i18n, wf_day_off)}</option>
                                    <option value="work">{t!(i18n, wf_day_work)}</option>
                                </select>
                                <FieldErrors error=save_err field="kind" />
                                <label for="holiday-name">{t!(i18n, wf_day_name)}</label>
                                <input id="holiday-name" name="name" type="text" required maxlength="50" />
                                <FieldErrors error=save_err field="name" />
                                <button type="submit">{t!(i18n, wf_save)}</button>
                            </ActionForm>
                            <div class="table-wrap">
                                <table id="holiday-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">{t!(i18n, wf_day)}</th>
                                            <th scope="col">{t!(i18n, wf_day_kind)}</th>
                                            <th scope="col">{t!(i18n, wf_day_name)}</th>
                                            <th scope="col"></th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rows.into_iter().map(|h| {
                                            let work = h.kind == "work";
                                            let (day, day_attr, day_input) = (h.day.clone(), h.day.clone(), h.day.clone());
                                            view! {
                                                <tr data-day=day_attr>
                                                    <td>{day}</td>
                                                    <td>{move || if work { t_string!(i18n, wf_day_work).to_string() } else { t_string!(i18n, wf_day_off).to_string() }}</td>
                                                    <td>{h.name.clone()}</td>
                                                    <td>
                                                        <ActionForm action=delete attr:class="inline-form">
                                                            <input type="hidden" name="day" value=day_input />
                                                            <button type="submit" class="secondary">{t!(i18n, wf_delete)}</button>
                                                        </ActionForm>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        </section>
                    }
                        .into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let case = query.with_untracked(|m| m.get("case_number"));
    let c2 = case.clone();
    let page = crate::ui::json_resource(move || c2.clone(), audit_log);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let case = case.clone();
                Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! {
                            <section class="page wide">
                                <h1>{t!(i18n, wf_audit_title)}</h1>
                                {match p.chain {
                                    Ok(n) => view! { <p class="notice ok" id="chain-status" data-ok="true">{t!(i18n, wf_chain_ok)} " (" {n} ")"</p> }.into_any(),
                                    Err(seq) => view! { <p class="form-error" role="alert" id="chain-status" data-ok="false">{t!(i18n, wf_chain_broken)} " #" {seq}</p> }.into_any(),
                                }}
                                <form method="get" action="/admin/audit" class="filter-form">
                                    <label for="audit-case">{t!(i18n, receipt_case_number)}</label>
                                    <input id="audit-case" name="case_number" type="search" value=case.unwrap_or_default() />
                                    <button type="submit">{t!(i18n, wf_apply)}</button>
                                </form>
                                <p>{t!(i18n, wf_total)} " " {p.total}</p>
                                <div class="table-wrap">
                                    <table id="audit-table">
                                        <thead>
                                            <tr>
                                                <th scope="col">"#"</th>
                                                <th scope="col">{t!(i18n, wf_day)}</th>
                                                <th scope="col">{t!(i18n, wf_user)}</th>
                                                <th scope="col">{t!(i18n, wf_action)}</th>
                                                <th scope="col">{t!(i18n, receipt_case_number)}</th>
                                                <th scope="col">{t!(i18n, wf_reason)}</th>
                                                <th scope="col">{t!(i18n, wf_details)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {p.entries.into_iter().map(|e| {
                                                let action = e.action.clone();
                                                view! {
                                                    <tr>
                                                        <td>{e.seq}</td>
                                                        <td>{fmt_date(e.at)}</td>
                                                        <td>{e.user.clone().unwrap_or_else(|| "system".into())}</td>
                                                        <td>{move || wf_label(i18n.get_locale(), &format!("op_{action}"))}</td>
                                                        <td>{e.case_number.clone()}</td>
                                                        <td>{e.reason.clone()}</td>
                                                        <td><code>{e.details.clone()}</code></td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            </section>
                        }
                            .into_any(),
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
