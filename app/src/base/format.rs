//! Formatting (and parsing) of dates and money shared by every area, the same on both sides (pure arithmetic, no locale data).

/// "YYYY-MM-DD" in China time (UTC+8) from Unix seconds; pure arithmetic, same on both sides.
pub fn fmt_date(ts: i64) -> String {
    super::calendar::Day::of_timestamp(ts).to_string()
}

/// "12345.67" from fen: plain, for exports and stored texts.
pub fn fmt_yuan_plain(fen: i64) -> String {
    format!("{}{}.{:02}", if fen < 0 { "-" } else { "" }, (fen / 100).abs(), (fen % 100).abs())
}

/// "12,345.67" from fen.
pub fn fmt_yuan(fen: i64) -> String {
    let yuan = fen / 100;
    let digits = yuan.abs().to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{}{grouped}.{:02}", if fen < 0 { "-" } else { "" }, (fen % 100).abs())
}

/// The largest fine we accept (10 亿 yuan; the largest safety fines are far below).
pub const FINE_MAX_YUAN: i64 = 1_000_000_000;

/// Fine in yuan as typed by staff: digits with an optional ".xx", no sign, within bounds.
pub fn parse_yuan(text: &str) -> Result<i64, &'static str> {
    let t = text.trim().replace([',', '，'], "");
    if t.is_empty() {
        return Err("required");
    }
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t.as_str(), ""),
    };
    if t.starts_with('-') {
        return Err("amount_negative");
    }
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err("amount_invalid");
    }
    if whole.len() > 12 {
        return Err("amount_too_large");
    }
    let yuan: i64 = whole.parse().map_err(|_| "amount_invalid")?;
    if yuan > FINE_MAX_YUAN {
        return Err("amount_too_large");
    }
    let fen: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| "amount_invalid")? * 10,
        _ => frac.parse::<i64>().map_err(|_| "amount_invalid")?,
    };
    Ok(yuan * 100 + fen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_china_time_and_money_from_fen() {
        // 2024-05-31 16:00 UTC is already June 1st in China.
        assert_eq!(fmt_date(1_717_171_200), "2024-06-01");
        assert_eq!(fmt_date(1_717_171_199), "2024-05-31");
        assert_eq!(fmt_yuan(0), "0.00");
        assert_eq!(fmt_yuan(5), "0.05");
        assert_eq!(fmt_yuan(123_456_789), "1,234,567.89");
        assert_eq!(fmt_yuan(-100_000), "-1,000.00");
        assert_eq!(fmt_yuan(-5), "-0.05");
    }

    #[test]
    fn yuan_amounts() {
        let cases: &[(&str, Result<i64, &str>)] = &[
            ("200000", Ok(20_000_000)),
            ("1,000.5", Ok(100_050)),
            ("0.05", Ok(5)),
            ("0", Ok(0)),
            ("-5", Err("amount_negative")),
            ("abc", Err("amount_invalid")),
            ("1e9", Err("amount_invalid")),
            ("1.234", Err("amount_invalid")),
            ("", Err("required")),
            ("99999999999999", Err("amount_too_large")),
            ("1000000001", Err("amount_too_large")),
            ("NaN", Err("amount_invalid")),
        ];
        for (text, want) in cases {
            assert_eq!(parse_yuan(text), *want, "{text}");
        }
    }
}
