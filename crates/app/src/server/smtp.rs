//! Server-side bodies of the SMTP server functions.

use super::{
    audit, check_trusted_ca, count_test_send, email_error, form_changes, internal, invalid,
    saved_summary, secret_outcome, services, signed_in,
};
use crate::api::SavedSmtp;
use crate::error::ConsoleError;
use messaging::admin::{AuditAction, AuditOutcome};
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
    let admin = signed_in()?;
    let services = services()?;
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
    let changes = form_changes(before.map(|b| b.view().to_form()).as_ref(), &view.to_form());
    let summary = saved_summary(password, "password");
    audit(
        &services,
        &admin,
        AuditAction::SmtpSaved,
        AuditOutcome::Succeeded,
        summary,
        changes,
    )
    .await;
    Ok(SavedSmtp { view, password })
}

pub(crate) async fn reset_smtp_settings() -> Result<bool, ConsoleError> {
    let admin = signed_in()?;
    let services = services()?;
    let removed = services
        .settings
        .reset_smtp()
        .await
        .map_err(|e| internal(&e))?;
    tracing::info!(removed, "SMTP settings reset");
    let summary = if removed {
        "settings and password removed"
    } else {
        "nothing was stored"
    };
    audit(
        &services,
        &admin,
        AuditAction::SmtpReset,
        AuditOutcome::Succeeded,
        summary.to_owned(),
        Vec::new(),
    )
    .await;
    Ok(removed)
}

pub(crate) async fn send_test_email(form: TestEmailForm) -> Result<Delivered, ConsoleError> {
    let admin = signed_in()?;
    let services = services()?;
    let test = form.validate().map_err(invalid)?;
    let recipient = mask::email_address(&test.recipient.address());
    if let Err(refused) = count_test_send(&services, &admin) {
        let summary = format!("to {recipient}: refused, {refused}");
        audit(
            &services,
            &admin,
            AuditAction::TestEmail,
            AuditOutcome::Refused,
            summary,
            Vec::new(),
        )
        .await;
        return Err(refused);
    }
    let email = OutgoingEmail {
        to: test.recipient,
        subject: TEST_SUBJECT.to_owned(),
        body: test.message,
    };
    tracing::info!(
        recipient = mask::email_address(&email.to.address()),
        "sending a test email"
    );
    let result = services.email.send(&email).await;
    let (outcome, summary) = match &result {
        Ok(delivered) => (
            AuditOutcome::Succeeded,
            format!(
                "to {recipient}: accepted, {}",
                mask::server_reply(&delivered.final_reply)
            ),
        ),
        Err(error) => (
            AuditOutcome::Failed,
            format!("to {recipient}: {}", mask::server_reply(&error.to_string())),
        ),
    };
    audit(
        &services,
        &admin,
        AuditAction::TestEmail,
        outcome,
        summary,
        Vec::new(),
    )
    .await;
    result.map_err(email_error)
}
