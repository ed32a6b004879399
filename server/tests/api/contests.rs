//! Contests on both databases: a training administrator sets one up (bad set-ups refused and
//! nothing stored); a member of the public joins with a nickname, gets a contestant code, starts
//! from two tabs at once (one paper), answers, and hands in; nobody else reads the paper; bad
//! answers are refused; a late answer is refused and the job closes the attempt at its deadline;
//! attempt limits hold; the ranking counts the best result; employees' contests rank units.
use crate::both_backends;
use crate::helpers::{call, codes, new_client, spawn, Backend, TestApp};
use app::accounts::Role;
use app::quiz::contest::{fmt_local_minute, stored_to_shown};
use serde_json::Value;

/// Three single-choice, two true/false and one multiple-choice question.
pub(crate) async fn bank(app: &TestApp, trainer: &reqwest::Client) {
    let questions: [&[(&str, &str)]; 6] = [
        &[("kind", "single"), ("stem", "有限空间作业的原则是？"), ("options", "先通风再检测后作业\n直接作业\n先作业后通风"), ("answer", "A")],
        &[("kind", "single"), ("stem", "火警电话是多少？"), ("options", "110\n119\n120\n122"), ("answer", "B")],
        &[("kind", "single"), ("stem", "安全生产方针是什么？"), ("options", "效益优先\n安全第一、预防为主、综合治理"), ("answer", "B")],
        &[("kind", "true_false"), ("stem", "危化品仓库可用普通灯具。"), ("answer", "false")],
        &[("kind", "true_false"), ("stem", "从业人员有紧急避险权。"), ("answer", "true")],
        &[("kind", "multiple"), ("stem", "高处作业应佩戴哪些防护用品？"), ("options", "安全帽\n安全带\n防滑鞋\n耳机"), ("answer", "ABC")],
    ];
    for q in questions {
        let mut form = q.to_vec();
        form.extend([("tags[FC]", "FC"), ("difficulty", "2"), ("active", "1"), ("explanation", "解析。")]);
        let (status, v) = call(app, trainer, "save_question", &form).await;
        assert_eq!(status, 200, "{v}");
    }
}

pub(crate) fn contest_form<'a>(opens: &'a str, closes: &'a str, audience: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", "安全生产月知识竞赛"),
        ("description", "测试竞赛"),
        ("opens", opens),
        ("closes", closes),
        ("time_limit_min", "10"),
        ("attempts_per_day", "2"),
        ("attempts_total", "3"),
        ("valid_percent", "80"),
        ("audience", audience),
        ("review", "1"),
        ("privacy", "masked"),
        ("pools[0][kind]", "single"),
        ("pools[0][count]", "2"),
        ("pools[0][points]", "5"),
        ("pools[1][kind]", "true_false"),
        ("pools[1][count]", "2"),
        ("pools[1][points]", "2"),
        ("pools[2][kind]", "multiple"),
        ("pools[2][tag]", "FC"),
        ("pools[2][count]", "1"),
        ("pools[2][points]", "4"),
    ]
}

/// The right answer to each position of an attempt, as shown to its taker.
pub(crate) async fn right_answers(app: &TestApp, token: &str) -> Vec<(i64, String, Vec<String>)> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "select i.position, v.kind, i.option_order, v.answer from quiz_attempt_items i join quiz_attempts a on a.id = i.attempt_id \
         join quiz_question_versions v on v.question_id = i.question_id and v.version = i.version where a.token = $1 order by i.position",
    )
    .bind(token)
    .fetch_all(&app.db().await.pool)
    .await
    .expect("items");
    rows.into_iter()
        .map(|(p, kind, order, answer)| {
            let shown = if kind == "single" || kind == "multiple" { stored_to_shown(&order, &answer) } else { vec![answer] };
            (p, kind, shown)
        })
        .collect()
}

