//! A generic HTTP gateway: the admin's URL and body templates filled in and escaped for where
//! each value lands, their headers and authentication, and their success rule.

use super::reply::{Verdict, credentials_refused};
use super::{Send, template_values};
use crate::http::{HttpMethod, HttpReply, HttpRequest};
use base64::Engine as _;
use model::sms::{AuthMethod, HttpGatewayConfig, HttpMethod as ConfiguredMethod};
use model::{FailureKind, GatewayKind, SmsFailure};
use secrecy::{ExposeSecret as _, SecretString};

/// The request for one SMS.
pub(super) fn request(
    config: &HttpGatewayConfig,
    send: &Send<'_>,
) -> Result<HttpRequest, Box<SmsFailure>> {
    let number = send.sms.to.e164();
    let values = template_values(&number, send, config.sender.as_deref());
    let url = config.render_url(&values).map_err(|reason| {
        Box::new(SmsFailure {
            kind: FailureKind::Protocol,
            gateway: GatewayKind::Http,
            endpoint: config.endpoint(),
            stage: "while building the request".to_owned(),
            summary: format!("The URL template does not give a valid URL for this SMS: {reason}"),
            status: None,
            reply: None,
            hint: Some("Check the URL template on the SMS Gateway page.".to_owned()),
            elapsed_ms: 0,
        })
    })?;
    let body = config
        .render_body(&values)
        .map(|body| (config.body_type.mime().to_owned(), body.into_bytes()));
    Ok(HttpRequest {
        method: match config.method {
            ConfiguredMethod::Get => HttpMethod::Get,
            ConfiguredMethod::Post => HttpMethod::Post,
        },
        https: url.is_https(),
        host: url.host().clone(),
        port: url.port(),
        path_and_query: url.path_and_query(),
        headers: config.headers.clone(),
        secret_headers: authentication(config, send.secret).into_iter().collect(),
        body,
        timeout: send.stored.timeout(),
        ca_certificate: send.stored.ca_certificate.clone(),
    })
}

fn authentication(
    config: &HttpGatewayConfig,
    secret: Option<&SecretString>,
) -> Option<(String, SecretString)> {
    let secret = secret?.expose_secret();
    match config.auth {
        AuthMethod::None => None,
        AuthMethod::Basic => {
            let user = config.user_name.as_deref().unwrap_or_default();
            let token =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"));
            Some(("Authorization".to_owned(), format!("Basic {token}").into()))
        }
        AuthMethod::Bearer => Some((
            "Authorization".to_owned(),
            format!("Bearer {secret}").into(),
        )),
        AuthMethod::Header => {
            let name = config.auth_header.clone().unwrap_or_default();
            Some((name, secret.to_owned().into()))
        }
    }
}

/// 2xx is success unless the success rule says otherwise; 401/403 are refused credentials.
pub(super) fn judge(config: &HttpGatewayConfig, reply: &HttpReply) -> Verdict {
    match reply.status {
        200..=299 => {
            if let Some(wanted) = &config.success_contains
                && !reply.body.contains(wanted.as_str())
            {
                return Verdict::refused(
                    FailureKind::GatewayRejected,
                    format!(
                        "The gateway answered HTTP {}, but its reply does not contain \
                         \"{wanted}\", so the console counts it as a failure.",
                        reply.status
                    ),
                )
                .with_hint("Compare the reply below with the success rule.");
            }
            if let Some(unwanted) = &config.success_excludes
                && reply.body.contains(unwanted.as_str())
            {
                return Verdict::refused(
                    FailureKind::GatewayRejected,
                    format!(
                        "The gateway answered HTTP {}, but its reply contains \"{unwanted}\", \
                         so the console counts it as a failure.",
                        reply.status
                    ),
                );
            }
            Verdict::Accepted {
                message_id: message_id(&reply.body),
            }
        }
        401 | 403 if config.auth != AuthMethod::None => {
            let what = config.auth.secret_label().unwrap_or("credentials");
            credentials_refused(reply, what)
        }
        401 | 403 => Verdict::refused(
            FailureKind::AuthRejected,
            format!("The gateway wants authentication (HTTP {}).", reply.status),
        )
        .with_hint("Choose the authentication method the gateway expects."),
        status => Verdict::refused(
            FailureKind::GatewayRejected,
            format!("The gateway refused the message (HTTP {status})."),
        ),
    }
}

/// The message id of a JSON reply, under the names gateways commonly use.
pub(super) fn message_id(body: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(body).ok()?;
    let found = ["id", "message_id", "messageId", "sid", "uuid"]
        .iter()
        .find_map(|name| json.get(name))?;
    match found {
        serde_json::Value::String(id) => Some(super::reply::excerpt(id)),
        serde_json::Value::Number(id) => Some(id.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_found_under_common_names() {
        assert_eq!(message_id(r#"{"id":"abc"}"#), Some("abc".into()));
        assert_eq!(message_id(r#"{"messageId":42}"#), Some("42".into()));
        assert_eq!(message_id("OK"), None);
    }
}
