//! The daily challenge (每日一练) for signed-in employees: a few questions a day (the same ones all
//! day, drawn at the first visit, the employee's own sector first and nothing repeated from the
//! last 30 days while the bank allows), each answered once with immediate feedback, and a streak
//! of days with every question answered.
use super::Kind;
use serde::{Deserialize, Serialize};

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod ssr;

/// Days a question stays out of an employee's daily draw after it was drawn (if the bank has
/// enough others).
pub const FRESH_DAYS: i64 = 30;
/// Days shown in the streak strip.
pub const STRIP_DAYS: i64 = 14;

/// One of today's questions; the answer and explanation only once it was answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyQuestion {
    pub position: i64,
    pub question_id: i64,
    pub version: i64,
    pub kind: Kind,
    pub stem: String,
    pub options: Vec<String>,
    pub answered: Option<DailyAnswer>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyAnswer {
    /// As given: letters, "true"/"false" or the text typed.
    pub given: Vec<String>,
    pub correct: bool,
    /// The right answer in parts (letters, "true"/"false", accepted texts).
    pub answer: Vec<String>,
    pub explanation: String,
}

/// The daily challenge page: today's questions, the streaks and the last `STRIP_DAYS` days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyView {
    /// Today (China time) as days since 1970-01-01.
    pub day: i64,
    pub questions: Vec<DailyQuestion>,
    /// Days in a row with every question answered, up to today (or yesterday while today's are
    /// still open).
    pub streak: i64,
    pub best: i64,
    /// (day, completed), oldest first, ending today.
    pub recent: Vec<(i64, bool)>,
}

/// The current and the longest streak from the days completed (any order, repeats allowed).
/// The current one ends today, or yesterday when today is not completed yet (it is not broken
/// before the day is over).
pub fn streaks(completed: &[i64], today: i64) -> (i64, i64) {
    let mut days: Vec<i64> = completed.iter().copied().filter(|d| *d <= today).collect();
    days.sort_unstable();
    days.dedup();
    let mut best = 0;
    let mut run = 0;
    let mut prev: Option<i64> = None;
    for &d in &days {
        run = if prev == Some(d - 1) { run + 1 } else { 1 };
        best = best.max(run);
        prev = Some(d);
    }
    let end = if days.last() == Some(&today) { today } else { today - 1 };
    let mut current = 0;
    let mut want = end;
    for &d in days.iter().rev() {
        if d == want {
            current += 1;
            want -= 1;
        } else if d < want {
            break;
        }
    }
    (current, best)
}

/// Check a daily answer's shape against the question: one known letter for single choice, one or
/// more for multiple, "true"/"false", or one text of at most `OPTION_MAX` characters. Returns the
/// picks normalised (letters upper-case, sorted, unique; text trimmed), or the error code.
pub fn check_picks(kind: Kind, options: usize, picks: &[String]) -> Result<Vec<String>, &'static str> {
    match kind {
        Kind::Single | Kind::Multiple => {
            let mut letters: Vec<String> = picks.iter().map(|p| p.trim().to_ascii_uppercase()).filter(|p| !p.is_empty()).collect();
            letters.sort();
            letters.dedup();
            if letters.is_empty() {
                return Err("required");
            }
            let known = |l: &String| l.len() == 1 && l.as_bytes()[0] >= b'A' && ((l.as_bytes()[0] - b'A') as usize) < options;
            if !letters.iter().all(known) || (kind == Kind::Single && letters.len() != 1) {
                return Err("option_unknown");
            }
            Ok(letters)
        }
        Kind::TrueFalse => match picks {
            [p] if p == "true" || p == "false" => Ok(vec![p.clone()]),
            [] => Err("required"),
            _ => Err("option_unknown"),
        },
        Kind::Fill => match picks {
            [p] if p.trim().is_empty() => Err("required"),
            [p] if p.trim().chars().count() <= super::OPTION_MAX => Ok(vec![p.trim().to_string()]),
            [] => Err("required"),
            _ => Err("too_long"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streak_cases() {
        // (completed days, today, current, best)
        let cases: &[(&[i64], i64, i64, i64)] = &[
            (&[], 100, 0, 0),
            (&[100], 100, 1, 1),
            (&[99], 100, 1, 1),
            (&[98], 100, 0, 1),
            (&[97, 98, 99], 100, 3, 3),
            (&[97, 98, 99, 100], 100, 4, 4),
            (&[90, 91, 92, 93, 94, 99, 100], 100, 2, 5),
            (&[100, 99, 99, 98], 100, 3, 3),
            (&[101, 100], 100, 1, 1),
        ];
        for (days, today, current, best) in cases {
            assert_eq!(streaks(days, *today), (*current, *best), "{days:?} on {today}");
        }
    }

    #[test]
    fn picks_are_checked() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        // (kind, options, picks, result)
        let cases: Vec<(Kind, usize, Vec<String>, Result<Vec<String>, &str>)> = vec![
            (Kind::Single, 4, s(&["b"]), Ok(s(&["B"]))),
            (Kind::Single, 4, s(&["A", "B"]), Err("option_unknown")),
            (Kind::Single, 4, s(&["E"]), Err("option_unknown")),
            (Kind::Single, 4, s(&[]), Err("required")),
            (Kind::Multiple, 4, s(&["C", "a", "C"]), Ok(s(&["A", "C"]))),
            (Kind::Multiple, 3, s(&["AB"]), Err("option_unknown")),
            (Kind::Multiple, 3, s(&["D"]), Err("option_unknown")),
            (Kind::TrueFalse, 0, s(&["true"]), Ok(s(&["true"]))),
            (Kind::TrueFalse, 0, s(&["yes"]), Err("option_unknown")),
            (Kind::TrueFalse, 0, s(&["true", "false"]), Err("option_unknown")),
            (Kind::Fill, 0, s(&[" 12350 "]), Ok(s(&["12350"]))),
            (Kind::Fill, 0, s(&["  "]), Err("required")),
            (Kind::Fill, 0, vec!["x".repeat(201)], Err("too_long")),
            (Kind::Fill, 0, s(&["a", "b"]), Err("too_long")),
        ];
        for (kind, n, picks, want) in cases {
            assert_eq!(check_picks(kind, n, &picks), want, "{kind:?} {picks:?}");
        }
    }
}
