//! `/quiz/daily`: the employee's questions of the day, each a plain form answered once, with the
//! verdict, the right answer and the explanation right after (and a link to report an error);
//! the streaks and the last days above. Works without JavaScript.
use super::api::{daily_challenge, DailyAnswer as DailyAnswerAction};
use super::{DailyQuestion, DailyView};
use crate::base::calendar::Day;
use crate::i18n::*;
use crate::quiz::feedback::{pages::FeedbackLink, Origin};
use crate::quiz::{answer_words, kind_label, letter, true_false_label, Kind};
use crate::ui::{ErrorPage, FieldErrors, FormError, FormFields, PostForm};
use leptos::prelude::*;

fn read_answer(f: &FormFields) -> Option<DailyAnswerAction> {
    Some(DailyAnswerAction { day: f.parse("day")?, position: f.parse("position")?, picks: f.map("picks") })
}

fn short_day(day: i64) -> String {
    let (_, m, d) = Day(day).ymd();
    format!("{m}/{d}")
}

#[component]
fn Question(q: DailyQuestion, day: i64, action: ServerAction<DailyAnswerAction>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let anchor = format!("daily-q{}", q.position);
    let hint = kind_label(locale, q.kind);
    let stem = q.stem.clone();
    let shown_options: Vec<String> = q.options.iter().enumerate().map(|(i, o)| format!("{}. {o}", letter(i))).collect();
    let body = match q.answered.clone() {
        Some(a) => {
            let yours = answer_words(locale, q.kind, &q.options, &a.given);
            let right = answer_words(locale, q.kind, &q.options, &a.answer);
            let class = if a.correct { "practice-result correct" } else { "practice-result wrong" };
            view! {
                <div class=class>
                    <ul class="plain">{shown_options.into_iter().map(|o| view! { <li>{o}</li> }).collect_view()}</ul>
                    <p class="daily-verdict">
                        <strong>{if a.correct { t_string!(i18n, qp_correct) } else { t_string!(i18n, qp_wrong) }}</strong>
                    </p>
                    <p>{t!(i18n, qc_your_answer)} " " {yours}</p>
                    <p>{t!(i18n, qp_answer_is)} " " {right}</p>
                    {(!a.explanation.is_empty()).then(|| view! { <p class="hint">{t!(i18n, qb_explanation)} "：" {a.explanation.clone()}</p> })}
                    <p><FeedbackLink question=q.question_id version=q.version origin=Origin::Daily /></p>
                </div>
            }
                .into_any()
        }
        None => {
            let choices: Vec<(String, String)> = match q.kind {
                Kind::Single | Kind::Multiple => shown_options.iter().enumerate().map(|(i, o)| (letter(i).to_string(), o.clone())).collect(),
                Kind::TrueFalse => ["true", "false"].iter().map(|c| (c.to_string(), true_false_label(locale, c).to_string())).collect(),
                Kind::Fill => Vec::new(),
            };
            let input_type = if q.kind == Kind::Multiple { "checkbox" } else { "radio" };
            let fill = q.kind == Kind::Fill;
            let pos = q.position;
            let text_id = format!("daily-text-{pos}");
            let text_for = text_id.clone();
            view! {
                <PostForm action=action read=read_answer attr:class="daily-form">
                    <input type="hidden" name="day" value=day.to_string() />
                    <input type="hidden" name="position" value=pos.to_string() />
                    <fieldset>
                        <legend class="visually-hidden">{stem}</legend>
                        {choices
                            .into_iter()
                            .map(|(value, label)| {
                                let box_id = format!("daily-{pos}-{value}");
                                let box_for = box_id.clone();
                                let name = if input_type == "checkbox" { format!("picks[{value}]") } else { "picks[0]".to_string() };
                                view! {
                                    <label class="check" for=box_for>
                                        <input type=input_type id=box_id name=name value=value required=input_type == "radio" />
                                        {label}
                                    </label>
                                }
                            })
                            .collect_view()}
                        {fill.then(|| view! {
                            <label for=text_for>{t!(i18n, qp_your_answer)}</label>
                            <input id=text_id name="picks[0]" type="text" required maxlength="200" autocomplete="off" />
                        })}
                    </fieldset>
                    <button type="submit">{t!(i18n, qp_submit)}</button>
                </PostForm>
            }
                .into_any()
        }
    };
    view! {
        <li id=anchor class="daily-question">
            <p class="stem">{q.stem.clone()}</p>
            <p class="hint">{hint}</p>
            {body}
        </li>
    }
}

#[component]
pub fn DailyPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<DailyAnswerAction>::new();
    let data = crate::ui::json_resource(move || action.version().get(), |_| daily_challenge());
    let err = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <section class="page">
            <h1>{t!(i18n, qd_title)}</h1>
            <p class="lead">{t!(i18n, qd_hint)}</p>
            <div id="daily-errors">
                <FieldErrors error=err field="pick" />
                <FieldErrors error=err field="op" />
                <FormError error=err />
            </div>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(v) => view! { <Daily v action /> }.into_any(),
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Daily(v: DailyView, action: ServerAction<DailyAnswerAction>) -> impl IntoView {
    let i18n = use_i18n();
    let answered = v.questions.iter().filter(|q| q.answered.is_some()).count();
    let total = v.questions.len();
    let done = total > 0 && answered == total;
    let day = v.day;
    view! {
        <dl class="facts" id="daily-figures">
            <dt>{t!(i18n, qd_streak)}</dt>
            <dd id="daily-streak">{v.streak} " " {t!(i18n, qd_days)}</dd>
            <dt>{t!(i18n, qd_best)}</dt>
            <dd id="daily-best">{v.best} " " {t!(i18n, qd_days)}</dd>
            <dt>{t!(i18n, qd_today)}</dt>
            <dd id="daily-progress">{answered} " / " {total}</dd>
        </dl>
        <ol class="daily-strip" id="daily-strip" aria-label=t_string!(i18n, qd_recent)>
            {v.recent
                .iter()
                .map(|(d, ok)| {
                    let class = if *ok { "day done" } else { "day" };
                    let state = if *ok { t_string!(i18n, qd_day_done) } else { t_string!(i18n, qd_day_missed) };
                    view! { <li class=class>{short_day(*d)} " " <span>{state}</span></li> }
                })
                .collect_view()}
        </ol>
        {done.then(|| view! { <p id="daily-done" class="notice" role="status">{t!(i18n, qd_done)}</p> })}
        {(total == 0).then(|| view! { <p id="daily-empty">{t!(i18n, qp_none)}</p> })}
        <ol class="daily-questions" id="daily-questions">
            {v.questions.into_iter().map(|q| view! { <Question q day action /> }).collect_view()}
        </ol>
    }
}
