//! Training (安全培训, issue 15): enterprises' employees, on-site sessions and attendance, required
//! hours and certificates. Built on accounts, org, audit and ui only (docs/architecture.md).
//!
//! - `rules`: required hours by category, sector and year, the training that counts, certificate
//!   reviews and expiry (pure, case-table tested);
//! - this file: what the enterprise safety manager's forms send, checked (pure), and the shapes
//!   the pages show;
//! - `ssr`: storage, scoped to the manager's own enterprise; `api`: the server functions;
//!   `pages`: the manager's pages (`/training/enterprise/…`);
//! - `officers` (with `officer_store`, `officer_api`, `officer_pages`): the disaster information
//!   officers of the three levels, their trainings and the coverage the bureau reports;
//! - `enterprises` (with `enterprises_page`): the training administrator's enterprises and their
//!   safety managers' accounts.
//! - `sign_in_import` (with `sign_in_page`): a session's attendance from a sign-in sheet file.
use crate::base::calendar::Day;
use crate::base::table::{dangerous_cell, ImportReport, LineError};
use crate::base::validate::FieldErrors;
use rules::{Category, HoursState, Phase};
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod certs;
pub mod classroom;
pub mod classroom_api;
pub mod classroom_pages;
#[cfg(feature = "ssr")]
pub mod classroom_http;
#[cfg(feature = "ssr")]
pub mod classroom_store;
pub mod course_pages;
pub mod district;
pub mod district_page;
pub mod enterprises;
pub mod enterprises_page;
#[cfg(feature = "ssr")]
pub mod export;
pub mod officer_api;
pub mod officer_pages;
#[cfg(feature = "ssr")]
pub mod officer_store;
pub mod officers;
pub mod pages;
pub mod record_pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod session_store;
pub mod sheet;
#[cfg(feature = "ssr")]
pub mod sign_in_import;
pub mod sign_in_page;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
pub mod xapi;
#[cfg(test)]
mod tests;

pub const NAME_MAX: usize = 50;
pub const CONTACT_MAX: usize = 60;
pub const TITLE_MAX: usize = 100;
pub const TRAINER_MAX: usize = 50;
pub const MATERIAL_MAX: usize = 500;
/// 学时 of one session: more than a fortnight of full days is a typing error.
pub const SESSION_HOURS_MAX: u32 = 120;
/// Employees one enterprise may keep (a ceiling against runaway imports, not a business rule).
pub const EMPLOYEES_MAX: i64 = 20_000;
/// The earliest day anyone can have taken a post that still matters.
pub const EARLIEST_HIRE: &str = "1950-01-01";

/// Who a session is for: everyone, or one category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    All,
    Only(Category),
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::All => "all",
            Audience::Only(c) => c.as_str(),
        }
    }
    pub fn parse(s: &str) -> Option<Audience> {
        if s == "all" {
            Some(Audience::All)
        } else {
            Category::parse(s).map(Audience::Only)
        }
    }
}

/// Initial (岗前/初次) or refresher (再培训) training, as the session is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionPhase {
    Initial,
    Refresher,
}

impl SessionPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionPhase::Initial => "initial",
            SessionPhase::Refresher => "refresher",
        }
    }
    pub fn parse(s: &str) -> Option<SessionPhase> {
        [SessionPhase::Initial, SessionPhase::Refresher].into_iter().find(|p| p.as_str() == s)
    }
}

/// An employee as the enterprise keeps them (no national ID number: it is not needed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employee {
    pub id: i64,
    pub name: String,
    pub category: Category,
    /// YYYY-MM-DD
    pub hired_on: String,
    pub contact: String,
    pub active: bool,
    /// The username of their own portal account, if linked.
    pub account: String,
}

/// A checked employee form (or import line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidEmployee {
    pub name: String,
    pub category: Category,
    pub hired_on: Day,
    pub contact: String,
}

