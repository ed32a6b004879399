//! The home page: the four public entry points and what the portal promises about anonymity.
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="hero">
            <h1>{t!(i18n, home_title)}</h1>
            <p class="lead">{t!(i18n, home_lead)}</p>
        </section>
        <section aria-labelledby="entry-heading" class="entries">
            <h2 id="entry-heading" class="visually-hidden">{t!(i18n, home_entries)}</h2>
            <ul class="entry-grid">
                <li class="entry-card">
                    <a href="/report">
                        <span class="entry-title">{t!(i18n, nav_report)}</span>
                        <span class="entry-desc">{t!(i18n, home_report_desc)}</span>
                    </a>
                </li>
                <li class="entry-card">
                    <a href="/lookup">
                        <span class="entry-title">{t!(i18n, nav_lookup)}</span>
                        <span class="entry-desc">{t!(i18n, home_lookup_desc)}</span>
                    </a>
                </li>
                <li class="entry-card">
                    <a href="/quiz">
                        <span class="entry-title">{t!(i18n, nav_quiz)}</span>
                        <span class="entry-desc">{t!(i18n, home_quiz_desc)}</span>
                    </a>
                </li>
                <li class="entry-card">
                    <a href="/training">
                        <span class="entry-title">{t!(i18n, nav_training)}</span>
                        <span class="entry-desc">{t!(i18n, home_training_desc)}</span>
                    </a>
                </li>
            </ul>
        </section>
        <section class="notice" aria-labelledby="privacy-heading">
            <h2 id="privacy-heading">{t!(i18n, home_privacy_title)}</h2>
            <p>{t!(i18n, home_privacy_body)}</p>
        </section>
    }
}
