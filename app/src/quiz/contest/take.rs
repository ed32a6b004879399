//! The contestant's pages: the quiz home with its contests (`/quiz`), a contest (`/quiz/contest/:id`:
//! rules, joining, my attempts), taking an attempt one question per page
//! (`/quiz/attempt/:token?q=N`), its result (`…/result`) and the ranking
//! (`/quiz/contest/:id/ranking`).
//!
//! Every form is a plain form that works without JavaScript (one question per page, the server
//! renders each). With JavaScript the same forms are sent in the background: an answer is saved
//! as soon as it is given, with a visible "saved" state and a retry; the countdown runs from the
//! server's remaining time, and at zero the page goes to the result (the server has closed the
//! attempt by its own clock).
use super::api::{attempt_paper, attempt_result, contest_entry, contest_list, contest_ranking, JoinContest, ResumeContest, SaveAnswer, StartAttempt};
use super::{fmt_minute, PaperView, Audience, ContestView, Join, PaperQuestion, Phase};
use crate::i18n::*;
use crate::quiz::{answer_words, kind_label, true_false_label, Kind};
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

/// The countdown: the server's remaining time when the page was read, counted down in the
/// browser (a difference of the browser's clock, never its absolute time). At zero it goes to
/// the result, which the server has closed by its own clock.
#[component]
fn Countdown(remaining_ms: i64, deadline_at_ms: i64, result_href: String) -> impl IntoView {
    let i18n = use_i18n();
    let left = RwSignal::new(remaining_ms);
    #[cfg(feature = "hydrate")]
    {
        let started = js_sys::Date::now();
        let navigate = leptos_router::hooks::use_navigate();
        Effect::new(move |_| {
            let navigate = navigate.clone();
            let href = result_href.clone();
            let handle = set_interval_with_handle(
                move || {
                    let now_left = remaining_ms - (js_sys::Date::now() - started) as i64;
                    left.set(now_left);
                    if now_left <= 0 {
                        navigate(&href, Default::default());
                    }
                },
                std::time::Duration::from_millis(500),
            );
            if let Ok(h) = handle {
                on_cleanup(move || h.clear());
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = result_href;
    let ends = fmt_minute(deadline_at_ms / 1000);
    view! {
        <p class="countdown" id="countdown" role="timer" aria-live="off">
            {t!(i18n, qc_time_left)} " " <strong id="time-left">{move || fmt_clock(left.get())}</strong>
            <span class="hint">" (" {t!(i18n, qc_ends_at)} " " {ends} ")"</span>
        </p>
    }
}

fn read_answer(f: &FormFields) -> Option<SaveAnswer> {
    Some(SaveAnswer {
        token: f.text("token")?,
        position: f.parse("position")?,
        picks: f.map("picks"),
        marked: f.text("marked"),
        go: f.text("go"),
    })
}

/// One question's form.
#[component]
fn QuestionForm(token: String, q: PaperQuestion, count: i64, save: ServerAction<SaveAnswer>, navigator: Vec<(i64, bool, bool)>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let position = q.position;
    let choices: Vec<(String, String)> = match q.kind {
        Kind::Single | Kind::Multiple => q.options.iter().enumerate().map(|(i, o)| {
            let l = crate::quiz::letter(i).to_string();
            (l.clone(), format!("{l}. {o}"))
        }).collect(),
        Kind::TrueFalse => ["true", "false"].iter().map(|c| (c.to_string(), true_false_label(locale, c).to_string())).collect(),
        Kind::Fill => Vec::new(),
    };
    let multiple = q.kind == Kind::Multiple;
    let fill = q.kind == Kind::Fill;
    let given = q.given.clone();
    let typed = if fill { given.first().cloned().unwrap_or_default() } else { String::new() };
    let err = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    // Save in the background as soon as an answer is given (with JavaScript).
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let form = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("form").ok().flatten())
                .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok());
            if let Some(form) = form {
                if let Some(mut args) = FormFields::from_form(&form).as_ref().and_then(read_answer) {
                    args.go = Some("stay".into());
                    save.dispatch(args);
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let status = move || {
        if save.pending().get() {
            Some(view! { <span class="saving">{t!(i18n, qc_saving)}</span> }.into_any())
        } else {
            match save.value().get() {
                Some(Ok(_)) => Some(view! { <span class="saved" id="saved">{t!(i18n, qc_saved)}</span> }.into_any()),
                Some(Err(_)) => Some(view! {
                    <span class="save-failed" id="save-failed">{t!(i18n, qc_save_failed)}</span>
                    " "
                    <button type="submit" name="go" value="stay" id="save-retry">{t!(i18n, qc_retry)}</button>
                }
                    .into_any()),
                None => None,
            }
        }
    };
    view! {
        <div on:change=on_change>
            <PostForm action=save read=read_answer attr:id="answer-form" attr:data-position=position.to_string()>
                <input type="hidden" name="token" value=token.clone() />
                <input type="hidden" name="position" value=position.to_string() />
                <fieldset>
                    <legend id="question-stem">{position} ". " {q.stem.clone()}</legend>
                    <p class="hint">{kind_label(locale, q.kind)} " · " {q.points} " " {t!(i18n, qc_points)}</p>
                    {choices.into_iter().enumerate().map(|(i, (value, label))| {
                        let box_id = format!("pick-{value}");
                        let box_for = box_id.clone();
                        let name = if multiple { format!("picks[{value}]") } else { "picks[0]".to_string() };
                        let checked = given.contains(&value);
                        let _ = i;
                        view! {
                            <label class="check" for=box_for>
                                <input type=if multiple { "checkbox" } else { "radio" } id=box_id name=name value=value checked=checked />
                                {label}
                            </label>
                        }
                    }).collect_view()}
                    {fill.then(|| view! {
                        <label for="pick-text">{t!(i18n, qp_your_answer)}</label>
                        <input id="pick-text" name="picks[0]" type="text" maxlength="200" autocomplete="off" value=typed.clone() />
                    })}
                    <label class="check" for="mark-review">
                        <input id="mark-review" type="checkbox" name="marked" value="1" checked=q.marked />
                        {t!(i18n, qc_mark)}
                    </label>
                </fieldset>
                <FieldErrors error=err field="answer" />
                <FormError error=err />
                <p class="save-status" aria-live="polite">{status}</p>
                <div class="actions">
                    {(position > 1).then(|| view! { <button type="submit" name="go" value="prev" id="go-prev">{t!(i18n, qc_prev)}</button> })}
                    {(position < count).then(|| view! { <button type="submit" name="go" value="next" id="go-next">{t!(i18n, qc_next)}</button> })}
                    <button type="submit" name="go" value="submit" id="go-submit" class="secondary">{t!(i18n, qc_submit)}</button>
                </div>
                <nav class="paper-nav" aria-label=t_string!(i18n, qc_questions)>
                    {navigator.into_iter().map(|(n, answered, marked)| {
                        let class = format!(
                            "{}{}{}",
                            if n == position { "current " } else { "" },
                            if answered { "answered " } else { "" },
                            if marked { "marked" } else { "" }
                        );
                        view! { <button type="submit" name="go" value=n.to_string() class=class>{n}</button> }
                    }).collect_view()}
                </nav>
            </PostForm>
        </div>
    }
}

/// `/quiz/attempt/:token?q=N`.
#[component]
pub fn AttemptPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let q = move || query.with(|q| q.get("q").and_then(|s| s.parse::<i64>().ok()).unwrap_or(1));
    let save = ServerAction::<SaveAnswer>::new();
    let paper = crate::ui::json_resource(move || (token(), q()), |(t, _)| attempt_paper(t));
    view! {
        <article class="page">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match paper.await {
                        Ok(p) => {
                            let PaperView { token, title, open, deadline_at_ms, remaining_ms, questions, contest_id } = p;
                            let result_href = format!("/quiz/attempt/{token}/result");
                            let back = format!("/quiz/contest/{contest_id}");
                            let count = questions.len() as i64;
                            let pos = q().clamp(1, count.max(1));
                            let navigator: Vec<(i64, bool, bool)> = questions.iter().map(|x| (x.position, !x.given.is_empty(), x.marked)).collect();
                            let question = questions.into_iter().find(|x| x.position == pos);
                            view! {
                                <h1>{title}</h1>
                                {if open {
                                    view! {
                                        <Countdown remaining_ms deadline_at_ms result_href=result_href.clone() />
                                        <p class="hint">{t!(i18n, qc_attempt_hint)}</p>
                                        {question.map(|question| view! { <QuestionForm token=token.clone() q=question count save navigator /> })}
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <p id="attempt-closed" role="status">{t!(i18n, qc_attempt_over)}</p>
                                        <p><a class="button" id="see-result" href=result_href>{t!(i18n, qc_see_result)}</a></p>
                                    }
                                        .into_any()
                                }}
                                <p><a href=back>{t!(i18n, qc_back)}</a></p>
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
