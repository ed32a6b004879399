//! Safety quizzes (安全答题): the question bank the training administrator keeps. A question is
//! single choice, multiple choice, true/false or fill-in; every edit is a new version (a contest
//! keeps the version it drew), so a question's history is never lost.
//!
//! Types and the checks of a question are pure (both targets); storage is in `ssr`, the server
//! functions in `api`, the bank page in `pages`.
pub mod api;
#[cfg(feature = "ssr")]
pub mod area;
pub mod contest;
pub mod daily;
pub mod feedback;
pub mod pages;
pub mod practice;
pub mod transfer;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::base::validate::FieldErrors;
use serde::{Deserialize, Serialize};

crate::base::enum_with_all! {
    /// The kinds of question.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Kind {
        /// 单选: one option is right.
        Single,
        /// 多选: two or more options are right.
        Multiple,
        /// 判断: true or false.
        TrueFalse,
        /// 填空: one of the accepted answers, typed in.
        Fill,
    }
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multiple => "multiple",
            Kind::TrueFalse => "true_false",
            Kind::Fill => "fill",
        }
    }

    pub fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == code)
    }

    /// Whether the question lists options to choose from.
    pub fn has_options(self) -> bool {
        matches!(self, Kind::Single | Kind::Multiple)
    }
}

/// Most options a choice question may have (A–H).
pub const OPTIONS_MAX: usize = 8;
pub const STEM_MAX: usize = 500;
pub const OPTION_MAX: usize = 200;
pub const EXPLANATION_MAX: usize = 1000;
pub const SOURCE_MAX: usize = 200;
/// Accepted answers of a fill-in question, at most.
pub const FILL_ANSWERS_MAX: usize = 5;

/// One question at its current version, as the bank page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: i64,
    pub version: i64,
    pub kind: Kind,
    pub stem: String,
    pub options: Vec<String>,
    /// Single: "B"; multiple: "ACD"; true/false: "true" or "false"; fill-in: "答案一|答案二".
    pub answer: String,
    pub explanation: String,
    /// Sector codes (`org` sectors) the question is about.
    pub tags: Vec<String>,
    /// 1 easy, 2 medium, 3 hard.
    pub difficulty: i64,
    pub source: String,
    pub active: bool,
    pub updated_at: i64,
    pub updated_by: String,
}

/// A question as typed into the bank's form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionDraft {
    pub kind: String,
    pub stem: String,
    /// One option per line.
    pub options: String,
    pub answer: String,
    pub explanation: String,
    pub tags: Vec<String>,
    pub difficulty: String,
    pub source: String,
    pub active: bool,
}

/// A checked question, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidQuestion {
    pub kind: Kind,
    pub stem: String,
    pub options: Vec<String>,
    pub answer: String,
    pub explanation: String,
    pub tags: Vec<String>,
    pub difficulty: i64,
    pub source: String,
    pub active: bool,
}

/// The translated name of a kind of question.
pub fn kind_label(locale: crate::i18n::Locale, k: Kind) -> &'static str {
    use crate::i18n::*;
    match k {
        Kind::Single => td_string!(locale, qb_kind_single),
        Kind::Multiple => td_string!(locale, qb_kind_multiple),
        Kind::TrueFalse => td_string!(locale, qb_kind_true_false),
        Kind::Fill => td_string!(locale, qb_kind_fill),
    }
}

/// A stored true/false answer ("true" or "false") in words.
pub fn true_false_label(locale: crate::i18n::Locale, code: &str) -> &'static str {
    use crate::i18n::*;
    if code == "true" {
        td_string!(locale, qp_true)
    } else {
        td_string!(locale, qp_false)
    }
}

/// An answer in words: each letter with its option ("B. 119"), true/false in words, or the
/// texts. `parts` are letters (in the order of `options`), "true"/"false", or typed texts.
pub fn answer_words(locale: crate::i18n::Locale, kind: Kind, options: &[String], parts: &[String]) -> String {
    match kind {
        Kind::Single | Kind::Multiple => parts
            .iter()
            .map(|l| {
                let i = l.chars().next().map(|c| (c as usize).saturating_sub('A' as usize)).unwrap_or(0);
                format!("{l}. {}", options.get(i).cloned().unwrap_or_default())
            })
            .collect::<Vec<_>>()
            .join("；"),
        Kind::TrueFalse => parts.iter().map(|p| true_false_label(locale, p)).collect::<Vec<_>>().join(""),
        Kind::Fill => parts.join(" / "),
    }
}

