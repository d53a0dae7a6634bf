//! Server-side bodies of the SMS gateway server functions.

use super::{check_trusted_ca, internal, invalid, secret_outcome, services, sms_error};
use crate::api::SavedSms;
use crate::error::ConsoleError;
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
    Ok(SavedSms {
        view: saved.view(),
        secret,
    })
}

pub(crate) async fn reset_sms_gateway() -> Result<bool, ConsoleError> {
    let services = services()?;
    let removed = services
        .settings
        .reset_sms_gateway()
        .await
        .map_err(|e| internal(&e))?;
    tracing::info!(removed, "SMS gateway reset");
    Ok(removed)
}

pub(crate) async fn send_test_sms(form: TestSmsForm) -> Result<SmsSent, ConsoleError> {
    let services = services()?;
    tracing::info!(
        recipient = mask::phone_number(form.recipient.trim()),
        "sending a test SMS"
    );
    services.sms.send_test(&form).await.map_err(sms_error)
}
