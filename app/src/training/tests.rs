//! Case tables of the manager's forms.
use super::*;

fn day(s: &str) -> Day {
    Day::parse(s).expect("a date")
}

fn codes(e: FieldErrors) -> Vec<(String, String)> {
    e.0.into_iter().map(|f| (f.field, f.code)).collect()
}

#[test]
fn hours_as_typed() {
    // (typed, minutes per 学时) → minutes or the error
    let cases: [(&str, u32, Result<u32, &str>); 12] = [
        ("2", 45, Ok(90)),
        ("1.5", 45, Ok(68)),
        (" 0.5 ", 60, Ok(30)),
        ("120", 45, Ok(5400)),
        ("120.1", 45, Err("hours_too_many")),
        ("0", 45, Err("hours_invalid")),
        ("-2", 45, Err("hours_invalid")),
        ("1.25", 45, Err("hours_invalid")),
        ("1e3", 45, Err("hours_invalid")),
        ("１", 45, Err("hours_invalid")),
        ("99999999999", 45, Err("hours_invalid")),
        ("", 45, Err("required")),
    ];
    for (typed, mph, want) in cases {
        assert_eq!(parse_hours(typed, mph), want, "{typed:?}");
    }
}

#[test]
fn employees_are_checked() {
    let today = day("2026-12-01");
    let ok = validate_employee(" 王五 ", "special_operation", "2020-03-01", "13800000000", today).expect("valid");
    assert_eq!((ok.name.as_str(), ok.category, ok.hired_on), ("王五", Category::SpecialOperation, day("2020-03-01")));
    // (name, category, hired, contact) → errors
    let cases: [(&str, &str, &str, &str, Vec<(&str, &str)>); 6] = [
        ("", "other", "2020-01-01", "", vec![("name", "required")]),
        ("王五", "boss", "2020-01-01", "", vec![("category", "required")]),
        ("王五", "other", "2020-02-30", "", vec![("hired_on", "date_invalid")]),
        ("王五", "other", "2026-12-02", "", vec![("hired_on", "date_in_future")]),
        ("王五", "other", "1949-12-31", "", vec![("hired_on", "date_invalid")]),
        ("王\u{0}五", "other", "", "x".repeat(61).leak(), vec![("name", "invalid_characters"), ("hired_on", "required"), ("contact", "too_long")]),
    ];
    for (name, category, hired, contact, want) in cases {
        let got = codes(validate_employee(name, category, hired, contact, today).expect_err("refused"));
        let want: Vec<(String, String)> = want.into_iter().map(|(f, c)| (f.to_string(), c.to_string())).collect();
        assert_eq!(got, want, "{name:?} {category:?} {hired:?}");
    }
}

#[test]
fn sessions_are_checked() {
    let today = day("2026-12-01");
    let ok = validate_session("消防演练", "all", "refresher", "4", "2026-11-20", "李老师", "", 45, today).expect("valid");
    assert_eq!((ok.audience, ok.minutes, ok.held_on), (Audience::All, 180, day("2026-11-20")));
    let ahead = validate_session("岗前培训", "other", "initial", "24", "2027-01-10", "李老师", "教材", 45, today).expect("ahead");
    assert_eq!(ahead.audience, Audience::Only(Category::Other));
    let e = codes(validate_session("", "nobody", "later", "-1", "2028-01-01", "", "", 45, today).expect_err("refused"));
    let fields: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["title", "audience", "phase", "hours", "held_on", "trainer"]);
    assert!(e.contains(&("hours".into(), "hours_invalid".into())));
    assert_eq!(percent(3, 4), 75);
    assert_eq!(percent(0, 0), 100);
}

