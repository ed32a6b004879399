//! The staff workflow end to end through the server functions, on both databases: triage,
//! routing, department handling, reply, reward decision with a second approver, claim and
//! payment; illegal transitions, bad input, scope, concurrency, exports, the deadline job and the
//! audit chain (including a tampered row).
use crate::both_backends;
use crate::helpers::{fresh_database, new_client, spawn, spawn_with, test_config, Backend, TestApp};
use safewhistle::config::Config;
use crate::reports::{form_token, jpeg_with_gps, open_case, report, submit, valid_fields};
use app::accounts::Role;
use serde_json::Value;

const PW: &str = "workflow password 123";

async fn user(app: &TestApp, name: &str, role: Role, dept: Option<&str>) -> reqwest::Client {
    let db = app.db().await;
    let department_id = match dept {
        Some(code) => Some(
            sqlx::query_scalar::<_, i64>("select id from departments where code = $1")
                .bind(code)
                .fetch_one(&db.pool)
                .await
                .expect("department"),
        ),
        None => None,
    };
    let hash = app::accounts::ssr::hash_password_blocking(PW).expect("hash");
    let u = app::accounts::ssr::NewUser {
        username: name.into(),
        display_name: format!("{name} 测试"),
        role,
        department_id,
        enterprise_id: None,
        is_demo: false,
    };
    app::accounts::ssr::insert_user(&db, &u, &hash).await.expect("insert user");
    app.login(name, PW).await
}

async fn act(app: &TestApp, c: &reqwest::Client, number: &str, op: &str, fields: &[(&str, &str)]) -> (u16, Value) {
    let mut form = vec![("case_number", number), ("op", op)];
    form.extend_from_slice(fields);
    let resp = app.call(c, "case_action", &form).await;
    let status = resp.status().as_u16();
    let v = resp.json().await.unwrap_or(Value::Null);
    (status, v)
}

/// The reward decision as the case page shows it to `c` (what an approval is bound to).
async fn decision_version(app: &TestApp, c: &reqwest::Client, number: &str) -> String {
    let (_, w) = work(app, c, number).await;
    let d = &w["reward_decision"];
    format!("{}:{}:{}", i64::from(d["eligible"].as_bool().expect("eligible")), d["amount_fen"], d["decided_at"])
}

fn codes(v: &Value) -> Vec<String> {
    v["Validation"]
        .as_array()
        .map(|a| a.iter().map(|e| format!("{}={}", e["field"].as_str().unwrap_or(""), e["code"].as_str().unwrap_or(""))).collect())
        .unwrap_or_default()
}

#[track_caller]
fn ok(r: (u16, Value)) {
    assert!(r.0 < 400, "expected success, got {} {}", r.0, r.1);
}

#[track_caller]
fn refused(r: (u16, Value), code: &str) {
    assert_eq!(r.0, 400, "expected a refusal {code}, got {} {}", r.0, r.1);
    assert!(codes(&r.1).iter().any(|c| c == code), "expected {code} in {:?}", codes(&r.1));
}

