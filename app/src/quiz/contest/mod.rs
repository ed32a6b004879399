//! Contests (知识竞赛): a window, eligibility, papers drawn per attempt from pools of the bank,
//! a time limit the server enforces, answers saved as they are given, server-side scoring and
//! rankings by person and unit.
//!
//! This module is pure (both targets): the types, the checks of a contest, the drawing of a paper
//! (given a source of random numbers), the mapping between the option order a contestant sees and
//! the stored one, scoring and the tie-break. Storage is in `ssr`, server functions in `api`, the
//! administrator's page in `admin`, the contestant's pages in `take` and `attempt_page`.
pub mod admin;
pub mod api;
#[cfg(feature = "ssr")]
pub mod attempts;
pub mod figures;
#[cfg(feature = "ssr")]
pub mod ranking;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
pub mod stats;
#[cfg(feature = "ssr")]
pub mod writer;
pub mod stats_page;
pub mod attempt_page;
pub mod take;

use super::Kind;
use crate::base::validate::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

crate::base::enum_with_all! {
    /// Who may take part.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Audience {
        /// Anyone, with a nickname and a contestant code (like a report's receipt).
        Public,
        /// Signed-in employees of the listed enterprises or towns/streets (all when none listed).
        Employees,
    }
}

crate::base::enum_with_all! {
    /// How names appear in the public ranking.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Privacy {
        Full,
        /// The first character, the rest as "*".
        Masked,
        /// No names at all, only ranks and scores.
        Hidden,
    }
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Employees => "employees",
        }
    }
    pub fn parse(s: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

impl Privacy {
    pub fn as_str(self) -> &'static str {
        match self {
            Privacy::Full => "full",
            Privacy::Masked => "masked",
            Privacy::Hidden => "hidden",
        }
    }
    pub fn parse(s: &str) -> Option<Privacy> {
        Privacy::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// A pool a paper draws from: `count` questions of `kind` tagged `tag` (any tag when empty),
/// each worth `points`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    pub kind: Kind,
    #[serde(default)]
    pub tag: String,
    pub count: i64,
    pub points: i64,
}

/// A contest as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contest {
    pub id: i64,
    pub title: String,
    pub description: String,
    /// Unix seconds.
    pub opens_at: i64,
    pub closes_at: i64,
    pub time_limit_s: i64,
    pub attempts_per_day: i64,
    pub attempts_total: i64,
    /// A result is valid (counts as 有效答题) when at least this share of answers is right.
    pub valid_percent: i64,
    /// Minutes of training a valid result credits to an employee (0: none), once per contest.
    pub credit_minutes: i64,
    pub audience: Audience,
    /// Contestants may see the answers and explanations after submitting.
    pub review: bool,
    /// Half the points for a multiple-choice answer that picks some right options and no wrong one.
    pub partial_credit: bool,
    pub privacy: Privacy,
    pub pools: Vec<Pool>,
    pub enterprises: Vec<i64>,
    pub towns: Vec<i64>,
}

impl Contest {
    pub fn questions(&self) -> i64 {
        self.pools.iter().map(|p| p.count).sum()
    }
    pub fn max_score(&self) -> i64 {
        self.pools.iter().map(|p| p.count * p.points).sum()
    }
    pub fn phase(&self, now: i64) -> Phase {
        if now < self.opens_at {
            Phase::Upcoming
        } else if now < self.closes_at {
            Phase::Open
        } else {
            Phase::Closed
        }
    }
    /// Correct answers needed for a valid result on a paper of `questions`.
    pub fn valid_needs(&self, questions: i64) -> i64 {
        (questions * self.valid_percent + 99) / 100
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Upcoming,
    Open,
    Closed,
}

pub const TITLE_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 2000;
pub const POOLS_MAX: usize = 8;
/// Questions on one paper, at most.
pub const PAPER_MAX: i64 = 100;
pub const NICKNAME_MAX: usize = 20;

/// A pool row as typed into the form (an empty count means an unused row).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PoolDraft {
    pub kind: String,
    pub tag: String,
    pub count: String,
    pub points: String,
}

/// A contest as typed into the administrator's form. Times are `datetime-local` values
/// ("2026-06-01T09:00", China time).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContestDraft {
    pub title: String,
    pub description: String,
    pub opens: String,
    pub closes: String,
    pub time_limit_min: String,
    pub attempts_per_day: String,
    pub attempts_total: String,
    pub valid_percent: String,
    pub credit_minutes: String,
    pub audience: String,
    pub review: bool,
    pub partial_credit: bool,
    pub privacy: String,
    pub pools: BTreeMap<String, PoolDraft>,
    pub enterprises: Vec<i64>,
    pub towns: Vec<i64>,
}

/// The most minutes of training a contest may credit (a working day).
pub const CREDIT_MINUTES_MAX: i64 = 480;

