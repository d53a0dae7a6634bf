//! Which field an error belongs to, so the page can show each message right beside its input.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Every input on the console that a validation message can be attached to. In the API a field
/// is named by its input's id ([`FieldId::id`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldId {
    /// SMTP server name (FQDN or IP address).
    ServerName,
    /// SMTP user name.
    UserName,
    /// SMTP password.
    Password,
    /// The second entry of the SMTP password.
    PasswordConfirm,
    /// Default From address.
    FromAddress,
    /// Connection security (None / SSL / Start TLS).
    Security,
    /// TCP port of the SMTP server.
    Port,
    /// Connection timeout in seconds.
    Timeout,
    /// Trusted CA certificate (PEM) for a private relay.
    CaCertificate,
    /// Recipient of a test email.
    Recipient,
    /// Body of a test message.
    Message,
    /// Which kind of SMS gateway is used.
    #[serde(rename = "sms_kind")]
    GatewayKind,
    /// URL of the SMS gateway (Kannel sendsms, HTTP endpoint or API base URL).
    #[serde(rename = "sms_url")]
    GatewayUrl,
    /// User name for the SMS gateway (Kannel, HTTP basic authentication).
    #[serde(rename = "sms_user")]
    GatewayUser,
    /// Password or token for the SMS gateway.
    #[serde(rename = "sms_secret")]
    GatewaySecret,
    /// Sender shown on the phone: a number or an alphanumeric sender ID.
    #[serde(rename = "sms_sender")]
    GatewaySender,
    /// Kannel SMSC id that should carry the message.
    #[serde(rename = "sms_smsc_id")]
    SmscId,
    /// Kannel delivery-report mask.
    #[serde(rename = "sms_dlr_mask")]
    DeliveryReportMask,
    /// URL Kannel calls with delivery reports.
    #[serde(rename = "sms_dlr_url")]
    DeliveryReportUrl,
    /// HTTP method of a generic gateway (GET or POST).
    #[serde(rename = "sms_method")]
    HttpMethod,
    /// Content type of a generic gateway's request body.
    #[serde(rename = "sms_content_type")]
    ContentType,
    /// Extra request headers of a generic gateway, one per line.
    #[serde(rename = "sms_headers")]
    ExtraHeaders,
    /// How a generic gateway authenticates the console.
    #[serde(rename = "sms_auth")]
    AuthMethod,
    /// Header that carries an API key.
    #[serde(rename = "sms_auth_header")]
    AuthHeaderName,
    /// Request body template of a generic gateway.
    #[serde(rename = "sms_body")]
    BodyTemplate,
    /// Text a successful reply must contain.
    #[serde(rename = "sms_success_contains")]
    SuccessContains,
    /// Text a successful reply must not contain.
    #[serde(rename = "sms_success_excludes")]
    SuccessExcludes,
    /// Twilio-compatible account SID.
    #[serde(rename = "sms_account_sid")]
    AccountSid,
    /// Email-to-SMS address template, such as {number}@sms.example.net.
    #[serde(rename = "sms_address_template")]
    AddressTemplate,
    /// Most SMS segments one message may use.
    #[serde(rename = "sms_max_segments")]
    MaxSegments,
    /// Timeout of each step of a request to the gateway, in seconds.
    #[serde(rename = "sms_timeout")]
    GatewayTimeout,
    /// Recipient of a test SMS, in international format.
    #[serde(rename = "sms_recipient")]
    SmsRecipient,
    /// Text of a test SMS.
    #[serde(rename = "sms_message")]
    SmsMessage,
}

