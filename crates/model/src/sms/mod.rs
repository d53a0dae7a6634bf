//! The SMS Gateway page: which kind of gateway carries test SMS and notifications, its settings
//! and their rules, and the secret each kind needs.
//!
//! The form keeps the fields of every kind at once, so switching the kind back and forth on the
//! page loses nothing typed; only the chosen kind is validated and stored. Like the SMTP
//! password, the gateway's secret (password, token or API key) is write-only: the page learns
//! only whether one is stored, and a stored secret is never sent to a changed destination.

mod email_to_sms;
mod fields;
mod gateway;
mod http;
mod kannel;
pub mod outcome;
pub mod template;
mod twilio;

pub use email_to_sms::{EmailToSmsConfig, EmailToSmsForm};
pub use gateway::{GatewayConfig, GatewayKind};
pub use http::{AuthMethod, BodyType, HttpGatewayConfig, HttpGatewayForm, HttpMethod};
pub use kannel::{DeliveryReport, KANNEL_SENDSMS_PATH, KannelConfig, KannelForm};
pub use twilio::{TWILIO_API_BASE, TwilioConfig, TwilioForm, TwilioSender};

use crate::field::{FieldErrors, FieldId};
use crate::secret::SecretText;
use crate::smtp::PasswordPlan;
use crate::text;
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

/// Segments a message may use when the admin does not choose.
pub const DEFAULT_MAX_SEGMENTS: u8 = 6;
/// Accepted limits on segments per message; 10 is the most common gateways allow.
pub const MAX_SEGMENTS_RANGE: RangeInclusive<u8> = 1..=10;
/// Seconds each step of a request to the gateway may take when the admin does not choose.
pub const DEFAULT_GATEWAY_TIMEOUT_SECS: u32 = 30;
/// Longest accepted password, token or API key, in characters (bearer tokens can be long).
pub const MAX_SECRET_CHARS: usize = 4096;

/// The whole SMS Gateway form as typed. Over the API, fields left out take their defaults, so
/// a client may send only the chosen kind's fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SmsGatewayForm {
    /// The chosen kind; only its fields are checked and stored.
    pub kind: GatewayKind,
    /// Kannel fields.
    pub kannel: KannelForm,
    /// Generic HTTP fields.
    pub http: HttpGatewayForm,
    /// Twilio-compatible fields.
    pub twilio: TwilioForm,
    /// Email-to-SMS fields.
    pub email_to_sms: EmailToSmsForm,
    /// A new password, token or API key; empty keeps the stored one.
    pub secret: SecretText,
    /// Most segments one message may use, as typed.
    pub max_segments: String,
    /// Seconds each step may take, as typed.
    pub timeout_secs: String,
    /// PEM of a CA to trust for an https gateway, in addition to the public roots.
    pub ca_certificate: String,
}

impl Default for SmsGatewayForm {
    fn default() -> Self {
        SmsGatewayForm {
            kind: GatewayKind::default(),
            kannel: KannelForm::default(),
            http: HttpGatewayForm::default(),
            twilio: TwilioForm::default(),
            email_to_sms: EmailToSmsForm::default(),
            secret: SecretText::default(),
            max_segments: DEFAULT_MAX_SEGMENTS.to_string(),
            timeout_secs: DEFAULT_GATEWAY_TIMEOUT_SECS.to_string(),
            ca_certificate: String::new(),
        }
    }
}

/// What is stored now, as far as validating a new form needs to know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredGateway {
    /// [`GatewayConfig::secret_destination`] of the stored settings.
    pub destination: String,
    /// True when a secret is stored.
    pub secret_stored: bool,
}

/// A form that passed every rule.
#[derive(Clone, Debug, PartialEq)]
pub struct SmsGatewaySettings {
    /// The chosen kind's settings.
    pub gateway: GatewayConfig,
    /// What saving does with the secret.
    pub secret: PasswordPlan,
    /// Most segments per message.
    pub max_segments: u8,
    /// Seconds each step may take.
    pub timeout_secs: u32,
    /// Extra CA certificate(s) to trust, as PEM.
    pub ca_certificate: Option<String>,
}

impl SmsGatewaySettings {
    /// What the stored secret is bound to: the destination and the CA trusted for it (a new
    /// trust anchor could vouch for an impostor).
    pub fn secret_destination(&self) -> String {
        secret_destination(&self.gateway, self.ca_certificate.as_deref())
    }
}

