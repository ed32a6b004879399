//! Training compliance and training records as CSV or XLSX files, streamed (server only; issue
//! 15):
//!
//! - `GET /training/enterprise/{compliance,records}.{csv,xlsx}?year=`: the enterprise safety
//!   manager's own enterprise;
//! - `GET /staff/training/{compliance,records}.{csv,xlsx}?year=`: the training administrator's
//!   whole district (100,000 compliance lines and 1,000,000 records at the benchmark's scale).
//!
//! The compliance file has one line per employee who owes training in the year, judged as the
//! compliance page judges them (the yearly total for staff hired long before the year, their
//! attendance for recent hires; D27). The records file has one line per training credited in the
//! year: each on-site session attended, network course completed and contest credited, of every
//! employee (those who have since left too: a record is what happened; D35).
//!
//! Lines go from a database cursor through a bounded channel into the response as they are made:
//! the CSV in 64 KB pieces, the XLSX from constant-memory worksheets (rows spill to an anonymous
//! temporary file, deleted when closed) zipped straight into the response. Neither holds the file
//! in memory; docs/benchmarks.md has the peak RSS. Headers and labels are in Chinese: the files
//! are what the bureau reports upward.
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

pub const RECORDS_HEADER: [&str; 15] = [
    "企业", "统一社会信用代码", "镇/街道", "村/社区", "行业", "姓名", "人员类别", "在职", "培训形式", "培训名称", "培训类型", "授课人", "日期", "学时", "分钟",
];

/// What a file holds: its header, its worksheet's name and the columns written as numbers in
/// XLSX (hours, so that they can be summed); everything else is text.
pub struct Layout {
    header: &'static [&'static str],
    sheet: &'static str,
    numbers: std::ops::RangeInclusive<usize>,
}

const COMPLIANCE: Layout = Layout { header: &HEADER, sheet: "培训学时", numbers: 8..=10 };
const RECORDS: Layout = Layout { header: &RECORDS_HEADER, sheet: "培训记录", numbers: 13..=14 };

/// Data rows per worksheet: XLSX holds 1,048,576 rows, the header included. A longer file goes on
/// in another worksheet with the header again.
const SHEET_ROWS: u32 = 1_048_575;

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
/// an XLSX workbook into `pipe`, on a blocking thread; at most `sheet_rows` lines per worksheet.
pub fn write_file(mut lines: mpsc::Receiver<Vec<String>>, mut pipe: impl std::io::Write + Send, xlsx: bool, layout: &Layout, sheet_rows: u32) -> Result<(), String> {
    if !xlsx {
        pipe.write_all(&[0xEF, 0xBB, 0xBF]).map_err(|e| e.to_string())?;
        let mut w = csv::Writer::from_writer(pipe);
        w.write_record(layout.header).map_err(|e| e.to_string())?;
        while let Some(line) = lines.blocking_recv() {
            w.write_record(&line).map_err(|e| e.to_string())?;
        }
        return w.flush().map_err(|e| e.to_string());
    }
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let mut sheets = 0;
    let mut row = sheet_rows;
    while let Some(line) = lines.blocking_recv() {
        if row == sheet_rows {
            sheets += 1;
            new_sheet(&mut book, layout, sheets, &bold)?;
            row = 0;
        }
        row += 1;
        let sheet = book.worksheet_from_index(sheets - 1).map_err(|e| e.to_string())?;
        for (c, v) in line.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) if layout.numbers.contains(&c) => sheet.write_number(row, c as u16, n),
                _ => sheet.write_string(row, c as u16, v),
            }
            .map_err(|e| e.to_string())?;
        }
    }
    if sheets == 0 {
        new_sheet(&mut book, layout, 1, &bold)?;
    }
    book.save_to_writer(&mut pipe).map_err(|e| e.to_string())?;
    pipe.flush().map_err(|e| e.to_string())
}

