//! The console's HTTP API and pages, driven over real HTTP against the real router with a
//! fresh SQLite file per test. No SMTP server is needed here: sending is covered by the
//! messaging crate's tests against Postfix, and by the browser tests.

mod support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{TestConsole, field_errors};

const PASSWORD: &str = "Tr0ub4dor&3 unique-console-password";

fn valid_form() -> Value {
    json!({
        "server_name": "smtp.example.net",
        "port": "587",
        "security": "starttls",
        "user_name": "alerts",
        "password": { "new_password": PASSWORD, "confirm": PASSWORD, "remove_stored": false },
        "from_address": "\"Doe, Zoë\" <alerts@example.net>",
        "timeout_secs": "30",
        "ca_certificate": ""
    })
}

#[tokio::test]
async fn page_is_rendered_on_the_server_and_never_cached() {
    let console = TestConsole::start().await;

    let response = console
        .client
        .get(console.url("/messaging/smtp"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let html = response.text().await.unwrap();
    assert!(html.contains("Messaging › SMTP Server"));
    assert!(html.contains(r#"id="server_name""#));
}

#[tokio::test]
async fn nothing_is_saved_at_first() {
    let console = TestConsole::start().await;

    assert_eq!(console.settings().await, Value::Null);
}

#[tokio::test]
async fn invalid_form_gets_field_errors_and_nothing_is_stored() {
    let console = TestConsole::start().await;
    let mut form = valid_form();
    form["server_name"] = json!("smtp..example.net");
    form["port"] = json!("70000");
    form["password"]["confirm"] = json!("something else");

    let (status, body) = console.save(form).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_errors(&body)
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    assert!(fields.contains(&"server_name".to_owned()), "{body}");
    assert!(fields.contains(&"port".to_owned()), "{body}");
    assert!(fields.contains(&"password_confirm".to_owned()), "{body}");
    assert_eq!(console.settings().await, Value::Null);
}

#[tokio::test]
async fn header_injection_in_the_from_address_is_refused_by_the_server() {
    let console = TestConsole::start().await;
    let mut form = valid_form();
    form["from_address"] = json!("alerts@example.net\r\nBcc: everyone@example.org");

    let (status, body) = console.save(form).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&body)[0].0, "from_address");
}

#[tokio::test]
async fn saved_password_never_comes_back_out() {
    let console = TestConsole::start().await;

    let (status, saved) = console.save(valid_form()).await;
    let settings = console.settings().await;
    let page = console
        .client
        .get(console.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert_eq!(status, StatusCode::OK, "{saved}");
    assert!(!saved.contains(PASSWORD));
    assert_eq!(settings["password_stored"], json!(true));
    assert!(!settings.to_string().contains(PASSWORD));
    assert!(!page.contains(PASSWORD));
    let database = std::fs::read(&console.database).unwrap();
    let wal = std::fs::read(console.database.with_extension("sqlite3-wal")).unwrap_or_default();
    for bytes in [database, wal] {
        assert!(
            !bytes
                .windows(PASSWORD.len())
                .any(|w| w == PASSWORD.as_bytes())
        );
    }
}

#[tokio::test]
async fn changed_destination_without_the_password_is_refused_and_keeps_what_is_stored() {
    let console = TestConsole::start().await;
    console.save(valid_form()).await;
    let mut moved = valid_form();
    moved["server_name"] = json!("other-relay.example.net");
    moved["password"] = json!({ "new_password": "", "confirm": "", "remove_stored": false });

    let (status, body) = console.save(moved).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&body);
    assert_eq!(errors[0].0, "password");
    assert!(errors[0].1.contains("enter the password again"), "{body}");
    let settings = console.settings().await;
    assert_eq!(settings["server"]["value"], json!("smtp.example.net"));
    assert_eq!(settings["password_stored"], json!(true));
}

#[tokio::test]
async fn saving_with_empty_password_boxes_keeps_the_stored_password() {
    let console = TestConsole::start().await;
    console.save(valid_form()).await;
    let mut edited = valid_form();
    edited["timeout_secs"] = json!("45");
    edited["password"] = json!({ "new_password": "", "confirm": "", "remove_stored": false });

    let (status, body) = console.save(edited).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    let saved: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(saved["password"], json!("kept"));
    assert_eq!(console.settings().await["timeout_secs"], json!(45));
}

#[tokio::test]
async fn reset_removes_the_settings_and_is_harmless_to_repeat() {
    let console = TestConsole::start().await;
    console.save(valid_form()).await;

    let first = console.reset().await;
    let second = console.reset().await;

    assert_eq!(first, (StatusCode::OK, "true".to_owned()));
    assert_eq!(second, (StatusCode::OK, "false".to_owned()));
    assert_eq!(console.settings().await, Value::Null);
}

#[tokio::test]
async fn test_email_without_settings_says_they_are_missing() {
    let console = TestConsole::start().await;

    let response = console
        .client
        .post(console.url("/api/smtp/test-email"))
        .json(&json!({ "form": { "recipient": "noc@example.net", "message": "hello" } }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(response.text().await.unwrap(), "\"NotConfigured\"");
}

#[tokio::test]
async fn test_email_with_two_recipients_is_refused_beside_the_recipient() {
    let console = TestConsole::start().await;
    console.save(valid_form()).await;

    let response = console
        .client
        .post(console.url("/api/smtp/test-email"))
        .json(&json!({ "form": { "recipient": "a@example.net, b@example.net", "message": "x" } }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&response.text().await.unwrap());
    assert_eq!(
        errors,
        vec![(
            "recipient".to_owned(),
            "Enter exactly one address".to_owned()
        )]
    );
}

#[tokio::test]
async fn settings_survive_a_restart() {
    let console = TestConsole::start().await;
    console.save(valid_form()).await;
    let folder = console.shut_down().await;

    let restarted = TestConsole::start_in(folder).await;

    let settings = restarted.settings().await;
    assert_eq!(settings["server"]["value"], json!("smtp.example.net"));
    assert_eq!(settings["port"], json!(587));
    assert_eq!(settings["password_stored"], json!(true));
}

#[tokio::test]
async fn malformed_json_is_refused_without_a_server_error() {
    let console = TestConsole::start().await;

    let response = console
        .client
        .post(console.url("/api/smtp/save"))
        .header("content-type", "application/json")
        .body("{\"form\": {\"server_name\": 12")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = response.text().await.unwrap();
    assert!(!body.contains("panicked"), "{body}");
    assert_eq!(console.settings().await, Value::Null);
}

#[tokio::test]
async fn unknown_page_is_not_found() {
    let console = TestConsole::start().await;

    let response = console
        .client
        .get(console.url("/no/such/page"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_request_from_another_origin_cannot_change_anything() {
    let console = TestConsole::start().await;
    console.save(valid_form()).await;

    let reset = console
        .client
        .post(console.url("/api/smtp/reset"))
        .header("origin", "http://attacker.example")
        .send()
        .await
        .unwrap();
    let send = console
        .client
        .post(console.url("/api/smtp/test-email"))
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "text/plain")
        .body(r#"{"form":{"recipient":"a@example.net","message":"x"}}"#)
        .send()
        .await
        .unwrap();

    assert_eq!(reset.status(), StatusCode::FORBIDDEN);
    assert_eq!(send.status(), StatusCode::FORBIDDEN);
    assert_eq!(console.settings().await["port"], json!(587));
}

#[tokio::test]
async fn a_request_from_the_console_s_own_origin_is_served() {
    let console = TestConsole::start().await;

    let response = console
        .client
        .post(console.url("/api/smtp/reset"))
        .header("origin", console.base.clone())
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_host_name_the_console_does_not_know_is_refused() {
    let console = TestConsole::start().await;

    let response = console
        .client
        .get(console.url("/api/smtp/settings"))
        .header("host", "rebind.attacker.example")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::MISDIRECTED_REQUEST);
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_with_the_hydration_script_s_nonce() {
    let console = TestConsole::start().await;

    for path in ["/messaging/smtp", "/messaging/sms"] {
        let response = console.client.get(console.url(path)).send().await.unwrap();

        let policy = response
            .headers()
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path} has no CSP"))
            .to_str()
            .unwrap()
            .to_owned();
        let html = response.text().await.unwrap();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("no nonce in {policy}"));
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: {policy}"
        );
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
    }
}

#[tokio::test]
async fn an_oversized_request_is_refused_with_413_and_nothing_changes() {
    let console = TestConsole::start().await;
    console.save(valid_form()).await;
    let mut form = valid_form();
    form["ca_certificate"] = json!("A".repeat(300 * 1024));

    let (status, body) = console.save(form).await;

    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body.contains("256 KiB"), "{body}");
    assert_eq!(console.settings().await["port"], json!(587));
}
