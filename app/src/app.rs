//! The HTML shell, the root component and the route table.
use crate::i18n::*;
use crate::{public_routes, staff_routes};
use crate::layout::Layout;
use crate::ui::NotFound;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};

/// The document around the app. On the server it also sets the Content-Security-Policy with this
/// response's nonce, which Leptos puts on its inline hydration script. `assets` is the path the
/// built bundle is served under (`/v/<build id>`, D39): the style sheet, the script, the main
/// module and every split file are fetched from there.
pub fn shell(options: LeptosOptions, assets: &str) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_csp_header();
    let style = format!("{assets}/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="referrer" content="same-origin" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link id="leptos" rel="stylesheet" href=style />
                <AutoReload options=options.clone() />
                <HydrationScripts options root=assets.to_string() />
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
        "default-src 'none'; script-src {script_src}; style-src 'self'; img-src 'self' data: blob:; media-src 'self'; \
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
    // Every page renders in `SsrMode::Async`: the whole page is ready before the first byte goes
    // out. The pages are small, and a render that stalls (a rare upstream lost wake-up, issue 11)
    // can then be abandoned and started again by the server's `retry_stalled_page` layer, which
    // a half-sent streamed page could not be.
    view! {
        <RequestScope>
        <LocaleProvider>
        <DocumentMeta />
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound /> <crate::ui::HydrationMarker /> }>
                    <Route path=path!("/") view={Lazy::<public_routes::PublicHome>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/report") view={Lazy::<public_routes::PublicReportInfo>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/report/new") view={Lazy::<public_routes::PublicReportNew>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/report/receipt") view={Lazy::<public_routes::PublicReceipt>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/lookup") view={Lazy::<public_routes::PublicLookup>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/lookup/case") view={Lazy::<public_routes::PublicCase>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/quiz") view={Lazy::<public_routes::PublicQuizInfo>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/quiz/practice") view={Lazy::<public_routes::PublicQuizPractice>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/quiz/daily") view={Lazy::<public_routes::PublicQuizDaily>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/quiz/feedback") view={Lazy::<public_routes::PublicQuizFeedback>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/quiz/contest/:id") view={Lazy::<public_routes::PublicContest>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/quiz/contest/:id/ranking") view={Lazy::<public_routes::PublicRanking>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/quiz/attempt/:token") view={Lazy::<public_routes::PublicAttempt>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/quiz/attempt/:token/result") view={Lazy::<public_routes::PublicResult>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/training") view={Lazy::<public_routes::PublicTrainingInfo>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/verify") view={Lazy::<public_routes::PublicVerify>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/certificates/:code") view={Lazy::<staff_routes::CertificatePrint>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/training/me") view={Lazy::<staff_routes::MyTraining>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/training/courses") view={Lazy::<staff_routes::Classroom>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/training/courses/:id") view={Lazy::<staff_routes::ClassroomCourse>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/training/lessons/:id") view={Lazy::<staff_routes::ClassroomLesson>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/training/enterprise/certificates") view={Lazy::<staff_routes::TrainingCertificates>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/training/enterprise") view={Lazy::<staff_routes::TrainingEmployees>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/training/enterprise/sessions") view={Lazy::<staff_routes::TrainingSessions>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/training/enterprise/sessions/:id") view={Lazy::<staff_routes::TrainingSession>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/training/enterprise/compliance") view={Lazy::<staff_routes::TrainingCompliance>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/login") view={Lazy::<public_routes::PublicLogin>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/account") view={Lazy::<staff_routes::Account>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff") view={Lazy::<staff_routes::Staff>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/reports") view={Lazy::<staff_routes::StaffQueue>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/questions") view={Lazy::<staff_routes::QuestionBank>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/questions/import") view={Lazy::<staff_routes::QuestionImport>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/questions/feedback") view={Lazy::<staff_routes::QuestionFeedback>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/contests") view={Lazy::<staff_routes::Contests>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/training") view={Lazy::<staff_routes::TrainingDistrict>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/training/courses") view={Lazy::<staff_routes::Courses>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/training/courses/:id") view={Lazy::<staff_routes::CourseEditor>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/training/enterprises") view={Lazy::<staff_routes::TrainingEnterprises>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/training/enterprises/:code") view={Lazy::<staff_routes::TrainingEnterprise>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/training/officers") view={Lazy::<staff_routes::InfoOfficers>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/training/officers/:id") view={Lazy::<staff_routes::InfoOfficer>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/training/officers/trainings/:id") view={Lazy::<staff_routes::InfoOfficerTraining>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/contests/:id") view={Lazy::<staff_routes::ContestStatistics>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/dashboard") view={Lazy::<staff_routes::Dashboard>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/reports/:number") view={Lazy::<staff_routes::StaffReport>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/users") view={Lazy::<staff_routes::AdminUsers>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/routing") view={Lazy::<staff_routes::Routing>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/organisation") view={Lazy::<staff_routes::Organisation>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/calendar") view={Lazy::<staff_routes::Calendar>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/audit") view={Lazy::<staff_routes::AuditLog>::new()} ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
        </LocaleProvider>
        </RequestScope>
    }
}

