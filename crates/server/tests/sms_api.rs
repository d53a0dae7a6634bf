//! The SMS gateway API over real HTTP: saving with the write-only secret, validation beside
//! each field, reset, and the test SMS's answers when the gateway is missing or unreachable.
//! Real deliveries through Kannel, HTTP receivers and Postfix are tested in the messaging crate
//! and in the browser tests.

mod support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{TestConsole, field_errors};

const SECRET: &str = "sms pass&w0rd+é unique-gateway-secret";

fn kannel_form(url: &str) -> Value {
    json!({
        "kind": "kannel",
        "kannel": { "url": url, "user_name": "console", "sender": "NACTest" },
        "secret": SECRET,
        "max_segments": "2",
        "timeout_secs": "5"
    })
}

/// A loopback port nothing listens on.
async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn the_sms_page_is_rendered_on_the_server() {
    let console = TestConsole::start().await;

    let response = console
        .client
        .get(console.url("/messaging/sms"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("Messaging › SMS Gateway"), "{html}");
    assert!(html.contains("id=\"sms_kind_kannel\""), "{html}");
}

#[tokio::test]
async fn a_saved_gateway_never_gives_its_secret_back() {
    let console = TestConsole::start().await;

    let (status, body) = console
        .post_form("/api/sms/save", kannel_form("http://127.0.0.1:14013"))
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!body.contains("unique-gateway-secret"), "{body}");
    let stored = console.sms_settings().await;
    assert_eq!(stored["secret_stored"], json!(true));
    assert_eq!(
        stored["gateway"]["url"],
        json!("http://127.0.0.1:14013/cgi-bin/sendsms")
    );
    assert!(!stored.to_string().contains("unique-gateway-secret"));
    let database = std::fs::read(&console.database).unwrap();
    let in_clear = database
        .windows(SECRET.len())
        .any(|window| window == SECRET.as_bytes());
    assert!(!in_clear, "the secret is in the database file in clear");
}

#[tokio::test]
async fn an_invalid_gateway_gets_messages_beside_its_fields_and_nothing_is_stored() {
    let console = TestConsole::start().await;
    let mut form = kannel_form("kannel.example.net:13013?user=x");
    form["secret"] = json!("");
    form["max_segments"] = json!("20");

    let (status, body) = console.post_form("/api/sms/save", form).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_errors(&body).into_iter().map(|(f, _)| f).collect();
    assert!(fields.contains(&"sms_url".to_owned()), "{body}");
    assert!(fields.contains(&"sms_max_segments".to_owned()), "{body}");
    assert_eq!(console.sms_settings().await, Value::Null);
}

#[tokio::test]
async fn a_changed_url_without_the_secret_is_refused_and_keeps_what_is_stored() {
    let console = TestConsole::start().await;
    console
        .post_form("/api/sms/save", kannel_form("http://127.0.0.1:14013"))
        .await;
    let mut moved = kannel_form("http://sms.example.net:13013");
    moved["secret"] = json!("");

    let (status, body) = console.post_form("/api/sms/save", moved).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&body);
    assert!(
        errors
            .iter()
            .any(|(field, message)| field == "sms_secret" && message.contains("again")),
        "{body}"
    );
    let stored = console.sms_settings().await;
    assert_eq!(
        stored["gateway"]["url"],
        json!("http://127.0.0.1:14013/cgi-bin/sendsms")
    );
    assert_eq!(stored["secret_stored"], json!(true));
}

#[tokio::test]
async fn a_test_sms_without_a_gateway_says_so() {
    let console = TestConsole::start().await;

    let (status, body) = console
        .post_form(
            "/api/sms/test-sms",
            json!({ "recipient": "+447700900123", "message": "hi" }),
        )
        .await;

    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("SmsNotConfigured"), "{body}");
}

#[tokio::test]
async fn a_bad_number_or_a_message_over_the_limit_is_refused_beside_its_field() {
    let console = TestConsole::start().await;
    let url = format!("http://127.0.0.1:{}", closed_port().await);
    console.post_form("/api/sms/save", kannel_form(&url)).await;

    let (status, body) = console
        .post_form(
            "/api/sms/test-sms",
            json!({ "recipient": "+44 07700 900123", "message": "a".repeat(307) }),
        )
        .await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&body);
    let message_of = |field: &str| {
        errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    };
    assert!(message_of("sms_recipient").contains("leading 0"), "{body}");
    assert!(message_of("sms_message").contains("at most 2"), "{body}");
}

#[tokio::test]
async fn an_unreachable_gateway_is_reported_as_a_classified_failure() {
    let console = TestConsole::start().await;
    let url = format!("http://127.0.0.1:{}", closed_port().await);
    console.post_form("/api/sms/save", kannel_form(&url)).await;

    let (status, body) = console
        .post_form(
            "/api/sms/test-sms",
            json!({ "recipient": "+447700900123", "message": "hi" }),
        )
        .await;

    assert_eq!(status, StatusCode::BAD_GATEWAY);
    let failure: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(failure["SmsFailed"]["kind"], json!("connection_refused"));
    assert!(!body.contains("unique-gateway-secret"), "{body}");
}

#[tokio::test]
async fn reset_removes_the_gateway_and_a_cross_site_reset_is_refused() {
    let console = TestConsole::start().await;
    console
        .post_form("/api/sms/save", kannel_form("http://127.0.0.1:14013"))
        .await;

    let cross_site = console
        .client
        .post(console.url("/api/sms/reset"))
        .header("origin", "http://attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    assert_ne!(console.sms_settings().await, Value::Null);

    let reset = console
        .client
        .post(console.url("/api/sms/reset"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::OK);
    assert_eq!(reset.text().await.unwrap(), "true");
    assert_eq!(console.sms_settings().await, Value::Null);
}

#[tokio::test]
async fn a_gateway_on_a_metadata_address_is_refused_before_connecting_however_spelled() {
    let console = TestConsole::start().await;

    for url in [
        "http://169.254.169.254",
        "http://[::ffff:a9fe:a9fe]",
        "http://[fe80::1]:8080",
    ] {
        console.post_form("/api/sms/save", kannel_form(url)).await;

        let (status, body) = console
            .post_form(
                "/api/sms/test-sms",
                json!({ "recipient": "+447700900123", "message": "hi" }),
            )
            .await;

        assert_eq!(status, StatusCode::BAD_GATEWAY, "{url}: {body}");
        let failure: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            failure["SmsFailed"]["kind"],
            json!("blocked_by_policy"),
            "{url}"
        );
        assert!(body.contains("CONSOLE_OUTBOUND_ALLOW"), "{body}");
    }
}
