//! The SMS service: loads the saved gateway, checks the message against its segment limit and
//! sends it through the chosen kind — Kannel, a generic HTTP API, a Twilio-compatible API, or
//! an email through the SMTP server. The Send Test SMS dialog uses it now; notifications are
//! meant to call the same [`SmsService::send`].

mod generic;
mod kannel;
mod reply;
mod twilio;

use crate::email::{EmailError, EmailService, OutgoingEmail};
use crate::http::{HttpClient, HttpRequest};
use crate::mask;
use crate::settings::{SettingsStore, StoreError, StoredSmsGateway};
use model::sms::template::TemplateValues;
use model::test_sms::check_message;
use model::{
    FieldErrors, GatewayConfig, GatewayKind, PhoneNumber, SentLength, SmsFailure, SmsLength,
    SmsSent, TestSmsForm,
};
use secrecy::SecretString;
use std::time::Instant;

/// An SMS to send.
#[derive(Clone, Debug)]
pub struct OutgoingSms {
    /// The recipient.
    pub to: PhoneNumber,
    /// The text, as it will be sent.
    pub text: String,
}

/// Why an SMS was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    /// No SMS gateway is saved.
    #[error("no SMS gateway is saved")]
    NotConfigured,
    /// The gateway needs a secret but none is usable (none stored, or it no longer decrypts).
    #[error("the SMS gateway's secret is missing")]
    SecretMissing,
    /// The test SMS breaks a rule (the segment limit depends on the saved gateway).
    #[error("the test SMS is not valid: {0}")]
    Invalid(FieldErrors),
    /// Email-to-SMS was chosen but the SMTP server is not set up (or lacks its password).
    #[error("email-to-SMS needs the SMTP server: {0}")]
    SmtpNotReady(#[source] EmailError),
    /// The settings could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The gateway was tried and did not take the message.
    #[error("{0}")]
    Failed(Box<SmsFailure>),
}

/// Sends SMS with the saved gateway; cheap to clone.
#[derive(Clone)]
pub struct SmsService {
    store: SettingsStore,
    http: HttpClient,
    email: EmailService,
}

/// What a gateway kind needs to build its request.
pub(crate) struct Send<'a> {
    pub(crate) sms: &'a OutgoingSms,
    pub(crate) length: &'a SmsLength,
    pub(crate) secret: Option<&'a SecretString>,
    pub(crate) stored: &'a StoredSmsGateway,
}

impl SmsService {
    /// A service reading the gateway from `store`, calling HTTP gateways with `http` and
    /// sending email-to-SMS through `email`.
    pub fn new(store: SettingsStore, http: HttpClient, email: EmailService) -> SmsService {
        SmsService { store, http, email }
    }

    /// Checks the Send Test SMS dialog against the saved gateway and sends it.
    pub async fn send_test(&self, form: &TestSmsForm) -> Result<SmsSent, SmsError> {
        let stored = self
            .store
            .load_sms_gateway()
            .await?
            .ok_or(SmsError::NotConfigured)?;
        let test = form
            .validate(stored.max_segments)
            .map_err(SmsError::Invalid)?;
        let sms = OutgoingSms {
            to: test.recipient,
            text: test.message,
        };
        self.send_with(&stored, &sms, &test.length).await
    }

    /// Sends `sms` with the saved gateway, after the same text checks as a test SMS.
    pub async fn send(&self, sms: &OutgoingSms) -> Result<SmsSent, SmsError> {
        let stored = self
            .store
            .load_sms_gateway()
            .await?
            .ok_or(SmsError::NotConfigured)?;
        let (text, length) = match check_message(&sms.text, stored.max_segments) {
            Ok(checked) => checked,
            Err(message) => {
                let mut errors = FieldErrors::new();
                errors.add(model::FieldId::SmsMessage, message);
                return Err(SmsError::Invalid(errors));
            }
        };
        let sms = OutgoingSms {
            to: sms.to.clone(),
            text,
        };
        self.send_with(&stored, &sms, &length).await
    }

    /// Sends a checked SMS; `length` is its measure from the check.
    async fn send_with(
        &self,
        stored: &StoredSmsGateway,
        sms: &OutgoingSms,
        length: &SmsLength,
    ) -> Result<SmsSent, SmsError> {
        if stored.gateway.secret_label().is_some() && stored.secret.is_none() {
            return Err(SmsError::SecretMissing);
        }
        let send = Send {
            sms,
            length,
            secret: stored.secret.as_ref(),
            stored,
        };
        let started = Instant::now();
        let outcome = match &stored.gateway {
            GatewayConfig::Kannel(config) => {
                let request = kannel::request(config, &send);
                self.over_http(request, &send, kannel::judge).await
            }
            GatewayConfig::Http(config) => match generic::request(config, &send) {
                Ok(request) => {
                    self.over_http(request, &send, |reply| generic::judge(config, reply))
                        .await
                }
                Err(failure) => Err(failure),
            },
            GatewayConfig::Twilio(config) => {
                let request = twilio::request(config, &send);
                self.over_http(request, &send, twilio::judge).await
            }
            GatewayConfig::EmailToSms(config) => {
                return self.over_email(config, &send, started).await;
            }
        };
        log_outcome(stored.gateway.kind(), &sms.to, &outcome);
        outcome.map_err(SmsError::Failed)
    }

