//! Training compliance as CSV or XLSX files, streamed (server only; issue 15):
//!
//! - `GET /training/enterprise/compliance.{csv,xlsx}?year=`: the enterprise safety manager's own
//!   enterprise;
//! - `GET /staff/training/compliance.{csv,xlsx}?year=`: the training administrator's whole
//!   district (100,000 lines at the benchmark's scale).
//!
//! One line per employee who owes training in the year, judged as the compliance page judges
//! them (the yearly total for staff hired long before the year, their attendance for recent
//! hires; D27). Lines go from a database cursor through a bounded channel into the response as
//! they are made: the CSV in 64 KB pieces, the XLSX from a constant-memory worksheet (rows spill to
//! an anonymous temporary file, deleted when closed) zipped straight into the response. Neither
//! holds the file in memory; docs/benchmarks.md has the peak RSS. Headers and labels are in
//! Chinese: the files are what the bureau reports upward.
use super::rules::{self, Category, HourRules, HoursState, Phase};
use crate::base::calendar::Day;
use crate::base::db::{now, Db};
use crate::base::errors::{error_response, AppError};
use crate::base::table::{guard_cell, XLSX};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::response::Response;
use futures_util::TryStreamExt;
use std::collections::HashMap;
use tokio::sync::mpsc;

pub const HEADER: [&str; 13] =
    ["企业", "统一社会信用代码", "镇/街道", "村/社区", "行业", "姓名", "人员类别", "培训类型", "应完成学时", "已完成学时", "差额学时", "截止日期", "状态"];

/// The pieces of a file in flight, at most (each up to `PIECE` bytes, or one line each for XLSX).
const IN_FLIGHT: usize = 8;
const PIECE: usize = 64 * 1024;

fn category_zh(c: Category) -> &'static str {
    match c {
        Category::Principal => "主要负责人",
        Category::SafetyManager => "安全生产管理人员",
        Category::SpecialOperation => "特种作业人员",
        Category::Other => "其他从业人员",
    }
}

fn phase_zh(p: Phase) -> &'static str {
    match p {
        Phase::Initial => "初次培训",
        Phase::Yearly => "年度再培训",
    }
}

fn state_zh(s: HoursState) -> &'static str {
    match s {
        HoursState::Met => "已完成",
        HoursState::Open => "进行中",
        HoursState::Overdue => "已逾期",
    }
}

/// An enterprise's cells (name, code, town, village, sector) and its high-risk flag.
struct Place {
    cells: [String; 5],
    high_risk: bool,
}

async fn places(db: &Db, enterprise: Option<i64>) -> Result<HashMap<i64, Place>, AppError> {
    type Row = (i64, String, Option<String>, i64, Option<String>, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "select n.id, n.name, n.credit_code, n.high_risk, t.name_zh, v.name_zh, s.name_zh from enterprises n \
         left join towns t on t.id = n.town_id left join villages v on v.id = n.village_id left join sectors s on s.id = n.sector_id \
         where n.active = 1 and ($1 = 0 or n.id = $1)",
    )
    .bind(enterprise.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, code, high_risk, town, village, sector)| {
            let cells = [guard_cell(&name), code.unwrap_or_default(), town.unwrap_or_default(), village.unwrap_or_default(), sector.unwrap_or_default()];
            (id, Place { cells, high_risk: high_risk == 1 })
        })
        .collect())
}

