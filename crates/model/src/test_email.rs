//! The Send Test Email dialog.

use crate::field::{FieldErrors, FieldId};
use crate::mailbox::Mailbox;
use crate::text;
use serde::{Deserialize, Serialize};

/// Longest test message accepted, in characters.
pub const MAX_MESSAGE_CHARS: usize = 10_000;

/// Text the dialog starts with.
pub const DEFAULT_MESSAGE: &str =
    "This is a test message from Messaging Setup. If you can read it, email notifications work.";

/// The dialog's fields as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestEmailForm {
    /// Recipient Email Address: exactly one.
    pub recipient: String,
    /// Message body.
    pub message: String,
}

/// A test email that passed every rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestEmail {
    /// The one recipient.
    pub recipient: Mailbox,
    /// The body, with surrounding blank space removed.
    pub message: String,
}

impl TestEmailForm {
    /// Checks the recipient and the message.
    pub fn validate(&self) -> Result<TestEmail, FieldErrors> {
        let mut errors = FieldErrors::new();
        let recipient = Mailbox::parse(&self.recipient)
            .map_err(|message| errors.add(FieldId::Recipient, message))
            .ok();
        let message = check_message(&self.message)
            .map_err(|message| errors.add(FieldId::Message, message))
            .ok();
        match (recipient, message) {
            (Some(recipient), Some(message)) => Ok(TestEmail { recipient, message }),
            _ => Err(errors),
        }
    }
}

fn check_message(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("Enter a message".to_owned());
    }
    if let Some(found) = text::first_control_character_in_body(trimmed) {
        return Err(format!("The message cannot contain {found}"));
    }
    let count = trimmed.chars().count();
    if count > MAX_MESSAGE_CHARS {
        return Err(format!(
            "The message has {count} characters; at most {MAX_MESSAGE_CHARS} are allowed"
        ));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(recipient: &str, message: &str) -> TestEmailForm {
        TestEmailForm {
            recipient: recipient.to_owned(),
            message: message.to_owned(),
        }
    }

    #[test]
    fn one_recipient_and_a_message_pass() {
        let email = form("noc@example.net", " Hello\nthere ")
            .validate()
            .unwrap();
        assert_eq!(email.recipient.address(), "noc@example.net");
        assert_eq!(email.message, "Hello\nthere");
    }

    #[test]
    fn two_recipients_are_rejected_beside_the_recipient_field() {
        let errors = form("a@example.net, b@example.net", "hi")
            .validate()
            .unwrap_err();
        assert_eq!(
            errors.get(FieldId::Recipient),
            Some("Enter exactly one address")
        );
    }

    #[test]
    fn empty_message_is_rejected() {
        let errors = form("a@example.net", "  ").validate().unwrap_err();
        assert_eq!(errors.get(FieldId::Message), Some("Enter a message"));
    }

    #[test]
    fn overlong_message_is_rejected() {
        let errors = form("a@example.net", &"x".repeat(MAX_MESSAGE_CHARS + 1))
            .validate()
            .unwrap_err();
        assert!(errors.get(FieldId::Message).unwrap().contains("at most"));
    }

    #[test]
    fn both_fields_report_at_once() {
        let errors = form("", "").validate().unwrap_err();
        assert!(errors.get(FieldId::Recipient).is_some());
        assert!(errors.get(FieldId::Message).is_some());
    }
}