impl FieldId {
    /// The id of the field's input element on the page, also its name in the API.
    pub fn id(self) -> &'static str {
        match self {
            FieldId::ServerName => "server_name",
            FieldId::UserName => "user_name",
            FieldId::Password => "password",
            FieldId::PasswordConfirm => "password_confirm",
            FieldId::FromAddress => "from_address",
            FieldId::Security => "security",
            FieldId::Port => "port",
            FieldId::Timeout => "timeout",
            FieldId::CaCertificate => "ca_certificate",
            FieldId::Recipient => "recipient",
            FieldId::Message => "message",
            FieldId::GatewayKind => "sms_kind",
            FieldId::GatewayUrl => "sms_url",
            FieldId::GatewayUser => "sms_user",
            FieldId::GatewaySecret => "sms_secret",
            FieldId::GatewaySender => "sms_sender",
            FieldId::SmscId => "sms_smsc_id",
            FieldId::DeliveryReportMask => "sms_dlr_mask",
            FieldId::DeliveryReportUrl => "sms_dlr_url",
            FieldId::HttpMethod => "sms_method",
            FieldId::ContentType => "sms_content_type",
            FieldId::ExtraHeaders => "sms_headers",
            FieldId::AuthMethod => "sms_auth",
            FieldId::AuthHeaderName => "sms_auth_header",
            FieldId::BodyTemplate => "sms_body",
            FieldId::SuccessContains => "sms_success_contains",
            FieldId::SuccessExcludes => "sms_success_excludes",
            FieldId::AccountSid => "sms_account_sid",
            FieldId::AddressTemplate => "sms_address_template",
            FieldId::MaxSegments => "sms_max_segments",
            FieldId::GatewayTimeout => "sms_timeout",
            FieldId::SmsRecipient => "sms_recipient",
            FieldId::SmsMessage => "sms_message",
        }
    }

    /// The label the page shows for this field, used when a message is shown away from it.
    pub fn label(self) -> &'static str {
        match self {
            FieldId::ServerName => "Server name",
            FieldId::UserName => "User name",
            FieldId::Password => "Password",
            FieldId::PasswordConfirm => "Verify password",
            FieldId::FromAddress => "Default From address",
            FieldId::Security => "Connection security",
            FieldId::Port => "Port",
            FieldId::Timeout => "Connection timeout",
            FieldId::CaCertificate => "Trusted CA certificate",
            FieldId::Recipient => "Recipient Email Address",
            FieldId::Message => "Message",
            FieldId::GatewayKind => "Gateway type",
            FieldId::GatewayUrl => "Gateway URL",
            FieldId::GatewayUser => "Gateway user name",
            FieldId::GatewaySecret => "Gateway password or token",
            FieldId::GatewaySender => "Sender",
            FieldId::SmscId => "SMSC id",
            FieldId::DeliveryReportMask => "Delivery reports",
            FieldId::DeliveryReportUrl => "Delivery report URL",
            FieldId::HttpMethod => "Method",
            FieldId::ContentType => "Content type",
            FieldId::ExtraHeaders => "Extra headers",
            FieldId::AuthMethod => "Authentication",
            FieldId::AuthHeaderName => "API key header",
            FieldId::BodyTemplate => "Body template",
            FieldId::SuccessContains => "Reply must contain",
            FieldId::SuccessExcludes => "Reply must not contain",
            FieldId::AccountSid => "Account SID",
            FieldId::AddressTemplate => "Address template",
            FieldId::MaxSegments => "Longest message",
            FieldId::GatewayTimeout => "Timeout",
            FieldId::SmsRecipient => "Recipient in International format",
            FieldId::SmsMessage => "Message",
        }
    }
}

/// One rule a field broke, in words meant for the administrator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field the message belongs beside.
    pub field: FieldId,
    /// What is wrong and, where it helps, how to fix it.
    pub message: String,
}

/// All the rules a form broke, at most one message per field (the first one found).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `message` for `field` unless that field already has one.
    pub fn add(&mut self, field: FieldId, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push(FieldError {
                field,
                message: message.into(),
            });
        }
    }

    /// Forgets the message for `field` (the admin edited it since).
    pub fn remove(&mut self, field: FieldId) {
        self.0.retain(|error| error.field != field);
    }

    /// The message recorded for `field`, if any.
    pub fn get(&self, field: FieldId) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// True when no rule was broken.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The recorded errors in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// `Ok(value)` when nothing was recorded, else these errors.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<FieldError> for FieldErrors {
    fn from(error: FieldError) -> Self {
        FieldErrors(vec![error])
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", error.field.label(), error.message)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_names_each_field_by_its_input_id() {
        for field in [
            FieldId::ServerName,
            FieldId::GatewayUrl,
            FieldId::SmsRecipient,
        ] {
            let json = serde_json::to_string(&field).unwrap();

            assert_eq!(json, format!("\"{}\"", field.id()));
        }
    }
}
