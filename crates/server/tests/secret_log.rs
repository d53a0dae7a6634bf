//! No administrator password, session id, setup token or relay password reaches the log, at
//! any level: the whole console (router, guards, session check, server functions, and the
//! libraries under them) runs with tracing at TRACE through setup, sign-in, a failed sign-in,
//! a password change, a save and a test email; then the capture is searched.

mod support;

use reqwest::StatusCode;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use support::{ADMIN, ADMIN_PASSWORD, TestConsole, bare_client};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_password_session_id_or_setup_token_reaches_the_log_even_at_trace() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .try_init()
        .expect("the only subscriber of this test binary");

    let dir = tempfile::tempdir().unwrap();
    let (console, token) = TestConsole::start_signed_out(dir, &[]).await;
    let token = token.unwrap();
    let client = support::browser();
    let setup = client
        .post(console.url("/setup"))
        .form(&[
            ("token", token.as_str()),
            ("name", ADMIN),
            ("password", ADMIN_PASSWORD),
            ("confirm", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(setup.status(), StatusCode::OK);

    let wrong_password = "Wrong-Guess-Passphrase-77";
    let failed = bare_client()
        .post(console.url("/login"))
        .form(&[("name", ADMIN), ("password", wrong_password)])
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
    let signed_in = bare_client()
        .post(console.url("/login"))
        .form(&[("name", ADMIN), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let session_id = cookie
        .strip_prefix("console_session=")
        .and_then(|rest| rest.split(';').next())
        .unwrap()
        .to_owned();

    let new_password = "Changed-Admin-Passphrase-42";
    let (status, _) = console
        .post_form_as(
            &client,
            "/admin/password",
            &[
                ("current", ADMIN_PASSWORD),
                ("password", new_password),
                ("confirm", new_password),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let relay_password = "Relay-Secret-In-Trace-Test";
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let form = json!({
        "server_name": "127.0.0.1",
        "port": closed.to_string(),
        "security": "none",
        "user_name": "relay-user",
        "password": {"new_password": relay_password, "confirm": relay_password, "remove_stored": false},
        "from_address": "console@example.net",
        "timeout_secs": "5",
        "ca_certificate": ""
    });
    let saved = client
        .post(console.url("/api/smtp/save"))
        .json(&json!({ "form": form }))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    let sent = client
        .post(console.url("/api/smtp/test-email"))
        .json(&json!({"form": {"recipient": "jane.doe@example.net", "message": "x"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::BAD_GATEWAY);

    let log = String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned();
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "the capture is live"
    );
    for secret in [
        ADMIN_PASSWORD,
        wrong_password,
        new_password,
        relay_password,
        &token,
        &session_id,
    ] {
        assert!(
            !log.contains(secret),
            "a secret ({} chars) is in the log",
            secret.len()
        );
    }
    assert!(
        !log.contains("jane.doe@example.net"),
        "recipients are masked"
    );
}
