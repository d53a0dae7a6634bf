//! The Twilio Messages API and the providers that copy it: an account SID and auth token, a
//! sender (number, messaging service or alphanumeric ID), and a base URL that can point at a
//! compatible provider or a local receiver.

use super::fields::{parse_sender, required_line};
use crate::field::{FieldErrors, FieldId};
use crate::web_url::WebUrl;
use serde::{Deserialize, Serialize};

/// Twilio's own API.
pub const TWILIO_API_BASE: &str = "https://api.twilio.com";

/// Who the message comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum TwilioSender {
    /// A number of the account (`From`), in E.164, or an alphanumeric sender ID.
    From(String),
    /// A messaging service (`MessagingServiceSid`), `MG` and 32 hex digits.
    MessagingService(String),
}

impl TwilioSender {
    /// What the page shows in the sender box.
    pub fn as_typed(&self) -> &str {
        match self {
            TwilioSender::From(value) | TwilioSender::MessagingService(value) => value,
        }
    }
}

/// The Twilio-compatible fields as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TwilioForm {
    /// Base URL of the API, `https://api.twilio.com` unless a compatible provider is used.
    pub api_base: String,
    /// Account SID.
    pub account_sid: String,
    /// From number, alphanumeric sender ID or messaging service SID.
    pub sender: String,
}

impl Default for TwilioForm {
    fn default() -> Self {
        TwilioForm {
            api_base: TWILIO_API_BASE.to_owned(),
            account_sid: String::new(),
            sender: String::new(),
        }
    }
}

/// Checked Twilio-compatible settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwilioConfig {
    /// Base URL; the Messages resource path is appended to its path.
    pub api_base: WebUrl,
    /// Account SID.
    pub account_sid: String,
    /// Sender.
    pub sender: TwilioSender,
}

impl TwilioConfig {
    /// The Messages resource: `{base}/2010-04-01/Accounts/{sid}/Messages.json`.
    pub fn messages_url(&self) -> WebUrl {
        let base = self.api_base.path().trim_end_matches('/');
        self.api_base.with_path(&format!(
            "{base}/2010-04-01/Accounts/{}/Messages.json",
            self.account_sid
        ))
    }

    pub(super) fn messages_url_without_query(&self) -> String {
        self.messages_url().without_query()
    }
}

impl From<&TwilioConfig> for TwilioForm {
    fn from(config: &TwilioConfig) -> Self {
        TwilioForm {
            api_base: config.api_base.to_string(),
            account_sid: config.account_sid.clone(),
            sender: config.sender.as_typed().to_owned(),
        }
    }
}

impl TwilioForm {
    pub(super) fn validate(&self, errors: &mut FieldErrors) -> Option<TwilioConfig> {
        let api_base = parse_api_base(&self.api_base)
            .map_err(|message| errors.add(FieldId::GatewayUrl, message))
            .ok();
        let twilio_itself = api_base
            .as_ref()
            .is_some_and(|url| url.host().to_string() == "api.twilio.com");
        let account_sid = parse_account_sid(&self.account_sid, twilio_itself)
            .map_err(|message| errors.add(FieldId::AccountSid, message))
            .ok();
        let sender = parse_twilio_sender(&self.sender)
            .map_err(|message| errors.add(FieldId::GatewaySender, message))
            .ok();
        Some(TwilioConfig {
            api_base: api_base?,
            account_sid: account_sid?,
            sender: sender?,
        })
    }
}

fn parse_api_base(input: &str) -> Result<WebUrl, String> {
    let input = if input.trim().is_empty() {
        TWILIO_API_BASE
    } else {
        input
    };
    let url = WebUrl::parse(input)?;
    if url.query().is_some() {
        return Err("Remove the ?… part: the base URL takes no query".to_owned());
    }
    if url.path().contains("/2010-04-01") {
        return Err(
            "Enter only the base URL, such as https://api.twilio.com: the console adds \
                    /2010-04-01/Accounts/…/Messages.json"
                .to_owned(),
        );
    }
    Ok(url)
}

