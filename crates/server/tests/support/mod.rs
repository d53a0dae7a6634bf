//! The console under test: the real router on a free loopback port with a fresh SQLite file,
//! and helpers to call its API.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use reqwest::StatusCode;
use serde_json::{Value, json};
use server::config::Config;
use server::startup;
use std::path::PathBuf;
use tempfile::TempDir;
use tokio::sync::oneshot;

/// The first administrator every test console has, signed in as [`TestConsole::client`].
pub const ADMIN: &str = "admin";
/// Their password.
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// A console running on a free loopback port, stopped when dropped.
pub struct TestConsole {
    pub base: String,
    /// Signed in as [`ADMIN`] (keeps cookies).
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _dir: TempDir,
    pub database: PathBuf,
}

impl TestConsole {
    pub async fn start() -> TestConsole {
        let dir = tempfile::tempdir().unwrap();
        Self::start_in(dir).await
    }

    pub async fn start_in(dir: TempDir) -> TestConsole {
        Self::start_with(dir, &[]).await
    }

    /// A console with extra configuration (`CONSOLE_…` variables), signed in as [`ADMIN`]:
    /// created through the setup link on a new database, signed in on a reopened one.
    pub async fn start_with(dir: TempDir, settings: &[(&str, &str)]) -> TestConsole {
        let (console, setup_token) = Self::start_signed_out(dir, settings).await;
        match setup_token {
            Some(token) => {
                let response = console
                    .client
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
                assert!(
                    response.status().is_success(),
                    "setup: {}",
                    response.status()
                );
            }
            None => {
                let status = console
                    .sign_in(&console.client, ADMIN, ADMIN_PASSWORD)
                    .await;
                assert_eq!(status, StatusCode::OK);
            }
        }
        console
    }

    /// A console nobody is signed in to, and the setup token it printed (on a new database).
    pub async fn start_signed_out(
        dir: TempDir,
        settings: &[(&str, &str)],
    ) -> (TestConsole, Option<String>) {
        let database = dir.path().join("console.sqlite3");
        let config = Config::from_lookup(|name| match name {
            "CONSOLE_LISTEN" => Some("127.0.0.1:0".to_owned()),
            "CONSOLE_DATABASE" => Some(database.to_string_lossy().into_owned()),
            "CONSOLE_SITE_ROOT" => Some(dir.path().join("site").to_string_lossy().into_owned()),
            other => settings
                .iter()
                .find(|(name, _)| *name == other)
                .map(|(_, value)| (*value).to_owned()),
        })
        .unwrap();
        let services = startup::build_services(&config).await.unwrap();
        let auth = startup::auth(&services, &config);
        let setup_token = auth.open_setup().await.unwrap();
        let listener = startup::bind(&config).await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let router = startup::router(services, auth, &config);
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            startup::serve(listener, router, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        let console = TestConsole {
            base,
            client: browser(),
            stop: Some(stop),
            server: Some(server),
            _dir: dir,
            database,
        };
        (console, setup_token)
    }

    /// Signs `client` in; the status of the page it ends on (200 after the redirect).
    pub async fn sign_in(
        &self,
        client: &reqwest::Client,
        name: &str,
        password: &str,
    ) -> StatusCode {
        client
            .post(self.url("/login"))
            .form(&[("name", name), ("password", password)])
            .send()
            .await
            .unwrap()
            .status()
    }

    /// Stops the server and hands back its folder, so a new console can reopen it.
    pub async fn shut_down(mut self) -> TempDir {
        let _ = self.stop.take().unwrap().send(());
        self.server.take().unwrap().await.unwrap();
        let placeholder = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self._dir, placeholder)
    }

    pub async fn settings(&self) -> Value {
        let response = self
            .client
            .get(self.url("/api/smtp/settings"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    pub async fn save(&self, form: Value) -> (StatusCode, String) {
        let response = self
            .client
            .post(self.url("/api/smtp/save"))
            .json(&json!({ "form": form }))
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    pub async fn reset(&self) -> (StatusCode, String) {
        let response = self
            .client
            .post(self.url("/api/smtp/reset"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("")
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// The stored SMS gateway as the API shows it.
    pub async fn sms_settings(&self) -> Value {
        let response = self
            .client
            .get(self.url("/api/sms/settings"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// Posts `{"form": form}` as JSON to a server function.
    pub async fn post_form(&self, path: &str, form: Value) -> (StatusCode, String) {
        let response = self
            .client
            .post(self.url(path))
            .json(&json!({ "form": form }))
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// Posts an HTML form as `client`; the status and text of the page it ends on.
    pub async fn post_form_as(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let response = client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// A client that keeps cookies and follows redirects, like a browser.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

/// A client that keeps nothing and follows no redirect, to look at each answer.
pub fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The `(field, message)` pairs of a 422 answer.
pub fn field_errors(body: &str) -> Vec<(String, String)> {
    let value: Value = serde_json::from_str(body).unwrap();
    value["Invalid"]
        .as_array()
        .unwrap_or_else(|| panic!("expected field errors, got {body}"))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}
