//! The sign-in sheet's part of a session's attendance page: a plain multipart form (it works
//! without JavaScript: the server answers with a redirect back to the page) and the report of the
//! sheet just imported, shown once. The file's handling is `sign_in_import`'s.
use crate::base::table::ImportReport;
use crate::i18n::*;
use crate::ui::{error_text, LineErrorsTable};
use leptos::prelude::*;

fn column(locale: Locale, field: &str) -> String {
    match field {
        "name" => td_string!(locale, tr_name),
        "contact" => td_string!(locale, tr_contact),
        _ => td_string!(locale, qi_col_line),
    }
    .to_string()
}

/// What the import did: how many people it added, or why nothing was saved (the whole file's
/// problem, or every bad line with its column and reason).
#[component]
fn SignInReport(r: ImportReport) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    if let Some(code) = r.file_error.clone() {
        return view! { <p id="sign-in-error" class="form-error" role="alert">{error_text(locale, &code)}</p> }.into_any();
    }
    if r.errors_total == 0 {
        return view! {
            <p id="sign-in-done" class="notice" role="status">
                <strong id="sign-in-count">{r.imported}</strong> " " {t!(i18n, tr_sign_in_done)}
            </p>
        }
        .into_any();
    }
    view! {
        <div id="sign-in-report" class="form-error" role="alert">
            <p>{t!(i18n, tr_sign_in_nothing)} " " {t!(i18n, qi_errors)} " " {r.errors_total}</p>
            <LineErrorsTable id="sign-in-errors" errors=r.errors column />
        </div>
    }
    .into_any()
}

/// "Import a sign-in sheet" for session `session`, with the report of the last import into it.
#[component]
pub fn SignInImport(session: i64, report: Option<ImportReport>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section id="sign-in" aria-labelledby="sign-in-title">
            <h3 id="sign-in-title">{t!(i18n, tr_sign_in_title)}</h3>
            {report.map(|r| view! { <SignInReport r /> })}
            <p class="hint">
                {t!(i18n, tr_sign_in_hint)} " "
                <a id="sign-in-template" href="/training/enterprise/sign-in-template.csv" download rel="external">{t!(i18n, tr_import_template)}</a>
            </p>
            <form method="post" action="/training/enterprise/sign-in-import" enctype="multipart/form-data" id="sign-in-form">
                <input type="hidden" name="session" value=session.to_string() />
                <label for="sign-in-file">{t!(i18n, tr_sign_in_file)}</label>
                <input id="sign-in-file" name="file" type="file" required accept=".csv,.xlsx,text/csv" />
                <button type="submit">{t!(i18n, tr_sign_in_submit)}</button>
            </form>
        </section>
    }
}
