//! The SMS send path, `SmsService`, against a recording HTTP receiver on 127.0.0.1 standing in
//! for a generic HTTP gateway and a Twilio-compatible API: the exact request that arrives
//! (method, path, headers, credentials, and values that decode to exactly the number and text
//! sent), and how each scripted reply, or no reply at all, is reported.

mod support;

use model::sms::{AuthMethod, BodyType, HttpGatewayForm, HttpMethod};
use model::{FailureKind, GatewayKind, SmsEncoding};
use std::time::{Duration, Instant};
use support::receiver::{Answer, Receiver, value};
use support::sms::{USER_AGENT, http_gateway, sms_failure, sms_sent, test_sms, twilio_gateway};
use support::{TempStore, closed_port};

/// The recipient of most tests, as typed and in E.164.
const RECIPIENT: &str = "+44 7700 900123";
const RECIPIENT_E164: &str = "+447700900123";

/// Everything escaping must get right: `+`, quotes, a line break, `&`, `=`, `%` and non-Latin
/// letters.
const TRICKY_TEXT: &str = "Total +5 \"ok\" & 50% = done?\nΓειά σου, мир";

/// A JSON body template with every placeholder inside a string.
const JSON_BODY: &str = r#"{{"to":"{number}","text":"{message}","from":"{sender}"}}"#;

/// The account SID of the Twilio tests: AC and 32 hexadecimal digits.
const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
/// A messaging service SID: MG and 32 hexadecimal digits.
const SERVICE_SID: &str = "MGfedcba9876543210fedcba9876543210";

/// A generic gateway POSTing `body` of `body_type` to `url`, sender "Console", no
/// authentication.
fn post(url: String, body_type: BodyType, body: &str) -> HttpGatewayForm {
    HttpGatewayForm {
        url,
        method: HttpMethod::Post,
        body_type,
        body: body.to_owned(),
        sender: "Console".to_owned(),
        ..HttpGatewayForm::default()
    }
}

/// A JSON POST to `/api/sms` on `receiver` with `auth`.
fn json_post_with(receiver: &Receiver, auth: AuthMethod) -> HttpGatewayForm {
    HttpGatewayForm {
        auth,
        ..post(receiver.url("/api/sms"), BodyType::Json, JSON_BODY)
    }
}

/// Sends [`TRICKY_TEXT`] to [`RECIPIENT`] through a saved generic gateway `http` with `secret`.
async fn send_through(
    http: HttpGatewayForm,
    secret: &str,
) -> Result<model::SmsSent, messaging::SmsError> {
    let (_temp, service) = TempStore::with_gateway(&http_gateway(http, secret)).await;
    service.send_test(&test_sms(RECIPIENT, TRICKY_TEXT)).await
}

