use super::*;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn draft() -> ContestDraft {
    let mut pools = BTreeMap::new();
    pools.insert("0".into(), PoolDraft { kind: "single".into(), tag: "".into(), count: "3".into(), points: "5".into() });
    pools.insert("1".into(), PoolDraft { kind: "true_false".into(), tag: "FC".into(), count: "2".into(), points: "2".into() });
    pools.insert("2".into(), PoolDraft::default());
    ContestDraft {
        title: "2026年安全生产月知识竞赛".into(),
        description: "".into(),
        opens: "2026-06-01T09:00".into(),
        closes: "2026-06-30T18:00".into(),
        time_limit_min: "20".into(),
        attempts_per_day: "1".into(),
        attempts_total: "3".into(),
        valid_percent: "80".into(),
        credit_minutes: "".into(),
        audience: "public".into(),
        review: true,
        partial_credit: false,
        privacy: "masked".into(),
        pools,
        enterprises: vec![3],
        towns: vec![],
    }
}

fn errors(r: Result<Contest, FieldErrors>) -> Vec<String> {
    match r {
        Ok(_) => vec![],
        Err(e) => e.0.into_iter().map(|f| format!("{}={}", f.field, f.code)).collect(),
    }
}

#[test]
fn contests_as_a_table() {
    let tags = s(&["FC", "WHP"]);
    let ok = validate_contest(&draft(), &tags).expect("valid");
    assert_eq!((ok.questions(), ok.max_score(), ok.time_limit_s), (5, 19, 1200));
    assert_eq!(ok.opens_at, 1_780_275_600, "09:00 China time is 01:00 UTC");
    assert!(ok.enterprises.is_empty(), "a public contest lists no units");
    assert_eq!(ok.valid_needs(5), 4, "80 % of 5 is 4 of 5, as the national contests count");
    assert_eq!(ok.valid_needs(3), 3);
    let table: Vec<(ContestDraft, &[&str])> = vec![
        (ContestDraft { closes: "2026-05-01T09:00".into(), ..draft() }, &["closes=window_order"]),
        (ContestDraft { closes: "2026-06-01T09:00".into(), ..draft() }, &["closes=window_order"]),
        (ContestDraft { opens: "6/1".into(), ..draft() }, &["opens=date_invalid"]),
        (ContestDraft { time_limit_min: "0".into(), ..draft() }, &["time_limit_min=out_of_range"]),
        (ContestDraft { attempts_total: "x".into(), ..draft() }, &["attempts_total=not_a_number"]),
        (ContestDraft { attempts_per_day: "5".into(), ..draft() }, &["attempts_total=attempts_order"]),
        (ContestDraft { valid_percent: "101".into(), ..draft() }, &["valid_percent=out_of_range"]),
        (ContestDraft { credit_minutes: "481".into(), ..draft() }, &["credit_minutes=out_of_range"]),
        (ContestDraft { credit_minutes: "-1".into(), ..draft() }, &["credit_minutes=out_of_range"]),
        (ContestDraft { credit_minutes: "1.5".into(), ..draft() }, &["credit_minutes=not_a_number"]),
        (ContestDraft { audience: "everyone".into(), ..draft() }, &["audience=choose_one"]),
        (ContestDraft { title: " ".into(), ..draft() }, &["title=required"]),
        (ContestDraft { title: "赛".into(), ..draft() }, &["title=too_short"]),
        (ContestDraft { pools: BTreeMap::new(), ..draft() }, &["pools=required"]),
    ];
    for (d, want) in table {
        assert_eq!(errors(validate_contest(&d, &tags)), want, "{d:?}");
    }
    let mut bad_pools = draft();
    bad_pools.pools.insert("2".into(), PoolDraft { kind: "single".into(), tag: "".into(), count: "1".into(), points: "1".into() });
    bad_pools.pools.insert("3".into(), PoolDraft { kind: "fill".into(), tag: "NOPE".into(), count: "101".into(), points: "0".into() });
    assert_eq!(
        errors(validate_contest(&bad_pools, &tags)),
        ["pools=pool_repeated", "pools=out_of_range", "pools=out_of_range", "pools=sector_unknown"]
    );
    let mut long = draft();
    long.pools.insert("2".into(), PoolDraft { kind: "fill".into(), tag: "".into(), count: "96".into(), points: "1".into() });
    assert_eq!(errors(validate_contest(&long, &tags)), ["pools=paper_too_long"]);
}

#[test]
fn local_minutes_round_trip() {
    for text in ["2026-06-01T09:00", "2026-12-31T23:59", "2027-01-01T00:00"] {
        let ts = parse_local_minute(text).expect(text);
        assert_eq!(fmt_local_minute(ts), text);
    }
    assert_eq!(parse_local_minute("2026-06-01T09:00:30"), parse_local_minute("2026-06-01T09:00"));
    for bad in ["2026-06-01", "2026-06-01T24:00", "2026-02-30T10:00", "T10:00", "2026-06-01T9"] {
        assert_eq!(parse_local_minute(bad), None, "{bad}");
    }
}

fn bank() -> Vec<Candidate> {
    let c = |id: i64, kind: Kind, tags: &[&str], options: usize| Candidate { question_id: id, version: 1, kind, tags: s(tags), options };
    vec![
        c(1, Kind::Single, &["FC"], 4),
        c(2, Kind::Single, &["WHP"], 3),
        c(3, Kind::Single, &["FC"], 4),
        c(4, Kind::TrueFalse, &["FC"], 0),
        c(5, Kind::TrueFalse, &["WHP"], 0),
        c(6, Kind::Multiple, &["FC", "WHP"], 5),
        c(7, Kind::Fill, &["FC"], 0),
    ]
}