/// "2026-06-01T09:00" (China time) as Unix seconds.
pub fn parse_local_minute(s: &str) -> Option<i64> {
    let (date, time) = s.trim().split_once('T')?;
    let day = crate::base::calendar::Day::parse(date)?;
    let (h, m) = time.split_once(':')?;
    let m = m.get(..2).unwrap_or(m);
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    Some(day.start_timestamp() + h * 3600 + m * 60)
}

/// Unix seconds as "2026-06-01T09:00" (China time), the value of a `datetime-local` input.
pub fn fmt_local_minute(ts: i64) -> String {
    let day = crate::base::calendar::Day::of_timestamp(ts);
    let secs = ts - day.start_timestamp();
    format!("{day}T{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// "2026-06-01 09:00" (China time), for reading.
pub fn fmt_minute(ts: i64) -> String {
    fmt_local_minute(ts).replace('T', " ")
}

fn int_in(e: &mut FieldErrors, field: &str, text: &str, range: std::ops::RangeInclusive<i64>) -> i64 {
    match text.trim().parse::<i64>() {
        Ok(n) if range.contains(&n) => n,
        Ok(_) => {
            e.push(field, "out_of_range");
            0
        }
        Err(_) => {
            e.push(field, "not_a_number");
            0
        }
    }
}

/// Check a contest form: title, a window that ends after it starts, the limits, at least one
/// pool with its counts and points in range and its tag a known sector. Every error at once.
/// (The server also checks that the bank holds enough questions for each pool and that the
/// listed enterprises and towns exist.)
pub fn validate_contest(d: &ContestDraft, known_tags: &[String]) -> Result<Contest, FieldErrors> {
    let mut e = FieldErrors::default();
    e.text("title", &d.title, 2, TITLE_MAX);
    e.text("description", &d.description, 0, DESCRIPTION_MAX);
    let opens = parse_local_minute(&d.opens);
    let closes = parse_local_minute(&d.closes);
    if opens.is_none() {
        e.push("opens", "date_invalid");
    }
    if closes.is_none() {
        e.push("closes", "date_invalid");
    }
    if let (Some(o), Some(c)) = (opens, closes) {
        if c <= o {
            e.push("closes", "window_order");
        }
    }
    let limit = int_in(&mut e, "time_limit_min", &d.time_limit_min, 1..=180);
    let per_day = int_in(&mut e, "attempts_per_day", &d.attempts_per_day, 1..=20);
    let total = int_in(&mut e, "attempts_total", &d.attempts_total, 1..=100);
    if per_day > 0 && total > 0 && total < per_day {
        e.push("attempts_total", "attempts_order");
    }
    let valid_percent = int_in(&mut e, "valid_percent", &d.valid_percent, 0..=100);
    // Empty means none; a working day's training at most.
    let credit_minutes = if d.credit_minutes.trim().is_empty() {
        0
    } else {
        int_in(&mut e, "credit_minutes", &d.credit_minutes, 0..=CREDIT_MINUTES_MAX)
    };
    let audience = Audience::parse(d.audience.trim());
    if audience.is_none() {
        e.push("audience", "choose_one");
    }
    let privacy = Privacy::parse(d.privacy.trim());
    if privacy.is_none() {
        e.push("privacy", "choose_one");
    }
    let mut pools = Vec::new();
    for p in d.pools.values() {
        if p.count.trim().is_empty() {
            continue;
        }
        let kind = Kind::parse(p.kind.trim());
        let tag = p.tag.trim().to_string();
        let count = int_in(&mut e, "pools", &p.count, 1..=PAPER_MAX);
        let points = int_in(&mut e, "pools", &p.points, 1..=100);
        if kind.is_none() {
            e.push("pools", "choose_one");
        }
        if !tag.is_empty() && !known_tags.contains(&tag) {
            e.push("pools", "sector_unknown");
        }
        if let Some(kind) = kind {
            if pools.iter().any(|q: &Pool| q.kind == kind && q.tag == tag) {
                e.push("pools", "pool_repeated");
            }
            pools.push(Pool { kind, tag, count, points });
        }
    }
    if pools.is_empty() && !d.pools.values().any(|p| !p.count.trim().is_empty()) {
        e.push("pools", "required");
    } else if pools.len() > POOLS_MAX || pools.iter().map(|p| p.count).sum::<i64>() > PAPER_MAX {
        e.push("pools", "paper_too_long");
    }
    let mut enterprises = d.enterprises.clone();
    enterprises.sort_unstable();
    enterprises.dedup();
    let mut towns = d.towns.clone();
    towns.sort_unstable();
    towns.dedup();
    let audience = audience.unwrap_or(Audience::Public);
    if audience == Audience::Public {
        enterprises.clear();
        towns.clear();
    }
    e.or(Contest {
        id: 0,
        title: d.title.trim().to_string(),
        description: d.description.trim().to_string(),
        opens_at: opens.unwrap_or_default(),
        closes_at: closes.unwrap_or_default(),
        time_limit_s: limit * 60,
        attempts_per_day: per_day,
        attempts_total: total,
        valid_percent,
        credit_minutes,
        audience,
        review: d.review,
        partial_credit: d.partial_credit,
        privacy: privacy.unwrap_or(Privacy::Masked),
        pools,
        enterprises,
        towns,
    })
}

/// A nickname: 1–20 characters of clean text.
pub fn check_nickname(nickname: &str) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    e.text("nickname", nickname, 1, NICKNAME_MAX);
    e.or(nickname.trim().to_string())
}

// ---- papers -------------------------------------------------------------------------------------

/// A question that may be drawn: its current version and how many options it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub question_id: i64,
    pub version: i64,
    pub kind: Kind,
    pub tags: Vec<String>,
    pub options: usize,
}

