//! The message `EmailService::send` builds, as a server receives it: a capturing SMTP server on
//! 127.0.0.1:0 records the DATA of one send made with saved settings.

mod support;

use model::ConnectionSecurity;
use std::time::Duration;
use support::{email, loopback_listener, send_with, smtp_form};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::task::JoinHandle;

/// Accepts one connection, accepts one message and returns its DATA bytes (dot-unstuffed,
/// without the final `.` line).
async fn capturing_server() -> (u16, JoinHandle<Vec<u8>>) {
    let (listener, port) = loopback_listener().await;
    let task = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept the client");
        let mut stream = BufReader::new(tcp);
        let mut data = Vec::new();
        let mut in_data = false;
        let reply = |text: &str| format!("{text}\r\n").into_bytes();
        let mut out = reply("220 capture.test ESMTP");
        loop {
            stream
                .get_mut()
                .write_all(&out)
                .await
                .expect("write a reply");
            let mut line = Vec::new();
            if stream.read_until(b'\n', &mut line).await.expect("read") == 0 {
                return data;
            }
            if in_data {
                if line == b".\r\n" {
                    in_data = false;
                    out = reply("250 2.0.0 Ok: queued as CAPTURED");
                } else {
                    let unstuffed = line.strip_prefix(b".").unwrap_or(&line);
                    data.extend_from_slice(unstuffed);
                    out = Vec::new();
                }
                continue;
            }
            let verb = String::from_utf8_lossy(&line)
                .split_whitespace()
                .next()
                .map(str::to_uppercase);
            out = match verb.as_deref() {
                Some("EHLO") => b"250-capture.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n".to_vec(),
                Some("DATA") => {
                    in_data = true;
                    reply("354 End data with <CR><LF>.<CR><LF>")
                }
                Some("QUIT") => {
                    let _ = stream.get_mut().write_all(&reply("221 2.0.0 Bye")).await;
                    return data;
                }
                _ => reply("250 2.0.0 Ok"),
            };
        }
    });
    (port, task)
}

/// Sends `body` through `EmailService::send` to the capturing server; returns the DATA text.
async fn captured_message(body: &str) -> String {
    let (port, server) = capturing_server().await;
    let from = r#""Doe, Zoë" <alerts@console.test>"#;
    let form = smtp_form("127.0.0.1", port, ConnectionSecurity::None, from);

    let delivered = send_with(&form, &email("ops@console.test", "Captured message", body)).await;

    delivered.expect("the capturing server accepts the message");
    let data = tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the capturing server finishes")
        .expect("the capturing server does not panic");
    String::from_utf8(data).expect("the message is UTF-8")
}

fn header_names(message: &str) -> Vec<String> {
    let head = message.split("\r\n\r\n").next().unwrap_or_default();
    head.split("\r\n")
        .filter(|line| !line.starts_with([' ', '\t']))
        .filter_map(|line| line.split_once(':'))
        .map(|(name, _)| name.to_ascii_lowercase())
        .collect()
}

#[tokio::test]
async fn sent_message_carries_its_own_message_id() {
    let body = "Message-ID check.\n";

    let message = captured_message(body).await;

    // RFC 5322 3.6.4: every message SHOULD have a Message-ID; large providers refuse mail
    // without one, and a relay adds it only for its own local clients.
    let names = header_names(&message);
    assert!(
        names.iter().any(|name| name == "message-id"),
        "no Message-ID in:\n{message}"
    );
}

#[tokio::test]
async fn sent_message_has_a_date_and_a_utf8_plain_text_content_type() {
    let body = "Grüße aus der Konsole.\n";

    let message = captured_message(body).await;

    let names = header_names(&message);
    for required in ["date", "from", "to", "subject", "content-type"] {
        assert!(
            names.iter().any(|name| name == required),
            "no {required} in:\n{message}"
        );
    }
    assert!(
        message
            .to_ascii_lowercase()
            .contains("content-type: text/plain; charset=utf-8"),
        "content type in:\n{message}"
    );
}

#[tokio::test]
async fn every_line_of_the_sent_message_ends_in_crlf_even_when_the_body_uses_bare_lf() {
    let body = "first line\nsecond line\n.leading dot\n\nlast line\n";

    let message = captured_message(body).await;

    let bare_lf = message
        .match_indices('\n')
        .filter(|(at, _)| !message[..*at].ends_with('\r'));
    assert_eq!(bare_lf.count(), 0, "bare LF in:\n{message:?}");
    assert!(
        message.contains("\r\n.leading dot\r\n"),
        "dot line in:\n{message:?}"
    );
}
