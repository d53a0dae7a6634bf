//! Administrators and sessions in the real SQLite schema: idle and absolute expiry, the
//! first-administrator rule, names without case, and what a stored session reveals.

use messaging::admin::{Added, SessionToken, token_digest};
use messaging::{AdminStore, DatabaseLocation, SecretCipher, SessionLifetime, SettingsStore};

async fn store() -> AdminStore {
    SettingsStore::open(&DatabaseLocation::SqliteMemory, SecretCipher::random())
        .await
        .unwrap()
        .admins()
}

const LIFETIME: SessionLifetime = SessionLifetime {
    idle_secs: 600,
    absolute_secs: 3600,
};

#[tokio::test]
async fn a_session_ends_after_the_idle_time_without_requests() {
    let store = store().await;
    let Added::Created(id) = store.create_first("admin", "$hash", 1_000).await.unwrap() else {
        panic!("first administrator not created");
    };
    let token = SessionToken::generate();
    store.start_session(&token, id, 1_000).await.unwrap();
    let digest = token_digest(token.expose());

    // Used at 1 500: the idle clock restarts there.
    assert!(
        store
            .use_session(&digest, LIFETIME, 1_500)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .use_session(&digest, LIFETIME, 2_099)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .use_session(&digest, LIFETIME, 2_699)
            .await
            .unwrap()
            .is_none()
    );
    // Gone for good: it was deleted, not only refused.
    assert!(
        store
            .use_session(&digest, LIFETIME, 2_100)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_busy_session_still_ends_at_the_absolute_limit() {
    let store = store().await;
    let Added::Created(id) = store.create_first("admin", "$hash", 0).await.unwrap() else {
        panic!("first administrator not created");
    };
    let token = SessionToken::generate();
    store.start_session(&token, id, 0).await.unwrap();
    let digest = token_digest(token.expose());
    for now in (300..3600).step_by(300) {
        let session = store.use_session(&digest, LIFETIME, now).await.unwrap();
        assert_eq!(
            session.map(|s| s.name).as_deref(),
            Some("admin"),
            "at {now}"
        );
    }
    assert!(
        store
            .use_session(&digest, LIFETIME, 3600)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn only_one_first_administrator_and_names_ignore_case() {
    let store = store().await;
    assert!(matches!(
        store.create_first("admin", "$h", 0).await.unwrap(),
        Added::Created(_)
    ));
    assert_eq!(
        store.create_first("other", "$h", 0).await.unwrap(),
        Added::NotFirst
    );
    assert_eq!(
        store.add("ADMIN", "$h", "admin", 0).await.unwrap(),
        Added::NameTaken
    );
    assert!(matches!(
        store.add("second", "$h", "admin", 0).await.unwrap(),
        Added::Created(_)
    ));
    assert_eq!(
        store
            .find("Second")
            .await
            .unwrap()
            .map(|a| a.name)
            .as_deref(),
        Some("second")
    );
    assert_eq!(store.count().await.unwrap(), 2);
}

#[tokio::test]
async fn expired_sessions_are_purged_and_a_session_id_is_stored_only_as_its_hash() {
    let store = store().await;
    let Added::Created(id) = store.create_first("admin", "$h", 0).await.unwrap() else {
        panic!("first administrator not created");
    };
    let (old, fresh) = (SessionToken::generate(), SessionToken::generate());
    store.start_session(&old, id, 0).await.unwrap();
    store.start_session(&fresh, id, 3_000).await.unwrap();
    assert_eq!(store.purge_expired(LIFETIME, 3_100).await.unwrap(), 1);
    assert!(
        store
            .use_session(&token_digest(fresh.expose()), LIFETIME, 3_100)
            .await
            .unwrap()
            .is_some()
    );
    assert_ne!(token_digest(fresh.expose()), fresh.expose().as_bytes());
    assert_eq!(token_digest(fresh.expose()).len(), 32);
}
