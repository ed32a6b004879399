//! The HTML shell, the root component and the route table.
use crate::i18n::*;
use crate::{public_routes, staff_routes};
use crate::layout::Layout;
use crate::ui::NotFound;
use leptos::children::ToChildren;
use leptos::prelude::*;
use leptos::tachys::view::iterators::StaticVec;
use leptos_meta::{provide_meta_context, Html, Meta, MetaTags, Title};
use leptos_router::{
    components::{RouteChildren, Router, Routes, RoutesProps},
    path, ChooseView, IntoChooseViewMaybeErased, LazyRoute, NestedRoute, PossibleRouteMatch, SsrMode,
};
use std::{future::Future, pin::Pin, sync::Arc};

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
                <PageRoutes />
            </Layout>
        </Router>
        </LocaleProvider>
        </RequestScope>
    }
}

/// The router's routes: the page whose path matches, else the not-found page. Built without the
/// `view!` macro, which takes only `<Route>` elements as the children of `<Routes>`.
#[component(transparent)]
fn PageRoutes() -> impl IntoView {
    Routes(
        RoutesProps::builder()
            .fallback(|| view! { <NotFound /> <crate::ui::HydrationMarker /> })
            .children(RouteChildren::to_children(route_table))
            .build(),
    )
}

/// Every page, in matching order (the first route whose path matches wins), each loaded lazily
/// (D38) and rendered in `SsrMode::Async`.
///
/// All routes have one type (D41): the path is a trait object and the view a pair of function
/// pointers. The router's matching, view-choosing and rendering code, which is generic over the
/// route table, is then compiled once. A table of `<Route>`s is a nest of `EitherOf16`s over 50
/// route types, and that code was compiled for each of them: 54 KB of `either_of` code in the
/// main WebAssembly module that every page loads (the module is 30 KB smaller raw, 6 KB brotli).
fn route_table() -> StaticVec<PageRoute> {
    StaticVec::from(vec![
        page::<public_routes::PublicHome>(path!("/")),
        page::<public_routes::PublicReportInfo>(path!("/report")),
        page::<public_routes::PublicReportNew>(path!("/report/new")),
        page::<public_routes::PublicReceipt>(path!("/report/receipt")),
        page::<public_routes::PublicLookup>(path!("/lookup")),
        page::<public_routes::PublicCase>(path!("/lookup/case")),
        page::<public_routes::PublicQuizInfo>(path!("/quiz")),
        page::<public_routes::PublicQuizPractice>(path!("/quiz/practice")),
        page::<public_routes::PublicQuizDaily>(path!("/quiz/daily")),
        page::<public_routes::PublicQuizFeedback>(path!("/quiz/feedback")),
        page::<public_routes::PublicContest>(path!("/quiz/contest/:id")),
        page::<public_routes::PublicRanking>(path!("/quiz/contest/:id/ranking")),
        page::<public_routes::PublicAttempt>(path!("/quiz/attempt/:token")),
        page::<public_routes::PublicResult>(path!("/quiz/attempt/:token/result")),
        page::<public_routes::PublicTrainingInfo>(path!("/training")),
        page::<public_routes::PublicVerify>(path!("/verify")),
        page::<staff_routes::CertificatePrint>(path!("/certificates/:code")),
        page::<staff_routes::MyTraining>(path!("/training/me")),
        page::<staff_routes::Classroom>(path!("/training/courses")),
        page::<staff_routes::ClassroomCourse>(path!("/training/courses/:id")),
        page::<staff_routes::ClassroomLesson>(path!("/training/lessons/:id")),
        page::<staff_routes::TrainingCertificates>(path!("/training/enterprise/certificates")),
        page::<staff_routes::TrainingEmployees>(path!("/training/enterprise")),
        page::<staff_routes::TrainingSessions>(path!("/training/enterprise/sessions")),
        page::<staff_routes::TrainingSession>(path!("/training/enterprise/sessions/:id")),
        page::<staff_routes::TrainingCompliance>(path!("/training/enterprise/compliance")),
        page::<public_routes::PublicLogin>(path!("/login")),
        page::<staff_routes::Account>(path!("/account")),
        page::<staff_routes::Staff>(path!("/staff")),
        page::<staff_routes::StaffQueue>(path!("/staff/reports")),
        page::<staff_routes::QuestionBank>(path!("/staff/questions")),
        page::<staff_routes::QuestionImport>(path!("/staff/questions/import")),
        page::<staff_routes::QuestionFeedback>(path!("/staff/questions/feedback")),
        page::<staff_routes::Contests>(path!("/staff/contests")),
        page::<staff_routes::TrainingDistrict>(path!("/staff/training")),
        page::<staff_routes::Courses>(path!("/staff/training/courses")),
        page::<staff_routes::CourseEditor>(path!("/staff/training/courses/:id")),
        page::<staff_routes::TrainingEnterprises>(path!("/staff/training/enterprises")),
        page::<staff_routes::TrainingEnterprise>(path!("/staff/training/enterprises/:code")),
        page::<staff_routes::InfoOfficers>(path!("/staff/training/officers")),
        page::<staff_routes::InfoOfficer>(path!("/staff/training/officers/:id")),
        page::<staff_routes::InfoOfficerTraining>(path!("/staff/training/officers/trainings/:id")),
        page::<staff_routes::ContestStatistics>(path!("/staff/contests/:id")),
        page::<staff_routes::Dashboard>(path!("/staff/dashboard")),
        page::<staff_routes::StaffReport>(path!("/staff/reports/:number")),
        page::<staff_routes::AdminUsers>(path!("/admin/users")),
        page::<staff_routes::Routing>(path!("/admin/routing")),
        page::<staff_routes::Organisation>(path!("/admin/organisation")),
        page::<staff_routes::Calendar>(path!("/admin/calendar")),
        page::<staff_routes::AuditLog>(path!("/admin/audit")),
    ])
}

