//! The stored SMS gateway on a real SQLite file: its settings load back as saved, its secret is
//! sealed at rest, follows only the destination (kind, URL, account, trusted CA) it was entered
//! for, and is gone from the files after a reset.

mod support;

use messaging::{SecretCipher, SmsError};
use model::sms::{KannelForm, TwilioForm};
use model::{
    FieldId, GatewayConfig, GatewayKind, PasswordPlan, SmsGatewayForm, SmsGatewaySettings,
};
use secrecy::ExposeSecret;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use std::path::Path;
use support::TempStore;
use support::sms::{gateway_form, test_sms, twilio_gateway};

const SECRET: &str = "Gw secret&+é:42-7f3a";
const USER: &str = "console-sms-user-5e1b";
const URL: &str = "http://kannel.console.test:13013/cgi-bin/sendsms";

fn kannel_form() -> SmsGatewayForm {
    SmsGatewayForm {
        kannel: KannelForm {
            url: URL.to_owned(),
            user_name: USER.to_owned(),
            sender: "Console".to_owned(),
            smsc_id: "fakesmsc".to_owned(),
            ..KannelForm::default()
        },
        max_segments: "4".to_owned(),
        timeout_secs: "20".to_owned(),
        ..gateway_form(GatewayKind::Kannel, SECRET)
    }
}

/// A store holding [`kannel_form`] (saved once), and the same settings with
/// `PasswordPlan::Keep`: what a second save with the secret box left empty sends.
async fn saved_then_keep_secret() -> (TempStore, SmsGatewaySettings) {
    let temp = TempStore::new().await;
    let first = kannel_form().validate(None).expect("valid form");
    temp.store
        .save_sms_gateway(&first)
        .await
        .expect("first save");
    let mut again = first;
    again.secret = PasswordPlan::Keep;
    (temp, again)
}