// ---------------------------------------------------------------------------------------------
// Generic HTTP: what arrives
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn json_post_arrives_with_the_exact_number_and_message_in_json_strings() {
    let mut receiver = Receiver::start(Answer::json(200, r#"{"id":"gw-81","ok":true}"#)).await;
    let gateway = post(receiver.url("/api/v1/sms"), BodyType::Json, JSON_BODY);

    let outcome = send_through(gateway, "").await;

    let sent = sms_sent(outcome);
    let request = receiver.only_request().await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/api/v1/sms");
    assert_eq!(request.header("Content-Type"), Some("application/json"));
    assert_eq!(request.header("User-Agent"), Some(USER_AGENT));
    let json = request.json();
    assert_eq!(json["to"], RECIPIENT_E164, "{json}");
    assert_eq!(json["text"], TRICKY_TEXT, "{json}");
    assert_eq!(json["from"], "Console", "{json}");
    assert_eq!(sent.status, Some(200));
    assert_eq!(sent.gateway, GatewayKind::Http);
    assert_eq!(sent.recipient, RECIPIENT_E164);
    assert_eq!(sent.length.encoding, SmsEncoding::Ucs2);
}

#[tokio::test]
async fn message_id_is_read_from_a_json_reply() {
    let mut receiver = Receiver::start(Answer::json(200, r#"{"message_id":"abc-77"}"#)).await;
    let gateway = post(receiver.url("/api/sms"), BodyType::Json, JSON_BODY);

    let outcome = send_through(gateway, "").await;

    let sent = sms_sent(outcome);
    receiver.only_request().await;
    assert_eq!(sent.message_id.as_deref(), Some("abc-77"), "{sent:#?}");
    assert_eq!(sent.reply, r#"{"message_id":"abc-77"}"#);
}

#[tokio::test]
async fn form_post_percent_encodes_plus_spaces_and_utf8_so_they_decode_exactly() {
    let mut receiver = Receiver::start(Answer::text(200, "OK")).await;
    let body = "to={number}&text={message}&from={sender}&digits={number_digits}";
    let gateway = post(receiver.url("/send"), BodyType::Form, body);

    let outcome = send_through(gateway, "").await;

    let sent = sms_sent(outcome);
    let request = receiver.only_request().await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.path(), "/send");
    assert_eq!(
        request.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    let form = request.form();
    assert_eq!(value(&form, "to"), RECIPIENT_E164, "{form:?}");
    assert_eq!(value(&form, "text"), TRICKY_TEXT, "{form:?}");
    assert_eq!(value(&form, "from"), "Console");
    assert_eq!(value(&form, "digits"), "447700900123");
    assert_eq!(form.len(), 4, "no value split into extra pairs: {form:?}");
    assert_eq!(sent.message_id, None, "a plain-text reply carries no id");
}

#[tokio::test]
async fn plain_text_body_carries_the_message_as_it_is_in_utf8() {
    let mut receiver = Receiver::start(Answer::text(200, "OK")).await;
    let gateway = post(
        receiver.url("/sms/{number_digits}"),
        BodyType::Text,
        "{message}",
    );

    let outcome = send_through(gateway, "").await;

    sms_sent(outcome);
    let request = receiver.only_request().await;
    assert_eq!(request.path(), "/sms/447700900123");
    assert_eq!(
        request.header("Content-Type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(request.body, TRICKY_TEXT.as_bytes());
}

#[tokio::test]
async fn get_puts_the_values_in_the_query_and_sends_no_body() {
    let mut receiver = Receiver::start(Answer::text(200, "OK")).await;
    let gateway = HttpGatewayForm {
        url: receiver.url("/cgi/send?to={number}&text={message}&src={sender}&v=2"),
        method: HttpMethod::Get,
        sender: "Console".to_owned(),
        ..HttpGatewayForm::default()
    };

    let outcome = send_through(gateway, "").await;

    sms_sent(outcome);
    let request = receiver.only_request().await;
    assert_eq!(request.method, "GET");
    assert_eq!(request.path(), "/cgi/send");
    let query = request.query_pairs();
    assert_eq!(value(&query, "to"), RECIPIENT_E164, "{query:?}");
    assert_eq!(value(&query, "text"), TRICKY_TEXT, "{query:?}");
    assert_eq!(value(&query, "src"), "Console");
    assert_eq!(value(&query, "v"), "2");
    assert_eq!(query.len(), 4, "no value split into extra pairs: {query:?}");
    assert!(request.body.is_empty(), "a GET carries no body");
    assert_eq!(request.header("Content-Type"), None);
}

#[tokio::test]
async fn basic_authentication_sends_the_user_and_the_secret() {
    let mut receiver = Receiver::start(Answer::json(200, "{}")).await;
    let secret = "s3cret pä:ss&+=";
    let gateway = HttpGatewayForm {
        user_name: "gw-user".to_owned(),
        ..json_post_with(&receiver, AuthMethod::Basic)
    };

    let outcome = send_through(gateway, secret).await;

    sms_sent(outcome);
    let request = receiver.only_request().await;
    let (user, password) = request.basic_credentials();
    assert_eq!(user, "gw-user");
    assert_eq!(password, secret);
}

#[tokio::test]
async fn bearer_token_is_sent_in_the_authorization_header() {
    let mut receiver = Receiver::start(Answer::json(200, "{}")).await;
    let token = "eyJhbGciOiJIUzI1NiJ9.e30.tok-9f3k";

    let outcome = send_through(json_post_with(&receiver, AuthMethod::Bearer), token).await;

    sms_sent(outcome);
    let request = receiver.only_request().await;
    assert_eq!(
        request.header("Authorization"),
        Some(format!("Bearer {token}").as_str())
    );
}

#[tokio::test]
async fn api_key_is_sent_in_the_chosen_header_and_nowhere_else() {
    let mut receiver = Receiver::start(Answer::json(200, "{}")).await;
    let key = "key-5d1e-77aa";
    let gateway = HttpGatewayForm {
        auth_header: "X-Api-Key".to_owned(),
        ..json_post_with(&receiver, AuthMethod::Header)
    };

    let outcome = send_through(gateway, key).await;

    sms_sent(outcome);
    let request = receiver.only_request().await;
    assert_eq!(request.header("X-Api-Key"), Some(key));
    assert_eq!(request.header("Authorization"), None);
    assert!(!request.target.contains(key), "the key is in the URL");
    assert!(
        !String::from_utf8_lossy(&request.body).contains(key),
        "the key is in the body"
    );
}

#[tokio::test]
async fn extra_headers_arrive_as_configured() {
    let mut receiver = Receiver::start(Answer::json(200, "{}")).await;
    let gateway = HttpGatewayForm {
        headers: "X-Tenant: nac-42\nX-Trace-Id: abc def\nAccept: application/json".to_owned(),
        ..post(receiver.url("/api/sms"), BodyType::Json, JSON_BODY)
    };

    let outcome = send_through(gateway, "").await;

    sms_sent(outcome);
    let request = receiver.only_request().await;
    assert_eq!(request.header("X-Tenant"), Some("nac-42"));
    assert_eq!(request.header("X-Trace-Id"), Some("abc def"));
    assert_eq!(
        request.header("Accept"),
        Some("application/json"),
        "the configured Accept replaces the default"
    );
}

// ---------------------------------------------------------------------------------------------
// Generic HTTP: how replies are judged
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn ok_reply_without_the_required_text_is_a_gateway_rejection() {
    let mut receiver = Receiver::start(Answer::json(200, r#"{"status":"failed"}"#)).await;
    let gateway = HttpGatewayForm {
        success_contains: r#""status":"sent""#.to_owned(),
        ..post(receiver.url("/api/sms"), BodyType::Json, JSON_BODY)
    };

    let outcome = send_through(gateway, "").await;

    let failure = sms_failure(outcome);
    receiver.only_request().await;
    assert_eq!(failure.kind, FailureKind::GatewayRejected, "{failure:#?}");
    assert_eq!(failure.status, Some(200));
    assert_eq!(failure.reply.as_deref(), Some(r#"{"status":"failed"}"#));
    assert!(
        failure.summary.contains(r#""status":"sent""#),
        "{}",
        failure.summary
    );
}

#[tokio::test]
async fn ok_reply_with_the_excluded_text_is_a_gateway_rejection() {
    let mut receiver = Receiver::start(Answer::text(200, "ERROR: no credit left")).await;
    let gateway = HttpGatewayForm {
        success_excludes: "ERROR".to_owned(),
        ..post(receiver.url("/api/sms"), BodyType::Json, JSON_BODY)
    };

    let outcome = send_through(gateway, "").await;

    let failure = sms_failure(outcome);
    receiver.only_request().await;
    assert_eq!(failure.kind, FailureKind::GatewayRejected, "{failure:#?}");
    assert_eq!(failure.status, Some(200));
    assert_eq!(failure.reply.as_deref(), Some("ERROR: no credit left"));
}

#[tokio::test]
async fn ok_reply_that_passes_both_rules_is_accepted() {
    let mut receiver = Receiver::start(Answer::json(200, r#"{"status":"sent","id":9}"#)).await;
    let gateway = HttpGatewayForm {
        success_contains: r#""status":"sent""#.to_owned(),
        success_excludes: "ERROR".to_owned(),
        ..post(receiver.url("/api/sms"), BodyType::Json, JSON_BODY)
    };

    let outcome = send_through(gateway, "").await;

    let sent = sms_sent(outcome);
    receiver.only_request().await;
    assert_eq!(sent.message_id.as_deref(), Some("9"));
}

#[tokio::test]
async fn http_401_is_rejected_authentication() {
    let mut receiver = Receiver::start(Answer::json(401, r#"{"error":"bad token"}"#)).await;

    let outcome = send_through(json_post_with(&receiver, AuthMethod::Bearer), "expired").await;

    let failure = sms_failure(outcome);
    receiver.only_request().await;
    assert_eq!(failure.kind, FailureKind::AuthRejected, "{failure:#?}");
    assert_eq!(failure.status, Some(401));
    assert!(
        !failure.to_string().contains("expired"),
        "the token is shown: {failure}"
    );
}

#[tokio::test]
async fn http_500_is_a_gateway_rejection_with_the_reply_excerpt() {
    let body = "Internal trouble:\n  queue full, try later";
    let mut receiver = Receiver::start(Answer::text(500, body)).await;

    let outcome = send_through(
        post(receiver.url("/api/sms"), BodyType::Json, JSON_BODY),
        "",
    )
    .await;

    let failure = sms_failure(outcome);
    receiver.only_request().await;
    assert_eq!(failure.kind, FailureKind::GatewayRejected, "{failure:#?}");
    assert_eq!(failure.status, Some(500));
    assert_eq!(
        failure.reply.as_deref(),
        Some("Internal trouble: queue full, try later")
    );
    assert!(failure.summary.contains("500"), "{}", failure.summary);
}

#[tokio::test]
async fn redirect_is_reported_and_not_followed() {
    let mut elsewhere = Receiver::start(Answer::json(200, "{}")).await;
    let location = elsewhere.url("/v2/sms?api_key=leaked-7c1f");
    let mut receiver = Receiver::start(Answer::redirect(302, &location)).await;
    let gateway = HttpGatewayForm {
        auth_header: "X-Api-Key".to_owned(),
        ..json_post_with(&receiver, AuthMethod::Header)
    };

    let outcome = send_through(gateway, "key-not-for-elsewhere").await;

    let failure = sms_failure(outcome);
    receiver.only_request().await;
    assert_eq!(failure.kind, FailureKind::Redirected, "{failure:#?}");
    assert_eq!(failure.status, Some(302));
    assert!(
        failure.summary.contains(&elsewhere.url("/v2/sms")),
        "{}",
        failure.summary
    );
    assert!(
        !failure.summary.contains("leaked-7c1f"),
        "the query is shown: {}",
        failure.summary
    );
    elsewhere.assert_no_request();
}

// ---------------------------------------------------------------------------------------------
// Twilio-compatible API
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn twilio_request_posts_the_form_to_the_messages_resource_with_basic_auth() {
    let reply = r#"{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}"#;
    let mut receiver = Receiver::start(Answer::json(201, reply)).await;
    let token = "tw-token+/é 42";
    let gateway = twilio_gateway(&receiver.url("/"), ACCOUNT_SID, "+44 7700 900001", token);
    let (_temp, service) = TempStore::with_gateway(&gateway).await;

    let outcome = service.send_test(&test_sms(RECIPIENT, TRICKY_TEXT)).await;

    let sent = sms_sent(outcome);
    let request = receiver.only_request().await;
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.target,
        format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json")
    );
    assert_eq!(
        request.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        request.basic_credentials(),
        (ACCOUNT_SID.to_owned(), token.to_owned())
    );
    let form = request.form();
    assert_eq!(value(&form, "To"), RECIPIENT_E164, "{form:?}");
    assert_eq!(value(&form, "From"), "+447700900001", "{form:?}");
    assert_eq!(value(&form, "Body"), TRICKY_TEXT, "{form:?}");
    assert_eq!(form.len(), 3, "{form:?}");
    assert_eq!(sent.status, Some(201));
    assert_eq!(sent.gateway, GatewayKind::Twilio);
    assert_eq!(
        sent.message_id.as_deref(),
        Some("SM0123456789abcdef0123456789abcdef")
    );
    assert_eq!(
        sent.endpoint,
        receiver.url(&format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"))
    );
}

#[tokio::test]
async fn twilio_messaging_service_sid_is_sent_instead_of_from() {
    let mut receiver = Receiver::start(Answer::json(201, r#"{"sid":"SMx"}"#)).await;
    let gateway = twilio_gateway(&receiver.url("/"), ACCOUNT_SID, SERVICE_SID, "token");
    let (_temp, service) = TempStore::with_gateway(&gateway).await;

    let outcome = service.send_test(&test_sms(RECIPIENT, "Hello")).await;

    sms_sent(outcome);
    let form = receiver.only_request().await.form();
    assert_eq!(value(&form, "MessagingServiceSid"), SERVICE_SID, "{form:?}");
    assert!(
        form.iter().all(|(name, _)| name != "From"),
        "From sent as well: {form:?}"
    );
}

#[tokio::test]
async fn twilio_invalid_to_number_is_a_recipient_rejection_naming_the_code() {
    let reply = r#"{"code":21211,"message":"Invalid 'To' Phone Number","status":400}"#;
    let mut receiver = Receiver::start(Answer::json(400, reply)).await;
    let gateway = twilio_gateway(&receiver.url("/"), ACCOUNT_SID, "+44 7700 900001", "token");
    let (_temp, service) = TempStore::with_gateway(&gateway).await;

    let outcome = service.send_test(&test_sms(RECIPIENT, "Hello")).await;

    let failure = sms_failure(outcome);
    receiver.only_request().await;
    assert_eq!(failure.kind, FailureKind::RecipientRejected, "{failure:#?}");
    assert_eq!(failure.status, Some(400));
    assert!(failure.summary.contains("21211"), "{}", failure.summary);
    assert!(
        failure.summary.contains("Invalid 'To' Phone Number"),
        "{}",
        failure.summary
    );
}

#[tokio::test]
async fn twilio_authentication_error_is_rejected_authentication() {
    let reply = r#"{"code":20003,"message":"Authenticate","status":401}"#;
    let mut receiver = Receiver::start(Answer::json(401, reply)).await;
    let gateway = twilio_gateway(&receiver.url("/"), ACCOUNT_SID, "+44 7700 900001", "wrong");
    let (_temp, service) = TempStore::with_gateway(&gateway).await;

    let outcome = service.send_test(&test_sms(RECIPIENT, "Hello")).await;

    let failure = sms_failure(outcome);
    receiver.only_request().await;
    assert_eq!(failure.kind, FailureKind::AuthRejected, "{failure:#?}");
    assert_eq!(failure.status, Some(401));
}

// ---------------------------------------------------------------------------------------------
// Gateways that cannot be reached or do not answer
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn gateway_on_a_closed_port_is_connection_refused() {
    let port = closed_port().await;
    let gateway = post(
        format!("http://127.0.0.1:{port}/api/sms"),
        BodyType::Json,
        JSON_BODY,
    );

    let outcome = send_through(gateway, "").await;

    let failure = sms_failure(outcome);
    assert_eq!(failure.kind, FailureKind::ConnectionRefused, "{failure:#?}");
    assert_eq!(failure.status, None);
    assert_eq!(failure.reply, None);
}

#[tokio::test]
async fn gateway_that_never_answers_times_out_after_the_saved_timeout() {
    let mut receiver = Receiver::start(Answer::Stall).await;
    let mut form = http_gateway(
        post(receiver.url("/api/sms"), BodyType::Json, JSON_BODY),
        "",
    );
    form.timeout_secs = "1".to_owned();
    let (_temp, service) = TempStore::with_gateway(&form).await;
    let started = Instant::now();

    let outcome = tokio::time::timeout(
        Duration::from_secs(10),
        service.send_test(&test_sms(RECIPIENT, "Hello")),
    )
    .await
    .expect("the send gives up on its own");

    let elapsed = started.elapsed();
    let failure = sms_failure(outcome);
    receiver.only_request().await;
    assert_eq!(failure.kind, FailureKind::Timeout, "{failure:#?}");
    assert_eq!(failure.status, None);
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(3),
        "gave up after {elapsed:?} with a 1 s timeout"
    );
}

// ---------------------------------------------------------------------------------------------
// A gateway that quotes the request back never shows the secret
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_gateway_echoing_the_bearer_token_has_it_removed_from_the_reply() {
    let token = "echoed-bearer-token-81f3";
    let echo = format!("Bad request. You sent: Authorization: Bearer {token}");
    let mut receiver = Receiver::start(Answer::text(400, &echo)).await;

    let outcome = send_through(json_post_with(&receiver, AuthMethod::Bearer), token).await;

    let failure = sms_failure(outcome);
    receiver.only_request().await;
    let shown = format!("{failure:?}");
    assert!(!shown.contains(token), "the token is shown: {shown}");
    assert!(shown.contains("[secret removed]"), "{shown}");
}

#[tokio::test]
async fn a_gateway_echoing_a_percent_encoded_password_has_it_removed_from_the_reply() {
    let password = "pass&word+é echo";
    let encoded = model::sms::template::percent_encode(password);
    let echo = format!("Unknown request GET /send?user=console&password={encoded}");
    let mut receiver = Receiver::start(Answer::text(200, &echo)).await;
    let gateway = HttpGatewayForm {
        url: receiver.url("/send?to={number}&text={message}&password=ignored"),
        method: HttpMethod::Get,
        body: String::new(),
        auth: AuthMethod::Basic,
        user_name: "console".to_owned(),
        ..HttpGatewayForm::default()
    };

    let outcome = send_through(gateway, password).await;

    let sent = sms_sent(outcome);
    receiver.only_request().await;
    assert!(!sent.reply.contains(&encoded), "{}", sent.reply);
    assert!(sent.reply.contains("[secret removed]"), "{}", sent.reply);
}
