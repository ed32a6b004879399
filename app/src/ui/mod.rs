//! Shared UI: the page layout (header, navigation, footer), the language switch, the 404 page,
//! the error page and helpers that turn error codes into translated messages.
use crate::base::errors::AppError;
use crate::base::table::ImportReport;
use crate::i18n::*;
use leptos::prelude::*;

pub mod ascii_json;
pub use ascii_json::json_resource;
pub mod post_form;
pub use post_form::{FormFields, PostForm};
#[cfg(feature = "hydrate")]
pub mod upload;

/// Marks `<body data-hydrated>` once the page it is placed in has been hydrated by the WebAssembly
/// app (effects run only in the browser, after their component took over its server-rendered
/// HTML). Every route's view ends with it: a lazy page is hydrated only after its split-off code
/// arrived, so a marker on the app itself would be set too early. End-to-end tests wait for it.
#[component]
pub fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// Empties `form` each time `succeeded` turns true, ready for the next entry (a form is kept after
/// an error, to be corrected). Only the hydrated page needs it: without JavaScript the page comes
/// back with an empty form anyway.
pub fn reset_form_after(succeeded: impl Fn() -> bool + Send + Sync + 'static, form: NodeRef<leptos::html::Form>) {
    Effect::new(move |_| {
        let done = succeeded();
        #[cfg(feature = "hydrate")]
        if done {
            if let Some(form) = form.get() {
                form.reset();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (done, form);
    });
}

/// Translate an error code (from `AppError` or a field error) into the reader's language.
pub fn error_text(locale: Locale, code: &str) -> String {
    let s = match code {
        "unauthorized" => td_string!(locale, err_unauthorized),
        "forbidden" => td_string!(locale, err_forbidden),
        "totp_enrollment_required" => td_string!(locale, err_totp_enrollment_required),
        "not_found" => td_string!(locale, err_not_found),
        "invalid_credentials" => td_string!(locale, err_invalid_credentials),
        "rate_limited" => td_string!(locale, err_rate_limited),
        "password_too_short" => td_string!(locale, err_password_too_short),
        "password_too_long" => td_string!(locale, err_password_too_long),
        "username_invalid" => td_string!(locale, err_username_invalid),
        "username_taken" => td_string!(locale, err_username_taken),
        "display_name_invalid" => td_string!(locale, err_display_name_invalid),
        "department_required" => td_string!(locale, err_department_required),
        "department_not_allowed" => td_string!(locale, err_department_not_allowed),
        "department_unknown" => td_string!(locale, err_department_unknown),
        "enterprise_required" => td_string!(locale, err_enterprise_required),
        "enterprise_not_allowed" => td_string!(locale, err_enterprise_not_allowed),
        "enterprise_unknown" => td_string!(locale, err_enterprise_unknown),
        "role_unknown" => td_string!(locale, err_role_unknown),
        "not_a_number" => td_string!(locale, err_not_a_number),
        "totp_not_started" => td_string!(locale, err_totp_not_started),
        "totp_wrong" => td_string!(locale, err_totp_wrong),
        "network" => td_string!(locale, err_network),
        "bad_arguments" => td_string!(locale, err_bad_arguments),
        "validation" => td_string!(locale, err_validation),
        "amount_negative" => td_string!(locale, err_amount_negative),
        "amount_absurd" => td_string!(locale, err_amount_absurd),
        "deaths_out_of_range" => td_string!(locale, err_deaths_out_of_range),
        "required" => td_string!(locale, err_required),
        "too_short" => td_string!(locale, err_too_short),
        "too_long" => td_string!(locale, err_too_long),
        "invalid_characters" => td_string!(locale, err_invalid_characters),
        "invalid_utf8" => td_string!(locale, err_invalid_utf8),
        "choose_one" => td_string!(locale, err_choose_one),
        "unknown_choice" => td_string!(locale, err_unknown_choice),
        "coordinates_invalid" => td_string!(locale, err_coordinates_invalid),
        "date_invalid" => td_string!(locale, err_date_invalid),
        "date_out_of_range" => td_string!(locale, err_date_out_of_range),
        "phone_invalid" => td_string!(locale, err_phone_invalid),
        "file_too_large" => td_string!(locale, err_file_too_large),
        "too_many_files" => td_string!(locale, err_too_many_files),
        "file_type_not_allowed" => td_string!(locale, err_file_type_not_allowed),
        "image_invalid" => td_string!(locale, err_image_invalid),
        "image_too_large" => td_string!(locale, err_image_too_large),
        "file_polyglot" => td_string!(locale, err_file_polyglot),
        "form_token_invalid" => td_string!(locale, err_form_token_invalid),
        "form_expired" => td_string!(locale, err_form_expired),
        "form_token_used" => td_string!(locale, err_form_token_used),
        "bad_form" => td_string!(locale, err_bad_form),
        "case_number_invalid" => td_string!(locale, err_case_number_invalid),
        "access_code_invalid" => td_string!(locale, err_access_code_invalid),
        "lookup_failed" => td_string!(locale, err_lookup_failed),
        "confirm_required" => td_string!(locale, err_confirm_required),
        "cannot_withdraw" => td_string!(locale, err_cannot_withdraw),
        "cannot_object" => td_string!(locale, err_cannot_object),
        "cannot_claim" => td_string!(locale, err_cannot_claim),
        "case_closed" => td_string!(locale, err_case_closed),
        "id_number_invalid" => td_string!(locale, err_id_number_invalid),
        "account_invalid" => td_string!(locale, err_account_invalid),
        "unknown_op" => td_string!(locale, err_unknown_op),
        "wrong_state" => td_string!(locale, err_wrong_state),
        "needs_substantiated" => td_string!(locale, err_needs_substantiated),
        "already_done" => td_string!(locale, err_already_done),
        "needs_rectification" => td_string!(locale, err_needs_rectification),
        "extension_once" => td_string!(locale, err_extension_once),
        "no_extension_request" => td_string!(locale, err_no_extension_request),
        "needs_verification" => td_string!(locale, err_needs_verification),
        "needs_decision" => td_string!(locale, err_needs_decision),
        "needs_claim" => td_string!(locale, err_needs_claim),
        "conflict" => td_string!(locale, err_conflict),
        "case_unknown" => td_string!(locale, err_case_unknown),
        "not_earlier" => td_string!(locale, err_not_earlier),
        "lead_also_cooperating" => td_string!(locale, err_lead_also_cooperating),
        "amount_invalid" => td_string!(locale, err_amount_invalid),
        "amount_too_large" => td_string!(locale, err_amount_too_large),
        "amount_zero" => td_string!(locale, err_amount_zero),
        "action_unknown" => td_string!(locale, err_action_unknown),
        "extension_days_range" => td_string!(locale, err_extension_days_range),
        "objection_window_open" => td_string!(locale, err_objection_window_open),
        "amount_over_cap" => td_string!(locale, err_amount_over_cap),
        "own_decision" => td_string!(locale, err_own_decision),
        "decision_changed" => td_string!(locale, err_decision_changed),
        "nothing_sealed" => td_string!(locale, err_nothing_sealed),
        "town_unknown" => td_string!(locale, err_town_unknown),
        "options_count" => td_string!(locale, err_options_count),
        "options_repeated" => td_string!(locale, err_options_repeated),
        "options_not_allowed" => td_string!(locale, err_options_not_allowed),
        "answer_one_option" => td_string!(locale, err_answer_one_option),
        "answer_two_options" => td_string!(locale, err_answer_two_options),
        "answer_true_false" => td_string!(locale, err_answer_true_false),
        "credit_code_invalid" => td_string!(locale, err_credit_code_invalid),
        "village_unknown" => td_string!(locale, err_village_unknown),
        "village_not_in_town" => td_string!(locale, err_village_not_in_town),
        "sector_unknown" => td_string!(locale, err_sector_unknown),
        "employees_range" => td_string!(locale, err_employees_range),
        "enterprise_has_users" => td_string!(locale, err_enterprise_has_users),
        "village_has_enterprises" => td_string!(locale, err_village_has_enterprises),
        "sector_needs_department" => td_string!(locale, err_sector_needs_department),
        "workday_on_weekday" => td_string!(locale, err_workday_on_weekday),
        "code_invalid" => td_string!(locale, err_code_invalid),
        "department_in_routing" => td_string!(locale, err_department_in_routing),
        "department_has_open_cases" => td_string!(locale, err_department_has_open_cases),
        "town_in_routing" => td_string!(locale, err_town_in_routing),
        "already_merged" => td_string!(locale, err_already_merged),
        "merged_follow_primary" => td_string!(locale, err_merged_follow_primary),
        "primary_merged" => td_string!(locale, err_primary_merged),
        "primary_not_open" => td_string!(locale, err_primary_not_open),
        "window_order" => td_string!(locale, err_window_order),
        "out_of_range" => td_string!(locale, err_out_of_range),
        "attempts_order" => td_string!(locale, err_attempts_order),
        "pool_repeated" => td_string!(locale, err_pool_repeated),
        "paper_too_long" => td_string!(locale, err_paper_too_long),
        "pool_not_enough" => td_string!(locale, err_pool_not_enough),
        "contest_closed" => td_string!(locale, err_contest_closed),
        "contest_not_open" => td_string!(locale, err_contest_not_open),
        "not_eligible" => td_string!(locale, err_not_eligible),
        "contestant_code_invalid" => td_string!(locale, err_contestant_code_invalid),
        "attempts_used_up" => td_string!(locale, err_attempts_used_up),
        "attempts_today_used_up" => td_string!(locale, err_attempts_today_used_up),
        "paper_unavailable" => td_string!(locale, err_paper_unavailable),
        "attempt_closed" => td_string!(locale, err_attempt_closed),
        "not_in_paper" => td_string!(locale, err_not_in_paper),
        "option_unknown" => td_string!(locale, err_option_unknown),
        "formula_in_cell" => td_string!(locale, err_formula_in_cell),
        "script_in_cell" => td_string!(locale, err_script_in_cell),
        "option_empty" => td_string!(locale, err_option_empty),
        "extra_cells" => td_string!(locale, err_extra_cells),
        "duplicate_id" => td_string!(locale, err_duplicate_id),
        "id_unknown" => td_string!(locale, err_id_unknown),
        "duplicate_stem" => td_string!(locale, err_duplicate_stem),
        "type_not_supported" => td_string!(locale, err_type_not_supported),
        "wrong_columns" => td_string!(locale, err_wrong_columns),
        "invalid_encoding" => td_string!(locale, err_invalid_encoding),
        "bad_file" => td_string!(locale, err_bad_file),
        "too_many_rows" => td_string!(locale, err_too_many_rows),
        "file_required" => td_string!(locale, err_file_required),
        "feedback_repeated" => td_string!(locale, err_feedback_repeated),
        "daily_answered" => td_string!(locale, err_daily_answered),
        "daily_day_over" => td_string!(locale, err_daily_day_over),
        "certificate_code_invalid" => td_string!(locale, err_certificate_code_invalid),
        "certificate_unknown" => td_string!(locale, err_certificate_unknown),
        "certificate_number_invalid" => td_string!(locale, err_certificate_number_invalid),
        "certificate_repeated" => td_string!(locale, err_certificate_repeated),
        "account_unknown" => td_string!(locale, err_account_unknown),
        "account_linked" => td_string!(locale, err_account_linked),
        "date_in_future" => td_string!(locale, err_date_in_future),
        "hours_invalid" => td_string!(locale, err_hours_invalid),
        "hours_too_many" => td_string!(locale, err_hours_too_many),
        "employee_unknown" => td_string!(locale, err_employee_unknown),
        "session_not_held" => td_string!(locale, err_session_not_held),
        "employee_repeated" => td_string!(locale, err_employee_repeated),
        "employee_not_found" => td_string!(locale, err_employee_not_found),
        "employee_ambiguous" => td_string!(locale, err_employee_ambiguous),
        "sign_in_columns" => td_string!(locale, err_sign_in_columns),
        "sign_in_empty" => td_string!(locale, err_sign_in_empty),
        "employees_too_many" => td_string!(locale, err_employees_too_many),
        "minutes_invalid" => td_string!(locale, err_minutes_invalid),
        "options_too_few" => td_string!(locale, err_options_too_few),
        "answer_required" => td_string!(locale, err_answer_required),
        "question_required" => td_string!(locale, err_question_required),
        "answer_all" => td_string!(locale, err_answer_all),
        "lesson_too_soon" => td_string!(locale, err_lesson_too_soon),
        "check_failed" => td_string!(locale, err_check_failed),
        "lesson_not_opened" => td_string!(locale, err_lesson_not_opened),
        "course_published" => td_string!(locale, err_course_published),
        "course_started" => td_string!(locale, err_course_started),
        "course_no_lessons" => td_string!(locale, err_course_no_lessons),
        "course_time_short" => td_string!(locale, err_course_time_short),
        "lessons_too_many" => td_string!(locale, err_lessons_too_many),
        "session_attended_future" => td_string!(locale, err_session_attended_future),
        "officer_repeated" => td_string!(locale, err_officer_repeated),
        "officer_unknown" => td_string!(locale, err_officer_unknown),
        "enterprise_retired" => td_string!(locale, err_enterprise_retired),
        _ => td_string!(locale, err_internal),
    };
    s.to_string()
}

/// The code of an error as the UI translates it.
pub fn error_code(err: &AppError) -> &str {
    match err {
        AppError::Unauthorized => "unauthorized",
        AppError::Forbidden => "forbidden",
        AppError::TotpEnrollmentRequired => "totp_enrollment_required",
        AppError::NotFound => "not_found",
        AppError::InvalidCredentials => "invalid_credentials",
        AppError::RateLimited => "rate_limited",
        AppError::Validation(_) => "validation",
        AppError::Internal => "internal",
        AppError::Request(code) => code,
    }
}

/// A form-level error message (role=alert so screen readers announce it).
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|e| {
            view! { <p class="form-error" role="alert">{error_text(i18n.get_locale(), error_code(&e))}</p> }
        })
    }
}

