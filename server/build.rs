//! `SW_TEST_SKIP_POSTGRES=1` at build time marks the PostgreSQL half of every test as ignored, so a
//! run without PostgreSQL reports those tests as skipped rather than passed.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(skip_postgres)");
    println!("cargo::rerun-if-env-changed=SW_TEST_SKIP_POSTGRES");
    if std::env::var("SW_TEST_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
        println!("cargo::rustc-cfg=skip_postgres");
    }
}
