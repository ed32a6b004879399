//! The import page (`/staff/questions/import`): the template and exports to download, a plain
//! multipart form (works without JavaScript; with it, the file is sent in the background with a
//! progress bar), and the last import's report: every bad line by number, column and reason.
use super::api::import_page;
use crate::i18n::*;
use crate::org::choice_name;
use crate::ui::{ErrorPage, FormError, ImportReportView};
use leptos::prelude::*;

fn column_label(locale: Locale, field: &str) -> String {
    match field {
        "id" => td_string!(locale, qi_col_id).to_string(),
        "kind" => td_string!(locale, qb_kind).to_string(),
        "stem" => td_string!(locale, qb_stem).to_string(),
        "options" => td_string!(locale, qb_options).to_string(),
        "answer" => td_string!(locale, qb_answer).to_string(),
        "explanation" => td_string!(locale, qb_explanation).to_string(),
        "tags" => td_string!(locale, qb_tags).to_string(),
        "difficulty" => td_string!(locale, qb_difficulty).to_string(),
        "source" => td_string!(locale, qb_source).to_string(),
        "active" => td_string!(locale, qb_active).to_string(),
        _ => td_string!(locale, qi_col_line).to_string(),
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = crate::ui::json_resource(|| (), |_| import_page());
    let error = RwSignal::new(None);
    let progress: RwSignal<Option<u32>> = RwSignal::new(None);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let form = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok());
            if let Some(form) = form {
                let per_file = RwSignal::new(Vec::new());
                if crate::ui::upload::send(&form, None, &[], "/staff/questions/upload", "/staff/questions/import", error, progress, per_file) {
                    ev.prevent_default();
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <section class="page wide">
            <h1>{t!(i18n, qi_title)}</h1>
            <p class="hint">{t!(i18n, qi_hint)}</p>
            <p>
                <a href="/staff/questions">{t!(i18n, qb_title)}</a>
                " · " {t!(i18n, qi_template)} " "
                <a href="/staff/questions/template.csv" download>"CSV"</a> " "
                <a href="/staff/questions/template.xlsx" download>"XLSX"</a>
                " · " {t!(i18n, qi_export)} " "
                <a id="export-csv" href="/staff/questions/export.csv" download>"CSV"</a> " "
                <a id="export-xlsx" href="/staff/questions/export.xlsx" download>"XLSX"</a> " "
                <a id="export-xml" href="/staff/questions/export.xml" download>"Moodle XML"</a>
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match data.await {
                        Ok(d) => view! {
                            {d.report.map(|r| view! { <ImportReportView r column=column_label /> })}
                            <form method="post" action="/staff/questions/upload" enctype="multipart/form-data" id="import-form" on:submit=on_submit>
                                <label for="import-file">{t!(i18n, qi_file)}</label>
                                <input id="import-file" name="file" type="file" required accept=".csv,.xlsx,.xml,text/csv,application/xml" />
                                <p class="hint">{t!(i18n, qi_file_hint)}</p>
                                <label for="import-default-tag">{t!(i18n, qi_default_tag)}</label>
                                <select id="import-default-tag" name="default_tag">
                                    <option value="">{t!(i18n, qi_no_default)}</option>
                                    {d.sectors.iter().map(|s| view! { <option value=s.code.clone()>{choice_name(locale, s)}</option> }).collect_view()}
                                </select>
                                <label class="check" for="import-good-only">
                                    <input id="import-good-only" type="checkbox" name="good_only" value="1" />
                                    {t!(i18n, qi_good_only)}
                                </label>
                                <FormError error=Signal::derive(move || error.get()) />
                                {move || progress.get().map(|p| view! {
                                    <p id="import-progress">
                                        <label for="import-progress-bar">{t!(i18n, qi_uploading)}</label>
                                        " "
                                        <progress id="import-progress-bar" max="100" value=p.to_string()>{p} "%"</progress>
                                        {(p >= 100).then(|| view! { " " {t!(i18n, qi_checking)} })}
                                    </p>
                                })}
                                <button type="submit">{t!(i18n, qi_submit)}</button>
                            </form>
                        }
                            .into_any(),
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