/// Worksheet `n` (from 1) with the header in bold: "培训记录", then "培训记录 2", …
fn new_sheet(book: &mut rust_xlsxwriter::Workbook, layout: &Layout, n: usize, bold: &rust_xlsxwriter::Format) -> Result<(), String> {
    let sheet = book.add_worksheet_with_constant_memory().map_err(|e| e.to_string())?;
    let name = if n == 1 { layout.sheet.to_string() } else { format!("{} {n}", layout.sheet) };
    sheet.set_name(name).map_err(|e| e.to_string())?;
    for (c, h) in layout.header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, bold).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The file as a streamed response: `produce` reading the database and sending lines, a writer
/// on a blocking thread, the body reading the writer's pieces. A failure after the first piece
/// cuts the download short (logged); the client sees an incomplete file, never a wrong one.
fn stream<F>(layout: &'static Layout, xlsx: bool, name: &str, produce: impl FnOnce(mpsc::Sender<Vec<String>>) -> F) -> Response
where
    F: std::future::Future<Output = Result<(), AppError>> + Send + 'static,
{
    let (line_tx, line_rx) = mpsc::channel::<Vec<String>>(PIECE / 64);
    let (piece_tx, mut piece_rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(IN_FLIGHT);
    let errors = piece_tx.clone();
    let made = produce(line_tx);
    tokio::spawn(async move {
        if let Err(e) = made.await {
            tracing::error!(error = ?e, "training export");
            let _ = errors.send(Err(std::io::Error::other("training export failed"))).await;
        }
    });
    let pipe = Pipe { buf: Vec::with_capacity(PIECE), out: piece_tx };
    tokio::task::spawn_blocking(move || {
        if let Err(e) = write_file(line_rx, pipe, xlsx, layout, SHEET_ROWS) {
            tracing::warn!(error = %e, "training export writer");
        }
    });
    let body = Body::from_stream(futures_util::stream::poll_fn(move |cx| piece_rx.poll_recv(cx)));
    let kind = if xlsx { XLSX } else { "text/csv; charset=utf-8" };
    crate::base::download::download(body, kind, name)
}

/// The compliance file of `enterprise`, or of the district.
fn compliance_file(state: &AppState, year: i64, enterprise: Option<i64>, xlsx: bool, name: &str) -> Result<Response, AppError> {
    let rules = state.area::<HourRules>()?.clone();
    let today = Day::of_timestamp(now());
    let db = state.db.clone();
    Ok(stream(&COMPLIANCE, xlsx, name, move |tx| produce(db, rules, year, today, enterprise, tx)))
}

/// The records file of `enterprise`, or of the district.
fn records_file(state: &AppState, year: i64, enterprise: Option<i64>, xlsx: bool, name: &str) -> Result<Response, AppError> {
    let rules = state.area::<HourRules>()?.clone();
    let db = state.db.clone();
    Ok(stream(&RECORDS, xlsx, name, move |tx| produce_records(db, rules, year, enterprise, tx)))
}

fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "session" => "集中培训",
        "course" => "网络课堂",
        _ => "知识竞赛",
    }
}

fn session_phase_zh(phase: &str) -> &'static str {
    match phase {
        "initial" => "初次培训",
        "refresher" => "再培训",
        _ => "",
    }
}

