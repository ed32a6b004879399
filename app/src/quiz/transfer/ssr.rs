//! Reading and writing question files (server only): CSV in UTF-8 or GBK, XLSX, Moodle XML; the
//! import (check everything, then store all in one transaction, or nothing); the exports and the
//! template; and the routes that carry them.
use super::*;
use crate::base::audit::{self, Entry};
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use crate::quiz::{validate_question, Question, ValidQuestion};
use std::collections::HashMap;

/// A file's rows as text cells, or the code of what is wrong with the whole file.
pub type Rows = Result<Vec<Vec<String>>, String>;

/// CSV as Excel and WPS save it: UTF-8 (with or without a BOM) or, failing that, GBK/GB18030.
pub fn read_csv(bytes: &[u8]) -> Rows {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors {
                return Err("invalid_encoding".into());
            }
            text.into_owned()
        }
    };
    if text.contains('\0') {
        return Err("invalid_encoding".into());
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| "bad_file".to_string())?;
        rows.push(record.iter().map(String::from).collect());
        if rows.len() > ROWS_MAX + 1 {
            return Err("too_many_rows".into());
        }
    }
    Ok(rows)
}

/// The first sheet of an XLSX workbook. A cell holding a formula is refused (its cached value is
/// not what the author typed), reported with its line.
pub fn read_xlsx(bytes: &[u8]) -> Result<(Vec<Vec<String>>, Vec<LineError>), String> {
    use calamine::{Data, Reader};
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).map_err(|_| "bad_file".to_string())?;
    let name = wb.sheet_names().first().cloned().ok_or_else(|| "bad_file".to_string())?;
    let range = wb.worksheet_range(&name).map_err(|_| "bad_file".to_string())?;
    if range.height() > ROWS_MAX + 1 {
        return Err("too_many_rows".into());
    }
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(range.height());
    for r in range.rows() {
        rows.push(
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    Data::Bool(b) => b.to_string(),
                    other => other.to_string(),
                })
                .collect(),
        );
    }
    // Rows before the sheet's first used row or column do not exist in `range`: pad so that line
    // numbers are the sheet's.
    let pad_rows = row0 as usize;
    let mut lines: Vec<Vec<String>> = vec![Vec::new(); pad_rows];
    for r in rows {
        let mut cells = vec![String::new(); col0 as usize];
        cells.extend(r);
        lines.push(cells);
    }
    let mut formula_errors = Vec::new();
    if let Ok(formulas) = wb.worksheet_formula(&name) {
        let (f_row0, _) = formulas.start().unwrap_or((0, 0));
        for (i, r) in formulas.rows().enumerate() {
            if r.iter().any(|f| !f.is_empty()) {
                formula_errors.push(LineError { line: f_row0 as usize + i + 1, field: "line".into(), code: "formula_in_cell".into() });
            }
        }
    }
    // Leading empty lines (before the header) are not part of the file's content.
    while lines.first().is_some_and(|r| r.iter().all(|c| c.trim().is_empty())) && !lines.is_empty() {
        lines.remove(0);
        for e in &mut formula_errors {
            e.line = e.line.saturating_sub(1);
        }
    }
    Ok((lines, formula_errors))
}

/// Text of Moodle's HTML: tags dropped, the common entities decoded, spaces collapsed.
fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Default)]
struct MoodleQuestion {
    qtype: String,
    text: String,
    feedback: String,
    single: bool,
    answers: Vec<(f64, String)>,
    category: String,
}

