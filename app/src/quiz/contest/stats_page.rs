//! A contest's statistics for the training administrator (`/staff/contests/:id`): participation,
//! the score distribution, every question's answer distribution, share right and time taken, and
//! the attempts flagged as suspicious with the decision on each. Works without JavaScript.
use super::api::{contest_stats, ReviewAttempt};
use super::take::fmt_clock;
use super::figures::StatsView;
use super::Kind;
use crate::quiz::answer_words;
use crate::i18n::*;
use crate::ui::{ErrorPage, FormError};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn reason_label(locale: Locale, reason: &str) -> &'static str {
    if reason == "too_fast" {
        td_string!(locale, qs_too_fast)
    } else {
        td_string!(locale, qs_same_answers)
    }
}

fn review_label(locale: Locale, review: &str) -> &'static str {
    match review {
        "cleared" => td_string!(locale, qs_cleared),
        "disqualified" => td_string!(locale, qs_disqualified),
        _ => td_string!(locale, qs_to_review),
    }
}

#[component]
fn Summary(s: StatsView) -> impl IntoView {
    let i18n = use_i18n();
    let most = s.score_bins.iter().copied().max().unwrap_or(0).max(1);
    view! {
        <dl class="facts" id="stats-summary">
            <dt>{t!(i18n, qc_participants)}</dt>
            <dd id="stats-participants">{s.participants}</dd>
            <dt>{t!(i18n, qs_finished)}</dt>
            <dd id="stats-finished">{s.finished}</dd>
            <dt>{t!(i18n, qc_sort_valid)}</dt>
            <dd>{s.valid}</dd>
            <dt>{t!(i18n, qc_sort_average)}</dt>
            <dd>{format!("{:.1}", s.average_score)} " / " {s.max_score}</dd>
            <dt>{t!(i18n, qc_time_used)}</dt>
            <dd>{fmt_clock(s.average_time_ms)}</dd>
        </dl>
        <h2>{t!(i18n, qs_distribution)}</h2>
        <table class="data bars" id="stats-bins">
            <thead><tr><th>{t!(i18n, qc_score)}</th><th>{t!(i18n, qs_attempts)}</th></tr></thead>
            <tbody>
                {s.score_bins.iter().enumerate().map(|(i, n)| {
                    let label = format!("{}%–{}%", i * 10, if i == 9 { 100 } else { i * 10 + 9 });
                    // An SVG bar: inline styles are not allowed by the page's CSP.
                    let width = (n * 200 / most).to_string();
                    view! {
                        <tr>
                            <td>{label}</td>
                            <td>
                                <svg class="bar" width="200" height="12" aria-hidden="true"><rect width=width height="12"></rect></svg>
                                " " {*n}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn ContestStatsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let review = ServerAction::<ReviewAttempt>::new();
    let stats = crate::ui::json_resource(move || (id(), review.version().get()), |(id, _)| contest_stats(id));
    let err = Signal::derive(move || review.value().get().and_then(|r| r.err()));
    view! {
        <section class="page wide">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match stats.await {
                        Ok(s) => {
                            let ranking = format!("/quiz/contest/{}/ranking", s.contest_id);
                            let flags = s.flags.clone();
                            let questions = s.questions.clone();
                            view! {
                                <h1>{s.title.clone()} " · " {t!(i18n, qs_title)}</h1>
                                <p>
                                    <a href="/staff/contests">{t!(i18n, qc_admin_title)}</a> " · " <a href=ranking>{t!(i18n, qc_ranking)}</a>
                                    " · " {t!(i18n, qs_export)}
                                    {["person", "enterprise", "town", "village"].map(|by| {
                                        let (csv, xlsx) = (
                                            format!("/staff/contest-ranking.csv?id={}&by={by}", s.contest_id),
                                            format!("/staff/contest-ranking.xlsx?id={}&by={by}", s.contest_id),
                                        );
                                        let label = match by {
                                            "person" => td_string!(locale, qc_by_person),
                                            "enterprise" => td_string!(locale, qc_by_enterprise),
                                            "town" => td_string!(locale, qc_by_town),
                                            _ => td_string!(locale, qc_by_village),
                                        };
                                        view! { " " {label} " " <a href=csv download>"CSV"</a> " " <a href=xlsx download>"XLSX"</a> }
                                    }).collect_view()}
                                </p>
                                <p class="hint">{t!(i18n, qs_hint)}</p>
                                <Summary s=s.clone() />
                                <h2>{t!(i18n, qs_flags)}</h2>
                                <FormError error=err />
                                {if flags.is_empty() {
                                    view! { <p id="stats-no-flags">{t!(i18n, qs_no_flags)}</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="data" id="stats-flags">
                                            <thead><tr>
                                                <th>{t!(i18n, qc_nickname)}</th>
                                                <th>{t!(i18n, qs_reason)}</th>
                                                <th>{t!(i18n, qc_score)}</th>
                                                <th>{t!(i18n, qc_time_used)}</th>
                                                <th>{t!(i18n, qs_decision)}</th>
                                            </tr></thead>
                                            <tbody>
                                                {flags.into_iter().map(|f| {
                                                    let group = f.group.map(|g| format!(" #{g}")).unwrap_or_default();
                                                    let (t1, t2) = (f.token.clone(), f.token.clone());
                                                    view! {
                                                        <tr data-token=f.token.clone()>
                                                            <td>{f.nickname.clone()}</td>
                                                            <td>{reason_label(locale, &f.reason)} {group}</td>
                                                            <td>{f.score}</td>
                                                            <td>{fmt_clock(f.time_used_ms)}</td>
                                                            <td>
                                                                <span class="badge">{review_label(locale, &f.review)}</span>
                                                                <ActionForm action=review attr:class="inline-form">
                                                                    <input type="hidden" name="token" value=t1 />
                                                                    <input type="hidden" name="decision" value="cleared" />
                                                                    <button type="submit" class="secondary">{t!(i18n, qs_clear)}</button>
                                                                </ActionForm>
                                                                <ActionForm action=review attr:class="inline-form">
                                                                    <input type="hidden" name="token" value=t2 />
                                                                    <input type="hidden" name="decision" value="disqualified" />
                                                                    <button type="submit" class="danger">{t!(i18n, qs_disqualify)}</button>
                                                                </ActionForm>
                                                            </td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }
                                        .into_any()
                                }}
                                <h2>{t!(i18n, qs_questions)}</h2>
                                <table class="data" id="stats-questions">
                                    <thead><tr>
                                        <th>{t!(i18n, qb_stem)}</th>
                                        <th>{t!(i18n, qs_drawn)}</th>
                                        <th>{t!(i18n, qs_share_right)}</th>
                                        <th>{t!(i18n, qs_answers)}</th>
                                        <th>{t!(i18n, qs_median_time)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {questions.into_iter().map(|q| {
                                            let share = if q.answered > 0 { format!("{:.0}%", q.correct as f64 * 100.0 / q.answered as f64) } else { "—".into() };
                                            let answers = q
                                                .distribution
                                                .iter()
                                                .map(|(g, n)| format!("{}{} × {n}", answer_words(
                                                        locale,
                                                        q.kind,
                                                        &q.options,
                                                        &if matches!(q.kind, Kind::Single | Kind::Multiple) { g.chars().map(String::from).collect() } else { vec![g.clone()] },
                                                    ), if *g == q.answer { " ✓" } else { "" }))
                                                .collect::<Vec<_>>()
                                                .join("； ");
                                            let median = q.median_ms.map(|ms| format!("{:.1} s", ms as f64 / 1000.0)).unwrap_or_default();
                                            view! {
                                                <tr>
                                                    <td>{q.stem.clone()}</td>
                                                    <td>{q.drawn}</td>
                                                    <td>{share}</td>
                                                    <td>{answers}</td>
                                                    <td>{median}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
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
