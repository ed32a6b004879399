//! Training (安全培训, issue 15): enterprises' employees, sessions and attendance, the network
//! classroom, required hours and certificates. Built on accounts, org, audit and ui only
//! (docs/architecture.md). So far: the hour and certificate rules (`rules`), pure and
//! case-table tested; storage, server functions and pages follow.
pub mod rules;
