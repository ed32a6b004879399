//! Network-classroom storage (server only): the training administrator's courses and lessons,
//! the lesson files, and each employee's progress and completions. A completion is written in
//! the transaction that passes the course's last lesson, with the employee's yearly minutes and
//! the course certificate, so the hours show everywhere at once or not at all.
use super::classroom::*;
use super::rules::{self, HourRules};
use crate::base::audit::{self, Entry};
use crate::base::calendar::Day;
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use crate::base::media::CleanFile;
use serde_json::json;
use std::collections::HashMap;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

fn minutes_u32(m: i64) -> u32 {
    u32::try_from(m).unwrap_or(0)
}

fn questions_of(text: &str) -> Result<Vec<Question>, AppError> {
    serde_json::from_str(text).map_err(|e| AppError::internal("lesson questions", e))
}

async fn log(db: &Db, tx: &mut Tx, user_id: i64, action: &'static str, details: serde_json::Value, ts: i64) -> Result<(), AppError> {
    let entry = Entry { user_id: Some(user_id), action, report_id: None, reason: None, details: details.to_string() };
    audit::append(db, tx, entry, ts).await.map(|_| ())
}

/// Every course, newest first.
pub async fn courses(db: &Db, r: &HourRules) -> Result<Vec<CourseSummary>, AppError> {
    let rows: Vec<(i64, String, i64, i64, i64, i64)> = sqlx::query_as(
        "select c.id, c.title, c.minutes, c.published, \
         (select count(*) from training_lessons l where l.course_id = c.id), \
         (select count(*) from training_course_completions x where x.course_id = c.id) \
         from training_courses c order by c.id desc",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, minutes, published, lessons, completions)| CourseSummary {
            id,
            title,
            hours: rules::hours_text(r, minutes_u32(minutes)),
            lessons,
            published: published == 1,
            completions,
        })
        .collect())
}

/// (published, started): whether learners see the course, and whether anyone has opened one
/// of its lessons. Not found for no such course.
async fn course_state(tx: &mut Tx, course: i64) -> Result<(bool, bool), AppError> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "select c.published, (select count(*) from training_lesson_progress p join training_lessons l on l.id = p.lesson_id \
         where l.course_id = c.id) from training_courses c where c.id = $1",
    )
    .bind(course)
    .fetch_optional(&mut **tx)
    .await?;
    let (published, started) = row.ok_or(AppError::NotFound)?;
    Ok((published == 1, started > 0))
}

/// The lessons of a course change only while it is a draft nobody has opened.
async fn editable(tx: &mut Tx, course: i64) -> Result<(), AppError> {
    match course_state(tx, course).await? {
        (true, _) => Err(AppError::field("op", "course_published")),
        (_, true) => Err(AppError::field("op", "course_started")),
        _ => Ok(()),
    }
}

/// Create a course (no `id`) or change one; audited. A published course keeps its hours.
pub async fn save_course(db: &Db, user_id: i64, id: Option<i64>, v: &ValidCourse) -> Result<i64, AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let id = match id {
        None => {
            sqlx::query_scalar(
                "insert into training_courses (title, summary, minutes, published, created_by, created_at, updated_at) \
                 values ($1, $2, $3, 0, $4, $5, $5) returning id",
            )
            .bind(&v.title)
            .bind(&v.summary)
            .bind(i64::from(v.minutes))
            .bind(user_id)
            .bind(ts)
            .fetch_one(&mut *tx)
            .await?
        }
        Some(id) => {
            let row: Option<(i64, i64)> =
                sqlx::query_as("select minutes, published from training_courses where id = $1").bind(id).fetch_optional(&mut *tx).await?;
            let (minutes, published) = row.ok_or(AppError::NotFound)?;
            if published == 1 && minutes != i64::from(v.minutes) {
                return Err(AppError::field("hours", "course_published"));
            }
            sqlx::query("update training_courses set title = $1, summary = $2, minutes = $3, updated_at = $4 where id = $5")
                .bind(&v.title)
                .bind(&v.summary)
                .bind(i64::from(v.minutes))
                .bind(ts)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        }
    };
    log(db, &mut tx, user_id, "training_course_saved", json!({ "course": id, "minutes": v.minutes }), ts).await?;
    tx.commit().await?;
    Ok(id)
}

type LessonRow = (i64, i64, String, i64, String, Option<String>, Option<String>, Option<i64>);

