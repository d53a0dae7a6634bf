//! Builds the console from its configuration and serves it until shut down.

use crate::auth::{self, Auth};
use crate::config::Config;
use crate::guard::{self, AllowedHosts};
use app::{Page, shell};
use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::{HeaderValue, header};
use axum::response::Html;
use axum::routing::{any, get, post};
use leptos::prelude::*;
use messaging::{
    EmailService, HttpClient, SecretCipher, Services, SettingsStore, SmsService, SmtpTransport,
};
use std::future::Future;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Why the console could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The encryption key could not be loaded or created.
    #[error("cannot load the secret key")]
    Key(#[from] messaging::cipher::CipherError),
    /// The database could not be opened or migrated.
    #[error("cannot open the settings database")]
    Store(#[from] messaging::StoreError),
    /// The listening socket could not be bound.
    #[error("cannot listen on {address}")]
    Bind {
        /// The address.
        address: std::net::SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("the server stopped unexpectedly")]
    Serve(#[source] std::io::Error),
}

/// Opens the store and wires the services.
pub async fn build_services(config: &Config) -> Result<Services, StartupError> {
    let cipher = SecretCipher::load(&config.secret_key)?;
    let settings = SettingsStore::open(&config.database, cipher).await?;
    let policy = std::sync::Arc::new(config.outbound.clone());
    let smtp = SmtpTransport::new(&config.ehlo_name).with_policy(policy.clone());
    let email = EmailService::new(settings.clone(), smtp);
    let http =
        HttpClient::new(concat!("messaging-setup/", env!("CARGO_PKG_VERSION"))).with_policy(policy);
    let sms = SmsService::new(settings.clone(), http, email.clone());
    let test_sends = messaging::admin::limits::TestSendLimit::new(
        config.test_send_limit,
        std::time::Duration::from_secs(600),
    );
    Ok(Services {
        admins: settings.admins(),
        settings,
        email,
        sms,
        test_sends: std::sync::Arc::new(test_sends),
    })
}

/// The session check and sign-in pages' shared state.
pub fn auth(services: &Services, config: &Config) -> Auth {
    Auth::new(
        services.admins.clone(),
        config.sessions,
        config.secure_cookie,
    )
}

/// The complete router: pages, server functions under `/api`, the sign-in and administration
/// pages, and the static bundle, behind the host and cross-site guards and the session check.
pub fn router(services: Services, auth: Auth, config: &Config) -> Router {
    let site_root = config.site_root.as_path();
    let allowed_hosts = AllowedHosts::new(config.allowed_hosts.iter().cloned());
    // Each page is hydrated by a bundle of its own (see `app::Page::bundle`).
    let options_for = {
        let site_root = site_root.to_string_lossy().into_owned();
        move |page: Page| {
            LeptosOptions::builder()
                .output_name(page.bundle())
                .site_root(site_root.clone())
                .site_pkg_dir("pkg")
                .build()
        }
    };
    let options = [options_for(Page::SmtpServer), options_for(Page::SmsGateway)];
    // Rendering spawns tasks on Leptos' executor; a second call finds it set, which is fine.
    let _ = any_spawner::Executor::init_tokio();
    let context = move || provide_context(services.clone());
    // The settings are rendered into the first HTML (no streaming placeholders), so the form
    // is there even before, or without, the WASM.
    let page = {
        let (context, options) = (context.clone(), options.clone());
        move |request: Request| {
            let page = Page::at(request.uri().path());
            let options = match page {
                Page::SmtpServer => options[0].clone(),
                Page::SmsGateway => options[1].clone(),
            };
            let context = context.clone();
            async move {
                let render = leptos_axum::render_app_async_with_context(context, move || {
                    shell(options.clone())
                });
                render(request).await
            }
        }
    };
    let server_functions = {
        let context = context.clone();
        move |request: Request| {
            leptos_axum::handle_server_fns_with_context(context.clone(), request)
        }
    };

    let bundle = ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    // The bundle's names do not change between builds, so browsers must revalidate it.
    let bundle = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        // The same URL answers brotli, gzip or identity: caches must key on the encoding.
        .layer(SetResponseHeaderLayer::overriding(
            header::VARY,
            HeaderValue::from_static("accept-encoding"),
        ))
        .service(bundle);
    let favicon = ServeFile::new(site_root.join("favicon.svg"));

    let administration = Router::new()
        .route(
            "/login",
            get(auth::handlers::sign_in_page).post(auth::handlers::sign_in),
        )
        .route("/logout", post(auth::handlers::sign_out))
        .route(
            "/setup",
            get(auth::handlers::setup_page).post(auth::handlers::create_first_administrator),
        )
        .route(
            "/admin/administrators",
            get(auth::handlers::administrators_page).post(auth::handlers::add_administrator),
        )
        .route("/admin/password", post(auth::handlers::change_password))
        .route("/admin/audit", get(auth::handlers::audit_page))
        .with_state(auth.clone());

    Router::new()
        .merge(administration)
        .route("/", get(page.clone()))
        .route("/messaging/smtp", get(page.clone()))
        .route("/messaging/sms", get(page))
        .route("/api/{*function}", any(server_functions))
        .nest_service("/pkg", bundle)
        .route_service("/favicon.svg", favicon)
        .fallback(not_found)
        // Inside the guards below: a cross-site or wrongly addressed request is refused before
        // its cookie is even looked at.
        .layer(axum::middleware::from_fn_with_state(
            auth,
            auth::require_session,
        ))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            guard::MAX_BODY_BYTES,
        ))
        .layer(axum::middleware::from_fn_with_state(
            allowed_hosts,
            guard::check_request,
        ))
        // Outside the guards, so their refusals carry these headers too.
        // Pages and API answers carry settings: never cache them.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            // The console's own addresses never leave it; within it, forms post a real Origin.
            HeaderValue::from_static("same-origin"),
        ))
        // One INFO line per request: method, path (never the query: the setup link's token
        // is in it), status and latency. Bodies and headers (the session cookie) are not
        // logged.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO))
                // Failures are logged once, where they are classified (a refused test email is
                // a 502 but not a console fault).
                .on_failure(()),
        )
}

async fn not_found() -> (StatusCode, Html<&'static str>) {
    let page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
        <title>Not found</title><link rel=\"stylesheet\" href=\"/pkg/console.css\"></head>\
        <body><main class=\"page\"><h1>Page not found</h1>\
        <p><a href=\"/messaging/smtp\">Go to Messaging Setup</a></p></main></body></html>";
    (StatusCode::NOT_FOUND, Html(page))
}

/// Binds the configured address; kept apart so the caller can print the URL before serving.
pub async fn bind(config: &Config) -> Result<TcpListener, StartupError> {
    TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartupError::Bind {
            address: config.listen,
            source,
        })
}

/// Serves `router` on `listener` until `shutdown` completes, then finishes open requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartupError> {
    // The peer's address feeds the per-address sign-in throttle and the audit log.
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(StartupError::Serve)
}
