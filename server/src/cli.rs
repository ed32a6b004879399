//! Command line: `serve` (default), `migrate`, `seed-demo`, `admin create-user`.
use crate::config::Config;
use crate::{open_database, seed};
use anyhow::{bail, Context};
use app::accounts::ssr::{create_user, NewUser};
use app::accounts::Role;
use app::state::{AppState, AuthSettings};
use clap::{Parser, Subcommand};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(name = "safewhistle", version, about = "SafeWhistle (安全哨) work-safety reporting portal")]
pub struct Cli {
    /// Optional TOML configuration file (environment variables override it).
    #[arg(long, env = "SW_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Load departments, towns/streets and one demo account per role (refuses on real data).
    SeedDemo,
    /// Print a new random key for SW_DATA_KEY / SW_DATA_KEY_FILE.
    GenKey,
    /// Benchmark baseline: serve a bare axum handler returning SIZE bytes of static HTML (no
    /// layers, no database), to compare the portal's rendering throughput against (docs/benchmarks.md).
    BenchBaseline {
        #[arg(long, default_value = "127.0.0.1:3900")]
        bind: std::net::SocketAddr,
        #[arg(long, default_value_t = 8000)]
        size: usize,
    },
    /// Benchmark baseline: serve a Leptos hello-world (router, one route, a counter) through the
    /// same leptos_axum, without the portal's layers (docs/benchmarks.md).
    BenchHello {
        #[arg(long, default_value = "127.0.0.1:3901")]
        bind: std::net::SocketAddr,
    },
    /// Administration commands.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print what the configured rules give for some inputs (for configuring a district).
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Run the deadline job now (breaches, reward expiry, closing after the objection window);
    /// the server also runs it hourly.
    DeadlineJob,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the hash chain; exits non-zero and names the first broken row if it does not hold.
    Verify,
    /// Print the last row's sequence number and hash, to be recorded outside the database (a
    /// later `verify` plus a head that still contains this row shows nothing was cut off).
    Head,
}

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// Suggested reward: `--fine 200000` (hazard or violation) or `--level major --deaths 3`
    /// (concealed accident; levels general, larger, major, especially_major).
    Reward {
        #[arg(long)]
        fine: Option<String>,
        #[arg(long)]
        level: Option<String>,
        #[arg(long)]
        deaths: Option<String>,
    },
    /// Deadline of a stage started on a date: `--stage acceptance --from 2026-09-30`
    /// (stages: acceptance, transfer, verification, objection, review, claim), using the
    /// holiday calendar in the database.
    Deadline {
        #[arg(long)]
        stage: String,
        #[arg(long)]
        from: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an account. The password is prompted for, or read from the first line of stdin.
    CreateUser {
        /// admin, intake_officer, department_handler, reward_officer, training_admin,
        /// enterprise_manager or employee.
        #[arg(long)]
        role: String,
        /// Login name.
        #[arg(long)]
        name: String,
        /// Name shown in the UI (defaults to the login name).
        #[arg(long)]
        display_name: Option<String>,
        /// Department code (handlers), e.g. ZJJ.
        #[arg(long)]
        department: Option<String>,
        /// Enterprise (enterprise managers and employees): its unified social credit code, or its id.
        #[arg(long)]
        enterprise: Option<String>,
    },
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Repeat password: ")?;
        if first != again {
            bail!("the passwords do not match");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("reading the password from stdin")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    open_database(config).await?;
    println!("migrations applied");
    Ok(())
}

pub async fn seed_demo(config: &Config) -> anyhow::Result<()> {
    let db = open_database(config).await?;
    match seed::seed_demo(&db).await? {
        None => println!("demo data already present (the demo passwords were printed when it was seeded)"),
        Some(accounts) => {
            println!("demo data loaded; demo accounts (username / role / password):");
            for a in accounts {
                println!("  {:<15} {:<20} {}", a.username, a.role.as_str(), a.password);
            }
        }
    }
    Ok(())
}

pub async fn create_user_cmd(config: &Config, cmd: AdminCommand) -> anyhow::Result<()> {
    let AdminCommand::CreateUser { role, name, display_name, department, enterprise } = cmd;
    let role = Role::parse(&role).with_context(|| format!("--role: unknown role {role:?}"))?;
    let db = open_database(config).await?;
    let department_id = match department {
        None => None,
        Some(code) => Some(
            sqlx::query_scalar::<_, i64>("select id from departments where code = $1")
                .bind(&code)
                .fetch_optional(&db.pool)
                .await?
                .with_context(|| format!("--department: no department with code {code:?}"))?,
        ),
    };
    let enterprise = match enterprise {
        None => None,
        Some(given) => Some(match given.parse::<i64>() {
            Ok(id) => id,
            Err(_) => sqlx::query_scalar::<_, i64>("select id from enterprises where credit_code = $1")
                .bind(&given)
                .fetch_optional(&db.pool)
                .await?
                .with_context(|| format!("--enterprise: no enterprise with credit code {given:?}"))?,
        }),
    };
    let password = read_password()?;
    let state = AppState {
        leptos_options: leptos::config::LeptosOptions::builder().output_name("safewhistle").build(),
        db,
        auth: Arc::new(AuthSettings::default()),
        cpu_pool: Arc::new(app::state::CpuGate::new(1, 8)),
        login_gate: Arc::new(app::state::CpuGate::new(1, 8)),
        data_key: Arc::new(config.data_key()?),
        deadlines: Arc::new(config.deadline_rules().unwrap_or_default()),
        // Creating an account reads no area's state.
        areas: app::state::Areas::default(),
    };
    let user = NewUser {
        display_name: display_name.unwrap_or_else(|| name.clone()),
        username: name,
        role,
        department_id,
        enterprise_id: enterprise,
        is_demo: false,
    };
    match create_user(&state, user, password, None).await {
        Ok(id) => {
            println!("account created (id {id})");
            Ok(())
        }
        Err(app::base::errors::AppError::Validation(errs)) => {
            let list: Vec<String> = errs.iter().map(|e| format!("{}: {}", e.field, e.code)).collect();
            bail!("account not created: {}", list.join(", "))
        }
        Err(e) => bail!("account not created: {e}"),
    }
}

pub async fn bench_baseline(bind: std::net::SocketAddr, size: usize) -> anyhow::Result<()> {
    use axum::{response::Html, routing::get, Router};
    let body: &'static str =
        Box::leak(format!("<!DOCTYPE html><html><body>{}</body></html>", "x".repeat(size)).into_boxed_str());
    let app = Router::new().route("/", get(move || async move { Html(body) }));
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("binding {bind}"))?;
    println!("bare axum baseline on http://{bind}/");
    axum::serve(listener, app).await.context("serving")
}

