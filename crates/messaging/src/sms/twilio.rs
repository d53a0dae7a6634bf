//! The Twilio Messages API and compatible ones: a form POST to
//! `/2010-04-01/Accounts/{sid}/Messages.json` with basic authentication (account SID and auth
//! token), answered with JSON that carries the message SID, or an error code and message.

use super::Send;
use super::reply::{Verdict, credentials_refused};
use crate::http::{HttpMethod, HttpReply, HttpRequest};
use base64::Engine as _;
use model::FailureKind;
use model::sms::template::percent_encode;
use model::sms::{TwilioConfig, TwilioSender};
use secrecy::{ExposeSecret as _, SecretString};

/// The request for one SMS.
pub(super) fn request(config: &TwilioConfig, send: &Send<'_>) -> HttpRequest {
    let url = config.messages_url();
    let number = send.sms.to.e164();
    let sender = match &config.sender {
        TwilioSender::From(from) => ("From", from.as_str()),
        TwilioSender::MessagingService(sid) => ("MessagingServiceSid", sid.as_str()),
    };
    let fields = [
        ("To", number.as_str()),
        sender,
        ("Body", send.sms.text.as_str()),
    ];
    let body: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("{name}={}", percent_encode(value)))
        .collect();
    let token = send.secret.map(|s| s.expose_secret()).unwrap_or_default();
    let credentials =
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{token}", config.account_sid));
    let authorization: SecretString = format!("Basic {credentials}").into();
    HttpRequest {
        method: HttpMethod::Post,
        https: url.is_https(),
        host: url.host().clone(),
        port: url.port(),
        path_and_query: url.path_and_query(),
        headers: Vec::new(),
        secret_headers: vec![("Authorization".to_owned(), authorization)],
        body: Some((
            "application/x-www-form-urlencoded".to_owned(),
            body.join("&").into_bytes(),
        )),
        timeout: send.stored.timeout(),
        ca_certificate: send.stored.ca_certificate.clone(),
    }
}

/// 2xx with a message SID is success. Errors carry `code` and `message`; the codes that name
/// the recipient or the sender are classified as such.
pub(super) fn judge(reply: &HttpReply) -> Verdict {
    let json: Option<serde_json::Value> = serde_json::from_str(&reply.body).ok();
    let field = |name: &str| json.as_ref().and_then(|json| json.get(name)).cloned();
    if (200..300).contains(&reply.status) {
        return match field("sid").and_then(|sid| sid.as_str().map(str::to_owned)) {
            Some(sid) => Verdict::Accepted {
                message_id: Some(sid),
            },
            None => Verdict::refused(
                FailureKind::GatewayRejected,
                format!(
                    "The server answered HTTP {} but not with a message resource (no sid), so \
                     the console cannot tell that the SMS was taken.",
                    reply.status
                ),
            )
            .with_hint("Check the API base URL: it should be the provider's Messages API."),
        };
    }
    let code = field("code").and_then(|code| code.as_u64());
    let message = field("message").and_then(|message| message.as_str().map(super::reply::excerpt));
    let described = match (code, message) {
        (Some(code), Some(message)) => format!("error {code}: {message}"),
        (Some(code), None) => format!("error {code}"),
        (None, Some(message)) => message,
        (None, None) => "no error details".to_owned(),
    };
    match (reply.status, code) {
        (401, _) | (_, Some(20003)) => credentials_refused(reply, "account SID or auth token"),
        (_, Some(21211 | 21614 | 21408 | 21610)) => Verdict::refused(
            FailureKind::RecipientRejected,
            format!("The API refused the recipient ({described})."),
        ),
        (_, Some(21212 | 21606 | 21659 | 21660 | 21703 | 21704)) => Verdict::refused(
            FailureKind::SenderRejected,
            format!("The API refused the sender ({described})."),
        )
        .with_hint("Use a number or messaging service of this account as the sender."),
        (404, None) => Verdict::refused(
            FailureKind::GatewayRejected,
            "The API has no Messages resource at this address (HTTP 404).",
        )
        .with_hint("Check the API base URL and the account SID."),
        (status, _) => Verdict::refused(
            FailureKind::GatewayRejected,
            format!("The API refused the message (HTTP {status}, {described})."),
        ),
    }
}
