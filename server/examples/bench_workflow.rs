//! Staff-side load figures (docs/benchmarks.md; run by scripts/bench.sh after it bulk-loads
//! reports): queue page, search, dashboard and exports with many cases present, and sequential
//! case operations (each one a conditional update, a timeline entry and an audit-chain append).
//! Usage: bench_workflow BASE_URL USERNAME PASSWORD
use std::time::{Duration, Instant};

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1000.0
}

async fn timed_get(c: &reqwest::Client, url: &str, n: usize) -> (Vec<Duration>, usize) {
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..n {
        let t = Instant::now();
        let resp = c.get(url).send().await.expect("get");
        assert!(resp.status().is_success(), "{url}: {}", resp.status());
        size = resp.bytes().await.expect("body").len();
        times.push(t.elapsed());
    }
    (times, size)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (base, user, password) = (&args[1], &args[2], &args[3]);
    let c = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let resp = c
        .post(format!("{base}/api/login"))
        .header("accept", "application/json")
        .form(&[("username", user.as_str()), ("password", password.as_str()), ("totp_code", "")])
        .send()
        .await
        .expect("login");
    assert!(resp.status().is_success(), "login: {}", resp.status());

    for (label, path, n) in [
        ("queue page, sorted by deadline (500 rows rendered)", "/staff/reports", 30),
        ("queue page, overdue filter", "/staff/reports?due=overdue", 30),
        ("queue page, text search", "/staff/reports?q=%E6%B6%88%E9%98%B2", 30),
        ("dashboard (all cases, 5 charts)", "/staff/dashboard", 20),
        ("CSV export of every case", "/staff/reports/export.csv", 5),
        ("XLSX export of every case", "/staff/reports/export.xlsx", 3),
    ] {
        let (mut t, size) = timed_get(&c, &format!("{base}{path}"), n).await;
        println!("{label}: p50 {:.1} ms, p99 {:.1} ms, {size} bytes (n={n})", pct(&mut t, 0.5), pct(&mut t, 0.99));
    }

    let q: serde_json::Value = c
        .post(format!("{base}/api/staff_queue"))
        .header("accept", "application/json")
        .form(&[("filter[status]", "submitted"), ("filter[sort]", "received")])
        .send()
        .await
        .expect("queue")
        .json()
        .await
        .expect("json");
    let numbers: Vec<String> =
        q["rows"].as_array().expect("rows").iter().take(300).map(|r| r["case_number"].as_str().unwrap_or("").to_string()).collect();
    let mut times = Vec::new();
    let start = Instant::now();
    for n in &numbers {
        let t = Instant::now();
        let resp = c
            .post(format!("{base}/api/case_action"))
            .header("accept", "application/json")
            .form(&[("case_number", n.as_str()), ("op", "accept"), ("text", "已受理")])
            .send()
            .await
            .expect("accept");
        assert!(resp.status().is_success(), "accept {n}: {}", resp.status());
        times.push(t.elapsed());
    }
    let total = start.elapsed().as_secs_f64();
    println!(
        "accept (update + timeline + message + audit append), sequential: {} ops, {:.0} ops/s, p50 {:.1} ms, p99 {:.1} ms",
        times.len(),
        times.len() as f64 / total,
        pct(&mut times, 0.5),
        pct(&mut times, 0.99)
    );
}
