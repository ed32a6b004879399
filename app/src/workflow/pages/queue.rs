//! The staff queue page: filters, the list with urgency badges, export links.
use super::*;

pub(super) fn filter_from_query() -> QueueFilter {
    let q = use_query_map();
    q.with_untracked(|m| QueueFilter {
        status: m.get("status").unwrap_or_default(),
        report_type: m.get("report_type").unwrap_or_default(),
        sector: m.get("sector").unwrap_or_default(),
        town: m.get("town").unwrap_or_default(),
        department: m.get("department").unwrap_or_default(),
        due: m.get("due").unwrap_or_default(),
        q: m.get("q").unwrap_or_default(),
        sort: m.get("sort").unwrap_or_default(),
    })
}

#[component]
pub(super) fn UrgencyBadge(urgency: Option<Urgency>) -> impl IntoView {
    let i18n = use_i18n();
    urgency.and_then(|u| match u {
        Urgency::Overdue => Some(view! { <span class="badge overdue">{t!(i18n, wf_overdue)}</span> }.into_any()),
        Urgency::DueSoon => Some(view! { <span class="badge soon">{t!(i18n, wf_due_soon)}</span> }.into_any()),
        Urgency::OnTime => None,
    })
}

/// A `<select>` of choices with an "all" option, preselected.
#[component]
pub(super) fn ChoiceSelect(name: &'static str, label: String, choices: Vec<(String, String)>, selected: String) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("filter-{name}");
    view! {
        <label for=id.clone()>{label}</label>
        <select id=id name=name>
            <option value="">{t!(i18n, wf_all)}</option>
            {choices
                .into_iter()
                .map(|(v, l)| {
                    let sel = v == selected;
                    view! { <option value=v selected=sel>{l}</option> }
                })
                .collect_view()}
        </select>
    }
}

#[component]
pub(super) fn FilterForm(action: &'static str, filter: QueueFilter, queue: Option<Queue>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let statuses: Vec<(String, String)> = crate::cases::STATUSES.iter().map(|s| (s.to_string(), status_label(locale, s))).collect();
    let types: Vec<(String, String)> = crate::cases::REPORT_TYPES
        .iter()
        .map(|s| (s.to_string(), report_type_label(locale, s)))
        .collect();
    let (sectors, towns, departments) = match &queue {
        Some(q) => (
            q.sectors.iter().map(|c| (c.code.clone(), choice_name(locale, c))).collect(),
            q.towns.iter().map(|c| (c.code.clone(), choice_name(locale, c))).collect(),
            q.departments.iter().map(|c| (c.code.clone(), choice_name(locale, c))).collect(),
        ),
        None => (vec![], vec![], vec![]),
    };
    let dues = vec![
        ("overdue".to_string(), t_string!(i18n, wf_overdue).to_string()),
        ("soon".to_string(), t_string!(i18n, wf_due_soon).to_string()),
        ("unrouted".to_string(), t_string!(i18n, wf_unrouted).to_string()),
    ];
    let sort_received = filter.sort == "received";
    view! {
        <form method="get" action=action class="filter-form" id="queue-filter">
            <ChoiceSelect name="status" label=t_string!(i18n, case_status).to_string() choices=statuses selected=filter.status.clone() />
            <ChoiceSelect name="report_type" label=t_string!(i18n, form_type).to_string() choices=types selected=filter.report_type.clone() />
            <ChoiceSelect name="sector" label=t_string!(i18n, form_sector).to_string() choices=sectors selected=filter.sector.clone() />
            <ChoiceSelect name="town" label=t_string!(i18n, form_town).to_string() choices=towns selected=filter.town.clone() />
            <ChoiceSelect name="department" label=t_string!(i18n, wf_department).to_string() choices=departments selected=filter.department.clone() />
            <ChoiceSelect name="due" label=t_string!(i18n, case_deadline).to_string() choices=dues selected=filter.due.clone() />
            <label for="filter-q">{t!(i18n, wf_search)}</label>
            <input id="filter-q" name="q" type="search" value=filter.q.clone() maxlength="100" />
            <label for="filter-sort">{t!(i18n, wf_sort)}</label>
            <select id="filter-sort" name="sort">
                <option value="deadline" selected=!sort_received>{t!(i18n, wf_sort_deadline)}</option>
                <option value="received" selected=sort_received>{t!(i18n, wf_sort_received)}</option>
            </select>
            <button type="submit">{t!(i18n, wf_apply)}</button>
        </form>
    }
}