/// The lessons of a course in order, with their files.
async fn outlines(db: &Db, course: i64) -> Result<Vec<LessonOutline>, AppError> {
    let rows: Vec<LessonRow> = sqlx::query_as(
        "select l.id, l.position, l.title, l.min_seconds, l.questions, f.kind, f.content_type, f.size_bytes \
         from training_lessons l left join training_lesson_files f on f.lesson_id = l.id where l.course_id = $1 order by l.position",
    )
    .bind(course)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(id, position, title, seconds, questions, kind, content_type, size)| {
            Ok(LessonOutline {
                id,
                position,
                title,
                min_minutes: seconds / 60,
                questions: questions_of(&questions)?.len(),
                file: file_of(id, kind, content_type, size),
            })
        })
        .collect()
}

fn file_of(lesson_id: i64, kind: Option<String>, content_type: Option<String>, size: Option<i64>) -> Option<LessonFile> {
    match (kind, content_type, size) {
        (Some(kind), Some(content_type), Some(size)) => Some(LessonFile { lesson_id, kind, content_type, size_kb: (size + 1023) / 1024 }),
        _ => None,
    }
}

/// A course with its lessons, for the administrator.
pub async fn editor(db: &Db, r: &HourRules, id: i64) -> Result<CourseEditor, AppError> {
    let row: Option<(String, String, i64, i64)> =
        sqlx::query_as("select title, summary, minutes, published from training_courses where id = $1").bind(id).fetch_optional(&db.pool).await?;
    let (title, summary, minutes, published) = row.ok_or(AppError::NotFound)?;
    let mut tx = db.begin().await?;
    let (_, started) = course_state(&mut tx, id).await?;
    tx.rollback().await?;
    let completions: i64 = sqlx::query_scalar("select count(*) from training_course_completions where course_id = $1").bind(id).fetch_one(&db.pool).await?;
    let lessons = outlines(db, id).await?;
    let seconds: Vec<i64> = lessons.iter().map(|l| l.min_minutes * 60).collect();
    Ok(CourseEditor {
        id,
        title,
        summary,
        hours: rules::hours_text(r, minutes_u32(minutes)),
        published: published == 1,
        started,
        completions,
        lesson_minutes: seconds.iter().sum::<i64>() / 60,
        problem: publish_problem(minutes_u32(minutes), &seconds).map(str::to_string),
        lessons,
    })
}

/// Add a lesson at the end of a draft course; audited. Its id.
pub async fn add_lesson(db: &Db, user_id: i64, course: i64, v: &ValidLesson) -> Result<i64, AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    editable(&mut tx, course).await?;
    let (count, last): (i64, Option<i64>) = sqlx::query_as("select count(*), max(position) from training_lessons where course_id = $1")
        .bind(course)
        .fetch_one(&mut *tx)
        .await?;
    if count >= LESSONS_MAX {
        return Err(AppError::field("op", "lessons_too_many"));
    }
    let questions = serde_json::to_string(&v.questions).map_err(|e| AppError::internal("lesson questions", e))?;
    let id: i64 = sqlx::query_scalar(
        "insert into training_lessons (course_id, position, title, body, min_seconds, questions, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(course)
    .bind(last.unwrap_or(0) + 1)
    .bind(&v.title)
    .bind(&v.body)
    .bind(i64::from(v.min_seconds))
    .bind(&questions)
    .bind(ts)
    .fetch_one(&mut *tx)
    .await?;
    log(db, &mut tx, user_id, "training_lesson_added", json!({ "course": course, "lesson": id }), ts).await?;
    tx.commit().await?;
    Ok(id)
}

/// The course a lesson belongs to.
async fn course_of(tx: &mut Tx, lesson: i64) -> Result<i64, AppError> {
    let course: Option<i64> = sqlx::query_scalar("select course_id from training_lessons where id = $1").bind(lesson).fetch_optional(&mut **tx).await?;
    course.ok_or(AppError::NotFound)
}

/// Remove a lesson (and its file) from a draft course nobody has opened; audited. Its course.
pub async fn delete_lesson(db: &Db, user_id: i64, lesson: i64) -> Result<i64, AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let course = course_of(&mut tx, lesson).await?;
    editable(&mut tx, course).await?;
    sqlx::query("delete from training_lesson_files where lesson_id = $1").bind(lesson).execute(&mut *tx).await?;
    sqlx::query("delete from training_lessons where id = $1").bind(lesson).execute(&mut *tx).await?;
    log(db, &mut tx, user_id, "training_lesson_deleted", json!({ "course": course, "lesson": lesson }), ts).await?;
    tx.commit().await?;
    Ok(course)
}

