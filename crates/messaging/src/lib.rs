//! The console's services, independent of the web framework: settings storage with every
//! secret encrypted at rest, the one SMTP send path (test emails, email-to-SMS, and later
//! notifications), the SMS service with its gateway kinds, and the HTTP client they call
//! gateways with.

pub mod admin;
pub mod cipher;
pub mod email;
pub mod http;
pub mod mask;
mod net;
pub mod policy;
pub mod settings;
pub mod sms;
pub mod smtp;

pub use admin::{AdminStore, SessionLifetime, SignedIn};
pub use cipher::{KeySource, SecretCipher};
pub use email::{EmailError, EmailService, OutgoingEmail};
pub use http::{HttpClient, HttpFailure, HttpMethod, HttpReply, HttpRequest, HttpStage};
pub use policy::{IpBlock, OutboundPolicy, PolicyRefusal};
pub use settings::{
    DatabaseLocation, SettingsStore, StoreError, StoredSmsGateway, StoredSmtpSettings,
};
pub use sms::{OutgoingSms, SmsError, SmsService};
pub use smtp::{SmtpConfig, SmtpTransport};

/// The services the web layer hands to its handlers; cheap to clone.
#[derive(Clone)]
pub struct Services {
    /// Stored settings.
    pub settings: SettingsStore,
    /// The email send path.
    pub email: EmailService,
    /// The SMS send path.
    pub sms: SmsService,
    /// Administrators, sessions and the audit log.
    pub admins: AdminStore,
    /// Test sends per administrator.
    pub test_sends: std::sync::Arc<admin::limits::TestSendLimit>,
}
