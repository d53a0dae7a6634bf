//! The SMTP send path. Every email the console sends goes through [`SmtpTransport::send`].
//!
//! lettre's async transport applies its timeout to the TCP connect alone (its
//! `AsyncNetworkStream::connect_tokio1` wraps only `TcpStream::connect`); a server that accepts
//! and then stalls would hang it. So this module drives lettre's connection one step at a time: DNS, TCP connect, TLS (for SSL), greeting and EHLO,
//! STARTTLS, AUTH, MAIL FROM, RCPT TO, DATA and the final reply, each bounded by the configured
//! timeout and each failure classified for the admin (see [`failure`]).

// A failure carries the whole report shown to the admin (about 200 bytes). It happens at most
// once per send, so it is returned by value rather than boxed.
#![allow(clippy::result_large_err)]

mod failure;
pub mod progress;
pub mod tls;

use crate::net::{self, ConnectError, ResolveError};
use crate::policy::OutboundPolicy;
use failure::{Attempt, lettre_failure, tls_failure};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailParameter};
use model::{ConnectionSecurity, Delivered, DeliveryFailure, FailureKind, Mailbox, ServerName};
use model::{SettingsUsed, SmtpStage};
use progress::{StreamWatch, WatchedStream};
use secrecy::{ExposeSecret, SecretString};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

/// Everything needed to reach and use one SMTP server.
#[derive(Clone, Debug)]
pub struct SmtpConfig {
    /// The server's name or address.
    pub server: ServerName,
    /// TCP port.
    pub port: u16,
    /// How the connection is protected.
    pub security: ConnectionSecurity,
    /// User name and password for AUTH, if the server needs them.
    pub credentials: Option<(String, SecretString)>,
    /// The envelope sender and From header.
    pub from: Mailbox,
    /// The longest any single stage may take.
    pub stage_timeout: Duration,
    /// Extra CA certificate(s) to trust, PEM.
    pub ca_certificate: Option<String>,
}

impl SmtpConfig {
    fn used(&self, address: Option<SocketAddr>) -> SettingsUsed {
        SettingsUsed {
            server: self.server.to_string(),
            address: address.map(|a| a.ip().to_string()),
            port: self.port,
            security: self.security,
            user_name: self.credentials.as_ref().map(|(user, _)| user.clone()),
            from: self.from.to_string(),
            timeout_secs: u32::try_from(self.stage_timeout.as_secs()).unwrap_or(u32::MAX),
            custom_ca: self.ca_certificate.is_some(),
        }
    }
}

/// A ready-made message: the envelope recipient and the formatted RFC 5322 bytes.
#[derive(Clone, Debug)]
pub struct Envelope {
    /// The one recipient.
    pub recipient: Mailbox,
    /// The formatted message, headers and body.
    pub message: Vec<u8>,
}

/// Sends mail over SMTP. Holds no connection between sends.
#[derive(Clone, Debug)]
pub struct SmtpTransport {
    hello_name: ClientId,
    policy: Arc<OutboundPolicy>,
}

type BoxedStream = Box<dyn lettre::transport::smtp::client::AsyncTokioStream>;

impl SmtpTransport {
    /// A transport that introduces itself with `hello_name` in EHLO.
    pub fn new(hello_name: &str) -> SmtpTransport {
        SmtpTransport {
            hello_name: ClientId::Domain(hello_name.to_owned()),
            policy: Arc::new(OutboundPolicy::default()),
        }
    }

    /// The same transport, connecting only where `policy` allows.
    pub fn with_policy(self, policy: Arc<OutboundPolicy>) -> SmtpTransport {
        SmtpTransport { policy, ..self }
    }

    /// Sends one message and returns the server's final reply, or what went wrong and where.
    pub async fn send(
        &self,
        config: &SmtpConfig,
        envelope: &Envelope,
    ) -> Result<Delivered, DeliveryFailure> {
        let mut attempt = Attempt::new(config);
        match self.run(config, envelope, &mut attempt).await {
            Ok(final_reply) => Ok(Delivered {
                final_reply,
                elapsed_ms: attempt.elapsed_ms(),
                used: attempt.used(),
            }),
            Err(failure) => Err(failure),
        }
    }

    async fn run(
        &self,
        config: &SmtpConfig,
        envelope: &Envelope,
        attempt: &mut Attempt<'_>,
    ) -> Result<String, DeliveryFailure> {
        let addresses = resolve(config, attempt, &self.policy).await?;
        let (tcp, address) = connect(&addresses, attempt).await?;
        attempt.connected_to(address);

        let (stream, watch): (BoxedStream, StreamWatch) = match config.security {
            ConnectionSecurity::Ssl => {
                let tls = self.implicit_tls(config, tcp, attempt).await?;
                let (watched, watch) = WatchedStream::new(tls, address);
                (Box::new(watched), watch)
            }
            ConnectionSecurity::None | ConnectionSecurity::StartTls => {
                let (watched, watch) = WatchedStream::new(tcp, address);
                (Box::new(watched), watch)
            }
        };
        attempt.watch(watch.clone());
        let mut connection = self.greet(stream, &watch, attempt).await?;

        if config.security == ConnectionSecurity::StartTls {
            self.start_tls(&mut connection, config, attempt).await?;
        }
        if let Some((user, password)) = &config.credentials {
            authenticate(&mut connection, user, password, attempt).await?;
        }
        let reply = transfer(&mut connection, config, envelope, attempt).await?;

        // The message is accepted; a slow or failed QUIT must not turn that into an error.
        let _ = attempt.within(connection.quit()).await;
        Ok(reply)
    }

