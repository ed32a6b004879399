//! The enterprise safety manager's training pages (`/training/enterprise/…`): employees, sessions
//! with their attendance sheets, and compliance. Plain forms: they work without JavaScript.
use super::api::{
    training_compliance, training_session, training_sessions, training_staff, IssueSessionCertificates, SaveAttendance, SaveEmployee,
    SaveSession,
};
use super::rules::{Category, HoursState, Phase};
use super::sheet::{AttendanceTicks, SheetTick};
use super::sign_in_page::SignInImport;
use super::{Audience, Employee, SessionPhase, CONTACT_MAX, MATERIAL_MAX, NAME_MAX, TITLE_MAX, TRAINER_MAX};
use crate::i18n::*;
use crate::ui::{ErrorPage, FieldErrors, FormError, ImportReportView};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

pub fn category_label(locale: Locale, c: Category) -> &'static str {
    match c {
        Category::Principal => td_string!(locale, tr_cat_principal),
        Category::SafetyManager => td_string!(locale, tr_cat_safety_manager),
        Category::SpecialOperation => td_string!(locale, tr_cat_special_operation),
        Category::Other => td_string!(locale, tr_cat_other),
    }
}

fn import_column(locale: Locale, field: &str) -> String {
    match field {
        "name" => td_string!(locale, tr_name),
        "category" => td_string!(locale, tr_category),
        "hired_on" => td_string!(locale, tr_hired_on),
        "contact" => td_string!(locale, tr_contact),
        _ => td_string!(locale, qi_col_line),
    }
    .to_string()
}

/// The employee file's form: a plain multipart form (the server answers with the page again).
#[component]
fn ImportForm() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2 id="import">{t!(i18n, tr_import)}</h2>
        <p class="hint">{t!(i18n, tr_import_hint)} " " <a href="/training/enterprise/template.csv" download>{t!(i18n, tr_import_template)}</a></p>
        <form method="post" action="/training/enterprise/import" enctype="multipart/form-data" id="import-form">
            <label for="import-file">{t!(i18n, tr_import_file)}</label>
            <input id="import-file" name="file" type="file" required accept=".csv,.xlsx,text/csv" />
            <label class="check" for="import-good-only">
                <input id="import-good-only" type="checkbox" name="good_only" value="1" />
                {t!(i18n, qi_good_only)}
            </label>
            <button type="submit">{t!(i18n, qi_submit)}</button>
        </form>
    }
}

fn audience_label(locale: Locale, a: Audience) -> &'static str {
    match a {
        Audience::All => td_string!(locale, tr_audience_all),
        Audience::Only(c) => category_label(locale, c),
    }
}

fn phase_label(locale: Locale, p: SessionPhase) -> &'static str {
    match p {
        SessionPhase::Initial => td_string!(locale, tr_phase_initial),
        SessionPhase::Refresher => td_string!(locale, tr_phase_refresher),
    }
}

pub(super) fn requirement_label(locale: Locale, p: Phase) -> &'static str {
    match p {
        Phase::Initial => td_string!(locale, tr_phase_initial),
        Phase::Yearly => td_string!(locale, tr_phase_yearly),
    }
}

pub(super) fn state_label(locale: Locale, s: HoursState) -> &'static str {
    match s {
        HoursState::Met => td_string!(locale, tr_state_met),
        HoursState::Open => td_string!(locale, tr_state_open),
        HoursState::Overdue => td_string!(locale, tr_state_overdue),
    }
}

/// The tabs of the manager's pages.
#[component]
pub(super) fn TrainingTabs(current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let tab = move |href: &'static str, key: &'static str| {
        let label = move || match key {
            "staff" => t_string!(i18n, tr_tab_staff),
            "sessions" => t_string!(i18n, tr_tab_sessions),
            "certificates" => t_string!(i18n, tr_tab_certificates),
            _ => t_string!(i18n, tr_tab_compliance),
        };
        view! { <a href=href aria-current=(current == key).then_some("page")>{label}</a> " " }
    };
    view! {
        <nav class="tabs" aria-label=move || t_string!(i18n, tr_title)>
            {tab("/training/enterprise", "staff")}
            {tab("/training/enterprise/sessions", "sessions")}
            {tab("/training/enterprise/compliance", "compliance")}
            {tab("/training/enterprise/certificates", "certificates")}
        </nav>
    }
}

#[component]
fn CategorySelect(id: String, selected: Option<Category>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <select id=id name="category" required>
            {Category::ALL
                .into_iter()
                .map(|c| view! { <option value=c.as_str() selected=selected == Some(c)>{category_label(locale, c)}</option> })
                .collect_view()}
        </select>
    }
}