/// Moodle XML (`<quiz><question type="multichoice">…`): multiple choice (one right answer →
/// single choice), true/false and short answer (→ fill-in). A category whose last part names a
/// sector tags the questions after it. Other types are reported by their number.
pub fn read_moodle(bytes: &[u8], sectors: &[Choice], default_tag: &str) -> Result<Vec<Result<ReadQuestion, Vec<LineError>>>, String> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).map_err(|_| "invalid_encoding".to_string())?;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut questions: Vec<MoodleQuestion> = Vec::new();
    let mut current: Option<MoodleQuestion> = None;
    let mut path: Vec<String> = Vec::new();
    let mut fraction = 0.0f64;
    let mut category = String::new();
    let mut saw_quiz = false;
    loop {
        match reader.read_event() {
            Err(_) => return Err("bad_file".into()),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if name == "quiz" {
                    saw_quiz = true;
                }
                if name == "question" {
                    let qtype = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == b"type")
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                        .unwrap_or_default();
                    current = Some(MoodleQuestion { qtype, category: category.clone(), ..Default::default() });
                }
                if name == "answer" {
                    fraction = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == b"fraction")
                        .and_then(|a| String::from_utf8_lossy(&a.value).parse::<f64>().ok())
                        .unwrap_or(0.0);
                    if let Some(q) = current.as_mut() {
                        q.answers.push((fraction, String::new()));
                    }
                }
                path.push(name);
            }
            Ok(Event::End(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                path.pop();
                if name == "question" {
                    if let Some(q) = current.take() {
                        if q.qtype == "category" {
                            category = q.category;
                        } else {
                            questions.push(q);
                        }
                    }
                    if questions.len() > ROWS_MAX {
                        return Err("too_many_rows".into());
                    }
                }
            }
            Ok(Event::Text(t)) => {
                let value = t.xml_content().map(|c| c.into_owned()).map_err(|_| "invalid_encoding".to_string())?;
                absorb(&mut current, &path, &value);
            }
            Ok(Event::GeneralRef(r)) => {
                // `&amp;`, `&#39;` …: resolved as XML does; an unknown entity is a broken file.
                let name = r.decode().map_err(|_| "invalid_encoding".to_string())?;
                let value = quick_xml::escape::unescape(&format!("&{name};")).map_err(|_| "bad_file".to_string())?.into_owned();
                absorb(&mut current, &path, &value);
            }
            Ok(Event::CData(t)) => {
                let value = String::from_utf8_lossy(&t).into_owned();
                absorb(&mut current, &path, &value);
            }
            Ok(_) => {}
        }
    }
    let _ = fraction;
    if !saw_quiz {
        return Err("bad_file".into());
    }
    Ok(questions.into_iter().enumerate().map(|(i, q)| moodle_question(i + 1, q, sectors, default_tag)).collect())
}

fn absorb(current: &mut Option<MoodleQuestion>, path: &[String], value: &str) {
    let Some(q) = current.as_mut() else { return };
    let tail: Vec<&str> = path.iter().rev().take(2).map(String::as_str).collect();
    match tail.as_slice() {
        ["text", "questiontext"] => q.text.push_str(value),
        ["text", "generalfeedback"] => q.feedback.push_str(value),
        ["text", "answer"] => {
            if let Some(a) = q.answers.last_mut() {
                a.1.push_str(value);
            }
        }
        ["text", "category"] => q.category = value.to_string(),
        ["single", _] => q.single = value.trim() == "true" || value.trim() == "1",
        _ => {}
    }
}

fn moodle_question(number: usize, q: MoodleQuestion, sectors: &[Choice], default_tag: &str) -> Result<ReadQuestion, Vec<LineError>> {
    let err = |field: &str, code: &str| vec![LineError { line: number, field: field.into(), code: code.into() }];
    let stem = plain(&q.text);
    for s in std::iter::once(&stem).chain(q.answers.iter().map(|a| &a.1)) {
        if let Some(code) = dangerous_cell(s) {
            return Err(err("stem", code));
        }
    }
    let right: Vec<usize> = q.answers.iter().enumerate().filter(|(_, a)| a.0 > 0.0).map(|(i, _)| i).collect();
    let (kind, options, answer) = match q.qtype.as_str() {
        "multichoice" => {
            let options: Vec<String> = q.answers.iter().map(|a| plain(&a.1)).collect();
            let letters: String = right.iter().map(|i| crate::quiz::letter(*i)).collect();
            let kind = if q.single || right.len() == 1 { Kind::Single } else { Kind::Multiple };
            (kind, options.join("\n"), letters)
        }
        "truefalse" => {
            let answer = q.answers.iter().find(|a| a.0 >= 100.0).map(|a| plain(&a.1).to_lowercase()).unwrap_or_default();
            (Kind::TrueFalse, String::new(), answer)
        }
        "shortanswer" => {
            let accepted: Vec<String> = q.answers.iter().filter(|a| a.0 >= 100.0).map(|a| plain(&a.1)).collect();
            (Kind::Fill, String::new(), accepted.join("|"))
        }
        _ => return Err(err("kind", "type_not_supported")),
    };
    let last = q.category.rsplit('/').next().unwrap_or("").trim().to_string();
    let mut tags = parse_tags(&last, sectors);
    tags.retain(|t| sectors.iter().any(|s| s.code == *t));
    if tags.is_empty() && !default_tag.trim().is_empty() {
        tags.push(default_tag.trim().to_string());
    }
    Ok(ReadQuestion {
        line: number,
        id: None,
        draft: QuestionDraft {
            kind: kind.as_str().into(),
            stem,
            options,
            answer,
            explanation: plain(&q.feedback),
            tags,
            difficulty: "2".into(),
            source: "Moodle".into(),
            active: true,
        },
    })
}

