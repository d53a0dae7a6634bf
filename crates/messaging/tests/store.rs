//! The settings store on a real SQLite file: the password is sealed at rest, follows only its
//! own destination, is removed by a reset, survives a restart with the same key, and does not
//! open with another key (the settings then load without the password).

mod support;

use messaging::{DatabaseLocation, KeySource, SecretCipher, SettingsStore};
use model::{ConnectionSecurity, PasswordPlan, SmtpForm};
use secrecy::ExposeSecret;
use std::path::Path;
use support::{TempStore, save_form, smtp_form, with_credentials};

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
    let loaded = temp
        .store
        .load_smtp()
        .await
        .expect("load")
        .expect("settings are stored");

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
    let temp = TempStore::new().await;
    let first = form_with_password().validate(None).expect("valid form");
    temp.store.save_smtp(&first).await.expect("first save");
    let mut same_destination = first.clone();
    same_destination.password = PasswordPlan::Keep;
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
    let temp = TempStore::new().await;
    let first = form_with_password().validate(None).expect("valid form");
    temp.store.save_smtp(&first).await.expect("first save");
    let mut moved = first.clone();
    moved.password = PasswordPlan::Keep;
    moved.port = 2587;

    let saved = temp.store.save_smtp(&moved).await.expect("second save");

    assert_eq!(saved.port, 2587);
    assert!(
        saved.password.is_none(),
        "the password followed the changed port"
    );
    let reloaded = temp
        .store
        .load_smtp()
        .await
        .expect("load")
        .expect("settings are stored");
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
    let dir = tempfile::tempdir().expect("temporary folder");
    let database = DatabaseLocation::SqliteFile(dir.path().join("settings.sqlite"));
    let key = KeySource::File(dir.path().join("secret.key"));
    let cipher = SecretCipher::load(&key).expect("create the key file");
    let store = SettingsStore::open(&database, cipher)
        .await
        .expect("open the store");
    let saved = save_form(&store, &form_with_password()).await;
    drop(store);

    let cipher = SecretCipher::load(&key).expect("read the key file again");
    let reopened = SettingsStore::open(&database, cipher)
        .await
        .expect("reopen the store");
    let loaded = reopened
        .load_smtp()
        .await
        .expect("load")
        .expect("settings are stored");

    assert_eq!(loaded.view(), saved.view());
    let password = loaded.password.expect("the password is still stored");
    assert_eq!(password.expose_secret(), PASSWORD);
}

#[tokio::test]
async fn reopening_the_store_with_a_different_key_loads_the_settings_without_the_password() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let database = DatabaseLocation::SqliteFile(dir.path().join("settings.sqlite"));
    let store = SettingsStore::open(&database, SecretCipher::random())
        .await
        .expect("open");
    let saved = save_form(&store, &form_with_password()).await;
    drop(store);

    let reopened = SettingsStore::open(&database, SecretCipher::random())
        .await
        .expect("reopen");
    let loaded = reopened.load_smtp().await;

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
