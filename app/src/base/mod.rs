//! The base layer every area stands on; it imports nothing from the areas above it (checked by
//! `architecture_tests`). Compiled for both targets: errors, the working-day calendar and
//! deadline rules, formatting of dates and money, checks of typed-in values. Server only: the database pool and dialect
//! helpers, file downloads, the data key, the keyed audit chain, periodic jobs, sealed session values, the upload spool
//! and the checks of uploaded media (`media`: the type from the bytes, images re-encoded without metadata).
pub mod calendar;
pub mod errors;
pub mod format;
pub mod table;
pub mod validate;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod clients;
#[cfg(feature = "ssr")]
pub mod crypto;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod download;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod media;
#[cfg(feature = "ssr")]
pub mod sealed;
#[cfg(feature = "ssr")]
pub mod spool;

/// Define an enum together with `ALL`, the list of every variant in declaration order, generated
/// from the definition itself: a new variant can never be missing from `ALL` (and so from the
/// tables, tests and label checks that walk it).
macro_rules! enum_with_all {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($(#[$vm:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$m])* $vis enum $name { $($(#[$vm])* $variant),+ }
        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];
        }
    };
}
pub(crate) use enum_with_all;
