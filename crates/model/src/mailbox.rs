//! Email addresses with an optional display name: `alerts@example.net`,
//! `<alerts@example.net>` or `"Doe, Jane" <jane@example.net>`.

use crate::host;
use crate::text;
use serde::{Deserialize, Serialize};
use std::fmt;

const MAX_LOCAL_PART_OCTETS: usize = 64;
const MAX_ADDRESS_OCTETS: usize = 254;
const MAX_DISPLAY_NAME_CHARS: usize = 200;

/// A single validated mailbox. The domain is always in ASCII (punycode); the local part may hold
/// non-ASCII letters, which only servers announcing SMTPUTF8 accept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    /// The human-readable name shown by mail clients, unquoted and unescaped.
    pub display_name: Option<String>,
    /// The part before the `@`.
    pub local_part: String,
    /// The part after the `@`, lowercase ASCII.
    pub domain: String,
}

impl Mailbox {
    /// Parses exactly one mailbox, with or without a display name.
    pub fn parse(input: &str) -> Result<Mailbox, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("Enter an email address".to_owned());
        }
        if let Some(found) = text::first_control_character(trimmed) {
            return Err(text::control_character_message(&found));
        }
        match find_angle_address(trimmed)? {
            Some((name, address)) => {
                let display_name = parse_display_name(name)?;
                let (local_part, domain) = parse_address(address)?;
                Ok(Mailbox {
                    display_name,
                    local_part,
                    domain,
                })
            }
            None => {
                let (local_part, domain) = parse_address(trimmed)?;
                Ok(Mailbox {
                    display_name: None,
                    local_part,
                    domain,
                })
            }
        }
    }

    /// `local@domain`, as used in the SMTP envelope.
    pub fn address(&self) -> String {
        format!("{}@{}", self.local_part, self.domain)
    }

    /// True when the local part has non-ASCII letters, so the server must offer SMTPUTF8.
    pub fn needs_smtputf8(&self) -> bool {
        !self.local_part.is_ascii()
    }
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.display_name {
            Some(name) => {
                let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
                write!(f, "\"{escaped}\" <{}>", self.address())
            }
            None => f.write_str(&self.address()),
        }
    }
}

/// Splits `Name <address>` into its two parts; `None` when there are no angle brackets.
fn find_angle_address(input: &str) -> Result<Option<(&str, &str)>, String> {
    let mut in_quotes = false;
    let mut escaped = false;
    for (index, c) in input.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            '<' if !in_quotes => {
                let rest = &input[index + 1..];
                let close = rest
                    .find('>')
                    .ok_or("The address has a '<' but no closing '>'")?;
                if !rest[close + 1..].trim().is_empty() {
                    return Err("Enter exactly one address".to_owned());
                }
                return Ok(Some((&input[..index], &rest[..close])));
            }
            _ => {}
        }
    }
    if in_quotes {
        return Err("The display name has an opening quote but no closing one".to_owned());
    }
    Ok(None)
}

fn parse_display_name(raw: &str) -> Result<Option<String>, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if !trimmed.contains('"') && trimmed.contains('@') {
        return Err("Enter exactly one address".to_owned());
    }
    let name = unquote_phrase(trimmed);
    let name = name.trim().to_owned();
    if name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(format!(
            "The display name may have at most {MAX_DISPLAY_NAME_CHARS} characters"
        ));
    }
    Ok((!name.is_empty()).then_some(name))
}

