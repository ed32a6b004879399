//! Moving question banks in and out (题库导入导出): CSV (UTF-8, or GBK as Excel saves it), XLSX
//! and Moodle XML. An import checks every line and reports each bad one by number, column and
//! reason; it stores nothing unless the file is clean, or only the good lines when asked to.
//!
//! This module is pure (both targets): the columns, reading one row into a question form, and the
//! report a page shows. Decoding files, storing and the HTTP routes are in `ssr`.
pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod moodle;
#[cfg(feature = "ssr")]
pub mod ranking_file;
#[cfg(feature = "ssr")]
pub mod ssr;

use super::{Kind, QuestionDraft, OPTIONS_MAX};
use crate::org::Choice;
use serde::{Deserialize, Serialize};

pub use crate::base::table::{dangerous_cell, guard_cell, ImportReport, LineError, XLSX};

/// Questions in one file, at most.
pub const ROWS_MAX: usize = 10_000;
/// Bytes in one file, at most.
pub const FILE_MAX: usize = 20 * 1024 * 1024;
/// Line errors a report lists (the count covers all).
pub const ERRORS_SHOWN: usize = 200;

/// A column of the template, with the header names it is known by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Id,
    Kind,
    Stem,
    /// Option A–H.
    Option(usize),
    Answer,
    Explanation,
    Tags,
    Difficulty,
    Source,
    Active,
}

/// The template's header, in order (Chinese, as the bureau's files are).
pub fn template_header() -> Vec<String> {
    let mut h: Vec<String> = vec!["编号".into(), "题型".into(), "题干".into()];
    for i in 0..OPTIONS_MAX {
        h.push(format!("选项{}", super::letter(i)));
    }
    for s in ["答案", "解析", "领域", "难度", "来源", "启用"] {
        h.push(s.into());
    }
    h
}

impl Column {
    /// The column a header cell names (Chinese or English, any case, spaces ignored).
    pub fn parse(header: &str) -> Option<Column> {
        let h: String = header.trim().trim_start_matches('\u{feff}').chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
        let col = match h.as_str() {
            "编号" | "id" => Column::Id,
            "题型" | "kind" | "type" => Column::Kind,
            "题干" | "stem" | "question" => Column::Stem,
            "答案" | "answer" => Column::Answer,
            "解析" | "explanation" => Column::Explanation,
            "领域" | "tags" | "sector" | "sectors" => Column::Tags,
            "难度" | "difficulty" => Column::Difficulty,
            "来源" | "source" => Column::Source,
            "启用" | "active" => Column::Active,
            _ => {
                let letter = h.strip_prefix("选项").or_else(|| h.strip_prefix("option_")).or_else(|| h.strip_prefix("option"))?;
                let mut cs = letter.chars();
                let (Some(c), None) = (cs.next(), cs.next()) else { return None };
                let i = (c.to_ascii_uppercase() as usize).checked_sub('A' as usize)?;
                if i >= OPTIONS_MAX {
                    return None;
                }
                Column::Option(i)
            }
        };
        Some(col)
    }

    /// The field name errors in this column are reported under.
    pub fn field(self) -> &'static str {
        match self {
            Column::Id => "id",
            Column::Kind => "kind",
            Column::Stem => "stem",
            Column::Option(_) => "options",
            Column::Answer => "answer",
            Column::Explanation => "explanation",
            Column::Tags => "tags",
            Column::Difficulty => "difficulty",
            Column::Source => "source",
            Column::Active => "active",
        }
    }
}

/// The columns of a header row, or the file-level error code: an unknown or repeated column, or
/// a required one missing (kind, stem, answer, tags).
pub fn columns(header: &[String]) -> Result<Vec<Column>, String> {
    let mut cols = Vec::with_capacity(header.len());
    for h in header {
        if h.trim().is_empty() {
            return Err("wrong_columns".into());
        }
        let c = Column::parse(h).ok_or_else(|| "wrong_columns".to_string())?;
        if cols.contains(&c) {
            return Err("wrong_columns".into());
        }
        cols.push(c);
    }
    for need in [Column::Kind, Column::Stem, Column::Answer, Column::Tags] {
        if !cols.contains(&need) {
            return Err("wrong_columns".into());
        }
    }
    Ok(cols)
}

/// The import page: the last import's report (shown once) and the sectors for the default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPageData {
    pub report: Option<ImportReport>,
    pub sectors: Vec<Choice>,
}

/// A question read from a file: its line, the bank id it updates (if any) and the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadQuestion {
    pub line: usize,
    pub id: Option<i64>,
    pub draft: QuestionDraft,
}

/// A kind as written in a file (code, or the Chinese name with or without 题).
pub fn parse_kind(text: &str) -> Option<Kind> {
    let t = text.trim().trim_end_matches('题');
    Kind::parse(&t.to_lowercase()).or(match t {
        "单选" | "单项选择" => Some(Kind::Single),
        "多选" | "多项选择" => Some(Kind::Multiple),
        "判断" => Some(Kind::TrueFalse),
        "填空" => Some(Kind::Fill),
        _ => None,
    })
}

/// A true/false answer as written ("对", "正确", "√", "T", "true", …) in stored form.
pub fn parse_true_false(text: &str) -> Option<&'static str> {
    match text.trim().to_lowercase().as_str() {
        "true" | "t" | "对" | "正确" | "是" | "√" | "✓" | "yes" | "y" => Some("true"),
        "false" | "f" | "错" | "错误" | "否" | "×" | "✗" | "no" | "n" => Some("false"),
        _ => None,
    }
}