    async fn over_http(
        &self,
        request: HttpRequest,
        send: &Send<'_>,
        judge: impl FnOnce(&crate::http::HttpReply) -> reply::Verdict,
    ) -> Result<SmsSent, Box<SmsFailure>> {
        let gateway = &send.stored.gateway;
        match self.http.send(&request).await {
            Ok(mut answer) => {
                // A gateway may echo the request (an error page quoting it, a debugging
                // endpoint): its answer is shown and logged, so the secret is taken out first.
                reply::redact_secrets(&mut answer, &request, send.secret);
                reply::conclude(gateway, send, &answer, judge(&answer))
            }
            Err(failure) => Err(reply::unreachable(gateway, &failure)),
        }
    }

    async fn over_email(
        &self,
        config: &model::sms::EmailToSmsConfig,
        send: &Send<'_>,
        started: Instant,
    ) -> Result<SmsSent, SmsError> {
        let number = send.sms.to.e164();
        let to = config.address_for(&number).map_err(|reason| {
            // The template was checked with a sample number; a real one cannot break it.
            SmsError::Store(StoreError::Corrupt {
                column: "config_json",
                reason,
            })
        })?;
        let email = OutgoingEmail {
            to,
            subject: String::new(),
            body: send.sms.text.clone(),
        };
        let outcome = match self.email.send(&email).await {
            Ok(delivered) => Ok(SmsSent {
                gateway: GatewayKind::EmailToSms,
                endpoint: email.to.address(),
                recipient: number,
                status: None,
                reply: delivered.final_reply,
                message_id: None,
                length: sent_length(send.length),
                elapsed_ms: elapsed_ms(started),
            }),
            Err(EmailError::Delivery(failure)) => Err(Box::new(SmsFailure {
                kind: failure.kind,
                gateway: GatewayKind::EmailToSms,
                endpoint: email.to.address(),
                stage: failure.stage.during().to_owned(),
                summary: failure.summary,
                status: None,
                reply: failure.server_reply,
                hint: failure.hint,
                elapsed_ms: failure.elapsed_ms,
            })),
            Err(error @ (EmailError::NotConfigured | EmailError::PasswordMissing)) => {
                return Err(SmsError::SmtpNotReady(error));
            }
            Err(EmailError::Store(error)) => return Err(SmsError::Store(error)),
            Err(error @ EmailError::Build(_)) => return Err(SmsError::SmtpNotReady(error)),
        };
        log_outcome(GatewayKind::EmailToSms, &send.sms.to, &outcome);
        outcome.map_err(SmsError::Failed)
    }
}

/// The values templates are filled in with for this SMS.
pub(crate) fn template_values<'a>(
    number: &'a str,
    send: &'a Send<'_>,
    sender: Option<&'a str>,
) -> TemplateValues<'a> {
    TemplateValues {
        number,
        message: &send.sms.text,
        sender: sender.unwrap_or(""),
    }
}

pub(crate) fn sent_length(length: &SmsLength) -> SentLength {
    SentLength {
        characters: length.characters,
        encoding: length.encoding,
        segments: length.segments,
    }
}

pub(crate) fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn log_outcome(kind: GatewayKind, to: &PhoneNumber, outcome: &Result<SmsSent, Box<SmsFailure>>) {
    let recipient = mask::phone_number(&to.e164());
    // An email-to-SMS endpoint is an address made of the number: the log keeps its mask.
    let masked_endpoint = |endpoint: &str| match kind {
        GatewayKind::EmailToSms => mask::email_address(endpoint),
        _ => endpoint.to_owned(),
    };
    // Gateways often quote the number back; the log keeps only its mask.
    let masked_reply = |reply: &str| {
        let digits = to.e164().trim_start_matches('+').to_owned();
        mask::server_reply(&reply.replace(&digits, &recipient))
    };
    match outcome {
        Ok(sent) => tracing::info!(
            recipient,
            gateway = kind.as_str(),
            endpoint = masked_endpoint(&sent.endpoint),
            status = sent.status,
            elapsed_ms = sent.elapsed_ms,
            segments = sent.length.segments,
            "SMS accepted by the gateway"
        ),
        Err(failure) => tracing::warn!(
            recipient,
            gateway = kind.as_str(),
            endpoint = masked_endpoint(&failure.endpoint),
            kind = failure.kind.id(),
            status = failure.status,
            reply = masked_reply(failure.reply.as_deref().unwrap_or("")),
            elapsed_ms = failure.elapsed_ms,
            "SMS not sent: {}",
            failure.summary
        ),
    }
}
