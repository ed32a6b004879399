//! The reward amount rules: a share of the fine for hazards and violations, an amount per
//! concealed death by accident level, a cap (configuration; defaults are the 2018 national rules).

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RewardCase {
    /// A hazard or violation that ended in a fine of this many fen (money is counted in fen).
    Fine(i64),
    /// A concealed accident: level index into `ACCIDENT_LEVELS` and verified concealed deaths.
    Concealed { level: usize, deaths: u32 },
}

/// Parse the estimator's inputs; `Err` carries the field and the error code.
pub fn parse_reward_case(kind: &str, fine: &str, level: &str, deaths: &str) -> Result<RewardCase, (&'static str, &'static str)> {
    match kind {
        "fine" => Ok(RewardCase::Fine(crate::base::format::parse_yuan(fine).map_err(|code| ("fine", code))?)),
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
        RewardCase::Fine(fen) => {
            // The percentage of the fine in whole yuan, half up: fen × % / 100 (→ fen) / 100 (→ yuan).
            let raw = ((*fen).max(0).saturating_mul(rules.fine_percent).saturating_add(5_000)) / 10_000;
            raw.clamp(rules.fine_min_yuan, rules.fine_max_yuan)
        }
        RewardCase::Concealed { level, deaths } => rules.per_death_yuan[*level].saturating_mul(i64::from(*deaths)),
    };
    amount.min(rules.cap_yuan)
}

/// The reward the configured rules give for a case's fine, in fen: hazard and violation reports
/// with a fine only (a concealed accident's amount comes from its level and deaths instead).
pub fn fine_suggestion_fen(rules: &RewardRules, concealed_accident: bool, fine_fen: Option<i64>) -> Option<i64> {
    let fine = fine_fen.filter(|f| *f > 0 && !concealed_accident)?;
    Some(suggest_reward(rules, &RewardCase::Fine(fine)) * 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reward_table() {
        let national = RewardRules::default();
        let anhui = RewardRules { per_death_yuan: [30_000, 50_000, 50_000, 50_000], cap_yuan: 500_000, ..national.clone() };
        let cases: [(&RewardRules, RewardCase, i64); 9] = [
            (&national, RewardCase::Fine(0), 3_000),
            (&national, RewardCase::Fine(10_000_00), 3_000),
            (&national, RewardCase::Fine(200_000_00), 30_000),
            (&national, RewardCase::Fine(33_333_00), 5_000),
            (&national, RewardCase::Fine(5_000_000_00), 300_000),
            (&national, RewardCase::Concealed { level: 1, deaths: 3 }, 120_000),
            (&national, RewardCase::Concealed { level: 3, deaths: 30 }, 300_000),
            (&anhui, RewardCase::Concealed { level: 3, deaths: 30 }, 500_000),
            (&anhui, RewardCase::Concealed { level: 1, deaths: 4 }, 200_000),
        ];
        for (rules, case, want) in cases {
            assert_eq!(suggest_reward(rules, &case), want, "{case:?}");
        }
        assert_eq!(parse_reward_case("fine", "-5", "", ""), Err(("fine", "amount_negative")));
        assert_eq!(parse_reward_case("fine", "1e12", "", ""), Err(("fine", "amount_invalid")));
        assert_eq!(parse_reward_case("fine", "abc", "", ""), Err(("fine", "amount_invalid")));
        assert_eq!(parse_reward_case("fine", "10000000000", "", ""), Err(("fine", "amount_too_large")));
        // Counted in fen, rounded half up to whole yuan: 15 % of 20,003.33 yuan is 3,000.4995 yuan
        // → 3,000; 15 % of 20,003.34 yuan is 3,000.501 yuan → 3,001.
        let wide = RewardRules { fine_min_yuan: 0, ..national.clone() };
        assert_eq!(suggest_reward(&wide, &RewardCase::Fine(2_000_333)), 3_000);
        assert_eq!(suggest_reward(&wide, &RewardCase::Fine(2_000_334)), 3_001);
        assert_eq!(parse_reward_case("concealed", "", "major", "0"), Err(("deaths", "deaths_out_of_range")));
        assert_eq!(parse_reward_case("fine", "200,000", "", ""), Ok(RewardCase::Fine(200_000_00)));
    }
}