/// The rows of a CSV or XLSX file as questions or line errors.
pub fn rows_to_questions(rows: Vec<Vec<String>>, sectors: &[Choice], default_tag: &str) -> Result<Vec<Result<ReadQuestion, Vec<LineError>>>, String> {
    let mut it = rows.into_iter();
    let header = it.next().ok_or_else(|| "wrong_columns".to_string())?;
    let cols = columns(&header)?;
    let mut out = Vec::new();
    for (i, cells) in it.enumerate() {
        match read_row(i + 2, &cols, &cells, sectors, default_tag) {
            Ok(None) => {}
            Ok(Some(q)) => out.push(Ok(q)),
            Err(e) => out.push(Err(e)),
        }
    }
    Ok(out)
}

/// Check every question read (each form, repeated ids and stems in the file, ids the bank does
/// not have), then store: all of them when the file is clean, only the good ones when
/// `good_only`, else nothing. One transaction, one audit entry.
pub async fn import(db: &Db, user_id: i64, read: Vec<Result<ReadQuestion, Vec<LineError>>>, good_only: bool) -> Result<ImportReport, AppError> {
    let known = crate::quiz::ssr::known_tags(db).await?;
    let existing: Vec<i64> = sqlx::query_scalar("select id from quiz_questions").fetch_all(&db.pool).await?;
    let mut report = ImportReport { total: read.len(), ..Default::default() };
    let mut errors: Vec<LineError> = Vec::new();
    let mut good: Vec<(Option<i64>, ValidQuestion)> = Vec::new();
    let mut seen_ids: HashMap<i64, usize> = HashMap::new();
    let mut seen_stems: HashMap<String, usize> = HashMap::new();
    for r in read {
        let q = match r {
            Ok(q) => q,
            Err(e) => {
                errors.extend(e);
                continue;
            }
        };
        let mut line_errors: Vec<LineError> = match validate_question(&q.draft, &known) {
            Ok(_) => Vec::new(),
            Err(fe) => fe.0.into_iter().map(|f| LineError { line: q.line, field: f.field, code: f.code }).collect(),
        };
        if let Some(id) = q.id {
            if seen_ids.insert(id, q.line).is_some() {
                line_errors.push(LineError { line: q.line, field: "id".into(), code: "duplicate_id".into() });
            } else if !existing.contains(&id) {
                line_errors.push(LineError { line: q.line, field: "id".into(), code: "id_unknown".into() });
            }
        }
        let stem_key: String = q.draft.stem.split_whitespace().collect();
        if !stem_key.is_empty() && seen_stems.insert(stem_key, q.line).is_some() {
            line_errors.push(LineError { line: q.line, field: "stem".into(), code: "duplicate_stem".into() });
        }
        if line_errors.is_empty() {
            if let Ok(v) = validate_question(&q.draft, &known) {
                good.push((q.id, v));
            }
        } else {
            errors.extend(line_errors);
        }
    }
    report.good = good.len();
    report.errors_total = errors.len();
    errors.truncate(ERRORS_SHOWN);
    report.errors = errors;
    if report.errors_total > 0 && !good_only || good.is_empty() {
        return Ok(report);
    }
    let ts = now();
    let mut tx = db.begin().await?;
    for (id, q) in &good {
        crate::quiz::ssr::store_question(&mut tx, user_id, *id, q, ts).await?;
    }
    let details = serde_json::json!({ "imported": good.len(), "skipped_lines": report.errors_total });
    let entry = Entry { user_id: Some(user_id), action: "questions_imported", report_id: None, reason: None, details: details.to_string() };
    audit::append(db, &mut tx, entry, ts).await?;
    tx.commit().await?;
    report.imported = good.len();
    Ok(report)
}

