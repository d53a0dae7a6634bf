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

/// A console running on a free loopback port, stopped when dropped.
pub struct TestConsole {
    pub base: String,
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
        let database = dir.path().join("console.sqlite3");
        let config = Config::from_lookup(|name| match name {
            "CONSOLE_LISTEN" => Some("127.0.0.1:0".to_owned()),
            "CONSOLE_DATABASE" => Some(database.to_string_lossy().into_owned()),
            "CONSOLE_SITE_ROOT" => Some(dir.path().join("site").to_string_lossy().into_owned()),
            _ => None,
        })
        .unwrap();
        let services = startup::build_services(&config).await.unwrap();
        let listener = startup::bind(&config).await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let router = startup::router(services, &config);
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            startup::serve(listener, router, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        TestConsole {
            base,
            client: reqwest::Client::new(),
            stop: Some(stop),
            server: Some(server),
            _dir: dir,
            database,
        }
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

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
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
