//! The staff and administration pages as lazy routes (issue 12). Their code — the views, the
//! client side of the server functions only they call, the texts only they show — is split by
//! `cargo leptos build --split` out of the main WebAssembly bundle into chunks that the browser
//! fetches the first time such a page is opened, so a citizen's phone never downloads it.
//!
//! Each wrapper only defers the page; on the server it renders exactly as before. Except the
//! account page, which everyone signed in uses, each shows its page through its audience's group
//! function below (D38). A new staff page gets a variant and an arm in its group, and a wrapper.
//! One `impl` per page by hand (no macro): `#[lazy_route]` names each split after its source
//! location.
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

// The staff pages by audience (D38). Every route of a group shows its page through the group's
// function, so each group's code is one set of users for the splitter and sits in a few large
// chunks, fetched once by whoever opens the group's first page. Split per page, the code a page
// shared with some others went into one chunk per combination of pages, and public pages fetched
// up to two hundred small chunks. `#[inline(never)]` and `black_box` keep the optimiser from
// specialising a group's function per caller, which would split its pages apart again; on the
// server they cost nothing.

#[derive(Clone, Copy)]
enum WorkflowView {
    Staff,
    StaffQueue,
    Dashboard,
    StaffReport,
    AdminUsers,
    Routing,
    Organisation,
    Calendar,
    AuditLog,
}

/// The pages of the bureau's case workflow and administration (intake officers, handlers,
/// reward officers, administrators).
#[inline(never)]
fn workflow_view(which: WorkflowView) -> AnyView {
    let page = match std::hint::black_box(which) {
        WorkflowView::Staff => view! { <crate::accounts::pages::StaffPage /> }.into_any(),
        WorkflowView::StaffQueue => view! { <crate::workflow::pages::StaffQueuePage /> }.into_any(),
        WorkflowView::Dashboard => view! { <crate::workflow::pages::DashboardPage /> }.into_any(),
        WorkflowView::StaffReport => view! { <crate::workflow::report_page::StaffReportPage /> }.into_any(),
        WorkflowView::AdminUsers => view! { <crate::accounts::pages::AdminUsersPage /> }.into_any(),
        WorkflowView::Routing => view! { <crate::workflow::admin::RoutingPage /> }.into_any(),
        WorkflowView::Organisation => view! { <crate::org::pages::OrgPage /> }.into_any(),
        WorkflowView::Calendar => view! { <crate::workflow::admin::CalendarPage /> }.into_any(),
        WorkflowView::AuditLog => view! { <crate::workflow::admin::AuditLogPage /> }.into_any(),
    };
    view! { {page} <crate::ui::HydrationMarker /> }.into_any()
}

#[derive(Clone, Copy)]
enum QuizAdminView {
    QuestionBank,
    QuestionImport,
    QuestionFeedback,
    Contests,
    ContestStatistics,
}

/// The pages of the question bank and contests (training administrators).
#[inline(never)]
fn quiz_admin_view(which: QuizAdminView) -> AnyView {
    let page = match std::hint::black_box(which) {
        QuizAdminView::QuestionBank => view! { <crate::quiz::pages::QuestionBankPage /> }.into_any(),
        QuizAdminView::QuestionImport => view! { <crate::quiz::transfer::pages::ImportPage /> }.into_any(),
        QuizAdminView::QuestionFeedback => view! { <crate::quiz::feedback::pages::FeedbackReviewPage /> }.into_any(),
        QuizAdminView::Contests => view! { <crate::quiz::contest::admin::ContestAdminPage /> }.into_any(),
        QuizAdminView::ContestStatistics => view! { <crate::quiz::contest::stats_page::ContestStatsPage /> }.into_any(),
    };
    view! { {page} <crate::ui::HydrationMarker /> }.into_any()
}

#[derive(Clone, Copy)]
enum BureauTrainingView {
    TrainingDistrict,
    Courses,
    CourseEditor,
    TrainingEnterprises,
    TrainingEnterprise,
    InfoOfficers,
    InfoOfficer,
    InfoOfficerTraining,
}

