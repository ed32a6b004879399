//! The admin's organisation page: departments, towns/streets, villages/communities and enterprises.
use super::api::{load_org, SaveDepartment, SaveEnterprise, SaveTown, SaveVillage};
use super::{choice_name, Choice, EnterpriseChoices, OrgData, OrgDepartment, OrgEnterprise, OrgTown, OrgVillage};
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

/// A `<select>` of choices; `optional` adds an empty first option with `empty` as its text.
#[component]
fn ChoiceSelect(
    id: String,
    name: &'static str,
    choices: Vec<Choice>,
    selected: String,
    #[prop(optional)] empty: Option<String>,
) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    view! {
        <select id=id name=name>
            {empty.map(|text| view! { <option value="">{text}</option> })}
            {choices
                .into_iter()
                .map(|c| {
                    let chosen = c.code == selected;
                    view! { <option value=c.code.clone() selected=chosen>{choice_name(locale, &c)}</option> }
                })
                .collect_view()}
        </select>
    }
}

#[component]
fn VillageForm(action: ServerAction<SaveVillage>, #[prop(optional)] village: Option<OrgVillage>, towns: Vec<Choice>) -> impl IntoView {
    let i18n = use_i18n();
    let is_new = village.is_none();
    let v = village.unwrap_or(OrgVillage {
        code: String::new(),
        name_zh: String::new(),
        name_en: String::new(),
        town: String::new(),
        kind: "village".into(),
        active: true,
        enterprises: 0,
    });
    let prefix = format!("village-{}", if is_new { "new" } else { v.code.as_str() });
    let (town_for, kind_for, kind_id) = (format!("{prefix}-town"), format!("{prefix}-kind"), format!("{prefix}-kind"));
    let community = v.kind == "community";
    let (code, code_shown) = (v.code.clone(), v.code.clone());
    view! {
        <ActionForm action=action attr:class="org-row" attr:data-code=code>
            <CodeAndNames prefix=prefix.clone() code=code_shown name_zh=v.name_zh.clone() name_en=v.name_en.clone() />
            <label for=town_for>{t!(i18n, org_village_town)}</label>
            <ChoiceSelect id=format!("{prefix}-town") name="town" choices=towns selected=v.town.clone() />
            <label for=kind_for>{t!(i18n, org_kind)}</label>
            <select id=kind_id name="kind">
                <option value="village" selected=!community>{t!(i18n, org_kind_village)}</option>
                <option value="community" selected=community>{t!(i18n, org_kind_community)}</option>
            </select>
            <ActiveBox prefix=prefix.clone() active=v.active />
            {(!is_new).then(|| view! { <span class="hint">{t!(i18n, org_enterprises)} " " {v.enterprises}</span> })}
            <button type="submit">{if is_new { t_string!(i18n, org_add) } else { t_string!(i18n, wf_save) }}</button>
        </ActionForm>
    }
}

/// An enterprise's form: its credit code (typed for a new one, fixed afterwards), name, place,
/// sector, registered employees, high-risk and active flags. `back` names the page to return to
/// (the training administrator's enterprises, `save_enterprise`).
#[component]
pub fn EnterpriseForm(
    action: ServerAction<SaveEnterprise>,
    #[prop(optional)] enterprise: Option<OrgEnterprise>,
    choices: EnterpriseChoices,
    #[prop(optional)] back: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let is_new = enterprise.is_none();
    let e = enterprise.unwrap_or(OrgEnterprise {
        credit_code: String::new(),
        name: String::new(),
        town: None,
        village: None,
        sector: None,
        employees: 0,
        high_risk: false,
        active: true,
        users: 0,
    });
    let prefix = format!("ent-{}", if is_new { "new" } else { e.credit_code.as_str() });
    let id = |f: &str| format!("{prefix}-{f}");
    let (code_id, name_id, town_id, village_id, sector_id, emp_id) =
        (id("code"), id("name"), id("town"), id("village"), id("sector"), id("employees"));
    let (code, code_shown) = (e.credit_code.clone(), e.credit_code.clone());
    let (risk_id, risk_for) = (id("high-risk"), id("high-risk"));
    view! {
        <ActionForm action=action attr:class="org-row" attr:data-code=code>
            {back.map(|b| view! { <input type="hidden" name="back" value=b /> })}
            {if is_new {
                view! {
                    <label for=code_id.clone()>{t!(i18n, org_credit_code)}</label>
                    <input id=code_id.clone() name="credit_code" type="text" required minlength="18" maxlength="18" autocomplete="off" />
                }
                    .into_any()
            } else {
                view! {
                    <span class="org-code">{code_shown.clone()}</span>
                    <input type="hidden" name="credit_code" value=code_shown />
                }
                    .into_any()
            }}
            <label for=name_id.clone()>{t!(i18n, org_enterprise_name)}</label>
            <input id=name_id name="name" type="text" required maxlength="100" value=e.name.clone() />
            <label for=town_id.clone()>{t!(i18n, org_village_town)}</label>
            <ChoiceSelect id=town_id name="town" choices=choices.towns selected=e.town.clone().unwrap_or_default() />
            <label for=village_id.clone()>{t!(i18n, org_enterprise_village)}</label>
            <ChoiceSelect
                id=village_id
                name="village"
                choices=choices.villages
                selected=e.village.clone().unwrap_or_default()
                empty=t_string!(i18n, org_none).to_string()
            />
            <label for=sector_id.clone()>{t!(i18n, org_sector)}</label>
            <ChoiceSelect
                id=sector_id
                name="sector"
                choices=choices.sectors
                selected=e.sector.clone().unwrap_or_default()
                empty=t_string!(i18n, org_none).to_string()
            />
            <label for=emp_id.clone()>{t!(i18n, org_employees)}</label>
            <input id=emp_id name="employees" type="number" min="0" max="1000000" required value=e.employees.to_string() />
            <label class="check" for=risk_for>
                <input id=risk_id type="checkbox" name="high_risk" value="1" checked=e.high_risk />
                {t!(i18n, org_high_risk)}
            </label>
            <ActiveBox prefix=prefix.clone() active=e.active />
            {(!is_new).then(|| view! { <span class="hint">{t!(i18n, org_users)} " " {e.users}</span> })}
            <button type="submit">{if is_new { t_string!(i18n, org_add) } else { t_string!(i18n, wf_save) }}</button>
        </ActionForm>
    }
}

