//! The console's services, independent of the web framework: settings storage with the SMTP
//! password encrypted at rest, and the one SMTP send path used by test emails and (later) by
//! notifications and the email-to-SMS gateway.

pub mod cipher;
pub mod email;
pub mod mask;
pub mod settings;
pub mod smtp;

pub use cipher::{KeySource, SecretCipher};
pub use email::{EmailError, EmailService, OutgoingEmail};
pub use settings::{DatabaseLocation, SettingsStore, StoreError, StoredSmtpSettings};
pub use smtp::{SmtpConfig, SmtpTransport};

/// The services the web layer hands to its handlers; cheap to clone.
#[derive(Clone)]
pub struct Services {
    /// Stored settings.
    pub settings: SettingsStore,
    /// The email send path.
    pub email: EmailService,
}
