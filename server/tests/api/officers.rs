//! Disaster information officers on both databases (issue 15): the training administrator
//! appoints officers at the three levels, records their trainings and attendance, and the
//! year's coverage follows — every refusal with its field and nothing half-stored.
use crate::both_backends;
use crate::helpers::{call, codes, spawn, Backend};
use app::accounts::Role;
use app::base::calendar::Day;
use serde_json::Value;

const PW: &str = "officers password 1";

async fn count(db: &app::base::db::Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&db.pool).await.expect("count")
}

/// (units, staffed, covered) of each level, district first.
fn levels(v: &Value) -> Vec<(i64, i64, i64)> {
    v["coverage"]["levels"]
        .as_array()
        .map(|a| a.iter().map(|l| (l["units"].as_i64().unwrap_or(-1), l["staffed"].as_i64().unwrap_or(-1), l["covered"].as_i64().unwrap_or(-1))).collect())
        .unwrap_or_default()
}

/// The units missing, as "key=state".
fn missing(v: &Value) -> Vec<String> {
    v["coverage"]["missing"]
        .as_array()
        .map(|a| a.iter().map(|m| format!("{}={}", m["unit"]["key"].as_str().unwrap_or(""), m["state"].as_str().unwrap_or(""))).collect())
        .unwrap_or_default()
}

fn officer_id(v: &Value, name: &str) -> String {
    v["officers"].as_array().and_then(|a| a.iter().find(|o| o["name"] == name)).map(|o| o["id"].to_string()).unwrap_or_else(|| panic!("{name} in {v}"))
}