/// Every question of the bank at its current version, for an export.
pub async fn all_questions(db: &Db) -> Result<Vec<Question>, AppError> {
    crate::quiz::ssr::all(db).await
}

/// The bank as CSV (UTF-8 with a BOM, so Excel reads the Chinese right), in the template's columns.
pub fn csv_bytes(questions: &[Question]) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(template_header()).map_err(|e| AppError::internal("csv", e))?;
    for q in questions {
        w.write_record(export_row(q).into_iter().map(|c| guard_cell(&c))).map_err(|e| AppError::internal("csv", e))?;
    }
    w.into_inner().map_err(|e| AppError::internal("csv", e))
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe (stored questions never
/// start so, but an export must be safe whatever the bank holds).
fn guard_cell(c: &str) -> String {
    if c.starts_with(['=', '+', '@']) {
        format!("'{c}")
    } else {
        c.to_string()
    }
}

/// The bank as XLSX, every cell written as text.
pub fn xlsx_bytes(questions: &[Question]) -> Result<Vec<u8>, AppError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    let x = |e: rust_xlsxwriter::XlsxError| AppError::internal("xlsx", e);
    for (c, h) in template_header().iter().enumerate() {
        sheet.write_string(0, c as u16, h).map_err(x)?;
    }
    for (r, q) in questions.iter().enumerate() {
        for (c, v) in export_row(q).iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, v).map_err(x)?;
        }
    }
    wb.save_to_buffer().map_err(x)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The bank as Moodle XML (one category per first sector), readable by Moodle and by this import.
pub fn moodle_bytes(questions: &[Question]) -> Vec<u8> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    let mut category = String::new();
    for q in questions {
        let tag = q.tags.first().cloned().unwrap_or_default();
        if tag != category {
            category = tag.clone();
            out.push_str(&format!(
                "  <question type=\"category\"><category><text>$course$/top/{}</text></category></question>\n",
                xml_escape(&tag)
            ));
        }
        let text = |t: &str| format!("<text>{}</text>", xml_escape(t));
        let (qtype, body) = match q.kind {
            Kind::Single | Kind::Multiple => {
                let right = q.answer.chars().count().max(1) as f64;
                let answers: String = q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let ok = q.answer.contains(crate::quiz::letter(i));
                        let fraction = if !ok { 0.0 } else if q.kind == Kind::Single { 100.0 } else { 100.0 / right };
                        format!("    <answer fraction=\"{}\" format=\"html\">{}</answer>\n", trim_fraction(fraction), text(o))
                    })
                    .collect();
                let single = if q.kind == Kind::Single { "true" } else { "false" };
                ("multichoice", format!("    <single>{single}</single>\n    <shuffleanswers>true</shuffleanswers>\n{answers}"))
            }
            Kind::TrueFalse => {
                let (t, f) = if q.answer == "true" { (100, 0) } else { (0, 100) };
                ("truefalse", format!("    <answer fraction=\"{t}\">{}</answer>\n    <answer fraction=\"{f}\">{}</answer>\n", text("true"), text("false")))
            }
            Kind::Fill => (
                "shortanswer",
                q.answer.split('|').map(|a| format!("    <answer fraction=\"100\">{}</answer>\n", text(a))).collect(),
            ),
        };
        out.push_str(&format!(
            "  <question type=\"{qtype}\">\n    <name>{}</name>\n    <questiontext format=\"html\">{}</questiontext>\n    <generalfeedback format=\"html\">{}</generalfeedback>\n{body}  </question>\n",
            text(&format!("#{}", q.id)),
            text(&q.stem),
            text(&q.explanation)
        ));
    }
    out.push_str("</quiz>\n");
    out.into_bytes()
}