async fn work(app: &TestApp, c: &reqwest::Client, number: &str) -> (u16, Value) {
    let resp = app.call(c, "case_work", &[("case_number", number)]).await;
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn status_of(app: &TestApp, number: &str) -> (String, Option<i64>, String) {
    let db = app.db().await;
    sqlx::query_as("select status, due_at, reward_status from reports where case_number = $1")
        .bind(number)
        .fetch_one(&db.pool)
        .await
        .expect("status")
}

async fn audit_count(app: &TestApp) -> i64 {
    let db = app.db().await;
    sqlx::query_scalar("select count(*) from audit_log").fetch_one(&db.pool).await.expect("count")
}

/// A server whose database pool has ONE connection: an operation that reads through the pool
/// while holding its own transaction would wait for itself and fail (after the pool's acquire
/// timeout), so the journeys below prove every case operation does its reads inside its
/// transaction.
async fn spawn_single_connection(backend: Backend) -> TestApp {
    let config = Config { db_max_connections: Some(1), ..test_config(fresh_database(backend).await) };
    spawn_with(config).await
}

async fn full_journey(backend: Backend) {
    let app = spawn_single_connection(backend).await;
    app.seed_reference().await;
    let intake = user(&app, "w.intake", Role::IntakeOfficer, None).await;
    let yjj = user(&app, "w.yjj", Role::DepartmentHandler, Some("YJJ")).await;
    let zjj = user(&app, "w.zjj", Role::DepartmentHandler, Some("ZJJ")).await;
    let reward1 = user(&app, "w.reward1", Role::RewardOfficer, None).await;
    let reward2 = user(&app, "w.reward2", Role::RewardOfficer, None).await;
    // A report with a photo (for the attachment scope check below).
    let client = new_client();
    let mut fields = valid_fields();
    fields.push(("form_token", form_token(&app, &client).await));
    let resp = submit(&app, &client, &fields, vec![("tank.jpg".into(), jpeg_with_gps())]).await;
    assert_eq!(resp.status(), 200);
    let receipt: Value = resp.json().await.expect("receipt");
    let number = receipt["case_number"].as_str().expect("number").to_string();
    let code = receipt["access_code"].as_str().expect("code").to_string();
    let n = number.as_str();

    // Before routing, departments see nothing of it ("not yours" answers like "does not exist").
    assert_eq!(work(&app, &yjj, n).await.0, 404);
    let resp = app.call(&yjj, "staff_queue", &[("filter[sort]", "deadline")]).await;
    let q: Value = resp.json().await.expect("queue");
    assert_eq!(q["total"], 0, "{q}");

    // Intake: illegal transitions are refused with no change; then accept.
    // Replying is the lead department's: the desk is refused outright.
    assert_eq!(act(&app, &intake, n, "reply", &[("code", "yes")]).await.0, 403);
    refused(act(&app, &intake, n, "route", &[("lead", "YJJ")]).await, "route.op=wrong_state");
    refused(act(&app, &intake, n, "refuse", &[("code", "made_up"), ("text", "x")]).await, "refuse.code=required");
    assert_eq!(status_of(&app, n).await.0, "submitted");
    let before = audit_count(&app).await;
    ok(act(&app, &intake, n, "accept", &[("text", "已受理，将转有关部门核查。")]).await);
    assert_eq!(audit_count(&app).await, before + 1);
    let (st, due, _) = status_of(&app, n).await;
    assert_eq!(st, "accepted");
    assert!(due.is_some());
    // The same click twice: the second is refused.
    refused(act(&app, &intake, n, "accept", &[]).await, "accept.op=wrong_state");
    // Handlers cannot accept or route.
    assert_eq!(act(&app, &yjj, n, "accept", &[]).await.0, 404);

    // Routing: the suggestion (WHP → 区应急管理局); an override needs a reason.
    let (_, w) = work(&app, &intake, n).await;
    assert_eq!(w["suggestion"][0]["code"], "YJJ", "{w}");
    refused(act(&app, &intake, n, "route", &[("lead", "ZJJ")]).await, "route.reason=required");
    refused(act(&app, &intake, n, "route", &[("lead", "YJJ"), ("cooperating[YJJ]", "YJJ")]).await, "route.cooperating=lead_also_cooperating");
    ok(act(&app, &intake, n, "route", &[("lead", "YJJ")]).await);
    assert_eq!(status_of(&app, n).await.0, "verifying");

    // A handler of another department: refused on every case-level function, every operation
    // and the case's attachment route (the authorization matrix's "other department" row).
    // Someone else's case answers like one that does not exist (404).
    assert_eq!(work(&app, &zjj, n).await.0, 404);
    for op in app::cases::rules::Op::ALL {
        assert_eq!(act(&app, &zjj, n, op.as_str(), &[("code", "true")]).await.0, 404, "{op:?}");
    }
    assert_eq!(app.call(&zjj, "staff_report", &[("case_number", n)]).await.status(), 404);
    assert_eq!(app.call(&zjj, "staff_message", &[("case_number", n), ("body", "hi")]).await.status(), 404);
    assert_eq!(app.call(&zjj, "reveal_sealed", &[("case_number", n), ("what", "identity"), ("reason", "看看是谁")]).await.status(), 403);
    assert_eq!(app.call(&zjj, "staff_flag_spam", &[("case_number", n), ("spam", "yes")]).await.status(), 403);
    let db = app.db().await;
    let files: Vec<i64> = sqlx::query_scalar("select a.id from attachments a join reports r on r.id = a.report_id where r.case_number = $1")
        .bind(n)
        .fetch_all(&db.pool)
        .await
        .expect("files");
    assert_eq!(files.len(), 1, "the report's photo is there to check (an empty loop would prove nothing)");
    for id in files {
        assert_eq!(zjj.get(app.url(&format!("/staff/attachments/{id}"))).send().await.expect("get").status(), 404);
        assert_eq!(yjj.get(app.url(&format!("/staff/attachments/{id}"))).send().await.expect("get").status(), 200);
    }
    // The lead department sees it in its queue and acts.
    let q: Value = app.call(&yjj, "staff_queue", &[("filter[sort]", "deadline")]).await.json().await.expect("queue");
    assert_eq!(q["total"], 1);
    assert_eq!(q["scoped_to"], "YJJ");
    refused(act(&app, &yjj, n, "reply", &[("code", "yes")]).await, "reply.op=needs_verification");
    let penalty = [("code", "true"), ("actions[administrative_penalty]", "administrative_penalty"), ("text", "现场检查属实")];
    for (fine, code) in [("-5", "verify.amount=amount_negative"), ("abc", "verify.amount=amount_invalid"), ("1e9", "verify.amount=amount_invalid"), ("99999999999999", "verify.amount=amount_too_large"), ("", "verify.amount=required")] {
        let mut f = penalty.to_vec();
        f.push(("amount", fine));
        refused(act(&app, &yjj, n, "verify", &f).await, code);
    }
    refused(act(&app, &yjj, n, "verify", &[("code", "true"), ("actions[bribe]", "bribe"), ("text", "x y")]).await, "verify.actions=action_unknown");
    let fine: Option<i64> = sqlx::query_scalar("select fine_fen from reports where case_number = $1").bind(n).fetch_one(&db.pool).await.expect("fine");
    assert_eq!(fine, None, "nothing half-stored");
    ok(act(
        &app,
        &yjj,
        n,
        "verify",
        &[
            ("code", "true"),
            ("actions[order_rectification]", "order_rectification"),
            ("actions[administrative_penalty]", "administrative_penalty"),
            ("amount", "200000"),
            ("text", "现场检查：可燃气体报警器关闭属实，罐区动火未办票。"),
        ],
    )
    .await);
    // 五落实 with its own deadline; bad dates refused.
    let rect = |date: &'static str| {
        vec![("responsible", "王厂长"), ("measures", "恢复报警器，动火作业办票"), ("funds", "5 万元"), ("date", date), ("contingency", "罐区应急处置预案")]
    };
    refused(act(&app, &yjj, n, "rectify", &rect("2020-01-01")).await, "rectify.date=date_out_of_range");
    refused(act(&app, &yjj, n, "rectify", &rect("2026-02-30")).await, "rectify.date=date_invalid");
    let soon = app::base::calendar::Day(app::base::calendar::Day::of_timestamp(app::base::db::now()).0 + 20).to_string();
    let mut f = rect("x");
    f.retain(|(k, _)| *k != "date");
    f.push(("date", &soon));
    ok(act(&app, &yjj, n, "rectify", &f).await);
    refused(act(&app, &yjj, n, "rectify", &f).await, "rectify.op=already_done");
    ok(act(&app, &yjj, n, "rectify_done", &[("text", "复查：报警器已恢复，附照片。")]).await);
    // Extension: at most 30 days, approved by the bureau; the reason reaches the reporter.
    refused(act(&app, &yjj, n, "request_extension", &[("days", "40"), ("reason", "需要检测")]).await, "request_extension.days=extension_days_range");
    ok(act(&app, &yjj, n, "request_extension", &[("days", "20"), ("reason", "需要第三方检测报告")]).await);
    let due_before = status_of(&app, n).await.1.expect("due");
    assert_eq!(act(&app, &yjj, n, "decide_extension", &[("code", "approve")]).await.0, 403);
    ok(act(&app, &intake, n, "decide_extension", &[("code", "approve")]).await);
    let (st, due_after, _) = status_of(&app, n).await;
    assert_eq!(st, "extended");
    assert_eq!(due_after.expect("due") - due_before, 20 * 86_400);
    // Reply.
    ok(act(&app, &yjj, n, "reply", &[("code", "yes"), ("text", "感谢您的举报。")]).await);
    assert_eq!(status_of(&app, n).await.0, "replied");
    let reporter = open_case(&app, n, &code).await;
    let case: Value = app.call(&reporter, "my_case", &[]).await.json().await.expect("case");
    let reply = case["reply"].as_str().expect("reply");
    assert!(reply.contains("核查结论：属实") && reply.contains("罚款 200000.00 元") && reply.contains("符合奖励条件"), "{reply}");
    let kinds: Vec<&str> = case["timeline"].as_array().expect("timeline").iter().map(|e| e["kind"].as_str().unwrap_or("")).collect();
    assert_eq!(kinds, vec!["submitted", "accepted", "verifying", "extended", "replied"], "{case}");
    assert_eq!(case["timeline"][3]["note"], "需要第三方检测报告");

    // Rewards: paying before approval and approving one's own decision are refused.
    refused(act(&app, &reward1, n, "reward_pay", &[("text", "PAY-1")]).await, "reward_pay.op=needs_claim");
    refused(act(&app, &reward1, n, "reward_approve", &[]).await, "reward_approve.op=needs_decision");
    let (_, w) = work(&app, &reward1, n).await;
    assert_eq!(w["suggested_reward_fen"], 3_000_000, "15% of 200,000 = 30,000 yuan");
    refused(act(&app, &reward1, n, "reward_decide", &[("code", "eligible"), ("amount", "900000"), ("text", "首报")]).await, "reward_decide.amount=amount_over_cap");
    ok(act(&app, &reward1, n, "reward_decide", &[("code", "eligible"), ("amount", "3000"), ("text", "首位实名举报，核查属实")]).await);
    refused(act(&app, &reward1, n, "reward_approve", &[]).await, "reward_approve.op=own_decision");
    assert_eq!(act(&app, &yjj, n, "reward_approve", &[]).await.0, 403);
    // The second officer opens the case and sees ¥3,000; the first decides again (¥30,000)
    // before the approval arrives: the approval of what was seen approves nothing.
    let seen = decision_version(&app, &reward2, n).await;
    assert!(seen.starts_with("1:300000:"), "{seen}");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await; // a new decided_at second
    ok(act(&app, &reward1, n, "reward_decide", &[("code", "eligible"), ("amount", "30000"), ("text", "首位实名举报，核查属实")]).await);
    refused(act(&app, &reward2, n, "reward_approve", &[("version", &seen)]).await, "reward_approve.op=decision_changed");
    refused(act(&app, &reward2, n, "reward_approve", &[]).await, "reward_approve.op=decision_changed");
    assert_eq!(status_of(&app, n).await.2, "none", "nothing approved");
    let seen = decision_version(&app, &reward2, n).await;
    assert!(seen.starts_with("1:3000000:"), "{seen}");
    ok(act(&app, &reward2, n, "reward_approve", &[("version", &seen)]).await);
    let (_, _, rs) = status_of(&app, n).await;
    assert_eq!(rs, "approved");
    refused(act(&app, &reward2, n, "reward_approve", &[("version", &seen)]).await, "reward_approve.op=already_done");
    // The reporter claims with the code; then payment is recorded.
    let resp = app
        .call(
            &reporter,
            "claim_reward",
            &[("claim_code", &code), ("payee_name", "张三"), ("id_number", "11010519491231002X"), ("bank", "中国工商银行合肥分行"), ("account", "6222 0000 1111 2222")],
        )
        .await;
    assert!(resp.status().is_success(), "claim {}", resp.status());
    ok(act(&app, &reward2, n, "reward_pay", &[("text", "PAY-2026-0001")]).await);
    assert_eq!(status_of(&app, n).await.2, "paid");
    // The payee is revealed only with a reason, and the reveal is logged.
    let resp = app.call(&reward1, "reveal_sealed", &[("case_number", n), ("what", "payee"), ("reason", "")]).await;
    assert_eq!(resp.status(), 400);
    let resp = app.call(&intake, "reveal_sealed", &[("case_number", n), ("what", "payee"), ("reason", "核对领奖")]).await;
    assert_eq!(resp.status(), 403);
    let resp = app.call(&reward1, "reveal_sealed", &[("case_number", n), ("what", "payee"), ("reason", "财务核对发放账户")]).await;
    let v: Value = resp.json().await.expect("payee");
    assert_eq!(v["lines"][0][1], "张三", "{v}");
    let logged: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'payee_revealed' and reason = '财务核对发放账户'")
        .fetch_one(&db.pool)
        .await
        .expect("logged");
    assert_eq!(logged, 1);

    // Exports: CSV and XLSX of the filtered list, no reporter text or identity.
    let csv = intake.get(app.url("/staff/reports/export.csv?status=replied")).send().await.expect("csv").text().await.expect("text");
    assert!(csv.contains(n) && csv.contains("30000.00") && !csv.contains("储罐区") && !csv.contains("张三"), "{csv}");
    let none = zjj.get(app.url("/staff/reports/export.csv")).send().await.expect("csv").text().await.expect("text");
    assert!(!none.contains(n), "another department's export leaves the case out");
    let xlsx = intake.get(app.url("/staff/reports/export.xlsx")).send().await.expect("xlsx").bytes().await.expect("bytes");
    assert_eq!(&xlsx[..2], b"PK");
    // Dashboard figures.
    let d: Value = app.call(&intake, "staff_dashboard", &[("filter[sort]", "deadline")]).await.json().await.expect("dash");
    assert_eq!(d["total"], 1);
    assert_eq!(d["rewards_paid"], 1);
    assert_eq!(d["rewards_paid_fen"], 3_000_000);

    // The audit chain holds; updates are refused by the database; a tampered row is found.
    let db = app.db().await;
    let total = audit_count(&app).await;
    assert_eq!(app::base::audit::verify(&db).await.expect("verify"), Ok(total));
    assert!(sqlx::query("update audit_log set reason = 'x' where seq = 2").execute(&db.pool).await.is_err(), "append-only");
    assert!(sqlx::query("delete from audit_log where seq = 2").execute(&db.pool).await.is_err(), "append-only");
    match backend {
        Backend::Sqlite => {
            sqlx::query("drop trigger audit_log_no_update").execute(&db.pool).await.expect("drop");
        }
        Backend::Postgres => {
            sqlx::query("drop trigger audit_log_no_update on audit_log").execute(&db.pool).await.expect("drop");
        }
    }
    sqlx::query("update audit_log set reason = 'tampered' where seq = 3").execute(&db.pool).await.expect("tamper");
    assert_eq!(app::base::audit::verify(&db).await.expect("verify"), Err(3));
}
both_backends!(full_journey);

