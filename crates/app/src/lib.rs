//! The Messaging Setup console: pages, dialogs and the server functions behind them.
//!
//! Built twice: with `ssr` into the server (rendering pages and running server functions) and
//! with `hydrate` into the browser's WASM (making the rendered page interactive).

pub mod api;
pub mod error;
pub mod form;
#[cfg(feature = "ssr")]
mod server;
mod smtp;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};

pub use error::ConsoleError;

/// The name the browser bundle is built under (`/pkg/console.js`, `/pkg/console_bg.wasm`,
/// `/pkg/console.css`).
pub const OUTPUT_NAME: &str = "console";

/// The HTML document around the application, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href="/pkg/console.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The console application.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Tests and the first-load benchmark wait for this mark: the page is interactive once set.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Title text="Messaging Setup"/>
        <header class="topbar">
            <span class="product">"Policy Manager"</span>
            <span class="console-name">"Administration console"</span>
        </header>
        // One page for now. Further pages are separate server routes that link with plain
        // anchors: a client-side router would add about 35 KB (brotli) to the WASM.
        <main class="page">
            <smtp::SmtpServerPage/>
        </main>
    }
}
