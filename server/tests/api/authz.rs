//! The authorization matrix: every registered server function against anonymous visitors and
//! every role. A server function missing from the table fails the test, so new ones must be
//! classified here before they can ship.
use crate::both_backends;
use crate::helpers::{new_client, spawn, Backend};
use app::accounts::Role;

const PW: &str = "matrix password 123";

/// Who may call a server function.
enum Access {
    /// Anyone, anonymous included (the function itself decides what to reveal).
    Public,
    /// Only these roles; anonymous visitors get 401 and other roles 403.
    Roles(&'static [Role]),
    /// Only the holder of a proven access code (a grant in the session): 401 for everyone else,
    /// staff included — no role opens a reporter's case from the public side.
    CaseGrant,
}

const STAFF: &[Role] = &[
    Role::Admin,
    Role::IntakeOfficer,
    Role::DepartmentHandler,
    Role::RewardOfficer,
    Role::TrainingAdmin,
];
/// Who reads reports: intake and reward staff, and department handlers (narrowed to their own
/// department's cases by the scope check; see `department_scope` below).
const READERS: &[Role] = &[Role::IntakeOfficer, Role::RewardOfficer, Role::DepartmentHandler];
const INTAKE: &[Role] = &[Role::IntakeOfficer];
const REVEALERS: &[Role] = &[Role::IntakeOfficer, Role::RewardOfficer];
const ADMIN: &[Role] = &[Role::Admin];
const TRAINING: &[Role] = &[Role::TrainingAdmin];
/// Enterprise people (the daily challenge).
const EMPLOYEES: &[Role] = &[Role::Employee, Role::EnterpriseManager];
/// Enterprise safety managers (their own enterprise's training records).
const MANAGERS: &[Role] = &[Role::EnterpriseManager];
/// Holders and issuers of certificates (each narrowed to the certificates they hold or issued).
const CERTIFICATES: &[Role] = &[Role::TrainingAdmin, Role::EnterpriseManager, Role::Employee];
/// Every role there is (`Role::ALL` is generated with the enum, so a new role is in the matrix).
const EVERY_ROLE: &[Role] = &Role::ALL;

/// (endpoint, access, well-formed arguments)
fn table() -> Vec<(&'static str, Access, Vec<(&'static str, &'static str)>)> {
    vec![
        ("/api/current_user", Access::Public, vec![]),
        ("/api/login", Access::Public, vec![("username", "x.y.z"), ("password", "not the password")]),
        ("/api/staff_home", Access::Roles(STAFF), vec![]),
        ("/api/list_departments", Access::Roles(STAFF), vec![]),
        ("/api/list_users", Access::Roles(&[Role::Admin]), vec![]),
        (
            "/api/create_user",
            Access::Roles(&[Role::Admin]),
            vec![
                ("username", "made.by.matrix"),
                ("display_name", "矩阵"),
                ("role", "employee"),
                ("password", "short"),
            ],
        ),
        ("/api/totp_begin", Access::Roles(EVERY_ROLE), vec![]),
        ("/api/totp_confirm", Access::Roles(EVERY_ROLE), vec![("code", "123456"), ("password", "not the password")]),
        ("/api/report_form", Access::Public, vec![]),
        ("/api/reward_rules", Access::Public, vec![]),
        ("/api/take_receipt", Access::Public, vec![]),
        ("/api/my_case", Access::Public, vec![]),
        ("/api/close_case", Access::Public, vec![]),
        (
            "/api/lookup_case",
            Access::Public,
            vec![("case_number", "AQ0000000000"), ("access_code", "00000000000000000000")],
        ),
        ("/api/staff_report", Access::Roles(READERS), vec![("case_number", "AQ0000000000")]),
        ("/api/staff_message", Access::Roles(READERS), vec![("case_number", "AQ0000000000"), ("body", "你好")]),
        ("/api/staff_flag_spam", Access::Roles(INTAKE), vec![("case_number", "AQ0000000000"), ("spam", "yes")]),
        ("/api/staff_queue", Access::Roles(READERS), vec![("filter[sort]", "deadline")]),
        ("/api/staff_dashboard", Access::Roles(READERS), vec![("filter[sort]", "deadline")]),
        ("/api/case_work", Access::Roles(READERS), vec![("case_number", "AQ0000000000")]),
        ("/api/case_action", Access::Roles(READERS), vec![("case_number", "AQ0000000000"), ("op", "accept")]),
        (
            "/api/reveal_sealed",
            Access::Roles(REVEALERS),
            vec![("case_number", "AQ0000000000"), ("what", "identity"), ("reason", "matrix reason")],
        ),
        ("/api/routing_table", Access::Roles(ADMIN), vec![]),
        ("/api/save_routing_rule", Access::Roles(ADMIN), vec![("sector", "NOPE"), ("lead", "")]),
        ("/api/delete_routing_rule", Access::Roles(ADMIN), vec![("id", "999999")]),
        ("/api/holiday_list", Access::Roles(ADMIN), vec![]),
        ("/api/save_holiday", Access::Roles(ADMIN), vec![("day", "bad"), ("kind", "off"), ("name", "x")]),
        ("/api/delete_holiday", Access::Roles(ADMIN), vec![("day", "1999-01-01")]),
        ("/api/audit_log", Access::Roles(ADMIN), vec![]),
        ("/api/org_data", Access::Roles(ADMIN), vec![]),
        ("/api/save_department", Access::Roles(ADMIN), vec![("code", "x"), ("name_zh", ""), ("name_en", "")]),
        ("/api/save_town", Access::Roles(ADMIN), vec![("code", "x"), ("name_zh", ""), ("name_en", ""), ("kind", "nope")]),
        ("/api/question_bank", Access::Roles(TRAINING), vec![]),
        ("/api/practice_question", Access::Public, vec![("tag", "")]),
        ("/api/practice_check", Access::Public, vec![("id", "999999"), ("version", "1")]),
        ("/api/save_question", Access::Roles(TRAINING), vec![("kind", "essay"), ("stem", ""), ("answer", ""), ("difficulty", "9")]),
        ("/api/question_history", Access::Roles(TRAINING), vec![("id", "999999")]),
        ("/api/contest_list", Access::Public, vec![]),
        ("/api/contest_entry", Access::Public, vec![("id", "999999")]),
        ("/api/join_contest", Access::Public, vec![("id", "999999"), ("nickname", "矩阵")]),
        ("/api/resume_contest", Access::Public, vec![("id", "999999"), ("code", "AAAA-AAAA-AAAA-AAAA")]),
        ("/api/start_attempt", Access::Public, vec![("id", "999999")]),
        ("/api/attempt_paper", Access::Public, vec![("token", "00000000000000000000000000000000")]),
        ("/api/save_answer", Access::Public, vec![("token", "00000000000000000000000000000000"), ("position", "1")]),
        ("/api/submit_attempt", Access::Public, vec![("token", "00000000000000000000000000000000")]),
        ("/api/attempt_result", Access::Public, vec![("token", "00000000000000000000000000000000")]),
        ("/api/contest_ranking", Access::Public, vec![("id", "999999")]),
        ("/api/import_page", Access::Roles(TRAINING), vec![]),
        ("/api/feedback_target", Access::Public, vec![("question", "999999"), ("version", "1")]),
        ("/api/send_feedback", Access::Public, vec![("question", "999999"), ("version", "1"), ("reason", "answer")]),
        ("/api/question_feedback", Access::Roles(TRAINING), vec![("status", "open")]),
        ("/api/decide_feedback", Access::Roles(TRAINING), vec![("id", "999999"), ("status", "fixed")]),
        ("/api/daily_challenge", Access::Roles(EMPLOYEES), vec![]),
        ("/api/daily_answer", Access::Roles(EMPLOYEES), vec![("day", "0"), ("position", "1"), ("picks[0]", "A")]),
        ("/api/contest_admin", Access::Roles(TRAINING), vec![]),
        ("/api/training_staff", Access::Roles(MANAGERS), vec![]),
        ("/api/save_employee", Access::Roles(MANAGERS), vec![("name", ""), ("category", "boss"), ("hired_on", "x")]),
        ("/api/training_sessions", Access::Roles(MANAGERS), vec![]),
        ("/api/save_session", Access::Roles(MANAGERS), vec![("title", ""), ("hours", "-1")]),
        ("/api/training_session", Access::Roles(MANAGERS), vec![("id", "999999")]),
        ("/api/save_attendance", Access::Roles(MANAGERS), vec![("session", "999999")]),
        ("/api/training_compliance", Access::Roles(MANAGERS), vec![]),
        ("/api/training_certificates", Access::Roles(MANAGERS), vec![]),
        ("/api/save_op_certificate", Access::Roles(MANAGERS), vec![("employee", "x"), ("operation", "nope"), ("number", "")]),
        ("/api/add_op_review", Access::Roles(MANAGERS), vec![("id", "999999"), ("reviewed_on", "2020-01-01")]),
        ("/api/issue_session_certificates", Access::Roles(MANAGERS), vec![("session", "999999")]),
        ("/api/my_training", Access::Roles(&[Role::Employee]), vec![]),
        ("/api/training_district", Access::Roles(TRAINING), vec![]),
        ("/api/training_courses", Access::Roles(TRAINING), vec![]),
        ("/api/save_course", Access::Roles(TRAINING), vec![("title", ""), ("hours", "0")]),
        ("/api/training_course", Access::Roles(TRAINING), vec![("id", "999999")]),
        ("/api/add_lesson", Access::Roles(TRAINING), vec![("course", "999999"), ("title", "")]),
        ("/api/delete_lesson", Access::Roles(TRAINING), vec![("id", "999999")]),
        ("/api/publish_course", Access::Roles(TRAINING), vec![("id", "999999"), ("publish", "1")]),
        ("/api/training_enterprises", Access::Roles(TRAINING), vec![("q", "x")]),
        ("/api/training_enterprise", Access::Roles(TRAINING), vec![("code", "NOSUCHCODE")]),
        ("/api/create_manager_account", Access::Roles(TRAINING), vec![("enterprise", "NOSUCHCODE"), ("username", "x")]),
        ("/api/set_manager_active", Access::Roles(TRAINING), vec![("enterprise", "NOSUCHCODE"), ("id", "999999")]),
        ("/api/set_manager_password", Access::Roles(TRAINING), vec![("enterprise", "NOSUCHCODE"), ("id", "999999"), ("password", "short")]),
        ("/api/info_officers", Access::Roles(TRAINING), vec![]),
        ("/api/info_officer", Access::Roles(TRAINING), vec![("id", "999999")]),
        ("/api/save_info_officer", Access::Roles(TRAINING), vec![("name", ""), ("unit", "nope"), ("appointed_on", "x")]),
        ("/api/save_officer_training", Access::Roles(TRAINING), vec![("title", ""), ("hours", "-1")]),
        ("/api/officer_training", Access::Roles(TRAINING), vec![("id", "999999")]),
        ("/api/save_officer_attendance", Access::Roles(TRAINING), vec![("training", "999999")]),
        ("/api/my_courses", Access::Roles(&[Role::Employee]), vec![]),
        ("/api/my_course", Access::Roles(&[Role::Employee]), vec![("id", "999999")]),
        ("/api/open_lesson", Access::Roles(&[Role::Employee]), vec![("id", "999999")]),
        ("/api/answer_check", Access::Roles(&[Role::Employee]), vec![("lesson", "999999"), ("a[0]", "0")]),
        ("/api/verify_certificate", Access::Public, vec![("code", "AAAA-AAAA-AAAA-AAAA")]),
        ("/api/printable_certificate", Access::Roles(CERTIFICATES), vec![("code", "AAAA-AAAA-AAAA-AAAA")]),
        ("/api/revoke_certificate", Access::Roles(CERTIFICATES), vec![("code", "AAAA-AAAA-AAAA-AAAA"), ("reason", "matrix")]),
        ("/api/reissue_certificate", Access::Roles(CERTIFICATES), vec![("code", "AAAA-AAAA-AAAA-AAAA")]),
        ("/api/contest_stats", Access::Roles(TRAINING), vec![("id", "999999")]),
        ("/api/review_attempt", Access::Roles(TRAINING), vec![("token", "00000000000000000000000000000000"), ("decision", "cleared")]),
        (
            "/api/save_contest",
            Access::Roles(TRAINING),
            vec![
                ("title", ""),
                ("opens", "x"),
                ("closes", "x"),
                ("time_limit_min", "0"),
                ("attempts_per_day", "0"),
                ("attempts_total", "0"),
                ("valid_percent", "0"),
                ("audience", "x"),
                ("privacy", "x"),
            ],
        ),
        ("/api/save_village", Access::Roles(ADMIN), vec![("code", "x"), ("name_zh", ""), ("name_en", ""), ("town", ""), ("kind", "nope")]),
        ("/api/save_enterprise", Access::Roles(&[Role::Admin, Role::TrainingAdmin]), vec![("credit_code", "x"), ("name", ""), ("town", ""), ("employees", "-1")]),
        ("/api/withdraw_report", Access::CaseGrant, vec![("confirm", "yes")]),
        ("/api/file_objection", Access::CaseGrant, vec![("objection", "matrix objection text")]),
        (
            "/api/claim_reward",
            Access::CaseGrant,
            vec![
                ("claim_code", "00000000000000000000"),
                ("payee_name", "张三"),
                ("id_number", "11010519491231002X"),
                ("bank", "银行"),
                ("account", "6222000000000000"),
            ],
        ),
        // Last: it ends the session the other calls use.
        ("/api/logout", Access::Public, vec![]),
    ]
}

async fn authorization_matrix(backend: Backend) {
    let app = spawn(backend).await;
    let table = table();

    // Every registered server function is in the table, and nothing in the table is unregistered.
    let mut registered: Vec<String> = server_fn::axum::server_fn_paths().map(|(p, _)| p.to_string()).collect();
    registered.sort();
    let mut listed: Vec<String> = table.iter().map(|(p, _, _)| p.to_string()).collect();
    listed.sort();
    assert_eq!(registered, listed, "every server function must be classified in the matrix");

    let mut subjects: Vec<(String, Option<Role>)> = vec![("anonymous".into(), None)];
    for role in EVERY_ROLE {
        let name = format!("m.{}", role.as_str().replace('_', "-"));
        app.create_user(&name, *role, PW).await;
        subjects.push((name, Some(*role)));
    }

    for (name, role) in &subjects {
        let client = match role {
            None => new_client(),
            Some(_) => app.login(name, PW).await,
        };
        for (path, access, args) in &table {
            let resp = client
                .post(app.url(path))
                .header("accept", "application/json")
                .form(args)
                .send()
                .await
                .expect("call");
            let status = resp.status().as_u16();
            let body = resp.text().await.unwrap_or_default();
            assert_ne!(status, 500, "{path} as {name}: internal error {body}");
            match access {
                Access::Public => assert!(
                    !body.contains("Forbidden") && !body.contains("Unauthorized"),
                    "{path} must be public, {name} got {status} {body}"
                ),
                Access::CaseGrant => assert_eq!(status, 401, "{path} without a case grant, {name}: {body}"),
                Access::Roles(allowed) => {
                    let expect_allowed = role.is_some_and(|r| allowed.contains(&r));
                    if expect_allowed {
                        assert!(status != 401 && status != 403, "{path} should allow {name}, got {status} {body}");
                    } else if role.is_none() {
                        assert_eq!(status, 401, "{path} must refuse anonymous visitors: {body}");
                    } else {
                        assert_eq!(status, 403, "{path} must refuse {name}: {body}");
                    }
                }
            }
        }
    }

    // The plain routes outside server functions: the staff attachment download needs a role that
    // may read reports; the reporter's message route needs a case grant.
    for (name, role) in &subjects {
        let client = match role {
            None => new_client(),
            Some(_) => app.login(name, PW).await,
        };
        let status = client.get(app.url("/staff/attachments/1")).send().await.expect("get").status().as_u16();
        let allowed = role.is_some_and(|r| r.allows(app::accounts::Permission::ReadReports));
        match (role, allowed) {
            (None, _) => assert_eq!(status, 401, "attachment as {name}"),
            (Some(_), true) => assert_eq!(status, 404, "attachment as {name} (none stored)"),
            (Some(_), false) => assert_eq!(status, 403, "attachment as {name}"),
        }
        for path in ["/staff/reports/export.csv", "/staff/reports/export.xlsx"] {
            let status = client.get(app.url(path)).send().await.expect("get").status().as_u16();
            match (role, allowed) {
                (None, _) => assert_eq!(status, 401, "{path} as {name}"),
                (Some(_), true) => assert_eq!(status, 200, "{path} as {name}"),
                (Some(_), false) => assert_eq!(status, 403, "{path} as {name}"),
            }
        }
        // The question bank's files and the ranking files: the training administrator only.
        let trains = role.is_some_and(|r| r.allows(app::accounts::Permission::ManageQuestions));
        assert_eq!(trains, role.is_some_and(|r| r.allows(app::accounts::Permission::ManageContests)));
        for path in ["/staff/contest-ranking.csv?id=999999", "/staff/contest-ranking.xlsx?id=999999&by=town"] {
            let status = client.get(app.url(path)).send().await.expect("get").status().as_u16();
            match (role, trains) {
                (None, _) => assert_eq!(status, 401, "{path} as {name}"),
                (Some(_), true) => assert_eq!(status, 404, "{path} as {name} (no such contest)"),
                (Some(_), false) => assert_eq!(status, 403, "{path} as {name}"),
            }
        }
        for path in ["/staff/questions/export.csv", "/staff/questions/export.xlsx", "/staff/questions/export.xml", "/staff/questions/template.csv"] {
            let status = client.get(app.url(path)).send().await.expect("get").status().as_u16();
            match (role, trains) {
                (None, _) => assert_eq!(status, 401, "{path} as {name}"),
                (Some(_), true) => assert_eq!(status, 200, "{path} as {name}"),
                (Some(_), false) => assert_eq!(status, 403, "{path} as {name}"),
            }
        }
        // The employee file's upload and template: enterprise safety managers only.
        let manages = role.is_some_and(|r| r.allows(app::accounts::Permission::ManageEnterpriseTraining));
        let status = client.get(app.url("/training/enterprise/template.csv")).send().await.expect("get").status().as_u16();
        match (role, manages) {
            (None, _) => assert_eq!(status, 401, "template as {name}"),
            (Some(_), true) => assert_eq!(status, 200, "template as {name}"),
            (Some(_), false) => assert_eq!(status, 403, "template as {name}"),
        }
        // The compliance and records files and the xAPI exports: the manager's enterprise, and the district's.
        for (path, perm) in [
            ("/training/enterprise/compliance.csv", app::accounts::Permission::ManageEnterpriseTraining),
            ("/training/enterprise/compliance.xlsx", app::accounts::Permission::ManageEnterpriseTraining),
            ("/staff/training/compliance.csv", app::accounts::Permission::TrainingOverview),
            ("/staff/training/compliance.xlsx?year=2025", app::accounts::Permission::TrainingOverview),
            ("/training/enterprise/records.csv", app::accounts::Permission::ManageEnterpriseTraining),
            ("/training/enterprise/records.xlsx?year=2025", app::accounts::Permission::ManageEnterpriseTraining),
            ("/staff/training/records.csv?year=2025", app::accounts::Permission::TrainingOverview),
            ("/staff/training/records.xlsx", app::accounts::Permission::TrainingOverview),
            ("/training/enterprise/xapi.json", app::accounts::Permission::ManageEnterpriseTraining),
            ("/staff/training/xapi.json?year=2025", app::accounts::Permission::TrainingOverview),
        ] {
            let status = client.get(app.url(path)).send().await.expect("get").status().as_u16();
            match (role, role.is_some_and(|r| r.allows(perm))) {
                (None, _) => assert_eq!(status, 401, "{path} as {name}"),
                (Some(_), true) => assert_eq!(status, 200, "{path} as {name}"),
                (Some(_), false) => assert_eq!(status, 403, "{path} as {name}"),
            }
        }
        let form = reqwest::multipart::Form::new().text("good_only", "");
        let status = client
            .post(app.url("/training/enterprise/import"))
            .header("accept", "application/json")
            .multipart(form)
            .send()
            .await
            .expect("post")
            .status()
            .as_u16();
        match (role, manages) {
            (None, _) => assert_eq!(status, 401, "employee import as {name}"),
            (Some(_), true) => assert_eq!(status, 200, "employee import as {name} (a report: no file)"),
            (Some(_), false) => assert_eq!(status, 403, "employee import as {name}"),
        }
        // A session's sign-in sheet and its template: enterprise safety managers only (for a
        // session that is not theirs, not found).
        let status = client.get(app.url("/training/enterprise/sign-in-template.csv")).send().await.expect("get").status().as_u16();
        match (role, manages) {
            (None, _) => assert_eq!(status, 401, "sign-in template as {name}"),
            (Some(_), true) => assert_eq!(status, 200, "sign-in template as {name}"),
            (Some(_), false) => assert_eq!(status, 403, "sign-in template as {name}"),
        }
        let form = reqwest::multipart::Form::new().text("session", "999999");
        let status = client
            .post(app.url("/training/enterprise/sign-in-import"))
            .header("accept", "application/json")
            .multipart(form)
            .send()
            .await
            .expect("post")
            .status()
            .as_u16();
        match (role, manages) {
            (None, _) => assert_eq!(status, 401, "sign-in sheet as {name}"),
            (Some(_), true) => assert_eq!(status, 404, "sign-in sheet as {name} (no such session)"),
            (Some(_), false) => assert_eq!(status, 403, "sign-in sheet as {name}"),
        }
        // The classroom's lesson files: the training administrator (drafts too) and employees
        // (published courses only); its upload, the administrator only.
        let reads_lessons = role.is_some_and(|r| r.allows(app::accounts::Permission::ManageCourses) || r.allows(app::accounts::Permission::OwnTraining));
        let status = client.get(app.url("/training/files/999999")).send().await.expect("get").status().as_u16();
        match (role, reads_lessons) {
            (None, _) => assert_eq!(status, 401, "lesson file as {name}"),
            (Some(_), true) => assert_eq!(status, 404, "lesson file as {name} (no such lesson)"),
            (Some(_), false) => assert_eq!(status, 403, "lesson file as {name}"),
        }
        let writes_lessons = role.is_some_and(|r| r.allows(app::accounts::Permission::ManageCourses));
        let form = reqwest::multipart::Form::new().text("lesson", "999999");
        let status = client.post(app.url("/staff/training/lesson-file")).multipart(form).send().await.expect("post").status().as_u16();
        match (role, writes_lessons) {
            (None, _) => assert_eq!(status, 401, "lesson upload as {name}"),
            (Some(_), true) => assert_eq!(status, 404, "lesson upload as {name} (no such lesson)"),
            (Some(_), false) => assert_eq!(status, 403, "lesson upload as {name}"),
        }
        let form = reqwest::multipart::Form::new().text("default_tag", "");
        let status = client
            .post(app.url("/staff/questions/upload"))
            .header("accept", "application/json")
            .multipart(form)
            .send()
            .await
            .expect("post")
            .status()
            .as_u16();
        match (role, trains) {
            (None, _) => assert_eq!(status, 401, "upload as {name}"),
            (Some(_), true) => assert_eq!(status, 200, "upload as {name} (a report: no file)"),
            (Some(_), false) => assert_eq!(status, 403, "upload as {name}"),
        }
        let form = reqwest::multipart::Form::new().text("body", "hello");
        let resp = client
            .post(app.url("/lookup/message"))
            .header("accept", "application/json")
            .multipart(form)
            .send()
            .await
            .expect("post");
        assert_eq!(resp.status().as_u16(), 401, "message without a case grant as {name}");
    }
    let readers: Vec<Role> = EVERY_ROLE.iter().copied().filter(|r| r.allows(app::accounts::Permission::ReadReports)).collect();
    assert_eq!(readers, vec![Role::IntakeOfficer, Role::DepartmentHandler, Role::RewardOfficer]);
}
both_backends!(authorization_matrix);

/// Staff pages refuse anonymous visitors and the wrong roles when rendered on the server too.
async fn staff_pages_refuse_without_role(backend: Backend) {
    let app = spawn(backend).await;
    app.create_user("emp.zhou", Role::Employee, PW).await;
    app.create_user("boss.admin", Role::Admin, PW).await;
    let resp = app.get("/staff").await;
    assert_eq!(resp.status(), 401);
    assert!(resp.text().await.expect("body").contains("请先登录"));
    let employee = app.login("emp.zhou", PW).await;
    let resp = employee.get(app.url("/admin/users")).send().await.expect("get");
    assert_eq!(resp.status(), 403);
    let body = resp.text().await.expect("body");
    assert!(body.contains("您没有权限进行此操作"));
    assert!(!body.contains("boss.admin"), "no other account's data leaks into the refusal");
    // Every admin page: 401 anonymous, 403 for a role without the permission, 200 for the admin.
    let boss = app.login("boss.admin", PW).await;
    for page in ["/admin/users", "/admin/routing", "/admin/calendar", "/admin/organisation", "/admin/audit"] {
        assert_eq!(app.get(page).await.status(), 401, "{page}");
        assert_eq!(employee.get(app.url(page)).send().await.expect("get").status(), 403, "{page}");
        assert_eq!(boss.get(app.url(page)).send().await.expect("get").status(), 200, "{page}");
    }
}
both_backends!(staff_pages_refuse_without_role);