/// Answer parts as stored: letters one by one for choices, `|`-separated otherwise.
pub fn answer_parts(kind: Kind, answer: &str) -> Vec<String> {
    match kind {
        Kind::Single | Kind::Multiple => answer.chars().map(String::from).collect(),
        _ => answer.split('|').map(String::from).collect(),
    }
}

/// The letter of option `i` (A, B, …).
pub fn letter(i: usize) -> char {
    char::from(b'A' + (i as u8))
}

/// Check a question: its kind, stem, options (2–8 for choice questions, none otherwise), an answer
/// that fits them, the tags against the known sectors, difficulty 1–3. Every error at once.
pub fn validate_question(d: &QuestionDraft, known_tags: &[String]) -> Result<ValidQuestion, FieldErrors> {
    let mut e = FieldErrors::default();
    let kind = Kind::parse(d.kind.trim());
    if kind.is_none() {
        e.push("kind", "required");
    }
    e.text("stem", &d.stem, 4, STEM_MAX);
    e.text("explanation", &d.explanation, 0, EXPLANATION_MAX);
    e.text("source", &d.source, 0, SOURCE_MAX);
    let options: Vec<String> = d.options.lines().map(str::trim).filter(|o| !o.is_empty()).map(String::from).collect();
    let answer = d.answer.trim();
    let mut stored_answer = String::new();
    match kind {
        Some(k) if k.has_options() => {
            if !(2..=OPTIONS_MAX).contains(&options.len()) {
                e.push("options", "options_count");
            } else if options.iter().any(|o| o.chars().count() > OPTION_MAX || !crate::base::validate::clean_text(o)) {
                e.push("options", "too_long");
            } else {
                let mut uniq = options.clone();
                uniq.sort();
                uniq.dedup();
                if uniq.len() != options.len() {
                    e.push("options", "options_repeated");
                }
            }
            // Letters, in any order and case, with or without separators: "a, c" → "AC".
            let mut letters: Vec<char> = answer.chars().filter(|c| c.is_ascii_alphabetic()).map(|c| c.to_ascii_uppercase()).collect();
            letters.sort_unstable();
            letters.dedup();
            let in_range = letters.iter().all(|c| ((*c as usize) - ('A' as usize)) < options.len());
            let stray = answer.chars().any(|c| !(c.is_ascii_alphabetic() || matches!(c, ',' | ' ' | '，' | '、')));
            let count_ok = if k == Kind::Single { letters.len() == 1 } else { letters.len() >= 2 };
            if letters.is_empty() {
                e.push("answer", "required");
            } else if stray || !in_range || !count_ok {
                e.push("answer", if k == Kind::Single { "answer_one_option" } else { "answer_two_options" });
            }
            stored_answer = letters.into_iter().collect();
        }
        Some(Kind::TrueFalse) => {
            if !options.is_empty() {
                e.push("options", "options_not_allowed");
            }
            match answer {
                "true" | "false" => stored_answer = answer.to_string(),
                _ => e.push("answer", "answer_true_false"),
            }
        }
        Some(_) => {
            if !options.is_empty() {
                e.push("options", "options_not_allowed");
            }
            let accepted: Vec<&str> = answer.split('|').map(str::trim).filter(|a| !a.is_empty()).collect();
            if accepted.is_empty() {
                e.push("answer", "required");
            } else if accepted.len() > FILL_ANSWERS_MAX || accepted.iter().any(|a| a.chars().count() > OPTION_MAX) {
                e.push("answer", "too_long");
            }
            stored_answer = accepted.join("|");
        }
        None => {}
    }
    let mut tags: Vec<String> = d.tags.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
    tags.sort();
    tags.dedup();
    if tags.is_empty() {
        e.push("tags", "required");
    } else if tags.iter().any(|t| !known_tags.contains(t)) {
        e.push("tags", "sector_unknown");
    }
    let difficulty = match d.difficulty.trim().parse::<i64>() {
        Ok(n @ 1..=3) => n,
        _ => {
            e.push("difficulty", "required");
            0
        }
    };
    e.or(ValidQuestion {
        kind: kind.unwrap_or(Kind::Single),
        stem: d.stem.trim().to_string(),
        options: if kind.is_some_and(Kind::has_options) { options } else { Vec::new() },
        answer: stored_answer,
        explanation: d.explanation.trim().to_string(),
        tags,
        difficulty,
        source: d.source.trim().to_string(),
        active: d.active,
    })
}

