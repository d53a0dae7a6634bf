//! Turns everything that can go wrong during a request into an [`HttpFailure`] an admin can act
//! on. This is the one place where DNS, network, TLS and HTTP errors are classified. No
//! sentence here quotes the path, the query, a header value or the body.

use super::outcome::{HttpFailure, HttpStage};
use super::request::{HttpRequest, RequestError};
use super::watch::ConnectionWatch;
use super::{MAX_HEAD_BYTES, MAX_TIMEOUT};
use crate::net::{ConnectError, ResolveError};
use crate::policy::POLICY_HINT;
use crate::smtp::tls::{CaError, describe_certificate_error};
use model::FailureKind;
use std::error::Error as StdError;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// One request in progress: what it asks for, when it started, where it got to.
pub(super) struct Attempt<'a> {
    request: &'a HttpRequest,
    started: Instant,
    address: Option<SocketAddr>,
}

impl<'a> Attempt<'a> {
    pub(super) fn new(request: &'a HttpRequest) -> Self {
        Attempt {
            request,
            started: Instant::now(),
            address: None,
        }
    }

    pub(super) fn connected_to(&mut self, address: SocketAddr) {
        self.address = Some(address);
    }

    /// The longest any stage may take.
    pub(super) fn timeout(&self) -> Duration {
        self.request.timeout.min(MAX_TIMEOUT)
    }

    pub(super) fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// `host:port` as the admin typed them (IPv6 in brackets).
    fn target(&self) -> String {
        format!("{}:{}", self.request.host, self.request.port)
    }

    fn fail(&self, kind: FailureKind, stage: HttpStage, summary: String) -> HttpFailure {
        HttpFailure {
            kind,
            stage,
            summary,
            hint: self.mismatch_hint(),
            address: self.address,
            elapsed_ms: self.elapsed_ms(),
        }
    }

    /// A request that cannot be sent as it is; nothing was sent.
    pub(super) fn invalid_request(&self, error: &RequestError) -> HttpFailure {
        let target = self.target();
        self.fail(
            FailureKind::Protocol,
            HttpStage::SendRequest,
            format!("The request to {target} was not sent: {error}."),
        )
    }

    pub(super) fn timed_out(&self, stage: HttpStage) -> HttpFailure {
        let target = self.target();
        let after = seconds(self.timeout());
        let (summary, hint) = match stage {
            HttpStage::Resolve => (
                format!(
                    "Timed out after {after} looking up {} in DNS.",
                    self.request.host
                ),
                Some("Check this machine's DNS settings"),
            ),
            HttpStage::Connect => (
                format!("Could not connect to {target}: timed out after {after}."),
                Some(
                    "Nothing answered: check the host name, the port, and firewalls between the \
                     console and the gateway",
                ),
            ),
            HttpStage::Tls => (
                format!("Timed out after {after} during the TLS handshake with {target}."),
                Some(
                    "The server accepted the connection but did not complete the TLS handshake: \
                     if it speaks plain HTTP on this port, use http://",
                ),
            ),
            HttpStage::SendRequest => (
                format!("Timed out after {after} sending the request to {target}."),
                None,
            ),
            HttpStage::ResponseHead => (
                format!("Timed out after {after} waiting for {target} to answer the request."),
                Some("The gateway accepted the request but did not answer in time"),
            ),
            HttpStage::ResponseBody => (
                format!("Timed out after {after} reading the response body from {target}."),
                None,
            ),
        };
        let failure = self.fail(FailureKind::Timeout, stage, summary);
        match hint {
            Some(hint) => failure.with_default_hint(hint),
            None => failure,
        }
    }

    pub(super) fn resolve_failure(&self, error: ResolveError) -> HttpFailure {
        match error {
            ResolveError::TimedOut => self.timed_out(HttpStage::Resolve),
            ResolveError::NotFound => self.host_not_found(),
            ResolveError::Refused(refusal) => self
                .fail(
                    FailureKind::BlockedByPolicy,
                    HttpStage::Resolve,
                    format!(
                        "The console's outbound policy does not allow connecting to {}: \
                         {refusal}.",
                        self.request.host
                    ),
                )
                .with_hint(POLICY_HINT),
        }
    }

