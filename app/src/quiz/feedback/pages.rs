//! The error report pages: the public form (`/quiz/feedback?q=…&v=…&from=…`), reached from
//! practice, the daily challenge and a contest's review, and the administrator's review
//! (`/staff/questions/feedback?status=…`). Plain forms: they work without JavaScript.
use super::api::{feedback_target, question_feedback, DecideFeedback, SendFeedback};
use super::{Origin, Reason, Status, COMMENT_MAX, NOTE_MAX};
use crate::base::format::fmt_date;
use crate::i18n::*;
use crate::quiz::letter;
use crate::ui::{ErrorPage, FieldErrors, FormError, FormFields, PostForm};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn read_feedback(f: &FormFields) -> Option<SendFeedback> {
    Some(SendFeedback {
        question: f.parse("question")?,
        version: f.parse("version")?,
        origin: f.text("origin").unwrap_or_default(),
        reason: f.text("reason").unwrap_or_default(),
        comment: f.text("comment").unwrap_or_default(),
    })
}

pub fn reason_label(locale: Locale, r: Reason) -> &'static str {
    match r {
        Reason::Answer => td_string!(locale, qf_reason_answer),
        Reason::Stem => td_string!(locale, qf_reason_stem),
        Reason::Options => td_string!(locale, qf_reason_options),
        Reason::Explanation => td_string!(locale, qf_reason_explanation),
        Reason::Outdated => td_string!(locale, qf_reason_outdated),
        Reason::Other => td_string!(locale, qf_reason_other),
    }
}

fn origin_label(locale: Locale, o: Origin) -> &'static str {
    match o {
        Origin::Practice => td_string!(locale, qf_origin_practice),
        Origin::Daily => td_string!(locale, qf_origin_daily),
        Origin::Contest => td_string!(locale, qf_origin_contest),
    }
}

fn status_label(locale: Locale, s: Status) -> &'static str {
    match s {
        Status::Open => td_string!(locale, qf_status_open),
        Status::Fixed => td_string!(locale, qf_status_fixed),
        Status::Rejected => td_string!(locale, qf_status_rejected),
    }
}

/// The "report an error" link under a question whose answer has been shown.
#[component]
pub fn FeedbackLink(question: i64, version: i64, origin: Origin) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/quiz/feedback?q={question}&v={version}&from={}", origin.as_str());
    view! { <a class="feedback-link" href=href>{t!(i18n, qf_link)}</a> }
}

