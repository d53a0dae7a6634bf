//! The outbound HTTP/1.1 client for SMS gateways (Kannel's sendsms, generic HTTP APIs,
//! Twilio-compatible APIs). Every gateway request goes through [`HttpClient::send`].
//!
//! It is built on hyper's client connection and does no more than a gateway call needs: one
//! request per connection (`Connection: close`), no redirects followed (a 3xx is a reply, with
//! its `Location`), no proxy, no cookies. Each stage (DNS, TCP connect, TLS, sending the
//! request, the response head, the response body) is bounded by the request's timeout; the
//! response head is bounded to [`MAX_HEAD_BYTES`] and the body to [`MAX_BODY_BYTES`], so a
//! misbehaving server can neither hang the console nor fill its memory. Certificates are
//! always verified (public roots plus the optional extra CA). Failures are classified for the
//! admin in [`failure`]; the path, query, header values and body are never logged.

// A failure carries the whole report shown to the admin. It happens at most once per request,
// so it is returned by value rather than boxed.
#![allow(clippy::result_large_err)]

mod exchange;
mod failure;
mod outcome;
mod request;
mod watch;

pub use outcome::{HttpFailure, HttpReply, HttpStage};
pub use request::{HttpMethod, HttpRequest, RequestError};

use crate::net;
use crate::policy::OutboundPolicy;
use crate::smtp::tls::{self, CaError};
use failure::Attempt;
use hyper::header::HeaderValue;
use hyper_util::rt::TokioIo;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::net::TcpStream;
use watch::WatchedStream;

/// Most bytes of a response body that are read; the rest is left unread.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Most bytes of a response's status line and headers; more is a protocol failure.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;

/// The longest stage timeout honoured; a longer one is cut to this.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// The protocol offered in TLS (ALPN).
const ALPN_HTTP_1_1: &[u8] = b"http/1.1";

/// Sends HTTP requests. Holds no connection between requests; cheap to clone.
#[derive(Clone, Debug)]
pub struct HttpClient {
    user_agent: HeaderValue,
    /// The TLS settings trusting only the public roots, built on first use.
    public_tls: Arc<OnceLock<Arc<rustls::ClientConfig>>>,
    /// Where requests may go.
    policy: Arc<OutboundPolicy>,
}

impl HttpClient {
    /// A client that sends `user_agent` in `User-Agent` (characters that cannot go into a
    /// header are left out).
    pub fn new(user_agent: &str) -> HttpClient {
        let printable: String = user_agent
            .chars()
            .filter(|c| *c == ' ' || c.is_ascii_graphic())
            .collect();
        let user_agent = HeaderValue::from_str(printable.trim())
            .unwrap_or_else(|_| HeaderValue::from_static("messaging"));
        HttpClient {
            user_agent,
            public_tls: Arc::new(OnceLock::new()),
            policy: Arc::new(OutboundPolicy::default()),
        }
    }

    /// The same client, connecting only where `policy` allows.
    pub fn with_policy(self, policy: Arc<OutboundPolicy>) -> HttpClient {
        HttpClient { policy, ..self }
    }

    /// Sends one request and returns the server's reply, whatever its status, or what went
    /// wrong and where. Logs one DEBUG line: method, host, port, status or failure, time.
    pub async fn send(&self, request: &HttpRequest) -> Result<HttpReply, HttpFailure> {
        let mut attempt = Attempt::new(request);
        let outcome = self.run(request, &mut attempt).await;
        match &outcome {
            Ok(reply) => tracing::debug!(
                method = request.method.as_str(),
                host = %request.host,
                port = request.port,
                status = reply.status,
                elapsed_ms = reply.elapsed_ms,
                "HTTP request answered"
            ),
            Err(failure) => tracing::debug!(
                method = request.method.as_str(),
                host = %request.host,
                port = request.port,
                failure = failure.kind.id(),
                stage = ?failure.stage,
                elapsed_ms = failure.elapsed_ms,
                "HTTP request failed"
            ),
        }
        outcome
    }

    async fn run(
        &self,
        request: &HttpRequest,
        attempt: &mut Attempt<'_>,
    ) -> Result<HttpReply, HttpFailure> {
        let message = request
            .to_hyper(&self.user_agent)
            .map_err(|error| attempt.invalid_request(&error))?;
        let addresses = net::resolve(&request.host, request.port, attempt.timeout(), &self.policy)
            .await
            .map_err(|error| attempt.resolve_failure(error))?;
        let (tcp, address) = match net::connect(&addresses, attempt.timeout()).await {
            Ok(connected) => connected,
            Err(error) => return Err(attempt.connect_failure(error)),
        };
        attempt.connected_to(address);

        let (stream, watch) = WatchedStream::new(tcp);
        if request.https {
            let tls = self.handshake(request, stream, attempt).await?;
            exchange::exchange(TokioIo::new(tls), message, address, &watch, attempt).await
        } else {
            exchange::exchange(TokioIo::new(stream), message, address, &watch, attempt).await
        }
    }

    async fn handshake(
        &self,
        request: &HttpRequest,
        stream: WatchedStream<TcpStream>,
        attempt: &Attempt<'_>,
    ) -> Result<tokio_rustls::client::TlsStream<WatchedStream<TcpStream>>, HttpFailure> {
        let extra_ca = (request.ca_certificate.as_deref()).filter(|pem| !pem.trim().is_empty());
        let config = self
            .tls_config(extra_ca)
            .map_err(|error| attempt.ca_failure(&error))?;
        // An IP address gives no SNI and is checked against the certificate's IP addresses.
        let server_name = rustls::pki_types::ServerName::try_from(request.host.host())
            .map_err(|_| attempt.invalid_tls_name())?;
        let connector = tokio_rustls::TlsConnector::from(config);
        let handshake = connector.connect(server_name, stream);
        match tokio::time::timeout(attempt.timeout(), handshake).await {
            Err(_) => Err(attempt.timed_out(HttpStage::Tls)),
            Ok(Err(error)) => Err(attempt.tls_failure(&error)),
            Ok(Ok(tls)) => Ok(tls),
        }
    }

    /// TLS settings trusting the public roots and `extra_ca`, offering HTTP/1.1 only.
    fn tls_config(&self, extra_ca: Option<&str>) -> Result<Arc<rustls::ClientConfig>, CaError> {
        if extra_ca.is_none()
            && let Some(config) = self.public_tls.get()
        {
            return Ok(Arc::clone(config));
        }
        let mut config = rustls::ClientConfig::clone(&*tls::client_config(extra_ca)?);
        config.alpn_protocols = vec![ALPN_HTTP_1_1.to_vec()];
        let config = Arc::new(config);
        if extra_ca.is_none() {
            let _ = self.public_tls.set(Arc::clone(&config));
        }
        Ok(config)
    }
}