/// Publish a course (refused while `publish_problem` has a reason) or withdraw it from the
/// employees' list (their completions stay); audited.
pub async fn set_published(db: &Db, user_id: i64, course: i64, publish: bool) -> Result<(), AppError> {
    let ts = now();
    let mut tx = db.begin().await?;
    let minutes: Option<i64> = sqlx::query_scalar("select minutes from training_courses where id = $1").bind(course).fetch_optional(&mut *tx).await?;
    let minutes = minutes.ok_or(AppError::NotFound)?;
    if publish {
        let seconds: Vec<i64> = sqlx::query_scalar("select min_seconds from training_lessons where course_id = $1").bind(course).fetch_all(&mut *tx).await?;
        if let Some(code) = publish_problem(minutes_u32(minutes), &seconds) {
            return Err(AppError::field("op", code));
        }
    }
    sqlx::query("update training_courses set published = $1, updated_at = $2 where id = $3")
        .bind(i64::from(publish))
        .bind(ts)
        .bind(course)
        .execute(&mut *tx)
        .await?;
    log(db, &mut tx, user_id, if publish { "training_course_published" } else { "training_course_withdrawn" }, json!({ "course": course }), ts).await?;
    tx.commit().await?;
    Ok(())
}

/// Store a checked file as the lesson's file (replacing one before); audited. Its course.
pub async fn store_file(db: &Db, user_id: i64, lesson: i64, file: &CleanFile) -> Result<i64, AppError> {
    use sha2::Digest;
    let ts = now();
    let mut tx = db.begin().await?;
    let course = course_of(&mut tx, lesson).await?;
    editable(&mut tx, course).await?;
    let kind = match file.kind {
        crate::base::media::Kind::Image => "image",
        crate::base::media::Kind::Video => "video",
        crate::base::media::Kind::Document => "document",
        crate::base::media::Kind::Audio => return Err(AppError::field("file", "file_type_not_allowed")),
    };
    let sha = hex::encode(sha2::Sha256::digest(&file.bytes));
    sqlx::query("delete from training_lesson_files where lesson_id = $1").bind(lesson).execute(&mut *tx).await?;
    sqlx::query(
        "insert into training_lesson_files (lesson_id, kind, content_type, size_bytes, sha256, data, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(lesson)
    .bind(kind)
    .bind(file.content_type)
    .bind(file.bytes.len() as i64)
    .bind(&sha)
    .bind(file.bytes.as_slice())
    .bind(ts)
    .execute(&mut *tx)
    .await?;
    log(db, &mut tx, user_id, "training_lesson_file", json!({ "course": course, "lesson": lesson, "sha256": sha, "bytes": file.bytes.len() }), ts).await?;
    tx.commit().await?;
    Ok(course)
}

/// A lesson's file (content type, bytes): of a published course, or of any course for the
/// administrator (`drafts`).
pub async fn file(db: &Db, lesson: i64, drafts: bool) -> Result<(String, Vec<u8>), AppError> {
    let row: Option<(String, Vec<u8>)> = sqlx::query_as(
        "select f.content_type, f.data from training_lesson_files f join training_lessons l on l.id = f.lesson_id \
         join training_courses c on c.id = l.course_id where f.lesson_id = $1 and (c.published = 1 or $2 = 1)",
    )
    .bind(lesson)
    .bind(i64::from(drafts))
    .fetch_optional(&db.pool)
    .await?;
    row.ok_or(AppError::NotFound)
}

/// The learner behind an employee account: (employee, enterprise, name). Not found for an
/// account no enterprise has linked to an active record.
async fn learner(db: &Db, user_id: i64) -> Result<(i64, i64, String), AppError> {
    let row: Option<(i64, i64, String)> = sqlx::query_as("select id, enterprise_id, name from training_employees where user_id = $1 and active = 1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    row.ok_or(AppError::NotFound)
}

/// The published courses with the learner's progress in each.
pub async fn my_courses(db: &Db, r: &HourRules, user_id: i64) -> Result<Vec<CourseCard>, AppError> {
    let (employee, _, _) = learner(db, user_id).await?;
    let rows: Vec<(i64, String, String, i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "select c.id, c.title, c.summary, c.minutes, \
         (select count(*) from training_lessons l where l.course_id = c.id), \
         (select count(*) from training_lesson_progress p join training_lessons l on l.id = p.lesson_id \
          where l.course_id = c.id and p.employee_id = $1 and p.passed_at is not null), \
         (select x.completed_on from training_course_completions x where x.course_id = c.id and x.employee_id = $1) \
         from training_courses c where c.published = 1 order by c.id desc",
    )
    .bind(employee)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, summary, minutes, lessons, passed, done)| CourseCard {
            id,
            title,
            summary,
            hours: rules::hours_text(r, minutes_u32(minutes)),
            lessons,
            passed,
            completed_on: done.map(|d| Day(d).to_string()),
        })
        .collect())
}

