//! Integration tests: the real app on port 0, against SQLite and PostgreSQL.
mod helpers;
mod import;

mod auth;
mod authz;
mod classroom;
mod cli;
mod contests;
mod contest_credits;
mod daily;
mod durability;
mod hardening;
mod load;
mod officers;
mod org;
mod page_cache;
mod quiz;
mod reports;
mod schema;
mod workflow;
mod shell;
mod training;
mod training_district;
mod training_enterprises;
mod training_records;
mod training_sign_in;
