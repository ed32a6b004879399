//! The network classroom on both databases (issue 15): the training administrator writes a
//! course (bad forms refused with their fields, nothing stored), lesson files checked by their
//! content (images re-encoded without metadata, other types refused, oversized files refused),
//! publishing refused until the lessons' minimum times cover the hours; an employee sees only
//! published courses, the check answers never reach the browser, a check answered too early or
//! wrongly is refused, and completing the last lesson credits the hours once: in the yearly
//! minutes, the manager's compliance, the employee's record and a certificate.
use crate::both_backends;
use crate::helpers::{call, codes, spawn, Backend};
use app::accounts::Role;
use serde_json::Value;

const PW: &str = "classroom password 1";

async fn count(db: &app::base::db::Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&db.pool).await.expect("count")
}

/// Upload a lesson file; where the form was sent back to.
async fn upload(app: &crate::helpers::TestApp, c: &reqwest::Client, lesson: i64, bytes: Vec<u8>) -> String {
    let form = reqwest::multipart::Form::new()
        .text("lesson", lesson.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name("lesson.bin"));
    let resp = c.post(app.url("/staff/training/lesson-file")).multipart(form).send().await.expect("upload");
    assert_eq!(resp.status().as_u16(), 303, "a form post is answered with a redirect");
    resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

fn lesson_form<'a>(course: &'a str, title: &'a str, minutes: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![("course", course), ("title", title), ("body", "第一段。\n\n第二段。"), ("minutes", minutes)];
    f.extend_from_slice(extra);
    f
}

