//! GET /staff/reports/export.csv and /staff/reports/export.xlsx: the queue's filtered list for
//! spreadsheets. Same role and scope checks as the queue; no reporter identity and no text the
//! reporter wrote; every export is written to the audit log.
use crate::public_forms::error_json;
use crate::ServerState;
use app::accounts::{ssr::require_in, Permission};
use app::base::errors::AppError;
use app::workflow::ssr::{export_rows, ExportRow, EXPORT_HEADER};
use app::workflow::QueueFilter;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

async fn rows(state: &ServerState, session: &Session, filter: &QueueFilter) -> Result<Vec<ExportRow>, AppError> {
    let user = require_in(&state.app, session, Permission::ReadReports).await?;
    export_rows(&state.app, &user, filter).await
}

fn download(body: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
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

pub async fn export_csv(State(state): State<ServerState>, session: Session, Query(filter): Query<QueueFilter>) -> Response {
    match rows(&state, &session, &filter).await.and_then(|r| to_csv(&r)) {
        Ok(body) => download(body, "text/csv; charset=utf-8", "safewhistle-reports.csv"),
        Err(e) => error_json(&e),
    }
}

pub async fn export_xlsx(State(state): State<ServerState>, session: Session, Query(filter): Query<QueueFilter>) -> Response {
    let result = match rows(&state, &session, &filter).await {
        Ok(r) => state.app.run_cpu(move || to_xlsx(&r)).await.and_then(|x| x),
        Err(e) => Err(e),
    };
    match result {
        Ok(body) => download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "safewhistle-reports.xlsx"),
        Err(e) => error_json(&e),
    }
}
