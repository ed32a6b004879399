//! Server functions of the network classroom: the training administrator's courses
//! (`ManageCourses`) and an employee taking them (`OwnTraining`, narrowed to their own progress).
use super::classroom::{CourseEditor, CourseSummary, CourseView, CourseCard, LessonView};
use crate::base::errors::AppError;
use leptos::prelude::*;
use std::collections::HashMap;

#[cfg(feature = "ssr")]
async fn admin() -> Result<(crate::accounts::CurrentUser, crate::state::AppState), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ManageCourses).await?;
    Ok((user, crate::state::app_state()?))
}

#[cfg(feature = "ssr")]
async fn learner() -> Result<(crate::accounts::CurrentUser, crate::state::AppState), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::OwnTraining).await?;
    Ok((user, crate::state::app_state()?))
}

/// Every course, drafts included.
#[server(endpoint = "training_courses")]
pub async fn training_courses() -> Result<Vec<CourseSummary>, AppError> {
    let (_, state) = admin().await?;
    super::classroom_store::courses(&state.db, state.area::<super::rules::HourRules>()?).await
}

/// Create a course (no `id`) or change its title, summary and hours; then its editor.
#[server(endpoint = "save_course")]
pub async fn save_course(
    id: Option<String>,
    #[server(default)] title: String,
    #[server(default)] summary: String,
    #[server(default)] hours: String,
) -> Result<(), AppError> {
    let (user, state) = admin().await?;
    let id = match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
        None => None,
    };
    let rules = state.area::<super::rules::HourRules>()?;
    let valid = super::classroom::validate_course(&title, &summary, &hours, rules.minutes_per_hour)?;
    let id = super::classroom_store::save_course(&state.db, user.id, id, &valid).await?;
    leptos_axum::redirect(&format!("/staff/training/courses/{id}"));
    Ok(())
}

/// A course with its lessons.
#[server(endpoint = "training_course")]
pub async fn training_course(id: i64) -> Result<CourseEditor, AppError> {
    let (_, state) = admin().await?;
    super::classroom_store::editor(&state.db, state.area::<super::rules::HourRules>()?, id).await
}

/// Add a lesson to a draft course: title, text, minimum minutes and the check questions
/// (`q[q1]`, `q[q1a]`…`q[q1d]`, `q[q1ok]`; see `classroom::validate_lesson`).
#[server(endpoint = "add_lesson")]
pub async fn add_lesson(
    course: i64,
    #[server(default)] title: String,
    #[server(default)] body: String,
    #[server(default)] minutes: String,
    q: Option<HashMap<String, String>>,
) -> Result<(), AppError> {
    let (user, state) = admin().await?;
    let valid = super::classroom::validate_lesson(&title, &body, &minutes, &q.unwrap_or_default())?;
    let id = super::classroom_store::add_lesson(&state.db, user.id, course, &valid).await?;
    leptos_axum::redirect(&format!("/staff/training/courses/{course}#lesson-{id}"));
    Ok(())
}

/// Remove a lesson from a draft course nobody has opened.
#[server(endpoint = "delete_lesson")]
pub async fn delete_lesson(id: i64) -> Result<(), AppError> {
    let (user, state) = admin().await?;
    let course = super::classroom_store::delete_lesson(&state.db, user.id, id).await?;
    leptos_axum::redirect(&format!("/staff/training/courses/{course}"));
    Ok(())
}

/// Publish a course (`publish` set) or withdraw it.
#[server(endpoint = "publish_course")]
pub async fn publish_course(id: i64, publish: Option<String>) -> Result<(), AppError> {
    let (user, state) = admin().await?;
    super::classroom_store::set_published(&state.db, user.id, id, publish.is_some()).await?;
    leptos_axum::redirect(&format!("/staff/training/courses/{id}"));
    Ok(())
}

/// The published courses with the employee's progress.
#[server(endpoint = "my_courses")]
pub async fn my_courses() -> Result<Vec<CourseCard>, AppError> {
    let (user, state) = learner().await?;
    super::classroom_store::my_courses(&state.db, state.area::<super::rules::HourRules>()?, user.id).await
}

/// A published course with the employee's progress in each lesson.
#[server(endpoint = "my_course")]
pub async fn my_course(id: i64) -> Result<CourseView, AppError> {
    let (user, state) = learner().await?;
    super::classroom_store::my_course(&state.db, state.area::<super::rules::HourRules>()?, user.id, id).await
}

/// Open a lesson: its text, file and check questions (without the answers). The first opening
/// starts the employee's time on it.
#[server(endpoint = "open_lesson")]
pub async fn open_lesson(id: i64) -> Result<LessonView, AppError> {
    let (user, state) = learner().await?;
    super::classroom_store::open_lesson(&state.db, user.id, id).await
}

/// Answer a lesson's check (`a[0]`… the chosen option of each question); back to the course,
/// which says when it has just been completed.
#[server(endpoint = "answer_check")]
pub async fn answer_check(lesson: i64, a: Option<HashMap<String, String>>) -> Result<(), AppError> {
    let (user, state) = learner().await?;
    let rules = state.area::<super::rules::HourRules>()?;
    let checked = super::classroom_store::answer_check(&state.db, rules, user.id, lesson, &a.unwrap_or_default()).await?;
    let done = if checked.completed { "?completed=1" } else { "" };
    leptos_axum::redirect(&format!("/training/courses/{}{done}", checked.course_id));
    Ok(())
}
