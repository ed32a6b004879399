//! Organisation data admins edit: departments (including a town's or street's work safety station,
//! the target of a hand-down 交办) and towns/streets. Codes are fixed once created (rules, cases
//! and accounts refer to them); names, a station's town and the active flag can change. Retiring
//! something still in use by the routing table or by open cases is refused with a message.
use super::api::{load_org, SaveDepartment, SaveTown};
use crate::i18n::*;
use crate::reports::pages::choice_name;
use crate::reports::Choice;
use crate::ui::{ErrorPage, FieldErrors, FormError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgDepartment {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// The town/street whose station this is (None for district departments).
    pub town: Option<String>,
    pub active: bool,
    /// Open cases it leads, and staff accounts in it (shown so an admin sees what a change touches).
    pub open_cases: i64,
    pub users: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgTown {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// "town" (镇) or "street" (街道/园区).
    pub kind: String,
    pub active: bool,
    pub reports: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgData {
    pub departments: Vec<OrgDepartment>,
    pub towns: Vec<OrgTown>,
}

/// A department or town code: an upper-case letter, then upper-case letters, digits or "-".
pub fn valid_code(code: &str) -> bool {
    let b = code.as_bytes();
    (2..=20).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'-')
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::db::{now, Db};
    use crate::reports::rules as rrules;
    use crate::workflow::audit::{self, Entry};
    use crate::errors::{AppError, FieldError};
    use serde_json::json;

    pub async fn org(db: &Db) -> Result<OrgData, AppError> {
        type D = (String, String, String, Option<String>, i64, i64, i64);
        let deps: Vec<D> = sqlx::query_as(
            "select d.code, d.name_zh, d.name_en, t.code, d.active, \
             (select count(*) from reports r where r.lead_department_id = d.id and r.status in ('accepted', 'verifying', 'extended')), \
             (select count(*) from users u where u.department_id = d.id and u.active = 1) \
             from departments d left join towns t on t.id = d.town_id order by d.town_id is not null, d.id",
        )
        .fetch_all(&db.pool)
        .await?;
        let towns: Vec<(String, String, String, String, i64, i64)> = sqlx::query_as(
            "select t.code, t.name_zh, t.name_en, t.kind, t.active, (select count(*) from reports r where r.town_id = t.id) \
             from towns t order by t.id",
        )
        .fetch_all(&db.pool)
        .await?;
        Ok(OrgData {
            departments: deps
                .into_iter()
                .map(|d| OrgDepartment {
                    code: d.0,
                    name_zh: d.1,
                    name_en: d.2,
                    town: d.3,
                    active: d.4 == 1,
                    open_cases: d.5,
                    users: d.6,
                })
                .collect(),
            towns: towns
                .into_iter()
                .map(|t| OrgTown { code: t.0, name_zh: t.1, name_en: t.2, kind: t.3, active: t.4 == 1, reports: t.5 })
                .collect(),
        })
    }

    fn check_names(errs: &mut Vec<FieldError>, code: &str, name_zh: &str, name_en: &str) {
        if !valid_code(code) {
            errs.push(FieldError { field: "code".into(), code: "code_invalid".into() });
        }
        rrules::check_text(errs, "name_zh", name_zh, 2, 40);
        rrules::check_text(errs, "name_en", name_en, 2, 80);
    }

    fn done(errs: Vec<FieldError>) -> Result<(), AppError> {
        if errs.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errs))
        }
    }

    /// Add a department or change an existing one (by code).
    pub async fn save_department(
        db: &Db,
        user_id: i64,
        code: &str,
        name_zh: &str,
        name_en: &str,
        town: &str,
        active: bool,
    ) -> Result<(), AppError> {
        let code = code.trim().to_uppercase();
        let mut errs = Vec::new();
        check_names(&mut errs, &code, name_zh, name_en);
        let town_id: Option<i64> = if town.trim().is_empty() {
            None
        } else {
            let t = sqlx::query_scalar("select id from towns where code = $1").bind(town.trim()).fetch_optional(&db.pool).await?;
            if t.is_none() {
                errs.push(FieldError { field: "town".into(), code: "town_unknown".into() });
            }
            t
        };
        let existing: Option<i64> =
            sqlx::query_scalar("select id from departments where code = $1").bind(&code).fetch_optional(&db.pool).await?;
        if let (Some(id), false) = (existing, active) {
            let in_rules: i64 = sqlx::query_scalar(
                "select count(*) from routing_rules r where r.lead_department_id = $1 \
                 or exists (select 1 from routing_cooperators c where c.rule_id = r.id and c.department_id = $1)",
            )
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
            if in_rules > 0 {
                errs.push(FieldError { field: "active".into(), code: "department_in_routing".into() });
            }
            let open: i64 = sqlx::query_scalar(
                "select count(*) from report_departments rd join reports r on r.id = rd.report_id \
                 where rd.department_id = $1 and r.status in ('accepted', 'verifying', 'extended')",
            )
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
            if open > 0 {
                errs.push(FieldError { field: "active".into(), code: "department_has_open_cases".into() });
            }
        }
        done(errs)?;
        let row = Row { table: "departments", code: &code, name_zh, name_en, extra: ("town_id", Extra::Town(town_id)), active };
        let details = json!({ "code": code, "name_zh": name_zh.trim(), "name_en": name_en.trim(), "town": town.trim(),
            "active": active, "new": existing.is_none() });
        write(db, user_id, existing, row, "department_saved", details).await
    }

    /// Add a town/street or change an existing one (by code).
    pub async fn save_town(
        db: &Db,
        user_id: i64,
        code: &str,
        name_zh: &str,
        name_en: &str,
        kind: &str,
        active: bool,
    ) -> Result<(), AppError> {
        let code = code.trim().to_uppercase();
        let mut errs = Vec::new();
        check_names(&mut errs, &code, name_zh, name_en);
        if !["town", "street"].contains(&kind) {
            errs.push(FieldError { field: "kind".into(), code: "required".into() });
        }
        let existing: Option<i64> =
            sqlx::query_scalar("select id from towns where code = $1").bind(&code).fetch_optional(&db.pool).await?;
        if let (Some(id), false) = (existing, active) {
            let rules: i64 = sqlx::query_scalar("select count(*) from routing_rules where town_id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await?;
            if rules > 0 {
                errs.push(FieldError { field: "active".into(), code: "town_in_routing".into() });
            }
        }
        done(errs)?;
        let row = Row { table: "towns", code: &code, name_zh, name_en, extra: ("kind", Extra::Kind(kind)), active };
        let details = json!({ "code": code, "name_zh": name_zh.trim(), "name_en": name_en.trim(), "kind": kind,
            "active": active, "new": existing.is_none() });
        write(db, user_id, existing, row, "town_saved", details).await
    }

    /// The one column a department or town has beyond its code, names and active flag.
    enum Extra<'a> {
        Town(Option<i64>),
        Kind(&'a str),
    }

    struct Row<'a> {
        table: &'static str,
        code: &'a str,
        name_zh: &'a str,
        name_en: &'a str,
        extra: (&'static str, Extra<'a>),
        active: bool,
    }

    /// Insert the row (or update the existing one) and log the change in the same transaction.
    async fn write(
        db: &Db,
        user_id: i64,
        existing: Option<i64>,
        row: Row<'_>,
        action: &'static str,
        details: serde_json::Value,
    ) -> Result<(), AppError> {
        let (table, col) = (row.table, row.extra.0);
        let ts = now();
        let sql = match existing {
            Some(_) => format!("update {table} set name_zh = $1, name_en = $2, {col} = $3, active = $4 where id = $5"),
            None => format!("insert into {table} (name_zh, name_en, {col}, active, code, created_at) values ($1, $2, $3, $4, $5, $6)"),
        };
        let q = sqlx::query(&sql).bind(row.name_zh.trim()).bind(row.name_en.trim());
        let q = match row.extra.1 {
            Extra::Town(t) => q.bind(t),
            Extra::Kind(k) => q.bind(k),
        };
        let q = q.bind(i64::from(row.active));
        let q = match existing {
            Some(id) => q.bind(id),
            None => q.bind(row.code).bind(ts),
        };
        let mut tx = db.begin().await?;
        q.execute(&mut *tx).await?;
        let entry = Entry { user_id: Some(user_id), action, report_id: None, reason: None, details: details.to_string() };
        audit::append(db, &mut tx, entry, ts).await?;
        tx.commit().await?;
        Ok(())
    }
}

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

#[cfg(test)]
mod tests {
    use super::valid_code;

    #[test]
    fn codes() {
        for ok in ["YJJ", "AJZ-JD01", "X1"] {
            assert!(valid_code(ok), "{ok}");
        }
        for bad in ["", "Y", "yjj", "1AB", "A B", "应急", "ABCDEFGHIJKLMNOPQRSTU"] {
            assert!(!valid_code(bad), "{bad}");
        }
    }
}
