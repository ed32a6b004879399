//! The `safewhistle` binary: admin CLI, seed-demo, bad configuration, and what it logs.
use crate::helpers::{fresh_database, Backend};
use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_safewhistle"));
    c.env_remove("SW_CONFIG").env_remove("SW_DATA_KEY_FILE");
    c.env("SW_DATA_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
    c
}

fn run(db: &str, args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = bin()
        .args(args)
        .env("DATABASE_URL", db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn safewhistle");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[tokio::test]
async fn create_user_and_seed_demo_on_sqlite() {
    let db = fresh_database(Backend::Sqlite).await;
    let (ok, out) = run(&db, &["migrate"], "");
    assert!(ok, "{out}");

    // seed-demo on an empty database prints one account per role.
    let (ok, out) = run(&db, &["seed-demo"], "");
    assert!(ok, "{out}");
    for user in ["demo.admin", "demo.intake", "demo.handler", "demo.reward", "demo.training", "demo.manager", "demo.employee"] {
        assert!(out.contains(user), "{user} missing from {out}");
    }
    let (ok, out) = run(&db, &["seed-demo"], "");
    assert!(ok && out.contains("already present"), "{out}");

    // A real account; then seed-demo refuses.
    let (ok, out) = run(&db, &["admin", "create-user", "--role", "intake_officer", "--name", "li.intake"], "a good long password\n");
    assert!(ok, "{out}");
    let (ok, out) = run(&db, &["admin", "create-user", "--role", "intake_officer", "--name", "li.intake"], "a good long password\n");
    assert!(!ok && out.contains("username_taken"), "{out}");
    let (ok, out) = run(&db, &["admin", "create-user", "--role", "wizard", "--name", "x.y"], "a good long password\n");
    assert!(!ok && out.contains("--role"), "{out}");
    let (ok, out) = run(&db, &["admin", "create-user", "--role", "department_handler", "--name", "h.x"], "a good long password\n");
    assert!(!ok && out.contains("department_required"), "{out}");
    let (ok, out) = run(&db, &["admin", "create-user", "--role", "department_handler", "--name", "h.x", "--department", "ZJJ"], "a good long password\n");
    assert!(ok, "{out}");

    let fresh = fresh_database(Backend::Sqlite).await;
    run(&fresh, &["admin", "create-user", "--role", "admin", "--name", "real.admin"], "a good long password\n");
    let (ok, out) = run(&fresh, &["seed-demo"], "");
    assert!(!ok && out.contains("refusing"), "{out}");
}

#[test]
fn missing_data_key_stops_the_server_with_the_setting_named() {
    let out = Command::new(env!("CARGO_BIN_EXE_safewhistle"))
        .env_remove("SW_DATA_KEY")
        .env_remove("SW_DATA_KEY_FILE")
        .env("DATABASE_URL", "sqlite::memory:")
        .env("SW_BIND", "127.0.0.1:0")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("SW_DATA_KEY_FILE"));
    let (ok, key) = run("sqlite::memory:", &["gen-key"], "");
    assert!(ok);
    assert!(app::base::crypto::DataKey::from_base64(key.trim()).is_ok(), "{key}");
}

#[test]
fn unusable_database_url_names_the_setting() {
    let (ok, out) = run("mysql://localhost/x", &["migrate"], "");
    assert!(!ok);
    assert!(out.contains("DATABASE_URL"), "{out}");
    let (ok, out) = run("sqlite:///proc/definitely/not/here/x.db", &["migrate"], "");
    assert!(!ok);
    assert!(out.contains("DATABASE_URL"), "{out}");
    let (ok, out) = run("postgres://nobody@127.0.0.1:1/none", &["migrate"], "");
    assert!(!ok);
    assert!(out.contains("DATABASE_URL"), "{out}");
}

#[tokio::test]
async fn logs_hold_no_client_address_or_user_agent() {
    let db = fresh_database(Backend::Sqlite).await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let mut child = bin()
        .env("DATABASE_URL", &db)
        .env("SW_BIND", format!("127.0.0.1:{port}"))
        .env("SW_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Read the logs as they come: trace logging fills a pipe's buffer long before the end, and a
    // server blocked on a full pipe would stop answering.
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out_reader = drain(Box::new(child.stdout.take().expect("stdout")));
    let err_reader = drain(Box::new(child.stderr.take().expect("stderr")));
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..100 {
        if client.get(format!("{url}/healthz")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "server did not start");
    for path in ["/", "/report", "/report/new", "/lookup", "/lookup/case", "/nope"] {
        client
            .get(format!("{url}{path}"))
            .header("user-agent", "SecretAgent/9.9 (fingerprint-marker)")
            .header("x-forwarded-for", "203.0.113.77")
            .send()
            .await
            .expect("get");
    }
    client
        .post(format!("{url}/api/login"))
        .header("user-agent", "SecretAgent/9.9 (fingerprint-marker)")
        .header("x-forwarded-for", "203.0.113.77")
        .form(&[("username", "u.v.w"), ("password", "p")])
        .send()
        .await
        .expect("post");
    // The public tip-off routes: a report (refused for its token), a lookup, a message.
    let form = reqwest::multipart::Form::new().text("form_token", "1.2.3").text("description", "日志测试");
    client
        .post(format!("{url}/report/submit"))
        .header("user-agent", "SecretAgent/9.9 (fingerprint-marker)")
        .header("x-forwarded-for", "203.0.113.77")
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .expect("post");
    client
        .post(format!("{url}/api/lookup_case"))
        .header("user-agent", "SecretAgent/9.9 (fingerprint-marker)")
        .header("x-forwarded-for", "203.0.113.77")
        .form(&[("case_number", "AQ0000000000"), ("access_code", "00000000000000000000")])
        .send()
        .await
        .expect("post");
    client
        .post(format!("{url}/lookup/message"))
        .header("user-agent", "SecretAgent/9.9 (fingerprint-marker)")
        .header("x-forwarded-for", "203.0.113.77")
        .multipart(reqwest::multipart::Form::new().text("body", "hi"))
        .send()
        .await
        .expect("post");
    // SIGTERM: graceful shutdown.
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    let status = child.wait().expect("wait");
    let (out, err) = (out_reader.join().expect("stdout"), err_reader.join().expect("stderr"));
    let logs = format!("{}{}", String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
    assert!(status.success(), "graceful shutdown exits 0: {logs}");
    assert!(logs.contains("request"), "trace logging was on: {logs}");
    assert!(logs.contains("/report/submit") && logs.contains("/lookup/message"), "report routes were logged: {logs}");
    assert!(!logs.contains("fingerprint-marker"), "user agent in logs: {logs}");
    assert!(!logs.contains("203.0.113.77"), "client address in logs: {logs}");
}

/// `rules reward`, `rules deadline` (on the seeded holiday calendar), `audit verify` (intact and
/// tampered) and the deadline job, through the binary.
#[tokio::test]
async fn rules_audit_and_deadline_commands() {
    let db = fresh_database(Backend::Sqlite).await;
    let (ok, out) = run(&db, &["seed-demo"], "");
    assert!(ok, "{out}");
    let (ok, out) = run(&db, &["rules", "reward", "--fine", "200000"], "");
    assert!(ok && out.contains("reward 30000 yuan"), "{out}");
    let (ok, out) = run(&db, &["rules", "reward", "--fine", "10000"], "");
    assert!(ok && out.contains("reward 3000 yuan"), "minimum applies: {out}");
    let (ok, out) = run(&db, &["rules", "reward", "--level", "major", "--deaths", "10"], "");
    assert!(ok && out.contains("reward 300000 yuan"), "capped: {out}");
    let (ok, out) = run(&db, &["rules", "reward", "--fine=-5"], "");
    assert!(!ok && out.contains("amount_negative"), "{out}");
    // 2026-09-30 (Wed) + 5 working days over the National Day holiday (1–7 Oct) and the 调休
    // Saturday 10 Oct: 8, 9, 10, 12, 13 → 13 Oct.
    let (ok, out) = run(&db, &["rules", "deadline", "--stage", "acceptance", "--from", "2026-09-30"], "");
    assert!(ok && out.contains("due 2026-10-13"), "{out}");
    let (ok, out) = run(&db, &["rules", "deadline", "--stage", "verification", "--from", "2026-09-30"], "");
    assert!(ok && out.contains("due 2026-11-29"), "{out}");
    let (ok, out) = run(&db, &["rules", "deadline", "--stage", "lunch", "--from", "2026-09-30"], "");
    assert!(!ok && out.contains("unknown stage"), "{out}");

    // seed-demo wrote routing rules through the audited path: the chain verifies.
    let (ok, out) = run(&db, &["audit", "verify"], "");
    assert!(ok && out.contains("audit chain verified"), "{out}");
    let (ok, out) = run(&db, &["deadline-job"], "");
    assert!(ok && out.contains("deadline breaches recorded: 0"), "{out}");
    // The head, for a record kept outside the database: "<seq> <64 hex>".
    let (ok, out) = run(&db, &["audit", "head"], "");
    let head: Vec<&str> = out.split_whitespace().collect();
    assert!(ok && head.len() == 2 && head[0].parse::<i64>().expect("seq") > 1 && head[1].len() == 64, "{out}");
    // The chain is keyed: with another data key it does not verify (someone who can write the
    // database but does not hold the key cannot rebuild a matching chain).
    let other = bin()
        .args(["audit", "verify"])
        .env("DATABASE_URL", &db)
        .env("SW_DATA_KEY", "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=")
        .output()
        .expect("run");
    assert!(!other.status.success(), "verified with the wrong key");
    let path = db.trim_start_matches("sqlite://").to_string();
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{path}")).await.expect("open");
    sqlx::query("drop trigger audit_log_no_update").execute(&pool).await.expect("drop trigger");
    sqlx::query("update audit_log set details = '{}' where seq = 2").execute(&pool).await.expect("tamper");
    pool.close().await;
    let (ok, out) = run(&db, &["audit", "verify"], "");
    assert!(!ok && out.contains("broken at row 2"), "{out}");
}
