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
