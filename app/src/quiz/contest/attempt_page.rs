//! The contestant's running attempt (`/quiz/attempt/:token?q=N`): one question's form at a time,
//! saved in the background as soon as an answer is given, with the countdown to the deadline.
use super::api::{attempt_paper, SaveAnswer};
use super::{fmt_minute, PaperQuestion, PaperView};
use super::take::fmt_clock;
use crate::i18n::*;
use crate::quiz::{kind_label, true_false_label, Kind};
use crate::ui::{ErrorPage, FieldErrors, FormError, FormFields, PostForm};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

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