/// Add an employee, or change the one given.
#[component]
fn EmployeeForm(action: ServerAction<SaveEmployee>, employee: Option<Employee>) -> impl IntoView {
    let i18n = use_i18n();
    let err = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let editing = employee.is_some();
    let e = employee.unwrap_or(Employee {
        id: 0,
        name: String::new(),
        category: Category::Other,
        hired_on: String::new(),
        contact: String::new(),
        active: true,
        account: String::new(),
    });
    view! {
        <h2>{if editing { t_string!(i18n, tr_employee_edit) } else { t_string!(i18n, tr_employee_add) }}</h2>
        <ActionForm action=action attr:id="employee-form" attr:class="stacked">
            {editing.then(|| view! { <input type="hidden" name="id" value=e.id.to_string() /> })}
            <label for="emp-name">{t!(i18n, tr_name)}</label>
            <input id="emp-name" name="name" type="text" required maxlength=NAME_MAX.to_string() value=e.name.clone() />
            <FieldErrors error=err field="name" />
            <label for="emp-category">{t!(i18n, tr_category)}</label>
            <CategorySelect id="emp-category".to_string() selected=Some(e.category) />
            <FieldErrors error=err field="category" />
            <label for="emp-hired">{t!(i18n, tr_hired_on)}</label>
            <input id="emp-hired" name="hired_on" type="date" required value=e.hired_on.clone() />
            <FieldErrors error=err field="hired_on" />
            <label for="emp-contact">{t!(i18n, tr_contact)}</label>
            <input id="emp-contact" name="contact" type="text" maxlength=CONTACT_MAX.to_string() value=e.contact.clone() />
            <FieldErrors error=err field="contact" />
            <label for="emp-account">{t!(i18n, tr_account)}</label>
            <input id="emp-account" name="account" type="text" maxlength="64" autocomplete="off" value=e.account.clone() />
            <p class="hint">{t!(i18n, tr_account_hint)}</p>
            <FieldErrors error=err field="account" />
            {editing.then(|| view! {
                <label class="check" for="emp-active">
                    <input id="emp-active" name="active" type="checkbox" value="on" checked=e.active />
                    {t!(i18n, tr_active)}
                </label>
            })}
            <FieldErrors error=err field="op" />
            <FormError error=err />
            <button type="submit">{t!(i18n, wf_save)}</button>
        </ActionForm>
    }
}

