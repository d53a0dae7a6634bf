//! Administrators, their sessions and the audit log, in the settings database.
//!
//! Passwords are hashed with Argon2id ([`password`]); a session id is a 256-bit random value of
//! which only the SHA-256 is stored; the audit log is append-only. Times are Unix seconds, and
//! every function that depends on the clock takes `now`, so expiry rules are testable without
//! waiting.

pub mod audit;
pub mod limits;
pub mod password;

pub use audit::{AuditAction, AuditEntry, AuditOutcome, AuditRecord, FieldChange, changes_between};

use crate::settings::StoreError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret as _, SecretString};
use sha2::{Digest as _, Sha256};
use sqlx::Row as _;
use sqlx::SqlitePool;
use std::net::IpAddr;

/// The administrator a request is made by, put in the request by the session check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    /// Row id.
    pub id: i64,
    /// Name, as entered when the account was created.
    pub name: String,
    /// Address the request came from.
    pub client: Option<IpAddr>,
}

/// An administrator's account, with the hash to verify a password against.
#[derive(Clone, Debug)]
pub struct Account {
    /// Row id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
}

/// One line of the administrators list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountSummary {
    /// Name.
    pub name: String,
    /// When created (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub created_at: String,
    /// Who created it; `None` for the first administrator.
    pub created_by: Option<String>,
    /// Last successful sign-in (UTC), if any.
    pub last_sign_in_at: Option<String>,
}

/// A session as stored, with its administrator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSession {
    /// The administrator's id.
    pub administrator_id: i64,
    /// The administrator's name.
    pub name: String,
    /// When the session began.
    pub created_at: i64,
    /// When it was last used.
    pub last_seen_at: i64,
}

/// How long sessions last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionLifetime {
    /// Seconds without a request after which a session ends.
    pub idle_secs: i64,
    /// Seconds after sign-in after which a session ends however busy it is.
    pub absolute_secs: i64,
}

impl Default for SessionLifetime {
    /// 30 minutes idle, 12 hours in all.
    fn default() -> Self {
        SessionLifetime {
            idle_secs: 30 * 60,
            absolute_secs: 12 * 60 * 60,
        }
    }
}

impl SessionLifetime {
    /// Whether a session begun at `created_at` and last used at `last_seen_at` is over at `now`.
    pub fn has_expired(&self, session: &StoredSession, now: i64) -> bool {
        now - session.last_seen_at >= self.idle_secs
            || now - session.created_at >= self.absolute_secs
    }
}

/// A new session id: what goes in the cookie. Only its hash is stored.
pub struct SessionToken(SecretString);

impl SessionToken {
    /// A fresh random id (256 bits from the operating system).
    pub fn generate() -> SessionToken {
        SessionToken(SecretString::from(random_token()))
    }

    /// The cookie value.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// 32 random bytes, base64url: session ids and the one-time setup token.
pub fn random_token() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore as _};
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Unix seconds now: the clock every stored time of this module uses.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() as i64)
}

/// The SHA-256 of a token, the form it is stored and compared in.
pub fn token_digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether adding an administrator worked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    /// Created, with this id.
    Created(i64),
    /// The name is taken (names compare without case).
    NameTaken,
    /// Only for the first administrator: one exists already.
    NotFirst,
}

/// Reads and writes administrators, sessions and the audit log; cheap to clone.
#[derive(Clone)]
pub struct AdminStore {
    pool: SqlitePool,
}

impl AdminStore {
    pub(crate) fn new(pool: SqlitePool) -> AdminStore {
        AdminStore { pool }
    }

