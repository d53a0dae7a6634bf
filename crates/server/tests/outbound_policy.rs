//! The outbound policy through the console's API: SMTP relays and SMS gateways written as odd
//! spellings of link-local, metadata and (when denied) loopback addresses are refused before
//! any connection — either the field rule refuses the spelling, or the address it resolves to
//! is refused after resolution. Nothing is ever sent to them.

mod support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use support::TestConsole;

fn smtp_form(server: &str) -> Value {
    json!({
        "server_name": server,
        "port": "25",
        "security": "none",
        "user_name": "",
        "password": {"new_password": "", "confirm": "", "remove_stored": false},
        "from_address": "console@example.net",
        "timeout_secs": "5",
        "ca_certificate": ""
    })
}

/// Saves `server` as the relay and sends a test email: refused by the field rule (422) or by
/// the policy (502 `blocked_by_policy`), never anything else.
async fn assert_relay_refused(console: &TestConsole, server: &str) {
    let (status, body) = console.save(smtp_form(server)).await;
    if status == StatusCode::UNPROCESSABLE_ENTITY {
        assert!(body.contains("server_name"), "{server}: {body}");
        return;
    }
    assert_eq!(status, StatusCode::OK, "{server}: {body}");
    let (status, body) = console
        .post_form(
            "/api/smtp/test-email",
            json!({"recipient": "noc@example.net", "message": "policy"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{server}: {body}");
    let failure: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        failure["Delivery"]["kind"],
        json!("blocked_by_policy"),
        "{server}: {body}"
    );
}

#[tokio::test]
async fn link_local_and_metadata_relays_are_refused_however_spelled() {
    let console = TestConsole::start().await;
    for server in [
        "169.254.169.254",
        "0xa9.0xfe.0xa9.0xfe",
        "0251.0376.0251.0376",
        "2852039166",
        "169.254.43518",
        "[::ffff:169.254.169.254]",
        "::ffff:a9fe:a9fe",
        "fe80::1",
        "[fe80::a9fe:a9fe]",
        "fd00:ec2::254",
        "0.0.0.0",
        "::",
    ] {
        assert_relay_refused(&console, server).await;
    }
}

#[tokio::test]
async fn a_denied_loopback_is_refused_in_every_spelling_ipv4_and_ipv6() {
    let dir = tempfile::tempdir().unwrap();
    let console =
        TestConsole::start_with(dir, &[("CONSOLE_OUTBOUND_DENY", "127.0.0.0/8, ::1/128")]).await;
    for server in [
        "127.0.0.1",
        "127.1",
        "0x7f.0.0.1",
        "2130706433",
        "0177.0.0.1",
        "localhost",
        "::1",
        "[::1]",
        "0:0:0:0:0:0:0:1",
        "::ffff:127.0.0.1",
        "[::ffff:7f00:1]",
    ] {
        assert_relay_refused(&console, server).await;
    }
}