fn trim_fraction(f: f64) -> String {
    let s = format!("{f:.5}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The template as CSV: the header and two example rows.
pub fn template_csv() -> Result<Vec<u8>, AppError> {
    csv_bytes(&template_examples())
}

pub fn template_xlsx() -> Result<Vec<u8>, AppError> {
    xlsx_bytes(&template_examples())
}

fn template_examples() -> Vec<Question> {
    let q = |kind, stem: &str, options: &[&str], answer: &str, tag: &str| Question {
        id: 0,
        version: 1,
        kind,
        stem: stem.into(),
        options: options.iter().map(|o| o.to_string()).collect(),
        answer: answer.into(),
        explanation: "（解析，可空）".into(),
        tags: vec![tag.into()],
        difficulty: 2,
        source: "（来源，可空）".into(),
        active: true,
        updated_at: 0,
        updated_by: String::new(),
    };
    vec![
        q(Kind::Single, "火警电话是多少？", &["110", "119", "120"], "B", "GM"),
        q(Kind::TrueFalse, "从业人员发现直接危及人身安全的紧急情况时，有权停止作业。", &[], "true", "GM"),
    ]
}

// ---- routes -------------------------------------------------------------------------------------

use crate::state::{AppState, HttpRoutes};
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_sessions::Session;

/// Where the last import's report waits for the import page.
pub const SESSION_IMPORT_REPORT: &str = "quiz.import_report";

/// The bank's files outside Leptos: the import form's upload, the exports and the template.
pub fn routes() -> HttpRoutes {
    HttpRoutes {
        router: axum::Router::new()
            .route("/staff/questions/upload", post(upload).layer(DefaultBodyLimit::disable()))
            .route("/staff/questions/export.csv", get(|s, se| download(s, se, "csv")))
            .route("/staff/questions/export.xlsx", get(|s, se| download(s, se, "xlsx")))
            .route("/staff/questions/export.xml", get(|s, se| download(s, se, "xml")))
            .route("/staff/questions/template.csv", get(|s, se| download(s, se, "template.csv")))
            .route("/staff/questions/template.xlsx", get(|s, se| download(s, se, "template.xlsx")))
            .route(
                "/staff/contest-ranking.csv",
                get(|State(s): State<AppState>, se: Session, Query(q): Query<RankingQuery>| ranking_file(s, se, q, false)),
            )
            .route(
                "/staff/contest-ranking.xlsx",
                get(|State(s): State<AppState>, se: Session, Query(q): Query<RankingQuery>| ranking_file(s, se, q, true)),
            ),
        upload_paths: &["/staff/questions/upload"],
        not_pages: &["/staff/questions/upload", "/staff/questions/export", "/staff/questions/template", "/staff/contest-ranking"],
    }
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json") && !v.contains("text/html"))
}

async fn download(State(state): State<AppState>, session: Session, what: &'static str) -> Response {
    use crate::accounts::{ssr::require_in, Permission};
    if let Err(e) = require_in(&state, &session, Permission::ManageQuestions).await {
        return crate::base::errors::error_response(&e);
    }
    let made = match what {
        "template.csv" => template_csv().map(|b| (b, "text/csv; charset=utf-8", "question-template.csv")),
        "template.xlsx" => template_xlsx().map(|b| (b, XLSX, "question-template.xlsx")),
        _ => match all_questions(&state.db).await {
            Err(e) => Err(e),
            Ok(qs) => match what {
                "csv" => csv_bytes(&qs).map(|b| (b, "text/csv; charset=utf-8", "questions.csv")),
                "xlsx" => xlsx_bytes(&qs).map(|b| (b, XLSX, "questions.xlsx")),
                _ => Ok((moodle_bytes(&qs), "application/xml; charset=utf-8", "questions-moodle.xml")),
            },
        },
    };
    match made {
        Ok((bytes, content_type, name)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (header::CONTENT_DISPOSITION, HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).unwrap_or(HeaderValue::from_static("attachment"))),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => crate::base::errors::error_response(&e),
    }
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The file's format from its first bytes: XLSX (a zip), Moodle XML, or CSV.
fn sniff(bytes: &[u8]) -> &'static str {
    let head: Vec<u8> = bytes.iter().skip_while(|b| b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF).take(5).copied().collect();
    if bytes.starts_with(b"PK\x03\x04") {
        "xlsx"
    } else if head.starts_with(b"<?xml") || head.starts_with(b"<quiz") {
        "xml"
    } else {
        "csv"
    }
}

/// Read a whole file in any of the formats into questions (CPU work, run off the async threads).
pub fn read_file(bytes: &[u8], sectors: &[Choice], default_tag: &str) -> Result<Vec<Result<ReadQuestion, Vec<LineError>>>, String> {
    match sniff(bytes) {
        "xlsx" => {
            let (rows, formula_errors) = read_xlsx(bytes)?;
            let mut read = rows_to_questions(rows, sectors, default_tag)?;
            // A formula's line is refused whatever its cached value says.
            for e in formula_errors {
                if let Some(slot) = read.iter_mut().find(|r| match r {
                    Ok(q) => q.line == e.line,
                    Err(errs) => errs.first().is_some_and(|x| x.line == e.line),
                }) {
                    match slot {
                        Ok(_) => *slot = Err(vec![e]),
                        Err(errs) => errs.push(e),
                    }
                }
            }
            Ok(read)
        }
        "xml" => read_moodle(bytes, sectors, default_tag),
        _ => rows_to_questions(read_csv(bytes)?, sectors, default_tag),
    }
}

/// POST /staff/questions/upload (multipart: `file`, `default_tag`, `good_only`). The report goes
/// to the session for the import page; a request that accepts JSON also gets it as JSON.
async fn upload(State(state): State<AppState>, session: Session, headers: HeaderMap, mut form: Multipart) -> Response {
    use crate::accounts::{ssr::require_in, Permission};
    let json = wants_json(&headers);
    let user = match require_in(&state, &session, Permission::ManageQuestions).await {
        Ok(u) => u,
        Err(e) => return crate::base::errors::error_response(&e),
    };
    let mut bytes: Vec<u8> = Vec::new();
    let mut default_tag = String::new();
    let mut good_only = false;
    let mut too_large = false;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return crate::base::errors::error_response(&AppError::Request("bad_form".into())),
        };
        match field.name().unwrap_or("") {
            "file" => {
                let mut field = field;
                loop {
                    match field.chunk().await {
                        Ok(Some(c)) => {
                            if bytes.len() + c.len() > FILE_MAX {
                                too_large = true;
                            } else if !too_large {
                                bytes.extend_from_slice(&c);
                            }
                        }
                        Ok(None) => break,
                        Err(_) => return crate::base::errors::error_response(&AppError::Request("bad_form".into())),
                    }
                }
            }
            "default_tag" => default_tag = field.text().await.unwrap_or_default().chars().take(20).collect(),
            "good_only" => good_only = !field.text().await.unwrap_or_default().is_empty(),
            _ => {}
        }
    }
    let report = if too_large {
        Ok(ImportReport { file_error: Some("file_too_large".into()), ..Default::default() })
    } else if bytes.is_empty() {
        Ok(ImportReport { file_error: Some("file_required".into()), ..Default::default() })
    } else {
        match crate::org::ssr::all_choices(&state.db, "sectors").await {
            Err(e) => Err(e),
            Ok(sectors) => {
                let read = tokio::task::spawn_blocking(move || read_file(&bytes, &sectors, &default_tag)).await;
                match read {
                    Err(e) => Err(AppError::internal("import", e)),
                    Ok(Err(code)) => Ok(ImportReport { file_error: Some(code), ..Default::default() }),
                    Ok(Ok(questions)) => import(&state.db, user.id, questions, good_only).await,
                }
            }
        }
    };
    let report = match report {
        Ok(r) => r,
        Err(e) => return crate::base::errors::error_response(&e),
    };
    if let Err(e) = session.insert(SESSION_IMPORT_REPORT, &report).await {
        return crate::base::errors::error_response(&AppError::internal("session", e));
    }
    if json {
        axum::Json(report).into_response()
    } else {
        (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/staff/questions/import"))]).into_response()
    }
}

/// The last import's report (shown once) for the import page.
pub async fn take_report(session: &Session) -> Result<Option<ImportReport>, AppError> {
    if session.get::<ImportReport>(SESSION_IMPORT_REPORT).await.map_err(|e| AppError::internal("session", e))?.is_none() {
        return Ok(None);
    }
    session.remove::<ImportReport>(SESSION_IMPORT_REPORT).await.map_err(|e| AppError::internal("session", e))
}

// ---- the ranking as a file ------------------------------------------------------------------

#[derive(serde::Deserialize)]
struct RankingQuery {
    id: i64,
    #[serde(default)]
    by: String,
    #[serde(default)]
    sort: String,
}

/// GET /staff/contest-ranking.{csv,xlsx}?id=…&by=…&sort=…: a contest's ranking as the bureau
/// reports it upward (training administrator only; names as the contest shows them).
async fn ranking_file(state: AppState, session: Session, q: RankingQuery, xlsx: bool) -> Response {
    use crate::accounts::{ssr::require_in, Permission};
    if let Err(e) = require_in(&state, &session, Permission::ManageContests).await {
        return crate::base::errors::error_response(&e);
    }
    let r = match crate::quiz::contest::ranking::ranking(&state.db, q.id, &q.by, &q.sort).await {
        Ok(r) => r,
        Err(e) => return crate::base::errors::error_response(&e),
    };
    let person = r.by == "person";
    let header: Vec<&str> = if person {
        vec!["名次", "昵称", "得分", "用时（秒）", "有效答题"]
    } else {
        vec!["名次", "单位", "参赛人数", "总分", "平均分", "参与率", "有效答题人数"]
    };
    let rows: Vec<Vec<String>> = r
        .rows
        .iter()
        .map(|row| {
            if person {
                vec![row.rank.to_string(), guard_cell(&row.name), row.total.to_string(), format!("{:.1}", row.time_ms as f64 / 1000.0), row.valid.to_string()]
            } else {
                vec![
                    row.rank.to_string(),
                    guard_cell(&row.name),
                    row.participants.to_string(),
                    row.total.to_string(),
                    format!("{:.2}", row.average),
                    row.participation.map(|p| format!("{:.1}%", p * 100.0)).unwrap_or_default(),
                    row.valid.to_string(),
                ]
            }
        })
        .collect();
    let made = if xlsx {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let sheet = wb.add_worksheet();
        let mut ok = true;
        for (c, h) in header.iter().enumerate() {
            ok &= sheet.write_string(0, c as u16, *h).is_ok();
        }
        for (i, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ok &= sheet.write_string(i as u32 + 1, c as u16, v).is_ok();
            }
        }
        if ok { wb.save_to_buffer().map_err(|e| AppError::internal("xlsx", e)) } else { Err(AppError::internal("xlsx", "write")) }
    } else {
        let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        let mut ok = w.write_record(&header).is_ok();
        for row in &rows {
            ok &= w.write_record(row).is_ok();
        }
        match (ok, w.into_inner()) {
            (true, Ok(b)) => Ok(b),
            _ => Err(AppError::internal("csv", "write")),
        }
    };
    match made {
        Ok(bytes) => {
            let (ct, ext) = if xlsx { (XLSX, "xlsx") } else { ("text/csv; charset=utf-8", "csv") };
            let name = format!("attachment; filename=\"contest-{}-{}.{ext}\"", q.id, r.by);
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static(ct)),
                    (header::CONTENT_DISPOSITION, HeaderValue::from_str(&name).unwrap_or(HeaderValue::from_static("attachment"))),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => crate::base::errors::error_response(&e),
    }
}
