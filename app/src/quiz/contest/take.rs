//! The contestant's pages: the quiz home with its contests (`/quiz`), a contest (`/quiz/contest/:id`:
//! rules, joining, my attempts), an attempt's result (`/quiz/attempt/:token/result`) and the
//! ranking (`/quiz/contest/:id/ranking`); the running attempt itself is in `attempt_page`.
//!
//! Every form is a plain form that works without JavaScript (one question per page, the server
//! renders each). With JavaScript the same forms are sent in the background: an answer is saved
//! as soon as it is given, with a visible "saved" state and a retry; the countdown runs from the
//! server's remaining time, and at zero the page goes to the result (the server has closed the
//! attempt by its own clock).
use super::api::{attempt_result, contest_entry, contest_list, contest_ranking, JoinContest, ResumeContest, StartAttempt};
use super::{fmt_minute, Audience, ContestView, Join, Phase};
use crate::i18n::*;
use crate::quiz::answer_words;
use crate::quiz::feedback::{pages::FeedbackLink, Origin};
use crate::ui::{ErrorPage, FieldErrors, FormError, FormFields, PostForm};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn phase_label(locale: Locale, p: Phase) -> &'static str {
    match p {
        Phase::Upcoming => td_string!(locale, qc_upcoming),
        Phase::Open => td_string!(locale, qc_open),
        Phase::Closed => td_string!(locale, qc_closed),
    }
}

fn state_label(locale: Locale, s: &str) -> &'static str {
    match s {
        "open" => td_string!(locale, qc_state_open),
        "submitted" => td_string!(locale, qc_state_submitted),
        _ => td_string!(locale, qc_state_expired),
    }
}

/// "12:05" from milliseconds (minutes may exceed 59).
pub fn fmt_clock(ms: i64) -> String {
    let s = ms.max(0).div_euclid(1000);
    format!("{:02}:{:02}", s / 60, s % 60)
}