/// Sector codes from a cell: codes or Chinese/English names, separated by commas, 、 or spaces.
/// Unknown ones are kept as written (the question check reports them).
pub fn parse_tags(text: &str, sectors: &[Choice]) -> Vec<String> {
    // Chinese names first, as whole names: some contain "、" themselves.
    let mut named: Vec<&Choice> = sectors.iter().filter(|s| !s.name_zh.is_empty()).collect();
    named.sort_by_key(|s| std::cmp::Reverse(s.name_zh.chars().count()));
    let mut rest = text.to_string();
    let mut out = Vec::new();
    for s in named {
        if rest.contains(&s.name_zh) {
            rest = rest.replace(&s.name_zh, ",");
            out.push(s.code.clone());
        }
    }
    let others: Vec<String> = rest
        .split([',', '，', '、', ';', '；', ' ', '|'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            sectors
                .iter()
                .find(|s| s.code.eq_ignore_ascii_case(t) || s.name_zh == t || s.name_en.eq_ignore_ascii_case(t))
                .map(|s| s.code.clone())
                .unwrap_or_else(|| t.to_string())
        })
        .collect();
    out.extend(others);
    out
}

/// Read one data row (cells in the order of `cols`) into a question form, or its errors. Rows
/// with every cell empty are skipped (`Ok(None)`). `default_tag` is used when the row has none.
pub fn read_row(line: usize, cols: &[Column], cells: &[String], sectors: &[Choice], default_tag: &str) -> Result<Option<ReadQuestion>, Vec<LineError>> {
    if cells.iter().all(|c| c.trim().is_empty()) {
        return Ok(None);
    }
    let mut errors = Vec::new();
    let err = |errors: &mut Vec<LineError>, field: &str, code: &str| {
        if !errors.iter().any(|e: &LineError| e.field == field && e.code == code) {
            errors.push(LineError { line, field: field.into(), code: code.into() });
        }
    };
    if cells.len() > cols.len() && cells[cols.len()..].iter().any(|c| !c.trim().is_empty()) {
        err(&mut errors, "line", "extra_cells");
    }
    let cell = |c: Column| -> String { cols.iter().position(|x| *x == c).and_then(|i| cells.get(i)).cloned().unwrap_or_default() };
    for (i, c) in cols.iter().enumerate() {
        if let Some(code) = cells.get(i).and_then(|v| dangerous_cell(v)) {
            err(&mut errors, c.field(), code);
        }
    }
    let id = match cell(Column::Id).trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                err(&mut errors, "id", "not_a_number");
                None
            }
        },
    };
    let kind_text = cell(Column::Kind);
    let kind = parse_kind(&kind_text);
    let options: Vec<String> = (0..OPTIONS_MAX).map(|i| cell(Column::Option(i)).trim().to_string()).collect();
    // Options must be filled from A without gaps ("A, B, empty, D" is a mistake, not 3 options).
    let filled = options.iter().rposition(|o| !o.is_empty()).map(|p| p + 1).unwrap_or(0);
    if options[..filled].iter().any(String::is_empty) {
        err(&mut errors, "options", "option_empty");
    }
    let answer_text = cell(Column::Answer);
    let answer = match kind {
        Some(Kind::TrueFalse) => parse_true_false(&answer_text).map(String::from).unwrap_or(answer_text.clone()),
        _ => answer_text.clone(),
    };
    let mut tags = parse_tags(&cell(Column::Tags), sectors);
    if tags.is_empty() && !default_tag.trim().is_empty() {
        tags.push(default_tag.trim().to_string());
    }
    let difficulty = match cell(Column::Difficulty).trim() {
        "" => "2".to_string(),
        "易" | "简单" => "1".into(),
        "中" | "中等" => "2".into(),
        "难" | "困难" => "3".into(),
        d => d.to_string(),
    };
    let active = !matches!(cell(Column::Active).trim().to_lowercase().as_str(), "否" | "0" | "no" | "false" | "停用");
    let draft = QuestionDraft {
        kind: kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        stem: cell(Column::Stem),
        options: options[..filled].join("\n"),
        answer,
        explanation: cell(Column::Explanation),
        tags,
        difficulty,
        source: cell(Column::Source),
        active,
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Some(ReadQuestion { line, id, draft }))
}

/// A question's row for an export, in the template's column order.
pub fn export_row(q: &super::Question) -> Vec<String> {
    let id = if q.id > 0 { q.id.to_string() } else { String::new() };
    let mut row = vec![id, kind_name(q.kind).to_string(), q.stem.clone()];
    for i in 0..OPTIONS_MAX {
        row.push(q.options.get(i).cloned().unwrap_or_default());
    }
    let answer = match (q.kind, q.answer.as_str()) {
        (Kind::TrueFalse, "true") => "正确".to_string(),
        (Kind::TrueFalse, _) => "错误".to_string(),
        _ => q.answer.clone(),
    };
    row.extend([
        answer,
        q.explanation.clone(),
        q.tags.join(","),
        q.difficulty.to_string(),
        q.source.clone(),
        if q.active { "是" } else { "否" }.to_string(),
    ]);
    row
}

/// The Chinese name of a kind, as the template writes it.
pub fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Single => "单选",
        Kind::Multiple => "多选",
        Kind::TrueFalse => "判断",
        Kind::Fill => "填空",
    }
}

#[cfg(test)]
mod tests;
