//! A session's attendance from a sign-in sheet (签到表, server only): the same file handling as
//! the employee list's import (`ssr::upload`: CSV in UTF-8 or GBK, or XLSX, through
//! `base::table`; the report kept in the session for the page, shown once; JSON for a script),
//! and the attendance written by `session_store::add_attendance`, so the sheet's people are added
//! to those already ticked under the tick form's rules (the session's day reached, this
//! enterprise's employees only, the yearly minutes recomputed, audited).
//!
//! All or nothing: each line names one current employee of the manager's enterprise (by name;
//! the contact tells apart two with the same name), and unless every line does, nothing is saved
//! and every line's problem is listed. Reading and matching are plain functions, tested below.
use super::{IMPORT_COLUMNS, IMPORT_ERRORS_SHOWN, IMPORT_FILE_MAX, IMPORT_ROWS_MAX};
use crate::base::calendar::Day;
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use crate::base::table::{dangerous_cell, ImportReport, LineError};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Where the session page's sign-in form posts (multipart: `session`, `file`).
pub const UPLOAD_PATH: &str = "/training/enterprise/sign-in-import";
/// The sign-in sheet's template.
pub const TEMPLATE_PATH: &str = "/training/enterprise/sign-in-template.csv";

/// The columns a sign-in sheet is read by: the employee file's name and contact columns, known by
/// the same header names. Other columns (序号, 签名, 部门 …) are ignored.
const COLUMNS: [&str; 2] = ["name", "contact"];

/// One person signed in, with their line in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub line: usize,
    pub name: String,
    pub contact: String,
}

/// A line's result: the person, or what is wrong with the line.
pub type ReadLine = Result<SignedIn, Vec<LineError>>;

/// The rows of a sign-in sheet (the header first) as people or line errors; `Err` with the code of
/// what is wrong with the whole file: no header naming the name column, a known column twice
/// (`sign_in_columns`), no line below the header (`sign_in_empty`). Blank lines are skipped.
pub fn read_sign_in(rows: Vec<Vec<String>>) -> Result<Vec<ReadLine>, String> {
    let mut it = rows.into_iter();
    let header = it.next().ok_or_else(|| "sign_in_empty".to_string())?;
    let mut cols: Vec<Option<&'static str>> = Vec::new();
    for h in &header {
        let h = h.trim().to_lowercase();
        let field = IMPORT_COLUMNS
            .iter()
            .filter(|(f, _)| COLUMNS.contains(f))
            .find(|(_, names)| names.iter().any(|n| n.to_lowercase() == h))
            .map(|(f, _)| *f);
        if field.is_some() && cols.contains(&field) {
            return Err("sign_in_columns".into());
        }
        cols.push(field);
    }
    if !cols.contains(&Some("name")) {
        return Err("sign_in_columns".into());
    }
    let mut out = Vec::new();
    for (i, cells) in it.enumerate() {
        let line = i + 2;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let err = |field: &str, code: &str| LineError { line, field: field.into(), code: code.into() };
        let cell = |f: &str| cols.iter().position(|c| *c == Some(f)).and_then(|i| cells.get(i)).map(|c| c.trim()).unwrap_or("");
        let mut errors = Vec::new();
        if cells.len() > cols.len() && cells[cols.len()..].iter().any(|c| !c.trim().is_empty()) {
            errors.push(err("line", "extra_cells"));
        }
        for f in COLUMNS {
            if let Some(code) = dangerous_cell(cell(f)) {
                errors.push(err(f, code));
            }
        }
        if cell("name").is_empty() {
            errors.push(err("name", "required"));
        }
        out.push(if errors.is_empty() { Ok(SignedIn { line, name: cell("name").to_string(), contact: cell("contact").to_string() }) } else { Err(errors) });
    }
    if out.is_empty() {
        return Err("sign_in_empty".into());
    }
    Ok(out)
}

/// A current employee a line may name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub contact: String,
}

/// A contact as people write it: without spaces and dashes (0551-1234567, 138 0000 0000).
fn contact_key(c: &str) -> String {
    c.chars().filter(|c| !c.is_whitespace() && *c != '-').collect()
}

