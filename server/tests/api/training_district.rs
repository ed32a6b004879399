//! The training administrator's district overview on both databases (issue 15): its fast path
//! (yearly minutes kept with the attendance, recent hires read apart) gives the same figures as
//! every enterprise's own compliance page, for last year, this year and next, before and after
//! attendance changes; retired enterprises and employees who left are not counted; only the
//! training administrator may read it.
use crate::both_backends;
use crate::helpers::{call, spawn, Backend};
use app::accounts::Role;
use app::base::calendar::Day;
use app::training::rules::{Category, HourRules};
use app::training::{Audience, SessionPhase, ValidEmployee, ValidSession};
use std::collections::HashMap;

const PW: &str = "district password 1";

/// A small deterministic generator (the figures must not depend on the run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// The district's (counted, met) by town id, and in total, summed from each active enterprise's
/// own compliance.
async fn from_enterprises(
    db: &app::base::db::Db,
    r: &HourRules,
    year: i64,
    today: Day,
) -> (HashMap<Option<i64>, (i64, i64)>, (i64, i64)) {
    let rows: Vec<(i64, Option<i64>)> =
        sqlx::query_as("select id, town_id from enterprises where active = 1")
            .fetch_all(&db.pool)
            .await
            .expect("enterprises");
    let mut by_town: HashMap<Option<i64>, (i64, i64)> = HashMap::new();
    let mut total = (0, 0);
    for (id, town) in rows {
        let c = app::training::ssr::compliance(db, r, id, year, today)
            .await
            .expect("compliance");
        let t = by_town.entry(town).or_default();
        t.0 += c.counted;
        t.1 += c.met;
        total.0 += c.counted;
        total.1 += c.met;
    }
    (by_town, total)
}

async fn check_same(db: &app::base::db::Db, r: &HourRules, today: Day, label: &str) -> i64 {
    let this_year = today.ymd().0;
    let mut counted = 0;
    for year in [this_year - 1, this_year, this_year + 1] {
        let d = app::training::district::ssr::district(db, r, year, today)
            .await
            .expect("district");
        let (by_town, total) = from_enterprises(db, r, year, today).await;
        assert_eq!(
            (d.counted, d.met),
            total,
            "{label}, {year}: district total against the enterprises' own pages"
        );
        let towns: Vec<(i64, i64)> = d.towns.iter().map(|t| (t.counted, t.met)).collect();
        let mut want: Vec<(Option<i64>, (i64, i64))> = by_town.into_iter().collect();
        want.sort_by_key(|(k, _)| (k.is_none(), *k));
        assert_eq!(
            towns,
            want.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
            "{label}, {year}: by town"
        );
        for units in [&d.sectors, &d.villages] {
            let sum = units
                .iter()
                .fold((0, 0), |(n, m), u| (n + u.counted, m + u.met));
            assert_eq!(sum, total, "{label}, {year}: sectors and villages add up");
        }
        if year == this_year {
            counted = d.counted;
        }
    }
    counted
}

