//! The employee's network classroom: the published courses with their progress
//! (`/training/courses`), one course's lessons (`/training/courses/:id`) and a lesson with its
//! file and check quiz (`/training/lessons/:id`). Plain forms: they work without JavaScript.
use super::classroom::{LessonFile, Step};
use super::classroom_api::{my_course, my_courses, open_lesson, AnswerCheck};
use crate::i18n::*;
use crate::ui::{ErrorPage, FieldErrors, FormError};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn step_label(locale: Locale, s: Step) -> &'static str {
    match s {
        Step::NotStarted => td_string!(locale, cl_step_not_started),
        Step::Open => td_string!(locale, cl_step_open),
        Step::Passed => td_string!(locale, cl_step_passed),
    }
}

/// `/training/courses`: the courses an employee can take, with their progress.
#[component]
pub fn ClassroomPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = crate::ui::json_resource(|| (), |_| my_courses());
    view! {
        <section class="page wide">
            <h1>{t!(i18n, cl_title)}</h1>
            <p class="hint">{t!(i18n, cl_intro)}</p>
            <p><a href="/training/me">{t!(i18n, tr_my_title)}</a></p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => view! {
                            {list.is_empty().then(|| view! { <p id="classroom-none">{t!(i18n, cl_none)}</p> })}
                            <ul id="classroom" class="plain">
                                {list
                                    .into_iter()
                                    .map(|c| {
                                        let href = format!("/training/courses/{}", c.id);
                                        view! {
                                            <li class="card">
                                                <h2><a href=href>{c.title.clone()}</a></h2>
                                                {(!c.summary.is_empty()).then(|| view! { <p>{c.summary.clone()}</p> })}
                                                <p>
                                                    {t!(i18n, cl_hours)} ": " {c.hours.clone()} " · " {t!(i18n, cl_progress)} ": "
                                                    <span class="course-progress">{c.passed} " / " {c.lessons}</span>
                                                    {c.completed_on.clone().map(|d| view! { " · " {t!(i18n, cl_completed_on)} ": " <span class="course-done">{d}</span> })}
                                                </p>
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
        </section>
    }
}

/// `/training/courses/:id`: a course's lessons in order with the employee's progress; says so
/// when the answer just given completed it.
#[component]
pub fn CoursePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let data = crate::ui::json_resource(id, my_course);
    let just_completed = move || query.with(|q| q.get("completed").is_some());
    view! {
        <section class="page wide">
            <h1>{t!(i18n, cl_title)}</h1>
            <p><a href="/training/courses">{t!(i18n, cl_title)}</a></p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match data.await {
                        Ok(c) => view! {
                            <h2 id="course-name">{c.title.clone()}</h2>
                            {(!c.summary.is_empty()).then(|| view! { <p>{c.summary.clone()}</p> })}
                            {move || just_completed().then(|| view! { <p id="course-completed" class="notice" role="status">{t!(i18n, cl_just_completed)}</p> })}
                            <dl class="facts">
                                <dt>{t!(i18n, cl_hours)}</dt><dd>{c.hours.clone()}</dd>
                                {c.completed_on.clone().map(|d| view! { <dt>{t!(i18n, cl_completed_on)}</dt><dd id="course-done">{d}</dd> })}
                            </dl>
                            <ol id="course-lessons">
                                {c.lessons
                                    .into_iter()
                                    .map(|l| {
                                        let href = format!("/training/lessons/{}", l.id);
                                        let step = format!("{:?}", l.step).to_lowercase();
                                        view! {
                                            <li data-step=step>
                                                <a href=href>{l.title.clone()}</a>
                                                " · " {t!(i18n, cl_min_minutes)} ": " {l.min_minutes} " · " {step_label(locale, l.step)}
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

/// The lesson's file as the page shows it: an image, a video player, or a link to the PDF.
#[component]
fn LessonFileView(file: LessonFile, title: String) -> impl IntoView {
    let i18n = use_i18n();
    let src = format!("/training/files/{}", file.lesson_id);
    match file.kind.as_str() {
        "image" => view! { <img id="lesson-image" class="lesson-media" src=src alt=title /> }.into_any(),
        "video" => view! {
            <video id="lesson-video" class="lesson-media" controls preload="metadata" aria-label=title>
                <source src=src type=file.content_type />
            </video>
        }
            .into_any(),
        _ => view! { <p><a id="lesson-pdf" href=src target="_blank" rel="noopener">{t!(i18n, cl_pdf_open)} " (" {file.size_kb} " KB)"</a></p> }.into_any(),
    }
}

/// `/training/lessons/:id`: the lesson's text and file, the time still to spend on it, and its
/// check quiz.
#[component]
pub fn LessonPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let answer = ServerAction::<AnswerCheck>::new();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let data = crate::ui::json_resource(move || (id(), answer.version().get()), |(id, _)| open_lesson(id));
    let err = Signal::derive(move || answer.value().get().and_then(|r| r.err()));
    view! {
        <section class="page wide">
            <h1>{t!(i18n, cl_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(l) => {
                            let back = format!("/training/courses/{}", l.course_id);
                            let lesson_id = l.id.to_string();
                            view! {
                                <p><a href=back>{t!(i18n, cl_back_course)} ": " {l.course_title.clone()}</a></p>
                                <h2 id="lesson-name">{t!(i18n, cl_lesson)} " " {l.position} " / " {l.count} ": " {l.title.clone()}</h2>
                                <div id="lesson-body" class="lesson-body">
                                    {super::classroom::paragraphs(&l.body).into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                                </div>
                                {l.file.clone().map(|f| view! { <LessonFileView file=f title=l.title.clone() /> })}
                                <dl class="facts">
                                    <dt>{t!(i18n, cl_min_minutes)}</dt><dd>{l.min_minutes}</dd>
                                    {(!l.passed && l.seconds_left > 0).then(|| view! {
                                        <dt>{t!(i18n, cl_left)}</dt><dd id="lesson-left">{(l.seconds_left + 59) / 60}</dd>
                                    })}
                                </dl>
                                {if l.passed {
                                    view! { <p id="lesson-passed" class="notice" role="status">{t!(i18n, cl_passed)}</p> }.into_any()
                                } else {
                                    view! {
                                        <h3>{t!(i18n, cl_check)}</h3>
                                        <ActionForm action=answer attr:id="check-form" attr:class="stacked">
                                            <input type="hidden" name="lesson" value=lesson_id />
                                            {l.questions
                                                .into_iter()
                                                .enumerate()
                                                .map(|(i, q)| {
                                                    view! {
                                                        <fieldset class="question">
                                                            <legend>{i + 1} ". " {q.prompt}</legend>
                                                            {q.options
                                                                .into_iter()
                                                                .enumerate()
                                                                .map(|(j, o)| {
                                                                    let opt_id = format!("a{i}-{j}");
                                                                    let opt_for = opt_id.clone();
                                                                    view! {
                                                                        <label class="check" for=opt_for>
                                                                            <input type="radio" id=opt_id name=format!("a[{i}]") value=j.to_string() required />
                                                                            {o}
                                                                        </label>
                                                                    }
                                                                })
                                                                .collect_view()}
                                                        </fieldset>
                                                    }
                                                })
                                                .collect_view()}
                                            <FieldErrors error=err field="op" />
                                            <FormError error=err />
                                            <button type="submit">{t!(i18n, cl_check_submit)}</button>
                                        </ActionForm>
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