async fn classroom(backend: Backend) {
    let app = spawn(backend).await;
    let db = app.db().await;
    app.create_user("c.admin", Role::TrainingAdmin, PW).await;
    app.create_user("c.manager", Role::EnterpriseManager, PW).await;
    app.create_user("c.staff", Role::Employee, PW).await;
    let admin = app.login("c.admin", PW).await;
    let manager = app.login("c.manager", PW).await;
    let staff = app.login("c.staff", PW).await;
    let (status, v) =
        call(&app, &manager, "save_employee", &[("name", "周学员"), ("category", "other"), ("hired_on", "2020-01-01"), ("account", "c.staff")]).await;
    assert!(status < 400, "{v}");

    // A bad course form: every field named, nothing stored.
    let (status, v) = call(&app, &admin, "save_course", &[("title", ""), ("summary", ""), ("hours", "0")]).await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(codes(&v), vec!["title=required".to_string(), "hours=hours_invalid".to_string()]);
    assert_eq!(count(&db, "select count(*) from training_courses").await, 0);
    let (status, v) = call(&app, &admin, "save_course", &[("title", "危险化学品安全"), ("summary", "储存与使用"), ("hours", "1")]).await;
    assert!(status < 400, "{v}");
    let course: i64 = sqlx::query_scalar("select id from training_courses").fetch_one(&db.pool).await.expect("course");
    let course_s = course.to_string();

    // Bad lessons, each refused with its field.
    let bad: [(Vec<(&str, &str)>, &str); 5] = [
        (lesson_form(&course_s, "储存", "30", &[]), "q1=question_required"),
        (lesson_form(&course_s, "储存", "30", &[("q[q1]", "只有一个选项？"), ("q[q1a]", "是"), ("q[q1ok]", "a")]), "q1=options_too_few"),
        (lesson_form(&course_s, "储存", "30", &[("q[q1]", "答案指向空选项"), ("q[q1a]", "是"), ("q[q1b]", "否"), ("q[q1ok]", "c")]), "q1=answer_required"),
        (lesson_form(&course_s, "储存", "-1", &[("q[q1]", "题目"), ("q[q1a]", "是"), ("q[q1b]", "否"), ("q[q1ok]", "a")]), "minutes=minutes_invalid"),
        (lesson_form(&course_s, "储存", "601", &[("q[q1]", "题目"), ("q[q1a]", "是"), ("q[q1b]", "否"), ("q[q1ok]", "a")]), "minutes=minutes_invalid"),
    ];
    for (form, want) in bad {
        let (status, v) = call(&app, &admin, "add_lesson", &form).await;
        assert_eq!((status, codes(&v)), (400, vec![want.to_string()]), "{want}: {v}");
    }
    assert_eq!(count(&db, "select count(*) from training_lessons").await, 0);

    // Two lessons: 30 + 20 minutes for a course crediting one 学时 (45 minutes).
    let first = lesson_form(
        &course_s,
        "储存要求",
        "30",
        &[
            ("q[q1]", "危险化学品应储存在？"),
            ("q[q1a]", "办公室"),
            ("q[q1b]", "专用仓库"),
            ("q[q1ok]", "b"),
            ("q[q2]", "储存场所应设置？"),
            ("q[q2a]", "安全警示标志"),
            ("q[q2c]", "广告牌"),
            ("q[q2ok]", "a"),
        ],
    );
    let (status, v) = call(&app, &admin, "add_lesson", &first).await;
    assert!(status < 400, "{v}");
    let l1: i64 = sqlx::query_scalar("select id from training_lessons where title = '储存要求'").fetch_one(&db.pool).await.expect("lesson");
    // Publishing needs the lessons' minimum times to cover the course's hours.
    let (status, v) = call(&app, &admin, "publish_course", &[("id", &course_s), ("publish", "1")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=course_time_short".to_string()]));
    let second = lesson_form(&course_s, "使用要求", "20", &[("q[q1]", "使用前应？"), ("q[q1a]", "阅读安全技术说明书"), ("q[q1b]", "直接使用"), ("q[q1ok]", "a")]);
    let (status, v) = call(&app, &admin, "add_lesson", &second).await;
    assert!(status < 400, "{v}");
    let l2: i64 = sqlx::query_scalar("select id from training_lessons where title = '使用要求'").fetch_one(&db.pool).await.expect("lesson");

    // Lesson files: judged by their content, images re-encoded without their metadata.
    let to = upload(&app, &admin, l1, b"MZ\x90\x00 not a lesson".to_vec()).await;
    assert!(to.ends_with(&format!("?file_error=file_type_not_allowed#lesson-{l1}")), "{to}");
    let to = upload(&app, &admin, l1, vec![b'%'; app::training::classroom::LESSON_FILE_MAX + 1]).await;
    assert!(to.contains("file_error=file_too_large"), "{to}");
    assert_eq!(count(&db, "select count(*) from training_lesson_files").await, 0);
    let photo = crate::reports::jpeg_with_gps();
    let to = upload(&app, &admin, l1, photo).await;
    assert!(to.ends_with(&format!("?file=1#lesson-{l1}")), "{to}");
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let to = upload(&app, &admin, l2, pdf.clone()).await;
    assert!(to.ends_with(&format!("?file=1#lesson-{l2}")), "{to}");
    let resp = admin.get(app.url(&format!("/training/files/{l1}"))).send().await.expect("image");
    assert_eq!(resp.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("image/jpeg"));
    let image = resp.bytes().await.expect("bytes");
    assert!(!image.windows(4).any(|w| w == b"Exif"), "the photo's metadata is gone");
    let resp = admin.get(app.url(&format!("/training/files/{l2}"))).header("range", "bytes=0-3").send().await.expect("range");
    assert_eq!(resp.status().as_u16(), 206);
    assert_eq!(resp.headers().get("content-range").and_then(|v| v.to_str().ok()), Some(format!("bytes 0-3/{}", pdf.len()).as_str()));
    assert_eq!(resp.bytes().await.expect("bytes").as_ref(), b"%PDF");
    let resp = admin.get(app.url(&format!("/training/files/{l2}"))).header("range", "bytes=9999-").send().await.expect("range");
    assert_eq!(resp.status().as_u16(), 416);

    // A draft is invisible to employees, its files included.
    let (_, list) = call(&app, &staff, "my_courses", &[]).await;
    assert_eq!(list.as_array().map(Vec::len), Some(0), "{list}");
    let (status, _) = call(&app, &staff, "open_lesson", &[("id", &l1.to_string())]).await;
    assert_eq!(status, 404);
    assert_eq!(staff.get(app.url(&format!("/training/files/{l1}"))).send().await.expect("file").status().as_u16(), 404);
    assert_eq!(manager.get(app.url(&format!("/training/files/{l1}"))).send().await.expect("file").status().as_u16(), 403);

    let (status, v) = call(&app, &admin, "publish_course", &[("id", &course_s), ("publish", "1")]).await;
    assert!(status < 400, "{v}");
    // A published course's lessons and hours stay as they are.
    let (status, v) = call(&app, &admin, "add_lesson", &second).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=course_published".to_string()]));
    let (status, v) = call(&app, &admin, "save_course", &[("id", &course_s), ("title", "危险化学品安全"), ("hours", "2")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["hours=course_published".to_string()]));
    let to = upload(&app, &admin, l1, b"%PDF-1.4\n%%EOF\n".to_vec()).await;
    assert!(to.contains("file_error=course_published"), "{to}");

    // The employee takes it.
    let (_, list) = call(&app, &staff, "my_courses", &[]).await;
    assert_eq!(list[0]["lessons"], 2, "{list}");
    assert_eq!(list[0]["passed"], 0);
    let l1s = l1.to_string();
    let (status, v) = call(&app, &staff, "answer_check", &[("lesson", &l1s), ("a[0]", "1"), ("a[1]", "0")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=lesson_not_opened".to_string()]));
    let (status, lesson) = call(&app, &staff, "open_lesson", &[("id", &l1s)]).await;
    assert_eq!(status, 200, "{lesson}");
    assert_eq!(lesson["questions"][1]["options"], serde_json::json!(["安全警示标志", "广告牌"]));
    assert!(!lesson.to_string().contains("answer"), "the answers stay on the server: {lesson}");
    assert!(lesson["seconds_left"].as_i64().unwrap_or(0) > 29 * 60, "{lesson}");
    let (status, v) = call(&app, &staff, "answer_check", &[("lesson", &l1s), ("a[0]", "1"), ("a[1]", "0")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=lesson_too_soon".to_string()]), "opening a page is not studying it");
    // Half an hour later (the opening moved back instead of waiting).
    let backdate = |lesson: i64| {
        format!("update training_lesson_progress set opened_at = opened_at - 1900 where lesson_id = {lesson}")
    };
    sqlx::query(&backdate(l1)).execute(&db.pool).await.expect("backdate");
    let (status, v) = call(&app, &staff, "answer_check", &[("lesson", &l1s), ("a[0]", "1"), ("a[1]", "1")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=check_failed".to_string()]));
    let (status, v) = call(&app, &staff, "answer_check", &[("lesson", &l1s), ("a[0]", "1")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=answer_all".to_string()]));
    assert_eq!(count(&db, "select count(*) from training_lesson_progress where passed_at is not null").await, 0);
    let (status, v) = call(&app, &staff, "answer_check", &[("lesson", &l1s), ("a[0]", "1"), ("a[1]", "0")]).await;
    assert!(status < 400, "{v}");
    assert_eq!(count(&db, "select count(*) from training_course_completions").await, 0, "one lesson is not the course");

    // The last lesson completes the course.
    let l2s = l2.to_string();
    let (status, _) = call(&app, &staff, "open_lesson", &[("id", &l2s)]).await;
    assert_eq!(status, 200);
    sqlx::query(&backdate(l2)).execute(&db.pool).await.expect("backdate");
    let (status, v) = call(&app, &staff, "answer_check", &[("lesson", &l2s), ("a[0]", "0")]).await;
    assert!(status < 400, "{v}");
    // Answering again changes nothing.
    let (status, v) = call(&app, &staff, "answer_check", &[("lesson", &l2s), ("a[0]", "0")]).await;
    assert!(status < 400, "{v}");
    assert_eq!(count(&db, "select count(*) from training_course_completions where minutes = 45").await, 1);
    assert_eq!(count(&db, "select count(*) from certificates where kind = 'course'").await, 1);
    let year = app::base::calendar::Day::of_timestamp(app::base::db::now()).ymd().0;
    assert_eq!(count(&db, &format!("select minutes from training_year_minutes where year = {year}")).await, 45);

    // The hours everywhere: the course list, the employee's record, the manager's compliance.
    let (_, list) = call(&app, &staff, "my_courses", &[]).await;
    assert_eq!(list[0]["passed"], 2);
    assert!(list[0]["completed_on"].is_string(), "{list}");
    let (_, record) = call(&app, &staff, "my_training", &[]).await;
    assert_eq!(record["courses"][0]["title"], "危险化学品安全", "{record}");
    assert_eq!(record["standing"]["done_hours"], "1", "{record}");
    assert_eq!(record["certificates"][0]["title"], "危险化学品安全", "{record}");
    let (_, compliance) = call(&app, &manager, "training_compliance", &[]).await;
    let line: &Value = compliance["lines"].as_array().and_then(|l| l.iter().find(|l| l["name"] == "周学员")).expect("line");
    assert_eq!(line["done_hours"], "1", "{compliance}");

    // The xAPI 2.0 export: the course completed, and an on-site session attended, as statements
    // for another learning record store; the same ids on a second export; the manager's file is
    // their enterprise's, the district's the training administrator's.
    let today = app::base::calendar::Day::of_timestamp(app::base::db::now()).to_string();
    let (status, v) = call(
        &app,
        &manager,
        "save_session",
        &[("title", "消防安全培训"), ("audience", "all"), ("phase", "refresher"), ("hours", "2"), ("held_on", &today), ("trainer", "李老师")],
    )
    .await;
    assert!(status < 400, "{v}");
    let (_, sessions) = call(&app, &manager, "training_sessions", &[]).await;
    let session_id = sessions[0]["id"].to_string();
    let employee_id: i64 = sqlx::query_scalar("select id from training_employees where name = '周学员'").fetch_one(&db.pool).await.expect("employee");
    let (status, v) = call(&app, &manager, "save_attendance", &[("session", &session_id), ("attended[a]", &employee_id.to_string())]).await;
    assert!(status < 400, "{v}");
    let xapi = |c: &reqwest::Client, path: &str| {
        let request = c.get(app.url(path));
        async move {
            let resp = request.send().await.expect("xapi");
            let status = resp.status().as_u16();
            let kind = resp.headers().get("content-type").and_then(|h| h.to_str().ok()).unwrap_or("").to_string();
            (status, kind, resp.bytes().await.expect("body"))
        }
    };
    let (status, kind, body) = xapi(&manager, "/training/enterprise/xapi.json").await;
    assert_eq!((status, kind.as_str()), (200, "application/json"));
    let statements: Value = serde_json::from_slice(&body).expect("a JSON array");
    let statements = statements.as_array().expect("statements").clone();
    assert_eq!(statements.len(), 2, "{statements:?}");
    let (session, course) = (&statements[0], &statements[1]);
    assert_eq!(session["verb"]["id"], "http://adlnet.gov/expapi/verbs/attended");
    assert_eq!(session["object"]["definition"]["name"]["zh-CN"], "消防安全培训");
    assert_eq!(session["result"]["duration"], "PT90M");
    assert_eq!(course["verb"]["id"], "http://adlnet.gov/expapi/verbs/completed");
    assert_eq!(course["object"]["definition"]["name"]["zh-CN"], "危险化学品安全");
    assert_eq!((course["result"]["duration"].as_str(), course["result"]["success"].as_bool()), (Some("PT45M"), Some(true)));
    for s in &statements {
        assert_eq!(s["version"], "2.0.0");
        assert_eq!(s["actor"]["name"], "周学员");
        assert_eq!(s["actor"]["account"]["name"], format!("employee-{employee_id}"));
        assert!(s["timestamp"].as_str().is_some_and(|t| t.starts_with(&today) && t.ends_with("+08:00")), "{s}");
        assert_eq!(s["id"].as_str().map(str::len), Some(36), "{s}");
    }
    let (_, _, again) = xapi(&manager, "/training/enterprise/xapi.json").await;
    assert_eq!(again, body, "a second export states the same");
    let (status, _, district) = xapi(&admin, "/staff/training/xapi.json").await;
    assert_eq!(status, 200);
    let district: Value = serde_json::from_slice(&district).expect("JSON");
    assert_eq!(district.as_array().map(Vec::len), Some(2), "{district}");
    let (status, _, last_year) = xapi(&admin, &format!("/staff/training/xapi.json?year={}", year - 1)).await;
    assert_eq!((status, last_year.as_ref()), (200, b"[]\n".as_ref()), "nothing last year");
    assert_eq!(xapi(&admin, "/staff/training/xapi.json?year=1800").await.0, 400);
    assert_eq!(xapi(&staff, "/training/enterprise/xapi.json").await.0, 403);
    assert_eq!(xapi(&manager, "/staff/training/xapi.json").await.0, 403);

    // Withdrawn: gone from the list, still in the record; its lessons stay fixed (started).
    let (status, v) = call(&app, &admin, "publish_course", &[("id", &course_s)]).await;
    assert!(status < 400, "{v}");
    let (_, list) = call(&app, &staff, "my_courses", &[]).await;
    assert_eq!(list.as_array().map(Vec::len), Some(0));
    let (_, record) = call(&app, &staff, "my_training", &[]).await;
    assert_eq!(record["courses"].as_array().map(Vec::len), Some(1));
    let (status, v) = call(&app, &admin, "add_lesson", &second).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=course_started".to_string()]));
    let (status, v) = call(&app, &admin, "delete_lesson", &[("id", &l2s)]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=course_started".to_string()]));
    let (_, editor) = call(&app, &admin, "training_course", &[("id", &course_s)]).await;
    assert_eq!(editor["started"], true, "{editor}");
    assert_eq!(editor["completions"], 1);
    assert_eq!(editor["lesson_minutes"], 50);
}

both_backends!(classroom);
