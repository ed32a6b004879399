//! What the citizen side (`reports`) and the staff side (`workflow`) both know about a case: the
//! report types, the statuses a reporter sees, case numbers and access codes; the operations on
//! a case and when each is allowed (`rules`); the labels of every case code (`labels`). Pure;
//! both targets.
pub mod labels;
pub mod reply;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod views;

use serde::{Deserialize, Serialize};

pub const REPORT_TYPES: [&str; 5] = ["major_hazard", "general_hazard", "violation", "concealed_accident", "other"];

/// Reporter-facing statuses (see domain-rules §3.5).
pub const STATUSES: [&str; 11] = [
    "submitted",
    "accepted",
    "not_accepted",
    "transferred",
    "verifying",
    "extended",
    "replied",
    "objection",
    "review",
    "closed",
    "withdrawn",
];

/// Crockford base32 without I, L, O, U: unambiguous when read aloud or copied by hand.
pub const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Case numbers: "AQ" + 10 symbols (50 random bits, not sequential). Access codes: 20 symbols
/// (100 bits), shown in groups of five.
pub const CASE_SYMBOLS: usize = 10;
pub const CODE_SYMBOLS: usize = 20;

/// Upper-case, drop spaces and dashes, read O as 0 and I/L as 1 (people copy codes by hand).
pub fn normalize_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

pub fn is_case_number(normalized: &str) -> bool {
    normalized.len() == 2 + CASE_SYMBOLS
        && normalized.starts_with("AQ")
        && normalized[2..].bytes().all(|b| CODE_ALPHABET.contains(&b))
}

pub fn is_access_code(normalized: &str) -> bool {
    normalized.len() == CODE_SYMBOLS && normalized.bytes().all(|b| CODE_ALPHABET.contains(&b))
}

/// "ABCDE-FGHJK-…" for display.
pub fn group_code(code: &str) -> String {
    code.as_bytes()
        .chunks(5)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

crate::base::enum_with_all! {
    /// A case's status, as stored in `reports.status` and shown to both sides.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub enum Status {
        #[default]
        Submitted,
        Accepted,
        NotAccepted,
        Transferred,
        Verifying,
        Extended,
        Replied,
        Objection,
        Review,
        Closed,
        Withdrawn,
        /// Merged into another case (并案), which carries the handling.
        Merged,
    }
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Accepted => "accepted",
            Status::NotAccepted => "not_accepted",
            Status::Transferred => "transferred",
            Status::Verifying => "verifying",
            Status::Extended => "extended",
            Status::Replied => "replied",
            Status::Objection => "objection",
            Status::Review => "review",
            Status::Closed => "closed",
            Status::Withdrawn => "withdrawn",
            Status::Merged => "merged",
        }
    }

    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == code)
    }

    /// A staff clock runs: acceptance, verification, objection window, review.
    pub const OPEN: [Status; 6] =
        [Status::Submitted, Status::Accepted, Status::Verifying, Status::Extended, Status::Objection, Status::Review];
    /// Accepted and not yet answered: a department is handling it (a merge may join it).
    pub const HANDLING: [Status; 3] = [Status::Accepted, Status::Verifying, Status::Extended];
    /// No finding yet: the reporter may still withdraw.
    pub const WITHDRAWABLE: [Status; 4] = [Status::Submitted, Status::Accepted, Status::Verifying, Status::Extended];
    /// Finished without handling, withdrawn or closed: no more messages.
    pub const MESSAGE_CLOSED: [Status; 3] = [Status::Withdrawn, Status::Closed, Status::NotAccepted];

    pub fn is_open(self) -> bool {
        Status::OPEN.contains(&self)
    }
}

/// A set of statuses as an SQL list, `('a', 'b')` (fixed codes, never user input).
pub fn sql_list(statuses: &[Status]) -> String {
    let codes: Vec<String> = statuses.iter().map(|s| format!("'{}'", s.as_str())).collect();
    format!("({})", codes.join(", "))
}

/// Longest message between a reporter and staff.
pub const MESSAGE_MAX: usize = 2000;

/// One message between the reporter and staff, as either side sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseMessage {
    /// "reporter" or "staff".
    pub author: String,
    pub body: String,
    pub at: i64,
    pub files: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_normalise() {
        assert_eq!(normalize_code(" aq0o-il 1 "), "AQ00111");
        assert!(is_case_number("AQ0123456789"));
        assert!(!is_case_number("AQ012345678U"));
        assert!(is_access_code("ABCDEFGHJKMNPQRSTVWX"));
        assert!(!is_access_code("ABCDEFGHJKMNPQRSTVW"));
        assert_eq!(group_code("ABCDEFGHJK"), "ABCDE-FGHJK");
    }

    #[test]
    fn statuses_round_trip_and_the_reporter_facing_list_is_typed() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        for code in STATUSES {
            assert!(Status::parse(code).is_some(), "{code}");
        }
        assert_eq!(Status::parse("nonsense"), None);
        assert_eq!(sql_list(&Status::HANDLING), "('accepted', 'verifying', 'extended')");
        // The organisation page (a layer below) counts each department's cases in hand with
        // its own copy of the list: it must be this one.
        #[cfg(feature = "ssr")]
        assert_eq!(crate::org::ssr::HANDLING_SQL, sql_list(&Status::HANDLING));
    }
}
