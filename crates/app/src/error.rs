//! The one error type every server function returns, shared by the server and the browser.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use model::{DeliveryFailure, FieldErrors, SmsFailure};
use serde::{Deserialize, Serialize};

/// What can go wrong behind a console action, in terms the page can show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum ConsoleError {
    /// Fields broke rules; each message belongs beside its field.
    #[error("Some fields need attention: {0}")]
    Invalid(FieldErrors),
    /// An action needs saved SMTP settings and there are none.
    #[error("No SMTP settings are saved yet: save them before sending a test email")]
    NotConfigured,
    /// A user name is saved without a usable password (removed, or the key changed).
    #[error(
        "A user name is saved but no usable password is stored (it was removed, or the \
         encryption key changed): enter the password again and save"
    )]
    PasswordMissing,
    /// The mail server was tried and the send failed (boxed: the report is large and rare).
    #[error("{0}")]
    Delivery(Box<DeliveryFailure>),
    /// An action needs a saved SMS gateway and there is none.
    #[error("No SMS gateway is saved yet: configure one on the SMS Gateway page first")]
    SmsNotConfigured,
    /// The gateway needs a secret and none is usable (removed, or the key changed).
    #[error(
        "The gateway's password or token is not stored (or the encryption key changed): enter \
         it again on the SMS Gateway page and save"
    )]
    SmsSecretMissing,
    /// Email-to-SMS was chosen but the SMTP server is not ready.
    #[error(
        "Email-to-SMS sends through the SMTP server, which is not ready: {0}. Set it up on the \
         SMTP Server page"
    )]
    SmtpNeededForSms(String),
    /// The SMS gateway was tried and did not take the message.
    #[error("{0}")]
    SmsFailed(Box<SmsFailure>),
    /// The request carries no live session (never signed in, signed out, or expired).
    #[error("Your session has ended: reload the page and sign in again")]
    SignedOut,
    /// This administrator sent too many test messages lately.
    #[error(
        "Too many test messages in a short time: try again in {} (nothing was sent)",
        readable_wait(*retry_after_secs)
    )]
    TooManyTestSends {
        /// Seconds until a test may be sent again.
        retry_after_secs: u64,
    },
    /// Something failed inside the console; the log has the cause under this reference.
    #[error(
        "The console could not complete this (reference {reference}); the server log has the \
         details"
    )]
    Internal {
        /// Reference to find the cause in the server log.
        reference: String,
    },
    /// The server could not read the request (not the shape a server function expects).
    #[error("The request could not be read: {0}")]
    Malformed(String),
    /// The request did not get through to the console, or its answer could not be read.
    #[error("The console did not answer: {0}")]
    Transport(String),
}

impl FromServerFnError for ConsoleError {
    type Encoder = JsonEncoding;

    /// On the server this only happens when a request cannot be decoded; in the browser, when
    /// the request or its answer did not make it.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        return crate::server::malformed(value);
        #[cfg(not(feature = "ssr"))]
        return ConsoleError::Transport(value.to_string());
    }
}

/// `75` reads "1 min 15 s", `40` reads "40 s".
fn readable_wait(seconds: u64) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}