async fn district_overview(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let db = app.db().await;
    app.create_user("d.admin", Role::TrainingAdmin, PW).await;
    app.create_user("d.manager", Role::EnterpriseManager, PW)
        .await;
    let recorder: i64 = sqlx::query_scalar("select id from users where username = 'd.admin'")
        .fetch_one(&db.pool)
        .await
        .expect("user");
    let r = HourRules::default();
    let today = Day::of_timestamp(app::base::db::now());
    let (this_year, _, _) = today.ymd();
    let jan1 = Day::from_ymd(this_year, 1, 1).expect("jan1");

    // Four enterprises in different towns, villages and sectors, one of them high-risk; plus
    // the test enterprise the manager account belongs to.
    let places: Vec<(i64, i64, i64)> = sqlx::query_as(
        "select t.id, v.id, s.id from villages v join towns t on t.id = v.town_id, sectors s order by v.id, s.id limit 40",
    )
    .fetch_all(&db.pool)
    .await
    .expect("places");
    assert!(places.len() >= 4, "seeded towns, villages and sectors");
    let ts = app::base::db::now();
    for i in 0..4i64 {
        let (town, village, sector) = places[(i as usize * 9) % places.len()];
        sqlx::query(
            "insert into enterprises (name, credit_code, town_id, village_id, sector_id, high_risk, created_at) values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(format!("区内企业{i}"))
        .bind(format!("DISTRICT{i}"))
        .bind(town)
        .bind(village)
        .bind(sector)
        .bind(i64::from(i == 2))
        .bind(ts)
        .execute(&db.pool)
        .await
        .expect("enterprise");
    }
    let enterprises: Vec<i64> = sqlx::query_scalar("select id from enterprises order by id")
        .fetch_all(&db.pool)
        .await
        .expect("ids");

    // Employees hired over the last three years (recent hires included: this year, and managers
    // whose six months run into this year), some of whom have left; sessions over two years.
    let mut rng = Lcg(42);
    let mut staff: HashMap<i64, Vec<i64>> = HashMap::new();
    for (n, &e) in enterprises.iter().enumerate() {
        for k in 0..14 {
            let hired = Day(today.0 - 3 * 365 + rng.next(3 * 365) as i64);
            let category = Category::ALL[rng.next(4) as usize];
            let v = ValidEmployee {
                name: format!("员工{n}-{k}"),
                category,
                hired_on: hired,
                contact: String::new(),
            };
            let active = rng.next(8) != 0;
            let id = app::training::ssr::save_employee(&db, recorder, e, None, &v, true, "")
                .await
                .expect("employee");
            if !active {
                app::training::ssr::save_employee(&db, recorder, e, Some(id), &v, false, "")
                    .await
                    .expect("retire");
            }
            staff.entry(e).or_default().push(id);
        }
    }
    let mut sessions: Vec<(i64, i64)> = Vec::new();
    for &e in &enterprises {
        for k in 0..8 {
            let held = Day(jan1.0 - 365 + rng.next((today.0 - jan1.0 + 366) as u64) as i64);
            let v = ValidSession {
                title: format!("培训{k}"),
                audience: Audience::All,
                phase: SessionPhase::Refresher,
                minutes: 45 * (2 + rng.next(12) as u32),
                held_on: held,
                trainer: "讲师".into(),
                material: String::new(),
            };
            let id = app::training::session_store::save_session(&db, recorder, e, &v)
                .await
                .expect("session");
            sessions.push((e, id));
        }
    }
    let attend = |rng: &mut Lcg, people: &[i64], share: u64| {
        people
            .iter()
            .copied()
            .filter(|_| rng.next(10) < share)
            .collect::<Vec<i64>>()
    };
    for &(e, s) in &sessions {
        let who = attend(&mut rng, &staff[&e], 7);
        app::training::session_store::set_attendance(&db, recorder, e, s, &who, today)
            .await
            .expect("attendance");
    }
    let counted = check_same(&db, &r, today, "first attendance").await;
    assert!(
        counted > 20,
        "enough people owe hours this year to mean something: {counted}"
    );

    // Change half the sheets (people unticked and ticked): the yearly minutes follow.
    for &(e, s) in sessions.iter().step_by(2) {
        let who = attend(&mut rng, &staff[&e], 3);
        app::training::session_store::set_attendance(&db, recorder, e, s, &who, today)
            .await
            .expect("attendance again");
    }
    let stored: i64 = sqlx::query_scalar(
        "select cast(coalesce(sum(minutes), 0) as bigint) from training_year_minutes",
    )
    .fetch_one(&db.pool)
    .await
    .expect("sum");
    let raw: i64 = sqlx::query_scalar(
        "select cast(coalesce(sum(minutes), 0) as bigint) from training_attendance",
    )
    .fetch_one(&db.pool)
    .await
    .expect("sum");
    assert_eq!(stored, raw, "yearly minutes add up to the attendance");
    let rows: Vec<(i64, i64, i64)> =
        sqlx::query_as("select employee_id, held_on, minutes from training_attendance")
            .fetch_all(&db.pool)
            .await
            .expect("rows");
    let mut want: Vec<(i64, i64, i64)> = Vec::new();
    {
        let mut m: HashMap<(i64, i64), i64> = HashMap::new();
        for (e, d, min) in rows {
            *m.entry((e, Day(d).ymd().0)).or_default() += min;
        }
        want.extend(m.into_iter().map(|((e, y), min)| (e, y, min)));
    }
    want.sort_unstable();
    let mut got: Vec<(i64, i64, i64)> = sqlx::query_as(
        "select employee_id, year, minutes from training_year_minutes where minutes > 0",
    )
    .fetch_all(&db.pool)
    .await
    .expect("rows");
    got.sort_unstable();
    assert_eq!(got, want, "yearly minutes per employee and year");
    check_same(&db, &r, today, "after changes").await;

    // Courses completed count as sessions do (D28), recent hires' too.
    let course: i64 = sqlx::query_scalar(
        "insert into training_courses (title, summary, minutes, published, created_by, created_at, updated_at) \
         values ('网络课程', '', 900, 1, $1, 0, 0) returning id",
    )
    .bind(recorder)
    .fetch_one(&db.pool)
    .await
    .expect("course");
    let learners: Vec<(i64, i64)> = sqlx::query_as(
        "select id, enterprise_id from training_employees where active = 1 and hired_on >= $1 order by id limit 8",
    )
    .bind(jan1.0 - 200)
    .fetch_all(&db.pool)
    .await
    .expect("recent hires");
    assert!(!learners.is_empty(), "recent hires to take the course");
    let mut tx = db.begin().await.expect("tx");
    for (employee, enterprise) in &learners {
        sqlx::query(
            "insert into training_course_completions (employee_id, course_id, enterprise_id, completed_on, minutes, completed_at) \
             values ($1, $2, $3, $4, 900, $5)",
        )
        .bind(employee)
        .bind(course)
        .bind(enterprise)
        .bind(today.0)
        .bind(ts)
        .execute(&mut *tx)
        .await
        .expect("completion");
    }
    let ids: Vec<i64> = learners.iter().map(|l| l.0).collect();
    app::credits::ssr::refresh_year_minutes(&mut tx, &ids, today.0).await.expect("yearly minutes");
    tx.commit().await.expect("commit");
    check_same(&db, &r, today, "courses completed").await;

    // A retired enterprise leaves the overview.
    let before = app::training::district::ssr::district(&db, &r, this_year, today)
        .await
        .expect("district");
    sqlx::query("update enterprises set active = 0 where credit_code = 'DISTRICT0'")
        .execute(&db.pool)
        .await
        .expect("retire");
    let after = check_same(&db, &r, today, "one enterprise retired").await;
    let d = app::training::district::ssr::district(&db, &r, this_year, today)
        .await
        .expect("district");
    assert_eq!(d.enterprises, before.enterprises - 1);
    assert!(after < before.counted, "{after} < {}", before.counted);
    assert!(
        d.behind.windows(2).all(|w| w[0].percent <= w[1].percent),
        "furthest behind first"
    );
    assert!(d.behind.iter().all(|e| e.met < e.counted));

    // Through the server function: the training administrator only.
    let admin = app.login("d.admin", PW).await;
    let (status, v) = call(&app, &admin, "training_district", &[]).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["counted"].as_i64(), v["met"].as_i64(), v["year"].as_i64()),
        (Some(d.counted), Some(d.met), Some(this_year))
    );
    let (status, v) = call(&app, &admin, "training_district", &[("year", "1900")]).await;
    assert_eq!(status, 400, "{v}");
    let manager = app.login("d.manager", PW).await;
    let (status, _) = call(&app, &manager, "training_district", &[]).await;
    assert_eq!(status, 403);
    let page = admin
        .get(app.url("/staff/training"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let body = page.text().await.expect("body");
    assert!(
        body.contains("全区安全培训情况") && body.contains("district-towns"),
        "the page renders on the server"
    );
    assert_eq!(manager.get(app.url("/staff/training")).send().await.expect("page").status(), 403);

    // The district's file, streamed: one line per employee owing hours, the same figures, as CSV
    // and as XLSX; a year out of range refused before anything is sent.
    let csv = admin.get(app.url("/staff/training/compliance.csv")).send().await.expect("csv");
    assert_eq!(csv.status(), 200);
    let disposition = csv.headers()["content-disposition"].to_str().unwrap_or("").to_string();
    assert!(disposition.contains(&format!("district-training-compliance-{this_year}.csv")), "{disposition}");
    let bytes = csv.bytes().await.expect("csv body");
    let rows = app::base::table::read_csv(&bytes, 100_000).expect("csv rows");
    assert_eq!(rows[0], app::training::export::HEADER.map(String::from).to_vec());
    let lines = &rows[1..];
    assert_eq!(lines.len() as i64, d.counted, "one line per employee owing hours");
    assert_eq!(lines.iter().filter(|l| l[12] == "已完成").count() as i64, d.met);
    assert!(lines.iter().all(|l| l[0] != "区内企业0"), "the retired enterprise is left out");
    let xlsx = admin.get(app.url(&format!("/staff/training/compliance.xlsx?year={}", this_year - 1))).send().await.expect("xlsx");
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.expect("xlsx body");
    let (rows, _) = app::base::table::read_xlsx(&bytes, 100_000).expect("xlsx rows");
    let last = app::training::district::ssr::district(&db, &r, this_year - 1, today).await.expect("district");
    assert_eq!(rows.len() as i64 - 1, last.counted, "last year's lines");
    assert_eq!(rows.iter().filter(|l| l.get(12).is_some_and(|c| c == "已完成")).count() as i64, last.met);
    let status = admin.get(app.url("/staff/training/compliance.csv?year=1800")).send().await.expect("csv").status();
    assert_eq!(status, 400);

    // The manager's file holds their own enterprise only.
    let manager_enterprise: i64 =
        sqlx::query_scalar("select enterprise_id from users where username = 'd.manager'").fetch_one(&db.pool).await.expect("id");
    sqlx::query(
        "insert into training_employees (enterprise_id, name, category, hired_on, contact, active, created_at, updated_at) \
         values ($1, '本企业员工', 'other', 0, '', 1, 0, 0)",
    )
    .bind(manager_enterprise)
    .execute(&db.pool)
    .await
    .expect("employee");
    let bytes = manager.get(app.url("/training/enterprise/compliance.csv")).send().await.expect("csv").bytes().await.expect("body");
    let rows = app::base::table::read_csv(&bytes, 100).expect("rows");
    let own = app::training::ssr::compliance(&db, &r, manager_enterprise, this_year, today).await.expect("compliance");
    assert_eq!(rows.len() as i64 - 1, own.counted, "{rows:?}");
    assert!(rows[1..].iter().all(|l| l[1] == "TESTCODE1"), "own enterprise only: {rows:?}");
    assert!(rows.iter().any(|l| l[5] == "本企业员工" && l[12] == "进行中"), "{rows:?}");
    assert_eq!(manager.get(app.url("/staff/training/compliance.csv")).send().await.expect("csv").status(), 403);
    assert_eq!(admin.get(app.url("/training/enterprise/compliance.csv")).send().await.expect("csv").status(), 403);
}
both_backends!(district_overview);
