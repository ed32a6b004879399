//! Disaster information officers (灾害信息员, issue 15): who reports disasters at each of the three
//! levels — the district, every town/street, every village/community — and whether each unit had
//! a serving officer trained in a year: the coverage the bureau reports (三级信息员培训全覆盖),
//! with the units still missing and why.
//!
//! This file holds the shapes the pages show, the form checks and the coverage count (pure,
//! case-table tested); `officer_store` reads and writes them, `officer_api` serves them and
//! `officer_pages` shows them (`/staff/training/officers…`, the training administrator).
use super::{check_training_fields, TrainingFields, EARLIEST_HIRE, NAME_MAX, CONTACT_MAX};
use crate::base::calendar::Day;
use crate::base::validate::FieldErrors;
use serde::{Deserialize, Serialize};

/// The three levels of the scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    District,
    Town,
    Village,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::District, Level::Town, Level::Village];
    pub fn as_str(self) -> &'static str {
        match self {
            Level::District => "district",
            Level::Town => "town",
            Level::Village => "village",
        }
    }
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// Where an officer serves, as a form names it: `district`, `town:CODE` or `village:CODE`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum UnitKey {
    District,
    Town(String),
    Village(String),
}

impl UnitKey {
    pub fn level(&self) -> Level {
        match self {
            UnitKey::District => Level::District,
            UnitKey::Town(_) => Level::Town,
            UnitKey::Village(_) => Level::Village,
        }
    }
    pub fn parse(s: &str) -> Option<UnitKey> {
        let s = s.trim();
        if s == "district" {
            return Some(UnitKey::District);
        }
        let (level, code) = s.split_once(':')?;
        if code.is_empty() || code.len() > 40 || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return None;
        }
        match level {
            "town" => Some(UnitKey::Town(code.to_string())),
            "village" => Some(UnitKey::Village(code.to_string())),
            _ => None,
        }
    }
}

impl std::fmt::Display for UnitKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnitKey::District => f.write_str("district"),
            UnitKey::Town(c) => write!(f, "town:{c}"),
            UnitKey::Village(c) => write!(f, "village:{c}"),
        }
    }
}

/// A unit of one level, with its names (the district's are the page's to give: empty here) and,
/// for a village/community, its town/street's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// `UnitKey` as text (a form value and a stable id in the page).
    pub key: String,
    pub level: Level,
    pub name: String,
    pub name_en: String,
    /// The town/street of a village/community: its key and names (empty for the others).
    pub parent_key: String,
    pub parent: String,
    pub parent_en: String,
}

/// What the coverage count needs of an officer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficerFacts {
    pub name: String,
    pub unit: String,
    pub active: bool,
    pub appointed_on: Day,
    /// The days of the trainings they attended.
    pub trained_on: Vec<Day>,
}

/// Where a unit stands in the year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitState {
    /// No officer serving.
    NoOfficer,
    /// Officers serving, none of them trained in the year.
    Untrained,
    /// A serving officer was trained in the year.
    Covered,
}

/// One level's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelTally {
    pub level: Level,
    pub units: i64,
    /// Units with a serving officer.
    pub staffed: i64,
    pub covered: i64,
    pub percent: i64,
}

/// A unit not covered, with the officers serving there who still need the training.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingUnit {
    pub unit: Unit,
    pub state: UnitState,
    pub untrained: Vec<String>,
}

/// A town/street with its villages/communities: the town's own state and its villages' figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TownTally {
    pub unit: Unit,
    pub state: UnitState,
    pub villages: i64,
    pub villages_covered: i64,
    pub percent: i64,
}

/// The year's three-level coverage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub year: i64,
    pub levels: Vec<LevelTally>,
    /// Every unit of every level covered (全覆盖).
    pub full: bool,
    pub missing: Vec<MissingUnit>,
    pub towns: Vec<TownTally>,
}

/// An officer serves in `year` when active and appointed by its end.
fn serves(o: &OfficerFacts, year: i64) -> bool {
    o.active && o.appointed_on.ymd().0 <= year
}

