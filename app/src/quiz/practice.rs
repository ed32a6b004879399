//! Practice (练习) at `/quiz/practice`: anyone, no account. A question drawn at random (of a
//! chosen sector), answered through a plain GET form, so it works the same without JavaScript;
//! the answer and the explanation come back only after answering.
use super::api::{practice_check, practice_question};
use super::{answer_parts, answer_words, kind_label, letter, true_false_label, Kind, PracticeData, PracticeQuestion, PracticeResult};
use crate::i18n::*;
use crate::org::choice_name;
use crate::quiz::feedback::{pages::FeedbackLink, Origin};
use crate::ui::ErrorPage;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// What the page shows: a question to answer, or the feedback on an answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum Shown {
    Question(PracticeData),
    Feedback(PracticeResult),
}

#[component]
fn QuestionForm(q: PracticeQuestion, tag: String) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let (id, version) = (q.id.to_string(), q.version.to_string());
    let choices: Vec<(String, String)> = match q.kind {
        Kind::Single | Kind::Multiple => {
            q.options.iter().enumerate().map(|(i, o)| (letter(i).to_string(), format!("{}. {o}", letter(i)))).collect()
        }
        Kind::TrueFalse => ["true", "false"].iter().map(|c| (c.to_string(), true_false_label(locale, c).to_string())).collect(),
        Kind::Fill => Vec::new(),
    };
    let input_type = if q.kind == Kind::Multiple { "checkbox" } else { "radio" };
    let hint = kind_label(locale, q.kind);
    let fill = q.kind == Kind::Fill;
    view! {
        <form method="get" action="/quiz/practice" id="practice-form">
            <input type="hidden" name="tag" value=tag />
            <input type="hidden" name="q" value=id />
            <input type="hidden" name="v" value=version />
            <fieldset>
                <legend id="practice-stem">{q.stem.clone()}</legend>
                <p class="hint">{hint}</p>
                {choices
                    .into_iter()
                    .map(|(value, label)| {
                        let box_id = format!("pick-{value}");
                        let box_for = box_id.clone();
                        view! {
                            <label class="check" for=box_for>
                                <input type=input_type id=box_id name="pick" value=value required=input_type == "radio" />
                                {label}
                            </label>
                        }
                    })
                    .collect_view()}
                {fill.then(|| view! {
                    <label for="pick-text">{t!(i18n, qp_your_answer)}</label>
                    <input id="pick-text" name="pick" type="text" required maxlength="200" autocomplete="off" />
                })}
            </fieldset>
            <button type="submit">{t!(i18n, qp_submit)}</button>
        </form>
    }
}

#[component]
fn Feedback(r: PracticeResult, tag: String) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let answer = answer_words(locale, r.question.kind, &r.question.options, &answer_parts(r.question.kind, &r.answer));
    // A sector code is letters, digits and "-"; anything else in the query is dropped.
    let code: String = tag.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let next = format!("/quiz/practice?tag={code}");
    let class = if r.correct { "practice-result correct" } else { "practice-result wrong" };
    let has_explanation = !r.explanation.is_empty();
    let has_source = !r.source.is_empty();
    view! {
        <section id="practice-result" class=class role="status">
            <p id="practice-verdict">
                <strong>{if r.correct { t_string!(i18n, qp_correct) } else { t_string!(i18n, qp_wrong) }}</strong>
            </p>
            <p>{r.question.stem.clone()}</p>
            <p id="practice-answer">{t!(i18n, qp_answer_is)} " " {answer}</p>
            {has_explanation.then(|| view! { <p id="practice-explanation">{t!(i18n, qb_explanation)} "：" {r.explanation.clone()}</p> })}
            {has_source.then(|| view! { <p class="hint">{t!(i18n, qb_source)} "：" {r.source.clone()}</p> })}
            <p>
                <a id="practice-next" class="button" href=next>{t!(i18n, qp_next)}</a>
                " "
                <FeedbackLink question=r.question.id version=r.question.version origin=Origin::Practice />
            </p>
        </section>
    }
}

#[component]
pub fn PracticePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let tag = move || query.with(|q| q.get("tag").unwrap_or_default());
    let answered = move || {
        query.with(|q| {
            let id = q.get("q")?.parse::<i64>().ok()?;
            let version = q.get("v")?.parse::<i64>().ok()?;
            Some((id, version, q.get_all("pick").unwrap_or_default()))
        })
    };
    let shown = crate::ui::json_resource(
        move || (tag(), answered()),
        |(tag, answered)| async move {
            match answered {
                Some((id, version, picks)) => practice_check(id, version, picks).await.map(Shown::Feedback),
                None => practice_question(tag).await.map(Shown::Question),
            }
        },
    );
    view! {
        <section class="page">
            <h1>{t!(i18n, qp_title)}</h1>
            <p class="lead">{t!(i18n, qp_hint)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    let tag = tag();
                    match shown.await {
                        Ok(Shown::Question(d)) => view! {
                            <form method="get" action="/quiz/practice" id="practice-sector" class="filter-form">
                                <label for="practice-tag">{t!(i18n, qb_tags)}</label>
                                <select id="practice-tag" name="tag">
                                    <option value="">{t!(i18n, qb_all)}</option>
                                    {d.sectors
                                        .iter()
                                        .map(|s| view! { <option value=s.code.clone() selected=s.code == tag>{choice_name(locale, s)}</option> })
                                        .collect_view()}
                                </select>
                                <button type="submit">{t!(i18n, qp_choose)}</button>
                            </form>
                            {match d.question {
                                Some(q) => view! { <QuestionForm q tag=tag.clone() /> }.into_any(),
                                None => view! { <p id="practice-empty">{t!(i18n, qp_none)}</p> }.into_any(),
                            }}
                        }
                            .into_any(),
                        Ok(Shown::Feedback(r)) => view! { <Feedback r tag /> }.into_any(),
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
