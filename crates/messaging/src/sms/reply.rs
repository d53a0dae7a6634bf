//! The one place where a gateway's HTTP answer, or the failure to get one, becomes the outcome
//! an admin reads: accepted with the relevant part of the reply, or a classified refusal.

use super::{Send, sent_length};
use crate::http::{HttpFailure, HttpReply, HttpRequest};
use model::sms::template::{Escaping, escape_into, percent_encode};
use model::{FailureKind, GatewayConfig, SmsFailure, SmsSent};
use secrecy::{ExposeSecret as _, SecretString};

/// Most characters of a reply shown to the admin.
const REPLY_EXCERPT_CHARS: usize = 300;

/// What a gateway kind made of a reply.
pub(crate) enum Verdict {
    /// The gateway took the message.
    Accepted {
        /// The gateway's id for it, when it gave one.
        message_id: Option<String>,
    },
    /// The gateway said no.
    Refused {
        /// The class of refusal.
        kind: FailureKind,
        /// A complete sentence for the admin.
        summary: String,
        /// What to try next.
        hint: Option<String>,
    },
}

impl Verdict {
    pub(crate) fn refused(kind: FailureKind, summary: impl Into<String>) -> Verdict {
        Verdict::Refused {
            kind,
            summary: summary.into(),
            hint: None,
        }
    }

    pub(crate) fn with_hint(self, hint: impl Into<String>) -> Verdict {
        match self {
            Verdict::Refused { kind, summary, .. } => Verdict::Refused {
                kind,
                summary,
                hint: Some(hint.into()),
            },
            accepted => accepted,
        }
    }
}

/// Credentials refused: the same words for every kind.
pub(crate) fn credentials_refused(reply: &HttpReply, what: &str) -> Verdict {
    Verdict::refused(
        FailureKind::AuthRejected,
        format!("The gateway refused the {what} (HTTP {}).", reply.status),
    )
    .with_hint(format!(
        "Enter the {what} again and save, then send another test."
    ))
}

/// Turns a reply and its verdict into the outcome. Redirects are refused for every kind: the
/// console does not follow them, so a secret never travels to a place the admin did not enter.
pub(crate) fn conclude(
    gateway: &GatewayConfig,
    send: &Send<'_>,
    reply: &HttpReply,
    verdict: Verdict,
) -> Result<SmsSent, Box<SmsFailure>> {
    let excerpt = excerpt(&reply.body);
    let verdict = if (300..400).contains(&reply.status) {
        let target = reply
            .location
            .as_deref()
            .map(strip_query)
            .unwrap_or_default();
        Verdict::refused(
            FailureKind::Redirected,
            format!(
                "The gateway answered HTTP {} and points elsewhere ({target}); the console \
                 does not follow redirects.",
                reply.status
            ),
        )
        .with_hint("Enter the URL the gateway redirects to (often https:// instead of http://).")
    } else {
        verdict
    };
    match verdict {
        Verdict::Accepted { message_id } => Ok(SmsSent {
            gateway: gateway.kind(),
            endpoint: gateway.endpoint(),
            recipient: send.sms.to.e164(),
            status: Some(reply.status),
            reply: excerpt,
            message_id,
            length: sent_length(send.length),
            elapsed_ms: reply.elapsed_ms,
        }),
        Verdict::Refused {
            kind,
            summary,
            hint,
        } => Err(Box::new(SmsFailure {
            kind,
            gateway: gateway.kind(),
            endpoint: gateway.endpoint(),
            stage: "in the gateway's reply".to_owned(),
            summary,
            status: Some(reply.status),
            reply: (!excerpt.is_empty()).then_some(excerpt),
            hint,
            elapsed_ms: reply.elapsed_ms,
        })),
    }
}

/// The gateway could not be reached, or did not answer in HTTP.
pub(crate) fn unreachable(gateway: &GatewayConfig, failure: &HttpFailure) -> Box<SmsFailure> {
    Box::new(SmsFailure {
        kind: failure.kind,
        gateway: gateway.kind(),
        endpoint: gateway.endpoint(),
        stage: failure.stage.during().to_owned(),
        summary: failure.summary.clone(),
        status: None,
        reply: None,
        hint: failure.hint.clone(),
        elapsed_ms: failure.elapsed_ms,
    })
}

/// What replaces a secret found in a gateway's answer.
const REDACTED: &str = "[secret removed]";

/// Takes every form of the secret the request carried out of the answer: as typed, as
/// percent-encoded in a query, as JSON-escaped, and each secret header's value and token
/// (`Basic …`, `Bearer …`).
pub(crate) fn redact_secrets(
    reply: &mut HttpReply,
    request: &HttpRequest,
    secret: Option<&SecretString>,
) {
    let mut forms: Vec<String> = Vec::new();
    if let Some(secret) = secret.map(|s| s.expose_secret()).filter(|s| !s.is_empty()) {
        forms.push(secret.to_owned());
        forms.push(percent_encode(secret));
        let mut json = String::new();
        escape_into(&mut json, secret, Escaping::JsonString);
        forms.push(json);
    }
    for (_, value) in &request.secret_headers {
        let value = value.expose_secret();
        forms.push(value.to_owned());
        if let Some((_, token)) = value.split_once(' ') {
            forms.push(token.to_owned());
        }
    }
    // Longest first, so a header value goes whole before its token is looked for.
    forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
    forms.dedup();
    // A secret of one to three characters would match all over the answer; it is left, as it
    // protects nothing anyway.
    for form in forms.iter().filter(|form| form.len() >= 4) {
        reply.body = reply.body.replace(form.as_str(), REDACTED);
        if let Some(location) = &mut reply.location {
            *location = location.replace(form.as_str(), REDACTED);
        }
    }
}

/// The start of a reply on one line: control characters dropped, blank runs shortened.
pub(crate) fn excerpt(body: &str) -> String {
    let words: Vec<&str> = body.split_whitespace().collect();
    let line: String = words
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if line.chars().count() <= REPLY_EXCERPT_CHARS {
        return line;
    }
    let cut: String = line.chars().take(REPLY_EXCERPT_CHARS).collect();
    format!("{cut}…")
}

fn strip_query(location: &str) -> &str {
    location.split(['?', '#']).next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_is_one_short_line() {
        assert_eq!(
            excerpt("0: Accepted\r\n  for\tdelivery\n"),
            "0: Accepted for delivery"
        );
        assert_eq!(
            excerpt(&"x".repeat(400)).chars().count(),
            REPLY_EXCERPT_CHARS + 1
        );
    }

    #[test]
    fn a_redirect_target_is_shown_without_its_query() {
        assert_eq!(
            strip_query("https://gw.example/send?key=secret"),
            "https://gw.example/send"
        );
    }
}
