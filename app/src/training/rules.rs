//! Required training hours and certificate reviews (pure; issue 15). The figures are those of
//! 《生产经营单位安全培训规定》 (原国家安监总局令第3号, as amended 2015; ../shared/reference/domain-rules.md
//! §7) and every one is a setting, so a district can follow its province:
//!
//! | person | initial | yearly |
//! |---|---:|---:|
//! | principal leader (主要负责人), safety manager (安全管理人员) | 32 学时 (48 in a high-risk sector) | 12 (16) |
//! | other workers, special-operation workers (特种作业人员) | 24 before starting work (72) | 8 (20) |
//!
//! The yearly 8 for ordinary workers is not set by the national rule but widely quoted; the
//! length of one 学时 is not fixed nationally either, so hours are kept in minutes and converted
//! with `minutes_per_hour` (45 by default). Managers outside the high-risk sectors must be trained
//! within 6 months of taking the post; new workers before they start. A special-operation
//! certificate is valid 6 years with a review every 3.
//!
//! Windows (a design choice, so that no training counts twice): the initial requirement counts
//! training in the 12 months up to its due date; the yearly requirement of a later year counts
//! training from 1 January (or the day after the initial due date, if later) to 31 December.
use crate::base::calendar::Day;
use serde::{Deserialize, Serialize};

/// Who the hours apply to (domain-rules §7.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 主要负责人
    Principal,
    /// 安全生产管理人员
    SafetyManager,
    /// 特种作业人员
    SpecialOperation,
    /// 其他从业人员
    Other,
}

impl Category {
    pub const ALL: [Category; 4] = [Category::Principal, Category::SafetyManager, Category::SpecialOperation, Category::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Principal => "principal",
            Category::SafetyManager => "safety_manager",
            Category::SpecialOperation => "special_operation",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Principal leaders and safety managers: the managers' hours and the 6-month allowance.
    pub fn is_manager(self) -> bool {
        matches!(self, Category::Principal | Category::SafetyManager)
    }
}

/// The district's hour and certificate settings; `Default` is the national rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HourRules {
    pub manager_initial: u32,
    pub manager_initial_high_risk: u32,
    pub manager_yearly: u32,
    pub manager_yearly_high_risk: u32,
    pub worker_initial: u32,
    pub worker_initial_high_risk: u32,
    pub worker_yearly: u32,
    pub worker_yearly_high_risk: u32,
    /// Months a new manager has to complete the initial training.
    pub manager_months: u32,
    /// Minutes in one 学时.
    pub minutes_per_hour: u32,
    pub certificate_valid_years: u32,
    pub certificate_review_years: u32,
    /// How many days ahead a due review or an expiry is flagged.
    pub warn_days: i64,
}

impl Default for HourRules {
    fn default() -> Self {
        HourRules {
            manager_initial: 32,
            manager_initial_high_risk: 48,
            manager_yearly: 12,
            manager_yearly_high_risk: 16,
            worker_initial: 24,
            worker_initial_high_risk: 72,
            worker_yearly: 8,
            worker_yearly_high_risk: 20,
            manager_months: 6,
            minutes_per_hour: 45,
            certificate_valid_years: 6,
            certificate_review_years: 3,
            warn_days: 90,
        }
    }
}

impl HourRules {
    /// The first setting out of range, by name: hours 0–500, a 学时 of 30–60 minutes, 0–24
    /// months, a certificate valid 1–20 years and reviewed at most that often, warnings 0–365 days.
    pub fn check(&self) -> Result<(), &'static str> {
        let hours = [
            (self.manager_initial, "manager_initial"),
            (self.manager_initial_high_risk, "manager_initial_high_risk"),
            (self.manager_yearly, "manager_yearly"),
            (self.manager_yearly_high_risk, "manager_yearly_high_risk"),
            (self.worker_initial, "worker_initial"),
            (self.worker_initial_high_risk, "worker_initial_high_risk"),
            (self.worker_yearly, "worker_yearly"),
            (self.worker_yearly_high_risk, "worker_yearly_high_risk"),
        ];
        if let Some(name) = hours.iter().find(|(h, _)| *h > 500).map(|(_, name)| *name) {
            return Err(name);
        }
        if !(30..=60).contains(&self.minutes_per_hour) {
            return Err("minutes_per_hour");
        }
        if self.manager_months > 24 {
            return Err("manager_months");
        }
        if !(1..=20).contains(&self.certificate_valid_years) {
            return Err("certificate_valid_years");
        }
        if !(1..=self.certificate_valid_years).contains(&self.certificate_review_years) {
            return Err("certificate_review_years");
        }
        if !(0..=365).contains(&self.warn_days) {
            return Err("warn_days");
        }
        Ok(())
    }
}

