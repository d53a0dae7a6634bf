//! Persistent settings. Callers use [`SettingsStore`] and never see which database is behind
//! it; today that is SQLite, and a PostgreSQL backend is another variant of [`Backend`] with its
//! own queries, nothing more.

mod sms;
mod sqlite;

pub use sms::StoredSmsGateway;

use crate::cipher::SecretCipher;
use crate::smtp::SmtpConfig;
use model::{ConnectionSecurity, Mailbox, ServerName, SmtpSettings, SmtpSettingsView};
use secrecy::SecretString;
use std::path::PathBuf;
use std::time::Duration;

/// Associated data that binds a sealed SMTP password to its column.
const SMTP_PASSWORD_PURPOSE: &str = "smtp_settings.password_sealed";

/// Which database holds the settings.
#[derive(Clone, Debug)]
pub enum DatabaseLocation {
    /// An SQLite file, created (with its folder) on first start.
    SqliteFile(PathBuf),
    /// A private in-memory SQLite database, for tests.
    SqliteMemory,
}

/// Why settings could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or created.
    #[error("cannot open the settings database")]
    Open(#[source] sqlx::Error),
    /// A migration failed; the console must not run on a half-migrated database.
    #[error("cannot migrate the settings database")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("settings query failed")]
    Query(#[from] sqlx::Error),
    /// A stored value no longer passes validation (edited by hand, or an older rule).
    #[error("stored {column} is not valid: {reason}")]
    Corrupt {
        /// The column.
        column: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

enum Backend {
    Sqlite(sqlx::SqlitePool),
}

/// Reads and writes the console's settings; cheap to clone.
#[derive(Clone)]
pub struct SettingsStore {
    backend: std::sync::Arc<Backend>,
    cipher: SecretCipher,
}

/// The SMTP settings as stored, the password decrypted but kept secret.
#[derive(Clone, Debug)]
pub struct StoredSmtpSettings {
    /// The server's name or address.
    pub server: ServerName,
    /// TCP port.
    pub port: u16,
    /// Connection security.
    pub security: ConnectionSecurity,
    /// User name, if any.
    pub user_name: Option<String>,
    /// The password, if one is stored.
    pub password: Option<SecretString>,
    /// Default From mailbox.
    pub from: Mailbox,
    /// Seconds each stage of a send may take.
    pub timeout_secs: u32,
    /// Extra CA certificate(s), PEM.
    pub ca_certificate: Option<String>,
    /// Last save, RFC 3339 UTC.
    pub updated_at: String,
}

impl StoredSmtpSettings {
    /// What the page may see: everything but the password.
    pub fn view(&self) -> SmtpSettingsView {
        SmtpSettingsView {
            server: self.server.clone(),
            port: self.port,
            security: self.security,
            user_name: self.user_name.clone(),
            password_stored: self.password.is_some(),
            from: self.from.clone(),
            timeout_secs: self.timeout_secs,
            ca_certificate: self.ca_certificate.clone(),
            updated_at: self.updated_at.clone(),
        }
    }

    /// What the SMTP transport needs to send with these settings.
    pub fn smtp_config(&self) -> SmtpConfig {
        SmtpConfig {
            server: self.server.clone(),
            port: self.port,
            security: self.security,
            credentials: self
                .user_name
                .clone()
                .map(|user| (user, self.password.clone().unwrap_or_default())),
            from: self.from.clone(),
            stage_timeout: Duration::from_secs(u64::from(self.timeout_secs)),
            ca_certificate: self.ca_certificate.clone(),
        }
    }
}

impl SettingsStore {
    /// Opens (creating if needed) the database and applies every migration; a failed
    /// migration is an error, never a warning.
    pub async fn open(
        location: &DatabaseLocation,
        cipher: SecretCipher,
    ) -> Result<SettingsStore, StoreError> {
        let pool = sqlite::connect(location).await?;
        Ok(SettingsStore {
            backend: std::sync::Arc::new(Backend::Sqlite(pool)),
            cipher,
        })
    }

    /// The administrators, sessions and audit log kept in the same database.
    pub fn admins(&self) -> crate::admin::AdminStore {
        match self.backend.as_ref() {
            Backend::Sqlite(pool) => crate::admin::AdminStore::new(pool.clone()),
        }
    }

    /// The stored SMTP settings, or `None` when nothing was saved (or after a reset).
    pub async fn load_smtp(&self) -> Result<Option<StoredSmtpSettings>, StoreError> {
        let row = match self.backend.as_ref() {
            Backend::Sqlite(pool) => sqlite::load_smtp(pool).await?,
        };
        row.map(|row| row.decode(&self.cipher)).transpose()
    }

    /// Stores validated settings and returns them as now stored. The password plan is applied
    /// in the same statement: a kept password survives only if the stored destination (server,
    /// port, security, user, trusted CA) equals the new one, so it can never follow a changed
    /// destination, even when two saves race.
    pub async fn save_smtp(
        &self,
        settings: &SmtpSettings,
    ) -> Result<StoredSmtpSettings, StoreError> {
        let sealed = match &settings.password {
            model::PasswordPlan::Replace(secret) => SealedPassword::Replace(
                self.cipher
                    .seal(SMTP_PASSWORD_PURPOSE, &secret.clone().into_secret_string()),
            ),
            model::PasswordPlan::Keep => SealedPassword::KeepIfSameDestination,
            model::PasswordPlan::Clear => SealedPassword::Clear,
        };
        let row = match self.backend.as_ref() {
            Backend::Sqlite(pool) => sqlite::save_smtp(pool, settings, sealed).await?,
        };
        row.decode(&self.cipher)
    }

    /// Removes the SMTP settings, password included. Returns whether anything was stored.
    pub async fn reset_smtp(&self) -> Result<bool, StoreError> {
        match self.backend.as_ref() {
            Backend::Sqlite(pool) => sqlite::reset_smtp(pool).await,
        }
    }
}

/// What a save does to the sealed password column.
enum SealedPassword {
    Replace(Vec<u8>),
    KeepIfSameDestination,
    Clear,
}

/// A row as the database returns it, before decoding and decryption.
struct SmtpRow {
    server_name: String,
    port: i64,
    security: String,
    user_name: Option<String>,
    password_sealed: Option<Vec<u8>>,
    from_address: String,
    timeout_secs: i64,
    ca_certificate: Option<String>,
    updated_at: String,
}

impl SmtpRow {
    fn decode(self, cipher: &SecretCipher) -> Result<StoredSmtpSettings, StoreError> {
        let corrupt = |column, reason: String| StoreError::Corrupt { column, reason };
        let server = ServerName::parse(&self.server_name).map_err(|r| corrupt("server_name", r))?;
        let port = u16::try_from(self.port).map_err(|e| corrupt("port", e.to_string()))?;
        let security = ConnectionSecurity::from_id(&self.security)
            .ok_or_else(|| corrupt("security", format!("unknown value {:?}", self.security)))?;
        let from = Mailbox::parse(&self.from_address).map_err(|r| corrupt("from_address", r))?;
        let timeout_secs =
            u32::try_from(self.timeout_secs).map_err(|e| corrupt("timeout_secs", e.to_string()))?;
        let password = self.password_sealed.and_then(|sealed| {
            match cipher.open(SMTP_PASSWORD_PURPOSE, &sealed) {
                Ok(password) => Some(password),
                Err(error) => {
                    // The key changed (or the row was altered): the settings stay usable and
                    // the page shows that no password is stored, so the admin can enter it.
                    tracing::error!(%error, "the stored SMTP password is treated as absent");
                    None
                }
            }
        });
        Ok(StoredSmtpSettings {
            server,
            port,
            security,
            user_name: self.user_name,
            password,
            from,
            timeout_secs,
            ca_certificate: self.ca_certificate,
            updated_at: self.updated_at,
        })
    }
}
