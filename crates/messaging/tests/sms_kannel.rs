//! The SMS send path, `SmsService`, end to end against the real Kannel that
//! `scripts/peers/kannel-up.sh` runs on 127.0.0.1: a Kannel gateway is saved in a temporary
//! store with the sendsms user's password (a space, `&`, `+` and `é` in it), the service sends
//! through smsbox's sendsms, and what Kannel handed to its fake SMSC is read back from
//! `fakesmsc.log` and compared with what was sent.

mod support;

use messaging::{OutgoingSms, SmsError};
use model::sms::DeliveryReport;
use model::{FailureKind, FieldId, GatewayKind, PhoneNumber, SmsEncoding};
use support::kannel::{ARRIVAL_TIMEOUT, KannelPeer};
use support::receiver::{Answer, Receiver, value};
use support::sms::{KANNEL_SENDER, kannel_gateway, sms_failure, sms_sent, test_sms};
use support::{TempStore, unique_token};

/// Kannel's answer to an accepted sendsms request.
const ACCEPTED: &str = "0: Accepted for delivery";

/// A test Kannel, and a service sending through it with the right password.
async fn kannel_service() -> (KannelPeer, TempStore, messaging::SmsService) {
    let peer = KannelPeer::load();
    let (temp, service) = TempStore::with_gateway(&kannel_gateway(&peer, &peer.password)).await;
    (peer, temp, service)
}

#[tokio::test]
async fn latin_test_sms_reaches_the_fake_smsc_with_the_exact_receiver_and_text() {
    let (peer, _temp, service) = kannel_service().await;
    let token = unique_token("latin");
    let text = format!("Console test {token}: a+b=c & d, 100% (ok?) at 9:30 #1");
    let mark = peer.log_mark();

    let outcome = service.send_test(&test_sms("+44 7700 900101", &text)).await;

    sms_sent(outcome);
    let arrived = peer.wait_for_token(mark, &token).await;
    assert_eq!(arrived.receiver, "+447700900101", "{arrived:#?}");
    assert_eq!(arrived.sender, KANNEL_SENDER, "{arrived:#?}");
    assert_eq!(arrived.kind, "text", "{arrived:#?}");
    assert_eq!(arrived.text().as_deref(), Some(text.as_str()));
}

#[tokio::test]
async fn accepted_test_sms_reports_http_202_and_kannels_reply() {
    let (peer, _temp, service) = kannel_service().await;
    let token = unique_token("accepted");
    let text = format!("Accepted {token}");

    let outcome = service.send_test(&test_sms("+44 7700 900102", &text)).await;

    let sent = sms_sent(outcome);
    assert_eq!(sent.status, Some(202), "{sent:#?}");
    assert_eq!(sent.reply, ACCEPTED, "{sent:#?}");
    assert_eq!(sent.gateway, GatewayKind::Kannel);
    assert_eq!(
        sent.endpoint, peer.sendsms_url,
        "the endpoint shows no query"
    );
    assert_eq!(sent.recipient, "+447700900102");
    assert_eq!(sent.message_id, None);
    assert_eq!(sent.length.encoding, SmsEncoding::Gsm7);
    assert_eq!(sent.length.characters, text.chars().count());
    assert_eq!(sent.length.segments, 1);
}

#[tokio::test]
async fn greek_cyrillic_and_emoji_text_arrives_as_ucs2_and_decodes_exactly() {
    let (peer, _temp, service) = kannel_service().await;
    let token = unique_token("ucs2");
    let text = format!("Γειά σου, мир 😀 {token}");
    let mark = peer.log_mark();

    let outcome = service.send_test(&test_sms("+44 7700 900103", &text)).await;

    let sent = sms_sent(outcome);
    assert_eq!(sent.length.encoding, SmsEncoding::Ucs2);
    // Without coding=2 and charset=UTF-8 Kannel would send GSM-7 and turn the letters into '?'.
    let arrived = peer.wait_for_token(mark, &token).await;
    assert_eq!(arrived.kind, "ucs-2", "{arrived:#?}");
    assert_eq!(arrived.receiver, "+447700900103", "{arrived:#?}");
    assert_eq!(
        arrived.text().as_deref(),
        Some(text.as_str()),
        "{arrived:#?}"
    );
}