/// Reads a display name made of plain and quoted words (`"Doe, Jane"`, `"Jane" "Doe"`):
/// quotes are removed, escapes inside them resolved, and runs of spaces folded into one.
fn unquote_phrase(phrase: &str) -> String {
    let mut out = String::with_capacity(phrase.len());
    let mut in_quotes = false;
    let mut chars = phrase.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => in_quotes = !in_quotes,
            '\\' if in_quotes => out.extend(chars.next()),
            c if c.is_whitespace() && !in_quotes => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn parse_address(raw: &str) -> Result<(String, String), String> {
    let address = raw.trim();
    if address.is_empty() {
        return Err("Enter an email address between '<' and '>'".to_owned());
    }
    if address.matches('@').count() > 1 || address.contains([',', ';']) {
        return Err("Enter exactly one address".to_owned());
    }
    if address.contains(char::is_whitespace) {
        return Err("An email address cannot contain spaces".to_owned());
    }
    let (local, domain) = address
        .rsplit_once('@')
        .ok_or("An email address needs an '@' followed by a domain, like name@example.net")?;
    check_local_part(local)?;
    if domain.is_empty() {
        return Err("Enter the domain after the '@', like name@example.net".to_owned());
    }
    if domain.starts_with('[') {
        return Err("Address literals like [192.0.2.1] are not supported; use a domain".to_owned());
    }
    let domain = host::parse_domain(domain).map_err(|reason| format!("Domain: {reason}"))?;
    if local.len() + 1 + domain.len() > MAX_ADDRESS_OCTETS {
        return Err(format!(
            "The address is longer than {MAX_ADDRESS_OCTETS} characters"
        ));
    }
    Ok((local.to_owned(), domain))
}

fn check_local_part(local: &str) -> Result<(), String> {
    if local.is_empty() {
        return Err("Enter the part before the '@'".to_owned());
    }
    if local.starts_with('"') {
        return Err("Quoted local parts are not supported".to_owned());
    }
    if local.len() > MAX_LOCAL_PART_OCTETS {
        return Err(format!(
            "The part before the '@' may have at most {MAX_LOCAL_PART_OCTETS} bytes"
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(
            "The part before the '@' cannot begin or end with a dot or have two in a row"
                .to_owned(),
        );
    }
    if let Some(bad) = local.chars().find(|c| !is_atom_char(*c)) {
        return Err(format!("The part before the '@' cannot contain '{bad}'"));
    }
    Ok(())
}

/// RFC 5322 `atext` plus the dot, extended with non-ASCII letters as RFC 6532 allows.
fn is_atom_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || "!#$%&'*+-/=?^_`{|}~.".contains(c)
        || (!c.is_ascii() && !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_address_is_accepted() {
        let mailbox = Mailbox::parse(" alerts@Example.NET ").unwrap();
        assert_eq!(mailbox.address(), "alerts@example.net");
        assert_eq!(mailbox.display_name, None);
    }

    #[test]
    fn address_in_angle_brackets_is_accepted() {
        assert_eq!(
            Mailbox::parse("<alerts@example.net>").unwrap().address(),
            "alerts@example.net"
        );
    }

    #[test]
    fn display_name_is_kept() {
        let mailbox = Mailbox::parse("Policy Manager <pm@example.net>").unwrap();
        assert_eq!(mailbox.display_name.as_deref(), Some("Policy Manager"));
    }

    #[test]
    fn quoted_display_name_with_comma_and_quote_is_unescaped() {
        let mailbox = Mailbox::parse(r#""Doe, \"JD\" Jane" <jane@example.net>"#).unwrap();
        assert_eq!(mailbox.display_name.as_deref(), Some(r#"Doe, "JD" Jane"#));
        assert_eq!(
            mailbox.to_string(),
            r#""Doe, \"JD\" Jane" <jane@example.net>"#
        );
    }

    #[test]
    fn non_ascii_display_name_is_accepted() {
        let mailbox = Mailbox::parse("Zoë Ölçer <zoe@example.net>").unwrap();
        assert_eq!(mailbox.display_name.as_deref(), Some("Zoë Ölçer"));
    }

    #[test]
    fn two_addresses_are_rejected() {
        for input in [
            "a@example.net, b@example.net",
            "a@example.net; b@example.net",
            "a@example.net b@example.net",
            "A <a@example.net>, B <b@example.net>",
        ] {
            assert!(Mailbox::parse(input).is_err(), "{input}");
        }
        assert_eq!(
            Mailbox::parse("a@example.net,b@example.net").unwrap_err(),
            "Enter exactly one address"
        );
    }

    #[test]
    fn missing_at_sign_is_explained() {
        assert!(
            Mailbox::parse("alerts.example.net")
                .unwrap_err()
                .contains("'@'")
        );
    }

    #[test]
    fn missing_local_part_or_domain_is_rejected() {
        assert!(
            Mailbox::parse("@example.net")
                .unwrap_err()
                .contains("before the '@'")
        );
        assert!(
            Mailbox::parse("alerts@")
                .unwrap_err()
                .contains("domain after the '@'")
        );
    }

    #[test]
    fn dots_in_wrong_places_are_rejected() {
        assert!(Mailbox::parse("a..b@example.net").is_err());
        assert!(Mailbox::parse(".ab@example.net").is_err());
    }

    #[test]
    fn unclosed_angle_bracket_is_rejected() {
        assert!(
            Mailbox::parse("Name <a@example.net")
                .unwrap_err()
                .contains("closing")
        );
    }

    #[test]
    fn header_injection_is_rejected() {
        assert!(Mailbox::parse("a@example.net\r\nBcc: victim@example.org").is_err());
        assert!(Mailbox::parse("Name\n <a@example.net>").is_err());
    }

    #[test]
    fn non_ascii_local_part_needs_smtputf8() {
        let mailbox = Mailbox::parse("jörg@example.net").unwrap();
        assert!(mailbox.needs_smtputf8());
        assert!(
            !Mailbox::parse("joerg@example.net")
                .unwrap()
                .needs_smtputf8()
        );
    }

    #[cfg(feature = "idna")]
    #[test]
    fn internationalised_domain_becomes_punycode() {
        assert_eq!(
            Mailbox::parse("info@bücher.example").unwrap().domain,
            "xn--bcher-kva.example"
        );
    }

    #[test]
    fn overlong_local_part_is_rejected() {
        let input = format!("{}@example.net", "a".repeat(65));
        assert!(Mailbox::parse(&input).unwrap_err().contains("64"));
    }
}