/// `/quiz/feedback`: what is wrong with this question?
#[component]
pub fn FeedbackPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let send = ServerAction::<SendFeedback>::new();
    let target = move || {
        query.with(|q| {
            let id = q.get("q").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
            let version = q.get("v").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
            (id, version)
        })
    };
    let origin = move || query.with(|q| q.get("from").and_then(|o| Origin::parse(&o)).unwrap_or(Origin::Practice));
    let sent = move || query.with(|q| q.get("sent").is_some()) || send.value().with(|v| matches!(v, Some(Ok(()))));
    let question = crate::ui::json_resource(target, |(id, version)| feedback_target(id, version));
    let err = Signal::derive(move || send.value().get().and_then(|r| r.err()));
    view! {
        <section class="page">
            <h1>{t!(i18n, qf_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match question.await {
                        Ok(t) => {
                            let (id, version) = (t.question_id.to_string(), t.version.to_string());
                            let options = t.options.iter().enumerate().map(|(i, o)| format!("{}. {o}", letter(i))).collect::<Vec<_>>();
                            view! {
                                <blockquote id="feedback-question">
                                    <p>{t.stem.clone()}</p>
                                    {(!options.is_empty()).then(|| view! {
                                        <ul class="plain">{options.into_iter().map(|o| view! { <li>{o}</li> }).collect_view()}</ul>
                                    })}
                                </blockquote>
                                {move || if sent() {
                                    view! {
                                        <p id="feedback-sent" class="notice" role="status">{t!(i18n, qf_sent)}</p>
                                        {match origin() {
                                            Origin::Practice => view! { <p><a href="/quiz/practice">{t!(i18n, qp_next)}</a></p> }.into_any(),
                                            Origin::Daily => view! { <p><a href="/quiz/daily">{t!(i18n, qd_title)}</a></p> }.into_any(),
                                            Origin::Contest => view! { <p><a href="/quiz">{t!(i18n, quiz_title)}</a></p> }.into_any(),
                                        }}
                                    }
                                        .into_any()
                                } else {
                                    let (id, version) = (id.clone(), version.clone());
                                    view! {
                                        <p class="hint">{t!(i18n, qf_hint)}</p>
                                        <PostForm action=send read=read_feedback attr:id="feedback-form">
                                            <input type="hidden" name="question" value=id />
                                            <input type="hidden" name="version" value=version />
                                            <input type="hidden" name="origin" value=origin().as_str() />
                                            <fieldset>
                                                <legend>{t!(i18n, qf_reason)}</legend>
                                                {Reason::ALL
                                                    .into_iter()
                                                    .map(|r| {
                                                        let box_id = format!("reason-{}", r.as_str());
                                                        let box_for = box_id.clone();
                                                        view! {
                                                            <label class="check" for=box_for>
                                                                <input type="radio" id=box_id name="reason" value=r.as_str() required />
                                                                {reason_label(i18n.get_locale_untracked(), r)}
                                                            </label>
                                                        }
                                                    })
                                                    .collect_view()}
                                                <FieldErrors error=err field="reason" />
                                            </fieldset>
                                            <label for="feedback-comment">{t!(i18n, qf_comment)}</label>
                                            <textarea id="feedback-comment" name="comment" rows="4" maxlength=COMMENT_MAX.to_string()></textarea>
                                            <p class="hint">{t!(i18n, qf_comment_hint)}</p>
                                            <FieldErrors error=err field="comment" />
                                            <FieldErrors error=err field="op" />
                                            <FormError error=err />
                                            <button type="submit">{t!(i18n, qf_send)}</button>
                                        </PostForm>
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
        </section>
    }
}

/// `/staff/questions/feedback`: the reports of one status, each with the question as it was seen
/// and the way to fix it (its form in the bank) or to reject the report.
#[component]
pub fn FeedbackReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let decide = ServerAction::<DecideFeedback>::new();
    let status = move || query.with(|q| q.get("status").and_then(|s| Status::parse(&s)).unwrap_or(Status::Open));
    let list = crate::ui::json_resource(move || (status(), decide.version().get()), |(s, _)| question_feedback(s.as_str().to_string()));
    let err = Signal::derive(move || decide.value().get().and_then(|r| r.err()));
    view! {
        <section class="page wide">
            <h1>{t!(i18n, qf_review_title)}</h1>
            <p class="hint">{t!(i18n, qf_review_hint)}</p>
            <nav class="tabs" aria-label=move || t_string!(i18n, qf_status)>
                {[Status::Open, Status::Fixed, Status::Rejected]
                    .into_iter()
                    .map(|s| {
                        let href = format!("/staff/questions/feedback?status={}", s.as_str());
                        let current = move || (status() == s).then_some("page");
                        view! { <a href=href aria-current=current>{move || status_label(i18n.get_locale(), s)}</a> " " }
                    })
                    .collect_view()}
            </nav>
            <FieldErrors error=err field="op" />
            <FieldErrors error=err field="note" />
            <FormError error=err />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match list.await {
                        Ok(l) => view! {
                            <p id="feedback-open">{t!(i18n, qf_open_count)} " " {l.open}</p>
                            {l.items.is_empty().then(|| view! { <p id="feedback-none">{t!(i18n, qf_none)}</p> })}
                            <ol class="feedback-list" id="feedback-list">
                                {l.items
                                    .into_iter()
                                    .map(|f| {
                                        let edited = f.current_version > f.version;
                                        let bank = format!("/staff/questions?id={}", f.question_id);
                                        let item_id = f.id.to_string();
                                        let data_id = item_id.clone();
                                        let note_id = format!("note-{}", f.id);
                                        let note_for = note_id.clone();
                                        let open = f.status == Status::Open;
                                        view! {
                                            <li class="feedback" data-id=data_id>
                                                <p>
                                                    <strong>{reason_label(locale, f.reason)}</strong>
                                                    " · " {origin_label(locale, f.origin)} " · " {fmt_date(f.created_at)}
                                                    " · " {t!(i18n, qf_question)} " " {f.question_id} " v" {f.version}
                                                    {edited.then(|| view! { " " <span class="badge">{t!(i18n, qf_edited_since)} " v" {f.current_version}</span> })}
                                                </p>
                                                <blockquote>
                                                    <p>{f.stem.clone()}</p>
                                                    <p class="hint">{t!(i18n, qb_answer)} "：" {f.answer.clone()}</p>
                                                </blockquote>
                                                {(!f.comment.is_empty()).then(|| view! { <p class="feedback-comment">{f.comment.clone()}</p> })}
                                                <p><a href=bank>{t!(i18n, qf_open_question)}</a></p>
                                                {if open {
                                                    view! {
                                                        <ActionForm action=decide attr:class="decide-form">
                                                            <input type="hidden" name="id" value=item_id />
                                                            <label for=note_for>{t!(i18n, qf_note)}</label>
                                                            <input id=note_id name="note" type="text" maxlength=NOTE_MAX.to_string() />
                                                            <button type="submit" name="status" value="fixed">{t!(i18n, qf_mark_fixed)}</button>
                                                            " "
                                                            <button type="submit" name="status" value="rejected" class="secondary">{t!(i18n, qf_reject)}</button>
                                                        </ActionForm>
                                                    }
                                                        .into_any()
                                                } else {
                                                    view! {
                                                        <p class="hint">
                                                            {status_label(locale, f.status)} " · " {f.decided_by.clone()}
                                                            {(!f.note.is_empty()).then(|| view! { " · " {f.note.clone()} })}
                                                        </p>
                                                    }
                                                        .into_any()
                                                }}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
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
