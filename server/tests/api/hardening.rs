//! Hardening of the public side (issue 10), on both databases: limits that hold behind a proxy
//! and are spent only by real forms, login attempts counted before argon2, case numbers that
//! cannot be locked against their reporter, image decoding within a budget, no open redirect,
//! upload files spooled to disk within a budget and never left behind, no caching of dynamic pages, metrics off the public port, no panic on a hostile case number,
//! and a catch-all that answers a panic with a 500 page instead of a dropped connection.
use crate::both_backends;
use crate::helpers::{fresh_database, new_client, spawn, spawn_with, test_config, Backend, TestApp};
use crate::reports::{form_token, report, valid_fields};
use app::accounts::Role;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

/// A multipart report post from `client_ip` as a trusted proxy would forward it.
async fn post_via_proxy(app: &TestApp, client_ip: &str, form: Form) -> reqwest::Response {
    new_client()
        .post(app.url("/report/submit"))
        .header("accept", "application/json")
        .header("x-forwarded-for", format!("203.0.113.250, {client_ip}"))
        .multipart(form)
        .send()
        .await
        .expect("post")
}

fn report_form(token: String) -> Form {
    let mut form = Form::new().text("form_token", token);
    for (k, v) in valid_fields() {
        form = form.text(k, v);
    }
    form
}

async fn limits_behind_a_proxy_count_real_forms_only(backend: Backend) {
    let mut config = test_config(fresh_database(backend).await);
    config.report_submits_per_hour = 2;
    config.trusted_proxies = "127.0.0.1, ::1".into();
    let app = spawn_with(config).await;
    app.seed_reference().await;
    let c = new_client();
    // Ten junk posts from one client (as in the finding: `-F x=1`) spend nothing.
    for _ in 0..10 {
        let resp = post_via_proxy(&app, "198.51.100.7", Form::new().text("x", "1")).await;
        assert_eq!(resp.status(), 400);
    }
    // The same client's real reports: two in the hour, the third refused.
    for _ in 0..2 {
        let resp = post_via_proxy(&app, "198.51.100.7", report_form(form_token(&app, &c).await)).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap_or_default());
    }
    let resp = post_via_proxy(&app, "198.51.100.7", report_form(form_token(&app, &c).await)).await;
    assert_eq!(resp.status(), 429);
    // Another client behind the same proxy is not affected.
    let resp = post_via_proxy(&app, "198.51.100.8", report_form(form_token(&app, &c).await)).await;
    assert_eq!(resp.status(), 200);
    // IPv6 clients are counted per /64: another address in the same /64 shares the budget.
    for _ in 0..2 {
        let resp = post_via_proxy(&app, "2001:db8:1:2::10", report_form(form_token(&app, &c).await)).await;
        assert_eq!(resp.status(), 200);
    }
    let resp = post_via_proxy(&app, "2001:db8:1:2::99", report_form(form_token(&app, &c).await)).await;
    assert_eq!(resp.status(), 429);
    let resp = post_via_proxy(&app, "2001:db8:1:3::10", report_form(form_token(&app, &c).await)).await;
    assert_eq!(resp.status(), 200);

    // A file before the form token is refused before it is read.
    let form = Form::new().part("files", Part::bytes(vec![0u8; 2048]).file_name("a.jpg")).text("form_token", "x");
    let resp = post_via_proxy(&app, "198.51.100.9", form).await;
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.expect("json");
    assert!(v.to_string().contains("form_token_invalid"), "{v}");
}
both_backends!(limits_behind_a_proxy_count_real_forms_only);

async fn forwarded_addresses_from_untrusted_peers_are_ignored(backend: Backend) {
    let mut config = test_config(fresh_database(backend).await);
    config.report_submits_per_hour = 1;
    let app = spawn_with(config).await;
    app.seed_reference().await;
    let c = new_client();
    let resp = post_via_proxy(&app, "198.51.100.1", report_form(form_token(&app, &c).await)).await;
    assert_eq!(resp.status(), 200);
    // No trusted proxy is configured: a made-up X-Forwarded-For does not buy a new budget.
    let resp = post_via_proxy(&app, "198.51.100.2", report_form(form_token(&app, &c).await)).await;
    assert_eq!(resp.status(), 429);
}
both_backends!(forwarded_addresses_from_untrusted_peers_are_ignored);

