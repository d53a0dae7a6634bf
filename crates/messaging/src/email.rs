//! The email service: loads the saved SMTP settings, builds the message and sends it through
//! the SMTP transport. The Send Test Email dialog uses it now; notifications and the
//! email-to-SMS gateway are meant to call the same [`EmailService::send`].

use crate::mask;
use crate::settings::{SettingsStore, StoreError};
use crate::smtp::{Envelope, SmtpTransport};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox as LettreMailbox, Message};
use model::{Delivered, DeliveryFailure, Mailbox};

/// A message to send.
#[derive(Clone, Debug)]
pub struct OutgoingEmail {
    /// The one recipient.
    pub to: Mailbox,
    /// Subject line (single line; the caller's text is validated).
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// Why an email was not sent.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    /// No SMTP settings are saved.
    #[error("no SMTP settings are saved")]
    NotConfigured,
    /// A user name is saved but no usable password (none stored, or it no longer decrypts).
    #[error("a user name is saved but no usable password")]
    PasswordMissing,
    /// The settings could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The message could not be built (an address lettre refuses).
    #[error("the message cannot be built")]
    Build(#[source] lettre::error::Error),
    /// The server was tried and the send failed.
    #[error("{0}")]
    Delivery(DeliveryFailure),
}

/// Sends email with the saved settings; cheap to clone.
#[derive(Clone)]
pub struct EmailService {
    store: SettingsStore,
    transport: SmtpTransport,
}

impl EmailService {
    /// A service reading settings from `store` and sending with `transport`.
    pub fn new(store: SettingsStore, transport: SmtpTransport) -> EmailService {
        EmailService { store, transport }
    }

    /// Sends `email` with the saved settings, from the Default From address.
    pub async fn send(&self, email: &OutgoingEmail) -> Result<Delivered, EmailError> {
        let settings = self
            .store
            .load_smtp()
            .await?
            .ok_or(EmailError::NotConfigured)?;
        let config = settings.smtp_config();
        let message = build_message(&config.from, email).map_err(EmailError::Build)?;
        let envelope = Envelope {
            recipient: email.to.clone(),
            message,
        };

        let outcome = self.transport.send(&config, &envelope).await;

        let recipient = mask::email_address(&email.to.address());
        match &outcome {
            Ok(delivered) => tracing::info!(
                recipient,
                server = %config.server,
                port = config.port,
                elapsed_ms = delivered.elapsed_ms,
                reply = mask::server_reply(&delivered.final_reply),
                "email accepted by the SMTP server"
            ),
            Err(failure) => tracing::warn!(
                recipient,
                server = %config.server,
                port = config.port,
                kind = ?failure.kind,
                stage = ?failure.stage,
                reply = mask::server_reply(failure.server_reply.as_deref().unwrap_or("")),
                elapsed_ms = failure.elapsed_ms,
                "email not sent: {}",
                failure.summary
            ),
        }
        outcome.map_err(EmailError::Delivery)
    }
}

fn build_message(from: &Mailbox, email: &OutgoingEmail) -> Result<Vec<u8>, lettre::error::Error> {
    let message = Message::builder()
        .message_id(Some(new_message_id(&from.domain)))
        .from(to_lettre_mailbox(from)?)
        .to(to_lettre_mailbox(&email.to)?)
        .subject(email.subject.as_str())
        .header(ContentType::TEXT_PLAIN)
        .body(normalise_line_breaks(&email.body))?;
    Ok(message.formatted())
}

/// Every line break as LF, which lettre writes as CRLF. A bare CR must never reach the wire:
/// `<CR>.<CR><LF>` is how "SMTP smuggling" ends a message early at lenient relays.
fn normalise_line_breaks(body: &str) -> String {
    body.replace("\r\n", "\n").replace('\r', "\n")
}

/// A globally unique Message-ID under the sender's domain: 128 random bits and the time.
/// lettre adds none by itself, and large providers refuse mail without one.
fn new_message_id(domain: &str) -> String {
    use chacha20poly1305::aead::OsRng;
    use chacha20poly1305::aead::rand_core::RngCore as _;
    let mut random = [0u8; 16];
    OsRng.fill_bytes(&mut random);
    let hex: String = random.iter().map(|byte| format!("{byte:02x}")).collect();
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!("<{millis}.{hex}@{domain}>")
}

fn to_lettre_mailbox(mailbox: &Mailbox) -> Result<LettreMailbox, lettre::error::Error> {
    let address = lettre::Address::new(&mailbox.local_part, &mailbox.domain)
        .map_err(|_| lettre::error::Error::MissingFrom)?;
    Ok(LettreMailbox::new(mailbox.display_name.clone(), address))
}
