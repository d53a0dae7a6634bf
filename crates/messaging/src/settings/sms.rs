//! The stored SMS gateway: the chosen kind's settings in clear, its secret sealed and bound to
//! the destination it was entered for.

use super::{Backend, SealedPassword, SettingsStore, StoreError, sqlite};
use crate::cipher::SecretCipher;
use model::{GatewayConfig, PasswordPlan, SmsGatewaySettings, SmsGatewayView};
use secrecy::SecretString;
use std::time::Duration;

/// The SMS gateway settings as stored, the secret decrypted but kept secret.
#[derive(Clone, Debug)]
pub struct StoredSmsGateway {
    /// The chosen kind's settings.
    pub gateway: GatewayConfig,
    /// The password, token or API key, if one is stored and still decrypts.
    pub secret: Option<SecretString>,
    /// Most segments per message.
    pub max_segments: u8,
    /// Seconds each step of a request may take.
    pub timeout_secs: u32,
    /// Extra CA certificate(s) to trust for an https gateway, PEM.
    pub ca_certificate: Option<String>,
    /// Last save, RFC 3339 UTC.
    pub updated_at: String,
}

impl StoredSmsGateway {
    /// What the page may see: everything but the secret.
    pub fn view(&self) -> SmsGatewayView {
        SmsGatewayView {
            gateway: self.gateway.clone(),
            secret_stored: self.secret.is_some(),
            max_segments: self.max_segments,
            timeout_secs: self.timeout_secs,
            ca_certificate: self.ca_certificate.clone(),
            updated_at: self.updated_at.clone(),
        }
    }

    /// The per-step timeout.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(u64::from(self.timeout_secs))
    }
}

/// A row as the database returns it, before decoding and decryption.
pub(super) struct SmsRow {
    pub(super) config_json: String,
    pub(super) secret_destination: String,
    pub(super) secret_sealed: Option<Vec<u8>>,
    pub(super) max_segments: i64,
    pub(super) timeout_secs: i64,
    pub(super) ca_certificate: Option<String>,
    pub(super) updated_at: String,
}

/// Associated data of a sealed secret: its column and the destination it belongs to, so a
/// sealed value copied to another row or destination no longer opens.
fn purpose(destination: &str) -> String {
    format!("sms_gateway.secret_sealed {destination}")
}

impl SmsRow {
    fn decode(self, cipher: &SecretCipher) -> Result<StoredSmsGateway, StoreError> {
        let corrupt = |column, reason: String| StoreError::Corrupt { column, reason };
        let gateway: GatewayConfig = serde_json::from_str(&self.config_json)
            .map_err(|error| corrupt("config_json", error.to_string()))?;
        let max_segments = u8::try_from(self.max_segments)
            .map_err(|error| corrupt("max_segments", error.to_string()))?;
        let timeout_secs = u32::try_from(self.timeout_secs)
            .map_err(|error| corrupt("timeout_secs", error.to_string()))?;
        let secret = self.secret_sealed.and_then(|sealed| {
            match cipher.open(&purpose(&self.secret_destination), &sealed) {
                Ok(secret) => Some(secret),
                Err(error) => {
                    // As for the SMTP password: the page shows that no secret is stored.
                    tracing::error!(%error, "the stored SMS gateway secret is treated as absent");
                    None
                }
            }
        });
        Ok(StoredSmsGateway {
            gateway,
            secret,
            max_segments,
            timeout_secs,
            ca_certificate: self.ca_certificate,
            updated_at: self.updated_at,
        })
    }
}

impl SettingsStore {
    /// The stored SMS gateway, or `None` when none was saved (or after a reset).
    pub async fn load_sms_gateway(&self) -> Result<Option<StoredSmsGateway>, StoreError> {
        let row = match self.backend.as_ref() {
            Backend::Sqlite(pool) => sqlite::load_sms_gateway(pool).await?,
        };
        row.map(|row| row.decode(&self.cipher)).transpose()
    }

    /// Stores validated settings and returns them as now stored. A kept secret survives only
    /// if the stored destination equals the new one, decided in the same statement.
    pub async fn save_sms_gateway(
        &self,
        settings: &SmsGatewaySettings,
    ) -> Result<StoredSmsGateway, StoreError> {
        let destination = settings.secret_destination();
        let sealed = match &settings.secret {
            PasswordPlan::Replace(secret) => SealedPassword::Replace(
                self.cipher
                    .seal(&purpose(&destination), &secret.clone().into_secret_string()),
            ),
            PasswordPlan::Keep => SealedPassword::KeepIfSameDestination,
            PasswordPlan::Clear => SealedPassword::Clear,
        };
        let config_json =
            serde_json::to_string(&settings.gateway).map_err(|error| StoreError::Corrupt {
                column: "config_json",
                reason: error.to_string(),
            })?;
        let row = match self.backend.as_ref() {
            Backend::Sqlite(pool) => {
                sqlite::save_sms_gateway(pool, settings, &config_json, &destination, sealed).await?
            }
        };
        row.decode(&self.cipher)
    }

    /// Removes the SMS gateway settings, secret included. Returns whether any were stored.
    pub async fn reset_sms_gateway(&self) -> Result<bool, StoreError> {
        match self.backend.as_ref() {
            Backend::Sqlite(pool) => sqlite::reset_sms_gateway(pool).await,
        }
    }
}
