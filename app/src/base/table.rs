//! Tables from the files people make in spreadsheets (Excel, WPS): CSV in UTF-8 or GBK, and the
//! first sheet of an XLSX workbook, read as text cells; what is wrong with a line, and the report
//! of an import. Shared by the question bank's import and the employee list's (training).
use serde::{Deserialize, Serialize};

/// One line's problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineError {
    /// The line in the file (the header is line 1), or the item's number in a file of another kind
    /// (a question in a Moodle file).
    pub line: usize,
    pub field: String,
    pub code: String,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// A problem with the whole file (wrong columns, unreadable, too large), if any.
    pub file_error: Option<String>,
    /// Items (lines) read.
    pub total: usize,
    /// Items without errors.
    pub good: usize,
    /// Items stored (0 unless the file was clean or only the good ones were asked for).
    pub imported: usize,
    pub errors_total: usize,
    /// The first line errors (the importer's own limit; `errors_total` counts all).
    pub errors: Vec<LineError>,
}

/// A cell that would run as a formula in a spreadsheet, or carries markup or a script.
pub fn dangerous_cell(text: &str) -> Option<&'static str> {
    let t = text.trim_start();
    let lower = t.to_lowercase();
    if t.starts_with('=') || (t.starts_with(['+', '@']) && t.len() > 1) {
        Some("formula_in_cell")
    } else if lower.contains("<script") || lower.contains("javascript:") || lower.contains("<iframe") || lower.contains("onerror=") {
        Some("script_in_cell")
    } else {
        None
    }
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe (stored text never starts
/// so, but an export must be safe whatever the database holds).
pub fn guard_cell(c: &str) -> String {
    if c.starts_with(['=', '+', '@']) {
        format!("'{c}")
    } else {
        c.to_string()
    }
}

/// The content type of an XLSX file.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file's rows as text cells, or the code of what is wrong with the whole file.
#[cfg(feature = "ssr")]
pub type Rows = Result<Vec<Vec<String>>, String>;

/// CSV as Excel and WPS save it: UTF-8 (with or without a BOM) or, failing that, GBK/GB18030.
#[cfg(feature = "ssr")]
pub fn read_csv(bytes: &[u8], rows_max: usize) -> Rows {
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
        if rows.len() > rows_max + 1 {
            return Err("too_many_rows".into());
        }
    }
    Ok(rows)
}

/// The first sheet of an XLSX workbook. A cell holding a formula is refused (its cached value is
/// not what the author typed), reported with its line.
#[cfg(feature = "ssr")]
pub fn read_xlsx(bytes: &[u8], rows_max: usize) -> Result<(Vec<Vec<String>>, Vec<LineError>), String> {
    use calamine::{Data, Reader};
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).map_err(|_| "bad_file".to_string())?;
    let name = wb.sheet_names().first().cloned().ok_or_else(|| "bad_file".to_string())?;
    let range = wb.worksheet_range(&name).map_err(|_| "bad_file".to_string())?;
    if range.height() > rows_max + 1 {
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


/// An XLSX workbook (a zip file) rather than CSV text.
#[cfg(feature = "ssr")]
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// A request that wants the answer as JSON (a script's upload) rather than a page.
#[cfg(feature = "ssr")]
pub fn wants_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json") && !v.contains("text/html"))
}

/// An uploaded form: the file of the field `file` (empty if none was sent), whether it was
/// over the limit (then its bytes are dropped), and the other fields as text (at most 200
/// characters each).
#[cfg(feature = "ssr")]
pub struct Upload {
    pub bytes: Vec<u8>,
    pub too_large: bool,
    pub fields: std::collections::HashMap<String, String>,
}

/// Read a multipart upload, keeping at most `max` bytes of its file.
#[cfg(feature = "ssr")]
pub async fn read_upload(mut form: axum::extract::Multipart, max: usize) -> Result<Upload, super::errors::AppError> {
    use super::errors::AppError;
    let mut up = Upload { bytes: Vec::new(), too_large: false, fields: Default::default() };
    while let Some(mut field) = form.next_field().await.map_err(|_| AppError::Request("bad_form".into()))? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            while let Some(chunk) = field.chunk().await.map_err(|_| AppError::Request("bad_form".into()))? {
                if up.bytes.len() + chunk.len() > max {
                    up.too_large = true;
                    up.bytes = Vec::new();
                } else if !up.too_large {
                    up.bytes.extend_from_slice(&chunk);
                }
            }
        } else {
            let text: String = field.text().await.unwrap_or_default().chars().take(200).collect();
            up.fields.insert(name, text);
        }
    }
    Ok(up)
}