pub async fn audit_verify(config: &Config) -> anyhow::Result<()> {
    let db = crate::open_database(config).await?;
    match app::base::audit::verify(&db).await.map_err(|e| anyhow::anyhow!("reading the audit log: {e}"))? {
        Ok(n) => {
            println!("audit chain verified: {n} rows");
            Ok(())
        }
        Err(seq) => bail!("audit chain broken at row {seq}: that row or one before it was altered or removed"),
    }
}

pub async fn audit_head(config: &Config) -> anyhow::Result<()> {
    let db = crate::open_database(config).await?;
    match app::base::audit::head(&db).await.map_err(|e| anyhow::anyhow!("reading the audit log: {e}"))? {
        Some((seq, hash)) => println!("{seq} {hash}"),
        None => println!("0 {}", app::base::audit::GENESIS),
    }
    Ok(())
}

pub async fn deadline_job(config: &Config) -> anyhow::Result<()> {
    let db = crate::open_database(config).await?;
    let (b, e, c) = app::workflow::ssr::daily(&db).await.map_err(|e| anyhow::anyhow!("deadline job: {e}"))?;
    println!("deadline breaches recorded: {b}; rewards expired: {e}; cases closed: {c}");
    Ok(())
}

pub async fn rules_cmd(config: &Config, cmd: RulesCommand) -> anyhow::Result<()> {
    use app::rewards::rules::{parse_reward_case, suggest_reward, RewardCase};
    match cmd {
        RulesCommand::Reward { fine, level, deaths } => {
            let rules = config.reward_rules()?;
            let case = match (fine, level) {
                (Some(f), None) => parse_reward_case("fine", &f, "", ""),
                (None, Some(l)) => parse_reward_case("concealed", "", &l, deaths.as_deref().unwrap_or("")),
                _ => bail!("give either --fine AMOUNT or --level LEVEL --deaths N"),
            }
            .map_err(|(field, code)| anyhow::anyhow!("{field}: {code}"))?;
            let amount = suggest_reward(&rules, &case);
            match case {
                RewardCase::Fine(fen) => println!(
                    "fine {} yuan → {}% = {}, within {}–{}, cap {} → reward {amount} yuan",
                    app::base::format::fmt_yuan(fen),
                    rules.fine_percent,
                    app::base::format::fmt_yuan(fen.saturating_mul(rules.fine_percent) / 100),
                    rules.fine_min_yuan,
                    rules.fine_max_yuan,
                    rules.cap_yuan
                ),
                RewardCase::Concealed { level, deaths } => println!(
                    "{} × {deaths} death(s) at {} yuan each, cap {} → reward {amount} yuan",
                    app::rewards::rules::ACCIDENT_LEVELS[level],
                    rules.per_death_yuan[level],
                    rules.cap_yuan
                ),
            }
            Ok(())
        }
        RulesCommand::Deadline { stage, from } => {
            use app::base::calendar::{Day, Stage};
            let st = Stage::parse(&stage).ok_or_else(|| anyhow::anyhow!("unknown stage {stage:?}"))?;
            let day = Day::parse(&from).ok_or_else(|| anyhow::anyhow!("--from: expected YYYY-MM-DD, got {from:?}"))?;
            let rules = config.deadline_rules()?;
            let db = crate::open_database(config).await?;
            let cal = app::base::calendar::load_calendar(&db.pool).await.map_err(|e| anyhow::anyhow!("reading the calendar: {e}"))?;
            let due = rules.deadline(&cal, st, day.end_timestamp() - 12 * 3600);
            println!(
                "{} from {day}: {} {} days → due {} (end of day, China time)",
                st.as_str(),
                rules.days(st),
                if rules.counts_working_days(st) { "working" } else { "calendar" },
                Day::of_timestamp(due)
            );
            Ok(())
        }
    }
}
