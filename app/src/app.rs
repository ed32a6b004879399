//! The HTML shell, the root component and the route table.
use crate::accounts::pages::{AccountPage, AdminUsersPage, LoginPage, StaffPage};
use crate::home::HomePage;
use crate::i18n::*;
use crate::portal::{QuizInfoPage, ReportInfoPage, TrainingInfoPage};
use crate::reports::pages::{CasePage, LookupPage, ReceiptPage, ReportNewPage};
use crate::reports::staff::StaffReportPage;
use crate::workflow::admin::{AuditLogPage, CalendarPage, RoutingPage};
use crate::workflow::org::OrgPage;
use crate::workflow::pages::{DashboardPage, StaffQueuePage};
use crate::ui::{Layout, NotFound};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The document around the app. On the server it also sets the Content-Security-Policy with this
/// response's nonce, which Leptos puts on its inline hydration script.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_csp_header();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="referrer" content="same-origin" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
fn set_csp_header() {
    use leptos::nonce::use_nonce;
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else { return };
    let script_src = match use_nonce() {
        Some(nonce) => format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_string(),
    };
    let csp = format!(
        "default-src 'none'; script-src {script_src}; style-src 'self'; img-src 'self' data: blob:; \
         font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; \
         frame-ancestors 'none'; object-src 'none'; manifest-src 'self'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&csp) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Known upstream problem (issue 11, not fixed here): leptos_i18n's context starts an
    // isomorphic effect (it writes the language cookie) as a task that, on a busy server, may
    // first run after the page was rendered and its owner disposed, and then panics inside that
    // detached task. No response is affected (the page is complete by then). Pausing the owner on
    // the server was tried and made async pages hang now and then (Suspense and resources check
    // their owner's pause flag), which is far worse; see docs/benchmarks.md.
    // Effects run only in the browser: mark the page once the WebAssembly app has taken over
    // (end-to-end tests wait for it; styles may use it for enhancement-only controls).
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <I18nContextProvider cookie_name="sw_lang" set_lang_attr_on_html=false set_dir_attr_on_html=false>
        <Stylesheet id="leptos" href="/pkg/safewhistle.css" />
        <DocumentMeta />
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/report") view=ReportInfoPage ssr=SsrMode::Async />
                    <Route path=path!("/report/new") view=ReportNewPage ssr=SsrMode::Async />
                    <Route path=path!("/report/receipt") view=ReceiptPage ssr=SsrMode::Async />
                    <Route path=path!("/lookup") view=LookupPage />
                    <Route path=path!("/lookup/case") view=CasePage ssr=SsrMode::Async />
                    <Route path=path!("/quiz") view=QuizInfoPage />
                    <Route path=path!("/training") view=TrainingInfoPage />
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/staff") view=StaffPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/reports") view=StaffQueuePage ssr=SsrMode::Async />
                    <Route path=path!("/staff/dashboard") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/reports/:number") view=StaffReportPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users") view=AdminUsersPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/routing") view=RoutingPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/organisation") view=OrgPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/calendar") view=CalendarPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/audit") view=AuditLogPage ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
        </I18nContextProvider>
    }
}

/// The document's language and title, computed once as plain strings. A closure here would be
/// read by leptos_meta when the head is rendered, which for async pages can be after the reactive
/// owner holding the locale was disposed (a panic under load: issue 11). The locale only changes
/// by a full page load (`/lang/…`), so nothing is lost by not tracking it.
#[component]
fn DocumentMeta() -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let title = td_string!(locale, app_name).to_string();
    let lang = locale.as_str();
    view! {
        <Html attr:lang=lang attr:dir="ltr" />
        <Title text=title />
    }
}
