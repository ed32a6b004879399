//! Typed configuration: built-in defaults, then an optional TOML file (`SW_CONFIG` or
//! `--config`), then environment variables, which win. The README has the full table.
use anyhow::{bail, Context};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::Path;

/// Not `Debug` by derive: its `Debug` hides the data key and the database password, so a
/// configuration printed to a log cannot leak them.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://path` or `postgres://…`.
    pub database_url: String,
    /// Address to listen on (port 0 picks a free port).
    pub bind: SocketAddr,
    /// Database pool size; unset: 8 on SQLite (one writer), 32 on PostgreSQL (see `pool_size`).
    pub db_max_connections: Option<u32>,
    /// Send the session cookie only over HTTPS. Turn on behind TLS.
    pub cookie_secure: bool,
    pub session_idle_minutes: i64,
    pub staff_totp_required: bool,
    pub login_max_failures: i64,
    pub login_lock_seconds: i64,
    pub max_body_bytes: usize,
    pub request_timeout_secs: u64,
    /// Concurrent CPU-heavy jobs (argon2, image work); defaults to the number of cores.
    pub cpu_workers: usize,
    pub totp_issuer: String,
    /// Log filter in `tracing_subscriber::EnvFilter` syntax.
    pub log: String,
    /// Key for data encrypted at rest: base64 of 32 random bytes (prefer `data_key_file`).
    pub data_key: Option<String>,
    /// File holding the key (mode 600, outside the database and its backups).
    pub data_key_file: Option<std::path::PathBuf>,
    /// Attachments per report or message, and the size of each.
    pub upload_max_files: usize,
    pub upload_max_file_bytes: usize,
    /// Where upload bodies' files are spooled (encrypted) while a request handles them: a fresh
    /// directory of the server's own is made under this one (default: the system's temporary
    /// directory), and the most bytes spooled at once (beyond it an upload is answered 429).
    pub upload_spool_dir: Option<std::path::PathBuf>,
    pub upload_spool_bytes: u64,
    /// Days to the acceptance decision, the objection window and the reward claim window.
    pub report_acceptance_days: i64,
    pub report_objection_days: i64,
    pub reward_claim_days: i64,
    /// Days to transfer a case out, to verify and reply (from acceptance), to review an objection.
    pub transfer_days: i64,
    pub verification_days: i64,
    pub extension_max_days: i64,
    pub review_days: i64,
    /// Stages counted in working days (comma list of acceptance, transfer, verification,
    /// objection, review, claim); the others count calendar days.
    pub working_day_stages: String,
    /// A deadline this close (days) shows as "due soon".
    pub due_soon_days: i64,
    /// Proof-of-work difficulty (leading zero bits) and the delay that replaces it without JavaScript.
    pub pow_bits: u32,
    pub nojs_delay_ms: u64,
    /// Per-client limits (held in memory only).
    pub report_submits_per_hour: u32,
    pub case_lookups_per_hour: u32,
    pub case_messages_per_hour: u32,
    /// Wrong access codes per case number before it is locked, and for how long.
    pub case_max_failures: i64,
    pub case_lock_seconds: i64,
    /// Reward rules: percentage of the fine with its bounds, per-death amounts by accident level
    /// ("一般,较大,重大,特别重大" as a comma list) and the cap of one reward. Defaults: national 2018.
    pub reward_fine_percent: i64,
    pub reward_fine_min_yuan: i64,
    pub reward_fine_max_yuan: i64,
    pub reward_per_death_yuan: String,
    pub reward_cap_yuan: i64,
    /// Where `/metrics` is served, on its own listener (off when unset): per-route counters and
    /// latencies tell when public forms were used, so they are not on the public port.
    pub metrics_bind: Option<SocketAddr>,
    /// Reverse proxies (addresses or CIDR blocks, comma-separated) whose `X-Forwarded-For` is
    /// believed for the in-memory per-client limits; from any other peer the header is ignored.
    pub trusted_proxies: String,
    /// SQLite's `synchronous`: `full` (default; nothing acknowledged is lost on a power cut) or
    /// `normal` (survives a crash of the process only; faster commits).
    pub sqlite_synchronous: String,
    /// Public contests: joins per client and hour (in memory only). Generous by default, since a
    /// whole workplace or school may share one address.
    pub contest_joins_per_hour: u32,
    /// Error reports on questions (纠错) per client and hour (in memory only).
    pub question_feedback_per_hour: u32,
    /// Questions in an employee's daily challenge (每日一练).
    pub daily_questions: u32,
    /// Seconds a session read from the database is kept in memory (0: read it every time). See
    /// `session_store`: with several instances, a change made through another one is seen after
    /// at most this long.
    pub session_cache_seconds: u64,
    /// The district's training hour and certificate rules, as `name=value` pairs separated by
    /// commas (e.g. `worker_yearly=12,minutes_per_hour=40`); unnamed ones keep the national rule
    /// (`app::training::rules::HourRules`).
    pub training_hours: String,
    /// The portal's public address (`https://…`, no path), printed in certificates' QR codes;
    /// empty: the address each request came to.
    pub public_url: String,
}

