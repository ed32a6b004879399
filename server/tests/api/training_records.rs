//! The training records file (培训记录, issue 15) on both databases: one line per training credited
//! in the year — each on-site session attended, network course completed and contest credited —
//! with the employee, their enterprise and the hours; the same lines as CSV and as XLSX; the
//! manager's file holds their own enterprise only and the district's every enterprise; a record
//! of another year stays out; someone who has left keeps their records; a formula-like title is
//! neutralised; other roles refused, a year out of range refused before anything is sent.
use crate::both_backends;
use crate::helpers::{call, spawn, Backend, TestApp};
use crate::training_sign_in::{employee, manager_of, session, PW};
use app::accounts::Role;
use app::base::calendar::Day;
use app::base::table::{read_csv, read_xlsx};
use app::training::export::RECORDS_HEADER;

/// A file's status and, when it is one, its lines without the header (checked).
async fn file(app: &TestApp, c: &reqwest::Client, path: &str) -> (u16, Vec<Vec<String>>) {
    let resp = c.get(app.url(path)).send().await.expect("get");
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.expect("body");
    if status != 200 {
        return (status, Vec::new());
    }
    let mut rows = if path.contains(".xlsx") { read_xlsx(&bytes, 1000).expect("xlsx").0 } else { read_csv(&bytes, 1000).expect("csv") };
    assert_eq!(rows.remove(0), RECORDS_HEADER.map(String::from).to_vec(), "{path}: the header");
    // A spreadsheet drops empty cells at the end of a line; a CSV keeps them.
    for r in &mut rows {
        r.resize(RECORDS_HEADER.len(), String::new());
    }
    rows.sort();
    (status, rows)
}

/// The cells a test cares about: name, in post, form, title, kind, trainer, day, 学时, minutes.
fn brief(rows: &[Vec<String>]) -> Vec<Vec<&str>> {
    rows.iter().map(|r| [5, 7, 8, 9, 10, 11, 12, 13, 14].iter().map(|&i| r[i].as_str()).collect()).collect()
}

