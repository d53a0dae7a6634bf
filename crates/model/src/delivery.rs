//! What a send attempt reports back to the admin: the server's final reply on success, or a
//! classified failure that says what went wrong, at which stage, and what to try.

use crate::smtp::ConnectionSecurity;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The steps of an SMTP send, in order. Each is bounded by the connection timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpStage {
    /// Looking up the server name in DNS.
    Resolve,
    /// Opening the TCP connection.
    Connect,
    /// The TLS handshake of an SSL (implicit TLS) connection.
    TlsHandshake,
    /// Waiting for the server's 220 greeting.
    Greeting,
    /// EHLO and the list of extensions.
    Ehlo,
    /// STARTTLS, the TLS handshake that follows it, and the second EHLO.
    StartTls,
    /// AUTH with the user name and password.
    Auth,
    /// MAIL FROM (the sender).
    MailFrom,
    /// RCPT TO (the recipient).
    RcptTo,
    /// The DATA command.
    Data,
    /// Sending the message and waiting for the server's final reply.
    FinalReply,
}

impl SmtpStage {
    /// The stage as a noun, for "Stage: …".
    pub fn describe(self) -> &'static str {
        match self {
            SmtpStage::Resolve => "DNS lookup of the server name",
            SmtpStage::Connect => "TCP connection",
            SmtpStage::TlsHandshake => "TLS handshake",
            SmtpStage::Greeting => "the server's greeting",
            SmtpStage::Ehlo => "EHLO",
            SmtpStage::StartTls => "STARTTLS",
            SmtpStage::Auth => "authentication (AUTH)",
            SmtpStage::MailFrom => "MAIL FROM",
            SmtpStage::RcptTo => "RCPT TO",
            SmtpStage::Data => "DATA",
            SmtpStage::FinalReply => "the reply to the message",
        }
    }

    /// The stage as it reads after a verb: "timed out …", "closed the connection …".
    pub fn during(self) -> &'static str {
        match self {
            SmtpStage::Resolve => "while looking up the server name",
            SmtpStage::Connect => "while connecting",
            SmtpStage::TlsHandshake => "during the TLS handshake",
            SmtpStage::Greeting => "while waiting for the server's greeting",
            SmtpStage::Ehlo => "while waiting for the reply to EHLO",
            SmtpStage::StartTls => "during STARTTLS",
            SmtpStage::Auth => "during authentication (AUTH)",
            SmtpStage::MailFrom => "at MAIL FROM",
            SmtpStage::RcptTo => "at RCPT TO",
            SmtpStage::Data => "at DATA",
            SmtpStage::FinalReply => "while waiting for the reply to the message",
        }
    }
}

impl fmt::Display for SmtpStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// The class of a failed send; the page and the tests key on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// DNS has no address for the server name.
    HostNotFound,
    /// Nothing listens on that port (connection refused).
    ConnectionRefused,
    /// No route to the server's network.
    Unreachable,
    /// A stage took longer than the connection timeout.
    Timeout,
    /// The server's certificate was not accepted.
    Certificate,
    /// The TLS handshake failed for another reason (protocol, cipher, not TLS at all).
    TlsHandshake,
    /// Start TLS was chosen but the server does not offer STARTTLS.
    StartTlsNotOffered,
    /// A user name is set but the server offers no usable AUTH mechanism.
    AuthNotOffered,
    /// The server rejected the user name or password.
    AuthRejected,
    /// The server rejected the From address.
    SenderRejected,
    /// The server rejected the recipient.
    RecipientRejected,
    /// The server rejected the message itself.
    MessageRejected,
    /// An address needs SMTPUTF8, which the server does not offer.
    SmtpUtf8Unsupported,
    /// The server closed the connection unexpectedly.
    ConnectionClosed,
    /// The server answered the greeting or EHLO with a refusal (e.g. 421, 554).
    SessionRefused,
    /// The server answered something that is not valid SMTP (or, for a gateway, not HTTP).
    Protocol,
    /// The SMS gateway answered but refused the message, or its reply failed the success rule.
    GatewayRejected,
    /// The SMS gateway answered with a redirect, which the console does not follow.
    Redirected,
    /// The operator's outbound policy does not allow connecting to the server's address.
    BlockedByPolicy,
}

impl FailureKind {
    /// A stable snake_case identifier, as in the JSON API.
    pub fn id(self) -> &'static str {
        match self {
            FailureKind::HostNotFound => "host_not_found",
            FailureKind::ConnectionRefused => "connection_refused",
            FailureKind::Unreachable => "unreachable",
            FailureKind::Timeout => "timeout",
            FailureKind::Certificate => "certificate",
            FailureKind::TlsHandshake => "tls_handshake",
            FailureKind::StartTlsNotOffered => "start_tls_not_offered",
            FailureKind::AuthNotOffered => "auth_not_offered",
            FailureKind::AuthRejected => "auth_rejected",
            FailureKind::SenderRejected => "sender_rejected",
            FailureKind::RecipientRejected => "recipient_rejected",
            FailureKind::MessageRejected => "message_rejected",
            FailureKind::SmtpUtf8Unsupported => "smtp_utf8_unsupported",
            FailureKind::ConnectionClosed => "connection_closed",
            FailureKind::SessionRefused => "session_refused",
            FailureKind::Protocol => "protocol",
            FailureKind::GatewayRejected => "gateway_rejected",
            FailureKind::Redirected => "redirected",
            FailureKind::BlockedByPolicy => "blocked_by_policy",
        }
    }
}

/// The settings a send used, so the admin can see what was tested.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsUsed {
    /// Server name as configured.
    pub server: String,
    /// The address actually connected to, once known.
    pub address: Option<String>,
    /// TCP port.
    pub port: u16,
    /// Connection security.
    pub security: ConnectionSecurity,
    /// User name, when authentication was used.
    pub user_name: Option<String>,
    /// The From mailbox.
    pub from: String,
    /// Per-stage timeout in seconds.
    pub timeout_secs: u32,
    /// True when the configured CA certificate was trusted in addition to the public roots.
    pub custom_ca: bool,
}

/// A message the server accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivered {
    /// The server's final reply, e.g. `250 2.0.0 Ok: queued as 4F2A1`.
    pub final_reply: String,
    /// Time from the start of the send to the final reply, in milliseconds.
    pub elapsed_ms: u64,
    /// What was used.
    pub used: SettingsUsed,
}

/// A send that did not go through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryFailure {
    /// The class of failure.
    pub kind: FailureKind,
    /// The stage it happened at.
    pub stage: SmtpStage,
    /// A complete sentence for the admin.
    pub summary: String,
    /// The server's reply (code and text), when the server said no.
    pub server_reply: Option<String>,
    /// What to try next, when there is a likely cause.
    pub hint: Option<String>,
    /// Time until the failure, in milliseconds.
    pub elapsed_ms: u64,
    /// What was used.
    pub used: SettingsUsed,
}

impl fmt::Display for DeliveryFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)?;
        if let Some(reply) = &self.server_reply {
            write!(f, " Server said: {reply}")?;
        }
        Ok(())
    }
}

impl DeliveryFailure {
    /// Sets the hint, replacing any default one.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the hint unless a more specific one (a port/security mismatch) is already there.
    pub fn with_default_hint(mut self, hint: impl Into<String>) -> Self {
        if self.hint.is_none() {
            self.hint = Some(hint.into());
        }
        self
    }
}
