//! Views of a case both sides show.
use crate::base::format::fmt_date;
use crate::i18n::*;
use leptos::prelude::*;

/// The messages of a case, oldest first, for the reporter (`staff_view = false`: "You"/"Staff")
/// and for staff ("Reporter"/"Staff"). Bodies are rendered as text.
#[component]
pub fn MessageList(messages: Vec<super::CaseMessage>, staff_view: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="messages" id="messages">
            {messages
                .into_iter()
                .map(|m| {
                    let staff = m.author == "staff";
                    let files = m.files;
                    view! {
                        <li class:staff=staff>
                            <strong>
                                {move || {
                                    match (staff, staff_view) {
                                        (true, _) => t_string!(i18n, case_from_staff).to_string(),
                                        (false, true) => t_string!(i18n, staff_from_reporter).to_string(),
                                        (false, false) => t_string!(i18n, case_from_you).to_string(),
                                    }
                                }}
                            </strong>
                            " "
                            <time>{fmt_date(m.at)}</time>
                            <p>{m.body}</p>
                            {(files > 0)
                                .then(|| {
                                    view! {
                                        <p class="hint">
                                            {move || {
                                                td_string!(i18n.get_locale(), case_files_attached)
                                                    .replace("{n}", &files.to_string())
                                            }}
                                        </p>
                                    }
                                })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
