//! Load generator for a district contest (issue 14; docs/benchmarks.md; run by
//! scripts/bench_contest.sh). It plays N contestants of the public against a running server:
//! each joins with a nickname, starts an attempt (starts spread evenly over RAMP seconds), answers
//! every question of the paper at a human pace (one answer every 3–10 s, uniformly at random) and
//! hands in. Then a throughput phase: answers as fast as the server takes them from many open
//! attempts, and the same client against a bare axum handler (`safewhistle bench-baseline`).
//!
//! Usage: bench_contest BASE_URL CONTEST_ID CONTESTANTS RAMP_SECONDS BASELINE_URL
//! Prints latencies (p50/p95/p99) of join+start, paper, answer and submit, errors by kind, the
//! sustained answer rate, and the throughput ratio.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Stats {
    start: Mutex<Vec<u32>>,
    paper: Mutex<Vec<u32>>,
    answer: Mutex<Vec<u32>>,
    submit: Mutex<Vec<u32>>,
    errors: Mutex<std::collections::BTreeMap<String, u64>>,
    answers_done: AtomicU64,
}

impl Stats {
    fn error(&self, what: String) {
        if let Ok(mut e) = self.errors.lock() {
            *e.entry(what).or_default() += 1;
        }
    }
    fn record(v: &Mutex<Vec<u32>>, d: Duration) {
        if let Ok(mut v) = v.lock() {
            v.push(d.as_micros().min(u32::MAX as u128) as u32);
        }
    }
}

fn percentiles(name: &str, v: &Mutex<Vec<u32>>) {
    let Ok(mut v) = v.lock() else { return };
    v.sort_unstable();
    if v.is_empty() {
        println!("{name:<8} no samples");
        return;
    }
    let p = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize] as f64 / 1000.0;
    println!("{name:<8} n={:<7} p50 {:>7.1} ms  p95 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms", v.len(), p(0.5), p(0.95), p(0.99), p(1.0));
}

/// A small xorshift generator per contestant (no shared state, no dependency).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

struct Player {
    base: String,
    contest: String,
    client: reqwest::Client,
    cookie: String,
}

impl Player {
    async fn post(&self, name: &str, form: &[(&str, &str)]) -> Result<(reqwest::StatusCode, String), String> {
        let mut req = self.client.post(format!("{}/api/{name}", self.base)).header("accept", "application/json").form(form);
        if !self.cookie.is_empty() {
            req = req.header("cookie", &self.cookie);
        }
        let resp = req.send().await.map_err(|e| format!("{name}: {}", if e.is_timeout() { "timeout" } else { "connect" }))?;
        let status = resp.status();
        let body = resp.text().await.map_err(|_| format!("{name}: body"))?;
        Ok((status, body))
    }

    /// Join (keeping the session cookie) and start; returns the attempt token.
    async fn join_and_start(&mut self, nickname: &str) -> Result<String, String> {
        let mut req = self
            .client
            .post(format!("{}/api/join_contest", self.base))
            .header("accept", "application/json")
            .form(&[("id", self.contest.as_str()), ("nickname", nickname)]);
        if !self.cookie.is_empty() {
            req = req.header("cookie", &self.cookie);
        }
        let resp = req.send().await.map_err(|_| "join: connect".to_string())?;
        if let Some(c) = resp.headers().get("set-cookie").and_then(|v| v.to_str().ok()) {
            self.cookie = c.split(';').next().unwrap_or("").to_string();
        }
        if !resp.status().is_success() {
            return Err(format!("join: {}", resp.status().as_u16()));
        }
        let (status, body) = self.post("start_attempt", &[("id", self.contest.as_str())]).await?;
        if !status.is_success() {
            return Err(format!("start: {} {}", status.as_u16(), body.chars().take(80).collect::<String>()));
        }
        serde_json::from_str::<String>(&body).map_err(|_| "start: body".to_string())
    }
}

/// One contestant's whole visit.
async fn contestant(i: u64, base: String, contest: String, client: reqwest::Client, delay: Duration, stats: Arc<Stats>) {
    tokio::time::sleep(delay).await;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let mut p = Player { base, contest, client, cookie: String::new() };
    let t = Instant::now();
    let token = match p.join_and_start(&format!("选手{i}")).await {
        Ok(t) => t,
        Err(e) => return stats.error(e),
    };
    Stats::record(&stats.start, t.elapsed());
    let t = Instant::now();
    let paper = match p.post("attempt_paper", &[("token", token.as_str())]).await {
        Ok((s, body)) if s.is_success() => body,
        Ok((s, _)) => return stats.error(format!("paper: {}", s.as_u16())),
        Err(e) => return stats.error(e),
    };
    Stats::record(&stats.paper, t.elapsed());
    let paper: serde_json::Value = serde_json::from_str(&paper).unwrap_or_default();
    let questions: Vec<(i64, usize)> = paper["questions"]
        .as_array()
        .map(|qs| qs.iter().map(|q| (q["position"].as_i64().unwrap_or(1), q["options"].as_array().map(Vec::len).unwrap_or(0))).collect())
        .unwrap_or_default();
    for (position, options) in questions {
        tokio::time::sleep(Duration::from_millis(rng.between(3000, 10_000))).await;
        let pick = char::from(b'A' + (rng.next() % options.max(1) as u64) as u8).to_string();
        let pos = position.to_string();
        let t = Instant::now();
        match p.post("save_answer", &[("token", token.as_str()), ("position", pos.as_str()), ("picks[0]", pick.as_str()), ("go", "stay")]).await {
            Ok((s, _)) if s.is_success() => {
                Stats::record(&stats.answer, t.elapsed());
                stats.answers_done.fetch_add(1, Ordering::Relaxed);
            }
            Ok((s, body)) => stats.error(format!("answer: {} {}", s.as_u16(), body.chars().take(60).collect::<String>())),
            Err(e) => stats.error(e),
        }
    }
    let t = Instant::now();
    match p.post("submit_attempt", &[("token", token.as_str())]).await {
        Ok((s, _)) if s.is_success() => Stats::record(&stats.submit, t.elapsed()),
        Ok((s, _)) => stats.error(format!("submit: {}", s.as_u16())),
        Err(e) => stats.error(e),
    }
}

