//! Storage of the staff workflow. Every operation: role and scope check, state check
//! (`rules::check`), then one transaction with a conditional UPDATE (so a second, concurrent click
//! changes nothing), the reporter-visible timeline entry and the audit-log entry.
use crate::base::audit::{self, Entry};
use crate::base::calendar::{urgency, Day, DeadlineRules, Stage};
use crate::cases::ssr::{case_id, scope, Scope};
use crate::cases::rules::{self, CaseFacts, Op};
use super::*;
use crate::accounts::{CurrentUser, Role};
use crate::base::db::{now, Db};
use crate::base::errors::AppError;
use crate::base::validate::FieldErrors;
use crate::state::AppState;
use serde_json::json;

use crate::cases::{sql_list, Status};

/// Statuses in which a staff clock runs, as an SQL list.
pub(super) fn open_sql() -> String {
    sql_list(&Status::OPEN)
}

/// Whether a status code read as text (the wire rows) is one in which a staff clock runs.
pub(super) fn is_open(code: &str) -> bool {
    Status::parse(code).is_some_and(Status::is_open)
}

mod act;
mod act_support;
mod admin;
mod case;
mod daily;
mod http;
mod queue;
mod reveal;
mod store;
mod validate;

pub use act::*;
pub use act_support::*;
pub use admin::*;
pub use case::*;
pub use daily::*;
pub use http::http;
pub use queue::*;
pub use reveal::*;
