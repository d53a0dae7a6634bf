//! Server functions: the console's API. Each is callable from the page and over HTTP under
//! `/api/…`; their bodies run only on the server.

use crate::error::ConsoleError;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};
use model::{
    Delivered, GatewaySummary, SmsGatewayForm, SmsGatewayView, SmsSent, SmtpForm, SmtpSettingsView,
    TestEmailForm, TestSmsForm,
};
use serde::{Deserialize, Serialize};

/// What a save did, beyond storing the fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedSmtp {
    /// The settings as now stored.
    pub view: SmtpSettingsView,
    /// What happened to the password.
    pub password: PasswordOutcome,
}

/// What a save of the SMS gateway did, beyond storing the fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedSms {
    /// The gateway as now stored.
    pub view: SmsGatewayView,
    /// What happened to the password, token or API key.
    pub secret: PasswordOutcome,
}

/// What a save did to the stored password.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordOutcome {
    /// A new password was stored.
    Replaced,
    /// The stored password was kept.
    Kept,
    /// The stored password was removed (on request, or because the destination changed).
    Removed,
    /// No password before, none now.
    None,
}

impl PasswordOutcome {
    /// The banner after a save; `secret` names it ("password", "secret").
    pub fn saved_message(self, secret: &str) -> String {
        match self {
            PasswordOutcome::Replaced => format!("Saved. The new {secret} is stored encrypted."),
            PasswordOutcome::Kept => format!("Saved. The stored {secret} was kept."),
            PasswordOutcome::Removed => format!("Saved. The stored {secret} was removed."),
            PasswordOutcome::None => "Saved.".to_owned(),
        }
    }
}

/// The saved SMTP settings, or `None` when nothing is saved. Never includes the password.
#[server(prefix = "/api", endpoint = "smtp/settings", input = GetUrl)]
pub async fn load_smtp_settings() -> Result<Option<SmtpSettingsView>, ConsoleError> {
    crate::server::load_smtp_settings().await
}

/// Validates and stores the SMTP settings.
#[server(prefix = "/api", endpoint = "smtp/save", input = Json)]
pub async fn save_smtp_settings(form: SmtpForm) -> Result<SavedSmtp, ConsoleError> {
    crate::server::save_smtp_settings(form).await
}

/// Removes the SMTP settings, password included. Returns whether anything was stored.
#[server(prefix = "/api", endpoint = "smtp/reset")]
pub async fn reset_smtp_settings() -> Result<bool, ConsoleError> {
    crate::server::reset_smtp_settings().await
}

/// Sends a test email through the saved settings and reports the server's final reply.
#[server(prefix = "/api", endpoint = "smtp/test-email", input = Json)]
pub async fn send_test_email(form: TestEmailForm) -> Result<Delivered, ConsoleError> {
    crate::server::send_test_email(form).await
}

/// The saved SMS gateway, or `None` when none is saved. Never includes the secret.
#[server(prefix = "/api", endpoint = "sms/settings", input = GetUrl)]
pub async fn load_sms_gateway() -> Result<Option<SmsGatewayView>, ConsoleError> {
    crate::server::load_sms_gateway().await
}

/// What the Send Test SMS dialog shows of the saved gateway, or `None` when none is saved.
#[server(prefix = "/api", endpoint = "sms/summary", input = GetUrl)]
pub async fn load_sms_summary() -> Result<Option<GatewaySummary>, ConsoleError> {
    Ok(crate::server::load_sms_gateway()
        .await?
        .map(|view| view.summary()))
}

/// Validates and stores the SMS gateway.
#[server(prefix = "/api", endpoint = "sms/save", input = Json)]
pub async fn save_sms_gateway(form: SmsGatewayForm) -> Result<SavedSms, ConsoleError> {
    crate::server::save_sms_gateway(form).await
}

/// Removes the SMS gateway, secret included. Returns whether anything was stored.
#[server(prefix = "/api", endpoint = "sms/reset")]
pub async fn reset_sms_gateway() -> Result<bool, ConsoleError> {
    crate::server::reset_sms_gateway().await
}

/// Sends a test SMS through the saved gateway and reports what the gateway answered.
#[server(prefix = "/api", endpoint = "sms/test-sms", input = Json)]
pub async fn send_test_sms(form: TestSmsForm) -> Result<SmsSent, ConsoleError> {
    crate::server::send_test_sms(form).await
}
