//! The dashboard page: figures and bar charts for the filtered cases.
use super::*;

/// A horizontal bar chart as inline SVG (drawn on the server; no script, no third party).
#[component]
pub(super) fn BarChart(id: &'static str, title: String, rows: Vec<(String, i64)>) -> impl IntoView {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let h = 22 * rows.len().max(1) as i64 + 4;
    view! {
        <figure class="chart" id=id>
            <figcaption>{title.clone()}</figcaption>
            <svg viewBox=format!("0 0 480 {h}") width="100%" role="img" aria-label=title>
                {rows.into_iter().enumerate().map(|(i, (label, count))| {
                    let y = 22 * i as i64 + 2;
                    let w = 260 * count / max;
                    view! {
                        <g>
                            <text x="0" y=(y + 14).to_string() font-size="12">{label}</text>
                            <rect x="170" y=y.to_string() width=w.max(1).to_string() height="16" class="bar"></rect>
                            <text x=(176 + w).to_string() y=(y + 14).to_string() font-size="12">{count}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let filter = filter_from_query();
    let f2 = filter.clone();
    let data = crate::ui::json_resource(move || f2.clone(), staff_dashboard);
    let q = crate::ui::json_resource(move || filter.clone(), staff_queue);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let (d, q) = (data.await, q.await);
                match (d, q) {
                    (Ok(d), Ok(q)) => {
                        let locale = i18n.get_locale_untracked();
                        let by = |v: &Vec<Count>, f: &dyn Fn(&Count) -> String| v.iter().map(|c| (f(c), c.count)).collect::<Vec<_>>();
                        let name = move |c: &Count| {
                            if c.key.is_empty() { t_string!(i18n, wf_none).to_string() } else if locale == Locale::en { c.label_en.clone() } else { c.label_zh.clone() }
                        };
                        let days = |v: Option<f64>| v.map(|d| format!("{d:.1}")).unwrap_or_else(|| "–".into());
                        view! {
                            <section class="page wide">
                                <h1>{t!(i18n, wf_dashboard)}</h1>
                                <FilterForm action="/staff/dashboard" filter=filter_from_query() queue=Some(q) />
                                <dl class="facts" id="dashboard-figures">
                                    <dt>{t!(i18n, wf_total)}</dt><dd id="dash-total">{d.total}</dd>
                                    <dt>{t!(i18n, wf_overdue)}</dt><dd id="dash-overdue">{d.overdue}</dd>
                                    <dt>{t!(i18n, wf_due_soon)}</dt><dd>{d.due_soon}</dd>
                                    <dt>{t!(i18n, wf_breaches)}</dt><dd>{d.breaches}</dd>
                                    <dt>{t!(i18n, wf_days_to_accept)}</dt><dd>{days(d.median_days_to_accept)}</dd>
                                    <dt>{t!(i18n, wf_days_to_close)}</dt><dd>{days(d.median_days_to_close)}</dd>
                                    <dt>{t!(i18n, wf_rewards_approved)}</dt><dd id="dash-rewards-approved">{d.rewards_approved} " · ¥" {fmt_yuan(d.rewards_approved_fen)}</dd>
                                    <dt>{t!(i18n, wf_rewards_paid)}</dt><dd id="dash-rewards-paid">{d.rewards_paid} " · ¥" {fmt_yuan(d.rewards_paid_fen)}</dd>
                                </dl>
                                <div class="charts">
                                    <BarChart id="chart-status" title=t_string!(i18n, case_status).to_string() rows=by(&d.by_status, &|c| status_label(locale, &c.key)) />
                                    <BarChart id="chart-type" title=t_string!(i18n, form_type).to_string() rows=by(&d.by_type, &|c| report_type_label(locale, &c.key)) />
                                    <BarChart id="chart-sector" title=t_string!(i18n, form_sector).to_string() rows=by(&d.by_sector, &name) />
                                    <BarChart id="chart-department" title=t_string!(i18n, wf_department).to_string() rows=by(&d.by_department, &name) />
                                    <BarChart id="chart-town" title=t_string!(i18n, form_town).to_string() rows=by(&d.by_town, &name) />
                                </div>
                            </section>
                        }
                            .into_any()
                    }
                    (Err(e), _) | (_, Err(e)) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
