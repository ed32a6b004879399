//! Importing and exporting the question bank on both databases: every bad line reported by
//! number and reason and nothing stored, then the good lines on request; GBK CSV from Excel,
//! XLSX (a formula refused), Moodle XML; wrong columns, encodings and sizes; an export read back
//! as a clean import that makes new versions; only the training administrator.
use crate::both_backends;
use crate::helpers::line_errors;
use crate::helpers::{new_client, spawn, Backend, TestApp};
use app::accounts::Role;
use serde_json::Value;

async fn upload(app: &TestApp, c: &reqwest::Client, name: &str, bytes: Vec<u8>, good_only: bool) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()))
        .text("default_tag", "");
    if good_only {
        form = form.text("good_only", "1");
    }
    let resp = c
        .post(app.url("/staff/questions/upload"))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn count(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from quiz_questions").fetch_one(&app.db().await.pool).await.expect("count")
}

async fn imports_check_every_line(backend: Backend) {
    let app = spawn(backend).await;
    app.create_user("i.trainer", Role::TrainingAdmin, "trainer password 1").await;
    let trainer = app.login("i.trainer", "trainer password 1").await;
    // As Excel saves a CSV on a Chinese Windows: GBK.
    let csv = "题型,题干,选项A,选项B,选项C,答案,领域,难度\r\n\
               单选,火警电话是多少？,110,119,120,B,FC,易\r\n\
               单选,匪警电话是多少？,110,119,120,D,FC,\r\n\
               单选,=1+1,110,119,120,A,FC,\r\n\
               单选,急救电话是多少？,110,,120,C,FC,\r\n\
               单选,火警电话是多少？,110,119,120,B,FC,\r\n\
               判断,从业人员有紧急避险权。,,,,对,粉尘涉爆、有限空间、涉氨制冷,\r\n\
               判断,可以用普通灯具。,,,,错,NOPE,\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(csv);
    let (status, r) = upload(&app, &trainer, "bank.csv", gbk.to_vec(), false).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!((r["total"].as_u64(), r["good"].as_u64(), r["imported"].as_u64()), (Some(7), Some(2), Some(0)), "{r}");
    assert_eq!(
        line_errors(&r),
        ["3:answer=answer_one_option", "4:stem=formula_in_cell", "5:options=option_empty", "6:stem=duplicate_stem", "8:tags=sector_unknown"]
    );
    assert_eq!(count(&app).await, 0, "nothing stored while the file has errors");
    let (_, r) = upload(&app, &trainer, "bank.csv", gbk.to_vec(), true).await;
    assert_eq!(r["imported"].as_u64(), Some(2), "{r}");
    assert_eq!(count(&app).await, 2);

    // Whole-file problems.
    let (_, r) = upload(&app, &trainer, "x.csv", "题型,问题,答案\n单选,a,b\n".as_bytes().to_vec(), false).await;
    assert_eq!(r["file_error"], "wrong_columns", "{r}");
    let (_, r) = upload(&app, &trainer, "x.csv", b"\xff\xff\xff,\xff\n".to_vec(), false).await;
    assert_eq!(r["file_error"], "invalid_encoding", "{r}");
    let (_, r) = upload(&app, &trainer, "x.csv", Vec::new(), false).await;
    assert_eq!(r["file_error"], "file_required", "{r}");
    let (_, r) = upload(&app, &trainer, "x.csv", vec![b'a'; 20 * 1024 * 1024 + 1], false).await;
    assert_eq!(r["file_error"], "file_too_large", "{r}");
    let rows: String = std::iter::once("题型,题干,答案,领域\n".to_string())
        .chain((0..10_001).map(|i| format!("填空,第{i}题的题干,答案,FC\n")))
        .collect();
    let (_, r) = upload(&app, &trainer, "big.csv", rows.into_bytes(), false).await;
    assert_eq!(r["file_error"], "too_many_rows", "{r}");

    // XLSX: a formula is refused whatever its cached value; the other line is good.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in ["题型", "题干", "答案", "领域"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    for (c, v) in ["填空", "一氧化碳的化学式是____。", "CO", "FC"].iter().enumerate() {
        sheet.write_string(1, c as u16, *v).expect("row");
    }
    sheet.write_string(2, 0, "填空").expect("row");
    sheet.write_formula(2, 1, "=CONCAT(\"有限\",\"空间\")").expect("formula");
    sheet.write_string(2, 2, "x").expect("row");
    sheet.write_string(2, 3, "FC").expect("row");
    let (_, r) = upload(&app, &trainer, "bank.xlsx", wb.save_to_buffer().expect("xlsx"), false).await;
    assert_eq!((r["total"].as_u64(), r["good"].as_u64()), (Some(2), Some(1)), "{r}");
    assert_eq!(line_errors(&r), ["3:line=formula_in_cell"]);

    // Moodle XML: the supported types come over, an essay is reported by its number.
    let moodle = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/FC</text></category></question>
  <question type="multichoice">
    <name><text>q1</text></name>
    <questiontext format="html"><text><![CDATA[<p>有限空间作业的原则是？</p>]]></text></questiontext>
    <generalfeedback format="html"><text>先通风、再检测、后作业。</text></generalfeedback>
    <single>true</single>
    <answer fraction="100"><text>先通风、再检测、后作业</text></answer>
    <answer fraction="0"><text>直接作业</text></answer>
  </question>
  <question type="multichoice">
    <name><text>q2</text></name>
    <questiontext format="html"><text>高处作业应佩戴哪些防护用品？</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>安全帽</text></answer>
    <answer fraction="50"><text>安全带</text></answer>
    <answer fraction="0"><text>耳机</text></answer>
  </question>
  <question type="truefalse">
    <name><text>q3</text></name>
    <questiontext format="html"><text>危化品仓库可以用普通灯具。</text></questiontext>
    <answer fraction="0"><text>true</text></answer>
    <answer fraction="100"><text>false</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>q4</text></name>
    <questiontext format="html"><text>火警电话是____。</text></questiontext>
    <answer fraction="100"><text>119</text></answer>
  </question>
  <question type="essay">
    <name><text>q5</text></name>
    <questiontext format="html"><text>论述安全生产的重要性。</text></questiontext>
  </question>
