//! The kept public pages (`page_cache.rs`, D37, D40): a kept page is the render with a fresh nonce
//! (or, without a token, with its scripts' hashes), each language is kept apart, and a signed-in
//! visitor is never served one.
use crate::both_backends;
use crate::helpers::{fresh_database, metric, new_client, spawn_with, test_config, Backend};
use app::accounts::Role;

const PW: &str = "correct horse battery 9";

/// A page rendered with a nonce: the nonce and the body.
async fn page(c: &reqwest::Client, url: &str, headers: &[(&str, &str)]) -> (String, String) {
    let (csp, body) = any_page(c, url, headers).await;
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("a nonce").to_string();
    assert!(body.contains(&format!("nonce=\"{nonce}\"")), "the body carries the policy's nonce: {url}");
    (nonce, body)
}

/// The report form's single-use token, if the page has one.
fn token(body: &str) -> Option<String> {
    let rest = body.split("name=\"form_token\" value=\"").nth(1)?;
    rest.split('"').next().map(str::to_owned)
}

/// The page with its nonce and token taken out.
fn normalised(nonce: &str, body: &str) -> String {
    let body = body.replace(nonce, "N");
    match token(&body) {
        Some(t) => body.replace(&t, "T"),
        None => body,
    }
}

/// A page as sent, with its policy, whatever the kind.
async fn any_page(c: &reqwest::Client, url: &str, headers: &[(&str, &str)]) -> (String, String) {
    let mut req = c.get(url);
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    let resp = req.send().await.expect("GET");
    assert_eq!(resp.status(), 200, "{url}");
    let csp = resp.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (csp, resp.text().await.expect("body"))
}

/// A kept page without a token: no nonce anywhere, and every inline script allowed by its hash.
fn assert_hashed(url: &str, csp: &str, body: &str) {
    use base64::Engine;
    use sha2::Digest;
    assert!(!csp.contains("'nonce-") && !body.contains(" nonce=\""), "{url}: no nonce: {csp}");
    let mut scripts = 0;
    for tag in body.split("<script").skip(1) {
        let (attributes, rest) = tag.split_once('>').expect("a tag");
        if attributes.contains("src=") {
            continue;
        }
        let content = rest.split("</script>").next().expect("a script");
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(content.as_bytes()));
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{url}: script {content:?} allowed by its hash");
        scripts += 1;
    }
    assert!(scripts >= 2, "{url}: the hydration script and the page's data");
    assert_eq!(csp.matches("'sha256-").count(), scripts, "{url}: no other hash");
}

/// The rendered page in the form a kept page without a token has: the nonce taken out.
fn without_nonce(nonce: &str, body: &str) -> String {
    body.replace(&format!(" nonce=\"{nonce}\""), "").replace(&format!(" crossorigin=\"{nonce}\""), " crossorigin=\"\"")
}

