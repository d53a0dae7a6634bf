//! Server-side bodies of the SMTP server functions.

use super::{Auditor, check_trusted_ca, email_error, internal, invalid, secret_outcome, services};
use crate::api::SavedSmtp;
use crate::error::ConsoleError;
use messaging::admin::AuditAction;
use messaging::{OutgoingEmail, mask};
use model::{Delivered, SmtpForm, SmtpSettingsView, TestEmailForm};

/// Subject of every test email.
const TEST_SUBJECT: &str = "Messaging Setup test email";

pub(crate) async fn load_smtp_settings() -> Result<Option<SmtpSettingsView>, ConsoleError> {
    let services = services()?;
    let stored = services
        .settings
        .load_smtp()
        .await
        .map_err(|e| internal(&e))?;
    Ok(stored.map(|settings| settings.view()))
}

pub(crate) async fn save_smtp_settings(form: SmtpForm) -> Result<SavedSmtp, ConsoleError> {
    let auditor = Auditor::for_request()?;
    let services = &auditor.services;
    let before = services
        .settings
        .load_smtp()
        .await
        .map_err(|e| internal(&e))?;
    let stored_context = before.as_ref().map(|s| s.view().stored());
    let settings = form.validate(stored_context.as_ref()).map_err(invalid)?;
    check_trusted_ca(settings.ca_certificate.as_deref())?;
    let had_password = before.as_ref().is_some_and(|s| s.password.is_some());

    let saved = services
        .settings
        .save_smtp(&settings)
        .await
        .map_err(|e| internal(&e))?;

    let password = secret_outcome(&settings.password, had_password, saved.password.is_some());
    tracing::info!(
        server = %saved.server,
        port = saved.port,
        security = saved.security.as_str(),
        authenticated = saved.user_name.is_some(),
        password = ?password,
        "SMTP settings saved"
    );
    let view = saved.view();
    let before = before.map(|settings| settings.view().to_form());
    auditor
        .saved(
            AuditAction::SmtpSaved,
            (before.as_ref(), &view.to_form()),
            &[],
            (password, "password"),
        )
        .await;
    Ok(SavedSmtp { view, password })
}

pub(crate) async fn reset_smtp_settings() -> Result<bool, ConsoleError> {
    let auditor = Auditor::for_request()?;
    let removed = auditor
        .services
        .settings
        .reset_smtp()
        .await
        .map_err(|e| internal(&e))?;
    tracing::info!(removed, "SMTP settings reset");
    auditor
        .reset(AuditAction::SmtpReset, removed, "settings and password")
        .await;
    Ok(removed)
}

pub(crate) async fn send_test_email(form: TestEmailForm) -> Result<Delivered, ConsoleError> {
    let auditor = Auditor::for_request()?;
    let test = form.validate().map_err(invalid)?;
    let recipient = mask::email_address(&test.recipient.address());
    auditor
        .allow_test_send(AuditAction::TestEmail, &recipient)
        .await?;
    let email = OutgoingEmail {
        to: test.recipient,
        subject: TEST_SUBJECT.to_owned(),
        body: test.message,
    };
    tracing::info!(recipient, "sending a test email");
    let result = auditor.services.email.send(&email).await;
    let said = match &result {
        Ok(delivered) => Ok(format!("accepted, {}", delivered.final_reply)),
        Err(error) => Err(error.to_string()),
    };
    auditor
        .test_sent(AuditAction::TestEmail, &recipient, said)
        .await;
    result.map_err(email_error)
}