</quiz>"#;
    let (_, r) = upload(&app, &trainer, "moodle.xml", moodle.as_bytes().to_vec(), false).await;
    assert_eq!((r["total"].as_u64(), r["good"].as_u64(), r["imported"].as_u64()), (Some(5), Some(4), Some(0)), "{r}");
    assert_eq!(line_errors(&r), ["5:kind=type_not_supported"]);
    let (_, r) = upload(&app, &trainer, "moodle.xml", moodle.as_bytes().to_vec(), true).await;
    assert_eq!(r["imported"].as_u64(), Some(4), "{r}");
    let multi: (String, String) = sqlx::query_as("select kind, answer from quiz_question_versions where stem = '高处作业应佩戴哪些防护用品？'")
        .fetch_one(&app.db().await.pool)
        .await
        .expect("moodle multiple");
    assert_eq!(multi, ("multiple".to_string(), "AB".to_string()));

    // The export reads back as a clean import: every question gets a new version.
    let csv_export = trainer.get(app.url("/staff/questions/export.csv")).send().await.expect("export").bytes().await.expect("bytes");
    let before = count(&app).await;
    let (_, r) = upload(&app, &trainer, "export.csv", csv_export.to_vec(), false).await;
    assert_eq!((r["errors_total"].as_u64(), r["imported"].as_u64()), (Some(0), Some(before as u64)), "{r}");
    assert_eq!(count(&app).await, before, "updates, not copies");
    let v2: i64 = sqlx::query_scalar("select count(*) from quiz_questions where current_version = 2").fetch_one(&app.db().await.pool).await.expect("v2");
    assert_eq!(v2, before);
    for path in ["/staff/questions/export.xlsx", "/staff/questions/export.xml"] {
        let bytes = trainer.get(app.url(path)).send().await.expect("export").bytes().await.expect("bytes");
        let (_, r) = upload(&app, &trainer, path, bytes.to_vec(), false).await;
        // XLSX carries the ids (new versions again); Moodle XML has none, so it comes in as copies
        // (repeated stems are refused only within one file).
        assert_eq!(r["errors_total"].as_u64(), Some(0), "{path}: {r}");
    }

    // Ids: repeated in a file, or unknown to the bank.
    let ids = "编号,题型,题干,答案,领域\n1,填空,题干一二三,答,FC\n1,填空,题干四五六,答,FC\n99999,填空,题干七八九,答,FC\n";
    let (_, r) = upload(&app, &trainer, "ids.csv", ids.as_bytes().to_vec(), false).await;
    assert_eq!(line_errors(&r), ["3:id=duplicate_id", "4:id=id_unknown"]);

    // Only the training administrator.
    app.create_user("i.worker", Role::Employee, "worker password 1").await;
    let worker = app.login("i.worker", "worker password 1").await;
    assert_eq!(upload(&app, &new_client(), "x.csv", b"a".to_vec(), false).await.0, 401);
    assert_eq!(upload(&app, &worker, "x.csv", b"a".to_vec(), false).await.0, 403);
    for path in ["/staff/questions/export.csv", "/staff/questions/template.xlsx"] {
        assert_eq!(new_client().get(app.url(path)).send().await.expect("get").status(), 401);
        assert_eq!(worker.get(app.url(path)).send().await.expect("get").status(), 403);
    }
    // The template reads back clean.
    let template = trainer.get(app.url("/staff/questions/template.xlsx")).send().await.expect("t").bytes().await.expect("bytes");
    let (_, r) = upload(&app, &trainer, "template.xlsx", template.to_vec(), false).await;
    assert_eq!((r["errors_total"].as_u64(), r["good"].as_u64()), (Some(0), Some(2)), "{r}");
    assert!(app::base::audit::verify(&app.db().await).await.expect("verify").is_ok());
}
both_backends!(imports_check_every_line);
