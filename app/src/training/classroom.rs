//! The network classroom (网络课堂, issue 15): what the training administrator's course forms send,
//! checked; the check quizzes graded; and the shapes the course pages show (pure, both targets).
//!
//! A course is a list of lessons, each with a text, at most one file served by the portal (an
//! image, a PDF or a video) and a short check quiz. An employee's lesson counts as done when its
//! check is answered right at least the lesson's minimum time after they first opened it; the
//! course is completed when every lesson is done, and only then are the course's hours credited.
//! A course can only be published when its lessons' minimum times add up to at least the hours
//! it credits, so the hours are time that had to be spent (docs/decisions.md D28).
use super::parse_hours;
use crate::base::validate::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub const COURSE_TITLE_MAX: usize = 100;
pub const SUMMARY_MAX: usize = 1_000;
pub const LESSON_TITLE_MAX: usize = 100;
pub const BODY_MAX: usize = 20_000;
pub const PROMPT_MAX: usize = 300;
pub const OPTION_MAX: usize = 150;
/// Check questions a lesson form offers (and a lesson may have).
pub const QUESTIONS_MAX: usize = 3;
/// The option letters of one question, in order.
pub const OPTION_LETTERS: [&str; 4] = ["a", "b", "c", "d"];
pub const LESSONS_MAX: i64 = 50;
/// The longest minimum time of one lesson, in minutes.
pub const LESSON_MINUTES_MAX: u32 = 600;
/// The largest lesson file (bytes): a few minutes of phone video.
pub const LESSON_FILE_MAX: usize = 48 * 1024 * 1024;

/// One check question as stored: the answer is the index of the right option.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub prompt: String,
    pub options: Vec<String>,
    pub answer: usize,
}

/// A checked course form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidCourse {
    pub title: String,
    pub summary: String,
    pub minutes: u32,
}

pub fn validate_course(title: &str, summary: &str, hours: &str, minutes_per_hour: u32) -> Result<ValidCourse, FieldErrors> {
    let mut e = FieldErrors::default();
    let title = title.trim();
    e.text("title", title, 2, COURSE_TITLE_MAX);
    let summary = summary.trim();
    e.text("summary", summary, 0, SUMMARY_MAX);
    let minutes = parse_hours(hours, minutes_per_hour).map_err(|code| e.push("hours", code)).ok();
    e.or(())?;
    Ok(ValidCourse { title: title.to_string(), summary: summary.to_string(), minutes: minutes.unwrap_or(0) })
}

/// A checked lesson form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidLesson {
    pub title: String,
    pub body: String,
    pub min_seconds: u32,
    pub questions: Vec<Question>,
}

/// A lesson's text as paragraphs: split at blank lines (whatever the line breaks), each trimmed.
pub fn paragraphs(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in body.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n").trim().to_string());
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    out
}

/// The lesson form: its title, text, minimum minutes and the check questions as the form names
/// them (`q[q1]` the first prompt, `q[q1a]`…`q[q1d]` its options, `q[q1ok]` the right letter; keys
/// start with a letter so that the form decoder reads them as a map, not a list). A
/// question left wholly empty is skipped; at least one is needed.
pub fn validate_lesson(title: &str, body: &str, minutes: &str, q: &HashMap<String, String>) -> Result<ValidLesson, FieldErrors> {
    let mut e = FieldErrors::default();
    let title = title.trim();
    e.text("title", title, 2, LESSON_TITLE_MAX);
    // Browsers send a text area's line breaks as CRLF: kept as LF.
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let body = body.trim();
    e.text("body", body, 0, BODY_MAX);
    let m = minutes.trim();
    let min_minutes = match m.parse::<u32>() {
        _ if m.is_empty() => {
            e.push("minutes", "required");
            0
        }
        Ok(n) if n <= LESSON_MINUTES_MAX && m.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => {
            e.push("minutes", "minutes_invalid");
            0
        }
    };
    let get = |key: String| q.get(&key).map(|s| s.trim()).unwrap_or("");
    let mut questions = Vec::new();
    for i in 1..=QUESTIONS_MAX {
        let field = format!("q{i}");
        let prompt = get(format!("q{i}"));
        let given: Vec<(&str, &str)> = OPTION_LETTERS.iter().map(|l| (*l, get(format!("q{i}{l}")))).filter(|(_, t)| !t.is_empty()).collect();
        if prompt.is_empty() && given.is_empty() {
            continue;
        }
        let before = e.0.len();
        e.text(&field, prompt, 2, PROMPT_MAX);
        if given.len() < 2 {
            e.push(&field, "options_too_few");
        }
        if given.iter().any(|(_, t)| !crate::base::validate::clean_text(t)) {
            e.push(&field, "invalid_characters");
        } else if given.iter().any(|(_, t)| t.chars().count() > OPTION_MAX) {
            e.push(&field, "too_long");
        }
        let ok = get(format!("q{i}ok"));
        let answer = given.iter().position(|(l, _)| *l == ok);
        if answer.is_none() {
            e.push(&field, "answer_required");
        }
        if e.0.len() == before {
            questions.push(Question {
                prompt: prompt.to_string(),
                options: given.iter().map(|(_, t)| t.to_string()).collect(),
                answer: answer.unwrap_or(0),
            });
        }
    }
    if questions.is_empty() && e.0.iter().all(|f| !f.field.starts_with('q')) {
        e.push("q1", "question_required");
    }
    e.or(())?;
    Ok(ValidLesson { title: title.to_string(), body: body.to_string(), min_seconds: min_minutes * 60, questions })
}

