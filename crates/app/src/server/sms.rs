//! Server-side bodies of the SMS gateway server functions.

use super::{Auditor, check_trusted_ca, internal, invalid, secret_outcome, services, sms_error};
use crate::api::SavedSms;
use crate::error::ConsoleError;
use messaging::SmsError;
use messaging::admin::AuditAction;
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
    let auditor = Auditor::for_request()?;
    let services = &auditor.services;
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
    let before = before.map(|gateway| gateway.view().to_form());
    let after = view.to_form();
    // Only the chosen kind's fields are stored; the other kinds' boxes are not news.
    let unused: Vec<&str> = ["kannel", "http", "twilio", "email_to_sms"]
        .into_iter()
        .filter(|kind| *kind != after.kind.as_str())
        .collect();
    auditor
        .saved(
            AuditAction::SmsSaved,
            (before.as_ref(), &after),
            &unused,
            (secret, "password or token"),
        )
        .await;
    Ok(SavedSms { view, secret })
}

pub(crate) async fn reset_sms_gateway() -> Result<bool, ConsoleError> {
    let auditor = Auditor::for_request()?;
    let removed = auditor
        .services
        .settings
        .reset_sms_gateway()
        .await
        .map_err(|e| internal(&e))?;
    tracing::info!(removed, "SMS gateway reset");
    auditor
        .reset(AuditAction::SmsReset, removed, "gateway and its secret")
        .await;
    Ok(removed)
}

pub(crate) async fn send_test_sms(form: TestSmsForm) -> Result<SmsSent, ConsoleError> {
    let auditor = Auditor::for_request()?;
    let recipient = mask::phone_number(form.recipient.trim());
    auditor
        .allow_test_send(AuditAction::TestSms, &recipient)
        .await?;
    tracing::info!(recipient, "sending a test SMS");
    let result = auditor.services.sms.send_test(&form).await;
    let said = match &result {
        // Nothing was sent: the allowance is given back and there is nothing to audit.
        Err(SmsError::Invalid(_)) => {
            auditor.services.test_sends.give_back(auditor.admin.id);
            return result.map_err(sms_error);
        }
        Ok(sent) => Ok(format!(
            "accepted through {}{}",
            sent.gateway.as_str(),
            sent.status
                .map(|status| format!(", HTTP {status}"))
                .unwrap_or_default()
        )),
        Err(error) => Err(error.to_string()),
    };
    auditor
        .test_sent(AuditAction::TestSms, &recipient, said)
        .await;
    result.map_err(sms_error)
}