/// Messages for one field, shown beside it.
#[component]
pub fn FieldErrors(#[prop(into)] error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let codes = error.get().map(|e| e.field_codes(field)).unwrap_or_default();
        (!codes.is_empty()).then(|| {
            view! {
                <ul class="field-errors" id=format!("{field}-errors")>
                    {codes
                        .into_iter()
                        .map(|c| view! { <li>{error_text(i18n.get_locale(), &c)}</li> })
                        .collect_view()}
                </ul>
            }
        })
    }
}

/// The 404 page; sets the HTTP status on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <section class="page narrow">
            <h1>{t!(i18n, not_found_title)}</h1>
            <p>{t!(i18n, not_found_body)}</p>
            <p>
                <a class="button" href="/">{t!(i18n, back_home)}</a>
            </p>
        </section>
    }
}

/// The error page shown inside error boundaries (the message is translated; no internals).
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = http::StatusCode::from_u16(error.status_code()) {
            resp.set_status(code);
        }
    }
    let i18n = use_i18n();
    let code = error_code(&error).to_string();
    let login_hint = matches!(error, AppError::Unauthorized);
    let enrol_hint = matches!(error, AppError::TotpEnrollmentRequired);
    view! {
        <section class="page narrow error-page">
            <h1>{t!(i18n, error_title)}</h1>
            <p role="alert">{move || error_text(i18n.get_locale(), &code)}</p>
            {login_hint.then(|| view! { <p><a class="button" href="/login">{t!(i18n, nav_login)}</a></p> })}
            {enrol_hint.then(|| view! { <p><a class="button" href="/account">{t!(i18n, account_totp_title)}</a></p> })}
            <p>
                <a href="/">{t!(i18n, back_home)}</a>
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::error_text;
    use crate::i18n::Locale;

    /// Every error code the app can produce (found in the sources: field errors, refusals of the
    /// state machine, media and validation codes) has its own text in both languages; an unknown
    /// code would be shown as "internal error".
    #[test]
    fn every_error_code_has_a_text() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        let mut dirs = vec![root];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(d).expect("src").flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    files.push(p);
                }
            }
        }
        let mut codes = std::collections::BTreeSet::new();
        // ("field", "code") pairs: AppError::field, push(…), FieldError tuples and Err((f, c)).
        let pair = |s: &str| -> Vec<String> {
            let mut out = Vec::new();
            let mut rest = s;
            while let Some(i) = rest.find("\", \"") {
                let before = &rest[..i];
                let after = &rest[i + 4..];
                let field_ok = before.rsplit('"').next().is_some_and(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
                let code: String = after.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                let closed = after[code.len()..].starts_with('"');
                let opener = before.rfind('"').map(|q| &before[..q]).unwrap_or("");
                let is_error = ["field(", "push(", "Err((", "(\"", ", \""].iter().any(|p| opener.trim_end().ends_with(p.trim_end_matches('"')));
                if field_ok && closed && !code.is_empty() && is_error {
                    out.push(code);
                }
                rest = after;
            }
            out
        };
        for f in files.iter().filter(|f| !f.ends_with("hostile_tests.rs") && !f.ends_with("architecture_tests.rs")) {
            let text = std::fs::read_to_string(f).expect("read");
            // Test modules use made-up values.
            let text = text.split("#[cfg(test)]").next().unwrap_or("");
            for line in text.lines() {
                let l = line.trim_start();
                if l.starts_with("//") || !(l.contains("field(") || l.contains("push(") || l.contains("Err((")) {
                    continue;
                }
                codes.extend(pair(l));
            }
        }
        // Codes returned as values (the state machine's refusals, the media checks) or pushed for a
        // field named by a variable (the text checks).
        for (f, marker) in [
            ("cases/rules.rs", "Err(\""),
            ("base/media.rs", "=> \""),
            ("base/validate.rs", "field, \""),
            ("training/classroom.rs", "Err(\""),
            ("training/classroom.rs", "Some(\""),
        ] {
            let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(f)).expect("read");
            let text = text.split("#[cfg(test)]").next().unwrap_or("");
            for part in text.split(marker).skip(1) {
                let code: String = part.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                if part[code.len()..].starts_with('"') && code.contains('_') {
                    codes.insert(code);
                }
            }
        }
        assert!(codes.len() > 40, "scan found {} codes: {codes:?}", codes.len());
        // One of each kind: a field error, a state-machine refusal, a media check, a value check.
        for known in ["form_token_used", "needs_claim", "image_too_large", "invalid_characters"] {
            assert!(codes.contains(known), "the scan misses {known}: {codes:?}");
        }
        let fallback = |l| error_text(l, "\u{1}no such code");
        let mut missing = Vec::new();
        for code in &codes {
            for l in [Locale::zh_CN, Locale::en] {
                if error_text(l, code) == fallback(l) && code != "internal" {
                    missing.push(format!("{code} ({l:?})"));
                }
            }
        }
        assert!(missing.is_empty(), "error codes without a text: {missing:?}");
    }
}

