//! The training pages about certificates and one person's record: the manager's certificates
//! (`/training/enterprise/certificates`) and an employee's own record (`/training/me`).
use super::api::{my_training, training_certificates, AddOpReview, SaveOpCertificate};
use super::pages::{category_label, requirement_label, state_label, TrainingTabs};
use super::rules::CertState;
use super::{CERT_NUMBER_MAX, OPERATIONS};
use crate::certificates::pages::standing_label;
use crate::i18n::*;
use crate::ui::{ErrorPage, FieldErrors, FormError};
use leptos::prelude::*;

fn operation_label(locale: Locale, code: &str) -> &'static str {
    match code {
        "electrician" => td_string!(locale, tr_op_electrician),
        "welding" => td_string!(locale, tr_op_welding),
        "height" => td_string!(locale, tr_op_height),
        "refrigeration" => td_string!(locale, tr_op_refrigeration),
        "coal_mine" => td_string!(locale, tr_op_coal_mine),
        "metal_mine" => td_string!(locale, tr_op_metal_mine),
        "oil_gas" => td_string!(locale, tr_op_oil_gas),
        "metallurgy" => td_string!(locale, tr_op_metallurgy),
        "hazardous_chemicals" => td_string!(locale, tr_op_hazardous_chemicals),
        _ => td_string!(locale, tr_op_fireworks),
    }
}

fn cert_state_label(locale: Locale, s: CertState) -> &'static str {
    match s {
        CertState::Valid => td_string!(locale, tr_cert_valid),
        CertState::ReviewSoon => td_string!(locale, tr_cert_review_soon),
        CertState::ReviewOverdue => td_string!(locale, tr_cert_review_overdue),
        CertState::ExpiringSoon => td_string!(locale, tr_cert_expiring),
        CertState::Expired => td_string!(locale, tr_cert_expired),
    }
}

