//! Kannel's HTTP `sendsms` interface: the smsbox URL, the `sendsms-user` and its password, and
//! the optional sender, SMSC route and delivery reports.

use super::fields::{optional_line, parse_sender, required_line};
use crate::field::{FieldErrors, FieldId};
use crate::web_url::WebUrl;
use serde::{Deserialize, Serialize};

/// Path of the interface on smsbox, used when the URL names only the host and port.
pub const KANNEL_SENDSMS_PATH: &str = "/cgi-bin/sendsms";

/// The delivery reports Kannel can send back, as the bits of its `dlr-mask`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryReport {
    /// Delivered to the phone (1).
    Delivered,
    /// Delivery failed (2).
    Failed,
    /// Buffered by the SMSC (4).
    Buffered,
    /// Accepted by the SMSC (8).
    AcceptedBySmsc,
    /// Rejected by the SMSC (16).
    RejectedBySmsc,
}

impl DeliveryReport {
    /// Every report, in the order the page lists them.
    pub const ALL: [DeliveryReport; 5] = [
        DeliveryReport::Delivered,
        DeliveryReport::Failed,
        DeliveryReport::Buffered,
        DeliveryReport::AcceptedBySmsc,
        DeliveryReport::RejectedBySmsc,
    ];

    /// Its bit in `dlr-mask`.
    pub fn bit(self) -> u8 {
        match self {
            DeliveryReport::Delivered => 1,
            DeliveryReport::Failed => 2,
            DeliveryReport::Buffered => 4,
            DeliveryReport::AcceptedBySmsc => 8,
            DeliveryReport::RejectedBySmsc => 16,
        }
    }

    /// The label the page shows.
    pub fn label(self) -> &'static str {
        match self {
            DeliveryReport::Delivered => "Delivered",
            DeliveryReport::Failed => "Failed",
            DeliveryReport::Buffered => "Buffered",
            DeliveryReport::AcceptedBySmsc => "Accepted by SMSC",
            DeliveryReport::RejectedBySmsc => "Rejected by SMSC",
        }
    }
}

/// The Kannel fields as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KannelForm {
    /// smsbox's sendsms URL, e.g. `http://127.0.0.1:13013/cgi-bin/sendsms`.
    pub url: String,
    /// The `sendsms-user` name.
    pub user_name: String,
    /// Optional sender (`from`).
    pub sender: String,
    /// Optional SMSC id (`smsc`) to route through.
    pub smsc_id: String,
    /// `dlr-mask`: the sum of the [`DeliveryReport`] bits wanted, 0 for none.
    pub dlr_mask: u8,
    /// `dlr-url`, called by Kannel with each report; may contain Kannel's `%` escapes.
    pub dlr_url: String,
}

/// Checked Kannel settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KannelConfig {
    /// The sendsms URL, without a query.
    pub url: WebUrl,
    /// The `sendsms-user` name.
    pub user_name: String,
    /// Sender (`from`), if set.
    pub sender: Option<String>,
    /// SMSC id, if set.
    pub smsc_id: Option<String>,
    /// `dlr-mask`, 0 for none.
    pub dlr_mask: u8,
    /// `dlr-url`, set exactly when `dlr_mask` is not 0.
    pub dlr_url: Option<String>,
}

impl From<&KannelConfig> for KannelForm {
    fn from(config: &KannelConfig) -> Self {
        KannelForm {
            url: config.url.to_string(),
            user_name: config.user_name.clone(),
            sender: config.sender.clone().unwrap_or_default(),
            smsc_id: config.smsc_id.clone().unwrap_or_default(),
            dlr_mask: config.dlr_mask,
            dlr_url: config.dlr_url.clone().unwrap_or_default(),
        }
    }
}

impl KannelForm {
    pub(super) fn validate(&self, errors: &mut FieldErrors) -> Option<KannelConfig> {
        let url = parse_sendsms_url(&self.url)
            .map_err(|message| errors.add(FieldId::GatewayUrl, message))
            .ok();
        let user_name = required_line(&self.user_name, 256, "Enter the sendsms-user name")
            .map_err(|message| errors.add(FieldId::GatewayUser, message))
            .ok();
        let sender = parse_sender(&self.sender)
            .map_err(|message| errors.add(FieldId::GatewaySender, message))
            .ok();
        let smsc_id = parse_smsc_id(&self.smsc_id)
            .map_err(|message| errors.add(FieldId::SmscId, message))
            .ok();
        let dlr_url = parse_dlr_url(&self.dlr_url)
            .map_err(|message| errors.add(FieldId::DeliveryReportUrl, message))
            .ok();
        if self.dlr_mask > 31 {
            errors.add(
                FieldId::DeliveryReportMask,
                "Choose among the listed reports",
            );
        }
        match (&dlr_url, self.dlr_mask) {
            (Some(None), mask) if mask != 0 => errors.add(
                FieldId::DeliveryReportUrl,
                "Enter the URL Kannel should call with the delivery reports",
            ),
            (Some(Some(_)), 0) => errors.add(
                FieldId::DeliveryReportMask,
                "Choose which delivery reports to ask for, or clear the report URL",
            ),
            _ => {}
        }
        Some(KannelConfig {
            url: url?,
            user_name: user_name?,
            sender: sender?,
            smsc_id: smsc_id?,
            dlr_mask: self.dlr_mask,
            dlr_url: dlr_url?,
        })
    }
}