/// The contests of the quiz home page.
#[component]
pub fn ContestList() -> impl IntoView {
    let i18n = use_i18n();
    let list = crate::ui::json_resource(|| (), |_| contest_list());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let locale = i18n.get_locale_untracked();
                match list.await {
                    Ok(cs) if cs.is_empty() => view! { <p id="contest-none">{t!(i18n, qc_none)}</p> }.into_any(),
                    Ok(cs) => view! {
                        <ul class="contest-list" id="contest-list">
                            {cs.into_iter()
                                .map(|c| {
                                    let href = format!("/quiz/contest/{}", c.id);
                                    let who = if c.audience == Audience::Public { td_string!(locale, qc_audience_public) } else { td_string!(locale, qc_audience_employees) };
                                    view! {
                                        <li>
                                            <a href=href>{c.title}</a>
                                            " "
                                            <span class="badge">{phase_label(locale, c.phase)}</span>
                                            <span class="hint">" " {fmt_minute(c.opens_at)} " – " {fmt_minute(c.closes_at)} " · " {who}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/quiz`: practice and the contests.
#[component]
pub fn QuizHomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <article class="page">
            <h1>{t!(i18n, quiz_title)}</h1>
            <p class="lead">{t!(i18n, quiz_lead)}</p>
            <ul>
                <li>{t!(i18n, quiz_practice)}</li>
                <li>{t!(i18n, quiz_daily)}</li>
                <li>{t!(i18n, quiz_contest)}</li>
            </ul>
            <p>
                <a id="quiz-practice-start" class="button" href="/quiz/practice">{t!(i18n, qp_start)}</a>
                " "
                <a id="quiz-daily-start" class="button secondary" href="/quiz/daily">{t!(i18n, qd_title)}</a>
            </p>
            <h2>{t!(i18n, qc_title)}</h2>
            <ContestList />
        </article>
    }
}

#[component]
fn Rules(e: ContestView) -> impl IntoView {
    let i18n = use_i18n();
    let c = e.contest;
    let needs = c.valid_needs(c.questions());
    view! {
        <dl class="facts" id="contest-rules">
            <dt>{t!(i18n, qc_window)}</dt>
            <dd>{fmt_minute(c.opens_at)} " – " {fmt_minute(c.closes_at)}</dd>
            <dt>{t!(i18n, qc_time_limit)}</dt>
            <dd>{c.time_limit_s / 60} " " {t!(i18n, qc_minutes)}</dd>
            <dt>{t!(i18n, qc_questions)}</dt>
            <dd>{c.questions()} " · " {t!(i18n, qc_max_score)} " " {c.max_score()}</dd>
            <dt>{t!(i18n, qc_attempts)}</dt>
            <dd>{t!(i18n, qc_per_day)} " " {c.attempts_per_day} " · " {t!(i18n, qc_in_total)} " " {c.attempts_total}</dd>
            <dt>{t!(i18n, qc_valid)}</dt>
            <dd>{t!(i18n, qc_valid_needs)} " " {needs} " / " {c.questions()}</dd>
            {(c.credit_minutes > 0).then(|| view! {
                <dt>{t!(i18n, qc_credit_note)}</dt>
                <dd id="contest-credit">{c.credit_minutes} " " {t!(i18n, qc_minutes)}</dd>
            })}
        </dl>
    }
}

fn read_join(f: &FormFields) -> Option<JoinContest> {
    Some(JoinContest { id: f.parse("id")?, nickname: f.text("nickname").unwrap_or_default() })
}

fn read_resume(f: &FormFields) -> Option<ResumeContest> {
    Some(ResumeContest { id: f.parse("id")?, code: f.text("code")? })
}

fn read_start(f: &FormFields) -> Option<StartAttempt> {
    Some(StartAttempt { id: f.parse("id")? })
}

/// `/quiz/contest/:id`.
#[component]
pub fn ContestPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let join = ServerAction::<JoinContest>::new();
    let resume = ServerAction::<ResumeContest>::new();
    let start = ServerAction::<StartAttempt>::new();
    let entry = crate::ui::json_resource(move || (id(), join.version().get(), resume.version().get()), |(id, _, _)| contest_entry(id));
    let join_err = Signal::derive(move || join.value().get().and_then(|r| r.err()));
    let resume_err = Signal::derive(move || resume.value().get().and_then(|r| r.err()));
    let start_err = Signal::derive(move || start.value().get().and_then(|r| r.err()));
    view! {
        <article class="page">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match entry.await {
                        Ok(e) => {
                            let c = e.contest.clone();
                            let id = c.id.to_string();
                            let ranking = format!("/quiz/contest/{}/ranking", c.id);
                            let open = e.phase == Phase::Open;
                            let me = e.me.clone();
                            let id_start = id.clone();
                            view! {
                                <h1 id="contest-title">{c.title.clone()}</h1>
                                <p><span class="badge" id="contest-phase">{phase_label(locale, e.phase)}</span></p>
                                {(!c.description.is_empty()).then(|| view! { <p class="lead">{c.description.clone()}</p> })}
                                <Rules e=e.clone() />
                                {me.as_ref().and_then(|m| m.new_code.clone()).map(|code| view! {
                                    <section class="notice" id="contestant-code" role="status">
                                        <p>{t!(i18n, qc_code_is)}</p>
                                        <p class="receipt-code"><strong>{code}</strong></p>
                                        <p class="hint">{t!(i18n, qc_code_hint)}</p>
                                    </section>
                                })}
                                {match e.join {
                                    Join::Joined => view! {}.into_any(),
                                    Join::Nickname => {
                                        let id2 = id.clone();
                                        view! {
                                            <section id="contest-join">
                                                <h2>{t!(i18n, qc_join)}</h2>
                                                <PostForm action=join read=read_join attr:id="join-form">
                                                    <input type="hidden" name="id" value=id.clone() />
                                                    <label for="join-nickname">{t!(i18n, qc_nickname)}</label>
                                                    <input id="join-nickname" name="nickname" type="text" required maxlength="20" autocomplete="nickname" />
                                                    <p class="hint">{t!(i18n, qc_nickname_hint)}</p>
                                                    <FieldErrors error=join_err field="nickname" />
                                                    <FieldErrors error=join_err field="contest" />
                                                    <FormError error=join_err />
                                                    <button type="submit">{t!(i18n, qc_join_button)}</button>
                                                </PostForm>
                                                <h2>{t!(i18n, qc_resume)}</h2>
                                                <PostForm action=resume read=read_resume attr:id="resume-form">
                                                    <input type="hidden" name="id" value=id2 />
                                                    <label for="resume-code">{t!(i18n, qc_code)}</label>
                                                    <input id="resume-code" name="code" type="text" required maxlength="24" autocomplete="off" />
                                                    <FieldErrors error=resume_err field="code" />
                                                    <FormError error=resume_err />
                                                    <button type="submit">{t!(i18n, qc_resume_button)}</button>
                                                </PostForm>
                                            </section>
                                        }
                                            .into_any()
                                    }
                                    Join::SignIn => view! { <p id="contest-sign-in"><a href="/login">{t!(i18n, qc_sign_in)}</a></p> }.into_any(),
                                    Join::NotEligible => view! { <p id="contest-not-eligible">{t!(i18n, qc_not_eligible)}</p> }.into_any(),
                                    Join::Eligible => view! {
                                        <PostForm action=join read=read_join attr:id="join-form">
                                            <input type="hidden" name="id" value=id.clone() />
                                            <FieldErrors error=join_err field="contest" />
                                            <FormError error=join_err />
                                            <button type="submit">{t!(i18n, qc_join_button)}</button>
                                        </PostForm>
                                    }
                                        .into_any(),
                                }}
                                {me.map(|m| {
                                    let label = if m.open_attempt.is_some() { t_string!(i18n, qc_continue) } else { t_string!(i18n, qc_start) };
                                    view! {
                                        <section id="contest-me">
                                            <p>{t!(i18n, qc_you_are)} " " <strong id="contest-nickname">{m.nickname.clone()}</strong></p>
                                            {open.then(|| view! {
                                                <PostForm action=start read=read_start attr:id="start-form">
                                                    <input type="hidden" name="id" value=id_start.clone() />
                                                    <FieldErrors error=start_err field="contest" />
                                                    <FormError error=start_err />
                                                    <button type="submit" id="start-attempt">{label}</button>
                                                </PostForm>
                                            })}
                                            {(!m.attempts.is_empty()).then(|| view! {
                                                <table class="data" id="my-attempts">
                                                    <thead><tr>
                                                        <th>{t!(i18n, qc_attempt)}</th>
                                                        <th>{t!(i18n, qc_state)}</th>
                                                        <th>{t!(i18n, qc_score)}</th>
                                                        <th></th>
                                                    </tr></thead>
                                                    <tbody>
                                                        {m.attempts.into_iter().map(|a| {
                                                            let href = if a.state == "open" { format!("/quiz/attempt/{}", a.token) } else { format!("/quiz/attempt/{}/result", a.token) };
                                                            let score = a.score.map(|s| format!("{s} / {}", a.max_score)).unwrap_or_default();
                                                            view! {
                                                                <tr>
                                                                    <td>{a.number}</td>
                                                                    <td>{state_label(locale, &a.state)}</td>
                                                                    <td>{score}</td>
                                                                    <td><a href=href>{t!(i18n, qc_view)}</a></td>
                                                                </tr>
                                                            }
                                                        }).collect_view()}
                                                    </tbody>
                                                </table>
                                            })}
                                        </section>
                                    }
                                })}
                                <p><a id="contest-ranking" href=ranking>{t!(i18n, qc_ranking)}</a></p>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </article>
    }
}

/// `/quiz/attempt/:token/result`.
#[component]
pub fn ResultPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let result = crate::ui::json_resource(token, attempt_result);
    view! {
        <article class="page">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match result.await {
                        Ok(r) if r.state == "open" => {
                            let href = format!("/quiz/attempt/{}", r.token);
                            view! {
                                <h1>{r.title}</h1>
                                <p id="result-pending">{t!(i18n, qc_still_open)}</p>
                                <p><a class="button" href=href>{t!(i18n, qc_continue)}</a></p>
                            }
                                .into_any()
                        }
                        Ok(r) => {
                            let back = format!("/quiz/contest/{}", r.contest_id);
                            let ranking = format!("/quiz/contest/{}/ranking", r.contest_id);
                            let expired = r.state == "expired";
                            view! {
                                <h1>{r.title.clone()}</h1>
                                {expired.then(|| view! { <p class="notice" id="result-expired">{t!(i18n, qc_expired_note)}</p> })}
                                <dl class="facts" id="result">
                                    <dt>{t!(i18n, qc_score)}</dt>
                                    <dd id="result-score">{r.score} " / " {r.max_score}</dd>
                                    <dt>{t!(i18n, qc_correct)}</dt>
                                    <dd id="result-correct">{r.correct} " / " {r.questions}</dd>
                                    <dt>{t!(i18n, qc_time_used)}</dt>
                                    <dd>{fmt_clock(r.time_used_ms)}</dd>
                                    <dt>{t!(i18n, qc_valid)}</dt>
                                    <dd id="result-valid">{if r.valid { t_string!(i18n, qc_yes) } else { t_string!(i18n, qc_no) }}</dd>
                                    <dt>{t!(i18n, qc_rank)}</dt>
                                    <dd id="result-rank">{r.rank.map(|n| n.to_string()).unwrap_or_default()}</dd>
                                </dl>
                                {(!r.review.is_empty()).then(|| view! {
                                    <h2>{t!(i18n, qc_review)}</h2>
                                    <ol class="review" id="review">
                                        {r.review.iter().map(|it| {
                                            let class = if it.correct { "correct" } else { "wrong" };
                                            let yours = answer_words(locale, it.question.kind, &it.question.options, &it.question.given);
                                            let right = answer_words(locale, it.question.kind, &it.question.options, &it.answer);
                                            view! {
                                                <li class=class>
                                                    <p>{it.question.stem.clone()}</p>
                                                    <p>{t!(i18n, qc_your_answer)} " " {yours}</p>
                                                    <p>{t!(i18n, qp_answer_is)} " " {right} " · " {it.earned} " " {t!(i18n, qc_points)}</p>
                                                    {(!it.explanation.is_empty()).then(|| view! { <p class="hint">{t!(i18n, qb_explanation)} "：" {it.explanation.clone()}</p> })}
                                                    <p><FeedbackLink question=it.question_id version=it.version origin=Origin::Contest /></p>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ol>
                                })}
                                <p><a href=back>{t!(i18n, qc_back)}</a> " · " <a href=ranking>{t!(i18n, qc_ranking)}</a></p>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </article>
    }
}

/// `/quiz/contest/:id/ranking?by=…&sort=…`.
#[component]
pub fn RankingPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let by = move || query.with(|q| q.get("by").unwrap_or_else(|| "person".into()));
    let sort = move || query.with(|q| q.get("sort").unwrap_or_else(|| "total".into()));
    let ranking = crate::ui::json_resource(move || (id(), by(), sort()), |(id, by, sort)| contest_ranking(id, by, sort));
    view! {
        <article class="page wide">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match ranking.await {
                        Ok(r) => {
                            let action = format!("/quiz/contest/{}/ranking", r.contest_id);
                            let person = r.by == "person";
                            let hidden = r.privacy == super::Privacy::Hidden;
                            let bys = [
                                ("person", td_string!(locale, qc_by_person)),
                                ("enterprise", td_string!(locale, qc_by_enterprise)),
                                ("town", td_string!(locale, qc_by_town)),
                                ("village", td_string!(locale, qc_by_village)),
                            ];
                            let sorts = [
                                ("total", td_string!(locale, qc_sort_total)),
                                ("average", td_string!(locale, qc_sort_average)),
                                ("participation", td_string!(locale, qc_sort_participation)),
                                ("valid", td_string!(locale, qc_sort_valid)),
                            ];
                            view! {
                                <h1>{r.title.clone()} " · " {t!(i18n, qc_ranking)}</h1>
                                <form method="get" action=action class="filter-form" id="ranking-form">
                                    <label for="ranking-by">{t!(i18n, qc_by)}</label>
                                    <select id="ranking-by" name="by">
                                        {bys.map(|(v, l)| view! { <option value=v selected=r.by == v>{l}</option> }).collect_view()}
                                    </select>
                                    <label for="ranking-sort">{t!(i18n, qc_sort)}</label>
                                    <select id="ranking-sort" name="sort">
                                        {sorts.map(|(v, l)| view! { <option value=v selected=r.sort == v>{l}</option> }).collect_view()}
                                    </select>
                                    <button type="submit">{t!(i18n, qb_filter)}</button>
                                </form>
                                {if r.rows.is_empty() {
                                    view! { <p id="ranking-empty">{t!(i18n, qc_no_results)}</p> }.into_any()
                                } else if person {
                                    view! {
                                        <table class="data" id="ranking">
                                            <thead><tr>
                                                <th>{t!(i18n, qc_rank)}</th>
                                                {(!hidden).then(|| view! { <th>{t!(i18n, qc_nickname)}</th> })}
                                                <th>{t!(i18n, qc_score)}</th>
                                                <th>{t!(i18n, qc_time_used)}</th>
                                            </tr></thead>
                                            <tbody>
                                                {r.rows.into_iter().map(|row| view! {
                                                    <tr>
                                                        <td>{row.rank}</td>
                                                        {(!hidden).then(|| view! { <td>{row.name.clone()}</td> })}
                                                        <td>{row.total}</td>
                                                        <td>{fmt_clock(row.time_ms)}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }
                                        .into_any()
                                } else {
                                    let en = locale == Locale::en;
                                    view! {
                                        <table class="data" id="ranking">
                                            <thead><tr>
                                                <th>{t!(i18n, qc_rank)}</th>
                                                <th>{t!(i18n, qc_unit)}</th>
                                                <th>{t!(i18n, qc_participants)}</th>
                                                <th>{t!(i18n, qc_sort_total)}</th>
                                                <th>{t!(i18n, qc_sort_average)}</th>
                                                <th>{t!(i18n, qc_sort_participation)}</th>
                                                <th>{t!(i18n, qc_sort_valid)}</th>
                                            </tr></thead>
                                            <tbody>
                                                {r.rows.into_iter().map(|row| {
                                                    let rate = row.participation.map(|p| format!("{:.1}%", p * 100.0)).unwrap_or_else(|| "—".into());
                                                    view! {
                                                        <tr>
                                                            <td>{row.rank}</td>
                                                            <td>{if en { row.name_en.clone() } else { row.name.clone() }}</td>
                                                            <td>{row.participants}</td>
                                                            <td>{row.total}</td>
                                                            <td>{format!("{:.1}", row.average)}</td>
                                                            <td>{rate}</td>
                                                            <td>{row.valid}</td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }
                                        .into_any()
                                }}
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </article>
    }
}