/// `scheme://user:***@host/db`: the URL without its password.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}{path}")
        }
        None => url.to_string(),
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("bind", &self.bind)
            .field("data_key", &self.data_key.as_ref().map(|_| "***"))
            .field("data_key_file", &self.data_key_file)
            .field("metrics_bind", &self.metrics_bind)
            .field("cookie_secure", &self.cookie_secure)
            .finish_non_exhaustive()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://data/safewhistle.db".into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            db_max_connections: None,
            cookie_secure: false,
            session_idle_minutes: 30,
            staff_totp_required: false,
            login_max_failures: 5,
            login_lock_seconds: 900,
            max_body_bytes: 2 * 1024 * 1024,
            request_timeout_secs: 30,
            cpu_workers: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            totp_issuer: "SafeWhistle".into(),
            log: "info,safewhistle=info,tower_http=warn,sqlx=warn".into(),
            data_key: None,
            data_key_file: None,
            upload_max_files: 6,
            upload_max_file_bytes: 10 * 1024 * 1024,
            upload_spool_dir: None,
            upload_spool_bytes: 1024 * 1024 * 1024,
            report_acceptance_days: 5,
            report_objection_days: 10,
            reward_claim_days: 60,
            transfer_days: 5,
            verification_days: 60,
            extension_max_days: 30,
            review_days: 30,
            working_day_stages: "acceptance,transfer".into(),
            due_soon_days: 3,
            pow_bits: 18,
            nojs_delay_ms: 2000,
            report_submits_per_hour: 10,
            case_lookups_per_hour: 60,
            case_messages_per_hour: 30,
            case_max_failures: 5,
            case_lock_seconds: 3600,
            reward_fine_percent: 15,
            reward_fine_min_yuan: 3_000,
            reward_fine_max_yuan: 300_000,
            reward_per_death_yuan: "30000,40000,50000,60000".into(),
            reward_cap_yuan: 300_000,
            metrics_bind: None,
            trusted_proxies: String::new(),
            sqlite_synchronous: "full".into(),
            contest_joins_per_hour: 300,
            question_feedback_per_hour: 20,
            daily_questions: 5,
            training_hours: String::new(),
            public_url: String::new(),
            session_cache_seconds: 30,
        }
    }
}

