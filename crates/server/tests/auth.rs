//! Administrators, sessions and limits over HTTP: what a request without a session gets, how
//! the cookie is set and renewed, sign-out, the setup link, throttling of failed sign-ins, the
//! test-send allowance and the audit log.

mod support;

use reqwest::StatusCode;
use reqwest::header::{LOCATION, RETRY_AFTER, SET_COOKIE};
use serde_json::{Value, json};
use support::{ADMIN, ADMIN_PASSWORD, TestConsole, bare_client, browser};

fn smtp_form(port: u16) -> Value {
    json!({
        "server_name": "127.0.0.1",
        "port": port.to_string(),
        "security": "none",
        "user_name": "relay-user",
        "password": {"new_password": "s3cret-relay-pass", "confirm": "s3cret-relay-pass", "remove_stored": false},
        "from_address": "console@example.net",
        "timeout_secs": "5",
        "ca_certificate": ""
    })
}

/// The session id a response sets, if any.
fn session_set_by(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|cookie| cookie.strip_prefix("console_session="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
}

async fn sign_in_bare(console: &TestConsole, name: &str, password: &str) -> reqwest::Response {
    bare_client()
        .post(console.url("/login"))
        .form(&[("name", name), ("password", password)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn without_a_session_pages_redirect_to_sign_in_and_the_api_answers_401() {
    let console = TestConsole::start().await;
    let anonymous = bare_client();

    let page = anonymous
        .get(console.url("/messaging/sms?x=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        page.headers()[LOCATION],
        "/login?next=/messaging/sms%3Fx%3D1"
    );

    for path in ["/api/smtp/settings", "/api/sms/settings"] {
        let response = anonymous.get(console.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(response.text().await.unwrap(), "\"SignedOut\"");
    }
    let save = anonymous
        .post(console.url("/api/smtp/save"))
        .json(&json!({ "form": smtp_form(25) }))
        .send()
        .await
        .unwrap();
    assert_eq!(save.status(), StatusCode::UNAUTHORIZED);
    for path in ["/admin/audit", "/admin/administrators", "/no/such/page"] {
        let response = anonymous.get(console.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
    }
    // Nothing was saved by the refused request.
    assert_eq!(console.settings().await, Value::Null);
    // The sign-in page itself is public and carries a policy allowing no script at all.
    let login = anonymous.get(console.url("/login")).send().await.unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let policy = login.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(!login.text().await.unwrap().contains("<script"));
}

#[tokio::test]
async fn the_cookie_is_http_only_strict_and_secure_behind_https() {
    let console = TestConsole::start().await;

    let response = sign_in_bare(&console, ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");

    let proxied = bare_client()
        .post(console.url("/login"))
        .header("x-forwarded-proto", "https")
        .form(&[("name", ADMIN), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = proxied.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn signing_in_always_issues_a_new_session_id_and_ends_the_one_presented() {
    let console = TestConsole::start().await;
    let first = session_set_by(&sign_in_bare(&console, ADMIN, ADMIN_PASSWORD).await).unwrap();

    let again = bare_client()
        .post(console.url("/login"))
        .header("cookie", format!("console_session={first}"))
        .form(&[("name", ADMIN), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    let second = session_set_by(&again).unwrap();

    assert_ne!(first, second);
    let with = |token: &str| {
        bare_client()
            .get(console.url("/api/smtp/settings"))
            .header("cookie", format!("console_session={token}"))
            .send()
    };
    assert_eq!(
        with(&first).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(with(&second).await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let console = TestConsole::start().await;
    let token = session_set_by(&sign_in_bare(&console, ADMIN, ADMIN_PASSWORD).await).unwrap();
    let cookie = format!("console_session={token}");

    let out = bare_client()
        .post(console.url("/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(
        out.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );

    // The old cookie, replayed, no longer works.
    let replay = bare_client()
        .get(console.url("/api/smtp/settings"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cross_site_requests_are_refused_even_with_a_session() {
    let console = TestConsole::start().await;
    for path in [
        "/api/smtp/reset",
        "/logout",
        "/login",
        "/admin/administrators",
    ] {
        let response = console
            .client
            .post(console.url(path))
            .header("origin", "https://attacker.example")
            .header("sec-fetch-site", "cross-site")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("name=x&password=y&confirm=y")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // Still signed in: the cross-site sign-out did nothing.
    assert_eq!(console.settings().await, Value::Null);
}

#[tokio::test]
async fn the_setup_link_works_once_and_checks_its_fields() {
    let dir = tempfile::tempdir().unwrap();
    let (console, token) = TestConsole::start_signed_out(dir, &[]).await;
    let token = token.expect("a new console prints a setup link");
    let client = bare_client();

    let wrong = client
        .get(console.url("/setup?token=guess"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let login = client
        .get(console.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(login.contains("No administrator exists yet"), "{login}");

    let short = client
        .post(console.url("/setup"))
        .form(&[
            ("token", token.as_str()),
            ("name", "ops lead"),
            ("password", "short"),
            ("confirm", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = short.text().await.unwrap();
    assert!(
        page.contains(r#"data-field="name""#) && page.contains("is not allowed"),
        "{page}"
    );
    assert!(
        page.contains(r#"data-field="password""#) && page.contains("at least 12"),
        "{page}"
    );
    assert!(!page.contains("short\""), "a password is never echoed back");

    let created = client
        .post(console.url("/setup"))
        .form(&[
            ("token", token.as_str()),
            ("name", "ops-lead"),
            ("password", ADMIN_PASSWORD),
            ("confirm", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert!(
        session_set_by(&created).is_some(),
        "the new administrator is signed in"
    );

    let reused = client
        .post(console.url("/setup"))
        .form(&[
            ("token", token.as_str()),
            ("name", "intruder"),
            ("password", ADMIN_PASSWORD),
            ("confirm", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reused.status(), StatusCode::GONE);
    assert_eq!(
        sign_in_bare(&console, "intruder", ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn failed_sign_ins_are_slowed_per_account_without_locking_out_for_good() {
    let console = TestConsole::start().await;
    for _ in 0..5 {
        let wrong = sign_in_bare(&console, ADMIN, "not the password").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        assert!(
            wrong
                .text()
                .await
                .unwrap()
                .contains("Wrong name or password.")
        );
    }

    // Now even the right password must wait: the answer says how long.
    let throttled = sign_in_bare(&console, ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = throttled.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    assert!(throttled.text().await.unwrap().contains("Try again in"));
    assert!(session_set_by(&sign_in_bare(&console, ADMIN, ADMIN_PASSWORD).await).is_none());

    // Existing sessions are untouched, and the log has every try.
    let log = console
        .client
        .get(console.url("/admin/audit"))
        .send()
        .await
        .unwrap();
    let log = log.text().await.unwrap();
    assert_eq!(
        log.matches(r#"data-action="sign-in" data-outcome="failed""#)
            .count(),
        5
    );
    assert!(log.contains(r#"data-action="sign-in" data-outcome="refused""#));
    assert!(!log.contains("not the password"));
}

#[tokio::test]
async fn one_address_guessing_many_names_is_slowed() {
    let console = TestConsole::start().await;
    for n in 0..10 {
        let name = format!("guess{n}");
        assert_eq!(
            sign_in_bare(&console, &name, "x").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let next = sign_in_bare(&console, "yet-another-name", "x").await;
    assert_eq!(next.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn test_sends_are_limited_per_administrator_and_the_answer_says_when_to_retry() {
    let dir = tempfile::tempdir().unwrap();
    let console = TestConsole::start_with(dir, &[("CONSOLE_TEST_SEND_LIMIT", "2")]).await;
    // A port nothing listens on: each send fails fast, and still counts.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (status, body) = console.save(smtp_form(closed)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let test = json!({"recipient": "jane.doe@example.net", "message": "hello"});

    // A mistyped recipient is refused before counting.
    let (status, _) = console
        .post_form(
            "/api/smtp/test-email",
            json!({"recipient": "not an address", "message": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for _ in 0..2 {
        let (status, body) = console
            .post_form("/api/smtp/test-email", test.clone())
            .await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    }
    let (status, body) = console
        .post_form("/api/smtp/test-email", test.clone())
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let refusal: Value = serde_json::from_str(&body).unwrap();
    let wait = refusal["TooManyTestSends"]["retry_after_secs"]
        .as_u64()
        .unwrap();
    assert!((1..=600).contains(&wait), "{body}");

    // Another administrator has an allowance of their own.
    let (status, _) = console
        .post_form_as(
            &console.client,
            "/admin/administrators",
            &[
                ("name", "second"),
                ("password", ADMIN_PASSWORD),
                ("confirm", ADMIN_PASSWORD),
                ("current", ADMIN_PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let second = browser();
    assert_eq!(
        console.sign_in(&second, "second", ADMIN_PASSWORD).await,
        StatusCode::OK
    );
    let response = second
        .post(console.url("/api/smtp/test-email"))
        .json(&json!({ "form": test }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);

    let log = console
        .client
        .get(console.url("/admin/audit"))
        .send()
        .await
        .unwrap();
    let log = log.text().await.unwrap();
    assert!(log.contains(r#"data-action="test email" data-outcome="refused""#));
    assert_eq!(
        log.matches(r#"data-action="test email" data-outcome="failed""#)
            .count(),
        3
    );
    assert!(log.contains("j***@e***.net"), "recipients are masked");
    assert!(!log.contains("jane.doe@example.net"));
}

#[tokio::test]
async fn the_audit_log_shows_who_changed_which_field_and_never_a_password() {
    let console = TestConsole::start().await;
    let (status, _) = console.save(smtp_form(25)).await;
    assert_eq!(status, StatusCode::OK);
    let mut changed = smtp_form(587);
    changed["password"] = json!({"new_password": "an0ther-relay-pass", "confirm": "an0ther-relay-pass", "remove_stored": false});
    let (status, _) = console.save(changed).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = console.reset().await;
    assert_eq!(status, StatusCode::OK);

    let log = console
        .client
        .get(console.url("/admin/audit"))
        .send()
        .await
        .unwrap();
    assert_eq!(log.headers()["cache-control"], "no-store");
    let log = log.text().await.unwrap();
    assert!(log.contains(r#"data-action="SMTP settings reset""#));
    assert!(log.contains("saved; password changed"));
    assert!(log.contains(r#"<span class="change-field">port</span>: <span class="old">25</span> → <span class="new">587</span>"#), "{log}");
    assert!(log.contains(r#"data-action="first administrator""#));
    for secret in ["s3cret-relay-pass", "an0ther-relay-pass", ADMIN_PASSWORD] {
        assert!(!log.contains(secret), "{secret} in the audit log");
    }
    let database = std::fs::read(&console.database).unwrap();
    for secret in ["s3cret-relay-pass", "an0ther-relay-pass", ADMIN_PASSWORD] {
        assert!(
            !database
                .windows(secret.len())
                .any(|w| w == secret.as_bytes()),
            "{secret} in the database file"
        );
    }
}

#[tokio::test]
async fn administrators_add_others_and_change_their_own_password() {
    let console = TestConsole::start().await;
    let add = async |name: &str, password: &str| {
        let fields = [
            ("name", name),
            ("password", password),
            ("confirm", password),
            ("current", ADMIN_PASSWORD),
        ];
        console
            .post_form_as(&console.client, "/admin/administrators", &fields)
            .await
    };
    let (status, _) = add("second", "another long passphrase").await;
    assert_eq!(status, StatusCode::OK);
    // Adding needs the administrator's own password: a session left open is not enough.
    let fields = [
        ("name", "third"),
        ("password", "another long passphrase"),
        ("confirm", "another long passphrase"),
        ("current", "not my password"),
    ];
    let (status, page) = console
        .post_form_as(&console.client, "/admin/administrators", &fields)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("not your current password"), "{page}");
    let (status, page) = add("SECOND", "another long passphrase").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("exists already"), "{page}");

    // The second administrator signs in twice, then changes their password from one session.
    let (kept, ended) = (browser(), browser());
    for client in [&kept, &ended] {
        assert_eq!(
            console
                .sign_in(client, "second", "another long passphrase")
                .await,
            StatusCode::OK
        );
    }
    let (status, page) = console
        .post_form_as(
            &kept,
            "/admin/password",
            &[
                ("current", "wrong"),
                ("password", "a third passphrase"),
                ("confirm", "a third passphrase"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("not your current password"), "{page}");
    let (status, page) = console
        .post_form_as(
            &kept,
            "/admin/password",
            &[
                ("current", "another long passphrase"),
                ("password", "a third passphrase"),
                ("confirm", "a third passphrase"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Your password was changed"));

    let status_of = |client: &reqwest::Client| client.get(console.url("/api/smtp/settings")).send();
    assert_eq!(status_of(&kept).await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        status_of(&ended).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in_bare(&console, "second", "another long passphrase")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in_bare(&console, "Second", "a third passphrase")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let list = console
        .client
        .get(console.url("/admin/administrators"))
        .send()
        .await
        .unwrap();
    let list = list.text().await.unwrap();
    assert!(
        list.contains("<td>second</td>") && list.contains("<td>admin</td>"),
        "{list}"
    );
}

#[tokio::test]
async fn sign_ins_sent_all_at_once_are_counted_before_any_password_is_checked() {
    let console = TestConsole::start().await;
    let base = console.base.clone();
    let handles: Vec<_> = (0..20)
        .map(|_| {
            let url = format!("{base}/login");
            tokio::spawn(async move {
                bare_client()
                    .post(url)
                    .form(&[("name", ADMIN), ("password", "a wrong guess")])
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for handle in handles {
        statuses.push(handle.await.unwrap());
    }

    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let slowed = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, slowed), (5, 15), "{statuses:?}");
}

#[tokio::test]
async fn names_typed_at_sign_in_cannot_disguise_themselves_in_the_audit_log() {
    let console = TestConsole::start().await;
    let disguised = "r2\u{202e} deliatnI \u{202c}\nforged line";
    let status = sign_in_bare(&console, disguised, "x").await.status();
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let log = console
        .client
        .get(console.url("/admin/audit"))
        .send()
        .await
        .unwrap();
    let log = log.text().await.unwrap();
    assert!(
        !log.contains('\u{202e}') && !log.contains("\nforged"),
        "{log}"
    );
    assert!(
        log.contains(r"r2\u{202e} deliatnI \u{202c}\u{a}forged line"),
        "{log}"
    );
}
