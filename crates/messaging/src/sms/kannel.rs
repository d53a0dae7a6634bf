//! Kannel's `sendsms`: a GET with every value in the query, the password included (Kannel
//! offers no other way), and a plain-text answer such as `0: Accepted for delivery`.

use super::Send;
use super::reply::{Verdict, credentials_refused};
use crate::http::{HttpMethod, HttpReply, HttpRequest};
use model::sms::KannelConfig;
use model::sms::template::percent_encode;
use model::{FailureKind, SmsEncoding};
use secrecy::ExposeSecret as _;

/// The request for one SMS. Text goes as UTF-8 with `charset=UTF-8`; `coding=2` asks Kannel
/// for UCS-2 on the air when the text is not all GSM-7, else Kannel would mangle it.
pub(super) fn request(config: &KannelConfig, send: &Send<'_>) -> HttpRequest {
    let password = send.secret.map(|s| s.expose_secret()).unwrap_or_default();
    let coding = match send.length.encoding {
        SmsEncoding::Gsm7 => "0",
        SmsEncoding::Ucs2 => "2",
    };
    let number = send.sms.to.e164();
    let mut query = vec![
        ("username", config.user_name.as_str()),
        ("password", password),
        ("to", number.as_str()),
        ("text", send.sms.text.as_str()),
        ("charset", "UTF-8"),
        ("coding", coding),
    ];
    if let Some(sender) = &config.sender {
        query.push(("from", sender));
    }
    if let Some(smsc) = &config.smsc_id {
        query.push(("smsc", smsc));
    }
    let mask = config.dlr_mask.to_string();
    if let Some(url) = &config.dlr_url {
        query.push(("dlr-mask", &mask));
        query.push(("dlr-url", url));
    }
    let query: Vec<String> = query
        .into_iter()
        .map(|(name, value)| format!("{name}={}", percent_encode(value)))
        .collect();
    HttpRequest {
        method: HttpMethod::Get,
        https: config.url.is_https(),
        host: config.url.host().clone(),
        port: config.url.port(),
        path_and_query: format!("{}?{}", config.url.path(), query.join("&")),
        headers: Vec::new(),
        secret_headers: Vec::new(),
        body: None,
        timeout: send.stored.timeout(),
        ca_certificate: send.stored.ca_certificate.clone(),
    }
}

/// Kannel answers 202 (or 200) with `0: Accepted for delivery` or `3: Queued for later
/// delivery`; 403 for a wrong user or password; 4xx/5xx with a sentence otherwise.
pub(super) fn judge(reply: &HttpReply) -> Verdict {
    let body = reply.body.trim();
    match reply.status {
        200..=299 if body.starts_with("0:") || body.starts_with("3:") => {
            Verdict::Accepted { message_id: None }
        }
        200..=299 => Verdict::refused(
            FailureKind::GatewayRejected,
            "Kannel answered, but not with \"Accepted for delivery\" or \"Queued\".",
        )
        .with_hint("Check that the URL points at smsbox's sendsms, not at another service."),
        401 | 403 => credentials_refused(reply, "sendsms user name or password")
            .with_hint("Use a sendsms-user group's username and password from kannel.conf."),
        404 => Verdict::refused(
            FailureKind::GatewayRejected,
            "Kannel has nothing at this path (HTTP 404).",
        )
        .with_hint("smsbox serves sendsms at /cgi-bin/sendsms on its sendsms-port."),
        status => Verdict::refused(
            FailureKind::GatewayRejected,
            format!("Kannel refused the message (HTTP {status})."),
        )
        .with_hint(hint_for(body)),
    }
}

fn hint_for(body: &str) -> &'static str {
    let lower = body.to_ascii_lowercase();
    if lower.contains("sender missing") {
        "Enter a sender: this sendsms-user has no default one."
    } else if lower.contains("receiver") || lower.contains("number") {
        "Kannel refused the recipient: check the number, and the sendsms-user's \
         allowed-prefix / denied-prefix."
    } else if lower.contains("smsc") {
        "Check the SMSC id against the smsc-id values in kannel.conf."
    } else {
        "Kannel's answer above says why; its smsbox log has more."
    }
}
