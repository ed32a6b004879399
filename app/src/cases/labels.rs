//! Translated labels of case codes: report types, statuses, reward states, and the staff
//! operations, reason codes and results (looked up by key; every code has both languages).
use crate::i18n::*;

pub fn wf_label(locale: Locale, key: &str) -> String {
    match key {
        "op_accept" => td_string!(locale, op_accept).to_string(),
        "op_refuse" => td_string!(locale, op_refuse).to_string(),
        "op_duplicate" => td_string!(locale, op_duplicate).to_string(),
        "op_transfer" => td_string!(locale, op_transfer).to_string(),
        "op_route" => td_string!(locale, op_route).to_string(),
        "op_verify" => td_string!(locale, op_verify).to_string(),
        "op_rectify" => td_string!(locale, op_rectify).to_string(),
        "op_rectify_done" => td_string!(locale, op_rectify_done).to_string(),
        "op_request_extension" => td_string!(locale, op_request_extension).to_string(),
        "op_decide_extension" => td_string!(locale, op_decide_extension).to_string(),
        "op_reply" => td_string!(locale, op_reply).to_string(),
        "op_escalate" => td_string!(locale, op_escalate).to_string(),
        "op_review_result" => td_string!(locale, op_review_result).to_string(),
        "op_close" => td_string!(locale, op_close).to_string(),
        "op_reward_decide" => td_string!(locale, op_reward_decide).to_string(),
        "op_reward_approve" => td_string!(locale, op_reward_approve).to_string(),
        "op_reward_pay" => td_string!(locale, op_reward_pay).to_string(),
        "op_identity_revealed" => td_string!(locale, op_identity_revealed).to_string(),
        "op_payee_revealed" => td_string!(locale, op_payee_revealed).to_string(),
        "op_export" => td_string!(locale, op_export).to_string(),
        "op_routing_rule_saved" => td_string!(locale, op_routing_rule_saved).to_string(),
        "op_routing_rule_deleted" => td_string!(locale, op_routing_rule_deleted).to_string(),
        "op_holiday_saved" => td_string!(locale, op_holiday_saved).to_string(),
        "op_holiday_deleted" => td_string!(locale, op_holiday_deleted).to_string(),
        "op_reward_expired" => td_string!(locale, op_reward_expired).to_string(),
        "op_message" => td_string!(locale, op_message).to_string(),
        "op_spam" => td_string!(locale, op_spam).to_string(),
        "op_user_created" => td_string!(locale, op_user_created).to_string(),
        "op_totp_enrolled" => td_string!(locale, op_totp_enrolled).to_string(),
        "rc_duplicate_already_accepted" => td_string!(locale, rc_duplicate_already_accepted).to_string(),
        "rc_no_clear_target_or_facts" => td_string!(locale, rc_no_clear_target_or_facts).to_string(),
        "rc_not_safety_matter" => td_string!(locale, rc_not_safety_matter).to_string(),
        "rc_out_of_jurisdiction_transferred" => td_string!(locale, rc_out_of_jurisdiction_transferred).to_string(),
        "rc_out_of_region" => td_string!(locale, rc_out_of_region).to_string(),
        "rc_employee_report_without_real_name" => td_string!(locale, rc_employee_report_without_real_name).to_string(),
        "vr_true" => td_string!(locale, vr_true).to_string(),
        "vr_partly_true" => td_string!(locale, vr_partly_true).to_string(),
        "vr_not_true" => td_string!(locale, vr_not_true).to_string(),
        "vr_unverifiable" => td_string!(locale, vr_unverifiable).to_string(),
        "ac_order_rectification" => td_string!(locale, ac_order_rectification).to_string(),
        "ac_administrative_penalty" => td_string!(locale, ac_administrative_penalty).to_string(),
        "ac_suspend_operation" => td_string!(locale, ac_suspend_operation).to_string(),
        "ac_refer_police" => td_string!(locale, ac_refer_police).to_string(),
        "ac_close_down" => td_string!(locale, ac_close_down).to_string(),
        "ac_no_action" => td_string!(locale, ac_no_action).to_string(),
        "rd_eligible" => td_string!(locale, rd_eligible).to_string(),
        "rd_already_known" => td_string!(locale, rd_already_known).to_string(),
        "rd_within_rectification_period" => td_string!(locale, rd_within_rectification_period).to_string(),
        "rd_self_reported_by_unit" => td_string!(locale, rd_self_reported_by_unit).to_string(),
        "rd_not_verified" => td_string!(locale, rd_not_verified).to_string(),
        "rd_media_exposed" => td_string!(locale, rd_media_exposed).to_string(),
        "rd_judicial_handling" => td_string!(locale, rd_judicial_handling).to_string(),
        "rd_staff_or_relative" => td_string!(locale, rd_staff_or_relative).to_string(),
        "rd_not_first_reporter" => td_string!(locale, rd_not_first_reporter).to_string(),
        "rd_anonymous_unidentifiable" => td_string!(locale, rd_anonymous_unidentifiable).to_string(),
        "ext_requested" => td_string!(locale, ext_requested).to_string(),
        "ext_approved" => td_string!(locale, ext_approved).to_string(),
        "ext_refused" => td_string!(locale, ext_refused).to_string(),
        "ext_approve" => td_string!(locale, ext_approve).to_string(),
        "ext_refuse" => td_string!(locale, ext_refuse).to_string(),
        "review_upheld" => td_string!(locale, review_upheld).to_string(),
        "review_reverify" => td_string!(locale, review_reverify).to_string(),
        "yn_yes" => td_string!(locale, yn_yes).to_string(),
        "yn_no" => td_string!(locale, yn_no).to_string(),
        "sealed_name" => td_string!(locale, sealed_name).to_string(),
        "sealed_phone" => td_string!(locale, sealed_phone).to_string(),
        "sealed_joint" => td_string!(locale, sealed_joint).to_string(),
        "sealed_id_number" => td_string!(locale, sealed_id_number).to_string(),
        "sealed_bank" => td_string!(locale, sealed_bank).to_string(),
        "sealed_account" => td_string!(locale, sealed_account).to_string(),
        "op_department_saved" => td_string!(locale, op_department_saved).to_string(),
        "op_merge" => td_string!(locale, op_merge).to_string(),
        "op_town_saved" => td_string!(locale, op_town_saved).to_string(),
        "rc_handed_down" => td_string!(locale, rc_handed_down).to_string(),
        "wf_account" => td_string!(locale, wf_account).to_string(),
        "wf_amount_yuan" => td_string!(locale, wf_amount_yuan).to_string(),
        "wf_contingency" => td_string!(locale, wf_contingency).to_string(),
        "wf_decision" => td_string!(locale, wf_decision).to_string(),
        "wf_earlier_case" => td_string!(locale, wf_earlier_case).to_string(),
        "wf_evidence" => td_string!(locale, wf_evidence).to_string(),
        "wf_extension_reason" => td_string!(locale, wf_extension_reason).to_string(),
        "wf_fine_yuan" => td_string!(locale, wf_fine_yuan).to_string(),
        "wf_funds" => td_string!(locale, wf_funds).to_string(),
        "wf_handoff_note" => td_string!(locale, wf_handoff_note).to_string(),
        "wf_measures" => td_string!(locale, wf_measures).to_string(),
        "wf_merge_hint" => td_string!(locale, wf_merge_hint).to_string(),
        "wf_merge_into" => td_string!(locale, wf_merge_into).to_string(),
        "wf_message_to_reporter" => td_string!(locale, wf_message_to_reporter).to_string(),
        "wf_no_rule" => td_string!(locale, wf_no_rule).to_string(),
        "wf_note" => td_string!(locale, wf_note).to_string(),
        "wf_override_reason" => td_string!(locale, wf_override_reason).to_string(),
        "wf_payment_reference" => td_string!(locale, wf_payment_reference).to_string(),
        "wf_reason_code" => td_string!(locale, wf_reason_code).to_string(),
        "wf_refusal_reason" => td_string!(locale, wf_refusal_reason).to_string(),
        "wf_reply_extra" => td_string!(locale, wf_reply_extra).to_string(),
        "wf_responsible" => td_string!(locale, wf_responsible).to_string(),
        "wf_review" => td_string!(locale, wf_review).to_string(),
        "wf_reward_code" => td_string!(locale, wf_reward_code).to_string(),
        "wf_reward_eligible" => td_string!(locale, wf_reward_eligible).to_string(),
        "wf_transfer_target" => td_string!(locale, wf_transfer_target).to_string(),
        "wf_verification" => td_string!(locale, wf_verification).to_string(),
        "wf_concealed_hint" => td_string!(locale, wf_concealed_hint).to_string(),
        "wf_accident_level" => td_string!(locale, wf_accident_level).to_string(),
        "wf_concealed_deaths" => td_string!(locale, wf_concealed_deaths).to_string(),
        "level_general" => td_string!(locale, level_general).to_string(),
        "level_larger" => td_string!(locale, level_larger).to_string(),
        "level_major" => td_string!(locale, level_major).to_string(),
        "level_especially_major" => td_string!(locale, level_especially_major).to_string(),
        other => other.to_string(),
    }
}

