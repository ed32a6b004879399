//! Certificates the portal issues (证书): for an on-site session attended, and later a course
//! completed or a contest taken. Each has an unguessable verification code (16 characters, 80
//! random bits); anyone can check it on the public page `/verify` without logging in, which
//! shows exactly what the certificate shows and whether it still stands. The holder and the
//! issuer print it (`/certificates/:code`, an A4 page with a QR code drawn by the server);
//! the issuer may revoke it, or reissue it under a new code (the old one then reads "revoked").
//!
//! Below the areas that issue certificates (training now, the quiz later), so that none of them
//! imports another (docs/architecture.md).
use crate::base::validate::normal_code;
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

/// Characters in a verification code.
pub const CODE_CHARS: usize = 16;
pub const REASON_MAX: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An on-site training session attended.
    Session,
    /// A network-classroom course completed.
    Course,
    /// A knowledge contest taken.
    Contest,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Session => "session",
            Kind::Course => "course",
            Kind::Contest => "contest",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        [Kind::Session, Kind::Course, Kind::Contest].into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Valid,
    Expired,
    Revoked,
}

/// A certificate as printed and as the public page shows it: nothing else about the holder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// Grouped for reading: ABCD-EFGH-JKLM-NPQR.
    pub code: String,
    pub kind: Kind,
    pub holder: String,
    pub title: String,
    pub issuer: String,
    /// 学时 credited, if the certificate is for training time.
    pub hours: Option<String>,
    pub issued_on: String,
    pub valid_until: Option<String>,
    pub standing: Standing,
    pub revoked_on: Option<String>,
}

/// The printable page: the certificate, the address the QR code points to, and the QR code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Printable {
    pub certificate: Certificate,
    pub verify_url: String,
    pub qr_svg: String,
    /// The viewer may revoke or reissue it (its issuer).
    pub can_manage: bool,
}

/// A typed code, checked: 16 characters of the code alphabet once dashes, spaces and case are
/// set aside. `None` for anything else.
pub fn parse_code(typed: &str) -> Option<String> {
    let c = normal_code(typed);
    let ok = c.len() == CODE_CHARS && c.bytes().all(|b| crate::base::validate::CODE_ALPHABET.contains(&b));
    ok.then_some(c)
}

/// A stored code in groups of four.
pub fn grouped(code: &str) -> String {
    code.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_as_typed() {
        let cases = [
            ("ABCD-EFGH-JKLM-NPQR", Some("ABCDEFGHJKLMNPQR")),
            (" abcd efgh jkmn pqrs ", Some("ABCDEFGHJKMNPQRS")),
            ("ABCD-EFGH-JKLM-NPQ", None),
            ("ABCD-EFGH-JKLM-NPQO", None),
            ("ABCD-EFGH-JKLM-NPQ1", None),
            ("", None),
        ];
        for (typed, want) in cases {
            assert_eq!(parse_code(typed).as_deref(), want, "{typed:?}");
        }
        assert_eq!(grouped("ABCDEFGHJKLMNPQR"), "ABCD-EFGH-JKLM-NPQR");
    }
}