/// The bank page's filters (all optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BankFilter {
    /// Words in the stem.
    pub q: String,
    pub kind: String,
    pub tag: String,
    pub difficulty: String,
    /// One question by number (from an error report); its form is shown open.
    pub id: String,
}

/// One page of the bank.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankPage {
    pub questions: Vec<Question>,
    /// Questions matching the filters (the page shows at most `BANK_PAGE`).
    pub total: i64,
    pub sectors: Vec<crate::org::Choice>,
}

pub const BANK_PAGE: i64 = 50;

/// An earlier version of a question, for its edit history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionVersion {
    pub version: i64,
    pub stem: String,
    pub answer: String,
    pub edited_by: String,
    pub at: i64,
}

/// A question as practice shows it: no answer, no explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeQuestion {
    pub id: i64,
    pub version: i64,
    pub kind: Kind,
    pub stem: String,
    pub options: Vec<String>,
}

/// The practice page: the sectors to choose from and a question drawn at random (None when the
/// bank has no active question for the sector).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeData {
    pub sectors: Vec<crate::org::Choice>,
    pub question: Option<PracticeQuestion>,
}

/// Practice feedback: right or not, the right answer and the explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeResult {
    pub question: PracticeQuestion,
    pub correct: bool,
    /// As stored: letters, "true"/"false", or the accepted fill-in answers separated by "|".
    pub answer: String,
    pub explanation: String,
    pub source: String,
}

/// Whether `given` (the letters picked, "true"/"false", or the text typed) answers a question of
/// `kind` whose stored answer is `answer`. Letters in any order and case; a fill-in answer matches
/// any accepted one, ignoring surrounding spaces and ASCII case.
pub fn is_correct(kind: Kind, answer: &str, given: &[String]) -> bool {
    match kind {
        Kind::Single | Kind::Multiple => {
            let mut letters: Vec<char> =
                given.iter().flat_map(|g| g.trim().chars()).filter(|c| c.is_ascii_alphabetic()).map(|c| c.to_ascii_uppercase()).collect();
            letters.sort_unstable();
            letters.dedup();
            !letters.is_empty() && letters.into_iter().collect::<String>() == answer
        }
        Kind::TrueFalse => given.len() == 1 && given[0].trim() == answer,
        Kind::Fill => {
            let typed = given.first().map(|g| g.trim().to_ascii_lowercase()).unwrap_or_default();
            !typed.is_empty() && answer.split('|').any(|a| a.trim().to_ascii_lowercase() == typed)
        }
    }
}

/// The quiz area's settings (the server's `Config` fills them in).
#[derive(Clone, Debug)]
pub struct QuizSettings {
    /// Joins of public contests per client address and hour.
    pub contest_joins_per_hour: u32,
    /// Error reports on questions per client address and hour.
    pub feedback_per_hour: u32,
    /// Questions in an employee's daily challenge.
    pub daily_questions: usize,
}