async fn parallel_wrong_passwords_are_counted_before_argon2(backend: Backend) {
    let app = std::sync::Arc::new(spawn(backend).await);
    app.create_user("guess.target", Role::IntakeOfficer, "the right password 1").await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..40 {
        let app = app.clone();
        tasks.spawn(async move {
            let pw = format!("wrong password {i}");
            app.call(&new_client(), "login", &[("username", "guess.target"), ("password", &pw)]).await.status().as_u16()
        });
    }
    let mut statuses = Vec::new();
    while let Some(s) = tasks.join_next().await {
        statuses.push(s.expect("task"));
    }
    let verified = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(verified, app.config.login_max_failures as usize, "only the allowed attempts reach argon2: {statuses:?}");
    assert_eq!(verified + refused, 40, "{statuses:?}");
    // Locked: even the right password is refused now (without argon2), like any made-up name.
    let resp = app.call(&new_client(), "login", &[("username", "guess.target"), ("password", "the right password 1")]).await;
    assert_eq!(resp.status(), 429);
    let db = app.db().await;
    let failures: i64 = sqlx::query_scalar("select failures from login_throttle where key = 'user:guess.target'")
        .fetch_one(&db.pool)
        .await
        .expect("row");
    assert!(failures >= 5);
}
both_backends!(parallel_wrong_passwords_are_counted_before_argon2);

/// A PNG whose header claims `w`×`h` 16-bit RGBA pixels (8 bytes each), with a correct CRC.
fn png_rgba16_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(8, 8, image::Rgb([1, 2, 3])))
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out[16..20].copy_from_slice(&w.to_be_bytes());
    out[20..24].copy_from_slice(&h.to_be_bytes());
    out[24] = 16; // bit depth
    out[25] = 6; // RGBA
    let crc = crate::reports::crc32(&out[12..29]);
    out[29..33].copy_from_slice(&crc.to_be_bytes());
    out
}

async fn image_budget_is_checked_before_decoding(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let c = new_client();
    // 6000×6000 at 8 bytes a pixel is 288 MB decoded: refused from the header as too large
    // (before, it was allocated and only then found to be short of data).
    for (w, h) in [(6000, 6000), (9000, 5000)] {
        let form = report_form(form_token(&app, &c).await)
            .part("files", Part::bytes(png_rgba16_claiming(w, h)).file_name("x.png").mime_str("image/png").expect("mime"));
        let resp = c.post(app.url("/report/submit")).header("accept", "application/json").multipart(form).send().await.expect("post");
        assert_eq!(resp.status(), 400);
        let v: Value = resp.json().await.expect("json");
        assert!(v.to_string().contains("image_too_large"), "{w}x{h}: {v}");
    }
    let db = app.db().await;
    let n: i64 = sqlx::query_scalar("select count(*) from reports").fetch_one(&db.pool).await.expect("count");
    assert_eq!(n, 0, "nothing stored");
}
both_backends!(image_budget_is_checked_before_decoding);

