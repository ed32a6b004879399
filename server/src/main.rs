//! `safewhistle`: thin entry point. Parse the command line and configuration, set up logging,
//! then run the chosen command.
use clap::Parser;
use safewhistle::cli::{self, Cli, Command};
use safewhistle::config::Config;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("safewhistle: configuration error: {e:#}");
            return ExitCode::from(2);
        }
    };
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_target(false).init();

    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => cli::migrate(&config).await,
        Command::SeedDemo => cli::seed_demo(&config).await,
        Command::GenKey => {
            println!("{}", app::base::crypto::DataKey::generate_base64());
            Ok(())
        }
        Command::BenchBaseline { bind, size } => cli::bench_baseline(bind, size).await,
        Command::BenchHello { bind } => safewhistle::bench_hello::serve(bind).await,
        Command::Admin { command } => cli::create_user_cmd(&config, command).await,
        Command::Audit { command: cli::AuditCommand::Verify } => cli::audit_verify(&config).await,
        Command::Audit { command: cli::AuditCommand::Head } => cli::audit_head(&config).await,
        Command::Rules { command } => cli::rules_cmd(&config, command).await,
        Command::DeadlineJob => cli::deadline_job(&config).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("safewhistle: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = safewhistle::build(config).await?;
    let addr = app.local_addr()?;
    tracing::info!("SafeWhistle listening on http://{addr}");
    println!("SafeWhistle is running at http://{addr}");
    app.run_until_stopped(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
