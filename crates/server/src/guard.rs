//! Guards in front of every route.
//!
//! - **Host**: a page on another site can point a DNS name of its own at this console's
//!   address (DNS rebinding) and then read it as if same-origin. Only requests naming the
//!   console by an IP address, `localhost`, or a name listed in `CONSOLE_ALLOWED_HOSTS` are
//!   served.
//! - **Cross-site requests**: server functions have no CSRF protection of their own, and a
//!   form or `fetch` from any web page the admin visits could otherwise save settings, reset
//!   them or send mail through the saved relay. State-changing requests that a browser marks
//!   as coming from another site (`Sec-Fetch-Site`) or from another origin (`Origin`) are
//!   refused. Requests without either header come from non-browser clients (curl, scripts),
//!   which a web page cannot make on the admin's behalf.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::IpAddr;
use std::sync::Arc;

/// Host names the console answers to besides IP addresses and `localhost`.
#[derive(Clone, Debug, Default)]
pub struct AllowedHosts(Arc<Vec<String>>);

impl AllowedHosts {
    /// The extra names, compared without case and without a trailing dot.
    pub fn new(names: impl IntoIterator<Item = String>) -> AllowedHosts {
        let names = names
            .into_iter()
            .map(|name| name.trim().trim_end_matches('.').to_ascii_lowercase())
            .filter(|name| !name.is_empty())
            .collect();
        AllowedHosts(Arc::new(names))
    }

    fn allows(&self, host: &str) -> bool {
        let name = host.trim_end_matches('.').to_ascii_lowercase();
        name == "localhost"
            || name.trim_matches(['[', ']']).parse::<IpAddr>().is_ok()
            || self.0.contains(&name)
    }
}

/// Largest request body accepted, in bytes: the largest form (a CA certificate of 64 KiB,
/// escaped in JSON) fits with room to spare.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Refuses requests for unknown host names, cross-site state changes, and bodies announced
/// larger than [`MAX_BODY_BYTES`] (a body that grows past it while streaming is cut by the
/// limit layer in `startup`).
pub async fn check_request(
    State(allowed): State<AllowedHosts>,
    request: Request,
    next: Next,
) -> Response {
    let Some(authority) = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
    else {
        return refuse(StatusCode::BAD_REQUEST, "The request names no host.");
    };
    let host = host_without_port(authority);
    if !allowed.allows(host) {
        tracing::warn!(host, "request for an unknown host name refused");
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "This console does not answer to that host name. Use its address, or add the name \
             to CONSOLE_ALLOWED_HOSTS.",
        );
    }
    if changes_state(request.method()) && is_cross_site(&request, authority) {
        tracing::warn!(path = request.uri().path(), "cross-site request refused");
        return refuse(StatusCode::FORBIDDEN, "Cross-site request refused.");
    }
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request is larger than the 256 KiB the console accepts.",
        );
    }
    next.run(request).await
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_cross_site(request: &Request, authority: &str) -> bool {
    let headers = request.headers();
    // Browsers that send Fetch Metadata are believed on it alone: under a `no-referrer`
    // policy a same-origin form post carries `Origin: null`, which says nothing.
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    match headers.get(header::ORIGIN).map(|v| v.to_str()) {
        None => false,
        Some(Ok(origin)) => {
            let without_scheme = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"));
            without_scheme != Some(authority)
        }
        Some(Err(_)) => true,
    }
}

/// The host of a `Host` header; anything after it but a port (`:3000`) makes the whole
/// header the host, which no allowed name matches.
fn host_without_port(authority: &str) -> &str {
    let port_only = |rest: &str| rest.is_empty() || rest.bytes().all(|b| b.is_ascii_digit());
    if let Some(bracketed) = authority.strip_prefix('[') {
        return match bracketed.split_once(']') {
            Some((host, rest))
                if rest.is_empty() || rest.strip_prefix(':').is_some_and(port_only) =>
            {
                host
            }
            _ => authority,
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port_only(port) && !host.contains(':') => host,
        Some(_) => authority,
        None => authority,
    }
}

fn refuse(status: StatusCode, message: &'static str) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], message).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_addresses_and_localhost_are_always_allowed() {
        let allowed = AllowedHosts::default();
        for host in [
            "127.0.0.1",
            "localhost",
            "LOCALHOST.",
            "::1",
            "[::1]",
            "192.0.2.7",
        ] {
            assert!(allowed.allows(host), "{host}");
        }
    }

    #[test]
    fn other_names_need_to_be_listed() {
        let allowed = AllowedHosts::new(["Console.Example.NET".to_owned()]);
        assert!(allowed.allows("console.example.net"));
        assert!(!allowed.allows("rebind.attacker.example"));
    }

    #[test]
    fn junk_after_the_host_is_not_a_port() {
        let allowed = AllowedHosts::default();
        for header in ["127.0.0.1:3900@evil.example", "[::1]x", "127.0.0.1:80:80"] {
            assert!(!allowed.allows(host_without_port(header)), "{header}");
        }
    }

    #[test]
    fn the_port_is_not_part_of_the_host() {
        assert_eq!(host_without_port("127.0.0.1:3000"), "127.0.0.1");
        assert_eq!(host_without_port("[::1]:3000"), "::1");
        assert_eq!(
            host_without_port("console.example.net"),
            "console.example.net"
        );
    }
}
