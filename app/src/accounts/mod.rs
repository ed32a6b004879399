//! Accounts, roles and the deny-by-default permission table used by every server function.
//!
//! `rules` is pure (no I/O) so the permission table is unit-tested as a case table; `api` holds
//! the server functions; `ssr` the storage, password hashing, throttling and the guard;
//! `pages` the login and account pages.
pub mod api;
pub mod pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use rules::{Permission, Role};

use serde::{Deserialize, Serialize};

/// The logged-in user as the UI sees it (no secrets).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub totp_enabled: bool,
    /// Set when staff must enrol TOTP before anything else is allowed.
    pub totp_enrollment_required: bool,
}

/// One row of the admin's user list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Option<String>,
    pub totp_enabled: bool,
    pub active: bool,
}

/// What the TOTP enrolment page shows: the secret as text and as a QR code (inline SVG markup
/// rendered on the server, so no third-party QR service is contacted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrollment {
    pub secret_base32: String,
    pub otpauth_url: String,
    pub qr_svg: String,
}

/// What the page header shows of the visitor: a login link, or a link to the user's home (the
/// staff workbench or the account page) and a logout button.
///
/// The server decides it from the session before the page is rendered (`ssr::nav_user_layer`)
/// and sends it with the page as one word, so the main bundle needs neither a server function
/// nor a JSON decoder for the header (D42). In the browser it lives in a signal (`NavState`)
/// that the pages which load the signed-in user bring up to date (`show_in_header`): after a
/// login the browser lands on one of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NavUser {
    #[default]
    Anonymous,
    Staff,
    Member,
}

impl NavUser {
    pub fn of(user: Option<&CurrentUser>) -> Self {
        match user {
            None => NavUser::Anonymous,
            Some(u) if u.role.is_bureau_staff() => NavUser::Staff,
            Some(_) => NavUser::Member,
        }
    }

    /// The signed-in user's home page, `None` for anonymous visitors.
    pub fn home(self) -> Option<&'static str> {
        match self {
            NavUser::Anonymous => None,
            NavUser::Staff => Some("/staff"),
            NavUser::Member => Some("/account"),
        }
    }
}

impl std::fmt::Display for NavUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NavUser::Anonymous => "anonymous",
            NavUser::Staff => "staff",
            NavUser::Member => "member",
        })
    }
}

impl std::str::FromStr for NavUser {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "anonymous" => Ok(NavUser::Anonymous),
            "staff" => Ok(NavUser::Staff),
            "member" => Ok(NavUser::Member),
            _ => Err(()),
        }
    }
}

/// The header's `NavUser`, provided by the layout.
#[derive(Clone, Copy)]
pub struct NavState(pub leptos::prelude::RwSignal<NavUser>);

/// Called by a page that has loaded the signed-in user (or learnt there is none): the header
/// follows. Writes only on a change, so hydrating such a page does not redraw the header.
pub fn show_in_header(user: Option<&CurrentUser>) {
    use leptos::prelude::*;
    if let Some(NavState(nav)) = use_context::<NavState>() {
        let now = NavUser::of(user);
        if nav.get_untracked() != now {
            nav.set(now);
        }
    }
}

#[cfg(test)]
mod nav_tests {
    use super::NavUser;

    #[test]
    fn nav_user_round_trips_as_one_word() {
        for n in [NavUser::Anonymous, NavUser::Staff, NavUser::Member] {
            assert_eq!(n.to_string().parse::<NavUser>(), Ok(n));
        }
        assert_eq!("admin".parse::<NavUser>(), Err(()));
        assert_eq!(NavUser::Anonymous.home(), None);
        assert_eq!(NavUser::Staff.home(), Some("/staff"));
        assert_eq!(NavUser::Member.home(), Some("/account"));
    }
}
