//! Who may use the console: the session check in front of every page and server function,
//! the session cookie, and the one-time setup link that creates the first administrator.
//!
//! Only `/login`, `/setup`, the static bundle and the icon are served without a session.
//! A page requested without one redirects to the sign-in page (and back after it); a server
//! function answers 401 with [`app::ConsoleError::SignedOut`], which the page shows as is.

pub mod handlers;
mod html;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use messaging::admin::limits::SignInThrottle;
use messaging::admin::{SessionToken, random_token, token_digest};
use messaging::{AdminStore, SessionLifetime, SignedIn, StoreError};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "console_session";

/// When the session cookie gets the `Secure` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SecureCookie {
    /// When the request came over HTTPS as a TLS-terminating proxy reports it
    /// (`X-Forwarded-Proto: https`): the console itself serves plain HTTP.
    #[default]
    WhenProxiedOverHttps,
    /// Always (the console is only ever reached over HTTPS).
    Always,
}

/// What the session check and the sign-in pages share; cheap to clone.
#[derive(Clone)]
pub struct Auth {
    pub(crate) store: AdminStore,
    pub(crate) lifetime: SessionLifetime,
    pub(crate) secure_cookie: SecureCookie,
    pub(crate) throttle: Arc<SignInThrottle>,
    /// SHA-256 of the one-time setup token, while no administrator exists.
    setup_token: Arc<Mutex<Option<Vec<u8>>>>,
}

impl Auth {
    /// Sessions last `lifetime`; the cookie is marked Secure as `secure_cookie` says.
    pub fn new(store: AdminStore, lifetime: SessionLifetime, secure_cookie: SecureCookie) -> Auth {
        Auth {
            store,
            lifetime,
            secure_cookie,
            throttle: Arc::default(),
            setup_token: Arc::default(),
        }
    }

    /// When no administrator exists: a new one-time token for the setup link (valid until
    /// it is used or the console restarts). `None` once an administrator exists.
    pub async fn open_setup(&self) -> Result<Option<String>, StoreError> {
        if self.store.count().await? > 0 {
            return Ok(None);
        }
        let token = random_token();
        *lock(&self.setup_token) = Some(token_digest(&token));
        Ok(Some(token))
    }

    /// Whether `token` is the live setup token.
    pub(crate) fn setup_token_matches(&self, token: &str) -> bool {
        lock(&self.setup_token)
            .as_deref()
            .is_some_and(|digest| digest == token_digest(token).as_slice())
    }

    /// Spends the setup token: the link works once.
    pub(crate) fn close_setup(&self) {
        *lock(&self.setup_token) = None;
    }

    /// The live session a request's cookie names, if any.
    pub(crate) async fn session_of(
        &self,
        headers: &HeaderMap,
        client: Option<IpAddr>,
    ) -> Result<Option<SignedIn>, StoreError> {
        let Some(token) = session_cookie(headers) else {
            return Ok(None);
        };
        let session = self
            .store
            .use_session(&token_digest(&token), self.lifetime, now())
            .await?;
        Ok(session.map(|session| SignedIn {
            id: session.administrator_id,
            name: session.name,
            client,
        }))
    }

    /// `Set-Cookie` for a new session.
    pub(crate) fn session_cookie_header(
        &self,
        token: &SessionToken,
        headers: &HeaderMap,
    ) -> HeaderValue {
        let secure = match self.secure_cookie {
            SecureCookie::Always => true,
            SecureCookie::WhenProxiedOverHttps => headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|proto| proto.eq_ignore_ascii_case("https")),
        };
        let cookie = format!(
            "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
            token.expose(),
            self.lifetime.absolute_secs,
            if secure { "; Secure" } else { "" }
        );
        // The token is base64url: always a valid header value.
        HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

/// `Set-Cookie` that removes the session cookie.
pub(crate) fn cleared_cookie() -> HeaderValue {
    HeaderValue::from_static("console_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(crate) use messaging::admin::unix_now as now;

/// The session id the request's `Cookie` headers carry, if any.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

/// The address of the peer that sent the request (a proxy's, behind one).
pub(crate) fn client_address(request: &Request) -> Option<IpAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())
}

/// Paths served without a session.
fn is_public(path: &str) -> bool {
    matches!(path, "/login" | "/setup" | "/favicon.svg") || path.starts_with("/pkg/")
}

/// The session check: puts [`SignedIn`] in the request, or refuses it.
pub async fn require_session(
    State(auth): State<Auth>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if is_public(&path) {
        return next.run(request).await;
    }
    let client = client_address(&request);
    match auth.session_of(request.headers(), client).await {
        Ok(Some(signed_in)) => {
            request.extensions_mut().insert(signed_in);
            next.run(request).await
        }
        Ok(None) => signed_out(&request),
        Err(error) => {
            tracing::error!(error = %error_chain(&error), "session lookup failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The console's database is not available.",
            )
                .into_response()
        }
    }
}

/// The answer to a request without a live session.
fn signed_out(request: &Request) -> Response {
    let had_cookie = session_cookie(request.headers()).is_some();
    let mut response = if request.uri().path().starts_with("/api/") {
        let body = serde_json::to_string(&app::ConsoleError::SignedOut).unwrap_or_default();
        (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    } else if matches!(*request.method(), Method::GET | Method::HEAD) {
        let next = request
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let target = format!("/login?next={}", encode_query_value(&next));
        Redirect::to(&target).into_response()
    } else {
        (StatusCode::UNAUTHORIZED, "Sign in first.").into_response()
    };
    if had_cookie {
        response
            .headers_mut()
            .insert(header::SET_COOKIE, cleared_cookie());
    }
    response
}

/// Percent-encodes everything but unreserved characters and `/`.
pub(crate) fn encode_query_value(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                encoded.push(byte as char)
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

/// Where to go after signing in: only a path on this console (never `//host` or a URL).
pub(crate) fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.starts_with("/login")
                && !path.starts_with("/setup")
                && !path.chars().any(char::is_control) =>
        {
            path
        }
        _ => "/messaging/smtp",
    }
}

/// An error and its causes on one line, for the log.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; console_session=abc"),
        );
        assert_eq!(session_cookie(&headers).as_deref(), Some("abc"));
        let mut empty = HeaderMap::new();
        empty.append(header::COOKIE, HeaderValue::from_static("console_session="));
        assert_eq!(session_cookie(&empty), None);
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/messaging/sms")), "/messaging/sms");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/login?next=/x",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/messaging/smtp", "{bad}");
        }
        assert_eq!(safe_next(None), "/messaging/smtp");
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query_value("/a b?c=d&e"), "/a%20b%3Fc%3Dd%26e");
    }
}