#[tokio::test]
async fn gsm_extension_characters_and_gsm_letters_arrive_intact() {
    let (peer, _temp, service) = kannel_service().await;
    let token = unique_token("ext");
    let text =
        format!("Ext [ ] {{ }} € ^ ~ | \\ ΔΦΓΛΩΠΨΣΘΞ £¥èéùìòÇØøÅåÆæßÉÄÖÑÜ§¿äöñüà¡ @$_ {token}");
    let mark = peer.log_mark();

    let outcome = service.send_test(&test_sms("+44 7700 900104", &text)).await;

    let sent = sms_sent(outcome);
    assert_eq!(
        sent.length.encoding,
        SmsEncoding::Gsm7,
        "all of them are GSM-7"
    );
    let arrived = peer.wait_for_token(mark, &token).await;
    assert_eq!(arrived.kind, "text", "{arrived:#?}");
    assert_eq!(
        arrived.text().as_deref(),
        Some(text.as_str()),
        "{arrived:#?}"
    );
}

#[tokio::test]
async fn text_over_one_sms_arrives_as_concatenated_parts_that_join_exactly() {
    let (peer, _temp, service) = kannel_service().await;
    let token = unique_token("long");
    let mut text = format!("Long {token}:");
    while text.chars().count() < 200 {
        text.push_str(" 0123456789");
    }
    let mark = peer.log_mark();

    let outcome = service.send_test(&test_sms("+44 7700 900105", &text)).await;

    let sent = sms_sent(outcome);
    assert_eq!(sent.length.segments, 2, "{sent:#?}");
    let joined = peer.wait_for_concatenated(mark, &token).await;
    assert_eq!(joined.parts, 2, "{joined:#?}");
    assert_eq!(joined.receiver, "+447700900105");
    assert_eq!(joined.text, text);
}

#[tokio::test]
async fn delivery_report_url_with_kannel_escapes_is_called_back_by_kannel() {
    let peer = KannelPeer::load();
    let mut reports = Receiver::start(Answer::text(200, "OK")).await;
    let token = unique_token("dlr");
    let mut form = kannel_gateway(&peer, &peer.password);
    form.kannel.dlr_mask = DeliveryReport::AcceptedBySmsc.bit();
    form.kannel.dlr_url = reports.url(&format!("/dlr/{token}?type=%d&to=%p&from=%P"));
    let (_temp, service) = TempStore::with_gateway(&form).await;

    let outcome = service
        .send_test(&test_sms("+44 7700 900110", &format!("Report {token}")))
        .await;

    sms_sent(outcome);
    // Kannel substitutes its escapes only if the console sent them through unharmed.
    let report = reports.next_request(ARRIVAL_TIMEOUT).await;
    assert_eq!(report.method, "GET");
    assert_eq!(report.path(), format!("/dlr/{token}"));
    let query = report.query_pairs();
    assert_eq!(value(&query, "type"), "8", "{report:#?}");
    assert_eq!(value(&query, "to"), "+447700900110", "{report:#?}");
    assert_eq!(value(&query, "from"), KANNEL_SENDER, "{report:#?}");
}

#[tokio::test]
async fn wrong_password_is_rejected_with_http_403_and_nothing_arrives() {
    let (peer, _temp, good_service) = kannel_service().await;
    let wrong = format!("{}x", peer.password);
    let (_wrong_temp, service) = TempStore::with_gateway(&kannel_gateway(&peer, &wrong)).await;
    let refused = unique_token("wrongpw");
    let sentinel = unique_token("afterwrongpw");
    let mark = peer.log_mark();

    let outcome = service
        .send_test(&test_sms("+44 7700 900106", &format!("Refused {refused}")))
        .await;

    let failure = sms_failure(outcome);
    assert_eq!(failure.kind, FailureKind::AuthRejected, "{failure:#?}");
    assert_eq!(failure.status, Some(403), "{failure:#?}");
    assert_eq!(failure.gateway, GatewayKind::Kannel);
    let reply = failure.reply.as_deref().unwrap_or_default();
    assert!(reply.contains("Authorization failed"), "reply: {reply:?}");
    assert!(
        !failure.to_string().contains(&wrong),
        "the password is shown: {failure}"
    );
    // Sent after the refused one through the same Kannel: once it has arrived, the refused
    // one had every chance to.
    sms_sent(
        good_service
            .send_test(&test_sms("+44 7700 900106", &format!("After {sentinel}")))
            .await,
    );
    peer.wait_for_token(mark, &sentinel).await;
    let leaked: Vec<_> = peer
        .received_since(mark)
        .into_iter()
        .filter(|sms| sms.text().is_some_and(|text| text.contains(&refused)))
        .collect();
    assert!(leaked.is_empty(), "a refused SMS arrived: {leaked:#?}");
}