/// Trained in `year`: a training attended that was held in the year, by `today`.
fn trained_in(o: &OfficerFacts, year: i64, today: Day) -> bool {
    o.trained_on.iter().any(|d| d.ymd().0 == year && *d <= today)
}

/// The coverage of `units` (the district, the active towns/streets and villages/communities, in
/// the order to list them) in `year` by `officers`. An officer whose unit is not among `units`
/// (a retired village) counts nowhere.
pub fn coverage(units: &[Unit], officers: &[OfficerFacts], year: i64, today: Day) -> Coverage {
    use std::collections::HashMap;
    let mut by_unit: HashMap<&str, Vec<&OfficerFacts>> = HashMap::new();
    for o in officers.iter().filter(|o| serves(o, year)) {
        by_unit.entry(o.unit.as_str()).or_default().push(o);
    }
    let state_of = |u: &Unit| -> (UnitState, Vec<String>) {
        match by_unit.get(u.key.as_str()) {
            None => (UnitState::NoOfficer, Vec::new()),
            Some(list) if list.iter().any(|o| trained_in(o, year, today)) => (UnitState::Covered, Vec::new()),
            Some(list) => {
                let mut names: Vec<String> = list.iter().map(|o| o.name.clone()).collect();
                names.sort();
                (UnitState::Untrained, names)
            }
        }
    };
    let mut levels: Vec<LevelTally> = Level::ALL.iter().map(|l| LevelTally { level: *l, units: 0, staffed: 0, covered: 0, percent: 0 }).collect();
    let mut missing = Vec::new();
    let mut states: HashMap<&str, UnitState> = HashMap::new();
    for u in units {
        let (state, untrained) = state_of(u);
        states.insert(u.key.as_str(), state);
        let t = &mut levels[Level::ALL.iter().position(|l| *l == u.level).unwrap_or(0)];
        t.units += 1;
        t.staffed += i64::from(state != UnitState::NoOfficer);
        t.covered += i64::from(state == UnitState::Covered);
        if state != UnitState::Covered {
            missing.push(MissingUnit { unit: u.clone(), state, untrained });
        }
    }
    for t in &mut levels {
        t.percent = if t.units == 0 { 0 } else { t.covered * 100 / t.units };
    }
    let full = levels.iter().all(|t| t.units > 0 && t.covered == t.units);
    let towns = units
        .iter()
        .filter(|u| u.level == Level::Town)
        .map(|town| {
            let villages: Vec<&Unit> = units.iter().filter(|v| v.level == Level::Village && v.parent_key == town.key).collect();
            let covered = villages.iter().filter(|v| states.get(v.key.as_str()) == Some(&UnitState::Covered)).count() as i64;
            let n = villages.len() as i64;
            TownTally {
                unit: town.clone(),
                state: states.get(town.key.as_str()).copied().unwrap_or(UnitState::NoOfficer),
                villages: n,
                villages_covered: covered,
                percent: if n == 0 { 100 } else { covered * 100 / n },
            }
        })
        .collect();
    Coverage { year, levels, full, missing, towns }
}

/// An officer in the administrator's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Officer {
    pub id: i64,
    pub name: String,
    pub unit: Unit,
    pub contact: String,
    /// YYYY-MM-DD
    pub appointed_on: String,
    pub active: bool,
    /// The day of the last training attended (YYYY-MM-DD).
    pub last_trained: Option<String>,
    /// Trained in the year shown.
    pub trained_this_year: bool,
}

/// A training of officers in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerTraining {
    pub id: i64,
    pub title: String,
    pub held_on: String,
    pub hours: String,
    pub trainer: String,
    pub material: String,
    pub attendees: i64,
}

/// `/staff/training/officers?year=`: the coverage, the officers and the year's trainings, and
/// the units a new officer can be placed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficersView {
    pub coverage: Coverage,
    pub officers: Vec<Officer>,
    pub trainings: Vec<OfficerTraining>,
    pub units: Vec<Unit>,
}