/// The pages of the district's training records (training administrators).
#[inline(never)]
fn bureau_training_view(which: BureauTrainingView) -> AnyView {
    let page = match std::hint::black_box(which) {
        BureauTrainingView::TrainingDistrict => view! { <crate::training::district_page::DistrictPage /> }.into_any(),
        BureauTrainingView::Courses => view! { <crate::training::classroom_pages::CoursesPage /> }.into_any(),
        BureauTrainingView::CourseEditor => view! { <crate::training::classroom_pages::CourseEditorPage /> }.into_any(),
        BureauTrainingView::TrainingEnterprises => view! { <crate::training::enterprises_page::EnterprisesPage /> }.into_any(),
        BureauTrainingView::TrainingEnterprise => view! { <crate::training::enterprises_page::EnterpriseAccountsPage /> }.into_any(),
        BureauTrainingView::InfoOfficers => view! { <crate::training::officer_pages::OfficersPage /> }.into_any(),
        BureauTrainingView::InfoOfficer => view! { <crate::training::officer_pages::OfficerPage /> }.into_any(),
        BureauTrainingView::InfoOfficerTraining => view! { <crate::training::officer_pages::OfficerTrainingPage /> }.into_any(),
    };
    view! { {page} <crate::ui::HydrationMarker /> }.into_any()
}

#[derive(Clone, Copy)]
enum EnterpriseView {
    TrainingEmployees,
    TrainingSessions,
    TrainingSession,
    TrainingCompliance,
    TrainingCertificates,
}

/// The pages of an enterprise's training records (its safety manager).
#[inline(never)]
fn enterprise_view(which: EnterpriseView) -> AnyView {
    let page = match std::hint::black_box(which) {
        EnterpriseView::TrainingEmployees => view! { <crate::training::pages::EmployeesPage /> }.into_any(),
        EnterpriseView::TrainingSessions => view! { <crate::training::pages::SessionsPage /> }.into_any(),
        EnterpriseView::TrainingSession => view! { <crate::training::pages::SessionSheetPage /> }.into_any(),
        EnterpriseView::TrainingCompliance => view! { <crate::training::pages::CompliancePage /> }.into_any(),
        EnterpriseView::TrainingCertificates => view! { <crate::training::record_pages::CertificatesPage /> }.into_any(),
    };
    view! { {page} <crate::ui::HydrationMarker /> }.into_any()
}

#[derive(Clone, Copy)]
enum EmployeeView {
    MyTraining,
    Classroom,
    ClassroomCourse,
    ClassroomLesson,
    CertificatePrint,
}

/// The pages of an employee's own training, courses and certificates (often on a phone).
#[inline(never)]
fn employee_view(which: EmployeeView) -> AnyView {
    let page = match std::hint::black_box(which) {
        EmployeeView::MyTraining => view! { <crate::training::record_pages::MyTrainingPage /> }.into_any(),
        EmployeeView::Classroom => view! { <crate::training::course_pages::ClassroomPage /> }.into_any(),
        EmployeeView::ClassroomCourse => view! { <crate::training::course_pages::CoursePage /> }.into_any(),
        EmployeeView::ClassroomLesson => view! { <crate::training::course_pages::LessonPage /> }.into_any(),
        EmployeeView::CertificatePrint => view! { <crate::certificates::pages::CertificatePage /> }.into_any(),
    };
    view! { {page} <crate::ui::HydrationMarker /> }.into_any()
}

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
        quiz_admin_view(QuizAdminView::QuestionBank)
    }
}

pub struct QuestionFeedback;
#[lazy_route]
impl LazyRoute for QuestionFeedback {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        quiz_admin_view(QuizAdminView::QuestionFeedback)
    }
}

pub struct QuestionImport;
#[lazy_route]
impl LazyRoute for QuestionImport {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        quiz_admin_view(QuizAdminView::QuestionImport)
    }
}

pub struct ContestStatistics;
#[lazy_route]
impl LazyRoute for ContestStatistics {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        quiz_admin_view(QuizAdminView::ContestStatistics)
    }
}

pub struct Contests;
#[lazy_route]
impl LazyRoute for Contests {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        quiz_admin_view(QuizAdminView::Contests)
    }
}

pub struct Staff;
#[lazy_route]
impl LazyRoute for Staff {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        workflow_view(WorkflowView::Staff)
    }
}

pub struct StaffQueue;
#[lazy_route]
impl LazyRoute for StaffQueue {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        workflow_view(WorkflowView::StaffQueue)
    }
}