/// Each line's employee among `people` (the enterprise's current employees): the one of that name,
/// or of the two or more of that name the one whose contact the line gives
/// (`employee_ambiguous` otherwise); a name nobody current has is `employee_not_found`; someone
/// already named on an earlier line `employee_repeated`. A line's contact is not checked when
/// its name is unique: it only tells people apart.
pub fn match_people(read: Vec<ReadLine>, people: &[Person]) -> Vec<Result<i64, Vec<LineError>>> {
    let mut seen = HashSet::new();
    read.into_iter()
        .map(|r| {
            let s = r?;
            let err = |field: &str, code: &str| vec![LineError { line: s.line, field: field.into(), code: code.into() }];
            let named: Vec<&Person> = people.iter().filter(|p| p.name == s.name).collect();
            let id = match named.as_slice() {
                [] => return Err(err("name", "employee_not_found")),
                [one] => one.id,
                many => {
                    let key = contact_key(&s.contact);
                    let picked: Vec<&&Person> = many.iter().filter(|p| !key.is_empty() && contact_key(&p.contact) == key).collect();
                    match picked.as_slice() {
                        [one] => one.id,
                        _ => return Err(err("contact", "employee_ambiguous")),
                    }
                }
            };
            if !seen.insert(id) {
                return Err(err("name", "employee_repeated"));
            }
            Ok(id)
        })
        .collect()
}

/// A file's lines as people or line errors (a formula's line refused whatever its cached value
/// says), or the code of what is wrong with the whole file.
fn read_file(bytes: &[u8]) -> Result<Vec<ReadLine>, String> {
    use crate::base::table;
    let (rows, formulas) = if table::is_xlsx(bytes) { table::read_xlsx(bytes, IMPORT_ROWS_MAX)? } else { (table::read_csv(bytes, IMPORT_ROWS_MAX)?, Vec::new()) };
    let mut read = read_sign_in(rows)?;
    for e in formulas {
        let line_of = |r: &ReadLine| match r {
            Ok(x) => x.line,
            Err(errs) => errs.first().map(|x| x.line).unwrap_or(0),
        };
        if let Some(slot) = read.iter_mut().find(|r| line_of(r) == e.line) {
            match slot {
                Ok(_) => *slot = Err(vec![e]),
                Err(errs) => errs.push(e),
            }
        }
    }
    Ok(read)
}

/// The enterprise's current employees.
async fn people(db: &Db, enterprise_id: i64) -> Result<Vec<Person>, AppError> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as("select id, name, contact from training_employees where enterprise_id = $1 and active = 1")
        .bind(enterprise_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().map(|(id, name, contact)| Person { id, name: name.trim().to_string(), contact }).collect())
}

/// Match a sheet's lines and, when every line names someone, add them to the session's
/// attendance. A refusal of the attendance itself (the session's day still ahead) is the
/// report's file error, with the tick form's code.
async fn import(db: &Db, user_id: i64, enterprise_id: i64, session_id: i64, read: Vec<ReadLine>, today: Day) -> Result<ImportReport, AppError> {
    let matched = match_people(read, &people(db, enterprise_id).await?);
    let mut report = ImportReport { total: matched.len(), ..Default::default() };
    let mut ids = Vec::new();
    for m in matched {
        match m {
            Ok(id) => ids.push(id),
            Err(errs) => {
                report.errors_total += errs.len();
                report.errors.extend(errs);
            }
        }
    }
    report.errors.truncate(IMPORT_ERRORS_SHOWN);
    report.good = ids.len();
    if report.errors_total > 0 || ids.is_empty() {
        return Ok(report);
    }
    match super::session_store::add_attendance(db, user_id, enterprise_id, session_id, &ids, today).await {
        Ok(_) => Ok(ImportReport { imported: ids.len(), ..report }),
        Err(AppError::Validation(errs)) => Ok(ImportReport { file_error: errs.into_iter().next().map(|e| e.code), ..report }),
        Err(e) => Err(e),
    }
}

/// Where the last sign-in sheet's report waits for its session's page.
const SESSION_REPORT: &str = "training.sign_in_report";

