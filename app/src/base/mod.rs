//! The base layer every area stands on; it imports nothing from the areas above it (checked by
//! `architecture_tests`). Compiled for both targets: errors, the working-day calendar and
//! deadline rules, formatting of dates and money, checks of typed-in values. Server only: the database pool and dialect
//! helpers, the data key, the keyed audit chain, periodic jobs, sealed session values and the upload spool.
pub mod calendar;
pub mod errors;
pub mod format;
pub mod validate;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod crypto;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod sealed;
#[cfg(feature = "ssr")]
pub mod spool;
