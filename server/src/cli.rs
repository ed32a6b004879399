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
    /// Administration commands.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
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
        /// Enterprise id (enterprise managers and employees).
        #[arg(long)]
        enterprise: Option<i64>,
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
    let password = read_password()?;
    let state = AppState {
        leptos_options: leptos::config::LeptosOptions::builder().output_name("safewhistle").build(),
        db,
        auth: Arc::new(AuthSettings::default()),
        cpu_pool: Arc::new(tokio::sync::Semaphore::new(1)),
        data_key: Arc::new(config.data_key()?),
        reports: Arc::new(config.report_settings()),
        limiter: Arc::new(app::reports::abuse::RateLimiter::default()),
    };
    let user = NewUser {
        display_name: display_name.unwrap_or_else(|| name.clone()),
        username: name,
        role,
        department_id,
        enterprise_id: enterprise,
        is_demo: false,
    };
    match create_user(&state, user, password).await {
        Ok(id) => {
            println!("account created (id {id})");
            Ok(())
        }
        Err(app::errors::AppError::Validation(errs)) => {
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