#[derive(Serialize, Deserialize)]
struct Kept {
    session: i64,
    report: ImportReport,
}

/// The report of the sign-in sheet last imported into session `id`, once.
pub async fn take_report(session: &tower_sessions::Session, id: i64) -> Result<Option<ImportReport>, AppError> {
    let kept: Option<Kept> = session.get(SESSION_REPORT).await.map_err(|e| AppError::internal("session", e))?;
    match kept {
        Some(k) if k.session == id => {
            session.remove::<Kept>(SESSION_REPORT).await.map_err(|e| AppError::internal("session", e))?;
            Ok(Some(k.report))
        }
        _ => Ok(None),
    }
}

/// The sign-in sheet's upload and its template (merged into the area's routes by `ssr::routes`).
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(UPLOAD_PATH, post(upload).layer(axum::extract::DefaultBodyLimit::disable()))
        .route(TEMPLATE_PATH, get(template))
}

async fn template(axum::extract::State(state): axum::extract::State<crate::state::AppState>, session: tower_sessions::Session) -> axum::response::Response {
    use crate::accounts::{ssr::require_in, Permission};
    if let Err(e) = require_in(&state, &session, Permission::ManageEnterpriseTraining).await {
        return crate::base::errors::error_response(&e);
    }
    let body = "\u{feff}姓名,联系方式\r\n张三,13800000000\r\n";
    crate::base::download::download(body, "text/csv; charset=utf-8", "sign-in-template.csv")
}