/// A published course with the learner's progress.
pub async fn my_course(db: &Db, r: &HourRules, user_id: i64, course: i64) -> Result<CourseView, AppError> {
    let (employee, _, _) = learner(db, user_id).await?;
    let row: Option<(String, String, i64, Option<i64>)> = sqlx::query_as(
        "select c.title, c.summary, c.minutes, (select x.completed_on from training_course_completions x where x.course_id = c.id and x.employee_id = $2) \
         from training_courses c where c.id = $1 and c.published = 1",
    )
    .bind(course)
    .bind(employee)
    .fetch_optional(&db.pool)
    .await?;
    let (title, summary, minutes, done) = row.ok_or(AppError::NotFound)?;
    let rows: Vec<(i64, String, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "select l.id, l.title, l.min_seconds, p.opened_at, p.passed_at from training_lessons l \
         left join training_lesson_progress p on p.lesson_id = l.id and p.employee_id = $2 where l.course_id = $1 order by l.position",
    )
    .bind(course)
    .bind(employee)
    .fetch_all(&db.pool)
    .await?;
    let lessons = rows
        .into_iter()
        .map(|(id, title, seconds, opened, passed)| LessonStep {
            id,
            title,
            min_minutes: seconds / 60,
            step: match (opened, passed) {
                (_, Some(_)) => Step::Passed,
                (Some(_), None) => Step::Open,
                _ => Step::NotStarted,
            },
        })
        .collect();
    Ok(CourseView { id: course, title, summary, hours: rules::hours_text(r, minutes_u32(minutes)), lessons, completed_on: done.map(|d| Day(d).to_string()) })
}

type OpenRow = (i64, String, i64, String, String, i64, String, Option<String>, Option<String>, Option<i64>);

/// Open a lesson of a published course: the first opening starts the learner's time on it.
pub async fn open_lesson(db: &Db, user_id: i64, lesson: i64) -> Result<LessonView, AppError> {
    let ts = now();
    let (employee, _, _) = learner(db, user_id).await?;
    let row: Option<OpenRow> = sqlx::query_as(
        "select c.id, c.title, l.position, l.title, l.body, l.min_seconds, l.questions, f.kind, f.content_type, f.size_bytes \
         from training_lessons l join training_courses c on c.id = l.course_id \
         left join training_lesson_files f on f.lesson_id = l.id where l.id = $1 and c.published = 1",
    )
    .bind(lesson)
    .fetch_optional(&db.pool)
    .await?;
    let (course_id, course_title, position, title, body, min_seconds, questions, kind, content_type, size) = row.ok_or(AppError::NotFound)?;
    sqlx::query("insert into training_lesson_progress (employee_id, lesson_id, opened_at) values ($1, $2, $3) on conflict (employee_id, lesson_id) do nothing")
        .bind(employee)
        .bind(lesson)
        .bind(ts)
        .execute(&db.pool)
        .await?;
    let (opened_at, passed_at): (i64, Option<i64>) =
        sqlx::query_as("select opened_at, passed_at from training_lesson_progress where employee_id = $1 and lesson_id = $2")
            .bind(employee)
            .bind(lesson)
            .fetch_one(&db.pool)
            .await?;
    let count: i64 = sqlx::query_scalar("select count(*) from training_lessons where course_id = $1").bind(course_id).fetch_one(&db.pool).await?;
    Ok(LessonView {
        course_id,
        course_title,
        id: lesson,
        position,
        count,
        title,
        body,
        file: file_of(lesson, kind, content_type, size),
        questions: questions_of(&questions)?.into_iter().map(|q| AskedQuestion { prompt: q.prompt, options: q.options }).collect(),
        min_minutes: min_seconds / 60,
        seconds_left: seconds_left(opened_at, min_seconds, ts),
        passed: passed_at.is_some(),
    })
}

/// What answering a lesson's check did.
pub struct Checked {
    pub course_id: i64,
    /// The course was completed by this answer (its hours credited now).
    pub completed: bool,
}