/// `/training/enterprise`: the enterprise's employees (`?edit=ID` opens one in the form).
#[component]
pub fn EmployeesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let save = ServerAction::<SaveEmployee>::new();
    let data = crate::ui::json_resource(move || save.version().get(), |_| training_staff());
    let edit = move || query.with(|q| q.get("edit").and_then(|s| s.parse::<i64>().ok()));
    view! {
        <section class="page wide">
            <h1>{t!(i18n, tr_title)}</h1>
            <TrainingTabs current="staff" />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match data.await {
                        Ok(d) => {
                            let editing = edit().and_then(|id| d.employees.iter().find(|e| e.id == id).cloned());
                            view! {
                                {d.report.clone().map(|r| view! { <ImportReportView r column=import_column /> })}
                                <p id="enterprise-name">
                                    <strong>{d.enterprise.clone()}</strong> " · " {d.credit_code.clone()}
                                    {d.high_risk.then(|| view! { " · " <span class="badge">{t!(i18n, tr_high_risk)}</span> })}
                                </p>
                                <h2>{t!(i18n, tr_employees)} " (" {d.employees.iter().filter(|e| e.active).count()} ")"</h2>
                                {d.employees.is_empty().then(|| view! { <p id="employees-none">{t!(i18n, tr_employees_none)}</p> })}
                                <div class="table-wrap">
                                    <table id="employees">
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, tr_name)}</th>
                                                <th scope="col">{t!(i18n, tr_category)}</th>
                                                <th scope="col">{t!(i18n, tr_hired_on)}</th>
                                                <th scope="col">{t!(i18n, tr_contact)}</th>
                                                <th scope="col">{t!(i18n, tr_active)}</th>
                                                <th scope="col"><span class="visually-hidden">{t!(i18n, tr_employee_edit)}</span></th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {d.employees
                                                .into_iter()
                                                .map(|e| {
                                                    let href = format!("/training/enterprise?edit={}#employee-form", e.id);
                                                    view! {
                                                        <tr data-id=e.id.to_string() class:retired=!e.active>
                                                            <td>{e.name.clone()}</td>
                                                            <td>{category_label(locale, e.category)}</td>
                                                            <td>{e.hired_on.clone()}</td>
                                                            <td>{e.contact.clone()}</td>
                                                            <td>{if e.active { t_string!(i18n, tr_yes) } else { t_string!(i18n, tr_no) }}</td>
                                                            <td><a href=href>{t!(i18n, tr_employee_edit)}</a></td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <EmployeeForm action=save employee=editing />
                                <ImportForm />
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

/// `/training/enterprise/sessions`: the sessions held or planned, and a form for a new one.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveSession>::new();
    let list = crate::ui::json_resource(|| (), |_| training_sessions());
    let err = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    view! {
        <section class="page wide">
            <h1>{t!(i18n, tr_title)}</h1>
            <TrainingTabs current="sessions" />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match list.await {
                        Ok(sessions) => view! {
                            <h2>{t!(i18n, tr_sessions)}</h2>
                            {sessions.is_empty().then(|| view! { <p id="sessions-none">{t!(i18n, tr_sessions_none)}</p> })}
                            <div class="table-wrap">
                                <table id="sessions">
                                    <thead>
                                        <tr>
                                            <th scope="col">{t!(i18n, tr_held_on)}</th>
                                            <th scope="col">{t!(i18n, tr_session_title)}</th>
                                            <th scope="col">{t!(i18n, tr_audience)}</th>
                                            <th scope="col">{t!(i18n, tr_phase)}</th>
                                            <th scope="col">{t!(i18n, tr_hours)}</th>
                                            <th scope="col">{t!(i18n, tr_attendees)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {sessions
                                            .into_iter()
                                            .map(|s| {
                                                let href = format!("/training/enterprise/sessions/{}", s.id);
                                                view! {
                                                    <tr data-id=s.id.to_string()>
                                                        <td>{s.held_on.clone()}</td>
                                                        <td><a href=href>{s.title.clone()}</a></td>
                                                        <td>{audience_label(locale, s.audience)}</td>
                                                        <td>{phase_label(locale, s.phase)}</td>
                                                        <td>{s.hours.clone()}</td>
                                                        <td>{s.attendees}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                            .into_any(),
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>{t!(i18n, tr_session_add)}</h2>
            <ActionForm action=save attr:id="session-form" attr:class="stacked">
                <SessionFields err=err session=None />
                <button type="submit">{t!(i18n, tr_session_save)}</button>
            </ActionForm>
        </section>
    }
}

/// The fields of a session form, empty for a new session or holding `session`'s values (with its
/// id, so that the form changes it).
#[component]
fn SessionFields(err: Signal<Option<crate::base::errors::AppError>>, session: Option<super::Session>) -> impl IntoView {
    let i18n = use_i18n();
    let id = session.as_ref().map(|s| s.id.to_string());
    let audience = session.as_ref().map(|s| s.audience);
    let phase = session.as_ref().map(|s| s.phase);
    let value = |f: fn(&super::Session) -> String| session.as_ref().map(f).unwrap_or_default();
    let (title, hours, held_on, trainer, material) =
        (value(|s| s.title.clone()), value(|s| s.hours.clone()), value(|s| s.held_on.clone()), value(|s| s.trainer.clone()), value(|s| s.material.clone()));
    view! {
        {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
        <label for="ses-title">{t!(i18n, tr_session_title)}</label>
        <input id="ses-title" name="title" type="text" required maxlength=TITLE_MAX.to_string() value=title />
        <FieldErrors error=err field="title" />
        <label for="ses-audience">{t!(i18n, tr_audience)}</label>
        <select id="ses-audience" name="audience">
            <option value="all" selected=audience == Some(Audience::All)>{move || audience_label(i18n.get_locale(), Audience::All)}</option>
            {Category::ALL
                .into_iter()
                .map(|c| view! { <option value=c.as_str() selected=audience == Some(Audience::Only(c))>{move || category_label(i18n.get_locale(), c)}</option> })
                .collect_view()}
        </select>
        <FieldErrors error=err field="audience" />
        <label for="ses-phase">{t!(i18n, tr_phase)}</label>
        <select id="ses-phase" name="phase">
            <option value="refresher" selected=phase == Some(SessionPhase::Refresher)>{move || phase_label(i18n.get_locale(), SessionPhase::Refresher)}</option>
            <option value="initial" selected=phase == Some(SessionPhase::Initial)>{move || phase_label(i18n.get_locale(), SessionPhase::Initial)}</option>
        </select>
        <FieldErrors error=err field="phase" />
        <label for="ses-hours">{t!(i18n, tr_hours)}</label>
        <input id="ses-hours" name="hours" type="text" inputmode="decimal" required maxlength="6" value=hours />
        <p class="hint">{t!(i18n, tr_hours_hint)}</p>
        <FieldErrors error=err field="hours" />
        <label for="ses-day">{t!(i18n, tr_held_on)}</label>
        <input id="ses-day" name="held_on" type="date" required value=held_on />
        <FieldErrors error=err field="held_on" />
        <label for="ses-trainer">{t!(i18n, tr_trainer)}</label>
        <input id="ses-trainer" name="trainer" type="text" required maxlength=TRAINER_MAX.to_string() value=trainer />
        <FieldErrors error=err field="trainer" />
        <label for="ses-material">{t!(i18n, tr_material)}</label>
        <textarea id="ses-material" name="material" rows="3" maxlength=MATERIAL_MAX.to_string()>{material}</textarea>
        <FieldErrors error=err field="material" />
        <FormError error=err />
    }
}

/// `/training/enterprise/sessions/:id`: the session and its attendance sheet.
#[component]
pub fn SessionSheetPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let save = ServerAction::<SaveAttendance>::new();
    let issue = ServerAction::<IssueSessionCertificates>::new();
    let edit = ServerAction::<SaveSession>::new();
    let issue_err = Signal::derive(move || issue.value().get().and_then(|r| r.err()));
    let edit_err = Signal::derive(move || edit.value().get().and_then(|r| r.err()));
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let sheet = crate::ui::json_resource(move || (id(), save.version().get(), edit.version().get()), |(id, ..)| training_session(id));
    let err = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let saved = move || query.with(|q| q.get("saved").is_some()) || save.value().with(|v| matches!(v, Some(Ok(()))));
    view! {
        <section class="page wide">
            <h1>{t!(i18n, tr_title)}</h1>
            <TrainingTabs current="sessions" />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match sheet.await {
                        Ok(sh) => {
                            let s = sh.session.clone();
                            let s_edit = s.clone();
                            let session_id = s.id.to_string();
                            let session_id2 = session_id.clone();
                            view! {
                                <h2 id="session-title">{s.title.clone()}</h2>
                                <dl class="facts">
                                    <dt>{t!(i18n, tr_held_on)}</dt><dd>{s.held_on.clone()}</dd>
                                    <dt>{t!(i18n, tr_audience)}</dt><dd>{audience_label(locale, s.audience)}</dd>
                                    <dt>{t!(i18n, tr_phase)}</dt><dd>{phase_label(locale, s.phase)}</dd>
                                    <dt>{t!(i18n, tr_hours)}</dt><dd id="session-hours">{s.hours.clone()}</dd>
                                    <dt>{t!(i18n, tr_trainer)}</dt><dd>{s.trainer.clone()}</dd>
                                    {(!s.material.is_empty()).then(|| view! { <dt>{t!(i18n, tr_material)}</dt><dd>{s.material.clone()}</dd> })}
                                    <dt>{t!(i18n, tr_attendees)}</dt><dd id="attendee-count">{s.attendees}</dd>
                                </dl>
                                {move || saved().then(|| view! { <p id="attendance-saved" class="notice" role="status">{t!(i18n, tr_attendance_saved)}</p> })}
                                {(!sh.open).then(|| view! { <p id="session-ahead" class="hint">{t!(i18n, tr_session_ahead)}</p> })}
                                <h3>{t!(i18n, tr_attendance)}</h3>
                                {sh.lines.is_empty().then(|| view! { <p>{t!(i18n, tr_employees_none)}</p> })}
                                <ActionForm action=save attr:id="attendance-form">
                                    <input type="hidden" name="session" value=session_id />
                                    <AttendanceTicks prefix="att" ticks=sh.lines.iter().map(|l| SheetTick { id: l.employee_id, label: format!("{} · {}", l.name, category_label(locale, l.category)), attended: l.attended }).collect()>
                                        {t!(i18n, tr_attendance_hint)}
                                    </AttendanceTicks>
                                    <FieldErrors error=err field="op" />
                                    <FormError error=err />
                                    <button type="submit">{t!(i18n, tr_attendance_save)}</button>
                                </ActionForm>
                                <ActionForm action=save attr:id="attendance-all">
                                    <input type="hidden" name="session" value=session_id2 />
                                    <input type="hidden" name="everyone" value="1" />
                                    <button type="submit" class="secondary">{t!(i18n, tr_attendance_all)}</button>
                                </ActionForm>
                                <SignInImport session=s.id report=sh.report.clone() />
                                {(sh.open && s.attendees > 0).then(|| {
                                    let session_id3 = s.id.to_string();
                                    view! {
                                        <ActionForm action=issue attr:id="issue-certificates">
                                            <input type="hidden" name="session" value=session_id3 />
                                            <p class="hint">{t!(i18n, tr_issue_hint)}</p>
                                            <FieldErrors error=issue_err field="op" />
                                            <button type="submit">{t!(i18n, tr_issue)}</button>
                                        </ActionForm>
                                    }
                                })}
                                <h3>{t!(i18n, tr_session_edit)}</h3>
                                <p class="hint">{t!(i18n, tr_session_edit_hint)}</p>
                                <ActionForm action=edit attr:id="session-edit-form" attr:class="stacked">
                                    <SessionFields err=edit_err session=Some(s_edit) />
                                    <button type="submit">{t!(i18n, tr_session_save)}</button>
                                </ActionForm>
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

/// `/training/enterprise/compliance?year=`: every employee's required and completed hours.
#[component]
pub fn CompliancePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let year = move || query.with(|q| q.get("year").and_then(|s| s.parse::<i64>().ok()));
    let data = crate::ui::json_resource(year, training_compliance);
    view! {
        <section class="page wide">
            <h1>{t!(i18n, tr_title)}</h1>
            <TrainingTabs current="compliance" />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match data.await {
                        Ok(c) => {
                            let (prev, next) = (format!("?year={}", c.year - 1), format!("?year={}", c.year + 1));
                            view! {
                                <h2>{t!(i18n, tr_compliance)} " " {c.year}</h2>
                                <nav class="tabs" aria-label=move || t_string!(i18n, tr_year)>
                                    <a href=prev>{c.year - 1}</a> " " <a href=next>{c.year + 1}</a>
                                </nav>
                                <p id="compliance-share" class="big-figure">
                                    {t!(i18n, tr_compliant_share)} " " <strong>{c.percent} "%"</strong>
                                    " (" {c.met} " / " {c.counted} ")"
                                </p>
                                <p id="compliance-files">
                                    {t!(i18n, tr_download)} " "
                                    <a id="compliance-csv" href=format!("/training/enterprise/compliance.csv?year={}", c.year) download rel="external">"CSV"</a> " · "
                                    <a id="compliance-xlsx" href=format!("/training/enterprise/compliance.xlsx?year={}", c.year) download rel="external">"Excel"</a>
                                </p>
                                <p id="compliance-records">
                                    {t!(i18n, tr_records_download)} " "
                                    <a id="compliance-records-csv" href=format!("/training/enterprise/records.csv?year={}", c.year) download rel="external">"CSV"</a> " · "
                                    <a id="compliance-records-xlsx" href=format!("/training/enterprise/records.xlsx?year={}", c.year) download rel="external">"Excel"</a>
                                </p>
                                <p id="compliance-xapi-line">
                                    {t!(i18n, tr_xapi)} " "
                                    <a id="compliance-xapi" href=format!("/training/enterprise/xapi.json?year={}", c.year) download rel="external">"xAPI 2.0 (JSON)"</a>
                                </p>
                                {c.lines.is_empty().then(|| view! { <p>{t!(i18n, tr_employees_none)}</p> })}
                                <div class="table-wrap">
                                    <table id="compliance">
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, tr_name)}</th>
                                                <th scope="col">{t!(i18n, tr_category)}</th>
                                                <th scope="col">{t!(i18n, tr_requirement)}</th>
                                                <th scope="col">{t!(i18n, tr_required)}</th>
                                                <th scope="col">{t!(i18n, tr_done)}</th>
                                                <th scope="col">{t!(i18n, tr_shortfall)}</th>
                                                <th scope="col">{t!(i18n, tr_due)}</th>
                                                <th scope="col">{t!(i18n, tr_state)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {c.lines
                                                .into_iter()
                                                .map(|l| {
                                                    let state = l.state;
                                                    view! {
                                                        <tr data-id=l.employee_id.to_string() data-state=format!("{state:?}").to_lowercase()>
                                                            <td>{l.name.clone()}</td>
                                                            <td>{category_label(locale, l.category)}</td>
                                                            <td>{requirement_label(locale, l.phase)}</td>
                                                            <td>{l.required_hours.clone()}</td>
                                                            <td class="done">{l.done_hours.clone()}</td>
                                                            <td>{l.shortfall_hours.clone()}</td>
                                                            <td>{l.due.clone()}</td>
                                                            <td class:warning=state == HoursState::Overdue>{state_label(locale, state)}</td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <p class="hint">{t!(i18n, tr_compliance_hint)}</p>
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
