//! Pure rules of the public tip-off, used by the server (authoritative) and by the WebAssembly
//! app (validation as you type, proof of work).
use crate::errors::FieldError;
use sha2::{Digest, Sha256};

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

pub const UNIT_NAME_MAX: usize = 200;
pub const ADDRESS_MAX: usize = 300;
pub const DESCRIPTION_MIN: usize = 15;
pub const DESCRIPTION_MAX: usize = 5000;
pub const NAME_MAX: usize = 50;
pub const JOINT_MAX: usize = 500;
pub const MESSAGE_MAX: usize = 2000;
pub const OBJECTION_MIN: usize = 10;

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

/// Mainland mobile numbers (11 digits starting 13–19) or landlines with an area code.
pub fn valid_phone(phone: &str) -> bool {
    let p: String = phone.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits = p.strip_prefix("+86").unwrap_or(&p);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mobile = digits.len() == 11 && digits.starts_with('1') && matches!(digits.as_bytes()[1], b'3'..=b'9');
    let landline = digits.starts_with('0') && (10..=12).contains(&digits.len());
    mobile || landline
}

/// Resident identity card number (GB 11643-1999): 17 digits and a check character.
pub fn valid_id_number(id: &str) -> bool {
    let id = id.trim().to_ascii_uppercase();
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(|c| c.is_ascii_digit()) {
        return false;
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = b[..17].iter().zip(WEIGHTS).map(|(c, w)| u32::from(c - b'0') * w).sum();
    CHECK[(sum % 11) as usize] == b[17]
}

/// Bank card / account numbers: 10–30 digits (spaces allowed while typing).
pub fn valid_account_number(account: &str) -> bool {
    let digits: String = account.chars().filter(|c| *c != ' ').collect();
    (10..=30).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// "YYYY-MM-DD" with a real month and day.
pub fn valid_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
        return false;
    }
    // Digits only ("+024" would parse as a number).
    if !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (parts[0].parse::<u32>(), parts[1].parse::<u32>(), parts[2].parse::<u32>()) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Text that may be stored: no control characters other than newlines and tabs (a NUL byte
/// would be refused by PostgreSQL and has no business in a report).
pub fn clean_text(s: &str) -> bool {
    !s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

fn push(errs: &mut Vec<FieldError>, field: &str, code: &str) {
    errs.push(FieldError { field: field.into(), code: code.into() });
}

/// Length and character checks of one text field.
pub fn check_text(errs: &mut Vec<FieldError>, field: &str, value: &str, min: usize, max: usize) {
    let n = value.trim().chars().count();
    if !clean_text(value) {
        push(errs, field, "invalid_characters");
    } else if n == 0 && min > 0 {
        push(errs, field, "required");
    } else if n < min {
        push(errs, field, "too_short");
    } else if n > max {
        push(errs, field, "too_long");
    }
}

/// The checks of the report form that need no database (the server also checks that the sector
/// and town exist, the date is not in the future, and the attachments).
pub fn check_report(d: &super::ReportDraft, name: &str, phone: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if !REPORT_TYPES.contains(&d.report_type.as_str()) {
        push(&mut errs, "report_type", "choose_one");
    }
    if d.sector.trim().is_empty() {
        push(&mut errs, "sector", "choose_one");
    }
    if d.town.trim().is_empty() {
        push(&mut errs, "town", "choose_one");
    }
    check_text(&mut errs, "unit_name", &d.unit_name, 0, UNIT_NAME_MAX);
    check_text(&mut errs, "address", &d.address, 2, ADDRESS_MAX);
    check_text(&mut errs, "description", &d.description, DESCRIPTION_MIN, DESCRIPTION_MAX);
    check_text(&mut errs, "joint_reporters", &d.joint_reporters, 0, JOINT_MAX);
    match (d.latitude.trim(), d.longitude.trim()) {
        ("", "") => {}
        (lat, lon) => match (lat.parse::<f64>(), lon.parse::<f64>()) {
            (Ok(a), Ok(o)) if (-90.0..=90.0).contains(&a) && (-180.0..=180.0).contains(&o) => {}
            _ => push(&mut errs, "latitude", "coordinates_invalid"),
        },
    }
    if !d.seen_on.trim().is_empty() && !valid_date(d.seen_on.trim()) {
        push(&mut errs, "seen_on", "date_invalid");
    }
    if !matches!(d.works_there.as_str(), "" | "yes" | "no") {
        push(&mut errs, "works_there", "choose_one");
    }
    if !d.anonymous {
        check_text(&mut errs, "name", name, 1, NAME_MAX);
        if phone.trim().is_empty() {
            push(&mut errs, "phone", "required");
        } else if !valid_phone(phone) {
            push(&mut errs, "phone", "phone_invalid");
        }
    }
    errs
}

// ---- rewards ---------------------------------------------------------------------------------------

/// The reward rules in force (configuration; defaults are the 2018 national rules, domain-rules §1.4).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RewardRules {
    /// Hazards and violations: this percentage of the fine, clamped to [min, max].
    pub fine_percent: i64,
    pub fine_min_yuan: i64,
    pub fine_max_yuan: i64,
    /// Concealed accidents: per verified death by accident level (一般, 较大, 重大, 特别重大).
    pub per_death_yuan: [i64; 4],
    /// Cap of any single reward.
    pub cap_yuan: i64,
}

impl Default for RewardRules {
    fn default() -> Self {
        RewardRules {
            fine_percent: 15,
            fine_min_yuan: 3_000,
            fine_max_yuan: 300_000,
            per_death_yuan: [30_000, 40_000, 50_000, 60_000],
            cap_yuan: 300_000,
        }
    }
}

pub const ACCIDENT_LEVELS: [&str; 4] = ["general", "larger", "major", "especially_major"];

/// What the reward calculation needs, as typed into the estimator or by the reward officer.
#[derive(Clone, Debug, PartialEq)]
pub enum RewardCase {
    /// A hazard or violation that ended in a fine of this many yuan.
    Fine(f64),
    /// A concealed accident: level index into `ACCIDENT_LEVELS` and verified concealed deaths.
    Concealed { level: usize, deaths: u32 },
}

/// Parse the estimator's inputs; `Err` carries the field and the error code.
pub fn parse_reward_case(kind: &str, fine: &str, level: &str, deaths: &str) -> Result<RewardCase, (&'static str, &'static str)> {
    match kind {
        "fine" => {
            let f: f64 = fine.trim().replace(',', "").parse().map_err(|_| ("fine", "not_a_number"))?;
            if !f.is_finite() || f < 0.0 {
                return Err(("fine", "amount_negative"));
            }
            if f > 1e10 {
                return Err(("fine", "amount_absurd"));
            }
            Ok(RewardCase::Fine(f))
        }
        "concealed" => {
            let level = ACCIDENT_LEVELS.iter().position(|l| *l == level).ok_or(("level", "choose_one"))?;
            let deaths: u32 = deaths.trim().parse().map_err(|_| ("deaths", "not_a_number"))?;
            if deaths == 0 || deaths > 1000 {
                return Err(("deaths", "deaths_out_of_range"));
            }
            Ok(RewardCase::Concealed { level, deaths })
        }
        _ => Err(("kind", "choose_one")),
    }
}

/// The suggested reward in whole yuan (round half up), before any staff decision.
pub fn suggest_reward(rules: &RewardRules, case: &RewardCase) -> i64 {
    let amount = match case {
        RewardCase::Fine(fine) => {
            let raw = (fine * rules.fine_percent as f64 / 100.0 + 0.5).floor() as i64;
            raw.clamp(rules.fine_min_yuan, rules.fine_max_yuan)
        }
        RewardCase::Concealed { level, deaths } => rules.per_death_yuan[*level].saturating_mul(i64::from(*deaths)),
    };
    amount.min(rules.cap_yuan)
}

// ---- proof of work ------------------------------------------------------------------------------

fn leading_zero_bits(hash: &[u8]) -> u32 {
    let mut bits = 0;
    for byte in hash {
        if *byte == 0 {
            bits += 8;
        } else {
            bits += byte.leading_zeros();
            break;
        }
    }
    bits
}

/// SHA-256("<challenge>:<counter>") must start with `bits` zero bits.
pub fn pow_ok(challenge: &str, counter: u64, bits: u32) -> bool {
    let mut h = Sha256::new();
    h.update(challenge.as_bytes());
    h.update(b":");
    h.update(counter.to_string().as_bytes());
    leading_zero_bits(&h.finalize()) >= bits
}

/// Find a counter for `pow_ok` (the browser does this; about 2^bits hashes on average).
pub fn solve_pow(challenge: &str, bits: u32) -> u64 {
    (0..u64::MAX).find(|c| pow_ok(challenge, *c, bits)).unwrap_or(0)
}

/// The challenge of a form token is its nonce (the middle part of "expiry.nonce.mac").
pub fn token_challenge(token: &str) -> &str {
    token.split('.').nth(1).unwrap_or("")
}

// ---- photo location ----------------------------------------------------------------------------

/// The GPS position in a JPEG's EXIF block, if any (latitude, longitude in degrees). Small and
/// dependency-free so the WebAssembly app can read it before re-encoding the photo (which drops
/// every EXIF block): the location leaves the phone only when the reporter asks for it.
pub fn exif_gps(jpeg: &[u8]) -> Option<(f64, f64)> {
    let tiff = exif_tiff(jpeg)?;
    let le = match tiff.get(..4)? {
        b"II\x2a\x00" => true,
        b"MM\x00\x2a" => false,
        _ => return None,
    };
    let u16_at = |o: usize| -> Option<u32> {
        let b = tiff.get(o..o + 2)?;
        Some(u32::from(if le { u16::from_le_bytes([b[0], b[1]]) } else { u16::from_be_bytes([b[0], b[1]]) }))
    };
    let u32_at = |o: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(o..o + 4)?.try_into().ok()?;
        Some(if le { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) })
    };
    // (tag, type, count, value or offset) of each entry of the IFD at `at`.
    let entries = |at: usize| -> Option<Vec<(u32, u32, u32, u32, usize)>> {
        let n = u16_at(at)? as usize;
        (0..n.min(256))
            .map(|i| {
                let e = at + 2 + i * 12;
                Some((u16_at(e)?, u16_at(e + 2)?, u32_at(e + 4)?, u32_at(e + 8)?, e + 8))
            })
            .collect()
    };
    let ifd0 = entries(u32_at(4)? as usize)?;
    let gps_at = ifd0.iter().find(|e| e.0 == 0x8825)?.3 as usize;
    let gps = entries(gps_at)?;
    let reference = |tag: u32| -> Option<u8> { gps.iter().find(|e| e.0 == tag && e.1 == 2).and_then(|e| tiff.get(e.4).copied()) };
    let degrees = |tag: u32| -> Option<f64> {
        let e = gps.iter().find(|e| e.0 == tag && e.1 == 5 && e.2 == 3)?;
        let at = e.3 as usize;
        let mut parts = [0f64; 3];
        for (k, part) in parts.iter_mut().enumerate() {
            let (num, den) = (u32_at(at + k * 8)?, u32_at(at + k * 8 + 4)?);
            if den == 0 {
                return None;
            }
            *part = f64::from(num) / f64::from(den);
        }
        Some(parts[0] + parts[1] / 60.0 + parts[2] / 3600.0)
    };
    let mut lat = degrees(2)?;
    let mut lon = degrees(4)?;
    if reference(1) == Some(b'S') {
        lat = -lat;
    }
    if reference(3) == Some(b'W') {
        lon = -lon;
    }
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// The TIFF structure inside a JPEG's APP1 "Exif" segment.
fn exif_tiff(jpeg: &[u8]) -> Option<&[u8]> {
    if jpeg.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut at = 2;
    while at + 4 <= jpeg.len() {
        if jpeg[at] != 0xFF {
            return None;
        }
        let marker = jpeg[at + 1];
        if marker == 0xDA || marker == 0xD9 {
            return None; // image data starts: no EXIF before it
        }
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        let body = jpeg.get(at + 4..at + 2 + len)?;
        if marker == 0xE1 && body.starts_with(b"Exif\0\0") {
            return body.get(6..);
        }
        at += 2 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers() {
        assert!(valid_id_number("11010519491231002X"));
        assert!(valid_id_number("11010519491231002x"));
        assert!(!valid_id_number("110105194912310021"));
        assert!(!valid_id_number("1101051949123100"));
        assert!(!valid_id_number("11010519491231002Ｘ"));
    }

    #[test]
    fn phones() {
        for ok in ["13812345678", "+86 138 1234 5678", "0551-62345678", "055162345678"] {
            assert!(valid_phone(ok), "{ok}");
        }
        for bad in ["12345678901", "1381234567", "abc", "", "<script>", "138123456789"] {
            assert!(!valid_phone(bad), "{bad}");
        }
    }

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
    fn dates() {
        assert!(valid_date("2024-02-29"));
        assert!(!valid_date("2023-02-29"));
        assert!(!valid_date("2024-13-01"));
        assert!(!valid_date("24-01-01"));
    }

    #[test]
    fn proof_of_work_round_trip() {
        let c = solve_pow("abc", 8);
        assert!(pow_ok("abc", c, 8));
        assert!(!pow_ok("abd", c, 30));
    }

    #[test]
    fn reward_table() {
        let national = RewardRules::default();
        let anhui = RewardRules { per_death_yuan: [30_000, 50_000, 50_000, 50_000], cap_yuan: 500_000, ..national.clone() };
        let cases: [(&RewardRules, RewardCase, i64); 9] = [
            (&national, RewardCase::Fine(0.0), 3_000),
            (&national, RewardCase::Fine(10_000.0), 3_000),
            (&national, RewardCase::Fine(200_000.0), 30_000),
            (&national, RewardCase::Fine(33_333.0), 5_000),
            (&national, RewardCase::Fine(5_000_000.0), 300_000),
            (&national, RewardCase::Concealed { level: 1, deaths: 3 }, 120_000),
            (&national, RewardCase::Concealed { level: 3, deaths: 30 }, 300_000),
            (&anhui, RewardCase::Concealed { level: 3, deaths: 30 }, 500_000),
            (&anhui, RewardCase::Concealed { level: 1, deaths: 4 }, 200_000),
        ];
        for (rules, case, want) in cases {
            assert_eq!(suggest_reward(rules, &case), want, "{case:?}");
        }
        assert_eq!(parse_reward_case("fine", "-5", "", ""), Err(("fine", "amount_negative")));
        assert_eq!(parse_reward_case("fine", "1e12", "", ""), Err(("fine", "amount_absurd")));
        assert_eq!(parse_reward_case("fine", "abc", "", ""), Err(("fine", "not_a_number")));
        assert_eq!(parse_reward_case("concealed", "", "major", "0"), Err(("deaths", "deaths_out_of_range")));
        assert_eq!(parse_reward_case("fine", "200,000", "", ""), Ok(RewardCase::Fine(200_000.0)));
    }

    #[test]
    fn text_rules() {
        let mut e = Vec::new();
        check_text(&mut e, "f", "a\u{0}b", 0, 10);
        check_text(&mut e, "g", "", 1, 10);
        check_text(&mut e, "h", "abc", 5, 10);
        check_text(&mut e, "i", &"x".repeat(11), 0, 10);
        let codes: Vec<_> = e.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["invalid_characters", "required", "too_short", "too_long"]);
    }
}
