//! The kinds of gateway and the chosen kind's checked settings, without any secret.

use super::{EmailToSmsConfig, HttpGatewayConfig, KannelConfig, TwilioConfig};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kinds of SMS gateway the console can drive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GatewayKind {
    /// Kannel's HTTP `sendsms` interface.
    #[default]
    Kannel,
    /// Any HTTP API, described by URL, method, body template and success rule.
    Http,
    /// The Twilio Messages API or a compatible one.
    Twilio,
    /// An email to an address such as `{number}@sms.example.net`, through the SMTP server.
    EmailToSms,
}

impl GatewayKind {
    /// Every kind, in the order the page lists them.
    pub const ALL: [GatewayKind; 4] = [
        GatewayKind::Kannel,
        GatewayKind::Http,
        GatewayKind::Twilio,
        GatewayKind::EmailToSms,
    ];

    /// The label the page shows.
    pub fn label(self) -> &'static str {
        match self {
            GatewayKind::Kannel => "Kannel",
            GatewayKind::Http => "Generic HTTP",
            GatewayKind::Twilio => "Twilio-compatible API",
            GatewayKind::EmailToSms => "Email-to-SMS",
        }
    }

    /// A stable identifier for forms and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayKind::Kannel => "kannel",
            GatewayKind::Http => "http",
            GatewayKind::Twilio => "twilio",
            GatewayKind::EmailToSms => "email_to_sms",
        }
    }

    /// The inverse of [`GatewayKind::as_str`].
    pub fn from_id(id: &str) -> Option<GatewayKind> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == id)
    }
}

impl fmt::Display for GatewayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The settings of the chosen kind, without the secret: what is stored in clear and shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GatewayConfig {
    /// Kannel `sendsms`.
    Kannel(KannelConfig),
    /// A generic HTTP API.
    Http(HttpGatewayConfig),
    /// A Twilio-compatible Messages API.
    Twilio(TwilioConfig),
    /// Email-to-SMS through the SMTP server.
    EmailToSms(EmailToSmsConfig),
}

impl GatewayConfig {
    /// Which kind this is.
    pub fn kind(&self) -> GatewayKind {
        match self {
            GatewayConfig::Kannel(_) => GatewayKind::Kannel,
            GatewayConfig::Http(_) => GatewayKind::Http,
            GatewayConfig::Twilio(_) => GatewayKind::Twilio,
            GatewayConfig::EmailToSms(_) => GatewayKind::EmailToSms,
        }
    }

    /// True when requests go over https (never for email-to-SMS).
    pub fn uses_https(&self) -> bool {
        match self {
            GatewayConfig::Kannel(config) => config.url.is_https(),
            GatewayConfig::Http(config) => config.endpoint().starts_with("https://"),
            GatewayConfig::Twilio(config) => config.api_base.is_https(),
            GatewayConfig::EmailToSms(_) => false,
        }
    }

    /// What the stored secret is bound to, apart from the trusted CA. A secret saved for one
    /// destination is never sent to another: changing what this returns drops it.
    pub fn secret_destination(&self) -> String {
        match self {
            GatewayConfig::Kannel(config) => {
                format!("kannel {} {}", config.url.origin(), config.user_name)
            }
            GatewayConfig::Http(config) => config.secret_destination(),
            GatewayConfig::Twilio(config) => {
                format!("twilio {} {}", config.api_base.origin(), config.account_sid)
            }
            GatewayConfig::EmailToSms(_) => "email_to_sms".to_owned(),
        }
    }

    /// What the secret is called for this gateway, or `None` when it needs none.
    pub fn secret_label(&self) -> Option<&'static str> {
        match self {
            GatewayConfig::Kannel(_) => Some("password"),
            GatewayConfig::Http(config) => config.auth.secret_label(),
            GatewayConfig::Twilio(_) => Some("auth token"),
            GatewayConfig::EmailToSms(_) => None,
        }
    }

    /// Where requests go, safe to show and log (no query, no secret); for email-to-SMS, the
    /// address template.
    pub fn endpoint(&self) -> String {
        match self {
            GatewayConfig::Kannel(config) => config.url.without_query(),
            GatewayConfig::Http(config) => config.endpoint(),
            GatewayConfig::Twilio(config) => config.messages_url_without_query(),
            GatewayConfig::EmailToSms(config) => config.address.source().to_owned(),
        }
    }
}
