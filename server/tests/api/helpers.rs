//! Test harness: start the real application on port 0 against a fresh SQLite file or a fresh
//! PostgreSQL database, and talk to it over HTTP like a browser without JavaScript would.
use app::accounts::Role;
use safewhistle::config::Config;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// A fresh, empty database URL for `backend`.
pub async fn fresh_database(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(unique("sw_test"));
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!("sqlite://{}/test.db", dir.display())
        }
        Backend::Postgres => {
            let admin = std::env::var("SW_TEST_POSTGRES_URL").expect(
                "SW_TEST_POSTGRES_URL is not set: the PostgreSQL tests need a server \
                 (scripts/test.sh starts one); set SW_TEST_SKIP_POSTGRES=1 to skip them explicitly",
            );
            use sqlx::Connection;
            let name = unique("sw_test");
            let mut conn = sqlx::PgConnection::connect(&admin).await.expect("connect to test PostgreSQL");
            sqlx::query(&format!("create database {name}")).execute(&mut conn).await.expect("create database");
            let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).expect("URL with a database name");
            format!("{base}/{name}")
        }
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    /// The running application's own pool (one pool per test app keeps PostgreSQL connections bounded).
    pub pool_db: app::base::db::Db,
    pub config: Config,
    pub client: reqwest::Client,
    /// The metrics listener, when the config asked for one.
    pub metrics_addr: Option<SocketAddr>,
}

pub fn test_config(database_url: String) -> Config {
    Config {
        database_url,
        bind: "127.0.0.1:0".parse().expect("addr"),
        cpu_workers: 2,
        data_key: Some(app::base::crypto::DataKey::generate_base64()),
        // Tests post forms without solving the proof of work; no need to wait for it.
        nojs_delay_ms: 0,
        // Per-client limits are tested on their own; the other tests post a lot from one address.
        report_submits_per_hour: 10_000,
        case_lookups_per_hour: 10_000,
        contest_joins_per_hour: 10_000,
        question_feedback_per_hour: 10_000,
        // Test servers are never shut down (which removes their spool directories): keep the
        // empty directories they leave in one place.
        upload_spool_dir: Some(std::env::temp_dir().join("safewhistle-test-spools")),
        ..Config::default()
    }
}

pub async fn spawn_with(config: Config) -> TestApp {
    let app = safewhistle::build(config.clone()).await.expect("build app");
    let addr = app.local_addr().expect("local addr");
    let pool_db = app.db();
    let metrics_addr = app.metrics_addr();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    TestApp { addr, pool_db, config, client: new_client(), metrics_addr }
}

pub async fn spawn(backend: Backend) -> TestApp {
    spawn_with(test_config(fresh_database(backend).await)).await
}

/// A client with its own cookie jar that does not follow redirects (so tests can see them).
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // A response that never ends fails its test instead of holding up the whole run.
        .timeout(std::time::Duration::from_secs(90))
        .build()
        .expect("client")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// Call a server function the way the WASM app does (form-encoded in, JSON out).
    pub async fn call(&self, client: &reqwest::Client, name: &str, form: &[(&str, &str)]) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{name}")))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("server fn call")
    }

    /// Create an account directly through the app's account service.
    pub async fn create_user(&self, username: &str, role: Role, password: &str) {
        let db = self.db().await;
        let (department_id, enterprise_id) = ensure_scopes(&db, role).await;
        let hash = app::accounts::ssr::hash_password_blocking(password).expect("hash");
        let user = app::accounts::ssr::NewUser {
            username: username.into(),
            display_name: format!("{username} 测试"),
            role,
            department_id,
            enterprise_id,
            is_demo: false,
        };
        app::accounts::ssr::insert_user(&db, &user, &hash).await.expect("insert user");
    }

    /// Departments, towns and the demo enterprise, as `seed-demo` creates them.
    pub async fn seed_reference(&self) {
        let db = self.db().await;
        safewhistle::seed::seed_reference(&db).await.expect("seed reference data");
    }

    pub async fn db(&self) -> app::base::db::Db {
        self.pool_db.clone()
    }

    /// A client logged in as `username`.
    pub async fn login(&self, username: &str, password: &str) -> reqwest::Client {
        let client = new_client();
        let resp = self.call(&client, "login", &[("username", username), ("password", password), ("totp_code", "")]).await;
        assert!(resp.status().is_success(), "login of {username} failed: {}", resp.status());
        client
    }
}

/// Departments/enterprises that scoped roles need.
async fn ensure_scopes(db: &app::base::db::Db, role: Role) -> (Option<i64>, Option<i64>) {
    let ts = app::base::db::now();
    if role.needs_department() {
        sqlx::query(
            "insert into departments (code, name_zh, name_en, created_at) values ('T1', '测试部门', 'Test dept', $1) \
             on conflict (code) do nothing",
        )
        .bind(ts)
        .execute(&db.pool)
        .await
        .expect("department");
        let id: i64 = sqlx::query_scalar("select id from departments where code = 'T1'")
            .fetch_one(&db.pool)
            .await
            .expect("department id");
        return (Some(id), None);
    }
    if role.needs_enterprise() {
        sqlx::query(
            "insert into enterprises (name, credit_code, created_at) values ('测试企业', 'TESTCODE1', $1) \
             on conflict (credit_code) do nothing",
        )
        .bind(ts)
        .execute(&db.pool)
        .await
        .expect("enterprise");
        let id: i64 = sqlx::query_scalar("select id from enterprises where credit_code = 'TESTCODE1'")
            .fetch_one(&db.pool)
            .await
            .expect("enterprise id");
        return (None, Some(id));
    }
    (None, None)
}

/// Run a test body on both backends.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(skip_postgres, ignore = "SW_TEST_SKIP_POSTGRES=1")]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await;
            }
        }
    };
}

/// An import report's line errors as "line:field=code".
pub fn line_errors(v: &serde_json::Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .map(|a| a.iter().map(|e| format!("{}:{}={}", e["line"], e["field"].as_str().unwrap_or(""), e["code"].as_str().unwrap_or(""))).collect())
        .unwrap_or_default()
}

/// The field errors of a refusal as "field=code".
pub fn codes(v: &serde_json::Value) -> Vec<String> {
    v["Validation"]
        .as_array()
        .map(|a| a.iter().map(|e| format!("{}={}", e["field"].as_str().unwrap_or(""), e["code"].as_str().unwrap_or(""))).collect())
        .unwrap_or_default()
}

/// Call a server function: the status and the body as JSON (or as a string when it is not).
pub async fn call(app: &TestApp, c: &reqwest::Client, name: &str, form: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let resp = app.call(c, name, form).await;
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}

/// A counter from the server's metrics listener (`safewhistle_{name}_total`); the app must be
/// spawned with `metrics_bind` set.
pub async fn metric(app: &TestApp, name: &str) -> u64 {
    let addr = app.metrics_addr.expect("metrics listener");
    let text = new_client().get(format!("http://{addr}/metrics")).send().await.expect("metrics").text().await.expect("text");
    let prefix = format!("safewhistle_{name}_total ");
    text.lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} in the metrics"))
}