/// The day `n` months after `d` (the last day of a shorter month: 31 August + 6 months is
/// 28 or 29 February).
pub fn add_months(d: Day, n: i64) -> Day {
    let (y, m, day) = d.ymd();
    let total = y * 12 + i64::from(m) - 1 + n;
    let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
    (day.min(28)..=day)
        .rev()
        .find_map(|dd| Day::from_ymd(ny, nm, dd))
        // Outside the calendar's years (1900–2200): about right is enough for a warning.
        .unwrap_or(Day(d.0 + n * 30))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// 岗前 / initial training, in the year the person took the post.
    Initial,
    /// 年度再培训, every later year.
    Yearly,
}

/// What one person owes in one calendar year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub phase: Phase,
    /// 学时 required.
    pub hours: u32,
    /// Training dated from `from` to `due`, both included, counts.
    pub from: Day,
    pub due: Day,
}

/// The requirement of a person of `category`, in a high-risk sector or not, who took the post on
/// `hired`, for calendar `year`; none before the year they were hired.
pub fn requirement(r: &HourRules, category: Category, high_risk: bool, hired: Day, year: i64) -> Option<Requirement> {
    let hired_year = hired.ymd().0;
    let manager = category.is_manager();
    let initial_due = if manager { add_months(hired, i64::from(r.manager_months)) } else { hired };
    if year < hired_year {
        return None;
    }
    if year == hired_year {
        let hours = match (manager, high_risk) {
            (true, false) => r.manager_initial,
            (true, true) => r.manager_initial_high_risk,
            (false, false) => r.worker_initial,
            (false, true) => r.worker_initial_high_risk,
        };
        return Some(Requirement { phase: Phase::Initial, hours, from: Day(add_months(initial_due, -12).0 + 1), due: initial_due });
    }
    let jan1 = Day::from_ymd(year, 1, 1)?;
    let dec31 = Day::from_ymd(year, 12, 31)?;
    let from = jan1.max(Day(initial_due.0 + 1));
    if from > dec31 {
        return None;
    }
    let hours = match (manager, high_risk) {
        (true, false) => r.manager_yearly,
        (true, true) => r.manager_yearly_high_risk,
        (false, false) => r.worker_yearly,
        (false, true) => r.worker_yearly_high_risk,
    };
    Some(Requirement { phase: Phase::Yearly, hours, from, due: dec31 })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoursState {
    /// Enough hours in the window.
    Met,
    /// Not yet enough, and the due date has not passed.
    Open,
    /// Not enough, and the due date has passed: a shortfall to make up.
    Overdue,
}

/// A requirement against the training done: in minutes, so that nothing is lost to rounding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub required_minutes: u32,
    pub done_minutes: u32,
    pub shortfall_minutes: u32,
    pub due: Day,
    pub state: HoursState,
}

/// Count `trainings` (day attended, minutes credited) within the requirement's window and up
/// to `today` (nothing in the future counts).
pub fn standing(r: &HourRules, req: &Requirement, trainings: &[(Day, u32)], today: Day) -> Standing {
    let required = req.hours.saturating_mul(r.minutes_per_hour);
    let done = trainings
        .iter()
        .filter(|(d, _)| *d >= req.from && *d <= req.due && *d <= today)
        .fold(0u32, |sum, (_, m)| sum.saturating_add(*m));
    let shortfall = required.saturating_sub(done);
    let state = if shortfall == 0 {
        HoursState::Met
    } else if today > req.due {
        HoursState::Overdue
    } else {
        HoursState::Open
    };
    Standing { required_minutes: required, done_minutes: done, shortfall_minutes: shortfall, due: req.due, state }
}