/// Check an employee: a name, a known category, the day they took the post (a real date, not
/// in the future, not before 1950), a contact of at most `CONTACT_MAX` characters.
pub fn validate_employee(name: &str, category: &str, hired_on: &str, contact: &str, today: Day) -> Result<ValidEmployee, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = name.trim();
    e.text("name", name, 1, NAME_MAX);
    let category = Category::parse(category.trim());
    if category.is_none() {
        e.push("category", "required");
    }
    let hired = hired_on.trim();
    let day = Day::parse(hired);
    match day {
        None if hired.is_empty() => e.push("hired_on", "required"),
        None => e.push("hired_on", "date_invalid"),
        Some(d) if d > today => e.push("hired_on", "date_in_future"),
        Some(d) if Day::parse(EARLIEST_HIRE).is_some_and(|min| d < min) => e.push("hired_on", "date_invalid"),
        Some(_) => {}
    }
    let contact = contact.trim();
    e.text("contact", contact, 0, CONTACT_MAX);
    e.or(())?;
    Ok(ValidEmployee {
        name: name.to_string(),
        category: category.unwrap_or(Category::Other),
        hired_on: day.unwrap_or(today),
        contact: contact.to_string(),
    })
}

/// 学时 as typed: a positive number with at most one decimal ("2", "1.5"), in minutes.
pub fn parse_hours(text: &str, minutes_per_hour: u32) -> Result<u32, &'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Err("required");
    }
    let (whole, tenth) = match t.split_once('.') {
        Some((w, f)) if f.len() == 1 => (w, f),
        Some(_) => return Err("hours_invalid"),
        None => (t, "0"),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !tenth.bytes().all(|b| b.is_ascii_digit()) || whole.len() > 4 {
        return Err("hours_invalid");
    }
    let tenths: u32 = whole.parse::<u32>().map_err(|_| "hours_invalid")? * 10 + tenth.parse::<u32>().map_err(|_| "hours_invalid")?;
    if tenths == 0 {
        return Err("hours_invalid");
    }
    if tenths > SESSION_HOURS_MAX * 10 {
        return Err("hours_too_many");
    }
    Ok((tenths * minutes_per_hour + 5) / 10)
}

/// What every training of the district records, an enterprise's session and a training of
/// disaster information officers alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingFields {
    pub title: String,
    pub minutes: u32,
    pub held_on: Day,
    pub trainer: String,
    pub material: String,
}

/// Check the fields every training shares, pushing errors into `e` in the form's order: a title,
/// 学时, a day, a trainer, optional material. A training may be recorded ahead of its day
/// (attendance waits for it); one dated before 1950 or more than a year ahead is a typing error.
/// The values returned are only meaningful when `e` stayed empty.
#[allow(clippy::too_many_arguments)]
pub fn check_training_fields(
    e: &mut FieldErrors,
    title: &str,
    hours: &str,
    held_on: &str,
    trainer: &str,
    material: &str,
    minutes_per_hour: u32,
    today: Day,
) -> TrainingFields {
    let title = title.trim();
    e.text("title", title, 2, TITLE_MAX);
    let minutes = parse_hours(hours, minutes_per_hour).map_err(|code| e.push("hours", code)).ok();
    let held = held_on.trim();
    let day = Day::parse(held);
    match day {
        None if held.is_empty() => e.push("held_on", "required"),
        None => e.push("held_on", "date_invalid"),
        Some(d) if d.0 > today.0 + 366 || Day::parse(EARLIEST_HIRE).is_some_and(|min| d < min) => e.push("held_on", "date_invalid"),
        Some(_) => {}
    }
    let trainer = trainer.trim();
    e.text("trainer", trainer, 1, TRAINER_MAX);
    let material = material.trim();
    e.text("material", material, 0, MATERIAL_MAX);
    TrainingFields {
        title: title.to_string(),
        minutes: minutes.unwrap_or(0),
        held_on: day.unwrap_or(today),
        trainer: trainer.to_string(),
        material: material.to_string(),
    }
}

/// A checked session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidSession {
    pub title: String,
    pub audience: Audience,
    pub phase: SessionPhase,
    pub minutes: u32,
    pub held_on: Day,
    pub trainer: String,
    pub material: String,
}