fn parse_sendsms_url(input: &str) -> Result<WebUrl, String> {
    let url = WebUrl::parse(input)?;
    if url.query().is_some() {
        return Err("Remove the ?… part: the console adds the sendsms parameters itself".into());
    }
    Ok(if url.path() == "/" {
        url.with_path(KANNEL_SENDSMS_PATH)
    } else {
        url
    })
}

fn parse_smsc_id(input: &str) -> Result<Option<String>, String> {
    let Some(id) = optional_line(input, 64)? else {
        return Ok(None);
    };
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "'{}' cannot appear in an SMSC id: use the smsc-id of the group in kannel.conf",
            bad.escape_default()
        ));
    }
    Ok(Some(id))
}

/// The report URL may carry Kannel's escapes such as `%d` (report type) and `%p` (recipient),
/// which are not URL escapes: they are checked as if they were plain letters.
fn parse_dlr_url(input: &str) -> Result<Option<String>, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let mut neutral = String::with_capacity(trimmed.len());
    let mut characters = trimmed.chars().peekable();
    while let Some(c) = characters.next() {
        if c == '%'
            && characters
                .peek()
                .is_some_and(|next| next.is_ascii_alphabetic())
        {
            let escape = characters.next().unwrap_or('x');
            if escape.is_ascii_hexdigit()
                && characters
                    .peek()
                    .is_some_and(|next| next.is_ascii_hexdigit())
            {
                neutral.push('%');
                neutral.push(escape);
            } else {
                neutral.push('x');
            }
        } else {
            neutral.push(c);
        }
    }
    WebUrl::parse(&neutral)?;
    Ok(Some(trimmed.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(url: &str) -> KannelForm {
        KannelForm {
            url: url.into(),
            user_name: "console".into(),
            ..KannelForm::default()
        }
    }

    #[test]
    fn a_bare_host_and_port_gets_the_sendsms_path() {
        let config = form("http://127.0.0.1:13013")
            .validate(&mut FieldErrors::new())
            .unwrap();

        assert_eq!(
            config.url.to_string(),
            "http://127.0.0.1:13013/cgi-bin/sendsms"
        );
    }

    #[test]
    fn a_query_in_the_url_is_refused() {
        let mut errors = FieldErrors::new();

        form("http://k.example:13013/cgi-bin/sendsms?user=x").validate(&mut errors);

        assert!(errors.get(FieldId::GatewayUrl).unwrap().contains("?"));
    }

    #[test]
    fn a_report_mask_needs_a_report_url_and_back() {
        let mut errors = FieldErrors::new();
        KannelForm {
            dlr_mask: 3,
            ..form("http://k.example:13013")
        }
        .validate(&mut errors);
        assert!(errors.get(FieldId::DeliveryReportUrl).is_some());

        let mut errors = FieldErrors::new();
        KannelForm {
            dlr_url: "http://nac.example/dlr?type=%d".into(),
            ..form("http://k.example:13013")
        }
        .validate(&mut errors);
        assert!(errors.get(FieldId::DeliveryReportMask).is_some());
    }

    #[test]
    fn kannel_escapes_in_the_report_url_are_accepted() {
        let config = KannelForm {
            dlr_mask: 3,
            dlr_url: "http://nac.example/dlr?type=%d&to=%p&id=%F0".into(),
            ..form("http://k.example:13013")
        }
        .validate(&mut FieldErrors::new())
        .unwrap();

        assert_eq!(
            config.dlr_url.as_deref(),
            Some("http://nac.example/dlr?type=%d&to=%p&id=%F0")
        );
    }

    #[test]
    fn the_user_name_is_required_and_the_smsc_id_is_a_name() {
        let mut errors = FieldErrors::new();
        KannelForm {
            user_name: " ".into(),
            smsc_id: "fake smsc".into(),
            ..form("http://k.example:13013")
        }
        .validate(&mut errors);

        assert!(errors.get(FieldId::GatewayUser).is_some());
        assert!(errors.get(FieldId::SmscId).unwrap().contains("' '"));
    }
}