/// How many of `questions` the answers (`a[0]`… the chosen option's index, as the form sends
/// them) get right; `answer_all` when one is missing or names no option.
pub fn grade(questions: &[Question], answers: &HashMap<String, String>) -> Result<usize, &'static str> {
    let mut right = 0;
    for (i, q) in questions.iter().enumerate() {
        let chosen = answers.get(&i.to_string()).and_then(|s| s.trim().parse::<usize>().ok()).filter(|c| *c < q.options.len());
        match chosen {
            None => return Err("answer_all"),
            Some(c) if c == q.answer => right += 1,
            Some(_) => {}
        }
    }
    Ok(right)
}

/// Seconds still to spend on a lesson opened at `opened_at` before its check counts (0: ready).
pub fn seconds_left(opened_at: i64, min_seconds: i64, now: i64) -> i64 {
    (opened_at + min_seconds - now).max(0)
}

/// Why a course cannot be published yet: no lesson, or lessons whose minimum times add up to
/// less than the hours it credits.
pub fn publish_problem(course_minutes: u32, lesson_seconds: &[i64]) -> Option<&'static str> {
    if lesson_seconds.is_empty() {
        return Some("course_no_lessons");
    }
    if lesson_seconds.iter().sum::<i64>() < i64::from(course_minutes) * 60 {
        return Some("course_time_short");
    }
    None
}

/// A lesson's file as the pages link it (`/training/files/{lesson}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonFile {
    pub lesson_id: i64,
    /// "image", "video" or "document" (PDF).
    pub kind: String,
    pub content_type: String,
    pub size_kb: i64,
}

/// A course in the administrator's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseSummary {
    pub id: i64,
    pub title: String,
    pub hours: String,
    pub lessons: i64,
    pub published: bool,
    pub completions: i64,
}

/// A lesson in the administrator's course editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonOutline {
    pub id: i64,
    pub position: i64,
    pub title: String,
    pub min_minutes: i64,
    pub questions: usize,
    pub file: Option<LessonFile>,
}

/// The administrator's course editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseEditor {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub hours: String,
    pub published: bool,
    /// Someone has opened one of its lessons: the lessons can no longer change.
    pub started: bool,
    pub completions: i64,
    pub lessons: Vec<LessonOutline>,
    /// The lessons' minimum minutes, together.
    pub lesson_minutes: i64,
    /// Why it cannot be published yet (an error code), if so.
    pub problem: Option<String>,
}

/// Where an employee stands with one lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    NotStarted,
    Open,
    Passed,
}

/// A published course as an employee sees it in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseCard {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub hours: String,
    pub lessons: i64,
    pub passed: i64,
    pub completed_on: Option<String>,
}

/// One lesson in an employee's course page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonStep {
    pub id: i64,
    pub title: String,
    pub min_minutes: i64,
    pub step: Step,
}

/// A course with the employee's progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseView {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub hours: String,
    pub lessons: Vec<LessonStep>,
    pub completed_on: Option<String>,
}

/// A check question as the learner sees it (without its answer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskedQuestion {
    pub prompt: String,
    pub options: Vec<String>,
}

/// A lesson being taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonView {
    pub course_id: i64,
    pub course_title: String,
    pub id: i64,
    pub position: i64,
    pub count: i64,
    pub title: String,
    pub body: String,
    pub file: Option<LessonFile>,
    pub questions: Vec<AskedQuestion>,
    pub min_minutes: i64,
    /// Seconds still to spend before the check counts (when the page was made).
    pub seconds_left: i64,
    pub passed: bool,
}
