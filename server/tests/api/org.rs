//! Villages/communities and enterprises on the organisation page, on both databases: what the
//! admin adds and changes, every refusal with its field, and the audit entries.
use crate::both_backends;
use crate::helpers::{spawn, Backend};
use app::accounts::Role;
use serde_json::Value;

fn codes(v: &Value) -> Vec<String> {
    v["Validation"]
        .as_array()
        .map(|a| a.iter().map(|e| format!("{}={}", e["field"].as_str().unwrap_or(""), e["code"].as_str().unwrap_or(""))).collect())
        .unwrap_or_default()
}

async fn villages_and_enterprises(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    app.create_user("o.admin", Role::Admin, "org admin password 1").await;
    let admin = app.login("o.admin", "org admin password 1").await;
    let village = |code: &'static str, town: &'static str, kind: &'static str, active: bool| {
        let mut f = vec![("code", code), ("name_zh", "青山村"), ("name_en", "Qingshan Village"), ("town", town), ("kind", kind)];
        if active {
            f.push(("active", "1"));
        }
        f
    };
    // Bad input: every field named; nothing stored.
    let resp = app.call(&admin, "save_village", &village("q s", "NOPE", "hamlet", true)).await;
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.expect("json");
    for want in ["code=code_invalid", "kind=required", "town=town_unknown"] {
        assert!(codes(&v).contains(&want.to_string()), "{want} in {v}");
    }
    let resp = app.call(&admin, "save_village", &village("xz02-c01", "XZ02", "village", true)).await;
    assert!(resp.status().is_success(), "{}", resp.text().await.unwrap_or_default());
    let org: Value = app.call(&admin, "org_data", &[]).await.json().await.expect("org");
    let vs = org["villages"].as_array().expect("villages");
    assert!(vs.iter().any(|v| v["code"] == "XZ02-C01" && v["town"] == "XZ02" && v["kind"] == "village" && v["active"] == true), "{org}");
    assert!(vs.iter().any(|v| v["code"] == "XZ01-C01" && v["enterprises"] == 1), "the demo enterprise is in 临湖村: {org}");

    let ent = |code: &'static str, town: &'static str, village: &'static str, employees: &'static str, active: bool| {
        let mut f = vec![
            ("credit_code", code),
            ("name", "双河机械制造有限公司"),
            ("town", town),
            ("village", village),
            ("sector", "GM"),
            ("employees", employees),
        ];
        if active {
            f.push(("active", "1"));
        }
        f
    };
    // A wrong check character, a village of another town, a negative head count.
    let resp = app.call(&admin, "save_enterprise", &ent("91350100M000100Y44", "XZ02", "XZ01-C01", "-3", true)).await;
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.expect("json");
    for want in ["credit_code=credit_code_invalid", "village=village_not_in_town", "employees=employees_range"] {
        assert!(codes(&v).contains(&want.to_string()), "{want} in {v}");
    }
    let resp = app.call(&admin, "save_enterprise", &[("credit_code", "91350100M000100Y43"), ("name", "x"), ("town", "XZ02"), ("sector", "NOPE"), ("employees", "abc")]).await;
    let v: Value = resp.json().await.expect("json");
    for want in ["name=too_short", "sector=sector_unknown", "employees=employees_range"] {
        assert!(codes(&v).contains(&want.to_string()), "{want} in {v}");
    }
    let db = app.db().await;
    let n: i64 = sqlx::query_scalar("select count(*) from enterprises").fetch_one(&db.pool).await.expect("count");
    assert_eq!(n, 1, "nothing stored by refused forms");
    // Added (lower case is stored in capitals), then changed.
    assert!(app.call(&admin, "save_enterprise", &ent("91350100m000100y43", "XZ02", "XZ02-C01", "85", true)).await.status().is_success());
    let org: Value = app.call(&admin, "org_data", &[]).await.json().await.expect("org");
    let e = org["enterprises"].as_array().expect("enterprises").iter().find(|e| e["credit_code"] == "91350100M000100Y43").cloned();
    assert_eq!(e.expect("listed")["high_risk"], false);
    let mut high = ent("91350100M000100Y43", "XZ02", "", "90", true);
    high.push(("high_risk", "1"));
    assert!(app.call(&admin, "save_enterprise", &high).await.status().is_success());
    let org: Value = app.call(&admin, "org_data", &[]).await.json().await.expect("org");
    let e = org["enterprises"].as_array().expect("enterprises").iter().find(|e| e["credit_code"] == "91350100M000100Y43").cloned();
    let e = e.expect("the new enterprise is listed");
    assert_eq!((e["town"].as_str(), e["village"].as_str(), e["sector"].as_str(), e["employees"].as_i64()), (Some("XZ02"), None, Some("GM"), Some(90)));
    // The high-risk flag is what the training rules read (48 initial hours for a new manager).
    assert_eq!(e["high_risk"], true);
    let flagged: i64 = sqlx::query_scalar("select high_risk from enterprises where credit_code = '91350100M000100Y43'").fetch_one(&db.pool).await.expect("flag");
    assert_eq!(flagged, 1);
    // An enterprise with active accounts cannot be retired; a village with active enterprises
    // cannot be retired or moved to another town.
    let demo = "91340100MA2NL0H014";
    let demo_id: i64 = sqlx::query_scalar("select id from enterprises where credit_code = $1").bind(demo).fetch_one(&db.pool).await.expect("demo");
    let hash = app::accounts::ssr::hash_password_blocking("employee password 1").expect("hash");
    let u = app::accounts::ssr::NewUser {
        username: "o.employee".into(),
        display_name: "职工".into(),
        role: Role::Employee,
        department_id: None,
        enterprise_id: Some(demo_id),
        is_demo: false,
    };
    app::accounts::ssr::insert_user(&db, &u, &hash).await.expect("employee");
    let resp = app.call(&admin, "save_enterprise", &[("credit_code", demo), ("name", "临湖精细化工有限公司"), ("town", "XZ01"), ("village", "XZ01-C01"), ("employees", "120")]).await;
    assert!(codes(&resp.json().await.expect("json")).contains(&"active=enterprise_has_users".to_string()));
    let resp = app.call(&admin, "save_village", &[("code", "XZ01-C01"), ("name_zh", "临湖村"), ("name_en", "Linhu Village"), ("town", "XZ01"), ("kind", "village")]).await;
    assert!(codes(&resp.json().await.expect("json")).contains(&"active=village_has_enterprises".to_string()));
    let resp = app.call(&admin, "save_village", &[("code", "XZ01-C01"), ("name_zh", "临湖村"), ("name_en", "Linhu Village"), ("town", "XZ02"), ("kind", "village"), ("active", "1")]).await;
    assert!(codes(&resp.json().await.expect("json")).contains(&"town=village_has_enterprises".to_string()));
    // Every change is in the audit chain.
    let logged: i64 = sqlx::query_scalar("select count(*) from audit_log where action in ('village_saved', 'enterprise_saved')")
        .fetch_one(&db.pool)
        .await
        .expect("audit");
    assert_eq!(logged, 3);
    assert!(app::base::audit::verify(&db).await.expect("verify").is_ok());
}
both_backends!(villages_and_enterprises);

