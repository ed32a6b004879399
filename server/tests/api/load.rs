//! Correctness under concurrency (issue 11): many clients at once on every public page and a set
//! of staff pages, with a few hundred report submissions in the middle of it. Nothing may answer
//! outside 2xx/3xx, no connection may be dropped, no panic may happen anywhere in the process, and
//! every report whose receipt was sent must be stored. This checks correctness, not speed: there
//! is no timing assertion.
use crate::both_backends;
use crate::helpers::{fresh_database, metric, new_client, spawn_with, test_config, Backend, TestApp};
use crate::reports::{form_token, submit, valid_fields};
use app::accounts::Role;
use safewhistle::config::Config;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Panics anywhere in this test process (server tasks included), counted by a hook that keeps the
/// default report. Another test's failed assertion would count too, which is a failure anyway.
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// The message of the one panic a test makes on purpose (the catch-panic test); not counted.
pub const DELIBERATE_PANIC: &str = "deliberate test panic";

fn count_panics() {
    static HOOK: OnceLock<()> = OnceLock::new();
    HOOK.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info.payload().downcast_ref::<String>().cloned().unwrap_or_default();
            let deliberate = message.contains(DELIBERATE_PANIC);
            if !deliberate {
                PANICS.fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
    });
}

const CLIENTS: usize = 32;
const ROUNDS: usize = 12;
const SUBMISSIONS: usize = 200;
const PUBLIC_PAGES: &[&str] = &["/", "/report", "/report/new", "/lookup", "/quiz", "/training", "/login"];
const STAFF_PAGES: &[&str] = &["/staff", "/staff/reports", "/staff/dashboard"];

#[derive(Default)]
struct Tally {
    ok: usize,
    bad_status: Vec<String>,
    dropped: Vec<String>,
}

async fn many_clients_and_submissions(backend: Backend) {
    count_panics();
    let panics_before = PANICS.load(Ordering::SeqCst);
    let config = Config {
        metrics_bind: Some("127.0.0.1:0".parse().expect("addr")),
        ..test_config(fresh_database(backend).await)
    };
    let app = Arc::new(spawn_with(config).await);
    app.seed_reference().await;
    app.create_user("load.intake", Role::IntakeOfficer, "load test password 1").await;
    let staff = app.login("load.intake", "load test password 1").await;
    let tally = Arc::new(Mutex::new(Tally::default()));

    let mut tasks = tokio::task::JoinSet::new();
    // Page readers: each has its own connection pool; every fourth is the logged-in officer.
    for c in 0..CLIENTS {
        let app = app.clone();
        let tally = tally.clone();
        let client = if c % 4 == 0 { staff.clone() } else { new_client() };
        let pages: Vec<&'static str> =
            if c % 4 == 0 { PUBLIC_PAGES.iter().chain(STAFF_PAGES).copied().collect() } else { PUBLIC_PAGES.to_vec() };
        tasks.spawn(async move {
            for _ in 0..ROUNDS {
                for page in &pages {
                    let outcome = client.get(app.url(page)).send().await;
                    let outcome = match outcome {
                        Ok(resp) => {
                            let status = resp.status();
                            // Read the whole body: a connection reset mid-page is a failure too.
                            match resp.bytes().await {
                                Ok(_) if status.is_success() || status.is_redirection() => Ok(()),
                                Ok(_) => Err((false, format!("{page}: {status}"))),
                                Err(e) => Err((true, format!("{page}: body {e}"))),
                            }
                        }
                        Err(e) => Err((true, format!("{page}: {e}"))),
                    };
                    let mut t = tally.lock().expect("tally");
                    match outcome {
                        Ok(()) => t.ok += 1,
                        Err((true, msg)) => t.dropped.push(msg),
                        Err((false, msg)) => t.bad_status.push(msg),
                    }
                }
            }
        });
    }
    // Reporters: each takes a fresh form token and submits once, all at the same time.
    let receipts = Arc::new(Mutex::new(Vec::<String>::new()));
    for _ in 0..SUBMISSIONS {
        let app = app.clone();
        let tally = tally.clone();
        let receipts = receipts.clone();
        tasks.spawn(async move {
            let client = new_client();
            let mut fields = valid_fields();
            fields.push(("form_token", form_token(&app, &client).await));
            match submit(&app, &client, &fields, vec![]).await.error_for_status() {
                Ok(resp) => match resp.json::<Value>().await {
                    Ok(v) => {
                        let number = v["case_number"].as_str().unwrap_or_default().to_string();
                        receipts.lock().expect("receipts").push(number);
                        tally.lock().expect("tally").ok += 1;
                    }
                    Err(e) => tally.lock().expect("tally").dropped.push(format!("submit: {e}")),
                },
                Err(e) => tally.lock().expect("tally").bad_status.push(format!("submit: {e}")),
            }
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.expect("client task");
    }

    let t = tally.lock().expect("tally");
    let expected_pages = CLIENTS * ROUNDS * PUBLIC_PAGES.len() + (CLIENTS / 4) * ROUNDS * STAFF_PAGES.len();
    // About one render in several thousand under this load used to stall (an upstream Suspense
    // wake-up race, docs/benchmarks.md) and answer 408 after 30 s; the server now abandons such a
    // render after a third of the timeout and starts it again (`retry_stalled_page`), so no
    // timeout at all is accepted here.
    let others = &t.bad_status;
    let retries = metric(&app, "page_render_retries").await;
    eprintln!("load test ({backend:?}): {} requests answered, {retries} stalled render(s) started again", t.ok);
    assert!(others.is_empty(), "{} answers outside 2xx/3xx, e.g. {:?}", others.len(), &others[..others.len().min(5)]);
    assert!(t.dropped.is_empty(), "{} dropped connections, e.g. {:?}", t.dropped.len(), &t.dropped[..t.dropped.len().min(5)]);
    assert_eq!(t.ok, expected_pages + SUBMISSIONS, "every request answered");
    assert_eq!(PANICS.load(Ordering::SeqCst), panics_before, "panics in the process during the run");
    stored_as_acknowledged(&app, &receipts.lock().expect("receipts")).await;
}


/// Every receipt names a stored report with its first timeline entry, and nothing else was stored.
async fn stored_as_acknowledged(app: &TestApp, receipts: &[String]) {
    assert_eq!(receipts.len(), SUBMISSIONS);
    let db = app.db().await;
    let stored: i64 = sqlx::query_scalar("select count(*) from reports").fetch_one(&db.pool).await.expect("count");
    assert_eq!(stored as usize, receipts.len(), "reports stored = receipts sent");
    for number in receipts {
        let events: i64 = sqlx::query_scalar(
            "select count(*) from report_events e join reports r on r.id = e.report_id \
             where r.case_number = $1 and e.kind = 'submitted'",
        )
        .bind(number)
        .fetch_one(&db.pool)
        .await
        .expect("events");
        assert_eq!(events, 1, "report {number} stored whole");
    }
}

both_backends!(many_clients_and_submissions);