async fn kept_pages_are_the_render_with_a_fresh_nonce(backend: Backend) {
    let mut config = test_config(fresh_database(backend).await);
    config.metrics_bind = Some("127.0.0.1:0".parse().expect("address"));
    let app = spawn_with(config).await;
    let anon = new_client();
    for path in safewhistle::page_cache::PATHS {
        let url = app.url(path);
        if *path != "/report/new" {
            // No token: one page for every visitor, the first one included (D40).
            let (csp1, first) = any_page(&anon, &url, &[]).await;
            let (csp2, second) = any_page(&anon, &url, &[]).await;
            assert_hashed(path, &csp1, &first);
            assert_eq!((&csp1, &first), (&csp2, &second), "{path}: the same page");
            // Compressed once with brotli when the browser takes it.
            let resp = anon.get(&url).header("accept-encoding", "gzip, br").send().await.expect("GET");
            assert_eq!(resp.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("br"), "{path}");
            let packed = resp.bytes().await.expect("body");
            let mut unpacked = Vec::new();
            std::io::Read::read_to_end(&mut brotli::Decompressor::new(&packed[..], 4096), &mut unpacked).expect("brotli");
            assert_eq!(String::from_utf8(unpacked).expect("UTF-8"), first, "{path}: the same page, compressed");
            // A query string is always rendered (with a nonce), and gives the same page.
            let (n, rendered) = page(&anon, &format!("{url}?x=1"), &[]).await;
            assert_eq!(without_nonce(&n, &rendered), first, "{path}: kept page = render");
            continue;
        }
        // The first is rendered (and kept), the next two come from the cache.
        let (n1, first) = page(&anon, &url, &[]).await;
        let (n2, second) = page(&anon, &url, &[]).await;
        let (n3, third) = page(&anon, &url, &[]).await;
        assert!(n1 != n2 && n2 != n3 && n1 != n3, "a new nonce every time");
        assert!(!second.contains(&n1), "no trace of the kept render's nonce");
        assert_eq!(normalised(&n1, &first), normalised(&n2, &second), "{path}: kept page = render");
        assert_eq!(normalised(&n2, &second), normalised(&n3, &third));
        // A query string is always rendered, and gives the same page here.
        let (n4, fresh) = page(&anon, &format!("{url}?x=1"), &[]).await;
        assert_eq!(normalised(&n4, &fresh), normalised(&n1, &first), "{path}");
        // The report form: a new valid token each time, in the field and in the hydration data.
        if *path == "/report/new" {
            let key = app.config.data_key().expect("key");
            let tokens: Vec<String> = [&first, &second, &third].iter().map(|b| token(b).expect("a token")).collect();
            assert!(tokens[0] != tokens[1] && tokens[1] != tokens[2] && tokens[0] != tokens[2], "{tokens:?}");
            for (t, body) in tokens.iter().zip([&first, &second, &third]) {
                assert!(app::reports::abuse::check_token(&key, "report", t).is_ok(), "a valid token: {t}");
                assert_eq!(body.matches(t.as_str()).count(), 2, "the field and the form's data carry it");
            }
        }
    }
    assert_eq!(metric(&app, "page_cache_hits").await, 2 * safewhistle::page_cache::PATHS.len() as u64, "two of each three came from the cache");

    // Each language apart, by cookie and by browser language.
    let url = app.url("/");
    let (_, zh) = any_page(&anon, &url, &[]).await;
    assert!(zh.contains("lang=\"zh-CN\""));
    let (_, en) = any_page(&anon, &url, &[("cookie", "sw_lang=en")]).await;
    assert!(en.contains("lang=\"en\""));
    let (_, en) = any_page(&anon, &url, &[("accept-language", "en-US,en;q=0.9")]).await;
    assert!(en.contains("lang=\"en\""));
    let (_, zh) = any_page(&anon, &url, &[("accept-language", "en-US,en;q=0.9"), ("cookie", "sw_lang=zh-CN")]).await;
    assert!(zh.contains("lang=\"zh-CN\""), "the cookie wins over the browser, also when kept");

    // Signed in: the page names the workbench, which the kept anonymous page does not.
    app.create_user("intake.cache", Role::IntakeOfficer, PW).await;
    let staff = app.login("intake.cache", PW).await;
    for _ in 0..2 {
        let (_, body) = page(&staff, &url, &[]).await;
        assert!(body.contains("href=\"/staff\""), "a signed-in visitor gets their own render");
    }
    let (_, body) = any_page(&anon, &url, &[]).await;
    assert!(!body.contains("href=\"/staff\""), "and the anonymous page stays anonymous");

    // A town added by the administrator is on the next form at once, although the form was kept.
    let form = app.url("/report/new");
    assert!(!page(&anon, &form, &[]).await.1.contains("北城街道"));
    app.create_user("admin.cache", Role::Admin, PW).await;
    let admin = app.login("admin.cache", PW).await;
    let resp = app
        .call(&admin, "save_town", &[("code", "JD04"), ("name_zh", "北城街道"), ("name_en", "Beicheng"), ("kind", "street"), ("active", "1")])
        .await;
    assert!(resp.status().is_success(), "{}", resp.status());
    assert!(page(&anon, &form, &[]).await.1.contains("北城街道"), "the kept form was dropped");
}

both_backends!(kept_pages_are_the_render_with_a_fresh_nonce);
