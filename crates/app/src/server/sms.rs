//! Server-side bodies of the SMS gateway server functions.

use super::{
    audit, check_trusted_ca, count_test_send, form_changes, internal, invalid, saved_summary,
    secret_outcome, services, signed_in, sms_error,
};
use crate::api::SavedSms;
use crate::error::ConsoleError;
use messaging::SmsError;
use messaging::admin::{AuditAction, AuditOutcome};
use messaging::mask;
use model::{SmsGatewayForm, SmsGatewayView, SmsSent, TestSmsForm};

pub(crate) async fn load_sms_gateway() -> Result<Option<SmsGatewayView>, ConsoleError> {
    let services = services()?;
    let stored = services
        .settings
        .load_sms_gateway()
        .await
        .map_err(|e| internal(&e))?;
    Ok(stored.map(|gateway| gateway.view()))
}

pub(crate) async fn save_sms_gateway(form: SmsGatewayForm) -> Result<SavedSms, ConsoleError> {
    let admin = signed_in()?;
    let services = services()?;
    let before = services
        .settings
        .load_sms_gateway()
        .await
        .map_err(|e| internal(&e))?;
    let stored_context = before.as_ref().map(|gateway| gateway.view().stored());
    let settings = form.validate(stored_context.as_ref()).map_err(invalid)?;
    check_trusted_ca(settings.ca_certificate.as_deref())?;
    let had_secret = before
        .as_ref()
        .is_some_and(|gateway| gateway.secret.is_some());

    let saved = services
        .settings
        .save_sms_gateway(&settings)
        .await
        .map_err(|e| internal(&e))?;

    let secret = secret_outcome(&settings.secret, had_secret, saved.secret.is_some());
    tracing::info!(
        gateway = saved.gateway.kind().as_str(),
        endpoint = saved.gateway.endpoint(),
        secret = ?secret,
        "SMS gateway saved"
    );
    let view = saved.view();
    let changes = form_changes(before.map(|b| b.view().to_form()).as_ref(), &view.to_form());
    let summary = saved_summary(secret, "password or token");
    audit(
        &services,
        &admin,
        AuditAction::SmsSaved,
        AuditOutcome::Succeeded,
        summary,
        changes,
    )
    .await;
    Ok(SavedSms { view, secret })
}

pub(crate) async fn reset_sms_gateway() -> Result<bool, ConsoleError> {
    let admin = signed_in()?;
    let services = services()?;
    let removed = services
        .settings
        .reset_sms_gateway()
        .await
        .map_err(|e| internal(&e))?;
    tracing::info!(removed, "SMS gateway reset");
    let summary = if removed {
        "gateway and its secret removed"
    } else {
        "nothing was stored"
    };
    audit(
        &services,
        &admin,
        AuditAction::SmsReset,
        AuditOutcome::Succeeded,
        summary.to_owned(),
        Vec::new(),
    )
    .await;
    Ok(removed)
}

pub(crate) async fn send_test_sms(form: TestSmsForm) -> Result<SmsSent, ConsoleError> {
    let admin = signed_in()?;
    let services = services()?;
    let recipient = mask::phone_number(form.recipient.trim());
    if let Err(refused) = count_test_send(&services, &admin) {
        let summary = format!("to {recipient}: refused, {refused}");
        audit(
            &services,
            &admin,
            AuditAction::TestSms,
            AuditOutcome::Refused,
            summary,
            Vec::new(),
        )
        .await;
        return Err(refused);
    }
    tracing::info!(recipient, "sending a test SMS");
    let result = services.sms.send_test(&form).await;
    let (outcome, summary) = match &result {
        // Nothing was sent: the allowance is given back and there is nothing to audit.
        Err(SmsError::Invalid(_)) => {
            services.test_sends.give_back(admin.id);
            return result.map_err(sms_error);
        }
        Ok(sent) => (
            AuditOutcome::Succeeded,
            format!(
                "to {recipient} through {}: accepted{}",
                sent.gateway.as_str(),
                sent.status
                    .map(|s| format!(", HTTP {s}"))
                    .unwrap_or_default()
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
        AuditAction::TestSms,
        outcome,
        summary,
        Vec::new(),
    )
    .await;
    result.map_err(sms_error)
}
