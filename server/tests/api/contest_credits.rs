//! Contest results counting as training hours, on both databases: a contest that credits 90
//! minutes; an employee's invalid result credits nothing, their valid result credits the minutes
//! once (the yearly minutes, their own record and their standing follow) with a certificate of
//! participation that the public page checks, and a later valid result adds nothing; an account
//! that is no employee's gets nothing; an absurd credit is refused.
use crate::both_backends;
use crate::contests::{answer, bank, contest_form, right_answers};
use crate::helpers::{call, codes, spawn, Backend, TestApp};
use app::accounts::Role;
use app::quiz::contest::fmt_local_minute;

async fn attempt(app: &TestApp, who: &reqwest::Client, contest: &str, right: bool) {
    let (status, t) = call(app, who, "start_attempt", &[("id", contest)]).await;
    assert_eq!(status, 200, "{t}");
    let token = t.as_str().expect("token").to_string();
    if right {
        for (position, kind, shown) in &right_answers(app, &token).await {
            assert_eq!(answer(app, who, &token, *position, kind, shown).await.0, 200);
        }
    }
    assert_eq!(call(app, who, "submit_attempt", &[("token", &token)]).await.0, 200);
}

async fn credits_of(app: &TestApp, employee: i64) -> Vec<(String, i64)> {
    sqlx::query_as("select title, minutes from training_contest_credits where employee_id = $1")
        .bind(employee)
        .fetch_all(&app.db().await.pool)
        .await
        .expect("credits")
}

async fn contest_credits(backend: Backend) {
    let app = spawn(backend).await;
    app.create_user("c.trainer", Role::TrainingAdmin, "trainer password 1").await;
    let trainer = app.login("c.trainer", "trainer password 1").await;
    bank(&app, &trainer).await;
    app.create_user("c.worker", Role::Employee, "worker password 1").await;
    app.create_user("c.visitor", Role::Employee, "visitor password 1").await;
    let db = app.db().await;
    let ts = app::base::db::now();
    let (opens, closes) = (fmt_local_minute(ts - 3600), fmt_local_minute(ts + 3600));
    let with = |credit: &'static str| {
        let mut form = contest_form(&opens, &closes, "employees");
        form.retain(|(k, _)| *k != "attempts_per_day");
        form.extend([("attempts_per_day", "3"), ("credit_minutes", credit)]);
        form
    };
    for bad in ["481", "-5", "2.5"] {
        let (status, v) = call(&app, &trainer, "save_contest", &with(bad)).await;
        assert_eq!(status, 400, "{bad}: {v}");
        assert!(codes(&v).iter().all(|c| c.starts_with("credit_minutes=")), "{bad}: {v}");
    }
    let stored: i64 = sqlx::query_scalar("select count(*) from quiz_contests").fetch_one(&db.pool).await.expect("count");
    assert_eq!(stored, 0, "nothing stored from a refused form");
    assert_eq!(call(&app, &trainer, "save_contest", &with("90")).await.0, 200);
    let (id, minutes): (i64, i64) =
        sqlx::query_as("select id, credit_minutes from quiz_contests").fetch_one(&db.pool).await.expect("contest");
    assert_eq!(minutes, 90);
    let ids = id.to_string();
    let (_, entry) = call(&app, &trainer, "contest_entry", &[("id", &ids)]).await;
    assert_eq!(entry["contest"]["credit_minutes"], 90, "{entry}");

    // The worker's account belongs to an employee on the enterprise's list (hired years ago).
    let user: i64 = sqlx::query_scalar("select id from users where username = 'c.worker'").fetch_one(&db.pool).await.expect("user");
    let enterprise: i64 =
        sqlx::query_scalar("select id from enterprises where credit_code = 'TESTCODE1'").fetch_one(&db.pool).await.expect("ent");
    let employee: i64 = sqlx::query_scalar(
        "insert into training_employees (enterprise_id, name, category, hired_on, contact, user_id, active, created_at, updated_at) \
         values ($1, '竞赛职工', 'other', 18000, '', $2, 1, $3, $3) returning id",
    )
    .bind(enterprise)
    .bind(user)
    .bind(ts)
    .fetch_one(&db.pool)
    .await
    .expect("employee");

    let worker = app.login("c.worker", "worker password 1").await;
    assert_eq!(call(&app, &worker, "join_contest", &[("id", &ids)]).await.0, 200);
    let (_, before) = call(&app, &worker, "my_training", &[]).await;
    assert_eq!(before["contests"].as_array().map(Vec::len), Some(0), "{before}");
    // Nothing answered: not a valid result, no credit.
    attempt(&app, &worker, &ids, false).await;
    assert!(credits_of(&app, employee).await.is_empty());
    // Every answer right: 90 minutes, once.
    attempt(&app, &worker, &ids, true).await;
    assert_eq!(credits_of(&app, employee).await, vec![("安全生产月知识竞赛".to_string(), 90)]);
    let year = app::base::calendar::Day::of_timestamp(ts).ymd().0;
    let kept: Option<i64> = sqlx::query_scalar("select minutes from training_year_minutes where employee_id = $1 and year = $2")
        .bind(employee)
        .bind(year)
        .fetch_optional(&db.pool)
        .await
        .expect("year minutes");
    assert_eq!(kept, Some(90), "the yearly minutes include the contest");
    let (_, record) = call(&app, &worker, "my_training", &[]).await;
    assert_eq!(record["contests"][0]["title"], "安全生产月知识竞赛", "{record}");
    assert_eq!(record["contests"][0]["hours"], "2", "90 minutes are 2 学时 of 45: {record}");
    assert_eq!(record["standing"]["done_hours"], "2", "{record}");
    let certificates = record["certificates"].as_array().cloned().unwrap_or_default();
    assert_eq!(certificates.len(), 1, "{record}");
    assert_eq!(certificates[0]["kind"], "contest", "{record}");
    assert_eq!(certificates[0]["holder"], "竞赛职工", "{record}");
    let code = certificates[0]["code"].as_str().expect("code").to_string();
    let (status, checked) = call(&app, &crate::helpers::new_client(), "verify_certificate", &[("code", &code)]).await;
    assert_eq!(status, 200, "{checked}");
    assert_eq!(checked["title"], "安全生产月知识竞赛", "{checked}");
    attempt(&app, &worker, &ids, true).await;
    assert_eq!(credits_of(&app, employee).await.len(), 1, "a second valid result adds nothing");
    let issued: i64 = sqlx::query_scalar("select count(*) from certificates where kind = 'contest'").fetch_one(&db.pool).await.expect("n");
    assert_eq!(issued, 1, "one certificate of participation");

    // An employee account on no enterprise's list takes part; nothing is credited, nothing fails.
    let visitor = app.login("c.visitor", "visitor password 1").await;
    assert_eq!(call(&app, &visitor, "join_contest", &[("id", &ids)]).await.0, 200);
    attempt(&app, &visitor, &ids, true).await;
    let all: i64 = sqlx::query_scalar("select count(*) from training_contest_credits").fetch_one(&db.pool).await.expect("all");
    assert_eq!(all, 1);
    let issued: i64 = sqlx::query_scalar("select count(*) from certificates where kind = 'contest'").fetch_one(&db.pool).await.expect("n");
    assert_eq!(issued, 1, "none for an account on no enterprise's list");
}
both_backends!(contest_credits);
