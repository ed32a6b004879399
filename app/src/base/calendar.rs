//! Deadlines in calendar or working days, in China Standard Time (UTC+8, no daylight saving).
//! Pure code: the holiday calendar is passed in, so the rules are unit-tested as case tables and
//! the same arithmetic serves the server, the CLI and the pages.
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const CST_OFFSET: i64 = 8 * 3600;
const DAY: i64 = 86_400;

/// `YYYY-MM-DD` with a real month and day, any year: the one date parser (the report form
/// checks the range itself, to say "not in the future" rather than "not a date").
pub fn parse_ymd(s: &str) -> Option<(i64, u32, u32)> {
    let s = s.trim();
    let b = s.as_bytes();
    // ASCII digits in place (also keeps the slicing below on character boundaries; "+024" would
    // otherwise parse as a number).
    let shape = b.len() == 10 && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !shape {
        return None;
    }
    let y: i64 = s[0..4].parse().ok()?;
    let m: u32 = s[5..7].parse().ok()?;
    let d: u32 = s[8..10].parse().ok()?;
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some((y, m, d))
}

/// A civil date as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

impl Day {
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Day> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || !(1900..=2200).contains(&y) {
            return None;
        }
        // Days from civil (proleptic Gregorian), after H. Hinnant's public-domain algorithm.
        let y2 = if m <= 2 { y - 1 } else { y };
        let era = y2.div_euclid(400);
        let yoe = y2 - era * 400;
        let mp = (i64::from(m) + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146_097 + doe - 719_468))
    }

    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d)
    }

    /// `YYYY-MM-DD`, strictly, within the calendar's years (1900–2200).
    pub fn parse(s: &str) -> Option<Day> {
        let (y, m, d) = parse_ymd(s)?;
        Day::from_ymd(y, m, d)
    }

    /// The China-time date of a Unix timestamp.
    pub fn of_timestamp(ts: i64) -> Day {
        Day((ts + CST_OFFSET).div_euclid(DAY))
    }

    /// 00:00:00 China time on this day.
    pub fn start_timestamp(self) -> i64 {
        self.0 * DAY - CST_OFFSET
    }

    /// 23:59:59 China time on this day.
    pub fn end_timestamp(self) -> i64 {
        (self.0 + 1) * DAY - CST_OFFSET - 1
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    pub fn weekday(self) -> i64 {
        (self.0 + 3).rem_euclid(7)
    }

    pub fn is_weekend(self) -> bool {
        self.weekday() >= 5
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Public holidays and make-up working days (调休); every other day follows the week.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    /// true = day off (holiday), false = working day (调休 weekend day).
    overrides: BTreeMap<Day, bool>,
}

impl Calendar {
    /// From `(YYYY-MM-DD, "off" | "work")` rows; malformed rows are skipped (they cannot be
    /// stored: the admin form and the table check them).
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str)>) -> Calendar {
        let mut overrides = BTreeMap::new();
        for (day, kind) in rows {
            if let Some(d) = Day::parse(day) {
                match kind {
                    "off" => {
                        overrides.insert(d, true);
                    }
                    "work" => {
                        overrides.insert(d, false);
                    }
                    _ => {}
                }
            }
        }
        Calendar { overrides }
    }

    pub fn is_working_day(&self, d: Day) -> bool {
        match self.overrides.get(&d) {
            Some(off) => !off,
            None => !d.is_weekend(),
        }
    }
}

crate::base::enum_with_all! {
    /// The clocks of the workflow (domain-rules §4.2).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Stage {
        /// From receipt to the acceptance decision.
        Acceptance,
        /// From receipt to the transfer out of a case outside the bureau's remit.
        Transfer,
        /// From acceptance to the reply (verification and handling included).
        Verification,
        /// From the reply: the reporter's objection window.
        Objection,
        /// From the escalation of an objection to the review result.
        Review,
        /// From the reward notice: the claim window.
        Claim,
    }
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Acceptance => "acceptance",
            Stage::Transfer => "transfer",
            Stage::Verification => "verification",
            Stage::Objection => "objection",
            Stage::Review => "review",
            Stage::Claim => "claim",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s.trim())
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Length of each stage and whether it counts working days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRules {
    pub days: [i64; 6],
    pub working: [bool; 6],
    /// The longest extension of the verification stage (核查 +≤30 days).
    pub extension_max_days: i64,
    /// A deadline this many days ahead or fewer counts as "due soon".
    pub due_soon_days: i64,
}

impl Default for DeadlineRules {
    /// Acceptance 5 working days, transfer 5 working days, verification 60, objection 10,
    /// review 30, claim 60 calendar days; extensions up to 30 days.
    fn default() -> Self {
        DeadlineRules {
            days: [5, 5, 60, 10, 30, 60],
            working: [true, true, false, false, false, false],
            extension_max_days: 30,
            due_soon_days: 3,
        }
    }
}

impl DeadlineRules {
    pub fn days(&self, stage: Stage) -> i64 {
        self.days[stage.index()]
    }

    pub fn counts_working_days(&self, stage: Stage) -> bool {
        self.working[stage.index()]
    }

    pub fn set(&mut self, stage: Stage, days: i64, working: bool) {
        self.days[stage.index()] = days;
        self.working[stage.index()] = working;
    }

    /// The deadline of `stage` started at `start` (Unix seconds): the end (23:59:59 China time)
    /// of the n-th calendar or working day after the start day, the start day not counted.
    pub fn deadline(&self, cal: &Calendar, stage: Stage, start: i64) -> i64 {
        add_days(cal, Day::of_timestamp(start), self.days(stage), self.counts_working_days(stage)).end_timestamp()
    }
}