/// Check a session form: the fields of every training (`check_training_fields`), and whom it is
/// for and whether it is initial or refresher training.
#[allow(clippy::too_many_arguments)]
pub fn validate_session(
    title: &str,
    audience: &str,
    phase: &str,
    hours: &str,
    held_on: &str,
    trainer: &str,
    material: &str,
    minutes_per_hour: u32,
    today: Day,
) -> Result<ValidSession, FieldErrors> {
    let mut e = FieldErrors::default();
    let f = check_training_fields(&mut e, title, hours, held_on, trainer, material, minutes_per_hour, today);
    let mut own = FieldErrors::default();
    let audience = Audience::parse(audience.trim());
    if audience.is_none() {
        own.push("audience", "required");
    }
    let phase = SessionPhase::parse(phase.trim());
    if phase.is_none() {
        own.push("phase", "required");
    }
    // In the form's order: audience and phase come right after the title.
    let at = e.0.iter().take_while(|x| x.field == "title").count();
    e.0.splice(at..at, own.0);
    e.or(())?;
    Ok(ValidSession {
        title: f.title,
        audience: audience.unwrap_or(Audience::All),
        phase: phase.unwrap_or(SessionPhase::Refresher),
        minutes: f.minutes,
        held_on: f.held_on,
        trainer: f.trainer,
        material: f.material,
    })
}

/// The special-operation types (特种作业目录, 应急管理部) by code.
pub const OPERATIONS: [&str; 10] = [
    "electrician",
    "welding",
    "height",
    "refrigeration",
    "coal_mine",
    "metal_mine",
    "oil_gas",
    "metallurgy",
    "hazardous_chemicals",
    "fireworks",
];
pub const CERT_NUMBER_MAX: usize = 30;
/// The earliest day of issue a special-operation certificate still on record can have.
pub const EARLIEST_CERTIFICATE: &str = "1990-01-01";

/// A checked special-operation certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidOpCertificate {
    pub employee_id: i64,
    pub operation: &'static str,
    pub number: String,
    pub issued_on: Day,
    pub reviews: Vec<Day>,
}

fn check_day(e: &mut FieldErrors, field: &str, text: &str, after: Option<Day>, today: Day) -> Option<Day> {
    let earliest = Day::parse(EARLIEST_CERTIFICATE);
    match Day::parse(text.trim()) {
        None if text.trim().is_empty() => e.push(field, "required"),
        None => e.push(field, "date_invalid"),
        Some(d) if d > today => e.push(field, "date_in_future"),
        Some(d) if earliest.is_some_and(|min| d < min) || after.is_some_and(|a| d <= a) => e.push(field, "date_out_of_range"),
        Some(d) => return Some(d),
    }
    None
}

/// Check a special-operation certificate: an employee, a known operation, a card number of 4–30
/// letters, digits and dashes, the day of issue (not in the future, not before 1990), and the
/// reviews done (dates after the issue, separated by commas or spaces).
pub fn validate_op_certificate(employee: &str, operation: &str, number: &str, issued_on: &str, reviews: &str, today: Day) -> Result<ValidOpCertificate, FieldErrors> {
    let mut e = FieldErrors::default();
    let employee_id = employee.trim().parse::<i64>().ok();
    if employee_id.is_none() {
        e.push("employee", "required");
    }
    let operation = OPERATIONS.iter().copied().find(|o| *o == operation.trim());
    if operation.is_none() {
        e.push("operation", "required");
    }
    let number = number.trim().to_uppercase();
    if number.is_empty() {
        e.push("number", "required");
    } else if !(4..=CERT_NUMBER_MAX).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        e.push("number", "certificate_number_invalid");
    }
    let issued = check_day(&mut e, "issued_on", issued_on, None, today);
    let mut days = Vec::new();
    for part in reviews.split([',', '，', ';', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
        let before = e.0.len();
        if let Some(d) = check_day(&mut e, "reviews", part, issued, today) {
            days.push(d);
        }
        if e.0.len() > before {
            break;
        }
    }
    days.sort_unstable();
    days.dedup();
    e.or(())?;
    Ok(ValidOpCertificate {
        employee_id: employee_id.unwrap_or(0),
        operation: operation.unwrap_or(OPERATIONS[0]),
        number,
        issued_on: issued.unwrap_or(today),
        reviews: days,
    })
}