    async fn implicit_tls(
        &self,
        config: &SmtpConfig,
        stream: TcpStream,
        attempt: &Attempt<'_>,
    ) -> Result<tokio_rustls::client::TlsStream<TcpStream>, DeliveryFailure> {
        let stage = SmtpStage::TlsHandshake;
        let client_config = tls::client_config(config.ca_certificate.as_deref())
            .map_err(|error| attempt.fail(FailureKind::Certificate, stage, error.to_string()))?;
        let server_name = rustls::pki_types::ServerName::try_from(config.server.host())
            .map_err(|_| attempt.fail(FailureKind::TlsHandshake, stage, "invalid TLS name"))?;
        let connector = tokio_rustls::TlsConnector::from(client_config);
        let handshake = connector.connect(server_name, stream);
        match tokio::time::timeout(attempt.timeout(), handshake).await {
            Err(_) => Err(attempt.timed_out(stage)),
            Ok(Ok(stream)) => Ok(stream),
            Ok(Err(error)) => Err(tls_failure(attempt, stage, &error)),
        }
    }

    async fn greet(
        &self,
        stream: BoxedStream,
        watch: &StreamWatch,
        attempt: &Attempt<'_>,
    ) -> Result<AsyncSmtpConnection, DeliveryFailure> {
        let written_before = watch.written();
        let greeting = AsyncSmtpConnection::connect_with_transport(stream, &self.hello_name);
        let outcome = attempt.within(greeting).await;
        // lettre reads the greeting and sends EHLO in one call: if nothing was written yet,
        // the server never greeted. EHLO restarts the clock (see `Attempt::within`).
        let stage = if watch.written() == written_before {
            SmtpStage::Greeting
        } else {
            SmtpStage::Ehlo
        };
        match outcome {
            None => Err(attempt.timed_out(stage)),
            Some(Err(error)) => Err(lettre_failure(attempt, stage, &error)),
            Some(Ok(connection)) => Ok(connection),
        }
    }

    async fn start_tls(
        &self,
        connection: &mut AsyncSmtpConnection,
        config: &SmtpConfig,
        attempt: &Attempt<'_>,
    ) -> Result<(), DeliveryFailure> {
        let stage = SmtpStage::StartTls;
        if !connection
            .server_info()
            .supports_feature(Extension::StartTls)
        {
            abort(connection, attempt).await;
            return Err(attempt
                .fail(
                    FailureKind::StartTlsNotOffered,
                    stage,
                    "Start TLS is selected but the server does not offer STARTTLS; nothing was \
                     sent, no credentials included",
                )
                .with_default_hint(
                    "Use the server's submission port (usually 587) with Start TLS, or choose \
                     None if this server only speaks plain SMTP on a trusted network",
                ));
        }
        let parameters =
            tls::starttls_parameters(&config.server.host(), config.ca_certificate.as_deref())
                .map_err(|error| {
                    attempt.fail(FailureKind::Certificate, stage, error.to_string())
                })?;
        let upgrade = connection.starttls(parameters, &self.hello_name);
        match attempt.within(upgrade).await {
            None => Err(attempt.timed_out(stage)),
            Some(Err(error)) => Err(lettre_failure(attempt, stage, &error)),
            Some(Ok(())) => Ok(()),
        }
    }
}

/// The server's addresses (see [`crate::net::resolve`]).
async fn resolve(
    config: &SmtpConfig,
    attempt: &Attempt<'_>,
    policy: &OutboundPolicy,
) -> Result<Vec<SocketAddr>, DeliveryFailure> {
    match net::resolve(&config.server, config.port, attempt.timeout(), policy).await {
        Ok(addresses) => Ok(addresses),
        Err(ResolveError::TimedOut) => Err(attempt.timed_out(SmtpStage::Resolve)),
        Err(ResolveError::NotFound) => Err(attempt.host_not_found()),
        Err(ResolveError::Refused(refusal)) => Err(attempt.refused_by_policy(&refusal)),
    }
}

/// Tries each address in turn within one connect timeout; the last error decides the class.
async fn connect(
    addresses: &[SocketAddr],
    attempt: &Attempt<'_>,
) -> Result<(TcpStream, SocketAddr), DeliveryFailure> {
    match net::connect(addresses, attempt.timeout()).await {
        Ok(connected) => Ok(connected),
        Err(ConnectError::TimedOut) => Err(attempt.timed_out(SmtpStage::Connect)),
        Err(ConnectError::Failed { address, error }) => {
            Err(failure::connect_failure(attempt, address, &error))
        }
        // `resolve` returns at least one address.
        Err(ConnectError::NoAddress) => Err(attempt.host_not_found()),
    }
}

