//! `safewhistle bench-hello`: the Leptos hello-world the light-pages issue (12) measures the home
//! page against. It has the shape of the cargo-leptos starter: a shell with hydration scripts and
//! meta tags, a router with one route, a page with a title and a counter. It is rendered by the same
//! leptos_axum as the portal, with no tower layers, no sessions and no database, so the difference
//! between the two is what the portal adds (docs/benchmarks.md, `scripts/bench_pages.sh`).
use anyhow::Context;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

fn hello_shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <HelloApp />
            </body>
        </html>
    }
}

#[component]
fn HelloApp() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Hello" />
        <Router>
            <main>
                <Routes fallback=|| "Not found.">
                    <Route path=path!("") view=HelloPage />
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn HelloPage() -> impl IntoView {
    let count = RwSignal::new(0);
    view! {
        <h1>"Welcome to Leptos!"</h1>
        <button on:click=move |_| *count.write() += 1>"Click me: " {count}</button>
    }
}

/// Serve the hello-world on `bind` until the process is stopped.
pub async fn serve(bind: std::net::SocketAddr) -> anyhow::Result<()> {
    // An empty site root: the page links to `/pkg/hello.js` like any starter, but nothing is
    // served from it (the benchmark fetches the HTML only), and no split manifest is found.
    let options = LeptosOptions::builder()
        .output_name("hello")
        .site_root("/nonexistent-bench-hello-site")
        .site_addr(bind)
        .build();
    let routes = generate_route_list(HelloApp);
    let app = axum::Router::new()
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || hello_shell(options.clone())
        })
        .with_state(options);
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("binding {bind}"))?;
    // As the portal does (lib.rs): streamed pages go out without waiting for delayed ACKs.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    println!("Leptos hello-world on http://{bind}/");
    axum::serve(listener, app).await.context("serving")
}