async fn refusals_duplicates_transfers_and_jobs(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let intake = user(&app, "w2.intake", Role::IntakeOfficer, None).await;
    let admin = user(&app, "w2.admin", Role::Admin, None).await;
    let (first, _) = report(&app, &new_client(), &[]).await;
    let (second, code2) = report(&app, &new_client(), &[]).await;
    let (third, _) = report(&app, &new_client(), &[]).await;

    // The earlier case keeps priority: the first cannot be a duplicate of the second.
    refused(act(&app, &intake, &first, "duplicate", &[("other_case", &second), ("text", "重复")]).await, "duplicate.other_case=not_earlier");
    refused(act(&app, &intake, &second, "duplicate", &[("other_case", "AQ0000000000"), ("text", "重复")]).await, "duplicate.other_case=case_unknown");
    let (_, w) = work(&app, &intake, &second).await;
    assert!(w["related"].as_array().expect("related").iter().any(|c| c == &Value::String(first.clone())), "{w}");
    ok(act(&app, &intake, &second, "duplicate", &[("other_case", &first), ("text", "该事项已由先前举报受理。")]).await);
    let reporter = open_case(&app, &second, &code2).await;
    let case: Value = app.call(&reporter, "my_case", &[]).await.json().await.expect("case");
    assert_eq!(case["status"], "not_accepted");
    assert_eq!(case["timeline"][1]["code"], "duplicate_already_accepted");
    assert_eq!(case["messages"][0]["body"], "该事项已由先前举报受理。");
    // Transfer out with what the reporter is told.
    ok(act(&app, &intake, &third, "transfer", &[("target", "市邮政管理局"), ("text", "已移送市邮政管理局办理。")]).await);
    assert_eq!(status_of(&app, &third).await.0, "transferred");

    // Two concurrent accepts of the same case: exactly one wins.
    let (a, b) = tokio::join!(act(&app, &intake, &first, "accept", &[]), act(&app, &intake, &first, "accept", &[]));
    assert_eq!([a.0 < 400, b.0 < 400].iter().filter(|x| **x).count(), 1, "{a:?} {b:?}");
    let events: i64 = sqlx::query_scalar("select count(*) from report_events e join reports r on r.id = e.report_id where r.case_number = $1 and e.kind = 'accepted'")
        .bind(&first)
        .fetch_one(&app.db().await.pool)
        .await
        .expect("events");
    assert_eq!(events, 1);

    // Routing table: a sector cannot lose its department.
    let table: Value = app.call(&admin, "routing_table", &[]).await.json().await.expect("table");
    let whp = table["rules"].as_array().expect("rules").iter().find(|r| r["sector"]["code"] == "WHP" && r["town"].is_null()).expect("WHP rule");
    let id = whp["id"].as_i64().expect("id").to_string();
    let resp = app.call(&admin, "delete_routing_rule", &[("id", &id)]).await;
    assert_eq!(resp.status(), 400);
    let resp = app.call(&admin, "save_routing_rule", &[("sector", "WHP"), ("lead", "")]).await;
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.expect("json");
    assert!(codes(&v).contains(&"lead=sector_needs_department".to_string()), "{v}");
    let resp = app.call(&admin, "save_routing_rule", &[("sector", "WHP"), ("town", "XZ01"), ("lead", "YJJ"), ("cooperating[JTJ]", "JTJ")]).await;
    assert!(resp.status().is_success());
    let (_, w) = work(&app, &intake, &first).await;
    assert_eq!(w["suggestion"][1][0]["code"], "JTJ", "the town rule wins: {w}");
    // Holidays: a 调休 day must fall on a weekend.
    let resp = app.call(&admin, "save_holiday", &[("day", "2026-12-02"), ("kind", "work"), ("name", "调休")]).await;
    assert_eq!(resp.status(), 400);
    let resp = app.call(&admin, "save_holiday", &[("day", "2027-01-01"), ("kind", "off"), ("name", "元旦")]).await;
    assert!(resp.status().is_success());

    // The deadline job records a breach once.
    let db = app.db().await;
    sqlx::query("update reports set due_at = 1000 where case_number = $1").bind(&first).execute(&db.pool).await.expect("past due");
    let (b, _, _) = app::workflow::ssr::daily(&db).await.expect("job");
    assert_eq!(b, 1);
    let (b, _, _) = app::workflow::ssr::daily(&db).await.expect("job");
    assert_eq!(b, 0);
    let q: Value = app.call(&intake, "staff_queue", &[("filter[due]", "overdue")]).await.json().await.expect("queue");
    assert_eq!(q["total"], 1, "{q}");
    assert_eq!(q["rows"][0]["urgency"], "Overdue");
    // Filters and search.
    let q: Value = app.call(&intake, "staff_queue", &[("filter[q]", "储罐区"), ("filter[status]", "transferred")]).await.json().await.expect("queue");
    assert_eq!(q["total"], 1);
    let q: Value = app.call(&intake, "staff_queue", &[("filter[q]", "100%_'"), ("filter[sector]", "WHP")]).await.json().await.expect("queue");
    assert_eq!(q["total"], 0);
    assert_eq!(app::base::audit::verify(&db).await.expect("verify").is_ok(), true);
}
both_backends!(refusals_duplicates_transfers_and_jobs);