#[tokio::test]
async fn missing_sender_is_refused_with_kannels_reply_and_a_hint_to_enter_one() {
    // The test Kannel's sendsms-user has no default sender, like many real ones.
    let peer = KannelPeer::load();
    let mut form = kannel_gateway(&peer, &peer.password);
    form.kannel.sender = String::new();
    let (_temp, service) = TempStore::with_gateway(&form).await;

    let outcome = service
        .send_test(&test_sms("+44 7700 900109", "No sender"))
        .await;

    let failure = sms_failure(outcome);
    assert_eq!(failure.kind, FailureKind::GatewayRejected, "{failure:#?}");
    assert_eq!(failure.status, Some(400), "{failure:#?}");
    assert_eq!(
        failure.reply.as_deref(),
        Some("Sender missing and no global set, rejected")
    );
    let hint = failure.hint.as_deref().unwrap_or_default();
    assert!(hint.contains("Enter a sender"), "hint: {hint:?}");
}

#[tokio::test]
async fn test_sms_over_the_saved_segment_limit_is_invalid_and_nothing_arrives() {
    let peer = KannelPeer::load();
    let mut form = kannel_gateway(&peer, &peer.password);
    form.max_segments = "1".to_owned();
    let (_temp, service) = TempStore::with_gateway(&form).await;
    let refused = unique_token("toolong");
    let sentinel = unique_token("aftertoolong");
    let too_long = format!("{refused} {}", "a".repeat(160));
    let mark = peer.log_mark();

    let outcome = service
        .send_test(&test_sms("+44 7700 900107", &too_long))
        .await;

    match outcome {
        Err(SmsError::Invalid(errors)) => {
            let message = errors.get(FieldId::SmsMessage).unwrap_or_default();
            assert!(message.contains("at most 1"), "{errors:?}");
            assert!(errors.get(FieldId::SmsRecipient).is_none(), "{errors:?}");
        }
        other => panic!("expected an invalid test SMS, got {other:#?}"),
    }
    sms_sent(
        service
            .send_test(&test_sms("+44 7700 900107", &format!("After {sentinel}")))
            .await,
    );
    peer.wait_for_token(mark, &sentinel).await;
    let leaked: Vec<_> = peer
        .received_since(mark)
        .into_iter()
        .filter(|sms| sms.payload.contains(&refused))
        .collect();
    assert!(leaked.is_empty(), "an over-long SMS arrived: {leaked:#?}");
}

#[tokio::test]
async fn notification_over_the_saved_segment_limit_is_invalid_on_the_message() {
    let peer = KannelPeer::load();
    let mut form = kannel_gateway(&peer, &peer.password);
    form.max_segments = "1".to_owned();
    let (_temp, service) = TempStore::with_gateway(&form).await;
    let sms = OutgoingSms {
        to: PhoneNumber::parse_international("+44 7700 900108").expect("a valid number"),
        // 'Ω' is in the GSM alphabet, 'ω' is not: 72 characters of UCS-2 need 2 segments.
        text: format!("{} ω", "b".repeat(70)),
    };

    let outcome = service.send(&sms).await;

    match outcome {
        Err(SmsError::Invalid(errors)) => {
            let message = errors.get(FieldId::SmsMessage).unwrap_or_default();
            assert!(message.contains("UCS-2"), "{errors:?}");
        }
        other => panic!("expected an invalid SMS, got {other:#?}"),
    }
}