/// (environment variable, config file key) pairs; the README table is generated from the same list.
pub const ENV_KEYS: &[(&str, &str)] = &[
    ("DATABASE_URL", "database_url"),
    ("SW_BIND", "bind"),
    ("SW_DB_MAX_CONNECTIONS", "db_max_connections"),
    ("SW_COOKIE_SECURE", "cookie_secure"),
    ("SW_SESSION_IDLE_MINUTES", "session_idle_minutes"),
    ("SW_STAFF_TOTP_REQUIRED", "staff_totp_required"),
    ("SW_LOGIN_MAX_FAILURES", "login_max_failures"),
    ("SW_LOGIN_LOCK_SECONDS", "login_lock_seconds"),
    ("SW_MAX_BODY_BYTES", "max_body_bytes"),
    ("SW_REQUEST_TIMEOUT_SECS", "request_timeout_secs"),
    ("SW_CPU_WORKERS", "cpu_workers"),
    ("SW_TOTP_ISSUER", "totp_issuer"),
    ("SW_LOG", "log"),
    ("SW_DATA_KEY", "data_key"),
    ("SW_DATA_KEY_FILE", "data_key_file"),
    ("SW_UPLOAD_MAX_FILES", "upload_max_files"),
    ("SW_UPLOAD_MAX_FILE_BYTES", "upload_max_file_bytes"),
    ("SW_UPLOAD_SPOOL_DIR", "upload_spool_dir"),
    ("SW_UPLOAD_SPOOL_BYTES", "upload_spool_bytes"),
    ("SW_REPORT_ACCEPTANCE_DAYS", "report_acceptance_days"),
    ("SW_REPORT_OBJECTION_DAYS", "report_objection_days"),
    ("SW_REWARD_CLAIM_DAYS", "reward_claim_days"),
    ("SW_TRANSFER_DAYS", "transfer_days"),
    ("SW_VERIFICATION_DAYS", "verification_days"),
    ("SW_EXTENSION_MAX_DAYS", "extension_max_days"),
    ("SW_REVIEW_DAYS", "review_days"),
    ("SW_WORKING_DAY_STAGES", "working_day_stages"),
    ("SW_DUE_SOON_DAYS", "due_soon_days"),
    ("SW_POW_BITS", "pow_bits"),
    ("SW_NOJS_DELAY_MS", "nojs_delay_ms"),
    ("SW_REPORT_SUBMITS_PER_HOUR", "report_submits_per_hour"),
    ("SW_CASE_LOOKUPS_PER_HOUR", "case_lookups_per_hour"),
    ("SW_CASE_MESSAGES_PER_HOUR", "case_messages_per_hour"),
    ("SW_CASE_MAX_FAILURES", "case_max_failures"),
    ("SW_CASE_LOCK_SECONDS", "case_lock_seconds"),
    ("SW_REWARD_FINE_PERCENT", "reward_fine_percent"),
    ("SW_REWARD_FINE_MIN_YUAN", "reward_fine_min_yuan"),
    ("SW_REWARD_FINE_MAX_YUAN", "reward_fine_max_yuan"),
    ("SW_REWARD_PER_DEATH_YUAN", "reward_per_death_yuan"),
    ("SW_REWARD_CAP_YUAN", "reward_cap_yuan"),
    ("SW_METRICS_BIND", "metrics_bind"),
    ("SW_TRUSTED_PROXIES", "trusted_proxies"),
    ("SW_SQLITE_SYNCHRONOUS", "sqlite_synchronous"),
    ("SW_CONTEST_JOINS_PER_HOUR", "contest_joins_per_hour"),
    ("SW_QUESTION_FEEDBACK_PER_HOUR", "question_feedback_per_hour"),
    ("SW_DAILY_QUESTIONS", "daily_questions"),
    ("SW_SESSION_CACHE_SECONDS", "session_cache_seconds"),
    ("SW_TRAINING_HOURS", "training_hours"),
    ("SW_PUBLIC_URL", "public_url"),
];