/// A route of the table.
type PageRoute =
    NestedRoute<Arc<dyn PossibleRouteMatch + Send + Sync>, (), (), <PageView as IntoChooseViewMaybeErased>::Output>;

/// One page: its path and its lazily loaded view.
fn page<T>(path: impl PossibleRouteMatch + Send + Sync + 'static) -> PageRoute
where
    T: LazyRoute,
{
    NestedRoute::new(Arc::new(path) as Arc<dyn PossibleRouteMatch + Send + Sync>, PageView::of::<T>())
        .ssr_mode(SsrMode::Async)
}

/// The future of a page's view or of its preloading.
type PageFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// What `Lazy::<T>` does for a lazy route, as plain function pointers: the page's code (its own
/// split file in the browser) is fetched when the view is chosen or preloaded.
#[derive(Clone, Copy)]
struct PageView {
    view: fn() -> PageFuture<AnyView>,
    preload: fn() -> PageFuture<()>,
}

impl PageView {
    fn of<T: LazyRoute>() -> Self {
        Self { view: || Box::pin(T::view(T::data())), preload: || Box::pin(T::preload()) }
    }
}

impl ChooseView for PageView {
    fn choose(self) -> impl Future<Output = AnyView> {
        (self.view)()
    }

    fn preload(&self) -> impl Future<Output = ()> {
        (self.preload)()
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

#[cfg(test)]
mod tests {
    use super::*;
    use leptos_router::{MatchNestedRoutes, MatchParams, PathSegment};

    fn pattern(segments: &[PathSegment]) -> String {
        let mut out = String::new();
        for segment in segments {
            match segment {
                PathSegment::Unit => {}
                PathSegment::Static(s) if s.is_empty() => {}
                PathSegment::Static(s) => out.push_str(&format!("/{}", s.trim_start_matches('/'))),
                PathSegment::Param(p) => out.push_str(&format!("/:{p}")),
                other => out.push_str(&format!("/{other:?}")),
            }
        }
        if out.is_empty() { "/".into() } else { out }
    }

    #[test]
    fn every_page_is_one_route_rendered_whole() {
        let table = route_table();
        let routes: Vec<_> = table.generate_routes().into_iter().collect();
        assert_eq!(routes.len(), 50);
        assert!(routes.iter().all(|r| matches!(r.ssr_mode, SsrMode::Async)));
        let mut patterns: Vec<String> = routes.iter().map(|r| pattern(&r.segments)).collect();
        assert!(patterns.contains(&"/quiz/contest/:id/ranking".to_string()), "{patterns:?}");
        assert!(patterns.contains(&"/".to_string()), "{patterns:?}");
        patterns.sort();
        patterns.dedup();
        assert_eq!(patterns.len(), 50, "no path twice");
    }

    #[test]
    fn a_path_matches_its_own_route_only_when_whole() {
        let table = route_table();
        let hit = |path: &str| {
            let (found, rest) = table.match_nested(path);
            found.filter(|_| rest.is_empty() || rest == "/").map(|(id, m)| (id, m.to_params()))
        };
        let params = |path: &str| {
            hit(path)
                .unwrap_or_else(|| panic!("{path} matches no route"))
                .1
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<Vec<_>>()
        };
        for path in ["/", "/report", "/report/new", "/lookup/case", "/staff", "/staff/reports", "/admin/audit"] {
            assert_eq!(params(path), vec![], "{path}");
        }
        assert_eq!(params("/quiz/contest/7"), vec![("id".to_string(), "7".to_string())]);
        assert_eq!(params("/quiz/contest/7/ranking"), vec![("id".to_string(), "7".to_string())]);
        assert_eq!(params("/staff/reports/AH-2026-0001"), vec![("number".to_string(), "AH-2026-0001".to_string())]);
        assert_eq!(params("/quiz/attempt/abc/result"), vec![("token".to_string(), "abc".to_string())]);
        let id = |path: &str| hit(path).map(|(id, _)| id);
        // One route per page: the contest and its ranking are two; two contests are one.
        assert_ne!(id("/quiz/contest/7"), id("/quiz/contest/7/ranking"));
        assert_eq!(id("/quiz/contest/7"), id("/quiz/contest/8"));
        assert_ne!(id("/staff/reports"), id("/staff/reports/AH-2026-0001"));
        assert_ne!(id("/"), id("/report"));
        for path in ["/nope", "/report/new/x", "/staff/reports/1/x", "/adminx/users"] {
            assert!(hit(path).is_none(), "{path} must fall through to the not-found page");
        }
    }
}