async fn attend(app: &TestApp, c: &reqwest::Client, session: &str, who: &[&str]) {
    let mut form = vec![("session", session.to_string())];
    for (i, id) in who.iter().enumerate() {
        form.push((["attended[a]", "attended[b]"][i], id.to_string()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, v) = call(app, c, "save_attendance", &form).await;
    assert!(status < 400, "{v}");
}

async fn training_records(backend: Backend) {
    let app = spawn(backend).await;
    let db = app.db().await;
    app.create_user("r.manager", Role::EnterpriseManager, PW).await;
    app.create_user("r.admin", Role::TrainingAdmin, PW).await;
    let m = app.login("r.manager", PW).await;
    let admin = app.login("r.admin", PW).await;
    let other = manager_of(&app, "r.other", "OTHERCODE1").await;
    let o = app.login("r.other", PW).await;
    let ts = app::base::db::now();
    let today = Day::of_timestamp(ts);
    let year = today.ymd().0;
    let (day, last_year) = (today.to_string(), Day::from_ymd(year - 1, 6, 1).expect("day").to_string());
    let (day, last_year) = (day.as_str(), last_year.as_str());

    let zhang = employee(&app, &m, "张三", "other", "2020-03-01", "").await;
    let li = employee(&app, &m, "李四", "principal", "2019-05-01", "").await;
    let wang = employee(&app, &o, "王五", "other", "2021-01-01", "").await;
    let held = session(&app, &m, "消防安全培训", day).await;
    attend(&app, &m, &held, &[&zhang, &li]).await;
    let old = session(&app, &m, "去年的培训", last_year).await;
    attend(&app, &m, &old, &[&zhang]).await;
    let theirs = session(&app, &o, "他厂培训", day).await;
    attend(&app, &o, &theirs, &[&wang]).await;

    // A network course completed (with a title a spreadsheet would run as a formula), and a
    // contest credited through the quiz's path.
    let (zhang_id, li_id): (i64, i64) = (zhang.parse().expect("id"), li.parse().expect("id"));
    let enterprise: i64 = sqlx::query_scalar("select enterprise_id from training_employees where id = $1")
        .bind(zhang_id)
        .fetch_one(&db.pool)
        .await
        .expect("enterprise");
    let author: i64 = sqlx::query_scalar("select id from users where username = 'r.admin'").fetch_one(&db.pool).await.expect("admin");
    let course: i64 = sqlx::query_scalar(
        "insert into training_courses (title, summary, minutes, published, created_by, created_at, updated_at) \
         values ('=1+1 网络课程', '', 90, 1, $1, 0, 0) returning id",
    )
    .bind(author)
    .fetch_one(&db.pool)
    .await
    .expect("course");
    sqlx::query(
        "insert into training_course_completions (employee_id, course_id, enterprise_id, completed_on, minutes, completed_at) \
         values ($1, $2, $3, $4, 90, $5)",
    )
    .bind(zhang_id)
    .bind(course)
    .bind(enterprise)
    .bind(today.0)
    .bind(ts)
    .execute(&db.pool)
    .await
    .expect("completion");
    let contest: i64 = sqlx::query_scalar(
        "insert into quiz_contests (title, description, opens_at, closes_at, time_limit_s, attempts_per_day, attempts_total, \
         valid_percent, audience, review, partial_credit, name_privacy, pools, enterprises, towns, created_by, created_at, updated_at, \
         credit_minutes) values ('安全知识竞赛', '', $1, $2, 600, 1, 1, 60, 'employees', 0, 0, 'full', '[]', '[]', '[]', $3, $1, $1, 45) \
         returning id",
    )
    .bind(ts - 3600)
    .bind(ts + 3600)
    .bind(author)
    .fetch_one(&db.pool)
    .await
    .expect("contest");
    let mut tx = db.begin().await.expect("tx");
    let credited = app::credits::ssr::credit_contest(&mut tx, (li_id, enterprise), contest, "安全知识竞赛", 45, ts).await.expect("credit");
    tx.commit().await.expect("commit");
    assert!(credited);
    // 李四 leaves: their records stay.
    sqlx::query("update training_employees set active = 0 where id = $1").bind(li_id).execute(&db.pool).await.expect("left");

    // The manager's file of this year: their enterprise's four trainings, nothing of last year's
    // or of the other enterprise.
    let (status, csv) = file(&app, &m, "/training/enterprise/records.csv").await;
    assert_eq!(status, 200);
    let mut want = vec![
        vec!["张三", "在职", "集中培训", "消防安全培训", "再培训", "李老师", day, "8", "360"],
        vec!["张三", "在职", "网络课堂", "'=1+1 网络课程", "", "", day, "2", "90"],
        vec!["李四", "已离职", "集中培训", "消防安全培训", "再培训", "李老师", day, "8", "360"],
        vec!["李四", "已离职", "知识竞赛", "安全知识竞赛", "", "", day, "1", "45"],
    ];
    want.sort();
    let mut got = brief(&csv);
    got.sort();
    assert_eq!(got, want, "{csv:?}");
    assert!(csv.iter().all(|r| r[0] == "测试企业" && r[1] == "TESTCODE1"), "{csv:?}");
    assert!(csv.iter().any(|r| r[5] == "李四" && r[6] == "主要负责人"), "{csv:?}");
    let (status, xlsx) = file(&app, &m, &format!("/training/enterprise/records.xlsx?year={year}")).await;
    assert_eq!(status, 200);
    assert_eq!(xlsx, csv, "the workbook holds the same lines");
    let (_, before) = file(&app, &m, &format!("/training/enterprise/records.csv?year={}", year - 1)).await;
    assert_eq!(brief(&before), vec![vec!["张三", "在职", "集中培训", "去年的培训", "再培训", "李老师", last_year, "8", "360"]]);

    // The other manager sees only their own; the district sees every enterprise.
    let (_, theirs) = file(&app, &o, "/training/enterprise/records.csv").await;
    assert_eq!(brief(&theirs), vec![vec!["王五", "在职", "集中培训", "他厂培训", "再培训", "李老师", day, "8", "360"]]);
    let (status, district) = file(&app, &admin, "/staff/training/records.csv").await;
    assert_eq!(status, 200);
    let mut expected = csv.clone();
    expected.extend(theirs.clone());
    expected.sort();
    assert_eq!(district, expected, "the district's file is both enterprises' lines");
    let (_, district_xlsx) = file(&app, &admin, "/staff/training/records.xlsx").await;
    assert_eq!(district_xlsx, district);
    // A retired enterprise leaves the district's file, as it leaves the overview.
    sqlx::query("update enterprises set active = 0 where id = $1").bind(other).execute(&db.pool).await.expect("retire");
    assert_eq!(file(&app, &admin, "/staff/training/records.csv").await.1, csv);

    // The file's name; refusals.
    let resp = admin.get(app.url("/staff/training/records.xlsx")).send().await.expect("get");
    let disposition = resp.headers()["content-disposition"].to_str().unwrap_or("").to_string();
    assert!(disposition.contains(&format!("district-training-records-{year}.xlsx")), "{disposition}");
    assert_eq!(file(&app, &admin, "/staff/training/records.csv?year=1800").await.0, 400);
    assert_eq!(file(&app, &m, &format!("/training/enterprise/records.csv?year={}", year + 2)).await.0, 400);
    assert_eq!(file(&app, &m, "/staff/training/records.csv").await.0, 403);
    assert_eq!(file(&app, &admin, "/training/enterprise/records.xlsx").await.0, 403);
    let anonymous = crate::helpers::new_client();
    assert_eq!(file(&app, &anonymous, "/training/enterprise/records.csv").await.0, 401);
}
both_backends!(training_records);
