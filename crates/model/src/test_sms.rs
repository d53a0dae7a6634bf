//! The Send Test SMS dialog: a recipient in international format and a message that must fit
//! in the gateway's segment limit.

use crate::field::{FieldErrors, FieldId};
use crate::phone::PhoneNumber;
use crate::sms_text::SmsLength;
use crate::text;
use serde::{Deserialize, Serialize};

/// Text the dialog starts with.
pub const DEFAULT_SMS_MESSAGE: &str = "Test SMS from Messaging Setup: SMS notifications work.";

/// The dialog's fields as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSmsForm {
    /// Recipient in international format.
    pub recipient: String,
    /// The text.
    pub message: String,
}

/// A test SMS that passed every rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestSms {
    /// The recipient.
    pub recipient: PhoneNumber,
    /// The text, surrounding blank space removed and line breaks as `\n`.
    pub message: String,
    /// Its length on the air.
    pub length: SmsLength,
}

impl TestSmsForm {
    /// Checks the recipient, and the message against the gateway's limit of `max_segments`.
    pub fn validate(&self, max_segments: u8) -> Result<TestSms, FieldErrors> {
        let mut errors = FieldErrors::new();
        let recipient = PhoneNumber::parse_international(&self.recipient)
            .map_err(|message| errors.add(FieldId::SmsRecipient, message))
            .ok();
        let message = check_message(&self.message, max_segments)
            .map_err(|message| errors.add(FieldId::SmsMessage, message))
            .ok();
        match (recipient, message) {
            (Some(recipient), Some((message, length))) => Ok(TestSms {
                recipient,
                message,
                length,
            }),
            _ => Err(errors),
        }
    }
}

/// The message as it will be sent: trimmed, with `\r\n` and lone `\r` turned into `\n`.
pub fn normalise_message(input: &str) -> String {
    input.trim().replace("\r\n", "\n").replace('\r', "\n")
}

/// Checks an SMS text as any sender must: not empty, no control characters but line breaks and
/// tabs, at most `max_segments` segments. Returns the text as it will be sent and its length.
pub fn check_message(input: &str, max_segments: u8) -> Result<(String, SmsLength), String> {
    let message = normalise_message(input);
    if message.is_empty() {
        return Err("Enter the text of the SMS".to_owned());
    }
    if let Some(found) = text::first_control_character_in_body(&message) {
        return Err(format!("The message cannot contain {found}"));
    }
    let length = SmsLength::measure(&message);
    length.check_limit(max_segments)?;
    Ok((message, length))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(recipient: &str, message: &str) -> TestSmsForm {
        TestSmsForm {
            recipient: recipient.into(),
            message: message.into(),
        }
    }

    #[test]
    fn a_valid_test_sms_keeps_the_number_in_e164() {
        let sms = form("+44 7700 900123", " Hello\r\nthere ")
            .validate(1)
            .unwrap();

        assert_eq!(sms.recipient.e164(), "+447700900123");
        assert_eq!(sms.message, "Hello\nthere");
        assert_eq!(sms.length.segments, 1);
    }

    #[test]
    fn both_fields_get_their_own_message() {
        let errors = form("07700 900123", "").validate(1).unwrap_err();

        assert!(errors.get(FieldId::SmsRecipient).unwrap().contains('+'));
        assert!(errors.get(FieldId::SmsMessage).is_some());
    }

    #[test]
    fn a_message_over_the_limit_says_how_much_to_cut() {
        let errors = form("+447700900123", &"a".repeat(161))
            .validate(1)
            .unwrap_err();

        let message = errors.get(FieldId::SmsMessage).unwrap();
        assert!(message.contains("shorten it by 1 character"), "{message}");
    }

    #[test]
    fn joiners_in_emoji_and_persian_text_are_accepted() {
        let sms = form("+447700900123", "👩\u{200D}💻 می\u{200C}خواهم").validate(1);

        assert!(sms.is_ok(), "{sms:?}");
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_are_kept() {
        let errors = form("+447700900123", "a\u{7}b").validate(1).unwrap_err();

        assert!(errors.get(FieldId::SmsMessage).unwrap().contains("U+0007"));
    }
}
