//! A contest's ranking as a CSV or XLSX file for reporting upward (server only):
//! `GET /staff/contest-ranking.{csv,xlsx}?id=…&by=…&sort=…`, routed in `ssr::routes`.
use super::{guard_cell, XLSX};
use crate::base::errors::AppError;
use crate::state::AppState;
use axum::response::Response;
use tower_sessions::Session;

#[derive(serde::Deserialize)]
pub struct RankingQuery {
    id: i64,
    #[serde(default)]
    by: String,
    #[serde(default)]
    sort: String,
}

/// GET /staff/contest-ranking.{csv,xlsx}?id=…&by=…&sort=…: a contest's ranking as the bureau
/// reports it upward (training administrator only; names as the contest shows them).
pub async fn ranking_file(state: AppState, session: Session, q: RankingQuery, xlsx: bool) -> Response {
    use crate::accounts::{ssr::require_in, Permission};
    if let Err(e) = require_in(&state, &session, Permission::ManageContests).await {
        return crate::base::errors::error_response(&e);
    }
    // Every row: the file is what the bureau reports upward (the public page shows the top).
    let r = match crate::quiz::contest::ranking::ranking(&state.db, q.id, &q.by, &q.sort, i64::MAX).await {
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
            crate::base::download::download(bytes, ct, &format!("contest-{}-{}.{ext}", q.id, r.by))
        }
        Err(e) => crate::base::errors::error_response(&e),
    }
}
