//! The staff side's routes outside Leptos: an attachment's download, and the queue's filtered
//! list for spreadsheets (CSV, XLSX). Same role and scope checks as the pages; exports carry no
//! reporter identity and no text the reporter wrote, and every export is written to the audit log.
use super::*;
use crate::accounts::{ssr::require_in, Permission};
use crate::base::download::download;
use crate::base::errors::error_response;
use crate::state::HttpRoutes;
use crate::workflow::QueueFilter;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_sessions::Session;

/// The staff side's routes outside Leptos.
pub fn http() -> HttpRoutes {
    HttpRoutes {
        router: axum::Router::new()
            .route("/staff/attachments/{id}", get(staff_attachment))
            .route("/staff/reports/export.csv", get(export_csv))
            .route("/staff/reports/export.xlsx", get(export_xlsx)),
        upload_paths: &[],
        not_pages: &["/staff/attachments/", "/staff/reports/export"],
    }
}

/// GET /staff/attachments/{id}: the stored file, for staff who may read reports. Served as a
/// download with its sniffed type, never rendered inline.
async fn staff_attachment(State(state): State<AppState>, session: Session, Path(id): Path<i64>) -> Response {
    let user = match require_in(&state, &session, Permission::ReadReports).await {
        Ok(u) => u,
        Err(e) => return error_response(&e),
    };
    // Departments download only their own cases' files.
    let owner: Result<Option<i64>, sqlx::Error> =
        sqlx::query_scalar("select report_id from attachments where id = $1").bind(id).fetch_optional(&state.db.pool).await;
    match owner {
        Ok(Some(report_id)) => {
            let scope = crate::cases::ssr::scope(&user);
            let allowed = match scope {
                Ok(sc) => crate::cases::ssr::in_scope(&state.db, sc, report_id).await,
                Err(e) => Err(e),
            };
            if let Err(e) = allowed {
                return error_response(&e);
            }
        }
        Ok(None) => return error_response(&AppError::NotFound),
        Err(e) => return error_response(&AppError::internal("attachment", e)),
    }
    type Row = (String, Vec<u8>, i64, i64, String);
    let row: Result<Option<Row>, sqlx::Error> =
        sqlx::query_as("select content_type, data, sealed, report_id, sha256 from attachments where id = $1")
            .bind(id)
            .fetch_optional(&state.db.pool)
            .await;
    match row {
        Ok(Some((content_type, stored, sealed, report_id, sha256))) => {
            let data = if sealed == 1 {
                match state.data_key.decrypt_bytes(&stored, &crate::cases::ssr::attachment_context(report_id, &sha256)) {
                    Ok(d) => d,
                    Err(e) => return error_response(&AppError::internal("attachment", e)),
                }
            } else {
                stored
            };
            let ext = match content_type.as_str() {
                "image/jpeg" => "jpg",
                "image/png" => "png",
                "application/pdf" => "pdf",
                "video/mp4" => "mp4",
                "video/quicktime" => "mov",
                "video/webm" => "webm",
                "audio/mpeg" => "mp3",
                "audio/mp4" => "m4a",
                "audio/wav" => "wav",
                _ => "bin",
            };
            let disposition = format!("attachment; filename=\"attachment-{id}.{ext}\"");
            let mut resp = data.into_response();
            let h = resp.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&content_type) {
                h.insert(header::CONTENT_TYPE, v);
            }
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Ok(None) => error_response(&AppError::NotFound),
        Err(e) => error_response(&AppError::internal("attachment", e)),
    }
}

async fn rows(state: &AppState, session: &Session, filter: &QueueFilter) -> Result<Vec<ExportRow>, AppError> {
    let user = require_in(state, session, Permission::ReadReports).await?;
    export_rows(state, &user, filter).await
}

pub fn to_csv(rows: &[ExportRow]) -> Result<Vec<u8>, AppError> {
    // A UTF-8 byte order mark so spreadsheet programs read the Chinese names correctly.
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(EXPORT_HEADER).map_err(|e| AppError::internal("csv", e))?;
        for r in rows {
            w.write_record(r.cells()).map_err(|e| AppError::internal("csv", e))?;
        }
        w.flush().map_err(|e| AppError::internal("csv", e))?;
    }
    Ok(out)
}

pub fn to_xlsx(rows: &[ExportRow]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::internal("xlsx", e);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("reports").map_err(err)?;
    let bold = Format::new().set_bold();
    for (c, h) in EXPORT_HEADER.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(err)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, v) in r.cells().iter().enumerate() {
            // Amounts as numbers so they can be summed; everything else as text.
            let numeric = matches!(EXPORT_HEADER[c], "fine_yuan" | "reward_yuan");
            match v.parse::<f64>() {
                Ok(n) if numeric => sheet.write_number(row, c as u16, n).map_err(err)?,
                _ => sheet.write_string(row, c as u16, *v).map_err(err)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(err)?;
    book.save_to_buffer().map_err(err)
}

async fn export_csv(State(state): State<AppState>, session: Session, Query(filter): Query<QueueFilter>) -> Response {
    match rows(&state, &session, &filter).await.and_then(|r| to_csv(&r)) {
        Ok(body) => download(body, "text/csv; charset=utf-8", "safewhistle-reports.csv"),
        Err(e) => error_response(&e),
    }
}

async fn export_xlsx(State(state): State<AppState>, session: Session, Query(filter): Query<QueueFilter>) -> Response {
    let result = match rows(&state, &session, &filter).await {
        Ok(r) => state.run_cpu(move || to_xlsx(&r)).await.and_then(|x| x),
        Err(e) => Err(e),
    };
    match result {
        Ok(body) => download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "safewhistle-reports.xlsx"),
        Err(e) => error_response(&e),
    }
}
