//! Load generator for the public tip-off (docs/benchmarks.md; run by scripts/bench.sh):
//!  1. sequential submissions of a report with three ~1 MB photos → server time per submission;
//!  2. concurrent submitters for a while → sustained submissions per second;
//!  3. concurrent lookups (number + access code) → lookups per second.
//! Usage: bench_reports BASE_URL SECONDS [CONCURRENCY]
//! The server should run with generous per-client limits (the bench posts from one address).
use std::time::{Duration, Instant};

fn photo(seed: u32) -> Vec<u8> {
    // Smooth gradients plus noise: compresses like a real photo to about 1 MB at 1600×1200.
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let img = image::RgbImage::from_fn(1600, 1200, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state & 0x3f) as u8;
        image::Rgb([((x / 7) as u8).wrapping_add(n), ((y / 5) as u8).wrapping_add(n / 2), ((x + y) / 11) as u8 ^ n])
    });
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
    image::DynamicImage::ImageRgb8(img).write_with_encoder(enc).expect("encode");
    out
}

struct Bench {
    base: String,
    photos: Vec<Vec<u8>>,
}

impl Bench {
    fn client() -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).build().expect("client")
    }

    /// One submission; returns (case number, access code, server time of the POST).
    async fn submit(&self, c: &reqwest::Client) -> Option<(String, String, Duration)> {
        let ctx: serde_json::Value = c
            .post(format!("{}/api/report_form", self.base))
            .header("accept", "application/json")
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        let token = ctx["token"].as_str()?.to_string();
        let bits = ctx["pow_bits"].as_u64()? as u32;
        let pow = app::reports::rules::solve_pow(app::reports::rules::token_challenge(&token), bits);
        let mut form = reqwest::multipart::Form::new()
            .text("form_token", token)
            .text("pow", pow.to_string())
            .text("report_type", "general_hazard")
            .text("sector", "GM")
            .text("town", "JD01")
            .text("address", "城关街道工业路 1 号")
            .text("description", "车间消防通道被货物堵塞，灭火器过期，夜班工人在车间内吸烟。")
            .text("identity", "anonymous");
        for (i, p) in self.photos.iter().enumerate() {
            form = form.part("files", reqwest::multipart::Part::bytes(p.clone()).file_name(format!("p{i}.jpg")));
        }
        let start = Instant::now();
        let resp = c.post(format!("{}/report/submit", self.base)).header("accept", "application/json").multipart(form).send().await.ok()?;
        let status = resp.status();
        let v: serde_json::Value = resp.json().await.ok()?;
        let took = start.elapsed();
        if !status.is_success() {
            eprintln!("submission failed: {status} {v}");
            return None;
        }
        Some((v["case_number"].as_str()?.into(), v["access_code"].as_str()?.into(), took))
    }

    async fn lookup(&self, c: &reqwest::Client, number: &str, code: &str) -> bool {
        c.post(format!("{}/api/lookup_case", self.base))
            .header("accept", "application/json")
            .form(&[("case_number", number), ("access_code", code)])
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    }
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args.get(1).cloned().unwrap_or_else(|| "http://127.0.0.1:3000".into());
    let secs: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(15);
    let conc: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(4);
    let photos: Vec<Vec<u8>> = (1..=3).map(photo).collect();
    println!("photos: {:?} bytes", photos.iter().map(Vec::len).collect::<Vec<_>>());
    let bench = std::sync::Arc::new(Bench { base, photos });

    // 1. Sequential.
    let c = Bench::client();
    let mut times = Vec::new();
    let mut receipts = Vec::new();
    for _ in 0..10 {
        if let Some((n, code, t)) = bench.submit(&c).await {
            times.push(t);
            receipts.push((n, code));
        }
    }
    times.sort();
    println!(
        "sequential submission, 3 photos: n={} p50={:.0} ms p90={:.0} ms max={:.0} ms",
        times.len(),
        pct(&times, 0.5),
        pct(&times, 0.9),
        pct(&times, 1.0)
    );

    // 2. Sustained submissions.
    println!("SUSTAINED_START");
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for _ in 0..conc {
        let b = bench.clone();
        tasks.push(tokio::spawn(async move {
            let c = Bench::client();
            let mut ok = 0u32;
            let mut times = Vec::new();
            while Instant::now() < deadline {
                if let Some((_, _, t)) = b.submit(&c).await {
                    ok += 1;
                    times.push(t);
                }
            }
            (ok, times)
        }));
    }
    let mut total = 0;
    let mut all = Vec::new();
    for t in tasks {
        if let Ok((n, times)) = t.await {
            total += n;
            all.extend(times);
        }
    }
    all.sort();
    println!(
        "sustained submissions ({conc} concurrent, {secs} s): {total} ok = {:.1}/s, POST p50={:.0} ms p99={:.0} ms",
        total as f64 / secs as f64,
        pct(&all, 0.5),
        pct(&all, 0.99)
    );
    println!("SUSTAINED_END");

    // 3. Lookups with the right code.
    let receipts = std::sync::Arc::new(receipts);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for w in 0..conc {
        let b = bench.clone();
        let r = receipts.clone();
        tasks.push(tokio::spawn(async move {
            let mut ok = 0u32;
            let mut i = w;
            while Instant::now() < deadline && !r.is_empty() {
                let (n, code) = &r[i % r.len()];
                if b.lookup(&Bench::client(), n, code).await {
                    ok += 1;
                }
                i += 1;
            }
            ok
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap_or(0);
    }
    println!("lookups ({conc} concurrent, {secs} s): {total} ok = {:.1}/s", total as f64 / secs as f64);
}