    fn host_not_found(&self) -> HttpFailure {
        let host = &self.request.host;
        self.fail(
            FailureKind::HostNotFound,
            HttpStage::Resolve,
            format!("Host not found: DNS has no address for {host}."),
        )
        .with_hint("Check the spelling of the host name and this machine's DNS settings")
    }

    pub(super) fn connect_failure(&mut self, error: ConnectError) -> HttpFailure {
        use std::io::ErrorKind;
        let (address, error) = match error {
            ConnectError::TimedOut => return self.timed_out(HttpStage::Connect),
            ConnectError::NoAddress => return self.host_not_found(),
            ConnectError::Failed { address, error } => (address, error),
        };
        self.address = Some(address);
        let target = self.target();
        let stage = HttpStage::Connect;
        match error.kind() {
            ErrorKind::ConnectionRefused => self
                .fail(
                    FailureKind::ConnectionRefused,
                    stage,
                    format!("Could not connect to {target}: connection refused."),
                )
                .with_default_hint(
                    "Nothing accepts connections on that port: check the port, and that the \
                     gateway is running",
                ),
            ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable => self.fail(
                FailureKind::Unreachable,
                stage,
                format!("Could not connect to {target}: no route to the host."),
            ),
            other => self.fail(
                FailureKind::Unreachable,
                stage,
                format!("Could not connect to {target}: {other}."),
            ),
        }
    }

    /// The pasted CA certificate cannot be used; nothing was sent.
    pub(super) fn ca_failure(&self, error: &CaError) -> HttpFailure {
        self.fail(
            FailureKind::Certificate,
            HttpStage::Tls,
            format!("The trusted CA certificate cannot be used: {error}."),
        )
    }

    /// The host cannot be checked against a certificate.
    pub(super) fn invalid_tls_name(&self) -> HttpFailure {
        let host = &self.request.host;
        self.fail(
            FailureKind::TlsHandshake,
            HttpStage::Tls,
            format!("{host} cannot be used as a TLS server name."),
        )
    }

    /// Classifies a failed TLS handshake.
    pub(super) fn tls_failure(&self, error: &std::io::Error) -> HttpFailure {
        let target = self.target();
        let stage = HttpStage::Tls;
        let Some(tls_error) = find_cause::<rustls::Error>(error) else {
            return self
                .fail(
                    FailureKind::TlsHandshake,
                    stage,
                    format!(
                        "The TLS handshake with {target} failed: the server closed the \
                         connection."
                    ),
                )
                .with_default_hint("The server may not speak TLS on this port: try http://");
        };
        match tls_error {
            rustls::Error::InvalidCertificate(problem) => self.fail(
                FailureKind::Certificate,
                stage,
                format!(
                    "The TLS handshake with {target} failed: {}.",
                    describe_certificate_error(problem)
                ),
            ),
            rustls::Error::AlertReceived(alert) => self.fail(
                FailureKind::TlsHandshake,
                stage,
                format!(
                    "The TLS handshake with {target} failed: the server sent the alert {alert:?}."
                ),
            ),
            rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => self
                .fail(
                    FailureKind::TlsHandshake,
                    stage,
                    format!(
                        "The TLS handshake with {target} failed: the server did not answer with \
                         TLS."
                    ),
                )
                .with_default_hint("The server does not speak TLS on this port: use http://"),
            other => self.fail(
                FailureKind::TlsHandshake,
                stage,
                format!("The TLS handshake with {target} failed: {other}."),
            ),
        }
    }

