//! No secret reaches the log, at any level. Everything the console and its libraries log is
//! captured at TRACE (the `log` records of rustls and others included) while the real send
//! paths use real secrets: SMTP AUTH over STARTTLS with Postfix, Kannel's sendsms, and generic
//! HTTP and Twilio-compatible gateways that quote the request back. Then the capture is
//! searched for every form a secret travels in: as typed, percent-encoded, and base64 as in
//! `AUTH PLAIN` and `Authorization: Basic`.

mod support;

use base64::Engine as _;
use model::ConnectionSecurity;
use model::sms::template::percent_encode;
use model::sms::{AuthMethod, BodyType, HttpGatewayForm, HttpMethod};
use std::io::Write;
use std::sync::{Arc, Mutex};
use support::kannel::KannelPeer;
use support::receiver::{Answer, Receiver};
use support::sms::{http_gateway, kannel_gateway, test_sms, twilio_gateway};
use support::{Peers, TempStore, unique_token};

/// Everything written to the log, shared with the subscriber's writer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("capture lock")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("capture lock")).into_owned()
    }
}

/// Every form of `secret` (for `user`) that could give it away.
fn forms(user: &str, secret: &str) -> Vec<String> {
    let base64 = |text: String| base64::engine::general_purpose::STANDARD.encode(text);
    vec![
        secret.to_owned(),
        percent_encode(secret),
        base64(format!("{user}:{secret}")),
        base64(format!("\0{user}\0{secret}")),
        base64(secret.to_owned()),
    ]
}

#[tokio::test]
async fn no_secret_reaches_the_log_even_at_trace() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .try_init()
        .expect("the only subscriber of this test binary");
    let mut secrets: Vec<(String, String)> = Vec::new();

    // SMTP: STARTTLS, then AUTH with the test user's password.
    let peers = Peers::postfix();
    let token = unique_token("trace");
    let form =
        peers.signed_in(peers.trusted_form(peers.starttls_port, ConnectionSecurity::StartTls));
    let smtp = TempStore::new().await;
    smtp.save(&form).await;
    smtp.email_service()
        .send(&peers.token_email(&token))
        .await
        .expect("the mail is accepted");
    peers.delivered(&token).await;
    secrets.push((peers.user.clone(), peers.password.clone()));

    // Kannel: the password travels in the query.
    let kannel = KannelPeer::load();
    let (_kannel_store, service) =
        TempStore::with_gateway(&kannel_gateway(&kannel, &kannel.password)).await;
    service
        .send_test(&test_sms("+44 7700 900150", &unique_token("trace-sms")))
        .await
        .expect("Kannel accepts the SMS");
    secrets.push((kannel.user.clone(), kannel.password.clone()));

    // Generic HTTP with basic authentication, answered with the request quoted back.
    let password = "trace-basic-p4ss word&+";
    let echo = format!(
        "You sent Authorization: Basic {}",
        forms("nac", password)[2]
    );
    let mut receiver = Receiver::start(Answer::text(400, &echo)).await;
    let gateway = HttpGatewayForm {
        url: receiver.url("/send"),
        method: HttpMethod::Post,
        body_type: BodyType::Form,
        body: "to={number}&text={message}".to_owned(),
        auth: AuthMethod::Basic,
        user_name: "nac".to_owned(),
        ..HttpGatewayForm::default()
    };
    let (_http_store, service) = TempStore::with_gateway(&http_gateway(gateway, password)).await;
    let refused = service
        .send_test(&test_sms("+44 7700 900151", "trace"))
        .await;
    assert!(refused.is_err(), "the gateway said no");
    receiver.only_request().await;
    secrets.push(("nac".to_owned(), password.to_owned()));

    // Twilio-compatible: the auth token in basic authentication.
    let token_secret = "trace-twilio-token-5e1f";
    let sid = "AC0123456789abcdef0123456789abcdef";
    let mut twilio = Receiver::start(Answer::json(201, r#"{"sid":"SM1","status":"queued"}"#)).await;
    let (_twilio_store, service) = TempStore::with_gateway(&twilio_gateway(
        &twilio.url("/"),
        sid,
        "+447700900001",
        token_secret,
    ))
    .await;
    service
        .send_test(&test_sms("+44 7700 900152", "trace"))
        .await
        .expect("the API accepts the SMS");
    twilio.only_request().await;
    secrets.push((sid.to_owned(), token_secret.to_owned()));

    let log = capture.text();
    assert!(log.contains("TRACE"), "nothing was captured at TRACE");
    for (user, secret) in &secrets {
        for form in forms(user, secret) {
            assert!(
                !log.contains(&form),
                "the log contains a form of the secret of {user}: {form}"
            );
        }
    }
}