/// One question of a drawn paper, in the order shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaperItem {
    pub question_id: i64,
    pub version: i64,
    /// Stored option letters in the order shown ("CADB"); empty for true/false and fill-in.
    pub option_order: String,
    pub points: i64,
}

/// Whether `c` belongs to `pool`.
pub fn in_pool(pool: &Pool, c: &Candidate) -> bool {
    c.kind == pool.kind && (pool.tag.is_empty() || c.tags.iter().any(|t| *t == pool.tag))
}

/// Shuffle in place with `pick(n)` returning a number in `0..n` (Fisher–Yates).
fn shuffle<T>(items: &mut [T], pick: &mut dyn FnMut(usize) -> usize) {
    for i in (1..items.len()).rev() {
        let j = pick(i + 1).min(i);
        items.swap(i, j);
    }
}

/// Draw a paper: `count` different questions from each pool (a question in two pools is drawn at
/// most once), the questions in random order and each choice question's options shuffled.
/// `None` when a pool has too few questions left.
pub fn draw_paper(pools: &[Pool], candidates: &[Candidate], pick: &mut dyn FnMut(usize) -> usize) -> Option<Vec<PaperItem>> {
    let mut taken: Vec<usize> = Vec::new();
    let mut paper = Vec::new();
    for pool in pools {
        let mut free: Vec<usize> =
            (0..candidates.len()).filter(|i| !taken.contains(i) && in_pool(pool, &candidates[*i])).collect();
        if (free.len() as i64) < pool.count {
            return None;
        }
        // A partial shuffle: the first `count` places get a random pick each.
        for k in 0..pool.count as usize {
            let j = k + pick(free.len() - k).min(free.len() - k - 1);
            free.swap(k, j);
            let c = &candidates[free[k]];
            taken.push(free[k]);
            let mut order: Vec<char> = if c.kind.has_options() { (0..c.options).map(super::letter).collect() } else { Vec::new() };
            shuffle(&mut order, pick);
            paper.push(PaperItem { question_id: c.question_id, version: c.version, option_order: order.into_iter().collect(), points: pool.points });
        }
    }
    shuffle(&mut paper, pick);
    Some(paper)
}

/// The stored letters for the letters a contestant picked among the options as shown, sorted;
/// `None` if a letter names no option.
pub fn shown_to_stored(order: &str, shown: &[String]) -> Option<String> {
    let order: Vec<char> = order.chars().collect();
    let mut stored = Vec::new();
    for s in shown {
        let s = s.trim();
        let mut cs = s.chars();
        let (Some(c), None) = (cs.next(), cs.next()) else { return None };
        let i = (c.to_ascii_uppercase() as usize).checked_sub('A' as usize)?;
        stored.push(*order.get(i)?);
    }
    stored.sort_unstable();
    stored.dedup();
    Some(stored.into_iter().collect())
}

/// The letters as shown for stored letters (the inverse of `shown_to_stored`), sorted.
pub fn stored_to_shown(order: &str, stored: &str) -> Vec<String> {
    let mut shown: Vec<char> =
        order.chars().enumerate().filter(|(_, c)| stored.contains(*c)).map(|(i, _)| super::letter(i)).collect();
    shown.sort_unstable();
    shown.into_iter().map(String::from).collect()
}

/// Points earned and whether the answer is right. `given` is in stored form (letters,
/// "true"/"false", or the text typed); unanswered earns nothing. With partial credit a
/// multiple-choice answer that picks some right options and no wrong one earns half the points
/// (rounded down) but does not count as right.
pub fn score_item(kind: Kind, answer: &str, given: Option<&str>, points: i64, partial: bool) -> (i64, bool) {
    let Some(given) = given.filter(|g| !g.trim().is_empty()) else { return (0, false) };
    let as_list: Vec<String> = match kind {
        Kind::Single | Kind::Multiple => given.chars().map(String::from).collect(),
        _ => vec![given.to_string()],
    };
    if super::is_correct(kind, answer, &as_list) {
        return (points, true);
    }
    if partial && kind == Kind::Multiple && given.chars().all(|c| answer.contains(c)) {
        return (points / 2, false);
    }
    (0, false)
}