/// The SQL of the records of a year (days `$1` to `$2`), of enterprise `$3` when `one`: every
/// kind of credit with its title, in the order of the file (enterprise, employee, day).
pub fn records_sql(one: bool) -> String {
    let only = |t: &str| if one { format!(" and {t}.enterprise_id = $3") } else { String::new() };
    let kinds = [
        format!(
            "select a.enterprise_id, a.employee_id, 'session' as kind, s.title, s.phase, s.trainer, a.held_on as day, a.minutes \
             from training_attendance a join training_sessions s on s.id = a.session_id where a.held_on >= $1 and a.held_on <= $2{}",
            only("a")
        ),
        format!(
            "select c.enterprise_id, c.employee_id, 'course', k.title, '', '', c.completed_on, c.minutes \
             from training_course_completions c join training_courses k on k.id = c.course_id where c.completed_on >= $1 and c.completed_on <= $2{}",
            only("c")
        ),
        format!(
            "select t.enterprise_id, t.employee_id, 'contest', t.title, '', '', t.credited_on, t.minutes \
             from training_contest_credits t where t.credited_on >= $1 and t.credited_on <= $2{}",
            only("t")
        ),
    ];
    format!(
        "select r.enterprise_id, e.name, e.category, e.active, r.kind, r.title, r.phase, r.trainer, r.day, r.minutes \
         from ({}) r join training_employees e on e.id = r.employee_id order by r.enterprise_id, e.name, e.id, r.day, r.kind, r.title",
        kinds.join(" union all ")
    )
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    enterprise_id: i64,
    name: String,
    category: String,
    active: i64,
    kind: String,
    title: String,
    phase: String,
    trainer: String,
    day: i64,
    minutes: i64,
}

/// Make every line of the year's records and send it; stops early when the receiver is gone.
async fn produce_records(db: Db, r: HourRules, year: i64, enterprise: Option<i64>, tx: mpsc::Sender<Vec<String>>) -> Result<(), AppError> {
    let (from, to) = super::district::ssr::year_days(year)?;
    let places = places(&db, enterprise).await?;
    let sql = records_sql(enterprise.is_some());
    let mut q = sqlx::query_as::<_, RecordRow>(&sql).bind(from.0).bind(to.0);
    if let Some(id) = enterprise {
        q = q.bind(id);
    }
    let mut cursor = q.fetch(&db.pool);
    while let Some(row) = cursor.try_next().await? {
        let Some(place) = places.get(&row.enterprise_id) else { continue };
        let category = Category::parse(&row.category).ok_or_else(|| AppError::internal("training category", &row.category))?;
        let minutes = u32::try_from(row.minutes).unwrap_or(0);
        let mut line: Vec<String> = place.cells.to_vec();
        line.extend([
            guard_cell(&row.name),
            category_zh(category).to_string(),
            (if row.active == 1 { "在职" } else { "已离职" }).to_string(),
            kind_zh(&row.kind).to_string(),
            guard_cell(&row.title),
            session_phase_zh(&row.phase).to_string(),
            guard_cell(&row.trainer),
            Day(row.day).to_string(),
            rules::hours_text(&r, minutes),
            minutes.to_string(),
        ]);
        if tx.send(line).await.is_err() {
            break;
        }
    }
    Ok(())
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

/// Which file: compliance or records.
#[derive(Clone, Copy)]
enum What {
    Compliance,
    Records,
}

impl What {
    fn name(self) -> &'static str {
        match self {
            What::Compliance => "compliance",
            What::Records => "records",
        }
    }
}

async fn enterprise_file(state: AppState, session: tower_sessions::Session, q: YearQuery, what: What, xlsx: bool) -> Response {
    use crate::accounts::{ssr::require_in, Permission};
    let made = async {
        let user = require_in(&state, &session, Permission::ManageEnterpriseTraining).await?;
        let enterprise = user.enterprise_id.ok_or(AppError::Forbidden)?;
        let year = checked_year(&q)?;
        let name = format!("training-{}-{year}.{}", what.name(), if xlsx { "xlsx" } else { "csv" });
        match what {
            What::Compliance => compliance_file(&state, year, Some(enterprise), xlsx, &name),
            What::Records => records_file(&state, year, Some(enterprise), xlsx, &name),
        }
    };
    made.await.unwrap_or_else(|e| error_response(&e))
}

