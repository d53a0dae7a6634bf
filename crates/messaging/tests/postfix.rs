//! The one send path, `EmailService::send`, end to end against the real Postfix test MTA that
//! `scripts/peers/postfix-up.sh` runs on 127.0.0.1: settings are saved in a temporary store,
//! the service loads them, lettre builds the message, the transport sends it, and delivered
//! messages are read back from the MTA's Maildir.

mod support;

use mail_parser::{Address, Message, MessageParser};
use model::{ConnectionSecurity, FailureKind, SmtpStage};
use support::{
    FROM, Peers, delivery_failure, email, send_with, smtp_form, unique_token, with_ca,
    with_credentials,
};

/// The delivered message `raw`, parsed.
fn parse(raw: &str) -> Message<'_> {
    MessageParser::default()
        .parse(raw.as_bytes())
        .expect("parse the message")
}

#[tokio::test]
async fn message_on_the_plain_port_arrives_with_from_to_subject_and_body_intact() {
    let peers = Peers::postfix();
    let token = unique_token("plain");
    let form = peers.plain_form(r#""Doe, Zoë" <alerts@console.test>"#);
    let subject = format!("Prüfung {token} Grüße");
    let body = format!("Token {token}\nGrüße aus der Konsole, Zoë\n");
    let to = peers.recipient(&token);

    let delivered = send_with(&form, &email(&to, &subject, &body)).await;

    let delivered = delivered.expect("the plain port accepts the message");
    assert!(
        delivered.final_reply.starts_with("250"),
        "final reply: {}",
        delivered.final_reply
    );
    assert!(
        delivered.final_reply.contains("queued as"),
        "final reply: {}",
        delivered.final_reply
    );
    let raw = peers.delivered(&token).await;
    let message = parse(&raw);
    let raw_from = message.header_raw("From").expect("a From header");
    assert!(
        raw_from.is_ascii(),
        "From must be RFC 2047 encoded, not raw UTF-8: {raw_from:?}"
    );
    let from_list = message
        .from()
        .and_then(Address::as_list)
        .expect("From is a mailbox list");
    assert_eq!(
        from_list.len(),
        1,
        "From must stay one mailbox: {raw_from:?} -> {from_list:?}"
    );
    assert_eq!(
        from_list[0].name(),
        Some("Doe, Zoë"),
        "raw From: {raw_from:?}"
    );
    assert_eq!(from_list[0].address(), Some("alerts@console.test"));
    let to_list = message
        .to()
        .and_then(Address::as_list)
        .expect("To is a mailbox list");
    assert_eq!(to_list.len(), 1);
    assert_eq!(to_list[0].address(), Some(to.as_str()));
    assert_eq!(message.subject(), Some(subject.as_str()));
    let text = message.body_text(0).expect("a text body");
    assert_eq!(text.replace("\r\n", "\n").trim_end(), body.trim_end());
}

#[tokio::test]
async fn message_over_implicit_tls_with_the_test_ca_arrives_encrypted() {
    let peers = Peers::postfix();
    let token = unique_token("ssl");
    let form = peers.trusted_form(peers.tls_port, ConnectionSecurity::Ssl);

    let delivered = send_with(&form, &peers.token_email(&token)).await;

    let delivered = delivered.expect("implicit TLS with the test CA is accepted");
    assert!(
        delivered.final_reply.starts_with("250"),
        "final reply: {}",
        delivered.final_reply
    );
    assert!(delivered.used.custom_ca);
    let raw = peers.delivered(&token).await;
    assert!(
        raw.contains("using TLS"),
        "Postfix's Received header shows no TLS:\n{raw}"
    );
}

#[tokio::test]
async fn message_over_start_tls_with_authentication_arrives() {
    let peers = Peers::postfix();
    let token = unique_token("starttls");
    let form = peers.trusted_form(peers.starttls_port, ConnectionSecurity::StartTls);
    let form = peers.signed_in(form);

    let delivered = send_with(&form, &peers.token_email(&token)).await;

    let delivered = delivered.expect("STARTTLS and AUTH with the right password are accepted");
    assert!(
        delivered.final_reply.starts_with("250"),
        "final reply: {}",
        delivered.final_reply
    );
    assert_eq!(
        delivered.used.user_name.as_deref(),
        Some(peers.user.as_str())
    );
    let raw = peers.delivered(&token).await;
    assert!(
        raw.contains("using TLS"),
        "Postfix's Received header shows no TLS:\n{raw}"
    );
}

#[tokio::test]
async fn wrong_password_is_reported_as_rejected_authentication_with_the_535_reply() {
    let peers = Peers::postfix();
    let form = peers.trusted_form(peers.starttls_port, ConnectionSecurity::StartTls);
    let form = with_credentials(form, &peers.user, "not the password");

    let outcome = send_with(&form, &peers.token_email(&unique_token("wrongpw"))).await;

    let failure = delivery_failure(outcome);
    assert_eq!(failure.kind, FailureKind::AuthRejected, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::Auth, "{failure:#?}");
    let reply = failure.server_reply.as_deref().unwrap_or_default();
    assert!(reply.starts_with("535"), "server reply: {reply:?}");
}

#[tokio::test]
async fn implicit_tls_without_the_test_ca_is_a_certificate_failure_naming_the_unknown_issuer() {
    let peers = Peers::postfix();
    let form = smtp_form(
        &peers.tls_name,
        peers.tls_port,
        ConnectionSecurity::Ssl,
        FROM,
    );

    let outcome = send_with(&form, &peers.token_email(&unique_token("noca"))).await;

    let failure = delivery_failure(outcome);
    assert_eq!(failure.kind, FailureKind::Certificate, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::TlsHandshake, "{failure:#?}");
    assert!(
        failure.summary.contains("unknown issuer"),
        "summary: {}",
        failure.summary
    );
    assert!(!failure.used.custom_ca);
}

#[tokio::test]
async fn start_tls_without_credentials_is_refused_at_the_recipient_by_the_submission_port() {
    let peers = Peers::postfix();
    let form = peers.trusted_form(peers.starttls_port, ConnectionSecurity::StartTls);

    let outcome = send_with(&form, &peers.token_email(&unique_token("noauth"))).await;

    // Postfix: "554 5.7.1 <...>: Recipient address rejected: Access denied"
    // (smtpd_recipient_restrictions = permit_sasl_authenticated, reject).
    let failure = delivery_failure(outcome);
    assert_eq!(failure.kind, FailureKind::RecipientRejected, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::RcptTo, "{failure:#?}");
    let reply = failure.server_reply.as_deref().unwrap_or_default();
    assert!(reply.starts_with("554 5.7.1"), "server reply: {reply:?}");
    assert!(reply.contains("Access denied"), "server reply: {reply:?}");
}

#[tokio::test]
async fn recipient_outside_the_accepted_domain_is_rejected_with_a_permanent_reply() {
    let peers = Peers::postfix();
    let form = peers.plain_form(FROM);
    let to = format!("{}@example.org", unique_token("relay"));

    let outcome = send_with(&form, &email(&to, "Relay test", "not relayed\n")).await;

    let failure = delivery_failure(outcome);
    assert_eq!(failure.kind, FailureKind::RecipientRejected, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::RcptTo, "{failure:#?}");
    let reply = failure.server_reply.as_deref().unwrap_or_default();
    assert!(reply.starts_with('5'), "server reply: {reply:?}");
    assert!(
        reply.contains("Relay access denied"),
        "server reply: {reply:?}"
    );
}

#[tokio::test]
async fn credentials_on_an_unencrypted_submission_port_are_not_offered_and_the_hint_names_start_tls()
 {
    let peers = Peers::postfix();
    let form = smtp_form(
        "127.0.0.1",
        peers.starttls_port,
        ConnectionSecurity::None,
        FROM,
    );
    let form = peers.signed_in(form);

    let outcome = send_with(&form, &peers.token_email(&unique_token("cleartext"))).await;

    let failure = delivery_failure(outcome);
    assert_eq!(failure.kind, FailureKind::AuthNotOffered, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::Auth, "{failure:#?}");
    let hint = failure.hint.as_deref().unwrap_or_default();
    assert!(hint.contains("Start TLS"), "hint: {hint:?}");
}

#[tokio::test]
async fn start_tls_to_the_plain_port_stops_at_start_tls_before_anything_else_is_sent() {
    let peers = Peers::postfix();
    let form = smtp_form(
        "127.0.0.1",
        peers.plain_port,
        ConnectionSecurity::StartTls,
        FROM,
    );
    let form = peers.signed_in(form);

    let outcome = send_with(&form, &peers.token_email(&unique_token("nostarttls"))).await;

    let failure = delivery_failure(outcome);
    assert_eq!(
        failure.kind,
        FailureKind::StartTlsNotOffered,
        "{failure:#?}"
    );
    assert_eq!(failure.stage, SmtpStage::StartTls, "{failure:#?}");
}

#[tokio::test]
async fn ssl_to_the_plain_port_is_a_tls_handshake_failure_with_a_plain_smtp_hint() {
    let peers = Peers::postfix();
    let form = peers.trusted_form(peers.plain_port, ConnectionSecurity::Ssl);

    let outcome = send_with(&form, &peers.token_email(&unique_token("sslplain"))).await;

    let failure = delivery_failure(outcome);
    assert_eq!(failure.kind, FailureKind::TlsHandshake, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::TlsHandshake, "{failure:#?}");
    let hint = failure.hint.as_deref().unwrap_or_default();
    assert!(hint.contains("plain SMTP"), "hint: {hint:?}");
}

#[tokio::test]
async fn non_ascii_local_part_in_from_arrives_through_smtputf8() {
    let peers = Peers::postfix();
    let token = unique_token("utf8");
    let form = peers.plain_form("jörg@console.test");

    let delivered = send_with(&form, &peers.token_email(&token)).await;

    let delivered = delivered.expect("Postfix offers SMTPUTF8 and accepts jörg@console.test");
    assert!(
        delivered.final_reply.starts_with("250"),
        "final reply: {}",
        delivered.final_reply
    );
    let raw = peers.delivered(&token).await;
    let message = parse(&raw);
    let from = message
        .from()
        .and_then(Address::as_list)
        .expect("From is a mailbox list");
    assert_eq!(from.len(), 1);
    assert_eq!(from[0].address(), Some("jörg@console.test"));
    assert!(
        raw.contains("Return-Path: <jörg@console.test>"),
        "envelope sender:\n{raw}"
    );
}

#[tokio::test]
async fn ssl_to_a_saved_ipv4_address_is_verified_against_the_certificates_ip_name() {
    let peers = Peers::postfix();
    let token = unique_token("ipsan");
    let form = smtp_form("127.0.0.1", peers.tls_port, ConnectionSecurity::Ssl, FROM);
    let form = with_ca(form, &peers.ca_pem);

    let delivered = send_with(&form, &peers.token_email(&token)).await;

    let delivered = delivered.expect("the server certificate has the IP name 127.0.0.1");
    assert_eq!(delivered.used.address.as_deref(), Some("127.0.0.1"));
    let raw = peers.delivered(&token).await;
    assert!(
        raw.contains("using TLS"),
        "Postfix's Received header shows no TLS:\n{raw}"
    );
}

#[tokio::test]
async fn body_lines_starting_with_a_dot_arrive_intact() {
    let peers = Peers::postfix();
    let token = unique_token("dots");
    let form = peers.plain_form(FROM);
    let body = format!("Token {token}\n.\n.. two dots\n.one dot\nend\n");
    let to = peers.recipient(&token);

    let delivered = send_with(&form, &email(&to, "Dots", &body)).await;

    delivered.expect("the plain port accepts the message");
    let raw = peers.delivered(&token).await;
    let message = parse(&raw);
    let text = message.body_text(0).expect("a text body");
    assert_eq!(text.replace("\r\n", "\n").trim_end(), body.trim_end());
}
