//! Field rules shared by several gateway kinds: the segment limit, the sender, single-line
//! optional text and HTTP header names.

use super::MAX_SEGMENTS_RANGE;
use crate::phone::PhoneNumber;
use crate::text;

/// Longest alphanumeric sender ID networks carry.
const MAX_ALPHANUMERIC_SENDER: usize = 11;
/// Longest accepted free single-line value (success texts, header values), in characters.
pub(super) const MAX_LINE_CHARS: usize = 1024;

pub(super) fn parse_max_segments(input: &str) -> Result<u8, String> {
    let (min, max) = (*MAX_SEGMENTS_RANGE.start(), *MAX_SEGMENTS_RANGE.end());
    let message = || format!("Enter a whole number of SMS segments from {min} to {max}");
    let value = crate::smtp::parse_whole_number(input.trim()).ok_or_else(message)?;
    u8::try_from(value)
        .ok()
        .filter(|value| MAX_SEGMENTS_RANGE.contains(value))
        .ok_or_else(message)
}

/// An optional single line: `None` when blank, an error for control characters or overlength.
pub(super) fn optional_line(input: &str, max_chars: usize) -> Result<Option<String>, String> {
    let trimmed = input.trim();
    if let Some(found) = text::first_control_character(trimmed) {
        return Err(text::control_character_message(&found));
    }
    if trimmed.chars().count() > max_chars {
        return Err(format!("Enter at most {max_chars} characters"));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}

/// A required single line.
pub(super) fn required_line(
    input: &str,
    max_chars: usize,
    missing: &str,
) -> Result<String, String> {
    optional_line(input, max_chars)?.ok_or_else(|| missing.to_owned())
}

/// The sender shown on the phone: a number in international format, a short code of digits,
/// or an alphanumeric sender ID of at most 11 letters, digits and spaces.
pub(super) fn parse_sender(input: &str) -> Result<Option<String>, String> {
    let Some(sender) = optional_line(input, 32)? else {
        return Ok(None);
    };
    if sender.starts_with('+') {
        return PhoneNumber::parse_international(&sender)
            .map(|number| Some(number.e164()))
            .map_err(|message| format!("As a number, the sender must be valid: {message}"));
    }
    if sender.bytes().all(|b| b.is_ascii_digit()) {
        return if (3..=15).contains(&sender.len()) {
            Ok(Some(sender))
        } else {
            Err(
                "A numeric sender (short code) has 3 to 15 digits; write a full number with +"
                    .to_owned(),
            )
        };
    }
    if sender.chars().count() > MAX_ALPHANUMERIC_SENDER {
        return Err(format!(
            "An alphanumeric sender ID has at most {MAX_ALPHANUMERIC_SENDER} characters; \
             networks cut or reject longer ones"
        ));
    }
    if let Some(bad) = sender
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '.' | '_' | '&')))
    {
        return Err(format!(
            "'{bad}' cannot appear in an alphanumeric sender ID: use Latin letters, digits, \
             spaces and - . _ &"
        ));
    }
    Ok(Some(sender))
}

/// An HTTP header name: a token of letters, digits and `!#$%&'*+-.^_`|~`.
pub(super) fn check_header_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Enter the header name".to_owned());
    }
    match name.chars().find(|c| !is_token_char(*c)) {
        Some(' ') => Err(format!("The header name '{name}' cannot contain a space")),
        Some(bad) => Err(format!(
            "The header name '{}' cannot contain '{}'",
            crate::host::excerpt(name),
            bad.escape_default()
        )),
        None => Ok(()),
    }
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_limits_outside_one_to_ten_are_refused() {
        assert_eq!(parse_max_segments(" 4 "), Ok(4));
        assert!(parse_max_segments("0").is_err());
        assert!(parse_max_segments("11").is_err());
        assert!(parse_max_segments("300").is_err());
        assert!(parse_max_segments("two").is_err());
    }

    #[test]
    fn senders_may_be_numbers_short_codes_or_names() {
        assert_eq!(
            parse_sender("+44 7700 900123"),
            Ok(Some("+447700900123".into()))
        );
        assert_eq!(parse_sender("12345"), Ok(Some("12345".into())));
        assert_eq!(parse_sender("NAC Alerts"), Ok(Some("NAC Alerts".into())));
        assert_eq!(parse_sender("  "), Ok(None));
    }

    #[test]
    fn long_or_odd_sender_ids_are_refused_with_the_reason() {
        assert!(parse_sender("Network Access").unwrap_err().contains("11"));
        assert!(parse_sender("Café").unwrap_err().contains("'é'"));
        assert!(parse_sender("12").unwrap_err().contains("3 to 15"));
        assert!(parse_sender("+0123").unwrap_err().contains("number"));
    }

    #[test]
    fn header_names_must_be_tokens() {
        assert!(check_header_name("X-Api-Key").is_ok());
        assert!(check_header_name("X Api").unwrap_err().contains("space"));
        assert!(check_header_name("X:Api").unwrap_err().contains("':'"));
    }
}
