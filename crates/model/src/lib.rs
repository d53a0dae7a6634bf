//! Messaging Setup's shared vocabulary: the settings an administrator types, the rules they must
//! pass, and the messages shown beside a field when they do not.
//!
//! The same code runs in the browser (live feedback as the admin types) and on the server (the
//! authoritative check before anything is stored or sent), so a rule can never disagree with
//! itself. Nothing here talks to the network, a database or the DOM, except the small
//! browser-only bridge in [`idn`] that converts internationalised host names.

pub mod admin;
pub mod delivery;
pub mod field;
pub mod host;
pub mod idn;
pub mod mailbox;
pub mod pem;
pub mod phone;
pub mod secret;
pub mod sms;
pub mod sms_text;
pub mod smtp;
pub mod test_email;
pub mod test_sms;
pub mod text;
pub mod web_url;

pub use delivery::{Delivered, DeliveryFailure, FailureKind, SettingsUsed, SmtpStage};
pub use field::{FieldError, FieldErrors, FieldId};
pub use host::ServerName;
pub use mailbox::Mailbox;
pub use phone::PhoneNumber;
pub use secret::SecretText;
pub use sms::outcome::{SentLength, SmsFailure, SmsSent};
pub use sms::{
    GatewayConfig, GatewayKind, GatewaySummary, SmsGatewayForm, SmsGatewaySettings, SmsGatewayView,
    StoredGateway,
};
pub use sms_text::{SmsEncoding, SmsLength};
pub use smtp::{
    ConnectionSecurity, Destination, PasswordInput, PasswordPlan, SmtpForm, SmtpSettings,
    SmtpSettingsView, StoredSmtp,
};
pub use test_email::{TestEmail, TestEmailForm};
pub use test_sms::{TestSms, TestSmsForm};
pub use web_url::WebUrl;