/// Every file the server holds in its upload spool right now: (count, bytes).
fn spooled(parent: &std::path::Path) -> (usize, u64) {
    let mut n = (0, 0);
    for dir in std::fs::read_dir(parent).expect("spool parent").flatten() {
        for f in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
            n.0 += 1;
            n.1 += f.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    n
}

async fn wait_for_spool(parent: &std::path::Path, want: (usize, u64)) {
    for _ in 0..100 {
        if spooled(parent) == want {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("spool holds {:?}, expected {want:?}", spooled(parent));
}

/// A report post that stops half-way, over a raw connection: its token and two files sent, the
/// body never finished. The server holds both files in its spool while it waits.
async fn stalled_upload(app: &TestApp, token: &str, file: &[u8]) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt as _;
    let b = "stalledboundary7";
    let mut body = format!("--{b}\r\nContent-Disposition: form-data; name=\"form_token\"\r\n\r\n{token}\r\n").into_bytes();
    for _ in 0..2 {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n").as_bytes());
    let head = format!(
        "POST /report/submit HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\n\
         Content-Type: multipart/form-data; boundary={b}\r\nContent-Length: {}\r\n\r\n",
        app.addr,
        body.len() + 4096
    );
    let mut s = tokio::net::TcpStream::connect(app.addr).await.expect("connect");
    s.write_all(head.as_bytes()).await.expect("head");
    s.write_all(&body).await.expect("body");
    s
}

async fn uploads_are_spooled_within_a_budget_and_never_left_behind(backend: Backend) {
    let parent = tempfile::tempdir().expect("tempdir");
    let mut config = test_config(fresh_database(backend).await);
    config.upload_max_files = 2;
    config.upload_max_file_bytes = 64 * 1024;
    // The smallest spool allowed: one whole form, raw and cleaned.
    config.upload_spool_bytes = 4 * 64 * 1024;
    config.upload_spool_dir = Some(parent.path().to_path_buf());
    let app = spawn_with(config).await;
    app.seed_reference().await;
    let c = new_client();
    let photo = crate::reports::jpeg_with_gps();
    let post = |token: String, file: Vec<u8>| {
        let form = report_form(token).part("files", Part::bytes(file).file_name("p.jpg").mime_str("image/jpeg").expect("mime"));
        c.post(app.url("/report/submit")).header("accept", "application/json").multipart(form).send()
    };

    // A report with a photo: stored, and its spooled files gone once it is answered.
    let resp = post(form_token(&app, &c).await, photo.clone()).await.expect("post");
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap_or_default());
    assert_eq!(spooled(parent.path()), (0, 0));

    // Two uploads stalled half-way hold the whole budget (4 × 64 KiB, encrypted on disk).
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(64 * 1024, b'0');
    let s1 = stalled_upload(&app, &form_token(&app, &c).await, &pdf).await;
    let s2 = stalled_upload(&app, &form_token(&app, &c).await, &pdf).await;
    wait_for_spool(parent.path(), (4, 4 * 64 * 1024)).await;
    for dir in std::fs::read_dir(parent.path()).expect("parent").flatten() {
        for f in std::fs::read_dir(dir.path()).expect("spool").flatten() {
            let bytes = std::fs::read(f.path()).expect("spooled file");
            assert!(!bytes.starts_with(b"%PDF"), "spooled files are not stored in clear");
        }
    }
    // A third report cannot spool its photo: asked to come back later, nothing stored.
    let before: i64 = sqlx::query_scalar("select count(*) from reports").fetch_one(&app.pool_db.pool).await.expect("count");
    let resp = post(form_token(&app, &c).await, photo.clone()).await.expect("post");
    assert_eq!(resp.status(), 429);
    let after: i64 = sqlx::query_scalar("select count(*) from reports").fetch_one(&app.pool_db.pool).await.expect("count");
    assert_eq!(before, after);

    // The stalled clients go away: their files are deleted and the budget is free again.
    drop((s1, s2));
    wait_for_spool(parent.path(), (0, 0)).await;
    let resp = post(form_token(&app, &c).await, photo).await.expect("post");
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap_or_default());
    assert_eq!(spooled(parent.path()), (0, 0));
}
both_backends!(uploads_are_spooled_within_a_budget_and_never_left_behind);

async fn language_switch_redirects_only_to_own_pages(backend: Backend) {
    let app = spawn(backend).await;
    for (next, want) in [
        ("/report", "/report"),
        ("/staff/reports/AQ7K3M9P2X4Q", "/staff/reports/AQ7K3M9P2X4Q"),
        ("/", "/"),
        ("/%09/evil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("%2F%2Fevil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/%2F%2Fevil.example", "/"),
        ("/report%0d%0aSet-Cookie:x=1", "/"),
        ("/evil.example", "/"),
        ("/../evil", "/"),
        ("", "/"),
    ] {
        let resp = app.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(resp.status(), 303, "{next}");
        assert_eq!(header(&resp, "location"), want, "next={next}");
    }
}
both_backends!(language_switch_redirects_only_to_own_pages);

async fn dynamic_pages_are_not_cached_and_metrics_are_private(backend: Backend) {
    let mut config = test_config(fresh_database(backend).await);
    config.metrics_bind = Some("127.0.0.1:0".parse().expect("addr"));
    let app = safewhistle::build(config).await.expect("build");
    let addr = app.local_addr().expect("addr");
    let metrics_addr = app.metrics_addr().expect("metrics listener");
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let c = new_client();
    for path in ["/", "/report/new", "/lookup", "/report/receipt", "/no/such/page", "/healthz"] {
        let resp = c.get(format!("http://{addr}{path}")).send().await.expect("get");
        assert_eq!(header(&resp, "cache-control"), "no-store", "{path}");
    }
    let resp = c.post(format!("http://{addr}/api/current_user")).send().await.expect("post");
    assert_eq!(header(&resp, "cache-control"), "no-store");
    // Not on the public port …
    let resp = c.get(format!("http://{addr}/metrics")).send().await.expect("get");
    assert_eq!(resp.status(), 404);
    // … only on its own listener.
    let body = c.get(format!("http://{metrics_addr}/metrics")).send().await.expect("get").text().await.expect("body");
    assert!(body.contains("safewhistle_http_requests_total") && body.contains("route=\"/\""), "{body}");
}
both_backends!(dynamic_pages_are_not_cached_and_metrics_are_private);

async fn hostile_case_numbers_do_not_panic(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let (number, _) = report(&app, &new_client(), &[]).await;
    app.create_user("hostile.intake", Role::IntakeOfficer, "hostile password 12").await;
    let staff = app.login("hostile.intake", "hostile password 12").await;
    for raw in [format!("{number}\n"), format!("{number}\r\nX: y"), format!(" {number}\t"), format!("{}", number.to_lowercase())] {
        for (endpoint, extra) in [("staff_message", ("body", "请补充照片。")), ("staff_flag_spam", ("spam", "no"))] {
            let resp = app.call(&staff, endpoint, &[("case_number", raw.as_str()), extra]).await;
            let status = resp.status();
            // Stored and sent back to the case (whitespace is ignored in case numbers), or not
            // found: never a server error.
            assert!(status.is_success() || status.is_redirection() || status == 404, "{endpoint} {raw:?}: {status}");
            let location = header(&resp, "location");
            assert!(location.is_empty() || location == format!("/staff/reports/{number}"), "{location}");
        }
    }
}
both_backends!(hostile_case_numbers_do_not_panic);

async fn a_panic_answers_500_with_a_page(backend: Backend) {
    use axum::routing::get;
    let app = spawn(backend).await;
    let store = safewhistle::session_store::DbSessionStore::new(app.db().await);
    let router = axum::Router::new().route(
        "/boom",
        get(|| async {
            if std::hint::black_box(true) {
                panic!("{}", crate::load::DELIBERATE_PANIC);
            }
            "not reached"
        }),
    );
    let router = safewhistle::http_layers::apply(
        router,
        &app.config,
        safewhistle::metrics::Metrics::new(),
        tower_sessions::SessionManagerLayer::new(store),
        Default::default(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    let resp = new_client().get(format!("http://{addr}/boom")).send().await.expect("an answer, not a dropped connection");
    assert_eq!(resp.status(), 500);
    assert_eq!(header(&resp, "cache-control"), "no-store");
    assert!(header(&resp, "content-security-policy").starts_with("default-src 'none'"));
    let body = resp.text().await.expect("body");
    assert!(body.contains("服务器内部错误") && body.contains("Internal server error"), "{body}");
}
both_backends!(a_panic_answers_500_with_a_page);

/// xorshift64*: seeded, reproducible (the failing seed is in the assertion message).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// For each form field, values that must be refused.
fn bad_value(g: &mut Gen, field: &str) -> String {
    let long = "隐".repeat(6000);
    let v = match field {
        "report_type" => g.pick(&["", "nope", "major_hazard\0", "MAJOR_HAZARD", "<script>"]).to_string(),
        "sector" => g.pick(&["", "ZZZ", "WHP'--", "\u{202e}WHP"]).to_string(),
        "town" => g.pick(&["", "nowhere", "XZ0", "%00"]).to_string(),
        "address" => g.pick(&["", "x", "\u{0}\u{1}", "\u{1b}[2J 工业园"]).to_string(),
        "description" => match g.below(3) {
            0 => "太短了".to_string(),
            1 => format!("储罐区报警器长期关闭，夜间动火作业\u{7}{}", "。".repeat(10)),
            _ => long,
        },
        "latitude" => g.pick(&["91", "NaN", "inf", "1e309", "-90.0000001", "abc"]).to_string(),
        "seen_on" => g.pick(&["2024-02-30", "2999-01-01", "1899-12-31", "+024-01-01", "2024-1-1", "２０２４-０１-０１"]).to_string(),
        "works_there" => g.pick(&["maybe", "YES", "1", "no\0"]).to_string(),
        "unit_name" => "企".repeat(201 + g.below(100)),
        _ => "\u{0}".to_string(),
    };
    v
}

async fn hostile_requests_get_4xx_and_store_nothing(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let c = new_client();
    let fields_to_break = ["report_type", "sector", "town", "address", "description", "latitude", "seen_on", "works_there", "unit_name"];
    let mut cases = 0;
    for seed in 1..=140u64 {
        let mut g = Gen(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut fields: Vec<(&str, String)> = valid_fields();
        let mut broken = Vec::new();
        for _ in 0..1 + g.below(3) {
            let f = g.pick(&fields_to_break);
            let v = bad_value(&mut g, f);
            fields.retain(|(k, _)| *k != f);
            if f == "latitude" {
                fields.push(("longitude", "117.2".into()));
            }
            fields.push((f, v));
            broken.push(f);
        }
        if g.below(4) == 0 {
            // A real-name report without a valid name and phone.
            fields.retain(|(k, _)| *k != "identity");
            fields.push(("identity", "real_name".into()));
            fields.push(("phone", g.pick(&["", "12345", "1381234567x", "+86 138 1234 5678 9"]).into()));
        }
        let mut form = Form::new().text("form_token", form_token(&app, &c).await);
        for (k, v) in &fields {
            form = form.text(*k, v.clone());
        }
        if g.below(3) == 0 {
            // A refused file as well: an executable, a cut-off photo or a claimed-huge PNG.
            let bytes = match g.below(3) {
                0 => b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run".to_vec(),
                1 => {
                    let mut j = crate::reports::jpeg_with_gps();
                    j.truncate(j.len() / 2);
                    j
                }
                _ => png_rgba16_claiming(7000, 7000),
            };
            form = form.part("files", Part::bytes(bytes).file_name("photo.jpg").mime_str("image/jpeg").expect("mime"));
        }
        let resp = c.post(app.url("/report/submit")).header("accept", "application/json").multipart(form).send().await.expect("post");
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        assert_eq!(status, 400, "seed {seed} (broke {broken:?}): {body}");
        assert!(body.contains("Validation") || body.contains("Request"), "seed {seed}: a clear error code: {body}");
        cases += 1;
    }
    // Malformed multipart bodies.
    for seed in 1..=50u64 {
        let mut g = Gen(seed * 7919 | 1);
        let mut body: Vec<u8> = match g.below(3) {
            0 => b"--x\r\nContent-Disposition: form-data; name=\"form_token\"\r\n\r\n".to_vec(),
            1 => b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a\"\r\n\r\n\x89PNG".to_vec(),
            _ => Vec::new(),
        };
        for _ in 0..g.below(400) {
            body.push(g.next() as u8);
        }
        let resp = c
            .post(app.url("/report/submit"))
            .header("accept", "application/json")
            .header("content-type", g.pick(&["multipart/form-data; boundary=x", "multipart/form-data", "text/plain", "multipart/form-data; boundary=\"\""]))
            .body(body)
            .send()
            .await
            .expect("post");
        assert!(resp.status().is_client_error(), "seed {seed}: {}", resp.status());
        cases += 1;
    }
    // Lookups with hostile numbers and codes.
    for seed in 1..=40u64 {
        let mut g = Gen(seed * 104_729 | 1);
        let number = g.pick(&["", "AQ", "AQ0000000000\n", "aq-0000-0000-00", "' or 1=1 --", "\u{0}", "AQ𠀀", &"A".repeat(5000)]).to_string();
        let code = g.pick(&["", "ABCDE-ABCDE-ABCDE-ABCDE", "\r\n", "%00", &"Z".repeat(100)]).to_string();
        let resp = app.call(&c, "lookup_case", &[("case_number", &number), ("access_code", &code)]).await;
        assert!(resp.status().is_client_error(), "seed {seed}: {}", resp.status());
        cases += 1;
    }
    assert!(cases >= 200);
    let db = app.db().await;
    for table in ["reports", "attachments", "report_identities", "report_events", "used_form_tokens"] {
        let n: i64 = sqlx::query_scalar(&format!("select count(*) from {table}")).fetch_one(&db.pool).await.expect("count");
        assert_eq!(n, 0, "{table}: nothing half-stored");
    }
}
both_backends!(hostile_requests_get_4xx_and_store_nothing);

async fn nothing_dates_what_a_reporter_did(backend: Backend) {
    let app = spawn(backend).await;
    app.seed_reference().await;
    let (number, code) = report(&app, &new_client(), &[("identity", "real_name"), ("name", "张三"), ("phone", "13812345678")]).await;
    let reporter = crate::reports::open_case(&app, &number, &code).await;
    let case: Value = app.call(&reporter, "my_case", &[]).await.json().await.expect("case");
    let token = case["message_token"].as_str().expect("token").to_string();
    let form = Form::new()
        .text("form_token", token)
        .text("body", "补充：罐区东侧围墙有缺口。")
        .part("files", Part::bytes(crate::reports::jpeg_with_gps()).file_name("more.jpg"));
    let resp = reporter.post(app.url("/lookup/message")).header("accept", "application/json").multipart(form).send().await.expect("post");
    assert_eq!(resp.status(), 204);
    assert!(app.call(&reporter, "withdraw_report", &[("confirm", "yes")]).await.status().is_success());
    let db = app.db().await;
    // Spent form tokens: the expiry to the hour only (it told when the form was opened).
    let expiries: Vec<i64> = sqlx::query_scalar("select expires_at from used_form_tokens").fetch_all(&db.pool).await.expect("rows");
    assert_eq!(expiries.len(), 2);
    assert!(expiries.iter().all(|e| e % 3600 == 0), "kept to the hour only: {expiries:?}");
    // Everything the reporter did: to the day (00:00 China time), nothing finer.
    let midnight = |t: i64| (t + 8 * 3600) % 86_400 == 0;
    for sql in [
        "select received_at from reports",
        "select updated_at from reports",
        "select withdrawn_at from reports",
        "select created_at from report_events",
        "select created_at from report_messages",
        "select created_at from attachments",
        "select created_at from report_identities",
    ] {
        let times: Vec<i64> = sqlx::query_scalar(sql).fetch_all(&db.pool).await.expect(sql);
        assert!(!times.is_empty() && times.iter().all(|t| midnight(*t)), "{sql}: {times:?}");
    }
}
both_backends!(nothing_dates_what_a_reporter_did);

/// On PostgreSQL the server can run as a role without DDL rights and without the right to change
/// or delete audit rows, once `safewhistle migrate` has run as the owner (docs/security.md).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(skip_postgres, ignore = "SW_TEST_SKIP_POSTGRES=1")]
async fn postgres_runtime_role_without_ddl() {
    // The owner migrates (spawning the app does), then a runtime role gets data rights only.
    let owner_url = fresh_database(Backend::Postgres).await;
    let owner = spawn_with(test_config(owner_url.clone())).await;
    owner.seed_reference().await;
    let role = format!("sw_runtime_{}", std::process::id());
    let db = owner.db().await;
    for sql in [
        format!("create role {role} login"),
        format!("grant usage on schema public to {role}"),
        format!("grant select, insert, update, delete on all tables in schema public to {role}"),
        format!("revoke update, delete, truncate on audit_log from {role}"),
        format!("grant usage, select on all sequences in schema public to {role}"),
    ] {
        sqlx::query(&sql).execute(&db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let (base, name) = owner_url.rsplit_once('/').expect("url");
    let runtime_url = format!("{}/{name}", base.replacen("postgres@", &format!("{role}@"), 1));
    assert_ne!(runtime_url, owner_url);
    let app = spawn_with(test_config(runtime_url.clone())).await;
    // It works: a report, an account, a staff action with its audit entry.
    let (number, _) = report(&app, &new_client(), &[]).await;
    app.create_user("rt.intake", Role::IntakeOfficer, "runtime password 12").await;
    let intake = app.login("rt.intake", "runtime password 12").await;
    let resp = app.call(&intake, "case_action", &[("case_number", number.as_str()), ("op", "accept"), ("text", "")]).await;
    assert!(resp.status().is_success(), "{}", resp.status());
    // And it cannot change the schema or the audit log.
    let rt = app.db().await;
    for sql in ["create table intruder (x int)", "drop table reports", "delete from audit_log", "update audit_log set details = '{}'"] {
        let err = sqlx::query(sql).execute(&rt.pool).await.expect_err(sql).to_string();
        assert!(err.contains("permission denied") || err.contains("must be owner"), "{sql}: {err}");
    }
    let n: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'accept'").fetch_one(&rt.pool).await.expect("count");
    assert_eq!(n, 1);
}
