//! Password hashing with Argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes).
//!
//! Every hash runs on one of [`HASHING_THREADS`] long-lived threads of its own, never on the
//! async workers (each hash takes tens of milliseconds on purpose) nor on a thread per request:
//! a burst of sign-in tries queues up instead of taking 19 MiB each, a client that hangs up
//! cannot free its place while its hash still runs, and the memory the allocator keeps stays
//! that of a few threads. A queued hash whose requester is gone is skipped.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, PasswordHash, PasswordHasher as _, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use secrecy::{ExposeSecret as _, SecretString};
use std::sync::mpsc;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

/// Threads that compute hashes (memory: about this many times 19 MiB).
pub const HASHING_THREADS: usize = 2;

type Job = Box<dyn FnOnce() + Send>;

/// The queue of the hashing threads, started on first use.
static QUEUE: LazyLock<Mutex<mpsc::Sender<Job>>> = LazyLock::new(|| {
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    for number in 0..HASHING_THREADS {
        let receiver = Arc::clone(&receiver);
        let started = std::thread::Builder::new()
            .name(format!("argon2-{number}"))
            .spawn(move || {
                loop {
                    let next = receiver
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .recv();
                    match next {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            });
        if let Err(error) = started {
            tracing::error!(%error, "a password hashing thread could not start");
        }
    }
    Mutex::new(sender)
});

/// Runs `work` on a hashing thread; `None` when the threads are gone.
async fn on_hashing_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        if !done.is_closed() {
            let _ = done.send(work());
        }
    });
    QUEUE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .send(job)
        .ok()?;
    result.await.ok()
}

/// Hashing failed (the threads are gone, or the parameters are refused): never expected.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// The PHC string (`$argon2id$v=19$m=…`) of `password` with a fresh salt.
pub async fn hash(password: SecretString) -> Result<String, HashError> {
    on_hashing_thread(move || hash_now(&password))
        .await
        .unwrap_or_else(|| Err(HashError("the hashing threads are gone".to_owned())))
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
    on_hashing_thread(move || {
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        verify_now(password.expose_secret().as_bytes(), &stored)
    })
    .await
    .unwrap_or(false)
}

thread_local! {
    /// Each hashing thread's Argon2 memory, kept between checks: sign-in tries (the path
    /// anyone can call) do not allocate and free 19 MiB each, which the allocator would keep.
    static MEMORY: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn verify_now(password: &[u8], stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        tracing::error!("a stored password hash cannot be parsed");
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let version = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from);
    let (Ok(algorithm), Ok(version), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        version,
        Params::try_from(&parsed),
    ) else {
        tracing::error!("a stored password hash has parameters Argon2 refuses");
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let mut computed = vec![0u8; expected.len()];
    let hashed = MEMORY.with_borrow_mut(|memory| {
        memory.resize(blocks, Block::default());
        argon2
            .hash_password_into_with_memory(password, salt, &mut computed, &mut memory[..blocks])
            .is_ok()
    });
    // `Output` compares in constant time.
    hashed && Output::new(&computed).is_ok_and(|computed| computed == expected)
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
