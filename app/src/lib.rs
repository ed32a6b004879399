//! SafeWhistle (安全哨): the Leptos application, compiled twice — with `ssr` into the server and
//! with `hydrate` into the WebAssembly bundle. Each feature area lives in its own folder with its
//! types, pure rules, server functions, ssr-only storage code and pages side by side.
#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod accounts;
pub mod app;
pub mod base;
pub mod cases;
pub mod certificates;
pub mod home;
pub mod layout;
pub mod org;
pub mod portal;
pub mod public_routes;
pub mod quiz;
pub mod reports;
pub mod rewards;
pub mod staff_routes;
pub mod training;
pub mod ui;
pub mod workflow;

#[cfg(test)]
mod architecture_tests;

#[cfg(feature = "ssr")]
pub mod state;

/// Entry point of the WebAssembly bundle: hydrates the server-rendered page. Asynchronously, so
/// the page can first fetch its split-off code (`public_routes`, `staff_routes`).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
