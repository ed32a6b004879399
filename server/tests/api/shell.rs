//! The app shell over HTTP: languages, 404, security headers, health, metrics, body limits, CSRF.
use crate::both_backends;
use crate::helpers::{fresh_database, spawn, spawn_with, test_config, Backend};

fn header<'a>(resp: &'a reqwest::Response, name: &str) -> &'a str {
    resp.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

async fn home_in_both_languages(backend: Backend) {
    let app = spawn(backend).await;
    // No cookie and no Accept-Language: Simplified Chinese.
    let resp = app.get("/").await;
    assert_eq!(resp.status(), 200);
    let body = resp.text().await.expect("body");
    assert!(body.contains("lang=\"zh-CN\""), "html lang should be zh-CN");
    assert!(body.contains("<meta name=\"description\" content=\"向区应急管理局举报"), "a description in the page's language");
    assert!(body.contains("发现安全隐患，请告诉我们"));
    assert!(body.contains("我要举报") && body.contains("举报查询") && body.contains("安全答题") && body.contains("培训记录"));

    // The language switch sets a cookie and redirects back to a local path only.
    let resp = app.get("/lang/en?next=/report").await;
    assert_eq!(resp.status(), 303);
    assert_eq!(header(&resp, "location"), "/report");
    assert!(header(&resp, "set-cookie").starts_with("sw_lang=en"));
    let body = app.get("/report").await.text().await.expect("body");
    assert!(body.contains("lang=\"en\""), "html lang should follow the cookie");
    assert!(
        body.contains("<meta name=\"description\" content=\"Report work-safety hazards"),
        "the description follows the language too"
    );
    assert!(body.contains("Before you report"));
    assert!(!body.contains("举报须知"));

    let resp = app.get("/lang/en?next=//evil.example/").await;
    assert_eq!(header(&resp, "location"), "/", "open redirect must be refused");
    assert_eq!(app.get("/lang/fr").await.status(), 404);

    let resp = app.get("/lang/zh-CN?next=/").await;
    assert_eq!(resp.status(), 303);
    let body = app.get("/").await.text().await.expect("body");
    assert!(body.contains("lang=\"zh-CN\""));
}
both_backends!(home_in_both_languages);

async fn unknown_route_is_404_page(backend: Backend) {
    let app = spawn(backend).await;
    let resp = app.get("/no/such/page").await;
    assert_eq!(resp.status(), 404);
    let body = resp.text().await.expect("body");
    assert!(body.contains("页面不存在"));
}
both_backends!(unknown_route_is_404_page);

async fn security_headers_and_nonce(backend: Backend) {
    let app = spawn(backend).await;
    let resp = app.get("/").await;
    let csp = header(&resp, "content-security-policy").to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(header(&resp, "referrer-policy"), "same-origin");
    assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
    assert!(header(&resp, "permissions-policy").contains("camera=()"));
    assert!(!header(&resp, "x-request-id").is_empty());
    // A page rendered for this response (the sign-in page is never kept; the kept public pages
    // name their scripts' hashes instead, see page_cache.rs) carries a nonce.
    let resp = app.get("/login").await;
    let csp = header(&resp, "content-security-policy").to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("script-src carries a nonce")
        .to_string();
    let body = resp.text().await.expect("body");
    assert!(body.contains(&format!("nonce=\"{nonce}\"")), "inline scripts carry the response's nonce");
    // A new nonce for every response.
    let csp2 = header(&app.get("/login").await, "content-security-policy").to_string();
    assert_ne!(csp, csp2);
    // Responses outside Leptos get a strict default policy.
    let resp = app.get("/healthz").await;
    assert!(header(&resp, "content-security-policy").starts_with("default-src 'none'"));
}
both_backends!(security_headers_and_nonce);

/// Pages fetch the bundle from the build's own address (D39), which browsers may keep for a year;
/// any other build's address is not found and is never kept.
async fn bundle_is_linked_under_the_builds_address(backend: Backend) {
    let app = spawn(backend).await;
    let resp = app.get("/").await;
    assert_eq!(header(&resp, "cache-control"), "no-store", "the page itself is never kept");
    let body = resp.text().await.expect("body");
    let id = body
        .split("href=\"/v/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("a link under /v/<build id>/")
        .to_string();
    assert!(id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    assert!(body.contains(&format!("href=\"/v/{id}/pkg/safewhistle.css\"")), "the style sheet");
    assert!(body.contains(&format!("\"/v/{id}\", \"pkg\", \"safewhistle\"")), "the hydration script's root");
    assert!(!body.contains("\"/pkg/"), "nothing from the unversioned address");
    let other = if id == "0000000000000000" { "1111111111111111" } else { "0000000000000000" };
    for path in [format!("/v/{other}/pkg/safewhistle.css"), format!("/v/{id}/pkg/no-such-file.js")] {
        let resp = app.get(&path).await;
        assert_eq!(resp.status(), 404, "{path}");
        assert_eq!(header(&resp, "cache-control"), "no-store", "{path}");
    }
}
both_backends!(bundle_is_linked_under_the_builds_address);

async fn health_and_metrics(backend: Backend) {
    let mut config = test_config(fresh_database(backend).await);
    config.metrics_bind = Some("127.0.0.1:0".parse().expect("addr"));
    let built = safewhistle::build(config).await.expect("build");
    let metrics_addr = built.metrics_addr().expect("metrics listener");
    let addr = built.local_addr().expect("addr");
    tokio::spawn(built.run_until_stopped(std::future::pending()));
    let client = crate::helpers::new_client();
    let resp = client.get(format!("http://{addr}/healthz")).send().await.expect("get");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.expect("body"), "ok");
    client.get(format!("http://{addr}/")).send().await.expect("get");
    // Metrics only on their own listener (SW_METRICS_BIND), never on the public port.
    assert_eq!(client.get(format!("http://{addr}/metrics")).send().await.expect("get").status(), 404);
    let metrics = client.get(format!("http://{metrics_addr}/metrics")).send().await.expect("get").text().await.expect("metrics");
    assert!(metrics.contains("safewhistle_http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/\""), "{metrics}");
    assert!(metrics.contains("safewhistle_http_request_duration_seconds"), "{metrics}");
}
both_backends!(health_and_metrics);

async fn oversized_body_is_413(backend: Backend) {
    // A small limit keeps the oversized body small enough to sit in the socket buffer: the server
    // answers 413 as soon as it sees Content-Length, and a multi-megabyte body would still be
    // being written when it closes the connection (a broken pipe instead of the answer).
    let mut config = test_config(fresh_database(backend).await);
    config.max_body_bytes = 4096;
    let app = spawn_with(config).await;
    let big = "x".repeat(app.config.max_body_bytes + 1);
    let resp = app
        .client
        .post(app.url("/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("username={big}&password=x"))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), 413);
}
both_backends!(oversized_body_is_413);

async fn cross_site_posts_are_refused(backend: Backend) {
    let app = spawn(backend).await;
    let resp = app
        .client
        .post(app.url("/api/login"))
        .header("origin", "http://evil.example")
        .form(&[("username", "a"), ("password", "b")])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), 403);
    let resp = app
        .client
        .post(app.url("/api/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("username", "a"), ("password", "b")])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), 403);
}
both_backends!(cross_site_posts_are_refused);