/// The day `n` calendar or working days after `from` (not counted). n ≤ 0 gives `from`.
pub fn add_days(cal: &Calendar, from: Day, n: i64, working: bool) -> Day {
    if !working {
        return Day(from.0 + n.max(0));
    }
    let mut d = from;
    let mut left = n.max(0);
    // A calendar with every day off cannot loop forever: stop after ten years.
    let limit = from.0 + 3650;
    while left > 0 && d.0 < limit {
        d = Day(d.0 + 1);
        if cal.is_working_day(d) {
            left -= 1;
        }
    }
    d
}

/// Badge of an open deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Urgency {
    Overdue,
    DueSoon,
    OnTime,
}

pub fn urgency(due_at: i64, now: i64, due_soon_days: i64) -> Urgency {
    if due_at < now {
        Urgency::Overdue
    } else if due_at - now <= due_soon_days * DAY {
        Urgency::DueSoon
    } else {
        Urgency::OnTime
    }
}

/// The holiday calendar as the bureau keeps it in the database.
#[cfg(feature = "ssr")]
pub async fn load_calendar<'e, E>(ex: E) -> Result<Calendar, super::errors::AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows: Vec<(String, String)> = sqlx::query_as("select day, kind from holidays").fetch_all(ex).await?;
    Ok(Calendar::from_rows(rows.iter().map(|(d, k)| (d.as_str(), k.as_str()))))
}

/// When `stage`, started at `start` (Unix seconds), is due, on the stored calendar.
#[cfg(feature = "ssr")]
pub async fn deadline(
    db: &super::db::Db,
    rules: &DeadlineRules,
    stage: Stage,
    start: i64,
) -> Result<i64, super::errors::AppError> {
    Ok(rules.deadline(&load_calendar(&db.pool).await?, stage, start))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 2025 National Day + Mid-Autumn holiday: 1–8 October off, Sunday 28 September and
    /// Saturday 11 October worked (调休).
    fn cal_2025() -> Calendar {
        let mut rows = vec![("2025-09-28", "work"), ("2025-10-11", "work")];
        let days: Vec<String> = (1..=8).map(|d| format!("2025-10-{d:02}")).collect();
        rows.extend(days.iter().map(|d| (d.as_str(), "off")));
        Calendar::from_rows(rows)
    }

    fn d(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    #[test]
    fn civil_dates_round_trip() {
        for s in ["1970-01-01", "2000-02-29", "2025-10-01", "2026-12-31", "2100-03-01"] {
            assert_eq!(d(s).to_string(), s);
        }
        assert_eq!(d("1970-01-01").0, 0);
        assert_eq!(d("2025-10-01").weekday(), 2); // Wednesday
        for bad in ["2025-02-29", "2025-13-01", "2025-1-01", "20250101", "", "2025-00-10", "abcd-ef-gh"] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn working_day_case_table() {
        let cal = cal_2025();
        let plain = Calendar::default();
        // (start, n, working, calendar, expected)
        let cases: &[(&str, i64, bool, &Calendar, &str)] = &[
            // Friday + 5 working days across the holiday, counting the 调休 Sunday 28 Sep.
            ("2025-09-26", 5, true, &cal, "2025-10-10"),
            // The same without a holiday calendar: the next Friday.
            ("2025-09-26", 5, true, &plain, "2025-10-03"),
            // Thursday after the holiday: the 调休 Saturday 11 Oct counts.
            ("2025-10-09", 5, true, &cal, "2025-10-15"),
            // Received on a holiday: counting starts with the first working day after it.
            ("2025-10-03", 1, true, &cal, "2025-10-09"),
            // Calendar days ignore holidays.
            ("2025-09-26", 60, false, &cal, "2025-11-25"),
            ("2025-09-30", 10, false, &cal, "2025-10-10"),
            // Weekend start without holidays.
            ("2025-11-15", 1, true, &plain, "2025-11-17"),
            ("2025-11-14", 0, true, &plain, "2025-11-14"),
        ];
        for (start, n, working, c, want) in cases {
            assert_eq!(add_days(c, d(start), *n, *working).to_string(), *want, "{start} + {n} working={working}");
        }
    }

    #[test]
    fn deadlines_end_at_midnight_china_time() {
        let cal = cal_2025();
        let rules = DeadlineRules::default();
        // 2025-09-26 10:00 China time = 02:00 UTC.
        let start = d("2025-09-26").0 * DAY + 2 * 3600;
        let due = rules.deadline(&cal, Stage::Acceptance, start);
        assert_eq!(Day::of_timestamp(due).to_string(), "2025-10-10");
        assert_eq!(Day::of_timestamp(due + 1).to_string(), "2025-10-11");
        // 23:30 China time on 9-26 is 15:30 UTC, still the 26th in China.
        let late = d("2025-09-26").0 * DAY + 15 * 3600 + 30 * 60;
        assert_eq!(Day::of_timestamp(late).to_string(), "2025-09-26");
        let v = rules.deadline(&cal, Stage::Verification, start);
        assert_eq!(Day::of_timestamp(v).to_string(), "2025-11-25");
    }

    #[test]
    fn urgency_badges() {
        let now = 1_000_000;
        assert_eq!(urgency(now - 1, now, 3), Urgency::Overdue);
        assert_eq!(urgency(now + 3 * DAY, now, 3), Urgency::DueSoon);
        assert_eq!(urgency(now + 3 * DAY + 1, now, 3), Urgency::OnTime);
    }

    #[test]
    fn all_days_off_terminates() {
        let rows: Vec<String> = (0..4000).map(|i| Day(20_000 + i).to_string()).collect();
        let cal = Calendar::from_rows(rows.iter().map(|s| (s.as_str(), "off")));
        let got = add_days(&cal, Day(20_000), 5, true);
        assert_eq!(got.0, 20_000 + 3650);
    }
}