/// Stored settings as the page receives them: no secret, only whether one is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsGatewayView {
    /// The chosen kind's settings.
    pub gateway: GatewayConfig,
    /// True when a password, token or API key is stored.
    pub secret_stored: bool,
    /// Most segments per message.
    pub max_segments: u8,
    /// Seconds each step may take.
    pub timeout_secs: u32,
    /// Extra CA certificate(s), as PEM.
    pub ca_certificate: Option<String>,
    /// When the settings were last saved (RFC 3339, UTC).
    pub updated_at: String,
}

/// What the Send Test SMS dialog shows of the saved gateway: enough to say what the test will
/// use, small enough that a page with only the dialog carries no gateway settings code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewaySummary {
    /// The kind of gateway.
    pub kind: GatewayKind,
    /// Where requests go, without query or secret ([`GatewayConfig::endpoint`]).
    pub endpoint: String,
    /// Most segments per message.
    pub max_segments: u8,
    /// Seconds each step may take.
    pub timeout_secs: u32,
}

impl SmsGatewayView {
    /// The summary the Send Test SMS dialog shows.
    pub fn summary(&self) -> GatewaySummary {
        GatewaySummary {
            kind: self.gateway.kind(),
            endpoint: self.gateway.endpoint(),
            max_segments: self.max_segments,
            timeout_secs: self.timeout_secs,
        }
    }

    /// The form showing these settings, the secret box empty.
    pub fn to_form(&self) -> SmsGatewayForm {
        let mut form = SmsGatewayForm {
            kind: self.gateway.kind(),
            max_segments: self.max_segments.to_string(),
            timeout_secs: self.timeout_secs.to_string(),
            ca_certificate: self.ca_certificate.clone().unwrap_or_default(),
            ..SmsGatewayForm::default()
        };
        match &self.gateway {
            GatewayConfig::Kannel(config) => form.kannel = KannelForm::from(config),
            GatewayConfig::Http(config) => form.http = HttpGatewayForm::from(config),
            GatewayConfig::Twilio(config) => form.twilio = TwilioForm::from(config),
            GatewayConfig::EmailToSms(config) => form.email_to_sms = EmailToSmsForm::from(config),
        }
        form
    }

    /// What validation of a new form needs to know about these settings.
    pub fn stored(&self) -> StoredGateway {
        StoredGateway {
            destination: secret_destination(&self.gateway, self.ca_certificate.as_deref()),
            secret_stored: self.secret_stored,
        }
    }
}

impl SmsGatewayForm {
    /// Checks the chosen kind's fields, the limits and the secret against what is stored.
    pub fn validate(
        &self,
        stored: Option<&StoredGateway>,
    ) -> Result<SmsGatewaySettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let gateway = match self.kind {
            GatewayKind::Kannel => self.kannel.validate(&mut errors).map(GatewayConfig::Kannel),
            GatewayKind::Http => self.http.validate(&mut errors).map(GatewayConfig::Http),
            GatewayKind::Twilio => self.twilio.validate(&mut errors).map(GatewayConfig::Twilio),
            GatewayKind::EmailToSms => self
                .email_to_sms
                .validate(&mut errors)
                .map(GatewayConfig::EmailToSms),
        };
        let max_segments = fields::parse_max_segments(&self.max_segments)
            .map_err(|message| errors.add(FieldId::MaxSegments, message))
            .ok();
        let timeout_secs = crate::smtp::parse_timeout(&self.timeout_secs)
            .map_err(|message| errors.add(FieldId::GatewayTimeout, message))
            .ok();
        let ca_certificate = self
            .parse_ca_certificate(gateway.as_ref())
            .map_err(|message| errors.add(FieldId::CaCertificate, message))
            .ok();
        let secret = match (&gateway, &ca_certificate) {
            (Some(gateway), Some(ca)) => {
                let destination = secret_destination(gateway, ca.as_deref());
                plan_secret(&self.secret, gateway, &destination, stored, &mut errors)
            }
            _ => None,
        };

