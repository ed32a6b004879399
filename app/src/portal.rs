//! Information pages behind the four public entry points. They carry the rules a citizen or an
//! employee needs today (scope, rewards, anonymity, the 12350 hotline); the online forms of each
//! area are added to these pages by their own feature areas.
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn ReportInfoPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <article class="page">
            <h1>{t!(i18n, report_title)}</h1>
            <p class="lead">{t!(i18n, report_lead)}</p>
            <h2>{t!(i18n, report_scope_title)}</h2>
            <ul>
                <li>{t!(i18n, report_scope_hazard)}</li>
                <li>{t!(i18n, report_scope_illegal)}</li>
                <li>{t!(i18n, report_scope_concealed)}</li>
            </ul>
            <h2>{t!(i18n, report_refused_title)}</h2>
            <p>{t!(i18n, report_refused_body)}</p>
            <h2>{t!(i18n, report_reward_title)}</h2>
            <ul>
                <li>{t!(i18n, report_reward_fine)}</li>
                <li>{t!(i18n, report_reward_death)}</li>
                <li>{t!(i18n, report_reward_first)}</li>
            </ul>
            <h2>{t!(i18n, report_anon_title)}</h2>
            <p>{t!(i18n, report_anon_body)}</p>
            <h2>{t!(i18n, report_how_title)}</h2>
            <p>{t!(i18n, report_how_body)}</p>
            <p><a class="button" href="/report/new">{t!(i18n, report_start)}</a></p>
        </article>
    }
}

#[component]
pub fn QuizInfoPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <article class="page">
            <h1>{t!(i18n, quiz_title)}</h1>
            <p class="lead">{t!(i18n, quiz_lead)}</p>
            <ul>
                <li>{t!(i18n, quiz_practice)}</li>
                <li>{t!(i18n, quiz_contest)}</li>
            </ul>
        </article>
    }
}

#[component]
pub fn TrainingInfoPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <article class="page">
            <h1>{t!(i18n, training_title)}</h1>
            <p class="lead">{t!(i18n, training_lead)}</p>
            <h2>{t!(i18n, training_hours_title)}</h2>
            <ul>
                <li>{t!(i18n, training_hours_managers)}</li>
                <li>{t!(i18n, training_hours_workers)}</li>
            </ul>
        </article>
    }
}
