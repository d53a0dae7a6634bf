//! Arrange helpers of the SMS tests: an `SmsService` reading a temporary store, SMS gateway
//! forms of each kind that pass validation, a test SMS, the outcome of a send unpacked, and a
//! bounded wait for an email-to-SMS message by its decoded body.

use super::TempStore;
use super::kannel::KannelPeer;
use mail_parser::MessageParser;
use messaging::{HttpClient, SmsError, SmsService, StoredSmsGateway};
use model::sms::{EmailToSmsForm, HttpGatewayForm, KannelForm, TwilioForm};
use model::{GatewayKind, SecretText, SmsFailure, SmsGatewayForm, SmsSent, TestSmsForm};
use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

/// The User-Agent the console sends to gateways during the tests.
pub const USER_AGENT: &str = "messaging-tests/1.0";

/// The sender of the Kannel tests: the test Kannel has no default sender.
pub const KANNEL_SENDER: &str = "Console";

impl TempStore {
    /// An SMS service reading this store's gateway, with email-to-SMS through this store's
    /// SMTP settings.
    pub fn sms_service(&self) -> SmsService {
        SmsService::new(
            self.store.clone(),
            HttpClient::new(USER_AGENT),
            self.email_service(),
        )
    }

    /// Validates `form` as a first save (nothing stored yet) and stores it.
    pub async fn save_gateway(&self, form: &SmsGatewayForm) -> StoredSmsGateway {
        let settings = form.validate(None).unwrap_or_else(|errors| {
            panic!("the test's gateway form does not validate: {errors:?}")
        });
        self.store
            .save_sms_gateway(&settings)
            .await
            .expect("save the SMS gateway")
    }

    /// The stored gateway, which must be there.
    pub async fn load_gateway(&self) -> StoredSmsGateway {
        self.store
            .load_sms_gateway()
            .await
            .expect("load the SMS gateway")
            .expect("an SMS gateway is stored")
    }

    /// A new store holding the gateway `form`, and the SMS service reading it.
    pub async fn with_gateway(form: &SmsGatewayForm) -> (TempStore, SmsService) {
        let temp = TempStore::new().await;
        temp.save_gateway(form).await;
        let service = temp.sms_service();
        (temp, service)
    }
}

/// A gateway form of `kind` with `secret`, a 10 s timeout and the default segment limit.
pub fn gateway_form(kind: GatewayKind, secret: &str) -> SmsGatewayForm {
    SmsGatewayForm {
        kind,
        secret: SecretText::new(secret),
        timeout_secs: "10".to_owned(),
        ..SmsGatewayForm::default()
    }
}

/// The test Kannel's sendsms with its user, `password` and the sender [`KANNEL_SENDER`].
pub fn kannel_gateway(peer: &KannelPeer, password: &str) -> SmsGatewayForm {
    SmsGatewayForm {
        kannel: KannelForm {
            url: peer.sendsms_url.clone(),
            user_name: peer.user.clone(),
            sender: KANNEL_SENDER.to_owned(),
            ..KannelForm::default()
        },
        ..gateway_form(GatewayKind::Kannel, password)
    }
}

/// A generic HTTP gateway described by `http`, with `secret`.
pub fn http_gateway(http: HttpGatewayForm, secret: &str) -> SmsGatewayForm {
    SmsGatewayForm {
        http,
        ..gateway_form(GatewayKind::Http, secret)
    }
}

/// A Twilio-compatible API at `api_base` for `account_sid`, sending as `sender`.
pub fn twilio_gateway(
    api_base: &str,
    account_sid: &str,
    sender: &str,
    token: &str,
) -> SmsGatewayForm {
    SmsGatewayForm {
        twilio: TwilioForm {
            api_base: api_base.to_owned(),
            account_sid: account_sid.to_owned(),
            sender: sender.to_owned(),
        },
        ..gateway_form(GatewayKind::Twilio, token)
    }
}

/// Email-to-SMS to the address `template`.
pub fn email_gateway(template: &str) -> SmsGatewayForm {
    SmsGatewayForm {
        email_to_sms: EmailToSmsForm {
            address: template.to_owned(),
        },
        ..gateway_form(GatewayKind::EmailToSms, "")
    }
}

/// The Send Test SMS dialog filled in.
pub fn test_sms(recipient: &str, message: &str) -> TestSmsForm {
    TestSmsForm {
        recipient: recipient.to_owned(),
        message: message.to_owned(),
    }
}

/// The acceptance of a send that must have gone through.
pub fn sms_sent(outcome: Result<SmsSent, SmsError>) -> SmsSent {
    outcome.unwrap_or_else(|error| panic!("expected the gateway to take the SMS, got {error:#?}"))
}

/// The classified failure of a send that must have reached the gateway (or tried to).
pub fn sms_failure(outcome: Result<SmsSent, SmsError>) -> SmsFailure {
    match outcome {
        Err(SmsError::Failed(failure)) => *failure,
        other => panic!("expected a classified SMS failure, got {other:#?}"),
    }
}

/// Waits (bounded by `timeout`) until a message in `maildir/new` or `maildir/cur` has a text
/// body that, once decoded, contains `token`, and returns that message's raw text. Unlike
/// [`super::wait_for_delivery`] it looks past the transfer encoding: an email-to-SMS body with
/// non-Latin letters may be quoted-printable or base64, where the token is not visible as is.
pub async fn wait_for_body(maildir: &Path, token: &str, timeout: Duration) -> String {
    let deadline = Instant::now() + timeout;
    // Delivered files never change (Maildir writes in tmp/ and renames).
    let mut seen = HashSet::new();
    loop {
        for sub in ["new", "cur"] {
            let folder = maildir.join(sub);
            let entries = std::fs::read_dir(&folder)
                .unwrap_or_else(|error| panic!("cannot list {} ({error})", folder.display()));
            for entry in entries {
                let path = entry.expect("read a Maildir entry").path();
                if seen.contains(&path) {
                    continue;
                }
                let Ok(bytes) = std::fs::read(&path) else {
                    // Moved from new/ to cur/ between listing and reading: seen on the next pass.
                    continue;
                };
                let body = MessageParser::default()
                    .parse(&bytes)
                    .and_then(|message| message.body_text(0).map(|text| text.into_owned()));
                if body.is_some_and(|body| body.contains(token)) {
                    return String::from_utf8_lossy(&bytes).into_owned();
                }
                seen.insert(path);
            }
        }
        if Instant::now() >= deadline {
            panic!(
                "no message whose body contains {token:?} arrived in {}/{{new,cur}} within \
                 {timeout:?}",
                maildir.display()
            );
        }
        // Polling interval of a bounded wait for a condition (the file appearing).
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