/// One officer with the trainings they attended (their edit page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerDetail {
    pub officer: Officer,
    pub trainings: Vec<OfficerTraining>,
    pub units: Vec<Unit>,
}

/// One officer on a training's attendance sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerSheetLine {
    pub officer_id: i64,
    pub name: String,
    pub unit: Unit,
    pub attended: bool,
}

/// A training with its attendance sheet (every serving officer, and anyone retired who attended).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerSheet {
    pub training: OfficerTraining,
    /// False while the training's day is still ahead.
    pub open: bool,
    pub lines: Vec<OfficerSheetLine>,
}

/// A checked officer form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidOfficer {
    pub name: String,
    pub unit: UnitKey,
    pub contact: String,
    pub appointed_on: Day,
}

/// Check an officer: a name, a unit, the day of appointment (a real date, not in the future,
/// not before 1950) and a contact of at most `CONTACT_MAX` characters.
pub fn validate_officer(name: &str, unit: &str, contact: &str, appointed_on: &str, today: Day) -> Result<ValidOfficer, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = name.trim();
    e.text("name", name, 1, NAME_MAX);
    let key = UnitKey::parse(unit);
    if unit.trim().is_empty() {
        e.push("unit", "required");
    } else if key.is_none() {
        e.push("unit", "unknown_choice");
    }
    let contact = contact.trim();
    e.text("contact", contact, 0, CONTACT_MAX);
    let text = appointed_on.trim();
    let day = Day::parse(text);
    match day {
        None if text.is_empty() => e.push("appointed_on", "required"),
        None => e.push("appointed_on", "date_invalid"),
        Some(d) if d > today => e.push("appointed_on", "date_in_future"),
        Some(d) if Day::parse(EARLIEST_HIRE).is_some_and(|min| d < min) => e.push("appointed_on", "date_invalid"),
        Some(_) => {}
    }
    e.or(())?;
    Ok(ValidOfficer {
        name: name.to_string(),
        unit: key.unwrap_or(UnitKey::District),
        contact: contact.to_string(),
        appointed_on: day.unwrap_or(today),
    })
}

/// A checked training of officers: the fields of every training, without audience or phase.
pub type ValidOfficerTraining = TrainingFields;

