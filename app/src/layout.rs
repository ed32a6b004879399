//! The page frame every page sits in: header with the language switch, the main navigation with
//! the signed-in user's links, and the footer.
use crate::accounts::api::{get_current_user, Logout};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
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
                    <UserNav />
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

/// Staff login link, or the logged-in user's links and a logout button.
#[component]
fn UserNav() -> impl IntoView {
    let i18n = use_i18n();
    let logout = ServerAction::<Logout>::new();
    let location = use_location();
    // Re-read on every navigation: logging in or out in the hydrated app navigates client-side.
    let user = Resource::new(move || (logout.version().get(), location.pathname.get()), |_| get_current_user());
    view! {
        <Suspense fallback=move || view! { <li><a href="/login">{t!(i18n, nav_login)}</a></li> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) => {
                        let home = if u.role.is_bureau_staff() { "/staff" } else { "/account" };
                        view! {
                            <li>
                                <a href=home>{t!(i18n, nav_workbench)}</a>
                            </li>
                            <li class="nav-user">
                                <ActionForm action=logout attr:class="inline-form">
                                    <button type="submit" class="link-button">
                                        {t!(i18n, nav_logout)}
                                    </button>
                                </ActionForm>
                            </li>
                        }
                            .into_any()
                    }
                    _ => view! {
                        <li>
                            <a href="/login">{t!(i18n, nav_login)}</a>
                        </li>
                    }
                        .into_any(),
                }
            })}
        </Suspense>
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