        match (gateway, secret, max_segments, timeout_secs, ca_certificate) {
            (Some(gateway), Some(secret), Some(max_segments), Some(timeout_secs), Some(ca))
                if errors.is_empty() =>
            {
                Ok(SmsGatewaySettings {
                    gateway,
                    secret,
                    max_segments,
                    timeout_secs,
                    ca_certificate: ca,
                })
            }
            _ => Err(errors),
        }
    }

    /// Advice beside the URL that does not block saving: a password or token sent over plain
    /// `http://` to another machine crosses the network readable by anyone on the path.
    pub fn url_warning(&self) -> Option<String> {
        let (url, secret) = match self.kind {
            GatewayKind::Kannel => (&self.kannel.url, "password"),
            GatewayKind::Twilio => (&self.twilio.api_base, "auth token"),
            GatewayKind::Http => (&self.http.url, self.http.auth.secret_label()?),
            GatewayKind::EmailToSms => return None,
        };
        let url = crate::web_url::WebUrl::parse(url).ok()?;
        let local = match url.host() {
            crate::host::ServerName::Domain(name) => name == "localhost",
            host => host.ip().is_some_and(|ip| ip.is_loopback()),
        };
        (!url.is_https() && !local).then(|| {
            format!(
                "Over http:// the {secret} and every message cross the network unencrypted: \
                 use https:// unless the gateway sits on a trusted network"
            )
        })
    }

    /// True when saving this form would drop the stored secret because the destination
    /// changed (and no new secret is typed): the page warns before the admin saves.
    pub fn drops_stored_secret(&self, stored: Option<&StoredGateway>) -> bool {
        let Some(stored) = stored.filter(|stored| stored.secret_stored) else {
            return false;
        };
        if !self.secret.is_empty() {
            return false;
        }
        let mut ignored = FieldErrors::new();
        let gateway = match self.kind {
            GatewayKind::Kannel => self
                .kannel
                .validate(&mut ignored)
                .map(GatewayConfig::Kannel),
            GatewayKind::Http => self.http.validate(&mut ignored).map(GatewayConfig::Http),
            GatewayKind::Twilio => self
                .twilio
                .validate(&mut ignored)
                .map(GatewayConfig::Twilio),
            GatewayKind::EmailToSms => return true,
        };
        let ca = crate::smtp::parse_ca(&self.ca_certificate).ok();
        match (gateway, ca) {
            (Some(gateway), Some(ca)) => {
                secret_destination(&gateway, ca.as_deref()) != stored.destination
            }
            _ => false,
        }
    }

    /// A CA only makes sense for an https gateway; email-to-SMS uses the SMTP server's.
    fn parse_ca_certificate(
        &self,
        gateway: Option<&GatewayConfig>,
    ) -> Result<Option<String>, String> {
        let ca = crate::smtp::parse_ca(&self.ca_certificate)?;
        if ca.is_some() && gateway.is_some_and(|gateway| !gateway.uses_https()) {
            return Err(
                "A trusted CA only applies to https:// gateways: clear this box, or \
                        use an https:// URL"
                    .to_owned(),
            );
        }
        Ok(ca)
    }
}

/// The destination string a secret is bound to.
fn secret_destination(gateway: &GatewayConfig, ca_certificate: Option<&str>) -> String {
    match ca_certificate {
        Some(ca) => format!("{} ca {ca}", gateway.secret_destination()),
        None => gateway.secret_destination(),
    }
}

/// Decides what saving does with the secret, or records why it cannot be saved.
fn plan_secret(
    typed: &SecretText,
    gateway: &GatewayConfig,
    destination: &str,
    stored: Option<&StoredGateway>,
    errors: &mut FieldErrors,
) -> Option<PasswordPlan> {
    if let Some(found) = text::first_control_character(typed.expose()) {
        errors.add(
            FieldId::GatewaySecret,
            format!("Remove {found} from the secret"),
        );
        return None;
    }
    if typed.char_count() > MAX_SECRET_CHARS {
        errors.add(
            FieldId::GatewaySecret,
            format!("The secret may have at most {MAX_SECRET_CHARS} characters"),
        );
        return None;
    }
    let Some(label) = gateway.secret_label() else {
        if !typed.is_empty() {
            errors.add(FieldId::GatewaySecret, no_secret_message(gateway));
            return None;
        }
        return Some(PasswordPlan::Clear);
    };
    if !typed.is_empty() {
        return Some(PasswordPlan::Replace(typed.clone()));
    }
    match stored {
        Some(stored) if stored.secret_stored && stored.destination == destination => {
            Some(PasswordPlan::Keep)
        }
        Some(stored) if stored.secret_stored => {
            errors.add(
                FieldId::GatewaySecret,
                format!(
                    "The gateway type, URL, account or trusted CA changed, so the stored secret will not \
                     be sent there: enter the {label} again"
                ),
            );
            None
        }
        _ => {
            errors.add(FieldId::GatewaySecret, format!("Enter the {label}"));
            None
        }
    }
}

fn no_secret_message(gateway: &GatewayConfig) -> &'static str {
    match gateway {
        GatewayConfig::Http(_) => {
            "Choose an authentication method for this secret, or clear the box"
        }
        _ => "This gateway type uses no password or token: clear the box",
    }
}

#[cfg(test)]
mod tests;
