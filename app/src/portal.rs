//! Information pages behind the four public entry points. They carry the rules a citizen or an
//! employee needs today (scope, rewards, anonymity, the 12350 hotline); the online forms of each
//! area are added to these pages by their own feature areas.
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn ReportInfoPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <article class="page">
            <h1>{t!(i18n, report_title)}</h1>
            <p class="lead">{t!(i18n, report_lead)}</p>
            <h2>{t!(i18n, report_scope_title)}</h2>
            <ul>
                <li>{t!(i18n, report_scope_hazard)}</li>
                <li>{t!(i18n, report_scope_illegal)}</li>
                <li>{t!(i18n, report_scope_concealed)}</li>
            </ul>
            <h2>{t!(i18n, report_refused_title)}</h2>
            <p>{t!(i18n, report_refused_body)}</p>
            <h2>{t!(i18n, report_reward_title)}</h2>
            <ul>
                <li>{t!(i18n, report_reward_fine)}</li>
                <li>{t!(i18n, report_reward_death)}</li>
                <li>{t!(i18n, report_reward_first)}</li>
            </ul>
            <h2>{t!(i18n, report_anon_title)}</h2>
            <p>{t!(i18n, report_anon_body)}</p>
            <h2>{t!(i18n, report_how_title)}</h2>
            <p>{t!(i18n, report_how_body)}</p>
            <p><a class="button" href="/report/new">{t!(i18n, report_start)}</a></p>
            <RewardEstimator />
        </article>
    }
}

#[component]
pub fn TrainingInfoPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <article class="page">
            <h1>{t!(i18n, training_title)}</h1>
            <p class="lead">{t!(i18n, training_lead)}</p>
            <h2>{t!(i18n, training_hours_title)}</h2>
            <ul>
                <li>{t!(i18n, training_hours_managers)}</li>
                <li>{t!(i18n, training_hours_workers)}</li>
            </ul>
        </article>
    }
}

/// The public reward estimator: the configured rules applied to a fine or to concealed deaths.
/// A GET form, so it works without JavaScript; the result is rendered by the server.
#[component]
fn RewardEstimator() -> impl IntoView {
    use crate::rewards::rules::{parse_reward_case, suggest_reward, RewardCase, ACCIDENT_LEVELS};
    let i18n = use_i18n();
    let rules = crate::ui::json_resource(|| (), |_| crate::reports::api::reward_rules());
    let query = leptos_router::hooks::use_query_map();
    let q = move |k: &str| query.read().get(k).unwrap_or_default();
    let kind = q("kind");
    let level = q("level");
    let level_label = move |l: &str| match l {
        "general" => td_string!(i18n.get_locale(), level_general),
        "larger" => td_string!(i18n.get_locale(), level_larger),
        "major" => td_string!(i18n.get_locale(), level_major),
        _ => td_string!(i18n.get_locale(), level_especially_major),
    };
    view! {
        <section id="estimator" class="estimator">
            <h2>{t!(i18n, estimator_title)}</h2>
            <p class="hint">{t!(i18n, estimator_lead)}</p>
            <form method="get" action="/report" class="stack-form">
                <label class="check">
                    <input type="radio" name="kind" value="fine" checked=kind != "concealed" />
                    {t!(i18n, estimator_kind_fine)}
                </label>
                <label for="fine">{t!(i18n, estimator_fine)}</label>
                <input id="fine" name="fine" type="text" inputmode="decimal" value=q("fine") />
                <label class="check">
                    <input type="radio" name="kind" value="concealed" checked=kind == "concealed" />
                    {t!(i18n, estimator_kind_concealed)}
                </label>
                <label for="level">{t!(i18n, estimator_level)}</label>
                <select id="level" name="level">
                    {ACCIDENT_LEVELS
                        .iter()
                        .map(|l| {
                            let selected = level == *l;
                            view! { <option value=*l selected=selected>{move || level_label(l)}</option> }
                        })
                        .collect_view()}
                </select>
                <label for="deaths">{t!(i18n, estimator_deaths)}</label>
                <input id="deaths" name="deaths" type="number" min="1" max="1000" value=q("deaths") />
                <button type="submit">{t!(i18n, estimator_submit)}</button>
            </form>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let kind = q("kind");
                    let Ok(rules) = rules.await else { return ().into_any() };
                    if kind.is_empty() {
                        return ().into_any();
                    }
                    match parse_reward_case(&kind, &q("fine"), &q("level"), &q("deaths")) {
                        Ok(case) => {
                            let amount = suggest_reward(&rules, &case);
                            let basis = match case {
                                RewardCase::Fine(_) => td_string!(i18n.get_locale(), estimator_basis_fine)
                                    .replace("{pct}", &rules.fine_percent.to_string())
                                    .replace("{min}", &rules.fine_min_yuan.to_string())
                                    .replace("{max}", &rules.fine_max_yuan.to_string()),
                                RewardCase::Concealed { level, .. } => td_string!(i18n.get_locale(), estimator_basis_death)
                                    .replace("{per}", &rules.per_death_yuan[level].to_string()),
                            }
                            .replace("{cap}", &rules.cap_yuan.to_string());
                            view! {
                                <p class="result" role="status">
                                    {t!(i18n, estimator_result)} " "
                                    <strong id="estimate">{format!("¥{}", crate::base::format::fmt_yuan(amount * 100))}</strong>
                                </p>
                                <p class="hint">{basis}</p>
                                <p class="hint">{t!(i18n, estimator_disclaimer)}</p>
                            }
                                .into_any()
                        }
                        Err((_, code)) => view! {
                            <p class="form-error" role="alert">{crate::ui::error_text(i18n.get_locale(), code)}</p>
                        }
                            .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