/// Answer a lesson's check. Refused (nothing stored): a lesson not opened, answered before its
/// minimum time is spent (`lesson_too_soon`), a question left out (`answer_all`), a wrong answer
/// (`check_failed`, and the learner may try again). Passing the course's last lesson completes
/// the course: its minutes credited, the yearly minutes refreshed, a certificate issued; audited.
pub async fn answer_check(db: &Db, r: &HourRules, user_id: i64, lesson: i64, answers: &HashMap<String, String>) -> Result<Checked, AppError> {
    let ts = now();
    let (employee, enterprise, holder) = learner(db, user_id).await?;
    let mut tx = db.begin().await?;
    let row: Option<(i64, String, i64, i64, String)> = sqlx::query_as(
        "select c.id, c.title, c.minutes, l.min_seconds, l.questions from training_lessons l join training_courses c on c.id = l.course_id \
         where l.id = $1 and c.published = 1",
    )
    .bind(lesson)
    .fetch_optional(&mut *tx)
    .await?;
    let (course_id, course_title, minutes, min_seconds, questions) = row.ok_or(AppError::NotFound)?;
    let progress: Option<(i64, Option<i64>)> =
        sqlx::query_as("select opened_at, passed_at from training_lesson_progress where employee_id = $1 and lesson_id = $2")
            .bind(employee)
            .bind(lesson)
            .fetch_optional(&mut *tx)
            .await?;
    let (opened_at, passed_at) = progress.ok_or_else(|| AppError::field("op", "lesson_not_opened"))?;
    if passed_at.is_some() {
        return Ok(Checked { course_id, completed: false });
    }
    if seconds_left(opened_at, min_seconds, ts) > 0 {
        return Err(AppError::field("op", "lesson_too_soon"));
    }
    let questions = questions_of(&questions)?;
    let right = grade(&questions, answers).map_err(|code| AppError::field("op", code))?;
    if right < questions.len() {
        return Err(AppError::field("op", "check_failed"));
    }
    sqlx::query("update training_lesson_progress set passed_at = $1 where employee_id = $2 and lesson_id = $3")
        .bind(ts)
        .bind(employee)
        .bind(lesson)
        .execute(&mut *tx)
        .await?;
    let (lessons, passed): (i64, i64) = sqlx::query_as(
        "select count(*), count(p.passed_at) from training_lessons l \
         left join training_lesson_progress p on p.lesson_id = l.id and p.employee_id = $2 where l.course_id = $1",
    )
    .bind(course_id)
    .bind(employee)
    .fetch_one(&mut *tx)
    .await?;
    let done_before: i64 = sqlx::query_scalar("select count(*) from training_course_completions where employee_id = $1 and course_id = $2")
        .bind(employee)
        .bind(course_id)
        .fetch_one(&mut *tx)
        .await?;
    let completed = passed == lessons && done_before == 0;
    if completed {
        let today = Day::of_timestamp(ts);
        sqlx::query(
            "insert into training_course_completions (employee_id, course_id, enterprise_id, completed_on, minutes, completed_at) \
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(employee)
        .bind(course_id)
        .bind(enterprise)
        .bind(today.0)
        .bind(minutes)
        .bind(ts)
        .execute(&mut *tx)
        .await?;
        crate::credits::ssr::refresh_year_minutes(&mut tx, &[employee], today.0).await?;
        use crate::i18n::*;
        let c = crate::certificates::ssr::NewCertificate {
            kind: crate::certificates::Kind::Course,
            source_id: course_id,
            holder,
            title: course_title,
            issuer: td_string!(Locale::zh_CN, bureau_name).to_string(),
            hours: Some(rules::hours_text(r, minutes_u32(minutes))),
            issued_on: today,
            valid_until: None,
            enterprise_id: Some(enterprise),
            employee_id: Some(employee),
        };
        crate::certificates::ssr::issue(&mut tx, &c, None, None, ts).await?;
        log(db, &mut tx, user_id, "training_course_completed", json!({ "course": course_id, "employee": employee, "minutes": minutes }), ts).await?;
    }
    tx.commit().await?;
    Ok(Checked { course_id, completed })
}

/// The courses an employee completed: (day, title, minutes), newest first.
pub async fn completed(db: &Db, employee: i64) -> Result<Vec<(i64, String, i64)>, AppError> {
    Ok(sqlx::query_as(
        "select x.completed_on, c.title, x.minutes from training_course_completions x join training_courses c on c.id = x.course_id \
         where x.employee_id = $1 order by x.completed_on desc, x.course_id desc",
    )
    .bind(employee)
    .fetch_all(&db.pool)
    .await?)
}
