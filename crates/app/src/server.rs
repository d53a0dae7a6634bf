//! Server-side bodies of the server functions, and the one place where service errors become
//! [`ConsoleError`]s with their HTTP status. Internal causes are logged here with a reference;
//! only the reference reaches the browser.

use crate::api::{PasswordOutcome, SavedSmtp};
use crate::error::ConsoleError;
use http::StatusCode;
use leptos::prelude::*;
use messaging::{EmailError, OutgoingEmail, Services, mask};
use model::{
    Delivered, FieldErrors, FieldId, PasswordPlan, SmtpForm, SmtpSettingsView, TestEmailForm,
};
use std::error::Error as StdError;

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
    let services = services()?;
    let before = services
        .settings
        .load_smtp()
        .await
        .map_err(|e| internal(&e))?;
    let stored_context = before.as_ref().map(|s| s.view().stored());
    let settings = form.validate(stored_context.as_ref()).map_err(invalid)?;
    if let Some(pem) = &settings.ca_certificate
        && let Err(error) = messaging::smtp::tls::check_ca_pem(pem)
    {
        let mut errors = FieldErrors::new();
        errors.add(FieldId::CaCertificate, capitalise(&error.to_string()));
        return Err(invalid(errors));
    }
    let had_password = before.as_ref().is_some_and(|s| s.password.is_some());
    let replacing = matches!(settings.password, PasswordPlan::Replace(_));

    let saved = services
        .settings
        .save_smtp(&settings)
        .await
        .map_err(|e| internal(&e))?;

    let password = match (replacing, saved.password.is_some()) {
        (true, _) => PasswordOutcome::Replaced,
        (_, true) => PasswordOutcome::Kept,
        (_, false) if had_password => PasswordOutcome::Removed,
        (_, false) => PasswordOutcome::None,
    };
    tracing::info!(
        server = %saved.server,
        port = saved.port,
        security = saved.security.as_str(),
        authenticated = saved.user_name.is_some(),
        password = ?password,
        "SMTP settings saved"
    );
    Ok(SavedSmtp {
        view: saved.view(),
        password,
    })
}

pub(crate) async fn reset_smtp_settings() -> Result<bool, ConsoleError> {
    let services = services()?;
    let removed = services
        .settings
        .reset_smtp()
        .await
        .map_err(|e| internal(&e))?;
    tracing::info!(removed, "SMTP settings reset");
    Ok(removed)
}

pub(crate) async fn send_test_email(form: TestEmailForm) -> Result<Delivered, ConsoleError> {
    let services = services()?;
    let test = form.validate().map_err(invalid)?;
    let email = OutgoingEmail {
        to: test.recipient,
        subject: TEST_SUBJECT.to_owned(),
        body: test.message,
    };
    tracing::info!(
        recipient = mask::email_address(&email.to.address()),
        "sending a test email"
    );
    services.email.send(&email).await.map_err(email_error)
}

fn services() -> Result<Services, ConsoleError> {
    use_context::<Services>().ok_or_else(|| {
        let error = std::io::Error::other("the console's services are not in the request context");
        internal(&error)
    })
}

fn set_status(status: StatusCode) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}

fn invalid(errors: FieldErrors) -> ConsoleError {
    set_status(StatusCode::UNPROCESSABLE_ENTITY);
    ConsoleError::Invalid(errors)
}

/// A request that could not be decoded: the client's fault, answered 400.
pub(crate) fn malformed(error: leptos::server_fn::error::ServerFnErrorErr) -> ConsoleError {
    set_status(StatusCode::BAD_REQUEST);
    // server_fn words every decoding failure as one of "results"; here it is the request.
    let detail = error.to_string();
    let detail = detail
        .rsplit_once("server function results: ")
        .map_or(detail.as_str(), |(_, d)| d);
    ConsoleError::Malformed(detail.to_owned())
}

fn email_error(error: EmailError) -> ConsoleError {
    match error {
        EmailError::NotConfigured => {
            set_status(StatusCode::CONFLICT);
            ConsoleError::NotConfigured
        }
        EmailError::PasswordMissing => {
            set_status(StatusCode::CONFLICT);
            ConsoleError::PasswordMissing
        }
        // The server was reached (or tried) and refused: the console itself worked.
        EmailError::Delivery(failure) => {
            set_status(StatusCode::BAD_GATEWAY);
            ConsoleError::Delivery(Box::new(failure))
        }
        EmailError::Store(error) => internal(&error),
        EmailError::Build(error) => internal(&error),
    }
}

/// Logs the full cause chain under a new reference and returns only the reference.
fn internal(error: &(dyn StdError + 'static)) -> ConsoleError {
    let reference = new_reference();
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    tracing::error!(reference, error = chain, "request failed");
    set_status(StatusCode::INTERNAL_SERVER_ERROR);
    ConsoleError::Internal { reference }
}

fn new_reference() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "E{:08X}",
        nanos ^ COUNTER.fetch_add(1, Ordering::Relaxed).rotate_left(16)
    )
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
