//! Turns everything that can go wrong during a send into a [`DeliveryFailure`] an admin can act
//! on. This is the one place where network, TLS and SMTP errors are classified.

use super::SmtpConfig;
use super::progress::StreamWatch;
use super::tls::describe_certificate_error;
use crate::policy::{POLICY_HINT, PolicyRefusal};
use lettre::transport::smtp::response::Response;
use model::{ConnectionSecurity, DeliveryFailure, FailureKind, SettingsUsed, SmtpStage};
use std::error::Error as StdError;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// One send in progress: what it uses, when it started, where it got to.
pub(super) struct Attempt<'a> {
    config: &'a SmtpConfig,
    started: Instant,
    address: Option<SocketAddr>,
    watch: Option<StreamWatch>,
}

impl<'a> Attempt<'a> {
    pub(super) fn new(config: &'a SmtpConfig) -> Self {
        Attempt {
            config,
            started: Instant::now(),
            address: None,
            watch: None,
        }
    }

    /// Follows the connection, so a failure can tell whether the server hung up.
    pub(super) fn watch(&mut self, watch: StreamWatch) {
        self.watch = Some(watch);
    }

    /// Runs one step of the session. The step may go `timeout` without progress: the clock
    /// restarts whenever the console sends something, so each command inside one library call
    /// (EHLO after the greeting, the EHLO after STARTTLS, each AUTH round trip, the message
    /// before its final reply) has the whole timeout to be answered. `None` when it ran out.
    pub(super) async fn within<T>(&self, step: impl std::future::Future<Output = T>) -> Option<T> {
        let limit = self.timeout();
        let started = Instant::now();
        tokio::pin!(step);
        loop {
            let last_write = self.watch.as_ref().and_then(StreamWatch::last_write);
            let since = last_write.filter(|at| *at > started).unwrap_or(started);
            let deadline = tokio::time::Instant::from_std(since + limit);
            tokio::select! {
                biased;
                value = &mut step => return Some(value),
                _ = tokio::time::sleep_until(deadline) => {
                    let moved = self.watch.as_ref().and_then(StreamWatch::last_write);
                    if moved == last_write {
                        return None;
                    }
                }
            }
        }
    }

    fn flooded(&self) -> bool {
        self.watch.as_ref().is_some_and(StreamWatch::flooded)
    }

    fn closed_by_peer(&self) -> bool {
        self.watch.as_ref().is_some_and(StreamWatch::closed_by_peer)
    }

    pub(super) fn connected_to(&mut self, address: SocketAddr) {
        self.address = Some(address);
    }

    pub(super) fn timeout(&self) -> Duration {
        self.config.stage_timeout
    }

    pub(super) fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    pub(super) fn used(&self) -> SettingsUsed {
        self.config.used(self.address)
    }

    pub(super) fn fail(
        &self,
        kind: FailureKind,
        stage: SmtpStage,
        summary: impl Into<String>,
    ) -> DeliveryFailure {
        DeliveryFailure {
            kind,
            stage,
            summary: summary.into(),
            server_reply: None,
            hint: self.mismatch_hint(),
            elapsed_ms: self.elapsed_ms(),
            used: self.used(),
        }
    }

    pub(super) fn timed_out(&self, stage: SmtpStage) -> DeliveryFailure {
        let secs = self.config.stage_timeout.as_secs();
        let mut failure = self.fail(
            FailureKind::Timeout,
            stage,
            format!("Timed out {} after {secs} s", stage.during()),
        );
        if failure.hint.is_none() {
            failure.hint = match (stage, self.config.security) {
                (SmtpStage::Connect, _) => Some(
                    "Nothing answered: check the server name, the port, and firewalls between \
                     the console and the server"
                        .to_owned(),
                ),
                (SmtpStage::Greeting, ConnectionSecurity::None | ConnectionSecurity::StartTls) => {
                    Some(
                        "The server accepted the connection but said nothing: if this port \
                         expects TLS from the first byte, choose SSL"
                            .to_owned(),
                    )
                }
                _ => None,
            };
        }
        failure
    }

