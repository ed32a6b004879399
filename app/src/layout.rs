//! The page frame every page sits in: header with the language switch, the main navigation with
//! the signed-in user's links, and the footer.
use crate::accounts::api::Logout;
use crate::accounts::{NavState, NavUser};
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_location;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    // Provided here, above the pages, which update it (`accounts::show_in_header`).
    #[cfg(feature = "ssr")]
    let initial = crate::accounts::ssr::request_nav_user;
    #[cfg(not(feature = "ssr"))]
    let initial = NavUser::default;
    let nav = RwSignal::new(*SharedValue::new_str(initial));
    provide_context(NavState(nav));
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <div class="header-inner">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"哨"</span>
                    <span class="brand-text">
                        <span class="brand-name">{t!(i18n, app_name)}</span>
                        <span class="brand-org">{t!(i18n, bureau_name)}</span>
                    </span>
                </a>
                <LangSwitch />
            </div>
            <nav class="main-nav" aria-label=move || t_string!(i18n, nav_label).to_string()>
                <ul>
                    <NavLink href="/report">{t!(i18n, nav_report)}</NavLink>
                    <NavLink href="/lookup">{t!(i18n, nav_lookup)}</NavLink>
                    <NavLink href="/quiz">{t!(i18n, nav_quiz)}</NavLink>
                    <NavLink href="/training">{t!(i18n, nav_training)}</NavLink>
                    <UserNav nav />
                </ul>
            </nav>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>{t!(i18n, footer_hotline)}</p>
            <p>{t!(i18n, footer_privacy)}</p>
            <p class="footer-org">{t!(i18n, bureau_name)}</p>
        </footer>
    }
}

#[component]
fn NavLink(href: &'static str, children: Children) -> impl IntoView {
    let location = use_location();
    let current = move || {
        let p = location.pathname.get();
        (p == href || p.starts_with(&format!("{href}/"))).then_some("page")
    };
    view! {
        <li>
            <a href=href aria-current=current>{children()}</a>
        </li>
    }
}

/// Staff login link, or the signed-in user's home link and a logout button.
///
/// The user comes with the page (`NavUser`, D42): no request and no JSON decoder for the header
/// in the main bundle. Logging out is a plain form post to the server function, which ends the
/// session and sends the browser to the home page with a full load, so the header is drawn
/// afresh by the server; after logging in the browser lands on a page that loads the user and
/// updates the header (`accounts::show_in_header`).
#[component]
fn UserNav(nav: RwSignal<NavUser>) -> impl IntoView {
    const LOGOUT_PATH: &str = <Logout as ServerFn>::PATH;
    let i18n = use_i18n();
    move || match nav.get().home() {
        Some(home) => Either::Left(view! {
            <li>
                <a href=home>{t!(i18n, nav_workbench)}</a>
            </li>
            <li class="nav-user">
                <form method="post" action=LOGOUT_PATH class="inline-form">
                    <button type="submit" class="link-button">
                        {t!(i18n, nav_logout)}
                    </button>
                </form>
            </li>
        }),
        None => Either::Right(view! {
            <li>
                <a href="/login">{t!(i18n, nav_login)}</a>
            </li>
        }),
    }
}

/// The language switch: plain links to `/lang/{locale}`, which set the cookie on the server and
/// send the reader back, so it works without JavaScript too.
#[component]
fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let back = move || {
        let path = location.pathname.get();
        format!("?next={}", urlencode_path(&path))
    };
    view! {
        <div class="lang-switch" role="group" aria-label=move || t_string!(i18n, lang_label).to_string()>
            <a
                href=move || format!("/lang/zh-CN{}", back())
                rel="external"
                lang="zh-CN"
                hreflang="zh-CN"
                aria-current=move || (i18n.get_locale() == Locale::zh_CN).then_some("true")
            >
                "中文"
            </a>
            <a
                href=move || format!("/lang/en{}", back())
                rel="external"
                lang="en"
                hreflang="en"
                aria-current=move || (i18n.get_locale() == Locale::en).then_some("true")
            >
                "English"
            </a>
        </div>
    }
}

/// Percent-encode a path for a query value (only characters that matter in a query).
fn urlencode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