/// `settings`' Kannel part, to change it.
fn kannel(settings: &mut SmsGatewaySettings) -> &mut model::sms::KannelConfig {
    match &mut settings.gateway {
        GatewayConfig::Kannel(config) => config,
        other => panic!("expected Kannel settings, got {other:?}"),
    }
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

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// A second connection to the store's database file, as a person with the file would have.
async fn open_directly(temp: &TempStore) -> SqlitePool {
    SqlitePool::connect_with(SqliteConnectOptions::new().filename(&temp.path))
        .await
        .expect("open the database file directly")
}

#[tokio::test]
async fn saved_gateway_loads_back_with_its_settings_and_secret() {
    let temp = TempStore::new().await;
    let form = kannel_form();

    let saved = temp.save_gateway(&form).await;
    let loaded = temp.load_gateway().await;

    assert_eq!(loaded.view(), saved.view());
    assert_eq!(loaded.max_segments, 4);
    assert_eq!(loaded.timeout_secs, 20);
    assert!(loaded.view().secret_stored);
    let secret = loaded.secret.as_ref().expect("a secret is stored");
    assert_eq!(secret.expose_secret(), SECRET);
    let mut shown = form.clone();
    shown.secret = Default::default();
    assert_eq!(
        loaded.view().to_form(),
        shown,
        "the page gets back what was typed"
    );
}

#[tokio::test]
async fn saved_secret_is_not_in_the_database_files() {
    let temp = TempStore::new().await;

    temp.save_gateway(&kannel_form()).await;

    let bytes = database_bytes(temp.dir.path());
    assert!(
        contains(&bytes, USER.as_bytes()),
        "control: the user name must be found in the files"
    );
    assert!(
        !contains(&bytes, SECRET.as_bytes()),
        "the secret is stored in plain text"
    );
}

#[tokio::test]
async fn secret_left_empty_is_kept_when_the_destination_is_unchanged() {
    let temp = TempStore::new().await;
    let stored = temp.save_gateway(&kannel_form()).await.view().stored();
    let mut again = kannel_form();
    again.secret = Default::default();
    again.kannel.sender = "NAC Alerts".to_owned();
    again.max_segments = "2".to_owned();

    let settings = again.validate(Some(&stored)).expect("valid form");
    let saved = temp
        .store
        .save_sms_gateway(&settings)
        .await
        .expect("second save");

    assert_eq!(settings.secret, PasswordPlan::Keep);
    assert_eq!(saved.max_segments, 2);
    let secret = saved.secret.expect("the secret is kept");
    assert_eq!(secret.expose_secret(), SECRET);
    let bytes = database_bytes(temp.dir.path());
    assert!(!contains(&bytes, SECRET.as_bytes()), "stored in plain text");
}

#[tokio::test]
async fn secret_left_empty_for_a_changed_url_is_refused_by_validation() {
    let temp = TempStore::new().await;
    let stored = temp.save_gateway(&kannel_form()).await.view().stored();
    let mut moved = kannel_form();
    moved.secret = Default::default();
    moved.kannel.url = "http://elsewhere.console.test:13013/cgi-bin/sendsms".to_owned();

    let errors = moved
        .validate(Some(&stored))
        .expect_err("the secret must be typed again");

    let message = errors.get(FieldId::GatewaySecret).unwrap_or_default();
    assert!(message.contains("enter the password again"), "{errors:?}");
}

#[tokio::test]
async fn kept_secret_is_dropped_when_the_url_changes() {
    let (temp, mut moved) = saved_then_keep_secret().await;
    kannel(&mut moved).url =
        model::WebUrl::parse("http://kannel.console.test:14013/cgi-bin/sendsms").expect("a URL");

    let saved = temp
        .store
        .save_sms_gateway(&moved)
        .await
        .expect("second save");

    assert_eq!(saved.gateway, moved.gateway, "the new URL is stored");
    assert!(
        saved.secret.is_none(),
        "the secret followed the changed URL"
    );
    assert!(
        temp.load_gateway().await.secret.is_none(),
        "the secret followed the changed URL"
    );
}

#[tokio::test]
async fn kept_secret_is_dropped_when_the_user_changes() {
    let (temp, mut renamed) = saved_then_keep_secret().await;
    kannel(&mut renamed).user_name = "another-user".to_owned();

    let saved = temp
        .store
        .save_sms_gateway(&renamed)
        .await
        .expect("second save");

    assert!(
        saved.secret.is_none(),
        "the secret followed the changed user"
    );
}

#[tokio::test]
async fn kept_secret_is_dropped_when_a_new_trusted_ca_is_saved() {
    let (temp, mut new_anchor) = saved_then_keep_secret().await;
    new_anchor.ca_certificate =
        Some("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_owned());

    let saved = temp
        .store
        .save_sms_gateway(&new_anchor)
        .await
        .expect("second save");

    assert!(saved.ca_certificate.is_some());
    assert!(
        saved.secret.is_none(),
        "the secret followed a new trust anchor"
    );
}

#[tokio::test]
async fn kept_secret_is_dropped_when_the_twilio_account_changes() {
    let temp = TempStore::new().await;
    let first = twilio_gateway(
        "https://api.twilio.com",
        "AC0123456789abcdef0123456789abcdef",
        "+44 7700 900001",
        SECRET,
    );
    temp.save_gateway(&first).await;
    let mut other_account = SmsGatewayForm {
        twilio: TwilioForm {
            account_sid: "ACfedcba9876543210fedcba9876543210".to_owned(),
            ..first.twilio.clone()
        },
        ..first
    }
    .validate(None)
    .expect("valid form");
    other_account.secret = PasswordPlan::Keep;

    let saved = temp
        .store
        .save_sms_gateway(&other_account)
        .await
        .expect("second save");

    assert!(
        saved.secret.is_none(),
        "the token followed the changed account"
    );
}

#[tokio::test]
async fn reset_removes_the_gateway_and_its_sealed_secret_from_the_files() {
    let temp = TempStore::new().await;
    temp.save_gateway(&kannel_form()).await;
    let direct = open_directly(&temp).await;
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT secret_sealed FROM sms_gateway WHERE id = 1")
        .fetch_one(&direct)
        .await
        .expect("read the sealed secret");
    direct.close().await;
    assert!(
        contains(&database_bytes(temp.dir.path()), &sealed),
        "control: the sealed secret must be found in the files before the reset"
    );

    let removed = temp.store.reset_sms_gateway().await.expect("reset");
    let loaded = temp.store.load_sms_gateway().await.expect("load");
    let removed_again = temp.store.reset_sms_gateway().await.expect("second reset");

    assert!(removed, "the first reset reports that something was stored");
    assert!(
        loaded.is_none(),
        "the gateway is still there after the reset"
    );
    assert!(!removed_again, "a second reset reports nothing stored");
    assert!(
        !contains(&database_bytes(temp.dir.path()), &sealed),
        "the sealed secret is still in the files after the reset"
    );
}

#[tokio::test]
async fn sealed_secret_moved_to_another_destination_does_not_open() {
    let temp = TempStore::new().await;
    temp.save_gateway(&kannel_form()).await;
    let direct = open_directly(&temp).await;
    sqlx::query("UPDATE sms_gateway SET secret_destination = 'kannel http://evil.test:80 x'")
        .execute(&direct)
        .await
        .expect("tamper with the destination");
    direct.close().await;

    let loaded = temp.load_gateway().await;

    assert!(
        loaded.secret.is_none(),
        "a secret sealed for one destination opened for another"
    );
}

#[tokio::test]
async fn gateway_whose_secret_no_longer_opens_reports_the_secret_missing() {
    let temp = TempStore::new().await;
    temp.save_gateway(&kannel_form()).await;
    let reopened = temp.reopen(SecretCipher::random()).await;

    let outcome = reopened
        .sms_service()
        .send_test(&test_sms("+44 7700 900123", "Hello"))
        .await;

    assert!(
        matches!(outcome, Err(SmsError::SecretMissing)),
        "expected the secret to be missing, got {outcome:#?}"
    );
    let loaded = reopened.load_gateway().await;
    assert!(!loaded.view().secret_stored);
    assert_eq!(
        loaded.gateway.kind(),
        GatewayKind::Kannel,
        "the settings still load"
    );
}
