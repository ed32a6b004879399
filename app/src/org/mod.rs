//! Organisation data (组织): departments (including a town's or street's work safety station, the
//! target of a hand-down 交办), towns/streets, villages/communities (村/社区) and enterprises, and
//! sectors — what forms choose from and cases, accounts, rankings and training records refer to.
//!
//! Admins edit departments, towns/streets, villages/communities and enterprises. Codes are fixed once created (rules, cases and
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

/// A village (村) or community (社区): the level below a town/street.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgVillage {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Its town/street's code.
    pub town: String,
    /// "village" (村) or "community" (社区).
    pub kind: String,
    pub active: bool,
    /// Active enterprises placed in it.
    pub enterprises: i64,
}

/// An enterprise, identified by its unified social credit code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgEnterprise {
    pub credit_code: String,
    pub name: String,
    pub town: Option<String>,
    pub village: Option<String>,
    pub sector: Option<String>,
    /// Registered employees: the denominator of a participation rate.
    pub employees: i64,
    /// In a high-risk sector (高危行业): its people owe the higher training hours.
    pub high_risk: bool,
    pub active: bool,
    /// Active accounts of its employees and managers.
    pub users: i64,
}

/// What an enterprise's form offers to choose from (villages/communities named with their
/// town/street, so two of the same name are told apart).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseChoices {
    pub towns: Vec<Choice>,
    pub villages: Vec<Choice>,
    pub sectors: Vec<Choice>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgData {
    pub departments: Vec<OrgDepartment>,
    pub towns: Vec<OrgTown>,
    pub villages: Vec<OrgVillage>,
    pub enterprises: Vec<OrgEnterprise>,
    pub sectors: Vec<Choice>,
}

/// Most registered employees one enterprise may state.
pub const EMPLOYEES_MAX: i64 = 1_000_000;

/// A unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from the 31 allowed
/// (digits and capitals without I, O, Z, S, V), the last a check character over the other 17.
pub fn valid_credit_code(code: &str) -> bool {
    const CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let b = code.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let value = |c: u8| CHARS.iter().position(|x| *x == c);
    let mut sum = 0;
    for (c, w) in b[..17].iter().zip(WEIGHTS) {
        match value(*c) {
            Some(v) => sum += v * w,
            None => return false,
        }
    }
    value(b[17]) == Some((31 - sum % 31) % 31)
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
    fn credit_codes_carry_their_check_character() {
        use super::valid_credit_code;
        // Examples published with GB 32100-2015 and by registration authorities.
        for ok in ["91350100M000100Y43", "91110000802100433B"] {
            assert!(valid_credit_code(ok), "{ok}");
        }
        for bad in ["91350100M000100Y44", "91350100M000100Y4", "91350100M0001O0Y43", "91340100MA2TEST01X", "", "９1350100M000100Y43"] {
            assert!(!valid_credit_code(bad), "{bad}");
        }
    }

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
