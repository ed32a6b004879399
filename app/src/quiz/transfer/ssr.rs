//! Reading and writing question files (server only): CSV in UTF-8 or GBK, XLSX, Moodle XML; the
//! import (check everything, then store all in one transaction, or nothing); the exports and the
//! template; and the routes that carry them.
use super::*;
use crate::base::audit::{self, Entry};
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use crate::quiz::{validate_question, Question, ValidQuestion};
use std::collections::HashMap;

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

use super::ranking_file::{ranking_file, RankingQuery};
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
                _ => Ok((super::moodle::moodle_bytes(&qs), "application/xml; charset=utf-8", "questions-moodle.xml")),
            },
        },
    };
    match made {
        Ok((bytes, content_type, name)) => crate::base::download::download(bytes, content_type, name),
        Err(e) => crate::base::errors::error_response(&e),
    }
}


/// The file's format from its first bytes: XLSX (a zip), Moodle XML, or CSV.
fn sniff(bytes: &[u8]) -> &'static str {
    let head: Vec<u8> = bytes.iter().skip_while(|b| b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF).take(5).copied().collect();
    if crate::base::table::is_xlsx(bytes) {
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
            let (rows, formula_errors) = crate::base::table::read_xlsx(bytes, ROWS_MAX)?;
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
        "xml" => super::moodle::read_moodle(bytes, sectors, default_tag),
        _ => rows_to_questions(crate::base::table::read_csv(bytes, ROWS_MAX)?, sectors, default_tag),
    }
}

/// POST /staff/questions/upload (multipart: `file`, `default_tag`, `good_only`). The report goes
/// to the session for the import page; a request that accepts JSON also gets it as JSON.
async fn upload(State(state): State<AppState>, session: Session, headers: HeaderMap, form: Multipart) -> Response {
    use crate::accounts::{ssr::require_in, Permission};
    let json = crate::base::table::wants_json(&headers);
    let user = match require_in(&state, &session, Permission::ManageQuestions).await {
        Ok(u) => u,
        Err(e) => return crate::base::errors::error_response(&e),
    };
    let up = match crate::base::table::read_upload(form, FILE_MAX).await {
        Ok(up) => up,
        Err(e) => return crate::base::errors::error_response(&e),
    };
    let (bytes, too_large) = (up.bytes, up.too_large);
    let default_tag: String = up.fields.get("default_tag").map(|t| t.chars().take(20).collect()).unwrap_or_default();
    let good_only = up.fields.get("good_only").is_some_and(|v| !v.is_empty());
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