#[component]
pub fn OrgPage() -> impl IntoView {
    let i18n = use_i18n();
    let save_dept = ServerAction::<SaveDepartment>::new();
    let save_town = ServerAction::<SaveTown>::new();
    let save_village = ServerAction::<SaveVillage>::new();
    let save_ent = ServerAction::<SaveEnterprise>::new();
    let data = crate::ui::json_resource(
        move || (save_dept.version().get(), save_town.version().get(), save_village.version().get(), save_ent.version().get()),
        |_| load_org(),
    );
    let dept_err = Signal::derive(move || save_dept.value().get().and_then(|r| r.err()));
    let town_err = Signal::derive(move || save_town.value().get().and_then(|r| r.err()));
    let village_err = Signal::derive(move || save_village.value().get().and_then(|r| r.err()));
    let ent_err = Signal::derive(move || save_ent.value().get().and_then(|r| r.err()));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => {
                        let towns = town_choices(&d);
                        let choices = EnterpriseChoices {
                            towns: towns.clone(),
                            // Each with its town, so two villages of the same name are told apart.
                            villages: d
                                .villages
                                .iter()
                                .map(|v| {
                                    let town = d.towns.iter().find(|t| t.code == v.town);
                                    let (tz, te) = town.map(|t| (t.name_zh.as_str(), t.name_en.as_str())).unwrap_or_default();
                                    Choice {
                                        code: v.code.clone(),
                                        name_zh: format!("{tz} · {}", v.name_zh),
                                        name_en: format!("{te} · {}", v.name_en),
                                    }
                                })
                                .collect(),
                            sectors: d.sectors.clone(),
                        };
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
                                <h2 id="villages">{t!(i18n, org_villages)}</h2>
                                <div id="org-errors-village">
                                    <FormError error=village_err />
                                    {["code", "name_zh", "name_en", "town", "kind", "active"]
                                        .map(|field| view! { <FieldErrors error=village_err field /> })
                                        .collect_view()}
                                </div>
                                <div class="org-list" id="village-list">
                                    {d.villages
                                        .iter()
                                        .map(|v| view! { <VillageForm action=save_village village=v.clone() towns=towns.clone() /> })
                                        .collect_view()}
                                </div>
                                <h3>{t!(i18n, org_add_village)}</h3>
                                <div id="village-new">
                                    <VillageForm action=save_village towns=towns.clone() />
                                </div>
                                <h2 id="enterprises">{t!(i18n, org_enterprises)}</h2>
                                <div id="org-errors-enterprise">
                                    <FormError error=ent_err />
                                    {["credit_code", "name", "town", "village", "sector", "employees", "high_risk", "active"]
                                        .map(|field| view! { <FieldErrors error=ent_err field /> })
                                        .collect_view()}
                                </div>
                                <div class="org-list" id="enterprise-list">
                                    {d.enterprises
                                        .iter()
                                        .map(|e| view! { <EnterpriseForm action=save_ent enterprise=e.clone() choices=choices.clone() /> })
                                        .collect_view()}
                                </div>
                                <h3>{t!(i18n, org_add_enterprise)}</h3>
                                <div id="enterprise-new">
                                    <EnterpriseForm action=save_ent choices=choices.clone() />
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
