//! A secret typed into the browser on its way to the server.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A password or token the admin typed. It travels from the browser to the server only: no
/// response type contains one. Debug output never shows it, and memory holding it is wiped when
/// it is dropped.
#[derive(Clone, Default)]
pub struct SecretText(SecretString);

impl SecretText {
    /// Wraps typed text.
    pub fn new(text: impl Into<String>) -> Self {
        SecretText(SecretString::from(text.into()))
    }

    /// The text itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// True when nothing was typed.
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }

    /// Number of characters, for length limits.
    pub fn char_count(&self) -> usize {
        self.expose().chars().count()
    }

    /// Hands the secret over to code that keeps it as a `SecretString`.
    pub fn into_secret_string(self) -> SecretString {
        self.0
    }
}

impl From<SecretString> for SecretText {
    fn from(secret: SecretString) -> Self {
        SecretText(secret)
    }
}

impl PartialEq for SecretText {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText([redacted])")
    }
}

impl Serialize for SecretText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SecretText::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_secret() {
        let secret = SecretText::new("hunter2");
        assert!(!format!("{secret:?}").contains("hunter2"));
    }
}
