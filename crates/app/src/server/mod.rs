//! Server-side bodies of the server functions, and the one place where service errors become
//! [`ConsoleError`]s with their HTTP status. Internal causes are logged here with a reference;
//! only the reference reaches the browser.

mod sms;
mod smtp;

pub(crate) use sms::{load_sms_gateway, reset_sms_gateway, save_sms_gateway, send_test_sms};
pub(crate) use smtp::{
    load_smtp_settings, reset_smtp_settings, save_smtp_settings, send_test_email,
};

use crate::api::PasswordOutcome;
use crate::error::ConsoleError;
use http::StatusCode;
use leptos::prelude::*;
use messaging::admin::{AuditAction, AuditEntry, AuditOutcome, FieldChange};
use messaging::{EmailError, Services, SignedIn, SmsError};
use model::{FieldErrors, FieldId, PasswordPlan};
use std::error::Error as StdError;

/// Checks a pasted CA the way the TLS library will use it; the model only checks the PEM shape.
fn check_trusted_ca(pem: Option<&str>) -> Result<(), ConsoleError> {
    match pem.map(messaging::smtp::tls::check_ca_pem) {
        Some(Err(error)) => {
            let mut errors = FieldErrors::new();
            errors.add(FieldId::CaCertificate, capitalise(&error.to_string()));
            Err(invalid(errors))
        }
        _ => Ok(()),
    }
}

/// What a save did to a write-only secret, from what was planned and what is stored now.
fn secret_outcome(plan: &PasswordPlan, had_secret: bool, has_secret: bool) -> PasswordOutcome {
    match (plan, has_secret) {
        (PasswordPlan::Replace(_), _) => PasswordOutcome::Replaced,
        (_, true) => PasswordOutcome::Kept,
        (_, false) if had_secret => PasswordOutcome::Removed,
        (_, false) => PasswordOutcome::None,
    }
}

/// Sets the page's Content-Security-Policy: scripts only from this origin or carrying this
/// response's nonce (the inline hydration script), WASM compilation allowed, no framing, no
/// plugins, requests only to this origin. Inline `style` attributes are not used, so none are
/// allowed.
pub(crate) fn content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The administrator making the request, put there by the server's session check.
fn signed_in() -> Result<SignedIn, ConsoleError> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<SignedIn>().cloned())
        .ok_or_else(|| {
            set_status(StatusCode::UNAUTHORIZED);
            ConsoleError::SignedOut
        })
}

/// Writes the audit log for one administrator's request.
struct Auditor {
    services: Services,
    admin: SignedIn,
}

impl Auditor {
    /// The signed-in administrator and the services, or 401.
    fn for_request() -> Result<Auditor, ConsoleError> {
        Ok(Auditor {
            admin: signed_in()?,
            services: services()?,
        })
    }

    /// Appends an entry. A failure to write is logged at ERROR and does not undo the action
    /// (known shortcoming: the change then stands without its entry).
    async fn record(
        &self,
        action: AuditAction,
        outcome: AuditOutcome,
        summary: String,
        changes: Vec<FieldChange>,
    ) {
        let entry = AuditEntry {
            actor: self.admin.name.clone(),
            client: self.admin.client,
            action,
            outcome,
            summary,
            changes,
        };
        let now = messaging::admin::unix_now();
        if let Err(error) = self.services.admins.record(&entry, now).await {
            let reference = new_reference();
            tracing::error!(reference, error = %error, action = action.as_str(), "audit entry not written");
        }
    }

    /// A save: each changed field of the form (as the page shows it) old → new, the secret
    /// boxes and the `unused` parts (other gateway kinds' fields) left out, the secret's fate
    /// told in words, long PEM text summarised.
    async fn saved<F: serde::Serialize>(
        &self,
        action: AuditAction,
        (before, after): (Option<&F>, &F),
        unused: &[&str],
        (secret, secret_name): (PasswordOutcome, &str),
    ) {
        let old = before.and_then(|form| serde_json::to_value(form).ok());
        let new = serde_json::to_value(after).ok();
        let mut hidden = vec!["password", "secret"];
        hidden.extend_from_slice(unused);
        let changes = messaging::admin::changes_between(
            old.as_ref(),
            new.as_ref(),
            &hidden,
            &["ca_certificate"],
        );
        let summary = match secret {
            PasswordOutcome::Replaced => format!("saved; {secret_name} changed"),
            PasswordOutcome::Removed => format!("saved; {secret_name} removed"),
            PasswordOutcome::Kept | PasswordOutcome::None => "saved".to_owned(),
        };
        self.record(action, AuditOutcome::Succeeded, summary, changes)
            .await;
    }

    /// A reset of `what`.
    async fn reset(&self, action: AuditAction, removed: bool, what: &str) {
        let summary = if removed {
            format!("{what} removed")
        } else {
            "nothing was stored".to_owned()
        };
        self.record(action, AuditOutcome::Succeeded, summary, Vec::new())
            .await;
    }

    /// Counts a test send to `recipient` (masked) against the administrator's allowance; a
    /// refusal (429) is audited and returned.
    async fn allow_test_send(
        &self,
        action: AuditAction,
        recipient: &str,
    ) -> Result<(), ConsoleError> {
        let wait = match self
            .services
            .test_sends
            .acquire(self.admin.id, std::time::Instant::now())
        {
            Ok(()) => return Ok(()),
            Err(wait) => wait,
        };
        set_status(StatusCode::TOO_MANY_REQUESTS);
        let refused = ConsoleError::TooManyTestSends {
            retry_after_secs: wait.as_secs().max(1),
        };
        let summary = format!("to {recipient}: {refused}");
        self.record(action, AuditOutcome::Refused, summary, Vec::new())
            .await;
        Err(refused)
    }

    /// A test send's outcome: what was accepted, or why not (replies masked).
    async fn test_sent(
        &self,
        action: AuditAction,
        recipient: &str,
        outcome: Result<String, String>,
    ) {
        let (outcome, said) = match outcome {
            Ok(said) => (AuditOutcome::Succeeded, said),
            Err(said) => (AuditOutcome::Failed, said),
        };
        let summary = format!("to {recipient}: {}", messaging::mask::server_reply(&said));
        self.record(action, outcome, summary, Vec::new()).await;
    }
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

fn sms_error(error: SmsError) -> ConsoleError {
    match error {
        SmsError::NotConfigured => {
            set_status(StatusCode::CONFLICT);
            ConsoleError::SmsNotConfigured
        }
        SmsError::SecretMissing => {
            set_status(StatusCode::CONFLICT);
            ConsoleError::SmsSecretMissing
        }
        SmsError::SmtpNotReady(cause) => {
            set_status(StatusCode::CONFLICT);
            let reason = match cause {
                EmailError::NotConfigured => "no SMTP settings are saved",
                EmailError::PasswordMissing => "its password is not stored",
                _ => "the message cannot be built for it",
            };
            ConsoleError::SmtpNeededForSms(reason.to_owned())
        }
        SmsError::Invalid(errors) => invalid(errors),
        // The gateway was reached (or tried) and refused: the console itself worked.
        SmsError::Failed(failure) => {
            set_status(StatusCode::BAD_GATEWAY);
            ConsoleError::SmsFailed(failure)
        }
        SmsError::Store(error) => internal(&error),
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
