//! A session's attendance imported from a sign-in sheet (签到表, issue 15) on both databases: CSV
//! in UTF-8 and GBK and XLSX, the people added to those already ticked with their yearly hours;
//! all or nothing (an unknown, retired, another enterprise's, repeated or ambiguous name saves
//! nobody, every line named); whole-file problems; a session ahead refused as the tick form
//! refuses it; another enterprise's session out of reach; other roles refused; the no-JavaScript
//! form's redirect and the report shown once on the session's page.
use crate::both_backends;
use crate::helpers::{call, codes, line_errors, new_client, spawn, Backend, TestApp};
use app::accounts::Role;
use app::base::calendar::Day;
use app::training::sign_in_import::{TEMPLATE_PATH, UPLOAD_PATH};
use serde_json::Value;

pub(crate) const PW: &str = "sign-in password 1";

fn form(session: &str, name: &str, bytes: Vec<u8>) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("session", session.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()))
}

/// Upload a sheet as a script does: the report as JSON.
async fn upload(app: &TestApp, c: &reqwest::Client, session: &str, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let resp = c.post(app.url(UPLOAD_PATH)).header("accept", "application/json").multipart(form(session, name, bytes)).send().await.expect("upload");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Who attended `session`, by employee id.
async fn attendees(db: &app::base::db::Db, session: &str) -> Vec<i64> {
    let id: i64 = session.parse().expect("session id");
    sqlx::query_scalar("select employee_id from training_attendance where session_id = $1 order by employee_id")
        .bind(id)
        .fetch_all(&db.pool)
        .await
        .expect("attendance")
}

pub(crate) async fn manager_of(app: &TestApp, username: &str, credit_code: &str) -> i64 {
    let db = app.db().await;
    sqlx::query("insert into enterprises (name, credit_code, created_at) values ('另一企业', $1, 0)").bind(credit_code).execute(&db.pool).await.expect("enterprise");
    let id: i64 = sqlx::query_scalar("select id from enterprises where credit_code = $1").bind(credit_code).fetch_one(&db.pool).await.expect("id");
    let hash = app::accounts::ssr::hash_password_blocking(PW).expect("hash");
    let user = app::accounts::ssr::NewUser {
        username: username.into(),
        display_name: "另一管理员".into(),
        role: Role::EnterpriseManager,
        department_id: None,
        enterprise_id: Some(id),
        is_demo: false,
    };
    app::accounts::ssr::insert_user(&db, &user, &hash).await.expect("user");
    id
}

/// Add an employee by the form; their id.
pub(crate) async fn employee(app: &TestApp, c: &reqwest::Client, name: &str, category: &str, hired_on: &str, contact: &str) -> String {
    let (status, v) = call(app, c, "save_employee", &[("name", name), ("category", category), ("hired_on", hired_on), ("contact", contact)]).await;
    assert!(status < 400, "{name}: {status} {v}");
    let (_, staff) = call(app, c, "training_staff", &[]).await;
    staff["employees"]
        .as_array()
        .and_then(|a| a.iter().filter(|e| e["name"] == name && e["hired_on"] == hired_on).last())
        .map(|e| e["id"].to_string())
        .unwrap_or_else(|| panic!("{name} in {staff}"))
}

/// Record a session of 8 学时 on `day`; its id.
pub(crate) async fn session(app: &TestApp, c: &reqwest::Client, title: &str, day: &str) -> String {
    let form = [("title", title), ("audience", "all"), ("phase", "refresher"), ("hours", "8"), ("held_on", day), ("trainer", "李老师")];
    let (status, v) = call(app, c, "save_session", &form).await;
    assert!(status < 400, "{v}");
    let (_, list) = call(app, c, "training_sessions", &[]).await;
    list.as_array().and_then(|a| a.iter().find(|s| s["title"] == title)).map(|s| s["id"].to_string()).unwrap_or_else(|| panic!("{title} in {list}"))
}

async fn training_sign_in(backend: Backend) {
    let app = spawn(backend).await;
    let db = app.db().await;
    app.create_user("s.manager", Role::EnterpriseManager, PW).await;
    manager_of(&app, "s.other", "TESTCODE5").await;
    let m = app.login("s.manager", PW).await;
    let o = app.login("s.other", PW).await;
    let today = Day::of_timestamp(app::base::db::now());
    let (today_s, ahead_s) = (today.to_string(), Day(today.0 + 10).to_string());

    // Two current employees named 张三 (told apart by their contacts), 李四, 王五, and 钱七 who
    // has left; 赵六 is the other enterprise's.
    let zhang1 = employee(&app, &m, "张三", "other", "2019-01-01", "13800000001").await;
    let zhang2 = employee(&app, &m, "张三", "other", "2020-01-01", "0551-1234567").await;
    let li = employee(&app, &m, "李四", "safety_manager", "2020-01-01", "").await;
    let wang = employee(&app, &m, "王五", "other", "2020-01-01", "").await;
    let qian = employee(&app, &m, "钱七", "other", "2020-01-01", "").await;
    let (status, v) = call(&app, &m, "save_employee", &[("id", &qian), ("name", "钱七"), ("category", "other"), ("hired_on", "2020-01-01")]).await;
    assert!(status < 400, "钱七 leaves: {v}");
    employee(&app, &o, "赵六", "other", "2020-01-01", "").await;
    let id = |s: &str| s.parse::<i64>().expect("id");

    let held = session(&app, &m, "消防安全培训", &today_s).await;
    let ahead = session(&app, &m, "年度再培训（计划）", &ahead_s).await;
    let other_session = session(&app, &o, "另一企业的培训", &today_s).await;
    // 王五 is ticked by the form first: the sheet adds to the ticks.
    let (status, v) = call(&app, &m, "save_attendance", &[("session", &held), ("attended[a]", &wang)]).await;
    assert!(status < 400, "{v}");

    // One unknown name and one good one: nothing saved, the bad line named. Likewise someone who
    // left, the other enterprise's employee, a name twice, and 张三 without the contact that
    // tells the two apart.
    let bad: [(&str, &[&str]); 5] = [
        ("姓名\r\n李四\r\n无名氏\r\n", &["3:name=employee_not_found"]),
        ("姓名\r\n李四\r\n钱七\r\n", &["3:name=employee_not_found"]),
        ("姓名,联系方式\r\n赵六,\r\n李四,\r\n", &["2:name=employee_not_found"]),
        ("姓名\r\n李四\r\n王五\r\n李四\r\n", &["4:name=employee_repeated"]),
        ("姓名,联系方式\r\n李四,\r\n张三,\r\n张三,13900000000\r\n", &["3:contact=employee_ambiguous", "4:contact=employee_ambiguous"]),
    ];
    for (csv, want) in bad {
        let (status, r) = upload(&app, &m, &held, "sheet.csv", csv.as_bytes().to_vec()).await;
        assert_eq!(status, 200, "{r}");
        assert_eq!(line_errors(&r), want, "{csv}");
        assert_eq!((r["imported"].as_u64(), r["file_error"].is_null()), (Some(0), true), "{r}");
        assert_eq!(attendees(&db, &held).await, vec![id(&wang)], "nothing saved for {csv}");
    }
    // Problems of the whole file.
    let files: [(Vec<u8>, &str); 5] = [
        ("\u{feff}联系方式\r\n138\r\n".as_bytes().to_vec(), "sign_in_columns"),
        ("姓名\r\n\r\n".as_bytes().to_vec(), "sign_in_empty"),
        (Vec::new(), "file_required"),
        (vec![0x81, 0x20, 0x81, 0x20], "invalid_encoding"),
        (vec![b'a'; app::training::IMPORT_FILE_MAX + 1], "file_too_large"),
    ];
    for (bytes, code) in files {
        let (status, r) = upload(&app, &m, &held, "sheet.csv", bytes).await;
        assert_eq!((status, r["file_error"].as_str()), (200, Some(code)), "{r}");
    }
    assert_eq!(attendees(&db, &held).await, vec![id(&wang)]);

    // A clean UTF-8 sheet as people keep them (a BOM, a number and a signature column, a contact
    // typed with a space): 李四 and the second 张三 join 王五.
    let csv = "\u{feff}序号,姓名,联系方式,签名\r\n1,李四,,\r\n2, 张三 ,0551 1234567,\r\n";
    let (status, r) = upload(&app, &m, &held, "sheet.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!((r["total"].as_u64(), r["imported"].as_u64(), r["errors_total"].as_u64()), (Some(2), Some(2), Some(0)), "{r}");
    let mut want = vec![id(&wang), id(&li), id(&zhang2)];
    want.sort_unstable();
    assert_eq!(attendees(&db, &held).await, want);
    // The same sheet again changes nothing.
    let (_, r) = upload(&app, &m, &held, "sheet.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(r["imported"].as_u64(), Some(2), "{r}");
    assert_eq!(attendees(&db, &held).await, want);

    // GBK as Excel saves it, into a second session: the first 张三 by his mobile, and 王五 again.
    let second = session(&app, &m, "危化品安全培训", &today_s).await;
    let (gbk, _, _) = encoding_rs::GBK.encode("姓名,联系方式\r\n张三,13800000001\r\n王五,\r\n");
    let (status, r) = upload(&app, &m, &second, "sheet.csv", gbk.to_vec()).await;
    assert_eq!((status, r["imported"].as_u64()), (200, Some(2)), "{r}");
    let mut want2 = vec![id(&zhang1), id(&wang)];
    want2.sort_unstable();
    assert_eq!(attendees(&db, &second).await, want2);

    // XLSX with English headers and the mobile number typed as a number, into a third session; a
    // workbook with a formula is refused.
    let third = session(&app, &m, "有限空间作业培训", &today_s).await;
    let xlsx = |formula: bool| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let sheet = wb.add_worksheet();
        sheet.write_string(0, 0, "Name").expect("header");
        sheet.write_string(0, 1, "Phone").expect("header");
        sheet.write_string(1, 0, "李四").expect("cell");
        sheet.write_string(2, 0, "张三").expect("cell");
        sheet.write_number(2, 1, 13800000001.0).expect("cell");
        if formula {
            sheet.write_formula(3, 0, "=CONCAT(\"王\",\"五\")").expect("formula");
        }
        wb.save_to_buffer().expect("xlsx")
    };
    let (_, r) = upload(&app, &m, &third, "sheet.xlsx", xlsx(true)).await;
    assert_eq!((line_errors(&r), r["imported"].as_u64()), (vec!["4:line=formula_in_cell".to_string()], Some(0)), "{r}");
    assert_eq!(attendees(&db, &third).await, Vec::<i64>::new());
    let (status, r) = upload(&app, &m, &third, "sheet.xlsx", xlsx(false)).await;
    assert_eq!((status, r["imported"].as_u64()), (200, Some(2)), "{r}");
    let mut want3 = vec![id(&zhang1), id(&li)];
    want3.sort_unstable();
    assert_eq!(attendees(&db, &third).await, want3);

    // The hours follow: 8 学时 (360 minutes) per session attended, in the yearly totals and in
    // compliance (王五: two sessions, 16 of a worker's 8; 李四: 16 of a safety manager's 12).
    let minutes = |employee: String| {
        let db = db.clone();
        async move {
            let m: Option<i64> = sqlx::query_scalar("select minutes from training_year_minutes where employee_id = $1 and year = $2")
                .bind(employee.parse::<i64>().expect("id"))
                .bind(today.ymd().0)
                .fetch_optional(&db.pool)
                .await
                .expect("year minutes");
            m.unwrap_or(0)
        }
    };
    for (who, e, want) in [("张三 1", &zhang1, 720), ("张三 2", &zhang2, 360), ("李四", &li, 720), ("王五", &wang, 720), ("钱七", &qian, 0)] {
        assert_eq!(minutes(e.clone()).await, want, "{who}");
    }
    let (_, c) = call(&app, &m, "training_compliance", &[]).await;
    let line = |e: &str| c["lines"].as_array().and_then(|a| a.iter().find(|l| l["employee_id"].to_string() == e)).cloned().unwrap_or(Value::Null);
    assert_eq!((line(&wang)["done_hours"].as_str(), line(&wang)["state"].as_str()), (Some("16"), Some("met")), "{c}");
    assert_eq!((line(&li)["done_hours"].as_str(), line(&li)["state"].as_str()), (Some("16"), Some("met")), "{c}");
    assert_eq!(line(&zhang2)["done_hours"].as_str(), Some("8"), "{c}");

    // A session still ahead: refused with the tick form's own code, nothing stored.
    let (status, r) = upload(&app, &m, &ahead, "sheet.csv", "姓名\r\n李四\r\n".as_bytes().to_vec()).await;
    assert_eq!((status, r["file_error"].as_str(), r["imported"].as_u64()), (200, Some("session_not_held"), Some(0)), "{r}");
    let (_, v) = call(&app, &m, "save_attendance", &[("session", &ahead), ("attended[a]", &li)]).await;
    assert_eq!(codes(&v), vec!["op=session_not_held".to_string()]);
    assert_eq!(attendees(&db, &ahead).await, Vec::<i64>::new());
    // On the page, in the words the tick form uses.
    let resp = m.post(app.url(UPLOAD_PATH)).multipart(form(&ahead, "sheet.csv", "姓名\r\n李四\r\n".as_bytes().to_vec())).send().await.expect("post");
    assert_eq!(resp.status(), 303);
    let body = m.get(app.url(&format!("/training/enterprise/sessions/{ahead}"))).send().await.expect("get").text().await.expect("body");
    assert!(body.contains("id=\"sign-in-error\"") && body.contains("这次培训尚未举行，不能登记出勤。"), "the refusal on the page");

    // Another enterprise's session is not found, either way round, as on the attendance routes.
    let (status, _) = upload(&app, &o, &held, "sheet.csv", "姓名\r\n赵六\r\n".as_bytes().to_vec()).await;
    assert_eq!(status, 404);
    assert_eq!(call(&app, &o, "save_attendance", &[("session", &held)]).await.0, 404);
    let (status, _) = upload(&app, &m, &other_session, "sheet.csv", "姓名\r\n李四\r\n".as_bytes().to_vec()).await;
    assert_eq!(status, 404);
    assert_eq!(attendees(&db, &other_session).await, Vec::<i64>::new());
    for s in ["999999", "x", ""] {
        assert_eq!(upload(&app, &m, s, "sheet.csv", "姓名\r\n李四\r\n".as_bytes().to_vec()).await.0, 404, "session {s:?}");
    }

    // Other roles are refused, and nobody signed in.
    app.create_user("s.worker", Role::Employee, PW).await;
    app.create_user("s.trainer", Role::TrainingAdmin, PW).await;
    for (who, status) in [("s.worker", 403), ("s.trainer", 403)] {
        let c = app.login(who, PW).await;
        assert_eq!(upload(&app, &c, &held, "sheet.csv", "姓名\r\n李四\r\n".as_bytes().to_vec()).await.0, status, "{who}");
        assert_eq!(c.get(app.url(TEMPLATE_PATH)).send().await.expect("get").status(), status, "template as {who}");
    }
    assert_eq!(upload(&app, &new_client(), &held, "sheet.csv", "姓名\r\n李四\r\n".as_bytes().to_vec()).await.0, 401);
    assert_eq!(attendees(&db, &held).await, want);

    // The template reads back as a sheet: its example line names 张三 by a contact neither of the
    // two here has.
    let t = m.get(app.url(TEMPLATE_PATH)).send().await.expect("get");
    assert_eq!(t.status(), 200);
    let body = t.bytes().await.expect("body").to_vec();
    assert!(body.starts_with("\u{feff}姓名,联系方式\r\n".as_bytes()), "{}", String::from_utf8_lossy(&body));
    let (_, r) = upload(&app, &m, &third, "template.csv", body).await;
    assert_eq!(line_errors(&r), ["2:contact=employee_ambiguous"]);

    // Without JavaScript: the form posts, the server sends the browser back to the session's page,
    // which shows the report once.
    let fourth = session(&app, &m, "电气安全培训", &today_s).await;
    let resp = m.post(app.url(UPLOAD_PATH)).multipart(form(&fourth, "sheet.csv", "姓名\r\n王五\r\n无名氏\r\n".as_bytes().to_vec())).send().await.expect("post");
    assert_eq!(resp.status(), 303);
    let page = format!("/training/enterprise/sessions/{fourth}");
    assert_eq!(resp.headers().get("location").and_then(|l| l.to_str().ok()), Some(format!("{page}#sign-in").as_str()));
    let body = m.get(app.url(&page)).send().await.expect("get").text().await.expect("body");
    assert!(body.contains("id=\"sign-in-errors\"") && body.contains("本企业在岗的从业人员中没有这个姓名。"), "the line's reason on the page");
    let resp = m.post(app.url(UPLOAD_PATH)).multipart(form(&fourth, "sheet.csv", "姓名\r\n王五\r\n".as_bytes().to_vec())).send().await.expect("post");
    assert_eq!(resp.status(), 303);
    // The report of one session is not shown on another's page, and stays for its own.
    let body = m.get(app.url(&format!("/training/enterprise/sessions/{held}"))).send().await.expect("get").text().await.expect("body");
    assert!(!body.contains("id=\"sign-in-done\""), "not on another session's page");
    let body = m.get(app.url(&page)).send().await.expect("get").text().await.expect("body");
    assert!(body.contains("id=\"sign-in-done\"") && body.contains("人已导入本次培训的出勤。"), "the count on the page");
    assert!(body.contains("id=\"sign-in-form\"") && body.contains(TEMPLATE_PATH), "the form and its template");
    let body = m.get(app.url(&page)).send().await.expect("get").text().await.expect("body");
    assert!(!body.contains("id=\"sign-in-done\"") && body.contains("id=\"sign-in-form\""), "shown once");
    assert_eq!(attendees(&db, &fourth).await, vec![id(&wang)]);

    // Each import that saved is one attendance entry in the audit log, marked as an import.
    let imports: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'training_attendance_saved' and details like '%sign_in_import%'")
        .fetch_one(&db.pool)
        .await
        .expect("audit");
    assert_eq!(imports, 5);
}
both_backends!(training_sign_in);