/// A deterministic "random" source: a small linear congruential generator.
fn lcg(seed: u64) -> impl FnMut(usize) -> usize {
    let mut x = seed;
    move |n| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((x >> 33) as usize) % n.max(1)
    }
}

#[test]
fn papers_are_drawn_from_their_pools() {
    let pools = vec![
        Pool { kind: Kind::Single, tag: "FC".into(), count: 2, points: 5 },
        Pool { kind: Kind::Single, tag: "".into(), count: 1, points: 3 },
        Pool { kind: Kind::TrueFalse, tag: "".into(), count: 2, points: 2 },
        Pool { kind: Kind::Multiple, tag: "WHP".into(), count: 1, points: 4 },
    ];
    let mut seen_orders = std::collections::HashSet::new();
    for seed in 0..50 {
        let paper = draw_paper(&pools, &bank(), &mut lcg(seed)).expect("enough questions");
        assert_eq!(paper.len(), 6);
        let mut ids: Vec<i64> = paper.iter().map(|p| p.question_id).collect();
        seen_orders.insert(ids.clone());
        ids.sort_unstable();
        // Both FC singles (1, 3) come from the first pool, so the "any single" pool gets 2.
        assert_eq!(ids, [1, 2, 3, 4, 5, 6], "seed {seed}");
        for item in &paper {
            let q = bank().into_iter().find(|c| c.question_id == item.question_id).expect("from the bank");
            let mut letters: Vec<char> = item.option_order.chars().collect();
            letters.sort_unstable();
            let want: Vec<char> = (0..if q.kind.has_options() { q.options } else { 0 }).map(crate::quiz::letter).collect();
            assert_eq!(letters, want, "options are a permutation");
            let pts = match q.kind {
                Kind::Single if q.tags.contains(&"FC".to_string()) => 5,
                Kind::Single => 3,
                Kind::TrueFalse => 2,
                _ => 4,
            };
            assert_eq!(item.points, pts);
        }
    }
    assert!(seen_orders.len() > 10, "question order varies per attempt");
    let too_many = vec![Pool { kind: Kind::Fill, tag: "".into(), count: 2, points: 1 }];
    assert_eq!(draw_paper(&too_many, &bank(), &mut lcg(1)), None);
    let overlapping = vec![
        Pool { kind: Kind::Single, tag: "".into(), count: 3, points: 1 },
        Pool { kind: Kind::Single, tag: "FC".into(), count: 1, points: 1 },
    ];
    assert_eq!(draw_paper(&overlapping, &bank(), &mut lcg(1)), None, "a question is drawn once");
}

#[test]
fn shown_and_stored_letters() {
    let table: [(&str, &[&str], Option<&str>); 6] = [
        ("CADB", &["A"], Some("C")),
        ("CADB", &["b", "D"], Some("AB")),
        ("CADB", &["A", "A"], Some("C")),
        ("CADB", &["E"], None),
        ("CADB", &["AB"], None),
        ("", &["A"], None),
    ];
    for (order, shown, want) in table {
        assert_eq!(shown_to_stored(order, &s(shown)).as_deref(), want, "{order} {shown:?}");
    }
    assert_eq!(stored_to_shown("CADB", "AB"), s(&["B", "D"]));
    assert_eq!(stored_to_shown("CADB", &shown_to_stored("CADB", &s(&["C", "A"])).unwrap_or_default()), s(&["A", "C"]));
}

#[test]
fn scoring_as_a_table() {
    let table = [
        (Kind::Single, "B", Some("B"), 5, false, (5, true)),
        (Kind::Single, "B", Some("C"), 5, true, (0, false)),
        (Kind::Single, "B", None, 5, false, (0, false)),
        (Kind::Multiple, "ACD", Some("ACD"), 4, false, (4, true)),
        (Kind::Multiple, "ACD", Some("AC"), 4, false, (0, false)),
        (Kind::Multiple, "ACD", Some("AC"), 4, true, (2, false)),
        (Kind::Multiple, "ACD", Some("AB"), 4, true, (0, false)),
        (Kind::Multiple, "ACD", Some(""), 4, true, (0, false)),
        (Kind::TrueFalse, "false", Some("false"), 2, false, (2, true)),
        (Kind::TrueFalse, "false", Some("true"), 2, true, (0, false)),
        (Kind::Fill, "119|一一九", Some(" 一一九"), 3, false, (3, true)),
        (Kind::Fill, "119|一一九", Some("120"), 3, true, (0, false)),
    ];
    for (kind, answer, given, points, partial, want) in table {
        assert_eq!(score_item(kind, answer, given, points, partial), want, "{kind:?} {answer} {given:?} partial={partial}");
    }
}

#[test]
fn ties_break_by_time_then_submission() {
    let mut results = vec![("late", 90, 300_000, 20), ("slow", 90, 400_000, 10), ("best", 95, 500_000, 30), ("early", 90, 300_000, 5)];
    results.sort_by_key(|r| rank_key(r.1, r.2, r.3));
    let order: Vec<&str> = results.iter().map(|r| r.0).collect();
    assert_eq!(order, ["best", "early", "late", "slow"]);
}

#[test]
fn names_as_the_ranking_shows_them() {
    assert_eq!(shown_name(Privacy::Full, "张小明"), "张小明");
    assert_eq!(shown_name(Privacy::Masked, "张小明"), "张**");
    assert_eq!(shown_name(Privacy::Masked, "安全达人一二三四五"), "安*****");
    assert_eq!(shown_name(Privacy::Hidden, "张小明"), "");
    assert_eq!(check_nickname("  小王 ").ok().as_deref(), Some("小王"));
    assert!(check_nickname(" ").is_err());
    assert!(check_nickname(&"长".repeat(21)).is_err());
}
