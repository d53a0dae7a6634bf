//! Email-to-SMS through the one SMTP send path, end to end against the real Postfix test MTA
//! that `scripts/peers/postfix-up.sh` runs on 127.0.0.1: the SMS gateway and the SMTP settings
//! are saved in a temporary store, `SmsService` turns the SMS into an email to the address the
//! template gives for the number, and the delivered message is read back from the Maildir.

mod support;

use mail_parser::{Address, MessageParser};
use messaging::{EmailError, OutgoingSms, SmsError};
use model::{FailureKind, GatewayKind, PhoneNumber};
use support::sms::{email_gateway, sms_failure, sms_sent, test_sms, wait_for_body};
use support::{DELIVERY_TIMEOUT, FROM, Peers, TempStore, unique_token};

/// A store with the plain SMTP port of the test MTA and email-to-SMS to `template`.
async fn email_to_sms_store(peers: &Peers, template: &str) -> TempStore {
    let temp = TempStore::new().await;
    temp.save(&peers.plain_form(FROM)).await;
    temp.save_gateway(&email_gateway(template)).await;
    temp
}

#[tokio::test]
async fn sms_arrives_at_the_number_digits_address_with_the_exact_text_as_body() {
    let peers = Peers::postfix();
    let template = format!("{{number_digits}}@{}", peers.rcpt_domain);
    let temp = email_to_sms_store(&peers, &template).await;
    let token = unique_token("email-sms");
    let text = format!("SMS {token}\nΓειά σου + мир = ok & \"done\" 😀");
    let address = format!("447700900123@{}", peers.rcpt_domain);

    let outcome = temp
        .sms_service()
        .send_test(&test_sms("+44 7700 900123", &text))
        .await;

    let sent = sms_sent(outcome);
    assert_eq!(sent.gateway, GatewayKind::EmailToSms);
    assert_eq!(sent.endpoint, address);
    assert_eq!(sent.recipient, "+447700900123");
    assert_eq!(sent.status, None);
    assert!(sent.reply.starts_with("250"), "final reply: {}", sent.reply);
    let raw = wait_for_body(&peers.maildir, &token, DELIVERY_TIMEOUT).await;
    let message = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("parse the message");
    assert_eq!(
        message.header_raw("X-Original-To").map(str::trim),
        Some(address.as_str()),
        "envelope recipient:\n{raw}"
    );
    let to = message
        .to()
        .and_then(Address::as_list)
        .expect("To is a mailbox list");
    assert_eq!(to.len(), 1);
    assert_eq!(to[0].address(), Some(address.as_str()));
    let body = message.body_text(0).expect("a text body");
    assert_eq!(body.replace("\r\n", "\n").trim_end_matches('\n'), text);
}

#[tokio::test]
async fn number_with_its_plus_is_written_into_the_address_when_the_template_asks() {
    let peers = Peers::postfix();
    let template = format!("{{number}}@{}", peers.rcpt_domain);
    let temp = email_to_sms_store(&peers, &template).await;
    let token = unique_token("email-plus");

    let outcome = temp
        .sms_service()
        .send_test(&test_sms("+44 7700 900124", &format!("Plus {token}")))
        .await;

    let sent = sms_sent(outcome);
    let address = format!("+447700900124@{}", peers.rcpt_domain);
    assert_eq!(sent.endpoint, address);
    let raw = wait_for_body(&peers.maildir, &token, DELIVERY_TIMEOUT).await;
    assert!(
        raw.contains(&format!("X-Original-To: {address}")),
        "envelope recipient:\n{raw}"
    );
}

#[tokio::test]
async fn address_outside_the_accepted_domain_is_a_recipient_rejection() {
    let peers = Peers::postfix();
    let temp = email_to_sms_store(&peers, "{number_digits}@sms.example.org").await;

    let outcome = temp
        .sms_service()
        .send_test(&test_sms("+44 7700 900125", "Not relayed"))
        .await;

    let failure = sms_failure(outcome);
    assert_eq!(failure.kind, FailureKind::RecipientRejected, "{failure:#?}");
    assert_eq!(failure.gateway, GatewayKind::EmailToSms);
    assert_eq!(failure.endpoint, "447700900125@sms.example.org");
    let reply = failure.reply.as_deref().unwrap_or_default();
    assert!(reply.contains("Relay access denied"), "reply: {reply:?}");
}

#[tokio::test]
async fn without_smtp_settings_email_to_sms_is_not_ready() {
    let temp = TempStore::new().await;
    temp.save_gateway(&email_gateway("{number_digits}@sms.console.test"))
        .await;
    let sms = OutgoingSms {
        to: PhoneNumber::parse_international("+44 7700 900126").expect("a valid number"),
        text: "Nowhere to go".to_owned(),
    };

    let outcome = temp.sms_service().send(&sms).await;

    match outcome {
        Err(SmsError::SmtpNotReady(EmailError::NotConfigured)) => {}
        other => panic!("expected SMTP not ready (not configured), got {other:#?}"),
    }
}
