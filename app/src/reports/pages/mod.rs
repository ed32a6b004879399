//! Pages of the public tip-off. Every form is a plain HTML form (multipart for the two that carry
//! files, `PostForm` for the rest), so each step works without JavaScript; the WebAssembly app
//! adds the proof of work, validation as you type, a draft kept in the browser and copying.
use super::api::{my_case, report_form, take_receipt, ClaimReward, CloseCase, FileObjection, LookupCase, WithdrawReport};
use super::{CaseView, Receipt, ReportDraft, ReportFormContext};
use crate::org::choice_name;
use crate::base::format::{fmt_date, fmt_yuan};
use crate::cases::labels::{report_type_label, reward_label, status_label};
use crate::i18n::*;
use crate::ui::{ErrorPage, FieldErrors, FormError, PostForm};
use leptos::prelude::*;

fn kind_is_reward(kind: &str) -> bool {
    kind.starts_with("reward_")
}

#[cfg(feature = "hydrate")]
mod draft;
#[cfg(feature = "hydrate")]
mod upload;

mod case;
mod form;
mod receipt;

pub use case::*;
pub use form::*;
pub use receipt::*;
