//! `/staff/training?year=`: the training administrator's district overview — the share of
//! employees who met their hours, by sector, town/street and village/community (SVG bars: the
//! page's CSP allows no inline styles), and the enterprises furthest behind.
use super::district::{training_district, UnitTally};
use crate::i18n::*;
use crate::ui::ErrorPage;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A share as a bar of at most 160 px, with the figure beside it.
#[component]
pub fn Share(percent: i64) -> impl IntoView {
    let width = (percent.clamp(0, 100) * 160 / 100).to_string();
    view! {
        <svg class="bar" width="160" height="12" aria-hidden="true"><rect width=width height="12"></rect></svg>
        " " {percent} "%"
    }
}

#[component]
fn UnitTable(
    id: &'static str,
    caption: String,
    unit_header: String,
    rows: Vec<UnitTally>,
    with_parent: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let en = i18n.get_locale_untracked() == Locale::en;
    view! {
        <div class="table-wrap">
            <table class="data bars" id=id>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        {with_parent.then(|| view! { <th scope="col">{t!(i18n, tr_town)}</th> })}
                        <th scope="col">{unit_header}</th>
                        <th scope="col">{t!(i18n, tr_enterprises)}</th>
                        <th scope="col">{t!(i18n, tr_counted)}</th>
                        <th scope="col">{t!(i18n, tr_state_met)}</th>
                        <th scope="col">{t!(i18n, tr_compliant_share)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|u| {
                            let name = if u.name.is_empty() {
                                t_string!(i18n, tr_unplaced).to_string()
                            } else if en {
                                u.name_en.clone()
                            } else {
                                u.name.clone()
                            };
                            let parent = if en { u.parent_en.clone() } else { u.parent.clone() };
                            view! {
                                <tr>
                                    {with_parent.then(|| view! { <td>{parent}</td> })}
                                    <th scope="row">{name}</th>
                                    <td>{u.enterprises}</td>
                                    <td>{u.counted}</td>
                                    <td>{u.met}</td>
                                    <td class="share"><Share percent=u.percent /></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn DistrictPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let year = move || query.with(|q| q.get("year").and_then(|s| s.parse::<i64>().ok()));
    let data = crate::ui::json_resource(year, training_district);
    view! {
        <section class="page wide">
            <h1>{t!(i18n, tr_district_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let en = i18n.get_locale_untracked() == Locale::en;
                    match data.await {
                        Ok(d) => {
                            let (prev, next) = (format!("?year={}", d.year - 1), format!("?year={}", d.year + 1));
                            view! {
                                <h2>{t!(i18n, tr_compliance)} " " {d.year}</h2>
                                <nav class="tabs" aria-label=move || t_string!(i18n, tr_year)>
                                    <a href=prev>{d.year - 1}</a> " " <a href=next>{d.year + 1}</a>
                                </nav>
                                <p id="district-share" class="big-figure">
                                    {t!(i18n, tr_compliant_share)} " " <strong>{d.percent} "%"</strong>
                                    " (" {d.met} " / " {d.counted} ")"
                                </p>
                                <p id="district-files">
                                    {t!(i18n, tr_download_district)} " "
                                    <a id="district-csv" href=format!("/staff/training/compliance.csv?year={}", d.year) download rel="external">"CSV"</a> " · "
                                    <a id="district-xlsx" href=format!("/staff/training/compliance.xlsx?year={}", d.year) download rel="external">"Excel"</a>
                                </p>
                                <p id="district-records">
                                    {t!(i18n, tr_records_download)} " "
                                    <a id="district-records-csv" href=format!("/staff/training/records.csv?year={}", d.year) download rel="external">"CSV"</a> " · "
                                    <a id="district-records-xlsx" href=format!("/staff/training/records.xlsx?year={}", d.year) download rel="external">"Excel"</a>
                                </p>
                                <p id="district-xapi-line">
                                    {t!(i18n, tr_xapi)} " "
                                    <a id="district-xapi" href=format!("/staff/training/xapi.json?year={}", d.year) download rel="external">"xAPI 2.0 (JSON)"</a>
                                </p>
                                <p id="district-officers"><a href="/staff/training/officers">{t!(i18n, io_link)}</a></p>
                                <p id="district-enterprises">
                                    {t!(i18n, tr_enterprises)} ": " {d.enterprises} " · " {t!(i18n, tr_reporting)} ": " {d.reporting}
                                </p>
                                <UnitTable
                                    id="district-sectors"
                                    caption=t_string!(i18n, tr_by_sector).to_string()
                                    unit_header=t_string!(i18n, tr_sector).to_string()
                                    rows=d.sectors
                                    with_parent=false
                                />
                                <UnitTable
                                    id="district-towns"
                                    caption=t_string!(i18n, tr_by_town).to_string()
                                    unit_header=t_string!(i18n, tr_town).to_string()
                                    rows=d.towns
                                    with_parent=false
                                />
                                <UnitTable
                                    id="district-villages"
                                    caption=t_string!(i18n, tr_by_village).to_string()
                                    unit_header=t_string!(i18n, tr_village).to_string()
                                    rows=d.villages
                                    with_parent=true
                                />
                                <h2>{t!(i18n, tr_behind)}</h2>
                                {d.behind.is_empty().then(|| view! { <p>{t!(i18n, tr_behind_none)}</p> })}
                                <div class="table-wrap">
                                    <table class="data bars" id="district-behind">
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, tr_enterprise)}</th>
                                                <th scope="col">{t!(i18n, tr_credit_code)}</th>
                                                <th scope="col">{t!(i18n, tr_town)}</th>
                                                <th scope="col">{t!(i18n, tr_counted)}</th>
                                                <th scope="col">{t!(i18n, tr_state_met)}</th>
                                                <th scope="col">{t!(i18n, tr_compliant_share)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {d.behind
                                                .into_iter()
                                                .map(|e| {
                                                    view! {
                                                        <tr>
                                                            <th scope="row">
                                                                {e.name.clone()}
                                                                {e.high_risk.then(|| view! { " · " <span class="warning">{t!(i18n, tr_high_risk)}</span> })}
                                                            </th>
                                                            <td>{e.credit_code.clone()}</td>
                                                            <td>{if en { e.town_en.clone() } else { e.town.clone() }}</td>
                                                            <td>{e.counted}</td>
                                                            <td>{e.met}</td>
                                                            <td class="share"><Share percent=e.percent /></td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <p class="hint">{t!(i18n, tr_district_hint)}</p>
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
