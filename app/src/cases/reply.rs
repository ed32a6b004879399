//! The reply to a reporter (答复), composed from the translation files. Pure: the same facts give
//! the same text, in either language (the bureau stores and sends it in Chinese).
use super::labels::wf_label;
use super::rules::{ACTIONS, VERIFICATION_RESULTS};
use crate::base::format::fmt_yuan_plain;
use crate::i18n::*;

/// What the reply reports.
pub struct ReplyFacts<'a> {
    /// 核查结论: one of `VERIFICATION_RESULTS` ("unverifiable" if missing).
    pub result: &'a str,
    /// 核查情况: the department's account.
    pub account: &'a str,
    /// 处理决定: the measures taken (`ACTIONS`), and the fine when one was imposed.
    pub actions: &'a [String],
    pub fine_fen: Option<i64>,
    /// Whether the reporter is eligible for a reward.
    pub eligible: bool,
    /// Other reports merged into this case (并案), answered with it.
    pub merged_with: i64,
    /// The officer's own words, added at the end.
    pub note: &'a str,
}

pub fn compose_reply(locale: Locale, f: &ReplyFacts<'_>) -> String {
    let line = |label: &str, value: &str| td_string!(locale, reply_line).replace("{label}", label).replace("{value}", value);
    let result = if VERIFICATION_RESULTS.contains(&f.result) { f.result } else { "unverifiable" };
    let mut measures: Vec<String> = f
        .actions
        .iter()
        .filter(|a| ACTIONS.contains(&a.as_str()))
        .map(|a| match (a.as_str(), f.fine_fen) {
            ("administrative_penalty", Some(fen)) => {
                td_string!(locale, reply_penalty_fine).replace("{amount}", &fmt_yuan_plain(fen))
            }
            _ => wf_label(locale, &format!("ac_{a}")),
        })
        .collect();
    if measures.is_empty() {
        measures.push(wf_label(locale, "ac_no_action"));
    }
    let reward = if f.eligible { td_string!(locale, reply_eligible_yes) } else { td_string!(locale, reply_eligible_no) };
    let mut reply = [
        line(td_string!(locale, reply_finding), &wf_label(locale, &format!("vr_{result}"))),
        line(td_string!(locale, reply_account), f.account.trim()),
        line(td_string!(locale, reply_measures), &measures.join(td_string!(locale, reply_list_sep))),
        line(td_string!(locale, reply_reward), reward),
    ]
    .join("\n");
    if f.merged_with > 0 {
        reply.push('\n');
        reply.push_str(&td_string!(locale, reply_merged).replace("{n}", &f.merged_with.to_string()));
    }
    if !f.note.trim().is_empty() {
        reply.push_str("\n\n");
        reply.push_str(f.note.trim());
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(actions: &'a [String], fine_fen: Option<i64>, merged_with: i64, note: &'a str) -> ReplyFacts<'a> {
        ReplyFacts { result: "true", account: " 现场检查属实。 ", actions, fine_fen, eligible: true, merged_with, note }
    }

    #[test]
    fn replies_in_both_languages() {
        let actions = vec!["order_rectification".to_string(), "administrative_penalty".to_string()];
        let odd = vec!["administrative_penalty".to_string(), "made_up".to_string()];
        let cases: [(Locale, ReplyFacts<'_>, &str); 4] = [
            (
                Locale::zh_CN,
                facts(&actions, Some(20_000_000), 0, ""),
                "核查结论：属实\n核查情况：现场检查属实。\n处理决定：责令整改；行政处罚（罚款 200000.00 元）\n奖励：符合奖励条件，奖励审核后另行通知。",
            ),
            (
                Locale::en,
                facts(&actions, Some(20_000_000), 0, ""),
                "Finding: Substantiated\nVerification: 现场检查属实。\nMeasures: Order to rectify; Administrative penalty (fine of 200000.00 yuan)\nReward: Eligible for a reward; you will be told once it has been approved.",
            ),
            (
                Locale::zh_CN,
                ReplyFacts { result: "", account: "", actions: &[], fine_fen: None, eligible: false, merged_with: 2, note: " 谢谢。 " },
                "核查结论：无法核实\n核查情况：\n处理决定：不予处理\n奖励：不符合奖励条件。\n并案：本案与另外 2 件相关举报合并办理，统一答复。\n\n谢谢。",
            ),
            (
                Locale::zh_CN,
                facts(&odd, None, 0, ""),
                "核查结论：属实\n核查情况：现场检查属实。\n处理决定：行政处罚\n奖励：符合奖励条件，奖励审核后另行通知。",
            ),
        ];
        for (locale, f, want) in cases {
            assert_eq!(compose_reply(locale, &f), want);
        }
    }
}
