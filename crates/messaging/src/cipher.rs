//! Encryption of secrets at rest (XChaCha20-Poly1305).
//!
//! The key never lives in the database. It comes from `CONSOLE_SECRET_KEY` (32 bytes, base64)
//! or from a key file that is created with mode 0600 on first start. Each secret is sealed with
//! a fresh random nonce and bound to its purpose (associated data), so a ciphertext copied into
//! another column does not decrypt there.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;

/// Where the key comes from.
#[derive(Clone)]
pub enum KeySource {
    /// A base64-encoded 32-byte key (from `CONSOLE_SECRET_KEY`).
    Inline(SecretString),
    /// A file holding the base64 key; created with a new random key if it does not exist.
    File(PathBuf),
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Inline(_) => f.write_str("KeySource::Inline([redacted])"),
            KeySource::File(path) => write!(f, "KeySource::File({})", path.display()),
        }
    }
}

/// Why the key could not be had, or a secret not be opened.
#[derive(Debug, thiserror::Error)]
pub enum CipherError {
    /// The key is not 32 bytes of base64.
    #[error("the secret key must be 32 bytes encoded as base64 ({0})")]
    BadKey(&'static str),
    /// The key file could not be read or created.
    #[error("cannot use the key file {path}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The key file can be read by other users.
    #[error("the key file {path} is readable by other users: run `chmod 600` on it")]
    KeyFileExposed {
        /// The file.
        path: PathBuf,
    },
    /// A stored secret did not decrypt: wrong key, or the data was altered.
    #[error("a stored secret cannot be decrypted with this key (was the key changed?)")]
    Undecryptable,
}

/// Seals and opens secrets with the console's key.
#[derive(Clone)]
pub struct SecretCipher {
    aead: XChaCha20Poly1305,
}

impl fmt::Debug for SecretCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretCipher([key redacted])")
    }
}

impl SecretCipher {
    /// Loads (or, for a missing key file, creates) the key.
    pub fn load(source: &KeySource) -> Result<SecretCipher, CipherError> {
        let encoded = match source {
            KeySource::Inline(key) => SecretString::from(key.expose_secret().trim().to_owned()),
            KeySource::File(path) => read_or_create_key_file(path)?,
        };
        let bytes = BASE64
            .decode(encoded.expose_secret().trim())
            .map_err(|_| CipherError::BadKey("not base64"))?;
        if bytes.len() != KEY_BYTES {
            return Err(CipherError::BadKey("wrong length"));
        }
        let aead = XChaCha20Poly1305::new_from_slice(&bytes)
            .map_err(|_| CipherError::BadKey("wrong length"))?;
        Ok(SecretCipher { aead })
    }

    /// A cipher with a fresh random key, for tests.
    pub fn random() -> SecretCipher {
        SecretCipher {
            aead: XChaCha20Poly1305::new(&XChaCha20Poly1305::generate_key(&mut OsRng)),
        }
    }

    /// Encrypts `secret` for `purpose`; the result is nonce followed by ciphertext.
    pub fn seal(&self, purpose: &str, secret: &SecretString) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: secret.expose_secret().as_bytes(),
            aad: purpose.as_bytes(),
        };
        let ciphertext = self
            .aead
            .encrypt(&nonce, payload)
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory input");
        let mut sealed = Vec::with_capacity(NONCE_BYTES + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// Decrypts what [`SecretCipher::seal`] produced for the same `purpose`.
    pub fn open(&self, purpose: &str, sealed: &[u8]) -> Result<SecretString, CipherError> {
        if sealed.len() < NONCE_BYTES {
            return Err(CipherError::Undecryptable);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        let payload = Payload {
            msg: ciphertext,
            aad: purpose.as_bytes(),
        };
        let plain = self
            .aead
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| CipherError::Undecryptable)?;
        String::from_utf8(plain)
            .map(SecretString::from)
            .map_err(|_| CipherError::Undecryptable)
    }
}

fn read_or_create_key_file(path: &Path) -> Result<SecretString, CipherError> {
    let file_error = |source| CipherError::KeyFile {
        path: path.to_owned(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            refuse_if_exposed(path)?;
            Ok(SecretString::from(text))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(file_error)?;
            }
            let key = BASE64.encode(XChaCha20Poly1305::generate_key(&mut OsRng));
            write_new_private_file(path, key.as_bytes()).map_err(file_error)?;
            Ok(SecretString::from(key))
        }
        Err(error) => Err(file_error(error)),
    }
}

/// Like ssh with its keys: a key others can read is refused rather than silently used.
fn refuse_if_exposed(path: &Path) -> Result<(), CipherError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path)
            .map_err(|source| CipherError::KeyFile {
                path: path.to_owned(),
                source,
            })?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(CipherError::KeyFileExposed {
                path: path.to_owned(),
            });
        }
    }
    Ok(())
}

fn write_new_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.write_all(b"\n")?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secret_opens_with_the_same_purpose() {
        let cipher = SecretCipher::random();
        let sealed = cipher.seal("smtp.password", &SecretString::from("p@ss w0rd"));

        let opened = cipher.open("smtp.password", &sealed).unwrap();

        assert_eq!(opened.expose_secret(), "p@ss w0rd");
    }

    #[test]
    fn sealed_secret_does_not_contain_the_plain_text() {
        let cipher = SecretCipher::random();
        let sealed = cipher.seal("smtp.password", &SecretString::from("plainly-visible"));
        assert!(!sealed.windows(15).any(|w| w == b"plainly-visible"));
    }

    #[test]
    fn secret_does_not_open_for_another_purpose_or_key() {
        let cipher = SecretCipher::random();
        let sealed = cipher.seal("smtp.password", &SecretString::from("x"));

        assert!(cipher.open("sms.token", &sealed).is_err());
        assert!(
            SecretCipher::random()
                .open("smtp.password", &sealed)
                .is_err()
        );
    }

    #[test]
    fn missing_key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/secret.key");
        let first = SecretCipher::load(&KeySource::File(path.clone())).unwrap();
        let sealed = first.seal("p", &SecretString::from("kept"));

        let second = SecretCipher::load(&KeySource::File(path.clone())).unwrap();

        assert_eq!(second.open("p", &sealed).unwrap().expose_secret(), "kept");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn key_file_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        SecretCipher::load(&KeySource::File(path.clone())).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();

        let outcome = SecretCipher::load(&KeySource::File(path));

        assert!(matches!(outcome, Err(CipherError::KeyFileExposed { .. })));
    }

    #[test]
    fn inline_key_of_wrong_length_is_refused() {
        let short = KeySource::Inline(SecretString::from(BASE64.encode([0u8; 16])));
        assert!(matches!(
            SecretCipher::load(&short),
            Err(CipherError::BadKey(_))
        ));
    }
}
