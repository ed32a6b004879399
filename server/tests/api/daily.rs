//! Error reports on questions (纠错) and the daily challenge (每日一练) on both databases.
use crate::both_backends;
use crate::helpers::{call, codes, fresh_database, spawn_with, test_config, Backend, TestApp};
use app::accounts::Role;

/// Add a question; returns its id.
async fn add(app: &TestApp, trainer: &reqwest::Client, kind: &str, stem: &str, options: &str, answer: &str, tag: &str) -> i64 {
    let tag_key = format!("tags[{tag}]");
    let form = [
        ("kind", kind),
        ("stem", stem),
        ("options", options),
        ("answer", answer),
        ("explanation", "解析。"),
        (tag_key.as_str(), tag),
        ("difficulty", "1"),
        ("active", "1"),
    ];
    let (status, v) = call(app, trainer, "save_question", &form).await;
    assert_eq!(status, 200, "{stem}: {v}");
    sqlx::query_scalar("select question_id from quiz_question_versions where stem = $1")
        .bind(stem)
        .fetch_one(&app.db().await.pool)
        .await
        .expect("question id")
}

async fn question_feedback_reports(backend: Backend) {
    let mut config = test_config(fresh_database(backend).await);
    config.question_feedback_per_hour = 3;
    let app = spawn_with(config).await;
    app.create_user("f.trainer", Role::TrainingAdmin, "trainer password 1").await;
    let trainer = app.login("f.trainer", "trainer password 1").await;
    let q1 = add(&app, &trainer, "single", "动火作业前必须办理什么？", "动火审批手续\n口头报告", "A", "FC").await;
    let q2 = add(&app, &trainer, "true_false", "有限空间作业应当先通风、再检测、后作业。", "", "true", "FC").await;
    let retired = add(&app, &trainer, "true_false", "已停用的题目。", "", "false", "FC").await;
    sqlx::query("update quiz_questions set active = 0 where id = $1").bind(retired).execute(&app.db().await.pool).await.expect("retire");
    let (s1, s2) = (q1.to_string(), q2.to_string());

    // The public form shows the stem and options, never the answer.
    let a = crate::helpers::new_client();
    let (status, target) = call(&app, &a, "feedback_target", &[("question", &s1), ("version", "1")]).await;
    assert_eq!(status, 200, "{target}");
    assert_eq!(target["stem"], "动火作业前必须办理什么？");
    assert!(!target.to_string().contains("\"answer\""), "no answer in {target}");
    for (q, v) in [(retired.to_string(), "1"), (s1.clone(), "2"), ("999999".to_string(), "1")] {
        assert_eq!(call(&app, &a, "feedback_target", &[("question", &q), ("version", v)]).await.0, 404, "{q} v{v}");
    }

    // Bad reports: every error at once, nothing stored.
    let long = "字".repeat(501);
    let (status, v) = call(&app, &a, "send_feedback", &[("question", &s1), ("version", "1"), ("reason", "bogus"), ("comment", &long)]).await;
    assert_eq!((status, codes(&v)), (400, vec!["reason=required".to_string(), "comment=too_long".to_string()]));
    let (status, v) = call(&app, &a, "send_feedback", &[("question", &s1), ("version", "1"), ("reason", "other"), ("comment", "")]).await;
    assert_eq!((status, codes(&v).len()), (400, 1), "{v}");
    assert!(codes(&v)[0].starts_with("comment="), "{v}");
    let (status, _) = call(&app, &a, "send_feedback", &[("question", &retired.to_string()), ("version", "1"), ("reason", "answer")]).await;
    assert_eq!(status, 404);
    let db = app.db().await;
    let stored: i64 = sqlx::query_scalar("select count(*) from quiz_feedback").fetch_one(&db.pool).await.expect("count");
    assert_eq!(stored, 0);

    // A good report; the same session cannot report the same version twice; others can. The
    // client's hourly budget (3 here) is spent only by reports that were stored.
    let form = |q: &str, reason: &'static str, comment: &'static str| {
        vec![("question", q.to_string()), ("version", "1".to_string()), ("origin", "contest".to_string()), ("reason", reason.to_string()), ("comment", comment.to_string())]
    };
    let send = |c: reqwest::Client, f: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            call(app, &c, "send_feedback", &f).await
        }
    };
    assert_eq!(send(a.clone(), form(&s1, "answer", "  应为 B  ")).await.0, 200);
    let (status, v) = send(a.clone(), form(&s1, "stem", "")).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=feedback_repeated".to_string()]));
    let b = crate::helpers::new_client();
    assert_eq!(send(b.clone(), form(&s1, "outdated", "")).await.0, 200);
    assert_eq!(send(b.clone(), form(&s2, "explanation", "解析太短")).await.0, 200);
    let (status, _) = send(crate::helpers::new_client(), form(&s2, "answer", "")).await;
    assert_eq!(status, 429, "the fourth report from one address within the hour");
    let row: (String, String, String) =
        sqlx::query_as("select origin, reason, comment from quiz_feedback where question_id = $1 order by id limit 1")
            .bind(q1)
            .fetch_one(&db.pool)
            .await
            .expect("row");
    assert_eq!(row, ("contest".to_string(), "answer".to_string(), "应为 B".to_string()));

    // The review: anonymous and other roles are refused (the matrix); the trainer lists and decides.
    let (status, list) = call(&app, &trainer, "question_feedback", &[]).await;
    assert_eq!((status, list["open"].as_i64(), list["items"].as_array().map(Vec::len)), (200, Some(3), Some(3)), "{list}");
    assert_eq!(list["items"][2]["answer"], "A", "the administrator sees the answer: {list}");
    let first: i64 = sqlx::query_scalar("select id from quiz_feedback where reason = 'answer'").fetch_one(&db.pool).await.expect("id");
    let first = first.to_string();
    let (status, v) = call(&app, &trainer, "decide_feedback", &[("id", &first), ("status", "open")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["status=required".to_string()]));
    let (status, v) = call(&app, &trainer, "decide_feedback", &[("id", &first), ("status", "fixed"), ("note", &long)]).await;
    assert_eq!((status, codes(&v)), (400, vec!["note=too_long".to_string()]));
    let (status, v) = call(&app, &trainer, "decide_feedback", &[("id", &first), ("status", "fixed"), ("note", "已改为新版本")]).await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = call(&app, &trainer, "decide_feedback", &[("id", &first), ("status", "rejected")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=conflict".to_string()]));
    assert_eq!(call(&app, &trainer, "decide_feedback", &[("id", "999999"), ("status", "fixed")]).await.0, 404);
    let (_, fixed) = call(&app, &trainer, "question_feedback", &[("status", "fixed")]).await;
    assert_eq!((fixed["open"].as_i64(), fixed["items"][0]["note"].as_str()), (Some(2), Some("已改为新版本")), "{fixed}");
    assert_eq!(fixed["items"][0]["decided_by"], "f.trainer 测试");
    // An edit after the report shows as a later version.
    let edit = [("id", s1.as_str()), ("kind", "single"), ("stem", "动火作业前必须办理哪项手续？"), ("options", "动火审批手续\n口头报告"), ("answer", "A"), ("tags[FC]", "FC"), ("difficulty", "1"), ("active", "1")];
    assert_eq!(call(&app, &trainer, "save_question", &edit).await.0, 200);
    let (_, fixed) = call(&app, &trainer, "question_feedback", &[("status", "fixed")]).await;
    assert_eq!((fixed["items"][0]["version"].as_i64(), fixed["items"][0]["current_version"].as_i64()), (Some(1), Some(2)));
    let logged: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'question_feedback_decided'")
        .fetch_one(&db.pool)
        .await
        .expect("audit");
    assert_eq!(logged, 1);
    assert!(app::base::audit::verify(&db).await.expect("verify").is_ok());
}
both_backends!(question_feedback_reports);

async fn daily_challenge_streaks(backend: Backend) {
    let app = spawn_with(test_config(fresh_database(backend).await)).await;
    app.create_user("d.trainer", Role::TrainingAdmin, "trainer password 1").await;
    let trainer = app.login("d.trainer", "trainer password 1").await;
    let mut fc = Vec::new();
    for (i, stem) in ["有限空间作业前要检测什么？", "受限空间作业需要谁监护？", "有限空间救援的原则？"].iter().enumerate() {
        fc.push(add(&app, &trainer, "single", stem, "甲\n乙\n丙", ["A", "B", "C"][i], "FC").await);
    }
    let mut whp = Vec::new();
    whp.push(add(&app, &trainer, "true_false", "危化品仓库可以使用明火照明。", "", "false", "WHP").await);
    whp.push(add(&app, &trainer, "multiple", "危化品储存要求包括哪些？", "分类存放\n专人管理\n随意堆放", "AB", "WHP").await);
    whp.push(add(&app, &trainer, "fill", "危险化学品安全技术说明书简称（英文缩写）？", "", "SDS|MSDS", "WHP").await);
    whp.push(add(&app, &trainer, "true_false", "危化品运输车辆应当悬挂警示标志。", "", "true", "WHP").await);
    app.create_user("d.worker", Role::Employee, "worker password 1").await;
    app.create_user("d.manager", Role::EnterpriseManager, "manager password 1").await;
    let db = app.db().await;
    // The test enterprise is in the FC sector: its questions come first.
    sqlx::query("update enterprises set sector_id = (select id from sectors where code = 'FC')")
        .execute(&db.pool)
        .await
        .expect("sector");
    let worker = app.login("d.worker", "worker password 1").await;
    let (status, v) = call(&app, &worker, "daily_challenge", &[]).await;
    assert_eq!(status, 200, "{v}");
    let qs = v["questions"].as_array().expect("questions").clone();
    assert_eq!(qs.len(), 5, "SW_DAILY_QUESTIONS defaults to 5: {v}");
    let ids: Vec<i64> = qs.iter().map(|q| q["question_id"].as_i64().expect("id")).collect();
    let mut first3 = ids[..3].to_vec();
    first3.sort();
    assert_eq!(first3, fc, "the enterprise's sector first: {ids:?}");
    assert!(qs.iter().all(|q| q["answered"].is_null()), "no answers before answering: {v}");
    assert!(!v.to_string().contains("解析"), "no explanation before answering");
    assert_eq!((v["streak"].as_i64(), v["best"].as_i64()), (Some(0), Some(0)));
    let day = v["day"].as_i64().expect("day");
    assert_eq!(day, app::quiz::daily::ssr::today());
    // The same questions all day.
    let (_, again) = call(&app, &worker, "daily_challenge", &[]).await;
    let again_ids: Vec<i64> = again["questions"].as_array().expect("q").iter().map(|q| q["question_id"].as_i64().expect("id")).collect();
    assert_eq!(again_ids, ids);

    let d = day.to_string();
    let yesterday = (day - 1).to_string();
    let answer_of = |id: i64| -> Vec<(&'static str, &'static str)> {
        if let Some(i) = fc.iter().position(|x| *x == id) {
            vec![("picks[0]", ["A", "B", "C"][i])]
        } else if id == whp[0] {
            vec![("picks[0]", "false")]
        } else if id == whp[1] {
            vec![("picks[A]", "A"), ("picks[B]", "B")]
        } else if id == whp[2] {
            vec![("picks[0]", " msds ")]
        } else {
            vec![("picks[0]", "true")]
        }
    };
    let answer = |c: reqwest::Client, day: String, pos: i64, picks: Vec<(&'static str, &'static str)>| {
        let app = &app;
        async move {
            let pos = pos.to_string();
            let mut form = vec![("day", day.as_str()), ("position", pos.as_str())];
            form.extend(picks);
            call(app, &c, "daily_answer", &form).await
        }
    };
    // Bad answers: nothing stored.
    let (status, v) = answer(worker.clone(), d.clone(), 1, vec![("picks[0]", "Z")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["pick=option_unknown".to_string()]));
    let (status, v) = answer(worker.clone(), d.clone(), 1, vec![]).await;
    assert_eq!((status, codes(&v)), (400, vec!["pick=required".to_string()]));
    let (status, v) = answer(worker.clone(), yesterday.clone(), 1, answer_of(ids[0])).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=daily_day_over".to_string()]));
    assert_eq!(answer(worker.clone(), d.clone(), 99, vec![("picks[0]", "A")]).await.0, 404);
    let answered: i64 = sqlx::query_scalar("select count(*) from quiz_daily where answered_at is not null").fetch_one(&db.pool).await.expect("n");
    assert_eq!(answered, 0);
    // Right, then once only.
    let (status, v) = answer(worker.clone(), d.clone(), 1, answer_of(ids[0])).await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = answer(worker.clone(), d.clone(), 1, vec![("picks[0]", "C")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["op=daily_answered".to_string()]));
    let (_, v) = call(&app, &worker, "daily_challenge", &[]).await;
    let first = &v["questions"][0]["answered"];
    assert_eq!((first["correct"].as_bool(), first["explanation"].as_str()), (Some(true), Some("解析。")), "{v}");
    assert!(v["questions"][1]["answered"].is_null());
    assert_eq!(v["streak"].as_i64(), Some(0), "not done yet today");
    // The rest, the second one wrong (an FC question: the first three are): the day is done
    // either way.
    for (pos, id) in ids.iter().enumerate().skip(1) {
        let picks = match fc.iter().position(|x| x == id) {
            Some(i) if pos == 1 => vec![("picks[0]", ["B", "C", "A"][i])],
            _ => answer_of(*id),
        };
        let (status, v) = answer(worker.clone(), d.clone(), pos as i64 + 1, picks).await;
        assert_eq!(status, 200, "position {}: {v}", pos + 1);
    }
    let (_, v) = call(&app, &worker, "daily_challenge", &[]).await;
    assert_eq!((v["streak"].as_i64(), v["best"].as_i64()), (Some(1), Some(1)), "{v}");
    let recent = v["recent"].as_array().expect("recent");
    assert_eq!((recent.len(), recent[13][0].as_i64(), recent[13][1].as_bool()), (14, Some(day), Some(true)));
    let correct: i64 = sqlx::query_scalar("select count(*) from quiz_daily where correct = 1").fetch_one(&db.pool).await.expect("n");
    assert_eq!(correct, 4, "all but the second right");

    // Earlier days: completed yesterday and the day before, one open question five days ago.
    let worker_id: i64 = sqlx::query_scalar("select id from users where username = 'd.worker'").fetch_one(&db.pool).await.expect("id");
    for (back, answered) in [(1, true), (2, true), (5, false)] {
        sqlx::query(
            "insert into quiz_daily (user_id, day, position, question_id, version, given, correct, answered_at) \
             values ($1, $2, 1, $3, 1, $4, $5, $6)",
        )
        .bind(worker_id)
        .bind(day - back)
        .bind(fc[0])
        .bind(answered.then_some("[\"A\"]"))
        .bind(answered.then_some(1i64))
        .bind(answered.then_some(1i64))
        .execute(&db.pool)
        .await
        .expect("past day");
    }
    let (_, v) = call(&app, &worker, "daily_challenge", &[]).await;
    assert_eq!((v["streak"].as_i64(), v["best"].as_i64()), (Some(3), Some(3)), "{v}");

    // The manager has a draw of their own; questions of yesterday's draw wait their turn: all
    // three FC questions were drawn yesterday, so today the four fresh WHP questions come first.
    let manager_id: i64 = sqlx::query_scalar("select id from users where username = 'd.manager'").fetch_one(&db.pool).await.expect("id");
    for (i, q) in fc.iter().enumerate() {
        sqlx::query("insert into quiz_daily (user_id, day, position, question_id, version) values ($1, $2, $3, $4, 1)")
            .bind(manager_id)
            .bind(day - 1)
            .bind(i as i64 + 1)
            .bind(q)
            .execute(&db.pool)
            .await
            .expect("yesterday");
    }
    let manager = app.login("d.manager", "manager password 1").await;
    let (status, v) = call(&app, &manager, "daily_challenge", &[]).await;
    assert_eq!(status, 200, "{v}");
    let mids: Vec<i64> = v["questions"].as_array().expect("q").iter().map(|q| q["question_id"].as_i64().expect("id")).collect();
    let mut first4 = mids[..4].to_vec();
    first4.sort();
    assert_eq!(first4, whp, "fresh questions first: {mids:?}");
    assert!(fc.contains(&mids[4]));
    assert_eq!((v["streak"].as_i64(), v["best"].as_i64()), (Some(0), Some(0)), "yesterday's draw was not answered");
    // The manager's answer changes only the manager's row.
    let before: i64 = sqlx::query_scalar("select count(*) from quiz_daily where user_id = $1 and answered_at is not null")
        .bind(worker_id)
        .fetch_one(&db.pool)
        .await
        .expect("n");
    assert_eq!(answer(manager.clone(), d.clone(), 1, answer_of(mids[0])).await.0, 200);
    let after: i64 = sqlx::query_scalar("select count(*) from quiz_daily where user_id = $1 and answered_at is not null")
        .bind(worker_id)
        .fetch_one(&db.pool)
        .await
        .expect("n");
    assert_eq!(before, after);
}
both_backends!(daily_challenge_streaks);