async fn info_officers(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let db = app.db().await;
    app.create_user("io.admin", Role::TrainingAdmin, PW).await;
    let a = app.login("io.admin", PW).await;
    let today = Day::of_timestamp(app::base::db::now());
    let (today_s, ahead_s) = (today.to_string(), Day(today.0 + 3).to_string());
    let year = today.ymd().0.to_string();

    // The demo district: 6 towns/streets and 4 villages/communities, nobody appointed yet.
    let (status, v) = call(&app, &a, "info_officers", &[]).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(levels(&v), vec![(1, 0, 0), (6, 0, 0), (4, 0, 0)]);
    assert_eq!(v["coverage"]["full"], false);
    assert_eq!(missing(&v).len(), 11);
    assert!(missing(&v).contains(&"village:XZ01-C02=no_officer".to_string()), "{v}");

    // Bad officers: every field named, nothing stored.
    let (status, v) = call(&app, &a, "save_info_officer", &[("name", ""), ("unit", "city:X"), ("appointed_on", &ahead_s)]).await;
    assert_eq!(status, 400, "{v}");
    for want in ["unit=unknown_choice", "appointed_on=date_in_future"] {
        assert!(codes(&v).contains(&want.to_string()), "{want} in {v}");
    }
    assert!(codes(&v).iter().any(|c| c.starts_with("name=")), "{v}");
    let (status, v) = call(&app, &a, "save_info_officer", &[("name", "王芳"), ("unit", "village:NOPE"), ("appointed_on", "2020-01-01")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["unit=unknown_choice".to_string()]));
    let (status, v) = call(&app, &a, "save_info_officer", &[("name", "王芳"), ("unit", "district"), ("appointed_on", "2021-02-30")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["appointed_on=date_invalid".to_string()]));
    assert_eq!(count(&db, "select count(*) from info_officers").await, 0);

    // One officer for every unit.
    let mut units = vec!["district".to_string()];
    units.extend(safewhistle::seed::TOWNS.iter().map(|t| format!("town:{}", t.0)));
    units.extend(safewhistle::seed::VILLAGES.iter().map(|v| format!("village:{}", v.0)));
    for (i, unit) in units.iter().enumerate() {
        let name = format!("信息员{i:02}");
        let (status, v) = call(&app, &a, "save_info_officer", &[("name", &name), ("unit", unit), ("contact", "13800000000"), ("appointed_on", "2020-01-01")]).await;
        assert!(status < 400, "{unit}: {status} {v}");
    }
    // The same person twice in one unit is refused.
    let (status, v) = call(&app, &a, "save_info_officer", &[("name", "信息员00"), ("unit", "district"), ("appointed_on", "2020-01-01")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["name=officer_repeated".to_string()]));
    assert_eq!(count(&db, "select count(*) from info_officers").await, 11);
    let (_, v) = call(&app, &a, "info_officers", &[]).await;
    assert_eq!(levels(&v), vec![(1, 1, 0), (6, 6, 0), (4, 4, 0)]);
    assert!(missing(&v).iter().all(|m| m.ends_with("=untrained")), "{v}");
    let village = officer_id(&v, "信息员10"); // the last unit's (a village/community)
    let lagging_unit = units[10].clone();

    // Trainings: bad ones refused; one ahead takes no attendance.
    let (status, v) = call(&app, &a, "save_officer_training", &[("title", "灾"), ("hours", "0"), ("held_on", "2019-13-01"), ("trainer", "")]).await;
    assert_eq!(status, 400, "{v}");
    for want in ["hours=hours_invalid", "held_on=date_invalid"] {
        assert!(codes(&v).contains(&want.to_string()), "{want} in {v}");
    }
    assert_eq!(count(&db, "select count(*) from info_officer_trainings").await, 0);
    let (status, v) = call(&app, &a, "save_officer_training", &[("title", "汛前灾情报送培训"), ("hours", "2"), ("held_on", &ahead_s), ("trainer", "区应急管理局")]).await;
    assert!(status < 400, "{v}");
    let ahead: i64 = sqlx::query_scalar("select id from info_officer_trainings where title = '汛前灾情报送培训'").fetch_one(&db.pool).await.expect("id");
    let (status, v) = call(&app, &a, "save_officer_attendance", &[("training", &ahead.to_string()), ("everyone", "1")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=session_not_held".to_string()]));
    let (status, v) = call(&app, &a, "save_officer_training", &[("title", "灾害信息员业务培训"), ("hours", "1.5"), ("held_on", &today_s), ("trainer", "区应急管理局"), ("material", "灾情统计报表制度")]).await;
    assert!(status < 400, "{v}");
    let held: i64 = sqlx::query_scalar("select id from info_officer_trainings where title = '灾害信息员业务培训'").fetch_one(&db.pool).await.expect("id");
    let (status, sheet) = call(&app, &a, "officer_training", &[("id", &held.to_string())]).await;
    assert_eq!(status, 200, "{sheet}");
    assert_eq!(sheet["open"], true);
    assert_eq!(sheet["lines"].as_array().map(Vec::len), Some(11));

    // Everyone but one village's officer attended.
    let ids: Vec<String> = sheet["lines"].as_array().expect("lines").iter().map(|l| l["officer_id"].to_string()).filter(|id| *id != village).collect();
    let mut form: Vec<(String, String)> = vec![("training".into(), held.to_string())];
    form.extend(ids.iter().map(|id| (format!("attended[{id}]"), id.clone())));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, v) = call(&app, &a, "save_officer_attendance", &pairs).await;
    assert!(status < 400, "{v}");
    let (_, v) = call(&app, &a, "info_officers", &[("year", &year)]).await;
    assert_eq!(levels(&v), vec![(1, 1, 1), (6, 6, 6), (4, 4, 3)]);
    assert_eq!(missing(&v), vec![format!("{lagging_unit}=untrained")]);
    assert_eq!(v["coverage"]["missing"][0]["untrained"], serde_json::json!(["信息员10"]));
    assert_eq!(v["trainings"].as_array().map(Vec::len), Some(2), "{v}");

    // An attendance naming someone unknown is refused whole: the sheet is as before.
    let (status, v) = call(&app, &a, "save_officer_attendance", &[("training", &held.to_string()), ("attended[999999]", "999999"), (&format!("attended[{village}]"), &village)]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=officer_unknown".to_string()]), "{v}");
    assert_eq!(count(&db, &format!("select count(*) from info_officer_attendance where training_id = {held}")).await, 10);

    // The last one attends too: every level covered.
    let (status, v) = call(&app, &a, "save_officer_attendance", &[("training", &held.to_string()), ("everyone", "1")]).await;
    assert!(status < 400, "{v}");
    let (_, v) = call(&app, &a, "info_officers", &[]).await;
    assert_eq!(v["coverage"]["full"], true, "{v}");
    assert!(missing(&v).is_empty());

    // A town officer leaves the post: their town is uncovered again.
    let town_officer = officer_id(&v, "信息员01");
    let (status, v) = call(&app, &a, "save_info_officer", &[("id", &town_officer), ("name", "信息员01"), ("unit", &units[1]), ("appointed_on", "2020-01-01")]).await;
    assert!(status < 400, "{v}");
    let (_, v) = call(&app, &a, "info_officers", &[]).await;
    assert_eq!(levels(&v), vec![(1, 1, 1), (6, 5, 5), (4, 4, 4)]);
    assert_eq!(missing(&v), vec![format!("{}=no_officer", units[1])]);
    let (_, detail) = call(&app, &a, "info_officer", &[("id", &town_officer)]).await;
    assert_eq!(detail["officer"]["active"], false);
    assert_eq!(detail["trainings"].as_array().map(Vec::len), Some(1), "{detail}");
    let (status, _) = call(&app, &a, "info_officer", &[("id", "999999")]).await;
    assert_eq!(status, 404);

    // Last year: everyone was serving, nobody trained.
    let (_, v) = call(&app, &a, "info_officers", &[("year", &(today.ymd().0 - 1).to_string())]).await;
    assert_eq!(levels(&v), vec![(1, 1, 0), (6, 5, 0), (4, 4, 0)]);
    let (status, v) = call(&app, &a, "info_officers", &[("year", "1800")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["year=date_out_of_range".to_string()]));

    // The pages: the administrator's, rendered on the server; nobody else's.
    app.create_user("io.employee", Role::Employee, PW).await;
    let e = app.login("io.employee", PW).await;
    for page in ["/staff/training/officers", &format!("/staff/training/officers/{town_officer}"), &format!("/staff/training/officers/trainings/{held}")] {
        assert_eq!(app.get(page).await.status(), 401, "{page}");
        assert_eq!(e.get(app.url(page)).send().await.expect("get").status(), 403, "{page}");
        let resp = a.get(app.url(page)).send().await.expect("get");
        assert_eq!(resp.status(), 200, "{page}");
        assert!(resp.text().await.expect("body").contains("信息员01"), "{page}");
    }
    let (status, _) = call(&app, &e, "info_officers", &[]).await;
    assert_eq!(status, 403);

    // Every change is in the audit log, naming units, never the person.
    assert!(count(&db, "select count(*) from audit_log where action = 'info_officer_saved'").await >= 12);
    assert_eq!(count(&db, "select count(*) from audit_log where action = 'info_officer_attendance_saved'").await, 2);
    assert_eq!(count(&db, "select count(*) from audit_log where action like 'info_officer%' and details like '%信息员%'").await, 0);
}
both_backends!(info_officers);
