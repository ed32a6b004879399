//! The staff and administration pages as lazy routes (issue 12). Their code — the views, the
//! client side of the server functions only they call, the texts only they show — is split by
//! `cargo leptos build --split` out of the main WebAssembly bundle into chunks that the browser
//! fetches the first time such a page is opened, so a citizen's phone never downloads it.
//!
//! Each wrapper only defers the page component; on the server it renders exactly as before.
//! One `impl` per page by hand (no macro): `#[lazy_route]` names each split after its source
//! location.
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

pub struct Account;
#[lazy_route]
impl LazyRoute for Account {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::accounts::pages::AccountPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct QuestionBank;
#[lazy_route]
impl LazyRoute for QuestionBank {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::quiz::pages::QuestionBankPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct QuestionFeedback;
#[lazy_route]
impl LazyRoute for QuestionFeedback {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::quiz::feedback::pages::FeedbackReviewPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct QuestionImport;
#[lazy_route]
impl LazyRoute for QuestionImport {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::quiz::transfer::pages::ImportPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct ContestStatistics;
#[lazy_route]
impl LazyRoute for ContestStatistics {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::quiz::contest::stats_page::ContestStatsPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct Contests;
#[lazy_route]
impl LazyRoute for Contests {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::quiz::contest::admin::ContestAdminPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct Staff;
#[lazy_route]
impl LazyRoute for Staff {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::accounts::pages::StaffPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct StaffQueue;
#[lazy_route]
impl LazyRoute for StaffQueue {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::workflow::pages::StaffQueuePage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct Dashboard;
#[lazy_route]
impl LazyRoute for Dashboard {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::workflow::pages::DashboardPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct StaffReport;
#[lazy_route]
impl LazyRoute for StaffReport {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::workflow::report_page::StaffReportPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct AdminUsers;
#[lazy_route]
impl LazyRoute for AdminUsers {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::accounts::pages::AdminUsersPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct Routing;
#[lazy_route]
impl LazyRoute for Routing {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::workflow::admin::RoutingPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct Organisation;
#[lazy_route]
impl LazyRoute for Organisation {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::org::pages::OrgPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct Calendar;
#[lazy_route]
impl LazyRoute for Calendar {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::workflow::admin::CalendarPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct AuditLog;
#[lazy_route]
impl LazyRoute for AuditLog {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::workflow::admin::AuditLogPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct TrainingEmployees;
#[lazy_route]
impl LazyRoute for TrainingEmployees {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::pages::EmployeesPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct TrainingSessions;
#[lazy_route]
impl LazyRoute for TrainingSessions {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::pages::SessionsPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct TrainingSession;
#[lazy_route]
impl LazyRoute for TrainingSession {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::pages::SessionSheetPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct TrainingCompliance;
#[lazy_route]
impl LazyRoute for TrainingCompliance {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::pages::CompliancePage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct CertificatePrint;
#[lazy_route]
impl LazyRoute for CertificatePrint {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::certificates::pages::CertificatePage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct MyTraining;
#[lazy_route]
impl LazyRoute for MyTraining {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::record_pages::MyTrainingPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct TrainingCertificates;
#[lazy_route]
impl LazyRoute for TrainingCertificates {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::record_pages::CertificatesPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct TrainingDistrict;
#[lazy_route]
impl LazyRoute for TrainingDistrict {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::district_page::DistrictPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct Classroom;
#[lazy_route]
impl LazyRoute for Classroom {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::course_pages::ClassroomPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct ClassroomCourse;
#[lazy_route]
impl LazyRoute for ClassroomCourse {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::course_pages::CoursePage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct ClassroomLesson;
#[lazy_route]
impl LazyRoute for ClassroomLesson {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::course_pages::LessonPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct Courses;
#[lazy_route]
impl LazyRoute for Courses {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::classroom_pages::CoursesPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct CourseEditor;
#[lazy_route]
impl LazyRoute for CourseEditor {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::classroom_pages::CourseEditorPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct InfoOfficers;
#[lazy_route]
impl LazyRoute for InfoOfficers {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::officer_pages::OfficersPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct InfoOfficer;
#[lazy_route]
impl LazyRoute for InfoOfficer {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::officer_pages::OfficerPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct InfoOfficerTraining;
#[lazy_route]
impl LazyRoute for InfoOfficerTraining {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::officer_pages::OfficerTrainingPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct TrainingEnterprises;
#[lazy_route]
impl LazyRoute for TrainingEnterprises {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::enterprises_page::EnterprisesPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}

pub struct TrainingEnterprise;
#[lazy_route]
impl LazyRoute for TrainingEnterprise {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <crate::training::enterprises_page::EnterpriseAccountsPage /> <crate::ui::HydrationMarker /> }.into_any()
    }
}