/// POST `UPLOAD_PATH` (multipart: `session`, `file`): the enterprise safety manager's own
/// session only (another enterprise's, or none, is not found, as on the attendance routes). The
/// report goes to the session for the session's page (303 back to it); a request that accepts
/// JSON gets it as JSON.
async fn upload(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    session: tower_sessions::Session,
    headers: axum::http::HeaderMap,
    form: axum::extract::Multipart,
) -> axum::response::Response {
    use crate::accounts::{ssr::require_in, Permission};
    use crate::base::table;
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::IntoResponse;
    let fail = |e: AppError| crate::base::errors::error_response(&e);
    let user = match require_in(&state, &session, Permission::ManageEnterpriseTraining).await {
        Ok(u) => u,
        Err(e) => return fail(e),
    };
    let Some(enterprise) = user.enterprise_id else { return fail(AppError::Forbidden) };
    let up = match table::read_upload(form, IMPORT_FILE_MAX).await {
        Ok(up) => up,
        Err(e) => return fail(e),
    };
    let Some(id) = up.fields.get("session").and_then(|s| s.trim().parse::<i64>().ok()) else { return fail(AppError::NotFound) };
    let held: Result<Option<i64>, _> =
        sqlx::query_scalar("select held_on from training_sessions where id = $1 and enterprise_id = $2").bind(id).bind(enterprise).fetch_optional(&state.db.pool).await;
    let held_on = match held {
        Ok(Some(d)) => d,
        Ok(None) => return fail(AppError::NotFound),
        Err(e) => return fail(e.into()),
    };
    let today = Day::of_timestamp(now());
    let file_error = |code: &str| Ok(ImportReport { file_error: Some(code.into()), ..Default::default() });
    let report = if held_on > today.0 {
        file_error("session_not_held")
    } else if up.too_large {
        file_error("file_too_large")
    } else if up.bytes.is_empty() {
        file_error("file_required")
    } else {
        let bytes = up.bytes;
        match tokio::task::spawn_blocking(move || read_file(&bytes)).await {
            Err(e) => Err(AppError::internal("sign-in sheet", e)),
            Ok(Err(code)) => file_error(&code),
            Ok(Ok(read)) => import(&state.db, user.id, enterprise, id, read, today).await,
        }
    };
    let report = match report {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    if let Err(e) = session.insert(SESSION_REPORT, Kept { session: id, report: report.clone() }).await {
        return fail(AppError::internal("session", e));
    }
    if table::wants_json(&headers) {
        return axum::Json(report).into_response();
    }
    match HeaderValue::from_str(&format!("/training/enterprise/sessions/{id}#sign-in")) {
        Ok(to) => (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response(),
        Err(e) => fail(AppError::internal("redirect", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        text.lines().map(|l| l.split(',').map(String::from).collect()).collect()
    }

    fn errors(read: &[ReadLine]) -> Vec<String> {
        read.iter().filter_map(|r| r.as_ref().err()).flatten().map(|e| format!("{}:{}={}", e.line, e.field, e.code)).collect()
    }

    #[test]
    fn a_sheet_is_read_by_the_employee_files_header_names_and_other_columns_are_ignored() {
        let cases: &[(&str, Result<Vec<(&str, &str)>, &str>)] = &[
            ("姓名,联系方式\n张三,138\n李四,", Ok(vec![("张三", "138"), ("李四", "")])),
            ("序号,Name,签名,电话\n1, 张三 ,张三,0551-1\n\n2,李四,,", Ok(vec![("张三", "0551-1"), ("李四", "")])),
            ("NAME\n王五", Ok(vec![("王五", "")])),
            ("联系方式\n138", Err("sign_in_columns")),
            ("姓名,name\n张三,张三", Err("sign_in_columns")),
            ("姓名,联系方式", Err("sign_in_empty")),
            ("姓名\n\n ", Err("sign_in_empty")),
            ("", Err("sign_in_empty")),
        ];
        for (text, want) in cases {
            let got = read_sign_in(rows(text)).map(|r| r.into_iter().filter_map(Result::ok).map(|s| (s.name, s.contact)).collect::<Vec<_>>());
            let want = want.clone().map(|v| v.into_iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>()).map_err(String::from);
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn bad_lines_are_reported_with_their_line_and_column() {
        let read = read_sign_in(rows("姓名,联系方式\n张三,138\n,138\n=HYPERLINK(1),\n李四,138,多余\n赵六,<script>")).expect("read");
        assert_eq!(read.len(), 5);
        assert_eq!(errors(&read), ["3:name=required", "4:name=formula_in_cell", "5:line=extra_cells", "6:contact=script_in_cell"]);
    }

    #[test]
    fn lines_are_matched_to_current_employees_by_name_and_the_contact_tells_namesakes_apart() {
        let p = |id, name: &str, contact: &str| Person { id, name: name.into(), contact: contact.into() };
        let people = [p(1, "张三", "13800000001"), p(2, "张三", "0551-1234567"), p(3, "李四", "13800000003"), p(4, "王五", "")];
        let line = |line, name: &str, contact: &str| Ok(SignedIn { line, name: name.into(), contact: contact.into() });
        let cases: &[(Vec<ReadLine>, Vec<Result<i64, &str>>)] = &[
            (vec![line(2, "李四", ""), line(3, "王五", "999")], vec![Ok(3), Ok(4)]),
            (vec![line(2, "张三", "")], vec![Err("2:contact=employee_ambiguous")]),
            (vec![line(2, "张三", "13900000000")], vec![Err("2:contact=employee_ambiguous")]),
            (vec![line(2, "张三", "0551 1234567"), line(3, "张三", "13800000001")], vec![Ok(2), Ok(1)]),
            (vec![line(2, "赵六", "")], vec![Err("2:name=employee_not_found")]),
            (vec![line(2, "李四", ""), line(3, "李四", "13800000003")], vec![Ok(3), Err("3:name=employee_repeated")]),
        ];
        for (read, want) in cases {
            let got: Vec<Result<i64, String>> = match_people(read.clone(), &people)
                .into_iter()
                .map(|r| r.map_err(|e| e.iter().map(|e| format!("{}:{}={}", e.line, e.field, e.code)).collect::<Vec<_>>().join(";")))
                .collect();
            let want: Vec<Result<i64, String>> = want.iter().map(|w| w.map_err(String::from)).collect();
            assert_eq!(got, want, "{read:?}");
        }
        // A line already in error stays so.
        let bad = vec![LineError { line: 2, field: "name".into(), code: "required".into() }];
        assert_eq!(match_people(vec![Err(bad.clone())], &people), vec![Err(bad)]);
    }
}
