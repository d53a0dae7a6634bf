//! What a test SMS came to: the gateway's acceptance, or a classified failure an admin can act
//! on. Both say which gateway and endpoint were used, never with a secret in them.

use super::GatewayKind;
use crate::delivery::FailureKind;
use crate::sms_text::SmsEncoding;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How long the message was, as sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentLength {
    /// Characters.
    pub characters: usize,
    /// GSM-7 or UCS-2.
    pub encoding: SmsEncoding,
    /// SMS segments.
    pub segments: usize,
}

/// The gateway took the message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsSent {
    /// The kind of gateway used.
    pub gateway: GatewayKind,
    /// Where the request went, without query or secret; for email-to-SMS, the address.
    pub endpoint: String,
    /// The recipient in E.164 form.
    pub recipient: String,
    /// The HTTP status, for HTTP gateways.
    pub status: Option<u16>,
    /// The relevant part of the gateway's answer (HTTP body or SMTP reply).
    pub reply: String,
    /// The gateway's id for the message, when it gave one.
    pub message_id: Option<String>,
    /// Length of the text sent.
    pub length: SentLength,
    /// Time from the start to the answer, in milliseconds.
    pub elapsed_ms: u64,
}

/// The gateway did not take the message, or could not be reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsFailure {
    /// The class of failure.
    pub kind: FailureKind,
    /// The kind of gateway used.
    pub gateway: GatewayKind,
    /// Where the request went, without query or secret.
    pub endpoint: String,
    /// When it happened, e.g. "while waiting for the gateway's reply".
    pub stage: String,
    /// A complete sentence for the admin.
    pub summary: String,
    /// The HTTP status, when the gateway answered.
    pub status: Option<u16>,
    /// The relevant part of the gateway's answer, when it said no.
    pub reply: Option<String>,
    /// What to try next, when there is a likely cause.
    pub hint: Option<String>,
    /// Time until the failure, in milliseconds.
    pub elapsed_ms: u64,
}

impl fmt::Display for SmsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)?;
        if let Some(reply) = &self.reply {
            write!(f, " Gateway said: {reply}")?;
        }
        Ok(())
    }
}
