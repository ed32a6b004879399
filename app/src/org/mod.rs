//! Organisation data (组织): departments (including a town's or street's work safety station, the
//! target of a hand-down 交办), towns/streets and sectors — what forms choose from and cases and
//! accounts refer to by code. Enterprises and villages/communities come with training.
//!
//! Admins edit departments and towns/streets. Codes are fixed once created (rules, cases and
//! accounts refer to them); names, a station's town and the active flag can change. Retiring
//! something still in use by the routing table or by open cases is refused with a message.
pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::i18n::Locale;
use serde::{Deserialize, Serialize};

/// A selectable item of reference data (sector, town/street, department).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

/// A choice's name in the reader's language.
pub fn choice_name(locale: Locale, c: &Choice) -> String {
    match locale {
        Locale::en => c.name_en.clone(),
        _ => c.name_zh.clone(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgDepartment {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// The town/street whose station this is (None for district departments).
    pub town: Option<String>,
    pub active: bool,
    /// Open cases it leads, and staff accounts in it (shown so an admin sees what a change touches).
    pub open_cases: i64,
    pub users: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgTown {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// "town" (镇) or "street" (街道/园区).
    pub kind: String,
    pub active: bool,
    pub reports: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgData {
    pub departments: Vec<OrgDepartment>,
    pub towns: Vec<OrgTown>,
}

/// A department or town code: an upper-case letter, then upper-case letters, digits or "-".
pub fn valid_code(code: &str) -> bool {
    let b = code.as_bytes();
    (2..=20).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'-')
}

#[cfg(test)]
mod tests {
    use super::valid_code;

    #[test]
    fn codes() {
        for ok in ["YJJ", "AJZ-JD01", "X1"] {
            assert!(valid_code(ok), "{ok}");
        }
        for bad in ["", "Y", "yjj", "1AB", "A B", "应急", "ABCDEFGHIJKLMNOPQRSTU"] {
            assert!(!valid_code(bad), "{bad}");
        }
    }
}