/// A special-operation certificate with its standing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpCertificate {
    pub id: i64,
    pub employee: String,
    pub operation: String,
    pub number: String,
    pub issued_on: String,
    pub reviews: Vec<String>,
    pub expires: String,
    pub next_review: Option<String>,
    pub state: rules::CertState,
}

/// The manager's certificates page: special-operation certificates (those needing attention
/// first), the employees to choose from, and the certificates the portal issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificatesView {
    pub operations: Vec<OpCertificate>,
    pub employees: Vec<(i64, String)>,
    pub issued: Vec<crate::certificates::Certificate>,
}

/// One session an employee attended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attended {
    pub held_on: String,
    pub title: String,
    pub hours: String,
}

/// An employee's own record (`/training/me`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyRecord {
    pub name: String,
    pub enterprise: String,
    pub category: Category,
    /// This year's requirement and what counts towards it (none before the year of hiring).
    pub standing: Option<ComplianceLine>,
    pub attended: Vec<Attended>,
    /// Network-classroom courses completed (the day, the course, its hours).
    pub courses: Vec<Attended>,
    /// Contests whose valid result counted as training (the day, the contest, its hours).
    pub contests: Vec<Attended>,
    pub certificates: Vec<crate::certificates::Certificate>,
}

/// The manager's employee page, with the report of the import just made (shown once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseStaff {
    pub enterprise: String,
    pub credit_code: String,
    pub high_risk: bool,
    pub employees: Vec<Employee>,
    pub report: Option<ImportReport>,
}

/// Lines in one employee file, at most; and bytes.
pub const IMPORT_ROWS_MAX: usize = 5_000;
pub const IMPORT_FILE_MAX: usize = 5 * 1024 * 1024;
/// Line errors a report lists.
pub const IMPORT_ERRORS_SHOWN: usize = 200;

/// The columns of an employee file, by the header names they are known by (Chinese or English).
pub const IMPORT_COLUMNS: [(&str, &[&str]); 4] = [
    ("name", &["姓名", "name"]),
    ("category", &["人员类别", "类别", "category"]),
    ("hired_on", &["上岗日期", "入职日期", "hired_on", "hired on", "hire date"]),
    ("contact", &["联系方式", "电话", "contact", "phone"]),
];

/// The template's header line.
pub fn import_template() -> Vec<&'static str> {
    IMPORT_COLUMNS.iter().map(|(_, names)| names[0]).collect()
}

/// A category as written in a file: its code, or its Chinese name.
pub fn parse_category(text: &str) -> Option<Category> {
    let t = text.trim();
    Category::parse(t).or(match t {
        "主要负责人" => Some(Category::Principal),
        "安全生产管理人员" | "安全管理人员" => Some(Category::SafetyManager),
        "特种作业人员" => Some(Category::SpecialOperation),
        "其他从业人员" | "从业人员" | "其他" => Some(Category::Other),
        _ => None,
    })
}

/// A date as spreadsheets write it: 2024-03-01, 2024/3/1, 2024.3.1, or an Excel day number.
pub fn parse_sheet_date(text: &str) -> String {
    let t = text.trim();
    if t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit()) {
        // Excel counts days from 1899-12-30; 25569 is 1970-01-01.
        return t.parse::<i64>().map(|n| Day(n - 25_569).to_string()).unwrap_or_default();
    }
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    match parts[..] {
        [y, m, d] if y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()) => format!("{y}-{m:0>2}-{d:0>2}"),
        _ => t.to_string(),
    }
}

/// An employee read from a file, with its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadEmployee {
    pub line: usize,
    pub employee: ValidEmployee,
}