    pub(super) fn refused_by_policy(&self, refusal: &PolicyRefusal) -> DeliveryFailure {
        self.fail(
            FailureKind::BlockedByPolicy,
            SmtpStage::Resolve,
            format!(
                "The console's outbound policy does not allow connecting to {}: {refusal}.",
                self.config.server
            ),
        )
        .with_hint(POLICY_HINT)
    }

    pub(super) fn host_not_found(&self) -> DeliveryFailure {
        let host = self.config.server.host();
        self.fail(
            FailureKind::HostNotFound,
            SmtpStage::Resolve,
            format!("Host not found: DNS has no address for {host}"),
        )
        .with_hint("Check the spelling of the server name and this machine's DNS settings")
    }

    /// A likely port/security mismatch, worth mentioning whatever failed.
    fn mismatch_hint(&self) -> Option<String> {
        let port = self.config.port;
        match (port, self.config.security) {
            (465, ConnectionSecurity::None | ConnectionSecurity::StartTls) => {
                Some("Port 465 usually expects SSL (TLS from the first byte): try SSL".to_owned())
            }
            (25 | 587, ConnectionSecurity::Ssl) => Some(format!(
                "Port {port} usually starts in plain text: try Start TLS, or SSL on port 465"
            )),
            _ => None,
        }
    }
}

pub(super) fn connect_failure(
    attempt: &Attempt<'_>,
    address: SocketAddr,
    error: &std::io::Error,
) -> DeliveryFailure {
    use std::io::ErrorKind;
    let stage = SmtpStage::Connect;
    let target = format!("{} port {}", address.ip(), address.port());
    match error.kind() {
        ErrorKind::ConnectionRefused => attempt
            .fail(
                FailureKind::ConnectionRefused,
                stage,
                format!("Connection refused by {target}: nothing accepts connections there"),
            )
            .with_default_hint("Check the port, and that the mail server is running"),
        ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable => attempt.fail(
            FailureKind::Unreachable,
            stage,
            format!("No route to {target}: the network is unreachable from the console"),
        ),
        other => attempt.fail(
            FailureKind::Unreachable,
            stage,
            format!("Cannot connect to {target} ({other})"),
        ),
    }
}

/// Classifies an error from lettre at `stage`.
pub(super) fn lettre_failure(
    attempt: &Attempt<'_>,
    stage: SmtpStage,
    error: &lettre::transport::smtp::Error,
) -> DeliveryFailure {
    if let Some(code) = error.status() {
        let text = error.source().map(|s| s.to_string()).unwrap_or_default();
        let reply = format!("{code} {text}").trim().to_owned();
        return rejected(attempt, stage, reply, error.is_transient());
    }
    if find_rustls_error(error).is_some() {
        return tls_failure(attempt, stage, error);
    }
    if error.is_timeout() {
        return attempt.timed_out(stage);
    }
    if attempt.flooded() {
        return attempt.fail(
            FailureKind::Protocol,
            stage,
            format!(
                "The server sent more than {} KiB {}: this is not how an SMTP server answers",
                super::progress::MAX_RECEIVED_BYTES / 1024,
                stage.during()
            ),
        );
    }
    if attempt.closed_by_peer() || connection_broken(error) {
        return attempt.fail(
            FailureKind::ConnectionClosed,
            stage,
            format!("The server closed the connection {}", stage.during()),
        );
    }
    attempt.fail(
        FailureKind::Protocol,
        stage,
        format!("The server's answer {} is not valid SMTP", stage.during()),
    )
}