    /// Classifies an error while sending the request or waiting for the response head.
    pub(super) fn exchange_failure(
        &self,
        stage: HttpStage,
        error: &hyper::Error,
        watch: &ConnectionWatch,
    ) -> HttpFailure {
        let target = self.target();
        let answered_tls = !self.request.https && watch.received_tls();
        // hyper stops parsing a head at MAX_HEAD_BYTES (its "too large" test is server-only).
        let too_large = error.is_parse() && watch.received() >= MAX_HEAD_BYTES as u64;
        let failure = if too_large {
            self.fail(
                FailureKind::Protocol,
                stage,
                format!(
                    "The response headers from {target} are larger than {} KiB; the console \
                     stopped reading them.",
                    MAX_HEAD_BYTES / 1024
                ),
            )
        } else if answered_tls {
            self.fail(
                FailureKind::Protocol,
                stage,
                format!("{target} answered with TLS, not plain HTTP."),
            )
        } else if error.is_parse() {
            self.fail(
                FailureKind::Protocol,
                stage,
                format!("The answer from {target} is not valid HTTP."),
            )
            .with_default_hint("Check the port: something other than a web server answers there")
        } else if let Some(failure) = self.closed(stage, error) {
            failure
        } else {
            self.fail(
                FailureKind::Protocol,
                stage,
                format!(
                    "The request to {target} failed {}: {error}.",
                    stage.during()
                ),
            )
        };
        if answered_tls {
            failure.with_hint("The server expects TLS on this port: use https://")
        } else {
            failure
        }
    }

    /// Classifies an error while reading the response body.
    pub(super) fn body_failure(&self, error: &hyper::Error) -> HttpFailure {
        let stage = HttpStage::ResponseBody;
        if let Some(failure) = self.closed(stage, error) {
            return failure;
        }
        let target = self.target();
        self.fail(
            FailureKind::Protocol,
            stage,
            format!("The response body from {target} is not valid HTTP ({error})."),
        )
    }

    /// A connection the server closed or reset, if that is what `error` says.
    fn closed(&self, stage: HttpStage, error: &hyper::Error) -> Option<HttpFailure> {
        use std::io::ErrorKind;
        let broken = find_cause::<std::io::Error>(error).is_some_and(|io| {
            matches!(
                io.kind(),
                ErrorKind::UnexpectedEof
                    | ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::BrokenPipe
            )
        });
        if !(error.is_incomplete_message() || error.is_canceled() || broken) {
            return None;
        }
        let target = self.target();
        let summary = match stage {
            HttpStage::SendRequest => {
                format!("{target} closed the connection while the request was being sent.")
            }
            HttpStage::ResponseBody => {
                format!("{target} closed the connection before the end of the response body.")
            }
            _ => format!("{target} closed the connection without answering the request."),
        };
        Some(self.fail(FailureKind::ConnectionClosed, stage, summary))
    }

    /// A likely scheme/port mismatch, worth mentioning whatever failed.
    fn mismatch_hint(&self) -> Option<String> {
        match (self.request.https, self.request.port) {
            (false, 443) => Some("Port 443 usually expects TLS: use https://".to_owned()),
            (true, 80) => Some("Port 80 usually speaks plain HTTP: use http://".to_owned()),
            _ => None,
        }
    }
}

/// `10 s`, or `1.5 s` for a timeout that is not a whole number of seconds.
fn seconds(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// Finds an error of type `T` anywhere in a cause chain. `io::Error` hides its payload from
/// `source()`, so each one is opened with `get_ref()` as well.
fn find_cause<'e, T: StdError + 'static>(error: &'e (dyn StdError + 'static)) -> Option<&'e T> {
    let mut current = Some(error);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<T>() {
            return Some(found);
        }
        if let Some(inner) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            && let Some(found) = find_cause::<T>(inner)
        {
            return Some(found);
        }
        current = err.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_and_fractional_timeouts_read_naturally() {
        assert_eq!(seconds(Duration::from_secs(10)), "10 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
    }

    #[test]
    fn a_rustls_error_is_found_inside_an_io_error() {
        let inner = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let error = std::io::Error::new(std::io::ErrorKind::InvalidData, inner);

        let found = find_cause::<rustls::Error>(&error);

        assert!(matches!(found, Some(rustls::Error::InvalidCertificate(_))));
    }
}