pub struct Dashboard;
#[lazy_route]
impl LazyRoute for Dashboard {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        workflow_view(WorkflowView::Dashboard)
    }
}

pub struct StaffReport;
#[lazy_route]
impl LazyRoute for StaffReport {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        workflow_view(WorkflowView::StaffReport)
    }
}

pub struct AdminUsers;
#[lazy_route]
impl LazyRoute for AdminUsers {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        workflow_view(WorkflowView::AdminUsers)
    }
}

pub struct Routing;
#[lazy_route]
impl LazyRoute for Routing {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        workflow_view(WorkflowView::Routing)
    }
}

pub struct Organisation;
#[lazy_route]
impl LazyRoute for Organisation {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        workflow_view(WorkflowView::Organisation)
    }
}

pub struct Calendar;
#[lazy_route]
impl LazyRoute for Calendar {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        workflow_view(WorkflowView::Calendar)
    }
}

pub struct AuditLog;
#[lazy_route]
impl LazyRoute for AuditLog {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        workflow_view(WorkflowView::AuditLog)
    }
}

pub struct TrainingEmployees;
#[lazy_route]
impl LazyRoute for TrainingEmployees {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        enterprise_view(EnterpriseView::TrainingEmployees)
    }
}

pub struct TrainingSessions;
#[lazy_route]
impl LazyRoute for TrainingSessions {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        enterprise_view(EnterpriseView::TrainingSessions)
    }
}

pub struct TrainingSession;
#[lazy_route]
impl LazyRoute for TrainingSession {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        enterprise_view(EnterpriseView::TrainingSession)
    }
}

pub struct TrainingCompliance;
#[lazy_route]
impl LazyRoute for TrainingCompliance {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        enterprise_view(EnterpriseView::TrainingCompliance)
    }
}

pub struct CertificatePrint;
#[lazy_route]
impl LazyRoute for CertificatePrint {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        employee_view(EmployeeView::CertificatePrint)
    }
}

pub struct MyTraining;
#[lazy_route]
impl LazyRoute for MyTraining {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        employee_view(EmployeeView::MyTraining)
    }
}

pub struct TrainingCertificates;
#[lazy_route]
impl LazyRoute for TrainingCertificates {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        enterprise_view(EnterpriseView::TrainingCertificates)
    }
}

pub struct TrainingDistrict;
#[lazy_route]
impl LazyRoute for TrainingDistrict {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        bureau_training_view(BureauTrainingView::TrainingDistrict)
    }
}

pub struct Classroom;
#[lazy_route]
impl LazyRoute for Classroom {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        employee_view(EmployeeView::Classroom)
    }
}

pub struct ClassroomCourse;
#[lazy_route]
impl LazyRoute for ClassroomCourse {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        employee_view(EmployeeView::ClassroomCourse)
    }
}

pub struct ClassroomLesson;
#[lazy_route]
impl LazyRoute for ClassroomLesson {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        employee_view(EmployeeView::ClassroomLesson)
    }
}

pub struct Courses;
#[lazy_route]
impl LazyRoute for Courses {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        bureau_training_view(BureauTrainingView::Courses)
    }
}

pub struct CourseEditor;
#[lazy_route]
impl LazyRoute for CourseEditor {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        bureau_training_view(BureauTrainingView::CourseEditor)
    }
}

pub struct InfoOfficers;
#[lazy_route]
impl LazyRoute for InfoOfficers {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        bureau_training_view(BureauTrainingView::InfoOfficers)
    }
}

pub struct InfoOfficer;
#[lazy_route]
impl LazyRoute for InfoOfficer {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        bureau_training_view(BureauTrainingView::InfoOfficer)
    }
}

pub struct InfoOfficerTraining;
#[lazy_route]
impl LazyRoute for InfoOfficerTraining {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        bureau_training_view(BureauTrainingView::InfoOfficerTraining)
    }
}

pub struct TrainingEnterprises;
#[lazy_route]
impl LazyRoute for TrainingEnterprises {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        bureau_training_view(BureauTrainingView::TrainingEnterprises)
    }
}

pub struct TrainingEnterprise;
#[lazy_route]
impl LazyRoute for TrainingEnterprise {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        bureau_training_view(BureauTrainingView::TrainingEnterprise)
    }
}
