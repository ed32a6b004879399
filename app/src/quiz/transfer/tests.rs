use super::*;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn sectors() -> Vec<Choice> {
    vec![
        Choice { code: "FC".into(), name_zh: "工贸".into(), name_en: "Industry and trade".into() },
        Choice { code: "WHP".into(), name_zh: "危险化学品".into(), name_en: "Hazardous chemicals".into() },
        Choice { code: "FD".into(), name_zh: "粉尘涉爆、有限空间".into(), name_en: "Dust".into() },
    ]
}

#[test]
fn headers_in_either_language() {
    let cols = columns(&template_header()).expect("the template's own header");
    assert_eq!(cols.len(), 3 + OPTIONS_MAX + 6);
    let en = s(&["Kind", "stem", "Option A", "option_b", "ANSWER", "tags"]);
    assert_eq!(
        columns(&en),
        Ok(vec![Column::Kind, Column::Stem, Column::Option(0), Column::Option(1), Column::Answer, Column::Tags])
    );
    assert_eq!(columns(&s(&["\u{feff}题型", "题干", "答案", "领域"])).map(|c| c.len()), Ok(4), "a UTF-8 BOM is ignored");
    for bad in [s(&["题型", "题干", "答案"]), s(&["题型", "题干", "答案", "领域", "备注"]), s(&["题型", "题型", "题干", "答案", "领域"]), s(&["题型", "", "题干", "答案", "领域"]), s(&["题型", "题干", "答案", "领域", "选项I"])] {
        assert_eq!(columns(&bad), Err("wrong_columns".to_string()), "{bad:?}");
    }
}

#[test]
fn rows_as_a_table() {
    let cols = columns(&s(&["编号", "题型", "题干", "选项A", "选项B", "选项C", "答案", "领域", "难度"])).expect("cols");
    let row = |cells: &[&str]| read_row(7, &cols, &s(cells), &sectors(), "");
    let ok = row(&["", "单选题", "火警电话是多少？", "110", "119", "", "B", "工贸、WHP", "易"]).expect("ok").expect("row");
    assert_eq!((ok.line, ok.id), (7, None));
    assert_eq!(ok.draft.kind, "single");
    assert_eq!(ok.draft.options, "110\n119");
    assert_eq!(ok.draft.tags, s(&["FC", "WHP"]));
    assert_eq!(parse_tags("粉尘涉爆、有限空间、危险化学品", &sectors()), s(&["FD", "WHP"]), "a name with 、 in it is one name");
    assert_eq!(ok.draft.difficulty, "1");
    let tf = row(&["12", "判断", "可以用普通灯具。", "", "", "", "×", "fc", ""]).expect("ok").expect("row");
    assert_eq!((tf.id, tf.draft.answer.as_str(), tf.draft.difficulty.as_str()), (Some(12), "false", "2"));
    assert_eq!(row(&["", "", "", "", "", "", "", "", ""]), Ok(None), "an empty row is skipped");
    let codes = |r: Result<Option<ReadQuestion>, Vec<LineError>>| -> Vec<String> {
        r.err().unwrap_or_default().into_iter().map(|e| format!("{}:{}={}", e.line, e.field, e.code)).collect()
    };
    assert_eq!(codes(row(&["", "单选", "=HYPERLINK(\"http://x\")", "a", "b", "", "A", "FC", ""])), ["7:stem=formula_in_cell"]);
    assert_eq!(codes(row(&["", "单选", "题干<script>alert(1)</script>", "a", "b", "", "A", "FC", ""])), ["7:stem=script_in_cell"]);
    assert_eq!(codes(row(&["", "单选", "题干题干", "a", "", "c", "A", "FC", ""])), ["7:options=option_empty"]);
    assert_eq!(codes(row(&["x1", "单选", "题干题干", "a", "b", "", "A", "FC", ""])), ["7:id=not_a_number"]);
    assert_eq!(codes(row(&["", "单选", "题干题干", "a", "b", "", "A", "FC", "", "多余"])), ["7:line=extra_cells"]);
    // A negative number is text, not a formula.
    assert_eq!(dangerous_cell("-10℃以下"), None);
    assert_eq!(dangerous_cell("+SUM(A1)"), Some("formula_in_cell"));
    assert_eq!(dangerous_cell("@cmd"), Some("formula_in_cell"));
    // The default sector fills a row without one.
    let untagged = read_row(2, &cols, &s(&["", "填空", "火警电话是____。", "", "", "", "119", "", ""]), &sectors(), "FC");
    assert_eq!(untagged.ok().flatten().map(|q| q.draft.tags), Some(s(&["FC"])));
}

#[test]
fn kinds_and_true_false_as_written() {
    for (text, want) in [("单选", Some(Kind::Single)), ("多选题", Some(Kind::Multiple)), ("判断题", Some(Kind::TrueFalse)), ("fill", Some(Kind::Fill)), ("TRUE_FALSE", Some(Kind::TrueFalse)), ("问答", None)] {
        assert_eq!(parse_kind(text), want, "{text}");
    }
    for (text, want) in [("对", Some("true")), (" 正确 ", Some("true")), ("√", Some("true")), ("F", Some("false")), ("错误", Some("false")), ("也许", None)] {
        assert_eq!(parse_true_false(text), want, "{text}");
    }
}

#[test]
fn an_export_row_reads_back_as_the_same_question() {
    let q = crate::quiz::Question {
        id: 5,
        version: 3,
        kind: Kind::Multiple,
        stem: "高处作业应佩戴？".into(),
        options: s(&["安全帽", "安全带", "耳机"]),
        answer: "AB".into(),
        explanation: "解析".into(),
        tags: s(&["FC", "WHP"]),
        difficulty: 3,
        source: "规范".into(),
        active: false,
        updated_at: 0,
        updated_by: String::new(),
    };
    let cols = columns(&template_header()).expect("cols");
    let back = read_row(2, &cols, &export_row(&q), &sectors(), "").expect("clean").expect("row");
    assert_eq!(back.id, Some(5));
    let valid = crate::quiz::validate_question(&back.draft, &s(&["FC", "WHP"])).expect("valid");
    assert_eq!((valid.kind, valid.options, valid.answer.as_str(), valid.tags, valid.difficulty, valid.active), (Kind::Multiple, q.options.clone(), "AB", q.tags.clone(), 3, false));
}
