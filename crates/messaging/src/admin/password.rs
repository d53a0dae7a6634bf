//! Password hashing with Argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes), run off
//! the async workers because each hash takes tens of milliseconds on purpose, and never more
//! than [`MOST_AT_ONCE`] at a time: a burst of sign-in tries waits its turn instead of taking
//! 19 MiB each.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use secrecy::{ExposeSecret as _, SecretString};
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// Most hashes computed at once (memory: this many times 19 MiB).
pub const MOST_AT_ONCE: usize = 2;

static TURNS: Semaphore = Semaphore::const_new(MOST_AT_ONCE);

/// Hashing failed (the thread pool is gone, or the parameters are refused): never expected.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// The PHC string (`$argon2id$v=19$m=…`) of `password` with a fresh salt.
pub async fn hash(password: SecretString) -> Result<String, HashError> {
    let _turn = TURNS
        .acquire()
        .await
        .map_err(|error| HashError(error.to_string()))?;
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|error| HashError(error.to_string()))?
}

fn hash_now(password: &SecretString) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| HashError(error.to_string()))
}

/// Whether `password` matches `stored` (a PHC string). With `None` (no such account) a
/// dummy hash is checked, so an unknown name takes as long to refuse as a wrong password; the
/// dummy's password is random and thrown away, so nothing matches it.
pub async fn verify(password: SecretString, stored: Option<String>) -> bool {
    let Ok(_turn) = TURNS.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            tracing::error!("a stored password hash cannot be parsed");
            return false;
        };
        Argon2::default()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now(&SecretString::from(super::random_token())).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash(SecretString::from("correct horse battery"))
            .await
            .unwrap();

        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(!stored.contains("correct horse"));
        assert!(
            verify(
                SecretString::from("correct horse battery"),
                Some(stored.clone())
            )
            .await
        );
        assert!(!verify(SecretString::from("correct horse batterY"), Some(stored)).await);
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(!verify(SecretString::from(""), None).await);
        assert!(!verify(SecretString::from("anything"), None).await);
    }

    #[tokio::test]
    async fn the_same_password_gets_a_different_salt_each_time() {
        let first = hash(SecretString::from("correct horse battery"))
            .await
            .unwrap();
        let second = hash(SecretString::from("correct horse battery"))
            .await
            .unwrap();
        assert_ne!(first, second);
    }
}
