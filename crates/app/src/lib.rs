//! The Messaging Setup console: pages, dialogs and the server functions behind them.
//!
//! Built twice: with `ssr` into the server (rendering pages and running server functions) and
//! with `hydrate` into the browser's WASM (making the rendered page interactive).

pub mod api;
pub mod error;
pub mod form;
#[cfg(feature = "ssr")]
mod server;
mod sms;
#[cfg(feature = "smtp-page")]
mod smtp;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};

pub use error::ConsoleError;

/// The name the SMTP Server page's browser bundle is built under (`/pkg/console.js`,
/// `/pkg/console_bg.wasm`); the stylesheet is `/pkg/console.css` for every page.
pub const OUTPUT_NAME: &str = "console";
/// The name the SMS Gateway page's bundle is built under (`/pkg/console-sms.js`, …).
pub const SMS_OUTPUT_NAME: &str = "console-sms";

/// The HTML document around the application, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    server::content_security_policy();
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
        <Title text=match current_page() {
            Page::SmtpServer => "SMTP Server · Messaging Setup",
            Page::SmsGateway => "SMS Gateway · Messaging Setup",
        }/>
        <header class="topbar">
            <span class="product">"Policy Manager"</span>
            <span class="console-name">"Administration console"</span>
            // Plain links and a plain form: the administration pages are rendered on the
            // server, and signing out must be a POST (a link could be triggered cross-site).
            <nav class="account" aria-label="Account">
                <a href="/messaging/smtp">"Messaging"</a>
                <a href="/admin/administrators">"Administrators"</a>
                <a href="/admin/audit">"Audit log"</a>
                <form method="post" action="/logout" class="sign-out">
                    <button type="submit">"Sign out"</button>
                </form>
            </nav>
        </header>
        // Each page is a server route of its own with a browser bundle of its own, linked with
        // plain anchors: one bundle with both pages (and a client-side router) would weigh
        // about 140 KB (brotli) more on the first load.
        <main class="page">
            {match current_page() {
                #[cfg(feature = "smtp-page")]
                Page::SmtpServer => view! { <smtp::SmtpServerPage/> }.into_any(),
                #[cfg(feature = "sms-page")]
                Page::SmsGateway => view! { <sms::SmsGatewayPage/> }.into_any(),
                // Only in a bundle without this page, which the server never sends with it.
                #[allow(unreachable_patterns)]
                _ => ().into_any(),
            }}
        </main>
    }
}

/// The console's pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// `/` and `/messaging/smtp`.
    SmtpServer,
    /// `/messaging/sms`.
    SmsGateway,
}

impl Page {
    /// The page at `path`: `/messaging/sms` is the SMS Gateway, anything else the SMTP Server.
    pub fn at(path: &str) -> Page {
        match path.trim_end_matches('/') {
            "/messaging/sms" => Page::SmsGateway,
            _ => Page::SmtpServer,
        }
    }

    /// The name of the browser bundle that hydrates this page.
    pub fn bundle(self) -> &'static str {
        match self {
            Page::SmtpServer => OUTPUT_NAME,
            Page::SmsGateway => SMS_OUTPUT_NAME,
        }
    }
}

/// The page the browser asked for: from the request on the server, from the address bar when
/// hydrating, so both render the same page.
fn current_page() -> Page {
    #[cfg(feature = "ssr")]
    let path = use_context::<http::request::Parts>().map(|parts| parts.uri.path().to_owned());
    #[cfg(not(feature = "ssr"))]
    let path = window().location().pathname().ok();
    Page::at(path.as_deref().unwrap_or("/"))
}