pub fn report_type_label(locale: Locale, code: &str) -> String {
    match code {
        "major_hazard" => td_string!(locale, rt_major_hazard),
        "general_hazard" => td_string!(locale, rt_general_hazard),
        "violation" => td_string!(locale, rt_violation),
        "concealed_accident" => td_string!(locale, rt_concealed_accident),
        _ => td_string!(locale, rt_other),
    }
    .to_string()
}

impl super::Status {
    /// The status in the reader's language; exhaustive, so a new status needs its translation.
    pub fn label(self, locale: Locale) -> &'static str {
        use super::Status::*;
        match self {
            Submitted => td_string!(locale, st_submitted),
            Accepted => td_string!(locale, st_accepted),
            NotAccepted => td_string!(locale, st_not_accepted),
            Transferred => td_string!(locale, st_transferred),
            Verifying => td_string!(locale, st_verifying),
            Extended => td_string!(locale, st_extended),
            Replied => td_string!(locale, st_replied),
            Objection => td_string!(locale, st_objection),
            Review => td_string!(locale, st_review),
            Closed => td_string!(locale, st_closed),
            Withdrawn => td_string!(locale, st_withdrawn),
            Merged => td_string!(locale, st_merged),
        }
    }
}

/// A status or a timeline entry's kind (statuses, and the reward steps) in the reader's language.
pub fn status_label(locale: Locale, code: &str) -> String {
    if let Some(status) = super::Status::parse(code) {
        return status.label(locale).to_string();
    }
    match code {
        "reward_approved" => td_string!(locale, st_reward_approved),
        "reward_claimed" => td_string!(locale, st_reward_claimed),
        "reward_paid" => td_string!(locale, st_reward_paid),
        "reward_denied" => td_string!(locale, st_reward_denied),
        "reward_expired" => td_string!(locale, st_reward_expired),
        _ => td_string!(locale, st_other),
    }
    .to_string()
}

pub fn reward_label(locale: Locale, code: &str) -> String {
    match code {
        "approved" => td_string!(locale, rw_approved),
        "claimed" => td_string!(locale, rw_claimed),
        "paid" => td_string!(locale, rw_paid),
        "expired" => td_string!(locale, rw_expired),
        "denied" => td_string!(locale, rw_denied),
        _ => td_string!(locale, rw_none),
    }
    .to_string()
}