async fn authenticate(
    connection: &mut AsyncSmtpConnection,
    user: &str,
    password: &SecretString,
    attempt: &Attempt<'_>,
) -> Result<(), DeliveryFailure> {
    let stage = SmtpStage::Auth;
    let mechanisms = [Mechanism::Plain, Mechanism::Login];
    let offered = mechanisms
        .iter()
        .any(|m| connection.server_info().supports_auth_mechanism(*m));
    if !offered {
        abort(connection, attempt).await;
        // The TLS of an SSL connection is the console's own stream, which lettre does not
        // know about: ask the settings, not the connection.
        let hint = if attempt.used().security.is_encrypted() {
            "The server offers neither AUTH PLAIN nor AUTH LOGIN on this port: check which \
             port the provider uses for authenticated submission (often 587 with Start TLS)."
        } else {
            "Many servers offer AUTH only on an encrypted connection: choose Start TLS or SSL."
        };
        return Err(attempt
            .fail(
                FailureKind::AuthNotOffered,
                stage,
                "A user name is set but the server offers no authentication on this connection",
            )
            .with_hint(hint));
    }
    // lettre's Credentials keeps its own copy and never prints it (its Debug is redacted).
    let credentials = Credentials::new(user.to_owned(), password.expose_secret().to_owned());
    let auth = connection.auth(&mechanisms, &credentials);
    match attempt.within(auth).await {
        None => Err(attempt.timed_out(stage)),
        Some(Err(error)) => Err(lettre_failure(attempt, stage, &error)),
        Some(Ok(_)) => Ok(()),
    }
}

async fn transfer(
    connection: &mut AsyncSmtpConnection,
    config: &SmtpConfig,
    envelope: &Envelope,
    attempt: &Attempt<'_>,
) -> Result<String, DeliveryFailure> {
    let needs_utf8 = config.from.needs_smtputf8() || envelope.recipient.needs_smtputf8();
    let mut mail_parameters = Vec::new();
    if needs_utf8 {
        if !connection
            .server_info()
            .supports_feature(Extension::SmtpUtfEight)
        {
            abort(connection, attempt).await;
            return Err(attempt.fail(
                FailureKind::SmtpUtf8Unsupported,
                SmtpStage::MailFrom,
                "An address has non-ASCII letters before the '@', but this server does not \
                 support SMTPUTF8; use an ASCII address",
            ));
        }
        mail_parameters.push(MailParameter::SmtpUtfEight);
    }
    let from = to_lettre_address(&config.from, attempt, SmtpStage::MailFrom)?;
    let to = to_lettre_address(&envelope.recipient, attempt, SmtpStage::RcptTo)?;

    step(
        connection,
        attempt,
        SmtpStage::MailFrom,
        Mail::new(Some(from), mail_parameters),
    )
    .await?;
    step(
        connection,
        attempt,
        SmtpStage::RcptTo,
        Rcpt::new(to, Vec::new()),
    )
    .await?;
    step(connection, attempt, SmtpStage::Data, Data).await?;

    let stage = SmtpStage::FinalReply;
    let sending = connection.message(&envelope.message);
    match attempt.within(sending).await {
        None => Err(attempt.timed_out(stage)),
        Some(Err(error)) => Err(lettre_failure(attempt, stage, &error)),
        Some(Ok(response)) => Ok(failure::format_reply(&response)),
    }
}

async fn step<C: std::fmt::Display>(
    connection: &mut AsyncSmtpConnection,
    attempt: &Attempt<'_>,
    stage: SmtpStage,
    command: C,
) -> Result<(), DeliveryFailure> {
    match attempt.within(connection.command(command)).await {
        None => Err(attempt.timed_out(stage)),
        Some(Err(error)) => {
            abort(connection, attempt).await;
            Err(lettre_failure(attempt, stage, &error))
        }
        Some(Ok(_)) => Ok(()),
    }
}

fn to_lettre_address(
    mailbox: &Mailbox,
    attempt: &Attempt<'_>,
    stage: SmtpStage,
) -> Result<lettre::Address, DeliveryFailure> {
    lettre::Address::new(&mailbox.local_part, &mailbox.domain).map_err(|_| {
        attempt.fail(
            FailureKind::Protocol,
            stage,
            format!("The address {} cannot be used in SMTP", mailbox.address()),
        )
    })
}

/// Ends a session after a failure; QUIT is polite but must not hang on a stalled server.
async fn abort(connection: &mut AsyncSmtpConnection, attempt: &Attempt<'_>) {
    let limit = attempt.timeout().min(Duration::from_secs(2));
    let _ = tokio::time::timeout(limit, connection.abort()).await;
}
