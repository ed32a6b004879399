//! The admin's organisation page: departments and towns/streets.
use super::api::{load_org, SaveDepartment, SaveTown};
use super::{choice_name, Choice, OrgData, OrgDepartment, OrgTown};
use crate::i18n::*;
use crate::ui::{ErrorPage, FieldErrors, FormError};
use leptos::prelude::*;

fn town_choices(data: &OrgData) -> Vec<Choice> {
    data.towns
        .iter()
        .map(|t| Choice { code: t.code.clone(), name_zh: t.name_zh.clone(), name_en: t.name_en.clone() })
        .collect()
}

/// The code (typed for a new row, fixed afterwards) and both names of a department or town.
#[component]
fn CodeAndNames(prefix: String, code: String, name_zh: String, name_en: String) -> impl IntoView {
    let i18n = use_i18n();
    let id = |f: &str| format!("{prefix}-{f}");
    let (code_for, code_id) = (id("code"), id("code"));
    let (zh_for, zh_id, en_for, en_id) = (id("zh"), id("zh"), id("en"), id("en"));
    view! {
        {if code.is_empty() {
            view! {
                <label for=code_for>{t!(i18n, org_code)}</label>
                <input id=code_id name="code" type="text" required maxlength="20" />
            }
                .into_any()
        } else {
            view! {
                <span class="org-code">{code.clone()}</span>
                <input type="hidden" name="code" value=code />
            }
                .into_any()
        }}
        <label for=zh_for>{t!(i18n, org_name_zh)}</label>
        <input id=zh_id name="name_zh" type="text" required maxlength="40" value=name_zh />
        <label for=en_for>{t!(i18n, org_name_en)}</label>
        <input id=en_id name="name_en" type="text" required maxlength="80" value=name_en />
    }
}

#[component]
fn ActiveBox(prefix: String, active: bool) -> impl IntoView {
    let i18n = use_i18n();
    let (id, for_id) = (format!("{prefix}-active"), format!("{prefix}-active"));
    view! {
        <label class="check" for=for_id>
            <input id=id type="checkbox" name="active" value="1" checked=active />
            {t!(i18n, org_active)}
        </label>
    }
}

/// One department: its code (fixed), names, station town and active flag, saved as one form.
#[component]
fn DepartmentForm(
    action: ServerAction<SaveDepartment>,
    #[prop(optional)] dept: Option<OrgDepartment>,
    towns: Vec<Choice>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let is_new = dept.is_none();
    let d = dept.unwrap_or(OrgDepartment {
        code: String::new(),
        name_zh: String::new(),
        name_en: String::new(),
        town: None,
        active: true,
        open_cases: 0,
        users: 0,
    });
    let prefix = format!("dept-{}", if is_new { "new" } else { d.code.as_str() });
    let (town_for, town_id) = (format!("{prefix}-town"), format!("{prefix}-town"));
    let town = d.town.clone().unwrap_or_default();
    let (code, code_shown) = (d.code.clone(), d.code.clone());
    let (name_zh, name_en, active) = (d.name_zh.clone(), d.name_en.clone(), d.active);
    let (open_cases, users) = (d.open_cases, d.users);
    view! {
        <ActionForm action=action attr:class="org-row" attr:data-code=code>
            <CodeAndNames prefix=prefix.clone() code=code_shown name_zh name_en />
            <label for=town_for>{t!(i18n, org_station_of)}</label>
            <select id=town_id name="town">
                <option value="">{t!(i18n, org_district_level)}</option>
                {towns
                    .iter()
                    .map(|c| view! { <option value=c.code.clone() selected=c.code == town>{choice_name(locale, c)}</option> })
                    .collect_view()}
            </select>
            <ActiveBox prefix=prefix.clone() active />
            {(!is_new).then(|| view! {
                <span class="hint">{t!(i18n, org_open_cases)} " " {open_cases} " · " {t!(i18n, org_users)} " " {users}</span>
            })}
            <button type="submit">{if is_new { t_string!(i18n, org_add) } else { t_string!(i18n, wf_save) }}</button>
        </ActionForm>
    }
}