/// The order of results: higher score, then less time used, then the earlier submission.
pub fn rank_key(score: i64, time_ms: i64, finished_at: i64) -> (i64, i64, i64) {
    (-score, time_ms, finished_at)
}

/// A name as the ranking shows it.
pub fn shown_name(privacy: Privacy, name: &str) -> String {
    match privacy {
        Privacy::Full => name.to_string(),
        Privacy::Masked => {
            let mut cs = name.chars();
            match cs.next() {
                Some(first) => std::iter::once(first).chain(cs.map(|_| '*')).collect::<String>().chars().take(6).collect(),
                None => String::new(),
            }
        }
        Privacy::Hidden => String::new(),
    }
}

// ---- what the pages show ------------------------------------------------------------------------

/// A contest in the public list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestSummary {
    pub id: i64,
    pub title: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub audience: Audience,
    pub phase: Phase,
}

/// One of my attempts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptSummary {
    pub token: String,
    pub number: i64,
    pub state: String,
    pub score: Option<i64>,
    pub max_score: i64,
    pub started_at_ms: i64,
}

/// Who I am in a contest, if I have joined.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub nickname: String,
    /// The contestant code, shown after joining until the first attempt starts.
    pub new_code: Option<String>,
    pub attempts: Vec<AttemptSummary>,
    pub attempts_today: i64,
    pub open_attempt: Option<String>,
}

/// How the visitor can join.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Join {
    /// Already a contestant.
    Joined,
    /// Public contest: a nickname (or a contestant code to come back).
    Nickname,
    /// Employees' contest and not signed in.
    SignIn,
    /// Signed in and eligible: one click.
    Eligible,
    /// Signed in but not among those invited.
    NotEligible,
}

/// The contest page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestView {
    pub contest: Contest,
    pub phase: Phase,
    pub join: Join,
    pub me: Option<Me>,
}

/// A question of my paper, without its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperQuestion {
    pub position: i64,
    pub kind: Kind,
    pub stem: String,
    /// In the order shown.
    pub options: Vec<String>,
    pub points: i64,
    /// As shown: letters, "true"/"false" or the text typed.
    pub given: Vec<String>,
    pub marked: bool,
}

/// An attempt as its taker sees it while it runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperView {
    pub token: String,
    pub contest_id: i64,
    pub title: String,
    pub open: bool,
    pub deadline_at_ms: i64,
    /// Milliseconds left by the server's clock when this was read.
    pub remaining_ms: i64,
    pub questions: Vec<PaperQuestion>,
}

/// What a save answers: when the server stored it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub position: i64,
    pub remaining_ms: i64,
}

/// A reviewed question (only after submission, and only if the contest allows review).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub question: PaperQuestion,
    /// The question and version drawn (for an error report, 纠错).
    pub question_id: i64,
    pub version: i64,
    /// The right answer as shown (letters in the shown order, "true"/"false", accepted texts).
    pub answer: Vec<String>,
    pub explanation: String,
    pub earned: i64,
    pub correct: bool,
}

/// The result of a finished attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultView {
    pub token: String,
    pub contest_id: i64,
    pub title: String,
    /// "open" (not finished yet), "submitted" or "expired" (closed at the deadline).
    pub state: String,
    pub score: i64,
    pub max_score: i64,
    pub correct: i64,
    pub questions: i64,
    pub time_used_ms: i64,
    pub valid: bool,
    /// My best result's place among all contestants.
    pub rank: Option<i64>,
    pub review: Vec<ReviewItem>,
}

/// One row of a ranking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RankRow {
    pub rank: i64,
    pub name: String,
    pub name_en: String,
    pub participants: i64,
    pub total: i64,
    pub average: f64,
    /// Participants ÷ registered employees, when the unit has employees on record.
    pub participation: Option<f64>,
    pub valid: i64,
    pub time_ms: i64,
}

/// A contest's ranking by one kind of unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    pub contest_id: i64,
    pub title: String,
    pub by: String,
    pub sort: String,
    pub privacy: Privacy,
    pub rows: Vec<RankRow>,
}

/// The administrator's view: every contest and the choices of the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestAdminData {
    pub contests: Vec<Contest>,
    pub sectors: Vec<crate::org::Choice>,
    pub towns: Vec<(i64, String, String)>,
    pub enterprises: Vec<(i64, String)>,
}

#[cfg(test)]
mod tests;