fn parse_account_sid(input: &str, twilio_itself: bool) -> Result<String, String> {
    let sid = required_line(input, 64, "Enter the account SID")?;
    if let Some(bad) = sid.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!(
            "An account SID has only letters and digits, not '{bad}'"
        ));
    }
    let twilio_shape =
        sid.len() == 34 && sid.starts_with("AC") && sid[2..].bytes().all(|b| b.is_ascii_hexdigit());
    if twilio_itself && !twilio_shape {
        return Err(
            "A Twilio account SID is AC followed by 32 hexadecimal digits (see the \
                    Twilio console's Account Info)"
                .to_owned(),
        );
    }
    Ok(sid)
}

fn parse_twilio_sender(input: &str) -> Result<TwilioSender, String> {
    let typed = input.trim();
    if typed.is_empty() {
        return Err(
            "Enter the From number (+…), an alphanumeric sender ID or a messaging \
                    service SID (MG…)"
                .to_owned(),
        );
    }
    let service_shape = typed.len() == 34
        && typed.starts_with("MG")
        && typed[2..].bytes().all(|b| b.is_ascii_hexdigit());
    if service_shape {
        return Ok(TwilioSender::MessagingService(typed.to_owned()));
    }
    if typed.starts_with("MG") && typed.len() > 11 {
        return Err("A messaging service SID is MG followed by 32 hexadecimal digits".into());
    }
    let sender = parse_sender(typed)?.unwrap_or_default();
    Ok(TwilioSender::From(sender))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SID: &str = "AC0123456789abcdef0123456789abcdef";

    fn form(base: &str, sid: &str, sender: &str) -> TwilioForm {
        TwilioForm {
            api_base: base.into(),
            account_sid: sid.into(),
            sender: sender.into(),
        }
    }

    #[test]
    fn the_messages_url_follows_the_base_path() {
        let config = form("http://127.0.0.1:9000/twilio/", "AC1", "+447700900123")
            .validate(&mut FieldErrors::new())
            .unwrap();

        assert_eq!(
            config.messages_url().to_string(),
            "http://127.0.0.1:9000/twilio/2010-04-01/Accounts/AC1/Messages.json"
        );
    }

    #[test]
    fn twilio_itself_needs_a_real_account_sid() {
        let mut errors = FieldErrors::new();

        form(TWILIO_API_BASE, "AC1", "+447700900123").validate(&mut errors);

        assert!(errors.get(FieldId::AccountSid).unwrap().contains("32"));
        assert!(
            form(TWILIO_API_BASE, SID, "+447700900123")
                .validate(&mut FieldErrors::new())
                .is_some()
        );
    }

    #[test]
    fn the_sender_may_be_a_number_a_name_or_a_service() {
        let sender = |typed: &str| parse_twilio_sender(typed);

        assert_eq!(
            sender("+44 7700 900123"),
            Ok(TwilioSender::From("+447700900123".into()))
        );
        assert_eq!(
            sender("NACAlerts"),
            Ok(TwilioSender::From("NACAlerts".into()))
        );
        assert_eq!(
            sender("MG0123456789abcdef0123456789abcdef"),
            Ok(TwilioSender::MessagingService(
                "MG0123456789abcdef0123456789abcdef".into()
            ))
        );
        assert!(sender("MG0123456789").unwrap_err().contains("32"));
        assert!(sender("").is_err());
    }

    #[test]
    fn a_full_resource_url_is_refused_as_the_base() {
        let mut errors = FieldErrors::new();

        form(
            "https://api.twilio.com/2010-04-01/Accounts",
            SID,
            "+447700900123",
        )
        .validate(&mut errors);

        assert!(
            errors
                .get(FieldId::GatewayUrl)
                .unwrap()
                .contains("base URL")
        );
    }
}