async fn district_file(state: AppState, session: tower_sessions::Session, q: YearQuery, what: What, xlsx: bool) -> Response {
    use crate::accounts::{ssr::require_in, Permission};
    let made = async {
        require_in(&state, &session, Permission::TrainingOverview).await?;
        let year = checked_year(&q)?;
        let name = format!("district-training-{}-{year}.{}", what.name(), if xlsx { "xlsx" } else { "csv" });
        match what {
            What::Compliance => compliance_file(&state, year, None, xlsx, &name),
            What::Records => records_file(&state, year, None, xlsx, &name),
        }
    };
    made.await.unwrap_or_else(|e| error_response(&e))
}

pub const PATHS: [&str; 8] = [
    "/training/enterprise/compliance.csv",
    "/training/enterprise/compliance.xlsx",
    "/staff/training/compliance.csv",
    "/staff/training/compliance.xlsx",
    "/training/enterprise/records.csv",
    "/training/enterprise/records.xlsx",
    "/staff/training/records.csv",
    "/staff/training/records.xlsx",
];

/// The eight download routes. `PATHS` is ordered so that its index says which file: the first four
/// are compliance, the last four records; in each four the manager's two, then the district's two;
/// CSV at even indexes, XLSX at odd ones.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::get;
    type S = State<AppState>;
    type Q = Query<YearQuery>;
    let mut router = axum::Router::new();
    for (i, path) in PATHS.iter().enumerate() {
        let what = if i < 4 { What::Compliance } else { What::Records };
        let xlsx = i % 2 == 1;
        router = if i % 4 < 2 {
            router.route(path, get(move |State(s): S, session, Query(q): Q| enterprise_file(s, session, q, what, xlsx)))
        } else {
            router.route(path, get(move |State(s): S, session, Query(q): Q| district_file(s, session, q, what, xlsx)))
        };
    }
    router
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(lines: &[Vec<String>], xlsx: bool, sheet_rows: u32) -> Vec<u8> {
        let (tx, rx) = mpsc::channel(lines.len().max(1));
        for l in lines {
            tx.try_send(l.clone()).expect("queued");
        }
        drop(tx);
        let mut out = Vec::new();
        write_file(rx, &mut out, xlsx, &RECORDS, sheet_rows).expect("written");
        out
    }

    fn record(i: usize) -> Vec<String> {
        let mut l: Vec<String> = RECORDS_HEADER.iter().map(|h| format!("{h}{i}")).collect();
        l[13] = "1.5".into();
        l[14] = "67".into();
        l
    }

    #[test]
    fn a_long_workbook_goes_on_in_more_sheets_each_with_the_header() {
        use calamine::{Data, Reader};
        let lines: Vec<_> = (0..5).map(record).collect();
        let bytes = written(&lines, true, 2);
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
        assert_eq!(wb.sheet_names(), ["培训记录", "培训记录 2", "培训记录 3"]);
        let mut seen = Vec::new();
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).expect("sheet");
            let rows: Vec<_> = range.rows().collect();
            assert_eq!(rows[0][0], Data::String("企业".into()), "{name} starts with the header");
            assert!(rows.len() <= 3, "{name}: {} rows", rows.len());
            for r in &rows[1..] {
                assert_eq!(r[13], Data::Float(1.5), "hours are numbers");
                assert_eq!(r[14], Data::Float(67.0));
                seen.push(r[0].to_string());
            }
        }
        assert_eq!(seen, ["企业0", "企业1", "企业2", "企业3", "企业4"], "every line once, in order");
    }

    #[test]
    fn an_empty_file_still_has_its_header() {
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(written(&[], true, 2))).expect("xlsx");
        assert_eq!(wb.sheet_names(), ["培训记录"]);
        assert_eq!(wb.worksheet_range("培训记录").expect("sheet").height(), 1);
        let csv = written(&[record(0)], false, 2);
        let rows = crate::base::table::read_csv(&csv, 10).expect("csv");
        assert_eq!(rows[0], RECORDS_HEADER.map(String::from).to_vec());
        assert_eq!(rows[1], record(0), "CSV keeps every line whole, one sheet or not");
    }
}