async fn merged_cases_hand_downs_org_data_and_concealed_rewards(backend: Backend) {
    let app = spawn_single_connection(backend).await;
    app.seed_reference().await;
    let intake = user(&app, "w3.intake", Role::IntakeOfficer, None).await;
    let admin = user(&app, "w3.admin", Role::Admin, None).await;
    let yjj = user(&app, "w3.yjj", Role::DepartmentHandler, Some("YJJ")).await;
    let station = user(&app, "w3.station", Role::DepartmentHandler, Some("AJZ-XZ01")).await;
    let reward1 = user(&app, "w3.reward1", Role::RewardOfficer, None).await;
    let reward2 = user(&app, "w3.reward2", Role::RewardOfficer, None).await;
    let (a, _) = report(&app, &new_client(), &[]).await;
    let (b, code_b) = report(&app, &new_client(), &[("description", "同一化工厂：危废仓库没有防渗漏措施，桶装废液露天堆放。")]).await;
    let (c, code_c) = report(&app, &new_client(), &[]).await;
    ok(act(&app, &intake, &a, "accept", &[]).await);
    ok(act(&app, &intake, &a, "route", &[("lead", "YJJ")]).await);

    // 并案: only into an earlier, open, unmerged case; the later one then follows it.
    refused(act(&app, &intake, &a, "merge", &[("other_case", &b), ("text", "并案")]).await, "merge.other_case=not_earlier");
    refused(act(&app, &intake, &c, "merge", &[("other_case", &b), ("text", "并案")]).await, "merge.other_case=primary_not_open");
    refused(act(&app, &intake, &b, "merge", &[("other_case", &a), ("text", "")]).await, "merge.text=required");
    let (_, w) = work(&app, &intake, &b).await;
    assert_eq!(w["merge_target"], Value::String(a.clone()), "the earliest open related case is offered: {w}");
    ok(act(&app, &intake, &b, "merge", &[("other_case", &a), ("text", "您反映的问题与先前举报涉及同一单位，并案核查、统一答复。")]).await);
    assert_eq!(status_of(&app, &b).await.0, "verifying");
    refused(act(&app, &intake, &c, "merge", &[("other_case", &b), ("text", "并案")]).await, "merge.other_case=primary_merged");
    let (st, w) = work(&app, &yjj, &b).await;
    assert_eq!(st, 200, "the primary's department sees the merged case: {w}");
    assert_eq!(w["merged_into"], Value::String(a.clone()));
    assert!(w["can"].as_array().expect("can").is_empty(), "nothing is done on a merged case itself: {w}");
    refused(act(&app, &yjj, &b, "verify", &[("code", "true"), ("actions[no_action]", "no_action"), ("text", "核查")]).await, "verify.op=merged_follow_primary");
    let (_, w) = work(&app, &intake, &a).await;
    assert_eq!(w["merged"][0], Value::String(b.clone()));
    let q: Value = app.call(&intake, "staff_queue", &[("filter[q]", b.as_str())]).await.json().await.expect("queue");
    assert_eq!(q["rows"][0]["merged_into"], Value::String(a.clone()), "the queue marks the merged case: {q}");

    // The primary is verified and answered once; the merged case receives the joint reply.
    ok(act(&app, &yjj, &a, "verify", &[
        ("code", "true"),
        ("actions[order_rectification]", "order_rectification"),
        ("actions[administrative_penalty]", "administrative_penalty"),
        ("amount", "50000"),
        ("text", "现场检查属实，危废仓库与罐区问题一并责令整改并处罚款。"),
    ]).await);
    ok(act(&app, &yjj, &a, "reply", &[("code", "yes")]).await);
    let db = app.db().await;
    let replies: Vec<(String, Option<String>, Option<i64>)> =
        sqlx::query_as("select status, reply_text, fine_fen from reports where case_number in ($1, $2) order by id")
            .bind(&a)
            .bind(&b)
            .fetch_all(&db.pool)
            .await
            .expect("replies");
    assert_eq!(replies[0].0, "replied");
    assert_eq!(replies[1].0, "replied");
    assert_eq!(replies[0].1, replies[1].1, "one joint reply");
    assert!(replies[0].1.as_deref().unwrap_or_default().contains("并案"), "{replies:?}");
    assert_eq!(replies[1].2, None, "the fine (and its reward priority) stays with the earliest report");
    let reporter_b = open_case(&app, &b, &code_b).await;
    let case: Value = app.call(&reporter_b, "my_case", &[]).await.json().await.expect("case");
    assert!(case["reply"].as_str().unwrap_or_default().contains("属实"), "{case}");
    let kinds: Vec<&str> = case["timeline"].as_array().expect("timeline").iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(kinds.contains(&"merged") && kinds.contains(&"replied"), "{kinds:?}");
    let routed = case["timeline"].as_array().expect("timeline").iter().find(|e| e["kind"] == "verifying").expect("routed");
    assert_eq!(routed["department"]["name_en"], "District Emergency Management Bureau", "shown in the reader's language: {routed}");
    assert!(routed["note"].is_null());

    // 交办: routing to a town's work safety station is a hand-down; the station sees the case.
    ok(act(&app, &intake, &c, "accept", &[]).await);
    ok(act(&app, &intake, &c, "route", &[("lead", "AJZ-XZ01"), ("reason", "小微企业，属地安监站核查。")]).await);
    assert_eq!(work(&app, &station, &c).await.0, 200);
    assert_eq!(work(&app, &yjj, &c).await.0, 404, "not yours answers like not found");
    let reporter_c = open_case(&app, &c, &code_c).await;
    let case: Value = app.call(&reporter_c, "my_case", &[]).await.json().await.expect("case");
    let routed = case["timeline"].as_array().expect("timeline").iter().find(|e| e["kind"] == "verifying").expect("routed");
    assert_eq!(routed["code"], "handed_down", "{routed}");
    assert_eq!(routed["department"]["name_zh"], "临湖镇安监站");

    // Departments and towns are editable data; retiring what is in use is refused.
    let org: Value = app.call(&admin, "org_data", &[]).await.json().await.expect("org");
    let st = org["departments"].as_array().expect("departments").iter().find(|d| d["code"] == "AJZ-XZ01").expect("station");
    assert_eq!(st["town"], "XZ01");
    assert_eq!(st["open_cases"], 1);
    let save_dept = |code: &'static str, zh: &'static str, town: &'static str, active: bool| {
        let mut f = vec![("code", code), ("name_zh", zh), ("name_en", "Some Department"), ("town", town)];
        if active {
            f.push(("active", "1"));
        }
        f
    };
    let resp = app.call(&admin, "save_department", &save_dept("x y", "", "NOPE", true)).await;
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.expect("json");
    for want in ["code=code_invalid", "name_zh=required", "town=town_unknown"] {
        assert!(codes(&v).iter().any(|c| c == want), "{want} in {v}");
    }
    let resp = app.call(&admin, "save_department", &save_dept("YJJ", "区应急管理局", "", false)).await;
    assert!(codes(&resp.json().await.expect("json")).contains(&"active=department_in_routing".to_string()));
    let resp = app.call(&admin, "save_department", &save_dept("AJZ-XZ01", "临湖镇安监站", "XZ01", false)).await;
    assert!(codes(&resp.json().await.expect("json")).contains(&"active=department_has_open_cases".to_string()));
    let resp = app.call(&admin, "save_department", &save_dept("slj2", "区水务局", "", true)).await;
    assert!(resp.status().is_success(), "{}", resp.status());
    let resp = app.call(&admin, "save_department", &save_dept("ZJJ", "区住房和城乡建设局（更名）", "", true)).await;
    assert!(resp.status().is_success());
    let org: Value = app.call(&admin, "org_data", &[]).await.json().await.expect("org");
    let deps = org["departments"].as_array().expect("departments");
    assert!(deps.iter().any(|d| d["code"] == "SLJ2" && d["active"] == true), "codes are stored in capitals: {org}");
    assert!(deps.iter().any(|d| d["code"] == "ZJJ" && d["name_zh"] == "区住房和城乡建设局（更名）"));
    // A town: added, then retired — new reports can no longer name it.
    let resp = app.call(&admin, "save_town", &[("code", "JD04"), ("name_zh", "北城街道"), ("name_en", "Beicheng Subdistrict"), ("kind", "street"), ("active", "1")]).await;
    assert!(resp.status().is_success());
    let form: Value = app.call(&new_client(), "report_form", &[]).await.json().await.expect("form");
    assert!(form["towns"].as_array().expect("towns").iter().any(|t| t["code"] == "JD04"));
    let resp = app.call(&admin, "save_town", &[("code", "JD04"), ("name_zh", "北城街道"), ("name_en", "Beicheng Subdistrict"), ("kind", "street")]).await;
    assert!(resp.status().is_success());
    let form: Value = app.call(&new_client(), "report_form", &[]).await.json().await.expect("form");
    assert!(!form["towns"].as_array().expect("towns").iter().any(|t| t["code"] == "JD04"), "retired towns leave the form");
    let client = new_client();
    let mut fields = valid_fields();
    fields.retain(|(k, _)| *k != "town");
    fields.push(("town", "JD04".into()));
    fields.push(("form_token", form_token(&app, &client).await));
    assert_eq!(submit(&app, &client, &fields, vec![]).await.status(), 400);
    ok_status(app.call(&admin, "save_routing_rule", &[("sector", "GM"), ("town", "XZ02"), ("lead", "AJZ-XZ02")]).await.status().as_u16());
    let resp = app.call(&admin, "save_town", &[("code", "XZ02"), ("name_zh", "双河镇"), ("name_en", "Shuanghe Town"), ("kind", "town")]).await;
    assert!(codes(&resp.json().await.expect("json")).contains(&"active=town_in_routing".to_string()));
    let resp = app.call(&admin, "save_town", &[("code", "XZ03"), ("name_zh", "新镇"), ("name_en", "New Town"), ("kind", "village"), ("active", "1")]).await;
    assert!(codes(&resp.json().await.expect("json")).contains(&"kind=required".to_string()));

    // Concealed accident: the amount comes from the verified level and deaths when left empty.
    let (d, _) = report(&app, &new_client(), &[("report_type", "concealed_accident")]).await;
    ok(act(&app, &intake, &d, "accept", &[]).await);
    ok(act(&app, &intake, &d, "route", &[("lead", "YJJ")]).await);
    ok(act(&app, &yjj, &d, "verify", &[("code", "true"), ("actions[refer_police]", "refer_police"), ("text", "核实瞒报 2 人死亡的较大事故。")]).await);
    ok(act(&app, &yjj, &d, "reply", &[("code", "yes")]).await);
    refused(act(&app, &reward1, &d, "reward_decide", &[("code", "eligible"), ("level", "larger"), ("deaths", "0"), ("text", "瞒报")]).await, "reward_decide.deaths=deaths_out_of_range");
    refused(act(&app, &reward1, &d, "reward_decide", &[("code", "eligible"), ("text", "瞒报")]).await, "reward_decide.amount=required");
    ok(act(&app, &reward1, &d, "reward_decide", &[("code", "eligible"), ("level", "larger"), ("deaths", "2"), ("text", "瞒报较大事故 2 人")]).await);
    let amount: i64 = sqlx::query_scalar("select amount_fen from reward_decisions rd join reports r on r.id = rd.report_id where r.case_number = $1")
        .bind(&d)
        .fetch_one(&db.pool)
        .await
        .expect("amount");
    assert_eq!(amount, 2 * 40_000 * 100, "larger accident: 40,000 per concealed death");
    let seen = decision_version(&app, &reward2, &d).await;
    ok(act(&app, &reward2, &d, "reward_approve", &[("version", &seen)]).await);

    // Every change is in the audit chain.
    let actions: Vec<String> = sqlx::query_scalar("select action from audit_log order by seq").fetch_all(&db.pool).await.expect("audit");
    for want in ["merge", "department_saved", "town_saved", "reward_decide"] {
        assert!(actions.iter().any(|a| a == want), "{want} in {actions:?}");
    }
    assert!(app::base::audit::verify(&db).await.expect("verify").is_ok());
}
both_backends!(merged_cases_hand_downs_org_data_and_concealed_rewards);

#[track_caller]
fn ok_status(status: u16) {
    assert!(status < 400, "expected success, got {status}");
}