#[component]
pub fn StaffQueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let filter = filter_from_query();
    let f2 = filter.clone();
    let list = crate::ui::json_resource(move || f2.clone(), staff_queue);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let filter = filter.clone();
                Suspend::new(async move {
                    match list.await {
                        Ok(q) => {
                            let qs = filter.query_string();
                            let sep = if qs.is_empty() { "" } else { "?" };
                            view! {
                                <section class="page wide">
                                    <h1>{t!(i18n, staff_reports_title)}</h1>
                                    {q.scoped_to.clone().map(|d| view! { <p class="hint" id="queue-scope">{t!(i18n, wf_scoped_to)} " " {d}</p> })}
                                    <FilterForm action="/staff/reports" filter=filter.clone() queue=Some(q.clone()) />
                                    <p class="link-list">
                                        <span id="queue-total">{t!(i18n, wf_total)} " " {q.total}</span>
                                        " · "
                                        <a href=format!("/staff/reports/export.csv{sep}{qs}") download>{t!(i18n, wf_export_csv)}</a>
                                        " · "
                                        <a href=format!("/staff/reports/export.xlsx{sep}{qs}") download>{t!(i18n, wf_export_xlsx)}</a>
                                        " · "
                                        <a href=format!("/staff/dashboard{sep}{qs}")>{t!(i18n, wf_dashboard)}</a>
                                    </p>
                                    <div class="table-wrap">
                                        <table id="report-list">
                                            <caption class="visually-hidden">{t!(i18n, staff_reports_title)}</caption>
                                            <thead>
                                                <tr>
                                                    <th scope="col">{t!(i18n, receipt_case_number)}</th>
                                                    <th scope="col">{t!(i18n, form_type)}</th>
                                                    <th scope="col">{t!(i18n, form_sector)}</th>
                                                    <th scope="col">{t!(i18n, form_town)}</th>
                                                    <th scope="col">{t!(i18n, case_status)}</th>
                                                    <th scope="col">{t!(i18n, wf_department)}</th>
                                                    <th scope="col">{t!(i18n, receipt_received)}</th>
                                                    <th scope="col">{t!(i18n, case_deadline)}</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {q.rows.into_iter().map(|r| view! { <QueueLine r /> }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                </section>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub(super) fn QueueLine(r: QueueRow) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/staff/reports/{}", r.case_number);
    let rt = r.report_type.clone();
    let st = r.status.clone();
    view! {
        <tr class:spam=r.spam data-case=r.case_number.clone()>
            <td><a href=href>{r.case_number.clone()}</a></td>
            <td>{move || report_type_label(i18n.get_locale(), &rt)}</td>
            <td>{r.sector.clone()}</td>
            <td>{r.town.clone()}</td>
            <td>
                {move || status_label(i18n.get_locale(), &st)}
                {r.spam.then(|| view! { " · " {t!(i18n, staff_spam)} })}
                {r.merged_into.clone().map(|m| view! {
                    " · " <span class="badge merged">{t!(i18n, wf_merged_into)} " " <a href=format!("/staff/reports/{m}")>{m.clone()}</a></span>
                })}
            </td>
            <td>{r.lead_department.clone()}</td>
            <td>{fmt_date(r.received_at)}</td>
            <td>{r.due_at.map(fmt_date)} " " <UrgencyBadge urgency=r.urgency /></td>
        </tr>
    }
}
