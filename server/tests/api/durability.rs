//! No acknowledged report is lost (issue 10): the real `safewhistle` binary is killed with
//! SIGKILL while 500 report submissions (each with a photo) are in flight; after a restart every
//! report whose receipt reached its sender is stored with its attachment, no report is stored in
//! part, and the audit chain verifies. On SQLite this holds already with WAL and
//! `synchronous = NORMAL` (a committed transaction is in the WAL file, which survives the
//! process; the test runs with it); a power loss needs `FULL`, the default (docs/benchmarks.md).
use crate::both_backends;
use crate::helpers::{fresh_database, new_client, Backend};
use crate::reports::{jpeg_with_gps, valid_fields};
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

const BIN: &str = env!("CARGO_BIN_EXE_safewhistle");
const SUBMISSIONS: usize = 500;
/// Receipts received before the kill.
const KILL_AFTER: usize = 40;

/// The server process; killed when dropped, so a failing test leaves nothing running.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn server(url: &str, key: &str, port: u16, log: &std::path::Path) -> Server {
    let log = std::fs::File::create(log).expect("log file");
    let child = Command::new(BIN)
        .env("DATABASE_URL", url)
        .env("SW_BIND", format!("127.0.0.1:{port}"))
        .env("SW_DATA_KEY", key)
        .env("SW_NOJS_DELAY_MS", "0")
        .env("SW_REPORT_SUBMITS_PER_HOUR", "100000")
        .env("SW_CPU_WORKERS", "2")
        .env("SW_LOG", "warn")
        // The weaker SQLite setting: if it survives a process kill, the default (full) does too.
        .env("SW_SQLITE_SYNCHRONOUS", "normal")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start the safewhistle binary");
    Server(child)
}

async fn wait_healthy(port: u16) {
    for _ in 0..300 {
        if let Ok(r) = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await {
            if r.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("server did not become healthy");
}

async fn kill_during_submissions(backend: Backend) {
    let url = fresh_database(backend).await;
    let key = app::base::crypto::DataKey::generate_base64();
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let dir = std::env::temp_dir().join(format!("sw_durability_{}_{port}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let mut child = server(&url, &key, port, &dir.join("first.log"));
    wait_healthy(port).await;
    {
        let data_key = app::base::crypto::DataKey::from_base64(&key).expect("key");
        let db = app::base::db::Db::connect(&url, 2).await.expect("db").with_data_key(Arc::new(data_key));
        safewhistle::seed::seed_reference(&db).await.expect("seed");
    }

    let base = format!("http://127.0.0.1:{port}");
    let receipts: Arc<Mutex<Vec<(String, u64)>>> = Arc::default();
    let killed = Arc::new(tokio::sync::Notify::new());
    let mut tasks = tokio::task::JoinSet::new();
    let photo = jpeg_with_gps();
    for _ in 0..SUBMISSIONS {
        let (base, receipts, killed, photo) = (base.clone(), receipts.clone(), killed.clone(), photo.clone());
        tasks.spawn(async move {
            let client = new_client();
            let Ok(resp) = client.post(format!("{base}/api/report_form")).header("accept", "application/json").send().await else {
                return;
            };
            let Ok(ctx) = resp.json::<Value>().await else { return };
            let mut form = Form::new().text("form_token", ctx["token"].as_str().unwrap_or_default().to_string());
            for (k, v) in valid_fields() {
                form = form.text(k, v);
            }
            form = form.part("files", Part::bytes(photo).file_name("p.jpg").mime_str("image/jpeg").expect("mime"));
            let sent = client.post(format!("{base}/report/submit")).header("accept", "application/json").multipart(form).send().await;
            // A receipt counts only if it arrived whole.
            if let Ok(resp) = sent {
                if resp.status() == 200 {
                    if let Ok(v) = resp.json::<Value>().await {
                        let number = v["case_number"].as_str().unwrap_or_default().to_string();
                        let files = v["files_stored"].as_u64().unwrap_or(0);
                        let mut r = receipts.lock().expect("receipts");
                        r.push((number, files));
                        if r.len() == KILL_AFTER {
                            killed.notify_one();
                        }
                    }
                }
            }
        });
    }
    tokio::time::timeout(std::time::Duration::from_secs(300), killed.notified())
        .await
        .expect("enough receipts before the kill");
    child.0.kill().expect("SIGKILL");
    child.0.wait().expect("reaped");
    while tasks.join_next().await.is_some() {}
    let acknowledged = receipts.lock().expect("receipts").clone();
    assert!(acknowledged.len() >= KILL_AFTER && acknowledged.len() < SUBMISSIONS, "killed mid-run: {}", acknowledged.len());

    // Restart on the same database: every acknowledged report is there, whole.
    let child = server(&url, &key, port, &dir.join("second.log"));
    wait_healthy(port).await;
    let db = app::base::db::Db::connect(&url, 2).await.expect("db");
    for (number, files) in &acknowledged {
        let (id, status): (i64, String) = sqlx::query_as("select id, status from reports where case_number = $1")
            .bind(number)
            .fetch_one(&db.pool)
            .await
            .unwrap_or_else(|e| panic!("acknowledged report {number} lost: {e}"));
        assert_eq!(status, "submitted");
        let stored: i64 = sqlx::query_scalar("select count(*) from attachments where report_id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .expect("attachments");
        assert_eq!(stored as u64, *files, "{number}: attachments");
        assert_eq!(*files, 1);
    }
    // Nothing half-stored, acknowledged or not: every report has its photo and first event.
    let partial: i64 = sqlx::query_scalar(
        "select count(*) from reports r where (select count(*) from attachments a where a.report_id = r.id) <> 1 \
         or (select count(*) from report_events e where e.report_id = r.id and e.kind = 'submitted') <> 1",
    )
    .fetch_one(&db.pool)
    .await
    .expect("partial");
    assert_eq!(partial, 0, "reports stored in part");
    let total: i64 = sqlx::query_scalar("select count(*) from reports").fetch_one(&db.pool).await.expect("count");
    assert!(total as usize >= acknowledged.len());
    eprintln!("durability: {} acknowledged before SIGKILL, {total} stored after restart", acknowledged.len());
    let verify = Command::new(BIN)
        .args(["audit", "verify"])
        .env("DATABASE_URL", &url)
        .env("SW_DATA_KEY", &key)
        .env("SW_LOG", "warn")
        .output()
        .expect("audit verify");
    assert!(verify.status.success(), "audit chain: {}", String::from_utf8_lossy(&verify.stdout));
    drop(child);
    db.pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
both_backends!(kill_during_submissions);