fn rejected(
    attempt: &Attempt<'_>,
    stage: SmtpStage,
    reply: String,
    transient: bool,
) -> DeliveryFailure {
    let how = if transient {
        "temporarily refused"
    } else {
        "refused"
    };
    let (kind, summary, hint) = match stage {
        SmtpStage::Auth => (
            FailureKind::AuthRejected,
            format!("Authentication {how}: the server did not accept the user name and password"),
            Some("Check the user name and enter the password again"),
        ),
        SmtpStage::MailFrom => (
            FailureKind::SenderRejected,
            format!("The server {how} the sender (Default From address)"),
            Some("Use a From address this server may send for"),
        ),
        SmtpStage::RcptTo => (
            FailureKind::RecipientRejected,
            format!("The server {how} the recipient"),
            Some("Check the address, or whether this server relays to that domain"),
        ),
        SmtpStage::Data | SmtpStage::FinalReply => (
            FailureKind::MessageRejected,
            format!("The server {how} the message"),
            None,
        ),
        SmtpStage::StartTls => (
            FailureKind::TlsHandshake,
            format!("The server {how} STARTTLS"),
            None,
        ),
        _ => (
            FailureKind::SessionRefused,
            format!("The server {how} the session {}", stage.during()),
            Some("The server is not accepting mail from the console now: see its reply"),
        ),
    };
    let mut failure = attempt.fail(kind, stage, summary);
    failure.server_reply = Some(reply);
    match hint {
        Some(hint) => failure.with_default_hint(hint),
        None => failure,
    }
}

/// Classifies a failed TLS handshake (SSL, or after STARTTLS).
pub(super) fn tls_failure(
    attempt: &Attempt<'_>,
    stage: SmtpStage,
    error: &(dyn StdError + 'static),
) -> DeliveryFailure {
    let Some(tls_error) = find_rustls_error(error) else {
        return attempt
            .fail(
                FailureKind::TlsHandshake,
                stage,
                format!(
                    "TLS handshake failed: the server closed the connection {}",
                    stage.during()
                ),
            )
            .with_default_hint("The server may not speak TLS on this port");
    };
    match tls_error {
        rustls::Error::InvalidCertificate(problem) => attempt.fail(
            FailureKind::Certificate,
            stage,
            format!(
                "TLS handshake failed: {}",
                describe_certificate_error(problem)
            ),
        ),
        rustls::Error::AlertReceived(alert) => attempt.fail(
            FailureKind::TlsHandshake,
            stage,
            format!("TLS handshake failed: the server sent the alert {alert:?}"),
        ),
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            let failure = attempt.fail(
                FailureKind::TlsHandshake,
                stage,
                "TLS handshake failed: the server did not answer with TLS",
            );
            if stage == SmtpStage::StartTls {
                failure.with_default_hint(
                    "After agreeing to STARTTLS the server (or something between it and the \
                     console) sent plain text instead of TLS",
                )
            } else {
                failure.with_default_hint(
                    "The server speaks plain SMTP on this port: choose Start TLS or None, or use \
                     the server's SSL port (usually 465)",
                )
            }
        }
        other => attempt.fail(
            FailureKind::TlsHandshake,
            stage,
            format!("TLS handshake failed: {other}"),
        ),
    }
}

/// Finds a rustls error anywhere in a cause chain. `io::Error` hides its payload from
/// `source()`, so each one is opened with `get_ref()` as well.
fn find_rustls_error<'e>(error: &'e (dyn StdError + 'static)) -> Option<&'e rustls::Error> {
    let mut current = Some(error);
    while let Some(err) = current {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(inner) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            && let Some(found) = find_rustls_error(inner)
        {
            return Some(found);
        }
        current = err.source();
    }
    None
}

/// An I/O error that means the connection is gone (reset, aborted, broken pipe).
fn connection_broken(error: &lettre::transport::smtp::Error) -> bool {
    use std::io::ErrorKind;
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(err) = current {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                ErrorKind::UnexpectedEof
                    | ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::BrokenPipe
            );
        }
        current = err.source();
    }
    false
}

/// `250 2.0.0 Ok: queued as 4F2A1`, every line of a multi-line reply joined by spaces.
pub(super) fn format_reply(response: &Response) -> String {
    let text: Vec<&str> = response.message().collect();
    format!("{} {}", response.code(), text.join(" "))
        .trim()
        .to_owned()
}
