//! What a request reports back: the server's reply, whatever its status, or a classified
//! failure that says what went wrong, at which stage, and what to try.

use model::FailureKind;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;

/// The steps of a request, in order. Each is bounded by the request's timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HttpStage {
    /// Looking up the host name in DNS.
    Resolve,
    /// Opening the TCP connection.
    Connect,
    /// The TLS handshake of an https request.
    Tls,
    /// Sending the request line, headers and body.
    SendRequest,
    /// Waiting for the status line and headers of the response.
    ResponseHead,
    /// Reading the response body.
    ResponseBody,
}

impl HttpStage {
    /// The stage as a noun, for "Stage: …".
    pub fn describe(self) -> &'static str {
        match self {
            HttpStage::Resolve => "DNS lookup of the host name",
            HttpStage::Connect => "TCP connection",
            HttpStage::Tls => "TLS handshake",
            HttpStage::SendRequest => "sending the request",
            HttpStage::ResponseHead => "the response status and headers",
            HttpStage::ResponseBody => "the response body",
        }
    }

    /// The stage as it reads after a verb: "timed out …", "closed the connection …".
    pub fn during(self) -> &'static str {
        match self {
            HttpStage::Resolve => "while looking up the host name",
            HttpStage::Connect => "while connecting",
            HttpStage::Tls => "during the TLS handshake",
            HttpStage::SendRequest => "while sending the request",
            HttpStage::ResponseHead => "while waiting for the response",
            HttpStage::ResponseBody => "while reading the response body",
        }
    }
}

impl fmt::Display for HttpStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// The server's answer. Every status is a reply, 4xx and 5xx included; redirects are not
/// followed but returned with their `location`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpReply {
    /// The status code, e.g. 202.
    pub status: u16,
    /// The reason phrase the server sent (or the standard one), e.g. `Accepted`.
    pub reason: String,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The `Location` header, if any (a redirect's target).
    pub location: Option<String>,
    /// The body as text (invalid UTF-8 replaced), at most [`super::MAX_BODY_BYTES`] of it.
    pub body: String,
    /// True when the body was longer than the cap and the rest was not read.
    pub body_truncated: bool,
    /// The address the request was sent to.
    pub address: SocketAddr,
    /// Time from the start of the request to the end of the body, in milliseconds.
    pub elapsed_ms: u64,
}

/// A request that got no usable reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpFailure {
    /// The class of failure.
    pub kind: FailureKind,
    /// The stage it happened at.
    pub stage: HttpStage,
    /// A complete sentence for the admin naming `host:port`; never the path, query, header
    /// values or body.
    pub summary: String,
    /// What to try next, when there is a likely cause.
    pub hint: Option<String>,
    /// The address connected to (or that refused the connection), once known.
    pub address: Option<SocketAddr>,
    /// Time until the failure, in milliseconds.
    pub elapsed_ms: u64,
}

impl fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)
    }
}

impl std::error::Error for HttpFailure {}

impl HttpFailure {
    /// Sets the hint, replacing any default one.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the hint unless a more specific one (a scheme/port mismatch) is already there.
    pub fn with_default_hint(mut self, hint: impl Into<String>) -> Self {
        if self.hint.is_none() {
            self.hint = Some(hint.into());
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_read_as_nouns_and_after_verbs() {
        assert_eq!(
            HttpStage::ResponseHead.to_string(),
            "the response status and headers"
        );
        assert_eq!(HttpStage::SendRequest.during(), "while sending the request");
    }
}