fn row(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn employee_files_line_by_line() {
    let today = day("2026-12-01");
    let rows = vec![
        row(&["姓名", "人员类别", "上岗日期", "联系方式"]),
        row(&["张三", "其他从业人员", "2024/3/1", "13800000000"]),
        row(&["李四", "安全管理人员", "45292", ""]),
        row(&["", "", "", ""]),
        row(&["王五", "老板", "2024-03-01", ""]),
        row(&["=HYPERLINK(\"x\")", "other", "2024-03-01", ""]),
        row(&["张三", "other", "2024-03-01", ""]),
        row(&["赵六", "special_operation", "2027-01-01", "", "多余"]),
    ];
    let read = read_employees(rows, today).expect("a table");
    let got: Vec<Result<(usize, &str, Category, String), Vec<(usize, &str, &str)>>> = read
        .iter()
        .map(|r| match r {
            Ok(e) => Ok((e.line, e.employee.name.as_str(), e.employee.category, e.employee.hired_on.to_string())),
            Err(errs) => Err(errs.iter().map(|e| (e.line, e.field.as_str(), e.code.as_str())).collect()),
        })
        .collect();
    assert_eq!(
        got,
        vec![
            Ok((2, "张三", Category::Other, "2024-03-01".to_string())),
            // An Excel day number: 45292 is 2024-01-01.
            Ok((3, "李四", Category::SafetyManager, "2024-01-01".to_string())),
            Err(vec![(5, "category", "required")]),
            Err(vec![(6, "name", "formula_in_cell")]),
            Err(vec![(7, "name", "employee_repeated")]),
            Err(vec![(8, "line", "extra_cells")]),
        ]
    );
    // English headers in any order; a column missing, unknown or twice: the whole file.
    let ok = read_employees(vec![row(&["Hired_on", "name", "category"]), row(&["2020-01-01", "Li", "principal"])], today).expect("table");
    assert!(matches!(&ok[..], [Ok(e)] if e.employee.category == Category::Principal));
    for header in [&["姓名", "人员类别"][..], &["姓名", "人员类别", "上岗日期", "身份证号"], &["姓名", "name", "人员类别", "上岗日期"]] {
        assert_eq!(read_employees(vec![row(header)], today), Err("wrong_columns".to_string()), "{header:?}");
    }
    assert_eq!(read_employees(vec![], today), Err("wrong_columns".to_string()));
    assert_eq!(import_template(), ["姓名", "人员类别", "上岗日期", "联系方式"]);
}

fn form(pairs: &[(&str, &str)]) -> std::collections::HashMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn lesson_forms() {
    use super::classroom::{validate_lesson, Question};
    let one = [("q1", "题目"), ("q1a", "甲"), ("q1b", "乙"), ("q1ok", "b")];
    // (title, minutes, questions) → the error codes, or the questions stored
    let cases: Vec<(&str, &str, Vec<(&str, &str)>, Result<Vec<Question>, Vec<(&str, &str)>>)> = vec![
        ("储存", "30", one.to_vec(), Ok(vec![Question { prompt: "题目".into(), options: vec!["甲".into(), "乙".into()], answer: 1 }])),
        // Gaps between options close up; the answer follows its option.
        (
            "储存",
            "0",
            vec![("q2", "第二题"), ("q2a", "甲"), ("q2c", "丙"), ("q2ok", "c")],
            Ok(vec![Question { prompt: "第二题".into(), options: vec!["甲".into(), "丙".into()], answer: 1 }]),
        ),
        ("储存", "30", vec![], Err(vec![("q1", "question_required")])),
        ("储存", "30", vec![("q1", "题目"), ("q1a", "甲"), ("q1ok", "a")], Err(vec![("q1", "options_too_few")])),
        ("储存", "30", vec![("q1", "题目"), ("q1a", "甲"), ("q1b", "乙")], Err(vec![("q1", "answer_required")])),
        ("储存", "30", vec![("q1", "题目"), ("q1a", "甲"), ("q1b", "乙"), ("q1ok", "d")], Err(vec![("q1", "answer_required")])),
        ("储存", "30", vec![("q3", ""), ("q3a", "甲"), ("q3b", "乙"), ("q3ok", "a")], Err(vec![("q3", "required")])),
        ("储存", "30", vec![("q1", "题目"), ("q1a", "甲\u{0}"), ("q1b", "乙"), ("q1ok", "a")], Err(vec![("q1", "invalid_characters")])),
        ("", "601", one.to_vec(), Err(vec![("title", "required"), ("minutes", "minutes_invalid")])),
        ("储存", "-1", one.to_vec(), Err(vec![("minutes", "minutes_invalid")])),
        ("储存", "1.5", one.to_vec(), Err(vec![("minutes", "minutes_invalid")])),
        ("储存", "", one.to_vec(), Err(vec![("minutes", "required")])),
    ];
    for (title, minutes, q, want) in cases {
        let got = validate_lesson(title, "正文", minutes, &form(&q)).map(|v| v.questions).map_err(codes);
        let want = want.map_err(|e| e.into_iter().map(|(f, c)| (f.to_string(), c.to_string())).collect::<Vec<_>>());
        assert_eq!(got, want, "{title} {minutes} {q:?}");
    }
    assert_eq!(validate_lesson("储存", "", "7", &form(&one)).map(|v| v.min_seconds), Ok(420));
}

#[test]
fn checks_graded() {
    use super::classroom::{grade, publish_problem, seconds_left, Question};
    let qs = vec![
        Question { prompt: "一".into(), options: vec!["甲".into(), "乙".into()], answer: 1 },
        Question { prompt: "二".into(), options: vec!["甲".into(), "乙".into(), "丙".into()], answer: 0 },
    ];
    // answers → right answers, or the refusal
    let cases: [(&[(&str, &str)], Result<usize, &str>); 6] = [
        (&[("0", "1"), ("1", "0")], Ok(2)),
        (&[("0", "0"), ("1", "0")], Ok(1)),
        (&[("0", "0"), ("1", "2")], Ok(0)),
        (&[("0", "1")], Err("answer_all")),
        (&[("0", "1"), ("1", "3")], Err("answer_all")),
        (&[("0", "x"), ("1", "0")], Err("answer_all")),
    ];
    for (answers, want) in cases {
        assert_eq!(grade(&qs, &form(answers)), want, "{answers:?}");
    }
    // (opened at, minimum seconds, now) → seconds still to spend
    for (opened, min, now, left) in [(1000, 600, 1000, 600), (1000, 600, 1599, 1), (1000, 600, 1600, 0), (1000, 0, 1000, 0), (1000, 600, 9000, 0)] {
        assert_eq!(seconds_left(opened, min, now), left);
    }
    // (course minutes, lessons' minimum seconds) → why it cannot be published
    let cases: [(u32, &[i64], Option<&str>); 4] = [
        (45, &[], Some("course_no_lessons")),
        (45, &[1800, 900], None),
        (45, &[1800, 899], Some("course_time_short")),
        (45, &[3600], None),
    ];
    for (minutes, lessons, want) in cases {
        assert_eq!(publish_problem(minutes, lessons), want, "{minutes} {lessons:?}");
    }
}

#[test]
fn lesson_text_paragraphs() {
    use super::classroom::paragraphs;
    // As a browser sends a text area (CRLF), as typed (LF), with stray spaces and blank lines.
    assert_eq!(paragraphs("第一段。\r\n\r\n第二段。"), vec!["第一段。", "第二段。"]);
    assert_eq!(paragraphs("第一段。\n\n\n第二段，\n续行。\n"), vec!["第一段。", "第二段，\n续行。"]);
    assert_eq!(paragraphs("  \n \t\n"), Vec::<String>::new());
    assert_eq!(paragraphs("只有一段"), vec!["只有一段"]);
    let q: std::collections::HashMap<String, String> =
        [("q1", "要点？"), ("q1a", "甲"), ("q1b", "乙"), ("q1ok", "a")].into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let v = super::classroom::validate_lesson("储存要求", "第一段。\r\n\r\n第二段。", "30", &q).expect("valid");
    assert_eq!(v.body, "第一段。\n\n第二段。", "stored with LF line breaks");
}