/// Make every line of the year's compliance and send it; stops early when the receiver is gone.
async fn produce(db: Db, r: HourRules, year: i64, today: Day, enterprise: Option<i64>, tx: mpsc::Sender<Vec<String>>) -> Result<(), AppError> {
    use super::district::ssr::{recent_attendance, since, year_days};
    // As in the district overview (D27): hired before `since`, the window is the calendar year.
    let since = since(&r, year_days(year)?.0);
    let places = places(&db, enterprise).await?;
    let filter = enterprise.unwrap_or(0);
    let recent = recent_attendance(&db, &r, year, today, enterprise).await?;
    type Row = (i64, i64, String, String, i64, i64);
    let mut cursor = sqlx::query_as::<_, Row>(
        "select e.id, e.enterprise_id, e.name, e.category, e.hired_on, coalesce(y.minutes, 0) from training_employees e \
         left join training_year_minutes y on y.employee_id = e.id and y.year = $1 \
         where e.active = 1 and ($2 = 0 or e.enterprise_id = $2) order by e.enterprise_id, e.name, e.id",
    )
    .bind(year)
    .bind(filter)
    .fetch(&db.pool);
    while let Some((id, enterprise, name, code, hired, minutes)) = cursor.try_next().await? {
        let Some(place) = places.get(&enterprise) else { continue };
        let category = Category::parse(&code).ok_or_else(|| AppError::internal("training category", &code))?;
        let Some(req) = rules::requirement(&r, category, place.high_risk, Day(hired), year) else { continue };
        let yearly = [(req.from, u32::try_from(minutes).unwrap_or(0))];
        let done = if hired < since.0 { &yearly[..] } else { recent.get(&id).map(Vec::as_slice).unwrap_or(&[]) };
        let s = rules::standing(&r, &req, done, today);
        let mut line: Vec<String> = place.cells.to_vec();
        line.extend([
            guard_cell(&name),
            category_zh(category).to_string(),
            phase_zh(req.phase).to_string(),
            rules::hours_text(&r, s.required_minutes),
            rules::hours_text(&r, s.done_minutes),
            rules::hours_text(&r, s.shortfall_minutes),
            s.due.to_string(),
            state_zh(s.state).to_string(),
        ]);
        if tx.send(line).await.is_err() {
            break;
        }
    }
    Ok(())
}

/// A `Write` that hands what is written to the response in pieces (from a blocking thread).
struct Pipe {
    buf: Vec<u8>,
    out: mpsc::Sender<Result<Bytes, std::io::Error>>,
}

impl Pipe {
    fn push(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = Bytes::from(std::mem::take(&mut self.buf));
        self.out.blocking_send(Ok(piece)).map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "download closed"))
    }
}

impl std::io::Write for Pipe {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= PIECE {
            self.push()?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.push()
    }
}

/// Write the lines from `lines` as CSV (with a byte order mark, for spreadsheet programs) or as
/// an XLSX workbook into `pipe`, on a blocking thread.
fn write_file(mut lines: mpsc::Receiver<Vec<String>>, mut pipe: Pipe, xlsx: bool) -> Result<(), String> {
    use std::io::Write;
    if !xlsx {
        pipe.write_all(&[0xEF, 0xBB, 0xBF]).map_err(|e| e.to_string())?;
        let mut w = csv::Writer::from_writer(pipe);
        w.write_record(HEADER).map_err(|e| e.to_string())?;
        while let Some(line) = lines.blocking_recv() {
            w.write_record(&line).map_err(|e| e.to_string())?;
        }
        return w.flush().map_err(|e| e.to_string());
    }
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory().map_err(|e| e.to_string())?;
    sheet.set_name("培训学时").map_err(|e| e.to_string())?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(|e| e.to_string())?;
    }
    let mut row = 0u32;
    while let Some(line) = lines.blocking_recv() {
        row += 1;
        for (c, v) in line.iter().enumerate() {
            // Hours as numbers so they can be summed; everything else as text.
            match v.parse::<f64>() {
                Ok(n) if (8..=10).contains(&c) => sheet.write_number(row, c as u16, n),
                _ => sheet.write_string(row, c as u16, v),
            }
            .map_err(|e| e.to_string())?;
        }
    }
    book.save_to_writer(&mut pipe).map_err(|e| e.to_string())?;
    pipe.flush().map_err(|e| e.to_string())
}