/// Runs the page in an owner of its own and, on the server, pauses that whole owner tree when the
/// request's owner is torn down, *before* any of its signals are disposed.
///
/// Why: Leptos starts some effects on the server as detached tasks (Suspense tracks its resources
/// with one). On a busy server such a task may get its last turn after the page was sent and its
/// signals disposed; it then re-reads the view (e.g. a translated text reading the locale signal)
/// and panics in that task — seen once in ~100,000 requests at 64 connections (issue 11). Effects
/// skip their run when their owner is paused. Pausing earlier would stop Suspense itself, so the
/// pause is set by the cleanup of a guard owner created just before the content's owner: a parent
/// cleans its children in creation order, so the guard's cleanup runs first.
#[component]
fn RequestScope(children: Children) -> impl IntoView {
    let guard = Owner::new();
    let content = Owner::new();
    #[cfg(feature = "ssr")]
    {
        let paused_at_teardown = content.clone();
        guard.with(|| on_cleanup(move || paused_at_teardown.pause()));
    }
    // The parent keeps only weak links to its children: hold the guard for the page's lifetime
    // (the content owner is held by the view below).
    let _keep = StoredValue::new(guard);
    let view = content.with(children);
    leptos::tachys::reactive_graph::OwnedView::new_with_owner(view, content)
}

/// Provides the i18n context (language from the `sw_lang` cookie, else `Accept-Language`) in
/// place of leptos_i18n's own provider, for one reason: that context starts an isomorphic effect
/// (it writes the language cookie back) that on the server runs as a detached task. On a busy
/// server the task may first run after its page was rendered and the page's reactive owner
/// disposed, and then panics on the disposed locale signal (issue 11). Here the context is created
/// under an owner of its own that holds nothing else, and on the server that owner is paused, so
/// the effect never runs there: the server has no cookie to write (the language only changes
/// through `/lang/…`, which sets the cookie itself). Nothing else is under this owner, so no
/// Suspense or resource sees the pause. In the browser the context behaves as leptos_i18n's.
#[component]
fn LocaleProvider(children: Children) -> impl IntoView {
    use leptos_i18n::context::{init_i18n_context_with_options, I18nContextOptions};
    let owner = Owner::new();
    let i18n = owner.with(|| {
        init_i18n_context_with_options::<Locale>(I18nContextOptions::default().cookie_name("sw_lang"))
    });
    #[cfg(feature = "ssr")]
    owner.pause();
    // The child owner is held only weakly by its parent: keep it as long as the page lives, or
    // the locale signal would be disposed with it.
    let _keep = StoredValue::new(owner);
    provide_context(i18n);
    children()
}

/// The document's language and title, computed once as plain strings. A closure here would be
/// read by leptos_meta when the head is rendered, which for async pages can be after the reactive
/// owner holding the locale was disposed (a panic under load: issue 11). The locale only changes
/// by a full page load (`/lang/…`), so nothing is lost by not tracking it.
#[component]
fn DocumentMeta() -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let title = td_string!(locale, app_name).to_string();
    // What the portal is for, in the reader's language (search engines show it; Lighthouse's SEO
    // check asks for it). A plain string, like the title: nothing in the head reads a signal.
    let description = td_string!(locale, home_lead).to_string();
    let lang = locale.as_str();
    view! {
        <Html attr:lang=lang attr:dir="ltr" />
        <Title text=title />
        <Meta name="description" content=description />
    }
}
