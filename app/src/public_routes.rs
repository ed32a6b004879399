//! The public pages as lazy routes too (issue 12). With every page split out, the main
//! WebAssembly module holds only what all pages share (the framework, the layout, the router, the
//! translations), and a first visit fetches that plus the one page it opens: a citizen landing
//! on the report form no longer downloads the case page, the receipt or the login form. Their
//! split files are named `split___public_…` (the staff ones are not), which the end-to-end
//! budget test relies on.
//!
//! Each wrapper only defers the page component; on the server it renders exactly as before.
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// The home page.
pub struct PublicHome;
#[lazy_route]
impl LazyRoute for PublicHome {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::home::HomePage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// How reporting works.
pub struct PublicReportInfo;
#[lazy_route]
impl LazyRoute for PublicReportInfo {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::portal::ReportInfoPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// The report form (with its upload, draft and proof-of-work code).
pub struct PublicReportNew;
#[lazy_route]
impl LazyRoute for PublicReportNew {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::reports::pages::ReportNewPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// The receipt after sending.
pub struct PublicReceipt;
#[lazy_route]
impl LazyRoute for PublicReceipt {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::reports::pages::ReceiptPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// The case lookup form.
pub struct PublicLookup;
#[lazy_route]
impl LazyRoute for PublicLookup {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::reports::pages::LookupPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// A reporter's case page.
pub struct PublicCase;
#[lazy_route]
impl LazyRoute for PublicCase {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::reports::pages::CasePage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// Practice questions (no account).
pub struct PublicQuizPractice;
#[lazy_route]
impl LazyRoute for PublicQuizPractice {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::quiz::practice::PracticePage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// The daily challenge (signed-in employees).
pub struct PublicQuizDaily;
#[lazy_route]
impl LazyRoute for PublicQuizDaily {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::quiz::daily::page::DailyPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// Report an error in a question (纠错).
pub struct PublicQuizFeedback;
#[lazy_route]
impl LazyRoute for PublicQuizFeedback {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::quiz::feedback::pages::FeedbackPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// The quiz page.
pub struct PublicQuizInfo;
#[lazy_route]
impl LazyRoute for PublicQuizInfo {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::quiz::contest::take::QuizHomePage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// A contest: rules, joining, my attempts.
pub struct PublicContest;
#[lazy_route]
impl LazyRoute for PublicContest {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::quiz::contest::take::ContestPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// A contest's ranking.
pub struct PublicRanking;
#[lazy_route]
impl LazyRoute for PublicRanking {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::quiz::contest::take::RankingPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// Taking an attempt.
pub struct PublicAttempt;
#[lazy_route]
impl LazyRoute for PublicAttempt {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::quiz::contest::attempt_page::AttemptPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// An attempt's result.
pub struct PublicResult;
#[lazy_route]
impl LazyRoute for PublicResult {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::quiz::contest::take::ResultPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// The training page.
pub struct PublicTrainingInfo;
#[lazy_route]
impl LazyRoute for PublicTrainingInfo {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::portal::TrainingInfoPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// The staff login form.
pub struct PublicLogin;
#[lazy_route]
impl LazyRoute for PublicLogin {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::accounts::pages::LoginPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

/// The public check of a certificate (the QR code on a printed certificate leads here).
pub struct PublicVerify;
#[lazy_route]
impl LazyRoute for PublicVerify {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::certificates::pages::VerifyPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}