#[component]
fn TownForm(action: ServerAction<SaveTown>, #[prop(optional)] town: Option<OrgTown>) -> impl IntoView {
    let i18n = use_i18n();
    let is_new = town.is_none();
    let t = town.unwrap_or(OrgTown {
        code: String::new(),
        name_zh: String::new(),
        name_en: String::new(),
        kind: "street".into(),
        active: true,
        reports: 0,
    });
    let prefix = format!("town-{}", if is_new { "new" } else { t.code.as_str() });
    let (kind_for, kind_id) = (format!("{prefix}-kind"), format!("{prefix}-kind"));
    let street = t.kind == "street";
    let (code, code_shown) = (t.code.clone(), t.code.clone());
    let (name_zh, name_en, active, reports) = (t.name_zh.clone(), t.name_en.clone(), t.active, t.reports);
    view! {
        <ActionForm action=action attr:class="org-row" attr:data-code=code>
            <CodeAndNames prefix=prefix.clone() code=code_shown name_zh name_en />
            <label for=kind_for>{t!(i18n, org_kind)}</label>
            <select id=kind_id name="kind">
                <option value="street" selected=street>{t!(i18n, org_kind_street)}</option>
                <option value="town" selected=!street>{t!(i18n, org_kind_town)}</option>
            </select>
            <ActiveBox prefix=prefix.clone() active />
            {(!is_new).then(|| view! { <span class="hint">{t!(i18n, org_reports)} " " {reports}</span> })}
            <button type="submit">{if is_new { t_string!(i18n, org_add) } else { t_string!(i18n, wf_save) }}</button>
        </ActionForm>
    }
}

#[component]
pub fn OrgPage() -> impl IntoView {
    let i18n = use_i18n();
    let save_dept = ServerAction::<SaveDepartment>::new();
    let save_town = ServerAction::<SaveTown>::new();
    let data = Resource::new(move || (save_dept.version().get(), save_town.version().get()), |_| load_org());
    let dept_err = Signal::derive(move || save_dept.value().get().and_then(|r| r.err()));
    let town_err = Signal::derive(move || save_town.value().get().and_then(|r| r.err()));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => {
                        let towns = town_choices(&d);
                        view! {
                            <section class="page wide">
                                <h1>{t!(i18n, org_title)}</h1>
                                <p class="hint">{t!(i18n, org_hint)}</p>
                                <h2 id="departments">{t!(i18n, org_departments)}</h2>
                                <div id="org-errors-dept">
                                    <FormError error=dept_err />
                                    <FieldErrors error=dept_err field="code" />
                                    <FieldErrors error=dept_err field="name_zh" />
                                    <FieldErrors error=dept_err field="name_en" />
                                    <FieldErrors error=dept_err field="town" />
                                    <FieldErrors error=dept_err field="active" />
                                </div>
                                <div class="org-list" id="department-list">
                                    {d.departments
                                        .iter()
                                        .map(|dep| view! { <DepartmentForm action=save_dept dept=dep.clone() towns=towns.clone() /> })
                                        .collect_view()}
                                </div>
                                <h3>{t!(i18n, org_add_department)}</h3>
                                <div id="department-new">
                                    <DepartmentForm action=save_dept towns=towns.clone() />
                                </div>
                                <h2 id="towns">{t!(i18n, org_towns)}</h2>
                                <div id="org-errors-town">
                                    <FormError error=town_err />
                                    <FieldErrors error=town_err field="code" />
                                    <FieldErrors error=town_err field="name_zh" />
                                    <FieldErrors error=town_err field="name_en" />
                                    <FieldErrors error=town_err field="kind" />
                                    <FieldErrors error=town_err field="active" />
                                </div>
                                <div class="org-list" id="town-list">
                                    {d.towns.iter().map(|t| view! { <TownForm action=save_town town=t.clone() /> }).collect_view()}
                                </div>
                                <h3>{t!(i18n, org_add_town)}</h3>
                                <div id="town-new">
                                    <TownForm action=save_town />
                                </div>
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
