//! Formatting shared by every area, the same on both sides (pure arithmetic, no locale data).

/// "YYYY-MM-DD" in China time (UTC+8) from Unix seconds; pure arithmetic, same on both sides.
pub fn fmt_date(ts: i64) -> String {
    super::calendar::Day::of_timestamp(ts).to_string()
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
}
