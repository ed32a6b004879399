//! The training administrator's enterprises and their safety managers' accounts on both
//! databases (issue 15): an enterprise registered with its credit code checked, a manager's
//! account created, given a new password, disabled (their session ends) and enabled again —
//! and nothing beyond managers' accounts within reach.
use crate::both_backends;
use crate::helpers::{call, codes, new_client, spawn, Backend};
use app::accounts::Role;

const PW: &str = "enterprises password 1";

/// A valid credit code: `stem` (17 characters) with its check character.
fn with_check(stem: &str) -> String {
    "0123456789ABCDEFGHJKLMNPQRTUWXY"
        .chars()
        .map(|c| format!("{stem}{c}"))
        .find(|code| app::org::valid_credit_code(code))
        .expect("a check character")
}

async fn logs_in(app: &crate::helpers::TestApp, username: &str, password: &str) -> bool {
    let c = new_client();
    app.call(&c, "login", &[("username", username), ("password", password), ("totp_code", "")]).await.status().is_success()
}

async fn training_enterprises(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let db = app.db().await;
    app.create_user("te.admin", Role::TrainingAdmin, PW).await;
    app.create_user("te.worker", Role::Employee, PW).await;
    let a = app.login("te.admin", PW).await;

    // The list, searched.
    let (status, v) = call(&app, &a, "training_enterprises", &[]).await;
    assert_eq!(status, 200, "{v}");
    assert!(v["enterprises"].as_array().expect("list").iter().any(|e| e["credit_code"] == "91340100MA2NL0H014"), "{v}");
    let (_, v) = call(&app, &a, "training_enterprises", &[("q", "精细化工")]).await;
    assert_eq!(v["found"], 1, "{v}");
    let (_, v) = call(&app, &a, "training_enterprises", &[("q", "没有这家")]).await;
    assert_eq!(v["found"], 0, "{v}");

    // A new enterprise: a wrong check character is refused, nothing stored.
    let code = with_check("91340100MA2TE0001");
    let wrong = format!("{}{}", &code[..17], if code.ends_with('0') { '1' } else { '0' });
    let form = |c: &str| vec![("credit_code", c.to_string()), ("name", "培训测试有限公司".to_string()), ("town", "XZ01".to_string()), ("village", "XZ01-C01".to_string()), ("sector", "HG".to_string()), ("employees", "40".to_string()), ("high_risk", "1".to_string()), ("active", "1".to_string()), ("back", "training".to_string())];
    let pairs = |f: &Vec<(&'static str, String)>| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let bad = pairs(&form(&wrong));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, v) = call(&app, &a, "save_enterprise", &bad).await;
    assert_eq!((status, codes(&v)), (400, vec!["credit_code=credit_code_invalid".to_string()]));
    let before: i64 = sqlx::query_scalar("select count(*) from enterprises").fetch_one(&db.pool).await.expect("count");
    let good = pairs(&form(&code));
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, v) = call(&app, &a, "save_enterprise", &good).await;
    assert!(status < 400, "{v}");
    let after: i64 = sqlx::query_scalar("select count(*) from enterprises").fetch_one(&db.pool).await.expect("count");
    assert_eq!(after, before + 1);
    let (status, v) = call(&app, &a, "training_enterprise", &[("code", &code)]).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!((v["enterprise"]["high_risk"].as_bool(), v["managers"].as_array().map(Vec::len), v["records"].as_i64()), (Some(true), Some(0), Some(0)));
    let (status, _) = call(&app, &a, "training_enterprise", &[("code", "NOSUCHCODE")]).await;
    assert_eq!(status, 404);

    // A manager's account: the password policy and unique names hold.
    let (status, v) = call(&app, &a, "create_manager_account", &[("enterprise", &code), ("username", "te.manager"), ("display_name", "安全员"), ("password", "short")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["password=password_too_short".to_string()]));
    let (status, v) = call(&app, &a, "create_manager_account", &[("enterprise", &code), ("username", "te.worker"), ("display_name", "安全员"), ("password", PW)]).await;
    assert_eq!((status, codes(&v)), (400, vec!["username=username_taken".to_string()]));
    let (status, v) = call(&app, &a, "create_manager_account", &[("enterprise", &code), ("username", "te.manager"), ("display_name", "安全员"), ("password", PW)]).await;
    assert!(status < 400, "{v}");
    let role: String = sqlx::query_scalar("select role from users where username = 'te.manager'").fetch_one(&db.pool).await.expect("role");
    assert_eq!(role, "enterprise_manager");
    let m = app.login("te.manager", PW).await;
    let (status, staff) = call(&app, &m, "training_staff", &[]).await;
    assert_eq!((status, staff["credit_code"].as_str()), (200, Some(code.as_str())), "{staff}");
    let (_, v) = call(&app, &a, "training_enterprise", &[("code", &code)]).await;
    let id = v["managers"][0]["id"].to_string();

    // A new password: the policy, then the manager signs in with it.
    let (status, v) = call(&app, &a, "set_manager_password", &[("enterprise", &code), ("id", &id), ("password", "short")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["password=password_too_short".to_string()]));
    let (status, v) = call(&app, &a, "set_manager_password", &[("enterprise", &code), ("id", &id), ("password", "a new password 2")]).await;
    assert!(status < 400, "{v}");
    assert!(!logs_in(&app, "te.manager", PW).await);
    assert!(logs_in(&app, "te.manager", "a new password 2").await);

    // Only managers' accounts of that enterprise: the employee's account, the administrator's
    // own or a manager named under another enterprise are not found.
    let worker: String = sqlx::query_scalar::<_, i64>("select id from users where username = 'te.worker'").fetch_one(&db.pool).await.expect("id").to_string();
    let admin: String = sqlx::query_scalar::<_, i64>("select id from users where username = 'te.admin'").fetch_one(&db.pool).await.expect("id").to_string();
    for (enterprise, who) in [(code.as_str(), worker.as_str()), (code.as_str(), admin.as_str()), ("91340100MA2NL0H014", id.as_str())] {
        let (status, _) = call(&app, &a, "set_manager_active", &[("enterprise", enterprise), ("id", who)]).await;
        assert_eq!(status, 404, "{enterprise} {who}");
        let (status, _) = call(&app, &a, "set_manager_password", &[("enterprise", enterprise), ("id", who), ("password", "taken over 12345")]).await;
        assert_eq!(status, 404, "{enterprise} {who}");
    }
    assert!(logs_in(&app, "te.worker", PW).await);

    // Disabled: the open session ends at once and signing in fails; enabled again, it works.
    let (status, v) = call(&app, &a, "set_manager_active", &[("enterprise", &code), ("id", &id)]).await;
    assert!(status < 400, "{v}");
    let (status, _) = call(&app, &m, "training_staff", &[]).await;
    assert_eq!(status, 401);
    assert!(!logs_in(&app, "te.manager", "a new password 2").await);
    // A retired enterprise takes no account back.
    let mut retire = form(&code);
    retire.retain(|(k, _)| *k != "active");
    let retire = pairs(&retire);
    let retire: Vec<(&str, &str)> = retire.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, v) = call(&app, &a, "save_enterprise", &retire).await;
    assert!(status < 400, "{v}");
    let (status, v) = call(&app, &a, "set_manager_active", &[("enterprise", &code), ("id", &id), ("active", "1")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=enterprise_retired".to_string()]));
    let (status, v) = call(&app, &a, "create_manager_account", &[("enterprise", &code), ("username", "te.manager2"), ("display_name", "安全员二"), ("password", PW)]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=enterprise_retired".to_string()]));
    let (status, v) = call(&app, &a, "save_enterprise", &good).await;
    assert!(status < 400, "{v}");
    let (status, v) = call(&app, &a, "set_manager_active", &[("enterprise", &code), ("id", &id), ("active", "1")]).await;
    assert!(status < 400, "{v}");
    assert!(logs_in(&app, "te.manager", "a new password 2").await);

    // The pages: the training administrator's only; the organisation page stays the admin's.
    for page in ["/staff/training/enterprises", &format!("/staff/training/enterprises/{code}")] {
        assert_eq!(app.get(page).await.status(), 401, "{page}");
        let resp = a.get(app.url(page)).send().await.expect("get");
        assert_eq!(resp.status(), 200, "{page}");
        assert!(resp.text().await.expect("body").contains("培训测试有限公司"), "{page}");
    }
    assert_eq!(a.get(app.url("/admin/organisation")).send().await.expect("get").status(), 403);
    let audited: i64 = sqlx::query_scalar("select count(*) from audit_log where action in ('user_active_changed', 'user_password_set')").fetch_one(&db.pool).await.expect("audit");
    assert_eq!(audited, 3);
}
both_backends!(training_enterprises);
