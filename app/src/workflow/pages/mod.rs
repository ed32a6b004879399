//! Staff pages of the workflow: the queue with filters and exports, the case's workflow panel
//! (one form per operation the user may take now; every form works without JavaScript), and the
//! dashboard with server-rendered SVG charts.
use super::api::{load_case_work, staff_dashboard, staff_queue, CaseAction, RevealSealed};
use crate::base::calendar::Urgency;
use crate::cases::labels::wf_label;
use crate::cases::rules;
use super::*;
use crate::base::errors::AppError;
use crate::i18n::*;
use crate::base::format::{fmt_date, fmt_yuan};
use crate::org::choice_name;
use crate::cases::labels::{report_type_label, reward_label, status_label};
use crate::ui::{error_text, ErrorPage, FormError};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

mod dashboard;
mod queue;
mod work_panel;

pub use dashboard::*;
pub use queue::*;
pub use work_panel::*;