impl Default for QuizSettings {
    fn default() -> Self {
        QuizSettings { contest_joins_per_hour: 300, feedback_per_hour: 20, daily_questions: 5 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(kind: &str, options: &str, answer: &str) -> QuestionDraft {
        QuestionDraft {
            kind: kind.into(),
            stem: "发现有限空间作业人员晕倒，首先应当怎么做？".into(),
            options: options.into(),
            answer: answer.into(),
            explanation: "先通风检测，佩戴防护后施救。".into(),
            tags: vec!["FC".into()],
            difficulty: "2".into(),
            source: "《工贸企业有限空间作业安全规定》".into(),
            active: true,
        }
    }

    fn errors(r: Result<ValidQuestion, FieldErrors>) -> Vec<String> {
        match r {
            Ok(_) => vec![],
            Err(e) => e.0.into_iter().map(|f| format!("{}={}", f.field, f.code)).collect(),
        }
    }

    #[test]
    fn questions_as_a_table() {
        let tags = vec!["FC".to_string(), "WHP".to_string()];
        let four = "立即下井救人\n呼叫救援并通风检测\n 用风扇吹 \n离开现场\n";
        let ok = validate_question(&draft("single", four, " b "), &tags).map_err(|e| e.0);
        assert_eq!(ok.as_ref().map(|q| (q.answer.as_str(), q.options.len())), Ok(("B", 4)));
        assert_eq!(ok.map(|q| q.options[2].clone()), Ok("用风扇吹".to_string()));
        let table: [(QuestionDraft, &[&str]); 12] = [
            (draft("multiple", four, "c、a"), &[]),
            (draft("single", four, "AB"), &["answer=answer_one_option"]),
            (draft("single", four, "E"), &["answer=answer_one_option"]),
            (draft("multiple", four, "A"), &["answer=answer_two_options"]),
            (draft("single", "只有一个", "A"), &["options=options_count"]),
            (draft("single", "甲\n甲\n乙", "A"), &["options=options_repeated"]),
            (draft("true_false", "", "true"), &[]),
            (draft("true_false", "", "对"), &["answer=answer_true_false"]),
            (draft("true_false", "是\n否", "false"), &["options=options_not_allowed"]),
            (draft("fill", "", " 119 | 一一九 "), &[]),
            (draft("fill", "", " | "), &["answer=required"]),
            (draft("essay", "", "x"), &["kind=required"]),
        ];
        for (d, want) in table {
            assert_eq!(errors(validate_question(&d, &tags)), want, "{d:?}");
        }
        let fill = validate_question(&draft("fill", "", " 119 | 一一九 "), &tags).map(|q| q.answer);
        assert_eq!(fill.ok(), Some("119|一一九".to_string()));
        let bad = QuestionDraft { tags: vec!["NOPE".into()], difficulty: "5".into(), stem: "短".into(), ..draft("true_false", "", "true") };
        assert_eq!(errors(validate_question(&bad, &tags)), ["stem=too_short", "tags=sector_unknown", "difficulty=required"]);
        let untagged = QuestionDraft { tags: vec![], ..draft("true_false", "", "true") };
        assert_eq!(errors(validate_question(&untagged, &tags)), ["tags=required"]);
    }

    #[test]
    fn answers_are_checked_as_a_table() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let table = [
            (Kind::Single, "B", s(&["b"]), true),
            (Kind::Single, "B", s(&["A"]), false),
            (Kind::Single, "B", s(&[]), false),
            (Kind::Multiple, "AC", s(&["C", "a"]), true),
            (Kind::Multiple, "AC", s(&["A"]), false),
            (Kind::Multiple, "AC", s(&["A", "B", "C"]), false),
            (Kind::TrueFalse, "false", s(&["false"]), true),
            (Kind::TrueFalse, "false", s(&["true"]), false),
            (Kind::TrueFalse, "false", s(&["false", "true"]), false),
            (Kind::Fill, "119|一一九", s(&[" 一一九 "]), true),
            (Kind::Fill, "CO|一氧化碳", s(&["co"]), true),
            (Kind::Fill, "119|一一九", s(&["110"]), false),
            (Kind::Fill, "119|一一九", s(&[" "]), false),
        ];
        for (kind, answer, given, want) in table {
            assert_eq!(is_correct(kind, answer, &given), want, "{kind:?} {answer} {given:?}");
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).ok(), Some(serde_json::Value::from(k.as_str())));
        }
        assert_eq!(letter(0), 'A');
        assert_eq!(letter(7), 'H');
    }
}

/// The picks a form posted as a map (`picks[0]=A`, `picks[B]=B`: radio buttons, checkboxes and a
/// text field), in the order of their keys.
pub fn picks_in_order(picks: std::collections::HashMap<String, String>) -> Vec<String> {
    let mut picks: Vec<(String, String)> = picks.into_iter().collect();
    picks.sort();
    picks.into_iter().map(|(_, v)| v).collect()
}
