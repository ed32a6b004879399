//! The quiz question bank on both databases: a training administrator adds, finds and edits
//! questions; every edit is a new version with its history; bad questions are refused field by
//! field and store nothing; every change is in the audit chain.
use crate::both_backends;
use crate::helpers::{codes, spawn, Backend};
use app::accounts::Role;
use serde_json::Value;

async fn bank(app: &crate::helpers::TestApp, c: &reqwest::Client, filter: &[(&str, &str)]) -> Value {
    let form: Vec<(String, &str)> = filter.iter().map(|(k, v)| (format!("filter[{k}]"), *v)).collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let resp = app.call(c, "question_bank", &form).await;
    assert!(resp.status().is_success(), "{}", resp.status());
    resp.json().await.expect("bank")
}

async fn question_bank_versions_and_filters(backend: Backend) {
    let app = spawn(backend).await;
    app.create_user("q.trainer", Role::TrainingAdmin, "trainer password 1").await;
    let trainer = app.login("q.trainer", "trainer password 1").await;
    let single = [
        ("kind", "single"),
        ("stem", "发现有限空间作业人员晕倒，首先应当怎么做？"),
        ("options", "立即下井救人\n呼叫救援并通风检测\n离开现场"),
        ("answer", "b"),
        ("explanation", "盲目施救易造成伤亡扩大。"),
        ("tags[FC]", "FC"),
        ("difficulty", "2"),
        ("source", "《工贸企业有限空间作业安全规定》"),
        ("active", "1"),
    ];
    assert!(app.call(&trainer, "save_question", &single).await.status().is_success());
    let fill = [("kind", "fill"), ("stem", "火警电话是多少？"), ("answer", "119|一一九"), ("tags[WHP]", "WHP"), ("tags[FC]", "FC"), ("difficulty", "1"), ("active", "1")];
    assert!(app.call(&trainer, "save_question", &fill).await.status().is_success());
    // Refused, field by field, and nothing stored.
    let bad = [("kind", "multiple"), ("stem", "哪些？"), ("options", "甲\n乙"), ("answer", "A"), ("tags[NOPE]", "NOPE"), ("difficulty", "7")];
    let resp = app.call(&trainer, "save_question", &bad).await;
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.expect("json");
    for want in ["stem=too_short", "answer=answer_two_options", "tags=sector_unknown", "difficulty=required"] {
        assert!(codes(&v).contains(&want.to_string()), "{want} in {v}");
    }
    let all = bank(&app, &trainer, &[]).await;
    assert_eq!(all["total"], 2, "{all}");
    // Filters: words, kind, sector, difficulty; a LIKE wildcard is taken literally.
    assert_eq!(bank(&app, &trainer, &[("q", "火警")]).await["total"], 1);
    assert_eq!(bank(&app, &trainer, &[("q", "%")]).await["total"], 0);
    assert_eq!(bank(&app, &trainer, &[("kind", "single")]).await["total"], 1);
    assert_eq!(bank(&app, &trainer, &[("tag", "FC")]).await["total"], 2);
    assert_eq!(bank(&app, &trainer, &[("tag", "WHP")]).await["total"], 1);
    assert_eq!(bank(&app, &trainer, &[("difficulty", "1")]).await["total"], 1);
    let q = &bank(&app, &trainer, &[("kind", "single")]).await["questions"][0];
    assert_eq!((q["answer"].as_str(), q["version"].as_i64(), q["options"].as_array().map(Vec::len)), (Some("B"), Some(1), Some(3)));
    let id = q["id"].as_i64().expect("id").to_string();
    // An edit is version 2; version 1 stays in the history.
    let mut edited = single.to_vec();
    edited.push(("id", &id));
    edited.retain(|(k, _)| *k != "answer" && *k != "active");
    edited.push(("answer", "B"));
    assert!(app.call(&trainer, "save_question", &edited).await.status().is_success());
    let q = &bank(&app, &trainer, &[("kind", "single")]).await["questions"][0];
    assert_eq!((q["version"].as_i64(), q["active"].as_bool()), (Some(2), Some(false)), "saved as retired: {q}");
    let history: Value = app.call(&trainer, "question_history", &[("id", &id)]).await.json().await.expect("history");
    let versions: Vec<i64> = history.as_array().expect("versions").iter().filter_map(|v| v["version"].as_i64()).collect();
    assert_eq!(versions, [2, 1]);
    // An unknown question is 404, not a new one.
    let mut unknown = single.to_vec();
    unknown.push(("id", "999999"));
    assert_eq!(app.call(&trainer, "save_question", &unknown).await.status(), 404);
    let db = app.db().await;
    let logged: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'question_saved'").fetch_one(&db.pool).await.expect("audit");
    assert_eq!(logged, 3);
    assert!(app::base::audit::verify(&db).await.expect("verify").is_ok());

    // Simultaneous saves of one question: each is stored as its own version or refused as a
    // conflict, never a server error.
    let app = std::sync::Arc::new(app);
    let edited: Vec<(String, String)> = edited.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let (app, trainer, edited) = (app.clone(), trainer.clone(), edited.clone());
        tasks.spawn(async move {
            let form: Vec<(&str, &str)> = edited.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let resp = app.call(&trainer, "save_question", &form).await;
            (resp.status().as_u16(), resp.json::<Value>().await.unwrap_or(Value::Null))
        });
    }
    let mut stored = 0;
    while let Some(done) = tasks.join_next().await {
        let (status, v) = done.expect("task");
        match status {
            200..=399 => stored += 1,
            400 => assert_eq!(codes(&v), ["op=conflict"], "{v}"),
            _ => panic!("a simultaneous save answered {status}: {v}"),
        }
    }
    assert!(stored >= 1, "at least one simultaneous save is stored");
    let q = &bank(&app, &trainer, &[("kind", "single")]).await["questions"][0];
    assert_eq!(q["version"].as_i64(), Some(2 + stored), "one version per stored save");
    assert!(app::base::audit::verify(&db).await.expect("verify").is_ok());
}
both_backends!(question_bank_versions_and_filters);

