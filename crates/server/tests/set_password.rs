//! `messaging-console set-password NAME`: the host's way back in when a password is lost.

mod support;

use reqwest::StatusCode;
use std::io::Write;
use std::process::{Command, Stdio};
use support::{TestConsole, browser};

fn set_password(database: &std::path::Path, name: &str, password: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_messaging-console"))
        .args(["set-password", name])
        .env("CONSOLE_DATABASE", database)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn set_password_creates_an_administrator_then_replaces_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("console.sqlite3");

    let short = set_password(&database, "boss", "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stdout).contains("at least 12"));

    let created = set_password(&database, "boss", "first long passphrase");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let replaced = set_password(&database, "boss", "second long passphrase");
    assert!(replaced.status.success());
    for output in [&created, &replaced] {
        let printed = String::from_utf8_lossy(&output.stdout);
        assert!(!printed.contains("passphrase"), "{printed}");
    }

    // An administrator exists: no setup link, and only the newest password works.
    let (console, setup_token) = TestConsole::start_signed_out(dir, &[]).await;
    assert!(setup_token.is_none());
    let client = browser();
    assert_eq!(
        console
            .sign_in(&client, "boss", "first long passphrase")
            .await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        console
            .sign_in(&client, "boss", "second long passphrase")
            .await,
        StatusCode::OK
    );
}
