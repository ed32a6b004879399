//! An enterprise's training records on both databases (issue 15): employees, sessions and
//! attendance kept by the enterprise safety manager, every refusal with its field and nothing
//! half-stored, another enterprise's records out of reach, and the year's compliance following
//! the attendance.
use crate::both_backends;
use crate::helpers::line_errors;
use crate::helpers::{call, codes, spawn, Backend};
use app::accounts::Role;
use app::base::calendar::Day;
use serde_json::Value;

const PW: &str = "training password 1";

async fn count(db: &app::base::db::Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&db.pool).await.expect("count")
}

async fn upload(app: &crate::helpers::TestApp, c: &reqwest::Client, name: &str, bytes: Vec<u8>, good_only: bool) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    if good_only {
        form = form.text("good_only", "1");
    }
    let resp = c.post(app.url("/training/enterprise/import")).header("accept", "application/json").multipart(form).send().await.expect("upload");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn employee_id(staff: &Value, name: &str) -> String {
    staff["employees"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["name"] == name))
        .map(|e| e["id"].to_string())
        .unwrap_or_else(|| panic!("{name} in {staff}"))
}

async fn enterprise_training(backend: Backend) {
    let app = spawn(backend).await;
    let db = app.db().await;
    app.create_user("t.manager", Role::EnterpriseManager, PW).await;
    // A second enterprise with its own manager.
    sqlx::query("insert into enterprises (name, credit_code, created_at) values ('另一企业', 'TESTCODE2', 0)").execute(&db.pool).await.expect("enterprise");
    let other: i64 = sqlx::query_scalar("select id from enterprises where credit_code = 'TESTCODE2'").fetch_one(&db.pool).await.expect("id");
    let hash = app::accounts::ssr::hash_password_blocking(PW).expect("hash");
    let user = app::accounts::ssr::NewUser {
        username: "t.other".into(),
        display_name: "另一管理员".into(),
        role: Role::EnterpriseManager,
        department_id: None,
        enterprise_id: Some(other),
        is_demo: false,
    };
    app::accounts::ssr::insert_user(&db, &user, &hash).await.expect("user");
    let m = app.login("t.manager", PW).await;
    let o = app.login("t.other", PW).await;
    let today = Day::of_timestamp(app::base::db::now());
    let (today_s, ahead_s) = (today.to_string(), Day(today.0 + 10).to_string());

    // Bad employees: every field named, nothing stored.
    let (status, v) = call(&app, &m, "save_employee", &[("name", ""), ("category", "boss"), ("hired_on", &ahead_s), ("contact", "")]).await;
    assert_eq!(status, 400, "{v}");
    for want in ["name=required", "category=required", "hired_on=date_in_future"] {
        assert!(codes(&v).contains(&want.to_string()), "{want} in {v}");
    }
    let (status, v) = call(&app, &m, "save_employee", &[("name", "张三"), ("category", "other"), ("hired_on", "2021-02-30")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["hired_on=date_invalid".to_string()]));
    assert_eq!(count(&db, "select count(*) from training_employees").await, 0);

    for (name, category) in [("张三", "other"), ("李四", "safety_manager"), ("王五", "other")] {
        let (status, v) = call(&app, &m, "save_employee", &[("name", name), ("category", category), ("hired_on", "2020-01-01"), ("contact", "13800000000")]).await;
        assert!(status < 400, "{name}: {status} {v}");
    }
    let (status, v) = call(&app, &o, "save_employee", &[("name", "赵六"), ("category", "other"), ("hired_on", "2020-01-01")]).await;
    assert!(status < 400, "{v}");
    let (_, staff) = call(&app, &m, "training_staff", &[]).await;
    assert_eq!(staff["enterprise"], "测试企业");
    assert_eq!(staff["employees"].as_array().map(Vec::len), Some(3), "only this enterprise's: {staff}");
    let (_, other_staff) = call(&app, &o, "training_staff", &[]).await;
    let (zhang, li, wang, zhao) = (employee_id(&staff, "张三"), employee_id(&staff, "李四"), employee_id(&staff, "王五"), employee_id(&other_staff, "赵六"));
    // Another enterprise's employee cannot be changed: not found.
    let (status, _) = call(&app, &o, "save_employee", &[("id", &zhang), ("name", "改名"), ("category", "other"), ("hired_on", "2020-01-01")]).await;
    assert_eq!(status, 404);

    // Sessions: bad input refused; a session ahead may be recorded, but nobody attends it yet.
    let (status, v) = call(
        &app,
        &m,
        "save_session",
        &[("title", ""), ("audience", "all"), ("phase", "refresher"), ("hours", "-4"), ("held_on", &today_s), ("trainer", "李老师")],
    )
    .await;
    assert_eq!(status, 400);
    for want in ["title=required", "hours=hours_invalid"] {
        assert!(codes(&v).contains(&want.to_string()), "{want} in {v}");
    }
    let (status, v) = call(&app, &m, "save_session", &[("title", "消防演练"), ("audience", "all"), ("phase", "refresher"), ("hours", "500"), ("held_on", &today_s), ("trainer", "李老师")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["hours=hours_too_many".to_string()]));
    assert_eq!(count(&db, "select count(*) from training_sessions").await, 0);
    let session = |title: &'static str, day: String| {
        vec![
            ("title", title.to_string()),
            ("audience", "all".to_string()),
            ("phase", "refresher".to_string()),
            ("hours", "8".to_string()),
            ("held_on", day),
            ("trainer", "李老师".to_string()),
            ("material", "《安全生产法》".to_string()),
        ]
    };
    let form = |f: &[(&'static str, String)]| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let planned = form(&session("年度再培训（计划）", ahead_s.clone()));
    let planned: Vec<(&str, &str)> = planned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, v) = call(&app, &m, "save_session", &planned).await;
    assert!(status < 400, "{v}");
    let held = form(&session("消防安全培训", today_s.clone()));
    let held: Vec<(&str, &str)> = held.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, v) = call(&app, &m, "save_session", &held).await;
    assert!(status < 400, "{v}");
    let (_, list) = call(&app, &m, "training_sessions", &[]).await;
    let list = list.as_array().expect("sessions").clone();
    assert_eq!(list.len(), 2);
    assert_eq!((list[0]["title"].as_str(), list[0]["hours"].as_str(), list[0]["minutes"].as_i64()), (Some("年度再培训（计划）"), Some("8"), Some(360)));
    let (ahead_id, held_id) = (list[0]["id"].to_string(), list[1]["id"].to_string());
    let (_, sheet) = call(&app, &m, "training_session", &[("id", &ahead_id)]).await;
    assert_eq!(sheet["open"], false, "{sheet}");
    let (status, v) = call(&app, &m, "save_attendance", &[("session", &ahead_id), ("attended[a]", &zhang)]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=session_not_held".to_string()]));

    // Attendance naming another enterprise's employee is refused whole.
    let (status, v) = call(&app, &m, "save_attendance", &[("session", &held_id), ("attended[a]", &zhang), ("attended[b]", &zhao)]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=employee_unknown".to_string()]));
    assert_eq!(count(&db, "select count(*) from training_attendance").await, 0);
    // Another manager cannot see or mark this enterprise's session.
    assert_eq!(call(&app, &o, "training_session", &[("id", &held_id)]).await.0, 404);
    assert_eq!(call(&app, &o, "save_attendance", &[("session", &held_id), ("attended[a]", &zhao)]).await.0, 404);

    // Before: nobody has this year's hours.
    let (_, c) = call(&app, &m, "training_compliance", &[]).await;
    assert_eq!((c["counted"].as_i64(), c["met"].as_i64(), c["percent"].as_i64()), (Some(3), Some(0), Some(0)), "{c}");
    let (status, v) = call(&app, &m, "save_attendance", &[("session", &held_id), ("attended[a]", &zhang), ("attended[b]", &li)]).await;
    assert!(status < 400, "{v}");
    let (_, c) = call(&app, &m, "training_compliance", &[]).await;
    let line = |name: &str| c["lines"].as_array().and_then(|a| a.iter().find(|l| l["name"] == name)).cloned().unwrap_or(Value::Null);
    // An ordinary worker owes 8 学时 a year; a safety manager 12.
    assert_eq!((line("张三")["state"].as_str(), line("张三")["done_hours"].as_str()), (Some("met"), Some("8")), "{c}");
    assert_eq!((line("李四")["state"].as_str(), line("李四")["required_hours"].as_str(), line("李四")["shortfall_hours"].as_str()), (Some("open"), Some("12"), Some("4")));
    assert_eq!((line("王五")["state"].as_str(), line("王五")["done_hours"].as_str()), (Some("open"), Some("0")));
    assert_eq!((c["met"].as_i64(), c["percent"].as_i64()), (Some(1), Some(33)));
    // Last year nobody trained: everyone overdue.
    let last = (today.ymd().0 - 1).to_string();
    let (_, c) = call(&app, &m, "training_compliance", &[("year", &last)]).await;
    assert!(c["lines"].as_array().is_some_and(|a| a.len() == 3 && a.iter().all(|l| l["state"] == "overdue")), "{c}");
    assert_eq!(call(&app, &m, "training_compliance", &[("year", "1800")]).await.0, 400);

    // Everyone on the sheet at once; then 王五 leaves and no longer counts.
    let (status, v) = call(&app, &m, "save_attendance", &[("session", &held_id), ("everyone", "1")]).await;
    assert!(status < 400, "{v}");
    assert_eq!(count(&db, "select count(*) from training_attendance").await, 3);
    let (status, v) = call(&app, &m, "save_employee", &[("id", &wang), ("name", "王五"), ("category", "other"), ("hired_on", "2020-01-01")]).await;
    assert!(status < 400, "{v}");
    let (_, c) = call(&app, &m, "training_compliance", &[]).await;
    assert_eq!((c["counted"].as_i64(), c["met"].as_i64(), c["percent"].as_i64()), (Some(2), Some(1), Some(50)), "{c}");
    // The retired employee stays on the sheet they attended.
    let (_, sheet) = call(&app, &m, "training_session", &[("id", &held_id)]).await;
    assert_eq!(sheet["lines"].as_array().map(Vec::len), Some(3));

    // Every change is in the audit log.
    for (action, n) in [("training_employee_saved", 5), ("training_session_saved", 2), ("training_attendance_saved", 2)] {
        let got = count(&db, &format!("select count(*) from audit_log where action = '{action}'")).await;
        assert_eq!(got, n, "{action}");
    }
    // Employee files: a bad line stores nothing; then the good lines on request; GBK as Excel
    // saves it; XLSX with a formula refused; another enterprise's manager imports into their own.
    let csv = "姓名,人员类别,上岗日期,联系方式\r\n钱七,特种作业人员,2023/5/6,13900000000\r\n孙八,老板,2023-05-06,\r\n张三,安全管理人员,2020-01-01,0551-1234567\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(csv);
    let (status, r) = upload(&app, &m, "employees.csv", gbk.to_vec(), false).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!((r["total"].as_u64(), r["good"].as_u64(), r["imported"].as_u64()), (Some(3), Some(2), Some(0)), "{r}");
    assert_eq!(line_errors(&r), ["3:category=required"]);
    let before = count(&db, "select count(*) from training_employees").await;
    let (_, r) = upload(&app, &m, "employees.csv", csv.as_bytes().to_vec(), true).await;
    assert_eq!(r["imported"].as_u64(), Some(2), "{r}");
    // 钱七 is new; 张三 (same name and day) is updated, and back in post.
    assert_eq!(count(&db, "select count(*) from training_employees").await, before + 1);
    let (_, staff) = call(&app, &m, "training_staff", &[]).await;
    let zhang_now = staff["employees"].as_array().and_then(|a| a.iter().find(|e| e["name"] == "张三")).cloned().unwrap_or(Value::Null);
    assert_eq!((zhang_now["category"].as_str(), zhang_now["contact"].as_str()), (Some("safety_manager"), Some("0551-1234567")), "{staff}");
    for (bytes, code) in [(b"name,category\r\nx,other\r\n".to_vec(), "wrong_columns"), (vec![0x81, 0x20, 0x81, 0x20], "invalid_encoding"), (Vec::new(), "file_required")] {
        let (_, r) = upload(&app, &m, "bad.csv", bytes, false).await;
        assert_eq!(r["file_error"], code, "{r}");
    }
    let (_, r) = upload(&app, &m, "big.csv", vec![b'a'; app::training::IMPORT_FILE_MAX + 1], false).await;
    assert_eq!(r["file_error"], "file_too_large");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in ["name", "category", "hired_on"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    for (c, v) in ["周九", "other", "2022-02-02"].iter().enumerate() {
        sheet.write_string(1, c as u16, *v).expect("row");
    }
    sheet.write_formula(2, 0, "=CONCAT(\"吴\",\"十\")").expect("formula");
    sheet.write_string(2, 1, "other").expect("row");
    sheet.write_string(2, 2, "2022-02-02").expect("row");
    let (_, r) = upload(&app, &o, "employees.xlsx", wb.save_to_buffer().expect("xlsx"), true).await;
    assert_eq!((r["total"].as_u64(), r["imported"].as_u64()), (Some(2), Some(1)), "{r}");
    assert_eq!(line_errors(&r), ["3:line=formula_in_cell"]);
    let (_, other_staff) = call(&app, &o, "training_staff", &[]).await;
    assert_eq!(other_staff["employees"].as_array().map(Vec::len), Some(2), "周九 is the other enterprise's: {other_staff}");
    assert_eq!(count(&db, "select count(*) from audit_log where action = 'training_employees_imported'").await, 2);
    // An employee account cannot import; nobody signed in neither.
    app.create_user("t.worker", Role::Employee, PW).await;
    let w = app.login("t.worker", PW).await;
    assert_eq!(upload(&app, &w, "employees.csv", csv.as_bytes().to_vec(), true).await.0, 403);
    assert_eq!(upload(&app, &crate::helpers::new_client(), "employees.csv", csv.as_bytes().to_vec(), true).await.0, 401);
    assert_eq!(w.get(app.url("/training/enterprise/template.csv")).send().await.expect("get").status(), 403);
    let t = m.get(app.url("/training/enterprise/template.csv")).send().await.expect("get");
    assert_eq!(t.status(), 200);
    assert!(t.text().await.expect("body").starts_with("\u{feff}姓名,人员类别,上岗日期,联系方式"));

    // The pages render for the manager and refuse an employee.
    for page in ["/training/enterprise", "/training/enterprise/sessions", &format!("/training/enterprise/sessions/{held_id}"), "/training/enterprise/compliance"] {
        let resp = m.get(app.url(page)).send().await.expect("get");
        assert_eq!(resp.status(), 200, "{page}");
        let body = resp.text().await.expect("body");
        assert!(body.contains("企业安全培训") && (body.contains("张三") || body.contains("消防安全培训")), "{page}");
        assert_eq!(w.get(app.url(page)).send().await.expect("get").status(), 403, "{page} as an employee");
        assert_eq!(app.get(page).await.status(), 401, "{page} anonymous");
    }
}
both_backends!(enterprise_training);

async fn user_in(db: &app::base::db::Db, username: &str, role: Role, enterprise: i64) {
    let hash = app::accounts::ssr::hash_password_blocking(PW).expect("hash");
    let user = app::accounts::ssr::NewUser {
        username: username.into(),
        display_name: username.into(),
        role,
        department_id: None,
        enterprise_id: Some(enterprise),
        is_demo: false,
    };
    app::accounts::ssr::insert_user(db, &user, &hash).await.expect("user");
}

/// Certificates: issued to a session's attendees, checked by anyone by code, printed by the
/// holder and the issuer only, revoked and reissued; special-operation certificates with their
/// reviews; an employee's own record.
async fn certificates_and_own_records(backend: Backend) {
    let app = spawn(backend).await;
    let db = app.db().await;
    app.create_user("c.manager", Role::EnterpriseManager, PW).await;
    app.create_user("c.worker", Role::Employee, PW).await;
    app.create_user("c.trainer", Role::TrainingAdmin, PW).await;
    app.create_user("c.intake", Role::IntakeOfficer, PW).await;
    sqlx::query("insert into enterprises (name, credit_code, created_at) values ('另一企业', 'TESTCODE2', 0)").execute(&db.pool).await.expect("enterprise");
    let other: i64 = sqlx::query_scalar("select id from enterprises where credit_code = 'TESTCODE2'").fetch_one(&db.pool).await.expect("id");
    user_in(&db, "c.other", Role::EnterpriseManager, other).await;
    user_in(&db, "c.stranger", Role::Employee, other).await;
    let m = app.login("c.manager", PW).await;
    let o = app.login("c.other", PW).await;
    let w = app.login("c.worker", PW).await;
    let t = app.login("c.trainer", PW).await;
    let i = app.login("c.intake", PW).await;
    let anyone = crate::helpers::new_client();
    let today = Day::of_timestamp(app::base::db::now()).to_string();

    // An employee record linked to its own account; another enterprise's account cannot be.
    let (status, v) = call(&app, &m, "save_employee", &[("name", "张三"), ("category", "special_operation"), ("hired_on", "2015-01-01"), ("account", "c.stranger")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["account=account_unknown".to_string()]));
    let (status, v) = call(&app, &m, "save_employee", &[("name", "张三"), ("category", "special_operation"), ("hired_on", "2015-01-01"), ("account", "c.worker")]).await;
    assert!(status < 400, "{v}");
    let (status, v) = call(&app, &m, "save_employee", &[("name", "李四"), ("category", "other"), ("hired_on", "2015-01-01"), ("account", "c.worker")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["account=account_linked".to_string()]));
    let (_, staff) = call(&app, &m, "training_staff", &[]).await;
    let zhang = employee_id(&staff, "张三");
    assert_eq!(staff["employees"][0]["account"], "c.worker");
    assert_eq!(call(&app, &o, "my_training", &[]).await.0, 403);
    let stranger = app.login("c.stranger", PW).await;
    assert_eq!(call(&app, &stranger, "my_training", &[]).await.0, 404, "no record is linked to this account");

    // A session today, attended, and its certificates: one per attendee, not twice.
    let form = [("title", "焊接作业安全培训"), ("audience", "special_operation"), ("phase", "refresher"), ("hours", "8"), ("held_on", today.as_str()), ("trainer", "李老师")];
    assert!(call(&app, &m, "save_session", &form).await.0 < 400);
    let (_, list) = call(&app, &m, "training_sessions", &[]).await;
    let session = list[0]["id"].to_string();
    assert!(call(&app, &m, "save_attendance", &[("session", &session), ("attended[a]", &zhang)]).await.0 < 400);
    assert_eq!(call(&app, &o, "issue_session_certificates", &[("session", &session)]).await.0, 404);
    for _ in 0..2 {
        let (status, v) = call(&app, &m, "issue_session_certificates", &[("session", &session)]).await;
        assert!(status < 400, "{v}");
    }
    let (_, view) = call(&app, &m, "training_certificates", &[]).await;
    let issued = view["issued"].as_array().expect("issued").clone();
    assert_eq!(issued.len(), 1, "{view}");
    let code = issued[0]["code"].as_str().expect("code").to_string();
    assert_eq!(code.len(), 19, "four groups of four: {code}");

    // Anyone checks it, however the code is typed; a bad or unknown code is named as such.
    let typed = code.replace('-', " ").to_lowercase();
    let (status, v) = call(&app, &anyone, "verify_certificate", &[("code", &typed)]).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!((v["holder"].as_str(), v["title"].as_str(), v["hours"].as_str(), v["standing"].as_str()), (Some("张三"), Some("焊接作业安全培训"), Some("8"), Some("valid")));
    assert_eq!(v["issuer"], "测试企业");
    assert!(v.get("employee_id").is_none() && v.get("enterprise_id").is_none(), "nothing beyond the certificate: {v}");
    let (status, v) = call(&app, &anyone, "verify_certificate", &[("code", "ABCD-EFGH")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["code=certificate_code_invalid".to_string()]));
    let (status, v) = call(&app, &anyone, "verify_certificate", &[("code", "2222-2222-2222-2222")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["code=certificate_unknown".to_string()]));

    // Printed by the issuer (who may manage it), the holder and the training administrator;
    // not found for anyone else.
    let (status, p) = call(&app, &m, "printable_certificate", &[("code", &code)]).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["can_manage"], true);
    assert!(p["qr_svg"].as_str().is_some_and(|s| s.contains("<svg")), "{p}");
    assert!(p["verify_url"].as_str().is_some_and(|u| u.ends_with(&format!("/verify?code={code}"))), "{p}");
    let (status, p) = call(&app, &w, "printable_certificate", &[("code", &code)]).await;
    assert_eq!((status, p["can_manage"].as_bool()), (200, Some(false)), "{p}");
    assert_eq!(call(&app, &t, "printable_certificate", &[("code", &code)]).await.1["can_manage"], true);
    for (who, client) in [("other manager", &o), ("other employee", &stranger)] {
        assert_eq!(call(&app, client, "printable_certificate", &[("code", &code)]).await.0, 404, "{who}");
    }
    assert_eq!(call(&app, &i, "printable_certificate", &[("code", &code)]).await.0, 403);

    // Revoked by its issuer only, with a reason; the public check then says so.
    assert_eq!(call(&app, &w, "revoke_certificate", &[("code", &code), ("reason", "不对")]).await.0, 403);
    assert_eq!(call(&app, &o, "revoke_certificate", &[("code", &code), ("reason", "不对")]).await.0, 404);
    let (status, v) = call(&app, &m, "revoke_certificate", &[("code", &code), ("reason", "")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["reason=required".to_string()]));
    assert!(call(&app, &m, "revoke_certificate", &[("code", &code), ("reason", "培训记录有误")]).await.0 < 400);
    let (_, v) = call(&app, &anyone, "verify_certificate", &[("code", &code)]).await;
    assert_eq!((v["standing"].as_str(), v["revoked_on"].as_str()), (Some("revoked"), Some(today.as_str())), "{v}");
    let (status, v) = call(&app, &m, "revoke_certificate", &[("code", &code), ("reason", "再次")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=conflict".to_string()]));

    // A revoked certificate no longer counts: issuing again gives a new one; reissuing that one
    // gives a third code and revokes the second.
    assert!(call(&app, &m, "issue_session_certificates", &[("session", &session)]).await.0 < 400);
    let (_, view) = call(&app, &m, "training_certificates", &[]).await;
    let second = view["issued"][0]["code"].as_str().expect("code").to_string();
    assert_ne!(second, code);
    assert!(call(&app, &m, "reissue_certificate", &[("code", &second)]).await.0 < 400);
    let (_, view) = call(&app, &m, "training_certificates", &[]).await;
    let third = view["issued"][0]["code"].as_str().expect("code").to_string();
    assert_eq!(call(&app, &anyone, "verify_certificate", &[("code", &second)]).await.1["standing"], "revoked");
    assert_eq!(call(&app, &anyone, "verify_certificate", &[("code", &third)]).await.1["standing"], "valid");

    // The employee's own record: this year's hours, the session and the three certificates.
    let (status, me) = call(&app, &w, "my_training", &[]).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!((me["standing"]["done_hours"].as_str(), me["standing"]["state"].as_str()), (Some("8"), Some("met")), "8 of a worker's yearly 8: {me}");
    assert_eq!(me["attended"].as_array().map(Vec::len), Some(1));
    assert_eq!(me["certificates"].as_array().map(Vec::len), Some(3));

    // Special-operation certificates: checked, unique, the enterprise's own employees only.
    let (status, v) = call(&app, &m, "save_op_certificate", &[("employee", &zhang), ("operation", "welding"), ("number", "T#1"), ("issued_on", "2030-01-01"), ("reviews", "2019-01-01")]).await;
    assert_eq!(status, 400);
    for want in ["number=certificate_number_invalid", "issued_on=date_in_future"] {
        assert!(codes(&v).contains(&want.to_string()), "{want} in {v}");
    }
    let (status, v) = call(&app, &m, "save_op_certificate", &[("employee", &zhang), ("operation", "welding"), ("number", "T3401-0001"), ("issued_on", "2020-05-10"), ("reviews", "2019-01-01")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["reviews=date_out_of_range".to_string()]));
    let good = [("employee", zhang.as_str()), ("operation", "welding"), ("number", "t3401-0001"), ("issued_on", "2020-05-10"), ("reviews", "")];
    let (status, v) = call(&app, &m, "save_op_certificate", &good).await;
    assert!(status < 400, "{v}");
    let (status, v) = call(&app, &m, "save_op_certificate", &good).await;
    assert_eq!((status, codes(&v)), (400, vec!["number=certificate_repeated".to_string()]));
    let (_, o_staff) = call(&app, &o, "training_staff", &[]).await;
    assert!(o_staff["employees"].as_array().is_some_and(Vec::is_empty));
    let (status, v) = call(&app, &o, "save_op_certificate", &[("employee", &zhang), ("operation", "height"), ("number", "X0001"), ("issued_on", "2020-05-10")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["employee=employee_unknown".to_string()]));
    let (_, view) = call(&app, &m, "training_certificates", &[]).await;
    let op = &view["operations"][0];
    assert_eq!((op["number"].as_str(), op["expires"].as_str()), (Some("T3401-0001"), Some("2026-05-10")), "{view}");
    let op_id = op["id"].to_string();
    assert_eq!(call(&app, &o, "add_op_review", &[("id", &op_id), ("reviewed_on", "2023-05-01")]).await.0, 404);
    assert!(call(&app, &m, "add_op_review", &[("id", &op_id), ("reviewed_on", "2023-05-01")]).await.0 < 400);
    let (_, view) = call(&app, &m, "training_certificates", &[]).await;
    assert_eq!(view["operations"][0]["reviews"], serde_json::json!(["2023-05-01"]));

    // The pages: the public check without login, the certificate for its holder, the records.
    let body = app.get(&format!("/verify?code={third}")).await.text().await.expect("body");
    assert!(body.contains("张三") && body.contains("焊接作业安全培训") && body.contains("有效"), "verify page");
    let resp = w.get(app.url(&format!("/certificates/{third}"))).send().await.expect("get");
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.expect("body").contains("<svg"), "the QR code is drawn in the page");
    assert_eq!(o.get(app.url(&format!("/certificates/{third}"))).send().await.expect("get").status(), 404);
    assert_eq!(w.get(app.url("/training/me")).send().await.expect("get").status(), 200);
    assert_eq!(m.get(app.url("/training/enterprise/certificates")).send().await.expect("get").status(), 200);
}
both_backends!(certificates_and_own_records);

/// A session changed after attendance was taken: the attendees' hours and yearly totals follow
/// its minutes and day (both years when it moves across one), it cannot move past today, a
/// session nobody attended may, and another enterprise's session is out of reach.
async fn session_editing(backend: Backend) {
    let app = spawn(backend).await;
    let db = app.db().await;
    app.create_user("e.manager", Role::EnterpriseManager, PW).await;
    let m = app.login("e.manager", PW).await;
    for name in ["张三", "李四"] {
        let (status, v) = call(&app, &m, "save_employee", &[("name", name), ("category", "other"), ("hired_on", "2015-01-01")]).await;
        assert!(status < 400, "{v}");
    }
    let (_, staff) = call(&app, &m, "training_staff", &[]).await;
    let (zhang, li) = (employee_id(&staff, "张三"), employee_id(&staff, "李四"));
    let today = Day::of_timestamp(app::base::db::now());
    let (year, _, _) = today.ymd();
    let today_s = today.to_string();
    let session = |id: &'static str, hours: &'static str, day: String| {
        vec![
            ("id", id.to_string()),
            ("title", "消防安全培训".to_string()),
            ("audience", "all".to_string()),
            ("phase", "refresher".to_string()),
            ("hours", hours.to_string()),
            ("held_on", day),
            ("trainer", "李老师".to_string()),
            ("material", String::new()),
        ]
    };
    let send = |f: &Vec<(&'static str, String)>| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let form = send(&session("", "8", today_s.clone()));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, v) = call(&app, &m, "save_session", &form).await;
    assert!(status < 400, "{v}");
    let id: i64 = sqlx::query_scalar("select id from training_sessions").fetch_one(&db.pool).await.expect("session");
    let ids = id.to_string();
    let (status, v) = call(&app, &m, "save_attendance", &[("session", &ids), ("attended[a]", &zhang), ("attended[b]", &li)]).await;
    assert!(status < 400, "{v}");
    let minutes = |year: i64| {
        let db = db.clone();
        async move {
            let rows: Vec<i64> = sqlx::query_scalar("select minutes from training_year_minutes where year = $1 order by employee_id")
                .bind(year)
                .fetch_all(&db.pool)
                .await
                .expect("year minutes");
            rows
        }
    };
    assert_eq!(minutes(year).await, vec![360, 360]);

    let change = |hours: &'static str, day: String| {
        let f = send(&session("", hours, day));
        f.into_iter().map(|(k, v)| if k == "id" { (k, ids.clone()) } else { (k, v) }).collect::<Vec<_>>()
    };
    // Fewer hours: the attendance and the totals follow.
    let f = change("4", today_s.clone());
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, v) = call(&app, &m, "save_session", &f).await;
    assert!(status < 400, "{v}");
    assert_eq!(minutes(year).await, vec![180, 180]);
    assert_eq!(count(&db, "select count(*) from training_attendance where minutes = 180").await, 2);
    // Into last year: this year's totals drop to nothing, last year's gain it.
    let last = Day::from_ymd(year - 1, 6, 1).expect("day").to_string();
    let f = change("4", last.clone());
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, v) = call(&app, &m, "save_session", &f).await;
    assert!(status < 400, "{v}");
    assert_eq!(minutes(year).await, Vec::<i64>::new());
    assert_eq!(minutes(year - 1).await, vec![180, 180]);
    let (_, compliance) = call(&app, &m, "training_compliance", &[("year", &(year - 1).to_string())]).await;
    assert!(compliance["lines"].as_array().is_some_and(|l| l.iter().all(|l| l["done_hours"] == "4")), "{compliance}");
    // Not past today once attended: refused, nothing changed.
    let f = change("6", Day(today.0 + 3).to_string());
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, v) = call(&app, &m, "save_session", &f).await;
    assert_eq!((status, codes(&v)), (400, vec!["held_on=session_attended_future".to_string()]));
    assert_eq!(count(&db, "select count(*) from training_attendance where minutes = 180").await, 2);
    assert_eq!(minutes(year - 1).await, vec![180, 180]);
    // Nobody attending: a planned day ahead is fine.
    let (status, v) = call(&app, &m, "save_attendance", &[("session", &ids)]).await;
    assert!(status < 400, "{v}");
    assert_eq!(minutes(year - 1).await, Vec::<i64>::new());
    let (status, v) = call(&app, &m, "save_session", &f).await;
    assert!(status < 400, "{v}");
    let held: i64 = sqlx::query_scalar("select held_on from training_sessions").fetch_one(&db.pool).await.expect("day");
    assert_eq!(held, today.0 + 3);
    // Another enterprise's manager: not found.
    sqlx::query("insert into enterprises (name, credit_code, created_at) values ('另一企业', 'TESTCODE3', 0)").execute(&db.pool).await.expect("enterprise");
    let other: i64 = sqlx::query_scalar("select id from enterprises where credit_code = 'TESTCODE3'").fetch_one(&db.pool).await.expect("id");
    let hash = app::accounts::ssr::hash_password_blocking(PW).expect("hash");
    let user = app::accounts::ssr::NewUser {
        username: "e.other".into(),
        display_name: "另一管理员".into(),
        role: Role::EnterpriseManager,
        department_id: None,
        enterprise_id: Some(other),
        is_demo: false,
    };
    app::accounts::ssr::insert_user(&db, &user, &hash).await.expect("user");
    let o = app.login("e.other", PW).await;
    let f = change("1", today_s.clone());
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(call(&app, &o, "save_session", &f).await.0, 404);
    assert_eq!(count(&db, "select count(*) from audit_log where action = 'training_session_changed'").await, 3);
}
both_backends!(session_editing);