pub(crate) async fn answer(app: &TestApp, c: &reqwest::Client, token: &str, position: i64, kind: &str, picks: &[String]) -> (u16, Value) {
    let pos = position.to_string();
    let mut form: Vec<(String, String)> = vec![("token".into(), token.into()), ("position".into(), pos), ("go".into(), "stay".into())];
    for (i, p) in picks.iter().enumerate() {
        let key = if kind == "multiple" { format!("picks[{p}]") } else { format!("picks[{i}]") };
        form.push((key, p.clone()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    call(app, c, "save_answer", &form).await
}

async fn public_contest_attempts(backend: Backend) {
    let app = spawn(backend).await;
    app.create_user("c.trainer", Role::TrainingAdmin, "trainer password 1").await;
    let trainer = app.login("c.trainer", "trainer password 1").await;
    bank(&app, &trainer).await;
    let db = app.db().await;
    let now = app::base::db::now();
    let (opens, closes) = (fmt_local_minute(now - 3600), fmt_local_minute(now + 3600));

    // Bad set-ups: every error at once, nothing stored.
    let backwards = contest_form(&closes, &opens, "public");
    let (status, v) = call(&app, &trainer, "save_contest", &backwards).await;
    assert_eq!((status, codes(&v)), (400, vec!["closes=window_order".to_string()]), "{v}");
    let mut greedy = contest_form(&opens, &closes, "public");
    greedy.retain(|(k, _)| *k != "pools[0][count]");
    greedy.push(("pools[0][count]", "4"));
    let (status, v) = call(&app, &trainer, "save_contest", &greedy).await;
    assert_eq!((status, codes(&v)), (400, vec!["pools=pool_not_enough".to_string()]), "only three single-choice questions: {v}");
    let stored: i64 = sqlx::query_scalar("select count(*) from quiz_contests").fetch_one(&db.pool).await.expect("count");
    assert_eq!(stored, 0);
    let (status, v) = call(&app, &trainer, "save_contest", &contest_form(&opens, &closes, "public")).await;
    assert_eq!(status, 200, "{v}");
    let id: i64 = sqlx::query_scalar("select id from quiz_contests").fetch_one(&db.pool).await.expect("id");
    let ids = id.to_string();

    // Join with a nickname: a contestant code, shown once.
    let tab1 = new_client();
    let (_, entry) = call(&app, &tab1, "contest_entry", &[("id", &ids)]).await;
    assert_eq!(entry["join"], "Nickname", "{entry}");
    let (status, v) = call(&app, &tab1, "join_contest", &[("id", &ids), ("nickname", " ")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["nickname=required".to_string()]));
    assert_eq!(call(&app, &tab1, "join_contest", &[("id", &ids), ("nickname", "小王安全员")]).await.0, 200);
    let (_, entry) = call(&app, &tab1, "contest_entry", &[("id", &ids)]).await;
    let code = entry["me"]["new_code"].as_str().expect("code shown").to_string();
    assert_eq!(code.len(), 19, "{code}");
    let (_, again) = call(&app, &tab1, "contest_entry", &[("id", &ids)]).await;
    assert_eq!(again["me"]["new_code"].as_str(), Some(code.as_str()), "shown until the first attempt");
    assert_eq!(again["join"], "Joined");

    // Two tabs of one session start at the same moment: one attempt, one paper.
    let start_form = [("id", ids.as_str())];
    let (a, b) = tokio::join!(call(&app, &tab1, "start_attempt", &start_form), call(&app, &tab1, "start_attempt", &start_form));
    assert_eq!((a.0, b.0), (200, 200), "{} {}", a.1, b.1);
    assert_eq!(a.1, b.1, "both tabs get the same attempt");
    let token = a.1.as_str().expect("token").to_string();
    let (_, entry) = call(&app, &tab1, "contest_entry", &[("id", &ids)]).await;
    assert!(entry["me"]["new_code"].is_null(), "not shown once an attempt has started: {entry}");
    assert_eq!(entry["me"]["open_attempt"].as_str(), Some(token.as_str()));
    let attempts: i64 = sqlx::query_scalar("select count(*) from quiz_attempts").fetch_one(&db.pool).await.expect("count");
    assert_eq!(attempts, 1);

    // The paper: five questions, no answer or explanation before handing in.
    let resp = app.call(&tab1, "attempt_paper", &[("token", &token)]).await;
    let text = resp.text().await.expect("paper");
    assert!(!text.contains("解析") && !text.contains("\"answer\""), "{text}");
    let paper: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(paper["questions"].as_array().map(Vec::len), Some(5));
    assert!(paper["remaining_ms"].as_i64().is_some_and(|ms| ms > 590_000 && ms <= 600_000), "{paper}");

    // Nobody else reads or writes it; a tampered token is unknown.
    let stranger = new_client();
    for f in ["attempt_paper", "attempt_result", "submit_attempt"] {
        assert_eq!(call(&app, &stranger, f, &[("token", &token)]).await.0, 404, "{f}");
    }
    assert_eq!(answer(&app, &stranger, &token, 1, "single", &["A".into()]).await.0, 404);
    assert_eq!(call(&app, &tab1, "attempt_paper", &[("token", "../../etc")]).await.0, 404);
    let (status, v) = call(&app, &stranger, "resume_contest", &[("id", &ids), ("code", "2222-2222-2222-2222")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["code=contestant_code_invalid".to_string()]));
    // The code brings the contestant back in another browser (lower case and spaces are fine).
    let phone = new_client();
    let typed = code.to_lowercase().replace('-', " ");
    assert_eq!(call(&app, &phone, "resume_contest", &[("id", &ids), ("code", &typed)]).await.0, 200);
    assert_eq!(call(&app, &phone, "attempt_paper", &[("token", &token)]).await.0, 200);

    // Bad answers: a question not on the paper, an option that does not exist, a bad true/false.
    let right = right_answers(&app, &token).await;
    let (status, v) = answer(&app, &tab1, &token, 99, "single", &["A".into()]).await;
    assert_eq!((status, codes(&v)), (400, vec!["answer=not_in_paper".to_string()]));
    let (p_single, _, _) = right.iter().find(|r| r.1 == "single").expect("a single").clone();
    let (status, v) = answer(&app, &tab1, &token, p_single, "single", &["H".into()]).await;
    assert_eq!((status, codes(&v)), (400, vec!["answer=option_unknown".to_string()]));
    let (status, v) = answer(&app, &tab1, &token, p_single, "single", &["A".into(), "B".into()]).await;
    assert_eq!((status, codes(&v)), (400, vec!["answer=option_unknown".to_string()]), "one pick for a single choice");
    let (p_tf, _, _) = right.iter().find(|r| r.1 == "true_false").expect("a true/false").clone();
    let (status, v) = answer(&app, &tab1, &token, p_tf, "true_false", &["maybe".into()]).await;
    assert_eq!((status, codes(&v)), (400, vec!["answer=option_unknown".to_string()]));

    // Every answer right but one true/false: 4 of 5 right (a valid result at 80 %), 16 of 18 points.
    for (position, kind, shown) in &right {
        let picks = if *position == p_tf {
            vec![if shown[0] == "true" { "false".to_string() } else { "true".to_string() }]
        } else {
            shown.clone()
        };
        // Saved twice (a retry): the same as once.
        for _ in 0..2 {
            let (status, v) = answer(&app, &tab1, &token, *position, kind, &picks).await;
            assert_eq!(status, 200, "{v}");
        }
    }
    // A reload shows every answer as given and the clock not reset.
    let (_, reloaded) = call(&app, &tab1, "attempt_paper", &[("token", &token)]).await;
    assert!(reloaded["questions"].as_array().expect("qs").iter().all(|q| !q["given"].as_array().expect("given").is_empty()));
    assert_eq!(reloaded["deadline_at_ms"], paper["deadline_at_ms"]);
    let (status, _) = call(&app, &tab1, "submit_attempt", &[("token", &token)]).await;
    assert_eq!(status, 200);
    let (_, result) = call(&app, &tab1, "attempt_result", &[("token", &token)]).await;
    assert_eq!(
        (result["state"].as_str(), result["score"].as_i64(), result["max_score"].as_i64(), result["correct"].as_i64(), result["valid"].as_bool()),
        (Some("submitted"), Some(16), Some(18), Some(4), Some(true)),
        "{result}"
    );
    assert_eq!(result["rank"].as_i64(), Some(1));
    assert_eq!(result["review"].as_array().map(Vec::len), Some(5), "review is allowed after handing in");
    // After handing in: answers refused, a second submit changes nothing.
    let (status, v) = answer(&app, &tab1, &token, p_tf, "true_false", &["true".into()]).await;
    assert_eq!((status, codes(&v)), (400, vec!["answer=attempt_closed".to_string()]));
    // Closed comes first, whatever else is wrong with the late answer (the paper was cached).
    let (status, v) = answer(&app, &tab1, &token, p_tf, "true_false", &["maybe".into()]).await;
    assert_eq!((status, codes(&v)), (400, vec!["answer=attempt_closed".to_string()]));
    let (status, v) = answer(&app, &phone, &token, 99, "single", &["A".into()]).await;
    assert_eq!((status, codes(&v)), (400, vec!["answer=attempt_closed".to_string()]));
    assert_eq!(call(&app, &tab1, "submit_attempt", &[("token", &token)]).await.0, 200);
    let (_, same) = call(&app, &tab1, "attempt_result", &[("token", &token)]).await;
    assert_eq!(same["score"], result["score"]);

    // A second attempt whose deadline passes: a late answer is refused, the job closes it.
    let (_, t2) = call(&app, &tab1, "start_attempt", &[("id", &ids)]).await;
    let token2 = t2.as_str().expect("token").to_string();
    assert_ne!(token2, token);
    let late = app::quiz::contest::ssr::now_ms() - 1;
    sqlx::query("update quiz_attempts set deadline_at = $2 where token = $1").bind(&token2).bind(late).execute(&db.pool).await.expect("age");
    let first = right_answers(&app, &token2).await.remove(0);
    let (status, v) = answer(&app, &tab1, &token2, first.0, &first.1, &first.2).await;
    assert_eq!((status, codes(&v)), (400, vec!["answer=attempt_closed".to_string()]));
    assert_eq!(app::quiz::contest::attempts::close_expired(&db).await.expect("job"), 1);
    let (_, r2) = call(&app, &tab1, "attempt_result", &[("token", &token2)]).await;
    assert_eq!((r2["state"].as_str(), r2["score"].as_i64()), (Some("expired"), Some(0)), "{r2}");
    // Two attempts a day.
    let (status, v) = call(&app, &tab1, "start_attempt", &[("id", &ids)]).await;
    assert_eq!((status, codes(&v)), (400, vec!["contest=attempts_today_used_up".to_string()]));

    // The ranking keeps the best result; the nickname is masked.
    let (_, ranking) = call(&app, &stranger, "contest_ranking", &[("id", &ids), ("by", "person")]).await;
    let rows = ranking["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{ranking}");
    assert_eq!((rows[0]["name"].as_str(), rows[0]["total"].as_i64()), (Some("小****"), Some(16)));
    // With 120 more results the public page shows the top 100; the staff's file has every row.
    for i in 0..120i64 {
        sqlx::query(
            "insert into quiz_contestants (contest_id, code_mac, nickname, best_score, best_time_ms, best_at, valid_results, created_at) \
             values ($1, $2, $3, $4, 60000, $5, 1, $5)",
        )
        .bind(id)
        .bind(format!("bench-{i}"))
        .bind(format!("选手{i}"))
        .bind(i % 18)
        .bind(now)
        .execute(&db.pool)
        .await
        .expect("contestant");
    }
    let (_, ranking) = call(&app, &stranger, "contest_ranking", &[("id", &ids), ("by", "person")]).await;
    assert_eq!(ranking["rows"].as_array().map(Vec::len), Some(100));
    let csv = trainer.get(app.url(&format!("/staff/contest-ranking.csv?id={id}&by=person"))).send().await.expect("csv");
    let text = csv.text().await.expect("text");
    assert_eq!(text.lines().count(), 1 + 121, "a header and every contestant");
    sqlx::query("delete from quiz_contestants where code_mac like 'bench-%'").execute(&db.pool).await.expect("clean");

    // Once attempts exist the paper rules stay: an edit changes the title only.
    let mut edit = contest_form(&opens, &closes, "public");
    edit.retain(|(k, _)| *k != "title" && *k != "time_limit_min");
    edit.extend([("id", ids.as_str()), ("title", "改名后的竞赛"), ("time_limit_min", "1")]);
    assert_eq!(call(&app, &trainer, "save_contest", &edit).await.0, 200);
    let (title, limit): (String, i64) =
        sqlx::query_as("select title, time_limit_s from quiz_contests where id = $1").bind(id).fetch_one(&db.pool).await.expect("contest");
    assert_eq!((title.as_str(), limit), ("改名后的竞赛", 600));

    // A closed contest takes no one new.
    sqlx::query("update quiz_contests set closes_at = $2 where id = $1").bind(id).bind(now - 10).execute(&db.pool).await.expect("close");
    let late_comer = new_client();
    let (status, v) = call(&app, &late_comer, "join_contest", &[("id", &ids), ("nickname", "迟到")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["contest=contest_closed".to_string()]));
    assert!(app::base::audit::verify(&db).await.expect("verify").is_ok());
}
both_backends!(public_contest_attempts);

async fn employees_contest_ranks_units(backend: Backend) {
    let app = spawn(backend).await;
    app.create_user("u.trainer", Role::TrainingAdmin, "trainer password 1").await;
    let trainer = app.login("u.trainer", "trainer password 1").await;
    bank(&app, &trainer).await;
    app.create_user("u.worker", Role::Employee, "worker password 1").await;
    let db = app.db().await;
    // The test enterprise lies in a town and has 4 registered employees.
    let ts = app::base::db::now();
    sqlx::query("insert into towns (code, name_zh, name_en, kind, created_at) values ('TT', '测试镇', 'Test Town', 'town', $1)")
        .bind(ts)
        .execute(&db.pool)
        .await
        .expect("town");
    let town: i64 = sqlx::query_scalar("select id from towns where code = 'TT'").fetch_one(&db.pool).await.expect("town id");
    sqlx::query("update enterprises set town_id = $1, employees = 4 where credit_code = 'TESTCODE1'").bind(town).execute(&db.pool).await.expect("ent");
    let (opens, closes) = (fmt_local_minute(ts - 3600), fmt_local_minute(ts + 3600));
    let other_town = (town + 1000).to_string();
    let mut form = contest_form(&opens, &closes, "employees");
    form.push(("towns[x]", &other_town));
    let (status, v) = call(&app, &trainer, "save_contest", &form).await;
    assert_eq!((status, codes(&v)), (400, vec!["towns=unknown_choice".to_string()]), "{v}");
    let town_s = town.to_string();
    let mut form = contest_form(&opens, &closes, "employees");
    form.push(("towns[x]", &town_s));
    assert_eq!(call(&app, &trainer, "save_contest", &form).await.0, 200);
    let id: i64 = sqlx::query_scalar("select id from quiz_contests").fetch_one(&db.pool).await.expect("id");
    let ids = id.to_string();

    // Anonymous visitors are asked to sign in; another role's account is not eligible.
    let (_, entry) = call(&app, &new_client(), "contest_entry", &[("id", &ids)]).await;
    assert_eq!(entry["join"], "SignIn");
    let (status, _) = call(&app, &new_client(), "join_contest", &[("id", &ids)]).await;
    assert_eq!(status, 401);
    let (_, entry) = call(&app, &trainer, "contest_entry", &[("id", &ids)]).await;
    assert_eq!(entry["join"], "NotEligible");

    let worker = app.login("u.worker", "worker password 1").await;
    let (_, entry) = call(&app, &worker, "contest_entry", &[("id", &ids)]).await;
    assert_eq!(entry["join"], "Eligible", "{entry}");
    assert_eq!(call(&app, &worker, "join_contest", &[("id", &ids)]).await.0, 200);
    let (_, t) = call(&app, &worker, "start_attempt", &[("id", &ids)]).await;
    let token = t.as_str().expect("token").to_string();
    let right = right_answers(&app, &token).await;
    for (position, kind, shown) in &right {
        assert_eq!(answer(&app, &worker, &token, *position, kind, shown).await.0, 200);
    }
    // An account disabled mid-attempt answers no more (the attempt is known from memory by now).
    let pool = &app.db().await.pool;
    sqlx::query("update users set active = 0 where username = 'u.worker'").execute(pool).await.expect("disable");
    let (position, kind, shown) = &right[0];
    assert_eq!(answer(&app, &worker, &token, *position, kind, shown).await.0, 404);
    sqlx::query("update users set active = 1 where username = 'u.worker'").execute(pool).await.expect("enable");
    let worker = app.login("u.worker", "worker password 1").await;
    assert_eq!(answer(&app, &worker, &token, *position, kind, shown).await.0, 200);
    assert_eq!(call(&app, &worker, "submit_attempt", &[("token", &token)]).await.0, 200);
    for by in ["enterprise", "town"] {
        let (_, r) = call(&app, &new_client(), "contest_ranking", &[("id", &ids), ("by", by), ("sort", "participation")]).await;
        let row = &r["rows"][0];
        assert_eq!(
            (row["participants"].as_i64(), row["total"].as_i64(), row["valid"].as_i64(), row["participation"].as_f64()),
            (Some(1), Some(18), Some(1), Some(0.25)),
            "{by}: {r}"
        );
    }
    let (_, r) = call(&app, &new_client(), "contest_ranking", &[("id", &ids), ("by", "town")]).await;
    assert_eq!(r["rows"][0]["name"], "测试镇");
    // The same ranking as a file for reporting upward.
    let csv = trainer.get(app.url(&format!("/staff/contest-ranking.csv?id={id}&by=town&sort=participation"))).send().await.expect("csv");
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.expect("text");
    assert!(text.contains("测试镇") && text.contains("25.0%"), "{text}");
    let xlsx = trainer.get(app.url(&format!("/staff/contest-ranking.xlsx?id={id}&by=enterprise"))).send().await.expect("xlsx");
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.expect("bytes").starts_with(b"PK"));
}
both_backends!(employees_contest_ranks_units);

/// The same stored answer, as shown on `token`'s paper at `position`.
async fn shown_for(app: &TestApp, token: &str, position: i64, kind: &str, stored: &str) -> Vec<String> {
    if kind != "single" && kind != "multiple" {
        return vec![stored.to_string()];
    }
    let order: String = sqlx::query_scalar(
        "select i.option_order from quiz_attempt_items i join quiz_attempts a on a.id = i.attempt_id where a.token = $1 and i.position = $2",
    )
    .bind(token)
    .bind(position)
    .fetch_one(&app.db().await.pool)
    .await
    .expect("order");
    stored_to_shown(&order, stored)
}

async fn persons(app: &TestApp, ids: &str) -> usize {
    let (_, r) = call(app, &new_client(), "contest_ranking", &[("id", ids), ("by", "person")]).await;
    r["rows"].as_array().map(Vec::len).unwrap_or(0)
}

async fn statistics_and_flags(backend: Backend) {
    let app = spawn(backend).await;
    app.create_user("s.trainer", Role::TrainingAdmin, "trainer password 1").await;
    let trainer = app.login("s.trainer", "trainer password 1").await;
    bank(&app, &trainer).await;
    let db = app.db().await;
    let now = app::base::db::now();
    let (opens, closes) = (fmt_local_minute(now - 3600), fmt_local_minute(now + 3600));
    // Every paper holds the whole bank (all three single-choice questions), so two contestants
    // can give the same answers to the same questions.
    let mut form = contest_form(&opens, &closes, "public");
    form.retain(|(k, _)| *k != "pools[0][count]");
    form.push(("pools[0][count]", "3"));
    assert_eq!(call(&app, &trainer, "save_contest", &form).await.0, 200);
    let id: i64 = sqlx::query_scalar("select id from quiz_contests").fetch_one(&db.pool).await.expect("id");
    let ids = id.to_string();
    // Two contestants give the same wrong answers at machine speed; a third answers right.
    let mut tokens = Vec::new();
    for (n, name) in ["甲选手", "乙选手", "丙选手"].iter().enumerate() {
        let c = new_client();
        assert_eq!(call(&app, &c, "join_contest", &[("id", &ids), ("nickname", name)]).await.0, 200);
        let (_, t) = call(&app, &c, "start_attempt", &[("id", &ids)]).await;
        let token = t.as_str().expect("token").to_string();
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "select i.position, v.kind, v.answer, v.stem from quiz_attempt_items i join quiz_attempts a on a.id = i.attempt_id \
             join quiz_question_versions v on v.question_id = i.question_id and v.version = i.version where a.token = $1",
        )
        .bind(&token)
        .fetch_all(&db.pool)
        .await
        .expect("items");
        for (position, kind, right, _) in rows {
            let stored = if n == 2 {
                right.clone()
            } else {
                match kind.as_str() {
                    "true_false" => if right == "true" { "false".into() } else { "true".into() },
                    // A wrong option that every paper has.
                    _ => {
                        let first = right.chars().next().unwrap_or('A');
                        let wrong = if first == 'A' { 'C' } else { 'A' };
                        wrong.to_string()
                    }
                }
            };
            let picks = shown_for(&app, &token, position, &kind, &stored).await;
            let (status, v) = answer(&app, &c, &token, position, &kind, &picks).await;
            assert_eq!(status, 200, "{v}");
        }
        assert_eq!(call(&app, &c, "submit_attempt", &[("token", &token)]).await.0, 200);
        tokens.push(token);
    }
    let (status, s) = call(&app, &trainer, "contest_stats", &[("id", &ids)]).await;
    assert_eq!(status, 200, "{s}");
    assert_eq!((s["participants"].as_i64(), s["finished"].as_i64(), s["valid"].as_i64()), (Some(3), Some(3), Some(1)), "{s}");
    assert_eq!(s["score_bins"][9].as_i64(), Some(1), "one full score: {s}");
    let flags = s["flags"].as_array().expect("flags");
    let flagged = |reason: &str| -> Vec<String> {
        let mut v: Vec<String> = flags.iter().filter(|f| f["reason"] == reason).map(|f| f["token"].as_str().unwrap_or("").to_string()).collect();
        v.sort();
        v
    };
    let mut same = vec![tokens[0].clone(), tokens[1].clone()];
    same.sort();
    assert_eq!(flagged("same_answers"), same, "the two identical wrong sequences, not the right one");
    assert_eq!(flagged("too_fast").len(), 3, "every attempt of this test answered faster than anyone reads");
    let q = &s["questions"][0];
    assert!(q["answered"].as_i64().is_some_and(|n| n >= 1) && q["distribution"].as_array().is_some_and(|d| !d.is_empty()), "{q}");
    // No answers or statistics for anyone else.
    assert_eq!(call(&app, &new_client(), "contest_stats", &[("id", &ids)]).await.0, 401);

    // Disqualified: out of the ranking; cleared again: back in.

    assert_eq!(persons(&app, &ids).await, 3);
    let (status, v) = call(&app, &trainer, "review_attempt", &[("token", &tokens[0]), ("decision", "disqualified")]).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(persons(&app, &ids).await, 2);
    let (_, s) = call(&app, &trainer, "contest_stats", &[("id", &ids)]).await;
    let reviewed = s["flags"].as_array().expect("flags").iter().find(|f| f["token"] == tokens[0].as_str()).map(|f| f["review"].clone());
    assert_eq!(reviewed, Some(Value::from("disqualified")));
    let (status, v) = call(&app, &trainer, "review_attempt", &[("token", &tokens[0]), ("decision", "maybe")]).await;
    assert_eq!((status, codes(&v)), (400, vec!["decision=choose_one".to_string()]));
    assert_eq!(call(&app, &trainer, "review_attempt", &[("token", &tokens[0]), ("decision", "cleared")]).await.0, 200);
    assert_eq!(persons(&app, &ids).await, 3);
    assert!(app::base::audit::verify(&db).await.expect("verify").is_ok());
}
both_backends!(statistics_and_flags);
