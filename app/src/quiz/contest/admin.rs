//! The training administrator's contest page (`/staff/contests`): a form to set up a contest —
//! window, limits, who may take part, the pools its papers are drawn from, review and name
//! display — and each contest's form to change it. Works without JavaScript.
use super::api::{contest_admin, SaveContest};
use super::{fmt_local_minute, fmt_minute, Audience, Contest, ContestAdminData, Pool, Privacy, CREDIT_MINUTES_MAX};
use crate::i18n::*;
use crate::org::choice_name;
use crate::quiz::{kind_label, Kind};
use crate::ui::{ErrorPage, FieldErrors, FormError};
use leptos::prelude::*;

/// Pool rows in the form (unused rows are left empty).
const POOL_ROWS: usize = 4;

#[component]
fn ContestForm(action: ServerAction<SaveContest>, data: ContestAdminData, #[prop(optional)] contest: Option<Contest>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let is_new = contest.is_none();
    let c = contest.unwrap_or(Contest {
        id: 0,
        title: String::new(),
        description: String::new(),
        opens_at: 0,
        closes_at: 0,
        time_limit_s: 1200,
        attempts_per_day: 1,
        attempts_total: 3,
        valid_percent: 80,
        credit_minutes: 0,
        audience: Audience::Public,
        review: true,
        partial_credit: false,
        privacy: Privacy::Masked,
        pools: vec![Pool { kind: Kind::Single, tag: String::new(), count: 5, points: 5 }],
        enterprises: Vec::new(),
        towns: Vec::new(),
    });
    let p = if is_new { "c-new".to_string() } else { format!("c-{}", c.id) };
    let f = move |name: &str| format!("{p}-{name}");
    let when = |ts: i64| if ts == 0 { String::new() } else { fmt_local_minute(ts) };
    let hidden_id = (!is_new).then(|| c.id.to_string());
    view! {
        <ActionForm action=action attr:class="contest-form">
            {hidden_id.map(|v| view! { <input type="hidden" name="id" value=v /> })}
            <label for=f("title")>{t!(i18n, qc_f_title)}</label>
            <input id=f("title") name="title" type="text" required maxlength="100" value=c.title.clone() />
            <label for=f("description")>{t!(i18n, qc_f_description)}</label>
            <textarea id=f("description") name="description" rows="2" maxlength="2000">{c.description.clone()}</textarea>
            <label for=f("opens")>{t!(i18n, qc_f_opens)}</label>
            <input id=f("opens") name="opens" type="datetime-local" required value=when(c.opens_at) />
            <label for=f("closes")>{t!(i18n, qc_f_closes)}</label>
            <input id=f("closes") name="closes" type="datetime-local" required value=when(c.closes_at) />
            <label for=f("limit")>{t!(i18n, qc_f_time_limit)}</label>
            <input id=f("limit") name="time_limit_min" type="number" min="1" max="180" required value=(c.time_limit_s / 60).to_string() />
            <label for=f("per-day")>{t!(i18n, qc_per_day)}</label>
            <input id=f("per-day") name="attempts_per_day" type="number" min="1" max="20" required value=c.attempts_per_day.to_string() />
            <label for=f("total")>{t!(i18n, qc_in_total)}</label>
            <input id=f("total") name="attempts_total" type="number" min="1" max="100" required value=c.attempts_total.to_string() />
            <label for=f("valid")>{t!(i18n, qc_f_valid_percent)}</label>
            <input id=f("valid") name="valid_percent" type="number" min="0" max="100" required value=c.valid_percent.to_string() />
            <label for=f("credit")>{t!(i18n, qc_f_credit_minutes)}</label>
            <input id=f("credit") name="credit_minutes" type="number" min="0" max=CREDIT_MINUTES_MAX.to_string() value=c.credit_minutes.to_string() />
            <label for=f("audience")>{t!(i18n, qc_f_audience)}</label>
            <select id=f("audience") name="audience">
                <option value="public" selected=c.audience == Audience::Public>{t!(i18n, qc_audience_public)}</option>
                <option value="employees" selected=c.audience == Audience::Employees>{t!(i18n, qc_audience_employees)}</option>
            </select>
            <label for=f("privacy")>{t!(i18n, qc_f_privacy)}</label>
            <select id=f("privacy") name="privacy">
                <option value="full" selected=c.privacy == Privacy::Full>{t!(i18n, qc_privacy_full)}</option>
                <option value="masked" selected=c.privacy == Privacy::Masked>{t!(i18n, qc_privacy_masked)}</option>
                <option value="hidden" selected=c.privacy == Privacy::Hidden>{t!(i18n, qc_privacy_hidden)}</option>
            </select>
            <label class="check" for=f("review")>
                <input id=f("review") type="checkbox" name="review" value="1" checked=c.review />
                {t!(i18n, qc_f_review)}
            </label>
            <label class="check" for=f("partial")>
                <input id=f("partial") type="checkbox" name="partial_credit" value="1" checked=c.partial_credit />
                {t!(i18n, qc_f_partial)}
            </label>
            <fieldset class="pools">
                <legend>{t!(i18n, qc_f_pools)}</legend>
                <p class="hint">{t!(i18n, qc_f_pools_hint)}</p>
                {(0..POOL_ROWS).map(|i| {
                    let pool = c.pools.get(i).cloned();
                    let kind = pool.as_ref().map(|p| p.kind);
                    let tag = pool.as_ref().map(|p| p.tag.clone()).unwrap_or_default();
                    let count = pool.as_ref().map(|p| p.count.to_string()).unwrap_or_default();
                    let points = pool.as_ref().map(|p| p.points.to_string()).unwrap_or_default();
                    let (kid, tid, cid, pid) = (f(&format!("pool{i}-kind")), f(&format!("pool{i}-tag")), f(&format!("pool{i}-count")), f(&format!("pool{i}-points")));
                    view! {
                        <div class="pool-row">
                            <label for=kid.clone()>{t!(i18n, qb_kind)}</label>
                            <select id=kid name=format!("pools[{i}][kind]")>
                                {Kind::ALL.into_iter().map(|k| view! { <option value=k.as_str() selected=kind == Some(k)>{kind_label(locale, k)}</option> }).collect_view()}
                            </select>
                            <label for=tid.clone()>{t!(i18n, qb_tags)}</label>
                            <select id=tid name=format!("pools[{i}][tag]")>
                                <option value="">{t!(i18n, qb_all)}</option>
                                {data.sectors.iter().map(|s| view! { <option value=s.code.clone() selected=s.code == tag>{choice_name(locale, s)}</option> }).collect_view()}
                            </select>
                            <label for=cid.clone()>{t!(i18n, qc_f_count)}</label>
                            <input id=cid name=format!("pools[{i}][count]") type="number" min="1" max="100" value=count />
                            <label for=pid.clone()>{t!(i18n, qc_points)}</label>
                            <input id=pid name=format!("pools[{i}][points]") type="number" min="1" max="100" value=points />
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <details class="units">
                <summary>{t!(i18n, qc_f_units)}</summary>
                <p class="hint">{t!(i18n, qc_f_units_hint)}</p>
                <fieldset class="checks">
                    <legend>{t!(i18n, qc_by_town)}</legend>
                    {data.towns.iter().map(|(id, zh, en)| {
                        let bid = f(&format!("town-{id}"));
                        view! {
                            <label class="check" for=bid.clone()>
                                <input type="checkbox" id=bid.clone() name=format!("towns[{id}]") value=id.to_string() checked=c.towns.contains(id) />
                                {if locale == Locale::en { en.clone() } else { zh.clone() }}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <fieldset class="checks">
                    <legend>{t!(i18n, qc_by_enterprise)}</legend>
                    {data.enterprises.iter().map(|(id, name)| {
                        let bid = f(&format!("ent-{id}"));
                        view! {
                            <label class="check" for=bid.clone()>
                                <input type="checkbox" id=bid.clone() name=format!("enterprises[{id}]") value=id.to_string() checked=c.enterprises.contains(id) />
                                {name.clone()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            </details>
            <button type="submit">{if is_new { t_string!(i18n, qc_f_add) } else { t_string!(i18n, qb_save) }}</button>
        </ActionForm>
    }
}

#[component]
pub fn ContestAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveContest>::new();
    let data = crate::ui::json_resource(move || save.version().get(), |_| contest_admin());
    let err = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    view! {
        <section class="page wide">
            <h1>{t!(i18n, qc_admin_title)}</h1>
            <p class="hint">{t!(i18n, qc_admin_hint)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! {
                            <div id="contest-errors">
                                <FormError error=err />
                                {["title", "description", "opens", "closes", "time_limit_min", "attempts_per_day", "attempts_total", "valid_percent", "credit_minutes", "audience", "privacy", "pools", "enterprises", "towns"]
                                    .map(|field| view! { <FieldErrors error=err field /> })
                                    .collect_view()}
                            </div>
                            <section class="contest-new">
                                <h2>{t!(i18n, qc_f_add)}</h2>
                                <ContestForm action=save data=d.clone() />
                            </section>
                            <ol class="contest-admin-list" id="contest-admin-list">
                                {d.contests.clone().into_iter().map(|c| {
                                    let page = format!("/quiz/contest/{}", c.id);
                                    let ranking = format!("/quiz/contest/{}/ranking", c.id);
                                    let stats = format!("/staff/contests/{}", c.id);
                                    let data = d.clone();
                                    let data_id = c.id.to_string();
                                    view! {
                                        <li data-id=data_id>
                                            <details>
                                                <summary>
                                                    <span>{c.title.clone()}</span>
                                                    <span class="hint">" " {fmt_minute(c.opens_at)} " – " {fmt_minute(c.closes_at)}</span>
                                                </summary>
                                                <p>
                                                    <a href=page>{t!(i18n, qc_view)}</a> " · " <a href=ranking>{t!(i18n, qc_ranking)}</a> " · "
                                                    <a class="contest-stats" href=stats>{t!(i18n, qs_stats_link)}</a>
                                                </p>
                                                <ContestForm action=save data contest=c />
                                            </details>
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        }
                            .into_any(),
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
