//! Administrator accounts: the rules for names and passwords, the same for the first
//! administrator, for one added later and for a changed password.

/// Longest administrator name, in characters.
pub const NAME_MAX_CHARS: usize = 64;
/// Shortest password, in characters. Length is what makes a password strong; no rule on
/// character classes is imposed (they push people to predictable patterns).
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Longest password, in characters (hashing cost does not depend on it, but bodies are bounded).
pub const PASSWORD_MAX_CHARS: usize = 256;

/// Checks an administrator name and returns it trimmed.
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Enter a name.".to_owned());
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(format!("Use at most {NAME_MAX_CHARS} characters."));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@')))
    {
        // ASCII only: two names that look the same (a Cyrillic "а" for a Latin "a") must
        // never stand for two administrators in the list or the audit log.
        let shown = match bad {
            ' ' => "A space".to_owned(),
            other => format!("'{}'", other.escape_default()),
        };
        return Err(format!(
            "{shown} is not allowed: use the letters A-Z and a-z, digits and . - _ @ only."
        ));
    }
    Ok(name.to_owned())
}

/// Which box of a new-password pair a problem belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordBox {
    /// The new password.
    New,
    /// Its repetition.
    Confirm,
}

/// Checks a new password and its repetition for the administrator called `name`.
pub fn check_new_password(
    password: &str,
    confirm: &str,
    name: &str,
) -> Result<(), (PasswordBox, String)> {
    let length = password.chars().count();
    if length < PASSWORD_MIN_CHARS {
        return Err((
            PasswordBox::New,
            format!("Use at least {PASSWORD_MIN_CHARS} characters (this one has {length})."),
        ));
    }
    if length > PASSWORD_MAX_CHARS {
        return Err((
            PasswordBox::New,
            format!("Use at most {PASSWORD_MAX_CHARS} characters."),
        ));
    }
    if password.trim().to_lowercase() == name.trim().to_lowercase() {
        return Err((
            PasswordBox::New,
            "The password must not be the administrator's name.".to_owned(),
        ));
    }
    if password != confirm {
        return Err((
            PasswordBox::Confirm,
            "The two passwords differ: type the same password in both boxes.".to_owned(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_limited_to_safe_characters() {
        assert_eq!(check_name("  jane.doe@ops ").unwrap(), "jane.doe@ops");
        assert_eq!(check_name("Zoe_2").unwrap(), "Zoe_2");
        assert!(check_name("Zoë").unwrap_err().contains("A-Z"));
        assert!(check_name("\u{430}dmin").is_err(), "a Cyrillic look-alike");
        assert!(check_name("").unwrap_err().contains("Enter"));
        assert!(
            check_name("a b")
                .unwrap_err()
                .starts_with("A space is not allowed")
        );
        assert!(check_name("<script>").unwrap_err().contains("'<'"));
        assert!(check_name(&"a".repeat(65)).unwrap_err().contains("64"));
    }

    #[test]
    fn passwords_need_length_and_a_matching_repetition() {
        let (field, message) = check_new_password("short", "short", "jane").unwrap_err();
        assert_eq!(field, PasswordBox::New);
        assert!(message.contains("has 5"), "{message}");

        let (field, _) =
            check_new_password("correct horse battery", "correct horse batterY", "jane")
                .unwrap_err();
        assert_eq!(field, PasswordBox::Confirm);

        let (field, _) =
            check_new_password("administrator1", "administrator1", "Administrator1").unwrap_err();
        assert_eq!(field, PasswordBox::New);

        assert!(
            check_new_password("correct horse battery", "correct horse battery", "jane").is_ok()
        );
        // Length is counted in characters, not bytes.
        assert!(check_new_password("ééééééééééé", "ééééééééééé", "jane").is_err());
    }
}
