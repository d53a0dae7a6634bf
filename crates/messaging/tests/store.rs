//! The settings store on a real SQLite file: the password is sealed at rest, follows only its
//! own destination, is removed by a reset, survives a restart with the same key, and does not
//! open with another key (the settings then load without the password).

mod support;

use messaging::SecretCipher;
use model::{ConnectionSecurity, SmtpForm};
use secrecy::ExposeSecret;
use std::path::Path;
use support::{TempStore, smtp_form, with_credentials};

const PASSWORD: &str = "Sealed pass:w0rd\"é-4f1c";
const USER: &str = "relay-user-7d2a@console.test";

fn form_with_password() -> SmtpForm {
    let form = smtp_form(
        "mail.console.test",
        587,
        ConnectionSecurity::StartTls,
        "Alerts <alerts@console.test>",
    );
    with_credentials(form, USER, PASSWORD)
}

/// Every byte SQLite keeps for the database: the main file, its WAL and shared-memory files.
fn database_bytes(folder: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(folder).expect("list the database folder") {
        let path = entry.expect("read a folder entry").path();
        if path.is_file() {
            bytes.extend(std::fs::read(&path).expect("read a database file"));
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test]
async fn saved_password_is_not_in_the_database_files_but_loads_back() {
    let temp = TempStore::new().await;

    temp.save(&form_with_password()).await;
    let loaded = temp.load().await;

    let bytes = database_bytes(temp.dir.path());
    assert!(
        contains(&bytes, USER),
        "control: the user name must be found in the files"
    );
    assert!(
        !contains(&bytes, PASSWORD),
        "the password is stored in plain text"
    );
    let password = loaded.password.expect("a password is stored");
    assert_eq!(password.expose_secret(), PASSWORD);
    assert_eq!(loaded.user_name.as_deref(), Some(USER));
}

#[tokio::test]
async fn kept_password_survives_a_save_to_the_same_destination() {
    let (temp, mut same_destination) =
        TempStore::saved_then_keep_password(&form_with_password()).await;
    same_destination.timeout_secs = 45;

    let saved = temp
        .store
        .save_smtp(&same_destination)
        .await
        .expect("second save");

    assert_eq!(saved.timeout_secs, 45);
    let password = saved.password.expect("the password is kept");
    assert_eq!(password.expose_secret(), PASSWORD);
}

#[tokio::test]
async fn kept_password_is_dropped_when_the_port_changes() {
    let (temp, mut moved) = TempStore::saved_then_keep_password(&form_with_password()).await;
    moved.port = 2587;

    let saved = temp.store.save_smtp(&moved).await.expect("second save");

    assert_eq!(saved.port, 2587);
    assert!(
        saved.password.is_none(),
        "the password followed the changed port"
    );
    let reloaded = temp.load().await;
    assert!(
        reloaded.password.is_none(),
        "the password followed the changed port"
    );
}

#[tokio::test]
async fn reset_removes_the_settings_and_loading_then_finds_none() {
    let temp = TempStore::new().await;
    temp.save(&form_with_password()).await;

    let removed = temp.store.reset_smtp().await.expect("reset");
    let loaded = temp.store.load_smtp().await.expect("load");
    let removed_again = temp.store.reset_smtp().await.expect("second reset");

    assert!(removed, "the first reset reports that something was stored");
    assert!(
        loaded.is_none(),
        "settings are still there after the reset: {loaded:?}"
    );
    assert!(!removed_again, "a second reset reports nothing stored");
}

#[tokio::test]
async fn settings_survive_reopening_the_store_with_the_same_key_file() {
    let (temp, key) = TempStore::with_key_file().await;
    let saved = temp.save(&form_with_password()).await;

    let cipher = SecretCipher::load(&key).expect("read the key file again");
    let reopened = temp.reopen(cipher).await;
    let loaded = reopened.load().await;

    assert_eq!(loaded.view(), saved.view());
    let password = loaded.password.expect("the password is still stored");
    assert_eq!(password.expose_secret(), PASSWORD);
}

#[tokio::test]
async fn reopening_the_store_with_a_different_key_loads_the_settings_without_the_password() {
    let temp = TempStore::new().await;
    let saved = temp.save(&form_with_password()).await;

    let reopened = temp.reopen(SecretCipher::random()).await;
    let loaded = reopened.store.load_smtp().await;

    // Since 0623eb4 an undecryptable password is treated as absent (logged), not an error.
    let loaded = loaded
        .expect("the settings still load")
        .expect("settings are stored");
    assert!(
        loaded.password.is_none(),
        "a password opened with the wrong key"
    );
    assert_eq!(loaded.user_name.as_deref(), Some(USER));
    assert_eq!(loaded.server, saved.server);
    assert_eq!(loaded.port, saved.port);
}

#[tokio::test]
async fn kept_password_is_dropped_when_a_new_trusted_ca_is_saved() {
    let (temp, mut new_anchor) = TempStore::saved_then_keep_password(&form_with_password()).await;
    new_anchor.ca_certificate =
        Some("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_owned());

    let saved = temp
        .store
        .save_smtp(&new_anchor)
        .await
        .expect("second save");

    assert!(saved.ca_certificate.is_some());
    assert!(
        saved.password.is_none(),
        "the password followed a new trust anchor"
    );
}