impl Config {
    /// Load from an optional file and the process environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        Self::load_from(file, |k| std::env::var(k).ok())
    }

    pub fn load_from(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("SW_CONFIG: cannot read config file {}", path.display()))?;
                text.parse::<toml::Table>()
                    .with_context(|| format!("SW_CONFIG: {} is not valid TOML", path.display()))?
            }
            None => toml::Table::new(),
        };
        for (var, key) in ENV_KEYS {
            if let Some(value) = env(var) {
                // Environment values are strings; give each the TOML type of its field.
                let parsed = match *key {
                    "cookie_secure" | "staff_totp_required" => match value.as_str() {
                        "1" | "true" | "yes" | "on" => toml::Value::Boolean(true),
                        "0" | "false" | "no" | "off" => toml::Value::Boolean(false),
                        _ => bail!("{var}: expected true or false, got {value:?}"),
                    },
                    "db_max_connections" | "session_idle_minutes" | "login_max_failures"
                    | "login_lock_seconds" | "max_body_bytes" | "request_timeout_secs" | "cpu_workers"
                    | "upload_max_files" | "upload_max_file_bytes" | "upload_spool_bytes" | "report_acceptance_days"
                    | "report_objection_days" | "reward_claim_days" | "pow_bits" | "nojs_delay_ms"
                    | "transfer_days" | "verification_days" | "extension_max_days" | "review_days" | "due_soon_days"
                    | "report_submits_per_hour" | "case_lookups_per_hour" | "case_messages_per_hour"
                    | "case_max_failures" | "case_lock_seconds" | "reward_fine_percent"
                    | "reward_fine_min_yuan" | "reward_fine_max_yuan" | "reward_cap_yuan"
                    | "contest_joins_per_hour" | "question_feedback_per_hour" | "daily_questions"
                    | "session_cache_seconds" => {
                        toml::Value::Integer(
                            value.trim().parse().with_context(|| format!("{var}: expected a whole number, got {value:?}"))?,
                        )
                    }
                    _ => toml::Value::String(value),
                };
                table.insert((*key).to_string(), parsed);
            }
        }
        let config: Config = toml::Value::Table(table)
            .try_into()
            .context("configuration: a setting has the wrong type or an unknown name")?;
        config.validate()?;
        Ok(config)
    }

    /// The key for encrypted columns; start-up fails without a valid one.
    pub fn data_key(&self) -> anyhow::Result<app::base::crypto::DataKey> {
        let text = match (&self.data_key, &self.data_key_file) {
            (Some(k), _) => k.clone(),
            (None, Some(path)) => std::fs::read_to_string(path)
                .with_context(|| format!("SW_DATA_KEY_FILE: cannot read {}", path.display()))?,
            (None, None) => bail!(
                "SW_DATA_KEY_FILE (or SW_DATA_KEY) must be set: the key for data encrypted at rest \
                 (create one with `safewhistle gen-key > data.key`)"
            ),
        };
        app::base::crypto::DataKey::from_base64(&text).map_err(|e| anyhow::anyhow!("SW_DATA_KEY / SW_DATA_KEY_FILE: {e}"))
    }

    /// The pool size: the setting, or the backend's default. SQLite has one writer (answers and
    /// starts go through one writer task): more connections only wait on its lock. On PostgreSQL
    /// the pool was the limit under contest load (docs/benchmarks.md: answers' p99 6.6 s with 8
    /// connections, 226 ms with 32).
    pub fn pool_size(&self) -> u32 {
        match self.db_max_connections {
            Some(n) => n,
            None if self.database_url.starts_with("postgres") => 32,
            None => 8,
        }
    }

    fn validate(&self) -> anyhow::Result<()> {
        if self.db_max_connections == Some(0) {
            bail!("SW_DB_MAX_CONNECTIONS must be at least 1");
        }
        if self.cpu_workers == 0 {
            bail!("SW_CPU_WORKERS must be at least 1");
        }
        if self.max_body_bytes < 1024 {
            bail!("SW_MAX_BODY_BYTES must be at least 1024");
        }
        if self.session_idle_minutes < 1 {
            bail!("SW_SESSION_IDLE_MINUTES must be at least 1");
        }
        if self.login_max_failures < 1 || self.login_lock_seconds < 1 {
            bail!("SW_LOGIN_MAX_FAILURES and SW_LOGIN_LOCK_SECONDS must be at least 1");
        }
        if self.upload_max_files > 50 || self.upload_max_file_bytes < 1024 || self.upload_max_file_bytes > 512 * 1024 * 1024 {
            bail!("SW_UPLOAD_MAX_FILES must be at most 50 and SW_UPLOAD_MAX_FILE_BYTES between 1 KiB and 512 MiB");
        }
        // One whole form, raw and cleaned, must fit.
        let one_form = 2 * (self.upload_max_files.max(1) as u64) * self.upload_max_file_bytes as u64;
        if self.upload_spool_bytes < one_form {
            bail!("SW_UPLOAD_SPOOL_BYTES must be at least {one_form} (twice SW_UPLOAD_MAX_FILES × SW_UPLOAD_MAX_FILE_BYTES)");
        }
        self.reward_rules()?;
        self.training_rules()?;
        if !self.public_url.is_empty() && !(self.public_url.starts_with("https://") || self.public_url.starts_with("http://")) {
            bail!("SW_PUBLIC_URL must start with https:// (or http://), got {:?}", self.public_url);
        }
        self.deadline_rules()?;
        self.proxies()?;
        self.sqlite_sync()?;
        if self.session_cache_seconds > 3600 {
            bail!("SW_SESSION_CACHE_SECONDS must be at most 3600");
        }
        if !(1..=20).contains(&self.daily_questions) {
            bail!("SW_DAILY_QUESTIONS must be between 1 and 20");
        }
        if self.pow_bits > 28 {
            bail!("SW_POW_BITS must be at most 28 (phones must solve it in seconds)");
        }
        for (name, v) in [
            ("SW_REPORT_ACCEPTANCE_DAYS", self.report_acceptance_days),
            ("SW_REPORT_OBJECTION_DAYS", self.report_objection_days),
            ("SW_REWARD_CLAIM_DAYS", self.reward_claim_days),
            ("SW_TRANSFER_DAYS", self.transfer_days),
            ("SW_VERIFICATION_DAYS", self.verification_days),
            ("SW_EXTENSION_MAX_DAYS", self.extension_max_days),
            ("SW_REVIEW_DAYS", self.review_days),
            ("SW_DUE_SOON_DAYS", self.due_soon_days),
            ("SW_CASE_MAX_FAILURES", self.case_max_failures),
            ("SW_CASE_LOCK_SECONDS", self.case_lock_seconds),
        ] {
            if !(1..=3650 * 86_400).contains(&v) {
                bail!("{name} must be a positive number");
            }
        }
        Ok(())
    }

    /// The reward rules, checked: bounds in order, four positive per-death amounts.
    pub fn reward_rules(&self) -> anyhow::Result<app::rewards::rules::RewardRules> {
        let per: Vec<i64> = self
            .reward_per_death_yuan
            .split(',')
            .map(|v| v.trim().parse::<i64>())
            .collect::<Result<_, _>>()
            .context("SW_REWARD_PER_DEATH_YUAN: expected four whole numbers separated by commas")?;
        let [a, b, c, d] = per[..] else {
            bail!("SW_REWARD_PER_DEATH_YUAN: expected four amounts (一般, 较大, 重大, 特别重大), got {}", per.len());
        };
        if per.iter().any(|v| *v <= 0) {
            bail!("SW_REWARD_PER_DEATH_YUAN: amounts must be positive");
        }
        if !(0..=100).contains(&self.reward_fine_percent)
            || self.reward_fine_min_yuan < 0
            || self.reward_fine_min_yuan > self.reward_fine_max_yuan
            || self.reward_cap_yuan <= 0
        {
            bail!("SW_REWARD_FINE_PERCENT must be 0–100, SW_REWARD_FINE_MIN_YUAN ≤ SW_REWARD_FINE_MAX_YUAN, SW_REWARD_CAP_YUAN > 0");
        }
        Ok(app::rewards::rules::RewardRules {
            fine_percent: self.reward_fine_percent,
            fine_min_yuan: self.reward_fine_min_yuan,
            fine_max_yuan: self.reward_fine_max_yuan,
            per_death_yuan: [a, b, c, d],
            cap_yuan: self.reward_cap_yuan,
        })
    }

    /// The stage lengths, checked: every stage named in SW_WORKING_DAY_STAGES must exist.
    pub fn deadline_rules(&self) -> anyhow::Result<app::base::calendar::DeadlineRules> {
        use app::base::calendar::{DeadlineRules, Stage};
        let mut working = Vec::new();
        for name in self.working_day_stages.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match Stage::parse(name) {
                Some(st) => working.push(st),
                None => bail!(
                    "SW_WORKING_DAY_STAGES: unknown stage {name:?} (use acceptance, transfer, verification, objection, review, claim)"
                ),
            }
        }
        if self.extension_max_days > 365 || self.due_soon_days > 365 {
            bail!("SW_EXTENSION_MAX_DAYS and SW_DUE_SOON_DAYS must be at most 365");
        }
        let mut rules = DeadlineRules { extension_max_days: self.extension_max_days, due_soon_days: self.due_soon_days, ..Default::default() };
        for (stage, var, days) in [
            (Stage::Acceptance, "SW_REPORT_ACCEPTANCE_DAYS", self.report_acceptance_days),
            (Stage::Transfer, "SW_TRANSFER_DAYS", self.transfer_days),
            (Stage::Verification, "SW_VERIFICATION_DAYS", self.verification_days),
            (Stage::Objection, "SW_REPORT_OBJECTION_DAYS", self.report_objection_days),
            (Stage::Review, "SW_REVIEW_DAYS", self.review_days),
            (Stage::Claim, "SW_REWARD_CLAIM_DAYS", self.reward_claim_days),
        ] {
            if !(1..=3650).contains(&days) {
                bail!("{var}: the {} stage must last 1 to 3650 days", stage.as_str());
            }
            rules.set(stage, days, working.contains(&stage));
        }
        Ok(rules)
    }

    pub fn sqlite_sync(&self) -> anyhow::Result<app::base::db::SqliteSync> {
        match self.sqlite_synchronous.trim().to_ascii_lowercase().as_str() {
            "full" => Ok(app::base::db::SqliteSync::Full),
            "normal" => Ok(app::base::db::SqliteSync::Normal),
            other => bail!("SW_SQLITE_SYNCHRONOUS: expected full or normal, got {other:?}"),
        }
    }

    /// The quiz area's settings.
    pub fn quiz_settings(&self) -> app::quiz::QuizSettings {
        app::quiz::QuizSettings {
            contest_joins_per_hour: self.contest_joins_per_hour,
            feedback_per_hour: self.question_feedback_per_hour,
            daily_questions: self.daily_questions as usize,
        }
    }

    /// The training hour rules: the national ones with the district's changes, checked.
    pub fn training_rules(&self) -> anyhow::Result<app::training::rules::HourRules> {
        let mut object = serde_json::Map::new();
        for pair in self.training_hours.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = pair
                .split_once('=')
                .with_context(|| format!("SW_TRAINING_HOURS: expected name=value, got {pair:?}"))?;
            let value: i64 = value.trim().parse().with_context(|| format!("SW_TRAINING_HOURS: {name} must be a whole number"))?;
            object.insert(name.trim().to_string(), serde_json::Value::from(value));
        }
        let rules: app::training::rules::HourRules = serde_json::from_value(serde_json::Value::Object(object))
            .map_err(|e| anyhow::anyhow!("SW_TRAINING_HOURS: {e}"))?;
        rules.check().map_err(|name| anyhow::anyhow!("SW_TRAINING_HOURS: {name} is out of range"))?;
        Ok(rules)
    }

    /// The trusted reverse proxies, parsed.
    pub fn proxies(&self) -> anyhow::Result<app::base::clients::TrustedProxies> {
        app::base::clients::TrustedProxies::parse(&self.trusted_proxies)
            .map_err(|bad| anyhow::anyhow!("SW_TRUSTED_PROXIES: {bad:?} is not an IP address or CIDR block"))
    }

    /// The tip-off settings the app logic uses.
    pub fn report_settings(&self) -> app::reports::ssr::ReportSettings {
        app::reports::ssr::ReportSettings {
            max_files: self.upload_max_files,
            max_file_bytes: self.upload_max_file_bytes,
            pow_bits: self.pow_bits,
            nojs_delay_ms: self.nojs_delay_ms,
            submits_per_hour: self.report_submits_per_hour,
            lookups_per_hour: self.case_lookups_per_hour,
            messages_per_hour: self.case_messages_per_hour,
            case_max_failures: self.case_max_failures,
            case_lock_seconds: self.case_lock_seconds,
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_key_and_the_database_password() {
        let config = Config {
            database_url: "postgres://sw:s3cret-pw@db.internal:5432/safewhistle".into(),
            data_key: Some("c2VjcmV0LWtleS1tYXRlcmlhbA==".into()),
            ..Config::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("s3cret-pw") && !shown.contains("c2VjcmV0"), "{shown}");
        assert!(shown.contains("postgres://sw:***@db.internal:5432/safewhistle"), "{shown}");
        assert_eq!(redact_url("sqlite://data/sw.db"), "sqlite://data/sw.db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u:***@h/db");
    }

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn readme_documents_every_setting() {
        let readme = include_str!("../../README.md");
        for (var, key) in ENV_KEYS {
            assert!(readme.contains(&format!("| `{var}` | `{key}` |")), "README configuration table lacks {var}");
        }
    }

    #[test]
    fn defaults_use_sqlite_file() {
        let c = Config::load_from(None, env(&[])).expect("defaults are valid");
        assert_eq!(c.database_url, "sqlite://data/safewhistle.db");
        assert_eq!(c.bind.port(), 3000);
        assert!(!c.staff_totp_required);
    }

    #[test]
    fn pool_size_follows_the_backend_unless_set() {
        let c = Config::load_from(None, env(&[])).expect("defaults");
        assert_eq!(c.pool_size(), 8);
        let c = Config::load_from(None, env(&[("DATABASE_URL", "postgres://u@h/db")])).expect("valid");
        assert_eq!(c.pool_size(), 32);
        let c = Config::load_from(None, env(&[("DATABASE_URL", "postgres://u@h/db"), ("SW_DB_MAX_CONNECTIONS", "12")]))
            .expect("valid");
        assert_eq!(c.pool_size(), 12);
        let err = Config::load_from(None, env(&[("SW_DB_MAX_CONNECTIONS", "0")])).unwrap_err();
        assert!(err.to_string().contains("SW_DB_MAX_CONNECTIONS"), "{err}");
    }

    #[test]
    fn environment_overrides_file() {
        let dir = std::env::temp_dir().join(format!("swcfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("c.toml");
        std::fs::write(&file, "bind = \"127.0.0.1:4000\"\nstaff_totp_required = true\n").expect("write");
        let c = Config::load_from(Some(&file), env(&[("SW_BIND", "127.0.0.1:5000")])).expect("valid");
        assert_eq!(c.bind.port(), 5000);
        assert!(c.staff_totp_required);
    }

    #[test]
    fn data_key_is_required_and_checked() {
        let c = Config::load_from(None, env(&[])).expect("valid");
        assert!(c.data_key().unwrap_err().to_string().contains("SW_DATA_KEY_FILE"));
        let c = Config::load_from(None, env(&[("SW_DATA_KEY", "short")])).expect("valid");
        assert!(c.data_key().unwrap_err().to_string().contains("SW_DATA_KEY"));
        let key = app::base::crypto::DataKey::generate_base64();
        let c = Config::load_from(None, env(&[("SW_DATA_KEY", &key)])).expect("valid");
        assert!(c.data_key().is_ok());
    }

    #[test]
    fn deadline_settings() {
        use app::base::calendar::Stage;
        let c = Config::load_from(None, env(&[])).expect("defaults");
        let r = c.deadline_rules().expect("rules");
        assert_eq!((r.days(Stage::Acceptance), r.counts_working_days(Stage::Acceptance)), (5, true));
        assert_eq!((r.days(Stage::Verification), r.counts_working_days(Stage::Verification)), (60, false));
        assert_eq!((r.days(Stage::Claim), r.extension_max_days), (60, 30));
        let c = Config::load_from(None, env(&[("SW_WORKING_DAY_STAGES", "review, claim"), ("SW_REVIEW_DAYS", "20")]))
            .expect("valid");
        let r = c.deadline_rules().expect("rules");
        assert!(!r.counts_working_days(Stage::Acceptance) && r.counts_working_days(Stage::Review));
        assert_eq!(r.days(Stage::Review), 20);
        let err = Config::load_from(None, env(&[("SW_WORKING_DAY_STAGES", "acceptance,lunch")])).unwrap_err();
        assert!(format!("{err:#}").contains("SW_WORKING_DAY_STAGES"), "{err:#}");
        let err = Config::load_from(None, env(&[("SW_VERIFICATION_DAYS", "0")])).unwrap_err();
        assert!(format!("{err:#}").contains("SW_VERIFICATION_DAYS"), "{err:#}");
    }

    #[test]
    fn bad_values_name_the_setting() {
        let err = Config::load_from(None, env(&[("SW_COOKIE_SECURE", "maybe")])).unwrap_err();
        assert!(err.to_string().contains("SW_COOKIE_SECURE"), "{err}");
        let err = Config::load_from(None, env(&[("SW_CPU_WORKERS", "two")])).unwrap_err();
        assert!(format!("{err:#}").contains("SW_CPU_WORKERS"), "{err:#}");
        let err = Config::load_from(None, env(&[("SW_CPU_WORKERS", "0")])).unwrap_err();
        assert!(err.to_string().contains("SW_CPU_WORKERS"), "{err}");
        let err = Config::load_from(None, env(&[("SW_REWARD_PER_DEATH_YUAN", "1,2,3")])).unwrap_err();
        assert!(err.to_string().contains("SW_REWARD_PER_DEATH_YUAN"), "{err}");
        let c = Config::load_from(None, env(&[("SW_REWARD_PER_DEATH_YUAN", "30000,50000,50000,50000"), ("SW_REWARD_CAP_YUAN", "500000")]))
            .expect("Anhui rules are valid");
        assert_eq!(c.reward_rules().expect("rules").cap_yuan, 500_000);
    }

    #[test]
    fn training_hours_are_the_national_rule_with_the_districts_changes() {
        let c = Config::load_from(None, env(&[])).expect("defaults");
        assert_eq!(c.training_rules().expect("rules"), app::training::rules::HourRules::default());
        let c = Config::load_from(None, env(&[("SW_TRAINING_HOURS", "worker_yearly=12, minutes_per_hour=40")])).expect("valid");
        let r = c.training_rules().expect("rules");
        assert_eq!((r.worker_yearly, r.minutes_per_hour, r.manager_yearly), (12, 40, 12));
        for bad in ["worker_yearly", "worker_yearly=x", "no_such_rule=1", "minutes_per_hour=5", "worker_yearly=-1"] {
            assert!(Config::load_from(None, env(&[("SW_TRAINING_HOURS", bad)])).is_err(), "{bad}");
        }
    }
}