/// 学时 of `minutes` as shown: "4", "1.5".
pub fn hours_text(r: &HourRules, minutes: u32) -> String {
    let s = format!("{:.1}", hours_of(r, minutes));
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// 学时 from minutes, to one decimal (for display).
pub fn hours_of(r: &HourRules, minutes: u32) -> f64 {
    (f64::from(minutes) / f64::from(r.minutes_per_hour.max(1)) * 10.0).round() / 10.0
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertState {
    Valid,
    /// A review falls due within `warn_days`.
    ReviewSoon,
    /// A review date has passed without a review.
    ReviewOverdue,
    /// The certificate expires within `warn_days`.
    ExpiringSoon,
    Expired,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CertStanding {
    /// The first day it is no longer valid.
    pub expires: Day,
    /// The next review not yet done, if one falls before expiry.
    pub next_review: Option<Day>,
    pub state: CertState,
}

/// A special-operation certificate issued on `issued`, with the reviews done on `reviews`. A
/// review is due every `certificate_review_years`; a review done after the previous due date
/// (late included) and before the next one covers it, and one review covers one due date.
pub fn certificate(r: &HourRules, issued: Day, reviews: &[Day], today: Day) -> CertStanding {
    let years = |n: u32| add_months(issued, 12 * i64::from(n));
    let expires = years(r.certificate_valid_years);
    let step = r.certificate_review_years.max(1);
    let mut done: Vec<Day> = reviews.to_vec();
    done.sort_unstable();
    let mut done = done.into_iter().peekable();
    let mut next_review = None;
    let mut k = 1;
    while step * k < r.certificate_valid_years {
        let point = years(step * k);
        let previous = years(step * (k - 1));
        let following = years(step * (k + 1)).min(expires);
        // Each review covers one due date: the earliest unused one after the previous date.
        while done.next_if(|d| *d <= previous).is_some() {}
        if done.next_if(|d| *d < following).is_none() {
            next_review = Some(point);
            break;
        }
        k += 1;
    }
    let within = |d: Day| d.0 - today.0 <= r.warn_days;
    let state = if today >= expires {
        CertState::Expired
    } else if next_review.is_some_and(|p| today >= p) {
        CertState::ReviewOverdue
    } else if next_review.is_some_and(within) {
        CertState::ReviewSoon
    } else if within(expires) {
        CertState::ExpiringSoon
    } else {
        CertState::Valid
    };
    CertStanding { expires, next_review, state }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse(s).expect("a date")
    }

    #[test]
    fn categories_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Category::parse("boss"), None);
    }

    #[test]
    fn months_are_added_to_the_end_of_shorter_months() {
        let cases = [
            ("2026-01-15", 6, "2026-07-15"),
            ("2026-08-31", 6, "2027-02-28"),
            ("2027-08-31", 6, "2028-02-29"),
            ("2024-02-29", 12, "2025-02-28"),
            ("2026-03-31", -1, "2026-02-28"),
            ("2026-12-01", 1, "2027-01-01"),
        ];
        for (from, n, want) in cases {
            assert_eq!(add_months(day(from), n), day(want), "{from} + {n} months");
        }
    }

    #[test]
    fn requirement_by_category_sector_and_year() {
        use Category::*;
        let r = HourRules::default();
        // (category, high risk, hired, year) → (phase, hours, from, due)
        let cases: [(Category, bool, &str, i64, Option<(Phase, u32, &str, &str)>); 12] = [
            (Principal, false, "2026-03-01", 2026, Some((Phase::Initial, 32, "2025-09-02", "2026-09-01"))),
            (SafetyManager, true, "2026-03-01", 2026, Some((Phase::Initial, 48, "2025-09-02", "2026-09-01"))),
            (Principal, false, "2026-03-01", 2027, Some((Phase::Yearly, 12, "2027-01-01", "2027-12-31"))),
            (SafetyManager, true, "2024-03-01", 2026, Some((Phase::Yearly, 16, "2026-01-01", "2026-12-31"))),
            (Other, false, "2026-03-01", 2026, Some((Phase::Initial, 24, "2025-03-02", "2026-03-01"))),
            (Other, true, "2026-03-01", 2026, Some((Phase::Initial, 72, "2025-03-02", "2026-03-01"))),
            (Other, false, "2026-03-01", 2027, Some((Phase::Yearly, 8, "2027-01-01", "2027-12-31"))),
            (SpecialOperation, true, "2020-06-01", 2026, Some((Phase::Yearly, 20, "2026-01-01", "2026-12-31"))),
            // Nothing before the year of hiring.
            (Other, false, "2026-03-01", 2025, None),
            // A manager hired in October has until April; that year's refresher starts after it.
            (Principal, false, "2026-10-15", 2026, Some((Phase::Initial, 32, "2026-04-16", "2027-04-15"))),
            (Principal, false, "2026-10-15", 2027, Some((Phase::Yearly, 12, "2027-04-16", "2027-12-31"))),
            (Principal, false, "2026-10-15", 2028, Some((Phase::Yearly, 12, "2028-01-01", "2028-12-31"))),
        ];
        for (category, high_risk, hired, year, want) in cases {
            let got = requirement(&r, category, high_risk, day(hired), year);
            let want = want.map(|(phase, hours, from, due)| Requirement { phase, hours, from: day(from), due: day(due) });
            assert_eq!(got, want, "{category:?} high-risk {high_risk}, hired {hired}, year {year}");
        }
        // The district's own figures are used.
        let local = HourRules { worker_yearly: 12, ..HourRules::default() };
        assert_eq!(requirement(&local, Other, false, day("2020-01-01"), 2026).map(|q| q.hours), Some(12));
    }

    #[test]
    fn standing_counts_the_window_up_to_today() {
        let r = HourRules::default();
        let year = requirement(&r, Category::Other, false, day("2020-01-01"), 2026).expect("yearly: 8 学时 = 360 min");
        let t = |s: &str, m: u32| (day(s), m);
        // (trainings, today) → (done, shortfall, state)
        let cases: [(Vec<(Day, u32)>, &str, (u32, u32, HoursState)); 6] = [
            (vec![], "2026-06-01", (0, 360, HoursState::Open)),
            (vec![t("2026-03-01", 180), t("2026-05-01", 180)], "2026-06-01", (360, 0, HoursState::Met)),
            (vec![t("2026-03-01", 180)], "2027-01-01", (180, 180, HoursState::Overdue)),
            // Last year's and next month's training do not count.
            (vec![t("2025-12-31", 360), t("2026-07-01", 360)], "2026-06-01", (0, 360, HoursState::Open)),
            (vec![t("2026-12-31", 400)], "2026-12-31", (400, 0, HoursState::Met)),
            (vec![t("2026-02-01", u32::MAX), t("2026-02-02", 10)], "2026-06-01", (u32::MAX, 0, HoursState::Met)),
        ];
        for (trainings, today, (done, shortfall, state)) in cases {
            let s = standing(&r, &year, &trainings, day(today));
            assert_eq!(
                (s.required_minutes, s.done_minutes, s.shortfall_minutes, s.state),
                (360, done, shortfall, state),
                "{trainings:?} on {today}"
            );
        }
        assert_eq!(hours_of(&r, 360), 8.0);
        assert_eq!(hours_of(&HourRules { minutes_per_hour: 60, ..r.clone() }, 90), 1.5);
    }

    #[test]
    fn certificate_reviews_and_expiry() {
        let r = HourRules::default();
        // Issued 2020-05-10: review due 2023-05-10, expires 2026-05-10.
        let issued = day("2020-05-10");
        let reviewed = [day("2023-04-20")];
        // (reviews, today) → (next review, state)
        let cases: [(&[Day], &str, (Option<&str>, CertState)); 8] = [
            (&[], "2022-01-01", (Some("2023-05-10"), CertState::Valid)),
            (&[], "2023-03-01", (Some("2023-05-10"), CertState::ReviewSoon)),
            (&[], "2023-05-10", (Some("2023-05-10"), CertState::ReviewOverdue)),
            (&reviewed, "2023-06-01", (None, CertState::Valid)),
            // A late review still covers it.
            (&[day("2023-08-01")], "2023-09-01", (None, CertState::Valid)),
            (&reviewed, "2026-03-01", (None, CertState::ExpiringSoon)),
            (&reviewed, "2026-05-10", (None, CertState::Expired)),
            // A review before the issue date covers nothing.
            (&[day("2019-01-01")], "2024-01-01", (Some("2023-05-10"), CertState::ReviewOverdue)),
        ];
        for (reviews, today, (next, state)) in cases {
            let c = certificate(&r, issued, reviews, day(today));
            assert_eq!((c.next_review, c.state), (next.map(day), state), "{reviews:?} on {today}");
            assert_eq!(c.expires, day("2026-05-10"));
        }
        // Reviewed every 2 years of 6: the second review is due once the first is done.
        let two = HourRules { certificate_review_years: 2, ..HourRules::default() };
        let c = certificate(&two, issued, &[day("2022-05-01")], day("2023-01-01"));
        assert_eq!((c.next_review, c.state), (Some(day("2024-05-10")), CertState::Valid));
        // One late review does not cover two due dates.
        let c = certificate(&two, issued, &[day("2023-01-01")], day("2024-06-01"));
        assert_eq!((c.next_review, c.state), (Some(day("2024-05-10")), CertState::ReviewOverdue));
        let c = certificate(&two, issued, &[day("2023-01-01"), day("2024-05-01")], day("2024-06-01"));
        assert_eq!((c.next_review, c.state), (None, CertState::Valid));
    }

    #[test]
    fn settings_out_of_range_are_named() {
        assert_eq!(HourRules::default().check(), Ok(()));
        let cases: [(HourRules, &str); 5] = [
            (HourRules { worker_yearly: 501, ..HourRules::default() }, "worker_yearly"),
            (HourRules { minutes_per_hour: 0, ..HourRules::default() }, "minutes_per_hour"),
            (HourRules { certificate_valid_years: 0, ..HourRules::default() }, "certificate_valid_years"),
            (HourRules { certificate_review_years: 7, ..HourRules::default() }, "certificate_review_years"),
            (HourRules { warn_days: -1, ..HourRules::default() }, "warn_days"),
        ];
        for (rules, name) in cases {
            assert_eq!(rules.check(), Err(name));
        }
    }
}