/// The file as a streamed response: a producer reading the database, a writer on a blocking
/// thread, the body reading the writer's pieces. A failure after the first piece cuts the
/// download short (logged); the client sees an incomplete file, never a wrong one.
fn stream(state: &AppState, year: i64, enterprise: Option<i64>, xlsx: bool, name: &str) -> Result<Response, AppError> {
    let rules = state.area::<HourRules>()?.clone();
    let today = Day::of_timestamp(now());
    let (line_tx, line_rx) = mpsc::channel::<Vec<String>>(PIECE / 64);
    let (piece_tx, mut piece_rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(IN_FLIGHT);
    let db = state.db.clone();
    let errors = piece_tx.clone();
    tokio::spawn(async move {
        if let Err(e) = produce(db, rules, year, today, enterprise, line_tx).await {
            tracing::error!(error = ?e, "training export");
            let _ = errors.send(Err(std::io::Error::other("training export failed"))).await;
        }
    });
    let pipe = Pipe { buf: Vec::with_capacity(PIECE), out: piece_tx };
    tokio::task::spawn_blocking(move || {
        if let Err(e) = write_file(line_rx, pipe, xlsx) {
            tracing::warn!(error = %e, "training export writer");
        }
    });
    let body = Body::from_stream(futures_util::stream::poll_fn(move |cx| piece_rx.poll_recv(cx)));
    let kind = if xlsx { XLSX } else { "text/csv; charset=utf-8" };
    Ok(crate::base::download::download(body, kind, name))
}

#[derive(serde::Deserialize)]
pub struct YearQuery {
    year: Option<i64>,
}

pub fn checked_year(q: &YearQuery) -> Result<i64, AppError> {
    let this_year = Day::of_timestamp(now()).ymd().0;
    let year = q.year.unwrap_or(this_year);
    if !(1990..=this_year + 1).contains(&year) {
        return Err(AppError::field("year", "date_out_of_range"));
    }
    Ok(year)
}

async fn enterprise_file(state: AppState, session: tower_sessions::Session, q: YearQuery, xlsx: bool) -> Response {
    use crate::accounts::{ssr::require_in, Permission};
    let made = async {
        let user = require_in(&state, &session, Permission::ManageEnterpriseTraining).await?;
        let enterprise = user.enterprise_id.ok_or(AppError::Forbidden)?;
        let year = checked_year(&q)?;
        let ext = if xlsx { "xlsx" } else { "csv" };
        stream(&state, year, Some(enterprise), xlsx, &format!("training-compliance-{year}.{ext}"))
    };
    made.await.unwrap_or_else(|e| error_response(&e))
}

async fn district_file(state: AppState, session: tower_sessions::Session, q: YearQuery, xlsx: bool) -> Response {
    use crate::accounts::{ssr::require_in, Permission};
    let made = async {
        require_in(&state, &session, Permission::TrainingOverview).await?;
        let year = checked_year(&q)?;
        let ext = if xlsx { "xlsx" } else { "csv" };
        stream(&state, year, None, xlsx, &format!("district-training-compliance-{year}.{ext}"))
    };
    made.await.unwrap_or_else(|e| error_response(&e))
}

pub const PATHS: [&str; 4] =
    ["/training/enterprise/compliance.csv", "/training/enterprise/compliance.xlsx", "/staff/training/compliance.csv", "/staff/training/compliance.xlsx"];

/// The four download routes.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::get;
    type S = State<AppState>;
    type Q = Query<YearQuery>;
    axum::Router::new()
        .route(PATHS[0], get(|State(s): S, session, Query(q): Q| enterprise_file(s, session, q, false)))
        .route(PATHS[1], get(|State(s): S, session, Query(q): Q| enterprise_file(s, session, q, true)))
        .route(PATHS[2], get(|State(s): S, session, Query(q): Q| district_file(s, session, q, false)))
        .route(PATHS[3], get(|State(s): S, session, Query(q): Q| district_file(s, session, q, true)))
}
