//! Checks of typed-in values shared by every form: text fields, dates, phone, identity card and
//! bank account numbers. Pure; the same on the server (authoritative) and in the browser.
use super::errors::FieldError;

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

/// "YYYY-MM-DD" with a real month and day (the calendar's own parser: one date format everywhere).
pub fn valid_date(s: &str) -> bool {
    super::calendar::parse_ymd(s).is_some()
}

/// Text that may be stored: no control characters other than newlines and tabs (a NUL byte
/// would be refused by PostgreSQL and has no business in a report).
pub fn clean_text(s: &str) -> bool {
    !s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Letters and digits that cannot be mistaken for one another when read aloud or typed from
/// paper (no 0/O, 1/I): the alphabet of contestant and certificate codes.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A typed code in its stored form: letters and digits only, upper case (spaces, dashes and
/// case as people type them do not matter).
pub fn normal_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

pub fn push(errs: &mut Vec<FieldError>, field: &str, code: &str) {
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

/// The field errors of one form, collected before anything is stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn push(&mut self, field: &str, code: &str) {
        push(&mut self.0, field, code);
    }
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) {
        check_text(&mut self.0, field, value, min, max);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Err` with every error collected, or `Ok(value)` when there is none.
    pub fn or<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
    /// One error: a whole operation refused (shown beside its button, field "op").
    pub fn op(code: &str) -> FieldErrors {
        let mut e = FieldErrors::default();
        e.push("op", code);
        e
    }
    /// For server code that stops at the first form with errors.
    pub fn done(self) -> Result<(), super::errors::AppError> {
        self.or(()).map_err(Into::into)
    }
}

impl From<FieldErrors> for super::errors::AppError {
    fn from(e: FieldErrors) -> Self {
        super::errors::AppError::Validation(e.0)
    }
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
    fn dates() {
        assert!(valid_date("2024-02-29"));
        assert!(!valid_date("2023-02-29"));
        assert!(!valid_date("2024-13-01"));
        assert!(!valid_date("24-01-01"));
        assert!(!valid_date("+024-01-01"));
        assert!(!valid_date("2024-0１-01"), "full-width digits");
        assert!(!valid_date("20é4-01-01"), "no panic on a multi-byte character");
        assert!(!valid_date("2024-00-10") && !valid_date("2024-04-31"));
        assert!(valid_date("2999-01-01"), "a real date; the form says it is in the future");
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