/// `/training/enterprise/certificates`: special-operation certificates with their reviews and
/// expiry (a reminder list: those needing attention first), and the certificates the portal
/// issued to the enterprise's employees.
#[component]
pub fn CertificatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveOpCertificate>::new();
    let review = ServerAction::<AddOpReview>::new();
    let data = crate::ui::json_resource(move || (save.version().get(), review.version().get()), |_| training_certificates());
    let err = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let review_err = Signal::derive(move || review.value().get().and_then(|r| r.err()));
    view! {
        <section class="page wide">
            <h1>{t!(i18n, tr_title)}</h1>
            <TrainingTabs current="certificates" />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match data.await {
                        Ok(v) => view! {
                            <h2>{t!(i18n, tr_op_certificates)}</h2>
                            <p class="hint">{t!(i18n, tr_op_hint)}</p>
                            <FieldErrors error=review_err field="reviewed_on" />
                            <div class="table-wrap">
                                <table id="op-certificates">
                                    <thead>
                                        <tr>
                                            <th scope="col">{t!(i18n, tr_name)}</th>
                                            <th scope="col">{t!(i18n, tr_operation)}</th>
                                            <th scope="col">{t!(i18n, tr_cert_number)}</th>
                                            <th scope="col">{t!(i18n, tr_issued_on)}</th>
                                            <th scope="col">{t!(i18n, tr_next_review)}</th>
                                            <th scope="col">{t!(i18n, tr_expires)}</th>
                                            <th scope="col">{t!(i18n, tr_state)}</th>
                                            <th scope="col">{t!(i18n, tr_review_add)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {v.operations
                                            .into_iter()
                                            .map(|c| {
                                                let date_id = format!("review-{}", c.id);
                                                let date_for = date_id.clone();
                                                let warn = c.state != CertState::Valid;
                                                view! {
                                                    <tr data-id=c.id.to_string() data-state=format!("{:?}", c.state).to_lowercase()>
                                                        <td>{c.employee.clone()}</td>
                                                        <td>{operation_label(locale, &c.operation)}</td>
                                                        <td>{c.number.clone()}</td>
                                                        <td>{c.issued_on.clone()}</td>
                                                        <td>{c.next_review.clone().unwrap_or_else(|| "—".into())}</td>
                                                        <td>{c.expires.clone()}</td>
                                                        <td class:warning=warn>{cert_state_label(locale, c.state)}</td>
                                                        <td>
                                                            <ActionForm action=review attr:class="inline-form">
                                                                <input type="hidden" name="id" value=c.id.to_string() />
                                                                <label for=date_for class="visually-hidden">{t!(i18n, tr_reviewed_on)}</label>
                                                                <input id=date_id name="reviewed_on" type="date" required />
                                                                <button type="submit" class="secondary">{t!(i18n, tr_review_save)}</button>
                                                            </ActionForm>
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <h3>{t!(i18n, tr_op_add)}</h3>
                            <ActionForm action=save attr:id="op-form" attr:class="stacked">
                                <label for="op-employee">{t!(i18n, tr_name)}</label>
                                <select id="op-employee" name="employee" required>
                                    {v.employees.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                </select>
                                <FieldErrors error=err field="employee" />
                                <label for="op-operation">{t!(i18n, tr_operation)}</label>
                                <select id="op-operation" name="operation">
                                    {OPERATIONS.into_iter().map(|o| view! { <option value=o>{operation_label(locale, o)}</option> }).collect_view()}
                                </select>
                                <label for="op-number">{t!(i18n, tr_cert_number)}</label>
                                <input id="op-number" name="number" type="text" required maxlength=CERT_NUMBER_MAX.to_string() autocomplete="off" />
                                <FieldErrors error=err field="number" />
                                <label for="op-issued">{t!(i18n, tr_issued_on)}</label>
                                <input id="op-issued" name="issued_on" type="date" required />
                                <FieldErrors error=err field="issued_on" />
                                <label for="op-reviews">{t!(i18n, tr_reviews)}</label>
                                <input id="op-reviews" name="reviews" type="text" placeholder="2024-05-01" />
                                <FieldErrors error=err field="reviews" />
                                <FormError error=err />
                                <button type="submit">{t!(i18n, wf_save)}</button>
                            </ActionForm>
                            <h2>{t!(i18n, tr_issued_certificates)}</h2>
                            {v.issued.is_empty().then(|| view! { <p id="issued-none">{t!(i18n, tr_issued_none)}</p> })}
                            <ul id="issued-certificates" class="plain">
                                {v.issued
                                    .into_iter()
                                    .map(|c| {
                                        let href = format!("/certificates/{}", c.code);
                                        view! {
                                            <li>
                                                <a href=href>{c.holder.clone()} " · " {c.title.clone()}</a>
                                                " · " {c.issued_on.clone()} " · " {standing_label(locale, c.standing)}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any(),
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/training/me`: an employee's own hours this year, the sessions they attended and their
/// certificates.
#[component]
pub fn MyTrainingPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = crate::ui::json_resource(|| (), |_| my_training());
    view! {
        <section class="page wide">
            <h1>{t!(i18n, tr_my_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match data.await {
                        Ok(r) => view! {
                            <p id="my-name"><strong>{r.name.clone()}</strong> " · " {category_label(locale, r.category)} " · " {r.enterprise.clone()}</p>
                            {r.standing.clone().map(|l| view! {
                                <dl class="facts" id="my-standing">
                                    <dt>{t!(i18n, tr_requirement)}</dt><dd>{requirement_label(locale, l.phase)}</dd>
                                    <dt>{t!(i18n, tr_required)}</dt><dd>{l.required_hours.clone()}</dd>
                                    <dt>{t!(i18n, tr_done)}</dt><dd id="my-done">{l.done_hours.clone()}</dd>
                                    <dt>{t!(i18n, tr_shortfall)}</dt><dd>{l.shortfall_hours.clone()}</dd>
                                    <dt>{t!(i18n, tr_due)}</dt><dd>{l.due.clone()}</dd>
                                    <dt>{t!(i18n, tr_state)}</dt><dd id="my-state">{state_label(locale, l.state)}</dd>
                                </dl>
                            })}
                            <h2>{t!(i18n, tr_sessions)}</h2>
                            {r.attended.is_empty().then(|| view! { <p>{t!(i18n, tr_sessions_none)}</p> })}
                            <ul id="my-sessions" class="plain">
                                {r.attended.into_iter().map(|a| view! { <li>{a.held_on} " · " {a.title} " · " {a.hours} " " {t!(i18n, cert_hours_unit)}</li> }).collect_view()}
                            </ul>
                            <h2>{t!(i18n, cl_my_courses)}</h2>
                            <p><a id="classroom-from-record" href="/training/courses">{t!(i18n, cl_classroom_link)}</a></p>
                            {r.courses.is_empty().then(|| view! { <p>{t!(i18n, cl_my_courses_none)}</p> })}
                            <ul id="my-courses" class="plain">
                                {r.courses.into_iter().map(|a| view! { <li>{a.held_on} " · " {a.title} " · " {a.hours} " " {t!(i18n, cert_hours_unit)}</li> }).collect_view()}
                            </ul>
                            <h2>{t!(i18n, tr_my_contests)}</h2>
                            {r.contests.is_empty().then(|| view! { <p>{t!(i18n, tr_my_contests_none)}</p> })}
                            <ul id="my-contests" class="plain">
                                {r.contests.into_iter().map(|a| view! { <li>{a.held_on} " · " {a.title} " · " {a.hours} " " {t!(i18n, cert_hours_unit)}</li> }).collect_view()}
                            </ul>
                            <h2>{t!(i18n, tr_issued_certificates)}</h2>
                            {r.certificates.is_empty().then(|| view! { <p>{t!(i18n, tr_issued_none)}</p> })}
                            <ul id="my-certificates" class="plain">
                                {r.certificates
                                    .into_iter()
                                    .map(|c| {
                                        let href = format!("/certificates/{}", c.code);
                                        view! { <li><a href=href>{c.title.clone()}</a> " · " {c.issued_on.clone()} " · " {standing_label(locale, c.standing)}</li> }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any(),
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
