//! The training administrator's network-classroom pages: the courses (`/staff/training/courses`)
//! and one course's editor with its lessons, files and check questions
//! (`/staff/training/courses/:id`). Plain forms: they work without JavaScript.
use super::classroom::{CourseEditor, LessonOutline, COURSE_TITLE_MAX, LESSON_TITLE_MAX, OPTION_LETTERS, OPTION_MAX, PROMPT_MAX, SUMMARY_MAX};
use super::classroom_api::{training_course, training_courses, AddLesson, DeleteLesson, PublishCourse, SaveCourse};
use crate::i18n::*;
use crate::ui::{error_text, ErrorPage, FieldErrors, FormError};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The field names of the check questions' errors (`FieldErrors` takes static names).
const QUESTION_FIELDS: [&str; 3] = ["q1", "q2", "q3"];

/// `/staff/training/courses`: every course with its state, and a new course.
#[component]
pub fn CoursesPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveCourse>::new();
    let data = crate::ui::json_resource(|| (), |_| training_courses());
    let err = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    view! {
        <section class="page wide">
            <h1>{t!(i18n, cl_admin_title)}</h1>
            <p><a href="/staff/training">{t!(i18n, tr_district_title)}</a></p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => view! {
                            {list.is_empty().then(|| view! { <p id="courses-none">{t!(i18n, cl_courses_none)}</p> })}
                            <div class="table-wrap">
                                <table id="courses">
                                    <thead>
                                        <tr>
                                            <th scope="col">{t!(i18n, cl_course_title)}</th>
                                            <th scope="col">{t!(i18n, cl_hours)}</th>
                                            <th scope="col">{t!(i18n, cl_lessons)}</th>
                                            <th scope="col">{t!(i18n, tr_state)}</th>
                                            <th scope="col">{t!(i18n, cl_completions)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .into_iter()
                                            .map(|c| {
                                                let href = format!("/staff/training/courses/{}", c.id);
                                                view! {
                                                    <tr>
                                                        <td><a href=href>{c.title.clone()}</a></td>
                                                        <td>{c.hours.clone()}</td>
                                                        <td>{c.lessons}</td>
                                                        <td>{if c.published { t!(i18n, cl_published).into_any() } else { t!(i18n, cl_draft).into_any() }}</td>
                                                        <td>{c.completions}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                            .into_any(),
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>{t!(i18n, cl_course_new)}</h2>
            <ActionForm action=save attr:id="course-form" attr:class="stacked">
                <CourseFields err=err title=String::new() summary=String::new() hours=String::new() />
                <FormError error=err />
                <button type="submit">{t!(i18n, cl_course_save)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn CourseFields(err: Signal<Option<crate::base::errors::AppError>>, title: String, summary: String, hours: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for="course-title">{t!(i18n, cl_course_title)}</label>
        <input id="course-title" name="title" type="text" required maxlength=COURSE_TITLE_MAX.to_string() value=title />
        <FieldErrors error=err field="title" />
        <label for="course-summary">{t!(i18n, cl_summary)}</label>
        <textarea id="course-summary" name="summary" rows="3" maxlength=SUMMARY_MAX.to_string()>{summary}</textarea>
        <FieldErrors error=err field="summary" />
        <label for="course-hours">{t!(i18n, cl_hours)}</label>
        <input id="course-hours" name="hours" type="text" inputmode="decimal" required value=hours />
        <FieldErrors error=err field="hours" />
    }
}

/// `/staff/training/courses/:id`: the course's facts, its lessons (each with its file form),
/// a new lesson with its check questions, and publishing.
#[component]
pub fn CourseEditorPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let save = ServerAction::<SaveCourse>::new();
    let add = ServerAction::<AddLesson>::new();
    let delete = ServerAction::<DeleteLesson>::new();
    let publish = ServerAction::<PublishCourse>::new();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let data = crate::ui::json_resource(
        move || (id(), save.version().get(), add.version().get(), delete.version().get(), publish.version().get()),
        |(id, ..)| training_course(id),
    );
    let save_err = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let add_err = Signal::derive(move || add.value().get().and_then(|r| r.err()));
    let delete_err = Signal::derive(move || delete.value().get().and_then(|r| r.err()));
    let publish_err = Signal::derive(move || publish.value().get().and_then(|r| r.err()));
    let file_error = move || query.with(|q| q.get("file_error"));
    let file_saved = move || query.with(|q| q.get("file").is_some());
    view! {
        <section class="page wide">
            <h1>{t!(i18n, cl_admin_title)}</h1>
            <p><a href="/staff/training/courses">{t!(i18n, cl_back_courses)}</a></p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(c) => {
                            let locale = i18n.get_locale_untracked();
                            let CourseEditor { id, title, summary, hours, published, started, completions, lessons, lesson_minutes, problem } = c;
                            let (course_id, course_id2) = (id.to_string(), id.to_string());
                            let editable = !published && !started;
                            view! {
                                <h2 id="course-name">{title.clone()}</h2>
                                <dl class="facts">
                                    <dt>{t!(i18n, tr_state)}</dt>
                                    <dd id="course-state">{if published { t!(i18n, cl_published).into_any() } else { t!(i18n, cl_draft).into_any() }}</dd>
                                    <dt>{t!(i18n, cl_hours)}</dt><dd>{hours.clone()}</dd>
                                    <dt>{t!(i18n, cl_lesson_minutes_total)}</dt><dd id="lesson-minutes-total">{lesson_minutes}</dd>
                                    <dt>{t!(i18n, cl_completions)}</dt><dd id="course-completions">{completions}</dd>
                                </dl>
                                {published.then(|| view! { <p class="hint">{t!(i18n, cl_published_hint)}</p> })}
                                {(started && !published).then(|| view! { <p class="hint">{t!(i18n, cl_locked)}</p> })}
                                <ActionForm action=publish attr:id="publish-form">
                                    <input type="hidden" name="id" value=course_id />
                                    {(!published).then(|| view! {
                                        <input type="hidden" name="publish" value="1" />
                                        <p class="hint">{t!(i18n, cl_publish_hint)}</p>
                                    })}
                                    {problem.clone().filter(|_| !published).map(|code| view! { <p class="hint" id="publish-problem">{error_text(locale, &code)}</p> })}
                                    <FieldErrors error=publish_err field="op" />
                                    <FormError error=publish_err />
                                    <button type="submit" class:secondary=published>
                                        {if published { t!(i18n, cl_withdraw).into_any() } else { t!(i18n, cl_publish).into_any() }}
                                    </button>
                                </ActionForm>
                                <h3>{t!(i18n, cl_lessons)}</h3>
                                {move || file_saved().then(|| view! { <p id="file-saved" class="notice" role="status">{t!(i18n, cl_file_saved)}</p> })}
                                {move || file_error().map(|code| view! { <p id="file-error" class="error" role="alert">{error_text(i18n.get_locale(), &code)}</p> })}
                                <FieldErrors error=delete_err field="op" />
                                <ol id="lessons" class="plain">
                                    {lessons.into_iter().map(|l| view! { <LessonItem lesson=l editable=editable delete=delete /> }).collect_view()}
                                </ol>
                                {editable.then(|| view! { <LessonForm course=id add=add err=add_err /> })}
                                <h3>{t!(i18n, cl_course_save)}</h3>
                                <ActionForm action=save attr:id="course-edit" attr:class="stacked">
                                    <input type="hidden" name="id" value=course_id2 />
                                    <CourseFields err=save_err title=title summary=summary hours=hours />
                                    <FormError error=save_err />
                                    <button type="submit">{t!(i18n, cl_course_save)}</button>
                                </ActionForm>
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

/// One lesson in the editor: its facts, its file and, while the course can change, the file
/// form (a plain multipart form to the upload route) and its removal.
#[component]
fn LessonItem(lesson: LessonOutline, editable: bool, delete: ServerAction<DeleteLesson>) -> impl IntoView {
    let i18n = use_i18n();
    let LessonOutline { id, position, title, min_minutes, questions, file } = lesson;
    let anchor = format!("lesson-{id}");
    let input_id = format!("lesson-file-{id}");
    let input_for = input_id.clone();
    view! {
        <li id=anchor class="card">
            <h4>{position} ". " {title}</h4>
            <p>
                {t!(i18n, cl_min_minutes)} ": " {min_minutes} " · " {t!(i18n, cl_questions_count)} ": " {questions} " · "
                {match file {
                    Some(f) => {
                        let href = format!("/training/files/{}", f.lesson_id);
                        view! { <a href=href class="lesson-file">{f.content_type} " · " {f.size_kb} " KB"</a> }.into_any()
                    }
                    None => view! { <span class="lesson-file-none">{t!(i18n, cl_file_none)}</span> }.into_any(),
                }}
            </p>
            {editable.then(|| view! {
                <form method="post" action="/staff/training/lesson-file" enctype="multipart/form-data" class="inline-form file-form">
                    <input type="hidden" name="lesson" value=id.to_string() />
                    <label for=input_for>{t!(i18n, cl_file)}</label>
                    <input id=input_id name="file" type="file" accept="image/jpeg,image/png,image/webp,application/pdf,video/mp4,video/webm" required />
                    <button type="submit" class="secondary">{t!(i18n, cl_file_upload)}</button>
                </form>
                <p class="hint">{t!(i18n, cl_file_hint)}</p>
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="secondary">{t!(i18n, cl_lesson_delete)}</button>
                </ActionForm>
            })}
        </li>
    }
}

/// A new lesson: title, text, minimum minutes and up to three check questions.
#[component]
fn LessonForm(course: i64, add: ServerAction<AddLesson>, err: Signal<Option<crate::base::errors::AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    crate::ui::reset_form_after(move || matches!(add.value().get(), Some(Ok(_))), form_ref);
    view! {
        <h3>{t!(i18n, cl_lesson_add)}</h3>
        <ActionForm action=add node_ref=form_ref attr:id="lesson-form" attr:class="stacked">
            <input type="hidden" name="course" value=course.to_string() />
            <label for="lesson-title">{t!(i18n, cl_lesson_title)}</label>
            <input id="lesson-title" name="title" type="text" required maxlength=LESSON_TITLE_MAX.to_string() />
            <FieldErrors error=err field="title" />
            <label for="lesson-body">{t!(i18n, cl_body)}</label>
            <textarea id="lesson-body" name="body" rows="8"></textarea>
            <FieldErrors error=err field="body" />
            <label for="lesson-minutes">{t!(i18n, cl_min_minutes)}</label>
            <input id="lesson-minutes" name="minutes" type="number" min="0" max="600" step="1" required />
            <FieldErrors error=err field="minutes" />
            <p class="hint">{t!(i18n, cl_questions_hint)}</p>
            {QUESTION_FIELDS
                .into_iter()
                .enumerate()
                .map(|(i, field)| {
                    let n = i + 1;
                    let prompt_id = format!("q{n}-prompt");
                    let prompt_for = prompt_id.clone();
                    view! {
                        <fieldset class="question">
                            <legend>{t!(i18n, cl_question)} " " {n}</legend>
                            <label for=prompt_for>{t!(i18n, cl_question)} " " {n}</label>
                            <input id=prompt_id name=format!("q[q{n}]") type="text" maxlength=PROMPT_MAX.to_string() />
                            {OPTION_LETTERS
                                .into_iter()
                                .map(|l| {
                                    let opt_id = format!("q{n}-{l}");
                                    let opt_for = opt_id.clone();
                                    let ok_id = format!("q{n}-ok-{l}");
                                    let ok_for = ok_id.clone();
                                    let upper = l.to_uppercase();
                                    let upper2 = upper.clone();
                                    view! {
                                        <div class="option-line">
                                            <label for=opt_for>{t!(i18n, cl_option)} " " {upper}</label>
                                            <input id=opt_id name=format!("q[q{n}{l}]") type="text" maxlength=OPTION_MAX.to_string() />
                                            <label class="check" for=ok_for>
                                                <input type="radio" id=ok_id name=format!("q[q{n}ok]") value=l />
                                                {t!(i18n, cl_correct)} " " {upper2}
                                            </label>
                                        </div>
                                    }
                                })
                                .collect_view()}
                            <FieldErrors error=err field=field />
                        </fieldset>
                    }
                })
                .collect_view()}
            <FieldErrors error=err field="op" />
            <FormError error=err />
            <button type="submit">{t!(i18n, cl_lesson_add)}</button>
        </ActionForm>
    }
}
