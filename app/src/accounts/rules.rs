//! Roles and permissions as plain data. Every server function names the permission it needs and
//! the guard asks `Role::allows`; anything not listed here is denied.
use serde::{Deserialize, Serialize};

crate::base::enum_with_all! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Role {
        Admin,
        IntakeOfficer,
        DepartmentHandler,
        RewardOfficer,
        TrainingAdmin,
        EnterpriseManager,
        Employee,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Open the staff workbench (bureau staff only).
    StaffWorkbench,
    /// List and create accounts.
    ManageUsers,
    /// Read the reference data (departments, towns/streets).
    ReadReferenceData,
    /// Manage one's own second factor.
    ManageOwnTotp,
    /// Read reports, their attachments and messages, and write to reporters. Department handlers
    /// hold it too, but every query narrows them to their own department's cases (workflow::ssr::scope).
    ReadReports,
    /// Intake desk work that is not tied to one case's state machine (spam flags).
    TriageReports,
    /// Open a sealed reporter identity or reward payee, with a reason that is logged.
    RevealIdentity,
    /// Edit the routing table and the holiday calendar.
    ManageWorkflowRules,
    /// Browse the audit log and check its chain.
    ReadAuditLog,
    /// Keep the quiz question bank.
    ManageQuestions,
    /// Set up contests and read their results.
    ManageContests,
    /// The daily challenge (每日一练): enterprise employees and their safety managers.
    DailyChallenge,
    /// Keep one's own enterprise's training records: employees, sessions, attendance, compliance
    /// (the enterprise safety manager; every query is narrowed to their enterprise).
    ManageEnterpriseTraining,
    /// One's own training record (an employee).
    OwnTraining,
    /// Print the certificates one holds or issued, revoke and reissue those one issued (scoped
    /// per certificate by `certificates::ssr::access`).
    Certificates,
    /// The district's training overview (compliance by sector, town and village) and its files.
    TrainingOverview,
    /// Write the network classroom's courses and lessons, publish and withdraw them.
    ManageCourses,
    /// Keep the disaster information officers (灾害信息员) of the three levels and their
    /// trainings, and read the coverage.
    ManageInfoOfficers,
    /// Keep the enterprises (the organisation page's, and the training administrator's list)
    /// and, for the training administrator, their safety managers' accounts.
    ManageEnterprises,
    /// Create, disable and re-enable enterprise safety managers' accounts, and set a new
    /// password for one (the training administrator; nothing else about accounts).
    ManageEnterpriseAccounts,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::IntakeOfficer => "intake_officer",
            Role::DepartmentHandler => "department_handler",
            Role::RewardOfficer => "reward_officer",
            Role::TrainingAdmin => "training_admin",
            Role::EnterpriseManager => "enterprise_manager",
            Role::Employee => "employee",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Bureau staff (as opposed to enterprise users): subject to the staff TOTP policy.
    pub fn is_bureau_staff(self) -> bool {
        !matches!(self, Role::EnterpriseManager | Role::Employee)
    }

    pub fn needs_department(self) -> bool {
        matches!(self, Role::DepartmentHandler)
    }

    pub fn needs_enterprise(self) -> bool {
        matches!(self, Role::EnterpriseManager | Role::Employee)
    }

    /// The permission table. Deny by default: a permission not matched here is refused.
    pub fn allows(self, perm: Permission) -> bool {
        use Permission::*;
        match perm {
            ManageOwnTotp => true,
            StaffWorkbench | ReadReferenceData => self.is_bureau_staff(),
            ManageUsers => self == Role::Admin,
            ReadReports => matches!(self, Role::IntakeOfficer | Role::RewardOfficer | Role::DepartmentHandler),
            TriageReports => self == Role::IntakeOfficer,
            RevealIdentity => matches!(self, Role::IntakeOfficer | Role::RewardOfficer),
            ManageWorkflowRules | ReadAuditLog => self == Role::Admin,
            ManageQuestions | ManageContests | TrainingOverview | ManageCourses | ManageInfoOfficers => self == Role::TrainingAdmin,
            DailyChallenge => matches!(self, Role::Employee | Role::EnterpriseManager),
            ManageEnterpriseTraining => self == Role::EnterpriseManager,
            OwnTraining => self == Role::Employee,
            ManageEnterprises => matches!(self, Role::Admin | Role::TrainingAdmin),
            ManageEnterpriseAccounts => self == Role::TrainingAdmin,
            Certificates => matches!(self, Role::Employee | Role::EnterpriseManager | Role::TrainingAdmin),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Password policy for staff and enterprise accounts: length only (NIST 800-63B style), with an
/// upper bound so hashing cost stays bounded.
pub fn check_password(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < 10 {
        Err("password_too_short")
    } else if password.len() > 256 {
        Err("password_too_long")
    } else {
        Ok(())
    }
}

/// Usernames: 3–64 characters of ASCII letters, digits, `.`, `_`, `-`.
pub fn check_username(username: &str) -> Result<(), &'static str> {
    let ok_chars = username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !(3..=64).contains(&username.len()) || !ok_chars {
        Err("username_invalid")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn permission_table() {
        use Permission::*;
        // (role, permission, allowed)
        let cases = [
            (Role::Admin, ManageUsers, true),
            (Role::IntakeOfficer, ManageUsers, false),
            (Role::DepartmentHandler, ManageUsers, false),
            (Role::RewardOfficer, ManageUsers, false),
            (Role::TrainingAdmin, ManageUsers, false),
            (Role::EnterpriseManager, ManageUsers, false),
            (Role::Employee, ManageUsers, false),
            (Role::IntakeOfficer, StaffWorkbench, true),
            (Role::DepartmentHandler, StaffWorkbench, true),
            (Role::EnterpriseManager, StaffWorkbench, false),
            (Role::Employee, StaffWorkbench, false),
            (Role::Employee, ReadReferenceData, false),
            (Role::RewardOfficer, ReadReferenceData, true),
            (Role::Employee, ManageOwnTotp, true),
            (Role::DepartmentHandler, ReadReports, true),
            (Role::Admin, ReadReports, false),
            (Role::TrainingAdmin, ReadReports, false),
            (Role::DepartmentHandler, RevealIdentity, false),
            (Role::RewardOfficer, RevealIdentity, true),
            (Role::IntakeOfficer, TriageReports, true),
            (Role::RewardOfficer, TriageReports, false),
            (Role::Admin, ManageWorkflowRules, true),
            (Role::IntakeOfficer, ManageWorkflowRules, false),
            (Role::Admin, ReadAuditLog, true),
            (Role::IntakeOfficer, ReadAuditLog, false),
            (Role::TrainingAdmin, ManageQuestions, true),
            (Role::Admin, ManageQuestions, false),
            (Role::EnterpriseManager, ManageQuestions, false),
            (Role::Employee, ManageQuestions, false),
            (Role::TrainingAdmin, ManageContests, true),
            (Role::Admin, ManageContests, false),
            (Role::EnterpriseManager, ManageContests, false),
            (Role::Employee, ManageContests, false),
            (Role::Employee, DailyChallenge, true),
            (Role::EnterpriseManager, ManageEnterpriseTraining, true),
            (Role::Employee, ManageEnterpriseTraining, false),
            (Role::TrainingAdmin, ManageEnterpriseTraining, false),
            (Role::Admin, ManageEnterpriseTraining, false),
            (Role::Employee, OwnTraining, true),
            (Role::EnterpriseManager, OwnTraining, false),
            (Role::Employee, Certificates, true),
            (Role::TrainingAdmin, Certificates, true),
            (Role::Admin, Certificates, false),
            (Role::TrainingAdmin, TrainingOverview, true),
            (Role::TrainingAdmin, ManageCourses, true),
            (Role::Admin, ManageCourses, false),
            (Role::EnterpriseManager, ManageCourses, false),
            (Role::Employee, ManageCourses, false),
            (Role::TrainingAdmin, ManageInfoOfficers, true),
            (Role::Admin, ManageEnterprises, true),
            (Role::TrainingAdmin, ManageEnterprises, true),
            (Role::IntakeOfficer, ManageEnterprises, false),
            (Role::EnterpriseManager, ManageEnterprises, false),
            (Role::TrainingAdmin, ManageEnterpriseAccounts, true),
            (Role::Admin, ManageEnterpriseAccounts, false),
            (Role::EnterpriseManager, ManageEnterpriseAccounts, false),
            (Role::Employee, ManageEnterpriseAccounts, false),
            (Role::Admin, ManageInfoOfficers, false),
            (Role::IntakeOfficer, ManageInfoOfficers, false),
            (Role::EnterpriseManager, ManageInfoOfficers, false),
            (Role::Employee, ManageInfoOfficers, false),
            (Role::Admin, TrainingOverview, false),
            (Role::IntakeOfficer, TrainingOverview, false),
            (Role::EnterpriseManager, TrainingOverview, false),
            (Role::Employee, TrainingOverview, false),
            (Role::IntakeOfficer, Certificates, false),
            (Role::EnterpriseManager, DailyChallenge, true),
            (Role::TrainingAdmin, DailyChallenge, false),
            (Role::Admin, DailyChallenge, false),
        ];
        for (role, perm, expected) in cases {
            assert_eq!(role.allows(perm), expected, "{role} {perm:?}");
        }
    }

    #[test]
    fn scopes_required_by_role() {
        assert!(Role::DepartmentHandler.needs_department());
        assert!(!Role::IntakeOfficer.needs_department());
        assert!(Role::Employee.needs_enterprise());
        assert!(Role::EnterpriseManager.needs_enterprise());
        assert!(!Role::Admin.needs_enterprise());
    }

    #[test]
    fn password_and_username_policy() {
        assert_eq!(check_password("short"), Err("password_too_short"));
        assert_eq!(check_password("long enough pass"), Ok(()));
        assert_eq!(check_password(&"x".repeat(300)), Err("password_too_long"));
        assert_eq!(check_username("intake.li"), Ok(()));
        assert_eq!(check_username("a"), Err("username_invalid"));
        assert_eq!(check_username("bad name"), Err("username_invalid"));
        assert_eq!(check_username("<script>"), Err("username_invalid"));
    }
}
