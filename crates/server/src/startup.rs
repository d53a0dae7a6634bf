//! Builds the console from its configuration and serves it until shut down.

use crate::config::Config;
use crate::guard::{self, AllowedHosts};
use app::{App, OUTPUT_NAME, shell};
use axum::Router;
use axum::http::{HeaderValue, header};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use messaging::{EmailService, SecretCipher, Services, SettingsStore, SmtpTransport};
use std::future::Future;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
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
    let email = EmailService::new(settings.clone(), SmtpTransport::new(&config.ehlo_name));
    Ok(Services { settings, email })
}

/// The complete router: pages, server functions under `/api`, and the static bundle, behind
/// the host and cross-site guards.
pub fn router(services: Services, config: &Config) -> Router {
    let site_root = config.site_root.as_path();
    let allowed_hosts = AllowedHosts::new(config.allowed_hosts.iter().cloned());
    let options = LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .build();
    let routes = generate_route_list(App);
    let context = move || provide_context(services.clone());

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

    Router::new()
        .leptos_routes_with_context(&options, routes, context, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .nest_service("/pkg", bundle)
        .route_service("/favicon.svg", favicon)
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(CompressionLayer::new().br(true).gzip(true))
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
            HeaderValue::from_static("no-referrer"),
        ))
        // One INFO line per request: method, path, status and latency. Bodies and headers
        // (where a future session cookie would sit) are not logged.
        .layer(axum::middleware::from_fn_with_state(
            allowed_hosts,
            guard::check_request,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO))
                // Failures are logged once, where they are classified (a refused test email is
                // a 502 but not a console fault).
                .on_failure(()),
        )
        .with_state(options)
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
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(StartupError::Serve)
}
