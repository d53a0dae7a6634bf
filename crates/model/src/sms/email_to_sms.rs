//! Email-to-SMS: the operator turns an email to an address such as `447700900123@sms.example.net`
//! into an SMS. The console sends it through the configured SMTP server.

use super::template::{Escaping, Placeholder, Template, TemplateValues};
use crate::field::{FieldErrors, FieldId};
use crate::mailbox::Mailbox;
use serde::{Deserialize, Serialize};

/// The email-to-SMS fields as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailToSmsForm {
    /// Address template, such as `{number}@sms.example.net` or `{number_digits}@…`.
    pub address: String,
}

/// Checked email-to-SMS settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailToSmsConfig {
    /// Address template; it always contains the number.
    pub address: Template,
}

impl EmailToSmsConfig {
    /// The address for `number` (E.164 with `+`).
    pub fn address_for(&self, number: &str) -> Result<Mailbox, String> {
        let values = TemplateValues {
            number,
            message: "",
            sender: "",
        };
        Mailbox::parse(&self.address.render(&values, Escaping::Raw))
    }
}

impl From<&EmailToSmsConfig> for EmailToSmsForm {
    fn from(config: &EmailToSmsConfig) -> Self {
        EmailToSmsForm {
            address: config.address.source().to_owned(),
        }
    }
}

impl EmailToSmsForm {
    pub(super) fn validate(&self, errors: &mut FieldErrors) -> Option<EmailToSmsConfig> {
        parse_address_template(&self.address)
            .map_err(|message| errors.add(FieldId::AddressTemplate, message))
            .ok()
            .map(|address| EmailToSmsConfig { address })
    }
}

fn parse_address_template(input: &str) -> Result<Template, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("Enter the address template, such as {number}@sms.example.net".into());
    }
    let template = Template::parse(trimmed)?;
    if !template.uses_number() {
        return Err(
            "Put {number} or {number_digits} where the operator expects the number, \
                    such as {number_digits}@sms.example.net"
                .into(),
        );
    }
    if template.uses(Placeholder::Message) || template.uses(Placeholder::Sender) {
        return Err("Only {number} and {number_digits} can appear in the address".into());
    }
    let (local, _) = trimmed.rsplit_once('@').unwrap_or((trimmed, ""));
    if !local.contains('{') {
        return Err(
            "The number belongs before the @, such as {number_digits}@sms.example.net".into(),
        );
    }
    let config = EmailToSmsConfig { address: template };
    let sample = config.address_for(TemplateValues::SAMPLE.number)?;
    if sample.to_string() != sample.address() {
        return Err("Enter only the address, without a display name".into());
    }
    Ok(config.address)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(address: &str) -> Result<EmailToSmsConfig, Option<String>> {
        let mut errors = FieldErrors::new();
        EmailToSmsForm {
            address: address.into(),
        }
        .validate(&mut errors)
        .ok_or_else(|| errors.get(FieldId::AddressTemplate).map(str::to_owned))
    }

    #[test]
    fn the_number_is_written_with_or_without_its_plus() {
        let with_plus = config("{number}@sms.example.net").unwrap();
        let digits = config("{number_digits}@sms.example.net").unwrap();

        assert_eq!(
            with_plus.address_for("+447700900123").unwrap().address(),
            "+447700900123@sms.example.net"
        );
        assert_eq!(
            digits.address_for("+447700900123").unwrap().address(),
            "447700900123@sms.example.net"
        );
    }

    #[test]
    fn a_template_without_the_number_is_refused() {
        let error = config("sms@sms.example.net").unwrap_err().unwrap();

        assert!(error.contains("{number}"), "{error}");
    }

    #[test]
    fn the_number_must_be_in_the_local_part() {
        let error = config("sms@{number_digits}.example.net")
            .unwrap_err()
            .unwrap();

        assert!(error.contains("before the @"), "{error}");
    }

    #[test]
    fn a_broken_domain_is_reported_like_any_address() {
        assert!(config("{number}@").is_err());
        assert!(config("{number}@sms..example.net").is_err());
    }
}
