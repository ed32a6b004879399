//! The staff side of a tip-off, from 受理 to 办结 and 奖励 (domain-rules §4): the intake queue,
//! routing, department handling, objections, rewards with a second approver, deadlines on a
//! holiday calendar, the hash-chained audit log, dashboards and exports.
//!
//! `rules` is pure (the calendar and the audit chain are in `base`); `ssr` holds storage; `api` the server functions;
//! `pages` and `admin` the pages.
pub mod admin;
pub mod api;
pub mod pages;
pub mod report_page;

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::org::Choice;
use serde::{Deserialize, Serialize};

/// Filters of the queue, as query parameters (all optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub report_type: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub town: String,
    #[serde(default)]
    pub department: String,
    /// "overdue", "soon" or "unrouted" (accepted, no lead department yet: the triage list).
    #[serde(default)]
    pub due: String,
    /// Case number or words of the unit, address or description.
    #[serde(default)]
    pub q: String,
    /// "deadline" (default) or "received".
    #[serde(default)]
    pub sort: String,
}

impl QueueFilter {
    /// The filter as a query string (for the export links).
    pub fn query_string(&self) -> String {
        let pairs = [
            ("status", &self.status),
            ("report_type", &self.report_type),
            ("sector", &self.sector),
            ("town", &self.town),
            ("department", &self.department),
            ("due", &self.due),
            ("q", &self.q),
            ("sort", &self.sort),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", percent_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    pub case_number: String,
    pub report_type: String,
    pub sector: String,
    pub town: String,
    pub status: String,
    pub lead_department: Option<String>,
    pub received_at: i64,
    pub due_at: Option<i64>,
    pub urgency: Option<crate::base::calendar::Urgency>,
    pub spam: bool,
    pub reward_status: String,
    /// The case it is merged into (并案), shown instead of its own deadline.
    pub merged_into: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub rows: Vec<QueueRow>,
    pub total: i64,
    pub sectors: Vec<Choice>,
    pub towns: Vec<Choice>,
    pub departments: Vec<Choice>,
    /// Department handlers see their own department's cases only.
    pub scoped_to: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rectification {
    pub responsible: String,
    pub measures: String,
    pub funds: String,
    pub deadline: String,
    pub contingency: String,
    pub completed_at: Option<i64>,
    pub evidence: Option<String>,
}

pub use crate::rewards::RewardDecision;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: i64,
    pub user: Option<String>,
    pub action: String,
    pub case_number: Option<String>,
    pub reason: Option<String>,
    pub details: String,
}

/// The workflow part of the staff case page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseWork {
    pub case_number: String,
    pub status: String,
    pub report_type: String,
    pub received_at: i64,
    pub due_at: Option<i64>,
    pub urgency: Option<crate::base::calendar::Urgency>,
    pub anonymous: bool,
    pub decision_code: Option<String>,
    pub duplicate_of: Option<String>,
    /// The earlier case this one was merged into (并案), and the cases merged into this one.
    pub merged_into: Option<String>,
    pub merged: Vec<String>,
    /// The earliest related case a merge could join (open, not merged itself).
    pub merge_target: Option<String>,
    pub transfer_target: Option<String>,
    pub lead_department: Option<Choice>,
    pub cooperating: Vec<Choice>,
    /// From the routing table: (lead, cooperating); None when no rule matches (triage list).
    pub suggestion: Option<(Choice, Vec<Choice>)>,
    pub departments: Vec<Choice>,
    pub verification_result: Option<String>,
    pub fine_fen: Option<i64>,
    pub actions: Vec<String>,
    pub account: Option<String>,
    pub rectification: Option<Rectification>,
    pub extension_days: Option<i64>,
    pub extension_reason: Option<String>,
    pub extension_status: Option<String>,
    pub objection: Option<String>,
    pub review_outcome: Option<String>,
    pub reply: Option<String>,
    pub reward_status: String,
    pub reward_amount_fen: Option<i64>,
    pub reward_claim_until: Option<i64>,
    pub reward_decision: Option<RewardDecision>,
    /// The configured rules applied to the recorded fine (hazards and violations).
    pub suggested_reward_fen: Option<i64>,
    /// Earlier reports on the same unit or address (duplicate candidates).
    pub related: Vec<String>,
    pub history: Vec<AuditEntry>,
    /// Operations the current user may take now (see `rules::Op`).
    pub can: Vec<crate::cases::rules::Op>,
    pub can_reveal_identity: bool,
    pub can_reveal_payee: bool,
    pub max_extension_days: i64,
}

/// A revealed identity (only returned to intake and reward staff, with a logged reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revealed {
    pub lines: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub total: i64,
    pub by_status: Vec<Count>,
    pub by_type: Vec<Count>,
    pub by_sector: Vec<Count>,
    pub by_department: Vec<Count>,
    pub by_town: Vec<Count>,
    pub overdue: i64,
    pub due_soon: i64,
    pub breaches: i64,
    /// Median days from receipt to acceptance and to closing (reply), over the cases that got there.
    pub median_days_to_accept: Option<f64>,
    pub median_days_to_close: Option<f64>,
    pub rewards_approved: i64,
    pub rewards_approved_fen: i64,
    pub rewards_paid: i64,
    pub rewards_paid_fen: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRule {
    pub id: i64,
    pub sector: Choice,
    pub town: Option<Choice>,
    pub lead: Choice,
    pub cooperating: Vec<Choice>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingTable {
    pub rules: Vec<RoutingRule>,
    pub sectors: Vec<Choice>,
    pub towns: Vec<Choice>,
    pub departments: Vec<Choice>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayRow {
    pub day: String,
    pub kind: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: i64,
    /// Ok(rows checked) or Err(first broken row).
    pub chain: Result<i64, i64>,
}

#[cfg(test)]
mod label_tests {
    use crate::cases::labels::wf_label;
    use crate::cases::rules;
    use crate::i18n::Locale;

    /// Every label the workflow pages ask for by key, and every code they show with a prefix,
    /// has a translation in both languages (an unknown key would be shown to staff as is).
    #[test]
    fn every_label_used_is_translated() {
        let mut keys: Vec<String> = Vec::new();
        let sources = [
            include_str!("pages/queue.rs"),
            include_str!("pages/work_panel.rs"),
            include_str!("pages/dashboard.rs"),
            include_str!("admin.rs"),
            include_str!("../reports/pages/case.rs"),
        ];
        for src in sources {
            for part in src.split("tr(\"").skip(1) {
                if let Some(end) = part.find('"') {
                    keys.push(part[..end].to_string());
                }
            }
        }
        assert!(keys.len() > 20, "scan found {} keys", keys.len());
        let prefixed = [
            ("op_", rules::Op::ALL.iter().map(|o| o.as_str()).collect::<Vec<_>>()),
            ("rc_", rules::REFUSAL_CODES.to_vec()),
            ("vr_", rules::VERIFICATION_RESULTS.to_vec()),
            ("ac_", rules::ACTIONS.to_vec()),
            ("rd_", rules::REWARD_CODES.to_vec()),
            ("level_", crate::rewards::rules::ACCIDENT_LEVELS.to_vec()),
            ("ext_", [rules::EXTENSION_DECISIONS.as_slice(), rules::EXTENSION_STATES.as_slice()].concat()),
            ("yn_", rules::YES_NO.to_vec()),
            ("review_", rules::REVIEW_OUTCOMES.to_vec()),
            ("sealed_", rules::SEALED_FIELDS.to_vec()),
        ];
        // Every prefix the pages build keys with is in the list above.
        let checked: Vec<&str> = prefixed.iter().map(|(p, _)| *p).collect();
        let mut seen = 0;
        for src in sources {
            for (marker, after) in [("format!(\"", '{'), ("prefix=\"", '"')] {
                for part in src.split(marker).skip(1) {
                    let prefix: String = part.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                    if prefix.ends_with('_') && part[prefix.len()..].starts_with(after) {
                        assert!(checked.contains(&prefix.as_str()), "labels built with {prefix}… are not checked");
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen > 10, "found {seen} prefixed labels");
        for (prefix, codes) in prefixed {
            keys.extend(codes.iter().map(|c| format!("{prefix}{c}")));
        }
        keys.extend(["op_department_saved", "op_town_saved", "rc_handed_down"].map(String::from));
        for key in keys {
            for locale in [Locale::zh_CN, Locale::en] {
                assert_ne!(wf_label(locale, &key), key, "no {locale:?} label for {key}");
            }
        }
    }
}