/// As many requests as `concurrency` workers get through in `secs`; returns requests per second.
async fn blast<F, Fut>(concurrency: usize, secs: u64, make: F) -> (f64, u64)
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let make = Arc::new(make);
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let end = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for w in 0..concurrency as u64 {
        let (make, done, failed) = (make.clone(), done.clone(), failed.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = w;
            while Instant::now() < end {
                if make(n).await {
                    done.fetch_add(1, Ordering::Relaxed);
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
                n += concurrency as u64;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    (done.load(Ordering::Relaxed) as f64 / secs as f64, failed.load(Ordering::Relaxed))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 6 {
        eprintln!("usage: bench_contest BASE_URL CONTEST_ID CONTESTANTS RAMP_SECONDS BASELINE_URL");
        std::process::exit(2);
    }
    let (base, contest) = (args[1].clone(), args[2].clone());
    let n: u64 = args[3].parse().expect("contestants");
    let ramp: f64 = args[4].parse().expect("ramp seconds");
    let baseline = args[5].clone();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let stats = Arc::new(Stats::default());

    println!("phase 1: {n} contestants start within {ramp} s, answer every question at 3–10 s each, hand in");
    let t0 = Instant::now();
    let mut tasks = Vec::with_capacity(n as usize);
    for i in 0..n {
        let delay = Duration::from_secs_f64(ramp * i as f64 / n as f64);
        tasks.push(tokio::spawn(contestant(i, base.clone(), contest.clone(), client.clone(), delay, stats.clone())));
    }
    // The answer rate, sampled every 5 s.
    let sampler = {
        let stats = stats.clone();
        tokio::spawn(async move {
            let mut last = 0;
            let mut rates = Vec::new();
            loop {
                tokio::time::sleep(Duration::from_secs(5)).await;
                let now = stats.answers_done.load(Ordering::Relaxed);
                let rate = (now - last) as f64 / 5.0;
                rates.push(rate);
                last = now;
                eprintln!("  {:>4.0} s: {rate:>7.1} answers/s", t0.elapsed().as_secs_f64());
                if rates.len() > 400 {
                    break;
                }
            }
        })
    };
    for t in tasks {
        let _ = t.await;
    }
    sampler.abort();
    let took = t0.elapsed().as_secs_f64();
    let answers = stats.answers_done.load(Ordering::Relaxed);
    println!("phase 1 took {took:.0} s; {answers} answers stored, {:.0} answers/s on average", answers as f64 / took);
    percentiles("start", &stats.start);
    percentiles("paper", &stats.paper);
    percentiles("answer", &stats.answer);
    percentiles("submit", &stats.submit);
    match stats.errors.lock() {
        Ok(e) if e.is_empty() => println!("errors: 0"),
        Ok(e) => {
            println!("errors: {}", e.values().sum::<u64>());
            for (k, v) in e.iter() {
                println!("  {v:>6} × {k}");
            }
        }
        Err(_) => {}
    }

    // Enough open attempts that the per-contestant write limit (40 per 10 s) is not what stops
    // phase 2: 2,500 attempts allow 10,000 answers a second.
    let open: u64 = std::env::var("BENCH_PHASE2_ATTEMPTS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_500);
    println!("phase 2: answer throughput from {open} open attempts (64 at a time, 10 s), then the bare axum handler");
    let mut players = Vec::new();
    for i in 0..open {
        let mut p = Player { base: base.clone(), contest: contest.clone(), client: client.clone(), cookie: String::new() };
        if let Ok(token) = p.join_and_start(&format!("吞吐{i}")).await {
            let paper = p.post("attempt_paper", &[("token", token.as_str())]).await.map(|r| r.1).unwrap_or_default();
            let v: serde_json::Value = serde_json::from_str(&paper).unwrap_or_default();
            let count = v["questions"].as_array().map(Vec::len).unwrap_or(1) as i64;
            players.push((Arc::new(p), token, count));
        }
    }
    let players = Arc::new(players);
    let (answer_rate, answer_failed) = blast(64, 10, {
        let players = players.clone();
        move |k| {
            let players = players.clone();
            async move {
                let (p, token, count) = &players[(k % players.len() as u64) as usize];
                let pos = ((k / players.len() as u64) as i64 % count + 1).to_string();
                matches!(p.post("save_answer", &[("token", token.as_str()), ("position", pos.as_str()), ("picks[0]", "A"), ("go", "stay")]).await, Ok((s, _)) if s.is_success())
            }
        }
    })
    .await;
    let (base_rate, base_failed) = blast(64, 10, {
        let client = client.clone();
        move |_| {
            let (client, url) = (client.clone(), baseline.clone());
            async move { client.get(&url).send().await.is_ok_and(|r| r.status().is_success()) }
        }
    })
    .await;
    println!("answers:       {answer_rate:>8.0} /s ({answer_failed} refused or failed)");
    println!("bare handler:  {base_rate:>8.0} /s ({base_failed} failed)");
    println!("ratio:         {:.3}", answer_rate / base_rate.max(1.0));
}