    /// How many administrators exist.
    pub async fn count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM administrators")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Creates the first administrator, only while there is none (checked in the same
    /// statement, so two setup requests at once cannot both succeed).
    pub async fn create_first(
        &self,
        name: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<Added, StoreError> {
        let result = sqlx::query(
            "INSERT INTO administrators (name, password_hash, created_at, password_changed_at) \
             SELECT ?1, ?2, ?3, ?3 WHERE NOT EXISTS (SELECT 1 FROM administrators)",
        )
        .bind(name)
        .bind(password_hash)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(if result.rows_affected() == 1 {
            Added::Created(result.last_insert_rowid())
        } else {
            Added::NotFirst
        })
    }

    /// Adds an administrator on behalf of `created_by`.
    pub async fn add(
        &self,
        name: &str,
        password_hash: &str,
        created_by: &str,
        now: i64,
    ) -> Result<Added, StoreError> {
        let result = sqlx::query(
            "INSERT INTO administrators (name, password_hash, created_at, created_by, \
             password_changed_at) VALUES (?1, ?2, ?3, ?4, ?3) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(password_hash)
        .bind(now)
        .bind(created_by)
        .execute(&self.pool)
        .await?;
        Ok(if result.rows_affected() == 1 {
            Added::Created(result.last_insert_rowid())
        } else {
            Added::NameTaken
        })
    }

    /// The account called `name` (without regard to case).
    pub async fn find(&self, name: &str) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query("SELECT id, name, password_hash FROM administrators WHERE name = ?1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(account))
    }

    /// The account with row id `id`.
    pub async fn find_by_id(&self, id: i64) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query("SELECT id, name, password_hash FROM administrators WHERE id = ?1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(account))
    }

    /// Every administrator, oldest first.
    pub async fn list(&self) -> Result<Vec<AccountSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT name, datetime(created_at, 'unixepoch'), created_by, \
             datetime(last_sign_in_at, 'unixepoch') FROM administrators ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| AccountSummary {
                name: row.get(0),
                created_at: row.get(1),
                created_by: row.get(2),
                last_sign_in_at: row.get(3),
            })
            .collect())
    }

    /// Replaces an administrator's password hash and ends every other session of theirs.
    pub async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        keep_session: &[u8],
        now: i64,
    ) -> Result<(), StoreError> {
        let mut transaction = self.pool.begin().await?;
        sqlx::query(
            "UPDATE administrators SET password_hash = ?1, password_changed_at = ?2 WHERE id = ?3",
        )
        .bind(password_hash)
        .bind(now)
        .bind(id)
        .execute(&mut *transaction)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE administrator_id = ?1 AND token_sha256 <> ?2")
            .bind(id)
            .bind(keep_session)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Starts a session for administrator `id` and notes the sign-in.
    pub async fn start_session(
        &self,
        token: &SessionToken,
        id: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut transaction = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (token_sha256, administrator_id, created_at, last_seen_at) \
             VALUES (?1, ?2, ?3, ?3)",
        )
        .bind(token_digest(token.expose()))
        .bind(id)
        .bind(now)
        .execute(&mut *transaction)
        .await?;
        sqlx::query("UPDATE administrators SET last_sign_in_at = ?1 WHERE id = ?2")
            .bind(now)
            .bind(id)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// The live session whose id hashes to `digest`, its last use moved to `now`; `None` when
    /// there is none or it has expired (an expired one is deleted).
    pub async fn use_session(
        &self,
        digest: &[u8],
        lifetime: SessionLifetime,
        now: i64,
    ) -> Result<Option<StoredSession>, StoreError> {
        let row = sqlx::query(
            "SELECT s.administrator_id, a.name, s.created_at, s.last_seen_at FROM sessions s \
             JOIN administrators a ON a.id = s.administrator_id WHERE s.token_sha256 = ?1",
        )
        .bind(digest)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let session = StoredSession {
            administrator_id: row.get(0),
            name: row.get(1),
            created_at: row.get(2),
            last_seen_at: row.get(3),
        };
        if lifetime.has_expired(&session, now) {
            self.end_session(digest).await?;
            return Ok(None);
        }
        // Not a write per request: at most one per 15 s (finer for very short idle times).
        if now - session.last_seen_at >= (lifetime.idle_secs / 8).clamp(0, 15) {
            sqlx::query("UPDATE sessions SET last_seen_at = ?1 WHERE token_sha256 = ?2")
                .bind(now)
                .bind(digest)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(session))
    }

    /// Ends the session whose id hashes to `digest`. Returns whether there was one.
    pub async fn end_session(&self, digest: &[u8]) -> Result<bool, StoreError> {
        let result = sqlx::query("DELETE FROM sessions WHERE token_sha256 = ?1")
            .bind(digest)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() > 0)
    }

    /// Deletes every expired session (run now and then; expired ones are refused anyway).
    pub async fn purge_expired(
        &self,
        lifetime: SessionLifetime,
        now: i64,
    ) -> Result<u64, StoreError> {
        let result = sqlx::query(
            "DELETE FROM sessions WHERE ?1 - last_seen_at >= ?2 OR ?1 - created_at >= ?3",
        )
        .bind(now)
        .bind(lifetime.idle_secs)
        .bind(lifetime.absolute_secs)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }

    /// Appends an entry to the audit log.
    pub async fn record(&self, entry: &AuditEntry, now: i64) -> Result<(), StoreError> {
        let changes = serde_json::to_string(&entry.changes).unwrap_or_else(|_| "[]".to_owned());
        sqlx::query(
            "INSERT INTO audit_log (at, actor, client, action, outcome, summary, changes) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(now)
        .bind(&entry.actor)
        .bind(entry.client.map(|address| address.to_string()))
        .bind(entry.action.as_str())
        .bind(entry.outcome.as_str())
        .bind(&entry.summary)
        .bind(changes)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Up to `limit` audit entries older than entry `before` (all when `None`), newest first;
    /// without sign-ins and sign-outs unless `sign_ins`.
    pub async fn audit_log(
        &self,
        before: Option<i64>,
        limit: u32,
        sign_ins: bool,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, datetime(at, 'unixepoch'), actor, client, action, outcome, summary, \
             changes FROM audit_log WHERE id < ?1 \
             AND (?3 OR action NOT IN ('sign-in', 'sign-out')) ORDER BY id DESC LIMIT ?2",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .bind(sign_ins)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(AuditRecord::from_row).collect())
    }
}

fn account(row: sqlx::sqlite::SqliteRow) -> Account {
    Account {
        id: row.get(0),
        name: row.get(1),
        password_hash: row.get(2),
    }
}
