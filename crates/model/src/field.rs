//! Which field an error belongs to, so the page can show each message right beside its input.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Every input on the console that a validation message can be attached to.
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