/// Check a training of officers (`check_training_fields`).
pub fn validate_officer_training(title: &str, hours: &str, held_on: &str, trainer: &str, material: &str, minutes_per_hour: u32, today: Day) -> Result<ValidOfficerTraining, FieldErrors> {
    let mut e = FieldErrors::default();
    let t = check_training_fields(&mut e, title, hours, held_on, trainer, material, minutes_per_hour, today);
    e.or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse(s).expect("day")
    }

    fn unit(key: &str, level: Level, name: &str, parent: &str) -> Unit {
        let parent_key = match parent {
            "一镇" => "town:T1",
            "二镇" => "town:T2",
            _ => "",
        };
        Unit { key: key.into(), level, name: name.into(), name_en: name.into(), parent_key: parent_key.into(), parent: parent.into(), parent_en: parent.into() }
    }

    fn units() -> Vec<Unit> {
        vec![
            unit("district", Level::District, "", ""),
            unit("town:T1", Level::Town, "一镇", ""),
            unit("town:T2", Level::Town, "二镇", ""),
            unit("village:V1", Level::Village, "一村", "一镇"),
            unit("village:V2", Level::Village, "二村", "一镇"),
            unit("village:V3", Level::Village, "三村", "二镇"),
        ]
    }

    fn officer(name: &str, unit: &str, active: bool, appointed: &str, trained: &[&str]) -> OfficerFacts {
        OfficerFacts { name: name.into(), unit: unit.into(), active, appointed_on: day(appointed), trained_on: trained.iter().map(|d| day(d)).collect() }
    }

    #[test]
    fn unit_keys_read_and_write_back() {
        for (text, key) in [
            ("district", Some(UnitKey::District)),
            ("town:JD01", Some(UnitKey::Town("JD01".into()))),
            (" village:XZ01-C01 ", Some(UnitKey::Village("XZ01-C01".into()))),
            ("village:", None),
            ("town:a b", None),
            ("city:X", None),
            ("", None),
            ("town:x'--", None),
        ] {
            assert_eq!(UnitKey::parse(text), key, "{text:?}");
            if let Some(k) = key {
                assert_eq!(UnitKey::parse(&k.to_string()), Some(k.clone()));
            }
        }
    }

    #[test]
    fn coverage_counts_each_level_and_names_what_is_missing() {
        let today = day("2026-06-30");
        // (case, officers, covered per level, staffed per level, full, missing keys with state)
        type Case<'a> = (&'a str, Vec<OfficerFacts>, [i64; 3], [i64; 3], bool, Vec<(&'a str, UnitState)>);
        let all_trained = vec![
            officer("甲", "district", true, "2020-01-01", &["2026-03-01"]),
            officer("乙", "town:T1", true, "2020-01-01", &["2026-03-01"]),
            officer("丙", "town:T2", true, "2020-01-01", &["2026-03-01"]),
            officer("丁", "village:V1", true, "2020-01-01", &["2026-03-01"]),
            officer("戊", "village:V2", true, "2020-01-01", &["2026-03-01"]),
            officer("己", "village:V3", true, "2020-01-01", &["2026-05-01"]),
        ];
        let mut last_year = all_trained.clone();
        last_year[5].trained_on = vec![day("2025-12-31")];
        let mut retired = all_trained.clone();
        retired[1].active = false;
        let mut ahead = all_trained.clone();
        ahead[0].trained_on = vec![day("2026-07-01")];
        let mut second = all_trained.clone();
        second[4].trained_on.clear();
        second.push(officer("庚", "village:V2", true, "2026-01-01", &["2026-04-01"]));
        let mut appointed_later = all_trained.clone();
        appointed_later[2].appointed_on = day("2027-01-01");
        let mut elsewhere = all_trained.clone();
        elsewhere.push(officer("辛", "village:GONE", true, "2020-01-01", &[]));
        let cases: Vec<Case<'_>> = vec![
            (
                "nobody appointed",
                vec![],
                [0, 0, 0],
                [0, 0, 0],
                false,
                vec![
                    ("district", UnitState::NoOfficer),
                    ("town:T1", UnitState::NoOfficer),
                    ("town:T2", UnitState::NoOfficer),
                    ("village:V1", UnitState::NoOfficer),
                    ("village:V2", UnitState::NoOfficer),
                    ("village:V3", UnitState::NoOfficer),
                ],
            ),
            ("every unit trained this year", all_trained.clone(), [1, 2, 3], [1, 2, 3], true, vec![]),
            ("trained last year does not count", last_year, [1, 2, 2], [1, 2, 3], false, vec![("village:V3", UnitState::Untrained)]),
            ("a retired officer serves nowhere", retired, [1, 1, 3], [1, 1, 3], false, vec![("town:T1", UnitState::NoOfficer)]),
            ("a training still ahead does not count", ahead, [0, 2, 3], [1, 2, 3], false, vec![("district", UnitState::Untrained)]),
            ("one trained officer covers the unit", second, [1, 2, 3], [1, 2, 3], true, vec![]),
            ("appointed after the year", appointed_later, [1, 1, 3], [1, 1, 3], false, vec![("town:T2", UnitState::NoOfficer)]),
            ("an officer of a unit no longer listed", elsewhere, [1, 2, 3], [1, 2, 3], true, vec![]),
        ];
        for (case, officers, covered, staffed, full, missing) in cases {
            let c = coverage(&units(), &officers, 2026, today);
            let got: Vec<i64> = c.levels.iter().map(|l| l.covered).collect();
            assert_eq!(got, covered.to_vec(), "{case}: covered");
            let got: Vec<i64> = c.levels.iter().map(|l| l.staffed).collect();
            assert_eq!(got, staffed.to_vec(), "{case}: staffed");
            assert_eq!(c.levels.iter().map(|l| l.units).collect::<Vec<_>>(), vec![1, 2, 3], "{case}: units");
            assert_eq!(c.full, full, "{case}: full");
            let got: Vec<(&str, UnitState)> = c.missing.iter().map(|m| (m.unit.key.as_str(), m.state)).collect();
            assert_eq!(got, missing, "{case}: missing");
        }
    }

    #[test]
    fn the_untrained_are_named_and_towns_sum_their_villages() {
        let officers = vec![
            officer("乙", "town:T1", true, "2020-01-01", &["2026-03-01"]),
            officer("戊", "village:V2", true, "2020-01-01", &[]),
            officer("丁", "village:V2", true, "2020-01-01", &[]),
            officer("己", "village:V1", true, "2020-01-01", &["2026-02-01"]),
        ];
        let c = coverage(&units(), &officers, 2026, day("2026-06-30"));
        let v2 = c.missing.iter().find(|m| m.unit.key == "village:V2").expect("V2 missing");
        assert_eq!(v2.untrained, vec!["丁".to_string(), "戊".to_string()]);
        let t: Vec<(&str, UnitState, i64, i64, i64)> = c.towns.iter().map(|t| (t.unit.key.as_str(), t.state, t.villages, t.villages_covered, t.percent)).collect();
        assert_eq!(t, vec![("town:T1", UnitState::Covered, 2, 1, 50), ("town:T2", UnitState::NoOfficer, 1, 0, 0)]);
        assert_eq!(c.levels[2].percent, 33);
        // A district with no towns is never "fully covered".
        let only = coverage(&units()[..1], &[officer("甲", "district", true, "2020-01-01", &["2026-01-02"])], 2026, day("2026-06-30"));
        assert!(!only.full);
    }

    #[test]
    fn officer_forms_are_checked() {
        let today = day("2026-06-30");
        let ok = validate_officer(" 王芳 ", "village:XZ01-C01", "13800000000", "2024-05-01", today).expect("valid");
        assert_eq!((ok.name.as_str(), ok.unit.clone(), ok.appointed_on), ("王芳", UnitKey::Village("XZ01-C01".into()), day("2024-05-01")));
        for (name, unit, appointed, field, code) in [
            ("", "district", "2024-01-01", "name", "required"),
            ("王芳", "", "2024-01-01", "unit", "required"),
            ("王芳", "county:1", "2024-01-01", "unit", "unknown_choice"),
            ("王芳", "district", "", "appointed_on", "required"),
            ("王芳", "district", "2024-02-30", "appointed_on", "date_invalid"),
            ("王芳", "district", "2026-07-01", "appointed_on", "date_in_future"),
            ("王芳", "district", "1949-12-31", "appointed_on", "date_invalid"),
        ] {
            let e = validate_officer(name, unit, "", appointed, today).expect_err(field);
            assert!(e.0.iter().any(|f| f.field == field && (f.code == code || code == "required" && f.code == "too_short")), "{field}: {e:?}");
        }
        let t = validate_officer_training("灾害信息员业务培训", "1.5", "2026-05-12", "区应急管理局", "", 45, today).expect("valid");
        assert_eq!((t.minutes, t.held_on), (68, day("2026-05-12")));
        for (hours, held, field, code) in [
            ("0", "2026-05-12", "hours", "hours_invalid"),
            ("-2", "2026-05-12", "hours", "hours_invalid"),
            ("500", "2026-05-12", "hours", "hours_too_many"),
            ("2", "2028-01-01", "held_on", "date_invalid"),
            ("2", "", "held_on", "required"),
        ] {
            let e = validate_officer_training("灾害信息员业务培训", hours, held, "区应急管理局", "", 45, today).expect_err(code);
            assert!(e.0.iter().any(|f| f.field == field && f.code == code), "{hours} {held}: {e:?}");
        }
    }
}