/// The rows of an employee file (the header first) as employees or line errors: every column
/// known and none twice, every cell free of formulas and markup, each line a valid employee, no
/// person (name and day of taking the post) twice. Blank lines are skipped.
pub fn read_employees(rows: Vec<Vec<String>>, today: Day) -> Result<Vec<Result<ReadEmployee, Vec<LineError>>>, String> {
    let mut it = rows.into_iter();
    let header = it.next().ok_or_else(|| "wrong_columns".to_string())?;
    let mut cols: Vec<&'static str> = Vec::new();
    for h in &header {
        let h = h.trim().to_lowercase();
        let Some((field, _)) = IMPORT_COLUMNS.iter().find(|(_, names)| names.iter().any(|n| n.to_lowercase() == h)) else {
            return Err("wrong_columns".into());
        };
        if cols.contains(field) {
            return Err("wrong_columns".into());
        }
        cols.push(field);
    }
    if !["name", "category", "hired_on"].iter().all(|f| cols.contains(f)) {
        return Err("wrong_columns".into());
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (i, cells) in it.enumerate() {
        let line = i + 2;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let err = |field: &str, code: &str| LineError { line, field: field.into(), code: code.into() };
        let mut errors: Vec<LineError> = Vec::new();
        if cells.len() > cols.len() && cells[cols.len()..].iter().any(|c| !c.trim().is_empty()) {
            errors.push(err("line", "extra_cells"));
        }
        let cell = |f: &str| cols.iter().position(|c| *c == f).and_then(|i| cells.get(i)).map(String::as_str).unwrap_or("");
        for f in cols.iter() {
            if let Some(code) = dangerous_cell(cell(f)) {
                errors.push(err(f, code));
            }
        }
        if !errors.is_empty() {
            out.push(Err(errors));
            continue;
        }
        let category = parse_category(cell("category")).map(Category::as_str).unwrap_or("");
        match validate_employee(cell("name"), category, &parse_sheet_date(cell("hired_on")), cell("contact"), today) {
            Err(fe) => out.push(Err(fe.0.into_iter().map(|f| err(&f.field, &f.code)).collect())),
            Ok(v) if !seen.insert((v.name.clone(), v.hired_on)) => out.push(Err(vec![err("name", "employee_repeated")])),
            Ok(employee) => out.push(Ok(ReadEmployee { line, employee })),
        }
    }
    Ok(out)
}

/// A session in the manager's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: i64,
    pub title: String,
    pub audience: Audience,
    pub phase: SessionPhase,
    pub minutes: u32,
    /// 学时, to one decimal.
    pub hours: String,
    pub held_on: String,
    pub trainer: String,
    pub material: String,
    pub attendees: i64,
}

/// One employee on a session's attendance sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetLine {
    pub employee_id: i64,
    pub name: String,
    pub category: Category,
    pub attended: bool,
}

/// A session with its attendance sheet (every active employee, and anyone inactive who attended).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSheet {
    pub session: Session,
    /// False while the session's day is still ahead: nobody can have attended yet.
    pub open: bool,
    pub lines: Vec<SheetLine>,
    /// The report of the sign-in sheet just imported into it (shown once).
    pub report: Option<ImportReport>,
}

/// One employee's standing for the year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceLine {
    pub employee_id: i64,
    pub name: String,
    pub category: Category,
    pub phase: Phase,
    pub required_hours: String,
    pub done_hours: String,
    pub shortfall_hours: String,
    /// The day by which the hours are due (YYYY-MM-DD).
    pub due: String,
    pub state: HoursState,
}

/// An enterprise's compliance for one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compliance {
    pub enterprise: String,
    pub high_risk: bool,
    pub year: i64,
    pub lines: Vec<ComplianceLine>,
    /// Employees with a requirement this year, and those who met it.
    pub counted: i64,
    pub met: i64,
    /// met ÷ counted, in per cent (100 when nobody owes anything).
    pub percent: i64,
}

/// Whole per cent of `part` in `whole`, rounded down; 100 for an empty whole.
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        100
    } else {
        part.clamp(0, whole) * 100 / whole
    }
}