/// An import's bad lines: line number, column (named by `column`) and reason, each translated.
#[component]
pub fn LineErrorsTable(id: &'static str, errors: Vec<crate::base::table::LineError>, column: fn(Locale, &str) -> String) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <table class="data" id=id>
            <thead><tr>
                <th scope="col">{t!(i18n, qi_line)}</th>
                <th scope="col">{t!(i18n, qi_column)}</th>
                <th scope="col">{t!(i18n, qi_reason)}</th>
            </tr></thead>
            <tbody>
                {errors.iter().map(|e| view! {
                    <tr>
                        <td>{e.line}</td>
                        <td>{column(locale, &e.field)}</td>
                        <td>{error_text(locale, &e.code)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// What an import did: the file's problem, or the counts and each bad line with its column
/// (named by `column`) and reason.
#[component]
pub fn ImportReportView(r: ImportReport, column: fn(Locale, &str) -> String) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let clean = r.file_error.is_none() && r.errors_total == 0;
    let class = if clean && r.imported > 0 { "notice" } else { "form-error" };
    view! {
        <section id="import-report" class=class role="status">
            {match r.file_error.clone() {
                Some(code) => view! { <p id="import-file-error">{error_text(locale, &code)}</p> }.into_any(),
                None => view! {
                    <p id="import-summary">
                        {t!(i18n, qi_read)} " " {r.total} " · " {t!(i18n, qi_good)} " " {r.good} " · "
                        {t!(i18n, qi_imported)} " " <strong id="import-imported">{r.imported}</strong>
                    </p>
                    {(r.errors_total > 0 && r.imported == 0).then(|| view! { <p>{t!(i18n, qi_nothing_stored)}</p> })}
                    {(r.errors_total > 0).then(|| view! {
                        <p>{t!(i18n, qi_errors)} " " {r.errors_total}</p>
                        <LineErrorsTable id="import-errors" errors=r.errors.clone() column />
                    })}
                }
                    .into_any(),
            }}
        </section>
    }
}