async fn practice_without_an_account(backend: Backend) {
    let app = spawn(backend).await;
    app.create_user("p.trainer", Role::TrainingAdmin, "trainer password 1").await;
    let trainer = app.login("p.trainer", "trainer password 1").await;
    let fill = [("kind", "fill"), ("stem", "火警电话是多少？"), ("answer", "119|一一九"), ("explanation", "牢记火警电话。"), ("tags[RQ]", "RQ"), ("difficulty", "1"), ("active", "1")];
    assert!(app.call(&trainer, "save_question", &fill).await.status().is_success());
    let retired = [("kind", "true_false"), ("stem", "燃气泄漏时可以开灯查看。"), ("answer", "false"), ("tags[RQ]", "RQ"), ("difficulty", "1")];
    assert!(app.call(&trainer, "save_question", &retired).await.status().is_success());
    let anyone = crate::helpers::new_client();
    // Only active questions are drawn, and never with their answer or explanation.
    let mut fill_id = 0;
    for _ in 0..5 {
        let v: Value = app.call(&anyone, "practice_question", &[("tag", "RQ")]).await.json().await.expect("practice");
        let q = &v["question"];
        assert_eq!(q["stem"], "火警电话是多少？", "the retired question is never drawn: {v}");
        assert!(q.get("answer").is_none() && q.get("explanation").is_none(), "no answer before answering: {v}");
        fill_id = q["id"].as_i64().expect("id");
    }
    let none: Value = app.call(&anyone, "practice_question", &[("tag", "KS")]).await.json().await.expect("practice");
    assert!(none["question"].is_null(), "no question for a sector without any: {none}");
    let id = fill_id.to_string();
    let check = |picks: &'static str| {
        let id = id.clone();
        let anyone = anyone.clone();
        let app = &app;
        async move {
            let resp = app.call(&anyone, "practice_check", &[("id", id.as_str()), ("version", "1"), ("picks[0]", picks)]).await;
            (resp.status().as_u16(), resp.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, right) = check(" 一一九 ").await;
    assert_eq!((status, right["correct"].as_bool()), (200, Some(true)), "{right}");
    assert_eq!((right["answer"].as_str(), right["explanation"].as_str()), (Some("119|一一九"), Some("牢记火警电话。")));
    let (_, wrong) = check("110").await;
    assert_eq!(wrong["correct"].as_bool(), Some(false));
    // A retired or unknown question, or a version that does not exist: 404.
    let retired_id: i64 = sqlx::query_scalar("select question_id from quiz_question_versions where stem = '燃气泄漏时可以开灯查看。'")
        .fetch_one(&app.db().await.pool)
        .await
        .expect("retired");
    let resp = app.call(&anyone, "practice_check", &[("id", &retired_id.to_string()), ("version", "1"), ("picks[0]", "false")]).await;
    assert_eq!(resp.status(), 404);
    let resp = app.call(&anyone, "practice_check", &[("id", &id), ("version", "9"), ("picks[0]", "119")]).await;
    assert_eq!(resp.status(), 404);
    // A second active question after the retired one: both come up, the retired one never.
    let second = [("kind", "true_false"), ("stem", "液化气钢瓶应直立使用。"), ("answer", "true"), ("tags[RQ]", "RQ"), ("difficulty", "1"), ("active", "1")];
    assert!(app.call(&trainer, "save_question", &second).await.status().is_success());
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..60 {
        let v: Value = app.call(&anyone, "practice_question", &[("tag", "RQ")]).await.json().await.expect("practice");
        seen.insert(v["question"]["stem"].as_str().expect("a question").to_string());
    }
    let expected: std::collections::BTreeSet<String> = ["火警电话是多少？", "液化气钢瓶应直立使用。"].map(String::from).into();
    assert_eq!(seen, expected);
}
both_backends!(practice_without_an_account);
